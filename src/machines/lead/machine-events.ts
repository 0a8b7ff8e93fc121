// The events the lead machine takes: the lead events of the domain (what enters from outside) and the one
// it raises itself, `qualifying.read`: a message in QUALIFYING that no interruption took, read once against
// the current question, so the chart's guarded transitions choose its outcome without reading it again.
import type { LeadEvent, MessageReceivedEvent } from '../../domain/lead-events.ts';
import type { QualifyingReading } from './qualifying.ts';

export interface QualifyingReadEvent {
  type: 'qualifying.read';
  at: string;
  message: MessageReceivedEvent;
  reading: QualifyingReading;
}

export type LeadMachineEvent = LeadEvent | QualifyingReadEvent;

/** The inbound message an event applies, if any: the turn's sends are direct replies to it. */
export function inboundMessageOf(event: LeadMachineEvent): MessageReceivedEvent | undefined {
  if (event.type === 'message.received') return event;
  return event.type === 'qualifying.read' ? event.message : undefined;
}

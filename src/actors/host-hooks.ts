// Instrumentation points for tests and diagnostics (the Stately inspector uses afterApply). None is needed
// for correct processing.
import type { AnyEventObject, AnyStateMachine, Snapshot } from 'xstate';
import type { Envelope } from '../domain/envelope.ts';

export interface HostHooks {
  /** Called right before the machine sees an envelope; throwing fails the message like a throwing machine. */
  beforeApply?(envelope: Envelope): void;
  /**
   * The machine produced `snapshot` from `event` (before the commit: a failed commit retries and reports
   * again). Must not throw; used to stream live actors to the Stately inspector.
   */
  afterApply?(
    leadId: string,
    machine: AnyStateMachine,
    snapshot: Snapshot<unknown>,
    event: AnyEventObject,
  ): void;
  /** A lead's batch starts (busy = true) / ends (busy = false): at most one per lead at a time. */
  onLeadBusy?(leadId: string, busy: boolean): void;
  /** Return true to drop the ack of a committed delivery (nak instead), simulating a crash before the ack. */
  dropAck?(envelope: Envelope): boolean;
}

// Instrumentation points for tests and diagnostics. None is needed in production.
import type { Envelope } from '../domain/envelope.ts';

export interface HostHooks {
  /** Called right before the machine sees an envelope; throwing fails the message like a throwing machine. */
  beforeApply?(envelope: Envelope): void;
  /** A lead's batch starts (busy = true) / ends (busy = false): at most one per lead at a time. */
  onLeadBusy?(leadId: string, busy: boolean): void;
  /** Return true to drop the ack of a committed delivery (nak instead), simulating a crash before the ack. */
  dropAck?(envelope: Envelope): boolean;
}

// The one message shape that travels on the bus (NATS subject leadline.inbox.<partition>.<leadId>, or the
// single-node inbox table). Producers: the gateway (webhooks, admin), the scheduler (due timers), the outbox
// relay (effect results) and dead-letter replay. Consumer: the actor host.
import { z } from 'zod';
import { transcriptEntrySchema } from './transcript.ts';

export const actorTypeSchema = z.enum(['lead', 'probe', 'test']);

export const envelopeSchema = z.object({
  /**
   * Dedupe key, applied at most once per lead: `<source>:<provider id>`, e.g. `whatsapp:wamid.HBg…`,
   * `stripe:evt_1…`, `admin:<uuid>`, `timer:<timer id>`, `effect:<outbox id>`. Also the `Nats-Msg-Id`.
   */
  id: z.string().min(1).max(512),
  leadId: z.string().regex(/^[A-Za-z0-9_-]{1,128}$/),
  actorType: actorTypeSchema.default('lead'),
  studioId: z.string().min(1),
  /** ISO time at which the envelope was accepted (the machine's clock for this event). */
  acceptedAt: z.iso.datetime({ offset: true }),
  traceId: z.string().optional(),
  /** What the machine receives. Every event carries `at` (ISO) so machines never read a clock. */
  event: z.looseObject({ type: z.string().min(1), at: z.iso.datetime({ offset: true }) }),
  /** Inbound transcript entry, written by the host in the same transaction that applies the event. */
  transcript: transcriptEntrySchema.optional(),
  /**
   * A notice topic (src/bus/bus.ts) that waits for this envelope: after the commit that applied it, the
   * host notifies it with a CommitNotice (the message API's synchronous reply path).
   */
  replyTo: z
    .string()
    .regex(/^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*$/)
    .max(256)
    .optional(),
  /** Set by dead-letter replay: the dead letter this envelope replays. */
  replayOf: z.string().optional(),
});

export type Envelope = z.infer<typeof envelopeSchema>;

/**
 * What a bus hands the host: routable (a message id and a lead), the rest not yet checked. The host
 * validates it with `envelopeSchema` and dead-letters what fails, content and all, so a bus never drops a
 * message it can route to a lead.
 */
export const busMessageSchema = z.looseObject({
  id: z.string().min(1).max(512),
  leadId: z.string().min(1),
});

export type BusMessage = z.infer<typeof busMessageSchema>;

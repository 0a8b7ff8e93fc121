// The sandbox (docs/contract.md §11): outside production, a provider with no credentials records what it would
// have sent instead of calling the provider, and the send succeeds with delivery status `sandbox`. The
// console shows the records as each recipient's phone screen. A newcomer's first run (`npm start`, then
// `leadline demo`) so works end to end with no WhatsApp, SMS or Stripe account and logs no errors.
//
// Reusable by every channel adapter: wrap the adapter's send function with `sandboxOr(real, recorder)`.
// `real` undefined (no credentials) means record; otherwise the real function runs untouched.
import { randomUUID } from 'node:crypto';
import type { Db } from '../../persistence/database.ts';

/** The transcript delivery status of a message the sandbox recorded instead of sending. */
export const SANDBOX_STATUS = 'sandbox';

/** Who and what a send is for: enough to group the record by studio, lead and effect. */
export interface SendContext {
  studioId: string;
  leadId: string;
  /** Unique per effect: a retried effect records once. */
  outboxId: string;
}

export interface Delivery {
  providerMessageId: string;
  deliveryStatus: 'sent' | typeof SANDBOX_STATUS;
}

/** One channel's send: from a sender (phone number id, number, …) to a recipient. */
export type SendFn<M> = (ctx: SendContext, from: string, to: string, message: M) => Promise<Delivery>;

export interface SandboxMessage {
  channel: string;
  from: string;
  to: string;
  kind: string;
  text: string | null;
  payload: Record<string, unknown>;
}

export interface SandboxRecorder {
  record(ctx: SendContext, message: SandboxMessage): Promise<Delivery>;
}

export function sandboxRecorder(db: Db, clock: () => Date): SandboxRecorder {
  return {
    async record(ctx, message) {
      const id = `sbx_${randomUUID()}`;
      const inserted = await db
        .insertInto('sandbox_messages')
        .values({
          id,
          at: clock(),
          channel: message.channel,
          studio_id: ctx.studioId,
          lead_id: ctx.leadId,
          outbox_id: ctx.outboxId,
          sender: message.from,
          recipient: message.to,
          kind: message.kind,
          text: message.text,
          payload: message.payload,
        })
        .onConflict((oc) => oc.column('outbox_id').doNothing())
        .returning('id')
        .executeTakeFirst();
      // A retry after a crash between recording and the relay storing the result: the first record stands.
      const existing =
        inserted ??
        (await db
          .selectFrom('sandbox_messages')
          .select('id')
          .where('outbox_id', '=', ctx.outboxId)
          .executeTakeFirstOrThrow());
      return { providerMessageId: existing.id, deliveryStatus: SANDBOX_STATUS };
    },
  };
}

/**
 * The real send when the provider is configured, else the sandbox. `describe` turns the channel's message
 * into what a phone would show (kind and text) plus the full payload.
 */
export function sandboxOr<M>(
  real: SendFn<M> | undefined,
  recorder: SandboxRecorder,
  channel: string,
  describe: (message: M) => { kind: string; text: string | null; payload: Record<string, unknown> },
): SendFn<M> {
  if (real) return real;
  return (ctx, from, to, message) => recorder.record(ctx, { channel, from, to, ...describe(message) });
}

// A JetStream message as the host sees it. Only what cannot be routed to a lead is judged here (not JSON,
// or no message id / lead id): it can never succeed, so it is acked (removed) and recorded as a system event
// with its bytes (an excerpt) instead of blocking its partition. Anything routable goes to the host, which
// validates the envelope and dead-letters an invalid one with its full content (replayable once fixed),
// as it does on the in-process bus.
import type { JsMsg } from '@nats-io/jetstream';
import { busMessageSchema, type BusMessage } from '../../domain/envelope.ts';
import { recordSystemEvent } from '../../persistence/system-events.ts';
import type { Delivery } from '../bus.ts';
import type { NatsBusConfig } from './nats-bus-config.ts';

/** What the partition consumer learns from the host's settlements. */
export interface SettleHooks {
  /** Deliveries of this stream sequence before the last consumer reset (deliveryCount carries on). */
  priorDeliveries(seq: number): number;
  acked(seq: number): void;
  /** The host gave the message back: the consumer rewinds the partition (see partition-consumer.ts). */
  naked(seq: number, deliveryCount: number, delayMs: number): void;
}

export async function toDelivery(
  msg: JsMsg,
  partition: number,
  config: NatsBusConfig,
  hooks: SettleHooks,
): Promise<Delivery | null> {
  const parsed = parseEnvelope(msg);
  if (typeof parsed === 'string') {
    await rejectMalformed(msg, config, parsed);
    return null;
  }
  let settled = false;
  const deliveryCount = msg.info.deliveryCount + hooks.priorDeliveries(msg.seq);
  return {
    envelope: parsed,
    partition,
    seq: msg.seq,
    deliveryCount,
    ack: () => {
      settled = true;
      msg.ack();
      hooks.acked(msg.seq);
      return Promise.resolve();
    },
    // No JetStream nak: a nak'd message would come back behind newer messages of its lead. The consumer
    // rewinds the whole partition to its ack floor instead, which replays it first.
    nak: (delayMs?: number) => {
      settled = true;
      hooks.naked(msg.seq, deliveryCount, delayMs ?? 0);
      return Promise.resolve();
    },
    working: () => {
      if (!settled) msg.working();
    },
  };
}

/** The routable message, or why it cannot be routed. */
function parseEnvelope(msg: JsMsg): BusMessage | string {
  let json: unknown;
  try {
    json = msg.json();
  } catch {
    return 'not JSON';
  }
  const result = busMessageSchema.safeParse(json);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  return issue ? `${issue.path.join('.')}: ${issue.message}` : 'not an envelope';
}

/** Enough of the bytes to see what was sent (the message itself is removed). */
const EXCERPT_BYTES = 2048;

async function rejectMalformed(msg: JsMsg, config: NatsBusConfig, reason: string): Promise<void> {
  const body = msg.data.subarray(0, EXCERPT_BYTES);
  const details = {
    subject: msg.subject,
    seq: msg.seq,
    reason,
    bytes: msg.data.length,
    excerpt: Buffer.from(body).toString('utf8'),
  };
  config.logger.error(details, 'malformed bus message removed');
  if (config.db) {
    await recordSystemEvent(config.db, {
      level: 'error',
      type: 'bus.malformed_message',
      payload: details,
    }).catch((error: unknown) => config.logger.error({ err: error }, 'could not record malformed message'));
  }
  msg.ack();
}

// JetStream publishes with many outstanding at once and little bookkeeping: one wildcard reply subscription
// and a map of pending publishes, instead of the client's request() per publish (which builds a cancelled
// RequestError with a stack trace for every successful request — a tenth of a busy publisher's CPU).
// The PubAck (or JetStream's error) is what resolves a publish: accepted means stored.
import {
  createInbox,
  type Msg,
  type MsgHdrs,
  type NatsConnection,
  type Subscription,
} from '@nats-io/transport-node';

export interface PubAck {
  stream: string;
  seq: number;
  duplicate: boolean;
}

interface Pending {
  resolve(ack: PubAck): void;
  reject(error: Error): void;
  deadline: number;
}

interface PubAckReply {
  stream?: string;
  seq?: number;
  duplicate?: boolean;
  error?: { code: number; description: string };
}

export class AckPublisher {
  readonly #nc: NatsConnection;
  readonly #prefix = createInbox();
  readonly #timeoutMs: number;
  readonly #pending = new Map<number, Pending>();
  readonly #sub: Subscription;
  readonly #sweeper: NodeJS.Timeout;
  #next = 0;

  constructor(nc: NatsConnection, timeoutMs: number) {
    this.#nc = nc;
    this.#timeoutMs = timeoutMs;
    this.#sub = nc.subscribe(`${this.#prefix}.*`, { callback: (_error, msg) => this.#settle(msg) });
    this.#sweeper = setInterval(() => this.#expire(Date.now()), Math.min(1000, timeoutMs / 2));
    this.#sweeper.unref();
  }

  publish(subject: string, payload: string, headers: MsgHdrs): Promise<PubAck> {
    const id = this.#next++;
    return new Promise<PubAck>((resolve, reject) => {
      this.#pending.set(id, { resolve, reject, deadline: Date.now() + this.#timeoutMs });
      try {
        this.#nc.publish(subject, payload, { reply: `${this.#prefix}.${id}`, headers });
      } catch (error) {
        this.#pending.delete(id);
        reject(error instanceof Error ? error : new Error(String(error)));
      }
    });
  }

  /** Rejects whatever is still pending (the connection is going away). */
  close(): void {
    clearInterval(this.#sweeper);
    this.#sub.unsubscribe();
    this.#expire(Number.POSITIVE_INFINITY, 'NATS bus closed before the publish was acknowledged');
  }

  #settle(msg: Msg): void {
    const id = Number(msg.subject.slice(this.#prefix.length + 1));
    const pending = this.#pending.get(id);
    if (!pending) return;
    this.#pending.delete(id);
    if (msg.data.length === 0 && msg.headers?.code === 503) {
      pending.reject(new Error(`JetStream did not answer the publish (no stream for the subject?)`));
      return;
    }
    try {
      const reply = msg.json<PubAckReply>();
      if (reply.error) throw new Error(`JetStream refused the publish: ${reply.error.description}`);
      if (reply.seq === undefined) throw new Error('JetStream publish: invalid ack');
      pending.resolve({ stream: reply.stream ?? '', seq: reply.seq, duplicate: reply.duplicate === true });
    } catch (error) {
      pending.reject(error instanceof Error ? error : new Error(String(error)));
    }
  }

  /** The map keeps insertion order, which is deadline order: stop at the first one still in time. */
  #expire(now: number, reason = 'JetStream publish timed out (no ack)'): void {
    for (const [id, pending] of this.#pending) {
      if (pending.deadline > now) break;
      this.#pending.delete(id);
      pending.reject(new Error(reason));
    }
  }
}

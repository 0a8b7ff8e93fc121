// A small implementation of the NATS Services ("micro") protocol on plain request/reply, so the admin
// service is discoverable with `nats micro ls` without pinning the prerelease @nats-io/services package.
// Each instance answers $SRV.{PING,INFO,STATS}[.<name>[.<id>]]; endpoints share the queue group "q" so a
// request is handled by one instance. Errors carry the Nats-Service-Error(-Code) headers of the protocol.
import { headers, nuid, type Msg, type NatsConnection, type Subscription } from '@nats-io/transport-node';

export class MicroError extends Error {
  override name = 'MicroError';
  readonly code: number;
  readonly body: unknown;
  constructor(code: number, message: string, body?: unknown) {
    super(message);
    this.code = code;
    this.body = body;
  }
}

export interface MicroEndpoint {
  name: string;
  subject: string;
  /** Receives the decoded JSON request ({} when empty); returns the JSON reply. */
  handler(request: unknown): Promise<unknown>;
  metadata?: Record<string, string>;
}

export interface MicroServiceConfig {
  name: string;
  version: string;
  description: string;
  metadata?: Record<string, string>;
  endpoints: readonly MicroEndpoint[];
}

interface EndpointStats {
  num_requests: number;
  num_errors: number;
  last_error: string;
  processing_time: number;
}

const QUEUE = 'q';
const encoder = new TextEncoder();

export class MicroService {
  readonly id = nuid.next();
  readonly #config: MicroServiceConfig;
  readonly #subscriptions: Subscription[] = [];
  readonly #stats = new Map<string, EndpointStats>();
  #started = new Date();

  constructor(config: MicroServiceConfig) {
    this.#config = config;
  }

  start(nc: NatsConnection, onError: (error: unknown) => void): void {
    this.#started = new Date();
    const { name } = this.#config;
    for (const [verb, answer] of [
      ['PING', () => this.#identity('io.nats.micro.v1.ping_response')],
      ['INFO', () => this.info()],
      ['STATS', () => this.stats()],
    ] as const) {
      for (const subject of [`$SRV.${verb}`, `$SRV.${verb}.${name}`, `$SRV.${verb}.${name}.${this.id}`]) {
        this.#subscriptions.push(
          nc.subscribe(subject, {
            callback: (_err, msg) => {
              msg.respond(encoder.encode(JSON.stringify(answer())));
            },
          }),
        );
      }
    }
    for (const endpoint of this.#config.endpoints) {
      this.#stats.set(endpoint.name, { num_requests: 0, num_errors: 0, last_error: '', processing_time: 0 });
      this.#subscriptions.push(
        nc.subscribe(endpoint.subject, {
          queue: QUEUE,
          callback: (_err, msg) => {
            this.#handle(endpoint, msg).catch(onError);
          },
        }),
      );
    }
  }

  async #handle(endpoint: MicroEndpoint, msg: Msg): Promise<void> {
    const stats = this.#stats.get(endpoint.name);
    const started = process.hrtime.bigint();
    try {
      const request = msg.data.length === 0 ? {} : decode(msg);
      const reply = await endpoint.handler(request);
      msg.respond(encoder.encode(JSON.stringify(reply)));
    } catch (error) {
      const failure =
        error instanceof MicroError
          ? error
          : new MicroError(500, 'internal error', { error: 'internal error' });
      if (stats) {
        stats.num_errors++;
        stats.last_error = failure.message;
      }
      const h = headers();
      h.set('Nats-Service-Error', failure.message);
      h.set('Nats-Service-Error-Code', String(failure.code));
      msg.respond(encoder.encode(JSON.stringify(failure.body ?? { error: failure.message })), { headers: h });
      if (!(error instanceof MicroError)) throw error;
    } finally {
      if (stats) {
        stats.num_requests++;
        stats.processing_time += Number(process.hrtime.bigint() - started);
      }
    }
  }

  #identity(type: string) {
    const { name, version, metadata = {} } = this.#config;
    return { type, name, id: this.id, version, metadata };
  }

  info() {
    return {
      ...this.#identity('io.nats.micro.v1.info_response'),
      description: this.#config.description,
      endpoints: this.#config.endpoints.map((e) => ({
        name: e.name,
        subject: e.subject,
        queue_group: QUEUE,
        metadata: e.metadata ?? {},
      })),
    };
  }

  stats() {
    return {
      ...this.#identity('io.nats.micro.v1.stats_response'),
      started: this.#started.toISOString(),
      endpoints: this.#config.endpoints.map((e) => {
        const s = this.#stats.get(e.name) ?? {
          num_requests: 0,
          num_errors: 0,
          last_error: '',
          processing_time: 0,
        };
        return {
          name: e.name,
          subject: e.subject,
          queue_group: QUEUE,
          ...s,
          average_processing_time: s.num_requests === 0 ? 0 : Math.round(s.processing_time / s.num_requests),
        };
      }),
    };
  }

  /** Unsubscribes everything (in-flight handlers still reply). */
  stop(): void {
    for (const sub of this.#subscriptions.splice(0)) sub.unsubscribe();
  }
}

function decode(msg: Msg): unknown {
  try {
    return msg.json<unknown>();
  } catch {
    throw new MicroError(400, 'request is not valid JSON', { error: { code: 'MALFORMED_JSON' } });
  }
}

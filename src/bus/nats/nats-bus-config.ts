// Settings of the NATS bus, with the contract names as defaults. Tests override the stream, subject prefix
// and lease bucket so several buses can share one server without seeing each other's data.
import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import type { Logger } from '../../observability/logger.ts';
import { silentLogger } from '../../observability/logger.ts';
import type { Db } from '../../persistence/database.ts';

export interface NatsBusOptions {
  /** One URL or several (a cluster); `NATS_URL` is comma-separated. */
  servers: string | readonly string[];
  partitions: number;
  /** Identity in the lease bucket; must be unique per live process (default: host-pid-random). */
  workerId?: string;
  streamName?: string;
  subjectPrefix?: string;
  leaseBucket?: string;
  /** A lease not renewed for this long may be taken over (default 15 s). */
  leaseMs?: number;
  /** Server-side redelivery deadline of an un-acked message; in-flight batches send working() (default 30 s). */
  ackWaitMs?: number;
  /** Un-acked messages a partition consumer may have outstanding (default 1024). */
  maxAckPending?: number;
  /** Largest batch one partition consumer takes from its buffer at a time (default 256). */
  maxBatch?: number;
  /** Handler calls in flight at once; partitions' batches are merged into them (default 2, batch-coalescer.ts). */
  handlerConcurrency?: number;
  /** A merged handler call takes whole partition batches up to at least this many deliveries (default 512). */
  maxHandlerBatch?: number;
  /** Nats-Msg-Id dedupe window of the stream when the bus creates it (default 2 min). */
  duplicateWindowMs?: number;
  /** Replicas of the stream and lease bucket when the bus creates them (default 1; 3 on a 3-node cluster). */
  replicas?: number;
  logger?: Logger;
  /** When given, malformed bus messages are recorded as system events (else only logged). */
  db?: Db;
}

export interface NatsBusConfig {
  servers: string[];
  partitions: number;
  workerId: string;
  streamName: string;
  subjectPrefix: string;
  leaseBucket: string;
  leaseMs: number;
  ackWaitMs: number;
  maxAckPending: number;
  maxBatch: number;
  handlerConcurrency: number;
  maxHandlerBatch: number;
  duplicateWindowMs: number;
  replicas: number;
  logger: Logger;
  db: Db | undefined;
}

export const DEFAULT_STREAM = 'LEADLINE_INBOX';
export const DEFAULT_SUBJECT_PREFIX = 'leadline.inbox';
export const DEFAULT_LEASE_BUCKET = 'leadline_leases';

/** Worker ids become KV key tokens: keep them to [A-Za-z0-9_-]. */
export function defaultWorkerId(): string {
  const host = hostname()
    .replace(/[^A-Za-z0-9_-]/g, '-')
    .slice(0, 40);
  return `${host}-${process.pid}-${randomBytes(3).toString('hex')}`;
}

export function resolveNatsBusConfig(options: NatsBusOptions): NatsBusConfig {
  const servers = typeof options.servers === 'string' ? options.servers.split(',') : [...options.servers];
  const workerId = options.workerId ?? defaultWorkerId();
  if (!/^[A-Za-z0-9_-]{1,100}$/.test(workerId)) {
    throw new Error(`NATS bus: worker id "${workerId}" must match [A-Za-z0-9_-]{1,100}`);
  }
  return {
    servers: servers.map((s) => s.trim()).filter((s) => s !== ''),
    partitions: options.partitions,
    workerId,
    streamName: options.streamName ?? DEFAULT_STREAM,
    subjectPrefix: options.subjectPrefix ?? DEFAULT_SUBJECT_PREFIX,
    leaseBucket: options.leaseBucket ?? DEFAULT_LEASE_BUCKET,
    leaseMs: options.leaseMs ?? 15_000,
    ackWaitMs: options.ackWaitMs ?? 30_000,
    maxAckPending: options.maxAckPending ?? 1024,
    maxBatch: options.maxBatch ?? 256,
    handlerConcurrency: options.handlerConcurrency ?? 2,
    maxHandlerBatch: options.maxHandlerBatch ?? 512,
    duplicateWindowMs: options.duplicateWindowMs ?? 120_000,
    replicas: options.replicas ?? 1,
    logger: options.logger ?? silentLogger,
    db: options.db,
  };
}

/** `leadline.inbox.<partition>.<leadId>` */
export function inboxSubject(config: NatsBusConfig, partition: number, leadId: string): string {
  return `${config.subjectPrefix}.${partition}.${leadId}`;
}

/** The durable consumer of one partition (names may not contain '.'). */
export function consumerName(partition: number): string {
  return `leadline_p${partition}`;
}

// Prometheus metrics, one registry per running system (tests build several systems in one process, so no
// module-level globals). Components receive the Metrics object and update what they own.
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export class Metrics {
  readonly registry = new Registry();

  /** Gateway: webhooks/admin events durably accepted onto the bus, by source. */
  readonly inboundAccepted = new Counter({
    name: 'leadline_inbound_accepted_total',
    help: 'Inbound messages durably accepted, by source',
    labelNames: ['source'] as const,
    registers: [this.registry],
  });
  /** Gateway: rejected inbound requests, by source and reason (signature, schema, pilot, …). */
  readonly inboundRejected = new Counter({
    name: 'leadline_inbound_rejected_total',
    help: 'Inbound requests rejected, by source and reason',
    labelNames: ['source', 'reason'] as const,
    registers: [this.registry],
  });
  /** Host: publish→commit latency of processed messages. */
  readonly processingLatency = new Histogram({
    name: 'leadline_processing_latency_seconds',
    help: 'Time from bus acceptance to commit of a message',
    labelNames: ['actor_type'] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  });
  readonly processed = new Counter({
    name: 'leadline_messages_processed_total',
    help: 'Messages processed by actors, by outcome (applied, duplicate, retried, dead_lettered, skipped)',
    labelNames: ['outcome'] as const,
    registers: [this.registry],
  });
  readonly mailboxDepth = new Gauge({
    name: 'leadline_mailbox_depth',
    help: 'Messages waiting in actor mailboxes on this node',
    registers: [this.registry],
  });
  readonly actorsInMemory = new Gauge({
    name: 'leadline_actors_in_memory',
    help: 'Hydrated actors held in memory on this node',
    registers: [this.registry],
  });
  readonly partitionsOwned = new Gauge({
    name: 'leadline_partitions_owned',
    help: 'Lead partitions whose lease this node holds',
    registers: [this.registry],
  });
  readonly outboxBacklog = new Gauge({
    name: 'leadline_outbox_backlog',
    help: 'Outbox rows not yet done or failed',
    registers: [this.registry],
  });
  readonly effectsExecuted = new Counter({
    name: 'leadline_effects_total',
    help: 'Effect attempts by kind and outcome (done, retry, failed)',
    labelNames: ['kind', 'outcome'] as const,
    registers: [this.registry],
  });
  readonly deadLetters = new Gauge({
    name: 'leadline_dead_letters',
    help: 'Dead letters not yet replayed',
    registers: [this.registry],
  });
  readonly schedulerRuns = new Counter({
    name: 'leadline_scheduler_runs_total',
    help: 'Periodic job runs on this node, by job and outcome',
    labelNames: ['job', 'outcome'] as const,
    registers: [this.registry],
  });

  /**
   * Every HTTP request (gateway and worker listeners), by method, route template and status. The route is
   * the registered template (`/admin/leads/:id`), never the raw URL, so the label set stays bounded; a
   * request no route matched is `unmatched`. The name and labels are what stock dashboards query.
   */
  readonly httpRequestDuration = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'HTTP request duration by method, route and status code',
    labelNames: ['method', 'route', 'status_code'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  });

  constructor(options: { defaultMetrics?: boolean } = {}) {
    // Unprefixed (process_cpu_seconds_total, nodejs_heap_size_used_bytes…): the names Node dashboards use.
    if (options.defaultMetrics) collectDefaultMetrics({ register: this.registry });
  }
}

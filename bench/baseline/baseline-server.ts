// The baseline system (bench/baseline/README.md): one Fastify process, one transaction per message with a
// dedupe row, the lead row loaded and saved by compare-and-set on its version, the outbox row inserted,
// then the answer; a relay loop in the same process sends the replies. Configured like `leadline start`:
// PORT, DATABASE_URL, LEADLINE_CONFIG, WHATSAPP_APP_SECRET, WHATSAPP_ACCESS_TOKEN, WHATSAPP_API_BASE_URL.
import Fastify from 'fastify';
import { sql } from 'kysely';
import { pureInitialTransition, pureTransition } from '../../src/actors/pure-transition.ts';
import { restoreSnapshot } from '../../src/actors/hydrate.ts';
import type { Envelope } from '../../src/domain/envelope.ts';
import { createGraphClient } from '../../src/effects/whatsapp/graph-client.ts';
import { checkWhatsappSignature } from '../../src/gateway/webhooks/whatsapp-signature.ts';
import { translateWhatsappPayload } from '../../src/gateway/webhooks/whatsapp-envelopes.ts';
import { webhookPayloadSchema } from '../../src/gateway/webhooks/whatsapp-payload.ts';
import { createLeadDefinition } from '../../src/machines/lead/lead-definition.ts';
import { createDatabase } from '../../src/persistence/database.ts';
import { loadStudioConfig } from '../../src/studio/load-studio-config.ts';
import { StudioRegistry } from '../../src/studio/studio-registry.ts';
import { startBaselineRelay } from './baseline-relay.ts';
import { createBaselineTables } from './baseline-schema.ts';

const env = process.env;
const db = createDatabase({ connectionString: env.DATABASE_URL ?? '', max: 10 });
await createBaselineTables(db);
const studios = new StudioRegistry(await loadStudioConfig(env.LEADLINE_CONFIG));
const lead = createLeadDefinition(studios);
const graph = createGraphClient({
  baseUrl: env.WHATSAPP_API_BASE_URL ?? '',
  accessToken: env.WHATSAPP_ACCESS_TOKEN,
  timeouts: { connectMs: 5_000, responseMs: 10_000 },
});
const relay = startBaselineRelay(db, graph, studios);

class VersionConflict extends Error {}

/** Sends (effects with a recipient and a message) become outbox rows; timers and the rest are dropped. */
function sendsOf(actions: readonly { type: string; params?: unknown }[]): Record<string, unknown>[] {
  return actions.flatMap((action) => {
    if (action.type !== 'xstate.emit') return [];
    const effect = (action.params as { event?: Record<string, unknown> } | undefined)?.event;
    return effect && 'to' in effect && 'message' in effect ? [effect] : [];
  });
}

async function applyOnce(envelope: Envelope): Promise<void> {
  await db.transaction().execute(async (tx) => {
    const fresh = await sql`insert into baseline_dedupe (message_id) values (${envelope.id})
      on conflict do nothing returning message_id`.execute(tx);
    if (fresh.rows.length === 0) return; // a duplicate: already applied
    const { rows } = await sql<{ version: number; snapshot: unknown }>`
      select version, snapshot from baseline_leads where id = ${envelope.leadId}`.execute(tx);
    const row = rows[0];
    const sends: Record<string, unknown>[] = [];
    let snapshot;
    if (row) snapshot = restoreSnapshot(lead, row.snapshot);
    else {
      const [initial, actions] = pureInitialTransition(lead.machine, lead.inputFor(envelope));
      sends.push(...sendsOf(actions));
      snapshot = initial;
    }
    const [next, actions] = pureTransition(lead.machine, snapshot, lead.eventFor(envelope, snapshot));
    sends.push(...sendsOf(actions));
    const persisted = JSON.stringify(lead.machine.getPersistedSnapshot(next));
    const saved = row
      ? await sql`update baseline_leads set version = version + 1, snapshot = ${persisted}::jsonb
          where id = ${envelope.leadId} and version = ${row.version}`.execute(tx)
      : await sql`insert into baseline_leads (id, version, snapshot) values (${envelope.leadId}, 1, ${persisted}::jsonb)
          on conflict do nothing`.execute(tx);
    if (Number(saved.numAffectedRows ?? 0) !== 1) throw new VersionConflict();
    for (const send of sends) {
      await sql`insert into baseline_outbox (lead_id, payload)
        values (${envelope.leadId}, ${JSON.stringify(send)}::jsonb)`.execute(tx);
    }
  });
}

async function apply(envelope: Envelope): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await applyOnce(envelope);
    } catch (error) {
      if (!(error instanceof VersionConflict) || attempt >= 10) throw error;
    }
  }
}

const app = Fastify({ logger: false });
app.removeContentTypeParser('application/json');
app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (_request, body, done) =>
  done(null, body),
);
app.get('/readyz', () => ({ status: 'ok' }));
app.post('/webhooks/whatsapp', async (request, reply) => {
  const raw = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
  const check = checkWhatsappSignature(
    env.WHATSAPP_APP_SECRET,
    raw,
    request.headers['x-hub-signature-256'] as string | undefined,
  );
  if (check !== 'valid') return reply.code(401).send({ error: 'signature' });
  const parsed = webhookPayloadSchema.safeParse(JSON.parse(raw.toString('utf8')));
  if (!parsed.success) return reply.code(400).send({ error: 'payload' });
  const { envelopes } = translateWhatsappPayload(parsed.data, {
    studios,
    now: new Date(),
    traceId: request.id,
  });
  for (const envelope of envelopes) await apply(envelope);
  if (envelopes.length > 0) relay.wake();
  return { received: true, accepted: envelopes.length };
});
await app.listen({ host: env.HOST ?? '127.0.0.1', port: Number(env.PORT ?? 0) });

process.once('SIGTERM', () => {
  void (async () => {
    await app.close();
    await relay.stop();
    await db.destroy();
    process.exit(0);
  })();
});

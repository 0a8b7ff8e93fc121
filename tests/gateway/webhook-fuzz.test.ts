// Fuzz: validly SIGNED WhatsApp webhooks with mutated real shapes, wrong types, huge strings and invalid
// JSON, through the real gateway, bus, host and lead machine. Invariants: never a 5xx; every lead the
// fuzz creates is whole (its version equals the messages it applied, its transcript only holds applied
// messages); /readyz still 200.
import fc from 'fast-check';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLeadDefinition } from '../../src/machines/lead/lead-definition.ts';
import { demoStudioConfig } from '../../src/studio/load-studio-config.ts';
import { StudioRegistry } from '../../src/studio/studio-registry.ts';
import { postWhatsapp, startGateway, type GatewayHarness } from './gateway-harness.ts';
import { inbound, statusUpdate, textMessage } from './whatsapp-fixtures.ts';

let gw: GatewayHarness;
beforeAll(async () => {
  gw = await startGateway({
    definitions: [createLeadDefinition(new StudioRegistry(demoStudioConfig))],
    consume: true,
  });
});
afterAll(async () => {
  await gw.close();
});

let runs = 0;
type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

const bases: Json[] = [
  textMessage('I want a koi', { id: 'wamid.fuzz' }),
  inbound({ type: 'image', image: { id: 'm1', mime_type: 'image/jpeg' } }),
  inbound({
    type: 'interactive',
    interactive: { type: 'button_reply', button_reply: { id: 'b', title: 'B' } },
  }),
  statusUpdate('read'),
];

/** Paths to every node of a JSON value (so mutations hit objects, arrays and leaves). */
function paths(value: Json, prefix: (string | number)[] = []): (string | number)[][] {
  const own = prefix.length ? [prefix] : [];
  if (Array.isArray(value)) return [...own, ...value.flatMap((v, i) => paths(v, [...prefix, i]))];
  if (value !== null && typeof value === 'object') {
    return [...own, ...Object.entries(value).flatMap(([k, v]) => paths(v, [...prefix, k]))];
  }
  return own;
}

function setAt(root: Json, path: (string | number)[], next: Json): Json {
  const copy = structuredClone(root);
  let node = copy as Record<string | number, Json>;
  for (const key of path.slice(0, -1)) node = node[key] as Record<string | number, Json>;
  const last = path[path.length - 1];
  if (last !== undefined) node[last] = next;
  return copy;
}

const hostileValue: fc.Arbitrary<Json> = fc.oneof(
  fc.jsonValue() as fc.Arbitrary<Json>,
  fc.string({ maxLength: 50 }),
  fc.constant('9'.repeat(300_000)),
  fc.constant(''),
  fc.constant(null),
  fc.integer(),
  fc.constant<Json>([]),
  fc.constant<Json>({}),
);

const mutatedPayload = fc
  .constantFrom(...bases)
  .chain((base) =>
    fc.tuple(
      fc.constant(base),
      fc.array(fc.tuple(fc.constantFrom(...paths(base)), hostileValue), { minLength: 1, maxLength: 3 }),
    ),
  )
  .map(([base, mutations]) => {
    let out = base;
    for (const [path, value] of mutations) {
      try {
        out = setAt(out, path, value);
      } catch {
        // an earlier mutation removed the parent: skip this one
      }
    }
    // A fresh message id per run, so accepted messages are applied rather than deduplicated.
    runs++;
    return JSON.stringify(out).replace('"wamid.fuzz"', `"wamid.fuzz${runs}"`);
  });

const invalidJson = fc.oneof(
  fc.string({ maxLength: 200 }),
  fc.constantFrom('{', '{"object":', '[', 'null', '"x"', '{"entry":[{"changes":[{"value":', '\u0000'),
);

async function postSigned(body: string) {
  return postWhatsapp(gw.app, body);
}

describe('validly signed hostile WhatsApp payloads', () => {
  it('never get a 5xx (mutated real shapes, wrong types, huge strings)', async () => {
    await fc.assert(
      fc.asyncProperty(mutatedPayload, async (body) => {
        const res = await postSigned(body);
        expect(res.statusCode, res.body).toBeLessThan(500);
      }),
      { numRuns: 60 },
    );
  });

  it('never get a 5xx (invalid JSON)', async () => {
    await fc.assert(
      fc.asyncProperty(invalidJson, async (body) => {
        const res = await postSigned(body);
        expect(res.statusCode, res.body).toBeLessThan(500);
      }),
      { numRuns: 40 },
    );
  });

  it('leave no half-written lead, and the system stays ready', async () => {
    // Generous: the shared CI machine may be busy; idle() returns as soon as the work is done.
    await gw.rt.idle(90_000);
    const broken = await sql<{ id: string; version: string; applied: string }>`
      select l.id, l.version, (select count(*) from processed_messages p where p.lead_id = l.id) as applied
      from leads l
      where l.version <> (select count(*) from processed_messages p where p.lead_id = l.id)`.execute(
      gw.rt.db,
    );
    expect(broken.rows).toEqual([]);
    const orphans = await sql<{ lead_id: string }>`
      select distinct t.lead_id from transcript t left join leads l on l.id = t.lead_id where l.id is null`.execute(
      gw.rt.db,
    );
    expect(orphans.rows).toEqual([]);
    const leads = await sql<{ n: string }>`select count(*) as n from leads`.execute(gw.rt.db);
    expect(Number(leads.rows[0]?.n)).toBeGreaterThan(0);
    const ready = await gw.app.inject({ url: '/readyz' });
    expect(ready.statusCode).toBe(200);
  }, 120_000);
});

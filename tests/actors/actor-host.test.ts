import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testCounterDefinition } from '../../src/machines/test-counter/test-counter-definition.ts';
import { makeEnvelope, startRuntime, type Runtime } from '../helpers/runtime-harness.ts';
import { pastDedupeWindow, runtimeTransports, withShortDedupe } from '../helpers/transports.ts';
import { leadValues } from './lead-store.ts';

describe.each(runtimeTransports())('actor host on the $name', ({ transport }) => {
  let rt: Runtime;
  beforeAll(async () => {
    rt = await startRuntime({
      definitions: [testCounterDefinition],
      // A short NATS dedupe window so a redelivered id reaches the host (see the duplicate test below).
      transport: withShortDedupe(transport),
    });
  });
  afterAll(async () => {
    await rt.stop();
  });

  it('applies each lead’s messages in order, one version per message, with outbox and transcript rows', async () => {
    for (const value of [1, 2, 3]) {
      await rt.publish(
        makeEnvelope({
          leadId: 'ld_a',
          event: { type: 'test.add', value },
          transcript: { direction: 'in', kind: 'text', text: `v${value}` },
        }),
      );
      await rt.publish(makeEnvelope({ leadId: 'ld_b', event: { type: 'test.add', value: value * 10 } }));
    }
    await rt.idle();
    expect(await leadValues(rt.db, 'ld_a')).toEqual({ values: [1, 2, 3], version: 3 });
    expect(await leadValues(rt.db, 'ld_b')).toEqual({ values: [10, 20, 30], version: 3 });
    const outbox = await rt.db
      .selectFrom('outbox')
      .selectAll()
      .where('lead_id', '=', 'ld_a')
      .orderBy('seq')
      .execute();
    expect(outbox.map((o) => o.payload)).toEqual(
      [1, 2, 3].map((value) => ({ type: 'effect.test.record', value })),
    );
    const transcript = await rt.db
      .selectFrom('transcript')
      .select(['text', 'direction'])
      .where('lead_id', '=', 'ld_a')
      .orderBy('id')
      .execute();
    expect(transcript).toEqual([1, 2, 3].map((v) => ({ text: `v${v}`, direction: 'in' })));
    const processed = await rt.db
      .selectFrom('processed_messages')
      .select('lead_version')
      .where('lead_id', '=', 'ld_a')
      .execute();
    expect(processed.map((p) => Number(p.lead_version)).sort()).toEqual([1, 2, 3]);
  });

  it('acks a duplicate envelope id without applying it again', async () => {
    const envelope = makeEnvelope({ leadId: 'ld_dup', event: { type: 'test.add', value: 'x' } });
    await rt.publish(envelope);
    await rt.idle();
    // Past the bus's own dedupe: the host's processed ids must recognise it.
    await pastDedupeWindow();
    await rt.publish(envelope);
    await rt.idle();
    await rt.publish(makeEnvelope({ leadId: 'ld_dup', event: { type: 'test.add', value: 'y' } }));
    await rt.idle();
    expect(await leadValues(rt.db, 'ld_dup')).toEqual({ values: ['x', 'y'], version: 2 });
    // Acked as done: not parked for a retry (a commit that failed on the processed id's key would be).
    expect(
      await rt.db.selectFrom('lead_retries').select('lead_id').where('lead_id', '=', 'ld_dup').execute(),
    ).toEqual([]);
    expect(
      await rt.db.selectFrom('dead_letters').select('id').where('lead_id', '=', 'ld_dup').execute(),
    ).toEqual([]);
  });
});

describe.each(runtimeTransports())('runtime-handled effects on the $name', ({ transport }) => {
  let rt: Runtime;
  beforeAll(async () => {
    rt = await startRuntime({ definitions: [testCounterDefinition], transport });
  });
  afterAll(async () => {
    await rt.stop();
  });

  it('an effect’s transcript becomes an outbound row tied to its outbox row; delivery status only moves forward', async () => {
    const lead = 'ld_fx';
    await rt.publish(
      makeEnvelope({
        leadId: lead,
        event: { type: 'test.send', text: 'hello', providerMessageId: 'wamid.1' },
      }),
    );
    await rt.idle();
    const [outbox] = await rt.db.selectFrom('outbox').selectAll().where('lead_id', '=', lead).execute();
    expect(outbox?.kind).toBe('effect.message.send');
    const status = async () =>
      await rt.db.selectFrom('transcript').selectAll().where('lead_id', '=', lead).executeTakeFirstOrThrow();
    expect(await status()).toMatchObject({
      direction: 'out',
      text: 'hello',
      outbox_id: outbox?.id,
      delivery_status: null,
    });
    const send = async (s: string) => {
      await rt.publish(
        makeEnvelope({
          leadId: lead,
          event: { type: 'test.status', providerMessageId: 'wamid.1', status: s },
        }),
      );
      await rt.idle();
      return (await status()).delivery_status;
    };
    expect(await send('read')).toBe('read');
    expect(await send('delivered')).toBe('read');
    expect(await send('sent')).toBe('read');
    expect(await send('failed')).toBe('failed');
    expect(await send('read')).toBe('failed');
  });

  it('an unknown actor type and a malformed effect dead-letter at once, other messages go on', async () => {
    const lead = 'ld_term';
    await rt.publish({ ...makeEnvelope({ leadId: lead }), actorType: 'probe' });
    await rt.publish(
      makeEnvelope({ leadId: lead, event: { type: 'test.schedule', key: 'k', dueAt: 'not a date' } }),
    );
    await rt.publish(makeEnvelope({ leadId: lead, event: { type: 'test.add', value: 'ok' } }));
    await rt.idle();
    const dead = await rt.db
      .selectFrom('dead_letters')
      .select(['error', 'attempts'])
      .where('lead_id', '=', lead)
      .execute();
    expect(dead).toHaveLength(1);
    expect(dead[0]?.error).toContain('unknown actorType');
    // The malformed effect is a retryable failure (a machine bug may be fixed by a deploy): parked.
    const parked = await rt.db
      .selectFrom('lead_retries')
      .select('last_error')
      .where('lead_id', '=', lead)
      .execute();
    expect(parked).toHaveLength(2);
  });
});

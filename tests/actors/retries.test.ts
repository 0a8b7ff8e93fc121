import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listDeadLetters, getDeadLetter, replayDeadLetter } from '../../src/actors/dead-letters.ts';
import { testCounterDefinition } from '../../src/machines/test-counter/test-counter-definition.ts';
import { makeEnvelope, startRuntime, type Runtime } from '../helpers/runtime-harness.ts';
import { pastDedupeWindow, runtimeTransports, withShortDedupe } from '../helpers/transports.ts';
import { leadValues } from './lead-store.ts';

// Minutes-long delays with the host's own retry loop off: the tests drive processDueRetries(now) with
// explicit times, so nothing depends on how fast this machine is.
const RETRY_DELAYS = [60_000, 120_000, 240_000];
const after = (ms: number) => new Date(Date.now() + ms);

/** Runs retry passes as if the clock jumped past each backoff delay in turn. */
async function retryThroughAllDelays(rt: Runtime): Promise<void> {
  let offset = 0;
  for (const delay of RETRY_DELAYS) {
    offset += delay + 1_000;
    await rt.host.processDueRetries(after(offset));
  }
}

describe.each(runtimeTransports())('retries and dead letters on the $name', ({ transport }) => {
  let rt: Runtime;
  /** Message ids that fail this many more times (then succeed). */
  const flaky = new Map<string, number>();
  beforeAll(async () => {
    rt = await startRuntime({
      definitions: [testCounterDefinition],
      // A message redelivered later must reach the host, not the stream's dedupe (the redelivery test).
      transport: withShortDedupe(transport),
      retryDelaysMs: RETRY_DELAYS,
      host: {
        retryPollMs: false,
        hooks: {
          beforeApply(envelope) {
            const left = flaky.get(envelope.id) ?? 0;
            if (left > 0) {
              flaky.set(envelope.id, left - 1);
              throw new Error('transient failure');
            }
          },
        },
      },
    });
  });
  afterAll(async () => {
    await rt.stop();
  });

  it('a poison message dead-letters after its retries without blocking other leads; the lead’s later messages follow in order', async () => {
    await rt.publish(makeEnvelope({ leadId: 'ld_p', event: { type: 'test.add', value: 'a' } }));
    const poison = makeEnvelope({ leadId: 'ld_p', event: { type: 'test.add', value: 'poison' } });
    await rt.publish(poison);
    await rt.publish(makeEnvelope({ leadId: 'ld_p', event: { type: 'test.add', value: 'b' } }));
    await rt.publish(makeEnvelope({ leadId: 'ld_p', event: { type: 'test.add', value: 'c' } }));
    // Another lead (same partition or not) keeps flowing while ld_p waits.
    for (let i = 0; i < 5; i++)
      await rt.publish(makeEnvelope({ leadId: 'ld_ok', event: { type: 'test.add', value: i } }));
    await rt.idle();
    expect((await leadValues(rt.db, 'ld_ok'))?.values).toEqual([0, 1, 2, 3, 4]);
    const parked = await rt.db
      .selectFrom('lead_retries')
      .select('message_id')
      .where('lead_id', '=', 'ld_p')
      .orderBy('seq')
      .execute();
    expect(parked.length).toBe(3);
    expect(parked[0]?.message_id).toBe(poison.id);
    expect((await leadValues(rt.db, 'ld_p'))?.values).toEqual(['a']);

    // Not due yet: nothing happens.
    expect(await rt.host.processDueRetries(after(30_000))).toBe(0);
    await rt.host.processDueRetries(after(61_000));
    const head = await rt.db
      .selectFrom('lead_retries')
      .selectAll()
      .where('message_id', '=', poison.id)
      .executeTakeFirstOrThrow();
    expect(head.attempts).toBe(2);
    expect(await listDeadLetters(rt.db, { leadId: 'ld_p' })).toEqual([]);
    await retryThroughAllDelays(rt);
    expect(await listDeadLetters(rt.db, { leadId: 'ld_p' })).toHaveLength(1);
    expect((await leadValues(rt.db, 'ld_p'))?.values).toEqual(['a', 'b', 'c']);
    const [dead] = await listDeadLetters(rt.db, { leadId: 'ld_p' });
    expect(dead).toMatchObject({ messageId: poison.id, attempts: RETRY_DELAYS.length + 1 });
    expect(dead?.error).toContain('poison');
    expect(await getDeadLetter(rt.db, dead?.id ?? '')).toEqual(dead);
    const event = await rt.db
      .selectFrom('system_events')
      .selectAll()
      .where('type', '=', 'runtime.dead_letter')
      .where('lead_id', '=', 'ld_p')
      .executeTakeFirstOrThrow();
    expect(event.level).toBe('error');
    expect(
      await rt.db.selectFrom('lead_retries').selectAll().where('lead_id', '=', 'ld_p').execute(),
    ).toEqual([]);
  });

  it('a transient failure is retried and then applied in order', async () => {
    const first = makeEnvelope({ leadId: 'ld_f', event: { type: 'test.add', value: 1 } });
    flaky.set(first.id, 2);
    await rt.publish(first);
    await rt.publish(makeEnvelope({ leadId: 'ld_f', event: { type: 'test.add', value: 2 } }));
    await rt.idle();
    expect(await leadValues(rt.db, 'ld_f')).toBeUndefined();
    await rt.host.processDueRetries(after(61_000));
    expect(await leadValues(rt.db, 'ld_f')).toBeUndefined();
    await rt.host.processDueRetries(after(61_000 + 121_000));
    expect(await leadValues(rt.db, 'ld_f')).toEqual({ values: [1, 2], version: 2 });
    expect(await listDeadLetters(rt.db, { leadId: 'ld_f' })).toEqual([]);
  });

  it('a dead-lettered message redelivered later (its ack was lost) is not applied', async () => {
    const bad = makeEnvelope({ leadId: 'ld_redeliver', event: { type: 'test.add', value: 'poison' } });
    await rt.publish(bad);
    await rt.idle();
    await retryThroughAllDelays(rt);
    expect(await listDeadLetters(rt.db, { leadId: 'ld_redeliver' })).toHaveLength(1);
    await pastDedupeWindow();
    // The bus takes it again: the host, not the bus's dedupe, must keep it from being applied.
    expect((await rt.publish(bad)).duplicate).toBe(false);
    await rt.publish(makeEnvelope({ leadId: 'ld_redeliver', event: { type: 'test.add', value: 'next' } }));
    await rt.idle();
    expect(await listDeadLetters(rt.db, { leadId: 'ld_redeliver' })).toHaveLength(1);
    expect(
      await rt.db.selectFrom('lead_retries').selectAll().where('lead_id', '=', 'ld_redeliver').execute(),
    ).toEqual([]);
    expect(await leadValues(rt.db, 'ld_redeliver')).toEqual({ values: ['next'], version: 1 });
  });

  it('an envelope that fails the schema dead-letters at once', async () => {
    const bad = { ...makeEnvelope({ leadId: 'ld_bad' }), acceptedAt: 'yesterday' };
    await rt.publish(bad);
    await rt.publish(makeEnvelope({ leadId: 'ld_bad', event: { type: 'test.add', value: 'next' } }));
    await rt.idle();
    const dead = await listDeadLetters(rt.db, { leadId: 'ld_bad' });
    expect(dead).toHaveLength(1);
    expect(dead[0]?.attempts).toBe(1);
    expect((await leadValues(rt.db, 'ld_bad'))?.values).toEqual(['next']);
  });

  it('replaying a dead letter applies it once, after the lead’s processed messages', async () => {
    const msg = makeEnvelope({ leadId: 'ld_r', event: { type: 'test.add', value: 'r' } });
    flaky.set(msg.id, RETRY_DELAYS.length + 1);
    await rt.publish(msg);
    await rt.idle();
    await retryThroughAllDelays(rt);
    expect(await listDeadLetters(rt.db, { leadId: 'ld_r' })).toHaveLength(1);
    await rt.publish(makeEnvelope({ leadId: 'ld_r', event: { type: 'test.add', value: 'after' } }));
    await rt.idle();
    const [dead] = await listDeadLetters(rt.db, { leadId: 'ld_r' });
    const replay = await replayDeadLetter(rt.db, rt.bus, dead?.id ?? '');
    expect(replay.envelopeId).toBe(`replay:${dead?.id}:1`);
    await rt.idle();
    await replayDeadLetter(rt.db, rt.bus, dead?.id ?? '');
    await rt.idle();
    expect(await leadValues(rt.db, 'ld_r')).toEqual({ values: ['after', 'r'], version: 2 });
    const processed = await rt.db
      .selectFrom('processed_messages')
      .select('message_id')
      .where('lead_id', '=', 'ld_r')
      .execute();
    expect(processed.map((p) => p.message_id)).toContain(msg.id);
    expect((await getDeadLetter(rt.db, dead?.id ?? ''))?.replayCount).toBe(2);
  });
});

describe('the host’s own retry loop', () => {
  it('retries a failing message on its interval with millisecond delays', async () => {
    let failures = 2;
    const rt = await startRuntime({
      definitions: [testCounterDefinition],
      retryDelaysMs: [20, 20, 20],
      host: {
        retryPollMs: 10,
        hooks: {
          beforeApply() {
            if (failures-- > 0) throw new Error('transient failure');
          },
        },
      },
    });
    try {
      await rt.publish(makeEnvelope({ leadId: 'ld_loop', event: { type: 'test.add', value: 1 } }));
      await rt.waitFor(async () => (await leadValues(rt.db, 'ld_loop'))?.version === 1, 10_000, 'retry loop');
      expect(await rt.db.selectFrom('lead_retries').selectAll().execute()).toEqual([]);
    } finally {
      await rt.stop();
    }
  });
});

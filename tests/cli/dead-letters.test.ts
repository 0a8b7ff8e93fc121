// `leadline dead-letters list|replay` against a live single-node runtime sharing the database: a message
// dead-lettered while a fault lasted is replayed after the fix, applied once, after the lead's later
// messages (a replay joins the end of the lead's stream; src/actors/dead-letters.ts).
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Envelope } from '../../src/domain/envelope.ts';
import { testCounterDefinition } from '../../src/machines/test-counter/test-counter-definition.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/database.ts';
import { makeEnvelope, startRuntime, type Runtime } from '../helpers/runtime-harness.ts';
import { childEnv } from './child-env.ts';

const bin = path.resolve(import.meta.dirname, '../../bin/leadline.js');

describe('leadline dead-letters', () => {
  let t: TestDatabase;
  let rt: Runtime;
  const faulty = new Set<string>();

  const cli = (...args: string[]) => {
    const env = childEnv({ DATABASE_URL: t.url });
    return spawnSync(process.execPath, [bin, 'dead-letters', ...args], { env, encoding: 'utf8' });
  };
  const values = async (leadId: string) => {
    const row = await t.db.selectFrom('leads').select('snapshot').where('id', '=', leadId).executeTakeFirst();
    return (row?.snapshot as { context?: { values?: unknown[] } } | undefined)?.context?.values ?? [];
  };

  beforeAll(async () => {
    t = await createTestDatabase();
    rt = await startRuntime({
      db: t.db,
      partitions: 16, // as the CLI's default LEADLINE_PARTITIONS: both sides must agree
      definitions: [testCounterDefinition],
      retryDelaysMs: [20],
      host: {
        hooks: {
          beforeApply: (envelope: Envelope) => {
            if (faulty.has(String(envelope.event.value))) throw new Error('downstream fault');
          },
        },
      },
    });
  });
  afterAll(async () => {
    await rt.stop();
    await t.drop();
  });

  it('lists the dead letter, replays it once after the fix, after the lead’s later messages', async () => {
    const leadId = 'ld_cli_replay';
    faulty.add('first');
    await rt.publish(makeEnvelope({ leadId, event: { value: 'first' } }));
    await rt.waitFor(
      async () => (await t.db.selectFrom('dead_letters').select('id').execute()).length === 1,
      15_000,
      'the dead letter',
    );
    await rt.publish(makeEnvelope({ leadId, event: { value: 'second' } }));
    await rt.publish(makeEnvelope({ leadId, event: { value: 'third' } }));
    await rt.waitFor(async () => (await values(leadId)).length === 2, 15_000, 'later messages');

    const listed = cli('list', '--json');
    expect(listed.status).toBe(0);
    const letters = JSON.parse(listed.stdout) as { id: string; leadId: string; replayCount: number }[];
    expect(letters).toHaveLength(1);
    expect(letters[0]).toMatchObject({ leadId, replayCount: 0 });
    const id = letters[0]?.id ?? '';

    faulty.clear(); // the fault is fixed
    const replayed = cli('replay', id);
    expect(replayed.stderr).toBe('');
    expect(replayed.status).toBe(0);
    expect(replayed.stdout).toContain(`replayed ${id}`);
    await rt.waitFor(async () => (await values(leadId)).length === 3, 15_000, 'the replay to apply');
    expect(await values(leadId)).toEqual(['second', 'third', 'first']);

    // Replaying again (e.g. --all by mistake) does not apply it twice.
    expect(cli('replay', '--all').status).toBe(0); // nothing pending: a no-op
    expect(cli('replay', id).status).toBe(0);
    await rt.idle();
    expect(await values(leadId)).toEqual(['second', 'third', 'first']);
    const after = JSON.parse(cli('list', '--json').stdout) as { replayCount: number }[];
    expect(after[0]?.replayCount).toBe(2);
  });

  it('an unknown id fails with a clear message and a non-zero exit', () => {
    const result = cli('replay', '00000000-0000-4000-8000-000000000000');
    expect(result.status).toBe(1);
    expect(result.stdout).toContain('not found');
  });
});

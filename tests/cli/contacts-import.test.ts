// `leadline contacts import FILE --studio ID` as a user runs it: a child process on a real database.
import { spawnSync } from 'node:child_process';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../helpers/database.ts';
import { childEnv } from './child-env.ts';

const bin = path.resolve(import.meta.dirname, '../../bin/leadline.js');
let t: TestDatabase;
let dir: string;
beforeAll(async () => {
  t = await createTestDatabase();
  dir = await mkdtemp(path.join(tmpdir(), 'leadline-contacts-'));
});
afterAll(async () => {
  await t.drop();
});

const run = (...args: string[]) =>
  spawnSync(process.execPath, [bin, 'contacts', 'import', ...args], {
    env: childEnv({ DATABASE_URL: t.url }),
    encoding: 'utf8',
  });

describe('leadline contacts import', () => {
  it('imports the good rows, prints each bad one by line, and a second run only updates', async () => {
    const file = path.join(dir, 'contacts.csv');
    await writeFile(
      file,
      'name,phone,consent,consentSource\nAda,+447700900201,true,web\nBad,999,,\nBo,+447700900202,,\n',
    );
    const first = run(file, '--studio', 'inkwell');
    expect(first.status, first.stderr).toBe(0);
    expect(first.stdout).toContain('line 3 phone: not a phone number: "999"');
    expect(first.stdout).toContain('2 new, 0 updated, 1 bad row(s) of 3.');
    const again = run(file, '--studio', 'inkwell');
    expect(again.stdout).toContain('0 new, 2 updated, 1 bad row(s) of 3.');
    const leads = await sql<{ n: number }>`select count(*)::int as n from leads where status = 'NEW'`.execute(
      t.db,
    );
    expect(leads.rows[0]?.n).toBe(2);
  });

  it('an unknown studio is one line naming it, and nothing is written', () => {
    const result = run(path.join(dir, 'missing.csv'), '--studio', 'nope');
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/unknown studio "nope"/);
  });
});

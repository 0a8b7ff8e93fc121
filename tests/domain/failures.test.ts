// One test per failure class of src/domain/failures.ts, with the real errors where they can be produced:
// PostgreSQL's own refusals and unavailability, zod, JSON.parse, the provider clients' classified errors.
import { sql } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { TerminalError } from '../../src/actors/retry-policy.ts';
import { classifyFailure, PermanentFailure } from '../../src/domain/failures.ts';
import { classify } from '../../src/effects/effect-errors.ts';
import { graphError } from '../../src/effects/whatsapp/graph-errors.ts';
import { toGatewayError } from '../../src/gateway/plugins/errors.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/database.ts';

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase({ migrate: false });
  await sql`create table f (id int primary key, j jsonb, t text not null)`.execute(t.db);
});
afterAll(async () => {
  await t.drop();
});

async function failureOf(work: () => Promise<unknown>): Promise<unknown> {
  try {
    await work();
  } catch (error) {
    return error;
  }
  throw new Error('expected the work to fail');
}

describe('permanent: the same attempt fails the same way', () => {
  it('PostgreSQL encoding errors: NUL in text, NUL in jsonb, a lone surrogate in jsonb', async () => {
    const nulText = await failureOf(() => sql`insert into f values (1, null, ${'a\u0000b'})`.execute(t.db));
    const nulJson = await failureOf(() =>
      sql`insert into f values (2, ${JSON.stringify({ a: 'a\u0000' })}::jsonb, 'x')`.execute(t.db),
    );
    const surrogate = await failureOf(() =>
      sql`insert into f values (3, ${JSON.stringify({ a: '\ud800' })}::jsonb, 'x')`.execute(t.db),
    );
    for (const error of [nulText, nulJson, surrogate])
      expect(classifyFailure(error)).toEqual({ class: 'permanent', cause: 'pg_encoding' });
  });

  it('PostgreSQL constraint and data errors', async () => {
    await sql`insert into f values (10, null, 'x')`.execute(t.db);
    const unique = await failureOf(() => sql`insert into f values (10, null, 'y')`.execute(t.db));
    const notNull = await failureOf(() => sql`insert into f values (11, null, null)`.execute(t.db));
    const date = await failureOf(() => sql`select ${'0000-01-01T00:00:00Z'}::timestamptz`.execute(t.db));
    expect(classifyFailure(unique)).toEqual({ class: 'permanent', cause: 'pg_constraint' });
    expect(classifyFailure(notNull)).toEqual({ class: 'permanent', cause: 'pg_constraint' });
    expect(classifyFailure(date)).toEqual({ class: 'permanent', cause: 'pg_data' });
  });

  it('invalid JSON, a zod failure of a stored payload, an undecodable envelope', () => {
    const json = (() => {
      try {
        JSON.parse('{"a":');
      } catch (error) {
        return error;
      }
      return undefined;
    })();
    const zod = z.object({ type: z.literal('x') }).safeParse({ type: 'y' }).error;
    expect(classifyFailure(json)).toEqual({ class: 'permanent', cause: 'invalid_json' });
    expect(classifyFailure(zod)).toEqual({ class: 'permanent', cause: 'invalid_payload' });
    expect(classifyFailure(new TerminalError('invalid envelope: event.at'))).toEqual({
      class: 'permanent',
      cause: 'undecodable',
    });
  });

  it('a provider’s refusal (4xx), and a wrapper keeps its cause’s class', () => {
    const refused = graphError(400, {}, Buffer.from('{"error":{"code":100,"message":"bad"}}'), 'send');
    expect(classifyFailure(refused)).toEqual({ class: 'permanent', cause: 'provider' });
    const wrapped = new Error('commit failed', { cause: new PermanentFailure('x', 'pg_encoding') });
    expect(classifyFailure(wrapped)).toEqual({ class: 'permanent', cause: 'pg_encoding' });
  });
});

describe('transient: may pass on retry', () => {
  it('connection refused (nothing listening) and connection lost (backend terminated)', async () => {
    const refused = await failureOf(async () => {
      const client = new pg.Client({ host: '127.0.0.1', port: 1, user: 'postgres' });
      await client.connect();
    });
    expect(classifyFailure(refused)).toEqual({ class: 'transient', cause: 'connection' });

    const client = new pg.Client({ connectionString: t.url });
    await client.connect();
    client.on('error', () => undefined);
    const pid = (await client.query<{ pid: number }>('select pg_backend_pid() as pid')).rows[0]?.pid;
    await sql`select pg_terminate_backend(${pid})`.execute(t.db);
    const lost = await failureOf(() => client.query('select 1'));
    await client.end().catch(() => undefined);
    expect(classifyFailure(lost).class).toBe('transient');
  });

  it('statement timeout', async () => {
    const timeout = await failureOf(() =>
      t.db.connection().execute(async (c) => {
        await sql`set statement_timeout = 20`.execute(c);
        await sql`select pg_sleep(1)`.execute(c);
      }),
    );
    expect(classifyFailure(timeout)).toEqual({ class: 'transient', cause: 'pg_timeout' });
  });

  it('serialisation failure and deadlock (real, between two transactions)', async () => {
    await sql`insert into f values (20, null, 'a'), (21, null, 'b')`.execute(t.db);
    const a = new pg.Client({ connectionString: t.url });
    const b = new pg.Client({ connectionString: t.url });
    await a.connect();
    await b.connect();
    try {
      // Deadlock: each holds one row and waits for the other's.
      await a.query('begin');
      await b.query('begin');
      await a.query("update f set t = 'a1' where id = 20");
      await b.query("update f set t = 'b1' where id = 21");
      const first = a.query("update f set t = 'a2' where id = 21").catch((e: unknown) => e);
      const second = b.query("update f set t = 'b2' where id = 20").catch((e: unknown) => e);
      const results = await Promise.all([first, second]);
      await a.query('rollback');
      await b.query('rollback');
      const deadlock = results.find((r) => r instanceof Error);
      expect(classifyFailure(deadlock)).toEqual({ class: 'transient', cause: 'pg_deadlock' });

      // Serialisation failure: a repeatable-read transaction updates a row changed since its snapshot.
      await a.query('begin isolation level repeatable read');
      await a.query('select * from f where id = 20');
      await b.query("update f set t = 'changed' where id = 20");
      const serial = await a.query("update f set t = 'late' where id = 20").catch((e: unknown) => e);
      await a.query('rollback');
      expect(classifyFailure(serial)).toEqual({ class: 'transient', cause: 'pg_serialization' });
    } finally {
      await a.end();
      await b.end();
    }
  });

  it('a provider’s 5xx and 429, timeouts, and anything unrecognised', () => {
    const unavailable = graphError(503, {}, Buffer.from(''), 'send');
    const limited = graphError(429, { 'retry-after': '3' }, Buffer.from(''), 'send');
    expect(classifyFailure(unavailable)).toEqual({ class: 'transient', cause: 'provider' });
    expect(classifyFailure(limited)).toEqual({ class: 'transient', cause: 'provider' });
    expect(classifyFailure(new DOMException('timed out', 'TimeoutError')).class).toBe('transient');
    expect(classifyFailure(new TypeError('a bug'))).toEqual({ class: 'transient', cause: 'unknown' });
  });

  it('the relay asks the same place: a zod failure inside a handler fails the effect at once', () => {
    const zod = z.object({ id: z.string() }).safeParse({}).error;
    expect(classify(zod).retryable).toBe(false);
    expect(classify(new Error('Connection terminated unexpectedly')).retryable).toBe(true);
    expect(classify(new TypeError('a bug')).retryable).toBe(true);
  });
});

describe('the gateway answers an error no route mapped by its class', () => {
  it('content PostgreSQL refuses → 400 (never a 5xx for content); database unreachable → 503; a bug → 500', async () => {
    const nul = await failureOf(() => sql`select ${'a\u0000'}::text`.execute(t.db));
    expect(toGatewayError(nul)).toMatchObject({ code: 'VALIDATION_FAILED', statusCode: 400 });
    const refused = await failureOf(async () => {
      const client = new pg.Client({ host: '127.0.0.1', port: 1, user: 'postgres' });
      await client.connect();
    });
    expect(toGatewayError(refused)).toMatchObject({ code: 'SERVICE_UNAVAILABLE', statusCode: 503 });
    expect(toGatewayError(new TypeError('x is undefined'))).toMatchObject({
      code: 'INTERNAL_ERROR',
      statusCode: 500,
    });
  });
});

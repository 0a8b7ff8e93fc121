// Preloaded into a system process by the bench (`--import`, BENCH_PG_COUNT=DIR): counts every statement
// the process sends to PostgreSQL, by its shape (the first words of its text), and keeps the totals in
// DIR/<role>-<pid>.json (rewritten at most every 200 ms and at exit), so the bench can divide the
// statements of a phase by its messages. Counted, not timed: a shared machine's load does not change it.
import { renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';

const dir = process.env.BENCH_PG_COUNT;
const role = process.env.BENCH_PG_COUNT_ROLE ?? 'process';

/** A statement's shape: its text with whitespace collapsed, cut after a few words. */
export function statementShape(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim().toLowerCase();
  return flat.slice(0, 72);
}

if (dir) {
  const counts: Record<string, number> = {};
  let changed = false;
  const file = join(dir, `${role}-${process.pid}.json`);
  const write = () => {
    if (!changed) return;
    changed = false;
    // Written aside and renamed: the bench never reads half a file.
    writeFileSync(`${file}.tmp`, JSON.stringify(counts));
    renameSync(`${file}.tmp`, file);
  };
  type Query = (this: pg.Client, ...args: unknown[]) => unknown;
  const proto = pg.Client.prototype as unknown as { query: Query };
  const original = proto.query;
  proto.query = function (this: pg.Client, ...args: unknown[]) {
    const first = args[0];
    const text =
      typeof first === 'string'
        ? first
        : typeof first === 'object' && first !== null && 'text' in first
          ? String(first.text)
          : '';
    const shape = statementShape(text);
    counts[shape] = (counts[shape] ?? 0) + 1;
    changed = true;
    return original.apply(this, args);
  };
  setInterval(write, 200).unref();
  process.on('exit', write);
}

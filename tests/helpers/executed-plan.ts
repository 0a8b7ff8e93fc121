// A statement's plan as PostgreSQL executed it (EXPLAIN ANALYZE), its writes rolled back: tests read from it
// how many rows a statement visited, which does not depend on the machine's speed as a timing would.
import { CompiledQuery, type RawBuilder } from 'kysely';
import type { Db } from '../../src/persistence/database.ts';

export interface PlanNode {
  'Node Type': string;
  'Relation Name'?: string;
  Alias?: string;
  'Index Name'?: string;
  'Actual Rows'?: number;
  'Actual Loops'?: number;
  Plans?: PlanNode[];
}

/** The node and every node below it. */
export function planNodes(plan: PlanNode): PlanNode[] {
  return [plan, ...(plan.Plans ?? []).flatMap(planNodes)];
}

class Rollback extends Error {}

export async function executedPlan(db: Db, statement: RawBuilder<unknown>): Promise<PlanNode> {
  const compiled = statement.compile(db);
  let plan: PlanNode | undefined;
  await db
    .transaction()
    .execute(async (tx) => {
      const result = await tx.executeQuery<{ 'QUERY PLAN': [{ Plan: PlanNode }] }>(
        CompiledQuery.raw(`explain (analyze, format json) ${compiled.sql}`, [...compiled.parameters]),
      );
      plan = result.rows[0]?.['QUERY PLAN'][0].Plan;
      throw new Rollback();
    })
    .catch((error: unknown) => {
      if (!(error instanceof Rollback)) throw error;
    });
  if (!plan) throw new Error('no plan');
  return plan;
}

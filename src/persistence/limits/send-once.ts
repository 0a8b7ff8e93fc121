// At most one send per (campaign, lead, studio-local day), across workers, concurrent runs and crashes:
// the key is a primary key, claimed in the same transaction that writes the send's control event, so a
// rolled-back send releases it and a committed one holds it for good.
import { sql } from 'kysely';
import type { Tx } from '../database.ts';

export interface SendKey {
  campaignId: string;
  leadId: string;
  day: string;
  runId: string;
}

/** true when this transaction now owns the key; false when another send (any run, any worker) has it. */
export async function claimSendOnce(tx: Tx, key: SendKey): Promise<boolean> {
  const result = await sql<{ one: number }>`
    insert into campaign_sends (campaign_id, lead_id, day, run_id)
    values (${key.campaignId}, ${key.leadId}, ${key.day}::date, ${key.runId}::uuid)
    on conflict do nothing
    returning 1 as one`.execute(tx);
  return result.rows.length === 1;
}

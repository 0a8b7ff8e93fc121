// The lead's latest transcript entries (newest MAX_TURNS, returned oldest first): the conversation so far
// that an orchestrator call is sent (bounded further by conversation.ts).
import type { Db } from '../persistence/database.ts';
import { MAX_TURNS, type TranscriptTurn } from './conversation.ts';

export async function recentTurns(db: Db, leadId: string): Promise<TranscriptTurn[]> {
  const rows = await db
    .selectFrom('transcript')
    .select(['direction', 'text'])
    .where('lead_id', '=', leadId)
    .where('text', 'is not', null)
    .orderBy('id', 'desc')
    .limit(MAX_TURNS)
    .execute();
  return rows.reverse();
}

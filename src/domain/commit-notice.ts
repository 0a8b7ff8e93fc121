// What the actor host tells an envelope's `replyTo` once the message's fate is committed: applied (or
// already applied before: duplicate), ignored by the machine, or dead-lettered. The waiter then reads what
// the actor committed from the database; the notice itself carries no content.
import { z } from 'zod';

export const commitNoticeSchema = z.object({
  envelopeId: z.string(),
  leadId: z.string(),
  outcome: z.enum(['applied', 'duplicate', 'ignored', 'dead_lettered']),
});
export type CommitNotice = z.infer<typeof commitNoticeSchema>;

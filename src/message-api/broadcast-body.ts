// The body and answer of POST /api/broadcast, as zod schemas (validation naming the field, the handler's
// types, the OpenAPI document), and the per-lead failure codes a result can carry (docs/errors.md).
import { z } from 'zod';
import { REQUEST_ID } from './message-body.ts';

/** At most this many distinct leads per broadcast (duplicates are folded first). */
export const MAX_BROADCAST_LEADS = 100;
/** A bound on the raw list, duplicates included, so folding never reads an unbounded array. */
const MAX_RAW_LEAD_IDS = 1_000;
/** The admin `message.send` control event's bound: each lead's text travels as one. */
export const MAX_BROADCAST_TEXT = 4_096;

const LEADS_MESSAGE = `expected 1-${MAX_BROADCAST_LEADS} distinct lead ids`;

/** The ids in first-seen order, each once. */
export function foldLeadIds(ids: readonly string[]): string[] {
  return [...new Set(ids)];
}

export const broadcastRequestSchema = z.object({
  studioId: z.string().min(1).max(64),
  requestId: z.string().regex(REQUEST_ID, 'expected 1-128 characters of A-Z a-z 0-9 . _ : -'),
  leadIds: z
    .array(z.string().min(1).max(128))
    .max(MAX_RAW_LEAD_IDS, LEADS_MESSAGE)
    .refine((ids) => {
      const distinct = foldLeadIds(ids).length;
      return distinct >= 1 && distinct <= MAX_BROADCAST_LEADS;
    }, LEADS_MESSAGE)
    .meta({
      description: `1-${MAX_BROADCAST_LEADS} distinct lead ids of the studio; duplicates are folded.`,
    }),
  text: z
    .string()
    .min(1, `expected 1-${MAX_BROADCAST_TEXT} characters`)
    .max(MAX_BROADCAST_TEXT, `expected 1-${MAX_BROADCAST_TEXT} characters`),
  traceId: z.string().min(1).max(128).optional(),
});
export type BroadcastRequest = z.infer<typeof broadcastRequestSchema>;

/** Why a lead's result is not a success. Final unless PENDING (202 only: its actor has not committed yet). */
export const broadcastFailures = {
  LEAD_NOT_FOUND: 'No lead with this id in the studio; nothing was published for it',
  OPTED_OUT: 'The lead has opted out: its actor sent nothing',
  OUTSIDE_WINDOW:
    "WhatsApp's 24-hour window is closed: the studio's template went out (messageId) or was already waiting, and the text is held until the lead replies",
  NO_CHANNEL: 'The lead has never written, so it has no channel to reach it on: nothing was sent',
  NOT_SENT: "The lead's actor applied the message and sent nothing",
  PROCESSING_FAILED: "The lead's actor could not apply the message (a dead letter an operator can replay)",
  PENDING: "Accepted onto the lead's stream; its actor had not committed it when the answer was given",
} as const;
export type BroadcastFailure = keyof typeof broadcastFailures;
const failureCodes = Object.keys(broadcastFailures) as [BroadcastFailure, ...BroadcastFailure[]];

export const broadcastResultSchema = z.object({
  leadId: z.string(),
  success: z.boolean(),
  /** The outbound message's id (`out_…`), as on the session's messages for a web/app/api lead. */
  messageId: z.string().optional(),
  error: z.enum(failureCodes).optional(),
  /** The failure in words. */
  detail: z.string().optional(),
});
export type BroadcastResult = z.infer<typeof broadcastResultSchema>;

export const broadcastAnswerSchema = z.object({
  data: z.object({
    broadcastId: z.string(),
    summary: z.object({
      total: z.number().int(),
      successful: z.number().int(),
      failed: z.number().int(),
      /** 202 only: leads whose actor had not committed yet (neither successful nor failed). */
      pending: z.number().int().optional(),
    }),
    results: z.array(broadcastResultSchema),
  }),
  traceId: z.string(),
});
export type BroadcastAnswer = z.infer<typeof broadcastAnswerSchema>;

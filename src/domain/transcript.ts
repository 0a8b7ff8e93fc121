import { z } from 'zod';

/** Kinds of transcript entry shown by GET /admin/leads/:id/messages. */
export const messageKindSchema = z.enum([
  'text',
  'image',
  'audio',
  'video',
  'document',
  'sticker',
  'location',
  'contacts',
  'interactive',
  'button',
  'reaction',
  'template',
  'unsupported',
  'system',
]);
export type MessageKind = z.infer<typeof messageKindSchema>;

export const transcriptEntrySchema = z.object({
  direction: z.enum(['in', 'out']),
  kind: messageKindSchema,
  text: z.string().nullable(),
  /** Provider message id (wamid) when known. */
  providerMessageId: z.string().optional(),
  /** Extra structured data (media id, mime type, template name, buttons…). */
  data: z.record(z.string(), z.unknown()).optional(),
});
export type TranscriptEntry = z.infer<typeof transcriptEntrySchema>;

// A session message as the message API shows it (messages list and SSE `data`).
import { z } from 'zod';
import type { SessionMessage } from '../sessions/session-messages.ts';

export const sessionMessageViewSchema = z.object({
  messageId: z.string(),
  direction: z.enum(['in', 'out']),
  kind: z.enum(['text', 'choices', 'image']),
  text: z.string(),
  /** kind image: the upload, at GET /{channel}/media/:mediaId. */
  mediaId: z.string().optional(),
  options: z.array(z.object({ id: z.string(), title: z.string() })).optional(),
  at: z.string(),
});
export type SessionMessageView = z.infer<typeof sessionMessageViewSchema>;

export function sessionMessageView(message: SessionMessage): SessionMessageView {
  return {
    messageId: message.messageId,
    direction: message.direction,
    at: message.at,
    ...message.body,
  };
}

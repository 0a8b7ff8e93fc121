// The body and answers of POST /{api,app,web}/messages, as zod schemas: one source for validation (400
// VALIDATION_FAILED naming the field), the handler's types and the OpenAPI document.
import { z } from 'zod';
import { sessionMessageBodySchema } from '../sessions/session-messages.ts';
import { UPLOAD_ID } from './upload-id.ts';

export const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;
const DEVICE_ID = /^[A-Za-z0-9._:-]{1,128}$/;

export const messageRequestSchema = z
  .object({
    studioId: z.string().min(1).max(64),
    requestId: z.string().regex(REQUEST_ID, 'expected 1-128 characters of A-Z a-z 0-9 . _ : -'),
    /** Required unless the message carries an image (then its caption, optional). */
    text: z
      .string()
      .min(1, 'expected 1-10,000 characters')
      .max(10_000, 'expected 1-10,000 characters')
      .optional(),
    /** An image uploaded first with POST /{web,app,api}/media (its `mediaId`). */
    media: z.object({ id: z.string().regex(UPLOAD_ID, 'expected the mediaId of an upload') }).optional(),
    user: z
      .object({
        phone: z
          .string()
          .regex(/^\+[1-9]\d{6,14}$/, 'expected an E.164 phone number such as +447700900123')
          .optional(),
        email: z.email('expected an email address').max(254).optional(),
        deviceId: z.string().regex(DEVICE_ID, 'expected 1-128 characters of A-Z a-z 0-9 . _ : -').optional(),
        /** The user's language (BCP 47, e.g. navigator.language): WhatsApp templates go in it when the studio has it. */
        language: z
          .string()
          .regex(
            /^[A-Za-z]{2,3}([-_][A-Za-z0-9]{2,8}){0,3}$/,
            'expected a language tag such as en, de-AT or pt_BR',
          )
          .optional(),
      })
      .optional(),
    traceId: z.string().min(1).max(128).optional(),
  })
  .refine((body) => body.text !== undefined || body.media !== undefined, {
    message: 'expected 1-10,000 characters (or media)',
    path: ['text'],
  });
export type MessageRequest = z.infer<typeof messageRequestSchema>;

export const replySchema = sessionMessageBodySchema;
export type Reply = z.infer<typeof replySchema>;

export const messageAnswerSchema = z.object({
  data: z.object({
    leadId: z.string(),
    sessionId: z.string(),
    messageId: z.string(),
    lead: z.object({ status: z.string(), step: z.string().nullable() }),
    replies: z.array(replySchema),
    /** A guest's generated deviceId, to send next time. */
    user: z.object({ deviceId: z.string() }).optional(),
  }),
  traceId: z.string(),
});
export type MessageAnswer = z.infer<typeof messageAnswerSchema>;

export const acceptedAnswerSchema = z.object({
  data: z.object({
    messageId: z.string(),
    sessionId: z.string(),
    status: z.literal('accepted'),
    user: z.object({ deviceId: z.string() }).optional(),
  }),
  traceId: z.string(),
});
export type AcceptedAnswer = z.infer<typeof acceptedAnswerSchema>;

// Zod schemas for Meta's WhatsApp Cloud API webhook (Meta's own SDK types are wrong). The envelope of the
// payload is checked as a whole; each message and status is checked on its own, so one odd item never
// blocks the others, and message types we don't know are kept as `unsupported`.
import { z } from 'zod';

const waId = z.string().regex(/^\d{5,20}$/);
const wamid = z.string().min(1).max(256);
/** Unix seconds as a string. */
const unixSeconds = z.string().regex(/^\d{1,12}$/);
/** Sender text of any length (the body limit bounds it): the edge sanitiser cuts it to its field's bound. */
const senderText = z.string();

export const messageBaseSchema = z.looseObject({
  from: waId,
  id: wamid,
  timestamp: unixSeconds,
  type: z.string().min(1).max(64),
  /** Set when the sender used "reply": the id of the message they answered. */
  context: z.looseObject({ id: wamid.optional() }).optional(),
});

const media = z.looseObject({
  id: z.string().min(1).max(256),
  mime_type: z.string().max(256).optional(),
  sha256: z.string().max(256).optional(),
  caption: senderText.optional(),
  filename: senderText.optional(),
});
const reply = z.looseObject({ id: z.string().max(256), title: senderText });

/** The content of each known message type, keyed by `type`. */
export const messageBodies = {
  text: z.looseObject({ text: z.looseObject({ body: senderText }) }),
  image: z.looseObject({ image: media }),
  audio: z.looseObject({ audio: media }),
  video: z.looseObject({ video: media }),
  document: z.looseObject({ document: media }),
  sticker: z.looseObject({ sticker: media }),
  location: z.looseObject({
    location: z.looseObject({
      latitude: z.number(),
      longitude: z.number(),
      name: senderText.optional(),
      address: senderText.optional(),
    }),
  }),
  contacts: z.looseObject({
    contacts: z
      .array(z.looseObject({ name: z.looseObject({ formatted_name: senderText }).optional() }))
      .max(100),
  }),
  interactive: z.looseObject({
    interactive: z.union([
      z.looseObject({ type: z.literal('button_reply'), button_reply: reply }),
      z.looseObject({ type: z.literal('list_reply'), list_reply: reply }),
    ]),
  }),
  button: z.looseObject({ button: z.looseObject({ payload: z.string().max(1024), text: senderText }) }),
  reaction: z.looseObject({
    // `emoji` is absent when the user removes a reaction.
    reaction: z.looseObject({ message_id: wamid, emoji: z.string().max(64).optional() }),
  }),
  system: z.looseObject({
    system: z.looseObject({ body: senderText.optional(), type: z.string().max(64).optional() }),
  }),
} as const;

export const statusSchema = z.looseObject({
  id: wamid,
  status: z.enum(['sent', 'delivered', 'read', 'failed']),
  timestamp: unixSeconds,
  recipient_id: waId,
  errors: z
    .array(z.looseObject({ code: z.number().int(), title: z.string().max(1024).optional() }))
    .max(20)
    .optional(),
});

export const changeValueSchema = z.looseObject({
  messaging_product: z.string().optional(),
  metadata: z.looseObject({ phone_number_id: z.string().min(1).max(64) }),
  contacts: z
    .array(z.looseObject({ wa_id: z.string(), profile: z.looseObject({ name: z.string() }).optional() }))
    .optional(),
  messages: z.array(z.unknown()).optional(),
  statuses: z.array(z.unknown()).optional(),
  /** Webhook-level errors Meta reports for the number (e.g. a message it could not deliver to us). */
  errors: z.array(z.unknown()).optional(),
});

export const webhookPayloadSchema = z.looseObject({
  object: z.string(),
  entry: z
    .array(
      z.looseObject({
        id: z.string().optional(),
        changes: z.array(z.looseObject({ field: z.string(), value: z.unknown() })),
      }),
    )
    .max(1000),
});
export type WebhookPayload = z.infer<typeof webhookPayloadSchema>;
export type ChangeValue = z.infer<typeof changeValueSchema>;
export type MessageBase = z.infer<typeof messageBaseSchema>;
export type MediaBody = z.infer<typeof media>;

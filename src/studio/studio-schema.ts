// The studio configuration file (CONTRACT §2), validated with zod. Errors name the path, e.g.
// `studios[0].deposit.amount`.
import { z } from 'zod';
import { parseDuration } from '../domain/durations.ts';

const duration = z
  .string()
  .refine((v) => parseDuration(v) !== undefined, {
    message: 'expected a duration such as "90s", "6h" or "3d"',
  })
  .transform((v) => parseDuration(v) ?? 0);

const hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'expected HH:MM');
const e164 = z.string().regex(/^\+[1-9]\d{6,14}$/, 'expected an E.164 phone number such as +447700900001');
const token = z.string().regex(/^[a-z0-9][a-z0-9_-]{0,62}$/, 'expected lowercase letters, digits, - or _');

export const questionIds = [
  'idea',
  'placement',
  'dimensions',
  'style',
  'reference_images',
  'budget',
] as const;
export type QuestionId = (typeof questionIds)[number];

const interval = z.object({ start: hhmm, end: hhmm });
const weekdays = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;

export const studioSchema = z.object({
  id: token,
  name: z.string().min(1),
  whatsapp: z.object({
    phoneNumberId: z.string().regex(/^\d+$/, 'expected the numeric phone number id'),
    /** The relay's pace for this number: Meta's default limit is 80 msgs/s (1,000 when raised on request). */
    messagesPerSecond: z.number().int().positive().max(10_000).default(80),
  }),
  timezone: z.string().refine((tz) => {
    try {
      new Intl.DateTimeFormat('en', { timeZone: tz });
      return true;
    } catch {
      return false;
    }
  }, 'expected an IANA time zone such as Europe/London'),
  currency: z
    .string()
    .regex(/^[A-Za-z]{3}$/)
    .transform((c) => c.toUpperCase()),
  styles: z.array(z.string().min(1)).min(1),
  artists: z.array(z.object({ id: token, name: z.string().min(1), whatsapp: e164 })).min(1),
  questions: z
    .array(
      z.object({
        id: z.enum(questionIds),
        prompt: z.string().min(1),
        options: z.array(z.string().min(1)).optional(),
      }),
    )
    .min(1),
  deposit: z.object({ amount: z.number().int().positive(), expiresAfter: duration.default(86_400_000) }),
  timings: z
    .object({
      handoverCooldown: duration.default(6 * 3_600_000),
      reminderAfter: duration.default(12 * 3_600_000),
      staleAfter: duration.default(3 * 86_400_000),
      windowHours: z.number().positive().max(168).default(24),
    })
    .prefault({}),
  templates: z
    .object({
      resume: z.string().default('leadline_resume'),
      reminder: z.string().default('leadline_reminder'),
      deposit: z.string().default('leadline_deposit'),
    })
    .prefault({}),
  availability: z.object({
    weekly: z.partialRecord(z.enum(weekdays), z.array(interval)),
    slotMinutes: z
      .number()
      .int()
      .min(5)
      .max(24 * 60)
      .default(60),
    slotsOffered: z.number().int().min(1).max(10).default(3),
  }),
  pilot: z.object({ allowlist: z.array(e164) }).optional(),
});

export const studioConfigSchema = z
  .object({ studios: z.array(studioSchema).min(1) })
  .superRefine((config, ctx) => {
    const seen = new Map<string, number>();
    config.studios.forEach((s, i) => {
      for (const [key, value] of [
        ['id', s.id],
        ['whatsapp.phoneNumberId', s.whatsapp.phoneNumberId],
      ] as const) {
        const k = `${key}:${value}`;
        if (seen.has(k))
          ctx.addIssue({
            code: 'custom',
            path: ['studios', i, ...key.split('.')],
            message: `duplicate ${key} "${value}"`,
          });
        seen.set(k, i);
      }
    });
  });

export type Studio = z.infer<typeof studioSchema>;
export type StudioConfig = z.infer<typeof studioConfigSchema>;

// The studio configuration file (docs/contract.md#studio-configuration), validated with zod. Errors name
// the path, e.g. `studios[0].deposit.amount`. Every object is strict (strictObject: an unknown key is an
// error with a "did you mean"); `leadline config schema` prints this schema as JSON Schema for editors, so
// keep a `.meta({ description })` on fields a user writes.
import { z } from 'zod';
import { durationSchema, httpUrlSchema } from '../config/values.ts';
import { strictObject } from './strict-object.ts';

const duration = durationSchema();

const hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'expected HH:MM');
const e164 = z.string().regex(/^\+[1-9]\d{6,14}$/, 'expected an E.164 phone number such as +447700900001');
const token = z.string().regex(/^[a-z0-9][a-z0-9_-]{0,62}$/, 'expected lowercase letters, digits, - or _');

/**
 * What a funnel template's body parameters ({{1}}, {{2}}… in order) are filled with, from the lead: its
 * name (the WhatsApp profile name; first word for `lead.firstName`), the studio's name, the deposit amount
 * in the studio's currency, the lead's slot (chosen or booked, else the first offered). A value the lead
 * does not have yet (no name, no slot) takes the entry's `fallback`, else a default ("there", "soon"):
 * Meta refuses empty parameters.
 */
export const templateValues = [
  'lead.name',
  'lead.firstName',
  'studio.name',
  'deposit.amount',
  'slot',
] as const;
export type TemplateValue = (typeof templateValues)[number];
const templateValue = z.enum(templateValues, {
  error: () => `expected one of ${templateValues.join(', ')}`,
});
const templateParamSchema = z.union(
  [templateValue, strictObject({ value: templateValue, fallback: z.string().min(1).max(200) })],
  { error: () => `expected one of ${templateValues.join(', ')}, or { value, fallback }` },
);
export type TemplateParam = z.infer<typeof templateParamSchema>;
const templateParamList = (defaults: TemplateParam[]) =>
  z.array(templateParamSchema).max(10).default(defaults);
/**
 * A template's text as Meta shows it ("Hi {{1}}, this is {{2}}. …"), sent by SMS with the parameters
 * filled: one string (the body in the studio's `language`) or one per language ({ en: …, de: … }).
 */
const templateBodyText = z.string().min(1).max(1600);
const templateBodyEntry = z.union(
  [
    templateBodyText,
    z.record(
      z.string().regex(/^[a-z]{2,3}(_[A-Z]{2})?$/, 'expected a Meta template language code such as en_US'),
      templateBodyText,
    ),
  ],
  { error: () => 'expected the body text, or one per language: { en: "Hi {{1}}…" }' },
);

/** The body parameters the templates of docs/go-live.md take: "Hi {{1}}, this is {{2}}. …". */
export const defaultTemplateParams = {
  resume: ['lead.firstName', 'studio.name'],
  reminder: ['lead.firstName', 'studio.name'],
  deposit: ['lead.firstName', 'studio.name', 'deposit.amount'],
} satisfies Record<string, TemplateParam[]>;

export const questionIds = [
  'idea',
  'placement',
  'dimensions',
  'style',
  'reference_images',
  'budget',
] as const;
export type QuestionId = (typeof questionIds)[number];

/**
 * `${NAME}` is replaced by the environment variable NAME when the file is read (at boot, once); an unset
 * one is an error naming the path. Secrets such as `apiKey` stay out of the file that way.
 */
const fromEnvironment = z.string().transform((value, ctx) =>
  value.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g, (whole, name: string) => {
    const found = process.env[name];
    if (found === undefined || found === '') {
      ctx.addIssue({ code: 'custom', message: `environment variable ${name} is not set` });
      return whole;
    }
    return found;
  }),
);

const origin = z
  .string()
  .regex(/^https?:\/\/[^/?#\s]+$/, 'expected an origin such as https://inkwell.example (no path)');

const interval = strictObject({ start: hhmm, end: hhmm });

/**
 * The relay's pace for one SMS number, cluster-wide. Absent: 1 message a second (the SMS adapter's
 * default), Twilio's documented rate for a US long code (a toll-free number does 3, a short code 100).
 */
const smsMessagesPerSecond = z.number().positive().max(1_000).optional().meta({
  description: 'Sends per second from this number (default 1, a US long code; toll-free 3, short code 100).',
});

/**
 * One SMS number of the studio. The provider says which webhook brings its messages and which API sends
 * from it; OpenPhone also names the number by its id (PN…), which its webhooks and history carry.
 */
export const smsNumberSchema = z.discriminatedUnion(
  'provider',
  [
    strictObject({
      provider: z
        .literal('twilio')
        .meta({ description: 'A Twilio number (TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN).' }),
      number: e164.meta({ description: 'The number as Twilio shows it, E.164 (+15005550006).' }),
      messagesPerSecond: smsMessagesPerSecond,
    }),
    strictObject({
      provider: z
        .literal('openphone')
        .meta({ description: 'An OpenPhone (Quo) number (OPENPHONE_API_KEY, OPENPHONE_WEBHOOK_SECRET).' }),
      number: e164.meta({ description: 'The number, E.164 (+15005550007).' }),
      messagesPerSecond: smsMessagesPerSecond,
      phoneNumberId: z
        .string({
          error: (issue) =>
            issue.input === undefined ? "missing: OpenPhone's id of this number (PN…)" : undefined,
        })
        .regex(
          /^PN[A-Za-z0-9]+$/,
          'expected the OpenPhone phone number id, PN followed by letters and digits',
        )
        .meta({
          description: "OpenPhone's id of the number (PN…): GET /v1/phone-numbers or the web app's URL.",
        }),
    }),
  ],
  { error: () => 'expected provider: twilio or provider: openphone' },
);
export type SmsNumber = z.infer<typeof smsNumberSchema>;
/**
 * The orchestrator: an LLM behind an OpenAI-compatible chat completions endpoint (docs/contract.md §8), called
 * through the outbox (`effect.orchestrator.ask`); ORCHESTRATOR_API_KEY is its Bearer key.
 */
export const orchestratorSchema = strictObject({
  url: httpUrlSchema.meta({
    description:
      'The chat completions endpoint (https://llm.example/v1/chat/completions) or its base (…/v1).',
  }),
  model: z.string().min(1).max(200).meta({ description: 'The model named in each request (gpt-4o-mini).' }),
  timeout: duration
    .default(30_000)
    .refine((ms) => ms >= 100 && ms <= 300_000, 'expected a timeout from 100ms to 5m')
    .meta({ description: 'How long one call may take before the default reply is sent (default 30s).' }),
  defaultReply: z
    .string()
    .min(1)
    .max(1600)
    .meta({ description: 'Sent instead of an answer after an error, a timeout or past the budget.' }),
  pricing: strictObject({
    inputPer1k: z.number().nonnegative().meta({ description: 'Cost of 1,000 prompt tokens.' }),
    outputPer1k: z.number().nonnegative().meta({ description: 'Cost of 1,000 completion tokens.' }),
    currency: z.literal('USD', { error: 'expected USD (usage is reported as costUsd)' }).default('USD'),
  })
    .default({ inputPer1k: 0, outputPer1k: 0, currency: 'USD' })
    .meta({ description: 'What the model costs; usage is recorded with its cost (GET /admin/usage).' }),
  budgetTokensPerSession: z
    .number()
    .int()
    .positive()
    .optional()
    .meta({ description: 'Past this many tokens in a session no call is made (the default reply is sent).' }),
  dailyCostLimitUsd: z
    .number()
    .positive()
    .optional()
    .meta({ description: "An alert (once a day) when the studio's cost today (UTC) passes this." }),
  systemPrompt: z
    .string()
    .min(1)
    .max(4000)
    .optional()
    .meta({ description: 'Instructions sent first in every call (default: answer briefly for the studio).' }),
});
export type OrchestratorConfig = z.infer<typeof orchestratorSchema>;

/**
 * How an artist can be reached: WhatsApp (from the studio's number), SMS (from its SMS number), email (the
 * relay's effect carries the same names, domain/lead-events.ts `artistChannels`; the handler's table keyed
 * by those does not compile if one here is missing there).
 */
const artistChannels = ['whatsapp', 'sms', 'email'] as const;
/**
 * The channels an artist notification tries, in order: the first gets it; when a send fails for good (or
 * WhatsApp reports it failed) the next is tried, once each. Default: WhatsApp only.
 */
const artistNotifySchema = z
  .array(z.enum(artistChannels, { error: () => `expected one of ${artistChannels.join(', ')}` }))
  .min(1, 'list at least one channel, or leave notify out (whatsapp)')
  .refine((list) => new Set(list).size === list.length, 'each channel at most once')
  .default(['whatsapp'])
  .meta({
    description: 'Channels to notify the artist on, in order: [whatsapp, sms, email] (default [whatsapp]).',
  });

const weekdays = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;

export const studioSchema = strictObject({
  id: token,
  name: z.string().min(1),
  whatsapp: strictObject({
    phoneNumberId: z.string().regex(/^\d+$/, 'expected the numeric phone number id'),
    /** The relay's pace for this number: Meta's default limit is 80 msgs/s (1,000 when raised on request). */
    messagesPerSecond: z.number().int().positive().max(10_000).default(80),
    /**
     * The WhatsApp Business Account (WABA) id that owns the number's templates. When set, a production
     * start checks every configured template against the account's approved catalogue.
     */
    businessAccountId: z
      .string()
      .regex(/^\d+$/, 'expected the numeric WhatsApp Business Account id')
      .optional(),
  }),
  /** The language templates are sent in (a Meta language code: en, en_US, pt_BR, de…). */
  language: z
    .string()
    .regex(/^[a-z]{2,3}(_[A-Z]{2})?$/, 'expected a Meta template language code such as en, en_US or pt_BR')
    .default('en'),
  /**
   * Every language the studio's templates are approved in (default: just `language`). A lead whose language
   * is known and is one of these gets templates in it; any other lead gets `language`.
   */
  languages: z
    .array(
      z.string().regex(/^[a-z]{2,3}(_[A-Z]{2})?$/, 'expected a Meta template language code such as en_US'),
    )
    .min(1)
    .optional(),
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
  artists: z
    .array(
      strictObject({
        id: token,
        name: z.string().min(1),
        whatsapp: e164,
        /** The artist's SMS number when not the WhatsApp one: what they text from is never a lead's. */
        sms: e164.optional(),
        email: z
          .email({ error: 'expected an email address such as ana@inkwell.example' })
          .optional()
          .meta({ description: "The artist's email address (for notify: email)." }),
        notify: artistNotifySchema,
      }),
    )
    .min(1),
  questions: z
    .array(
      strictObject({
        id: z.enum(questionIds),
        prompt: z.string().min(1),
        options: z.array(z.string().min(1)).optional(),
      }),
    )
    .min(1),
  deposit: strictObject({ amount: z.number().int().positive(), expiresAfter: duration.default(86_400_000) }),
  timings: strictObject({
    handoverCooldown: duration.default(6 * 3_600_000),
    reminderAfter: duration.default(12 * 3_600_000),
    staleAfter: duration.default(3 * 86_400_000),
    windowHours: z.number().positive().max(168).default(24),
  }).prefault({}),
  templates: strictObject({
    resume: z.string().default('leadline_resume'),
    reminder: z.string().default('leadline_reminder'),
    deposit: z.string().default('leadline_deposit'),
    // Artist notifications outside the artist's 24-hour window (optional: without them an artist who has
    // not written to the studio number for a day gets nothing Meta will deliver; docs/go-live.md).
    /** An approval request: body {{1}} = the lead's summary, URL buttons 0/1 = approve/reject tokens. */
    artistApproval: z.string().optional(),
    /** Any other artist notification (handover, needs a human, booked): body {{1}} = the text. */
    artistUpdate: z.string().optional(),
    // More approved templates, by a key of the studio's choosing, for campaigns to send
    // (`campaigns: { birthday: birthday_offer }`).
    campaigns: z.record(z.string(), z.string()).optional(),
  }).prefault({}),
  /** Body parameters of templates.resume / reminder / deposit, in order ({{1}}, {{2}}…); [] for none. */
  templateParams: strictObject({
    resume: templateParamList(defaultTemplateParams.resume),
    reminder: templateParamList(defaultTemplateParams.reminder),
    deposit: templateParamList(defaultTemplateParams.deposit),
  }).prefault({}),
  /**
   * The templates' bodies, by template name (or `templates` key), for SMS: a template goes there as this
   * text with {{1}}… filled. A studio with SMS numbers needs those of resume, reminder and deposit.
   */
  templateBodies: z.record(z.string().min(1), templateBodyEntry).optional().meta({
    description:
      'Template bodies by name ({{1}}… as in Meta), sent as plain text by SMS: "…" or { en: "…", de: "…" }.',
  }),
  availability: strictObject({
    // An object of optional days (not a record) so a misspelt day gets a "did you mean" too.
    weekly: strictObject(
      Object.fromEntries(weekdays.map((day) => [day, z.array(interval).optional()])) as Record<
        (typeof weekdays)[number],
        z.ZodOptional<z.ZodArray<typeof interval>>
      >,
    ),
    slotMinutes: z
      .number()
      .int()
      .min(5)
      .max(24 * 60)
      .default(60),
    slotsOffered: z.number().int().min(1).max(10).default(3),
  }),
  pilot: strictObject({ allowlist: z.array(e164) }).optional(),
  /** SMS numbers (absent: SMS is off). A reply goes out on the number the lead wrote to; else the first. */
  sms: z.array(smsNumberSchema).min(1, 'list at least one number, or leave sms out').optional(),
  /** POST /web/messages for this studio (absent: the web channel is off). */
  web: strictObject({
    /** Accept messages without phone, email or deviceId (a deviceId is generated and returned). */
    acceptGuests: z.boolean().default(false),
    /** Browser origins allowed by CORS (and checked against the Origin header). */
    allowedOrigins: z.array(origin).default([]),
  })
    .optional()
    .meta({ description: 'The web channel (POST /web/messages); absent means off.' }),
  /** The key /api and /app callers send as X-API-Key or Bearer (absent: those channels are off). */
  apiKey: fromEnvironment
    .pipe(z.string().min(16, 'expected at least 16 characters'))
    .optional()
    .meta({ description: 'Key for /api and /app (X-API-Key or Bearer); ${VAR} reads the environment.' }),
  /** A message-API session ends after this long without a message from the lead (default 60m). */
  sessionTimeout: duration
    .default(60 * 60_000)
    .meta({ description: 'Message-API session timeout, e.g. "60m".' }),
  /** false: every route answers STUDIO_NOT_FOUND for this studio (kept in the file, switched off). */
  active: z.boolean().default(true),
  /**
   * SMS quiet hours in the studio's time zone (absent: none): anything that is not a direct reply waits for
   * their end. May wrap midnight (start 21:00, end 09:00).
   */
  quietHours: strictObject({ start: hhmm, end: hhmm }).optional(),
  /** What an SMS HELP or INFO gets (absent: a default naming the studio and STOP/START). */
  helpText: z.string().min(1).max(1600).optional(),
  /** qualify: the questions (part one); assistant: every inbound message is answered by the orchestrator. */
  flow: z
    .enum(['qualify', 'assistant'], { error: 'expected flow: qualify or flow: assistant' })
    .default('qualify')
    .meta({ description: 'qualify (the questions; default) or assistant (the orchestrator answers).' }),
  /** Absent: no orchestrator (the qualify flow behaves as in part one; assistant needs one). */
  orchestrator: orchestratorSchema.optional(),
});

export const studioConfigSchema = strictObject({ studios: z.array(studioSchema).min(1) }).superRefine(
  (config, ctx) => {
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
    config.studios.forEach((s, i) => {
      if (s.flow === 'assistant' && s.orchestrator === undefined)
        ctx.addIssue({
          code: 'custom',
          path: ['studios', i, 'orchestrator'],
          message: 'flow: assistant needs an orchestrator (url, model, defaultReply)',
        });
    });
    // A channel an artist is notified on needs its address: an email, a studio SMS number to send from.
    config.studios.forEach((s, i) => {
      s.artists.forEach((artist, j) => {
        const at = ['studios', i, 'artists', j, 'notify'];
        if (artist.notify.includes('email') && artist.email === undefined)
          ctx.addIssue({ code: 'custom', path: at, message: "notify: email needs the artist's email" });
        if (artist.notify.includes('sms') && (s.sms ?? []).length === 0)
          ctx.addIssue({
            code: 'custom',
            path: at,
            message: 'notify: sms needs a studio SMS number to send from (studios[].sms)',
          });
      });
    });
    // A webhook names the number (or OpenPhone's id) it came to: each must lead to one studio.
    const sms = new Map<string, string>();
    config.studios.forEach((s, i) => {
      (s.sms ?? []).forEach((entry, j) => {
        const keys: [string, string][] = [['number', entry.number]];
        if (entry.provider === 'openphone') keys.push(['phoneNumberId', entry.phoneNumberId]);
        for (const [key, value] of keys) {
          const where = `studios[${i}].sms[${j}]`;
          const first = sms.get(`${key}:${value}`);
          if (first !== undefined)
            ctx.addIssue({
              code: 'custom',
              path: ['studios', i, 'sms', j, key],
              message: `duplicate SMS ${key} "${value}" (also ${first})`,
            });
          else sms.set(`${key}:${value}`, where);
        }
      });
    });
  },
);

export type Studio = z.infer<typeof studioSchema>;
export type StudioConfig = z.infer<typeof studioConfigSchema>;

// A campaign as POST /admin/campaigns gives it (docs/contract.md §10), checked in two steps: the shape (zod,
// strict: an unknown segment field is an error naming it), then against the studio (its WhatsApp
// templates, its SMS numbers). Every problem names the field, so the 400 tells the admin what to fix.
import { z } from 'zod';
import { parseDuration } from '../domain/durations.ts';
import { studioSchema, type Studio } from '../studio/studio-schema.ts';
import { templateBody } from '../studio/template-bodies.ts';

const hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'expected a local time such as "10:00"');

export const segmentSchema = z.strictObject({
  status: z.array(z.string()).optional(),
  tags: z.array(z.string().min(1)).optional(),
  birthdayToday: z.boolean().optional(),
  inactiveFor: z
    .string()
    .refine((v) => parseDuration(v) !== undefined, 'expected a duration such as "30d"')
    .optional(),
});
export type Segment = z.infer<typeof segmentSchema>;

/**
 * Parameters name contact fields (`{name}`, with a fallback for a contact without one: `{name|there}`) or
 * are literal text: "Happy birthday {name|there}!". The language is the studio's (`language`) unless the
 * campaign names one: a WhatsApp template is approved per language.
 */
export const messageSchema = z.strictObject({
  template: z.string().min(1).optional(),
  language: studioSchema.shape.language.unwrap().optional(),
  params: z.array(z.string()).max(10).default([]),
  text: z.string().min(1).max(1600).optional(),
});
export type CampaignMessage = z.infer<typeof messageSchema>;

export const campaignInputSchema = z.strictObject({
  id: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,64}$/, 'letters, digits, - and _ (at most 64)')
    .optional(),
  studioId: z.string().min(1),
  name: z.string().min(1).max(200),
  channel: z.enum(['whatsapp', 'sms']),
  segment: segmentSchema.default({}),
  message: messageSchema,
  schedule: z.strictObject({ daily: hhmm }).optional(),
  dailyQuota: z.number().int().positive('must be at least 1'),
  ratePerMinute: z.number().int().positive('must be at least 1').max(6000).default(60),
});
export type CampaignInput = z.infer<typeof campaignInputSchema>;

export interface Campaign extends Omit<CampaignInput, 'id'> {
  id: string;
}

export interface FieldIssue {
  path: string;
  message: string;
}

/** The studio's template names (`templates` and `templates.campaigns`; their keys work as aliases). */
function templateNames(studio: Studio): Map<string, string> {
  const names = new Map<string, string>();
  const { campaigns, ...conversation } = studio.templates;
  for (const [key, name] of [...Object.entries(conversation), ...Object.entries(campaigns ?? {})]) {
    names.set(name, name);
    names.set(key, name);
  }
  return names;
}

/** SMS numbers of the studio (config `sms`, docs/contract.md §6); none configured: SMS is off for the studio. */
export function smsNumbers(studio: Studio): string[] {
  return studio.sms?.map((s) => s.number) ?? [];
}

/** Problems of a well-shaped campaign against its studio (none: it can be stored). */
export function studioIssues(input: CampaignInput, studio: Studio | undefined): FieldIssue[] {
  if (!studio) return [{ path: 'studioId', message: `unknown studio ${JSON.stringify(input.studioId)}` }];
  const issues: FieldIssue[] = [];
  const { message } = input;
  if (input.channel === 'whatsapp') {
    if (message.template === undefined) {
      issues.push({ path: 'message.template', message: 'a WhatsApp campaign sends a template' });
    } else if (!templateNames(studio).has(message.template)) {
      issues.push({
        path: 'message.template',
        message: `studio ${studio.id} has no template ${JSON.stringify(message.template)}`,
      });
    }
    const languages = studio.languages ?? [studio.language];
    if (message.language !== undefined && !languages.includes(message.language)) {
      issues.push({
        path: 'message.language',
        message: `studio ${studio.id} has its templates in ${languages.join(', ')}, not ${message.language}`,
      });
    }
  } else {
    // SMS sends text, or a template as its plain text (the studio's templateBodies), never its name.
    if (message.text === undefined && message.template === undefined) {
      issues.push({ path: 'message.text', message: 'an SMS campaign sends text' });
    } else if (message.text === undefined && message.template !== undefined) {
      const name = templateNames(studio).get(message.template);
      const language = message.language ?? studio.language;
      if (name === undefined) {
        issues.push({
          path: 'message.template',
          message: `studio ${studio.id} has no template ${JSON.stringify(message.template)}`,
        });
      } else if (templateBody(studio, name, language) === undefined) {
        issues.push({
          path: 'message.template',
          message: `studio ${studio.id} has no SMS text for template ${name} (templateBodies.${name})`,
        });
      }
    }
    if (smsNumbers(studio).length === 0) {
      issues.push({ path: 'channel', message: `studio ${studio.id} has no SMS number` });
    }
  }
  return issues;
}

/** The template name to send (a key of `templates` resolves to its name). */
export function templateName(studio: Studio, template: string): string {
  return templateNames(studio).get(template) ?? template;
}

/**
 * "{name}" and friends from the contact. A field the contact lacks becomes the fallback after `|`
 * ("{name|there}"), or "" without one.
 */
export function renderParam(param: string, contact: Record<string, string | null>): string {
  return param.replace(/\{(\w+)(?:\|([^{}]*))?\}/g, (_, field: string, fallback: string | undefined) => {
    const value = contact[field];
    return value === undefined || value === null || value === '' ? (fallback ?? '') : value;
  });
}

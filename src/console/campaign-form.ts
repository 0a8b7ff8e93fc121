// The console's "new campaign" form, read into the same input POST /admin/campaigns takes and checked by
// the same schema: every problem comes back naming its field, for the form to show next to it.
import {
  campaignInputSchema,
  type CampaignInput,
  type FieldIssue,
} from '../campaigns/campaign-definition.ts';

export type FormValues = Record<string, string | string[] | undefined>;

function one(form: FormValues, name: string): string | undefined {
  const value = form[name];
  const text = (Array.isArray(value) ? value[0] : value)?.trim();
  return text === undefined || text === '' ? undefined : text;
}

function many(form: FormValues, name: string): string[] {
  const value = form[name];
  return (Array.isArray(value) ? value : value === undefined ? [] : [value]).filter((v) => v !== '');
}

function list(text: string | undefined): string[] | undefined {
  const items = text
    ?.split(',')
    .map((t) => t.trim())
    .filter((t) => t !== '');
  return items === undefined || items.length === 0 ? undefined : items;
}

function integer(text: string | undefined): number | string | undefined {
  if (text === undefined) return undefined;
  return /^-?\d+$/.test(text) ? Number(text) : text;
}

/** Pure: the form's fields as a campaign input, or the issues (paths as the admin API names them). */
export function readCampaignForm(
  form: FormValues,
): { input: CampaignInput; issues?: undefined } | { issues: FieldIssue[] } {
  const statuses = many(form, 'segmentStatus');
  const tags = list(one(form, 'segmentTags'));
  const inactiveFor = one(form, 'segmentInactiveFor');
  const template = one(form, 'template');
  const params = list(one(form, 'params'));
  const text = one(form, 'text');
  const daily = one(form, 'scheduleDaily');
  const raw = {
    ...(one(form, 'id') ? { id: one(form, 'id') } : {}),
    studioId: one(form, 'studioId'),
    name: one(form, 'name'),
    channel: one(form, 'channel'),
    segment: {
      ...(statuses.length > 0 ? { status: statuses } : {}),
      ...(tags ? { tags } : {}),
      ...(one(form, 'segmentBirthdayToday') ? { birthdayToday: true } : {}),
      ...(inactiveFor ? { inactiveFor } : {}),
    },
    message: {
      ...(template ? { template } : {}),
      ...(params ? { params } : {}),
      ...(text ? { text } : {}),
    },
    ...(daily ? { schedule: { daily } } : {}),
    dailyQuota: integer(one(form, 'dailyQuota')),
    ...(one(form, 'ratePerMinute') ? { ratePerMinute: integer(one(form, 'ratePerMinute')) } : {}),
  };
  const parsed = campaignInputSchema.safeParse(raw);
  if (parsed.success) return { input: parsed.data };
  return {
    issues: parsed.error.issues.map((issue) => ({
      path: issue.path.map(String).join('.') || 'campaign',
      message: issue.message,
    })),
  };
}

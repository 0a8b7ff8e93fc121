// The plain text of a studio's WhatsApp templates, for a channel without templates (SMS): the studio's
// `templateBodies`, by template name (or a `templates` key naming it) and language, with `{{1}}`… as Meta
// writes them. Pure. A studio with SMS numbers must have the body of each funnel template in its
// `language`: `leadline config check` and a production start name what is missing; at send time a template
// without a body is not sent (never as its raw name): src/channels/sms/sms-adapter.ts.
import type { Studio } from './studio-schema.ts';

type BodyEntry = NonNullable<Studio['templateBodies']>[string];

/** The entry for template `name`: under its name, else under a `templates` (or `campaigns`) key naming it. */
function entryFor(studio: Studio, name: string): BodyEntry | undefined {
  const bodies = studio.templateBodies ?? {};
  if (bodies[name] !== undefined) return bodies[name];
  const { campaigns, ...conversation } = studio.templates;
  const keys = [...Object.entries(conversation), ...Object.entries(campaigns ?? {})]
    .filter(([, value]) => value === name)
    .map(([key]) => key);
  return keys.map((key) => bodies[key]).find((entry) => entry !== undefined);
}

/** The body in exactly `language` (a plain string entry is the body in the studio's `language`). */
function bodyIn(studio: Studio, entry: BodyEntry | undefined, language: string): string | undefined {
  if (entry === undefined) return undefined;
  if (typeof entry === 'string') return language === studio.language ? entry : undefined;
  return entry[language];
}

/**
 * The body of template `name` in `language`, else in the studio's `language` (better the studio's own words
 * than nothing: no provider approves an SMS text). Undefined when the studio has none.
 */
export function templateBody(studio: Studio, name: string, language: string): string | undefined {
  const entry = entryFor(studio, name);
  return bodyIn(studio, entry, language) ?? bodyIn(studio, entry, studio.language);
}

export interface MissingTemplateBody {
  studioId: string;
  /** Where the template is configured, e.g. `templates.resume`. */
  path: string;
  name: string;
  language: string;
  /**
   * Always a warning today: an SMS lead gets the funnel's messages as free text (SMS has no window, so the
   * chart never needs these templates there) and a campaign naming a template without a body is refused
   * when it is created. The body is what a future template send on SMS would use.
   */
  severity: 'warning';
  /** Missing in one of the studio's other `languages`: the body in its main `language` goes instead. */
  fallsBack: boolean;
}

/** The templates any lead may be sent (the artist ones go to artists, on WhatsApp). */
const FUNNEL = ['resume', 'reminder', 'deposit'] as const;

/**
 * The funnel templates of a studio with SMS numbers that have no body to send by SMS, in the studio's
 * `language` and its other `languages` (warnings: nothing sends them on SMS today, see `severity`). A studio
 * without SMS numbers needs none. Campaign templates are checked when an SMS campaign names one
 * (campaign-definition.ts), which is where a missing body would fail.
 */
export function missingSmsTemplateBodies(studio: Studio): MissingTemplateBody[] {
  if (studio.sms === undefined || studio.sms.length === 0) return [];
  const others = (studio.languages ?? []).filter((language) => language !== studio.language);
  const missing: MissingTemplateBody[] = [];
  for (const key of FUNNEL) {
    const name = studio.templates[key];
    const entry = entryFor(studio, name);
    for (const language of [studio.language, ...others]) {
      if (bodyIn(studio, entry, language) !== undefined) continue;
      const fallsBack = language !== studio.language;
      missing.push({
        studioId: studio.id,
        path: `templates.${key}`,
        name,
        language,
        severity: 'warning',
        fallsBack,
      });
    }
  }
  return missing;
}

/** "inkwell templates.resume leadline_resume (en): no SMS text (templateBodies.leadline_resume)". */
export function describeMissingBody(missing: MissingTemplateBody): string {
  const instead = missing.fallsBack ? '; the studio language body goes instead' : '';
  return `${missing.studioId} ${missing.path} ${missing.name} (${missing.language}): no SMS text (templateBodies.${missing.name})${instead}`;
}

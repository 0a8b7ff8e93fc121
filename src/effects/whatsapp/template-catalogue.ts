// The templates a studio configures, checked against what Meta approved for its WhatsApp Business Account.
// A template that is missing, not APPROVED, lacks one of the studio's languages, or whose body takes another
// number of parameters than Leadline sends is refused by Graph at send time (errors 132001, 132000) — when
// the lead's window has closed and the template is the only way to reach them. A production start checks
// the catalogue first and refuses to run on a problem, naming each.
import type { StudioConfig } from '../../studio/studio-schema.ts';
import type { GraphTemplate } from './graph-client.ts';

type Studio = StudioConfig['studios'][number];

export interface ConfiguredTemplate {
  /** Where it is configured, e.g. `templates.resume`, `templates.campaigns.birthday`. */
  path: string;
  name: string;
  language: string;
  /** How many body parameters Leadline sends with it; undefined when the sender decides (campaigns). */
  params?: number;
}

export interface TemplateProblem extends ConfiguredTemplate {
  studioId: string;
  why: string;
}

/** Artist templates: the notification's text is their one body parameter (artist-notify.ts). */
const ARTIST_PARAMS = 1;

/** Every template a studio's configuration can send, in each of the studio's languages. */
export function configuredTemplates(studio: Studio): ConfiguredTemplate[] {
  const { campaigns, resume, reminder, deposit, artistApproval, artistUpdate } = studio.templates;
  const counts = studio.templateParams;
  const named: { path: string; name: string | undefined; params?: number }[] = [
    { path: 'templates.resume', name: resume, params: counts.resume.length },
    { path: 'templates.reminder', name: reminder, params: counts.reminder.length },
    { path: 'templates.deposit', name: deposit, params: counts.deposit.length },
    { path: 'templates.artistApproval', name: artistApproval, params: ARTIST_PARAMS },
    { path: 'templates.artistUpdate', name: artistUpdate, params: ARTIST_PARAMS },
    ...Object.entries(campaigns ?? {}).map(([key, name]) => ({ path: `templates.campaigns.${key}`, name })),
  ];
  const languages = studio.languages ?? [studio.language];
  return languages.flatMap((language) =>
    named.flatMap(({ path, name, params }) =>
      name === undefined ? [] : [{ path, name, language, ...(params === undefined ? {} : { params }) }],
    ),
  );
}

/** The number of distinct {{n}} parameters of a template's body, when Graph listed its components. */
export function bodyParameterCount(template: GraphTemplate): number | undefined {
  const body = template.components?.find((c) => c.type.toUpperCase() === 'BODY');
  if (body?.text === undefined) return undefined;
  return new Set([...body.text.matchAll(/\{\{\s*(\d+)\s*\}\}/g)].map((m) => m[1])).size;
}

/** What is wrong with a studio's templates against its account's catalogue (empty: all approved). */
export function templateProblems(studio: Studio, catalogue: readonly GraphTemplate[]): TemplateProblem[] {
  const problems: TemplateProblem[] = [];
  for (const template of configuredTemplates(studio)) {
    const named = catalogue.filter((t) => t.name === template.name);
    const translation = named.find((t) => t.language === template.language);
    const takes = translation === undefined ? undefined : bodyParameterCount(translation);
    const why =
      named.length === 0
        ? 'not in the WhatsApp Business Account'
        : !translation
          ? `no ${template.language} translation (has ${named.map((t) => t.language).join(', ')})`
          : translation.status !== 'APPROVED'
            ? `status ${translation.status}, not APPROVED`
            : template.params !== undefined && takes !== undefined && takes !== template.params
              ? `its body takes ${takes} parameter(s), Leadline sends ${template.params} (templateParams)`
              : undefined;
    if (why !== undefined) problems.push({ studioId: studio.id, ...template, why });
  }
  return problems;
}

/** One line for a problem: "inkwell templates.resume leadline_resume (en): not in the WhatsApp Business Account". */
export function describeTemplateProblem(problem: TemplateProblem): string {
  return `${problem.studioId} ${problem.path} ${problem.name} (${problem.language}): ${problem.why}`;
}

// The templates a studio configures, checked against what Meta approved for its WhatsApp Business Account.
// A template that is missing, not APPROVED, or lacks the studio's language is refused by Graph at send time
// (error 132001 and friends) — when the lead's window has closed and the template is the only way to reach
// them. A production start checks the catalogue first and refuses to run on a problem, naming each.
import type { StudioConfig } from '../../studio/studio-schema.ts';
import type { GraphTemplate } from './graph-client.ts';

type Studio = StudioConfig['studios'][number];

export interface ConfiguredTemplate {
  /** Where it is configured, e.g. `templates.resume`, `templates.campaigns.birthday`. */
  path: string;
  name: string;
  language: string;
}

export interface TemplateProblem extends ConfiguredTemplate {
  studioId: string;
  why: string;
}

/** Every template name a studio's configuration can send, in the studio's language. */
export function configuredTemplates(studio: Studio): ConfiguredTemplate[] {
  const { campaigns, ...funnel } = studio.templates;
  const language = studio.language;
  return [
    ...Object.entries(funnel)
      .filter((entry): entry is [string, string] => typeof entry[1] === 'string')
      .map(([key, name]) => ({ path: `templates.${key}`, name, language })),
    ...Object.entries(campaigns ?? {}).map(([key, name]) => ({
      path: `templates.campaigns.${key}`,
      name,
      language,
    })),
  ];
}

/** What is wrong with a studio's templates against its account's catalogue (empty: all approved). */
export function templateProblems(studio: Studio, catalogue: readonly GraphTemplate[]): TemplateProblem[] {
  const problems: TemplateProblem[] = [];
  for (const template of configuredTemplates(studio)) {
    const named = catalogue.filter((t) => t.name === template.name);
    const translation = named.find((t) => t.language === template.language);
    const why =
      named.length === 0
        ? 'not in the WhatsApp Business Account'
        : !translation
          ? `no ${template.language} translation (has ${named.map((t) => t.language).join(', ')})`
          : translation.status !== 'APPROVED'
            ? `status ${translation.status}, not APPROVED`
            : undefined;
    if (why !== undefined) problems.push({ studioId: studio.id, ...template, why });
  }
  return problems;
}

/** One line for a problem: "inkwell templates.resume leadline_resume (en): not in the WhatsApp Business Account". */
export function describeTemplateProblem(problem: TemplateProblem): string {
  return `${problem.studioId} ${problem.path} ${problem.name} (${problem.language}): ${problem.why}`;
}

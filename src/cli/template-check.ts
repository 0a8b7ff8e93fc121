// The template catalogue check a production start and `leadline config check` run: for each studio with a
// `whatsapp.businessAccountId`, Graph's list of the account's templates against the configured names.
// An unreachable Graph is reported apart: a restart during a Meta outage should not be refused for it.
import type { Env } from '../config/env.ts';
import { defaultRelayOptions } from '../effects/relay-options.ts';
import { createGraphClient } from '../effects/whatsapp/graph-client.ts';
import { templateProblems, type TemplateProblem } from '../effects/whatsapp/template-catalogue.ts';
import type { StudioConfig } from '../studio/studio-schema.ts';

export interface TemplateCheck {
  problems: TemplateProblem[];
  /** Studios whose catalogue could not be read, with why. */
  unchecked: string[];
}

export async function checkTemplateCatalogues(env: Env, config: StudioConfig): Promise<TemplateCheck> {
  const check: TemplateCheck = { problems: [], unchecked: [] };
  const studios = config.studios.filter((s) => s.whatsapp.businessAccountId !== undefined);
  if (studios.length === 0 || env.WHATSAPP_ACCESS_TOKEN === undefined) return check;
  const graph = createGraphClient({
    baseUrl: env.WHATSAPP_API_BASE_URL,
    accessToken: env.WHATSAPP_ACCESS_TOKEN,
    timeouts: defaultRelayOptions.timeouts,
  });
  await Promise.all(
    studios.map(async (studio) => {
      try {
        const catalogue = await graph.listTemplates(studio.whatsapp.businessAccountId ?? '');
        check.problems.push(...templateProblems(studio, catalogue));
      } catch (error) {
        check.unchecked.push(`${studio.id}: ${(error as Error).message}`);
      }
    }),
  );
  return check;
}

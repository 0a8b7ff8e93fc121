// `leadline config check [FILE]` and `leadline config schema`. The check reads a studio configuration and
// the environment as a production start would (no development secrets generated), and reports every
// problem at once, one a line, without starting anything: exit 0 when a production start would go ahead.
import { parseEnv, type Env } from '../config/env.ts';
import { withResolvedHome } from '../config/home.ts';
import { productionProblems, type ProductionProblem } from '../config/production-checks.ts';
import { demoStudioInput } from '../studio/demo-studio.ts';
import { defaultConfigPath, isDemoStudioConfig, loadStudioConfig } from '../studio/load-studio-config.ts';
import type { StudioConfig } from '../studio/studio-schema.ts';
import { studioJsonSchemaText } from '../studio/studio-json-schema.ts';
import { describeTemplateProblem } from '../effects/whatsapp/template-catalogue.ts';
import { describeMissingBody, missingSmsTemplateBodies } from '../studio/template-bodies.ts';
import { checkTemplateCatalogues } from './template-check.ts';

const DEMO_PHONE_NUMBER_ID = demoStudioInput.studios[0].whatsapp.phoneNumberId;
const DEMO_SMS_NUMBERS: readonly string[] = demoStudioInput.studios[0].sms.map((entry) => entry.number);

/** Things that start but are probably not meant: printed, never failing the check. */
function warnings(env: Env, config: StudioConfig): string[] {
  const out: string[] = [];
  config.studios.forEach((studio, i) => {
    if (studio.whatsapp.phoneNumberId === DEMO_PHONE_NUMBER_ID) {
      out.push(
        `studios[${i}].whatsapp.phoneNumberId is the example's (${DEMO_PHONE_NUMBER_ID}): use your number's id from Meta`,
      );
    }
    (studio.sms ?? []).forEach((entry, j) => {
      if (DEMO_SMS_NUMBERS.includes(entry.number)) {
        out.push(
          `studios[${i}].sms[${j}].number is the example's (${entry.number}, Twilio's test number): use your own`,
        );
      }
    });
  });
  config.studios.forEach((studio, i) => {
    if (studio.templates.artistApproval === undefined) {
      out.push(
        `studios[${i}].templates.artistApproval is unset: approval requests go as free-form WhatsApp messages, which Meta delivers only to an artist who wrote to the studio number in the last ${studio.timings.windowHours} hours (docs/go-live.md)`,
      );
    }
  });
  if (env.PUBLIC_BASE_URL?.startsWith('http://') === true) {
    out.push(
      'PUBLIC_BASE_URL is http://: Meta and Stripe need HTTPS for webhooks and artists get plain links',
    );
  }
  return out;
}

function line(problem: ProductionProblem): string {
  return problem.name === 'LEADLINE_CONFIG'
    ? `error: no studio configuration (${defaultConfigPath()} not found and LEADLINE_CONFIG unset): the demo studio would be served`
    : `error: ${problem.name} is unset (needed for ${problem.neededFor})`;
}

export async function configCheckCommand(file: string | undefined): Promise<void> {
  const source = withResolvedHome(process.env);
  let env: Env;
  try {
    env = parseEnv(source);
  } catch (error) {
    process.stdout.write(`error: ${(error as Error).message}\n`);
    process.exitCode = 1;
    return;
  }
  let config: StudioConfig;
  try {
    config = await loadStudioConfig(file ?? env.LEADLINE_CONFIG);
  } catch (error) {
    process.stdout.write(`error: ${(error as Error).message.split('\n')[0] ?? ''}\n`);
    process.exitCode = 1;
    return;
  }
  const problems = productionProblems({ env, config, demo: isDemoStudioConfig(config) });
  const templates = await checkTemplateCatalogues(env, config);
  const templateLines = templates.problems.map((p) => `error: template ${describeTemplateProblem(p)}`);
  // A template goes by SMS as its text: a missing body is a warning (see missingSmsTemplateBodies).
  const bodies = config.studios.flatMap(missingSmsTemplateBodies);
  for (const missing of bodies)
    templateLines.push(`${missing.severity}: template ${describeMissingBody(missing)}`);
  const templateErrors = templateLines.filter((l) => l.startsWith('error:')).length;

  for (const problem of problems) process.stdout.write(`${line(problem)}\n`);
  for (const templateLine of templateLines) process.stdout.write(`${templateLine}\n`);
  for (const studio of templates.unchecked)
    process.stdout.write(`warning: WhatsApp template catalogue unchecked for ${studio}\n`);
  const demo = isDemoStudioConfig(config);
  for (const warning of demo ? [] : warnings(env, config)) process.stdout.write(`warning: ${warning}\n`);
  if (problems.length + templateErrors > 0) {
    const count = problems.length + templateErrors;
    process.stdout.write(`${count} problem(s): a production start would refuse to run.\n`);
    process.exitCode = 1;
    return;
  }
  const studios = config.studios.map((s) => `${s.id} (WhatsApp ${s.whatsapp.phoneNumberId})`).join(', ');
  process.stdout.write(`ok: ${config.studios.length} studio(s): ${studios}; the environment is complete.\n`);
}

export function configSchemaCommand(): void {
  process.stdout.write(studioJsonSchemaText());
}

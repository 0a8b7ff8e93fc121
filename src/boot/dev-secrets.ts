// Development defaults, so `npm install && npm start` then `leadline demo` work with no configuration.
// Outside production (NODE_ENV !== 'production'), each secret below that is unset is generated once and
// kept in <LEADLINE_HOME>/dev-secrets.json (mode 0600), so restarts and the CLI agree on them. In
// production nothing is generated: an unset secret stays unset (and, e.g., the admin API refuses calls).
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';

export const DEV_SECRET_NAMES = [
  'ADMIN_API_KEY',
  'WHATSAPP_APP_SECRET',
  'WHATSAPP_VERIFY_TOKEN',
  'STRIPE_WEBHOOK_SECRET',
  'ACTION_LINK_SECRET',
  // Signs Twilio's webhooks (and `leadline demo --channel sms`); without TWILIO_ACCOUNT_SID sends stay in
  // the sandbox, so a generated token never reaches Twilio.
  'TWILIO_AUTH_TOKEN',
] as const;
export type DevSecretName = (typeof DEV_SECRET_NAMES)[number];

export interface DevDefaults {
  /** The environment to parse: the given one plus generated values for unset secrets. */
  env: NodeJS.ProcessEnv;
  /** Names whose value came from the dev-secrets file (not from the environment). */
  applied: DevSecretName[];
  file: string;
}

function generate(name: DevSecretName): string {
  const random = randomBytes(24).toString('base64url');
  return name === 'STRIPE_WEBHOOK_SECRET' ? `whsec_dev_${random}` : `dev_${random}`;
}

export function devSecretsFile(source: NodeJS.ProcessEnv): string {
  return path.resolve(source.LEADLINE_HOME ?? './.leadline', 'dev-secrets.json');
}

export async function readDevSecrets(file: string): Promise<Partial<Record<DevSecretName, string>>> {
  try {
    return JSON.parse(await readFile(file, 'utf8')) as Partial<Record<DevSecretName, string>>;
  } catch {
    return {};
  }
}

const isUnset = (value: string | undefined) => value === undefined || value.trim() === '';

/**
 * Outside production PUBLIC_BASE_URL defaults to the local gateway, so action links and sandbox checkout
 * pages work on the first run (they point where `npm start` listens).
 */
export function withLocalBaseUrl(source: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  if (source.NODE_ENV === 'production' || !isUnset(source.PUBLIC_BASE_URL)) return source;
  const port = isUnset(source.PORT) ? '3000' : (source.PORT ?? '3000').trim();
  return { ...source, PUBLIC_BASE_URL: `http://localhost:${port}` };
}

export async function applyDevDefaults(original: NodeJS.ProcessEnv): Promise<DevDefaults> {
  const file = devSecretsFile(original);
  if (original.NODE_ENV === 'production') return { env: original, applied: [], file };
  const source = withLocalBaseUrl(original);
  const missing = DEV_SECRET_NAMES.filter((name) => isUnset(source[name]));
  if (missing.length === 0) return { env: source, applied: [], file };

  const stored = await readDevSecrets(file);
  let changed = false;
  for (const name of missing) {
    if (stored[name] === undefined) {
      stored[name] = generate(name);
      changed = true;
    }
  }
  if (changed) {
    await mkdir(path.dirname(file), { recursive: true });
    await writeFile(file, `${JSON.stringify(stored, null, 2)}\n`, { mode: 0o600 });
  }
  const env: NodeJS.ProcessEnv = { ...source };
  for (const name of missing) env[name] = stored[name];
  return { env, applied: missing, file };
}

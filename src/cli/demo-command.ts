// `leadline demo`: plays a sample conversation through the RUNNING gateway (signed like Meta with
// WHATSAPP_APP_SECRET, or with `--channel sms` as Twilio posts an SMS to the studio's first Twilio number,
// signed with TWILIO_AUTH_TOKEN over PUBLIC_BASE_URL), waits for each message to be applied, then prints
// the transcript and the lead's final state from the admin API. Secrets come from the environment or, in development, from
// <LEADLINE_HOME>/dev-secrets.json (written by `leadline start`).
import { leadIdFor } from '../domain/ids.ts';
import type { Env } from '../config/env.ts';
import { loadStudioConfig } from '../studio/load-studio-config.ts';
import type { Studio } from '../studio/studio-schema.ts';
import { CliError, loadEnv } from './cli-env.ts';
import { demoLines, demoPhone, twilioTextWebhook, whatsappTextWebhook } from './demo-conversation.ts';
import { createProgress } from './progress.ts';

interface TranscriptMessage {
  direction: 'in' | 'out';
  kind: string;
  text: string | null;
  at: string;
}

export interface DemoOptions {
  url?: string;
  phone?: string;
  studio?: string;
  channel: string;
  timeout: string;
}

type PostLine = (text: string) => Promise<Response>;

/** WhatsApp: Meta's webhook, signed with the app secret. */
function whatsappPoster(base: string, env: Env, studio: Studio, phone: string): PostLine {
  const appSecret = env.WHATSAPP_APP_SECRET;
  if (appSecret === undefined)
    throw new CliError('set WHATSAPP_APP_SECRET (the value the running gateway uses)');
  return (text) => {
    const hook = whatsappTextWebhook({
      phoneNumberId: studio.whatsapp.phoneNumberId,
      phone,
      name: 'Demo Lead',
      text,
      appSecret,
      at: new Date(),
    });
    return fetch(`${base}/webhooks/whatsapp`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-hub-signature-256': hook.signature },
      body: hook.body,
    });
  };
}

/**
 * The URL Twilio's signature covers: PUBLIC_BASE_URL when it is set; otherwise the gateway's own default,
 * http://localhost:<its port>, whose port is the one of the URL the demo posts to (so the banner's
 * `npx leadline demo --url http://localhost:4871` signs what a gateway on port 4871 checks).
 */
function signingBaseUrl(base: string, env: Env): string | undefined {
  if (process.env['PUBLIC_BASE_URL'] || process.env.NODE_ENV === 'production') return env.PUBLIC_BASE_URL;
  const url = new URL(base);
  return `http://localhost:${url.port || (url.protocol === 'https:' ? '443' : '80')}`;
}

/** SMS: Twilio's form post to the studio's first Twilio number, signed like Twilio signs it. */
function twilioPoster(base: string, env: Env, studio: Studio, phone: string): PostLine {
  const number = studio.sms?.find((entry) => entry.provider === 'twilio')?.number;
  if (number === undefined)
    throw new CliError(`studio ${studio.id} has no Twilio number (sms: [{ provider: twilio, number }])`);
  const authToken = env.TWILIO_AUTH_TOKEN;
  const publicBaseUrl = signingBaseUrl(base, env);
  if (authToken === undefined || publicBaseUrl === undefined)
    throw new CliError('set TWILIO_AUTH_TOKEN and PUBLIC_BASE_URL (the values the running gateway uses)');
  const accountSid = env.TWILIO_ACCOUNT_SID ?? `AC${'0'.repeat(32)}`;
  return (text) => {
    const hook = twilioTextWebhook({ publicBaseUrl, accountSid, from: phone, to: number, text, authToken });
    return fetch(`${base}${hook.path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': hook.signature },
      body: hook.body,
    });
  };
}

const posters: Record<string, typeof whatsappPoster> = { whatsapp: whatsappPoster, sms: twilioPoster };

async function getJson(url: string, apiKey: string): Promise<{ status: number; body: unknown }> {
  const response = await fetch(url, { headers: { 'x-api-key': apiKey } });
  const body: unknown = response.ok ? await response.json() : undefined;
  return { status: response.status, body };
}

type Messages = { messages: TranscriptMessage[] } | undefined;

async function inboundCount(base: string, leadId: string, apiKey: string): Promise<number> {
  const { status, body } = await getJson(`${base}/admin/leads/${leadId}/messages`, apiKey);
  if (status === 401) throw new CliError('the admin API refused ADMIN_API_KEY (401)');
  return (body as Messages)?.messages.filter((m) => m.direction === 'in').length ?? 0;
}

async function waitUntil(condition: () => Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new CliError(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export async function demoCommand(options: DemoOptions): Promise<void> {
  const { env } = await loadEnv();
  const base = (options.url ?? `http://127.0.0.1:${env.PORT}`).replace(/\/$/, '');
  const apiKey = env.ADMIN_API_KEY;
  if (apiKey === undefined) throw new CliError('set ADMIN_API_KEY (the value the running gateway uses)');
  const poster = posters[options.channel];
  if (poster === undefined) throw new CliError(`--channel ${options.channel}: expected whatsapp or sms`);
  const studios = (await loadStudioConfig(env.LEADLINE_CONFIG)).studios;
  const studio = options.studio === undefined ? studios[0] : studios.find((s) => s.id === options.studio);
  if (!studio) throw new CliError(`no studio ${options.studio ?? ''} in the configuration`);
  const phone = options.phone ?? demoPhone();
  const leadId = leadIdFor(studio.id, phone);
  const timeoutMs = Number(options.timeout);
  const post = poster(base, env, studio, phone);

  try {
    await fetch(`${base}/healthz`);
  } catch {
    throw new CliError(
      `no Leadline gateway answers at ${base}: start one with \`npm start\` (or pass --url)`,
    );
  }
  process.stdout.write(
    `Demo: ${phone} talks to ${studio.name} by ${options.channel} (lead ${leadId}) via ${base}\n`,
  );
  const progress = createProgress();
  try {
    for (const [i, text] of demoLines.entries()) {
      progress.update(`[${i + 1}/${demoLines.length}] sending "${text}"`);
      const response = await post(text);
      if (!response.ok) {
        throw new CliError(`the webhook answered ${response.status}: ${await response.text()}`);
      }
      const started = Date.now();
      await waitUntil(
        async () => (await inboundCount(base, leadId, apiKey)) > i,
        timeoutMs,
        `message ${i + 1} to be processed`,
      );
      progress.done(`[${i + 1}/${demoLines.length}] "${text}" applied in ${Date.now() - started} ms`);
    }
  } finally {
    progress.stop();
  }

  const transcript = (await getJson(`${base}/admin/leads/${leadId}/messages`, apiKey)).body as Messages;
  process.stdout.write('\nTranscript\n');
  for (const m of transcript?.messages ?? []) {
    const who = m.direction === 'in' ? 'lead  ' : 'studio';
    const text = (m.text ?? `[${m.kind}]`).replace(/\n/g, '\n          ');
    process.stdout.write(`  ${who}  ${text}\n`);
  }
  const lead = (await getJson(`${base}/admin/leads/${leadId}`, apiKey)).body as
    Record<string, unknown> | undefined;
  process.stdout.write(
    `\nFinal state\n${JSON.stringify(
      { status: lead?.status, step: lead?.step, answers: lead?.answers, version: lead?.version },
      null,
      2,
    )}\n`,
  );
}

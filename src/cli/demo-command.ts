// `leadline demo`: plays a sample conversation through the RUNNING gateway (signed like Meta with
// WHATSAPP_APP_SECRET), waits for each message to be applied, then prints the transcript and the lead's
// final state from the admin API. Secrets come from the environment or, in development, from
// <LEADLINE_HOME>/dev-secrets.json (written by `leadline start`).
import { leadIdFor } from '../domain/ids.ts';
import { loadStudioConfig } from '../studio/load-studio-config.ts';
import { CliError, loadEnv } from './cli-env.ts';
import { demoLines, demoPhone, whatsappTextWebhook } from './demo-conversation.ts';
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
  timeout: string;
}

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
  const appSecret = env.WHATSAPP_APP_SECRET;
  const apiKey = env.ADMIN_API_KEY;
  if (appSecret === undefined || apiKey === undefined) {
    throw new CliError('set WHATSAPP_APP_SECRET and ADMIN_API_KEY (the values the running gateway uses)');
  }
  const studios = (await loadStudioConfig(env.LEADLINE_CONFIG)).studios;
  const studio = options.studio === undefined ? studios[0] : studios.find((s) => s.id === options.studio);
  if (!studio) throw new CliError(`no studio ${options.studio ?? ''} in the configuration`);
  const phone = options.phone ?? demoPhone();
  const leadId = leadIdFor(studio.id, phone);
  const timeoutMs = Number(options.timeout);

  try {
    await fetch(`${base}/healthz`);
  } catch {
    throw new CliError(
      `no Leadline gateway answers at ${base}: start one with \`npm start\` (or pass --url)`,
    );
  }
  process.stdout.write(`Demo: ${phone} talks to ${studio.name} (lead ${leadId}) via ${base}\n`);
  const progress = createProgress();
  try {
    for (const [i, text] of demoLines.entries()) {
      progress.update(`[${i + 1}/${demoLines.length}] sending "${text}"`);
      const hook = whatsappTextWebhook({
        phoneNumberId: studio.whatsapp.phoneNumberId,
        phone,
        name: 'Demo Lead',
        text,
        appSecret,
        at: new Date(),
      });
      const response = await fetch(`${base}/webhooks/whatsapp`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-hub-signature-256': hook.signature },
        body: hook.body,
      });
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

// The campaigns workload of `npm run bench`: N contacts (default 10,000) imported over HTTP into one
// studio of the real `leadline start`, one WhatsApp template campaign with a daily quota of N, and a run
// timed from its start until every target is accounted for, each send reaching the bench's Graph API
// through the lead's actor and the outbox relay. Reports sends/s at the fake Graph API. The studio's
// number is set to Meta's raised limit (`whatsapp.messagesPerSecond: 1000`) and the campaign's
// `ratePerMinute` to its maximum (6,000, i.e. 100 sends/s): the figure shows whether a run keeps that pace
// through the actor and the relay (`paceRatio` = sends/s ÷ 100).
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { demoStudioInput } from '../../src/studio/demo-studio.ts';
import type { BenchInfra } from '../bench-infra.ts';
import { startBenchProviders } from '../webhook-e2e/fake-providers.ts';
import { startSystemUnderTest, type SystemMode } from '../webhook-e2e/system-under-test.ts';

export interface CampaignBenchSettings {
  modes: SystemMode[];
  contacts: number;
}

const ADMIN_KEY = 'bench-admin-key';
const MAX_RATE_PER_MINUTE = 6_000;
const round = (n: number, digits = 0) => Math.round(n * 10 ** digits) / 10 ** digits;

interface RunCounters {
  status: string;
  targeted: number;
  sent: number;
  failed: number;
  pending: number;
  skipped: Record<string, number>;
}

async function admin(base: string, route: string, body?: unknown, contentType = 'application/json') {
  const res = await fetch(`${base}${route}`, {
    method: body === undefined ? 'GET' : 'POST',
    headers: { 'x-api-key': ADMIN_KEY, ...(body === undefined ? {} : { 'content-type': contentType }) },
    ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
  });
  const json = await res.json();
  if (res.status >= 300) throw new Error(`bench: ${route} answered ${res.status}: ${JSON.stringify(json)}`);
  return json;
}

async function writeCampaignStudio(dir: string): Promise<string> {
  const { sms: _sms, ...template } = demoStudioInput.studios[0];
  const file = path.join(dir, 'campaign-studio.json');
  const studio = {
    ...template,
    id: 'bench-campaigns',
    whatsapp: { phoneNumberId: '130000000000001', messagesPerSecond: 1000 },
    templates: { campaigns: { offer: 'bench_offer' } },
  };
  await writeFile(file, JSON.stringify({ studios: [studio] }));
  return file;
}

function contactsCsv(count: number): string {
  const rows = ['name,phone,tags,consent,consentSource'];
  for (let i = 0; i < count; i++)
    rows.push(`Client ${i},+4477${String(10_000_000 + i).padStart(8, '0')},bench,true,bench`);
  return rows.join('\n');
}

export async function runCampaignBench(infra: BenchInfra, settings: CampaignBenchSettings): Promise<void> {
  for (const mode of settings.modes) {
    const home = await mkdtemp(path.join(os.tmpdir(), 'leadline-bench-campaigns-'));
    const database = await infra.freshDatabase();
    const graph = await startBenchProviders();
    const sut = await startSystemUnderTest({
      system: 'leadline',
      mode,
      databaseUrl: database.url,
      providers: graph,
      studioFile: await writeCampaignStudio(home),
      home,
    });
    try {
      const importStart = performance.now();
      await admin(
        sut.url,
        '/admin/contacts/import?studioId=bench-campaigns',
        contactsCsv(settings.contacts),
        'text/csv',
      );
      const importSeconds = (performance.now() - importStart) / 1000;
      await admin(sut.url, '/admin/campaigns', {
        id: 'bench',
        studioId: 'bench-campaigns',
        name: 'Bench offer',
        channel: 'whatsapp',
        segment: { tags: ['bench'] },
        message: { template: 'offer', params: ['{name}'] },
        dailyQuota: settings.contacts,
        ratePerMinute: MAX_RATE_PER_MINUTE,
      });
      const sentBefore = graph.sends();
      const cpuBefore = sut.cpuMs();
      const start = performance.now();
      let lastSendAt = start;
      graph.onSend((_to, at) => {
        lastSendAt = at;
      });
      const run = (await admin(sut.url, '/admin/campaigns/bench/runs', {})) as { id: string };
      const deadline = start + 600_000;
      let counters: RunCounters | undefined;
      for (;;) {
        counters = (await admin(sut.url, `/admin/campaigns/bench/runs/${run.id}`)) as RunCounters;
        const delivered = graph.sends() - sentBefore;
        if (
          (counters.status === 'completed' && counters.pending === 0 && delivered >= counters.sent) ||
          performance.now() > deadline
        )
          break;
        // The admin API allows 300 requests a minute: poll once a second (sends are timed at the fake Graph).
        await new Promise((resolve) => setTimeout(resolve, 1_000));
      }
      const sends = graph.sends() - sentBefore;
      const seconds = (lastSendAt - start) / 1000;
      process.stdout.write(
        `${JSON.stringify({
          bench: 'campaigns',
          system: 'leadline',
          mode,
          contacts: settings.contacts,
          importSeconds: round(importSeconds, 1),
          targeted: counters.targeted,
          sent: counters.sent,
          failed: counters.failed,
          sends,
          sendsPerSec: round(sends / seconds),
          paceRatio: round(sends / seconds / (MAX_RATE_PER_MINUTE / 60), 2),
          runSeconds: round(seconds, 1),
          cpuMsPerSend: round((sut.cpuMs() - cpuBefore) / Math.max(1, sends), 2),
          rssMb: Math.max(...Object.values(sut.peakRssMb())),
          load: os.loadavg().map((l) => round(l, 2)),
        })}\n`,
      );
    } finally {
      await sut.stop();
      await graph.close();
      await database.drop();
      await rm(home, { recursive: true, force: true });
    }
  }
}

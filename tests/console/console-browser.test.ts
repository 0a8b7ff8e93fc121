// The console in a real browser: Debian's headless Chromium driven by playwright-core against the real
// system (gateway + actor host + relay, in-process bus, a fresh database, the sandbox for WhatsApp).
// Signed WhatsApp webhooks make a lead; the test signs in, finds the lead and its transcript, approves it,
// replays a dead letter and reads the funnel charts. Screenshots go to artifacts/screenshots (gitignored).
// The leads list's load time with 10,000 leads is measured and written to artifacts/ (a figure, not an
// assertion).
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoLines, whatsappTextWebhook } from '../../src/cli/demo-conversation.ts';
import { parseEnv } from '../../src/config/env.ts';
import { leadIdFor } from '../../src/domain/ids.ts';
import { silentLogger } from '../../src/observability/logger.ts';
import { demoStudioConfig } from '../../src/studio/load-studio-config.ts';
import { startSystem, type RunningSystem } from '../../src/system.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/database.ts';
import { waitFor } from '../helpers/runtime-harness.ts';

const CHROMIUM = '/usr/bin/chromium';
const shots = path.resolve(import.meta.dirname, '../../artifacts/screenshots');
const secrets = { ADMIN_API_KEY: 'console-admin-key', WHATSAPP_APP_SECRET: 'console-app-secret' };
const phone = '+447700900321';
const studio = demoStudioConfig.studios[0]!;
const leadId = leadIdFor(studio.id, phone);

describe.skipIf(!existsSync(CHROMIUM))('console in headless Chromium', () => {
  let t: TestDatabase;
  let system: RunningSystem;
  let browser: BrowserContext;
  let profile: string;
  let page: Page;
  let base: string;

  beforeAll(async () => {
    t = await createTestDatabase();
    system = await startSystem({
      env: parseEnv({
        DATABASE_URL: t.url,
        HOST: '127.0.0.1',
        PORT: '0',
        LOG_LEVEL: 'silent',
        ACTION_LINK_SECRET: 'console-links',
        PUBLIC_BASE_URL: 'http://127.0.0.1:9',
        LEADLINE_PROBE_INTERVAL: '0',
        ...secrets,
      }),
      role: 'all',
      studioConfig: demoStudioConfig,
      logger: silentLogger,
    });
    base = system.url;
    await mkdir(shots, { recursive: true });
    profile = await mkdtemp(path.join(os.tmpdir(), 'leadline-chromium-'));
    // A fresh profile per run (playwright passes it as --user-data-dir).
    browser = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      viewport: { width: 1280, height: 900 },
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
    page = browser.pages()[0] ?? (await browser.newPage());
  }, 120_000);

  afterAll(async () => {
    await browser.close();
    await system.stop();
    await t.drop();
    if (profile) await rm(profile, { recursive: true, force: true });
  });

  const inbound = async () =>
    Number(
      (
        await t.db
          .selectFrom('transcript')
          .select((eb) => eb.fn.countAll<string>().as('n'))
          .where('lead_id', '=', leadId)
          .where('direction', '=', 'in')
          .executeTakeFirstOrThrow()
      ).n,
    );

  it('sign-in: the admin key opens the console, a wrong key does not', async () => {
    await page.goto(`${base}/console`);
    expect(new URL(page.url()).pathname).toBe('/console/sign-in');
    await page.getByLabel('Admin key (ADMIN_API_KEY)').fill('not-the-key');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect.poll(() => page.getByRole('alert').textContent()).toContain('not the admin key');
    await page.getByLabel('Admin key (ADMIN_API_KEY)').fill(secrets.ADMIN_API_KEY);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(`${base}/console/leads`);
    const cookie = (await browser.cookies()).find((c) => c.name === 'leadline_console');
    expect(cookie?.httpOnly).toBe(true);
    expect(cookie?.sameSite).toBe('Strict');
    await page.screenshot({ path: path.join(shots, 'sign-in-leads-empty.png'), fullPage: true });
  });

  it('a lead made by signed WhatsApp webhooks appears with its transcript', async () => {
    for (const [i, text] of demoLines.entries()) {
      const hook = whatsappTextWebhook({
        phoneNumberId: studio.whatsapp.phoneNumberId,
        phone,
        name: 'Ada Console',
        text,
        appSecret: secrets.WHATSAPP_APP_SECRET,
        at: new Date(),
      });
      const response = await fetch(`${base}/webhooks/whatsapp`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-hub-signature-256': hook.signature },
        body: hook.body,
      });
      expect(response.status).toBe(200);
      await waitFor(async () => (await inbound()) > i, 30_000, `message ${i + 1} applied`);
    }
    await page.goto(`${base}/console/leads?q=7700900321`);
    await page.getByRole('link', { name: phone }).click();
    await page.waitForURL(`${base}/console/leads/${leadId}`);
    await expect
      .poll(() => page.getByTestId('status').textContent(), { timeout: 20_000 })
      .toBe('PENDING_APPROVAL');
    const transcript = page.locator('.transcript');
    await expect.poll(() => transcript.textContent()).toContain('Tell us about your tattoo idea.');
    await expect.poll(() => transcript.textContent()).toContain('A fox curled around a crescent moon');
    // Delivery ticks: the replies went to the sandbox (no WHATSAPP_ACCESS_TOKEN).
    await expect.poll(() => page.locator('.tick-sandbox').count(), { timeout: 20_000 }).toBeGreaterThan(3);
    expect(await page.locator('.states li.current').textContent()).toBe('PENDING_APPROVAL');
    await page.screenshot({ path: path.join(shots, 'lead-pending-approval.png'), fullPage: true });
  });

  it('an approval from the console moves the lead on (live update, no reload)', async () => {
    await page.getByRole('button', { name: 'Approve' }).click();
    await expect.poll(() => page.getByRole('status').textContent()).toContain('artist.approve accepted');
    await expect
      .poll(() => page.getByTestId('status').textContent(), { timeout: 30_000 })
      .toBe('AWAITING_DEPOSIT');
    await page.screenshot({ path: path.join(shots, 'lead-approved.png'), fullPage: true });
  });

  it('a form without its CSRF token is refused', async () => {
    const status = await page.evaluate(async (id) => {
      const response = await fetch(`/console/leads/${id}/events`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: 'type=lead.reset',
      });
      return response.status;
    }, leadId);
    expect(status).toBe(403);
  });

  it('a dead letter is replayed from the console', async () => {
    const envelope = {
      id: 'admin:console-dead-letter',
      leadId,
      actorType: 'lead',
      studioId: studio.id,
      acceptedAt: new Date().toISOString(),
      event: { type: 'message.send', text: 'Replayed from the dead letters', at: new Date().toISOString() },
    };
    await t.db
      .insertInto('dead_letters')
      .values({
        id: '00000000-0000-4000-8000-00000000dead',
        lead_id: leadId,
        message_id: envelope.id,
        envelope: JSON.stringify(envelope),
        error: 'downstream fault',
        attempts: 5,
        failed_at: new Date(),
      })
      .execute();
    await page.getByRole('link', { name: 'Dead letters' }).click();
    await page
      .getByRole('button', { name: 'Replay dead letter 00000000-0000-4000-8000-00000000dead' })
      .click();
    await expect
      .poll(() => page.getByRole('status').textContent())
      .toContain('00000000-0000-4000-8000-00000000dead replayed');
    await waitFor(
      async () =>
        (await t.db
          .selectFrom('transcript')
          .select('id')
          .where('lead_id', '=', leadId)
          .where('text', '=', 'Replayed from the dead letters')
          .executeTakeFirst()) !== undefined,
      30_000,
      'the replayed message in the transcript',
    );
    expect(
      await page.locator('tr[data-dead-letter="00000000-0000-4000-8000-00000000dead"]').textContent(),
    ).toContain('1×');
    await page.screenshot({ path: path.join(shots, 'dead-letters.png'), fullPage: true });
  });

  it('the funnel renders its charts, and the sandbox shows the phone screens', async () => {
    await page.getByRole('link', { name: 'Funnel' }).click();
    const perStatus = page.locator('svg[data-chart="per-status"]');
    expect(await perStatus.getAttribute('role')).toBe('img');
    expect(await perStatus.locator('rect').count()).toBe(11);
    expect(await page.locator('svg[data-chart="conversion"] text').allTextContents()).toContain('BOOKED');
    // Exact from the status history: the one lead reached PENDING_APPROVAL and AWAITING_DEPOSIT, and its
    // stays in QUALIFYING and PENDING_APPROVAL have ended.
    const conversionText = await page.locator('svg[data-chart="conversion"]').textContent();
    expect(conversionText).toContain('1 (100% of the step before)');
    const medians = await page.locator('svg[data-chart="median-time"] text').allTextContents();
    expect(medians).toEqual(expect.arrayContaining(['QUALIFYING', 'PENDING_APPROVAL']));
    await page.screenshot({ path: path.join(shots, 'funnel.png'), fullPage: true });

    await page.getByRole('link', { name: 'Sandbox phones' }).click();
    const screen = page.locator(`section[data-recipient="${phone}"]`);
    await expect.poll(() => screen.textContent()).toContain('Tell us about your tattoo idea.');
    const artist = page.locator(`section[data-recipient="${studio.artists[0]!.whatsapp}"]`);
    await expect.poll(() => artist.textContent()).toContain('Approve: http://127.0.0.1:9/a/');
    await page.screenshot({ path: path.join(shots, 'sandbox-phones.png'), fullPage: true });

    await page.getByRole('link', { name: 'Campaigns' }).click();
    await expect.poll(() => page.getByRole('status').textContent()).toContain('not configured');
  });

  it('measures the leads list with 10,000 leads (a figure for the notes)', async () => {
    await sql`
      insert into leads (id, studio_id, phone, name, status, step, answers, snapshot, machine_id, machine_version, version, created_at, updated_at)
      select 'ld_bulk_' || g, ${studio.id}, '+4477009' || lpad(g::text, 5, '0'), 'Bulk ' || g,
             (array['NEW','QUALIFYING','PENDING_APPROVAL','AWAITING_DEPOSIT','BOOKED'])[1 + g % 5], null,
             '{}'::jsonb, '{}'::jsonb, 'lead', 1, 1, now() - (g || ' minutes')::interval, now() - (g || ' minutes')::interval
      from generate_series(1, 10000) g`.execute(t.db);
    const timings: number[] = [];
    for (let i = 0; i < 5; i++) {
      const started = Date.now();
      await page.goto(`${base}/console/leads?page=${1 + i * 40}`, { waitUntil: 'load' });
      timings.push(Date.now() - started);
    }
    await page.goto(`${base}/console/leads?status=BOOKED&page=3`);
    expect(await page.locator('main p[aria-live]').textContent()).toContain('2000 leads');
    await page.screenshot({ path: path.join(shots, 'leads-10000.png'), fullPage: true });
    const sorted = [...timings].sort((a, b) => a - b);
    const figure = { leads: 10_001, loadsMs: timings, medianMs: sorted[2] };
    await writeFile(path.resolve(shots, '../leads-list-timing.json'), `${JSON.stringify(figure)}\n`);
    console.log(`console leads list, 10,001 leads: ${JSON.stringify(figure)}`);
  }, 120_000);
});

// The web chat at /chat/:studioId in headless Chromium against the real system (the demo studio, whose
// web channel takes guests): a conversation typed and tapped (choices as buttons) through
// POST /web/messages with the replies from the session's SSE stream, a reload that shows the conversation
// again as the same lead, a stream the gateway drops that resumes with Last-Event-ID, and the lead in
// the console.
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseEnv } from '../../src/config/env.ts';
import { silentLogger } from '../../src/observability/logger.ts';
import { demoStudioConfig } from '../../src/studio/load-studio-config.ts';
import { startSystem, type RunningSystem } from '../../src/system.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/database.ts';

const CHROMIUM = '/usr/bin/chromium';
/** A 1×1 PNG. */
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==',
  'base64',
);
const shots = path.resolve(import.meta.dirname, '../../artifacts/screenshots');
const ADMIN_API_KEY = 'chat-admin-key';

describe.skipIf(!existsSync(CHROMIUM))('web chat in headless Chromium', () => {
  let t: TestDatabase;
  let system: RunningSystem;
  let browser: BrowserContext;
  let profile: string;
  let page: Page;
  let base: string;
  let home: string;

  beforeAll(async () => {
    t = await createTestDatabase();
    home = await mkdtemp(path.join(os.tmpdir(), 'leadline-chat-home-'));
    system = await startSystem({
      env: parseEnv({
        DATABASE_URL: t.url,
        HOST: '127.0.0.1',
        PORT: '0',
        LOG_LEVEL: 'silent',
        ADMIN_API_KEY,
        LEADLINE_PROBE_INTERVAL: '0',
        LEADLINE_HOME: home,
      }),
      role: 'all',
      studioConfig: demoStudioConfig,
      logger: silentLogger,
    });
    base = system.url;
    await mkdir(shots, { recursive: true });
    profile = await mkdtemp(path.join(os.tmpdir(), 'leadline-chat-chromium-'));
    browser = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      viewport: { width: 420, height: 760 },
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--no-first-run',
        '--disable-background-networking',
      ],
    });
    page = browser.pages()[0] ?? (await browser.newPage());
  }, 120_000);

  afterAll(async () => {
    await browser.close();
    await system.stop();
    await t.drop();
    if (profile) await rm(profile, { recursive: true, force: true });
    await rm(home, { recursive: true, force: true });
  });

  const log = () => page.getByRole('log', { name: 'Conversation' });
  const say = async (text: string) => {
    await page.getByLabel('Your message').fill(text);
    await page.getByLabel('Your message').press('Enter');
  };
  const lastStudioLine = () => page.locator('#chat-log li.bubble.out').last();

  it('talks to the demo studio: replies arrive on the stream, choices are buttons', async () => {
    await page.goto(`${base}/chat/inkwell`);
    expect(await page.title()).toBe('Chat with Inkwell Tattoo');
    await say("Hi! I'd like to book a tattoo");
    await expect
      .poll(() => log().textContent(), { timeout: 20_000 })
      .toContain('Tell us about your tattoo idea.');
    for (const [line, next] of [
      ['A fox curled around a crescent moon', 'Where on your body would it go?'],
      ['Left forearm', 'Roughly how big?'],
      ['10x15cm', 'Which style?'],
    ] as const) {
      await say(line);
      await expect.poll(() => lastStudioLine().textContent(), { timeout: 20_000 }).toContain(next);
    }
    // The style question offers its options as buttons: tapping one sends it.
    const choice = page
      .getByRole('group', { name: 'Choose one' })
      .last()
      .getByRole('button', { name: 'blackwork' });
    await choice.click();
    await expect
      .poll(() => lastStudioLine().textContent(), { timeout: 20_000 })
      .toContain('Any reference images?');
    expect(await page.locator('#chat-log li.bubble.in').last().textContent()).toContain('blackwork');
    await page.screenshot({ path: path.join(shots, 'web-chat.png'), fullPage: true });
  });

  it('a reload shows the conversation again and stays the same lead', async () => {
    const before = await page.locator('#chat-log li.bubble').count();
    await page.reload();
    await expect.poll(() => page.locator('#chat-log li.bubble').count(), { timeout: 20_000 }).toBe(before);
    // A photo for the reference question: chosen in the chat, uploaded, sent with the typed caption.
    await page.getByLabel('Your message').fill('like this');
    await page.getByLabel('Photo').setInputFiles({ name: 'ref.png', mimeType: 'image/png', buffer: PNG });
    await expect.poll(() => lastStudioLine().textContent(), { timeout: 20_000 }).toContain('What budget');
    const photo = page.locator('#chat-log li.bubble.in img').last();
    expect(await photo.getAttribute('alt')).toBe('Photo: like this');
    const leads = (await (
      await fetch(`${base}/admin/leads?limit=10`, { headers: { 'x-api-key': ADMIN_API_KEY } })
    ).json()) as { leads: { id: string; step: string | null }[] };
    expect(leads.leads).toHaveLength(1);
    expect(leads.leads[0]?.step).toBe('budget');
  });

  it('a dropped stream resumes with Last-Event-ID: nothing shown twice, nothing lost', async () => {
    const lastEventIds: string[] = [];
    page.on('request', (request) => {
      if (request.url().includes('/events'))
        void request.allHeaders().then((h) => lastEventIds.push(h['last-event-id'] ?? ''));
    });
    // The gateway drops every open connection (as a restart or a proxy would): the browser reconnects.
    system.app.server.closeAllConnections();
    await expect
      .poll(() => lastEventIds.some((id) => /^\d+$/.test(id) && Number(id) > 0), { timeout: 20_000 })
      .toBe(true);
    await expect.poll(() => page.getByRole('status').textContent(), { timeout: 20_000 }).toBe('Connected.');
    await say('£300');
    await expect
      .poll(() => lastStudioLine().textContent(), { timeout: 20_000 })
      .toContain('The artist will review it');
    const ids = await Promise.all(
      (await page.locator('#chat-log li[data-message-id]').all()).map((i) =>
        i.getAttribute('data-message-id'),
      ),
    );
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('the lead appears in the console with the transcript', async () => {
    await page.goto(`${base}/console/sign-in`);
    await page.getByLabel('Admin key (ADMIN_API_KEY)').fill(ADMIN_API_KEY);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(`${base}/console/leads`);
    await page.locator('tbody a').first().click();
    await expect
      .poll(() => page.getByTestId('status').textContent(), { timeout: 20_000 })
      .toBe('PENDING_APPROVAL');
    expect(await page.locator('.transcript').textContent()).toContain('A fox curled around a crescent moon');
    // The chat's photo is in the transcript as an image, like a WhatsApp photo, once the media pipeline
    // stored it as the lead's attachment (the page is live: it appears without a reload).
    const image = page.locator('.transcript .msg[data-kind="image"] img.photo');
    expect(await page.locator('.transcript .msg[data-kind="image"]').textContent()).toContain('like this');
    const src = (await image.getAttribute('src')) ?? '';
    // The console serves the stored attachment (signed-in cookie): the chat's very bytes.
    await expect
      .poll(async () => (await page.request.get(`${base}${src}`)).status(), { timeout: 20_000 })
      .toBe(200);
    const served = await page.request.get(`${base}${src}`);
    expect(served.headers()['content-type']).toBe('image/png');
    expect(Buffer.from(await served.body()).equals(PNG)).toBe(true);
    await page.reload();
    await expect
      .poll(() => image.evaluate((img) => (img as { naturalWidth?: number }).naturalWidth ?? -1))
      .toBe(1);
    await page.screenshot({ path: path.join(shots, 'lead-web-chat-photo.png'), fullPage: true });
  });

  it('an unknown studio or one without the web channel gets a 404 page', async () => {
    const response = await page.goto(`${base}/chat/nope`);
    expect(response?.status()).toBe(404);
    expect(await page.getByRole('heading').textContent()).toBe('No such chat');
  });
});

// Artist email without a mail server: outside production with no SMTP_URL the email is recorded in the
// sandbox (the console's sandbox page shows it with its links), and the send succeeds. With SMTP_URL, a
// server's 5xx refusal is final (no retries; the next channel's turn), a 4xx is retried.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { SMTPServer } from 'smtp-server';
import type { AddressInfo } from 'node:net';
import { demoStudioInput } from '../../src/studio/demo-studio.ts';
import { parseStudioConfig } from '../../src/studio/load-studio-config.ts';
import { PUBLIC_BASE_URL, startEffectsHarness, type EffectsHarness } from './effects-harness.ts';

const input = structuredClone(demoStudioInput) as unknown as { studios: Record<string, unknown>[] };
Object.assign(input.studios[0] ?? {}, {
  artists: [
    {
      id: 'sam',
      name: 'Sam Needle',
      whatsapp: '+447700900001',
      email: 'sam@inkwell.example',
      notify: ['email'],
    },
  ],
});
const config = parseStudioConfig(input);

const approval = {
  type: 'effect.artist.notify' as const,
  studioId: 'inkwell',
  artistId: 'sam',
  reason: 'approval' as const,
  text: 'New lead: realism, forearm',
  withActionLinks: true,
};

describe('artist email in the sandbox', () => {
  let h: EffectsHarness;
  beforeAll(async () => {
    h = await startEffectsHarness({}, config);
  });
  afterAll(async () => {
    await h.close();
  });

  it('is recorded with its subject and links, and succeeds', async () => {
    const id = await h.enqueue(approval);
    await h.drain(h.relay());
    expect(await h.outboxRow(id)).toMatchObject({
      status: 'done',
      result: { channel: 'email', deliveryStatus: 'sandbox' },
    });
    const [row, ...more] = await h.db.selectFrom('sandbox_messages').selectAll().execute();
    expect(more).toEqual([]);
    expect(row).toMatchObject({
      channel: 'email',
      recipient: 'sam@inkwell.example',
      kind: 'email',
      outbox_id: id,
    });
    expect(row?.text).toMatch(/^Inkwell Tattoo: a tattoo request to approve\n\nNew lead: realism, forearm/);
    expect(row?.text).toMatch(
      new RegExp(`Approve: ${PUBLIC_BASE_URL}/a/\\S+\\nReject: ${PUBLIC_BASE_URL}/a/\\S+`),
    );
  });
});

describe('artist email refused by the SMTP server', () => {
  let h: EffectsHarness;
  let smtp: SMTPServer;
  let refusal = { code: 550, text: 'no such user' };
  let recipients = 0;
  beforeAll(async () => {
    smtp = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      logger: false,
      onRcptTo(_address, _session, callback) {
        recipients += 1;
        callback(Object.assign(new Error(refusal.text), { responseCode: refusal.code }));
      },
    });
    const port = await new Promise<number>((resolve) => {
      smtp.listen(0, '127.0.0.1', () => resolve((smtp.server.address() as AddressInfo).port));
    });
    h = await startEffectsHarness(
      { SMTP_URL: `smtp://127.0.0.1:${port}`, EMAIL_FROM: 'studio@inkwell.example' },
      config,
    );
  });
  afterAll(async () => {
    await h.close();
    await new Promise<void>((resolve) => smtp.close(() => resolve()));
  });
  beforeEach(() => {
    recipients = 0;
  });

  it('5xx: fails at once, recorded as artist.notify_failed with no next channel', async () => {
    refusal = { code: 550, text: 'no such user' };
    const id = await h.enqueue(approval);
    await h.drain(h.relay());
    expect(await h.outboxRow(id)).toMatchObject({ status: 'failed', attempts: 1 });
    expect(recipients).toBe(1);
    const event = await h.db
      .selectFrom('system_events')
      .select(['level', 'payload'])
      .where('type', '=', 'artist.notify_failed')
      .executeTakeFirstOrThrow();
    expect(event).toMatchObject({
      level: 'error',
      payload: { outboxId: id, channel: 'email', next: null, code: 550 },
    });
    // Nothing left to try: the lead hears effect.failed, as before any fallback existed.
    expect((await h.published()).map((e) => e.event.type)).toEqual(['effect.failed']);
  });

  it('4xx: retried', async () => {
    refusal = { code: 451, text: 'try again later' };
    const id = await h.enqueue(approval);
    await h.drain(h.relay());
    expect(await h.outboxRow(id)).toMatchObject({ status: 'failed', attempts: 4 });
    expect(recipients).toBe(4);
  });
});

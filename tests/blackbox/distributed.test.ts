// Black-box check of the distributed topology (docs/contract.md §1 `docker compose up`, §4): one
// `leadline start --role gateway` and two `--role worker` child processes sharing one PostgreSQL database
// and one private nats-server, fed signed WhatsApp webhooks in Meta's format, observed through the admin
// API (HTTP and the NATS admin service), the workers' /metrics, the lease bucket and the fake Graph API and
// Stripe. One worker is SIGKILLed mid-conversation: its partitions must move to the survivor within the
// lease timeout, every inbound message must be answered exactly once, and a reminder armed before the
// crash must still fire after it. No application module is imported.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Kvm, type KV } from '@nats-io/kv';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { afterAll, beforeAll, describe, expect, inject, it, onTestFailed } from 'vitest';
import { startFakeGraphApi, type FakeGraphApi, type RecordedSend } from '../fakes/graph-api.ts';
import { startFakeStripeApi, type FakeStripeApi } from '../fakes/stripe-api.ts';
import { DEMO_PHONE_NUMBER_ID } from '../gateway/whatsapp-fixtures.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/database.ts';
import { freePort, startNatsServer, type NatsServerProcess } from '../helpers/servers.ts';
import {
  client,
  DEMO_ARTIST_DIGITS,
  eventually,
  koiAnswers,
  sendsTo,
  sendText,
  startLeadline,
  textMessage,
  whatsappWebhook,
  type Lead,
  type RunningGateway,
} from './blackbox-client.ts';

const LEASE_MS = 3_000;
const REMINDER_MS = 10_000;
const PARTITIONS = 16;

/** This studio's questions (ids fixed by docs/contract.md §5, prompts our own: the config file is what runs). */
const QUESTIONS = [
  { id: 'idea', prompt: 'What would you like tattooed?' },
  { id: 'placement', prompt: 'On which part of your body?' },
  { id: 'dimensions', prompt: 'How large, in cm (e.g. 10x15cm)?' },
  { id: 'style', prompt: 'Pick a style, please.' },
  { id: 'reference_images', prompt: 'Pictures to go by? Send them, or say none.' },
  { id: 'budget', prompt: 'And your budget (e.g. £300)?' },
];
/** The conversation every lead has: what it says, and a piece of the one reply each message must get. */
const SCRIPT: readonly (readonly [string, string])[] = [
  'Hi',
  koiAnswers.idea,
  koiAnswers.placement,
  '10x15cm',
  koiAnswers.style,
  'none',
  '£300',
].map((text, i) => [text, QUESTIONS[i]?.prompt ?? 'summary'] as const);
const REMINDER = 'Just checking in!';

const studioConfig = {
  studios: [
    {
      id: 'north-ink',
      name: 'North Ink',
      whatsapp: { phoneNumberId: DEMO_PHONE_NUMBER_ID },
      timezone: 'Europe/Dublin',
      currency: 'GBP',
      styles: ['realism', 'blackwork', 'fine line'],
      artists: [{ id: 'sam', name: 'Sam Needle', whatsapp: `+${DEMO_ARTIST_DIGITS}` }],
      questions: QUESTIONS,
      deposit: { amount: 5000, expiresAfter: '24h' },
      // A reminder short enough to fire during the test.
      timings: { reminderAfter: `${REMINDER_MS / 1000}s` },
      availability: { weekly: { mon: [{ start: '10:00', end: '18:00' }] } },
    },
  ],
};

const nats = await startNatsServer();
if (!nats) {
  if (inject('natsRequired')) throw new Error('LEADLINE_REQUIRE_NATS=1 but nats-server could not be started');
  process.stderr.write('\n!!! nats-server not on PATH: distributed black-box suite SKIPPED !!!\n\n');
}

interface Worker {
  id: string;
  process: RunningGateway;
}

interface TestLead {
  digits: string;
  phone: string;
  id: string;
  /** Messages sent so far (the index of its next SCRIPT line). */
  said: number;
  /** Messages the gateway has accepted (answered 200). */
  accepted: number;
  /** Sends it should have had so far (the index of the next one). */
  sends: number;
}
type NewLead = Omit<TestLead, 'phone' | 'id'>;

describe.skipIf(!nats)('black-box: a gateway and two workers on NATS', () => {
  const server = nats as NatsServerProcess;
  let home: string;
  let database: TestDatabase;
  let graph: FakeGraphApi;
  let stripeApi: FakeStripeApi;
  let gateway: RunningGateway;
  let workers: Worker[];
  let api: ReturnType<typeof client>;
  let nc: NatsConnection;
  let leases: KV;
  /** leadId → partition, read off the inbox subjects `leadline.inbox.<partition>.<leadId>` (docs/contract.md §4). */
  const partitionOf = new Map<string, number>();
  let phoneCounter = 0;

  beforeAll(async () => {
    home = await mkdtemp(path.join(os.tmpdir(), 'leadline-distributed-'));
    const configFile = path.join(home, 'studio.json');
    await writeFile(configFile, JSON.stringify(studioConfig));
    [database, graph, stripeApi] = await Promise.all([
      createTestDatabase({ migrate: false }),
      startFakeGraphApi('bb-access-token'),
      startFakeStripeApi(),
    ]);
    nc = await connect({ servers: server.url });
    nc.subscribe('leadline.inbox.>', {
      callback: (_error, msg) => {
        const [, , partition, leadId] = msg.subject.split('.');
        if (leadId !== undefined) partitionOf.set(leadId, Number(partition));
      },
    });
    const start = async (role: 'gateway' | 'worker', id: string) =>
      startLeadline({
        port: await freePort(),
        databaseUrl: database.url,
        graphUrl: graph.url,
        stripeUrl: stripeApi.url,
        natsUrl: server.url,
        role,
        env: {
          LEADLINE_WORKER_ID: id,
          LEADLINE_CONFIG: configFile,
          LEADLINE_PARTITIONS: String(PARTITIONS),
          LEADLINE_LEASE_TIMEOUT: `${LEASE_MS / 1000}s`,
        },
      });
    const [g, w1, w2] = await Promise.all([
      start('gateway', 'gateway'),
      start('worker', 'worker-1'),
      start('worker', 'worker-2'),
    ]);
    gateway = g;
    workers = [
      { id: 'worker-1', process: w1 },
      { id: 'worker-2', process: w2 },
    ];
    api = client(gateway.base);
    leases = await new Kvm(nc).open('leadline_leases');
  }, 60_000);

  afterAll(async () => {
    const running = [{ id: 'gateway', process: gateway }, ...workers.filter((w) => !killed.has(w.id))];
    const codes = await Promise.all(running.map(async (p) => [p.id, await p.process.stop()] as const));
    await Promise.all(workers.filter((w) => killed.has(w.id)).map((w) => w.process.stop()));
    await nc.drain();
    await Promise.all([graph.close(), stripeApi.close(), database.drop(), server.stop()]);
    await rm(home, { recursive: true, force: true });
    // Every process still running at the end shuts down cleanly.
    expect(codes).toEqual(running.map((p) => [p.id, 0]));
  });
  /** Workers this file SIGKILLed. */
  const killed = new Set<string>();

  function printOutputsOnFailure() {
    onTestFailed(() => {
      for (const [name, p] of [
        ['gateway', gateway],
        ...workers.map((w) => [w.id, w.process] as const),
      ] as const)
        process.stderr.write(`\n--- ${name} output ---\n${p.output()}\n`);
    });
  }

  async function partitionsOwned(worker: Worker): Promise<number> {
    const metrics = await fetch(`${worker.process.base}/metrics`).then((r) => r.text());
    const match = /^leadline_partitions_owned(?:\{[^}]*\})? (\d+)$/m.exec(metrics);
    if (!match) throw new Error(`no leadline_partitions_owned on ${worker.id}`);
    return Number(match[1]);
  }

  async function outboxBacklog(worker: Worker): Promise<number> {
    const metrics = await fetch(`${worker.process.base}/metrics`).then((r) => r.text());
    return Number(/^leadline_outbox_backlog(?:\{[^}]*\})? (\d+)$/m.exec(metrics)?.[1] ?? NaN);
  }

  async function leaseOwner(partition: number): Promise<string | undefined> {
    const entry = await leases.get(`partition.${partition}`);
    return entry?.operation === 'PUT' ? entry.json<{ owner: string }>().owner : undefined;
  }

  function newDigits(): string {
    return `4477008${String(Date.now() % 10_000).padStart(4, '0')}${String(++phoneCounter).padStart(2, '0')}`;
  }

  /** Sends the Graph API accepted (it gave them a wamid): what reached the person. */
  const delivered = (digits: string) => sendsTo(graph, digits).filter((send) => send.wamid !== null);

  /** Waits for the lead's send number `index`, which must contain `expected`. */
  async function sendNumber(
    lead: TestLead | NewLead,
    index: number,
    expected: string,
  ): Promise<RecordedSend> {
    const send = await eventually(
      `send ${index} to +${lead.digits} ("${expected}")`,
      () => delivered(lead.digits)[index],
      20_000,
    );
    expect(sendText(send)).toContain(expected);
    return send;
  }

  /** Sends the lead's next SCRIPT line and waits for the one reply it gets; returns that reply. */
  async function next(lead: TestLead | NewLead): Promise<RecordedSend> {
    // Both counters move before anything is awaited, so overlapping calls take the next line and reply each.
    const [text, expected] = SCRIPT[lead.said++] ?? ['', ''];
    const index = lead.sends++;
    const response = await api.postWhatsapp(whatsappWebhook(lead.digits, [textMessage(text)]));
    expect(response.status).toBe(200);
    lead.accepted++;
    return sendNumber(lead, index, expected);
  }

  async function newLead(): Promise<TestLead> {
    const lead: NewLead = { digits: newDigits(), said: 0, accepted: 0, sends: 0 };
    await next(lead);
    const found = await api.leadByPhone(`+${lead.digits}`);
    if (!found) throw new Error(`lead +${lead.digits} not found after its first message`);
    expect(found).toMatchObject({ studioId: 'north-ink', status: 'QUALIFYING', step: 'idea', version: 1 });
    return { ...lead, phone: `+${lead.digits}`, id: found.id };
  }

  async function read(lead: TestLead): Promise<Lead> {
    const found = await api.admin(`/admin/leads/${lead.id}`);
    expect(found.status).toBe(200);
    return found.json as Lead;
  }

  /** Every send to the lead, in order, is exactly the replies `expected` lists (pieces of their texts). */
  function expectSends(lead: TestLead, expected: readonly string[]) {
    const texts = delivered(lead.digits).map(sendText);
    expect(texts, `sends to ${lead.phone}`).toHaveLength(expected.length);
    expected.forEach((piece, i) => expect(texts[i], `send ${i} to ${lead.phone}`).toContain(piece));
  }

  const natsAdmin = async (subject: string, body: unknown) =>
    (await nc.request(subject, JSON.stringify(body), { timeout: 5_000 })).json<Record<string, unknown>>();

  it('splits the partitions between the workers; workers serve only health and metrics', async () => {
    printOutputsOnFailure();
    await eventually(
      'an even split of the partitions',
      async () => (await Promise.all(workers.map(partitionsOwned))).every((n) => n === PARTITIONS / 2),
      20_000,
    );
    const owners = await Promise.all(Array.from({ length: PARTITIONS }, (_, p) => leaseOwner(p)));
    expect(owners.filter((o) => o === 'worker-1')).toHaveLength(PARTITIONS / 2);
    expect(owners.filter((o) => o === 'worker-2')).toHaveLength(PARTITIONS / 2);

    for (const { process: worker } of workers) {
      expect((await fetch(`${worker.base}/healthz`)).status).toBe(200);
      const ready = await fetch(`${worker.base}/readyz`);
      expect(ready.status).toBe(200);
      expect(await ready.json()).toMatchObject({ status: 'ok', checks: { bus: { status: 'ok' } } });
      for (const [method, route] of [
        ['GET', '/admin/leads'],
        ['POST', '/webhooks/whatsapp'],
        ['GET', '/docs'],
      ] as const)
        expect((await fetch(`${worker.base}${route}`, { method })).status, route).toBe(404);
    }
    // The gateway hosts no actors and owns no partitions; it publishes onto the workers' stream.
    const status = await api.admin('/admin/status');
    expect(status.json).toMatchObject({
      bus: { mode: 'nats', connected: true, ownedPartitions: [] },
      host: null,
    });
  });

  it('qualifies three leads at once; admin events over HTTP and the NATS admin service take effect', async () => {
    printOutputsOnFailure();
    const leads = await Promise.all([newLead(), newLead(), newLead()]);
    await Promise.all(
      leads.map(async (lead) => {
        while (lead.said < SCRIPT.length) {
          await next(lead);
          if (lead.said < SCRIPT.length) expect(await read(lead)).toMatchObject({ version: lead.said });
        }
      }),
    );
    for (const lead of leads) {
      expect(await read(lead)).toMatchObject({
        status: 'PENDING_APPROVAL',
        step: null,
        answers: koiAnswers,
      });
    }
    const [approved, rejected, messaged] = leads;

    // HTTP: the artist approves → a Stripe Checkout for that lead and its deposit link.
    expect(
      (await api.admin(`/admin/leads/${approved.id}/events`, { body: { type: 'artist.approve' } })).status,
    ).toBe(202);
    const session = await eventually('a checkout session', () =>
      stripeApi.sessions.find((s) => (s.metadata as { lead_id: string }).lead_id === approved.id),
    );
    await eventually('the deposit link', () =>
      sendsTo(graph, approved.digits).some((s) => sendText(s).includes(String(session.url))),
    );
    expect(await read(approved)).toMatchObject({ status: 'AWAITING_DEPOSIT' });

    // NATS admin service: a rejection and a studio message, each accepted once durably enqueued.
    expect(
      await natsAdmin('leadline.admin.leads.event', {
        id: rejected.id,
        event: { type: 'artist.reject', reason: 'Not our style' },
      }),
    ).toMatchObject({ accepted: true });
    expect(
      await natsAdmin('leadline.admin.leads.event', {
        id: messaged.id,
        event: { type: 'message.send', text: 'Hello from the studio over NATS' },
      }),
    ).toMatchObject({ accepted: true });
    await eventually('the decline', () =>
      sendsTo(graph, rejected.digits).some((s) => sendText(s).includes("can't take this one on")),
    );
    await eventually('the studio message', () =>
      sendsTo(graph, messaged.digits).some((s) => sendText(s) === 'Hello from the studio over NATS'),
    );
    expect(await natsAdmin('leadline.admin.leads.get', { phone: rejected.phone })).toMatchObject({
      id: rejected.id,
      status: 'REJECTED',
    });

    await eventually('an empty outbox', async () => (await outboxBacklog(workers[0] as Worker)) === 0);
    const replies = SCRIPT.map(([, reply]) => reply);
    expectSends(approved, [...replies, String(session.url)]);
    expectSends(rejected, [...replies, "can't take this one on"]);
    expectSends(messaged, [...replies, 'Hello from the studio over NATS']);
  });

  it('a SIGKILLed worker’s leads move to the survivor: each message answered once, a reminder still fires', async () => {
    printOutputsOnFailure();
    // Three leads part-way through the questions, spread over the two workers by their partitions.
    const leads = await Promise.all([newLead(), newLead(), newLead()]);
    await Promise.all(
      leads.map(async (lead) => {
        await next(lead);
        await next(lead);
      }),
    );
    const ownerOf = new Map<TestLead, string | undefined>();
    for (const lead of leads) {
      const partition = partitionOf.get(lead.id);
      expect(partition, `partition of ${lead.id}`).toBeDefined();
      ownerOf.set(lead, await leaseOwner(partition ?? -1));
    }
    // The victim is the worker holding most of them (at least two of three).
    const onWorker = (id: string) => leads.filter((l) => ownerOf.get(l) === id);
    const victim = workers.reduce((a, b) => (onWorker(a.id).length >= onWorker(b.id).length ? a : b));
    const survivor = workers.find((w) => w !== victim) as Worker;
    const [quiet, ...victimTalkers] = onWorker(victim.id) as [TestLead, ...TestLead[]];
    const talkers = leads.filter((l) => l !== quiet);
    expect(victimTalkers.length).toBeGreaterThanOrEqual(1);

    // The quiet lead answers the size question, then says nothing: its reminder is armed on the victim.
    await next(quiet);
    const quietAt = Date.now();
    expect(await read(quiet)).toMatchObject({ step: 'style', version: 4 });

    // The talkers answer the size question and the victim dies with work of both kinds in flight:
    // - replies it is sending: the Graph API is slow to answer the victim's talkers, and the survivor is
    //   frozen (SIGSTOP) meanwhile, so the victim's relay is the one holding those sends when it dies;
    // - a message on the stream it never applied: one talker's next answer, accepted while the victim is
    //   frozen too, just before the SIGKILL.
    for (const lead of victimTalkers) graph.failSendsTo(lead.digits, { kind: 'stall' });
    survivor.process.signal('SIGSTOP');
    const frozenAt = Date.now();
    const answered = talkers.map((lead) => next(lead));
    const [unapplied] = victimTalkers as [TestLead];
    let killedAt = 0;
    try {
      await eventually(
        'the victim to be sending the replies',
        () => victimTalkers.every((lead) => sendsTo(graph, lead.digits).some((s) => s.wamid === null)),
        5_000,
      );
      victim.process.signal('SIGSTOP');
      answered.push(next(unapplied));
      await eventually('the gateway to accept it', () => unapplied.accepted === 5);
    } finally {
      await victim.process.kill();
      killed.add(victim.id);
      killedAt = Date.now();
      survivor.process.signal('SIGCONT');
    }
    process.stderr.write(`distributed: survivor frozen for ${killedAt - frozenAt} ms\n`);

    await eventually(
      'the survivor to own every partition',
      async () => (await partitionsOwned(survivor)) === PARTITIONS,
      4 * LEASE_MS,
    );
    const takeoverMs = Date.now() - killedAt;
    const owners = await Promise.all(Array.from({ length: PARTITIONS }, (_, p) => leaseOwner(p)));
    expect(owners.every((o) => o === survivor.id)).toBe(true);
    process.stderr.write(
      `distributed: takeover after SIGKILL took ${takeoverMs} ms (lease ${LEASE_MS} ms)\n`,
    );
    // The lease expires, then the survivor notices on its next round (lease/4) and resets the consumers.
    expect(takeoverMs).toBeLessThan(2 * LEASE_MS);

    // The conversations continue on the survivor: the replies the victim was sending, and the reply to the
    // message it never applied (in order, after them), come within a lease.
    const replyDelays = (await Promise.all(answered)).map((reply) => reply.at - killedAt);
    process.stderr.write(
      `distributed: the talkers' replies came ${replyDelays.join(', ')} ms after the kill\n`,
    );
    for (const delay of replyDelays) expect(delay).toBeLessThan(2 * LEASE_MS);
    await Promise.all(
      talkers.map(async (lead) => {
        // Each message applied once (version = messages), none lost.
        expect(await read(lead)).toMatchObject({ version: lead.said });
        while (lead.said < SCRIPT.length) await next(lead);
        expect(await read(lead)).toMatchObject({ status: 'PENDING_APPROVAL' });
      }),
    );

    // The quiet lead's durable reminder fires after the crash, from the survivor.
    const reminder = await sendNumber(quiet, quiet.sends++, REMINDER);
    expect(sendText(reminder)).toContain(QUESTIONS[3]?.prompt);
    expect(reminder.at).toBeGreaterThan(killedAt + takeoverMs);
    expect(reminder.at - quietAt).toBeGreaterThanOrEqual(REMINDER_MS - 1_000);
    expect(await read(quiet)).toMatchObject({ step: 'style', version: 5 });
    while (quiet.said < SCRIPT.length) await next(quiet);
    expect(await read(quiet)).toMatchObject({ status: 'PENDING_APPROVAL' });
    // A control event for a moved lead goes to the survivor too.
    expect(
      (
        await api.admin(`/admin/leads/${quiet.id}/events`, {
          body: { type: 'message.send', text: 'See you soon' },
        })
      ).status,
    ).toBe(202);
    await eventually('the studio message', () =>
      sendsTo(graph, quiet.digits).some((s) => sendText(s) === 'See you soon'),
    );

    // Nothing is left in the outbox to be sent late, and every lead got exactly its replies, in order.
    await eventually('an empty outbox', async () => (await outboxBacklog(survivor)) === 0, 10_000);
    const replies = SCRIPT.map(([, reply]) => reply);
    for (const lead of talkers) expectSends(lead, replies);
    // The one attempt each that died with the victim, and no other failed send.
    for (const lead of leads)
      expect(sendsTo(graph, lead.digits).filter((s) => s.wamid === null)).toHaveLength(
        victimTalkers.includes(lead) ? 1 : 0,
      );
    expectSends(quiet, [...replies.slice(0, 4), REMINDER, ...replies.slice(4), 'See you soon']);
    for (const lead of leads) {
      const transcript = await api.admin(`/admin/leads/${lead.id}/messages`);
      const messages = (transcript.json as { messages: { direction: string }[] }).messages;
      expect(messages.filter((m) => m.direction === 'in')).toHaveLength(SCRIPT.length);
    }
  });
});

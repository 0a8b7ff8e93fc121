// Hostile content through the real gateway route, the bus (single-node and NATS) and the real lead
// machine's commit: a signed webhook is answered 200 and processed whatever a sender put in its strings,
// one hostile message never fails its neighbours (the single-node bus's shared insert, the host's group
// commit), and the lead's next message is applied within seconds. Nothing is dead-lettered.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { effectSchema } from '../../src/domain/effects.ts';
import { leadIdFor } from '../../src/domain/ids.ts';
import { sanitize, sanitizeField } from '../../src/domain/sanitize.ts';
import { createLeadDefinition } from '../../src/machines/lead/lead-definition.ts';
import { demoStudioConfig } from '../../src/studio/load-studio-config.ts';
import { StudioRegistry } from '../../src/studio/studio-registry.ts';
import { runtimeTransports } from '../helpers/transports.ts';
import { postWhatsapp, startGateway, type GatewayHarness } from './gateway-harness.ts';
import { inbound, textMessage } from './whatsapp-fixtures.ts';

/** Property runs per bus (kept modest so the suite stays fast). */
const RUNS = 16;
const NEXT_MESSAGE_WITHIN_MS = 10_000;

const HOSTILE = [
  '\u0000',
  'a\u0000b',
  '\ud800',
  'x\udfffy',
  '\ufeffBOM',
  '\u202eRTL\u200f mark\u200e',
  '\u0001\u0007\u001b[31m\u007f\r\n',
  'fine \ud83d',
];
const hostileString = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 300 }),
  fc.constantFrom(...HOSTILE),
  fc
    .array(fc.oneof(fc.constantFrom(...HOSTILE), fc.string({ unit: 'binary', maxLength: 20 })), {
      maxLength: 20,
    })
    .map((parts) => parts.join('')),
  fc
    .tuple(fc.constantFrom(...HOSTILE), fc.constantFrom('x', 'é', '👋🏽'))
    .map(([h, c]) => h + c.repeat(100_000 / c.length)),
);

interface LeadRow {
  status: string;
  step: string | null;
  answers: unknown;
  name: string | null;
  version: number;
}

let phoneSeq = 0;
const nextPhone = () => `4477009${String(10_000 + phoneSeq++).padStart(5, '0')}`;

type Field = 'text' | 'profileName' | 'caption';

function payload(field: Field, value: string, phone: string) {
  if (field === 'text') return textMessage(value, { from: phone });
  if (field === 'profileName') return textMessage('hello', { from: phone, name: value });
  return inbound(
    { type: 'image', image: { id: 'media.1', mime_type: 'image/jpeg', caption: value } },
    { from: phone },
  );
}

/** What the edge makes of `value` in `field`: the sanitised input the hostile one must behave like. */
function sanitised(field: Field, value: string): string {
  return field === 'profileName'
    ? sanitize(value, 'name')
    : sanitizeField(value, field === 'text' ? 'text' : 'caption').value;
}

describe.each(runtimeTransports())('hostile webhooks on the $name', ({ transport }) => {
  let gw: GatewayHarness;

  beforeAll(async () => {
    gw = await startGateway({
      definitions: [createLeadDefinition(new StudioRegistry(demoStudioConfig))],
      consume: true,
      transport,
    });
  });
  afterAll(async () => {
    await gw.close();
  });

  async function lead(phone: string): Promise<LeadRow | undefined> {
    return gw.rt.db
      .selectFrom('leads')
      .select(['status', 'step', 'answers', 'name', 'version'])
      .where('id', '=', leadIdFor('inkwell', `+${phone}`))
      .executeTakeFirst()
      .then((r) => (r ? { ...r, version: Number(r.version) } : undefined));
  }

  async function leadAt(phone: string, version: number): Promise<LeadRow> {
    let row: LeadRow | undefined;
    await gw.rt.waitFor(
      async () => {
        row = await lead(phone);
        return row !== undefined && row.version >= version;
      },
      NEXT_MESSAGE_WITHIN_MS,
      `lead ${phone} at version ${version}`,
    );
    return row as LeadRow;
  }

  async function send(body: unknown): Promise<number> {
    return (await postWhatsapp(gw.app, JSON.stringify(body))).statusCode;
  }

  async function deadLetters(): Promise<number> {
    const row = await gw.rt.db
      .selectFrom('dead_letters')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }

  it('concurrent hostile and ordinary signed webhooks: every one 200, every ordinary one applied', async () => {
    const ordinary = ['fine text 1', 'مرحبا 👋🏽 שלום', 'fine text 3', 'ok 4'];
    const hostile = ['nul \u0000 here', `\ud800${'n'.repeat(200_000)}`];
    const sends = [
      ...ordinary.map((text) => ({ text, phone: nextPhone(), name: 'Alex' })),
      ...hostile.map((text) => ({ text, phone: nextPhone(), name: `${text}${'\u0000'.repeat(3)}` })),
    ];
    const statuses = await Promise.all(
      sends.map(({ text, phone, name }) => send(textMessage(text, { from: phone, name }))),
    );
    expect(statuses).toEqual(sends.map(() => 200));
    for (const { phone } of sends) expect((await leadAt(phone, 1)).version).toBe(1);
    const inbound = await gw.rt.db
      .selectFrom('transcript')
      .select(['text', 'data'])
      .where('direction', '=', 'in')
      .where(
        'lead_id',
        'in',
        sends.map((s) => leadIdFor('inkwell', `+${s.phone}`)),
      )
      .execute();
    for (const text of ordinary) expect(inbound.map((r) => r.text)).toContain(text);
    expect(inbound.map((r) => r.text)).toContain('nul  here');
    // The 200 KB text was cut to its bound, flagged in the transcript.
    expect(inbound.find((r) => r.text?.startsWith('\ufffdnnn'))?.data).toMatchObject({
      truncated: true,
      truncatedFields: expect.arrayContaining(['text']) as unknown,
    });
    expect(await deadLetters()).toBe(0);
  });

  it('a timestamp from year 33658 and a 1 MB-ish body of nothing but controls: 200 and applied', async () => {
    const phone = nextPhone();
    expect(await send(textMessage('far future', { from: phone, timestamp: 999_999_999_999 }))).toBe(200);
    expect((await leadAt(phone, 1)).version).toBe(1);
    expect(await send(textMessage('\u0000\u0001'.repeat(60_000), { from: phone }))).toBe(200);
    expect((await leadAt(phone, 2)).version).toBe(2);
    expect(await deadLetters()).toBe(0);
  });

  it('deeply nested JSON in a message and in Meta’s errors block: 200, the message applied, the error recorded', async () => {
    const phone = nextPhone();
    const deep = `${'['.repeat(100_000)}${']'.repeat(100_000)}`;
    const body = JSON.stringify(textMessage('nested', { from: phone }));
    // Splice the nesting in as raw JSON (JSON.stringify of such a value would itself overflow the stack).
    const hostile = body
      .replace('"type":"text"', `"type":"text","junk":${deep}`)
      .replace(
        '"messaging_product":"whatsapp"',
        `"messaging_product":"whatsapp","errors":[{"code":1,"title":"t","junk":${deep}}]`,
      );
    expect((await postWhatsapp(gw.app, hostile)).statusCode).toBe(200);
    expect((await leadAt(phone, 1)).version).toBe(1);
    expect(await gw.systemEvents('whatsapp.webhook_error')).toHaveLength(1);
  });

  it(`property (${RUNS} runs): any string as text, profile name or caption is 200, behaves as its sanitised form, and the next message goes on`, async () => {
    await fc.assert(
      fc.asyncProperty(
        hostileString,
        fc.constantFrom<Field>('text', 'profileName', 'caption'),
        async (value, field) => {
          const hostilePhone = nextPhone();
          const cleanPhone = nextPhone();
          for (const phone of [hostilePhone, cleanPhone]) {
            expect(await send(textMessage('hi', { from: phone }))).toBe(200);
            await leadAt(phone, 1);
          }
          expect(await send(payload(field, value, hostilePhone))).toBe(200);
          expect(await send(payload(field, sanitised(field, value), cleanPhone))).toBe(200);
          const [a, b] = [await leadAt(hostilePhone, 2), await leadAt(cleanPhone, 2)];
          expect(a).toEqual(b);
          // The lead's next message is applied within seconds (waited for by leadAt's deadline).
          expect(await send(textMessage('next', { from: hostilePhone }))).toBe(200);
          expect((await leadAt(hostilePhone, 3)).version).toBe(3);
        },
      ),
      { numRuns: RUNS },
    );
    expect(await deadLetters()).toBe(0);
    const parked = await gw.rt.db.selectFrom('lead_retries').select('message_id').execute();
    expect(parked).toEqual([]);
    // What the lead machine made of it is something the relay can execute (a 100 KB answer quoted in a
    // summary must not make the reply a malformed effect).
    const outbox = await gw.rt.db.selectFrom('outbox').select(['kind', 'payload']).execute();
    expect(outbox.filter((row) => !effectSchema.safeParse(row.payload).success)).toEqual([]);
  });
});

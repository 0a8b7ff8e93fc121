// Brand-scoped identity through the real gateway, runtime and PostgreSQL: one phone on WhatsApp and SMS to
// one studio is one lead; a lead without a phone is found by its email; an identifier another lead owns is
// skipped with identity.conflict; the Lead JSON carries channel and identifiers and the list filters them.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Envelope } from '../../src/domain/envelope.ts';
import type { Channel, Identifier, Provider } from '../../src/domain/lead-events.ts';
import {
  derivedLeadId,
  leadIdForPhone,
  normaliseIdentifiers,
  resolveLead,
} from '../../src/identity/resolve-lead.ts';
import { createLeadDefinition } from '../../src/machines/lead/lead-definition.ts';
import { demoStudioConfig } from '../../src/studio/load-studio-config.ts';
import { StudioRegistry } from '../../src/studio/studio-registry.ts';
import { adminHeaders, startGateway, type GatewayHarness } from '../gateway/gateway-harness.ts';

const STUDIO = 'inkwell';
let gw: GatewayHarness;
let seq = 0;

beforeAll(async () => {
  gw = await startGateway({
    definitions: [createLeadDefinition(new StudioRegistry(demoStudioConfig))],
    consume: true,
  });
});
afterAll(async () => {
  await gw.close();
});

/** Resolves the message's lead as an inbound route does, publishes it and waits for the commit. */
async function inbound(
  channel: Channel,
  provider: Provider,
  from: Identifier[],
  text: string,
): Promise<string> {
  seq += 1;
  const { leadId, identifiers } = await resolveLead(gw.rt.db, STUDIO, from);
  const at = new Date().toISOString();
  const envelope: Envelope = {
    id: `${provider}:id-${String(seq)}`,
    leadId,
    actorType: 'lead',
    studioId: STUDIO,
    acceptedAt: at,
    event: {
      type: 'message.received',
      at,
      channel,
      provider,
      messageId: `id-${String(seq)}`,
      from: identifiers,
      sentAt: at,
      content: { kind: 'text', text },
    },
    transcript: { direction: 'in', kind: 'text', text },
  };
  await gw.rt.publish(envelope);
  await gw.rt.idle();
  return leadId;
}

interface LeadJson {
  id: string;
  phone: string | null;
  channel: string | null;
  identifiers: Identifier[];
}

async function leads(query: string): Promise<LeadJson[]> {
  const res = await gw.app.inject({ url: `/admin/leads?${query}`, headers: adminHeaders });
  expect(res.statusCode).toBe(200);
  return res.json<{ leads: LeadJson[] }>().leads;
}

describe('resolving a lead', () => {
  it('a phone is its lead in one studio and another lead in another studio, with no lookup', async () => {
    const one = await resolveLead(gw.rt.db, 'inkwell', [{ type: 'phone', value: '+447700911111' }]);
    const other = await resolveLead(gw.rt.db, 'otherstudio', [{ type: 'phone', value: '+447700911111' }]);
    expect(one).toEqual({
      leadId: leadIdForPhone('inkwell', '+447700911111'),
      identifiers: [{ type: 'phone', value: '+447700911111' }],
      via: 'phone',
    });
    expect(other.leadId).not.toBe(one.leadId);
  });

  it('without a phone: a stable id from the first identifier, emails lower-cased, phone first', async () => {
    const a = await resolveLead(gw.rt.db, STUDIO, [{ type: 'email', value: ' New@Example.COM ' }]);
    const b = await resolveLead(gw.rt.db, STUDIO, [{ type: 'email', value: 'new@example.com' }]);
    expect(a).toEqual(b);
    expect(a).toMatchObject({ via: 'derived', identifiers: [{ type: 'email', value: 'new@example.com' }] });
    expect(a.leadId).toBe(derivedLeadId(STUDIO, { type: 'email', value: 'new@example.com' }));
    expect(
      normaliseIdentifiers([
        { type: 'deviceId', value: 'dev-1' },
        { type: 'email', value: 'A@B.C' },
        { type: 'phone', value: '+15005550006' },
        { type: 'email', value: 'a@b.c' },
      ]),
    ).toEqual([
      { type: 'phone', value: '+15005550006' },
      { type: 'email', value: 'a@b.c' },
      { type: 'deviceId', value: 'dev-1' },
    ]);
    const guest = await resolveLead(gw.rt.db, STUDIO, [], 'session-1');
    expect(guest).toEqual({
      leadId: derivedLeadId(STUDIO, { type: 'guest', value: 'session-1' }),
      identifiers: [],
      via: 'derived',
    });
    await expect(resolveLead(gw.rt.db, STUDIO, [])).rejects.toThrow(/guest key/);
  });
});

describe('one lead across channels', () => {
  it('WhatsApp in the morning and SMS in the evening from one phone are one lead, latest channel sms', async () => {
    const phone = '+447700922222';
    const first = await inbound('whatsapp', 'meta', [{ type: 'phone', value: phone }], 'hi');
    const second = await inbound('sms', 'twilio', [{ type: 'phone', value: phone }], 'A fox on a branch');
    expect(second).toBe(first);
    const [lead, ...rest] = await leads(`phone=${encodeURIComponent(phone)}`);
    expect(rest).toEqual([]);
    expect(lead).toMatchObject({
      id: first,
      phone,
      channel: 'sms',
      identifiers: [{ type: 'phone', value: phone }],
    });
    expect((await leads('channel=sms')).map((l) => l.id)).toContain(first);
    expect((await leads('channel=whatsapp')).map((l) => l.id)).not.toContain(first);
    expect((await gw.app.inject({ url: '/admin/leads?channel=fax', headers: adminHeaders })).statusCode).toBe(
      400,
    );
  });

  it('a lead without a phone is found again by its email; GET /admin/leads?email= finds it', async () => {
    const email = 'alex@example.com';
    const first = await inbound('web', 'leadline', [{ type: 'email', value: 'Alex@Example.com' }], 'hello');
    const again = await resolveLead(gw.rt.db, STUDIO, [
      { type: 'email', value: email },
      { type: 'deviceId', value: 'device-9' },
    ]);
    expect(again).toMatchObject({ leadId: first, via: 'lookup' });
    await inbound('app', 'leadline', again.identifiers, 'A koi');
    const [lead, ...rest] = await leads('email=ALEX@example.com');
    expect(rest).toEqual([]);
    expect(lead).toMatchObject({
      id: first,
      phone: null,
      channel: 'app',
      identifiers: [
        { type: 'email', value: email },
        { type: 'deviceId', value: 'device-9' },
      ],
    });
    const single = await gw.app.inject({ url: `/admin/leads/${first}`, headers: adminHeaders });
    expect(single.json()).toMatchObject({ id: first, phone: null, identifiers: lead?.identifiers });
  });

  it('an identifier another lead of the studio owns is skipped with identity.conflict', async () => {
    const owner = await inbound('web', 'leadline', [{ type: 'email', value: 'sam@example.com' }], 'hi');
    const phone = '+447700933333';
    const other = await inbound(
      'sms',
      'twilio',
      [
        { type: 'phone', value: phone },
        { type: 'email', value: 'sam@example.com' },
      ],
      'hello',
    );
    expect(other).toBe(leadIdForPhone(STUDIO, phone));
    const conflicts = (await gw.systemEvents('identity.conflict')).filter((e) => e.lead_id === other);
    expect(conflicts).toEqual([
      expect.objectContaining({
        level: 'warn',
        payload: { type: 'email', value: 'sam@example.com', ownerLeadId: owner },
      }),
    ]);
    expect((await leads('email=sam@example.com')).map((l) => l.id)).toEqual([owner]);
    const [lead] = await leads(`phone=${encodeURIComponent(phone)}`);
    expect(lead?.identifiers).toEqual([{ type: 'phone', value: phone }]);
  });
});

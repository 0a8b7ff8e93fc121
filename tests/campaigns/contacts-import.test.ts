// POST /admin/contacts/import through the real gateway and runtime: contacts become NEW leads, bad rows
// are reported by line while good rows are kept, a re-import updates instead of duplicating, and a contact
// lead (a row without a snapshot) is started by its first message like any lead.
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { contactLeadId } from '../../src/campaigns/contact-import.ts';
import { createLeadDefinition } from '../../src/machines/lead/lead-definition.ts';
import { demoStudioConfig } from '../../src/studio/load-studio-config.ts';
import { StudioRegistry } from '../../src/studio/studio-registry.ts';
import { startGateway, type GatewayHarness } from '../gateway/gateway-harness.ts';
import { adminHeaders, whatsappHeaders } from '../gateway/gateway-harness.ts';
import { textMessage } from '../gateway/whatsapp-fixtures.ts';

let gw: GatewayHarness;
beforeAll(async () => {
  gw = await startGateway({
    definitions: [createLeadDefinition(new StudioRegistry(demoStudioConfig))],
    consume: true,
  });
});
afterAll(async () => {
  await gw.close();
});

const CSV = [
  'name,phone,email,birthday,tags,consent,consentSource,notes',
  'Ada Lovelace,+44 7700 900101,ada@example.com,12-10,vip;flash,true,signup form,likes koi',
  'Bad Phone,12345,,,,,,',
  'Grace Hopper,07700 900102,,1906-12-09,"flash, sleeve",yes,paper form,',
  'No Contact,,,,,,,',
  'Bad Birthday,+447700900103,,13-45,,no,,',
  'Lazy Consent,+447700900104,,,,true,,',
  'Eve,+447700900105,EVE@Example.com,,,false,,',
].join('\n');

async function importCsv(csv: string, query = 'studioId=inkwell&country=GB') {
  return gw.app.inject({
    method: 'POST',
    url: `/admin/contacts/import?${query}`,
    headers: { ...adminHeaders, 'content-type': 'text/csv' },
    payload: csv,
  });
}

describe('contact import', () => {
  it('keeps the good rows as NEW leads and reports each bad one by line and field', async () => {
    const res = await importCsv(CSV);
    expect(res.statusCode).toBe(200);
    const report = res.json<{
      received: number;
      imported: number;
      updated: number;
      failed: number;
      errors: { line: number; field: string }[];
      ignoredFields: string[];
    }>();
    expect(report).toMatchObject({
      received: 7,
      imported: 3,
      updated: 0,
      failed: 4,
      ignoredFields: ['notes'],
    });
    expect(report.errors.map((e) => [e.line, e.field])).toEqual([
      [3, 'phone'],
      [5, 'phone'],
      [6, 'birthday'],
      [7, 'consentSource'],
    ]);
    const ada = contactLeadId('inkwell', { phone: '+447700900101', email: null });
    const lead = await gw.app.inject({ method: 'GET', url: `/admin/leads/${ada}`, headers: adminHeaders });
    expect(lead.statusCode).toBe(200);
    expect(lead.json()).toMatchObject({
      status: 'NEW',
      phone: '+447700900101',
      name: 'Ada Lovelace',
      version: 0,
    });
    const contacts = await sql<{
      phone: string;
      birthday: string | null;
      tags: string[];
      consent: boolean;
      email: string | null;
    }>`
      select phone, birthday, tags, consent, email from contacts order by phone`.execute(gw.rt.db);
    expect(contacts.rows).toEqual([
      {
        phone: '+447700900101',
        birthday: '12-10',
        tags: ['vip', 'flash'],
        consent: true,
        email: 'ada@example.com',
      },
      // A national number, read with the import's country.
      { phone: '+447700900102', birthday: '12-09', tags: ['flash', 'sleeve'], consent: true, email: null },
      { phone: '+447700900105', birthday: null, tags: [], consent: false, email: 'eve@example.com' },
    ]);
  });

  it('a re-import updates the contact (fields it leaves empty are kept) and never duplicates the lead', async () => {
    const res = await importCsv(
      'phone,tags,consent,consentSource\n+447700900105,newsletter,true,double opt-in\n',
    );
    expect(res.json()).toMatchObject({ imported: 0, updated: 1, failed: 0 });
    const rows = await sql<{
      n: number;
    }>`select count(*)::int as n from leads where phone = '+447700900105'`.execute(gw.rt.db);
    expect(rows.rows[0]?.n).toBe(1);
    const eve = await sql<{ tags: string[]; consent: boolean; email: string; consent_source: string }>`
      select tags, consent, email, consent_source from contacts where phone = '+447700900105'`.execute(
      gw.rt.db,
    );
    expect(eve.rows[0]).toEqual({
      tags: ['newsletter'],
      consent: true,
      email: 'eve@example.com',
      consent_source: 'double opt-in',
    });
  });

  it('takes JSON too, and names the studio field when it is missing or unknown', async () => {
    const json = await gw.app.inject({
      method: 'POST',
      url: '/admin/contacts/import',
      headers: adminHeaders,
      payload: {
        studioId: 'inkwell',
        contacts: [
          { name: 'Jo', phone: '+447700900106', tags: ['a'] },
          'nope',
          { name: 'Nul\u0000 \ud800Sam\u202e', phone: '+447700900108', tags: ['b\u0000'] },
        ],
      },
    });
    expect(json.statusCode).toBe(200);
    expect(json.json()).toMatchObject({ imported: 2, failed: 1, errors: [{ line: 2 }] });
    const hostile = await gw.rt.db
      .selectFrom('leads')
      .select('name')
      .where('phone', '=', '+447700900108')
      .executeTakeFirst();
    expect(hostile?.name).toBe('Nul \ufffdSam\u202e');
    const missing = await importCsv('phone\n+447700900107\n', 'country=GB');
    expect(missing.statusCode).toBe(400);
    expect(missing.json()).toMatchObject({
      error: { code: 'VALIDATION_FAILED', details: [{ path: 'studioId' }] },
    });
    const unknown = await importCsv('phone\n+447700900107\n', 'studioId=nope');
    expect(unknown.statusCode).toBe(400);
  });

  it('an imported contact writing in is started by the actor at its row (one lead, version 1)', async () => {
    const body = JSON.stringify(textMessage('hi', { from: '447700900101' }));
    const res = await gw.app.inject({
      method: 'POST',
      url: '/webhooks/whatsapp',
      headers: whatsappHeaders(body),
      payload: body,
    });
    expect(res.statusCode).toBe(200);
    const ada = contactLeadId('inkwell', { phone: '+447700900101', email: null });
    await gw.rt.waitFor(async () => {
      const lead = await gw.app.inject({ method: 'GET', url: `/admin/leads/${ada}`, headers: adminHeaders });
      return lead.json<{ version: number }>().version === 1;
    });
    const lead = await gw.app.inject({ method: 'GET', url: `/admin/leads/${ada}`, headers: adminHeaders });
    expect(lead.json()).toMatchObject({ status: 'QUALIFYING', step: 'idea', name: 'Alex' });
    const events = await gw.systemEvents('runtime.snapshot_rebuilt');
    expect(events).toEqual([]);
  });
});

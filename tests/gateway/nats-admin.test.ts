// The NATS admin service driven by a plain NATS client, as an operator would (`nats req …`, `nats micro ls`).
// Its own nats-server: the service name is fixed, so a shared server could answer from another test's app.
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { leadIdFor } from '../../src/domain/ids.ts';
import { startNatsServer, type NatsServerProcess } from '../helpers/servers.ts';
import { startGateway, type GatewayHarness } from './gateway-harness.ts';
import { insertLead } from './lead-rows.ts';

const server = await startNatsServer();
if (!server) {
  if (inject('natsRequired')) throw new Error('LEADLINE_REQUIRE_NATS=1 but nats-server could not be started');
  process.stderr.write('\n!!! nats-server not on PATH: NATS admin service tests SKIPPED !!!\n\n');
}

describe.skipIf(!server)('NATS admin service (leadline-admin)', () => {
  let gw: GatewayHarness;
  let nc: NatsConnection;
  const nats = server as NatsServerProcess;
  const leadId = leadIdFor('inkwell', '+447700900123');

  beforeAll(async () => {
    gw = await startGateway({ env: { NATS_URL: nats.url }, options: { natsAdmin: true } });
    await insertLead(gw.rt.db, { id: leadId, phone: '+447700900123', status: 'QUALIFYING' });
    nc = await connect({ servers: nats.url });
  });
  afterAll(async () => {
    await nc.drain();
    await gw.close();
    await nats.stop();
  });

  const request = async (subject: string, body: unknown) => {
    const msg = await nc.request(subject, JSON.stringify(body), { timeout: 5_000 });
    return { body: msg.json<Record<string, unknown>>(), headers: msg.headers };
  };

  it('leadline.admin.leads.get by id and by phone → the Lead', async () => {
    const byId = await request('leadline.admin.leads.get', { id: leadId });
    expect(byId.body).toMatchObject({
      id: leadId,
      studioId: 'inkwell',
      phone: '+447700900123',
      status: 'QUALIFYING',
    });
    expect(byId.headers?.get('Nats-Service-Error-Code') ?? '').toBe('');
    const byPhone = await request('leadline.admin.leads.get', { phone: '+447700900123' });
    expect(byPhone.body).toMatchObject({ id: leadId });
  });

  it('an unknown lead or a bad request → the catalogue error with the micro error headers', async () => {
    const missing = await request('leadline.admin.leads.get', { id: 'ld_nobody' });
    expect(missing.headers?.get('Nats-Service-Error-Code')).toBe('404');
    expect(missing.body).toMatchObject({ error: { code: 'LEAD_NOT_FOUND' } });
    const bad = await request('leadline.admin.leads.get', { nope: 1 });
    expect(bad.headers?.get('Nats-Service-Error-Code')).toBe('400');
    expect(bad.body).toMatchObject({ error: { code: 'VALIDATION_FAILED' } });
    const msg = await nc.request('leadline.admin.leads.get', '{not json', { timeout: 5_000 });
    expect(msg.headers?.get('Nats-Service-Error-Code')).toBe('400');
  });

  it('leadline.admin.leads.list → {leads}', async () => {
    const all = await request('leadline.admin.leads.list', {});
    expect(all.body).toMatchObject({ leads: [{ id: leadId }] });
    const none = await request('leadline.admin.leads.list', { status: 'BOOKED' });
    expect(none.body).toEqual({ leads: [] });
  });

  it('leadline.admin.leads.event → {accepted:true} once the event is on the lead stream', async () => {
    const res = await request('leadline.admin.leads.event', {
      id: leadId,
      event: { type: 'handover.start' },
    });
    expect(res.body).toMatchObject({ accepted: true });
    const inbox = await gw.inbox();
    expect(inbox.find((e) => e.id === res.body.id)).toMatchObject({
      leadId,
      event: { type: 'handover.start' },
    });
    const unknown = await request('leadline.admin.leads.event', { id: leadId, event: { type: 'nope' } });
    expect(unknown.body).toMatchObject({ error: { code: 'UNKNOWN_EVENT' } });
  });

  it('is discoverable: $SRV.PING, $SRV.INFO.leadline-admin, $SRV.STATS', async () => {
    const ping = await request('$SRV.PING', {});
    expect(ping.body).toMatchObject({ type: 'io.nats.micro.v1.ping_response', name: 'leadline-admin' });
    const info = await request('$SRV.INFO.leadline-admin', {});
    expect(info.body).toMatchObject({ type: 'io.nats.micro.v1.info_response', name: 'leadline-admin' });
    const subjects = (info.body.endpoints as { subject: string; queue_group: string }[]).map(
      (e) => e.subject,
    );
    expect(subjects.sort()).toEqual([
      'leadline.admin.leads.event',
      'leadline.admin.leads.get',
      'leadline.admin.leads.list',
    ]);
    const stats = await request(`$SRV.STATS.leadline-admin.${String(ping.body.id)}`, {});
    const get = (
      stats.body.endpoints as { subject: string; num_requests: number; num_errors: number }[]
    ).find((e) => e.subject === 'leadline.admin.leads.get');
    expect(get?.num_requests).toBeGreaterThanOrEqual(5);
    expect(get?.num_errors).toBeGreaterThanOrEqual(3);
  });
});

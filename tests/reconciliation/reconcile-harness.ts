// A reconciliation test bench: a runtime with the lead machine on a real database and bus, the fake
// Twilio and OpenPhone APIs with their history, and a reconcile worker reading them. `webhook()` puts an
// SMS on the lead's stream exactly as the webhook routes do (the same envelope); `hide()` leaves a message
// only in the provider's history, as a lost webhook would.
import { createLeadDefinition } from '../../src/machines/lead/lead-definition.ts';
import { silentLogger } from '../../src/observability/logger.ts';
import { smsEnvelope, smsItems } from '../../src/gateway/webhooks/sms-inbound.ts';
import { createRun, runView, type RunView } from '../../src/reconciliation/run-store.ts';
import { historySourcesFromEnv } from '../../src/reconciliation/history-sources.ts';
import type { ReconcileNumber } from '../../src/reconciliation/history.ts';
import { createReconcileWorker, type ReconcileWorkerDeps } from '../../src/reconciliation/run-worker.ts';
import { demoStudioConfig } from '../../src/studio/load-studio-config.ts';
import { StudioRegistry } from '../../src/studio/studio-registry.ts';
import { startFakeOpenphoneApi, type FakeOpenphoneApi } from '../fakes/openphone-api.ts';
import { startFakeTwilioApi, type FakeTwilioApi } from '../fakes/twilio-api.ts';
import { startRuntime, type Runtime, type StartRuntimeOptions } from '../helpers/runtime-harness.ts';

export const STUDIO = 'inkwell';
export const TWILIO_NUMBER = '+15005550006';
export const OPENPHONE_NUMBER = '+15005550007';
export const OPENPHONE_ID = 'PNrecon1';

export const numbers: ReconcileNumber[] = [
  { studioId: STUDIO, provider: 'twilio', number: TWILIO_NUMBER },
  { studioId: STUDIO, provider: 'openphone', number: OPENPHONE_NUMBER, phoneNumberId: OPENPHONE_ID },
];

export interface Bench {
  rt: Runtime;
  twilio: FakeTwilioApi;
  openphone: FakeOpenphoneApi;
  studios: StudioRegistry;
  deps: ReconcileWorkerDeps;
  /** A message as its webhook brings it: in the history and on the lead's stream. */
  webhook(m: { from: string; body: string; at: Date; sid?: string; to?: string }): Promise<string>;
  /** A message whose webhook is lost: in the provider's history only. Returns its provider id. */
  hide(m: { from: string; body: string; at: Date; to?: string }): string;
  /** Re-publishes the webhook of a history message (a provider retry, late). */
  lateWebhook(sid: string): Promise<void>;
  /** Creates a run and works it to the end; returns its view. */
  reconcile(options?: { hours?: number; numbers?: ReconcileNumber[] }): Promise<RunView>;
  stop(): Promise<void>;
}

export async function startBench(
  options: { transport?: StartRuntimeOptions['transport'] } = {},
): Promise<Bench> {
  const studios = new StudioRegistry(demoStudioConfig);
  const rt = await startRuntime({
    definitions: [createLeadDefinition(studios)],
    ...(options.transport ? { transport: options.transport } : {}),
  });
  const twilio = await startFakeTwilioApi();
  const openphone = await startFakeOpenphoneApi();
  openphone.addNumber(OPENPHONE_NUMBER, OPENPHONE_ID);
  const sources = historySourcesFromEnv(
    {
      TWILIO_ACCOUNT_SID: twilio.accountSid,
      TWILIO_AUTH_TOKEN: twilio.authToken,
      TWILIO_API_BASE_URL: twilio.url,
      OPENPHONE_API_KEY: openphone.apiKey,
      OPENPHONE_API_BASE_URL: openphone.url,
    },
    { retry: { initialDelayMs: 20, maxDelayMs: 200 }, twilioPageSize: 2, openphonePageSize: 2 },
  );
  const deps: ReconcileWorkerDeps = {
    db: rt.db,
    get bus() {
      return rt.bus;
    },
    studios,
    sources,
    logger: silentLogger,
    workerId: 'test-worker',
    defaultSender: () => TWILIO_NUMBER,
  };
  const worker = createReconcileWorker(deps);

  const envelopeOf = (
    provider: 'twilio' | 'openphone',
    sid: string,
    from: string,
    to: string,
    body: string,
    at: Date,
  ) => {
    const [item] = smsItems({ provider, from, to, sentAt: at.toISOString() }, sid, body, []);
    if (!item) throw new Error('no item');
    return smsEnvelope(STUDIO, item, new Date().toISOString());
  };

  return {
    rt,
    twilio,
    openphone,
    studios,
    deps,
    async webhook(m) {
      const to = m.to ?? TWILIO_NUMBER;
      if (to === OPENPHONE_NUMBER) {
        openphone.received(
          'unused',
          { from: m.from, to, text: m.body, ...(m.sid ? { id: m.sid } : {}) },
          { at: m.at },
        );
        const sent = openphone.history.at(-1);
        if (!sent) throw new Error('no history');
        await rt.publish(envelopeOf('openphone', sent.id, m.from, to, m.body, m.at));
        return sent.id;
      }
      const [sent] = twilio.seedHistory([
        { from: m.from, to, body: m.body, dateSent: m.at, ...(m.sid ? { sid: m.sid } : {}) },
      ]);
      if (!sent) throw new Error('no history');
      await rt.publish(envelopeOf('twilio', sent.sid, m.from, to, m.body, m.at));
      return sent.sid;
    },
    hide(m) {
      const to = m.to ?? TWILIO_NUMBER;
      if (to === OPENPHONE_NUMBER) {
        const [sent] = openphone.seedHistory([
          { from: m.from, to, text: m.body, direction: 'incoming', createdAt: m.at },
        ]);
        return sent?.id ?? '';
      }
      const [sent] = twilio.seedHistory([{ from: m.from, to, body: m.body, dateSent: m.at }]);
      return sent?.sid ?? '';
    },
    async lateWebhook(sid) {
      const t = twilio.history.find((m) => m.sid === sid);
      if (t) {
        await rt.publish(envelopeOf('twilio', sid, t.from, t.to, t.body, t.dateSent));
        return;
      }
      const o = openphone.history.find((m) => m.id === sid);
      if (!o) throw new Error(`no message ${sid}`);
      await rt.publish(envelopeOf('openphone', sid, o.from, o.to[0] ?? '', o.text, o.createdAt));
    },
    async reconcile(opts = {}) {
      const id = await createRun(rt.db, {
        trigger: 'manual',
        hoursBack: opts.hours ?? 48,
        numbers: opts.numbers ?? numbers,
        now: new Date(),
      });
      if (id === null) throw new Error('no run');
      await worker.drain();
      await rt.idle();
      const view = await runView(rt.db, id, new Date());
      if (!view) throw new Error('run vanished');
      return view;
    },
    async stop() {
      await worker.stop();
      await rt.stop();
      await twilio.close();
      await openphone.close();
    },
  };
}

/** The lead's transcript entries carrying this provider id. */
export async function transcriptOf(rt: Runtime, providerMessageId: string) {
  return rt.db
    .selectFrom('transcript')
    .select(['lead_id', 'direction', 'text', 'provider_message_id'])
    .where('provider_message_id', '=', providerMessageId)
    .execute();
}

/** The demo studio with the bench's two SMS numbers (as the studio `sms` configuration has them). */
export function studiosWithSms(): StudioRegistry {
  const [demo] = demoStudioConfig.studios;
  if (!demo) throw new Error('no demo studio');
  const studio = {
    ...demo,
    sms: [
      { provider: 'twilio' as const, number: TWILIO_NUMBER },
      { provider: 'openphone' as const, number: OPENPHONE_NUMBER, phoneNumberId: OPENPHONE_ID },
    ],
  };
  return new StudioRegistry({ studios: [studio] });
}

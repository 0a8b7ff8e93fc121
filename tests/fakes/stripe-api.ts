// A small local server speaking the part of Stripe's API we use: POST /v1/checkout/sessions, answered
// with a real-shaped Checkout Session. Idempotency-Key headers are recorded, and a repeated key replays the
// first response, as Stripe does. Failures can be queued.
import { randomBytes } from 'node:crypto';
import { listen, playFailure, readBody, sendJson, type Failure, type FakeServer } from './fake-http.ts';

export interface RecordedCheckout {
  idempotencyKey: string | undefined;
  authorization: string | undefined;
  params: URLSearchParams;
  at: number;
}

export interface FakeStripeApi extends FakeServer {
  requests: RecordedCheckout[];
  /** Sessions actually created (a replayed idempotency key creates none). */
  sessions: Record<string, unknown>[];
  failNext(...failures: Failure[]): void;
}

/** Stripe's error body, e.g. stripeErrorBody('invalid_request_error', 'Bad currency'). */
export function stripeErrorBody(type: string, message: string, code?: string): Record<string, unknown> {
  return { error: { type, message, ...(code ? { code } : {}) } };
}

export async function startFakeStripeApi(): Promise<FakeStripeApi> {
  const requests: RecordedCheckout[] = [];
  const sessions: Record<string, unknown>[] = [];
  const failures: Failure[] = [];
  const replies = new Map<string, Record<string, unknown>>();

  const server = await listen(async (req, res) => {
    const body = await readBody(req);
    if (req.method !== 'POST' || req.url !== '/v1/checkout/sessions')
      return sendJson(
        res,
        404,
        stripeErrorBody('invalid_request_error', `Unrecognized request URL ${req.url}`),
      );
    const key = req.headers['idempotency-key'];
    const params = new URLSearchParams(body);
    requests.push({
      idempotencyKey: typeof key === 'string' ? key : undefined,
      authorization: req.headers.authorization,
      params,
      at: Date.now(),
    });
    const failure = failures.shift();
    if (failure) return playFailure(res, failure);
    const replay = typeof key === 'string' ? replies.get(key) : undefined;
    if (replay) return sendJson(res, 200, replay, { 'idempotent-replayed': 'true' });
    const id = `cs_test_${randomBytes(12).toString('hex')}`;
    const unitAmount = Number(params.get('line_items[0][price_data][unit_amount]'));
    const session = {
      id,
      object: 'checkout.session',
      amount_subtotal: unitAmount,
      amount_total: unitAmount,
      cancel_url: params.get('cancel_url'),
      client_reference_id: params.get('client_reference_id'),
      created: Math.floor(Date.now() / 1000),
      currency: params.get('line_items[0][price_data][currency]'),
      expires_at: Number(params.get('expires_at')),
      livemode: false,
      metadata: { lead_id: params.get('metadata[lead_id]'), studio_id: params.get('metadata[studio_id]') },
      mode: params.get('mode'),
      payment_status: 'unpaid',
      status: 'open',
      success_url: params.get('success_url'),
      url: `https://checkout.stripe.com/c/pay/${id}`,
    };
    sessions.push(session);
    if (typeof key === 'string') replies.set(key, session);
    sendJson(res, 200, session, { 'request-id': `req_${randomBytes(6).toString('hex')}` });
  });

  return {
    url: server.url,
    close: () => server.close(),
    requests,
    sessions,
    failNext: (...f) => failures.push(...f),
  };
}

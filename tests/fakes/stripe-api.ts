// A small local server speaking the part of Stripe's API we use: POST /v1/checkout/sessions, answered
// with a real-shaped Checkout Session, and GET /v1/checkout/sessions/:id, answering the session as it is now
// (404 `resource_missing` for an unknown id). Idempotency-Key headers are recorded, and a repeated key
// replays the first response, as Stripe does. `markPaid` plays a customer paying without the webhook ever
// being sent. Failures can be queued (they answer whichever request comes next).
import { randomBytes } from 'node:crypto';
import { listen, playFailure, readBody, sendJson, type Failure, type FakeServer } from './fake-http.ts';

export interface RecordedCheckout {
  idempotencyKey: string | undefined;
  authorization: string | undefined;
  params: URLSearchParams;
  at: number;
}

export interface RecordedRetrieval {
  sessionId: string;
  authorization: string | undefined;
  at: number;
}

export interface FakeStripeApi extends FakeServer {
  /** Session creations (POST). */
  requests: RecordedCheckout[];
  /** Session reads (GET), failed ones included. */
  retrievals: RecordedRetrieval[];
  /** Sessions actually created (a replayed idempotency key creates none). */
  sessions: Record<string, unknown>[];
  /** The customer completes the session's payment (no webhook is sent); throws for an unknown id. */
  markPaid(sessionId: string): void;
  failNext(...failures: Failure[]): void;
}

/** Stripe's error body, e.g. stripeErrorBody('invalid_request_error', 'Bad currency'). */
export function stripeErrorBody(type: string, message: string, code?: string): Record<string, unknown> {
  return { error: { type, message, ...(code ? { code } : {}) } };
}

export async function startFakeStripeApi(): Promise<FakeStripeApi> {
  const requests: RecordedCheckout[] = [];
  const retrievals: RecordedRetrieval[] = [];
  const sessions: Record<string, unknown>[] = [];
  const failures: Failure[] = [];
  const replies = new Map<string, Record<string, unknown>>();

  const byId = (id: string) => sessions.find((session) => session.id === id);

  const server = await listen(async (req, res) => {
    const body = await readBody(req);
    const retrieve = /^\/v1\/checkout\/sessions\/([^/?]+)(?:\?.*)?$/.exec(req.url ?? '');
    if (req.method === 'GET' && retrieve?.[1] !== undefined) {
      const id = decodeURIComponent(retrieve[1]);
      retrievals.push({ sessionId: id, authorization: req.headers.authorization, at: Date.now() });
      const failure = failures.shift();
      if (failure) return playFailure(res, failure);
      const session = byId(id);
      if (!session)
        return sendJson(res, 404, {
          error: {
            type: 'invalid_request_error',
            code: 'resource_missing',
            param: 'session',
            message: `No such checkout.session: '${id}'`,
          },
        });
      return sendJson(res, 200, session, { 'request-id': `req_${randomBytes(6).toString('hex')}` });
    }
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
      // Stripe creates the PaymentIntent when the customer pays (API versions since 2022-08-01).
      payment_intent: null,
      payment_status: 'unpaid',
      status: 'open',
      success_url: params.get('success_url'),
      url: `https://checkout.stripe.com/c/pay/${id}`,
    };
    sessions.push(session);
    // A replay answers the session as it was created, whatever happened to it since (as Stripe does).
    if (typeof key === 'string') replies.set(key, { ...session });
    sendJson(res, 200, session, { 'request-id': `req_${randomBytes(6).toString('hex')}` });
  });

  return {
    url: server.url,
    close: () => server.close(),
    requests,
    retrievals,
    sessions,
    markPaid(sessionId) {
      const session = byId(sessionId);
      if (!session) throw new Error(`fake Stripe: no session ${sessionId}`);
      // What a completed payment-mode session reads as: complete, paid, its link no longer usable.
      Object.assign(session, {
        status: 'complete',
        payment_status: 'paid',
        payment_intent: `pi_${randomBytes(12).toString('hex')}`,
        url: null,
      });
    },
    failNext: (...f) => failures.push(...f),
  };
}

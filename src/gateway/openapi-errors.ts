// What the OpenAPI document says about failures and credentials, per operation: every admin operation
// requires the admin key (so Swagger UI's "Authorize" sends it), and every operation lists the error
// responses it can give, each the ErrorEnvelope with `error.code` narrowed to the codes of that status.
// Codes that follow from the route's shape (a validated input, a body, the admin scope) are derived; the
// few a handler throws itself are in `handlerErrors` (tests/gateway/openapi.test.ts keeps it honest).
import type { FastifySchema } from 'fastify';
import { errorCatalogue, type ErrorCode } from './errors.ts';

/** Codes thrown by handlers, keyed by "METHOD url" as registered. */
export const handlerErrors: Record<string, readonly ErrorCode[]> = {
  'GET /webhooks/whatsapp': ['VERIFY_TOKEN_MISMATCH'],
  'POST /webhooks/whatsapp': ['WHATSAPP_SIGNATURE_INVALID', 'MALFORMED_JSON', 'BUS_UNAVAILABLE'],
  'POST /webhooks/twilio/sms': [
    'VALIDATION_FAILED',
    'TWILIO_SIGNATURE_INVALID',
    'BUS_UNAVAILABLE',
    'SERVICE_UNAVAILABLE',
  ],
  'POST /webhooks/twilio/status': [
    'VALIDATION_FAILED',
    'TWILIO_SIGNATURE_INVALID',
    'BUS_UNAVAILABLE',
    'SERVICE_UNAVAILABLE',
  ],
  'POST /webhooks/openphone': [
    'VALIDATION_FAILED',
    'OPENPHONE_SIGNATURE_INVALID',
    'MALFORMED_JSON',
    'BUS_UNAVAILABLE',
    'SERVICE_UNAVAILABLE',
  ],
  'POST /webhooks/stripe': ['STRIPE_SIGNATURE_INVALID', 'MALFORMED_JSON', 'BUS_UNAVAILABLE'],
  'GET /admin/leads/:id': ['LEAD_NOT_FOUND'],
  'GET /admin/leads/:id/messages': ['LEAD_NOT_FOUND'],
  'POST /admin/leads/:id/events': ['UNKNOWN_EVENT', 'BUS_UNAVAILABLE'],
  'POST /admin/dead-letters/:id/replay': [
    'DEAD_LETTER_NOT_FOUND',
    'DEAD_LETTER_NOT_REPLAYABLE',
    'BUS_UNAVAILABLE',
  ],
  'GET /admin/attachments/:id/url': ['NOT_FOUND', 'SERVICE_UNAVAILABLE'],
  'POST /admin/reconciliation/runs': ['RECONCILIATION_RUNNING'],
  'GET /admin/reconciliation/runs/:id': ['RECONCILIATION_RUN_NOT_FOUND'],
  ...messageApiErrors(),
};

/** The message API's routes, per channel. */
function messageApiErrors(): Record<string, readonly ErrorCode[]> {
  const post: ErrorCode[] = ['IDENTITY_REQUIRED', 'STUDIO_NOT_FOUND', 'DUPLICATE_REQUEST', 'BUS_UNAVAILABLE'];
  const keyed: ErrorCode[] = ['UNAUTHORIZED'];
  const web: ErrorCode[] = ['ORIGIN_NOT_ALLOWED', 'RATE_LIMITED'];
  const list: ErrorCode[] = ['SESSION_NOT_FOUND', 'STUDIO_NOT_FOUND'];
  return {
    'POST /api/messages': [...keyed, ...post],
    'POST /app/messages': [...keyed, ...post],
    'POST /api/broadcast': [...keyed, 'STUDIO_NOT_FOUND', 'DUPLICATE_REQUEST', 'BUS_UNAVAILABLE'],
    'POST /web/messages': [...web, ...post],
    'GET /api/sessions/:sessionId/messages': [...keyed, ...list],
    'GET /app/sessions/:sessionId/messages': [...keyed, ...list],
    'GET /web/sessions/:sessionId/messages': [...web, ...list],
    'GET /web/sessions/:sessionId/events': [...web, ...list],
  };
}

/** Either scheme of the document's securitySchemes (src/gateway/plugins/openapi.ts). */
export const ADMIN_SECURITY: readonly Record<string, readonly string[]>[] = [{ apiKey: [] }, { bearer: [] }];

export function isAdminUrl(url: string): boolean {
  return url === '/admin' || url.startsWith('/admin/');
}

/** The message API routes that need the studio's apiKey. */
export function isStudioKeyUrl(url: string): boolean {
  return url.startsWith('/api/') || url.startsWith('/app/');
}

/** Every code an operation can answer with, in catalogue order. */
export function operationErrorCodes(method: string, url: string, schema: FastifySchema): ErrorCode[] {
  const codes = new Set<ErrorCode>(handlerErrors[`${method} ${url}`] ?? []);
  if (schema.body !== undefined || schema.querystring !== undefined || schema.params !== undefined) {
    codes.add('VALIDATION_FAILED');
  }
  if (method === 'POST' || method === 'PUT' || method === 'PATCH') {
    codes.add('PAYLOAD_TOO_LARGE');
    codes.add('UNSUPPORTED_MEDIA_TYPE');
  }
  if (isAdminUrl(url)) {
    codes.add('UNAUTHORIZED');
    codes.add('RATE_LIMITED');
  }
  codes.add('INTERNAL_ERROR');
  return (Object.keys(errorCatalogue) as ErrorCode[]).filter((code) => codes.has(code));
}

/** The envelope (as JSON Schema) with `error.code` limited to `codes`. */
function envelopeFor(codes: readonly ErrorCode[]): Record<string, unknown> {
  return {
    type: 'object',
    required: ['error', 'traceId'],
    properties: {
      error: {
        type: 'object',
        required: ['code', 'message', 'details'],
        properties: {
          code: { type: 'string', enum: codes },
          message: { type: 'string' },
          details: { nullable: true },
        },
      },
      traceId: { type: 'string' },
    },
  };
}

/** Fastify-style `response` entries, one per status, for the operation's codes. */
export function errorResponses(codes: readonly ErrorCode[]): Record<string, Record<string, unknown>> {
  const byStatus = new Map<number, ErrorCode[]>();
  for (const code of codes) {
    const status = errorCatalogue[code].status;
    byStatus.set(status, [...(byStatus.get(status) ?? []), code]);
  }
  return Object.fromEntries(
    [...byStatus].map(([status, group]) => [
      String(status),
      {
        description: group.map((code) => `${code}: ${errorCatalogue[code].message}`).join('; '),
        ...envelopeFor(group),
      },
    ]),
  );
}

/** Adds the admin security requirement and the error responses to an already-converted route schema. */
export function withErrorsAndSecurity(
  schema: FastifySchema,
  method: string | readonly string[],
  url: string,
): FastifySchema {
  const methods = typeof method === 'string' ? [method] : method;
  const codes = [...new Set(methods.flatMap((m) => operationErrorCodes(m, url, schema)))];
  const existing = (schema.response ?? {}) as Record<string, unknown>;
  const out: FastifySchema = {
    ...schema,
    response: { ...errorResponses(codes), ...existing },
  };
  // /api and /app take the studio's apiKey in the same two places (X-API-Key or a bearer token).
  if (isAdminUrl(url) || isStudioKeyUrl(url)) out.security = ADMIN_SECURITY;
  return out;
}

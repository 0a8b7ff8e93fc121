// The one error catalogue of the HTTP edge: every error the gateway answers with has a code here, a status
// and a default message. The envelope is `{"error":{"code","message","details"},"traceId"}` (docs/contract.md §3).
// docs/errors.md is generated from this file (src/gateway/generate-errors-doc.ts) and a test keeps the
// catalogue, the OpenAPI document and that page in step.
import { z } from 'zod';

export const errorCatalogue = {
  VALIDATION_FAILED: { status: 400, message: 'The request does not match the route schema' },
  MALFORMED_JSON: { status: 400, message: 'The body is not valid JSON' },
  UNKNOWN_EVENT: { status: 400, message: 'Unknown control event type' },
  STRIPE_SIGNATURE_INVALID: { status: 400, message: 'Stripe-Signature is missing, invalid or too old' },
  UNAUTHORIZED: { status: 401, message: 'A valid API key is required' },
  IDENTITY_REQUIRED: {
    status: 401,
    message: 'The message names no phone, email or deviceId, and this channel takes no guests',
  },
  WHATSAPP_SIGNATURE_INVALID: { status: 401, message: 'X-Hub-Signature-256 is missing or invalid' },
  OPENPHONE_SIGNATURE_INVALID: {
    status: 401,
    message: 'openphone-signature (or webhook-signature) is missing, invalid or too old',
  },
  TWILIO_SIGNATURE_INVALID: { status: 403, message: 'X-Twilio-Signature is missing or invalid' },
  VERIFY_TOKEN_MISMATCH: { status: 403, message: 'Webhook subscription verification failed' },
  CSRF_INVALID: { status: 403, message: 'The console form has no valid CSRF token; reload the page' },
  ORIGIN_NOT_ALLOWED: { status: 403, message: "The Origin is not in the studio's web.allowedOrigins" },
  NOT_FOUND: { status: 404, message: 'No such route' },
  STUDIO_NOT_FOUND: { status: 404, message: 'No such studio, or it is not active on this channel' },
  SESSION_NOT_FOUND: { status: 404, message: 'No such session on this channel' },
  LEAD_NOT_FOUND: { status: 404, message: 'No such lead' },
  DEAD_LETTER_NOT_FOUND: { status: 404, message: 'No such dead letter' },
  CAMPAIGN_NOT_FOUND: { status: 404, message: 'No such campaign' },
  CAMPAIGN_RUN_NOT_FOUND: { status: 404, message: 'No such run of this campaign' },
  DUPLICATE_REQUEST: {
    status: 409,
    message:
      'This requestId was already received (in this session; for a broadcast, by this studio) (details: the first response or retryAfterMs)',
  },
  CAMPAIGN_EXISTS: { status: 409, message: 'A campaign with this id exists already' },
  CAMPAIGN_RUN_STATE: { status: 409, message: 'The run is not in a state this action applies to' },
  RECONCILIATION_RUN_NOT_FOUND: { status: 404, message: 'No such reconciliation run' },
  RECONCILIATION_RUNNING: {
    status: 409,
    message: 'A reconciliation run is already working one of these numbers',
  },
  DEAD_LETTER_NOT_REPLAYABLE: {
    status: 409,
    message: 'The dead letter holds an envelope that cannot be replayed',
  },
  PAYLOAD_TOO_LARGE: { status: 413, message: 'The body is too large' },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, message: 'Unsupported Content-Type' },
  RATE_LIMITED: { status: 429, message: 'Too many requests' },
  INTERNAL_ERROR: { status: 500, message: 'Internal error' },
  BUS_UNAVAILABLE: { status: 503, message: 'The message bus did not accept the message; retry later' },
  SERVICE_UNAVAILABLE: { status: 503, message: 'The service is shutting down or not ready' },
} as const satisfies Record<string, { status: number; message: string }>;

export type ErrorCode = keyof typeof errorCatalogue;
export const errorCodes = Object.keys(errorCatalogue) as ErrorCode[];

/** An error the edge knows how to answer; anything else becomes INTERNAL_ERROR. */
export class GatewayError extends Error {
  override name = 'GatewayError';
  readonly code: ErrorCode;
  readonly statusCode: number;
  readonly details: unknown;

  constructor(code: ErrorCode, options: { message?: string; details?: unknown; cause?: unknown } = {}) {
    super(options.message ?? errorCatalogue[code].message, { cause: options.cause });
    this.code = code;
    this.statusCode = errorCatalogue[code].status;
    this.details = options.details;
  }
}

export const errorEnvelopeSchema = z.object({
  error: z.object({
    code: z.enum(errorCodes as [ErrorCode, ...ErrorCode[]]),
    message: z.string(),
    /** Always present: null when there is nothing more to say. */
    details: z.unknown().nullable(),
  }),
  traceId: z.string(),
});
export type ErrorEnvelope = z.infer<typeof errorEnvelopeSchema>;

export function errorEnvelope(error: GatewayError, traceId: string): ErrorEnvelope {
  return {
    error: {
      code: error.code,
      message: error.message,
      details: error.details ?? null,
    },
    traceId,
  };
}

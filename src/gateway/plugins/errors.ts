// Every error leaves through here, in the catalogue's envelope: our own GatewayErrors as they are,
// Fastify's framework errors (body too large, bad content type, malformed JSON, route not found, rate
// limit) mapped onto catalogue codes, and anything unexpected as INTERNAL_ERROR (logged with its stack).
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { classifyFailure } from '../../domain/failures.ts';
import { GatewayError, errorEnvelope, type ErrorCode } from '../errors.ts';

const FRAMEWORK_CODES: Readonly<Record<string, ErrorCode>> = {
  FST_ERR_CTP_BODY_TOO_LARGE: 'PAYLOAD_TOO_LARGE',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'UNSUPPORTED_MEDIA_TYPE',
  FST_ERR_CTP_INVALID_JSON_BODY: 'MALFORMED_JSON',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'MALFORMED_JSON',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'VALIDATION_FAILED',
  FST_ERR_VALIDATION: 'VALIDATION_FAILED',
  FST_ERR_NOT_FOUND: 'NOT_FOUND',
};

const BY_STATUS: Readonly<Record<number, ErrorCode>> = {
  400: 'VALIDATION_FAILED',
  401: 'UNAUTHORIZED',
  404: 'NOT_FOUND',
  413: 'PAYLOAD_TOO_LARGE',
  415: 'UNSUPPORTED_MEDIA_TYPE',
  429: 'RATE_LIMITED',
  503: 'SERVICE_UNAVAILABLE',
};

/**
 * An error no route mapped, judged by src/domain/failures.ts: PostgreSQL refusing a value the request
 * carried (encoding, data) is the request's fault (400, never a 5xx for content); the database or a
 * connection being unavailable is ours (503, so the caller retries). Anything else stays INTERNAL_ERROR.
 */
function byFailureClass(error: unknown): ErrorCode | undefined {
  const { cause } = classifyFailure(error);
  if (cause === 'pg_encoding' || cause === 'pg_data') return 'VALIDATION_FAILED';
  if (cause === 'connection' || cause === 'pg_unavailable' || cause === 'pg_timeout')
    return 'SERVICE_UNAVAILABLE';
  return undefined;
}

/** Maps anything thrown in a request to a catalogue error. */
export function toGatewayError(error: unknown): GatewayError {
  if (error instanceof GatewayError) return error;
  const fastifyError = error as Partial<FastifyError>;
  const byCode = fastifyError.code === undefined ? undefined : FRAMEWORK_CODES[fastifyError.code];
  // secure-json-parse throws a SyntaxError that Fastify tags with status 400.
  const code =
    byCode ??
    (error instanceof SyntaxError && fastifyError.statusCode === 400 ? 'MALFORMED_JSON' : undefined) ??
    (fastifyError.statusCode === undefined ? undefined : BY_STATUS[fastifyError.statusCode]);
  if (code === undefined) {
    const byClass = byFailureClass(error);
    return byClass === undefined
      ? new GatewayError('INTERNAL_ERROR', { cause: error })
      : new GatewayError(byClass, {
          cause: error,
          message:
            byClass === 'VALIDATION_FAILED'
              ? 'The request holds a value that cannot be stored'
              : 'The database is unavailable',
        });
  }
  // Framework messages are safe to show (they describe the request, not our internals).
  return new GatewayError(code, { message: fastifyError.message ?? undefined, cause: error });
}

export function sendError(request: FastifyRequest, reply: FastifyReply, error: GatewayError): FastifyReply {
  return reply
    .code(error.statusCode)
    .header('content-type', 'application/json; charset=utf-8')
    .send(errorEnvelope(error, request.id));
}

/** Global (fastify-plugin): the error and not-found handlers are the app's own, not a child scope's. */
export const errorsPlugin = fp(
  (app, _options, registered) => {
    app.setErrorHandler((error, request, reply) => {
      const mapped = toGatewayError(error);
      if (mapped.statusCode >= 500) request.log.error({ err: error }, 'request failed');
      else request.log.debug({ err: error, code: mapped.code }, 'request rejected');
      return sendError(request, reply, mapped);
    });
    app.setNotFoundHandler((request, reply) =>
      sendError(
        request,
        reply,
        new GatewayError('NOT_FOUND', { message: `Route ${request.method} ${request.url} not found` }),
      ),
    );
    registered();
  },
  { name: 'leadline-errors' },
);

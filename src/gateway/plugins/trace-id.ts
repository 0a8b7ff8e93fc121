// Trace ids: taken from the caller's X-Trace-Id, else from a W3C `traceparent`, else generated. Fastify uses
// it as the request id (so every log line of the request carries it), we echo it as X-Trace-Id on every
// response, and handlers copy it onto the envelopes they publish.
import { randomBytes } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import fp from 'fastify-plugin';
import { firstHeader } from './header.ts';

const TRACE_ID = /^[A-Za-z0-9._-]{1,128}$/;
// version-traceid-parentid-flags; an all-zero trace id is invalid per the spec.
const TRACEPARENT = /^[\da-f]{2}-([\da-f]{32})-[\da-f]{16}-[\da-f]{2}$/;

const header = (req: IncomingMessage, name: string) => firstHeader(req.headers, name);

/** Fastify `genReqId`. */
export function traceIdFor(req: IncomingMessage): string {
  const given = header(req, 'x-trace-id')?.trim();
  if (given !== undefined && TRACE_ID.test(given)) return given;
  const parent = TRACEPARENT.exec(header(req, 'traceparent')?.trim().toLowerCase() ?? '');
  if (parent?.[1] !== undefined && !/^0+$/.test(parent[1])) return parent[1];
  return randomBytes(16).toString('hex');
}

/** Global (fastify-plugin): the hook must see every route of the app. */
export const traceIdPlugin = fp(
  (app, _options, registered) => {
    app.addHook('onRequest', (request, reply, done) => {
      reply.header('x-trace-id', request.id);
      done();
    });
    registered();
  },
  { name: 'leadline-trace-id' },
);

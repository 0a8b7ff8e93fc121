// docs/errors.md is generated from the error catalogue so the two cannot drift (a test compares them).
// Regenerate with: node src/gateway/generate-errors-doc.ts
import { broadcastFailures } from '../message-api/broadcast-body.ts';
import { ORCHESTRATOR_EVENTS } from '../orchestrator/outcomes.ts';
import { errorCatalogue, errorCodes } from './errors.ts';

export function renderErrorsMarkdown(): string {
  const rows = errorCodes.map((code) => {
    const { status, message } = errorCatalogue[code];
    return `| \`${code}\` | ${status} | ${message} |`;
  });
  return [
    '# Gateway errors',
    '',
    '<!-- Generated from src/gateway/errors.ts by `node src/gateway/generate-errors-doc.ts`. Do not edit. -->',
    '',
    'Every error response of the HTTP gateway has the same envelope, and the `X-Trace-Id` response header',
    'carries the same trace id:',
    '',
    '```json',
    '{ "error": { "code": "LEAD_NOT_FOUND", "message": "No such lead", "details": null }, "traceId": "4bf92f3577b34da6a3ce929d0e0e4736" }',
    '```',
    '',
    '`details` is always present: `null` unless there is more to say (validation issues as',
    '`[{ "path", "message" }]`, the reason a signature was refused, the allowed event types). The NATS admin',
    'service answers errors with',
    'the same `error` object plus the `Nats-Service-Error` and `Nats-Service-Error-Code` headers.',
    '',
    '| code | HTTP status | meaning |',
    '| --- | --- | --- |',
    ...rows,
    '',
    '## Broadcast results',
    '',
    'POST /api/broadcast answers per lead (docs/message-api.md): a result that is not a success names why in',
    '`error`, with the same text in `detail`. These are not HTTP errors: the request succeeded.',
    '',
    '| error | meaning |',
    '| --- | --- |',
    ...Object.entries(broadcastFailures).map(([code, meaning]) => `| \`${code}\` | ${meaning} |`),
    '',
    '## Orchestrator failures',
    '',
    "The orchestrator (docs/message-api.md) never fails a request or blocks a lead: the lead gets the studio's",
    '`defaultReply` and one of these system events is recorded (`GET /admin/system-events?type=…`).',
    '',
    '| system event | meaning |',
    '| --- | --- |',
    ...Object.entries(ORCHESTRATOR_EVENTS).map(([type, meaning]) => `| \`${type}\` | ${meaning} |`),
    '',
  ].join('\n');
}

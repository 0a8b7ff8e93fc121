// The OpenAPI document a user reads at /docs: Swagger's "Authorize" applies to every admin operation, and
// each operation lists its error responses (the envelope, with the codes of that status).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorCatalogue, type ErrorCode } from '../../src/gateway/errors.ts';
import { handlerErrors } from '../../src/gateway/openapi-errors.ts';
import { startGateway, type GatewayHarness } from './gateway-harness.ts';

interface Operation {
  security?: Record<string, string[]>[];
  responses: Record<
    string,
    { description: string; content?: Record<string, { schema: { properties?: Record<string, unknown> } }> }
  >;
}
interface Document {
  components: { securitySchemes: Record<string, unknown> };
  paths: Record<string, Record<string, Operation>>;
}

let gw: GatewayHarness;
let doc: Document;
beforeAll(async () => {
  gw = await startGateway();
  doc = (await gw.app.inject({ url: '/docs/json' })).json<Document>();
});
afterAll(async () => {
  await gw.close();
});

function operations(): [string, string, Operation][] {
  return Object.entries(doc.paths).flatMap(([path, ops]) =>
    Object.entries(ops).map(([method, op]): [string, string, Operation] => [method.toUpperCase(), path, op]),
  );
}

function codesOf(op: Operation, status: string): string[] {
  // application/json, or the route's `produces` type (an HTML page's errors are the same envelope).
  const schema = Object.values(op.responses[status]?.content ?? {})[0]?.schema;
  const error = schema?.properties?.error as { properties: { code: { enum: string[] } } } | undefined;
  return error?.properties.code.enum ?? [];
}

describe('OpenAPI document', () => {
  it('every admin operation requires one of the declared security schemes', () => {
    const admin = operations().filter(([, path]) => path.startsWith('/admin/'));
    expect(admin.length).toBeGreaterThan(5);
    for (const [method, path, op] of admin) {
      expect(op.security, `${method} ${path}`).toEqual([{ apiKey: [] }, { bearer: [] }]);
      for (const requirement of op.security ?? [])
        for (const name of Object.keys(requirement))
          expect(doc.components.securitySchemes).toHaveProperty(name);
      expect(codesOf(op, '401'), `${method} ${path}`).toEqual(['UNAUTHORIZED']);
    }
    const open = operations().filter(([, path]) => path.startsWith('/webhooks/') || path === '/healthz');
    for (const [, , op] of open) expect(op.security).toBeUndefined();
  });

  it('every operation documents its error responses with the codes of each status', () => {
    for (const [method, path, op] of operations()) {
      const errorStatuses = Object.keys(op.responses).filter((s) => Number(s) >= 400);
      expect(codesOf(op, '500'), `${method} ${path}`).toEqual(['INTERNAL_ERROR']);
      for (const status of errorStatuses) {
        // A status the route declares with its own body (GET /readyz's 503 report) is not the envelope.
        const codes = codesOf(op, status);
        if (codes.length === 0) continue;
        for (const code of codes) expect(errorCatalogue[code as ErrorCode].status).toBe(Number(status));
        expect(op.responses[status]?.description).toContain(codes[0]);
      }
    }
  });

  it('the codes a handler throws are on its operation', () => {
    const byKey = new Map(operations().map(([m, p, op]) => [`${m} ${p.replace(/\{(\w+)\}/g, ':$1')}`, op]));
    for (const [key, codes] of Object.entries(handlerErrors)) {
      const op = byKey.get(key);
      if (op === undefined) continue; // a route of an optional plugin this gateway was built without
      const listed = Object.keys(op.responses).flatMap((s) => codesOf(op, s));
      for (const code of codes) expect(listed, key).toContain(code);
    }
    expect(byKey.get('GET /admin/leads/:id')).toBeDefined();
    expect(byKey.get('POST /webhooks/whatsapp')).toBeDefined();
  });
});

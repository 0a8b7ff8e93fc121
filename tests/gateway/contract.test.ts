// Keeps the gateway in step with the external contract (docs/contract.md §3/§4), and the error
// catalogue in step with the OpenAPI document and docs/errors.md.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorCodes } from '../../src/gateway/errors.ts';
import { renderErrorsMarkdown } from '../../src/gateway/errors-doc.ts';
import { ADMIN_SERVICE_NAME, ADMIN_SUBJECTS } from '../../src/gateway/nats-admin/nats-admin-service.ts';
import { adminHeaders, startGateway, type GatewayHarness } from './gateway-harness.ts';

const contractPath = path.resolve(import.meta.dirname, '../../docs/contract.md');
const contract = existsSync(contractPath) ? readFileSync(contractPath, 'utf8') : undefined;
if (!contract) process.stderr.write(`\n!!! ${contractPath} not found: contract route checks SKIPPED !!!\n\n`);

function section(text: string, heading: string): string {
  const start = text.indexOf(heading);
  const next = text.indexOf('\n## ', start + heading.length);
  return text.slice(start, next === -1 ? undefined : next);
}

/** `GET /admin/leads?phone=…` → ['GET', '/admin/leads'] for every backticked route in §3's table. */
function contractRoutes(text: string): [string, string][] {
  const routes: [string, string][] = [];
  for (const line of section(text, '## 3.').split('\n')) {
    if (!line.startsWith('| `')) continue;
    const firstCell = line.split(' | ')[0] ?? '';
    for (const m of firstCell.matchAll(/`(GET|POST|PUT|PATCH|DELETE) ([^`?\s]+)[^`]*`/g)) {
      routes.push([m[1] ?? '', m[2] ?? '']);
    }
  }
  return routes;
}

// The app production serves (buildApp), action links and the console included.
let gw: GatewayHarness;
beforeAll(async () => {
  gw = await startGateway();
});
afterAll(async () => {
  await gw.close();
});

describe.skipIf(!contract)('docs/contract.md §3 routes', () => {
  const routes = contract ? contractRoutes(contract) : [];

  it('the contract lists the routes we expect to check', () => {
    expect(routes.length).toBeGreaterThanOrEqual(15);
  });

  it.each(routes)('%s %s is served (not a route-level 404)', async (method, route) => {
    const url = route.replace(/:[A-Za-z]+/g, 'x');
    const res = await gw.app.inject({ method: method as 'GET' | 'POST', url, headers: adminHeaders });
    const code = res.headers['content-type']?.includes('json')
      ? res.json<{ error?: { code?: string } }>().error?.code
      : undefined;
    expect(code, `${method} ${url} → ${res.statusCode}`).not.toBe('NOT_FOUND');
    expect(res.statusCode).toBeLessThan(500);
  });

  it('every JSON route of §3 is in the OpenAPI document', async () => {
    const doc = (await gw.app.inject({ url: '/docs/json' })).json<{
      paths: Record<string, Record<string, unknown>>;
    }>();
    const undocumented = routes
      .filter(([, r]) => !['/docs', '/metrics'].includes(r) && !r.startsWith('/a/'))
      .filter(([method, r]) => !doc.paths[r.replace(/:([A-Za-z]+)/g, '{$1}')]?.[method.toLowerCase()]);
    expect(undocumented).toEqual([]);
  });
});

describe.skipIf(!contract)('docs/contract.md §4 NATS admin service', () => {
  it('names the service and the subjects the admin service serves', () => {
    const text = section(contract ?? '', '## 4.');
    expect(text).toContain(`\`${ADMIN_SERVICE_NAME}\``);
    const subjects = [...text.matchAll(/`(leadline\.admin\.[a-z.]+)`/g)].map((m) => m[1]);
    expect(subjects.sort()).toEqual(Object.values(ADMIN_SUBJECTS).sort());
  });
});

describe('error catalogue', () => {
  it('every code is in the OpenAPI document (ErrorEnvelope enum and x-error-catalogue)', async () => {
    const doc = (await gw.app.inject({ url: '/docs/json' })).json<{
      components: {
        schemas: { ErrorEnvelope: { properties: { error: { properties: { code: { enum: string[] } } } } } };
      };
      'x-error-catalogue': Record<string, unknown>;
    }>();
    expect(doc.components.schemas.ErrorEnvelope.properties.error.properties.code.enum.sort()).toEqual(
      [...errorCodes].sort(),
    );
    expect(Object.keys(doc['x-error-catalogue']).sort()).toEqual([...errorCodes].sort());
  });

  it('docs/errors.md is generated from the catalogue (run node src/gateway/generate-errors-doc.ts)', () => {
    const doc = readFileSync('docs/errors.md', 'utf8');
    expect(doc).toBe(renderErrorsMarkdown());
    for (const code of errorCodes) expect(doc).toContain(`\`${code}\``);
  });

  it('GET /docs serves the UI', async () => {
    const res = await gw.app.inject({ url: '/docs' });
    expect([200, 302]).toContain(res.statusCode);
  });
});

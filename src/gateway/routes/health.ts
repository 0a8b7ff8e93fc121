// Liveness and readiness. /readyz runs every check concurrently with a timeout: 200 `ok` when all pass,
// 200 `degraded` when one reports degraded (e.g. the health probe is slow) but nothing is down — traffic
// can still be served, and a load balancer should keep sending it — and 503 `unavailable` naming each
// failed check otherwise.
import type { FastifyPluginCallback } from 'fastify';
import { sql } from 'kysely';
import { z } from 'zod';
import type { CheckStatus, GatewayDeps, ReadinessCheck } from '../gateway-deps.ts';
import type { ZodTypeProvider } from '../zod-schemas.ts';

const CHECK_TIMEOUT_MS = 2_000;

const checkResult = z.object({ status: z.enum(['ok', 'degraded', 'unavailable']), detail: z.unknown() });
const readySchema = z.object({
  status: z.enum(['ok', 'degraded', 'unavailable']),
  checks: z.record(z.string(), checkResult),
});
type CheckResult = z.infer<typeof checkResult>;

async function run(check: ReadinessCheck): Promise<CheckResult> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${CHECK_TIMEOUT_MS} ms`)), CHECK_TIMEOUT_MS);
  });
  try {
    const result = await Promise.race([check(), timeout]);
    const status = checkResult.shape.status.safeParse(result);
    if (status.success) return { status: status.data, detail: undefined };
    const full = checkResult.safeParse(result);
    return full.success ? full.data : { status: 'ok', detail: undefined };
  } catch (error) {
    return { status: 'unavailable', detail: error instanceof Error ? error.message : String(error) };
  } finally {
    clearTimeout(timer);
  }
}

function overall(results: readonly CheckResult[]): CheckStatus {
  if (results.some((r) => r.status === 'unavailable')) return 'unavailable';
  return results.some((r) => r.status === 'degraded') ? 'degraded' : 'ok';
}

export type HealthRouteOptions = Pick<GatewayDeps, 'db' | 'bus' | 'readinessChecks'>;

/** GET /healthz and GET /readyz (the database, the bus, then `readinessChecks`). */
export const healthRoutes: FastifyPluginCallback<HealthRouteOptions> = (app, deps, registered) => {
  const typed = app.withTypeProvider<ZodTypeProvider>();
  typed.get(
    '/healthz',
    { schema: { tags: ['health'], response: { 200: z.object({ status: z.literal('ok') }) } } },
    () => ({ status: 'ok' as const }),
  );

  const checks: Record<string, ReadinessCheck> = {
    database: async () => {
      await sql`select 1`.execute(deps.db);
    },
    bus: () => deps.bus.ping(),
    ...deps.readinessChecks,
  };
  typed.get(
    '/readyz',
    { schema: { tags: ['health'], response: { 200: readySchema, 503: readySchema } } },
    async (_request, reply) => {
      const entries = await Promise.all(
        Object.entries(checks).map(async ([name, check]) => [name, await run(check)] as const),
      );
      const status = overall(entries.map(([, result]) => result));
      const body = { status, checks: Object.fromEntries(entries) };
      return reply.code(status === 'unavailable' ? 503 : 200).send(body);
    },
  );
  registered();
};

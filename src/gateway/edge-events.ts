// System events recorded by the gateway itself (signature failures, unknown studios, pilot blocks…). If
// the database cannot take one, the request fails with 503 so the provider retries, rather than the event
// being silently lost.
import type { Db } from '../persistence/database.ts';
import { recordSystemEvent, type SystemEventInput } from '../persistence/system-events.ts';
import { GatewayError } from './errors.ts';

export async function recordEdgeEvents(db: Db, events: readonly SystemEventInput[]): Promise<void> {
  try {
    for (const event of events) await recordSystemEvent(db, event);
  } catch (error) {
    throw new GatewayError('SERVICE_UNAVAILABLE', { cause: error });
  }
}

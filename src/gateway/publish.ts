// Handing envelopes to the bus. "Accepted means durable" (invariant 6): callers answer 200/202 only after
// this resolves; a bus that does not accept becomes BUS_UNAVAILABLE (503) so the sender retries. Every
// inbound envelope passes here, so this is where it is sanitised (src/domain/inbound-sanitize.ts): what a
// sender wrote can never make the bus or the actor's commit refuse it, and a 503 means we are unavailable.
import type { Bus, PublishResult } from '../bus/bus.ts';
import type { Envelope } from '../domain/envelope.ts';
import { sanitizeEnvelope } from '../domain/inbound-sanitize.ts';
import type { Metrics } from '../observability/metrics.ts';
import { GatewayError } from './errors.ts';

export type InboundSource = 'whatsapp' | 'twilio' | 'openphone' | 'stripe' | 'admin' | 'message_api';

export async function publishAccepted(
  deps: { bus: Bus; metrics: Metrics },
  source: InboundSource,
  envelopes: readonly Envelope[],
): Promise<PublishResult[]> {
  const results: PublishResult[] = [];
  try {
    // Sequential on purpose: a lead's envelopes from one webhook keep their order on the stream.
    for (const envelope of envelopes) results.push(await deps.bus.publish(sanitizeEnvelope(envelope)));
  } catch (error) {
    deps.metrics.inboundRejected.inc({ source, reason: 'bus_unavailable' });
    throw new GatewayError('BUS_UNAVAILABLE', { cause: error });
  }
  if (envelopes.length > 0) deps.metrics.inboundAccepted.inc({ source }, envelopes.length);
  return results;
}

// A control event from an admin (HTTP or NATS): the body is a §5 control event without `at`, which we
// stamp (machines never read a clock). An unknown `type` is UNKNOWN_EVENT; a known one with bad fields is
// VALIDATION_FAILED. A client-supplied `at` is ignored.
import { z } from 'zod';
import { controlEventSchema, controlEventTypes, type ControlEvent } from '../../domain/lead-events.ts';
import { GatewayError } from '../errors.ts';
import { issuesOf } from '../zod-schemas.ts';

/** For the OpenAPI document and the route's first check; the strict parse happens in parseControlEvent. */
export const controlEventBodySchema = z.looseObject({
  type: z.string().meta({ description: `One of: ${controlEventTypes.join(', ')}` }),
  reason: z.string().optional().meta({ description: 'artist.reject only' }),
  text: z.string().optional().meta({ description: 'message.send only' }),
});

export function parseControlEvent(body: unknown, at: Date): ControlEvent {
  const type = (body as { type?: unknown } | null)?.type;
  if (typeof type !== 'string' || !(controlEventTypes as readonly string[]).includes(type)) {
    throw new GatewayError('UNKNOWN_EVENT', {
      message: `Unknown control event type ${JSON.stringify(type ?? null)}`,
      details: { allowed: controlEventTypes },
    });
  }
  const parsed = controlEventSchema.safeParse({ ...(body as object), at: at.toISOString() });
  if (!parsed.success) {
    throw new GatewayError('VALIDATION_FAILED', {
      message: `Invalid ${type} event`,
      details: issuesOf(parsed.error),
    });
  }
  return parsed.data;
}

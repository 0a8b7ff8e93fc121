// A provider's JSON answer checked against the schema we expect. A body that is not JSON is retried (a
// proxy's error page, a truncated answer); JSON of the wrong shape is permanent (retrying changes nothing).
import type { z } from 'zod';
import { permanent, retryable } from './effect-errors.ts';
import type { HttpResponse } from './http-request.ts';

export function jsonResponse<T>(provider: string, res: HttpResponse, schema: z.ZodType<T>): T {
  let body: unknown;
  try {
    body = JSON.parse(res.body.toString('utf8'));
  } catch {
    throw retryable(`${provider} ${res.status}: response is not JSON`, { reason: 'bad_response' });
  }
  const parsed = schema.safeParse(body);
  if (!parsed.success)
    throw permanent(`${provider} ${res.status}: unexpected response shape`, { reason: 'bad_response' });
  return parsed.data;
}

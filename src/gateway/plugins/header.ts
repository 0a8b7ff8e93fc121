// A request header's value as one string: the first when a client repeated it.
import type { IncomingHttpHeaders } from 'node:http';

export function firstHeader(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

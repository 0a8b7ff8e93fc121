// A small HTTP client over node:http(s) with the two timeouts providers need kept apart: connecting
// (5 s) and waiting for the response (10 s; then at most 10 s of silence while the body streams).
// Failures come back classified (src/effects/effect-errors.ts): timeouts and connection resets are
// retryable. A body larger than `maxBytes` is cut off, not buffered.
// Kept over undici for now: Node 22's global agents keep connections alive, the two timeouts and the size
// cut-off are the whole module, and its failures are classified by Node's error codes; undici's pool may be
// cheaper per request (docs/performance.md lists it as a next cost): swap it when a profile says so.
import http, { type IncomingHttpHeaders } from 'node:http';
import https from 'node:https';
import { permanent, retryable } from './effect-errors.ts';

export interface HttpTimeouts {
  connectMs: number;
  responseMs: number;
}

export const DEFAULT_TIMEOUTS: HttpTimeouts = { connectMs: 5_000, responseMs: 10_000 };

export interface HttpRequest {
  method: 'GET' | 'POST';
  url: string;
  headers?: Record<string, string>;
  body?: string;
  timeouts?: HttpTimeouts;
  /** Reject bodies larger than this (reason `too_large`) without reading them whole. */
  maxBytes?: number;
}

export interface HttpResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

export function httpRequest(request: HttpRequest): Promise<HttpResponse> {
  const url = new URL(request.url);
  const timeouts = request.timeouts ?? DEFAULT_TIMEOUTS;
  const transport = url.protocol === 'https:' ? https : http;
  return new Promise<HttpResponse>((resolve, reject) => {
    let settled = false;
    const fail = (error: Error) => {
      if (settled) return;
      settled = true;
      clearTimeout(connectTimer);
      clearTimeout(responseTimer);
      req.destroy();
      reject(error);
    };
    const req = transport.request(url, { method: request.method, headers: request.headers });
    const connectTimer = setTimeout(() => {
      fail(retryable(`connect timeout after ${timeouts.connectMs} ms`, { reason: 'timeout' }));
    }, timeouts.connectMs);
    let responseTimer = setTimeout(() => {
      fail(retryable(`no response within ${timeouts.responseMs} ms`, { reason: 'timeout' }));
    }, timeouts.connectMs + timeouts.responseMs);
    // Once the response has started, the body may take longer (a 100 MB document) as long as it keeps
    // arriving: the timer then measures silence between chunks.
    const bodyIdle = () => {
      clearTimeout(responseTimer);
      responseTimer = setTimeout(() => {
        fail(retryable(`response body stalled for ${timeouts.responseMs} ms`, { reason: 'timeout' }));
      }, timeouts.responseMs);
    };
    req.once('socket', (socket) => {
      // A reused keep-alive socket is already connected.
      if (!socket.connecting) clearTimeout(connectTimer);
      else socket.once('connect', () => clearTimeout(connectTimer));
    });
    req.once('error', (error: NodeJS.ErrnoException) => {
      fail(
        retryable(
          `${request.method} ${url.host}: ${error.code ?? error.message}`,
          { reason: 'network' },
          error,
        ),
      );
    });
    req.once('response', (res) => {
      bodyIdle();
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (chunk: Buffer) => {
        bodyIdle();
        size += chunk.length;
        if (request.maxBytes !== undefined && size > request.maxBytes) {
          fail(permanent(`body larger than ${request.maxBytes} bytes`, { reason: 'too_large' }));
          return;
        }
        chunks.push(chunk);
      });
      res.once('error', (error) => {
        fail(retryable(`reading response: ${error.message}`, { reason: 'network' }, error));
      });
      res.once('end', () => {
        if (settled) return;
        settled = true;
        clearTimeout(connectTimer);
        clearTimeout(responseTimer);
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) });
      });
    });
    req.end(request.body);
  });
}

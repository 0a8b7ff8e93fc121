// Shared plumbing of the fake provider servers: a node:http server on a free loopback port, JSON replies,
// and the failure modes the relay must survive (timeout, 5xx, 429 with Retry-After, connection reset).
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export type Failure =
  | { kind: 'timeout'; delayMs?: number }
  | { kind: 'status'; status: number; body?: unknown; headers?: Record<string, string> }
  | { kind: 'reset' }
  /** Headers and a first chunk, then silence: the body never ends. */
  | { kind: 'stall' };

export interface FakeServer {
  url: string;
  close(): Promise<void>;
}

export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
) {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
}

/** Plays one injected failure; resolves true when it answered (or hung up on) the request. */
export function playFailure(res: ServerResponse, failure: Failure): void {
  switch (failure.kind) {
    case 'timeout': {
      // Answer far too late; the client must have given up by then.
      const timer = setTimeout(() => sendJson(res, 200, {}), failure.delayMs ?? 5_000);
      res.once('close', () => clearTimeout(timer));
      return;
    }
    case 'reset':
      res.socket?.destroy();
      return;
    case 'stall':
      res.writeHead(200, { 'content-type': 'application/octet-stream' });
      res.write(Buffer.alloc(16));
      return;
    case 'status':
      sendJson(res, failure.status, failure.body ?? {}, failure.headers);
      return;
  }
}

export async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

export async function listen(
  handler: (req: IncomingMessage, res: ServerResponse) => Promise<void> | void,
  listenPort = 0,
): Promise<FakeServer & { server: http.Server }> {
  const server = http.createServer((req, res) => {
    Promise.resolve(handler(req, res)).catch((error: unknown) =>
      sendJson(res, 500, { error: String(error) }),
    );
  });
  await new Promise<void>((resolve) => server.listen(listenPort, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    server,
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

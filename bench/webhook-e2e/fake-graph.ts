// The bench's Graph API: answers every send at once with a wamid (no recording of bodies, no failures) and
// tells the driver which WhatsApp number each send went to, so a reply is timed the moment it is delivered.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';

export interface BenchGraph {
  url: string;
  token: string;
  /** Called for every send with the recipient's digits and the arrival time (performance.now()). */
  onSend(listener: (toDigits: string, at: number) => void): void;
  sends(): number;
  close(): Promise<void>;
}

export async function startBenchGraph(token = 'bench-access-token'): Promise<BenchGraph> {
  let listener: (toDigits: string, at: number) => void = () => undefined;
  let count = 0;
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const at = performance.now();
      let to = '';
      try {
        const { to: recipient } = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { to?: unknown };
        if (typeof recipient === 'string') to = recipient;
      } catch {
        // not a send (the bench sends nothing else): answered below all the same
      }
      count++;
      const wamid = `wamid.bench${count}`;
      const body = JSON.stringify({
        messaging_product: 'whatsapp',
        contacts: [{ input: to, wa_id: to }],
        messages: [{ id: wamid }],
      });
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
      res.end(body);
      listener(to.replace(/^\+/, ''), at);
    });
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    token,
    onSend: (l) => {
      listener = l;
    },
    sends: () => count,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

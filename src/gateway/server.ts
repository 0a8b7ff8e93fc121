// Listens. Shutdown is `app.close()`: it stops accepting connections, lets in-flight requests finish,
// then runs the onClose hooks (the NATS admin service drains there).
import type { FastifyInstance } from 'fastify';

export async function listen(app: FastifyInstance, address: { host: string; port: number }): Promise<string> {
  const url = await app.listen({ host: address.host, port: address.port });
  app.log.info({ url }, 'gateway listening');
  return url;
}

// Graceful shutdown. `app.close()` stops accepting connections and waits for in-flight requests, but a
// keep-alive connection that was busy when close began becomes idle afterwards and would hold close()
// open until keepAliveTimeout. So once closing, every response says `Connection: close`, and Node drops
// the socket as soon as the response is written.
import fp from 'fastify-plugin';

/** Global (fastify-plugin): the hooks must see every route of the app. */
export const gracefulClosePlugin = fp(
  (app, _options, registered) => {
    let closing = false;
    app.addHook('preClose', (done) => {
      closing = true;
      done();
    });
    app.addHook('onSend', (_request, reply, payload, done) => {
      if (closing) reply.header('connection', 'close');
      done(null, payload);
    });
    registered();
  },
  { name: 'leadline-graceful-close' },
);

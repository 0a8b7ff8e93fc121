// Hooks, decorators and parsers registered by a "global" plugin apply to the whole app rather than to the
// plugin's own encapsulated scope. This is what fastify-plugin does, without the extra dependency.
import type { FastifyInstance, FastifyPluginCallback } from 'fastify';

export function globalPlugin(setup: (app: FastifyInstance) => void): FastifyPluginCallback {
  const plugin: FastifyPluginCallback = (app, _options, done) => {
    setup(app);
    done();
  };
  Object.defineProperty(plugin, Symbol.for('skip-override'), { value: true });
  return plugin;
}

// The OpenAPI document is generated from the route schemas (zod → JSON Schema); /docs serves the UI and
// /docs/json the document. Registered before the routes so @fastify/swagger sees every route.
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { FastifySchema } from 'fastify';
import fp from 'fastify-plugin';
import { jsonSchemaTransform } from 'fastify-type-provider-zod';
import { errorCatalogue, errorEnvelopeSchema } from '../errors.ts';
import { withErrorsAndSecurity } from '../openapi-errors.ts';
import { toJsonSchema } from '../zod-schemas.ts';

/** Global (fastify-plugin): @fastify/swagger collects the routes of the whole app, so it must sit at the root. */
export const openApiPlugin = fp(
  async (app) => {
    await app.register(swagger, {
      openapi: {
        openapi: '3.0.3',
        info: {
          title: 'Leadline gateway',
          version: '0.1.0',
          description:
            'Signed WhatsApp and Stripe webhooks, the message API (/web, /app, /api), the admin API, health ' +
            'and metrics. Every error uses the ' +
            'ErrorEnvelope; each operation lists the codes it can answer with, by status (all codes: ' +
            'x-error-catalogue and docs/errors.md). Admin operations need ADMIN_API_KEY: use Authorize ' +
            '(X-API-Key or a bearer token); /api and /app take the studio apiKey the same way.',
        },
        components: {
          securitySchemes: {
            apiKey: { type: 'apiKey', in: 'header', name: 'X-API-Key' },
            bearer: { type: 'http', scheme: 'bearer' },
          },
          schemas: { ErrorEnvelope: toJsonSchema(errorEnvelopeSchema, 'output') },
        },
        'x-error-catalogue': errorCatalogue,
      } as Record<string, unknown>,
      transform: (input) => {
        // A route without a schema comes back with none (typed as if it had one): it still answers errors.
        const converted: { url: string; schema: FastifySchema | undefined } = jsonSchemaTransform(input);
        return {
          url: converted.url,
          schema: withErrorsAndSecurity(converted.schema ?? {}, input.route.method, input.url),
        };
      },
    });
    await app.register(swaggerUi, { routePrefix: '/docs' });
  },
  { name: 'leadline-openapi' },
);

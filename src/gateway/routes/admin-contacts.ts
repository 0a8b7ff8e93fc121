// POST /admin/contacts/import (docs/contract.md §10): a CSV file (text/csv, a header row) or JSON (a list of
// contacts, or {"studioId", "contacts": [...]}) becomes leads of the studio. Bad rows are reported by line
// and the good ones kept, so the answer is 200 with the report whenever the file could be read.
import type { FastifyPluginCallback } from 'fastify';
import { z } from 'zod';
import { importContacts } from '../../campaigns/contact-import.ts';
import { countryCode, readContacts } from '../../campaigns/contact-source.ts';
import type { Db } from '../../persistence/database.ts';
import type { StudioRegistry } from '../../studio/studio-registry.ts';
import { GatewayError } from '../errors.ts';
import type { ZodTypeProvider } from '../zod-schemas.ts';

/** A contacts file may be far larger than a webhook. */
export const CONTACTS_BODY_LIMIT = 32 * 1024 * 1024;

const importQuery = z.object({
  studioId: z.string().optional().meta({ description: 'the studio (or `studioId` in a JSON body)' }),
  country: z
    .string()
    .optional()
    .meta({ description: 'ISO 3166 country for numbers written without +country code, e.g. GB' }),
});

const reportSchema = z.object({
  received: z.number(),
  imported: z.number(),
  updated: z.number(),
  failed: z.number(),
  errors: z.array(z.object({ line: z.number(), field: z.string().nullable(), message: z.string() })),
  ignoredFields: z.array(z.string()),
});

function invalid(path: string, message: string): GatewayError {
  return new GatewayError('VALIDATION_FAILED', { message, details: [{ path, message }] });
}

export const adminContactRoutes: FastifyPluginCallback<{ db: Db; studios: StudioRegistry }> = (
  scope,
  deps,
  registered,
) => {
  // CSV arrives as text; the parser is this plugin's own (its scope only).
  scope.addContentTypeParser(
    ['text/csv', 'text/plain'],
    { parseAs: 'string', bodyLimit: CONTACTS_BODY_LIMIT },
    (_request, body, done) => {
      done(null, body);
    },
  );
  scope.withTypeProvider<ZodTypeProvider>().post(
    '/admin/contacts/import',
    {
      bodyLimit: CONTACTS_BODY_LIMIT,
      schema: {
        tags: ['admin'],
        querystring: importQuery,
        response: { 200: reportSchema },
      },
    },
    async (request) => {
      const body: unknown = request.body;
      const bodyStudio =
        typeof body === 'object' && body !== null && !Array.isArray(body)
          ? (body as { studioId?: unknown }).studioId
          : undefined;
      const studioId = request.query.studioId ?? (typeof bodyStudio === 'string' ? bodyStudio : undefined);
      if (studioId === undefined) throw invalid('studioId', 'studioId is required');
      if (!deps.studios.byId(studioId))
        throw invalid('studioId', `unknown studio ${JSON.stringify(studioId)}`);
      const country = countryCode(request.query.country);
      if (request.query.country !== undefined && country === undefined) {
        throw invalid('country', `unknown country ${JSON.stringify(request.query.country)}`);
      }
      const read = readContacts(body);
      if (read === null)
        throw invalid('contacts', 'expected CSV, a JSON list of contacts or {"contacts": [...]}');
      return importContacts(deps.db, read, { studioId, defaultCountry: country });
    },
  );
  registered();
};

// Route schemas are zod schemas (one source for validation, types and the OpenAPI document).
// fastify-type-provider-zod gives the type provider and the @fastify/swagger transform (zod 4's
// z.toJSONSchema, OpenAPI 3.0 target: the document is byte-identical to the hand-written transform it
// replaced). The validator and serializer stay ours: a bad request is the catalogue's VALIDATION_FAILED
// envelope naming the first field at fault (the library's is Fastify's FST_ERR_VALIDATION), and responses
// are plain JSON (the library's serializer re-validates every response and would answer a drift with 500).
import type { FastifySchemaCompiler } from 'fastify';
import { z } from 'zod';
import { GatewayError } from './errors.ts';

export type { ZodTypeProvider } from 'fastify-type-provider-zod';

function isZod(value: unknown): value is z.ZodType {
  return value instanceof z.ZodType;
}

/** Issues as `{path, message}` pairs: enough for a client to fix its request, no internals. */
export function issuesOf(error: z.ZodError): { path: string; message: string }[] {
  return error.issues.map((i) => ({ path: i.path.map(String).join('.'), message: i.message }));
}

export const zodValidatorCompiler: FastifySchemaCompiler<unknown> = ({ schema, httpPart }) => {
  if (!isZod(schema)) throw new Error(`route schema for ${httpPart ?? 'request'} must be a zod schema`);
  return (data: unknown) => {
    const result = schema.safeParse(data);
    if (result.success) return { value: result.data };
    const issues = issuesOf(result.error);
    // The message names the first field at fault (`Invalid body: requestId: …`); details list them all.
    const first = issues[0];
    const where =
      first === undefined ? '' : `: ${first.path === '' ? '(root)' : first.path}: ${first.message}`;
    return {
      error: new GatewayError('VALIDATION_FAILED', {
        message: `Invalid ${httpPart ?? 'request'}${where}`,
        details: issues,
      }),
    };
  };
};

/** Responses are typed by the provider; serialising is plain JSON (schemas are for the document). */
export const jsonSerializerCompiler = () => (data: unknown) => JSON.stringify(data);

export function toJsonSchema(schema: z.ZodType, io: 'input' | 'output'): Record<string, unknown> {
  const json = z.toJSONSchema(schema, { target: 'openapi-3.0', io, unrepresentable: 'any' });
  const { $schema: _drop, ...rest } = json as Record<string, unknown>;
  return rest;
}

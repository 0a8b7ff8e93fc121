// Route schemas are zod schemas (one source for validation, types and the OpenAPI document). This file is
// the small bridge fastify-type-provider-zod would give us: a type provider, the validator compiler, and the
// @fastify/swagger transform that turns zod into JSON Schema with zod 4's own z.toJSONSchema().
import type { FastifySchema, FastifySchemaCompiler, FastifyTypeProvider } from 'fastify';
import { z } from 'zod';
import { GatewayError } from './errors.ts';

export interface ZodTypeProvider extends FastifyTypeProvider {
  validator: this['schema'] extends z.ZodType ? z.output<this['schema']> : unknown;
  serializer: this['schema'] extends z.ZodType ? z.input<this['schema']> : unknown;
}

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

function convertPart(part: unknown, io: 'input' | 'output'): unknown {
  return isZod(part) ? toJsonSchema(part, io) : part;
}

/** @fastify/swagger `transform`: zod request/response schemas → JSON Schema for the OpenAPI document. */
export function zodSwaggerTransform({ schema, url }: { schema: FastifySchema | undefined; url: string }): {
  schema: FastifySchema;
  url: string;
} {
  if (!schema) return { schema: {}, url };
  const { body, querystring, params, headers, response, ...rest } = schema;
  const converted: FastifySchema = { ...rest };
  if (body !== undefined) converted.body = convertPart(body, 'input');
  if (querystring !== undefined) converted.querystring = convertPart(querystring, 'input');
  if (params !== undefined) converted.params = convertPart(params, 'input');
  if (headers !== undefined) converted.headers = convertPart(headers, 'input');
  if (response !== undefined && typeof response === 'object' && response !== null) {
    converted.response = Object.fromEntries(
      Object.entries(response).map(([status, s]) => [status, convertPart(s, 'output')]),
    );
  }
  return { schema: converted, url };
}

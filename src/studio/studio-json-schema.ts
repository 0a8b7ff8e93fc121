// The studio configuration as JSON Schema (draft 2020-12), generated from the zod schema with zod 4's own
// z.toJSONSchema, for editor completion and checking: `leadline config schema` prints it, and the copy at
// the repository root (leadline.config.schema.json, kept in step by a test) is what the example file's
// `# yaml-language-server: $schema=` line points at. The input side is described: durations as strings.
import { z } from 'zod';
import { studioConfigSchema } from './studio-schema.ts';

export const STUDIO_JSON_SCHEMA_FILE = 'leadline.config.schema.json';

export function studioJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(studioConfigSchema, { io: 'input', unrepresentable: 'any' });
  return {
    ...schema,
    title: 'Leadline studio configuration',
    description:
      'leadline.config.yaml: one or more studios. See leadline.config.example.yaml and docs/contract.md.',
  };
}

export function studioJsonSchemaText(): string {
  return `${JSON.stringify(studioJsonSchema(), null, 2)}\n`;
}

// Loads the studio configuration once at boot (CONTRACT §2): LEADLINE_CONFIG, else ./leadline.config.yaml
// when present, else the built-in demo studio. YAML or JSON (JSON is YAML, so one parser reads both); a
// validation error names the path, e.g. `studios[0].deposit.amount`.
import { access, readFile } from 'node:fs/promises';
import { parse as parseYaml } from 'yaml';
import type { z } from 'zod';
import { demoStudioInput } from './demo-studio.ts';
import { studioConfigSchema, type StudioConfig } from './studio-schema.ts';

export const DEFAULT_CONFIG_PATH = './leadline.config.yaml';

export class StudioConfigError extends Error {
  override name = 'StudioConfigError';
}

/** `['studios', 0, 'deposit', 'amount']` → `studios[0].deposit.amount`. */
export function formatIssuePath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else out += out === '' ? String(key) : `.${String(key)}`;
  }
  return out === '' ? '(root)' : out;
}

function describeIssues(error: z.ZodError): string {
  return error.issues.map((issue) => `${formatIssuePath(issue.path)}: ${issue.message}`).join('; ');
}

/** Validates an already-parsed configuration value; throws a StudioConfigError naming the path. */
export function parseStudioConfig(value: unknown, source = 'studio configuration'): StudioConfig {
  const result = studioConfigSchema.safeParse(value);
  if (!result.success) throw new StudioConfigError(`Invalid ${source}: ${describeIssues(result.error)}`);
  return result.data;
}

/** The demo studio, validated like any other configuration. */
export const demoStudioConfig: StudioConfig = parseStudioConfig(demoStudioInput, 'demo studio');

async function exists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch {
    return false;
  }
}

/**
 * Reads and validates the studio configuration. With no `path`, the default file is used when present,
 * else the demo studio. An explicit path that cannot be read is an error (never a silent fallback).
 */
export async function loadStudioConfig(path?: string): Promise<StudioConfig> {
  const file = path ?? ((await exists(DEFAULT_CONFIG_PATH)) ? DEFAULT_CONFIG_PATH : undefined);
  if (file === undefined) return demoStudioConfig;
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new StudioConfigError(`Cannot read studio configuration ${file}: ${(error as Error).message}`);
  }
  let value: unknown;
  try {
    value = parseYaml(text);
  } catch (error) {
    throw new StudioConfigError(`Cannot parse studio configuration ${file}: ${(error as Error).message}`);
  }
  return parseStudioConfig(value, `studio configuration ${file}`);
}

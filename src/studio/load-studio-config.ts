// Loads the studio configuration once at boot (docs/contract.md#studio-configuration): LEADLINE_CONFIG, else
// leadline.config.yaml in the project root (the working directory, or the nearest one above it holding
// `.leadline/` or that file: src/config/home.ts) when present, else the built-in demo studio. YAML or JSON (JSON is YAML, so one parser reads both); a
// validation error names the path, e.g. `studios[0].deposit.amount`.
import { access, readFile } from 'node:fs/promises';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import type { z } from 'zod';
import { DEFAULT_CONFIG_NAME, projectRoot } from '../config/home.ts';
import { demoStudioInput } from './demo-studio.ts';
import { studioConfigSchema, type StudioConfig } from './studio-schema.ts';

/** Where the studio file is looked for when LEADLINE_CONFIG is unset. */
export function defaultConfigPath(cwd: string = process.cwd()): string {
  return path.join(projectRoot(cwd), DEFAULT_CONFIG_NAME);
}

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

/** Every issue as `path: message`; a single unknown key is named in the path (`studios[0].timmings`). */
export function describeIssues(error: z.ZodError): string {
  return error.issues
    .map((issue) => {
      const path =
        issue.code === 'unrecognized_keys' && issue.keys.length === 1
          ? [...issue.path, ...issue.keys]
          : issue.path;
      return `${formatIssuePath(path)}: ${issue.message}`;
    })
    .join('; ');
}

/** Validates an already-parsed configuration value; throws a StudioConfigError naming the path. */
export function parseStudioConfig(value: unknown, source = 'studio configuration'): StudioConfig {
  const result = studioConfigSchema.safeParse(value);
  if (!result.success) throw new StudioConfigError(`Invalid ${source}: ${describeIssues(result.error)}`);
  return result.data;
}

/** The demo studio, validated like any other configuration. */
export const demoStudioConfig: StudioConfig = parseStudioConfig(demoStudioInput, 'demo studio');

/** The configuration is the built-in demo (what is served when no file is given or found). */
export function isDemoStudioConfig(config: StudioConfig): boolean {
  return config === demoStudioConfig;
}

async function exists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch {
    return false;
  }
}

/**
 * Reads and validates the studio configuration. With no `configPath`, the default file is used when present,
 * else the demo studio. An explicit path that cannot be read is an error (never a silent fallback).
 */
export async function loadStudioConfig(configPath?: string): Promise<StudioConfig> {
  const fallback = defaultConfigPath();
  const file = configPath ?? ((await exists(fallback)) ? fallback : undefined);
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

// A studio file a user writes: a typo is an error naming the path with a "did you mean", the example file
// in the repository is valid (and holds the demo studio), and the JSON Schema editors use is in step.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { demoStudioInput } from '../../src/studio/demo-studio.ts';
import { demoStudioConfig, parseStudioConfig } from '../../src/studio/load-studio-config.ts';
import { refusal } from './config-refusal.ts';
import { closestKey } from '../../src/studio/strict-object.ts';
import { STUDIO_JSON_SCHEMA_FILE, studioJsonSchemaText } from '../../src/studio/studio-json-schema.ts';

const root = path.resolve(import.meta.dirname, '../..');

function demoWith(change: (studio: Record<string, unknown>) => void): unknown {
  const input = JSON.parse(JSON.stringify(demoStudioInput)) as { studios: Record<string, unknown>[] };
  change(input.studios[0] ?? {});
  return input;
}

describe('strict studio configuration', () => {
  it('a misspelt optional section is an error naming it, with the key meant', () => {
    const message = refusal(
      demoWith((studio) => {
        studio.timmings = { reminderAfter: '1h' };
      }),
    );
    expect(message).toContain('studios[0].timmings: unknown key (did you mean "timings"?)');
  });

  it('unknown keys are refused at every depth, naming the path', () => {
    expect(
      refusal(
        demoWith((studio) => {
          (studio.timings as Record<string, unknown>).reminderAftr = '1h';
        }),
      ),
    ).toContain('studios[0].timings.reminderAftr: unknown key (did you mean "reminderAfter"?)');
    expect(
      refusal(
        demoWith((studio) => {
          (studio.availability as { weekly: Record<string, unknown> }).weekly.monday = [];
        }),
      ),
    ).toContain('studios[0].availability.weekly.monday: unknown key (did you mean "mon"?)');
    expect(refusal({ studios: [], extra: 1 })).toContain('extra: unknown key');
    expect(
      refusal(
        demoWith((studio) => {
          studio.colour = 'red';
        }),
      ),
    ).toMatch(/studios\[0\]\.colour: unknown key \(expected one of: id, name,/);
  });

  it('suggests only near misses', () => {
    expect(closestKey('timmings', ['timings', 'templates'])).toBe('timings');
    expect(closestKey('tempaltes', ['timings', 'templates'])).toBe('templates');
    expect(closestKey('colour', ['timings', 'templates'])).toBeUndefined();
  });

  it('leadline.config.example.yaml is valid and holds the demo studio', () => {
    const text = readFileSync(path.join(root, 'leadline.config.example.yaml'), 'utf8');
    expect(parseStudioConfig(parseYaml(text))).toEqual(demoStudioConfig);
  });

  it(`${STUDIO_JSON_SCHEMA_FILE} is generated from the schema (run: npx leadline config schema > ${STUDIO_JSON_SCHEMA_FILE})`, () => {
    // Compared as JSON: prettier reflows the committed file.
    expect(JSON.parse(readFileSync(path.join(root, STUDIO_JSON_SCHEMA_FILE), 'utf8'))).toEqual(
      JSON.parse(studioJsonSchemaText()),
    );
  });

  it('every object in the JSON Schema refuses unknown properties, as the runtime does', () => {
    const loose: string[] = [];
    const visit = (node: unknown, at: string): void => {
      if (Array.isArray(node)) node.forEach((n, i) => visit(n, `${at}[${i}]`));
      if (typeof node !== 'object' || node === null) return;
      const record = node as Record<string, unknown>;
      if (
        record.type === 'object' &&
        record.properties !== undefined &&
        record.additionalProperties !== false
      ) {
        loose.push(at);
      }
      for (const [key, child] of Object.entries(record)) visit(child, `${at}.${key}`);
    };
    visit(JSON.parse(studioJsonSchemaText()), '$');
    expect(loose).toEqual([]);
  });
});

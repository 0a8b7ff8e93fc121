// docs/architecture.md lists the import rules that lint enforces (eslint.layers.json, read by
// eslint.config.js): the table between the layers markers is rendered from the same file, so the document
// cannot claim a rule lint does not check. UPDATE_ARCHITECTURE_DOC=1 rewrites the table.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { ESLint, type Linter } from 'eslint';
import tseslint from 'typescript-eslint';
import { describe, expect, it } from 'vitest';
import layers from '../../eslint.layers.json' with { type: 'json' };

interface Layer {
  may: string[];
  types?: string[];
  why: string;
}

const DOC = 'docs/architecture.md';
const START =
  '<!-- layers:start (generated from eslint.layers.json by tests/docs/architecture-layers.test.ts) -->';
const END = '<!-- layers:end -->';

const code = (s: string) => `\`${s}\``;

function renderLayers(definitions: Record<string, Layer>): string {
  const rows = Object.entries(definitions).map(([key, layer]) => {
    const may = [
      ...layer.may.map((m) => code(`src/${m}`)),
      ...(layer.types ?? []).map((t) => `types of ${code(`src/${t}`)}`),
    ];
    return `| ${code(key)} | ${may.join(', ') || 'nothing else in `src`'} | ${layer.why} |`;
  });
  return [
    '| files | may import from `src` (everything else there fails lint) | why |',
    '| --- | --- | --- |',
    ...rows,
  ].join('\n');
}

function section(text: string): string | undefined {
  const start = text.indexOf(START);
  const end = text.indexOf(END);
  return start < 0 || end < start ? undefined : text.slice(start + START.length, end).trim();
}

describe('docs/architecture.md', () => {
  it('lists the layer rules eslint enforces, as eslint.layers.json states them', () => {
    const expected = renderLayers(layers);
    const text = readFileSync(DOC, 'utf8');
    if (process.env.UPDATE_ARCHITECTURE_DOC === '1' && section(text) !== undefined) {
      const before = text.slice(0, text.indexOf(START) + START.length);
      writeFileSync(DOC, `${before}\n${expected}\n${text.slice(text.indexOf(END))}`);
    }
    expect(
      section(readFileSync(DOC, 'utf8')),
      `${DOC}: UPDATE_ARCHITECTURE_DOC=1 npx vitest run ${import.meta.filename}`,
    ).toBe(expected);
  });

  it('every layer rule names a folder or file that exists', () => {
    const missing = Object.entries(layers as Record<string, Layer>).flatMap(([key, layer]) =>
      [...layer.may, ...(layer.types ?? [])]
        .filter((path) => !existsSync(`src/${path}`))
        .map((path) => `${key}: src/${path}`),
    );
    expect(missing).toEqual([]);
  });

  it('a forbidden import fails lint with the rule, an allowed one passes', async () => {
    const configFile: string = '../../eslint.config.js';
    const { default: config } = (await import(configFile)) as { default: Linter.Config[] };
    const eslint = new ESLint({
      overrideConfigFile: true,
      overrideConfig: [
        { files: ['**/*.ts'], languageOptions: { parser: tseslint.parser } },
        ...config.filter((c) => c.rules?.['no-restricted-imports'] !== undefined),
      ],
    });
    const lint = async (filePath: string, code: string) =>
      (await eslint.lintText(code, { filePath }))[0]?.messages.map((m) => m.message) ?? [];
    expect(
      await lint('src/machines/lead/x.ts', "import { db } from '../../persistence/database.ts';"),
    ).toEqual([expect.stringContaining('src/machines may import')]);
    expect(
      await lint('src/machines/lead/x.ts', "import { s } from '../../channels/sms/sms-adapter.ts';"),
    ).toHaveLength(1);
    expect(await lint('src/channels/sms/policy.ts', "import { a } from './sms-adapter.ts';")).toHaveLength(1);
    expect(await lint('src/machines/parsers/x.ts', "import { setup } from 'xstate';")).toHaveLength(1);
    expect(await lint('src/effects/x.ts', "import { main } from '../cli/main.ts';")).toHaveLength(1);
    expect(await lint('src/actors/x.ts', "import { s } from '../system.ts';")).toHaveLength(1);
    expect(
      await lint('src/config/x.ts', "import { parse } from '../studio/load-studio-config.ts';"),
    ).toHaveLength(1);
    expect(
      await lint('src/config/x.ts', "import type { StudioConfig } from '../studio/studio-schema.ts';"),
    ).toEqual([]);
    expect(
      await lint('src/machines/lead/x.ts', "import { policyFor } from '../../channels/policies.ts';"),
    ).toEqual([]);
    expect(await lint('src/actors/x.ts', "import type { Bus } from '../bus/bus.ts';")).toEqual([]);
  });
});

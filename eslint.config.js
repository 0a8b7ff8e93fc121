// Type-aware lint over src, tests and bench (typescript-eslint strictTypeChecked).
import { readdirSync } from 'node:fs';
import tseslint from 'typescript-eslint';
import layers from './eslint.layers.json' with { type: 'json' };

export default tseslint.config(
  // src/console/assets: plain scripts the gateway serves to browsers (no build step, outside the TS project).
  {
    ignores: [
      'node_modules/',
      'dist/',
      '.leadline/',
      'eslint.config.js',
      'bin/',
      'docs/',
      'src/console/assets/',
    ],
  },
  ...tseslint.configs.strictTypeChecked,
  {
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      'no-console': 'error',
      '@typescript-eslint/restrict-template-expressions': [
        'error',
        { allowNumber: true, allowBoolean: true },
      ],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-confusing-void-expression': 'off',
      '@typescript-eslint/no-unnecessary-condition': ['error', { allowConstantLoopConditions: true }],
    },
  },
  {
    files: ['tests/**', 'bench/**', 'src/cli/**'],
    rules: { 'no-console': 'off', '@typescript-eslint/no-non-null-assertion': 'off' },
  },
  // Layer boundaries: eslint.layers.json says, per folder, what it MAY import from src; everything else in
  // src (every other folder, system.ts, the CLI) is forbidden and fails lint. Each folder's README states the
  // same rule, docs/architecture.md lists them (tests/docs/architecture-layers.test.ts keeps it in step).
  ...layerRules(layers),
);

/**
 * One `no-restricted-imports` block per layer. `may` names folders of src (`domain`), sub-folders
 * (`effects/media`) or files (`bus/bus.ts`); every other entry of src is forbidden. `types` are folders
 * that may be imported as types only; `only: "own folder"` also forbids the parent folder's other entries;
 * `forbidPatterns` adds patterns of its own. More specific layers come later, so they win for their files.
 */
function layerRules(definitions) {
  const entries = (dir) => readdirSync(new URL(dir, import.meta.url), { withFileTypes: true });
  const srcEntries = entries('src/').filter((e) => e.name.endsWith('.ts') || e.isDirectory());
  const files = (name) => [`../**/${name}/**/*.ts`, `./${name}/**/*.ts`, `#src/${name}/**/*.ts`];
  const forbidEntry = (e) => (e.isDirectory() ? files(e.name) : [`../**/${e.name}`, `#src/${e.name}`]);
  const reAdmit = (path) => (path.endsWith('.ts') ? [`!**/${path}`] : [`!**/${path}/**/*.ts`]);
  const topOf = (path) => path.split('/')[0];
  return Object.entries(definitions)
    .sort(([a], [b]) => a.split('/').length - b.split('/').length)
    .map(([key, { may, types = [], only, forbidPatterns = [], why }]) => {
      const self = key.split('/')[1];
      const mayTop = new Set([...may, ...types].map(topOf));
      const whole = new Set(may.filter((m) => !m.includes('/')));
      const forbidden = srcEntries.filter(
        (e) => e.name !== self && !whole.has(e.name) && !types.includes(e.name),
      );
      const group = [
        ...forbidden.flatMap(forbidEntry),
        ...(only === 'own folder'
          ? entries(`${key.split('/').slice(0, -1).join('/')}/`)
              .filter((e) => e.name !== key.split('/').at(-1) && !e.name.endsWith('.md'))
              .flatMap((e) => (e.isDirectory() ? [`../${e.name}/**/*.ts`] : [`../${e.name}`]))
          : []),
        ...forbidPatterns,
        ...may.filter((m) => m.includes('/') && mayTop.has(topOf(m))).flatMap(reAdmit),
      ];
      const message = `${why}. ${key} may import: ${[...may, ...types.map((t) => `types of ${t}`)].join(', ') || 'nothing else in src'}`;
      return {
        files: [key.endsWith('.ts') ? key : `${key}/**`],
        rules: {
          'no-restricted-imports': [
            'error',
            {
              patterns: [
                { group, message },
                ...types.map((t) => ({ group: files(t), allowTypeImports: true, message })),
              ],
            },
          ],
        },
      };
    });
}

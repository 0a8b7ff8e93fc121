// Type-aware lint over src, tests and bench (typescript-eslint strictTypeChecked).
import tseslint from 'typescript-eslint';

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
  // Layer boundaries (each folder's README states them; docs/architecture.md draws them). A violation
  // fails lint, so the rules hold by construction rather than by review.
  ...layerRules({
    'src/domain/**': {
      forbid: [
        'actors',
        'bus',
        'campaigns',
        'channels',
        'cli',
        'config',
        'console',
        'effects',
        'gateway',
        'identity',
        'machines',
        'observability',
        'ops',
        'persistence',
        'reconciliation',
        'studio',
      ],
      why: 'src/domain is the shared vocabulary: it imports nothing else in src',
    },
    'src/machines/**': {
      forbid: [
        'actors',
        'bus',
        'campaigns',
        'cli',
        'console',
        'effects',
        'gateway',
        'identity',
        'ops',
        'persistence',
        'reconciliation',
      ],
      allow: ['**/actors/actor-definition.ts'],
      why: 'machines are pure: no I/O, no runtime (only the ActorDefinition interface)',
    },
    'src/actors/**': {
      forbid: ['cli', 'console', 'effects', 'gateway', 'ops', 'campaigns', 'reconciliation'],
      why: 'the actor host knows machines only as ActorDefinitions and never the relay, gateway or ops',
    },
    'src/effects/**': {
      forbid: ['actors', 'cli', 'console', 'gateway', 'machines', 'ops'],
      why: 'the relay executes effects as data: it never reaches into actors, machines or the gateway',
    },
    'src/gateway/**': {
      forbid: ['actors', 'cli', 'machines', 'ops'],
      allow: ['**/actors/dead-letters.ts'],
      why: 'the gateway verifies and publishes; it never touches machines or actor internals (dead-letters.ts is the public dead-letter API of the runtime)',
    },
    'src/observability/**': {
      forbid: ['actors', 'campaigns', 'cli', 'console', 'effects', 'gateway', 'ops', 'persistence'],
      why: 'observability is imported by the runtime, never the reverse',
    },
    'src/config/**': {
      forbid: [
        'actors',
        'bus',
        'campaigns',
        'cli',
        'console',
        'effects',
        'gateway',
        'machines',
        'ops',
        'persistence',
      ],
      why: 'configuration is read first and depends on nothing that runs',
    },
    'src/{bus,persistence,studio,campaigns,channels,identity,reconciliation,console}/**': {
      forbid: ['cli'],
      why: 'nothing in src imports the CLI',
    },
  }),
);

/**
 * One `no-restricted-imports` block per layer: `forbid` names sibling folders of src (matched anywhere in a
 * relative or `#src/` specifier), `allow` re-admits single files.
 */
function layerRules(layers) {
  return Object.entries(layers).map(([files, { forbid, allow = [], why }]) => ({
    files: [files],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: [
                ...forbid.flatMap((dir) => [`../**/${dir}/*`, `./${dir}/*`, `#src/${dir}/*`]),
                ...allow.map((a) => `!${a}`),
              ],
              message: why,
            },
          ],
        },
      ],
    },
  }));
}

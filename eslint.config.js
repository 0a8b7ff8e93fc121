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
        'boot',
        'bus',
        'campaigns',
        'channels',
        'cli',
        'config',
        'console',
        'effects',
        'gateway',
        'identity',
        'jobs',
        'machines',
        'observability',
        'persistence',
        'reconciliation',
        'studio',
      ],
      why: 'src/domain is the shared vocabulary: it imports nothing else in src',
    },
    'src/machines/**': {
      forbid: [
        'actors',
        'boot',
        'bus',
        'campaigns',
        'cli',
        'console',
        'effects',
        'gateway',
        'identity',
        'jobs',
        'persistence',
        'reconciliation',
      ],
      allow: ['**/actors/actor-definition.ts'],
      why: 'machines are pure: no I/O, no runtime (only the ActorDefinition interface)',
    },
    'src/actors/**': {
      forbid: ['boot', 'cli', 'console', 'effects', 'gateway', 'jobs', 'campaigns', 'reconciliation'],
      why: 'the actor host knows machines only as ActorDefinitions and never the relay, gateway, jobs or boot',
    },
    'src/effects/**': {
      forbid: ['actors', 'boot', 'cli', 'console', 'gateway', 'jobs', 'machines'],
      why: 'the relay executes effects as data: it never reaches into actors, machines, the gateway, jobs or boot',
    },
    'src/gateway/**': {
      forbid: ['actors', 'boot', 'cli', 'jobs', 'machines'],
      allow: ['**/actors/dead-letters.ts', '**/jobs/probe-status.ts'],
      why: 'the gateway verifies and publishes; it never touches machines, actor internals, jobs or boot (dead-letters.ts is the public dead-letter API of the runtime, jobs/probe-status.ts the read side of the health probe)',
    },
    'src/observability/**': {
      forbid: ['actors', 'boot', 'campaigns', 'cli', 'console', 'effects', 'gateway', 'jobs', 'persistence'],
      why: 'observability is imported by the runtime, never the reverse',
    },
    'src/config/**': {
      forbid: [
        'actors',
        'boot',
        'bus',
        'campaigns',
        'cli',
        'console',
        'effects',
        'gateway',
        'jobs',
        'machines',
        'persistence',
      ],
      why: 'configuration is read first and depends on nothing that runs',
    },
    'src/jobs/**': {
      forbid: ['boot', 'cli', 'console'],
      why: 'scheduled jobs run on the runtime; they never reach into start-up code, the console or the CLI',
    },
    'src/boot/**': {
      forbid: ['cli', 'console'],
      why: 'start-up helpers are called by system.ts and the CLI, never the reverse',
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

import js from '@eslint/js';
import nx from '@nx/eslint-plugin';
import tseslint from 'typescript-eslint';

const TESTS = ['**/*.spec.ts', '**/*.integration-spec.ts', '**/*.testing.ts'];

/**
 * The layers, by the tags in each project.json: apps use libraries and never another app; each library
 * names the libraries below it. `scope:testing` appears where a library's specs use the harness;
 * production code never imports it (no-restricted-imports below).
 */
const LAYERS = {
  contracts: [],
  sms: [],
  db: ['contracts'],
  egress: ['testing'],
  runtime: ['contracts'],
  auth: ['db', 'runtime'],
  kafka: ['contracts', 'runtime', 'testing'],
  // What every SMSC protocol client shares: the pool of a channel's connections.
  smsc: [],
  smpp: ['sms', 'smsc', 'testing'],
  ucp: ['sms', 'smsc', 'testing'],
  cimd2: ['sms', 'smsc', 'testing'],
  // The SMPP server's sessions: smpp's codec, sms's numbers, contracts' text rules.
  'smpp-server': ['contracts', 'sms', 'smpp', 'smsc'],
  // The channel-type modules (libs/channel-config/src/types) use sms and smpp; their specs db and testing.
  'channel-config': ['contracts', 'db', 'egress', 'sms', 'smpp', 'smsc', 'testing'],
  // What every service stands on: its environment, its root module's imports, how it runs.
  service: ['db', 'kafka', 'runtime'],
  testing: ['contracts', 'db', 'kafka', 'smpp', 'smsc', 'ucp', 'cimd2'],
};
const depConstraints = [
  { sourceTag: 'type:app', onlyDependOnLibsWithTags: ['type:lib'] },
  { sourceTag: 'type:lib', onlyDependOnLibsWithTags: ['type:lib'] },
  { sourceTag: 'type:e2e', onlyDependOnLibsWithTags: ['type:lib'] },
  { sourceTag: 'type:deploy', onlyDependOnLibsWithTags: ['type:lib'] },
  { sourceTag: 'type:tool', onlyDependOnLibsWithTags: ['type:lib'] },
  ...Object.entries(LAYERS).map(([scope, below]) => ({
    sourceTag: `scope:${scope}`,
    onlyDependOnLibsWithTags: below.map((lib) => `scope:${lib}`),
  })),
];

const boundaries = {
  depConstraints,
  // libs/testing loads db lazily for unit specs' sake (fault-stack.ts) and statically in set-up.
  checkDynamicDependenciesExceptions: ['db'],
  // kafka's and smpp's specs use the harness, which is built on them (their project.json drops that
  // edge with implicitDependencies "!testing", so builds have an order).
  ignoredCircularDependencies: [
    ['kafka', 'testing'],
    ['smpp', 'testing'],
    ['ucp', 'testing'],
    ['cimd2', 'testing'],
  ],
};

/** no-restricted-imports options: the test library, and kafkajs outside libs/kafka. */
const restrictedImports = ({ kafkajs }) => ({
  paths: [
    { name: '@smsgate/testing', message: 'The test library is for tests only.' },
    ...(kafkajs
      ? [{ name: 'kafkajs', message: 'kafkajs stays inside libs/kafka: use @smsgate/kafka.' }]
      : []),
  ],
  patterns: kafkajs
    ? [{ group: ['kafkajs/*'], message: 'kafkajs stays inside libs/kafka: use @smsgate/kafka.' }]
    : [],
});

export default tseslint.config(
  { ignores: ['dist/**', '.local/**', '.nx/**', 'coverage/**', 'node_modules/**', '**/*.js', '**/*.mjs'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    plugins: { '@nx': nx },
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      // Rules that catch lost messages: a promise nobody awaits is a send nobody checks.
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/switch-exhaustiveness-check': 'error',
      '@typescript-eslint/require-await': 'off',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@nx/enforce-module-boundaries': ['error', boundaries],
      'no-restricted-properties': [
        'error',
        {
          object: 'process',
          property: 'env',
          message: 'Read configuration through the validated config object.',
        },
      ],
    },
  },
  {
    // Configuration loading, tests and scripts are where the environment is read on purpose (the CLI's
    // entry point hands SMSGATE_URL/KEY/WORKSPACE to the command, which checks them as flags).
    files: [
      'libs/runtime/src/config/**',
      'apps/cli/src/main.ts',
      '**/*.spec.ts',
      '**/*.integration-spec.ts',
      'e2e/**',
      'libs/testing/**',
      'bench/**',
      'scripts/**',
    ],
    rules: { 'no-restricted-properties': 'off' },
  },
  // What the Nx rule cannot say: production code never imports the test library, and kafkajs 2.2.4
  // (pinned and unmaintained) stays in libs/kafka: elsewhere code uses its interface (publish, consume
  // batches with outcomes, admin), so the client can be patched or replaced in one place. Tests may.
  {
    files: ['apps/**/*.ts'],
    ignores: TESTS,
    rules: { 'no-restricted-imports': ['error', restrictedImports({ kafkajs: true })] },
  },
  {
    files: ['libs/**/*.ts'],
    ignores: ['libs/kafka/**', 'libs/testing/**', ...TESTS],
    rules: { 'no-restricted-imports': ['error', restrictedImports({ kafkajs: true })] },
  },
  {
    files: ['libs/kafka/**/*.ts'],
    ignores: TESTS,
    rules: { 'no-restricted-imports': ['error', restrictedImports({ kafkajs: false })] },
  },
  {
    // The configuration reference is generated from every service's schema, so it reads apps' config.ts.
    files: ['tools/config-reference/**/*.ts'],
    rules: {
      '@nx/enforce-module-boundaries': [
        'error',
        { ...boundaries, allow: ['^(\\.\\./)+apps/[a-z-]+/src/config$'] },
      ],
    },
  },
  {
    // The boot tests read the config schemas (through the reference's list) and the deployment plans;
    // the observability e2e reads the shipped dashboard's and rules' queries.
    files: [
      'deploy/test/**/*.ts',
      'e2e/deployments.e2e-spec.ts',
      'e2e/support/deployment-boot.ts',
      'e2e/observability.e2e-spec.ts',
    ],
    rules: {
      '@nx/enforce-module-boundaries': [
        'error',
        {
          ...boundaries,
          allow: [
            '^(\\.\\./)+tools/config-reference/src/config-reference$',
            '^(\\.\\./)+deploy/test/[a-z-]+$',
          ],
        },
      ],
    },
  },
  {
    // The OpenAPI documents are generated from the route registries the services serve.
    files: ['tools/api-reference/**/*.ts'],
    rules: {
      '@nx/enforce-module-boundaries': [
        'error',
        { ...boundaries, allow: ['^(\\.\\./)+apps/[a-z-]+/src/(config|.+\\.(routes|module))$'] },
      ],
    },
  },
  {
    files: ['**/*.spec.ts', '**/*.integration-spec.ts', 'e2e/**'],
    rules: {
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
    },
  },
);

import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const TESTS = ['**/*.spec.ts', '**/*.integration-spec.ts', '**/*.testing.ts'];
const APPS = 'ingress|dispatcher|smpp-binds|dlr-tracker|cht-relay';

/** no-restricted-imports options: the test library, apps reached by relative path, and kafkajs. */
const restrictedImports = ({ kafkajs }) => ({
  paths: [
    { name: '@smsgate/testing', message: 'The test library is for tests only.' },
    ...(kafkajs
      ? [{ name: 'kafkajs', message: 'kafkajs stays inside libs/kafka: use @smsgate/kafka.' }]
      : []),
  ],
  patterns: [
    {
      regex: `^(\\.\\./)+(apps/)?(${APPS})/`,
      message: 'An app is not imported: share code through a library.',
    },
    ...(kafkajs
      ? [{ group: ['kafkajs/*'], message: 'kafkajs stays inside libs/kafka: use @smsgate/kafka.' }]
      : []),
  ],
});

export default tseslint.config(
  { ignores: ['dist/**', '.local/**', '.nx/**', 'coverage/**', 'node_modules/**', '**/*.js', '**/*.mjs'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
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
    // Configuration loading, tests and scripts are where the environment is read on purpose.
    files: [
      'libs/runtime/src/config/**',
      '**/*.spec.ts',
      '**/*.integration-spec.ts',
      'e2e/**',
      'libs/testing/**',
      'bench/**',
      'scripts/**',
    ],
    rules: { 'no-restricted-properties': 'off' },
  },
  // Layers (Nx tags type:app, type:lib): an app never imports another app, a library never imports an
  // app, and production code never imports the test library. kafkajs 2.2.4 is pinned and
  // unmaintained: outside libs/kafka, code uses its interface (publish, consume batches with outcomes,
  // admin), so the client can be patched or replaced in one place. Tests may do all of these.
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
    files: ['**/*.spec.ts', '**/*.integration-spec.ts', 'e2e/**'],
    rules: {
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
    },
  },
);

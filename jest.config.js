// Three suites share one transform: unit (*.spec.ts beside the code), integration
// (*.integration-spec.ts against real Kafka and PostgreSQL) and e2e (services started as processes).
const fs = require('node:fs');
const path = require('node:path');

const { $schema: _schema, ...swc } = JSON.parse(fs.readFileSync(path.join(__dirname, '.swcrc.json'), 'utf8'));
const { paths } = JSON.parse(
  fs.readFileSync(path.join(__dirname, 'tsconfig.base.json'), 'utf8'),
).compilerOptions;
// SWC rewrites @smsgate/* imports itself, so they resolve in global set-up too (no moduleNameMapper there).
const jsc = { ...swc.jsc, baseUrl: __dirname, paths };
const base = {
  rootDir: __dirname,
  testEnvironment: 'node',
  transform: { '^.+\\.ts$': ['@swc/jest', { ...swc, jsc, swcrc: false }] },
  moduleNameMapper: { '^@smsgate/([a-z-]+)$': '<rootDir>/libs/$1/src/index.ts' },
  moduleFileExtensions: ['ts', 'js', 'json'],
  testPathIgnorePatterns: ['/node_modules/', '/dist/', '/.local/'],
};
const withInfra = {
  globalSetup: '<rootDir>/libs/testing/src/global-setup.ts',
  setupFiles: ['<rootDir>/libs/testing/src/load-infra-env.ts'],
};

module.exports = {
  projects: [
    { ...base, displayName: 'unit', testMatch: ['<rootDir>/{apps,libs,deploy,tools}/**/*.spec.ts'] },
    {
      ...base,
      ...withInfra,
      displayName: 'integration',
      testMatch: ['<rootDir>/{apps,libs}/**/*.integration-spec.ts'],
      setupFilesAfterEnv: ['<rootDir>/libs/testing/src/timeout-60s.ts'],
    },
    {
      ...base,
      ...withInfra,
      displayName: 'e2e',
      testMatch: ['<rootDir>/e2e/**/*.e2e-spec.ts'],
      setupFilesAfterEnv: ['<rootDir>/libs/testing/src/e2e-setup.ts'],
    },
  ],
};

/**
 * Three tiers. Unit specs live beside the code. Medium specs (test/medium) call one service
 * against the real, migrated Postgres with the outside world (HTTP, clock) scripted: no app,
 * no queue. E2e specs under test/ boot the app against real Postgres and Redis.
 */
const tsJest = ['ts-jest', { tsconfig: 'tsconfig.json' }];
// The embedding host is its own app with the packed module installed: not part of any project.
const modulePathIgnorePatterns = ['<rootDir>/test/embedding-host/'];
module.exports = {
  testTimeout: 30000,
  projects: [
    {
      displayName: 'unit',
      testEnvironment: 'node',
      rootDir: '.',
      modulePathIgnorePatterns,
      testMatch: ['<rootDir>/src/**/*.spec.ts'],
      transform: { '^.+\\.ts$': tsJest },
    },
    {
      displayName: 'e2e',
      // Prints what the test apps log only for a failing test (test/setup/app-log-sink.ts).
      testEnvironment: '<rootDir>/test/setup/app-logs-environment.ts',
      rootDir: '.',
      modulePathIgnorePatterns,
      testMatch: ['<rootDir>/test/**/*.e2e-spec.ts'],
      transform: { '^.+\\.ts$': tsJest },
      globalSetup: '<rootDir>/test/setup/global-setup.ts',
      globalTeardown: '<rootDir>/test/setup/global-teardown.ts',
    },
    {
      displayName: 'medium',
      // The e2e project's per-run database (set up once for both) and log handling.
      testEnvironment: '<rootDir>/test/setup/app-logs-environment.ts',
      rootDir: '.',
      modulePathIgnorePatterns,
      testMatch: ['<rootDir>/test/medium/**/*.medium-spec.ts'],
      transform: { '^.+\\.ts$': tsJest },
      globalSetup: '<rootDir>/test/setup/global-setup.ts',
      globalTeardown: '<rootDir>/test/setup/global-teardown.ts',
    },
  ],
};

/** @type {import('jest').Config} */
const shared = {
  testEnvironment: 'node',
  ...require('./test/support/jest-transform'),
  // Fails a test whose Discord emulator refused a request Discord would refuse.
  setupFilesAfterEnv: ['<rootDir>/test/support/after-each.ts'],
};

module.exports = {
  testTimeout: 60_000,
  projects: [
    // Pure logic and the Discord emulator itself: no DynamoDB, no Java (npm run test:unit).
    { ...shared, displayName: 'unit', roots: ['<rootDir>/test/unit', '<rootDir>/test/emulator'], testMatch: ['**/*.test.ts'] },
    {
      ...shared,
      displayName: 'storage and end to end',
      roots: ['<rootDir>/test/integration', '<rootDir>/test/e2e', '<rootDir>/test/web'],
      testMatch: ['**/*.test.ts'],
      // One DynamoDB Local for this project's run, started and stopped by these two (a project's
      // global setup runs only when one of its tests is selected).
      globalSetup: '<rootDir>/test/support/global-setup.ts',
      globalTeardown: '<rootDir>/test/support/global-teardown.ts',
    },
  ],
};

/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json' }] },
  // One DynamoDB Local for the whole run, started and stopped by these two.
  globalSetup: '<rootDir>/test/support/global-setup.ts',
  globalTeardown: '<rootDir>/test/support/global-teardown.ts',
  // Fails a test whose Discord emulator refused a request Discord would refuse.
  setupFilesAfterEnv: ['<rootDir>/test/support/after-each.ts'],
  testTimeout: 60_000,
};

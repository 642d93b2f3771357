/**
 * The container test (docs/container.md), run by .ci/container only: it needs root, dockerd and
 * the base images that script builds, so `npm test` (jest.config.js) does not include it.
 */
const path = require('node:path');

/** @type {import('jest').Config} */
module.exports = {
  rootDir: path.join(__dirname, '..', '..'),
  roots: ['<rootDir>/test/container'],
  testMatch: ['**/*.test.ts'],
  testEnvironment: 'node',
  ...require('../support/jest-transform'),
  setupFilesAfterEnv: ['<rootDir>/test/support/after-each.ts'],
  testTimeout: 120_000,
};

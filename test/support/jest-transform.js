/**
 * How jest compiles what it loads, shared by jest.config.js and the container test's config.
 * The ESM-only packages the fastify plugins load (cookie, content-disposition), and
 * @fastify/cookie's own `await import('cookie')`, are compiled to CommonJS: jest's module system
 * runs neither require(esm) nor import() without --experimental-vm-modules, though Node does.
 */
/** @type {Pick<import('jest').Config, 'transform' | 'transformIgnorePatterns'>} */
module.exports = {
  transform: {
    '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json' }],
    '^.+\\.js$': ['ts-jest', { tsconfig: { allowJs: true, module: 'commonjs', target: 'ES2022', esModuleInterop: true, isolatedModules: true } }],
  },
  transformIgnorePatterns: ['/node_modules/(?!(cookie|content-disposition|@fastify/cookie)/)'],
};

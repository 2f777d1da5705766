// @ts-check
// One configuration for every workspace. TypeScript and the ESM-only middy packages are compiled to
// CommonJS by swc; type checking is `pnpm typecheck`'s job, not the test runner's.
const swc = [
  '@swc/jest',
  { jsc: { target: 'es2022', parser: { syntax: 'typescript' } }, module: { type: 'commonjs' } },
];

/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>'],
  testMatch: ['**/test/**/*.test.ts', '**/tests/**/*.test.ts'],
  transform: { '^.+\\.(t|j|mj)s$': swc },
  // pnpm keeps packages under node_modules/.pnpm/<name>@<version>/node_modules/<name>: let middy and
  // jsonc-parser's ES module build (services/ingest-api/src/strictJson.ts) through.
  transformIgnorePatterns: ['/node_modules/(?!(\\.pnpm/[^/]+/node_modules/)?(@middy/|jsonc-parser/))'],
  moduleFileExtensions: ['ts', 'js', 'mjs', 'json'],
  testPathIgnorePatterns: ['/node_modules/', '/\\.serverless/', '/\\.esbuild/'],
  restoreMocks: true,
  reporters: ['default', '<rootDir>/scripts/jest/summaryReporter.js'],
};

// @ts-check
// `pnpm test:browser`: the console in a real headless Chromium (the system's, driven by
// playwright-core), against a whole local stack. Its own command, not part of `pnpm test`: a system
// browser is something the README's test command cannot install on every machine (.ci/run does).
const base = require('./jest.config.js');

/** @type {import('jest').Config} */
module.exports = {
  ...base,
  testMatch: ['<rootDir>/scripts/test/browser/**/*.browser.ts'],
  // One stack, one browser: nothing to run beside it.
  maxWorkers: 1,
};

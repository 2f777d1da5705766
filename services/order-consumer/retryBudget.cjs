// Variable source for serverless.yml: the retry budget derived from the stage's retryWindowSeconds
// and poisonBackoffSeconds (src/retryBudget.ts, loaded through tsx: the framework requires plain
// JavaScript here). `${file(./retryBudget.cjs):maxReceiveCount}` and so on.
const { require: load } = require('tsx/cjs/api');

const { retryBudget } = load('./src/retryBudget.ts', __filename);

const budget = async ({ resolveVariable }) =>
  retryBudget(
    Number(await resolveVariable('param:retryWindowSeconds')),
    Number(await resolveVariable('param:poisonBackoffSeconds')),
  );

module.exports = {
  maxReceiveCount: async (context) => (await budget(context)).maxReceiveCount,
  backoffBaseSeconds: async (context) => (await budget(context)).backoff.baseSeconds,
  backoffMaxSeconds: async (context) => (await budget(context)).backoff.maxSeconds,
};

// Variable source for serverless.yml (`${file(../../packages/sls-ops/variables.cjs):region}`). The
// framework requires plain JavaScript here; the rule itself is TypeScript, loaded through tsx.
const { require: load } = require('tsx/cjs/api');

const { resolveRegion } = load('@order-pipeline/common/region', __filename);

module.exports = {
  /** provider.region: --region, else AWS_REGION, else AWS_DEFAULT_REGION, else eu-west-1. */
  region: ({ options }) => resolveRegion(options.region, process.env),
};

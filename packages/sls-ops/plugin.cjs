// The sls-ops plugin (serverless.yml `plugins: - "@order-pipeline/sls-ops"`). The framework requires
// plain JavaScript here; the plugin is TypeScript (src/plugin.ts), loaded through tsx.
const { require: load } = require('tsx/cjs/api');

module.exports = load('./src/plugin.ts', __filename).OpsPlugin;

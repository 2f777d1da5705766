// A local Serverless plugin: `sls package` and `sls deploy` (any stage) fail when a function would be
// packaged with chaos faults on (CHAOS_FAULTS=on, src/faults.ts). The faults are for the local stack's
// chaos suite only; `sls offline start` packages nothing, so it is not affected. The function itself
// also refuses them outside sls offline (src/config.ts): this keeps a template with them from existing.
class ChaosGuard {
  constructor(serverless) {
    this.serverless = serverless;
    const refuse = () => this.refuseChaosFaults();
    this.hooks = {
      'before:package:initialize': refuse,
      'before:deploy:function:initialize': refuse,
    };
  }

  refuseChaosFaults() {
    const { service } = this.serverless;
    const shared = service.provider.environment ?? {};
    for (const [name, definition] of Object.entries(service.functions ?? {})) {
      const value = definition.environment?.CHAOS_FAULTS ?? shared.CHAOS_FAULTS;
      if (String(value ?? '').trim() === 'on') {
        const ServerlessError = this.serverless.classes?.Error ?? Error;
        throw new ServerlessError(
          `refusing to package ${name} with CHAOS_FAULTS=on: chaos faults are for the local stack (sls offline) only`,
          'CHAOS_FAULTS_PACKAGED',
        );
      }
    }
  }
}

module.exports = ChaosGuard;

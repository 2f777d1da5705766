import { type AlarmSettings, resourceAlarms } from './alarms';
import { type DashboardSettings, dashboard } from './dashboard';
import { dependOnGatewayResponses } from './gatewayResponses';
import { addResources, type Template } from './template';

/** The part of the framework's `serverless` object the plugin uses. */
export interface Serverless {
  service: {
    custom?: Record<string, unknown>;
    provider: { compiledCloudFormationTemplate: Template };
  };
  getProvider(name: 'aws'): { getStage(): string };
}

/** custom.ops of a service's serverless.yml. */
export interface OpsSettings {
  alarmTopicArn: unknown;
  apiServerErrorRate?: number;
  apiLatencyP99Milliseconds?: number;
  dashboard?: DashboardSettings;
}

export const DASHBOARD_ID = 'PipelineDashboard';

const optionalNumber = (value: unknown, name: string): number | undefined => {
  if (value === undefined) return undefined;
  const number = Number(value);
  if (!Number.isFinite(number) || number < 0) {
    throw new Error(`sls-ops: custom.ops.${name} must be a non-negative number, got ${String(value)}`);
  }
  return number;
};

const readSettings = (custom: Record<string, unknown> | undefined): OpsSettings => {
  const ops = custom?.ops;
  if (typeof ops !== 'object' || ops === null || !('alarmTopicArn' in ops)) {
    throw new Error('sls-ops: custom.ops.alarmTopicArn is required (the SNS topic every alarm notifies)');
  }
  const settings = ops as Record<string, unknown>;
  return {
    alarmTopicArn: settings.alarmTopicArn,
    apiServerErrorRate: optionalNumber(settings.apiServerErrorRate, 'apiServerErrorRate'),
    apiLatencyP99Milliseconds: optionalNumber(
      settings.apiLatencyP99Milliseconds,
      'apiLatencyP99Milliseconds',
    ),
    dashboard: settings.dashboard as DashboardSettings | undefined,
  };
};

/**
 * Adds to the packaged template what every stack needs and serverless.yml cannot say once for all:
 * an alarm on the errors and throttles of every function, on the throttled requests of every table,
 * on the 5xx answers and p99 latency of every REST API (all notifying custom.ops.alarmTopicArn);
 * the pipeline's dashboard where custom.ops.dashboard asks for it; and the API deployment's
 * dependency on the gateway responses. It runs after the framework merged `resources`, so what a
 * service declares there is covered too; `sls offline` and `sls print` never run it.
 */
export class OpsPlugin {
  readonly hooks: Record<string, () => void>;

  constructor(private readonly serverless: Serverless) {
    this.hooks = {
      'after:aws:package:finalize:mergeCustomProviderResources': () => this.extendTemplate(),
    };
  }

  extendTemplate(): void {
    const template = this.serverless.service.provider.compiledCloudFormationTemplate;
    const settings = readSettings(this.serverless.service.custom);
    const alarms: AlarmSettings = {
      topicArn: settings.alarmTopicArn,
      stage: this.serverless.getProvider('aws').getStage(),
      apiServerErrorRate: settings.apiServerErrorRate,
      apiLatencyP99Milliseconds: settings.apiLatencyP99Milliseconds,
    };
    dependOnGatewayResponses(template);
    addResources(template, resourceAlarms(template, alarms));
    if (settings.dashboard !== undefined)
      addResources(template, { [DASHBOARD_ID]: dashboard(settings.dashboard) });
  }
}

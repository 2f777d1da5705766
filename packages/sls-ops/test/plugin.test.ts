import { RUNBOOK_SECTION } from '../src/alarms';
import { DASHBOARD_ID, OpsPlugin, type Serverless } from '../src/plugin';
import type { Resource, Template } from '../src/template';

const TOPIC = { 'Fn::ImportValue': 'order-pipeline-prod-AlarmTopicArn' };

/** A packaged template as the framework hands it over after merging `resources`. */
const packaged = (): Template => ({
  Resources: {
    CreateOrderLambdaFunction: {
      Type: 'AWS::Lambda::Function',
      Properties: { FunctionName: 'ingest-api-prod-createOrder' },
    },
    OrdersTable: { Type: 'AWS::DynamoDB::Table', Properties: { TableName: 'order-pipeline-prod-orders' } },
    ApiGatewayRestApi: { Type: 'AWS::ApiGateway::RestApi', Properties: { Name: 'prod-ingest-api' } },
    ApiGatewayDeployment1700000000000: {
      Type: 'AWS::ApiGateway::Deployment',
      Properties: { RestApiId: { Ref: 'ApiGatewayRestApi' }, StageName: 'prod' },
      DependsOn: ['ApiGatewayMethodOrdersPost'],
    },
    GatewayResponseDefault4XX: {
      Type: 'AWS::ApiGateway::GatewayResponse',
      Properties: { RestApiId: { Ref: 'ApiGatewayRestApi' }, ResponseType: 'DEFAULT_4XX' },
    },
    GatewayResponseDefault5XX: {
      Type: 'AWS::ApiGateway::GatewayResponse',
      Properties: { RestApiId: { Ref: 'ApiGatewayRestApi' }, ResponseType: 'DEFAULT_5XX' },
    },
  },
});

const run = (template: Template, ops: Record<string, unknown>): Template => {
  const serverless: Serverless = {
    service: { custom: { ops }, provider: { compiledCloudFormationTemplate: template } },
    getProvider: () => ({ getStage: () => 'prod' }),
  };
  const plugin = new OpsPlugin(serverless);
  plugin.hooks['after:aws:package:finalize:mergeCustomProviderResources']?.();
  return template;
};

const API_SETTINGS = { alarmTopicArn: TOPIC, apiServerErrorRate: 0.01, apiLatencyP99Milliseconds: 2000 };

const alarmsOf = (template: Template): Record<string, Resource> =>
  Object.fromEntries(
    Object.entries(template.Resources).filter(([, resource]) => resource.Type === 'AWS::CloudWatch::Alarm'),
  );

describe('OpsPlugin', () => {
  it('makes the API deployment depend on every gateway response of its API, keeping its methods', () => {
    const template = run(packaged(), API_SETTINGS);

    expect(template.Resources.ApiGatewayDeployment1700000000000?.DependsOn).toEqual([
      'ApiGatewayMethodOrdersPost',
      'GatewayResponseDefault4XX',
      'GatewayResponseDefault5XX',
    ]);
  });

  it('alarms on errors and throttles of every function, throttling of every table, 5xx and p99 latency of the API', () => {
    const alarms = alarmsOf(run(packaged(), API_SETTINGS));

    expect(
      Object.values(alarms).map((alarm) => [alarm.Properties?.AlarmName, alarm.Properties?.Threshold]),
    ).toEqual([
      ['ingest-api-prod-createOrder-errors', 0],
      ['ingest-api-prod-createOrder-throttles', 0],
      ['order-pipeline-prod-orders-throttled', 0],
      ['prod-ingest-api-5xx', 0.01],
      ['prod-ingest-api-p99-latency', 2000],
    ]);
    for (const alarm of Object.values(alarms)) {
      expect(alarm.Properties?.AlarmActions).toEqual([TOPIC]);
      expect(String(alarm.Properties?.AlarmDescription)).toMatch(/Runbook: docs\/operations\.md, "[^"]+"\.$/);
    }
  });

  it("watches a table's read and write throttle events together", () => {
    const alarm = alarmsOf(run(packaged(), API_SETTINGS)).OrdersTableThrottledRequestsAlarm;

    const metrics = alarm?.Properties?.Metrics as { Id: string; MetricStat?: { Metric: unknown } }[];
    expect(metrics.map((metric) => metric.MetricStat?.Metric)).toEqual([
      {
        Namespace: 'AWS/DynamoDB',
        MetricName: 'ReadThrottleEvents',
        Dimensions: [{ Name: 'TableName', Value: { Ref: 'OrdersTable' } }],
      },
      {
        Namespace: 'AWS/DynamoDB',
        MetricName: 'WriteThrottleEvents',
        Dimensions: [{ Name: 'TableName', Value: { Ref: 'OrdersTable' } }],
      },
      undefined,
    ]);
  });

  it('names a runbook section for every kind of alarm it adds', () => {
    const sections = Object.values(alarmsOf(run(packaged(), API_SETTINGS))).map(
      (alarm) => /"([^"]+)"\.$/.exec(String(alarm.Properties?.AlarmDescription))?.[1],
    );

    expect(new Set(sections)).toEqual(new Set(Object.values(RUNBOOK_SECTION)));
  });

  it('adds the dashboard only where custom.ops.dashboard asks for it', () => {
    const settings = {
      name: 'order-pipeline-prod-pipeline',
      namespace: 'OrderPipeline',
      ordersQueue: 'order-pipeline-prod-orders',
      deadLetterQueue: 'order-pipeline-prod-orders-dlq',
      functions: ['ingest-api-prod-createOrder'],
    };

    const without = run(packaged(), API_SETTINGS);
    const withDashboard = run(packaged(), { ...API_SETTINGS, dashboard: settings });

    expect(without.Resources[DASHBOARD_ID]).toBeUndefined();
    const body = withDashboard.Resources[DASHBOARD_ID]?.Properties?.DashboardBody as { 'Fn::Sub': string };
    const { widgets } = JSON.parse(body['Fn::Sub']) as {
      widgets: { properties: { title: string; region: string } }[];
    };
    expect(widgets.map((widget) => widget.properties.title)).toEqual([
      'Order flow (per 5 minutes)',
      'Failures (per 5 minutes)',
      'Oldest message age (s)',
      'Function duration, p99 (ms)',
    ]);
    expect(widgets.every((widget) => widget.properties.region === `\${AWS::Region}`)).toBe(true);
  });

  it('refuses to package without an alarm topic, or an API without its thresholds', () => {
    expect(() => run(packaged(), {})).toThrow('custom.ops.alarmTopicArn is required');
    expect(() => run(packaged(), { alarmTopicArn: TOPIC })).toThrow('needs custom.ops.apiServerErrorRate');
  });

  it('never replaces a resource the service declared under the same logical id', () => {
    const template = packaged();
    template.Resources.OrdersTableThrottledRequestsAlarm = { Type: 'AWS::CloudWatch::Alarm' };

    expect(() => run(template, API_SETTINGS)).toThrow(
      'already has a resource OrdersTableThrottledRequestsAlarm',
    );
  });
});

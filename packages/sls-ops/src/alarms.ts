import { type Resource, resourcesOfType, type Template } from './template';

/** custom.ops of a service's serverless.yml: where alarms notify, and the API's thresholds. */
export interface AlarmSettings {
  /** The SNS topic's ARN as CloudFormation gives it (a Ref, or an Fn::ImportValue of its export). */
  topicArn: unknown;
  /** The API stage (the Stage dimension of API Gateway's metrics). */
  stage: string;
  /** Share of requests answered 5xx, over 5 minutes, above which the API alarms (0.01 = 1 %). */
  apiServerErrorRate?: number;
  /** p99 latency (ms), sustained over 15 minutes, above which the API alarms. */
  apiLatencyP99Milliseconds?: number;
}

const RUNBOOK = 'docs/operations.md';
const FIVE_MINUTES = 300;

type Metric = { Namespace: string; MetricName: string; Dimensions: { Name: string; Value: unknown }[] };

/** The heading of docs/operations.md that tells what to do when an alarm of this kind fires. */
export const RUNBOOK_SECTION = {
  functionErrors: 'Function errors',
  functionThrottles: 'Function throttles',
  tableThrottles: 'Table throttling',
  apiServerErrors: 'API 5xx answers',
  apiLatency: 'API latency',
} as const;
type RunbookSection = (typeof RUNBOOK_SECTION)[keyof typeof RUNBOOK_SECTION];

const alarm = (
  settings: AlarmSettings,
  name: string,
  description: string,
  section: RunbookSection,
  condition: Record<string, unknown>,
): Resource => ({
  Type: 'AWS::CloudWatch::Alarm',
  Properties: {
    AlarmName: name,
    AlarmDescription: `${description} Runbook: ${RUNBOOK}, "${section}".`,
    ComparisonOperator: 'GreaterThanThreshold',
    // No data is no traffic (or an idle function): nothing to alarm on.
    TreatMissingData: 'notBreaching',
    AlarmActions: [settings.topicArn],
    OKActions: [settings.topicArn],
    ...condition,
  },
});

const overFiveMinutes = (metric: Metric, statistic: string, threshold: number) => ({
  ...metric,
  Statistic: statistic,
  Period: FIVE_MINUTES,
  EvaluationPeriods: 1,
  Threshold: threshold,
});

const name = (resource: Resource, property: string, id: string): string => {
  const value = resource.Properties?.[property];
  return typeof value === 'string' ? value : id;
};

/** Errors (failed invocations: crashes, timeouts) and Throttles of every function, any at all. */
const functionAlarms = (template: Template, settings: AlarmSettings): Record<string, Resource> =>
  Object.fromEntries(
    resourcesOfType(template, 'AWS::Lambda::Function').flatMap(([id, fn]) => {
      const functionName = name(fn, 'FunctionName', id);
      const metric = (metricName: string): Metric => ({
        Namespace: 'AWS/Lambda',
        MetricName: metricName,
        Dimensions: [{ Name: 'FunctionName', Value: { Ref: id } }],
      });
      return [
        [
          `${id}ErrorsAlarm`,
          alarm(
            settings,
            `${functionName}-errors`,
            `Invocations of ${functionName} failed (an exception outside the per-record handling, or a timeout).`,
            RUNBOOK_SECTION.functionErrors,
            overFiveMinutes(metric('Errors'), 'Sum', 0),
          ),
        ],
        [
          `${id}ThrottlesAlarm`,
          alarm(
            settings,
            `${functionName}-throttles`,
            `Invocations of ${functionName} were throttled (the account's or the function's concurrency is exhausted).`,
            RUNBOOK_SECTION.functionThrottles,
            overFiveMinutes(metric('Throttles'), 'Sum', 0),
          ),
        ],
      ];
    }),
  );

/**
 * Throttled reads and writes of every table (ReadThrottleEvents + WriteThrottleEvents, which DynamoDB
 * reports per table, on-demand ones included):
 * https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/metrics-dimensions.html
 */
const tableAlarms = (template: Template, settings: AlarmSettings): Record<string, Resource> =>
  Object.fromEntries(
    resourcesOfType(template, 'AWS::DynamoDB::Table').map(([id, table]) => {
      const tableName = name(table, 'TableName', id);
      const events = (metricId: string, metricName: string) => ({
        Id: metricId,
        ReturnData: false,
        MetricStat: {
          Metric: {
            Namespace: 'AWS/DynamoDB',
            MetricName: metricName,
            Dimensions: [{ Name: 'TableName', Value: { Ref: id } }],
          },
          Period: FIVE_MINUTES,
          Stat: 'Sum',
        },
      });
      return [
        `${id}ThrottledRequestsAlarm`,
        alarm(
          settings,
          `${tableName}-throttled`,
          `Requests to the table ${tableName} were throttled.`,
          RUNBOOK_SECTION.tableThrottles,
          {
            EvaluationPeriods: 1,
            Threshold: 0,
            Metrics: [
              events('reads', 'ReadThrottleEvents'),
              events('writes', 'WriteThrottleEvents'),
              {
                Id: 'throttled',
                Label: 'throttled requests',
                Expression: 'FILL(reads, 0) + FILL(writes, 0)',
                ReturnData: true,
              },
            ],
          },
        ),
      ];
    }),
  );

/** 5XXError rate and p99 Latency of every REST API's stage. */
const apiAlarms = (template: Template, settings: AlarmSettings): Record<string, Resource> =>
  Object.fromEntries(
    resourcesOfType(template, 'AWS::ApiGateway::RestApi').flatMap(([id, api]) => {
      const apiName = name(api, 'Name', id);
      const { apiServerErrorRate, apiLatencyP99Milliseconds } = settings;
      if (apiServerErrorRate === undefined || apiLatencyP99Milliseconds === undefined) {
        throw new Error(
          `sls-ops: the REST API ${id} needs custom.ops.apiServerErrorRate and custom.ops.apiLatencyP99Milliseconds`,
        );
      }
      const metric = (metricName: string): Metric => ({
        Namespace: 'AWS/ApiGateway',
        MetricName: metricName,
        Dimensions: [
          { Name: 'ApiName', Value: apiName },
          { Name: 'Stage', Value: settings.stage },
        ],
      });
      return [
        [
          `${id}ServerErrorsAlarm`,
          alarm(
            settings,
            `${apiName}-5xx`,
            `More than ${apiServerErrorRate * 100} % of the API's answers were 5xx over 5 minutes.`,
            RUNBOOK_SECTION.apiServerErrors,
            // 5XXError is 0 or 1 per request: its Average is the share of 5xx answers.
            overFiveMinutes(metric('5XXError'), 'Average', apiServerErrorRate),
          ),
        ],
        [
          `${id}LatencyAlarm`,
          alarm(
            settings,
            `${apiName}-p99-latency`,
            `The API's p99 latency stayed above ${apiLatencyP99Milliseconds} ms for 15 minutes.`,
            RUNBOOK_SECTION.apiLatency,
            {
              ...metric('Latency'),
              ExtendedStatistic: 'p99',
              Period: FIVE_MINUTES,
              EvaluationPeriods: 3,
              Threshold: apiLatencyP99Milliseconds,
            },
          ),
        ],
      ];
    }),
  );

/** The alarms on every function, table and REST API of the template, all notifying `topicArn`. */
export const resourceAlarms = (template: Template, settings: AlarmSettings): Record<string, Resource> => ({
  ...functionAlarms(template, settings),
  ...tableAlarms(template, settings),
  ...apiAlarms(template, settings),
});

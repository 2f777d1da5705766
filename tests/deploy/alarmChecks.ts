/**
 * Deploy-readiness checks of what an operator sees: alarms (every one notifying the pipeline's SNS
 * topic), the dashboard. Same contract as every check: a check returns its violations, [] when the
 * property holds.
 */

import type { CfnResource, CfnTemplate, ExportCatalog } from '@order-pipeline/local-aws/cloudformation';
import * as cfn from '@order-pipeline/local-aws/cloudformation';

type Alarm = [string, CfnResource];

const alarmsOf = (template: CfnTemplate): Alarm[] => cfn.resourcesOfType(template, 'AWS::CloudWatch::Alarm');

/** An SNS topic of this stack (Ref), or one another stack exports (Fn::ImportValue of its Ref). */
const isTopic = (template: CfnTemplate, action: unknown, catalog: ExportCatalog): boolean => {
  const local = cfn.refTarget(action);
  if (local !== undefined) return template.Resources[local]?.Type === 'AWS::SNS::Topic';
  if (cfn.isObject(action) && typeof action['Fn::ImportValue'] === 'string') {
    const exported = catalog.get(action['Fn::ImportValue']);
    const id = cfn.refTarget(exported?.value);
    return id !== undefined && exported?.template.Resources[id]?.Type === 'AWS::SNS::Topic';
  }
  return false;
};

const notifies = (template: CfnTemplate, alarm: CfnResource, catalog: ExportCatalog): boolean =>
  cfn.prop(alarm, 'ActionsEnabled') !== false &&
  cfn.asArray(cfn.prop(alarm, 'AlarmActions')).some((action) => isTopic(template, action, catalog));

/** The metrics an alarm watches: its own, or those of its metric math. */
const watchedMetrics = (
  alarm: CfnResource,
): { namespace: unknown; name: unknown; dimensions: unknown[] }[] => {
  if (cfn.prop(alarm, 'MetricName') !== undefined) {
    return [
      {
        namespace: cfn.prop(alarm, 'Namespace'),
        name: cfn.prop(alarm, 'MetricName'),
        dimensions: cfn.asArray(cfn.prop(alarm, 'Dimensions')),
      },
    ];
  }
  return cfn.asArray(cfn.prop(alarm, 'Metrics')).flatMap((query) => {
    const metric =
      cfn.isObject(query) && cfn.isObject(query.MetricStat) ? query.MetricStat.Metric : undefined;
    return cfn.isObject(metric)
      ? [{ namespace: metric.Namespace, name: metric.MetricName, dimensions: cfn.asArray(metric.Dimensions) }]
      : [];
  });
};

const hasDimension = (dimensions: unknown[], name: string, matches: (value: unknown) => boolean): boolean =>
  dimensions.some(
    (dimension) => cfn.isObject(dimension) && dimension.Name === name && matches(dimension.Value),
  );

interface Wanted {
  what: string;
  matches: (alarm: CfnResource) => boolean;
  /** The highest threshold that still makes the alarm fire when it should. */
  atMost?: number;
}

/** Each wanted alarm exists, fires above a threshold no higher than `atMost`, and notifies a topic. */
const checkWanted = (template: CfnTemplate, catalog: ExportCatalog, wanted: Wanted[]): string[] =>
  wanted.flatMap(({ what, matches, atMost }) => {
    const found = alarmsOf(template).filter(([, alarm]) => matches(alarm));
    if (found.length === 0) return [`${what}: no alarm`];
    const violations: string[] = [];
    if (!found.some(([, alarm]) => notifies(template, alarm, catalog))) {
      violations.push(`${what}: the alarm notifies no SNS topic (AlarmActions)`);
    }
    const thresholds = found.map(
      ([, alarm]) => cfn.num(cfn.prop(alarm, 'Threshold')) ?? Number.POSITIVE_INFINITY,
    );
    if (atMost !== undefined && Math.min(...thresholds) > atMost) {
      violations.push(`${what}: the alarm's threshold ${Math.min(...thresholds)} is above ${atMost}`);
    }
    return violations;
  });

const watches = (
  alarm: CfnResource,
  namespace: string,
  name: string,
  dimension?: [string, (value: unknown) => boolean],
) =>
  watchedMetrics(alarm).some(
    (metric) =>
      metric.namespace === namespace &&
      metric.name === name &&
      (dimension === undefined || hasDimension(metric.dimensions, dimension[0], dimension[1])),
  );

const isRefOf = (id: string) => (value: unknown) => cfn.refTarget(value) === id;

/** Errors and Throttles of every function of the stack, any at all, notify the alarm topic. */
export const checkFunctionAlarms = (template: CfnTemplate, catalog: ExportCatalog = new Map()): string[] =>
  cfn.resourcesOfType(template, 'AWS::Lambda::Function').flatMap(([id]) =>
    checkWanted(
      template,
      catalog,
      ['Errors', 'Throttles'].map((metric) => ({
        what: `function ${id}'s ${metric}`,
        matches: (alarm) => watches(alarm, 'AWS/Lambda', metric, ['FunctionName', isRefOf(id)]),
        atMost: 0,
      })),
    ),
  );

/** Throttled reads and writes of every table of the stack notify the alarm topic. */
export const checkTableAlarms = (template: CfnTemplate, catalog: ExportCatalog = new Map()): string[] =>
  cfn.resourcesOfType(template, 'AWS::DynamoDB::Table').flatMap(([id]) =>
    checkWanted(template, catalog, [
      {
        what: `table ${id}'s throttled requests`,
        matches: (alarm) =>
          ['ReadThrottleEvents', 'WriteThrottleEvents'].every((metric) =>
            watches(alarm, 'AWS/DynamoDB', metric, ['TableName', isRefOf(id)]),
          ),
        atMost: 0,
      },
    ]),
  );

/** The 5XXError share and the p99 Latency of every REST API (by its name) notify the alarm topic. */
export const checkApiAlarms = (template: CfnTemplate, catalog: ExportCatalog = new Map()): string[] =>
  cfn.resourcesOfType(template, 'AWS::ApiGateway::RestApi').flatMap(([id, api]) => {
    const byName: [string, (value: unknown) => boolean] = [
      'ApiName',
      (value) => value === cfn.prop(api, 'Name'),
    ];
    return checkWanted(template, catalog, [
      {
        what: `REST API ${id}'s 5XXError`,
        matches: (alarm) => watches(alarm, 'AWS/ApiGateway', '5XXError', byName),
      },
      {
        what: `REST API ${id}'s p99 Latency`,
        matches: (alarm) =>
          watches(alarm, 'AWS/ApiGateway', 'Latency', byName) &&
          cfn.prop(alarm, 'ExtendedStatistic') === 'p99',
      },
    ]);
  });

/**
 * The age of a queue's oldest message (ApproximateAgeOfOldestMessage, QueueName dimension naming
 * `queue` in `cfn.describeValue` form, e.g. `GetAtt(OrdersQueue.QueueName)` or the DLQ's import) alarms
 * above at most `atMostSeconds`.
 */
export const checkQueueAgeAlarm = (
  template: CfnTemplate,
  queue: string,
  atMostSeconds: number,
  catalog: ExportCatalog = new Map(),
): string[] =>
  checkWanted(template, catalog, [
    {
      what: `the age of the oldest message of ${queue}`,
      matches: (alarm) =>
        watches(alarm, 'AWS/SQS', 'ApproximateAgeOfOldestMessage', [
          'QueueName',
          (value) => JSON.stringify(value).includes(queue) || cfn.describeValue(value) === queue,
        ]),
      atMost: atMostSeconds,
    },
  ]);

/**
 * Dead letters arriving alarm whatever the handler makes of them: archived (DeadLettersArchived) or
 * not (DeadLettersNotArchived), each as soon as there is one.
 */
export const checkDeadLetterAlarms = (template: CfnTemplate, catalog: ExportCatalog = new Map()): string[] =>
  checkWanted(
    template,
    catalog,
    ['DeadLettersArchived', 'DeadLettersNotArchived'].map((metric) => ({
      what: `the DLQ handler's ${metric}`,
      matches: (alarm) => watches(alarm, 'OrderPipeline', metric),
      atMost: 0,
    })),
  );

/** The stage of the flow each dashboard metric shows, by metric name. */
export const DASHBOARD_FLOW = [
  'NumberOfMessagesSent',
  'OrdersProcessed',
  'DuplicateDeliveries',
  'PoisonMessages',
  'TransientFailures',
  'DeadLettersArchived',
] as const;

const dashboardMetrics = (template: CfnTemplate): unknown[][] =>
  cfn.resourcesOfType(template, 'AWS::CloudWatch::Dashboard').flatMap(([, dashboard]) => {
    const body = cfn.prop(dashboard, 'DashboardBody');
    const text = cfn.isObject(body) ? body['Fn::Sub'] : body;
    if (typeof text !== 'string') return [];
    const parsed = JSON.parse(text) as { widgets?: { properties?: { metrics?: unknown[][] } }[] };
    return (parsed.widgets ?? []).flatMap((widget) => widget.properties?.metrics ?? []);
  });

/**
 * A dashboard shows the flow (accepted, processed, duplicates, poison, transient, dead-lettered), the
 * age of both queues' oldest message, and the duration of every function named in `functions`.
 */
export const checkDashboard = (
  template: CfnTemplate,
  queues: readonly string[],
  functions: readonly string[],
): string[] => {
  const metrics = dashboardMetrics(template);
  if (metrics.length === 0) return ['there is no dashboard with metrics'];
  const shows = (name: string, dimensionValue?: string) =>
    metrics.some(
      (line) => line.includes(name) && (dimensionValue === undefined || line.includes(dimensionValue)),
    );
  return [
    ...DASHBOARD_FLOW.filter((name) => !shows(name)).map((name) => `the dashboard does not show ${name}`),
    ...queues
      .filter((queue) => !shows('ApproximateAgeOfOldestMessage', queue))
      .map((queue) => `the dashboard does not show the age of ${queue}'s oldest message`),
    ...functions
      .filter((fn) => !shows('Duration', fn))
      .map((fn) => `the dashboard does not show the duration of ${fn}`),
  ];
};

import { collectExports } from '@order-pipeline/local-aws/cloudformation';
import {
  checkApiAlarms,
  checkDashboard,
  checkDeadLetterAlarms,
  checkFunctionAlarms,
  checkQueueAgeAlarm,
  checkTableAlarms,
} from './alarmChecks';
import { CONTEXT, EXPORTS, FUNCTION_NAMES, propsOf, QUEUE_NAMES } from './fixtures';
import { describeChecks, type Mutation, type Stacks, setting } from './mutations';

/** The exports of the fixture's order-consumer: where the other stacks' alarm topic comes from. */
const catalog = (s: Stacks) => collectExports(s.consumer, CONTEXT);

const CHECKS = {
  functionAlarms: (s: Stacks) =>
    [s.consumer, s.ingest, s.dlq].flatMap((template) => checkFunctionAlarms(template, catalog(s))),
  tableAlarms: (s: Stacks) =>
    [s.consumer, s.dlq].flatMap((template) => checkTableAlarms(template, catalog(s))),
  apiAlarms: (s: Stacks) => checkApiAlarms(s.ingest, catalog(s)),
  ordersQueueAge: (s: Stacks) => checkQueueAgeAlarm(s.consumer, 'OrdersQueue', 300, catalog(s)),
  deadLetterQueueAge: (s: Stacks) => checkQueueAgeAlarm(s.dlq, EXPORTS.deadLetterQueueArn, 300, catalog(s)),
  deadLetterAlarms: (s: Stacks) => checkDeadLetterAlarms(s.dlq, catalog(s)),
  dashboard: (s: Stacks) => checkDashboard(s.consumer, QUEUE_NAMES, FUNCTION_NAMES),
};
type CheckName = keyof typeof CHECKS;

const MUTATIONS: Mutation<CheckName>[] = [
  {
    property: 'a function without an errors alarm',
    check: 'functionAlarms',
    mutate: (s) => {
      delete s.ingest.Resources.GetOrderLambdaFunctionErrorsAlarm;
    },
    reported: /function GetOrderLambdaFunction's Errors: no alarm/,
  },
  {
    property: 'a throttles alarm that fires only above 5 throttles',
    check: 'functionAlarms',
    mutate: setting('consumer', 'ProcessOrdersLambdaFunctionThrottlesAlarm', 'Threshold', 5),
    reported: /function ProcessOrdersLambdaFunction's Throttles: the alarm's threshold 5 is above 0/,
  },
  {
    property: 'an alarm that notifies a topic no stack exports',
    check: 'functionAlarms',
    mutate: setting('dlq', 'HandleDeadLettersLambdaFunctionErrorsAlarm', 'AlarmActions', [
      { 'Fn::ImportValue': 'order-pipeline-prod-DlqAlarmTopicArn' },
    ]),
    reported: /function HandleDeadLettersLambdaFunction's Errors: the alarm notifies no SNS topic/,
  },
  {
    property: 'a table whose alarm watches its write throttles only',
    check: 'tableAlarms',
    mutate: (s) => {
      const properties = propsOf(s.dlq, 'DeadLettersTableThrottledRequestsAlarm');
      properties.Metrics = (properties.Metrics as { Id: string }[]).filter((metric) => metric.Id !== 'reads');
    },
    reported: /table DeadLettersTable's throttled requests: no alarm/,
  },
  {
    property: 'an API without a p99 latency alarm',
    check: 'apiAlarms',
    mutate: setting('ingest', 'ApiGatewayRestApiLatencyAlarm', 'ExtendedStatistic', 'p50'),
    reported: /REST API ApiGatewayRestApi's p99 Latency: no alarm/,
  },
  {
    property: 'an API 5xx alarm on another API',
    check: 'apiAlarms',
    mutate: setting('ingest', 'ApiGatewayRestApiServerErrorsAlarm', 'Dimensions', [
      { Name: 'ApiName', Value: 'dev-ingest-api' },
    ]),
    reported: /REST API ApiGatewayRestApi's 5XXError: no alarm/,
  },
  {
    property: "an orders-queue age alarm above the stage's threshold",
    check: 'ordersQueueAge',
    mutate: setting('consumer', 'OrdersQueueAgeAlarm', 'Threshold', 3600),
    reported: /oldest message of OrdersQueue: the alarm's threshold 3600 is above 300/,
  },
  {
    property: 'the DLQ depth alarm instead of its age',
    check: 'deadLetterQueueAge',
    mutate: setting('dlq', 'DeadLetterQueueAgeAlarm', 'MetricName', 'ApproximateNumberOfMessagesVisible'),
    reported: /oldest message of order-pipeline-prod-OrdersDeadLetterQueueArn: no alarm/,
  },
  {
    property: 'no alarm on dead letters the handler failed to archive',
    check: 'deadLetterAlarms',
    mutate: (s) => {
      delete s.dlq.Resources.DeadLettersNotArchivedAlarm;
    },
    reported: /DeadLettersNotArchived: no alarm/,
  },
  {
    property: 'a dead letters archived alarm that notifies nobody',
    check: 'deadLetterAlarms',
    mutate: setting('dlq', 'DeadLettersArchivedAlarm', 'AlarmActions', []),
    reported: /DeadLettersArchived: the alarm notifies no SNS topic/,
  },
  {
    property: "a dashboard that leaves out a function's duration",
    check: 'dashboard',
    mutate: (s) => {
      const body = propsOf(s.consumer, 'PipelineDashboard').DashboardBody as { 'Fn::Sub': string };
      body['Fn::Sub'] = body['Fn::Sub'].replace(
        'dlq-handler-prod-handleDeadLetters',
        'dlq-handler-prod-other',
      );
    },
    reported: /the dashboard does not show the duration of dlq-handler-prod-handleDeadLetters/,
  },
  {
    property: 'a dashboard without poison messages',
    check: 'dashboard',
    mutate: (s) => {
      const body = propsOf(s.consumer, 'PipelineDashboard').DashboardBody as { 'Fn::Sub': string };
      body['Fn::Sub'] = body['Fn::Sub'].replace('PoisonMessages', 'Poison');
    },
    reported: /the dashboard does not show PoisonMessages/,
  },
];

describeChecks('alarm and dashboard checks', CHECKS, MUTATIONS);

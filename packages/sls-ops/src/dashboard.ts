import type { Resource } from './template';

/** custom.ops.dashboard: what the pipeline's dashboard shows. */
export interface DashboardSettings {
  name: string;
  /** The namespace of the services' EMF metrics (POWERTOOLS_METRICS_NAMESPACE). */
  namespace: string;
  ordersQueue: string;
  deadLetterQueue: string;
  /** Every function of the pipeline (all three services), by name, in the order orders flow. */
  functions: string[];
}

type MetricLine = (string | { label: string; stat: string })[];

const FIVE_MINUTES = 300;
// Fn::Sub puts the stack's region here.
const STACK_REGION = `\${AWS::Region}`;

/** What each stage of the flow counts, by metric: the dashboard's first two widgets. */
const flow = ({ namespace, ordersQueue }: DashboardSettings): MetricLine[] => [
  [
    'AWS/SQS',
    'NumberOfMessagesSent',
    'QueueName',
    ordersQueue,
    { label: 'accepted (sent to the orders queue)', stat: 'Sum' },
  ],
  [namespace, 'OrdersProcessed', 'service', 'order-consumer', { label: 'processed', stat: 'Sum' }],
  [namespace, 'DuplicateDeliveries', 'service', 'order-consumer', { label: 'duplicates', stat: 'Sum' }],
  [namespace, 'DeadLettersArchived', 'service', 'dlq-handler', { label: 'dead-lettered', stat: 'Sum' }],
];

const failures = ({ namespace }: DashboardSettings): MetricLine[] => [
  [namespace, 'PoisonMessages', 'service', 'order-consumer', { label: 'poison (receives)', stat: 'Sum' }],
  [
    namespace,
    'TransientFailures',
    'service',
    'order-consumer',
    { label: 'transient (receives)', stat: 'Sum' },
  ],
  [
    namespace,
    'UnexpectedFailures',
    'service',
    'order-consumer',
    { label: 'unexpected (receives)', stat: 'Sum' },
  ],
  [
    namespace,
    'DeadLettersNotArchived',
    'service',
    'dlq-handler',
    { label: 'dead letters not archived', stat: 'Sum' },
  ],
];

const queueAges = ({ ordersQueue, deadLetterQueue }: DashboardSettings): MetricLine[] =>
  [ordersQueue, deadLetterQueue].map((queue) => [
    'AWS/SQS',
    'ApproximateAgeOfOldestMessage',
    'QueueName',
    queue,
    { label: queue, stat: 'Maximum' },
  ]);

const durations = ({ functions }: DashboardSettings): MetricLine[] =>
  functions.map((fn) => ['AWS/Lambda', 'Duration', 'FunctionName', fn, { label: fn, stat: 'p99' }]);

const widget = (title: string, metrics: MetricLine[], index: number, unit?: string) => ({
  type: 'metric',
  x: (index % 2) * 12,
  y: Math.floor(index / 2) * 6,
  width: 12,
  height: 6,
  properties: {
    title,
    region: STACK_REGION,
    view: 'timeSeries',
    stacked: false,
    period: FIVE_MINUTES,
    metrics,
    ...(unit === undefined ? {} : { yAxis: { left: { label: unit, showUnits: false } } }),
  },
});

/**
 * The pipeline's CloudWatch dashboard: orders accepted, processed, duplicates and dead-lettered;
 * poison, transient and unexpected failures; the ages of the oldest message on both queues; the p99
 * duration of every function. The body is an Fn::Sub so that its region is the stack's.
 */
export const dashboard = (settings: DashboardSettings): Resource => {
  const widgets = [
    widget('Order flow (per 5 minutes)', flow(settings), 0),
    widget('Failures (per 5 minutes)', failures(settings), 1),
    widget('Oldest message age (s)', queueAges(settings), 2, 'seconds'),
    widget('Function duration, p99 (ms)', durations(settings), 3, 'milliseconds'),
  ];
  return {
    Type: 'AWS::CloudWatch::Dashboard',
    Properties: {
      DashboardName: settings.name,
      DashboardBody: { 'Fn::Sub': JSON.stringify({ widgets }) },
    },
  };
};

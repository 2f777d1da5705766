import { DynamoDBClient, paginateScan } from '@aws-sdk/client-dynamodb';
import { GetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { EXIT, type Program, type Values } from '@order-pipeline/common/cli';
import { LOCAL_CREDENTIALS, type StackInfo } from '@order-pipeline/local-aws/stack-file';
import { processAlive } from './processes';
import { LOCATION_OPTIONS, mainOfStackCommand, readStackFileIfAny, stackLocation } from './program';

export interface StatusReport {
  status: StackInfo['status'];
  pid: number;
  startedAt: string;
  apiBaseUrl: string;
  /** The console page's address, its token in the fragment (absent from stacks started before it). */
  consoleUrl?: string;
  apiKeys: Array<{ storeId?: number; apiKey: string }>;
  ports: Record<string, number>;
  stateDir: string;
  dataDir: string | null;
  services: Record<
    string,
    { pid: number | null; alive: boolean; state: string; restarts: number; lastExit?: string }
  >;
  queues: Record<string, { name: string; visible: number; inFlight: number; delayed: number }>;
  deadLetters: { total: number; byClass: Record<string, number>; byStatus: Record<string, number> };
  orders: { total: number; byStatus: Record<string, number> };
}

const countBy = (items: ReadonlyArray<Record<string, unknown>>, key: string): Record<string, number> => {
  const counts: Record<string, number> = {};
  for (const item of items) {
    const value = item[key] as { S?: string; N?: string } | undefined;
    const name = value?.S ?? value?.N ?? '(none)';
    counts[name] = (counts[name] ?? 0) + 1;
  }
  return counts;
};

const scanAll = async (dynamo: DynamoDBClient, table: string | undefined, attributes: string[]) => {
  if (!table) return [];
  const items: Array<Record<string, unknown>> = [];
  const names = Object.fromEntries(attributes.map((name, index) => [`#a${index}`, name]));
  for await (const page of paginateScan(
    { client: dynamo },
    {
      TableName: table,
      ProjectionExpression: Object.keys(names).join(', '),
      ExpressionAttributeNames: names,
    },
  )) {
    items.push(...(page.Items ?? []));
  }
  return items;
};

/** Everything `pnpm status` shows, read from the stack file and the embedded SQS and DynamoDB. */
export const collectStatus = async (info: StackInfo): Promise<StatusReport> => {
  const config = { region: info.region, credentials: LOCAL_CREDENTIALS };
  const sqs = new SQSClient({ ...config, endpoint: info.sqsEndpoint });
  const dynamo = new DynamoDBClient({ ...config, endpoint: info.dynamoEndpoint });
  try {
    const queues: StatusReport['queues'] = {};
    for (const [id, queue] of Object.entries(info.queues)) {
      const { Attributes = {} } = await sqs.send(
        new GetQueueAttributesCommand({
          QueueUrl: queue.url,
          AttributeNames: [
            'ApproximateNumberOfMessages',
            'ApproximateNumberOfMessagesNotVisible',
            'ApproximateNumberOfMessagesDelayed',
          ],
        }),
      );
      queues[id] = {
        name: queue.name,
        visible: Number(Attributes.ApproximateNumberOfMessages ?? 0),
        inFlight: Number(Attributes.ApproximateNumberOfMessagesNotVisible ?? 0),
        delayed: Number(Attributes.ApproximateNumberOfMessagesDelayed ?? 0),
      };
    }
    const deadLetters = await scanAll(dynamo, info.tables.DeadLettersTable, ['classification', 'status']);
    const orders = await scanAll(dynamo, info.tables.OrdersTable, ['status']);
    const stores = info.stores ?? [];
    return {
      status: info.status,
      pid: info.pid,
      startedAt: info.startedAt,
      apiBaseUrl: info.apiBaseUrl,
      ...(info.consoleUrl === undefined ? {} : { consoleUrl: info.consoleUrl }),
      apiKeys: stores.length
        ? stores.flatMap((store) => (store.apiKey ? [{ storeId: store.storeId, apiKey: store.apiKey }] : []))
        : [{ apiKey: info.apiKey }],
      ports: info.ports,
      stateDir: info.stateDir,
      dataDir: info.dataDir,
      services: Object.fromEntries(
        Object.entries(info.services ?? {}).map(([name, service]) => [
          name,
          { ...service, alive: service.pid !== null && processAlive(service.pid) },
        ]),
      ),
      queues,
      deadLetters: {
        total: deadLetters.length,
        byClass: countBy(deadLetters, 'classification'),
        byStatus: countBy(deadLetters, 'status'),
      },
      orders: { total: orders.length, byStatus: countBy(orders, 'status') },
    };
  } finally {
    sqs.destroy();
    dynamo.destroy();
  }
};

const counts = (record: Record<string, number>) =>
  Object.entries(record)
    .map(([name, count]) => `${name} ${count}`)
    .join(', ') || 'none';

export const renderStatus = (report: StatusReport): string =>
  [
    `Local stack ${report.status} (pid ${report.pid}, since ${report.startedAt})`,
    ...(report.consoleUrl === undefined ? [] : [`  Console    ${report.consoleUrl}`]),
    `  API        ${report.apiBaseUrl}`,
    ...report.apiKeys.map(
      (key) => `  API key    ${key.apiKey}${key.storeId !== undefined ? `   (store ${key.storeId})` : ''}`,
    ),
    `  State      ${report.dataDir ?? 'in memory'}`,
    'Services',
    ...Object.entries(report.services).map(
      ([name, service]) =>
        `  ${name.padEnd(15)} ${service.state.padEnd(10)} pid ${String(service.pid ?? '-').padEnd(8)} restarts ${service.restarts}${service.lastExit ? `   last exit ${service.lastExit}` : ''}${service.pid !== null && !service.alive ? '   (process gone)' : ''}`,
    ),
    'Queues',
    ...Object.values(report.queues).map(
      (queue) =>
        `  ${queue.name.padEnd(34)} visible ${queue.visible}, in flight ${queue.inFlight}, delayed ${queue.delayed}`,
    ),
    `Dead letters  ${report.deadLetters.total}: ${counts(report.deadLetters.byClass)} (${counts(report.deadLetters.byStatus)})`,
    `Orders        ${report.orders.total}: ${counts(report.orders.byStatus)}`,
  ].join('\n');

const OPTIONS = { json: { type: 'boolean', help: 'print it as JSON' }, ...LOCATION_OPTIONS } as const;

export const statusCommand: Program<typeof OPTIONS> = {
  name: 'pnpm status',
  description: `Shows the running local stack: each service's process, state and restarts; each queue's visible,
in-flight and delayed messages; dead letters by class; orders by status; the API URL and keys.`,
  options: OPTIONS,
  notes: 'Exit codes: 0 the stack is up, 1 it is not running (or not answering), 2 usage.',
  run: ({ values }) => status(values),
};

const status = async (values: Values<typeof OPTIONS>): Promise<number> => {
  const { file } = stackLocation(values);
  const info = await readStackFileIfAny(file);
  if (!info) {
    process.stderr.write(
      `the local stack is not running (${file} does not exist); start it with pnpm start\n`,
    );
    return EXIT.failed;
  }
  if (!processAlive(info.pid)) {
    process.stderr.write(
      `the local stack is not running: its process ${info.pid} is gone (stale ${file}; pnpm stop removes it)\n`,
    );
    return EXIT.failed;
  }
  const report = await collectStatus(info);
  process.stdout.write(values.json ? `${JSON.stringify(report, null, 2)}\n` : `${renderStatus(report)}\n`);
  return EXIT.ok;
};

if (require.main === module) mainOfStackCommand(statusCommand);

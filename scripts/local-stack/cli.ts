import { parseArgs } from 'node:util';
import { DEFAULT_STATE_DIR, type StackInfo } from '@order-pipeline/local-aws/stack-file';
import { DEFAULT_PORTS } from './ports';
import { type Stack, startStack } from './stack';

const USAGE = `Usage: pnpm start [--quiet] [--help]

Starts the whole pipeline locally, as one process tree: embedded SQS (local-aws-sqs) and DynamoDB
(dynalite) with the queues and tables of the services' own CloudFormation, an X-Ray segment
collector, and ingest-api, order-consumer and dlq-handler under \`sls offline start --stage local\`.
Prints the API URL, the development API key and a sample curl; writes the same facts to
.local/stack.json. Ctrl-C stops everything.

Options:
  --quiet   do not echo the services' output (it is always written to .local/logs/)
  --help    show this help

Ports (127.0.0.1): SQS ${DEFAULT_PORTS.sqs}, DynamoDB ${DEFAULT_PORTS.dynamo}, X-Ray UDP ${DEFAULT_PORTS.xray},
ingest-api ${DEFAULT_PORTS.ingestHttp}, order-consumer ${DEFAULT_PORTS.consumerHttp}, dlq-handler ${DEFAULT_PORTS.dlqHttp}.`;

export const summary = (info: StackInfo): string => {
  const sample = JSON.stringify({
    storeId: 7,
    currency: 'EUR',
    customer: {
      name: 'Ada Lovelace',
      email: 'ada@example.com',
      address: { line1: '12 St James Square', city: 'London', postalCode: 'SW1Y 4JH', country: 'GB' },
    },
    items: [{ sku: 'TEA-001', quantity: 2, unitPriceCents: 450 }],
  });
  return [
    '',
    'Local stack is up.',
    `  API          ${info.apiBaseUrl}`,
    `  API key      ${info.apiKey}   (header x-api-key; store 7's: every store's key is in stack.json "stores")`,
    `  SQS          ${info.sqsEndpoint}   orders queue ${info.queues.OrdersQueue?.url ?? '?'}`,
    `  DynamoDB     ${info.dynamoEndpoint}`,
    `  X-Ray        udp ${info.xrayDaemonAddress} -> ${info.tracesFile}`,
    `  Logs         ${info.logsDir}`,
    '',
    'Try it:',
    `  curl -s -X POST ${info.apiBaseUrl}/orders -H 'content-type: application/json' -H 'x-api-key: ${info.apiKey}' -H 'Idempotency-Key: try-it-0001' -d '${sample}'`,
    `  curl -s ${info.apiBaseUrl}/orders/<orderId> -H 'x-api-key: ${info.apiKey}'   # store 7's order`,
    "  pnpm traces <orderId>      # the order's trace across the three services",
    '  pnpm produce --help        # store traffic, with poison messages',
    '  pnpm dlq list              # dead letters',
    '',
    'Ctrl-C stops everything.',
  ].join('\n');
};

const main = async (): Promise<number> => {
  let values: { quiet?: boolean; help?: boolean };
  try {
    ({ values } = parseArgs({
      options: { quiet: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } },
    }));
  } catch (error) {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n\n${USAGE}\n`);
    return 2;
  }
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  process.stdout.write(`Starting the local stack (state in ${DEFAULT_STATE_DIR}) ...\n`);
  let stack: Stack | undefined;
  let stopping = false;
  const stop = async (code: number) => {
    if (stopping) return;
    stopping = true;
    process.stdout.write('\nStopping the local stack ...\n');
    await stack?.stop();
    process.exit(code);
  };
  process.once('SIGINT', () => void stop(130));
  process.once('SIGTERM', () => void stop(143));
  try {
    stack = await startStack({ echo: !values.quiet });
  } catch (error) {
    process.stderr.write(
      `\nThe local stack could not start: ${error instanceof Error ? error.message : String(error)}\n`,
    );
    return 1;
  }
  process.stdout.write(`${summary(stack.info)}\n`);
  try {
    await stack.failed;
  } catch (error) {
    if (!stopping) {
      process.stderr.write(`\n${error instanceof Error ? error.message : String(error)}\n`);
      await stop(1);
    }
  }
  return 0;
};

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exitCode = 1;
  },
);

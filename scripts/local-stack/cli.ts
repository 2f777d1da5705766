import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { EXIT, type Program, UsageError, type Values } from '@order-pipeline/common/cli';
import { SAMPLE_ORDER } from '@order-pipeline/local-aws';
import type { StackInfo } from '@order-pipeline/local-aws/stack-file';
import { createConsole } from './console';
import { BASE_PORT_ENV, DEFAULT_PORTS, describePorts, PORT_SPAN } from './ports';
import { divertSdkWarning, LOCATION_OPTIONS, mainOfStackCommand, stackLocation } from './program';
import { type Stack, StartAbortedError, startStack } from './stack';

const OPTIONS = {
  fresh: { type: 'boolean', help: 'start with empty queues, tables and traces (deletes .local/state/)' },
  watch: {
    type: 'boolean',
    help: `rebuild a service when its src/ or packages/common/src/ changes; the next
invocation of each of its functions (HTTP and SQS) then loads the new bundle,
a cold start every time (off by default: the stack runs what it built at start)`,
  },
  'base-port': {
    ...LOCATION_OPTIONS['base-port'],
    help: `bind the ${PORT_SPAN} ports from N on (also ${BASE_PORT_ENV}=N); state in .local/stack-N/`,
  },
  'state-dir': {
    ...LOCATION_OPTIONS['state-dir'],
    help: 'keep stack.json, logs/, build/ and state/ in DIR instead',
  },
  verbose: {
    type: 'boolean',
    help: 'echo every line the services print (SDK warnings, metric documents, ...)',
  },
  quiet: { type: 'boolean', help: 'echo nothing from the services (progress and errors only)' },
} as const;

type StartValues = Values<typeof OPTIONS>;

export const summary = (info: StackInfo): string => {
  const sample = JSON.stringify(SAMPLE_ORDER);
  return [
    '',
    'Local stack is up.',
    `  Console      ${info.consoleUrl ?? '?'}   (pipeline, dead letters, orders and traces)`,
    `  API          ${info.apiBaseUrl}`,
    `  API key      ${info.apiKey}   (header x-api-key; store 7's: every store's key is in stack.json "stores")`,
    `  SQS          ${info.sqsEndpoint}   orders queue ${info.queues.OrdersQueue?.url ?? '?'}`,
    `  DynamoDB     ${info.dynamoEndpoint}`,
    `  Traces       ${info.tracingBackend ?? 'xray'} backend: X-Ray udp ${info.xrayDaemonAddress}, OTLP ${info.otlpEndpoint ?? '?'} -> ${info.tracesFile}`,
    `  State        ${info.dataDir ?? 'in memory'}`,
    `  Logs         ${info.logsDir}`,
    ...(info.watch
      ? ['  Watching     services/*/src and packages/common/src: an edit reloads the functions (cold starts)']
      : []),
    '',
    'Try it:',
    `  curl -s -X POST ${info.apiBaseUrl}/orders -H 'content-type: application/json' -H 'x-api-key: ${info.apiKey}' -H 'Idempotency-Key: try-it-0001' -d '${sample}'`,
    `  curl -s ${info.apiBaseUrl}/orders/<orderId> -H 'x-api-key: ${info.apiKey}'   # store 7's order`,
    "  pnpm traces <orderId>      # the order's trace across the three services",
    '  pnpm produce --help        # store traffic, with poison messages',
    '  pnpm status                # services, queue depths, dead letters, orders',
    '  pnpm dlq list              # dead letters',
    '',
    'Ctrl-C (or pnpm stop) stops everything; the state is kept for the next start.',
    '',
  ].join('\n');
};

const SIGNAL_EXIT: Record<string, number> = { SIGINT: 130, SIGTERM: 143, SIGHUP: 129 };

export const startCommand: Program<typeof OPTIONS> = {
  name: 'pnpm start',
  description: `Starts the whole pipeline locally, as one supervised process tree: embedded SQS (local-aws-sqs) and
DynamoDB (dynalite) with the queues and tables of the services' own CloudFormation, a trace
collector (X-Ray segments over UDP, OpenTelemetry spans over OTLP/HTTP), and ingest-api, order-consumer and dlq-handler under
\`sls offline start --stage local\`, each built into .local/build/ and restarted if it exits.
Queues (in-flight messages included), tables and traces persist in .local/state/ across restarts.
Prints the API URL and key; writes the same facts, with every process id, to .local/stack.json.
Ctrl-C (or SIGTERM, SIGHUP, \`pnpm stop\`) stops everything, also during startup.`,
  options: OPTIONS,
  // The ports the help names are the ones this command line would bind.
  notes: (
    values,
  ) => `Tracing backend: TRACING_BACKEND=xray (default) or otel, e.g. \`TRACING_BACKEND=otel pnpm start\`.

Ports bound (127.0.0.1): ${describePorts(values ? stackLocation(values).ports : DEFAULT_PORTS)}.
Every service's full output is in .local/logs/. See also: pnpm status, pnpm stop.`,
  run: ({ values }) => start(values),
};

const start = async (values: StartValues): Promise<number> => {
  const location = stackLocation(values);
  if (values.verbose && values.quiet) throw new UsageError('--verbose and --quiet exclude each other');

  mkdirSync(join(location.stateDir, 'logs'), { recursive: true });
  divertSdkWarning(join(location.stateDir, 'logs', 'stack.log'));
  const out = createConsole(process.stdout, {
    color: process.stdout.isTTY === true,
    verbose: values.verbose === true,
  });
  process.stderr.on('error', () => undefined);
  const say = (line: string) => out.line('stack', line);
  say(`starting the local stack (${location.stateDir}) ...`);

  // Signals are handled from the first moment: during startup they abort it (whatever started is
  // stopped), afterwards they stop the stack. A second signal while stopping is ignored: the stop
  // itself is bounded (each service group is killed after a grace period).
  const abort = new AbortController();
  let stack: Stack | undefined;
  let stopping: Promise<void> | undefined;
  let signalled: string | undefined;
  const onSignal = (signal: NodeJS.Signals) => {
    if (signalled) return;
    signalled = signal;
    say(`${signal}: stopping the local stack ...`);
    if (stack) stopping = stack.stop();
    else abort.abort();
  };
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, onSignal);

  try {
    stack = await startStack({
      ports: location.ports,
      ...(location.basePort !== undefined ? { basePort: location.basePort } : {}),
      stateDir: location.stateDir,
      fresh: values.fresh === true,
      watch: values.watch === true,
      signal: abort.signal,
      output: (source, line) => {
        if (source === 'stack' || !values.quiet) out.line(source, line);
      },
    });
  } catch (error) {
    if (error instanceof StartAbortedError || signalled) {
      say('stopped during startup; every process and port is free');
      return SIGNAL_EXIT[signalled ?? 'SIGTERM'] ?? EXIT.failed;
    }
    process.stderr.write(
      `\nThe local stack could not start: ${error instanceof Error ? error.message : String(error)}\n`,
    );
    return EXIT.failed;
  }
  if (signalled) stopping = stack.stop();
  else {
    try {
      process.stdout.write(summary(stack.info));
    } catch {
      // no terminal
    }
  }

  const outcome = await Promise.race([
    stack.failed.then(
      () => 'never',
      (error: unknown) => error,
    ),
    new Promise<'signal'>((resolve) => {
      const check = setInterval(() => {
        if (stopping) {
          clearInterval(check);
          resolve('signal');
        }
      }, 50);
    }),
  ]);
  if (outcome === 'signal') {
    await stopping;
    say('stopped; state kept for the next start');
    return SIGNAL_EXIT[signalled ?? 'SIGTERM'] ?? EXIT.ok;
  }
  say(`stopping everything: ${outcome instanceof Error ? outcome.message : String(outcome)}`);
  await stack.stop();
  say('stopped (removed the stack file)');
  return EXIT.failed;
};

mainOfStackCommand(startCommand);

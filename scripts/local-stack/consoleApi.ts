// What the local console shows, read from the same places as the commands it stands beside:
// `pnpm status` (collectStatus), `pnpm dlq` (runCli: list, show and redrive, with their masking,
// refusals and dry run), `pnpm traces` (the collector's segment file, traceTree) and the orders
// table's one module. Nothing here is a second copy of their rules.
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { maskPersonalData, ORDER_ID_PATTERN } from '@order-pipeline/common';
import { ordersTable } from '@order-pipeline/common/orders-table';
import { LOCAL_CREDENTIALS, type StackInfo } from '@order-pipeline/local-aws/stack-file';
import { connect } from '../../services/dlq-handler/src/cli/clients';
import { runCli } from '../../services/dlq-handler/src/cli/run';
import { readDocuments } from '../traces/cli';
import { buildTrees, toNodes, traceIdsOfOrder } from '../traces/traceTree';
import type { CommandRun, OrderView, PipelineView, QueueView } from './console-page/views';
import { waterfall } from './consoleTrace';
import { collectStatus } from './status';

export type { CommandRun, OrderView, PipelineView, QueueView };

export interface ConsoleApi {
  pipeline(): Promise<PipelineView>;
  /** `pnpm dlq list --json`: masked summaries, oldest first. */
  deadLetters(): Promise<unknown[]>;
  /** `pnpm dlq show <messageId>`: masked. */
  showDeadLetter(messageId: string): Promise<CommandRun>;
  /** `pnpm dlq redrive --message-id ... [--dry-run]`. */
  redrive(request: { messageIds: readonly string[]; dryRun: boolean }): Promise<CommandRun>;
  order(storeId: number, orderId: string): Promise<OrderView>;
}

export interface ConsoleApiDeps {
  /** The running stack's facts, as they are now (services change state while it runs). */
  info: () => StackInfo;
  /** The stack file `pnpm dlq` reads to find this stack. */
  stackFile: string;
  /** Each queue's oldest message's SentTimestamp by queue name (the embedded SQS's state). */
  oldestSentTimestamps: () => Record<string, number | null>;
  now?: () => Date;
  /** How `pnpm dlq` is run; the real command by default (tests may count calls). */
  runDlq?: typeof runCli;
}

const ageSeconds = (sentAt: number | null | undefined, now: number): number | null =>
  sentAt === null || sentAt === undefined ? null : Math.max(0, Math.round((now - sentAt) / 1000));

/** The console's reads and the redrive, against a running stack. */
export const createConsoleApi = (deps: ConsoleApiDeps): ConsoleApi => {
  const now = deps.now ?? (() => new Date());
  const runDlq = deps.runDlq ?? runCli;

  const dlq = async (argv: string[]): Promise<CommandRun> => {
    const lines: CommandRun['lines'] = [];
    const exitCode = await runDlq(argv, {
      output: {
        out: (text) => lines.push({ stream: 'out', text }),
        err: (text) => lines.push({ stream: 'err', text }),
      },
      connect,
      stackFile: deps.stackFile,
      clock: now,
    });
    return { command: `pnpm dlq ${argv.join(' ')}`, exitCode, lines };
  };

  const withDocuments = async <T>(work: (client: DynamoDBDocumentClient) => Promise<T>): Promise<T> => {
    const info = deps.info();
    const client = new DynamoDBClient({
      region: info.region,
      endpoint: info.dynamoEndpoint,
      credentials: LOCAL_CREDENTIALS,
    });
    try {
      return await work(DynamoDBDocumentClient.from(client));
    } finally {
      client.destroy();
    }
  };

  return {
    async pipeline() {
      const info = deps.info();
      const report = await collectStatus(info);
      const sentAt = deps.oldestSentTimestamps();
      const at = now();
      return {
        status: report.status,
        startedAt: report.startedAt,
        apiBaseUrl: report.apiBaseUrl,
        queues: Object.entries(report.queues).map(([id, queue]) => ({
          id,
          ...queue,
          oldestAgeSeconds: ageSeconds(sentAt[queue.name], at.getTime()),
        })),
        orders: report.orders,
        deadLetters: report.deadLetters,
        services: report.services,
        at: at.toISOString(),
      };
    },

    async deadLetters() {
      const run = await dlq(['list', '--json']);
      if (run.exitCode !== 0) {
        throw new Error(run.lines.map((line) => line.text).join('\n') || `${run.command} failed`);
      }
      return JSON.parse(
        run.lines
          .filter((line) => line.stream === 'out')
          .map((line) => line.text)
          .join('\n'),
      ) as unknown[];
    },

    // A selected id is always a value, never an option: `--` ends show's options, and `--message-id=`
    // binds the id to its flag (an id such as `--unmask` or `--all-retries-exhausted` is looked up).
    showDeadLetter: (messageId) => dlq(['show', '--', messageId]),

    redrive: ({ messageIds, dryRun }) =>
      dlq(['redrive', ...messageIds.map((id) => `--message-id=${id}`), ...(dryRun ? ['--dry-run'] : [])]),

    async order(storeId, orderId) {
      const info = deps.info();
      // Only an id of the order contract's shape can be stored (DynamoDB refuses a key over 1 KiB
      // outright); any other is looked up in the traces alone.
      const stored = ORDER_ID_PATTERN.test(orderId)
        ? await withDocuments((client) =>
            ordersTable(client, info.tables.OrdersTable ?? '').get({ storeId, orderId }),
          )
        : undefined;
      const nodes = toNodes(await readDocuments(info.tracesFile).catch(() => []));
      // The stored order names its trace; every segment annotated with the order id counts too (a
      // redriven message continues the producer's trace, a legacy one may have started its own),
      // unless it names another store: two stores' orders may share an order id.
      const ofStore = nodes.filter((node) =>
        [undefined, storeId].includes(node.annotations.storeId as number),
      );
      const traceIds = [
        ...new Set([...(stored?.traceId ? [stored.traceId] : []), ...traceIdsOfOrder(ofStore, orderId)]),
      ];
      const trees = buildTrees(nodes.filter((node) => traceIds.includes(node.traceId)));
      const traces = traceIds
        .map((traceId) =>
          waterfall(
            traceId,
            trees.filter((tree) => tree.traceId === traceId),
          ),
        )
        .filter((trace) => trace.rows.length > 0);
      return maskPersonalData({
        storeId,
        orderId,
        ...(stored === undefined ? {} : { order: stored }),
        traces,
      }) as OrderView;
    },
  };
};

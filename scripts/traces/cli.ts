import { readFile } from 'node:fs/promises';
import { maskText } from '@order-pipeline/common';
import { mainOf, type Output, type Program, runCommand, type Values } from '@order-pipeline/common/cli';
import { readStackInfo } from '@order-pipeline/local-aws/stack-file';
import {
  buildTrees,
  renderTree,
  type SegmentDocument,
  type TraceNode,
  toNodes,
  traceIdsOfOrder,
} from './traceTree';

/** The segment documents of a collector's file (JSON Lines); unreadable lines are skipped. */
export const readDocuments = async (file: string): Promise<SegmentDocument[]> => {
  const text = await readFile(file, 'utf8').catch(() => {
    throw new Error(`no trace file at ${file}: is the local stack running (pnpm start)?`);
  });
  return text
    .split('\n')
    .filter((line) => line.trim() !== '')
    .flatMap((line) => {
      try {
        return [JSON.parse(line) as SegmentDocument];
      } catch {
        return [];
      }
    });
};

const recentTraces = (trees: readonly TraceNode[], limit = 20) => {
  const byTrace = new Map<string, TraceNode[]>();
  for (const tree of trees) byTrace.set(tree.traceId, [...(byTrace.get(tree.traceId) ?? []), tree]);
  const collect = (node: TraceNode): TraceNode[] => [node, ...node.children.flatMap(collect)];
  return [...byTrace.entries()]
    .map(([traceId, roots]) => {
      const nodes = roots.flatMap(collect);
      return {
        traceId,
        start: new Date(Math.min(...nodes.map((node) => node.start)) * 1000).toISOString(),
        services: [...new Set(nodes.map((node) => node.service))],
        orderId: nodes.find((node) => node.annotations.orderId !== undefined)?.annotations.orderId,
        errors: nodes.some((node) => node.error),
      };
    })
    .sort((a, b) => b.start.localeCompare(a.start))
    .slice(0, limit);
};

const OPTIONS = {
  json: { type: 'boolean', help: 'machine-readable output' },
  file: {
    type: 'string',
    value: 'PATH',
    help: "read segment documents from PATH (JSON Lines) instead of the running stack's file",
  },
} as const;

export const tracesCommand: Program<typeof OPTIONS> = {
  name: 'pnpm traces',
  args: '[orderId | traceId]',
  maxArgs: 1,
  description: `Prints one order's X-Ray trace as a tree across ingest-api -> order-consumer -> dlq-handler, with each
segment's service, name, duration and error flag, from the segments the local stack's collector
received. Without an argument, lists the most recent traces.`,
  options: OPTIONS,
  run: ({ values, positionals }, output) => traces(values, positionals, output),
};

/** `pnpm traces <argv>` with its results on `out` (diagnostics on stderr); answers the exit code. */
export const run = (argv: readonly string[], out: (text: string) => void): Promise<number> =>
  runCommand(tracesCommand, argv, { out, err: (line) => process.stderr.write(`${line}\n`) });

const traces = async (
  values: Values<typeof OPTIONS>,
  positionals: readonly string[],
  output: Output,
): Promise<number> => {
  const out = (text: string) => output.out(text);
  // Masked at the one place traces are printed: segment documents come from every service, and an
  // annotation or an error's message may hold what a producer should not have sent.
  const print = (text: string) => out(maskText(text));
  const file = values.file ?? (await readStackInfo()).tracesFile;
  const nodes = toNodes(await readDocuments(file));
  const trees = buildTrees(nodes);
  const [wanted] = positionals;
  if (wanted === undefined) {
    const recent = recentTraces(trees);
    print(
      values.json
        ? JSON.stringify(recent, null, 2)
        : recent
            .map(
              (t) =>
                `${t.start}  ${t.traceId}  ${t.services.join(' -> ')}${t.orderId ? `  order ${t.orderId}` : ''}${t.errors ? '  [ERROR]' : ''}`,
            )
            .join('\n') || 'no traces yet',
    );
    return 0;
  }
  const traceIds = wanted.startsWith('1-') ? [wanted] : traceIdsOfOrder(nodes, wanted);
  const selected = trees.filter((tree) => traceIds.includes(tree.traceId));
  if (selected.length === 0) {
    output.err(`no trace found for ${wanted}`);
    return 1;
  }
  print(
    values.json
      ? JSON.stringify(selected, null, 2)
      : traceIds
          .map((id) => `trace ${id}\n${renderTree(selected.filter((tree) => tree.traceId === id))}`)
          .join('\n\n'),
  );
  return 0;
};

if (require.main === module) mainOf(tracesCommand);

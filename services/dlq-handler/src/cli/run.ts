import { type Clock, toError } from '@order-pipeline/common';
import { describeFailure as describeCliFailure, EXIT, parseOrAnswer } from '@order-pipeline/common/cli';
import { parseCommand } from './args';
import type { CommandClients } from './clients';
import { listCommand } from './list';
import type { Output } from './output';
import { redriveCommand } from './redrive';
import { showCommand } from './show';
import { resolveStage, type StageTarget } from './stage';
import { DLQ_CLI } from './usage';

export interface CliDeps {
  output: Output;
  /** Builds the clients for a stage (real ones in main.ts, fakes in tests). */
  connect: (target: StageTarget) => CommandClients;
  stackFile?: string | undefined;
  env?: Readonly<Record<string, string | undefined>>;
  clock?: Clock;
}

const describeFailure = (error: Error, target: StageTarget | undefined): string =>
  describeCliFailure(
    error,
    target && {
      stage: target.stage,
      ...(target.local ? { localEndpoints: [target.local.dynamoEndpoint, target.local.sqsEndpoint] } : {}),
    },
  );

/** Runs `pnpm dlq <argv>` and answers the exit code; everything it touches comes from `deps`. */
export const runCli = async (argv: readonly string[], deps: CliDeps): Promise<number> => {
  const { output } = deps;
  const parsed = parseOrAnswer(argv, parseCommand, DLQ_CLI, output);
  if (typeof parsed === 'number') return parsed;

  let target: StageTarget | undefined;
  let clients: CommandClients | undefined;
  try {
    target = await resolveStage({
      stage: parsed.stage,
      region: parsed.region,
      stackFile: deps.stackFile,
      env: deps.env,
    });
    clients = deps.connect(target);
    const { deadLetters, ordersQueue } = clients;
    switch (parsed.kind) {
      case 'list':
        return await listCommand(parsed, { deadLetters, output });
      case 'show':
        return await showCommand(parsed, { deadLetters, output });
      case 'redrive':
        return await redriveCommand(parsed, {
          deadLetters,
          ordersQueue,
          output,
          clock: deps.clock ?? (() => new Date()),
        });
    }
  } catch (error) {
    output.err(`error: ${describeFailure(toError(error), target)}`);
    return EXIT.failed;
  } finally {
    clients?.close();
  }
};

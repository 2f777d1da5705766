import { toError } from '@order-pipeline/common';
import { UsageError } from '../errors';
import { COMMANDS, type CommandName, parseCommand } from './args';
import type { CommandClients } from './clients';
import { listCommand } from './list';
import type { Output } from './output';
import { redriveCommand } from './redrive';
import { showCommand } from './show';
import { resolveStage, type StageTarget } from './stage';
import { usage } from './usage';

export const EXIT = { ok: 0, failed: 1, usage: 2 } as const;

export interface CliDeps {
  output: Output;
  /** Builds the clients for a stage (real ones in main.ts, fakes in tests). */
  connect: (target: StageTarget) => CommandClients;
  stackFile?: string | undefined;
  env?: Readonly<Record<string, string | undefined>>;
  now?: () => Date;
}

const isCommand = (value: string | undefined): value is CommandName =>
  (COMMANDS as readonly string[]).includes(value ?? '');

/** An error's message, with a hint when the embedded services of the local stack do not answer. */
const describeFailure = (error: Error, target: StageTarget | undefined): string => {
  const code = (error as { code?: unknown }).code;
  if (target?.local && (code === 'ECONNREFUSED' || error.message.includes('ECONNREFUSED'))) {
    return `cannot reach the local stack (${target.local.dynamoEndpoint}, ${target.local.sqsEndpoint}): is \`pnpm start\` still running?`;
  }
  if (error.name === 'CredentialsProviderError') {
    return `${error.message}: stage ${target?.stage ?? '?'} uses the AWS default credential chain (AWS_PROFILE, environment variables, SSO, instance role)`;
  }
  return error.message;
};

/** Runs `pnpm dlq <argv>` and answers the exit code; everything it touches comes from `deps`. */
export const runCli = async (argv: readonly string[], deps: CliDeps): Promise<number> => {
  const { output } = deps;
  let parsed: ReturnType<typeof parseCommand>;
  try {
    parsed = parseCommand(argv);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    output.err(`error: ${error.message}\n`);
    output.err(usage(isCommand(error.command) ? error.command : undefined));
    return EXIT.usage;
  }
  if (parsed.kind === 'help') {
    output.out(usage(parsed.command));
    return EXIT.ok;
  }

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
          now: deps.now ?? (() => new Date()),
        });
    }
  } catch (error) {
    output.err(`error: ${describeFailure(toError(error), target)}`);
    return EXIT.failed;
  } finally {
    clients?.close();
  }
};

import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { readStackInfo } from '@order-pipeline/local-aws/stack-file';
import { processAlive } from './processes';
import { EXIT, parseStackCommand, runProgram, stackLocation } from './program';

const USAGE = `Usage: pnpm reset [--base-port N] [--state-dir DIR] [--help]

Deletes the local stack's persisted queues, tables and traces (.local/state/), so that the next
pnpm start begins empty (as pnpm start --fresh does). Refuses while that stack is running.

Options:
  --base-port N      the stack started with --base-port N (or LOCAL_STACK_BASE_PORT=N)
  --state-dir DIR    the stack started with --state-dir DIR
  --help             show this help

Exit codes: 0 reset, 1 the stack is running, 2 usage.`;

const main = async (argv: string[]): Promise<number> => {
  const values = parseStackCommand(argv, 'reset', USAGE, {});
  if (!values) return EXIT.ok;
  const { file, stateDir } = stackLocation(values);
  const running = await readStackInfo(file).then(
    (info) => (processAlive(info.pid) ? info.pid : undefined),
    () => undefined,
  );
  if (running !== undefined) {
    process.stderr.write(`the local stack is running (pid ${running}); stop it first (pnpm stop)\n`);
    return EXIT.failed;
  }
  const dataDir = join(stateDir, 'state');
  await rm(dataDir, { recursive: true, force: true });
  process.stdout.write(`removed ${dataDir}: the next start begins empty\n`);
  return EXIT.ok;
};

runProgram(USAGE, main);

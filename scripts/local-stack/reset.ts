import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { EXIT, type Program, type Values } from '@order-pipeline/common/cli';
import { readStackInfo } from '@order-pipeline/local-aws/stack-file';
import { processAlive } from './processes';
import { LOCATION_OPTIONS, mainOfStackCommand, stackLocation } from './program';

export const resetCommand: Program<typeof LOCATION_OPTIONS> = {
  name: 'pnpm reset',
  description: `Deletes the local stack's persisted queues, tables and traces (.local/state/), so that the next
pnpm start begins empty (as pnpm start --fresh does). Refuses while that stack is running.`,
  options: LOCATION_OPTIONS,
  notes: 'Exit codes: 0 reset, 1 the stack is running, 2 usage.',
  run: ({ values }) => reset(values),
};

const reset = async (values: Values<typeof LOCATION_OPTIONS>): Promise<number> => {
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

mainOfStackCommand(resetCommand);

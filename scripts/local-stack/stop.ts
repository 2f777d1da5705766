import { rm } from 'node:fs/promises';
import { EXIT, type Program, UsageError, type Values } from '@order-pipeline/common/cli';
import { clearStaleStack, processAlive, servicePids, signalGroup, waitForExit } from './processes';
import { LOCATION_OPTIONS, mainOfStackCommand, readStackFileIfAny, stackLocation } from './program';

const OPTIONS = {
  ...LOCATION_OPTIONS,
  timeout: { type: 'string', value: 'SECONDS', help: 'how long to wait before killing it (default 30)' },
} as const;

export const stopCommand: Program<typeof OPTIONS> = {
  name: 'pnpm stop',
  description: `Stops the local stack started elsewhere (another terminal): sends SIGTERM to the process named in
its .local/stack.json and waits until it and every service process it started are gone. A stack
that does not stop within the timeout is killed (SIGKILL, with its services' process groups).
A stack file whose process is gone (a stack killed hard) is removed, with any service it left.`,
  options: OPTIONS,
  notes: `Exit codes: 0 stopped (or nothing was running), 1 it had to be killed or could not be stopped,
2 usage.`,
  run: ({ values }) => stop(values),
};

const stop = async (values: Values<typeof OPTIONS>): Promise<number> => {
  const timeoutSeconds = Number(values.timeout ?? 30);
  if (!Number.isFinite(timeoutSeconds) || timeoutSeconds <= 0 || timeoutSeconds > 600) {
    throw new UsageError(`--timeout must be a number of seconds from 1 to 600, got "${values.timeout}"`);
  }
  const { file } = stackLocation(values);

  const info = await readStackFileIfAny(file);
  if (!info) {
    process.stdout.write(`no local stack is running (${file} does not exist)\n`);
    return EXIT.ok;
  }
  const services = servicePids(info);
  if (!processAlive(info.pid)) {
    const killed = await clearStaleStack(info, file);
    process.stdout.write(
      `the stack (pid ${info.pid}) was already gone; removed its stale ${file}${killed.length > 0 ? ` and killed its leftover services ${killed.join(', ')}` : ''}\n`,
    );
    return EXIT.ok;
  }
  process.stdout.write(`stopping the local stack (pid ${info.pid}) ...\n`);
  process.kill(info.pid, 'SIGTERM');
  const left = await waitForExit([info.pid, ...services], timeoutSeconds * 1000);
  if (left.length === 0) {
    process.stdout.write('stopped\n');
    return EXIT.ok;
  }
  process.stderr.write(`still running after ${timeoutSeconds} s: ${left.join(', ')}; killing them\n`);
  process.kill(info.pid, 'SIGKILL');
  for (const pid of services) signalGroup(pid, 'SIGKILL');
  await rm(file, { force: true });
  const survivors = await waitForExit(left, 5000);
  if (survivors.length > 0) process.stderr.write(`could not kill ${survivors.join(', ')}\n`);
  return EXIT.failed;
};

mainOfStackCommand(stopCommand);

/**
 * Runs the local stack (ingest-api and order-consumer) in a process of its own for `pnpm bench`, so
 * that the CPU time of its data plane (embedded SQS, DynamoDB and X-Ray collector, all in this
 * process) is measured apart from the load generator's. Reports the stack's facts over IPC, then
 * stops the stack when told to or when the bench goes away.
 */
import { freePorts } from '../local-stack/ports';
import { startStack } from '../local-stack/stack';

export interface StackProcessReady {
  info: import('@order-pipeline/local-aws/stack-file').StackInfo;
  services: { name: string; pid: number }[];
}

const main = async (): Promise<void> => {
  const stateDir = process.argv[2];
  if (!stateDir) throw new Error('usage: stackProcess.ts <stateDir>');
  const stack = await startStack({
    ports: await freePorts(),
    stateDir,
    services: ['order-consumer', 'ingest-api'],
  });
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    await stack.stop();
    process.exit(0);
  };
  process.on('message', (message) => {
    if (message === 'stop') void stop();
  });
  process.on('disconnect', () => void stop());
  const ready: StackProcessReady = {
    info: stack.info,
    services: stack.services().flatMap(({ name, pid }) => (pid === null ? [] : [{ name, pid }])),
  };
  process.send?.(ready);
};

main().catch((error: unknown) => {
  process.send?.({ error: error instanceof Error ? (error.stack ?? error.message) : String(error) });
  process.exit(1);
});

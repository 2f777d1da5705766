import { readFile, rm } from 'node:fs/promises';
import type { StackInfo } from '@order-pipeline/local-aws/stack-file';

/** True while a process with this id exists (signal 0 probes without signalling). */
export const processAlive = (pid: number): boolean => {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
};

/** Signals a whole process group (the service's sls, its esbuild, its workers); false if gone. */
export const signalGroup = (pid: number, signal: NodeJS.Signals): boolean => {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(-pid, signal);
    return true;
  } catch {
    return false;
  }
};

/** The command line of a process (Linux /proc), or undefined where unreadable. */
export const commandLine = async (pid: number): Promise<string | undefined> => {
  try {
    return (await readFile(`/proc/${pid}/cmdline`, 'utf8')).replaceAll('\0', ' ');
  } catch {
    return undefined;
  }
};

/**
 * Kills the groups of service processes a dead stack left behind (its own process was killed
 * hard). A pid is only trusted while its command line is still `sls offline` (pids are reused).
 */
export const killLeftovers = async (pids: readonly number[]): Promise<number[]> => {
  const killed: number[] = [];
  for (const pid of pids) {
    if (!processAlive(pid)) continue;
    const command = await commandLine(pid);
    if (command !== undefined && !command.includes('offline')) continue;
    if (signalGroup(pid, 'SIGKILL')) killed.push(pid);
  }
  return killed;
};

/** The pids of the services a stack file names. */
export const servicePids = (info: StackInfo): number[] =>
  Object.values(info.services ?? {}).flatMap((service) => (service.pid ? [service.pid] : []));

/**
 * Clears what a dead stack left: its leftover services (see killLeftovers) and its stack file.
 * Answers the pids it killed.
 */
export const clearStaleStack = async (info: StackInfo, file: string): Promise<number[]> => {
  const killed = await killLeftovers(servicePids(info));
  await rm(file, { force: true });
  return killed;
};

/** Waits until none of `pids` exists, up to `timeoutMs`; answers the ones still alive. */
export const waitForExit = async (pids: readonly number[], timeoutMs: number): Promise<number[]> => {
  const deadline = Date.now() + timeoutMs;
  let alive = pids.filter(processAlive);
  while (alive.length > 0 && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    alive = alive.filter(processAlive);
  }
  return alive;
};

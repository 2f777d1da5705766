import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';

export const REPO_ROOT = resolve(__dirname, '../..');
export const DEFAULT_STATE_DIR = join(REPO_ROOT, '.local');

export interface QueueInfo {
  url: string;
  arn: string;
  name: string;
}

/** What the running local stack writes to `.local/stack.json` for scripts and tests. */
export interface StackInfo {
  stage: 'local';
  region: string;
  apiBaseUrl: string;
  apiKey: string;
  sqsEndpoint: string;
  dynamoEndpoint: string;
  xrayDaemonAddress: string;
  queues: Record<string, QueueInfo>;
  tables: Record<string, string>;
  tracesFile: string;
  logsDir: string;
  pid: number;
  startedAt: string;
}

export const stackFile = (stateDir = DEFAULT_STATE_DIR): string => join(stateDir, 'stack.json');

export class StackNotRunningError extends Error {
  constructor(file: string) {
    super(`no local stack found (${file} is missing): start it with \`pnpm start\``);
    this.name = 'StackNotRunningError';
  }
}

/** Reads the running stack's facts; STACK_FILE overrides the location (tests run their own stack). */
export const readStackInfo = async (file = process.env.STACK_FILE ?? stackFile()): Promise<StackInfo> => {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    throw new StackNotRunningError(file);
  }
  return JSON.parse(text) as StackInfo;
};

export const queueOf = (stack: StackInfo, logicalId: string): QueueInfo => {
  const queue = stack.queues[logicalId];
  if (!queue) throw new Error(`the local stack has no queue ${logicalId}`);
  return queue;
};

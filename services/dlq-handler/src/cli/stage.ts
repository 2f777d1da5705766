import { awsRegion, DEFAULT_REGION } from '@order-pipeline/common/cli';
import {
  readStackInfo,
  StackFileError,
  type StackInfo,
  stackFile,
} from '@order-pipeline/local-aws/stack-file';
import { LocalStackError } from '../errors';

export const LOCAL_STAGE = 'local';
export { DEFAULT_REGION };
/** Written by the local stack (`pnpm start`) at the repository root while it runs. */
export const DEFAULT_STACK_FILE = stackFile();

/** Where the command's dead letters and orders queue are, for one stage. */
export interface StageTarget {
  stage: string;
  region: string;
  deadLettersTable: string;
  /** Known on the local stage; on AWS it is looked up (GetQueueUrl) by name when a redrive needs it. */
  ordersQueue: { url: string } | { name: string };
  /** The embedded services and their fake credentials on the local stage; undefined on AWS. */
  local?: { sqsEndpoint: string; dynamoEndpoint: string };
}

const text = (value: unknown): string | undefined =>
  typeof value === 'string' && value.trim() !== '' ? value : undefined;

const readStack = async (file: string): Promise<StackInfo> => {
  try {
    return await readStackInfo(file);
  } catch (error) {
    if (!(error instanceof StackFileError)) throw error;
    const hint = error.reason === 'missing' ? ' Or pass --stage <stage> for a deployed stage.' : '';
    throw new LocalStackError(`${error.message}${hint}`, file, { cause: error });
  }
};

const localTarget = async (stackFile: string, region: string | undefined): Promise<StageTarget> => {
  const stack = await readStack(stackFile);
  const missing = (what: string) =>
    new LocalStackError(`${stackFile} names no ${what}; restart the local stack`, stackFile);
  const sqsEndpoint = text(stack.sqsEndpoint);
  const dynamoEndpoint = text(stack.dynamoEndpoint);
  const deadLettersTable = text(stack.tables.DeadLettersTable);
  const ordersQueueUrl = text(stack.queues.OrdersQueue?.url);
  if (sqsEndpoint === undefined) throw missing('sqsEndpoint');
  if (dynamoEndpoint === undefined) throw missing('dynamoEndpoint');
  if (deadLettersTable === undefined) throw missing('DeadLettersTable (is dlq-handler part of the stack?)');
  if (ordersQueueUrl === undefined) throw missing('OrdersQueue');
  return {
    stage: LOCAL_STAGE,
    region: region ?? text(stack.region) ?? DEFAULT_REGION,
    deadLettersTable,
    ordersQueue: { url: ordersQueueUrl },
    local: { sqsEndpoint, dynamoEndpoint },
  };
};

export interface StageOptions {
  stage: string;
  region?: string | undefined;
  /** Defaults to DEFAULT_STACK_FILE. */
  stackFile?: string | undefined;
  env?: Readonly<Record<string, string | undefined>>;
}

/**
 * `local` reads the running local stack's description; any other stage is a deployed one, reached
 * with the AWS default credential chain, its resources named as the services name them.
 */
export const resolveStage = async (options: StageOptions): Promise<StageTarget> => {
  if (options.stage === LOCAL_STAGE) {
    return localTarget(options.stackFile ?? DEFAULT_STACK_FILE, options.region);
  }
  const env = options.env ?? process.env;
  const prefix = `order-pipeline-${options.stage}`;
  return {
    stage: options.stage,
    region: awsRegion(options.region, env),
    deadLettersTable: `${prefix}-dead-letters`,
    ordersQueue: { name: `${prefix}-orders` },
  };
};

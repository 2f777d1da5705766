import { StackFileError } from '@order-pipeline/local-aws/stack-file';
import {
  LOCAL_STAGE,
  resolveStage as resolveCommandStage,
  type Stage,
  type StageOptions,
} from '@order-pipeline/local-aws/stage';
import { LocalStackError } from '../errors';

export { LOCAL_STAGE };

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

const localTarget = (stage: Extract<Stage, { kind: 'local' }>): StageTarget => {
  const { stack, stackFile } = stage;
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
    region: stage.region,
    deadLettersTable,
    ordersQueue: { url: ordersQueueUrl },
    local: { sqsEndpoint, dynamoEndpoint },
  };
};

/**
 * `local` reads the running local stack's description; any other stage is a deployed one, reached
 * with the AWS default credential chain, its resources named as the services name them.
 */
export const resolveStage = async (options: StageOptions): Promise<StageTarget> => {
  let stage: Stage;
  try {
    stage = await resolveCommandStage(options);
  } catch (error) {
    if (!(error instanceof StackFileError)) throw error;
    const hint = error.reason === 'missing' ? ' Or pass --stage <stage> for a deployed stage.' : '';
    throw new LocalStackError(`${error.message}${hint}`, error.file, { cause: error });
  }
  if (stage.kind === 'local') return localTarget(stage);
  return {
    stage: stage.stage,
    region: stage.region,
    deadLettersTable: `${stage.prefix}-dead-letters`,
    ordersQueue: { name: `${stage.prefix}-orders` },
  };
};

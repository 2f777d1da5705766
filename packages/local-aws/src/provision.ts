import {
  type AttributeDefinition,
  CreateTableCommand,
  DescribeTableCommand,
  type DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import { CreateQueueCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { type CfnResource, referencedIds } from './cloudFormation';
import { LOCAL_ACCOUNT_ID, LOCAL_REGION } from './servers';

export interface ProvisionedQueue {
  name: string;
  url: string;
  arn: string;
}

// CloudFormation properties of AWS::SQS::Queue that are also CreateQueue attributes.
const QUEUE_ATTRIBUTES = [
  'DelaySeconds',
  'MaximumMessageSize',
  'MessageRetentionPeriod',
  'ReceiveMessageWaitTimeSeconds',
  'VisibilityTimeout',
  'RedrivePolicy',
  'SqsManagedSseEnabled',
  'FifoQueue',
  'ContentBasedDeduplication',
] as const;

type Intrinsic = { 'Fn::GetAtt'?: [string, string]; Ref?: string };

/** Orders resources so that whatever one references (a DLQ in a RedrivePolicy) comes first. */
const dependencyOrder = (resources: Record<string, CfnResource>): string[] => {
  const ordered: string[] = [];
  const visit = (id: string, path: string[]) => {
    if (ordered.includes(id) || !(id in resources)) return;
    if (path.includes(id))
      throw new Error(`resources reference each other in a cycle: ${[...path, id].join(' -> ')}`);
    for (const dependency of referencedIds(resources[id]?.Properties)) visit(dependency, [...path, id]);
    ordered.push(id);
  };
  for (const id of Object.keys(resources)) visit(id, []);
  return ordered;
};

const resolveIntrinsics = (value: unknown, queues: Record<string, ProvisionedQueue>): unknown => {
  if (Array.isArray(value)) return value.map((item) => resolveIntrinsics(item, queues));
  if (typeof value !== 'object' || value === null) return value;
  const intrinsic = value as Intrinsic;
  const getAtt = intrinsic['Fn::GetAtt'];
  if (getAtt) {
    const queue = queues[getAtt[0]];
    if (!queue || getAtt[1] !== 'Arn')
      throw new Error(`cannot resolve Fn::GetAtt ${getAtt.join('.')} locally`);
    return queue.arn;
  }
  if (intrinsic.Ref) {
    const queue = queues[intrinsic.Ref];
    if (!queue) throw new Error(`cannot resolve Ref ${intrinsic.Ref} locally`);
    return queue.url;
  }
  return Object.fromEntries(
    Object.entries(value).map(([key, item]) => [key, resolveIntrinsics(item, queues)]),
  );
};

const asAttribute = (value: unknown): string =>
  typeof value === 'object' ? JSON.stringify(value) : String(value);

/** Creates every AWS::SQS::Queue of the resources, each after the queues it references. */
export const provisionQueues = async (
  resources: Record<string, CfnResource>,
  sqs: SQSClient,
): Promise<Record<string, ProvisionedQueue>> => {
  const queues: Record<string, ProvisionedQueue> = {};
  for (const id of dependencyOrder(resources)) {
    const resource = resources[id];
    if (resource?.Type !== 'AWS::SQS::Queue') continue;
    const properties = resolveIntrinsics(resource.Properties ?? {}, queues) as Record<string, unknown>;
    const name = String(properties.QueueName ?? id);
    const Attributes = Object.fromEntries(
      QUEUE_ATTRIBUTES.filter((key) => properties[key] !== undefined).map((key) => [
        key,
        asAttribute(properties[key]),
      ]),
    );
    const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: name, Attributes }));
    if (!QueueUrl) throw new Error(`CreateQueue ${name} returned no QueueUrl`);
    queues[id] = { name, url: QueueUrl, arn: `arn:aws:sqs:${LOCAL_REGION}:${LOCAL_ACCOUNT_ID}:${name}` };
  }
  return queues;
};

/**
 * Creates every AWS::DynamoDB::Table of the resources (keys and indexes; encryption and PITR are
 * AWS-only). A table that already exists (a persisted local stack) is kept as it is.
 */
export const provisionTables = async (
  resources: Record<string, CfnResource>,
  dynamo: DynamoDBClient,
): Promise<Record<string, string>> => {
  const tables: Record<string, string> = {};
  for (const [id, resource] of Object.entries(resources)) {
    if (resource.Type !== 'AWS::DynamoDB::Table') continue;
    const properties = resource.Properties ?? {};
    const name = String(properties.TableName ?? id);
    const existing = await dynamo.send(new DescribeTableCommand({ TableName: name })).then(
      ({ Table }) => Table,
      (error: unknown) => {
        if ((error as { name?: string }).name === 'ResourceNotFoundException') return undefined;
        throw error;
      },
    );
    tables[id] = name;
    if (existing) {
      const keyOf = (schema: unknown) => JSON.stringify(schema ?? []);
      if (keyOf(existing.KeySchema) !== keyOf(properties.KeySchema)) {
        throw new Error(
          `the persisted table ${name} has the key ${keyOf(existing.KeySchema)}, the service now declares ${keyOf(properties.KeySchema)}: start with --fresh (or pnpm reset) to recreate it`,
        );
      }
      continue;
    }
    await dynamo.send(
      new CreateTableCommand({
        TableName: name,
        AttributeDefinitions: properties.AttributeDefinitions as AttributeDefinition[],
        KeySchema: properties.KeySchema as CreateTableCommand['input']['KeySchema'],
        GlobalSecondaryIndexes:
          properties.GlobalSecondaryIndexes as CreateTableCommand['input']['GlobalSecondaryIndexes'],
        BillingMode: 'PAY_PER_REQUEST',
      }),
    );
  }
  return tables;
};

import type { Grant } from './iamChecks';

/**
 * What each service may do with SQS, DynamoDB and SNS: the pipeline's least-privilege intent,
 * written down once. Resources are in `describeValue` form; imported ones by order-consumer's export
 * names for the stage.
 */
export interface OrderConsumerExports {
  ordersQueueArn: string;
  deadLetterQueueArn: string;
  ordersTableArn: string;
  storesTableArn: string;
}

const CONSUME = [
  'sqs:ReceiveMessage',
  'sqs:DeleteMessage',
  'sqs:ChangeMessageVisibility',
  'sqs:GetQueueAttributes',
];
const READ_ITEMS = [
  'dynamodb:GetItem',
  'dynamodb:BatchGetItem',
  'dynamodb:Query',
  'dynamodb:ConditionCheckItem',
  'dynamodb:DescribeTable',
];

const imported = (name: string): string => `ImportValue(${name})`;

/**
 * The idempotency record (packages/common/src/ordersTable.ts): a conditional PutItem, a GetItem when the
 * condition fails, an UpdateItem with the messageId, a DeleteItem when SQS refused the message.
 */
const IDEMPOTENCY_RECORD = [
  'dynamodb:PutItem',
  'dynamodb:GetItem',
  'dynamodb:UpdateItem',
  'dynamodb:DeleteItem',
];

/** The stores registry's key index, as ingest-api's authorizer role names it. */
export const storesKeyIndex = (exports: OrderConsumerExports): string =>
  `Join(${imported(exports.storesTableArn)}/index/byApiKeyHash)`;

/**
 * ingest-api sends to the orders queue; its POST functions keep the orders' idempotency records, its GET
 * function only reads; its authorizer only queries the stores registry's key index; nothing else.
 */
export const ingestApiGrants = (exports: OrderConsumerExports): Grant[] => [
  { resource: imported(exports.ordersQueueArn), actions: ['sqs:SendMessage'] },
  { resource: imported(exports.ordersTableArn), actions: READ_ITEMS, role: 'GetOrderRole' },
  { resource: imported(exports.ordersTableArn), actions: IDEMPOTENCY_RECORD, role: 'CreateOrderRole' },
  { resource: imported(exports.ordersTableArn), actions: IDEMPOTENCY_RECORD, role: 'CreateOrderBatchRole' },
  { resource: storesKeyIndex(exports), actions: ['dynamodb:Query'], role: 'AuthorizeStoreRole' },
];

/** Who reads the stores registry, per service: one role each, read-only, one action. */
export const STORES_READERS = {
  'ingest-api': { AuthorizeStoreRole: ['dynamodb:Query'] },
  'order-consumer': { ProcessOrdersRole: ['dynamodb:GetItem'] },
  'dlq-handler': { HandleDeadLettersRole: ['dynamodb:GetItem'] },
} as const;

/** order-consumer consumes its orders queue and writes its orders table; it sends to no queue. */
export const orderConsumerGrants = (): Grant[] => [
  { resource: 'GetAtt(OrdersQueue.Arn)', actions: CONSUME },
  {
    resource: 'GetAtt(OrdersTable.Arn)',
    actions: ['dynamodb:PutItem', 'dynamodb:UpdateItem', ...READ_ITEMS],
  },
  { resource: 'GetAtt(StoresTable.Arn)', actions: ['dynamodb:GetItem'] },
];

/**
 * dlq-handler consumes the DLQ, writes its dead-letters table, updates an order's status, and may
 * send to the orders queue only (a redrive; today `pnpm dlq redrive` runs from the CLI instead).
 */
export const dlqHandlerGrants = (exports: OrderConsumerExports): Grant[] => [
  { resource: imported(exports.deadLetterQueueArn), actions: CONSUME },
  { resource: imported(exports.ordersQueueArn), actions: ['sqs:SendMessage'] },
  {
    resource: 'GetAtt(DeadLettersTable.Arn)',
    actions: ['dynamodb:PutItem', 'dynamodb:UpdateItem', ...READ_ITEMS],
  },
  { resource: imported(exports.ordersTableArn), actions: ['dynamodb:UpdateItem', ...READ_ITEMS] },
  { resource: imported(exports.storesTableArn), actions: ['dynamodb:GetItem'] },
];

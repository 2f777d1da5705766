import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  DeleteMessageBatchCommand,
  GetQueueAttributesCommand,
  type Message,
  ReceiveMessageCommand,
  SendMessageCommand,
} from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import {
  buildOrderAttributes,
  inspectOrderMessage,
  type Order,
  type OutgoingAttributes,
} from '@order-pipeline/common';
import {
  anOrder,
  lambdaContext,
  lambdaRecordFromMessage,
  openStores,
  setEnv,
  sqsEvent,
  waitUntil,
} from '@order-pipeline/common/testing';
import { parseTraceHeader } from '@order-pipeline/common/tracing';
import {
  type LocalAws,
  type ProvisionedQueue,
  startLocalAws,
  writeTestStackFile,
} from '@order-pipeline/local-aws';
import type { SQSBatchResponse, SQSRecord } from 'aws-lambda';

import { connect } from '../../src/cli/clients';
import { runCli } from '../../src/cli/run';
import { readConfig } from '../../src/config';
import { createHandler, type HandlerDependencies } from '../../src/createHandler';
import { sideEffects } from '../../src/sideEffects';
import { recordingOutput } from '../support/fakes';

const PRODUCER_TRACE = 'Root=1-6740a1b2-0123456789abcdef01234567;Parent=1122334455667788;Sampled=1';
const CLOSED_STORE = 42;

const queue = (local: LocalAws, id: 'OrdersQueue' | 'OrdersDeadLetterQueue'): ProvisionedQueue => {
  const found = local.queues[id];
  if (found === undefined) throw new Error(`${id} was not provisioned`);
  return found;
};

describe('the dead-letter path (embedded SQS and DynamoDB)', () => {
  let local: LocalAws;
  let orders: ProvisionedQueue;
  let dlq: ProvisionedQueue;
  let documents: DynamoDBDocumentClient;
  let deps: HandlerDependencies;
  let stackDir: string;
  let stackFile: string;
  let restoreEnv: () => void = () => undefined;

  beforeAll(async () => {
    local = await startLocalAws({ services: ['order-consumer', 'dlq-handler'] });
    orders = queue(local, 'OrdersQueue');
    dlq = queue(local, 'OrdersDeadLetterQueue');
    restoreEnv = setEnv({
      ...local.env,
      DEAD_LETTERS_TABLE: local.tables.DeadLettersTable,
      ORDERS_TABLE: local.tables.OrdersTable,
      STORES_TABLE: local.tables.StoresTable,
      // The handler's EMF and log lines are asserted by the unit tests; here they would be noise.
      POWERTOOLS_METRICS_DISABLED: 'true',
      POWERTOOLS_LOG_LEVEL: 'SILENT',
    });
    deps = sideEffects(readConfig());
    documents = DynamoDBDocumentClient.from(local.dynamo);
    // The file the local stack writes, so that `pnpm dlq` runs here exactly as against `pnpm start`.
    stackDir = await mkdtemp(join(tmpdir(), 'dlq-stack-'));
    stackFile = await writeTestStackFile(local, stackDir);
  }, 60_000);

  afterAll(async () => {
    restoreEnv();
    await rm(stackDir, { recursive: true, force: true });
    await local?.stop();
  });

  const send = async (order: Order, attributes: OutgoingAttributes) => {
    const { MessageId } = await local.sqs.send(
      new SendMessageCommand({
        QueueUrl: orders.url,
        MessageBody: JSON.stringify(order),
        MessageAttributes: attributes,
        MessageSystemAttributes: { AWSTraceHeader: { DataType: 'String', StringValue: PRODUCER_TRACE } },
      }),
    );
    return MessageId;
  };

  const receive = async (
    queueUrl: string,
    count: number,
    visibilityTimeout?: number,
    waitSeconds = 1,
  ): Promise<Message[]> => {
    const { Messages } = await local.sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: queueUrl,
        // local-aws-sqs honours only the older AttributeNames; AWS takes either.
        AttributeNames: ['All'],
        MessageSystemAttributeNames: ['All'],
        MessageAttributeNames: ['All'],
        MaxNumberOfMessages: count,
        WaitTimeSeconds: waitSeconds,
        ...(visibilityTimeout === undefined ? {} : { VisibilityTimeout: visibilityTimeout }),
      }),
    );
    return Messages ?? [];
  };

  /** Fails the message as the consumer would: received maxReceiveCount times, never deleted. */
  const exhaustReceives = async (messageId: string | undefined) => {
    const { Attributes } = await local.sqs.send(
      new GetQueueAttributesCommand({ QueueUrl: orders.url, AttributeNames: ['RedrivePolicy'] }),
    );
    const { maxReceiveCount } = JSON.parse(Attributes?.RedrivePolicy ?? '{}') as { maxReceiveCount: number };
    for (let receiveCount = 1; receiveCount <= maxReceiveCount; receiveCount++) {
      const [message] = await receive(orders.url, 1, 0);
      expect(message?.MessageId).toBe(messageId);
    }
  };

  /**
   * Waits until `count` messages are visible on the DLQ: the redrive policy moves a message there when
   * the visibility timeout of its last receive ends, a moment after exhaustReceives returns.
   */
  const dlqHolds = (count: number) =>
    waitUntil(
      `the DLQ to hold ${count} messages`,
      async () => {
        const { Attributes } = await local.sqs.send(
          new GetQueueAttributesCommand({
            QueueUrl: dlq.url,
            AttributeNames: ['ApproximateNumberOfMessages'],
          }),
        );
        return Number(Attributes?.ApproximateNumberOfMessages) >= count || undefined;
      },
      { timeoutMs: 10_000, intervalMs: 50 },
    );

  /** Lambda's part: receive from the DLQ, invoke, delete only the records not reported as failed. */
  const deliverFromDlq = async (count: number, handlerDeps: HandlerDependencies = deps) => {
    // A short visibility timeout: a record Lambda leaves on the queue is visible again a second later.
    const messages = await receive(dlq.url, count, 1);
    const records = messages.map((message) => lambdaRecordFromMessage(message, dlq.arn));
    const response = (await createHandler(handlerDeps)(
      sqsEvent(records),
      lambdaContext(),
    )) as SQSBatchResponse;
    const failed = new Set(response.batchItemFailures.map((failure) => failure.itemIdentifier));
    const archived = messages.filter((message) => !failed.has(message.MessageId ?? ''));
    if (archived.length > 0) {
      await local.sqs.send(
        new DeleteMessageBatchCommand({
          QueueUrl: dlq.url,
          Entries: archived.map((message, index) => ({
            Id: `m${index}`,
            ReceiptHandle: message.ReceiptHandle,
          })),
        }),
      );
    }
    return { records, response };
  };

  const item = async (tableName: string | undefined, key: Record<string, string | number>) =>
    (await documents.send(new GetCommand({ TableName: tableName, Key: key }))).Item;

  it('archives a poison message without store_id as missing-store-id and marks its order DEAD_LETTERED', async () => {
    const order = anOrder();
    const { store_id: _dropped, ...withoutStoreId } = buildOrderAttributes({
      storeId: order.storeId,
      correlationId: 'corr-poison',
      producer: 'integration-test',
    });
    const messageId = await send(order, withoutStoreId);
    await exhaustReceives(messageId);

    const { records, response } = await deliverFromDlq(1);

    expect(records.map((record: SQSRecord) => record.messageId)).toEqual([messageId]);
    // local-aws-sqs, like SQS, names the source queue of a message its redrive policy moved.
    expect(records[0]?.attributes.DeadLetterQueueSourceArn).toBe(orders.arn);
    expect(response).toEqual({ batchItemFailures: [] });
    expect(await item(local.tables.DeadLettersTable, { messageId: messageId ?? '' })).toEqual(
      expect.objectContaining({
        status: 'ARCHIVED',
        classification: 'missing-store-id',
        sourceQueueArn: orders.arn,
        orderId: order.orderId,
        storeId: order.storeId,
        traceHeader: PRODUCER_TRACE,
        body: JSON.stringify(order),
      }),
    );
    expect(await item(local.tables.OrdersTable, { storeId: order.storeId, orderId: order.orderId })).toEqual(
      expect.objectContaining({ status: 'DEAD_LETTERED', deadLetterClass: 'missing-store-id', messageId }),
    );
    expect(await receive(dlq.url, 1)).toEqual([]);
  });

  it('redrives a fixed dead letter to the orders queue with its attributes, redrive_count and trace', async () => {
    const order = anOrder({ storeId: CLOSED_STORE });
    const attributes = buildOrderAttributes({
      storeId: CLOSED_STORE,
      correlationId: 'corr-closed',
      producer: 'integration-test',
    });
    const messageId = await send(order, attributes);
    await exhaustReceives(messageId);
    await deliverFromDlq(1);
    expect(await item(local.tables.DeadLettersTable, { messageId: messageId ?? '' })).toEqual(
      expect.objectContaining({ classification: 'store-not-open', status: 'ARCHIVED' }),
    );
    // The store opens (an operator's fix); then the operator redrives.
    const output = recordingOutput();

    const code = await runCli(['redrive', '--message-id', messageId ?? ''], {
      output: output.output,
      connect,
      stackFile,
    });

    expect(code).toBe(0);
    expect(output.out.at(-1)).toBe('redriven 1, refused 0, failed 0');
    const [redriven] = await receive(orders.url, 1);
    expect(redriven?.Body).toBe(JSON.stringify(order));
    expect(redriven?.MessageAttributes).toEqual({
      ...attributes,
      redrive_count: { DataType: 'Number', StringValue: '1' },
    });
    expect(parseTraceHeader(redriven?.Attributes?.AWSTraceHeader ?? '').root).toBe(
      parseTraceHeader(PRODUCER_TRACE).root,
    );
    const record = lambdaRecordFromMessage(redriven as Message, orders.arn);
    expect(await inspectOrderMessage(record, openStores(CLOSED_STORE))).toEqual(
      expect.objectContaining({ ok: true }),
    );
    expect(await item(local.tables.DeadLettersTable, { messageId: messageId ?? '' })).toEqual(
      expect.objectContaining({
        status: 'REDRIVEN',
        redriveCount: 1,
        redrivenMessageId: redriven?.MessageId,
      }),
    );
    await local.sqs.send(
      new DeleteMessageBatchCommand({
        QueueUrl: orders.url,
        Entries: [{ Id: 'redriven', ReceiptHandle: redriven?.ReceiptHandle }],
      }),
    );
  });

  it('leaves a dead letter it could not archive on the DLQ, and deletes the ones it archived', async () => {
    const unlucky = anOrder({ storeId: 1 });
    const lucky = anOrder({ storeId: 2 });
    const unluckyId = await send(
      unlucky,
      buildOrderAttributes({ storeId: 1, correlationId: 'c', producer: 'p' }),
    );
    await exhaustReceives(unluckyId);
    const luckyId = await send(
      lucky,
      buildOrderAttributes({ storeId: 2, correlationId: 'c', producer: 'p' }),
    );
    await exhaustReceives(luckyId);
    await dlqHolds(2);
    const failingStore: HandlerDependencies = {
      ...deps,
      deadLetters: {
        archive: (deadLetter) =>
          deadLetter.messageId === unluckyId
            ? Promise.reject(new Error('ProvisionedThroughputExceededException'))
            : deps.deadLetters.archive(deadLetter),
      },
    };

    const { response } = await deliverFromDlq(2, failingStore);

    expect(response).toEqual({ batchItemFailures: [{ itemIdentifier: unluckyId }] });
    const visibleAgain = await receive(dlq.url, 2, 30, 2);
    expect(visibleAgain.map((message) => message.MessageId)).toEqual([unluckyId]);
    expect(await item(local.tables.DeadLettersTable, { messageId: unluckyId ?? '' })).toBeUndefined();
    expect(await item(local.tables.DeadLettersTable, { messageId: luckyId ?? '' })).toEqual(
      expect.objectContaining({ classification: 'retries-exhausted' }),
    );
  });
});

import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { ReceiveMessageCommand, SendMessageCommand } from '@aws-sdk/client-sqs';
import { type CfnResource, type LocalAws, startLocalAws, statePaths } from '../src';

// The local stack's persistence: queues (in-flight messages and receive counts included) and
// tables kept in a state directory across a stop and a start.
const resources = (key = 'id'): Record<string, CfnResource> => ({
  Dlq: { Type: 'AWS::SQS::Queue', Properties: { QueueName: 'kept-dlq' } },
  Queue: {
    Type: 'AWS::SQS::Queue',
    Properties: {
      QueueName: 'kept',
      VisibilityTimeout: 30,
      RedrivePolicy: { deadLetterTargetArn: { 'Fn::GetAtt': ['Dlq', 'Arn'] }, maxReceiveCount: 5 },
    },
  },
  Table: {
    Type: 'AWS::DynamoDB::Table',
    Properties: {
      TableName: 'kept-table',
      AttributeDefinitions: [{ AttributeName: key, AttributeType: 'S' }],
      KeySchema: [{ AttributeName: key, KeyType: 'HASH' }],
    },
  },
});

describe('startLocalAws({ stateDir })', () => {
  let stateDir: string;
  let local: LocalAws | undefined;

  beforeEach(async () => {
    stateDir = await mkdtemp(join(tmpdir(), 'local-aws-state-'));
  });

  afterEach(async () => {
    await local?.stop();
    local = undefined;
    await rm(stateDir, { recursive: true, force: true });
  });

  const queueUrl = (aws: LocalAws) => aws.queues.Queue?.url ?? '';

  it('keeps waiting and in-flight messages, receive counts and table items across a stop and a start', async () => {
    // Prepare
    local = await startLocalAws({ resources: resources(), stateDir });
    await local.sqs.send(new SendMessageCommand({ QueueUrl: queueUrl(local), MessageBody: 'taken' }));
    const { Messages: taken = [] } = await local.sqs.send(
      new ReceiveMessageCommand({ QueueUrl: queueUrl(local), VisibilityTimeout: 2 }),
    );
    await local.sqs.send(new SendMessageCommand({ QueueUrl: queueUrl(local), MessageBody: 'waiting' }));
    await local.dynamo.send(new PutItemCommand({ TableName: 'kept-table', Item: { id: { S: 'order-1' } } }));

    // Act
    await local.stop();
    local = await startLocalAws({ resources: resources(), stateDir });
    const first = await local.sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: queueUrl(local),
        MaxNumberOfMessages: 10,
        AttributeNames: ['All'],
      }),
    );
    const second = await local.sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: queueUrl(local),
        MaxNumberOfMessages: 10,
        WaitTimeSeconds: 10,
        AttributeNames: ['All'],
      }),
    );
    const item = await local.dynamo.send(
      new GetItemCommand({ TableName: 'kept-table', Key: { id: { S: 'order-1' } } }),
    );

    // Assess
    expect(taken.map(({ Body }) => Body)).toEqual(['taken']);
    expect(local.restoredMessages).toBe(2);
    expect(
      first.Messages?.map(({ Body, Attributes }) => [Body, Attributes?.ApproximateReceiveCount]),
    ).toEqual([['waiting', '1']]);
    expect(
      second.Messages?.map(({ Body, Attributes }) => [Body, Attributes?.ApproximateReceiveCount]),
    ).toEqual([['taken', '2']]);
    expect(item.Item).toEqual({ id: { S: 'order-1' } });
  });

  it('writes the queue snapshot atomically: no temporary file is left beside it', async () => {
    local = await startLocalAws({ resources: resources(), stateDir, snapshotIntervalMs: 20 });
    await local.sqs.send(new SendMessageCommand({ QueueUrl: queueUrl(local), MessageBody: 'snapshotted' }));

    await local.stop();
    local = undefined;

    const snapshot = JSON.parse(await readFile(statePaths(stateDir).sqsSnapshot, 'utf8'));
    expect(
      snapshot.queues.kept.map((message: { record: { MessageBody: string } }) => message.record.MessageBody),
    ).toEqual(['snapshotted']);
    expect((await readdir(stateDir)).filter((name) => name.endsWith('.tmp'))).toEqual([]);
  });

  it('refuses a persisted table whose key the service no longer declares, naming --fresh', async () => {
    local = await startLocalAws({ resources: resources('id'), stateDir });
    await local.stop();

    const restart = startLocalAws({ resources: resources('orderId'), stateDir });

    await expect(restart).rejects.toThrow(/kept-table.*--fresh/);
    local = undefined;
  });
});

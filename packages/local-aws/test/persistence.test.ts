import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import {
  CreateQueueCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import {
  type CfnResource,
  clientConfig,
  type LocalAws,
  persistSqs,
  readSqsSnapshot,
  restoreSqs,
  startLocalAws,
  startSqs,
  statePaths,
} from '../src';

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

describe('persistSqs()', () => {
  it('journals every send before SQS answers, so a kill before the next snapshot loses no accepted message', async () => {
    // Prepare: snapshots far apart, so only the journal can know the sends.
    const stateDir = await mkdtemp(join(tmpdir(), 'local-aws-journal-'));
    const file = statePaths(stateDir).sqsSnapshot;
    const killed = await startSqs();
    const before = new SQSClient(clientConfig(killed.endpoint));
    const { QueueUrl } = await before.send(new CreateQueueCommand({ QueueName: 'journaled' }));
    persistSqs(killed.service, file, 3_600_000);
    for (const body of ['one', 'two', 'three']) {
      await before.send(new SendMessageCommand({ QueueUrl, MessageBody: body }));
    }

    // Act: the process dies without a last snapshot; a new emulator starts from the state files.
    before.destroy();
    await killed.close();
    const revived = await startSqs();
    const after = new SQSClient(clientConfig(revived.endpoint));
    const { QueueUrl: revivedUrl } = await after.send(new CreateQueueCommand({ QueueName: 'journaled' }));
    const snapshot = await readSqsSnapshot(file);
    const restored = snapshot ? restoreSqs(revived.service, snapshot) : 0;
    const { Messages = [] } = await after.send(
      new ReceiveMessageCommand({ QueueUrl: revivedUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }),
    );

    // Assess
    expect(restored).toBe(3);
    expect(Messages.map(({ Body }) => Body).sort()).toEqual(['one', 'three', 'two']);
    after.destroy();
    await revived.close();
    await rm(stateDir, { recursive: true, force: true });
  });
});

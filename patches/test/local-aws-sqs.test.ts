// Proves patches/local-aws-sqs@2.0.2.patch: a ReceiveMessage long poll answers as soon as at least
// one message is available, as SQS does, instead of waiting to fill MaxNumberOfMessages
// (https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-short-and-long-polling.html);
// a short poll answers at once; ChangeMessageVisibility does not count as a receive towards ApproximateReceiveCount and the
// redrive policy's maxReceiveCount.
import {
  type RunningServer,
  type RunningSqs,
  restoreSqs,
  snapshotSqs,
  startSqs,
} from '../../packages/local-aws/src';
import { type SqsApi, sqsApi } from './sqsApi';

describe('local-aws-sqs ReceiveMessage', () => {
  let server: RunningServer;
  let sqs: SqsApi;

  beforeAll(async () => {
    server = await startSqs();
    sqs = sqsApi(server.endpoint);
  });

  afterAll(async () => {
    await server.close();
  });

  it('answers a long poll as soon as a message arrives, while a long poll on an empty queue is still waiting', async () => {
    // Prepare
    const busy = await sqs.createQueue('long-poll-busy');
    const empty = await sqs.createQueue('long-poll-empty');
    const settled: string[] = [];
    const tracked = <T>(name: string, poll: Promise<T>): Promise<T> =>
      poll.then((result) => {
        settled.push(name);
        return result;
      });
    const busyPoll = tracked('busy', sqs.receiveMessages(busy.url, { max: 10, waitSeconds: 20 }));
    const emptyPoll = tracked('empty', sqs.receiveMessages(empty.url, { max: 10, waitSeconds: 20 }));

    // Act
    await sqs.sendMessage(busy.url, 'first order');
    const received = await busyPoll;

    // Assess
    expect(received.map(({ Body }) => Body)).toEqual(['first order']);
    expect(settled).toEqual(['busy']);

    // The other poll answers too once its queue has a message, so that nothing is left waiting.
    await sqs.sendMessage(empty.url, 'second order');
    expect((await emptyPoll).map(({ Body }) => Body)).toEqual(['second order']);
    expect(settled).toEqual(['busy', 'empty']);
  });

  it('answers a long poll with every available message when there are fewer than MaxNumberOfMessages', async () => {
    // Prepare
    const queue = await sqs.createQueue('long-poll-several');
    for (const body of ['a', 'b', 'c']) await sqs.sendMessage(queue.url, body);

    // Act
    const received = await sqs.receiveMessages(queue.url, { max: 10, waitSeconds: 20 });

    // Assess
    expect(received.map(({ Body }) => Body).sort()).toEqual(['a', 'b', 'c']);
  });

  it('answers with no more than MaxNumberOfMessages', async () => {
    // Prepare
    const queue = await sqs.createQueue('long-poll-capped');
    for (const body of ['a', 'b', 'c']) await sqs.sendMessage(queue.url, body);

    // Act
    const received = await sqs.receiveMessages(queue.url, { max: 2, waitSeconds: 20 });

    // Assess
    expect(received).toHaveLength(2);
  });

  it('never puts the same message twice in one answer, even when its visibility timeout ends during the wait', async () => {
    // Prepare: the message is visible again 1 s after each receive (the emulator ignores a
    // VisibilityTimeout of 0 at creation), so a wait of 2 s could see it up to three times.
    const queue = await sqs.createQueue('long-poll-no-copies', { VisibilityTimeout: '1' });
    const messageId = await sqs.sendMessage(queue.url, 'only order');

    // Act
    const received = await sqs.receiveMessages(queue.url, { max: 10, waitSeconds: 2 });

    // Assess
    expect(received.map(({ MessageId }) => MessageId)).toEqual([messageId]);
  });

  it('answers a short poll on an empty queue with no messages', async () => {
    // Prepare
    const queue = await sqs.createQueue('short-poll-empty');

    // Act
    const received = await sqs.receiveMessages(queue.url, { max: 10, waitSeconds: 0 });

    // Assess
    expect(received).toEqual([]);
  });

  it('answers a short poll on an empty queue at once, without waiting for a timer', async () => {
    // Prepare: only the emulator's timers are faked (Node's HTTP stack keeps its own), so a poll
    // that waits for a timer stays pending and shows up in jest.getTimerCount().
    const queue = await sqs.createQueue('short-poll-at-once');
    jest.useFakeTimers({
      doNotFake: ['nextTick', 'setImmediate', 'queueMicrotask', 'hrtime', 'performance', 'Date'],
    });
    // Stops looking once the race is settled, so that no loop outlives the test.
    let settled = false;
    const waitingOnATimer = async (): Promise<'waiting on a timer'> => {
      while (!settled && jest.getTimerCount() === 0) await new Promise((resolve) => setImmediate(resolve));
      return 'waiting on a timer';
    };

    try {
      // Act
      const outcome = await Promise.race([
        sqs.receiveMessages(queue.url, { max: 10, waitSeconds: 0 }).then(() => 'answered' as const),
        waitingOnATimer(),
      ]);

      // Assess
      expect(outcome).toBe('answered');
    } finally {
      settled = true;
      jest.runOnlyPendingTimers();
      jest.useRealTimers();
    }
  });

  describe('ChangeMessageVisibility', () => {
    it('does not count as a receive in ApproximateReceiveCount', async () => {
      // Prepare
      const queue = await sqs.createQueue('visibility-count');
      await sqs.sendMessage(queue.url, 'order');
      const [first] = await sqs.receiveMessages(queue.url, { max: 1, waitSeconds: 0 });
      if (!first) throw new Error('the message was not received');

      // Act
      await sqs.changeMessageVisibility(queue.url, first.ReceiptHandle, 0);
      const [second] = await sqs.receiveMessages(queue.url, { max: 1, waitSeconds: 1 });

      // Assess
      expect([first, second].map((message) => message?.Attributes?.ApproximateReceiveCount)).toEqual([
        '1',
        '2',
      ]);
    });

    it('leaves a message backed off with it on its queue until it was received maxReceiveCount times', async () => {
      // Prepare
      const dlq = await sqs.createQueue('visibility-redrive-dlq');
      const queue = await sqs.createQueue('visibility-redrive', {
        RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlq.arn, maxReceiveCount: 2 }),
      });
      const messageId = await sqs.sendMessage(queue.url, 'order');
      const [first] = await sqs.receiveMessages(queue.url, { max: 1, waitSeconds: 0 });
      if (!first) throw new Error('the message was not received');

      // Act: a consumer backs the message off (here with no delay), then receives it again.
      await sqs.changeMessageVisibility(queue.url, first.ReceiptHandle, 0);
      const second = await sqs.receiveMessages(queue.url, { max: 1, waitSeconds: 1 });

      // Assess
      expect(second.map(({ MessageId }) => MessageId)).toEqual([messageId]);
    });
  });

  describe('GetQueueAttributes', () => {
    it('counts an in-flight message in ApproximateNumberOfMessagesNotVisible only, not in ApproximateNumberOfMessages', async () => {
      // Prepare
      const queue = await sqs.createQueue('counts');
      await sqs.sendMessage(queue.url, 'waiting');
      await sqs.sendMessage(queue.url, 'taken');
      await sqs.receiveMessages(queue.url, { max: 1, waitSeconds: 0 });

      // Act
      const attributes = await sqs.queueAttributes(queue.url);

      // Assess
      expect([
        attributes.ApproximateNumberOfMessages,
        attributes.ApproximateNumberOfMessagesNotVisible,
      ]).toEqual(['1', '1']);
    });
  });
});

describe('local-aws-sqs state API (exportMessages, importMessages)', () => {
  let first: RunningSqs;
  let second: RunningSqs;

  afterAll(async () => {
    await first?.close();
    await second?.close();
  });

  it('carries visible and in-flight messages, with their receive counts, into another emulator', async () => {
    // Prepare: one message waiting, one received once and still in flight for 1 s.
    first = await startSqs();
    second = await startSqs();
    const before = sqsApi(first.endpoint);
    const after = sqsApi(second.endpoint);
    const source = await before.createQueue('carried');
    const target = await after.createQueue('carried');
    const waitingId = await before.sendMessage(source.url, 'waiting');
    const takenId = await before.sendMessage(source.url, 'taken');
    const [taken] = await before.receiveMessages(source.url, { max: 1, waitSeconds: 0 });
    await before.changeMessageVisibility(source.url, taken?.ReceiptHandle ?? '', 1);

    // Act
    const restored = restoreSqs(second.service, snapshotSqs(first.service));
    const immediately = await after.receiveMessages(target.url, { max: 10, waitSeconds: 0 });
    const later = await after.receiveMessages(target.url, { max: 10, waitSeconds: 5 });

    // Assess
    expect(restored).toBe(2);
    const inFlightId = taken?.MessageId;
    expect(immediately.map(({ MessageId }) => MessageId)).toEqual(
      [waitingId, takenId].filter((id) => id !== inFlightId),
    );
    expect(
      later.map(({ MessageId, Attributes }) => [MessageId, Attributes?.ApproximateReceiveCount]),
    ).toEqual([[inFlightId, '2']]);
  });
});

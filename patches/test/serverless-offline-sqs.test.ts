// Proves patches/serverless-offline-sqs@8.0.0.patch: the plugin's SQS poller (src/sqs.js), driven
// as its index.js drives it, against the embedded SQS, with a fake serverless-offline Lambda.
import type { SQSEvent, SQSRecord } from 'aws-lambda';

import SQS = require('serverless-offline-sqs/src/sqs');

import { LOCAL_ACCOUNT_ID, LOCAL_REGION, type RunningServer, startSqs } from '../../packages/local-aws/src';
import { type Queue, type SqsApi, sqsApi } from './sqsApi';

// The plugin requires @serverless/utils/log without declaring it: under `sls`, osls aliases it to
// its own logger. Here the poller's warnings are collected instead.
const mockWarnings: string[] = [];
jest.mock(
  '@serverless/utils/log',
  () => {
    const ignore = () => undefined;
    const warning = (...parts: unknown[]) => mockWarnings.push(parts.join(' '));
    return { log: { warning, error: warning, notice: ignore, info: ignore, debug: ignore } };
  },
  { virtual: true },
);

/** Items recorded in order, and a way to wait for the n-th (1-based) without polling. */
class Recorder<T> {
  readonly items: T[] = [];
  private readonly waiting: { count: number; resolve: (item: T) => void }[] = [];

  push(item: T): void {
    this.items.push(item);
    for (const waiter of this.waiting.filter(({ count }) => count <= this.items.length)) {
      this.waiting.splice(this.waiting.indexOf(waiter), 1);
      waiter.resolve(this.items[waiter.count - 1] as T);
    }
  }

  nth(count: number): Promise<T> {
    const item = this.items[count - 1];
    if (item !== undefined) return Promise.resolve(item);
    return new Promise((resolve) => this.waiting.push({ count, resolve }));
  }
}

type Respond = (event: SQSEvent, invocation: number) => unknown;

/** Stands in for serverless-offline's Lambda: records each event and answers with `respond`. */
class FakeLambda implements SQS.Lambda {
  readonly invocations = new Recorder<SQSEvent>();
  /** How many ReceiveMessage calls the poller had made when each invocation started. */
  readonly receivesBefore: number[] = [];
  /** The most handler runs in progress at once. */
  mostAtOnce = 0;
  private running = 0;

  constructor(
    private readonly respond: Respond,
    private readonly receives: Recorder<SQS.ReceiveMessageParams>,
  ) {}

  get(): SQS.LambdaFunction {
    let event: SQSEvent | undefined;
    return {
      setEvent: (next) => {
        event = next;
      },
      runHandler: async () => {
        if (!event) throw new Error('runHandler() was called before setEvent()');
        this.receivesBefore.push(this.receives.items.length);
        this.running += 1;
        this.mostAtOnce = Math.max(this.mostAtOnce, this.running);
        try {
          this.invocations.push(event);
          return await this.respond(event, this.invocations.items.length);
        } finally {
          this.running -= 1;
        }
      },
    };
  }
}

const bodies = (event: SQSEvent): string[] => event.Records.map(({ body }) => body);
const recordWithBody = (event: SQSEvent, body: string): SQSRecord => {
  const record = event.Records.find((candidate) => candidate.body === body);
  if (!record) throw new Error(`no record with body ${body} in ${JSON.stringify(bodies(event))}`);
  return record;
};

describe('serverless-offline-sqs poller', () => {
  let server: RunningServer;
  let sqs: SqsApi;
  const pollers: SQS[] = [];

  beforeAll(async () => {
    server = await startSqs();
    sqs = sqsApi(server.endpoint);
  });

  beforeEach(() => {
    mockWarnings.splice(0);
  });

  afterEach(async () => {
    await Promise.all(pollers.splice(0).map((poller) => poller.stop()));
  });

  afterAll(async () => {
    await server.close();
  });

  let queues = 0;
  const uniqueName = (prefix: string) => {
    queues += 1;
    return `${prefix}-${queues}`;
  };
  const arnOf = (queueName: string) => `arn:aws:sqs:${LOCAL_REGION}:${LOCAL_ACCOUNT_ID}:${queueName}`;

  /**
   * A poller as index.js builds it, its ReceiveMessage calls recorded. One poller per event unless
   * `maxPollersPerEvent` says otherwise, so that the order of receives and batches is known.
   */
  const newPoller = ({
    respond = () => undefined,
    resources,
    autoCreate = false,
    maxPollersPerEvent = 1,
    afterAnswer,
  }: {
    respond?: Respond;
    resources?: SQS.Resources;
    autoCreate?: boolean;
    maxPollersPerEvent?: number;
    /** Runs after each ReceiveMessage answer, before the poller sees it. */
    afterAnswer?: (messages: readonly unknown[]) => Promise<void>;
  } = {}) => {
    const receives = new Recorder<SQS.ReceiveMessageParams>();
    const lambda = new FakeLambda(respond, receives);
    const poller = new SQS(lambda, resources, {
      region: LOCAL_REGION,
      accountId: LOCAL_ACCOUNT_ID,
      endpoint: server.endpoint,
      accessKeyId: 'local',
      secretAccessKey: 'local',
      autoCreate,
      maxPollersPerEvent,
    });
    pollers.push(poller);
    const receive = poller.client.receiveMessage.bind(poller.client);
    poller.client.receiveMessage = (params) => {
      receives.push(params);
      const request = receive(params);
      if (afterAnswer) {
        const answer = request.promise.bind(request);
        request.promise = async () => {
          const output = await answer();
          await afterAnswer(output.Messages ?? []);
          return output;
        };
      }
      return request;
    };
    /** Resolves once the n-th batch was handled and its successes deleted: the poller polls again. */
    const handled = async (invocation: number): Promise<SQSEvent> => {
      const event = await lambda.invocations.nth(invocation);
      await receives.nth((lambda.receivesBefore[invocation - 1] ?? 0) + 1);
      return event;
    };
    return { poller, lambda, receives, handled };
  };

  const pollQueue = async (
    queue: Queue,
    event: SQS.SqsEventDefinition,
    options: Parameters<typeof newPoller>[0] = {},
  ) => {
    const harness = newPoller(options);
    await harness.poller.create([{ functionKey: 'consumer', sqs: { arn: queue.arn, ...event } }]);
    harness.poller.start();
    return harness;
  };

  const sendAll = async (queue: Queue, messageBodies: readonly string[]) => {
    for (const body of messageBodies) await sqs.sendMessage(queue.url, body);
  };

  const reportBatchItemFailures = { functionResponseType: 'ReportBatchItemFailures' } as const;

  /** Sends 'a' and 'b' to a new queue, lets the handler answer one batch, and tells which of its records are still queued. */
  const stillQueuedAfterOneBatch = async (
    queueName: string,
    respond: Respond,
    event: SQS.SqsEventDefinition = reportBatchItemFailures,
  ): Promise<boolean[]> => {
    const queue = await sqs.createQueue(queueName);
    await sendAll(queue, ['a', 'b']);
    const { poller, handled } = await pollQueue(queue, event, { respond });
    const handledEvent = await handled(1);
    await poller.stop();
    return sqs.stillQueued(
      queue.url,
      handledEvent.Records.map(({ receiptHandle }) => receiptHandle),
    );
  };

  describe('with ReportBatchItemFailures', () => {
    it('deletes the records the handler did not report as failed and leaves the failed one on the queue', async () => {
      // Prepare
      const queue = await sqs.createQueue('partial-batch');
      await sendAll(queue, ['a', 'b', 'c']);

      // Act
      const { poller, handled } = await pollQueue(queue, reportBatchItemFailures, {
        respond: (event) => ({
          batchItemFailures: [{ itemIdentifier: recordWithBody(event, 'b').messageId }],
        }),
      });
      const event = await handled(1);
      await poller.stop();

      // Assess
      expect(bodies(event).sort()).toEqual(['a', 'b', 'c']);
      const stillQueued = await sqs.stillQueued(
        queue.url,
        ['a', 'b', 'c'].map((body) => recordWithBody(event, body).receiptHandle),
      );
      expect(stillQueued).toEqual([false, true, false]);
    });

    const invalidResponses: { flaw: string; batchItemFailures: (event: SQSEvent) => unknown }[] = [
      {
        flaw: 'an itemIdentifier that is not a message of the batch',
        batchItemFailures: () => [{ itemIdentifier: 'not-in-this-batch' }],
      },
      { flaw: 'an empty itemIdentifier', batchItemFailures: () => [{ itemIdentifier: '' }] },
      {
        flaw: 'a misspelt itemIdentifier',
        batchItemFailures: (event) => [{ itemId: recordWithBody(event, 'a').messageId }],
      },
      {
        flaw: 'a batchItemFailures that is not a list',
        batchItemFailures: (event) => ({ itemIdentifier: recordWithBody(event, 'a').messageId }),
      },
    ];

    it.each(invalidResponses)(
      'fails the whole batch when the response has $flaw',
      async ({ batchItemFailures }) => {
        // Act
        const stillQueued = await stillQueuedAfterOneBatch(uniqueName('invalid-response'), (event) => ({
          batchItemFailures: batchItemFailures(event),
        }));

        // Assess
        expect(stillQueued).toEqual([true, true]);
        expect(mockWarnings.join('\n')).toContain('invalid partial batch response');
      },
    );

    const successfulResponses: { response: string; value: unknown }[] = [
      { response: 'nothing', value: undefined },
      { response: 'an empty response', value: {} },
      { response: 'an empty batchItemFailures list', value: { batchItemFailures: [] } },
      { response: 'a null batchItemFailures list', value: { batchItemFailures: null } },
    ];

    it.each(successfulResponses)(
      'deletes the whole batch when the handler returns $response',
      async ({ value }) => {
        // Act
        const stillQueued = await stillQueuedAfterOneBatch(uniqueName('successful-response'), () => value);

        // Assess
        expect(stillQueued).toEqual([false, false]);
      },
    );

    it('deletes nothing when the handler throws', async () => {
      // Act
      const stillQueued = await stillQueuedAfterOneBatch('handler-throws', () => {
        throw new Error('handler failed');
      });

      // Assess
      expect(stillQueued).toEqual([true, true]);
    });
  });

  it('deletes the whole batch when the event does not use ReportBatchItemFailures, as Lambda ignores the response', async () => {
    // Act
    const stillQueued = await stillQueuedAfterOneBatch(
      'no-function-response-type',
      (event) => ({ batchItemFailures: [{ itemIdentifier: recordWithBody(event, 'a').messageId }] }),
      {},
    );

    // Assess
    expect(stillQueued).toEqual([false, false]);
  });

  it('sets awsRegion and eventSourceARN on every record', async () => {
    // Prepare
    const queue = await sqs.createQueue('event-source');
    await sendAll(queue, ['a', 'b']);

    // Act
    const { lambda } = await pollQueue(queue, {});
    const event = await lambda.invocations.nth(1);

    // Assess
    expect(event.Records.map(({ awsRegion, eventSourceARN }) => ({ awsRegion, eventSourceARN }))).toEqual([
      { awsRegion: LOCAL_REGION, eventSourceARN: queue.arn },
      { awsRegion: LOCAL_REGION, eventSourceARN: queue.arn },
    ]);
  });

  describe('batching', () => {
    it('hands over what one receive returned when there is no batching window, without topping it up', async () => {
      // Prepare
      const queue = await sqs.createQueue('lone-message');
      const { lambda, receives } = await pollQueue(queue, { batchSize: 10 });
      await receives.nth(1);

      // Act
      await sqs.sendMessage(queue.url, 'lone');
      const event = await lambda.invocations.nth(1);

      // Assess: the one long poll that brought the message, and no further receive before the handler.
      expect(bodies(event)).toEqual(['lone']);
      const receivedBefore = receives.items.slice(0, lambda.receivesBefore[0]);
      expect(receivedBefore.map(({ WaitTimeSeconds }) => (WaitTimeSeconds ?? 0) > 0)).toEqual([true]);
    });

    it('tops a batch up while the batching window is open, never waiting past its end', async () => {
      // Prepare: a second message arrives right after the poller received the first.
      const queue = await sqs.createQueue('batching-window');
      let secondSent = false;
      const { lambda, receives } = await pollQueue(
        queue,
        { batchSize: 10, maximumBatchingWindow: 1 },
        {
          afterAnswer: async (messages) => {
            if (secondSent || messages.length === 0) return;
            secondSent = true;
            await sqs.sendMessage(queue.url, 'second');
          },
        },
      );
      await receives.nth(1);

      // Act
      await sqs.sendMessage(queue.url, 'first');
      const event = await lambda.invocations.nth(1);

      // Assess
      expect(bodies(event)).toEqual(['first', 'second']);
      const [, ...topUps] = receives.items
        .slice(0, lambda.receivesBefore[0])
        .map(({ WaitTimeSeconds }) => WaitTimeSeconds ?? 0);
      expect(topUps.filter((waitSeconds) => waitSeconds > 1)).toEqual([]);
    });

    it('hands over no more than batchSize records at a time', async () => {
      // Prepare
      const queue = await sqs.createQueue('batch-size');
      await sendAll(queue, ['a', 'b', 'c']);

      // Act
      const { lambda } = await pollQueue(queue, { batchSize: 2 });
      const events = await Promise.all([lambda.invocations.nth(1), lambda.invocations.nth(2)]);

      // Assess
      expect(events.map((event) => event.Records.length)).toEqual([2, 1]);
    });

    it('hands a message received twice while its batch was filled over once, and deletes it', async () => {
      // Prepare: its visibility timeout (1 s) ends within the batching window (2 s).
      const queue = await sqs.createQueue('duplicate-receive', { VisibilityTimeout: '1' });
      const messageId = await sqs.sendMessage(queue.url, 'only');

      // Act
      const { poller, handled } = await pollQueue(queue, { batchSize: 2, maximumBatchingWindow: 2 });
      const event = await handled(1);
      await poller.stop();

      // Assess
      expect(event.Records.map(({ messageId: id }) => id)).toEqual([messageId]);
      const stillQueued = await sqs.stillQueued(
        queue.url,
        event.Records.map(({ receiptHandle }) => receiptHandle),
      );
      expect(stillQueued).toEqual([false]);
    });
  });

  describe('maximumConcurrency', () => {
    it.each([
      { maximumConcurrency: 5, maxPollersPerEvent: 2, pollers: 2 },
      { maximumConcurrency: 2, maxPollersPerEvent: 4, pollers: 2 },
      { maximumConcurrency: undefined, maxPollersPerEvent: 3, pollers: 3 },
    ])(
      'runs $pollers batches at once with maximumConcurrency $maximumConcurrency and a cap of $maxPollersPerEvent pollers',
      async ({ maximumConcurrency, maxPollersPerEvent, pollers }) => {
        // Prepare: every handler run waits until released, so the batches that run at once pile up.
        const queue = await sqs.createQueue(uniqueName('concurrency'));
        await sendAll(queue, ['a', 'b', 'c', 'd', 'e']);
        let release = () => {};
        const released = new Promise<void>((resolve) => {
          release = resolve;
        });

        // Act
        const { lambda, receives } = await pollQueue(
          queue,
          { batchSize: 1, ...(maximumConcurrency === undefined ? {} : { maximumConcurrency }) },
          { maxPollersPerEvent, respond: () => released },
        );
        // Each poller makes its first receive as soon as the poller starts.
        const receivesAtStart = receives.items.length;
        await lambda.invocations.nth(pollers);
        release();
        await lambda.invocations.nth(5);

        // Assess
        expect(receivesAtStart).toBe(pollers);
        expect(lambda.mostAtOnce).toBe(pollers);
      },
    );
  });

  describe('autoCreate', () => {
    it("creates every queue of the service's resources, dead-letter queue first, from queue attributes only", async () => {
      // Prepare: the source queue comes first, as in order-consumer's serverless.yml; index.js has
      // already resolved `Fn::GetAtt [OrdersDeadLetterQueue, Arn]` to the queue's ARN.
      const resources: SQS.Resources = {
        OrdersQueue: {
          Type: 'AWS::SQS::Queue',
          Properties: {
            QueueName: 'auto-orders',
            VisibilityTimeout: 60,
            SqsManagedSseEnabled: true,
            RedrivePolicy: { deadLetterTargetArn: arnOf('auto-orders-dlq'), maxReceiveCount: 3 },
            Tags: [{ Key: 'service', Value: 'order-consumer' }],
          },
        },
        OrdersDeadLetterQueue: {
          Type: 'AWS::SQS::Queue',
          Properties: { QueueName: 'auto-orders-dlq', MessageRetentionPeriod: 1209600 },
        },
        OrdersTable: { Type: 'AWS::DynamoDB::Table', Properties: { TableName: 'auto-orders' } },
      };
      const { poller } = newPoller({ resources, autoCreate: true });

      // Act
      await poller.create([{ functionKey: 'consumer', sqs: { arn: arnOf('auto-orders') } }]);

      // Assess
      const source = await sqs.queueAttributes(await sqs.queueUrl('auto-orders'));
      const deadLetterQueue = await sqs.queueAttributes(await sqs.queueUrl('auto-orders-dlq'));
      expect(JSON.parse(source.RedrivePolicy ?? '{}')).toEqual({
        deadLetterTargetArn: arnOf('auto-orders-dlq'),
        maxReceiveCount: 3,
      });
      expect(source.VisibilityTimeout).toBe('60');
      expect(deadLetterQueue.MessageRetentionPeriod).toBe('1209600');
      expect(mockWarnings).toEqual([]);
    });

    it('fails with an error naming the queue when it cannot be found', async () => {
      // Prepare
      const { poller } = newPoller({ autoCreate: false });

      // Act
      const creation = poller.create([{ functionKey: 'consumer', sqs: { queueName: 'missing-queue' } }]);

      // Assess
      await expect(creation).rejects.toThrow(/queue "missing-queue" not found.*autoCreate/s);
    });
  });
});

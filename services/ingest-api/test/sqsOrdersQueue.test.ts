import type { AddressInfo } from 'node:net';
import { createServer, type Server, type Socket } from 'node:net';
import { ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { anOrder, TRACE_HEADER } from '@order-pipeline/common/testing';
import { clientConfig, type LocalAws, startLocalAws } from '@order-pipeline/local-aws';
import { buildOrderMessage, type OrderMessage } from '../src/orderMessage';
import { sqsOrdersQueue } from '../src/sqsOrdersQueue';

const message = (overrides: Partial<OrderMessage> = {}): OrderMessage => ({
  ...buildOrderMessage(anOrder(), { correlationId: 'c-1', traceHeader: TRACE_HEADER }),
  ...overrides,
});

describe('sqsOrdersQueue()', () => {
  let local: LocalAws;
  let queueUrl: string;

  beforeAll(async () => {
    // A queue of its own whose small MaximumMessageSize lets SQS refuse one entry of a batch.
    local = await startLocalAws({
      resources: {
        TestQueue: {
          Type: 'AWS::SQS::Queue',
          Properties: { QueueName: 'ingest-api-test-queue', MaximumMessageSize: 2048 },
        },
      },
    });
    queueUrl = local.queues.TestQueue?.url ?? '';
  }, 30_000);

  afterAll(() => local?.stop());

  it('sends a message with its attributes and AWSTraceHeader and answers its MessageId', async () => {
    const queue = sqsOrdersQueue(local.sqs, queueUrl);
    const sent = message();

    const { messageId } = await queue.send(sent);

    const { Messages = [] } = await local.sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: queueUrl,
        MessageAttributeNames: ['All'],
        MessageSystemAttributeNames: ['AWSTraceHeader'],
        // local-aws-sqs 2.0.2 reads only the older name (deprecated by SQS, still honoured by it).
        AttributeNames: ['All'],
        WaitTimeSeconds: 0,
      }),
    );
    expect(Messages.map((received) => received.MessageId)).toEqual([messageId]);
    expect(Messages[0]?.Body).toBe(sent.body);
    expect(Messages[0]?.MessageAttributes).toEqual(sent.attributes);
    expect(Messages[0]?.Attributes?.AWSTraceHeader).toBe(TRACE_HEADER);
  });

  it("reports SQS's per-entry answer: confirmed entries and a SenderFault refusal", async () => {
    const queue = sqsOrdersQueue(local.sqs, queueUrl);

    const result = await queue.sendBatch([
      { id: 'small', message: message() },
      { id: 'large', message: message({ body: JSON.stringify({ padding: 'x'.repeat(4096) }) }) },
    ]);

    expect(result.successful).toEqual([{ id: 'small', messageId: expect.any(String) }]);
    expect(result.failed).toEqual([
      { id: 'large', senderFault: true, code: 'InvalidParameterValue', message: expect.any(String) },
    ]);
  });

  describe('against an endpoint that never answers', () => {
    let server: Server;
    const sockets: Socket[] = [];
    let client: SQSClient;

    beforeAll(async () => {
      server = createServer((socket) => {
        sockets.push(socket);
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      client = new SQSClient(clientConfig(`http://127.0.0.1:${(server.address() as AddressInfo).port}`));
    });

    afterAll(async () => {
      client.destroy();
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => server.close(resolve));
    });

    it('gives up on a call after its timeout instead of hanging the function', async () => {
      const queue = sqsOrdersQueue(client, `${queueUrl}`, 200);

      await expect(queue.send(message())).rejects.toThrow();
      await expect(queue.sendBatch([{ id: 'm0', message: message() }])).rejects.toThrow();
      expect(sockets.length).toBeGreaterThan(0);
    });
  });
});

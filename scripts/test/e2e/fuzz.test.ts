import { GetQueueAttributesCommand, ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import { queueOf } from '@order-pipeline/local-aws/stack-file';
import { malformedRequests } from './fuzz';
import { type E2e, startE2e } from './harness';

// Malformed requests against the API of a stack whose queue nobody consumes, so the queue's depth
// is an exact measure of what was enqueued. FUZZ_SEED replays a run.
const SEED = Number(process.env.FUZZ_SEED ?? 20261122);
const COUNT = 240;
jest.setTimeout(180_000);

describe('the API under malformed requests', () => {
  let e2e: E2e;

  beforeAll(async () => {
    e2e = await startE2e({ services: ['ingest-api'] });
  }, 180_000);

  afterAll(async () => {
    await e2e?.stop();
  });

  it(`answers each of ${COUNT} malformed requests with a 4xx JSON error, and enqueues nothing (seed ${SEED})`, async () => {
    const requests = malformedRequests(COUNT, SEED);
    const wrong: string[] = [];
    const kinds = new Map<string, number>();

    for (const [index, request] of requests.entries()) {
      const response = await fetch(`${e2e.stack.info.apiBaseUrl}${request.path}`, {
        method: 'POST',
        headers: { 'x-api-key': e2e.stack.info.apiKey, ...request.headers },
        body: request.body,
      });
      const text = await response.text();
      let code: unknown;
      try {
        code = (JSON.parse(text) as { error?: { code?: unknown } }).error?.code;
      } catch {
        code = undefined;
      }
      kinds.set(request.kind, (kinds.get(request.kind) ?? 0) + 1);
      if (response.status < 400 || response.status > 499 || typeof code !== 'string') {
        wrong.push(`#${index} ${request.kind}: ${response.status} ${text.slice(0, 160)}`);
      }
    }

    const queueUrl = queueOf(e2e.stack.info, 'OrdersQueue').url;
    const { Attributes } = await e2e.sqs.send(
      new GetQueueAttributesCommand({
        QueueUrl: queueUrl,
        AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
      }),
    );
    const { Messages = [] } = await e2e.sqs.send(
      new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }),
    );

    expect(wrong).toEqual([]);
    expect([...kinds.keys()].sort()).toEqual(
      [
        'bad batches',
        'bad headers',
        'bad unicode',
        'broken JSON',
        'huge fields',
        'oversize bodies',
        'wrong types',
      ].sort(),
    );
    expect(
      Number(Attributes?.ApproximateNumberOfMessages) +
        Number(Attributes?.ApproximateNumberOfMessagesNotVisible),
    ).toBe(0);
    expect(Messages).toEqual([]);
  });
});

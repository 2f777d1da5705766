import { GetQueueAttributesCommand, SendMessageBatchCommand } from '@aws-sdk/client-sqs';
import { buildOrderAttributes, type Order } from '@order-pipeline/common';
import { queueOf } from '@order-pipeline/local-aws/stack-file';
import { POISON_ATTRIBUTES, planTraffic } from '../../produce/traffic';
import { type E2e, eventually, startE2e } from './harness';

// No-loss chaos: orders through the local stack with poison messages, transient failures (each
// fails its first one or two attempts) and invocations that crash at random after their records
// were stored. At the end every order is PROCESSED exactly once or archived as a dead letter.
// `pnpm test:chaos` runs a long version (CHAOS_ORDERS, CHAOS_CRASH_RATE).
const ORDERS = Number(process.env.CHAOS_ORDERS ?? 40);
const CRASH_RATE = process.env.CHAOS_CRASH_RATE ?? '0.1';
jest.setTimeout(Math.max(240_000, ORDERS * 2_000));

type Kind = 'normal' | 'poison' | 'transient:1' | 'transient:2';

const kindOf = (index: number, poison: boolean): Kind => {
  if (poison) return 'poison';
  if (index % 5 === 1) return 'transient:1';
  if (index % 5 === 3) return 'transient:2';
  return 'normal';
};

describe('chaos: no order lost, none processed twice', () => {
  let e2e: E2e;

  beforeAll(async () => {
    e2e = await startE2e({ env: { CHAOS_FAULTS: 'on', CHAOS_CRASH_RATE: CRASH_RATE } });
  }, 240_000);

  afterAll(async () => {
    await e2e?.stop();
  });

  const queueDepth = async (logicalId: string) => {
    const { Attributes } = await e2e.sqs.send(
      new GetQueueAttributesCommand({
        QueueUrl: queueOf(e2e.stack.info, logicalId).url,
        AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
      }),
    );
    return (
      Number(Attributes?.ApproximateNumberOfMessages) +
      Number(Attributes?.ApproximateNumberOfMessagesNotVisible)
    );
  };

  it(`settles ${ORDERS} orders with poison, transient failures and random crashes: 0 lost, 0 processed twice`, async () => {
    const plan = planTraffic(ORDERS, 8, 0.15, 'chaos').map((message, index) => ({
      ...message,
      kind: kindOf(index, message.poison),
    }));
    for (let start = 0; start < plan.length; start += 10) {
      const chunk = plan.slice(start, start + 10);
      await e2e.sqs.send(
        new SendMessageBatchCommand({
          QueueUrl: queueOf(e2e.stack.info, 'OrdersQueue').url,
          Entries: chunk.map(({ order, kind }, index) => ({
            Id: `m${index}`,
            MessageBody: JSON.stringify(order),
            MessageAttributes: {
              ...(kind === 'poison'
                ? POISON_ATTRIBUTES
                : buildOrderAttributes({
                    storeId: order.storeId,
                    correlationId: 'chaos',
                    producer: 'chaos',
                  })),
              ...(kind.startsWith('transient') ? { chaos: { DataType: 'String', StringValue: kind } } : {}),
            },
          })),
        }),
      );
    }

    // Settled: both queues drained (nothing in flight that could still be processed).
    await eventually(
      'both queues to drain',
      async () =>
        (await queueDepth('OrdersQueue')) + (await queueDepth('OrdersDeadLetterQueue')) === 0
          ? true
          : undefined,
      Math.max(180_000, ORDERS * 1_500),
    );
    const deadLetters = await e2e.deadLetters();
    const segments = await e2e.segments();
    const outcomes = (orderId: string) =>
      segments
        .filter((segment) => segment.name === 'order-consumer' && segment.annotations?.orderId === orderId)
        .map((segment) => segment.annotations?.outcome);

    const report = {
      processed: 0,
      deadLettered: 0,
      processedAndDeadLettered: 0,
      lost: 0,
      processedTwice: 0,
      duplicateDeliveries: 0,
    };
    const wrong: string[] = [];
    for (const { order, kind } of plan as Array<{ order: Order; kind: Kind }>) {
      const stored = await e2e.storedOrder(order.orderId);
      const archived = deadLetters.filter((record) => record.orderId === order.orderId);
      const processedCount = outcomes(order.orderId).filter((outcome) => outcome === 'processed').length;
      const isProcessed = stored?.status === 'PROCESSED';
      if (isProcessed) report.processed++;
      if (archived.length > 0) report.deadLettered++;
      if (isProcessed && archived.length > 0) report.processedAndDeadLettered++;
      if (!isProcessed && archived.length === 0) report.lost++;
      if (processedCount > 1) report.processedTwice++;
      if (kind === 'poison' && archived[0]?.classification !== 'missing-store-id') {
        wrong.push(`${order.orderId} (poison) archived as ${String(archived[0]?.classification)}`);
      }
      if (kind !== 'poison' && !isProcessed && archived[0]?.classification !== 'retries-exhausted') {
        wrong.push(`${order.orderId} (${kind}) neither processed nor retries-exhausted`);
      }
      if (isProcessed && processedCount !== 1)
        wrong.push(`${order.orderId} processed ${processedCount} times`);
    }
    report.duplicateDeliveries = segments.filter(
      (segment) => segment.annotations?.outcome === 'duplicate',
    ).length;
    process.stdout.write(`chaos (${ORDERS} orders, crash rate ${CRASH_RATE}): ${JSON.stringify(report)}\n`);

    expect(report.lost).toBe(0);
    expect(report.processedTwice).toBe(0);
    expect(wrong).toEqual([]);
    expect(report.processed + report.deadLettered - report.processedAndDeadLettered).toBe(ORDERS);
  });
});

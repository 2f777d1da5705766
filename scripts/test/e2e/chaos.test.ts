import { GetQueueAttributesCommand, SendMessageBatchCommand } from '@aws-sdk/client-sqs';
import { buildOrderAttributes, type Order } from '@order-pipeline/common';
import { queueOf } from '@order-pipeline/local-aws/stack-file';
import { POISON_ATTRIBUTES, planTraffic, storeOrder } from '../../produce/traffic';
import { type E2e, eventually, startE2e } from './harness';

// No-loss chaos: orders through the local stack with poison messages, transient failures (each
// fails its first one or two attempts), invocations that crash at random after their records were
// stored, and clients that replay orders and reuse orderIds with other bodies (straight to SQS and over
// HTTP). At the end every order is PROCESSED exactly once or archived as a dead letter; every second body
// under a used id is refused (409) or archived as order-conflict; no processed order alarms as a dead letter.
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

describe('chaos: no order lost, none processed twice, none silently dropped', () => {
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

  const sendToQueue = async (messages: Array<{ order: Order; kind: Kind }>) => {
    for (let start = 0; start < messages.length; start += 10) {
      const chunk = messages.slice(start, start + 10);
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
  };

  it(`settles ${ORDERS} orders with poison, transient failures, random crashes, replays and reused ids: 0 lost, 0 processed twice, 0 silently dropped, 0 false dead letters`, async () => {
    const plan = planTraffic(ORDERS, 8, 0.15, 'chaos').map((message, index) => ({
      ...message,
      kind: kindOf(index, message.poison),
    }));
    // Client behaviours besides the orders themselves, straight to SQS (as a producer that bypasses
    // ingest): a replay of the same body (a producer's retry), and a second body under a used
    // (storeId, orderId), which must be archived as order-conflict, never dropped.
    const valid = plan.filter(({ kind }) => kind !== 'poison');
    const replays = valid.filter((_, index) => index % 7 === 3).map(({ order }) => order);
    const conflicted = valid.filter((_, index) => index % 9 === 5).map(({ order }) => order);
    const conflicting = conflicted.map((order) => ({ ...order, currency: 'USD' }));
    await sendToQueue([
      ...plan,
      ...replays.map((order) => ({ order, kind: 'normal' as const })),
      ...conflicting.map((order) => ({ order, kind: 'normal' as const })),
    ]);

    // The same over HTTP: each order posted, replayed (202, same orderId) and reused with another body (409).
    const overHttp = Array.from({ length: Math.max(2, Math.round(ORDERS / 20)) }, (_, index) =>
      storeOrder((index % 8) + 1, 'chaos-http'),
    );
    const wrong: string[] = [];
    let refusedAtIngest = 0;
    let acceptedConflicts = 0;
    for (const order of overHttp) {
      const first = await e2e.post('/orders', order);
      const replay = await e2e.post('/orders', order);
      const conflict = await e2e.post('/orders', { ...order, currency: 'USD' });
      if (first.status !== 202 || replay.status !== 202) {
        wrong.push(`${order.orderId} over HTTP: ${first.status} then ${replay.status}`);
      }
      if ((replay.body as { orderId?: string }).orderId !== order.orderId) {
        wrong.push(`${order.orderId} replay answered another orderId`);
      }
      if (conflict.status === 409) refusedAtIngest++;
      else acceptedConflicts++;
    }
    const originals = [
      ...plan,
      ...overHttp.map((order) => ({ order, kind: 'normal' as const, poison: false })),
    ];

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
    const conflictedIds = new Set(conflicted.map((order) => order.orderId));

    const report = {
      lost: 0,
      processedTwice: 0,
      silentlyDropped: acceptedConflicts,
      conflictsRefused: refusedAtIngest,
      falseDeadLetters: 0,
      processed: 0,
      deadLettered: 0,
      processedAndDeadLettered: 0,
      duplicateDeliveries: 0,
    };
    for (const { order, kind } of originals as Array<{ order: Order; kind: Kind }>) {
      const stored = await e2e.storedOrder(order.storeId, order.orderId);
      const archived = deadLetters.filter((record) => record.orderId === order.orderId);
      const processedCount = outcomes(order.orderId).filter((outcome) => outcome === 'processed').length;
      const isProcessed = stored?.status === 'PROCESSED';
      if (isProcessed) report.processed++;
      if (archived.length > 0) report.deadLettered++;
      if (isProcessed && archived.length > 0) report.processedAndDeadLettered++;
      if (!isProcessed && archived.length === 0) report.lost++;
      if (processedCount > 1) report.processedTwice++;
      const conflictArchived = archived.some((record) => record.classification === 'order-conflict');
      if (conflictedIds.has(order.orderId)) {
        // One of the two bodies is stored; the other must be an order-conflict dead letter.
        if (!(isProcessed && conflictArchived)) report.silentlyDropped++;
      } else if (kind !== 'poison' && !isProcessed && archived[0]?.classification !== 'retries-exhausted') {
        wrong.push(`${order.orderId} (${kind}) neither processed nor retries-exhausted`);
      }
      if (kind === 'poison' && archived[0]?.classification !== 'missing-store-id') {
        wrong.push(`${order.orderId} (poison) archived as ${String(archived[0]?.classification)}`);
      }
      if (isProcessed && processedCount !== 1)
        wrong.push(`${order.orderId} processed ${processedCount} times`);
    }
    for (const deadLetter of deadLetters) {
      if (deadLetter.classification === 'order-conflict') report.conflictsRefused++;
      if (deadLetter.classification === 'already-processed' || typeof deadLetter.storeId !== 'number')
        continue;
      const stored = await e2e.storedOrder(deadLetter.storeId, String(deadLetter.orderId));
      // A dead letter that alarms although its very order is stored PROCESSED.
      if (stored?.status === 'PROCESSED' && stored.fingerprint === deadLetter.fingerprint)
        report.falseDeadLetters++;
    }
    report.duplicateDeliveries = segments.filter(
      (segment) => segment.annotations?.outcome === 'duplicate',
    ).length;
    const { lost, processedTwice, silentlyDropped, conflictsRefused, falseDeadLetters } = report;
    process.stdout.write(
      `chaos (${ORDERS} orders, crash rate ${CRASH_RATE}): lost ${lost}, processedTwice ${processedTwice}, ` +
        `silentlyDropped ${silentlyDropped}, conflictsRefused ${conflictsRefused}, falseDeadLetters ${falseDeadLetters} ` +
        `${JSON.stringify(report)}\n`,
    );

    expect({ lost, processedTwice, silentlyDropped, falseDeadLetters }).toEqual({
      lost: 0,
      processedTwice: 0,
      silentlyDropped: 0,
      falseDeadLetters: 0,
    });
    expect(conflictsRefused).toBeGreaterThanOrEqual(conflicted.length + overHttp.length);
    expect(wrong).toEqual([]);
    expect(report.processed + report.deadLettered - report.processedAndDeadLettered).toBe(originals.length);
  });
});

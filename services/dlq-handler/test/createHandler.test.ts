import { Metrics } from '@aws-lambda-powertools/metrics';
import { ORDER_STATUS, orderFingerprint } from '@order-pipeline/common';
import {
  anOrder,
  type CapturedOutput,
  captureOutput,
  emfDocuments,
  FakeOrdersTable,
  lambdaContext,
  orderRecord,
  orderRecordAttributes,
  sqsEvent,
  sqsRecord,
} from '@order-pipeline/common/testing';
import type { SQSBatchResponse } from 'aws-lambda';
import { createHandler } from '../src/createHandler';
import { deadLetterMetrics } from '../src/metrics';
import { fakeArchiveDeps } from './support/fakes';

const poison = () =>
  sqsRecord({ body: JSON.stringify(anOrder()), messageAttributes: orderRecordAttributes(null) });

type EmfDocument = Record<string, unknown> & { _aws: { CloudWatchMetrics: { Dimensions: string[][] }[] } };

const emfLines = (output: CapturedOutput) => emfDocuments(output.json()) as EmfDocument[];

describe('createHandler()', () => {
  const captureStdout = () => captureOutput(['stdout']);

  const handlerWith = (failingMessageId?: string) => {
    const powertoolsMetrics = new Metrics({ namespace: 'OrderPipeline', serviceName: 'dlq-handler' });
    const { deps, deadLetters } = fakeArchiveDeps({
      deadLetterMetrics: deadLetterMetrics(powertoolsMetrics),
    });
    const store = deps.deadLetters;
    deps.deadLetters = {
      archive: (deadLetter) =>
        deadLetter.messageId === failingMessageId
          ? Promise.reject(new Error('down'))
          : store.archive(deadLetter),
    };
    return { handler: createHandler({ ...deps, metrics: powertoolsMetrics }), deadLetters };
  };

  it('reports only the records it could not archive as batch item failures', async () => {
    captureStdout();
    const failing = poison();
    const { handler } = handlerWith(failing.messageId);

    const response = (await handler(
      sqsEvent([poison(), failing, poison()]),
      lambdaContext(),
    )) as SQSBatchResponse;

    expect(response).toEqual({ batchItemFailures: [{ itemIdentifier: failing.messageId }] });
  });

  it('emits DeadLettersArchived as EMF: a total for the alarm and one per classification', async () => {
    const output = captureStdout();
    const { handler } = handlerWith();

    await handler(sqsEvent([poison(), sqsRecord({ body: '{oops' })]), lambdaContext());

    const metrics = emfLines(output);
    const total = metrics.find((line) => line._aws.CloudWatchMetrics[0]?.Dimensions[0]?.length === 1);
    const perClass = metrics.filter((line) => 'classification' in line);
    expect(total).toEqual(expect.objectContaining({ service: 'dlq-handler', DeadLettersArchived: [1, 1] }));
    expect(perClass.map((line) => line.classification).sort()).toEqual(['missing-store-id', 'unparseable']);
    expect(perClass.every((line) => line.DeadLettersArchived === 1)).toBe(true);
  });

  it('emits DeadLettersNotArchived as EMF for every record it could not archive', async () => {
    const output = captureStdout();
    const failing = poison();
    const { handler } = handlerWith(failing.messageId);

    await handler(sqsEvent([poison(), failing]), lambdaContext());

    const total = emfLines(output).find(
      (line) => line._aws.CloudWatchMetrics[0]?.Dimensions[0]?.length === 1,
    );
    expect(total).toEqual(
      expect.objectContaining({ service: 'dlq-handler', DeadLettersArchived: 1, DeadLettersNotArchived: 1 }),
    );
  });

  it('leaves an already-processed dead letter out of the total the alarm watches', async () => {
    const output = captureStdout();
    const order = anOrder();
    const orders = new FakeOrdersTable();
    orders.seed({
      storeId: order.storeId,
      orderId: order.orderId,
      status: ORDER_STATUS.processed,
      fingerprint: orderFingerprint(order),
      updatedAt: '2026-11-22T11:00:00.000Z',
    });
    const powertoolsMetrics = new Metrics({ namespace: 'OrderPipeline', serviceName: 'dlq-handler' });
    const { deps } = fakeArchiveDeps({ deadLetterMetrics: deadLetterMetrics(powertoolsMetrics), orders });
    const handler = createHandler({ ...deps, metrics: powertoolsMetrics });

    await handler(sqsEvent([orderRecord(order), poison()]), lambdaContext());

    const metrics = emfLines(output);
    const total = metrics.find((line) => line._aws.CloudWatchMetrics[0]?.Dimensions[0]?.length === 1);
    const perClass = metrics.filter((line) => 'classification' in line);
    expect(total).toEqual(expect.objectContaining({ DeadLettersArchived: 1 }));
    expect(perClass.map((line) => line.classification).sort()).toEqual([
      'already-processed',
      'missing-store-id',
    ]);
  });
});

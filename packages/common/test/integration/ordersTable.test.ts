import { DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import { type LocalAws, startLocalAws } from '@order-pipeline/local-aws';
import { orderFingerprint } from '../../src/orderFingerprint';
import {
  type AcceptedOrder,
  type DeadLetteredOrder,
  type OrderKey,
  type OrdersTable,
  ordersTable,
  type ProcessedOrder,
} from '../../src/ordersTable';
import { anOrder } from '../../src/testing/factories';
import { FakeOrdersTable } from '../../src/testing/fakeOrdersTable';

const AT = '2026-11-22T12:00:00.000Z';
let sequence = 0;

/** A fresh key and the order under it, so that every test starts from (no item). */
const fresh = (storeId = 7) => {
  sequence += 1;
  const order = anOrder({ storeId, orderId: `it-${sequence}` });
  return {
    key: { storeId, orderId: order.orderId } as OrderKey,
    order,
    fingerprint: orderFingerprint(order),
  };
};

const accepted = (key: OrderKey, fingerprint: string): AcceptedOrder => ({
  ...key,
  fingerprint,
  correlationId: 'corr-1',
  traceId: '1-5759e988-bd862e3fe1be46a994272793',
  at: AT,
});

const processed = (subject: ReturnType<typeof fresh>, messageId = 'm-1'): ProcessedOrder => ({
  ...subject.key,
  fingerprint: subject.fingerprint,
  order: subject.order,
  messageId,
  receiveCount: 1,
  at: AT,
});

const deadLettered = (key: OrderKey, fingerprint: string | undefined): DeadLetteredOrder => ({
  ...key,
  fingerprint,
  messageId: 'dlq-1',
  classification: 'retries-exhausted',
  reason: 'kept failing',
  receiveCount: 5,
  at: AT,
});

/** The same order with other content under the same key. */
const otherContent = (subject: ReturnType<typeof fresh>) => {
  const order = { ...subject.order, currency: 'USD' };
  return { ...subject, order, fingerprint: orderFingerprint(order) };
};

let local: LocalAws;
let documents: DynamoDBDocumentClient;

beforeAll(async () => {
  local = await startLocalAws({ services: ['order-consumer'] });
  documents = DynamoDBDocumentClient.from(local.dynamo, { marshallOptions: { removeUndefinedValues: true } });
}, 60_000);

afterAll(() => local?.stop());

// The same state changes against the real conditions and against the unit tests' fake, so the fake
// cannot drift from the table.
describe.each([
  ['ordersTable() against dynalite (the table created from order-consumer’s CloudFormation)', 'dynalite'],
  ['FakeOrdersTable (common/testing)', 'fake'],
] as const)('%s', (_title, kind) => {
  let table: OrdersTable;

  beforeAll(() => {
    table =
      kind === 'dynalite'
        ? ordersTable(documents, local.tables.OrdersTable ?? 'missing')
        : new FakeOrdersTable();
  });

  describe('ingest: recordAccepted, completeAccepted, releaseAccepted', () => {
    it('records an ACCEPTED item with the fingerprint and no messageId', async () => {
      const { key, fingerprint } = fresh();

      const result = await table.recordAccepted(accepted(key, fingerprint));

      expect(result).toEqual({ outcome: 'recorded' });
      expect(await table.get(key)).toEqual(
        expect.objectContaining({ ...key, status: 'ACCEPTED', fingerprint, acceptedAt: AT }),
      );
      expect((await table.get(key))?.messageId).toBeUndefined();
    });

    it('answers a replay with the stored record when the same content comes again', async () => {
      const { key, fingerprint } = fresh();
      await table.recordAccepted(accepted(key, fingerprint));

      const result = await table.recordAccepted({ ...accepted(key, fingerprint), correlationId: 'corr-2' });

      expect(result).toEqual({
        outcome: 'replay',
        stored: expect.objectContaining({ status: 'ACCEPTED', correlationId: 'corr-1' }),
      });
    });

    it('answers a conflict when other content comes under the same key, and keeps the first', async () => {
      const subject = fresh();
      await table.recordAccepted(accepted(subject.key, subject.fingerprint));

      const result = await table.recordAccepted(accepted(subject.key, otherContent(subject).fingerprint));

      expect(result.outcome).toBe('conflict');
      expect((await table.get(subject.key))?.fingerprint).toBe(subject.fingerprint);
    });

    it('lets exactly one of two different bodies racing for one key be recorded', async () => {
      const subject = fresh();
      const other = otherContent(subject);

      const results = await Promise.all([
        table.recordAccepted(accepted(subject.key, subject.fingerprint)),
        table.recordAccepted(accepted(subject.key, other.fingerprint)),
      ]);

      expect(results.map((result) => result.outcome).sort()).toEqual(['conflict', 'recorded']);
    });

    it('keeps two stores’ orders with the same orderId apart', async () => {
      const seven = fresh(7);
      const eight = { ...seven, key: { storeId: 8, orderId: seven.key.orderId } };
      const eightOrder = { ...seven.order, storeId: 8 };

      const results = [
        await table.recordAccepted(accepted(seven.key, seven.fingerprint)),
        await table.recordAccepted(accepted(eight.key, orderFingerprint(eightOrder))),
      ];

      expect(results).toEqual([{ outcome: 'recorded' }, { outcome: 'recorded' }]);
      expect((await table.get(eight.key))?.storeId).toBe(8);
      expect((await table.get(seven.key))?.storeId).toBe(7);
    });

    it('completes an ACCEPTED record with its messageId once SQS confirmed it', async () => {
      const { key, fingerprint } = fresh();
      await table.recordAccepted(accepted(key, fingerprint));

      const result = await table.completeAccepted(key, fingerprint, 'sqs-1', AT);

      expect(result).toBe('changed');
      expect((await table.get(key))?.messageId).toBe('sqs-1');
    });

    it('leaves a record the consumer already processed as it is when ingest completes late', async () => {
      const subject = fresh();
      await table.recordAccepted(accepted(subject.key, subject.fingerprint));
      await table.putProcessed(processed(subject, 'sqs-1'));

      const result = await table.completeAccepted(subject.key, subject.fingerprint, 'sqs-1', AT);

      expect(result).toBe('unchanged');
      expect((await table.get(subject.key))?.status).toBe('PROCESSED');
    });

    it('releases an unsent ACCEPTED record, so that corrected content can be recorded', async () => {
      const subject = fresh();
      await table.recordAccepted(accepted(subject.key, subject.fingerprint));

      const released = await table.releaseAccepted(subject.key, subject.fingerprint);
      const next = await table.recordAccepted(accepted(subject.key, otherContent(subject).fingerprint));

      expect(released).toBe('changed');
      expect(next).toEqual({ outcome: 'recorded' });
    });

    it('never releases a record that was sent, or that holds other content', async () => {
      const subject = fresh();
      await table.recordAccepted(accepted(subject.key, subject.fingerprint));
      await table.completeAccepted(subject.key, subject.fingerprint, 'sqs-1', AT);

      const results = [
        await table.releaseAccepted(subject.key, subject.fingerprint),
        await table.releaseAccepted(subject.key, otherContent(subject).fingerprint),
      ];

      expect(results).toEqual(['unchanged', 'unchanged']);
      expect(await table.get(subject.key)).toBeDefined();
    });
  });

  describe('consumer: putProcessed', () => {
    it('creates a PROCESSED order when no item exists (a message that bypassed ingest)', async () => {
      const subject = fresh();

      const result = await table.putProcessed(processed(subject));

      expect(result).toBe('created');
      expect(await table.get(subject.key)).toEqual(
        expect.objectContaining({
          status: 'PROCESSED',
          order: subject.order,
          fingerprint: subject.fingerprint,
        }),
      );
    });

    it('turns ingest’s ACCEPTED record of the same content into PROCESSED', async () => {
      const subject = fresh();
      await table.recordAccepted(accepted(subject.key, subject.fingerprint));

      expect(await table.putProcessed(processed(subject))).toBe('created');
      expect((await table.get(subject.key))?.status).toBe('PROCESSED');
    });

    it('answers duplicate for a second delivery of the same order and writes nothing', async () => {
      const subject = fresh();
      await table.putProcessed(processed(subject, 'm-1'));

      const result = await table.putProcessed(processed(subject, 'm-2'));

      expect(result).toBe('duplicate');
      expect((await table.get(subject.key))?.messageId).toBe('m-1');
    });

    it('answers conflict for other content, whether the stored order is ACCEPTED or PROCESSED', async () => {
      const acceptedOne = fresh();
      const processedOne = fresh();
      await table.recordAccepted(accepted(acceptedOne.key, acceptedOne.fingerprint));
      await table.putProcessed(processed(processedOne));

      const results = [
        await table.putProcessed(processed(otherContent(acceptedOne))),
        await table.putProcessed(processed(otherContent(processedOne))),
      ];

      expect(results).toEqual(['conflict', 'conflict']);
      expect((await table.get(acceptedOne.key))?.fingerprint).toBe(acceptedOne.fingerprint);
      expect((await table.get(processedOne.key))?.order).toEqual(processedOne.order);
    });

    it('replaces a DEAD_LETTERED marker of the same order (a redrive), never one of other content', async () => {
      const subject = fresh();
      await table.markDeadLettered(deadLettered(subject.key, subject.fingerprint));

      const results = [
        await table.putProcessed(processed(otherContent(subject))),
        await table.putProcessed(processed(subject)),
      ];

      expect(results).toEqual(['conflict', 'created']);
      expect((await table.get(subject.key))?.status).toBe('PROCESSED');
    });
  });

  describe('dlq-handler: markDeadLettered', () => {
    it('creates a DEAD_LETTERED marker when the order was never stored', async () => {
      const { key, fingerprint } = fresh();

      expect(await table.markDeadLettered(deadLettered(key, fingerprint))).toBe('changed');
      expect(await table.get(key)).toEqual(
        expect.objectContaining({
          status: 'DEAD_LETTERED',
          fingerprint,
          deadLetterClass: 'retries-exhausted',
          deadLetterReason: 'kept failing',
        }),
      );
    });

    it('marks ingest’s ACCEPTED record of the same content DEAD_LETTERED', async () => {
      const { key, fingerprint } = fresh();
      await table.recordAccepted(accepted(key, fingerprint));

      expect(await table.markDeadLettered(deadLettered(key, fingerprint))).toBe('changed');
      expect((await table.get(key))?.status).toBe('DEAD_LETTERED');
    });

    it('never marks a PROCESSED order, nor one holding other content', async () => {
      const processedOne = fresh();
      const acceptedOne = fresh();
      await table.putProcessed(processed(processedOne));
      await table.recordAccepted(accepted(acceptedOne.key, acceptedOne.fingerprint));

      const results = [
        await table.markDeadLettered(deadLettered(processedOne.key, processedOne.fingerprint)),
        await table.markDeadLettered(deadLettered(acceptedOne.key, otherContent(acceptedOne).fingerprint)),
        await table.markDeadLettered(deadLettered(acceptedOne.key, undefined)),
      ];

      expect(results).toEqual(['unchanged', 'unchanged', 'unchanged']);
      expect((await table.get(processedOne.key))?.status).toBe('PROCESSED');
      expect((await table.get(acceptedOne.key))?.status).toBe('ACCEPTED');
    });

    it('lets a valid order take over the marker of a dead letter that was no order', async () => {
      const subject = fresh();
      await table.markDeadLettered(deadLettered(subject.key, undefined));

      const result = await table.recordAccepted(accepted(subject.key, subject.fingerprint));

      expect(result).toEqual({ outcome: 'recorded' });
    });
  });

  describe('get', () => {
    it('answers undefined when there is no such order', async () => {
      expect(await table.get({ storeId: 7, orderId: 'never-written' })).toBeUndefined();
    });
  });
});

describe('ordersTable().get() against dynalite', () => {
  it('refuses an item that is not an order record', async () => {
    await documents.send(
      new PutCommand({
        TableName: local.tables.OrdersTable,
        Item: { storeId: 7, orderId: 'foreign', status: 'WHATEVER' },
      }),
    );

    const table = ordersTable(documents, local.tables.OrdersTable ?? 'missing');
    await expect(table.get({ storeId: 7, orderId: 'foreign' })).rejects.toThrow(/not an order record/);
  });
});

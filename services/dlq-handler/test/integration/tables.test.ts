import { DynamoDBDocumentClient, PutCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { type LocalAws, startLocalAws } from '@order-pipeline/local-aws';
import { type DeadLetterStore, deadLetterTable } from '../../src/deadLetterTable';
import { aDeadLetter } from '../support/fakes';

describe('the dead-letters table (dynalite, created from the service’s CloudFormation)', () => {
  let local: LocalAws;
  let documents: DynamoDBDocumentClient;
  let deadLetters: DeadLetterStore;

  beforeAll(async () => {
    local = await startLocalAws({ services: ['order-consumer', 'dlq-handler'] });
    documents = DynamoDBDocumentClient.from(local.dynamo, {
      marshallOptions: { removeUndefinedValues: true },
    });
    deadLetters = deadLetterTable(documents, local.tables.DeadLettersTable ?? 'missing');
  }, 60_000);

  afterAll(() => local?.stop());

  describe('dead letters', () => {
    it('archives a dead letter once: a second put of the same message id changes nothing', async () => {
      const first = aDeadLetter({ messageId: 'idempotent-1', reason: 'first' });

      const results = [
        await deadLetters.archive(first),
        await deadLetters.archive({ ...first, reason: 'second' }),
      ];

      expect(results).toEqual(['archived', 'already-archived']);
      expect(await deadLetters.get('idempotent-1')).toEqual({ ...first, expiresAt: expect.any(Number) });
    });

    it('archives a dead letter with its expiry, retention days after it was archived, for the TTL', async () => {
      const archivedAt = '2026-11-22T12:00:00.000Z';
      const keptForAWeek = deadLetterTable(documents, local.tables.DeadLettersTable ?? 'missing', 7);

      await keptForAWeek.archive(aDeadLetter({ messageId: 'ttl-1', archivedAt }));

      expect((await deadLetters.get('ttl-1'))?.expiresAt).toBe(Date.parse('2026-11-29T12:00:00.000Z') / 1000);
    });

    it('marks an ARCHIVED dead letter REDRIVEN once, and refuses a second marking', async () => {
      await deadLetters.archive(aDeadLetter({ messageId: 'redrive-1' }));
      const redrive = { redriveCount: 1, redrivenAt: '2026-11-22T12:00:00.000Z', redrivenMessageId: 'new-1' };

      const results = [
        await deadLetters.markRedriven('redrive-1', redrive),
        await deadLetters.markRedriven('redrive-1', { ...redrive, redrivenMessageId: 'new-2' }),
        await deadLetters.markRedriven('absent', redrive),
      ];

      expect(results).toEqual(['marked', 'not-archived', 'not-archived']);
      expect(await deadLetters.get('redrive-1')).toEqual(
        expect.objectContaining({ status: 'REDRIVEN', redriveCount: 1, redrivenMessageId: 'new-1' }),
      );
    });

    it('lists every dead letter across Scan pages', async () => {
      // A Scan page holds at most 1 MB: 25 bodies of 60 kB need two.
      const body = JSON.stringify({ padding: 'x'.repeat(60_000) });
      const ids = Array.from({ length: 25 }, (_, index) => `page-${index}`);
      await Promise.all(ids.map((messageId) => deadLetters.archive(aDeadLetter({ messageId, body }))));

      const firstPage = await documents.send(new ScanCommand({ TableName: local.tables.DeadLettersTable }));
      const listed = (await deadLetters.list()).map((deadLetter) => deadLetter.messageId);

      expect(firstPage.LastEvaluatedKey).toBeDefined();
      expect(listed).toEqual(expect.arrayContaining(ids));
    });

    it('refuses to read an item that is not a dead letter', async () => {
      await documents.send(
        new PutCommand({
          TableName: local.tables.DeadLettersTable,
          Item: { messageId: 'stray', note: 'hand-made' },
        }),
      );

      await expect(deadLetters.get('stray')).rejects.toThrow('dead-letters item stray is not a dead letter');
    });
  });
});

// Proves the message checks of patches/local-aws-sqs@2.0.2.patch: SendMessage and SendMessageBatch
// refuse what SQS refuses (and accept what it accepts), so that a producer bug fails locally as it
// would in production. The rules:
// https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-message-metadata.html
// https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/quotas-messages.html
// Some rules were already enforced upstream (reserved prefixes, periods, name length, 10 attributes,
// data type prefixes); their tests guard them against a regression of the patch, which wraps that
// check. The README lists which tests fail without the patch.
import { type RunningServer, startSqs } from '../../packages/local-aws/src';
import { type MessageAttributeValue, type Queue, type SqsApi, sqsApi } from './sqsApi';

const MiB = 1024 * 1024;
const text = (value: string): MessageAttributeValue => ({ DataType: 'String', StringValue: value });

describe('local-aws-sqs message checks', () => {
  let server: RunningServer;
  let sqs: SqsApi;
  let queue: Queue;

  beforeAll(async () => {
    server = await startSqs();
    sqs = sqsApi(server.endpoint);
    queue = await sqs.createQueue('message-checks');
  });

  afterAll(async () => {
    await server.close();
  });

  const refusal = (code: string) => expect.objectContaining({ status: 400, code });

  describe('SendMessage', () => {
    it.each([
      ['a space', 'order id'],
      ['a slash', 'order/id'],
      ['a colon', 'order:id'],
      ['a non-ASCII letter', 'bestellnümmer'],
      ['an emoji', 'order🛒'],
    ])('refuses an attribute name with %s', async (_, name) => {
      await expect(sqs.sendMessage(queue.url, 'order', { [name]: text('1') })).rejects.toEqual(
        refusal('InvalidParameterValue'),
      );
    });

    it.each([
      ['a reserved AWS. prefix', 'AWS.trace'],
      ['a reserved Amazon. prefix in another case', 'aMaZoN.trace'],
      ['a leading period', '.order'],
      ['a trailing period', 'order.'],
      ['successive periods', 'order..id'],
      ['more than 256 characters', 'a'.repeat(257)],
    ])('refuses an attribute name with %s', async (_, name) => {
      await expect(sqs.sendMessage(queue.url, 'order', { [name]: text('1') })).rejects.toEqual(
        refusal('InvalidParameterValue'),
      );
    });

    it('accepts attribute names of letters, digits, underscores, hyphens and single periods up to 256 characters', async () => {
      const attributes = {
        'order_id-2.v1': text('1'),
        AWSish: text('2'),
        [`x${'y'.repeat(255)}`]: text('3'),
      };

      await expect(sqs.sendMessage(queue.url, 'order', attributes)).resolves.toEqual(expect.any(String));
    });

    it('accepts 10 attributes and refuses 11', async () => {
      const attributes = (count: number) =>
        Object.fromEntries(Array.from({ length: count }, (_, index) => [`a${index}`, text('1')]));

      await expect(sqs.sendMessage(queue.url, 'order', attributes(10))).resolves.toEqual(expect.any(String));
      await expect(sqs.sendMessage(queue.url, 'order', attributes(11))).rejects.toEqual(
        refusal('InvalidParameterValue'),
      );
    });

    it('accepts the String, Number and Binary data types, with or without a custom label', async () => {
      const attributes = {
        s: text('a'),
        n: { DataType: 'Number', StringValue: '42' },
        b: { DataType: 'Binary', BinaryValue: Buffer.from([0, 1, 2]).toString('base64') },
        labelled: { DataType: 'Number.int', StringValue: '7' },
      };

      await expect(sqs.sendMessage(queue.url, 'order', attributes)).resolves.toEqual(expect.any(String));
    });

    it.each([
      ['an unknown type', 'Text'],
      ['a type in the wrong case', 'string'],
    ])('refuses an attribute with %s', async (_, dataType) => {
      await expect(
        sqs.sendMessage(queue.url, 'order', { a: { DataType: dataType, StringValue: '1' } }),
      ).rejects.toEqual(refusal('InvalidParameterValue'));
    });

    it('refuses a custom type label or a String value with a character SQS does not allow', async () => {
      await expect(
        sqs.sendMessage(queue.url, 'order', { a: { DataType: 'String.\u0000', StringValue: '1' } }),
      ).rejects.toEqual(refusal('InvalidMessageContents'));
      await expect(sqs.sendMessage(queue.url, 'order', { a: text('a\u0001b') })).rejects.toEqual(
        refusal('InvalidMessageContents'),
      );
    });

    it('refuses a body with a character SQS does not allow', async () => {
      await expect(sqs.sendMessage(queue.url, 'order \u0000')).rejects.toEqual(
        refusal('InvalidMessageContents'),
      );
      await expect(sqs.sendMessage(queue.url, 'order \uFFFE')).rejects.toEqual(
        refusal('InvalidMessageContents'),
      );
    });

    it('accepts a body of exactly 1 MiB', async () => {
      await expect(sqs.sendMessage(queue.url, 'a'.repeat(MiB))).resolves.toEqual(expect.any(String));
    });

    it('counts the size in UTF-8 bytes: refuses a body of fewer than 1 MiB characters but more than 1 MiB bytes', async () => {
      const body = 'é'.repeat(MiB / 2 + 1); // 524,289 characters, 1,048,578 bytes

      await expect(sqs.sendMessage(queue.url, body)).rejects.toEqual(refusal('InvalidParameterValue'));
    });

    it('counts every attribute name, type and value in the size', async () => {
      const body = 'a'.repeat(MiB - 10);

      // 'k' + 'String' + 'abcd' = 11 bytes: one more than the room left.
      await expect(sqs.sendMessage(queue.url, body, { k: text('abcd') })).rejects.toEqual(
        refusal('InvalidParameterValue'),
      );
      await expect(sqs.sendMessage(queue.url, body, { k: text('abc') })).resolves.toEqual(expect.any(String));
    });

    it('counts a binary value in bytes, not in base64 characters', async () => {
      const value = Buffer.alloc(900_000, 7).toString('base64'); // 1,200,000 base64 characters

      await expect(
        sqs.sendMessage(queue.url, 'order', { blob: { DataType: 'Binary', BinaryValue: value } }),
      ).resolves.toEqual(expect.any(String));
    });
  });

  describe('SendMessageBatch', () => {
    it('fails an entry with an invalid attribute name as a sender fault and sends the others', async () => {
      const { Successful, Failed } = await sqs.sendMessageBatch(queue.url, [
        { Id: 'good', MessageBody: 'order', MessageAttributes: { storeId: text('1') } },
        { Id: 'bad', MessageBody: 'order', MessageAttributes: { 'store id': text('1') } },
      ]);

      expect(Successful.map(({ Id }) => Id)).toEqual(['good']);
      expect(Failed).toEqual([
        expect.objectContaining({ Id: 'bad', Code: 'InvalidParameterValue', SenderFault: true }),
      ]);
    });

    it('fails an entry with a disallowed body character as a sender fault', async () => {
      const { Failed } = await sqs.sendMessageBatch(queue.url, [{ Id: 'bad', MessageBody: 'a\u0000' }]);

      expect(Failed).toEqual([
        expect.objectContaining({ Id: 'bad', Code: 'InvalidMessageContents', SenderFault: true }),
      ]);
    });

    it("fails an entry over the queue's MaximumMessageSize in bytes as a sender fault", async () => {
      // A batch over 1 MiB is refused as a whole, so the entry limit is shown with a smaller queue limit.
      const small = await sqs.createQueue('message-checks-small', { MaximumMessageSize: '1024' });

      const { Successful, Failed } = await sqs.sendMessageBatch(small.url, [
        { Id: 'fits', MessageBody: 'a'.repeat(1024) },
        { Id: 'big', MessageBody: 'é'.repeat(600) }, // 600 characters, 1,200 bytes
      ]);

      expect(Successful.map(({ Id }) => Id)).toEqual(['fits']);
      expect(Failed).toEqual([
        expect.objectContaining({ Id: 'big', Code: 'InvalidParameterValue', SenderFault: true }),
      ]);
    });

    it('refuses a batch over 1 MiB in bytes, counted in UTF-8 bytes', async () => {
      const entries = ['a', 'b'].map((Id) => ({ Id, MessageBody: 'é'.repeat(300_000) })); // 1.2 MB in all

      await expect(sqs.sendMessageBatch(queue.url, entries)).rejects.toEqual(
        refusal('AWS.SimpleQueueService.BatchRequestTooLong'),
      );
    });
  });
});

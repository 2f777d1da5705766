import { ChangeMessageVisibilityCommand } from '@aws-sdk/client-sqs';
import { sqsRecord } from '@order-pipeline/common/testing';
import { createVisibilityChanger, type SqsSender } from '../src/visibility';

const recordingSender = () => {
  const sent: ChangeMessageVisibilityCommand[] = [];
  const sqs: SqsSender = {
    send: async (command) => {
      sent.push(command);
      return {};
    },
  };
  return { sqs, sent };
};

describe('createVisibilityChanger().changeVisibility()', () => {
  it("changes the visibility of the record's receipt on the queue its eventSourceARN names", async () => {
    const { sqs, sent } = recordingSender();
    const record = sqsRecord({
      eventSourceARN: 'arn:aws:sqs:eu-west-1:123456789012:order-pipeline-prod-orders',
    });

    await createVisibilityChanger(sqs).changeVisibility(record, 16);

    expect(sent[0]).toBeInstanceOf(ChangeMessageVisibilityCommand);
    expect(sent[0]?.input).toEqual({
      QueueUrl: 'https://sqs.eu-west-1.amazonaws.com/123456789012/order-pipeline-prod-orders',
      ReceiptHandle: record.receiptHandle,
      VisibilityTimeout: 16,
    });
  });

  it('addresses the embedded SQS when an endpoint is given', async () => {
    const { sqs, sent } = recordingSender();
    const record = sqsRecord({
      eventSourceARN: 'arn:aws:sqs:eu-west-1:000000000000:order-pipeline-local-orders',
    });

    await createVisibilityChanger(sqs, 'http://127.0.0.1:9324').changeVisibility(record, 1);

    expect(sent[0]?.input.QueueUrl).toBe('http://127.0.0.1:9324/000000000000/order-pipeline-local-orders');
  });

  it('rejects when SQS refuses the change', async () => {
    const sqs: SqsSender = {
      send: async () => {
        throw new Error('ReceiptHandleIsInvalid');
      },
    };

    await expect(createVisibilityChanger(sqs).changeVisibility(sqsRecord(), 1)).rejects.toThrow(
      'ReceiptHandleIsInvalid',
    );
  });
});

import { ChangeMessageVisibilityCommand } from '@aws-sdk/client-sqs';
import { queueUrlFromArn } from '@order-pipeline/common';
import type { SQSRecord } from 'aws-lambda';

export type RecordHandle = Pick<SQSRecord, 'eventSourceARN' | 'receiptHandle'>;

/** Delays a record's next delivery (its back-off). */
export interface VisibilityChanger {
  changeVisibility(record: RecordHandle, seconds: number): Promise<void>;
}

/** The part of an SQS client the changer uses (a fake in unit tests). */
export interface SqsSender {
  send(command: ChangeMessageVisibilityCommand): Promise<unknown>;
}

/**
 * ChangeMessageVisibility on the record's own queue, whose URL is derived from the record's
 * `eventSourceARN` (`endpoint` is the embedded SQS on the local stage):
 * https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_ChangeMessageVisibility.html
 */
export const createVisibilityChanger = (sqs: SqsSender, endpoint?: string): VisibilityChanger => ({
  async changeVisibility(record, seconds) {
    await sqs.send(
      new ChangeMessageVisibilityCommand({
        QueueUrl: queueUrlFromArn(record.eventSourceARN, endpoint),
        ReceiptHandle: record.receiptHandle,
        VisibilityTimeout: seconds,
      }),
    );
  },
});

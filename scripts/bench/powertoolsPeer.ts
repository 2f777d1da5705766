// The consumer bench's peer: the same per-record work as order-consumer's handler (parse, validate,
// conditional put to the store, one span, one log line, one metric) written the way the Powertools
// for AWS Lambda documentation writes an SQS batch consumer: BatchProcessor + Tracer + Logger + Metrics.
// https://docs.powertools.aws.dev/lambda/typescript/latest/features/batch/
import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { Tracer } from '@aws-lambda-powertools/tracer';
import { inspectOrderMessage, orderFingerprint, type StoreDirectory } from '@order-pipeline/common';
import type { OrdersTable } from '@order-pipeline/common/orders-table';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';

export const powertoolsPeer = (store: Pick<OrdersTable, 'putProcessed'>, stores: StoreDirectory) => {
  const tracer = new Tracer({ serviceName: 'order-consumer-peer' });
  const logger = new Logger({ serviceName: 'order-consumer-peer' });
  const metrics = new Metrics({ namespace: 'OrderPipelineBench', serviceName: 'order-consumer-peer' });
  const processor = new BatchProcessor(EventType.SQS);

  const recordHandler = async (record: SQSRecord): Promise<string> => {
    const subsegment = tracer.getSegment()?.addNewSubsegment('### processRecord');
    try {
      const inspected = await inspectOrderMessage(record, stores);
      if (!inspected.ok) throw new Error(`poison: ${inspected.reason}`);
      const { order } = inspected;
      const result = await store.putProcessed({
        storeId: order.storeId,
        orderId: order.orderId,
        fingerprint: orderFingerprint(order),
        order,
        messageId: record.messageId,
        traceId: record.attributes.AWSTraceHeader ?? '',
        correlationId: inspected.attributes.correlationId,
        receiveCount: Number(record.attributes.ApproximateReceiveCount),
        at: new Date().toISOString(),
      });
      if (result === 'conflict') throw new Error('poison: order-conflict');
      const outcome = result === 'created' ? 'processed' : 'duplicate';
      const fields = {
        messageId: record.messageId,
        orderId: order.orderId,
        storeId: inspected.attributes.storeId,
        outcome,
      };
      subsegment?.addAnnotation('messageId', fields.messageId);
      subsegment?.addAnnotation('orderId', fields.orderId);
      subsegment?.addAnnotation('storeId', fields.storeId);
      subsegment?.addAnnotation('outcome', outcome);
      logger.info(`order ${outcome}`, fields);
      metrics.addMetric(
        outcome === 'processed' ? 'OrdersProcessed' : 'DuplicateDeliveries',
        MetricUnit.Count,
        1,
      );
      return outcome;
    } catch (error) {
      subsegment?.addError(error as Error);
      throw error;
    } finally {
      subsegment?.close();
    }
  };

  return async (event: SQSEvent, context: Context): Promise<SQSBatchResponse> => {
    logger.addContext(context);
    try {
      return await processPartialResponse(event, recordHandler, processor, { context });
    } finally {
      metrics.publishStoredMetrics();
    }
  };
};

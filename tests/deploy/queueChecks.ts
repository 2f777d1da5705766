/**
 * Deploy-readiness checks of the queues and their event sources: dead-letter queues, visibility
 * timeouts against the consumers' timeouts, batch failure reporting. Same contract as every check.
 */

import type { CfnResource, CfnTemplate, ExportCatalog } from '@order-pipeline/local-aws/cloudformation';
import * as cfn from '@order-pipeline/local-aws/cloudformation';
import type { Params } from '@order-pipeline/local-aws/service-config';

/** SQS's default retention when a queue sets none (4 days). */
const DEFAULT_RETENTION_SECONDS = 345_600;
export const DLQ_RETENTION_SECONDS = 1_209_600;

/**
 * Every source queue has a dead-letter queue; the DLQ keeps messages 14 days, longer than the source
 * (a message's age counts from its first enqueue, so a DLQ with a shorter retention drops it early:
 * https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-dead-letter-queues.html);
 * `maxReceiveCount` is the stage parameter `params.maxReceiveCount`.
 */
export const checkDeadLetterQueues = (template: CfnTemplate, params: Params): string[] => {
  const violations: string[] = [];
  const queues = new Map(cfn.resourcesOfType(template, 'AWS::SQS::Queue'));
  const deadLetterTargets = new Set(
    [...queues.values()].map((queue) => cfn.arnTarget(cfn.redrivePolicy(queue)?.deadLetterTargetArn)),
  );
  const expectedReceives = cfn.num(params.maxReceiveCount);
  for (const [id, queue] of queues) {
    if (deadLetterTargets.has(id)) continue;
    const redrive = cfn.redrivePolicy(queue);
    if (redrive === undefined) {
      violations.push(`queue ${id} has no RedrivePolicy: a poison message would be retried until it expires`);
      continue;
    }
    const dlqId = cfn.arnTarget(redrive.deadLetterTargetArn);
    const dlq = dlqId === undefined ? undefined : queues.get(dlqId);
    if (dlqId === undefined || dlq === undefined) {
      violations.push(
        `queue ${id}'s deadLetterTargetArn ${cfn.describeValue(redrive.deadLetterTargetArn)} is not a queue of this stack`,
      );
      continue;
    }
    const dlqRetention = cfn.num(cfn.prop(dlq, 'MessageRetentionPeriod')) ?? DEFAULT_RETENTION_SECONDS;
    const sourceRetention = cfn.num(cfn.prop(queue, 'MessageRetentionPeriod')) ?? DEFAULT_RETENTION_SECONDS;
    if (dlqRetention !== DLQ_RETENTION_SECONDS) {
      violations.push(`dead-letter queue ${dlqId} keeps messages ${dlqRetention} s, not 14 days (1209600 s)`);
    }
    if (dlqRetention <= sourceRetention) {
      violations.push(
        `dead-letter queue ${dlqId} keeps messages ${dlqRetention} s, not longer than its source ${id} (${sourceRetention} s)`,
      );
    }
    if (expectedReceives === undefined) {
      violations.push('the stage params have no numeric maxReceiveCount to compare the RedrivePolicy with');
    } else if (cfn.num(redrive.maxReceiveCount) !== expectedReceives) {
      violations.push(
        `queue ${id}'s maxReceiveCount is ${String(redrive.maxReceiveCount)}, not the stage parameter maxReceiveCount (${expectedReceives})`,
      );
    }
  }
  return violations;
};

/** Stream and Kafka event sources need a StartingPosition; an SQS event source has none. */
const isSqsEventSource = (mapping: CfnResource): boolean =>
  mapping.Type === 'AWS::Lambda::EventSourceMapping' && cfn.prop(mapping, 'StartingPosition') === undefined;

const sqsEventSources = (template: CfnTemplate): [string, CfnResource][] =>
  cfn
    .resourcesOfType(template, 'AWS::Lambda::EventSourceMapping')
    .filter(([, mapping]) => isSqsEventSource(mapping));

/** The queue an event source reads: a queue of this stack, or one exported by another. */
const sourceQueue = (
  template: CfnTemplate,
  arn: unknown,
  catalog: ExportCatalog,
): { id: string; queue: CfnResource } | undefined => {
  const local = cfn.arnTarget(arn);
  if (local !== undefined) {
    const queue = template.Resources[local];
    return queue?.Type === 'AWS::SQS::Queue' ? { id: local, queue } : undefined;
  }
  if (cfn.isObject(arn) && typeof arn['Fn::ImportValue'] === 'string') {
    const exported = catalog.get(arn['Fn::ImportValue']);
    const id = cfn.arnTarget(exported?.value);
    const queue = id === undefined ? undefined : exported?.template.Resources[id];
    return id !== undefined && queue?.Type === 'AWS::SQS::Queue' ? { id, queue } : undefined;
  }
  return undefined;
};

/** SQS's default visibility timeout, and Lambda's default function timeout. */
const DEFAULT_VISIBILITY_SECONDS = 30;
const DEFAULT_FUNCTION_TIMEOUT_SECONDS = 3;

/**
 * Every SQS event source's queue has a visibility timeout of at least 6x its function's timeout, so a
 * batch still being retried by the poller is not delivered twice:
 * https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-configure.html#events-sqs-queueconfig
 * Queues imported from another stack are looked up in `catalog` (that stack's exports).
 */
export const checkVisibilityTimeouts = (
  template: CfnTemplate,
  catalog: ExportCatalog = new Map(),
): string[] => {
  const violations: string[] = [];
  for (const [id, mapping] of sqsEventSources(template)) {
    const source = sourceQueue(template, cfn.prop(mapping, 'EventSourceArn'), catalog);
    const functionId = cfn.refTarget(cfn.prop(mapping, 'FunctionName'));
    const fn = functionId === undefined ? undefined : template.Resources[functionId];
    if (source === undefined) {
      violations.push(
        `event source ${id} reads ${cfn.describeValue(cfn.prop(mapping, 'EventSourceArn'))}, which is no known queue`,
      );
      continue;
    }
    if (fn?.Type !== 'AWS::Lambda::Function') {
      violations.push(
        `event source ${id} invokes ${cfn.describeValue(cfn.prop(mapping, 'FunctionName'))}, no function of this stack`,
      );
      continue;
    }
    const visibility = cfn.num(cfn.prop(source.queue, 'VisibilityTimeout')) ?? DEFAULT_VISIBILITY_SECONDS;
    const timeout = cfn.num(cfn.prop(fn, 'Timeout')) ?? DEFAULT_FUNCTION_TIMEOUT_SECONDS;
    if (visibility < 6 * timeout) {
      violations.push(
        `queue ${source.id}'s visibility timeout (${visibility} s) is less than 6x ${functionId}'s timeout (${timeout} s)`,
      );
    }
  }
  return violations;
};

/**
 * Every SQS event source reports failed records one by one (`ReportBatchItemFailures`), waits for a
 * batch (`MaximumBatchingWindowInSeconds` > 0) and caps its concurrency (`ScalingConfig.MaximumConcurrency`,
 * 2 to 1000): https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-scaling.html
 */
export const checkSqsEventSources = (template: CfnTemplate): string[] => {
  const violations: string[] = [];
  for (const [id, mapping] of sqsEventSources(template)) {
    if (!cfn.asArray(cfn.prop(mapping, 'FunctionResponseTypes')).includes('ReportBatchItemFailures')) {
      violations.push(`event source ${id} does not use FunctionResponseTypes [ReportBatchItemFailures]`);
    }
    const window = cfn.num(cfn.prop(mapping, 'MaximumBatchingWindowInSeconds'));
    if (window === undefined || window <= 0) {
      violations.push(`event source ${id} has no batching window (MaximumBatchingWindowInSeconds > 0)`);
    }
    const scaling = cfn.prop(mapping, 'ScalingConfig');
    const concurrency = cfn.isObject(scaling) ? cfn.num(scaling.MaximumConcurrency) : undefined;
    if (concurrency === undefined || concurrency < 2) {
      violations.push(
        `event source ${id} has no maximum concurrency (ScalingConfig.MaximumConcurrency >= 2)`,
      );
    }
  }
  return violations;
};

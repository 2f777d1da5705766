/**
 * Deploy-readiness checks of what the stacks keep: the retry budget of the orders queue, the tables'
 * protection against deletion and replacement and point-in-time recovery, the dead letters' expiry.
 * Same contract as every check: its violations, [] when the property holds.
 */

import type { CfnResource, CfnTemplate } from '@order-pipeline/local-aws/cloudformation';
import * as cfn from '@order-pipeline/local-aws/cloudformation';
import type { Params } from '@order-pipeline/local-aws/service-config';

/** The longest a message can stay on a queue (SQS's maximum retention, 14 days). */
const MAX_RETENTION_SECONDS = 1_209_600;
/** The retry window a deployed stage must at least give a transient failure. */
export const MIN_RETRY_WINDOW_SECONDS = 1800;

/** `base * 2^(n-1)` capped at `cap` for receives 1..count: what the consumer waits between attempts. */
const backoffs = (count: number, base: number, cap: number): number[] =>
  Array.from({ length: Math.max(count, 0) }, (_, index) => Math.min(base * 2 ** index, cap));

const sum = (values: number[]): number => values.reduce((total, value) => total + value, 0);

const functionEnvironment = (fn: CfnResource | undefined): Record<string, unknown> => {
  const environment = fn === undefined ? undefined : cfn.prop(fn, 'Environment');
  return cfn.isObject(environment) && cfn.isObject(environment.Variables) ? environment.Variables : {};
};

/** The function an SQS event source of `queueId` invokes. */
const consumerOf = (template: CfnTemplate, queueId: string): CfnResource | undefined => {
  const mapping = cfn
    .resourcesOfType(template, 'AWS::Lambda::EventSourceMapping')
    .find(([, candidate]) => cfn.arnTarget(cfn.prop(candidate, 'EventSourceArn')) === queueId);
  const functionId = mapping === undefined ? undefined : cfn.refTarget(cfn.prop(mapping[1], 'FunctionName'));
  return functionId === undefined ? undefined : template.Resources[functionId];
};

/**
 * The retry budget of every source queue, from the stage's `retryWindowSeconds` (at least 30 minutes)
 * and what the template deploys: the consumer's back-off (BACKOFF_BASE_SECONDS doubling to
 * BACKOFF_MAX_SECONDS) between the first and the last of the RedrivePolicy's maxReceiveCount receives
 * covers the window; the queue keeps a message longer than all its back-offs and visibility timeouts;
 * a poison message (POISON_BACKOFF_SECONDS between receives) reaches the DLQ before the queue's age
 * alarm (`ordersQueueAgeAlarmSeconds`) would fire.
 */
export const checkRetryBudget = (template: CfnTemplate, params: Params): string[] => {
  const violations: string[] = [];
  const window = cfn.num(params.retryWindowSeconds);
  const ageAlarm = cfn.num(params.ordersQueueAgeAlarmSeconds);
  if (window === undefined || window < MIN_RETRY_WINDOW_SECONDS) {
    violations.push(
      `the stage's retryWindowSeconds (${String(params.retryWindowSeconds)}) is under ${MIN_RETRY_WINDOW_SECONDS} s`,
    );
  }
  for (const [id, queue] of cfn.resourcesOfType(template, 'AWS::SQS::Queue')) {
    const receives = cfn.num(cfn.redrivePolicy(queue)?.maxReceiveCount);
    if (receives === undefined) continue; // a DLQ
    const env = functionEnvironment(consumerOf(template, id));
    const base = cfn.num(env.BACKOFF_BASE_SECONDS);
    const cap = cfn.num(env.BACKOFF_MAX_SECONDS);
    const poison = cfn.num(env.POISON_BACKOFF_SECONDS);
    if (base === undefined || cap === undefined || poison === undefined) {
      violations.push(
        `${id}'s consumer sets no numeric BACKOFF_BASE_SECONDS, BACKOFF_MAX_SECONDS and POISON_BACKOFF_SECONDS`,
      );
      continue;
    }
    const retried = sum(backoffs(receives - 1, base, cap));
    if (window !== undefined && retried < window) {
      violations.push(
        `${id} retries a transient failure for ${retried} s (${receives} receives, back-off ${base} s to ${cap} s), less than the ${window} s retry window`,
      );
    }
    const retention = cfn.num(cfn.prop(queue, 'MessageRetentionPeriod')) ?? 345_600;
    const visibility = cfn.num(cfn.prop(queue, 'VisibilityTimeout')) ?? 30;
    const worstCase = sum(backoffs(receives, base, cap)) + receives * visibility;
    if (retention <= worstCase || retention > MAX_RETENTION_SECONDS) {
      violations.push(
        `${id} keeps messages ${retention} s, not longer than its retry budget (${worstCase} s with every visibility timeout)`,
      );
    }
    const poisonSeconds = receives * poison;
    if (ageAlarm === undefined || poisonSeconds >= ageAlarm) {
      violations.push(
        `a poison message spends ${poisonSeconds} s on ${id} (${receives} x ${poison} s), not less than its age alarm (${String(ageAlarm)} s)`,
      );
    }
  }
  return violations;
};

/**
 * Every table survives `sls remove` and a replacement (DeletionPolicy and UpdateReplacePolicy Retain)
 * and refuses a DeleteTable (DeletionProtectionEnabled):
 * https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-attribute-deletionpolicy.html
 */
export const checkDataProtection = (template: CfnTemplate): string[] =>
  cfn
    .resourcesOfType(template, 'AWS::DynamoDB::Table')
    .flatMap(([id, table]) => [
      ...(table.DeletionPolicy === 'Retain' ? [] : [`table ${id} has no DeletionPolicy: Retain`]),
      ...(table.UpdateReplacePolicy === 'Retain' ? [] : [`table ${id} has no UpdateReplacePolicy: Retain`]),
      ...(cfn.prop(table, 'DeletionProtectionEnabled') === true
        ? []
        : [`table ${id} does not set DeletionProtectionEnabled: true`]),
    ]);

/**
 * The dead letters (customers' personal data) expire: the table's TTL is on `expiresAt`, and the
 * function writing them is told how long to keep them (DEAD_LETTER_RETENTION_DAYS, 1 to 365 days).
 */
export const checkDeadLetterExpiry = (template: CfnTemplate, tableId: string): string[] => {
  const violations: string[] = [];
  const table = template.Resources[tableId];
  const ttl = table === undefined ? undefined : cfn.prop(table, 'TimeToLiveSpecification');
  if (!cfn.isObject(ttl) || ttl.Enabled !== true || ttl.AttributeName !== 'expiresAt') {
    violations.push(`table ${tableId} has no TimeToLiveSpecification enabled on expiresAt`);
  }
  const days = cfn
    .resourcesOfType(template, 'AWS::Lambda::Function')
    .map(([, fn]) => cfn.num(functionEnvironment(fn).DEAD_LETTER_RETENTION_DAYS))
    .filter((value): value is number => value !== undefined);
  if (!days.some((value) => Number.isInteger(value) && value >= 1 && value <= 365)) {
    violations.push('no function sets DEAD_LETTER_RETENTION_DAYS to 1-365 days');
  }
  return violations;
};

/** Every DynamoDB table keeps point-in-time recovery (35 days of restorable history). */
export const checkPointInTimeRecovery = (template: CfnTemplate): string[] =>
  cfn
    .resourcesOfType(template, 'AWS::DynamoDB::Table')
    .filter(
      ([, table]) =>
        cfn.propAt(table, 'PointInTimeRecoverySpecification', 'PointInTimeRecoveryEnabled') !== true,
    )
    .map(([id]) => `table ${id} has no point-in-time recovery (PointInTimeRecoveryEnabled: true)`);

/**
 * Deploy-readiness checks of data in transit and at rest: every queue, table, topic and bucket
 * encrypted; queues and topics refuse requests not made over TLS. Same contract as every check.
 */

import type { CfnTemplate } from '@order-pipeline/local-aws/cloudformation';
import * as cfn from '@order-pipeline/local-aws/cloudformation';

/** Every SQS queue, DynamoDB table, SNS topic and S3 bucket is encrypted at rest. */
export const checkEncryptionAtRest = (template: CfnTemplate): string[] => {
  const violations: string[] = [];
  for (const [id, queue] of cfn.resourcesOfType(template, 'AWS::SQS::Queue')) {
    if (cfn.prop(queue, 'SqsManagedSseEnabled') !== true && cfn.prop(queue, 'KmsMasterKeyId') === undefined) {
      violations.push(`queue ${id} is not encrypted (neither SqsManagedSseEnabled: true nor KmsMasterKeyId)`);
    }
  }
  for (const [id, table] of cfn.resourcesOfType(template, 'AWS::DynamoDB::Table')) {
    if (cfn.propAt(table, 'SSESpecification', 'SSEEnabled') !== true) {
      violations.push(`table ${id} does not set SSESpecification.SSEEnabled: true`);
    }
  }
  for (const [id, topic] of cfn.resourcesOfType(template, 'AWS::SNS::Topic')) {
    if (cfn.prop(topic, 'KmsMasterKeyId') === undefined) violations.push(`topic ${id} has no KmsMasterKeyId`);
  }
  for (const [id, bucket] of cfn.resourcesOfType(template, 'AWS::S3::Bucket')) {
    if (cfn.prop(bucket, 'BucketEncryption') === undefined)
      violations.push(`bucket ${id} has no BucketEncryption`);
  }
  return violations;
};

const deniesInsecureTransport = (statement: unknown, actions: string[], resource: string): boolean => {
  if (!cfn.isObject(statement) || statement.Effect !== 'Deny') return false;
  const principal = statement.Principal;
  const everyone = principal === '*' || (cfn.isObject(principal) && principal.AWS === '*');
  const coversActions = cfn.asArray(statement.Action).some((action) => actions.includes(String(action)));
  const coversResource = cfn
    .asArray(statement.Resource)
    .some((value) => value === '*' || cfn.describeValue(value) === resource);
  const condition = cfn.isObject(statement.Condition) ? statement.Condition.Bool : undefined;
  const secureTransport = cfn.isObject(condition) ? condition['aws:SecureTransport'] : undefined;
  return (
    everyone && coversActions && coversResource && (secureTransport === false || secureTransport === 'false')
  );
};

/**
 * Every queue (and topic) is covered by a resource policy that denies any request not made over TLS
 * (`aws:SecureTransport = false`).
 * https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-security-best-practices.html
 */
export const checkSecureTransport = (template: CfnTemplate): string[] => {
  const violations: string[] = [];
  const covered = (policyType: string, listKey: string, id: string, actions: string[], resource: string) =>
    cfn.resourcesOfType(template, policyType).some(([, policy]) => {
      const document = cfn.prop(policy, 'PolicyDocument');
      return (
        cfn.asArray(cfn.prop(policy, listKey)).some((target) => cfn.refTarget(target) === id) &&
        cfn.isObject(document) &&
        cfn
          .asArray(document.Statement)
          .some((statement) => deniesInsecureTransport(statement, actions, resource))
      );
    });
  for (const [id] of cfn.resourcesOfType(template, 'AWS::SQS::Queue')) {
    if (!covered('AWS::SQS::QueuePolicy', 'Queues', id, ['sqs:*', '*'], `GetAtt(${id}.Arn)`)) {
      violations.push(`queue ${id} has no queue policy denying sqs:* when aws:SecureTransport is false`);
    }
  }
  for (const [id] of cfn.resourcesOfType(template, 'AWS::SNS::Topic')) {
    if (!covered('AWS::SNS::TopicPolicy', 'Topics', id, ['sns:Publish', 'sns:*', '*'], `Ref(${id})`)) {
      violations.push(
        `topic ${id} has no topic policy denying sns:Publish when aws:SecureTransport is false`,
      );
    }
  }
  return violations;
};

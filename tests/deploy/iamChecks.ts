/**
 * Deploy-readiness checks of IAM: a role per function, no wildcards, data-plane grants only as allowed
 * (least privilege). Same contract as every check: its violations, [] when the property holds.
 */

import type { CfnTemplate } from '@order-pipeline/local-aws/cloudformation';
import * as cfn from '@order-pipeline/local-aws/cloudformation';

/** An allowed data-plane grant: these actions on this resource (in `cfn.describeValue` form). */
export interface Grant {
  resource: string;
  actions: readonly string[];
  /** Only this role (its logical id) may use the grant; any role of the stack when absent. */
  role?: string;
}

const DATA_SERVICES = ['sqs', 'dynamodb', 'sns'] as const;
const serviceOf = (action: string): string => action.split(':')[0]?.toLowerCase() ?? '';
const isDataAction = (action: string): boolean =>
  (DATA_SERVICES as readonly string[]).includes(serviceOf(action));

/** Every function runs with a role of its own, defined in this stack (not the framework's shared one). */
export const checkFunctionRoles = (template: CfnTemplate): string[] => {
  const violations: string[] = [];
  const users = new Map<string, string[]>();
  for (const [id, fn] of cfn.resourcesOfType(template, 'AWS::Lambda::Function')) {
    const role = cfn.refTarget(cfn.prop(fn, 'Role'));
    if (role === undefined || template.Resources[role]?.Type !== 'AWS::IAM::Role') {
      violations.push(
        `function ${id}'s role ${cfn.describeValue(cfn.prop(fn, 'Role'))} is not a role of this stack`,
      );
      continue;
    }
    if (role === 'IamRoleLambdaExecution') {
      violations.push(
        `function ${id} uses the framework's shared IamRoleLambdaExecution (every function's permissions in one role)`,
      );
    }
    users.set(role, [...(users.get(role) ?? []), id]);
  }
  for (const [role, functions] of users) {
    if (functions.length > 1) violations.push(`role ${role} is shared by ${functions.join(', ')}`);
  }
  return violations;
};

/**
 * No identity policy allows a `*` or `service:*` action (or uses NotAction/NotResource), nor a
 * wildcard resource for an SQS, DynamoDB or SNS action; a role attaches no managed policy that this
 * template does not define (its statements could not be checked here).
 */
export const checkNoWildcardPermissions = (template: CfnTemplate): string[] => {
  const violations: string[] = [];
  for (const statement of cfn.identityStatements(template)) {
    if (statement.effect !== 'Allow') continue;
    if ('NotAction' in statement.raw || 'NotResource' in statement.raw) {
      violations.push(`${statement.where} allows by NotAction/NotResource`);
    }
    for (const action of statement.actions) {
      if (action === '*' || action.endsWith(':*'))
        violations.push(`${statement.where} allows action ${action}`);
    }
    const dataActions = statement.actions.filter(isDataAction);
    for (const resource of statement.resources.map(cfn.describeValue)) {
      if (dataActions.length > 0 && resource.includes('*')) {
        violations.push(
          `${statement.where} allows ${dataActions.join(', ')} on wildcard resource ${resource}`,
        );
      }
    }
  }
  for (const [id, role] of cfn.resourcesOfType(template, 'AWS::IAM::Role')) {
    for (const arn of cfn.asArray(cfn.prop(role, 'ManagedPolicyArns'))) {
      const target = cfn.refTarget(arn);
      if (target === undefined || template.Resources[target]?.Type !== 'AWS::IAM::ManagedPolicy') {
        violations.push(
          `role ${id} attaches managed policy ${cfn.describeValue(arn)}, which this stack does not define`,
        );
      }
    }
  }
  return violations;
};

/** The (action, resource) pairs the template's roles allow on SQS, DynamoDB and SNS. */
export const dataGrants = (template: CfnTemplate): { where: string; action: string; resource: string }[] =>
  cfn
    .identityStatements(template)
    .filter((statement) => statement.effect === 'Allow')
    .flatMap((statement) =>
      statement.actions.filter(isDataAction).flatMap((action) =>
        statement.resources.map((resource) => ({
          where: statement.where,
          action,
          resource: cfn.describeValue(resource),
        })),
      ),
    );

/**
 * The roles may use SQS, DynamoDB and SNS only as `allowed` lists (resource in `cfn.describeValue` form,
 * e.g. `ImportValue(order-pipeline-prod-OrdersQueueArn)` or `GetAtt(OrdersTable.Arn)`).
 */
export const checkDataAccess = (template: CfnTemplate, allowed: readonly Grant[]): string[] =>
  dataGrants(template)
    .filter(
      (grant) =>
        !allowed.some(
          (rule) =>
            rule.resource === grant.resource &&
            (rule.role === undefined || grant.where.startsWith(`${rule.role} `)) &&
            rule.actions.some((action) => action.toLowerCase() === grant.action.toLowerCase()),
        ),
    )
    .map(
      (grant) => `${grant.where} allows ${grant.action} on ${grant.resource}, which is not an allowed grant`,
    );

const SEND_ACTIONS = ['sqs:sendmessage', 'sqs:sendmessagebatch', 'sqs:*', '*'];

/** The roles send to no queue but `queues` (resources in `cfn.describeValue` form; [] forbids sending). */
export const checkQueueSends = (template: CfnTemplate, queues: readonly string[]): string[] =>
  cfn
    .identityStatements(template)
    .filter((statement) => statement.effect === 'Allow')
    .flatMap((statement) =>
      statement.actions
        .filter((action) => SEND_ACTIONS.includes(action.toLowerCase()))
        .flatMap((action) =>
          statement.resources
            .map(cfn.describeValue)
            .filter((resource) => !queues.includes(resource))
            .map((resource) => `${statement.where} allows ${action} on ${resource}`),
        ),
    );

/**
 * Which roles may touch `resource` (any grant whose resource, in `cfn.describeValue` form, contains it),
 * and with which actions: e.g. only the authorizer's role, and only dynamodb:Query on its index.
 */
export const checkResourceReaders = (
  template: CfnTemplate,
  resource: string,
  readers: Readonly<Record<string, readonly string[]>>,
): string[] =>
  dataGrants(template)
    .filter((grant) => grant.resource.includes(resource))
    .filter((grant) => {
      const role = grant.where.split(' ')[0] ?? '';
      return !(readers[role] ?? []).some((action) => action.toLowerCase() === grant.action.toLowerCase());
    })
    .map(
      (grant) =>
        `${grant.where} allows ${grant.action} on ${grant.resource}; only ${Object.keys(readers).join(', ') || 'no role'} may, read-only`,
    );

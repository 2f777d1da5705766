/**
 * Deploy-readiness checks of the runtime, the log groups, the stacks' imports and the API's first
 * deployment. Same contract as every check: its violations, [] when the property holds.
 */

import type { CfnTemplate, ResolveContext } from '@order-pipeline/local-aws/cloudformation';
import * as cfn from '@order-pipeline/local-aws/cloudformation';

export const RUNTIME = 'nodejs24.x';

/** Every function runs on the current Lambda Node.js runtime. */
export const checkRuntime = (template: CfnTemplate): string[] =>
  cfn
    .resourcesOfType(template, 'AWS::Lambda::Function')
    .filter(([, fn]) => cfn.prop(fn, 'Runtime') !== RUNTIME)
    .map(([id, fn]) => `function ${id} runs ${String(cfn.prop(fn, 'Runtime'))}, not ${RUNTIME}`);

/**
 * A REST API has gateway responses for API Gateway's own 4xx and 5xx, and every deployment of it
 * depends on them, so that they are in place from the first deploy.
 */
export const checkGatewayResponses = (template: CfnTemplate): string[] => {
  const apis = cfn.resourcesOfType(template, 'AWS::ApiGateway::RestApi');
  if (apis.length === 0) return [];
  const responses = cfn.resourcesOfType(template, 'AWS::ApiGateway::GatewayResponse');
  const types = new Set(responses.map(([, response]) => cfn.prop(response, 'ResponseType')));
  const violations = ['DEFAULT_4XX', 'DEFAULT_5XX']
    .filter((type) => !types.has(type))
    .map((type) => `there is no ${type} gateway response`);
  for (const [id, deployment] of cfn.resourcesOfType(template, 'AWS::ApiGateway::Deployment')) {
    const dependsOn = cfn.asArray(deployment.DependsOn);
    for (const [responseId] of responses) {
      if (!dependsOn.includes(responseId)) {
        violations.push(`deployment ${id} does not depend on gateway response ${responseId}`);
      }
    }
  }
  return violations;
};

/** Every function's log group (and every log group) is in the stack with a retention. */
export const checkLogRetention = (template: CfnTemplate): string[] => {
  const violations: string[] = [];
  const groups = cfn.resourcesOfType(template, 'AWS::Logs::LogGroup');
  for (const [id, group] of groups) {
    const days = cfn.num(cfn.prop(group, 'RetentionInDays'));
    if (days === undefined || days <= 0)
      violations.push(`log group ${id} keeps logs forever (no RetentionInDays)`);
  }
  for (const [id, fn] of cfn.resourcesOfType(template, 'AWS::Lambda::Function')) {
    const logging = cfn.prop(fn, 'LoggingConfig');
    const custom = cfn.isObject(logging) ? logging.LogGroup : undefined;
    const name =
      custom ??
      (typeof cfn.prop(fn, 'FunctionName') === 'string'
        ? `/aws/lambda/${String(cfn.prop(fn, 'FunctionName'))}`
        : undefined);
    const found = groups.some(([groupId, group]) =>
      typeof name === 'string' ? cfn.prop(group, 'LogGroupName') === name : cfn.refTarget(name) === groupId,
    );
    if (!found) {
      violations.push(
        `function ${id}'s log group ${cfn.describeValue(name)} is not in the stack (Lambda would create it with no retention)`,
      );
    }
  }
  return violations;
};

/** Every `Fn::ImportValue` names an export that the exporting stacks really define. */
export const checkImports = (
  template: CfnTemplate,
  exportNames: ReadonlySet<string>,
  context: ResolveContext,
): string[] =>
  cfn.importedNames(template).flatMap((value) => {
    const name = cfn.resolveString(value, context);
    if (name === undefined) return [`import ${cfn.describeValue(value)} cannot be resolved to a name`];
    return exportNames.has(name)
      ? []
      : [`import ${name} is not exported by any stack deployed before this one`];
  });

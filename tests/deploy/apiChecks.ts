/**
 * Deploy-readiness checks of the REST API: API keys on every method, the store authorizer, the usage
 * plan. Same contract as every check.
 */

import type { CfnResource, CfnTemplate } from '@order-pipeline/local-aws/cloudformation';
import * as cfn from '@order-pipeline/local-aws/cloudformation';

/** The path of an API Gateway method, from its resource chain (`/orders/batch`). */
const methodPath = (template: CfnTemplate, method: CfnResource): string => {
  const parts: string[] = [];
  let resourceId = cfn.refTarget(cfn.prop(method, 'ResourceId'));
  for (let depth = 0; resourceId !== undefined && depth < 32; depth += 1) {
    const resource = template.Resources[resourceId];
    if (resource?.Type !== 'AWS::ApiGateway::Resource') break;
    parts.unshift(String(cfn.prop(resource, 'PathPart')));
    resourceId = cfn.refTarget(cfn.prop(resource, 'ParentId'));
  }
  return `/${parts.join('/')}`;
};

/** The REST API's methods as `POST /orders` → ApiKeyRequired. */
export const apiMethods = (template: CfnTemplate): { route: string; apiKeyRequired: boolean }[] =>
  cfn.resourcesOfType(template, 'AWS::ApiGateway::Method').map(([, method]) => ({
    route: `${String(cfn.prop(method, 'HttpMethod'))} ${methodPath(template, method)}`,
    apiKeyRequired: cfn.prop(method, 'ApiKeyRequired') === true,
  }));

/** Every method but CORS preflights (OPTIONS) requires an API key; POST routes above all. */
export const checkApiKeyRequired = (template: CfnTemplate): string[] =>
  apiMethods(template)
    .filter(({ route, apiKeyRequired }) => !route.startsWith('OPTIONS ') && !apiKeyRequired)
    .map(({ route }) => `${route} does not require an API key (ApiKeyRequired: true)`);

/**
 * The calling key identifies the store: the REST API takes its keys from a Lambda authorizer
 * (ApiKeySourceType AUTHORIZER), every method but CORS preflights runs a REQUEST authorizer of the
 * stack, and no API key with a fixed value is part of the stack (each store's key is made by
 * `pnpm stores add`).
 */
export const checkStoreAuthorizer = (template: CfnTemplate): string[] => {
  const violations: string[] = [];
  for (const [id, api] of cfn.resourcesOfType(template, 'AWS::ApiGateway::RestApi')) {
    if (cfn.prop(api, 'ApiKeySourceType') !== 'AUTHORIZER') {
      violations.push(
        `REST API ${id} does not take its API keys from the authorizer (ApiKeySourceType: AUTHORIZER)`,
      );
    }
  }
  for (const [id, method] of cfn.resourcesOfType(template, 'AWS::ApiGateway::Method')) {
    if (cfn.prop(method, 'HttpMethod') === 'OPTIONS') continue;
    const authorizer = template.Resources[cfn.refTarget(cfn.prop(method, 'AuthorizerId')) ?? ''];
    if (
      cfn.prop(method, 'AuthorizationType') !== 'CUSTOM' ||
      authorizer?.Type !== 'AWS::ApiGateway::Authorizer' ||
      cfn.prop(authorizer, 'Type') !== 'REQUEST'
    ) {
      violations.push(
        `method ${id} does not run a REQUEST authorizer of the stack (AuthorizationType: CUSTOM)`,
      );
    }
  }
  for (const [id, key] of cfn.resourcesOfType(template, 'AWS::ApiGateway::ApiKey')) {
    if (cfn.prop(key, 'Value') !== undefined)
      violations.push(`API key ${id} has a fixed value in the template`);
  }
  return violations;
};

/** A REST API has a usage plan on its stage that throttles (burst and rate) and sets a quota. */
export const checkUsagePlan = (template: CfnTemplate): string[] => {
  const violations: string[] = [];
  const plans = cfn.resourcesOfType(template, 'AWS::ApiGateway::UsagePlan');
  for (const [apiId] of cfn.resourcesOfType(template, 'AWS::ApiGateway::RestApi')) {
    const forApi = plans.filter(([, plan]) =>
      cfn
        .asArray(cfn.prop(plan, 'ApiStages'))
        .some((stage) => cfn.isObject(stage) && cfn.refTarget(stage.ApiId) === apiId),
    );
    if (forApi.length === 0) {
      violations.push(`REST API ${apiId} has no usage plan on its stage`);
      continue;
    }
    for (const [planId, plan] of forApi) {
      const throttle = cfn.prop(plan, 'Throttle');
      const burst = cfn.isObject(throttle) ? cfn.num(throttle.BurstLimit) : undefined;
      const rate = cfn.isObject(throttle) ? cfn.num(throttle.RateLimit) : undefined;
      if (burst === undefined || burst <= 0 || rate === undefined || rate <= 0) {
        violations.push(
          `usage plan ${planId} does not throttle (Throttle.BurstLimit and Throttle.RateLimit > 0)`,
        );
      }
      const quota = cfn.prop(plan, 'Quota');
      const limit = cfn.isObject(quota) ? cfn.num(quota.Limit) : undefined;
      if (
        limit === undefined ||
        limit <= 0 ||
        !cfn.isObject(quota) ||
        !['DAY', 'WEEK', 'MONTH'].includes(String(quota.Period))
      ) {
        violations.push(`usage plan ${planId} has no quota (Quota.Limit > 0 per DAY, WEEK or MONTH)`);
      }
    }
  }
  return violations;
};

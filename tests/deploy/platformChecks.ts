/** Deploy-readiness checks of the runtime and of the API's first deployment. Same contract as checks.ts. */
import { asArray, type CfnTemplate, prop, resourcesOfType } from './checks';

export const RUNTIME = 'nodejs24.x';

/** Every function runs on the current Lambda Node.js runtime. */
export const checkRuntime = (template: CfnTemplate): string[] =>
  resourcesOfType(template, 'AWS::Lambda::Function')
    .filter(([, fn]) => prop(fn, 'Runtime') !== RUNTIME)
    .map(([id, fn]) => `function ${id} runs ${String(prop(fn, 'Runtime'))}, not ${RUNTIME}`);

/**
 * A REST API has gateway responses for API Gateway's own 4xx and 5xx, and every deployment of it
 * depends on them, so that they are in place from the first deploy.
 */
export const checkGatewayResponses = (template: CfnTemplate): string[] => {
  const apis = resourcesOfType(template, 'AWS::ApiGateway::RestApi');
  if (apis.length === 0) return [];
  const responses = resourcesOfType(template, 'AWS::ApiGateway::GatewayResponse');
  const types = new Set(responses.map(([, response]) => prop(response, 'ResponseType')));
  const violations = ['DEFAULT_4XX', 'DEFAULT_5XX']
    .filter((type) => !types.has(type))
    .map((type) => `there is no ${type} gateway response`);
  for (const [id, deployment] of resourcesOfType(template, 'AWS::ApiGateway::Deployment')) {
    const dependsOn = asArray(deployment.DependsOn);
    for (const [responseId] of responses) {
      if (!dependsOn.includes(responseId)) {
        violations.push(`deployment ${id} does not depend on gateway response ${responseId}`);
      }
    }
  }
  return violations;
};

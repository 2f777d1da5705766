import { resourcesOfType, type Template } from './template';

const sameApi = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);

/**
 * Makes every API deployment depend on its API's gateway responses. The framework names the
 * deployment with a new hash on every package (`ApiGatewayDeployment<instanceId>`), so serverless.yml
 * cannot name it in a DependsOn; without one, CloudFormation may deploy the API before it creates the
 * responses on the first deploy, and API Gateway's own errors keep their default `{"message": ...}`
 * shape until the next deployment:
 * https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-apigateway-gatewayresponse.html
 */
export const dependOnGatewayResponses = (template: Template): void => {
  const responses = resourcesOfType(template, 'AWS::ApiGateway::GatewayResponse');
  for (const [, deployment] of resourcesOfType(template, 'AWS::ApiGateway::Deployment')) {
    const ids = responses
      .filter(([, response]) => sameApi(response.Properties?.RestApiId, deployment.Properties?.RestApiId))
      .map(([id]) => id);
    if (ids.length === 0) continue;
    const current = deployment.DependsOn === undefined ? [] : [deployment.DependsOn].flat();
    deployment.DependsOn = [...new Set([...current, ...ids])];
  }
};

import { describeChecks, each, type Mutation, type Stacks, setting } from './mutations';
import { checkGatewayResponses, checkRuntime } from './platformChecks';

const CHECKS = {
  runtime: (s: Stacks) => each(s, checkRuntime),
  gatewayResponses: (s: Stacks) => checkGatewayResponses(s.ingest),
};
type CheckName = keyof typeof CHECKS;

const MUTATIONS: Mutation<CheckName>[] = [
  {
    property: 'a function left on nodejs22.x',
    check: 'runtime',
    mutate: setting('dlq', 'HandleDeadLettersLambdaFunction', 'Runtime', 'nodejs22.x'),
    reported: /function HandleDeadLettersLambdaFunction runs nodejs22.x, not nodejs24.x/,
  },
  {
    property: 'a deployment that does not wait for the gateway responses',
    check: 'gatewayResponses',
    mutate: (s) => {
      const deployment = s.ingest.Resources.ApiGatewayDeployment1;
      if (deployment) deployment.DependsOn = ['ApiGatewayMethodOrdersPost'];
    },
    reported:
      /deployment ApiGatewayDeployment1 does not depend on gateway response GatewayResponseDefault4XX/,
  },
  {
    property: "an API without a response shaping API Gateway's own 5xx",
    check: 'gatewayResponses',
    mutate: (s) => {
      delete s.ingest.Resources.GatewayResponseDefault5XX;
    },
    reported: /there is no DEFAULT_5XX gateway response/,
  },
];

describeChecks('runtime and API deployment checks', CHECKS, MUTATIONS);

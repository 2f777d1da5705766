import type { CfnTemplate } from '@order-pipeline/local-aws/cloudformation';
import * as cfn from '@order-pipeline/local-aws/cloudformation';
import type { ServerlessState } from '@order-pipeline/local-aws/service-config';

/**
 * The tracing backend a stage deploys (stage param `tracingBackend`), checked on the packaged
 * CloudFormation: every function is told the backend, and its role allows exactly what that backend
 * sends with (least privilege: the OTLP actions only with OpenTelemetry).
 */
export const TRACING_ACTIONS = {
  // Lambda's active tracing sends the invocation's own segments with these, whatever the backend.
  xray: ['xray:PutTraceSegments', 'xray:PutTelemetryRecords'],
  // X-Ray's OTLP endpoint (https://xray.<region>.amazonaws.com/v1/traces).
  otel: ['xray:PutTraceSegments', 'xray:PutTelemetryRecords', 'xray:PutSpans', 'xray:PutSpansForIndexing'],
} as const;
export type TracingBackend = keyof typeof TRACING_ACTIONS;

const OTLP_ONLY = TRACING_ACTIONS.otel.filter(
  (action) => !(TRACING_ACTIONS.xray as readonly string[]).includes(action),
);

// X-Ray's OTLP traces endpoint, the only place the otel backend may send spans on AWS.
const XRAY_OTLP_ENDPOINT = /^https:\/\/xray\.[a-z0-9-]+\.amazonaws\.com\/v1\/traces$/;

const roleOf = (fn: CfnTemplate['Resources'][string]): string | undefined => {
  const role = fn.Properties?.Role as { 'Fn::GetAtt'?: unknown[]; Ref?: unknown } | undefined;
  const target = role?.['Fn::GetAtt']?.[0] ?? role?.Ref;
  return typeof target === 'string' ? target : undefined;
};

export const checkTracingBackend = (template: CfnTemplate, backend: TracingBackend): string[] => {
  const violations: string[] = [];
  const statements = cfn.identityStatements(template).filter((statement) => statement.effect === 'Allow');
  for (const [id, fn] of Object.entries(template.Resources)) {
    if (fn.Type !== 'AWS::Lambda::Function') continue;
    const variables = (fn.Properties?.Environment as { Variables?: Record<string, unknown> } | undefined)
      ?.Variables;
    if (variables?.TRACING_BACKEND !== backend) {
      violations.push(
        `function ${id} has TRACING_BACKEND ${JSON.stringify(variables?.TRACING_BACKEND)}, not "${backend}"`,
      );
    }
    if (
      backend === 'otel' &&
      !XRAY_OTLP_ENDPOINT.test(String(variables?.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT))
    ) {
      violations.push(
        `function ${id} sends spans to ${JSON.stringify(variables?.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT)}, not X-Ray's OTLP endpoint`,
      );
    }
    const role = roleOf(fn);
    const allowed = new Set(
      statements
        .filter((statement) => role !== undefined && statement.where.startsWith(`${role} `))
        .flatMap((statement) => statement.actions),
    );
    const missing = TRACING_ACTIONS[backend].filter((action) => !allowed.has(action));
    if (missing.length > 0)
      violations.push(`function ${id}'s role ${role} does not allow ${missing.join(', ')}`);
    if (backend === 'xray') {
      const extra = OTLP_ONLY.filter((action) => allowed.has(action));
      if (extra.length > 0) {
        violations.push(
          `function ${id}'s role ${role} allows ${extra.join(', ')}, which the X-Ray SDK never uses`,
        );
      }
    }
  }
  return violations;
};

/** Every function traces actively with X-Ray. */
export const checkFunctionTracing = (template: CfnTemplate): string[] =>
  cfn
    .resourcesOfType(template, 'AWS::Lambda::Function')
    .filter(([, fn]) => cfn.propAt(fn, 'TracingConfig', 'Mode') !== 'Active')
    .map(([id]) => `function ${id} does not set TracingConfig.Mode: Active`);

/**
 * Every REST API stage traces with X-Ray. The template may say so itself (an AWS::ApiGateway::Stage
 * or the deployment's StageDescription with TracingEnabled: true). Serverless Framework v3 and osls
 * do not: their `after:deploy:deploy` hook (lib/plugins/aws/package/compile/events/api-gateway/lib/hack/update-stage.js)
 * sets the stage's tracingEnabled through the API Gateway SDK from `provider.tracing.apiGateway` in
 * the packaged serverless-state.json, which `sls deploy` reads. Either is accepted.
 */
export const checkApiTracing = (template: CfnTemplate, state: ServerlessState = {}): string[] => {
  const apis = cfn.resourcesOfType(template, 'AWS::ApiGateway::RestApi');
  if (apis.length === 0) return [];
  const stageTraced = cfn
    .resourcesOfType(template, 'AWS::ApiGateway::Stage')
    .some(([, stage]) => cfn.prop(stage, 'TracingEnabled') === true);
  const deploymentTraced = cfn
    .resourcesOfType(template, 'AWS::ApiGateway::Deployment')
    .some(([, deployment]) => {
      const description = cfn.prop(deployment, 'StageDescription');
      return cfn.isObject(description) && description.TracingEnabled === true;
    });
  const frameworkTraced = state.service?.provider?.tracing?.apiGateway === true;
  if (stageTraced || deploymentTraced || frameworkTraced) return [];
  return apis.map(
    ([id]) =>
      `REST API ${id}'s stage has no X-Ray tracing (no Stage/StageDescription TracingEnabled, and provider.tracing.apiGateway is not true)`,
  );
};

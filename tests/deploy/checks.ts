/**
 * Deploy-readiness checks on the CloudFormation that `sls package` generates. Each check takes a
 * template (and what else it needs) and returns its violations as readable sentences: [] means the
 * property holds. They read the template only, so they prove what `sls deploy` would create without
 * an AWS account.
 */

export interface CfnResource {
  Type: string;
  Properties?: Record<string, unknown>;
  Condition?: string;
  DependsOn?: unknown;
  DeletionPolicy?: unknown;
  UpdateReplacePolicy?: unknown;
}

export interface CfnOutput {
  Value?: unknown;
  Export?: { Name?: unknown };
}

export interface CfnTemplate {
  Resources: Record<string, CfnResource>;
  Outputs?: Record<string, CfnOutput>;
  Conditions?: Record<string, unknown>;
}

/** A stage's resolved serverless `params`. */
export type Params = Readonly<Record<string, unknown>>;

/** The part of serverless-state.json (written by `sls package`, read by `sls deploy`) checked here. */
export interface ServerlessState {
  service?: { provider?: { region?: unknown; tracing?: { apiGateway?: unknown; lambda?: unknown } } };
}

/** Values CloudFormation substitutes for pseudo parameters, to resolve export and import names. */
export interface ResolveContext {
  stackName: string;
  region: string;
}

/** An export of some stack: its name and the value (an unresolved intrinsic) in its template. */
export interface ExportedValue {
  template: CfnTemplate;
  value: unknown;
}

/** Exports of the stacks deployed before this one, by export name. */
export type ExportCatalog = ReadonlyMap<string, ExportedValue>;

/** An allowed data-plane grant: these actions on this resource (in `describeValue` form). */
export interface Grant {
  resource: string;
  actions: readonly string[];
  /** Only this role (its logical id) may use the grant; any role of the stack when absent. */
  role?: string;
}

// --- Small readers ------------------------------------------------------------------------------

type Json = Record<string, unknown>;

export const isObject = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

export const asArray = (value: unknown): unknown[] => {
  if (value === undefined || value === null) return [];
  return Array.isArray(value) ? value : [value];
};

export const prop = (resource: CfnResource, name: string): unknown => resource.Properties?.[name];

export const num = (value: unknown): number | undefined => {
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  if (typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value)))
    return Number(value);
  return undefined;
};

export const resourcesOfType = (template: CfnTemplate, type: string): [string, CfnResource][] =>
  Object.entries(template.Resources).filter(([, resource]) => resource.Type === type);

/** The logical id a `Ref` or `Fn::GetAtt` points at, if the value is one. */
export const refTarget = (value: unknown): string | undefined => {
  if (!isObject(value)) return undefined;
  if (typeof value.Ref === 'string') return value.Ref;
  const getAtt = value['Fn::GetAtt'];
  if (Array.isArray(getAtt) && typeof getAtt[0] === 'string') return getAtt[0];
  if (typeof getAtt === 'string') return getAtt.split('.')[0];
  return undefined;
};

/** `Fn::GetAtt X.Arn` (either form) → X. */
export const arnTarget = (value: unknown): string | undefined => {
  if (!isObject(value)) return undefined;
  const getAtt = value['Fn::GetAtt'];
  if (Array.isArray(getAtt) && getAtt[1] === 'Arn' && typeof getAtt[0] === 'string') return getAtt[0];
  if (typeof getAtt === 'string' && getAtt.endsWith('.Arn')) return getAtt.slice(0, -'.Arn'.length);
  return undefined;
};

const PSEUDO = (context: ResolveContext): Record<string, string> => ({
  'AWS::StackName': context.stackName,
  'AWS::Region': context.region,
  'AWS::Partition': 'aws',
  'AWS::URLSuffix': 'amazonaws.com',
});

/**
 * Resolves a string-valued intrinsic (plain string, Fn::Sub, Fn::Join, Ref of a pseudo parameter)
 * as CloudFormation would for the given stack; undefined when it depends on anything else.
 */
export const resolveString = (value: unknown, context: ResolveContext): string | undefined => {
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return String(value);
  if (!isObject(value)) return undefined;
  if (typeof value.Ref === 'string') return PSEUDO(context)[value.Ref];
  const sub = value['Fn::Sub'];
  if (sub !== undefined) {
    const [text, variables] = Array.isArray(sub) ? [sub[0], sub[1]] : [sub, undefined];
    if (typeof text !== 'string') return undefined;
    let unresolved = false;
    const resolved = text.replace(/\$\{([^}!][^}]*)\}/g, (_, name: string) => {
      const local = isObject(variables) ? variables[name] : undefined;
      const replacement = local === undefined ? PSEUDO(context)[name] : resolveString(local, context);
      if (replacement === undefined) unresolved = true;
      return replacement ?? '';
    });
    return unresolved ? undefined : resolved.replace(/\$\{!/g, '${');
  }
  const join = value['Fn::Join'];
  if (Array.isArray(join) && typeof join[0] === 'string' && Array.isArray(join[1])) {
    const parts = join[1].map((part) => resolveString(part, context));
    return parts.every((part): part is string => part !== undefined) ? parts.join(join[0]) : undefined;
  }
  return undefined;
};

/**
 * A short, stable description of a resource value for messages and allow-lists:
 * `arn:aws:...`, `Ref(X)`, `GetAtt(X.Arn)`, `ImportValue(name)`, `Sub(text)`.
 */
export const describeValue = (value: unknown): string => {
  if (typeof value === 'string') return value;
  if (isObject(value)) {
    if (typeof value.Ref === 'string') return `Ref(${value.Ref})`;
    const getAtt = value['Fn::GetAtt'];
    if (Array.isArray(getAtt)) return `GetAtt(${getAtt.join('.')})`;
    if (typeof getAtt === 'string') return `GetAtt(${getAtt})`;
    if ('Fn::ImportValue' in value) {
      const name = value['Fn::ImportValue'];
      return `ImportValue(${typeof name === 'string' ? name : describeValue(name)})`;
    }
    const sub = value['Fn::Sub'];
    if (typeof sub === 'string') return `Sub(${sub})`;
    const join = value['Fn::Join'];
    if (Array.isArray(join) && typeof join[0] === 'string' && Array.isArray(join[1])) {
      return `Join(${join[1].map(describeValue).join(join[0])})`;
    }
  }
  return JSON.stringify(value);
};

/** Every value of an `Fn::ImportValue` anywhere in the template, in document order. */
export const importedNames = (template: CfnTemplate): unknown[] => {
  const found: unknown[] = [];
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) {
      for (const item of node) walk(item);
    } else if (isObject(node)) {
      for (const [key, child] of Object.entries(node)) {
        if (key === 'Fn::ImportValue') found.push(child);
        else walk(child);
      }
    }
  };
  walk(template.Resources);
  walk(template.Outputs);
  walk(template.Conditions);
  return found;
};

/** The template's exports, by name resolved for the stack (Fn::Sub / Fn::Join included). */
export const collectExports = (
  template: CfnTemplate,
  context: ResolveContext,
): Map<string, ExportedValue> => {
  const exports = new Map<string, ExportedValue>();
  for (const output of Object.values(template.Outputs ?? {})) {
    const name = resolveString(output.Export?.Name, context);
    if (name !== undefined) exports.set(name, { template, value: output.Value });
  }
  return exports;
};

/** The stage's params as serverless resolves them: the `default` block overlaid with the stage's own. */
export const stageParams = (printed: { params?: unknown }, stage: string): Params => {
  const blocks = isObject(printed.params) ? printed.params : {};
  const defaults = isObject(blocks.default) ? blocks.default : {};
  const own = isObject(blocks[stage]) ? blocks[stage] : {};
  return { ...defaults, ...own };
};

// --- IAM statements -----------------------------------------------------------------------------

export interface Statement {
  where: string;
  effect: unknown;
  actions: string[];
  resources: unknown[];
  raw: Json;
}

/** Identity-based policy statements: roles' inline policies, AWS::IAM::Policy, AWS::IAM::ManagedPolicy. */
export const identityStatements = (template: CfnTemplate): Statement[] => {
  const statements: Statement[] = [];
  const add = (where: string, document: unknown): void => {
    if (!isObject(document)) return;
    asArray(document.Statement).forEach((raw, index) => {
      if (!isObject(raw)) return;
      statements.push({
        where: `${where} statement ${typeof raw.Sid === 'string' ? raw.Sid : `#${index}`}`,
        effect: raw.Effect,
        actions: asArray(raw.Action).filter((action): action is string => typeof action === 'string'),
        resources: asArray(raw.Resource),
        raw,
      });
    });
  };
  for (const [id, resource] of Object.entries(template.Resources)) {
    if (resource.Type === 'AWS::IAM::Role') {
      for (const policy of asArray(prop(resource, 'Policies'))) {
        if (isObject(policy)) add(`${id} (${String(policy.PolicyName)})`, policy.PolicyDocument);
      }
    } else if (resource.Type === 'AWS::IAM::Policy' || resource.Type === 'AWS::IAM::ManagedPolicy') {
      add(id, prop(resource, 'PolicyDocument'));
    }
  }
  return statements;
};

const DATA_SERVICES = ['sqs', 'dynamodb', 'sns'] as const;
const serviceOf = (action: string): string => action.split(':')[0]?.toLowerCase() ?? '';
const isDataAction = (action: string): boolean =>
  (DATA_SERVICES as readonly string[]).includes(serviceOf(action));

// --- Checks -------------------------------------------------------------------------------------

/** Every SQS queue, DynamoDB table, SNS topic and S3 bucket is encrypted at rest. */
export const checkEncryptionAtRest = (template: CfnTemplate): string[] => {
  const violations: string[] = [];
  for (const [id, queue] of resourcesOfType(template, 'AWS::SQS::Queue')) {
    if (prop(queue, 'SqsManagedSseEnabled') !== true && prop(queue, 'KmsMasterKeyId') === undefined) {
      violations.push(`queue ${id} is not encrypted (neither SqsManagedSseEnabled: true nor KmsMasterKeyId)`);
    }
  }
  for (const [id, table] of resourcesOfType(template, 'AWS::DynamoDB::Table')) {
    const sse = prop(table, 'SSESpecification');
    if (!isObject(sse) || sse.SSEEnabled !== true) {
      violations.push(`table ${id} does not set SSESpecification.SSEEnabled: true`);
    }
  }
  for (const [id, topic] of resourcesOfType(template, 'AWS::SNS::Topic')) {
    if (prop(topic, 'KmsMasterKeyId') === undefined) violations.push(`topic ${id} has no KmsMasterKeyId`);
  }
  for (const [id, bucket] of resourcesOfType(template, 'AWS::S3::Bucket')) {
    if (prop(bucket, 'BucketEncryption') === undefined)
      violations.push(`bucket ${id} has no BucketEncryption`);
  }
  return violations;
};

/** Every DynamoDB table keeps point-in-time recovery (35 days of restorable history). */
export const checkPointInTimeRecovery = (template: CfnTemplate): string[] =>
  resourcesOfType(template, 'AWS::DynamoDB::Table')
    .filter(([, table]) => {
      const pitr = prop(table, 'PointInTimeRecoverySpecification');
      return !isObject(pitr) || pitr.PointInTimeRecoveryEnabled !== true;
    })
    .map(([id]) => `table ${id} has no point-in-time recovery (PointInTimeRecoveryEnabled: true)`);

const deniesInsecureTransport = (statement: unknown, actions: string[], resource: string): boolean => {
  if (!isObject(statement) || statement.Effect !== 'Deny') return false;
  const principal = statement.Principal;
  const everyone = principal === '*' || (isObject(principal) && principal.AWS === '*');
  const coversActions = asArray(statement.Action).some((action) => actions.includes(String(action)));
  const coversResource = asArray(statement.Resource).some(
    (value) => value === '*' || describeValue(value) === resource,
  );
  const condition = isObject(statement.Condition) ? statement.Condition.Bool : undefined;
  const secureTransport = isObject(condition) ? condition['aws:SecureTransport'] : undefined;
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
    resourcesOfType(template, policyType).some(([, policy]) => {
      const document = prop(policy, 'PolicyDocument');
      return (
        asArray(prop(policy, listKey)).some((target) => refTarget(target) === id) &&
        isObject(document) &&
        asArray(document.Statement).some((statement) => deniesInsecureTransport(statement, actions, resource))
      );
    });
  for (const [id] of resourcesOfType(template, 'AWS::SQS::Queue')) {
    if (!covered('AWS::SQS::QueuePolicy', 'Queues', id, ['sqs:*', '*'], `GetAtt(${id}.Arn)`)) {
      violations.push(`queue ${id} has no queue policy denying sqs:* when aws:SecureTransport is false`);
    }
  }
  for (const [id] of resourcesOfType(template, 'AWS::SNS::Topic')) {
    if (!covered('AWS::SNS::TopicPolicy', 'Topics', id, ['sns:Publish', 'sns:*', '*'], `Ref(${id})`)) {
      violations.push(
        `topic ${id} has no topic policy denying sns:Publish when aws:SecureTransport is false`,
      );
    }
  }
  return violations;
};

/** SQS's default retention when a queue sets none (4 days). */
const DEFAULT_RETENTION_SECONDS = 345_600;
export const DLQ_RETENTION_SECONDS = 1_209_600;

export const redrivePolicy = (queue: CfnResource): Json | undefined => {
  const policy = prop(queue, 'RedrivePolicy');
  if (typeof policy === 'string') {
    try {
      const parsed: unknown = JSON.parse(policy);
      return isObject(parsed) ? parsed : undefined;
    } catch {
      return undefined;
    }
  }
  return isObject(policy) ? policy : undefined;
};

/**
 * Every source queue has a dead-letter queue; the DLQ keeps messages 14 days, longer than the source
 * (a message's age counts from its first enqueue, so a DLQ with a shorter retention drops it early:
 * https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-dead-letter-queues.html);
 * `maxReceiveCount` is the stage parameter `params.maxReceiveCount`.
 */
export const checkDeadLetterQueues = (template: CfnTemplate, params: Params): string[] => {
  const violations: string[] = [];
  const queues = new Map(resourcesOfType(template, 'AWS::SQS::Queue'));
  const deadLetterTargets = new Set(
    [...queues.values()].map((queue) => arnTarget(redrivePolicy(queue)?.deadLetterTargetArn)),
  );
  const expectedReceives = num(params.maxReceiveCount);
  for (const [id, queue] of queues) {
    if (deadLetterTargets.has(id)) continue;
    const redrive = redrivePolicy(queue);
    if (redrive === undefined) {
      violations.push(`queue ${id} has no RedrivePolicy: a poison message would be retried until it expires`);
      continue;
    }
    const dlqId = arnTarget(redrive.deadLetterTargetArn);
    const dlq = dlqId === undefined ? undefined : queues.get(dlqId);
    if (dlqId === undefined || dlq === undefined) {
      violations.push(
        `queue ${id}'s deadLetterTargetArn ${describeValue(redrive.deadLetterTargetArn)} is not a queue of this stack`,
      );
      continue;
    }
    const dlqRetention = num(prop(dlq, 'MessageRetentionPeriod')) ?? DEFAULT_RETENTION_SECONDS;
    const sourceRetention = num(prop(queue, 'MessageRetentionPeriod')) ?? DEFAULT_RETENTION_SECONDS;
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
    } else if (num(redrive.maxReceiveCount) !== expectedReceives) {
      violations.push(
        `queue ${id}'s maxReceiveCount is ${String(redrive.maxReceiveCount)}, not the stage parameter maxReceiveCount (${expectedReceives})`,
      );
    }
  }
  return violations;
};

/** Stream and Kafka event sources need a StartingPosition; an SQS event source has none. */
const isSqsEventSource = (mapping: CfnResource): boolean =>
  mapping.Type === 'AWS::Lambda::EventSourceMapping' && prop(mapping, 'StartingPosition') === undefined;

const sqsEventSources = (template: CfnTemplate): [string, CfnResource][] =>
  resourcesOfType(template, 'AWS::Lambda::EventSourceMapping').filter(([, mapping]) =>
    isSqsEventSource(mapping),
  );

/** The queue an event source reads: a queue of this stack, or one exported by another. */
const sourceQueue = (
  template: CfnTemplate,
  arn: unknown,
  catalog: ExportCatalog,
): { id: string; queue: CfnResource } | undefined => {
  const local = arnTarget(arn);
  if (local !== undefined) {
    const queue = template.Resources[local];
    return queue?.Type === 'AWS::SQS::Queue' ? { id: local, queue } : undefined;
  }
  if (isObject(arn) && typeof arn['Fn::ImportValue'] === 'string') {
    const exported = catalog.get(arn['Fn::ImportValue']);
    const id = arnTarget(exported?.value);
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
    const source = sourceQueue(template, prop(mapping, 'EventSourceArn'), catalog);
    const functionId = refTarget(prop(mapping, 'FunctionName'));
    const fn = functionId === undefined ? undefined : template.Resources[functionId];
    if (source === undefined) {
      violations.push(
        `event source ${id} reads ${describeValue(prop(mapping, 'EventSourceArn'))}, which is no known queue`,
      );
      continue;
    }
    if (fn?.Type !== 'AWS::Lambda::Function') {
      violations.push(
        `event source ${id} invokes ${describeValue(prop(mapping, 'FunctionName'))}, no function of this stack`,
      );
      continue;
    }
    const visibility = num(prop(source.queue, 'VisibilityTimeout')) ?? DEFAULT_VISIBILITY_SECONDS;
    const timeout = num(prop(fn, 'Timeout')) ?? DEFAULT_FUNCTION_TIMEOUT_SECONDS;
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
    if (!asArray(prop(mapping, 'FunctionResponseTypes')).includes('ReportBatchItemFailures')) {
      violations.push(`event source ${id} does not use FunctionResponseTypes [ReportBatchItemFailures]`);
    }
    const window = num(prop(mapping, 'MaximumBatchingWindowInSeconds'));
    if (window === undefined || window <= 0) {
      violations.push(`event source ${id} has no batching window (MaximumBatchingWindowInSeconds > 0)`);
    }
    const scaling = prop(mapping, 'ScalingConfig');
    const concurrency = isObject(scaling) ? num(scaling.MaximumConcurrency) : undefined;
    if (concurrency === undefined || concurrency < 2) {
      violations.push(
        `event source ${id} has no maximum concurrency (ScalingConfig.MaximumConcurrency >= 2)`,
      );
    }
  }
  return violations;
};

/** Every function traces actively with X-Ray. */
export const checkFunctionTracing = (template: CfnTemplate): string[] =>
  resourcesOfType(template, 'AWS::Lambda::Function')
    .filter(([, fn]) => {
      const config = prop(fn, 'TracingConfig');
      return !isObject(config) || config.Mode !== 'Active';
    })
    .map(([id]) => `function ${id} does not set TracingConfig.Mode: Active`);

/**
 * Every REST API stage traces with X-Ray. The template may say so itself (an AWS::ApiGateway::Stage
 * or the deployment's StageDescription with TracingEnabled: true). Serverless Framework v3 and osls
 * do not: their `after:deploy:deploy` hook (lib/plugins/aws/package/compile/events/api-gateway/lib/hack/update-stage.js)
 * sets the stage's tracingEnabled through the API Gateway SDK from `provider.tracing.apiGateway` in
 * the packaged serverless-state.json, which `sls deploy` reads. Either is accepted.
 */
export const checkApiTracing = (template: CfnTemplate, state: ServerlessState = {}): string[] => {
  const apis = resourcesOfType(template, 'AWS::ApiGateway::RestApi');
  if (apis.length === 0) return [];
  const stageTraced = resourcesOfType(template, 'AWS::ApiGateway::Stage').some(
    ([, stage]) => prop(stage, 'TracingEnabled') === true,
  );
  const deploymentTraced = resourcesOfType(template, 'AWS::ApiGateway::Deployment').some(([, deployment]) => {
    const description = prop(deployment, 'StageDescription');
    return isObject(description) && description.TracingEnabled === true;
  });
  const frameworkTraced = state.service?.provider?.tracing?.apiGateway === true;
  if (stageTraced || deploymentTraced || frameworkTraced) return [];
  return apis.map(
    ([id]) =>
      `REST API ${id}'s stage has no X-Ray tracing (no Stage/StageDescription TracingEnabled, and provider.tracing.apiGateway is not true)`,
  );
};

/** Every function runs with a role of its own, defined in this stack (not the framework's shared one). */
export const checkFunctionRoles = (template: CfnTemplate): string[] => {
  const violations: string[] = [];
  const users = new Map<string, string[]>();
  for (const [id, fn] of resourcesOfType(template, 'AWS::Lambda::Function')) {
    const role = refTarget(prop(fn, 'Role'));
    if (role === undefined || template.Resources[role]?.Type !== 'AWS::IAM::Role') {
      violations.push(`function ${id}'s role ${describeValue(prop(fn, 'Role'))} is not a role of this stack`);
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
  for (const statement of identityStatements(template)) {
    if (statement.effect !== 'Allow') continue;
    if ('NotAction' in statement.raw || 'NotResource' in statement.raw) {
      violations.push(`${statement.where} allows by NotAction/NotResource`);
    }
    for (const action of statement.actions) {
      if (action === '*' || action.endsWith(':*'))
        violations.push(`${statement.where} allows action ${action}`);
    }
    const dataActions = statement.actions.filter(isDataAction);
    for (const resource of statement.resources.map(describeValue)) {
      if (dataActions.length > 0 && resource.includes('*')) {
        violations.push(
          `${statement.where} allows ${dataActions.join(', ')} on wildcard resource ${resource}`,
        );
      }
    }
  }
  for (const [id, role] of resourcesOfType(template, 'AWS::IAM::Role')) {
    for (const arn of asArray(prop(role, 'ManagedPolicyArns'))) {
      const target = refTarget(arn);
      if (target === undefined || template.Resources[target]?.Type !== 'AWS::IAM::ManagedPolicy') {
        violations.push(
          `role ${id} attaches managed policy ${describeValue(arn)}, which this stack does not define`,
        );
      }
    }
  }
  return violations;
};

/** The (action, resource) pairs the template's roles allow on SQS, DynamoDB and SNS. */
export const dataGrants = (template: CfnTemplate): { where: string; action: string; resource: string }[] =>
  identityStatements(template)
    .filter((statement) => statement.effect === 'Allow')
    .flatMap((statement) =>
      statement.actions.filter(isDataAction).flatMap((action) =>
        statement.resources.map((resource) => ({
          where: statement.where,
          action,
          resource: describeValue(resource),
        })),
      ),
    );

/**
 * The roles may use SQS, DynamoDB and SNS only as `allowed` lists (resource in `describeValue` form,
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

/** The roles send to no queue but `queues` (resources in `describeValue` form; [] forbids sending). */
export const checkQueueSends = (template: CfnTemplate, queues: readonly string[]): string[] =>
  identityStatements(template)
    .filter((statement) => statement.effect === 'Allow')
    .flatMap((statement) =>
      statement.actions
        .filter((action) => SEND_ACTIONS.includes(action.toLowerCase()))
        .flatMap((action) =>
          statement.resources
            .map(describeValue)
            .filter((resource) => !queues.includes(resource))
            .map((resource) => `${statement.where} allows ${action} on ${resource}`),
        ),
    );

/** The path of an API Gateway method, from its resource chain (`/orders/batch`). */
const methodPath = (template: CfnTemplate, method: CfnResource): string => {
  const parts: string[] = [];
  let resourceId = refTarget(prop(method, 'ResourceId'));
  for (let depth = 0; resourceId !== undefined && depth < 32; depth += 1) {
    const resource = template.Resources[resourceId];
    if (resource?.Type !== 'AWS::ApiGateway::Resource') break;
    parts.unshift(String(prop(resource, 'PathPart')));
    resourceId = refTarget(prop(resource, 'ParentId'));
  }
  return `/${parts.join('/')}`;
};

/** The REST API's methods as `POST /orders` → ApiKeyRequired. */
export const apiMethods = (template: CfnTemplate): { route: string; apiKeyRequired: boolean }[] =>
  resourcesOfType(template, 'AWS::ApiGateway::Method').map(([, method]) => ({
    route: `${String(prop(method, 'HttpMethod'))} ${methodPath(template, method)}`,
    apiKeyRequired: prop(method, 'ApiKeyRequired') === true,
  }));

/** Every method but CORS preflights (OPTIONS) requires an API key; POST routes above all. */
export const checkApiKeyRequired = (template: CfnTemplate): string[] =>
  apiMethods(template)
    .filter(({ route, apiKeyRequired }) => !route.startsWith('OPTIONS ') && !apiKeyRequired)
    .map(({ route }) => `${route} does not require an API key (ApiKeyRequired: true)`);

/**
 * Which roles may touch `resource` (any grant whose resource, in `describeValue` form, contains it),
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

/**
 * The calling key identifies the store: the REST API takes its keys from a Lambda authorizer
 * (ApiKeySourceType AUTHORIZER), every method but CORS preflights runs a REQUEST authorizer of the
 * stack, and no API key with a fixed value is part of the stack (each store's key is made by
 * `pnpm stores add`).
 */
export const checkStoreAuthorizer = (template: CfnTemplate): string[] => {
  const violations: string[] = [];
  for (const [id, api] of resourcesOfType(template, 'AWS::ApiGateway::RestApi')) {
    if (prop(api, 'ApiKeySourceType') !== 'AUTHORIZER') {
      violations.push(
        `REST API ${id} does not take its API keys from the authorizer (ApiKeySourceType: AUTHORIZER)`,
      );
    }
  }
  for (const [id, method] of resourcesOfType(template, 'AWS::ApiGateway::Method')) {
    if (prop(method, 'HttpMethod') === 'OPTIONS') continue;
    const authorizer = template.Resources[refTarget(prop(method, 'AuthorizerId')) ?? ''];
    if (
      prop(method, 'AuthorizationType') !== 'CUSTOM' ||
      authorizer?.Type !== 'AWS::ApiGateway::Authorizer' ||
      prop(authorizer, 'Type') !== 'REQUEST'
    ) {
      violations.push(
        `method ${id} does not run a REQUEST authorizer of the stack (AuthorizationType: CUSTOM)`,
      );
    }
  }
  for (const [id, key] of resourcesOfType(template, 'AWS::ApiGateway::ApiKey')) {
    if (prop(key, 'Value') !== undefined) violations.push(`API key ${id} has a fixed value in the template`);
  }
  return violations;
};

/** A REST API has a usage plan on its stage that throttles (burst and rate) and sets a quota. */
export const checkUsagePlan = (template: CfnTemplate): string[] => {
  const violations: string[] = [];
  const plans = resourcesOfType(template, 'AWS::ApiGateway::UsagePlan');
  for (const [apiId] of resourcesOfType(template, 'AWS::ApiGateway::RestApi')) {
    const forApi = plans.filter(([, plan]) =>
      asArray(prop(plan, 'ApiStages')).some((stage) => isObject(stage) && refTarget(stage.ApiId) === apiId),
    );
    if (forApi.length === 0) {
      violations.push(`REST API ${apiId} has no usage plan on its stage`);
      continue;
    }
    for (const [planId, plan] of forApi) {
      const throttle = prop(plan, 'Throttle');
      const burst = isObject(throttle) ? num(throttle.BurstLimit) : undefined;
      const rate = isObject(throttle) ? num(throttle.RateLimit) : undefined;
      if (burst === undefined || burst <= 0 || rate === undefined || rate <= 0) {
        violations.push(
          `usage plan ${planId} does not throttle (Throttle.BurstLimit and Throttle.RateLimit > 0)`,
        );
      }
      const quota = prop(plan, 'Quota');
      const limit = isObject(quota) ? num(quota.Limit) : undefined;
      if (
        limit === undefined ||
        limit <= 0 ||
        !isObject(quota) ||
        !['DAY', 'WEEK', 'MONTH'].includes(String(quota.Period))
      ) {
        violations.push(`usage plan ${planId} has no quota (Quota.Limit > 0 per DAY, WEEK or MONTH)`);
      }
    }
  }
  return violations;
};

/** Every function's log group (and every log group) is in the stack with a retention. */
export const checkLogRetention = (template: CfnTemplate): string[] => {
  const violations: string[] = [];
  const groups = resourcesOfType(template, 'AWS::Logs::LogGroup');
  for (const [id, group] of groups) {
    const days = num(prop(group, 'RetentionInDays'));
    if (days === undefined || days <= 0)
      violations.push(`log group ${id} keeps logs forever (no RetentionInDays)`);
  }
  for (const [id, fn] of resourcesOfType(template, 'AWS::Lambda::Function')) {
    const logging = prop(fn, 'LoggingConfig');
    const custom = isObject(logging) ? logging.LogGroup : undefined;
    const name =
      custom ??
      (typeof prop(fn, 'FunctionName') === 'string'
        ? `/aws/lambda/${String(prop(fn, 'FunctionName'))}`
        : undefined);
    const found = groups.some(([groupId, group]) =>
      typeof name === 'string' ? prop(group, 'LogGroupName') === name : refTarget(name) === groupId,
    );
    if (!found) {
      violations.push(
        `function ${id}'s log group ${describeValue(name)} is not in the stack (Lambda would create it with no retention)`,
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
  importedNames(template).flatMap((value) => {
    const name = resolveString(value, context);
    if (name === undefined) return [`import ${describeValue(value)} cannot be resolved to a name`];
    return exportNames.has(name)
      ? []
      : [`import ${name} is not exported by any stack deployed before this one`];
  });

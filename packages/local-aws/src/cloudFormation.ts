/**
 * Reading the CloudFormation of the services (packaged templates and `sls print`'s resources): the
 * template's shape, intrinsics (Ref, Fn::GetAtt, Fn::Sub, Fn::Join, Fn::ImportValue), exports and IAM
 * statements. One reader for the deploy checks (tests/deploy) and the local stack's provisioning
 * (provision.ts creates the queues and tables a template declares).
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

export type Json = Record<string, unknown>;

export const isObject = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

export const asArray = (value: unknown): unknown[] => {
  if (value === undefined || value === null) return [];
  return Array.isArray(value) ? value : [value];
};

export const prop = (resource: CfnResource, name: string): unknown => resource.Properties?.[name];

/** A property's nested value (`propAt(table, 'SSESpecification', 'SSEEnabled')`), undefined where any step is missing. */
export const propAt = (resource: CfnResource, name: string, ...path: string[]): unknown =>
  path.reduce<unknown>((value, key) => (isObject(value) ? value[key] : undefined), prop(resource, name));

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

/** Every logical id a value references (Ref or Fn::GetAtt, at any depth), in document order. */
export const referencedIds = (value: unknown): string[] => {
  if (Array.isArray(value)) return value.flatMap(referencedIds);
  if (!isObject(value)) return [];
  const target = refTarget(value);
  if (target !== undefined) return [target];
  return Object.values(value).flatMap(referencedIds);
};

import type { CfnTemplate } from '@order-pipeline/local-aws/cloudformation';
import type { Params, ServerlessState } from '@order-pipeline/local-aws/service-config';
import {
  dlqHandlerTemplate,
  ingestApiState,
  ingestApiTemplate,
  orderConsumerTemplate,
  propsOf,
  statementOf,
} from './fixtures';

/** The three stacks of one stage, as small hand-built templates that satisfy every property. */
export interface Stacks {
  consumer: CfnTemplate;
  ingest: CfnTemplate;
  dlq: CfnTemplate;
  ingestState: ServerlessState;
  consumerParams: Params;
}

export const stacks = (): Stacks => ({
  consumer: orderConsumerTemplate(),
  ingest: ingestApiTemplate(),
  dlq: dlqHandlerTemplate(),
  ingestState: ingestApiState(),
  consumerParams: {
    prefix: 'order-pipeline-prod',
    retryWindowSeconds: 1800,
    maxReceiveCount: 14,
    ordersQueueAgeAlarmSeconds: 300,
  },
});

export const each = (s: Stacks, check: (template: CfnTemplate) => string[]): string[] =>
  [s.consumer, s.ingest, s.dlq].flatMap(check);

type StackName = 'consumer' | 'ingest' | 'dlq';

/** The common mutations: a resource without one of its properties... */
export const without =
  (stack: StackName, id: string, property: string) =>
  (s: Stacks): void => {
    delete propsOf(s[stack], id)[property];
  };

/** ...a resource with one property set to `value`... */
export const setting =
  (stack: StackName, id: string, property: string, value: unknown) =>
  (s: Stacks): void => {
    propsOf(s[stack], id)[property] = value;
  };

/** ...and a role's IAM statement (by Sid) with one field (Action, Resource) set to `value`. */
export const settingStatement =
  (stack: StackName, roleId: string, sid: string, field: string, value: unknown) =>
  (s: Stacks): void => {
    statementOf(s[stack], roleId, sid)[field] = value;
  };

/** One property broken on purpose, and what the check must then report. */
export interface Mutation<Name extends string> {
  property: string;
  check: Name;
  mutate: (s: Stacks) => void;
  reported: RegExp;
}

/**
 * The tests every family of checks gets: each check passes on the fixture stacks, reports each
 * mutation that breaks its property, and is broken by at least one mutation.
 */
export const describeChecks = <Name extends string>(
  title: string,
  checks: Record<Name, (s: Stacks) => string[]>,
  mutations: Mutation<Name>[],
): void => {
  const names = Object.keys(checks) as Name[];

  describe(title, () => {
    it.each(names)('%s reports nothing on templates that satisfy every property', (name) => {
      expect(checks[name](stacks())).toEqual([]);
    });

    it.each(mutations)('$check reports $property', ({ check, mutate, reported }) => {
      // Prepare
      const broken = stacks();
      mutate(broken);

      // Act
      const violations = checks[check](broken);

      // Assess
      expect(violations).toEqual(expect.arrayContaining([expect.stringMatching(reported)]));
    });

    it('breaks every check at least once above', () => {
      const broken = new Set(mutations.map(({ check }) => check));
      expect(names.filter((name) => !broken.has(name))).toEqual([]);
    });
  });
};

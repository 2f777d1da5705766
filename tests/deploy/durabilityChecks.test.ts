import { checkDataProtection, checkDeadLetterExpiry, checkRetryBudget } from './durabilityChecks';
import { propsOf } from './fixtures';
import { describeChecks, each, type Mutation, type Stacks, setting, without } from './mutations';

const CHECKS = {
  retryBudget: (s: Stacks) => checkRetryBudget(s.consumer, s.consumerParams),
  dataProtection: (s: Stacks) => each(s, checkDataProtection),
  deadLetterExpiry: (s: Stacks) => checkDeadLetterExpiry(s.dlq, 'DeadLettersTable'),
};
type CheckName = keyof typeof CHECKS;

const consumerEnvironment = (s: Stacks): Record<string, string> =>
  (propsOf(s.consumer, 'ProcessOrdersLambdaFunction').Environment as { Variables: Record<string, string> })
    .Variables;

const MUTATIONS: Mutation<CheckName>[] = [
  {
    property: 'a retry window under 30 minutes',
    check: 'retryBudget',
    mutate: (s) => {
      s.consumerParams = { ...s.consumerParams, retryWindowSeconds: 60 };
    },
    reported: /retryWindowSeconds \(60\) is under 1800 s/,
  },
  {
    property: 'the old five receives, whose back-offs give up after a minute',
    check: 'retryBudget',
    mutate: setting('consumer', 'OrdersQueue', 'RedrivePolicy', {
      deadLetterTargetArn: { 'Fn::GetAtt': ['OrdersDeadLetterQueue', 'Arn'] },
      maxReceiveCount: 5,
    }),
    reported:
      /OrdersQueue retries a transient failure for 30 s \(5 receives, back-off 2 s to 300 s\), less than the 1800 s/,
  },
  {
    property: 'a cap so low that the back-offs never cover the window',
    check: 'retryBudget',
    mutate: (s) => {
      consumerEnvironment(s).BACKOFF_MAX_SECONDS = '60';
    },
    reported: /less than the 1800 s retry window/,
  },
  {
    property: 'an orders queue that drops messages before the retries end',
    check: 'retryBudget',
    mutate: setting('consumer', 'OrdersQueue', 'MessageRetentionPeriod', 1800),
    reported: /OrdersQueue keeps messages 1800 s, not longer than its retry budget/,
  },
  {
    property: 'poison backed off like a transient failure, past the queue age alarm',
    check: 'retryBudget',
    mutate: (s) => {
      consumerEnvironment(s).POISON_BACKOFF_SECONDS = '300';
    },
    reported:
      /a poison message spends 4200 s on OrdersQueue \(14 x 300 s\), not less than its age alarm \(300 s\)/,
  },
  {
    property: 'a table CloudFormation deletes with its stack',
    check: 'dataProtection',
    mutate: (s) => {
      delete s.consumer.Resources.OrdersTable?.DeletionPolicy;
    },
    reported: /table OrdersTable has no DeletionPolicy: Retain/,
  },
  {
    property: 'a table CloudFormation deletes when it replaces it',
    check: 'dataProtection',
    mutate: (s) => {
      const table = s.dlq.Resources.DeadLettersTable;
      if (table) table.UpdateReplacePolicy = 'Delete';
    },
    reported: /table DeadLettersTable has no UpdateReplacePolicy: Retain/,
  },
  {
    property: 'a table without deletion protection',
    check: 'dataProtection',
    mutate: setting('consumer', 'OrdersTable', 'DeletionProtectionEnabled', false),
    reported: /table OrdersTable does not set DeletionProtectionEnabled: true/,
  },
  {
    property: 'dead letters kept for ever (no TTL)',
    check: 'deadLetterExpiry',
    mutate: without('dlq', 'DeadLettersTable', 'TimeToLiveSpecification'),
    reported: /table DeadLettersTable has no TimeToLiveSpecification enabled on expiresAt/,
  },
  {
    property: 'a handler not told how long to keep dead letters',
    check: 'deadLetterExpiry',
    mutate: setting('dlq', 'HandleDeadLettersLambdaFunction', 'Environment', { Variables: {} }),
    reported: /no function sets DEAD_LETTER_RETENTION_DAYS/,
  },
];

describeChecks('retry budget, data protection and expiry checks', CHECKS, MUTATIONS);

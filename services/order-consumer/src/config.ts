import { ConfigurationError, type Env, intEnv, requireEnv } from '@order-pipeline/common';
import type { BackoffPolicy } from './backoff';

export const SERVICE_NAME = 'order-consumer';

/** Everything the consumer reads from its environment, read once at cold start. */
export interface ConsumerConfig {
  ordersTable: string;
  /** The stores registry: whether a store is open. */
  storesTable: string;
  backoff: BackoffPolicy;
  metricsNamespace: string;
  /** The embedded SQS / DynamoDB on the local stage; undefined on AWS. */
  sqsEndpoint: string | undefined;
  dynamoEndpoint: string | undefined;
  /** Fault injection for the chaos suite (see faults.ts); only ever true on the local stage. */
  chaosFaults: boolean;
  /** With chaos faults on: the share of invocations that crash after their records were processed. */
  chaosCrashRate: number;
}

const optionalEnv = (name: string, env: Env): string | undefined => {
  const value = env[name]?.trim();
  return value === undefined || value === '' ? undefined : value;
};

// CHAOS_FAULTS=on makes records fail on request: refuse it unless the function really runs under
// the local stack (serverless-offline sets IS_OFFLINE) on the local stage, so that neither a stray
// variable nor a stage named "local" deployed to AWS can make a consumer drop into simulated failures.
const readChaosFaults = (env: Env): boolean => {
  const value = optionalEnv('CHAOS_FAULTS', env) ?? 'off';
  if (value !== 'on' && value !== 'off') {
    throw new ConfigurationError(
      `environment variable CHAOS_FAULTS must be "on" or "off", got "${value}"`,
      'CHAOS_FAULTS',
    );
  }
  if (value === 'on' && env.STAGE !== 'local') {
    throw new ConfigurationError(
      `CHAOS_FAULTS=on is only allowed on the local stage, not on "${env.STAGE ?? '(unset)'}"`,
      'CHAOS_FAULTS',
    );
  }
  if (value === 'on' && env.IS_OFFLINE !== 'true') {
    throw new ConfigurationError(
      'CHAOS_FAULTS=on is only allowed under the local stack (sls offline sets IS_OFFLINE), not in Lambda',
      'CHAOS_FAULTS',
    );
  }
  return value === 'on';
};

const readCrashRate = (env: Env, chaosFaults: boolean): number => {
  const raw = optionalEnv('CHAOS_CRASH_RATE', env) ?? '0';
  const rate = Number(raw);
  if (!Number.isFinite(rate) || rate < 0 || rate > 1) {
    throw new ConfigurationError(
      `environment variable CHAOS_CRASH_RATE must be 0..1, got "${raw}"`,
      'CHAOS_CRASH_RATE',
    );
  }
  return chaosFaults ? rate : 0;
};

export const readConfig = (env: Env = process.env): ConsumerConfig => {
  const chaosFaults = readChaosFaults(env);
  return {
    ordersTable: requireEnv('ORDERS_TABLE', env),
    storesTable: requireEnv('STORES_TABLE', env),
    backoff: {
      baseSeconds: intEnv('BACKOFF_BASE_SECONDS', 2, env),
      maxSeconds: intEnv('BACKOFF_MAX_SECONDS', 300, env),
      poisonSeconds: intEnv('POISON_BACKOFF_SECONDS', 2, env),
    },
    metricsNamespace: requireEnv('POWERTOOLS_METRICS_NAMESPACE', env),
    sqsEndpoint: optionalEnv('AWS_ENDPOINT_URL_SQS', env),
    dynamoEndpoint: optionalEnv('AWS_ENDPOINT_URL_DYNAMODB', env),
    chaosFaults,
    chaosCrashRate: readCrashRate(env, chaosFaults),
  };
};

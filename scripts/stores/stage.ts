import { APIGatewayClient } from '@aws-sdk/client-api-gateway';
import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { type StoresTable, storesTable } from '@order-pipeline/common';
import { resolveRegion } from '@order-pipeline/common/cli';
import { defaultStackFile, LOCAL_CREDENTIALS, readStackInfo } from '@order-pipeline/local-aws/stack-file';
import { apiGatewayKeys, type KeyIssuer, localKeys } from './keys';

export const LOCAL_STAGE = 'local';

/** What a command works on, for one stage. */
export interface StoresTarget {
  stage: string;
  region: string;
  stores: StoresTable;
  keys: KeyIssuer;
  /** The embedded DynamoDB on the local stage (for failure hints). */
  localEndpoint?: string;
  close(): void;
}

export interface StageOptions {
  stage: string;
  region?: string | undefined;
  /** The local stack's file; STACK_FILE, else LOCAL_STACK_BASE_PORT's, else .local/stack.json. */
  stackFile?: string | undefined;
  env?: Readonly<Record<string, string | undefined>>;
}

/**
 * `local`: the running local stack's registry (from its stack file), keys that work at once; any other
 * stage: the deployed registry `order-pipeline-<stage>-stores` and API Gateway keys, with the AWS
 * default credential chain.
 */
export const connectStage = async (options: StageOptions): Promise<StoresTarget> => {
  const env = options.env ?? process.env;
  if (options.stage === LOCAL_STAGE) {
    // The same stack file as pnpm dlq, pnpm status and pnpm stop find.
    const stack = await readStackInfo(options.stackFile ?? defaultStackFile(env));
    const table = stack.tables.StoresTable;
    if (table === undefined)
      throw new Error('the local stack has no StoresTable; restart it with `pnpm start`');
    const region = resolveRegion(options.region ?? stack.region, env);
    const dynamo = new DynamoDBClient({
      region,
      endpoint: stack.dynamoEndpoint,
      credentials: LOCAL_CREDENTIALS,
    });
    return {
      stage: LOCAL_STAGE,
      region,
      stores: storesTable(DynamoDBDocumentClient.from(dynamo), table),
      keys: localKeys(),
      localEndpoint: stack.dynamoEndpoint,
      close: () => dynamo.destroy(),
    };
  }
  const region = resolveRegion(options.region, env);
  const dynamo = new DynamoDBClient({ region });
  const apiGateway = new APIGatewayClient({ region });
  const cloudFormation = new CloudFormationClient({ region });
  return {
    stage: options.stage,
    region,
    stores: storesTable(DynamoDBDocumentClient.from(dynamo), `order-pipeline-${options.stage}-stores`),
    keys: apiGatewayKeys(apiGateway, cloudFormation, options.stage),
    close: () => {
      dynamo.destroy();
      apiGateway.destroy();
      cloudFormation.destroy();
    },
  };
};

import { APIGatewayClient } from '@aws-sdk/client-api-gateway';
import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { type StoresTable, storesTable } from '@order-pipeline/common';
import { LOCAL_CREDENTIALS } from '@order-pipeline/local-aws/stack-file';
import { LOCAL_STAGE, resolveStage, type StageOptions } from '@order-pipeline/local-aws/stage';
import { apiGatewayKeys, type KeyIssuer, localKeys } from './keys';

export { LOCAL_STAGE, type StageOptions };

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

/**
 * `local`: the running local stack's registry (from its stack file), keys that work at once; any other
 * stage: the deployed registry `order-pipeline-<stage>-stores` and API Gateway keys, with the AWS
 * default credential chain.
 */
export const connectStage = async (options: StageOptions): Promise<StoresTarget> => {
  // The same stack file and region as pnpm dlq find.
  const stage = await resolveStage(options);
  if (stage.kind === 'local') {
    const { stack, region } = stage;
    const table = stack.tables.StoresTable;
    if (table === undefined)
      throw new Error('the local stack has no StoresTable; restart it with `pnpm start`');
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
  const { region } = stage;
  const dynamo = new DynamoDBClient({ region });
  const apiGateway = new APIGatewayClient({ region });
  const cloudFormation = new CloudFormationClient({ region });
  return {
    stage: stage.stage,
    region,
    stores: storesTable(DynamoDBDocumentClient.from(dynamo), `${stage.prefix}-stores`),
    keys: apiGatewayKeys(apiGateway, cloudFormation, stage.stage),
    close: () => {
      dynamo.destroy();
      apiGateway.destroy();
      cloudFormation.destroy();
    },
  };
};

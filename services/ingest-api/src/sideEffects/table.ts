import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { captureAwsClient } from '@order-pipeline/common/tracing';
import { dynamoOrderReader } from '../dynamoOrderReader';
import { readTableEnv } from '../env';
import type { OrderReader } from '../getOrder';

const env = readTableEnv();

// Built once per cold start; the local stack passes the embedded DynamoDB as AWS_ENDPOINT_URL_DYNAMODB.
export const orderReader: OrderReader = dynamoOrderReader(
  DynamoDBDocumentClient.from(
    captureAwsClient(new DynamoDBClient(env.dynamoEndpoint ? { endpoint: env.dynamoEndpoint } : {})),
  ),
  env.tableName,
);

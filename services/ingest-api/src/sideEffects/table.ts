import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { type OrdersTable, ordersTable } from '@order-pipeline/common/orders-table';
import { captureAwsClient } from '@order-pipeline/common/tracing';
import { readTableEnv } from '../env';

const env = readTableEnv();

// Built once per cold start; the local stack passes the embedded DynamoDB as AWS_ENDPOINT_URL_DYNAMODB.
export const orders: OrdersTable = ordersTable(
  DynamoDBDocumentClient.from(
    captureAwsClient(new DynamoDBClient(env.dynamoEndpoint ? { endpoint: env.dynamoEndpoint } : {})),
    // Optional fields of the records (traceId, ...) may be undefined.
    { marshallOptions: { removeUndefinedValues: true } },
  ),
  env.tableName,
);

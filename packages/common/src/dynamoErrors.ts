/**
 * DynamoDB answers a failed ConditionExpression with ConditionalCheckFailedException:
 * https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_PutItem.html#API_PutItem_Errors
 * Compared by name, not class, so that two bundled copies of the SDK still agree.
 */
export const isConditionalCheckFailed = (error: unknown): boolean =>
  error instanceof Error && error.name === 'ConditionalCheckFailedException';

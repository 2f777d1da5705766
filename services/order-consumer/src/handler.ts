// placeholder until the consumer lands
export const handler = async (): Promise<{ batchItemFailures: [] }> => ({ batchItemFailures: [] });

// serverless-offline-sqs ships no types; this is the part of its SQS poller (src/sqs.js) the
// patch's test drives, as the plugin's index.js does.
declare module 'serverless-offline-sqs/src/sqs' {
  import type { SQSEvent } from 'aws-lambda';

  namespace SQS {
    /** What serverless-offline's Lambda.get(functionKey) returns. */
    interface LambdaFunction {
      setEvent(event: SQSEvent): void;
      runHandler(): Promise<unknown>;
    }

    interface Lambda {
      get(functionKey: string): LambdaFunction;
    }

    /** A function's `sqs` event, as written in serverless.yml. */
    interface SqsEventDefinition {
      arn?: string;
      queueName?: string;
      batchSize?: number;
      maximumBatchingWindow?: number;
      maximumConcurrency?: number;
      functionResponseType?: 'ReportBatchItemFailures';
      enabled?: boolean;
    }

    interface Options {
      region: string;
      accountId: string;
      endpoint: string;
      accessKeyId: string;
      secretAccessKey: string;
      autoCreate?: boolean;
      /** The patch's cap on pollers per event (maximumConcurrency emulation). */
      maxPollersPerEvent?: number;
    }

    /** CloudFormation resources, with `Fn::GetAtt [Queue, Arn]` already resolved by index.js. */
    type Resources = Record<string, { Type: string; Properties?: Record<string, unknown> }>;

    interface ReceiveMessageParams {
      QueueUrl: string;
      MaxNumberOfMessages?: number;
      WaitTimeSeconds?: number;
    }

    /** The part of an aws-sdk v2 AWS.Request the poller uses. */
    interface AwsRequest<Output> {
      promise(): Promise<Output>;
      abort(): void;
    }

    interface Client {
      receiveMessage(params: ReceiveMessageParams): AwsRequest<{ Messages?: { MessageId?: string }[] }>;
    }
  }

  class SQS {
    constructor(lambda: SQS.Lambda, resources: SQS.Resources | undefined, options: SQS.Options);
    /** The aws-sdk v2 SQS client it polls with. */
    client: SQS.Client;
    create(events: { functionKey: string; sqs: SQS.SqsEventDefinition | string }[]): Promise<unknown>;
    start(): void;
    stop(timeout?: number): Promise<void> | undefined;
  }

  export = SQS;
}

import {
  DeleteMessageBatchCommand,
  GetQueueAttributesCommand,
  type Message,
  ReceiveMessageCommand,
} from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import { ORDER_CONTENT_TYPE, ORDER_STATUS, parseOrder } from '@order-pipeline/common';
import { anOrder, lambdaContext, setEnv, TRACE_HEADER } from '@order-pipeline/common/testing';
import { parseTraceHeader, setDaemonAddress } from '@order-pipeline/common/tracing';
import {
  collectSegments,
  type LocalAws,
  type SegmentCollector,
  type SegmentDocument,
  startLocalAws,
} from '@order-pipeline/local-aws';
import type { APIGatewayProxyEvent, APIGatewayRequestAuthorizerEvent } from 'aws-lambda';
import type { OrderAccepted } from '../src/createOrder';
import type { BatchReport } from '../src/createOrderBatch';
import { type Authorizer, batchEvent, getEvent, type Handler, orderRequest, restApiEvent } from './factories';

// The real handlers (middy, SDK clients built from the environment, X-Ray capture) against the
// embedded SQS and DynamoDB, provisioned from order-consumer's own resources.
describe('the ingest-api handlers against the embedded SQS and DynamoDB', () => {
  let local: LocalAws;
  let daemon: SegmentCollector;
  let restoreEnv: () => void = () => undefined;
  let handlers: { createOrder: Handler; createOrderBatch: Handler; getOrder: Handler };
  let authorize: Authorizer;
  let queueUrl: string;

  beforeAll(async () => {
    local = await startLocalAws({ services: ['order-consumer'] });
    queueUrl = local.queues.OrdersQueue?.url ?? '';
    daemon = await collectSegments();
    setDaemonAddress(daemon.address);
    // The handlers read their environment once, when first imported, as on a Lambda cold start.
    restoreEnv = setEnv({
      ...local.env,
      ORDERS_QUEUE_URL: queueUrl,
      ORDERS_TABLE: local.tables.OrdersTable,
      STORES_TABLE: local.tables.StoresTable,
      POWERTOOLS_LOG_LEVEL: 'SILENT',
    });
    handlers = {
      createOrder: (await import('../src/handlers/createOrder')).handler,
      createOrderBatch: (await import('../src/handlers/createOrderBatch')).handler,
      getOrder: (await import('../src/handlers/getOrder')).handler,
    };
    authorize = (await import('../src/handlers/authorizeStore')).handler;
  }, 60_000);

  afterAll(async () => {
    restoreEnv();
    await daemon?.close();
    await local?.stop();
  });

  /** Receives (and deletes) exactly `count` messages, with every attribute. */
  const takeMessages = async (count: number): Promise<Message[]> => {
    const taken: Message[] = [];
    for (let attempt = 0; attempt < 20 && taken.length < count; attempt++) {
      const { Messages = [] } = await local.sqs.send(
        new ReceiveMessageCommand({
          QueueUrl: queueUrl,
          MaxNumberOfMessages: Math.min(10, count - taken.length),
          WaitTimeSeconds: 0,
          MessageAttributeNames: ['All'],
          MessageSystemAttributeNames: ['All'],
          // local-aws-sqs 2.0.2 reads only the older name (deprecated by SQS, still honoured by it).
          AttributeNames: ['All'],
        }),
      );
      if (Messages.length === 0) continue;
      taken.push(...Messages);
      await local.sqs.send(
        new DeleteMessageBatchCommand({
          QueueUrl: queueUrl,
          Entries: Messages.map((message, index) => ({
            Id: `d${index}`,
            ReceiptHandle: message.ReceiptHandle,
          })),
        }),
      );
    }
    return taken;
  };

  const expectQueueEmpty = async () => {
    const { Attributes } = await local.sqs.send(
      new GetQueueAttributesCommand({
        QueueUrl: queueUrl,
        AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
      }),
    );
    expect(Attributes?.ApproximateNumberOfMessages).toBe('0');
    expect(Attributes?.ApproximateNumberOfMessagesNotVisible).toBe('0');
    const { Messages = [] } = await local.sqs.send(
      new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 0 }),
    );
    expect(Messages).toEqual([]);
  };

  const segmentOf = (id: string): Promise<SegmentDocument> =>
    daemon.segment((segment) => segment.id === id, `segment ${id}`);

  const invoke = (handler: Handler, event: APIGatewayProxyEvent) => handler(event, lambdaContext());

  it('POST /orders puts the order on the queue with every attribute and a trace header of the answered trace', async () => {
    const order = anOrder({ storeId: 4 });

    const response = await invoke(
      handlers.createOrder,
      restApiEvent({
        body: order,
        headers: { 'X-Correlation-Id': 'it-single-1' },
        store: { storeId: 4, status: 'open' },
      }),
    );

    expect(response.statusCode).toBe(202);
    const answer = JSON.parse(response.body) as OrderAccepted;
    const [message] = await takeMessages(1);
    expect(message?.MessageId).toBe(answer.messageId);
    expect(answer).toEqual({
      orderId: order.orderId,
      messageId: expect.any(String),
      traceId: expect.any(String),
      correlationId: 'it-single-1',
    });
    expect(parseOrder(JSON.parse(message?.Body ?? ''))).toEqual(order);
    expect(message?.MessageAttributes).toEqual({
      store_id: { DataType: 'Number', StringValue: '4' },
      content_type: { DataType: 'String', StringValue: ORDER_CONTENT_TYPE },
      correlation_id: { DataType: 'String', StringValue: 'it-single-1' },
      producer: { DataType: 'String', StringValue: 'ingest-api' },
    });
    const traceHeader = parseTraceHeader(message?.Attributes?.AWSTraceHeader ?? '');
    expect(traceHeader.root).toBe(answer.traceId);
    expect(traceHeader.sampled).toBe('1');
    const segment = await segmentOf(traceHeader.parent ?? '');
    expect(segment).toEqual(expect.objectContaining({ name: 'ingest-api', trace_id: answer.traceId }));
    expect(segment.parent_id).toBeUndefined();
    expect(segment.annotations).toEqual(expect.objectContaining({ orderId: order.orderId, storeId: 4 }));
    // The idempotency record before the send, its messageId after.
    expect(segment.subsegments?.map((subsegment) => subsegment.aws?.operation)).toEqual([
      'PutItem',
      'SendMessage',
      'UpdateItem',
    ]);
    await expectQueueEmpty();
  });

  it("POST /orders continues the caller's X-Amzn-Trace-Id", async () => {
    const response = await invoke(
      handlers.createOrder,
      restApiEvent({ body: orderRequest(), headers: { 'X-Amzn-Trace-Id': TRACE_HEADER } }),
    );

    const answer = JSON.parse(response.body) as OrderAccepted;
    const [message] = await takeMessages(1);
    expect(answer.traceId).toBe(parseTraceHeader(TRACE_HEADER).root);
    expect(parseTraceHeader(message?.Attributes?.AWSTraceHeader ?? '').root).toBe(answer.traceId);
    expect(JSON.parse(message?.Body ?? '').orderId).toBe(answer.orderId);
  });

  it('POST /orders/batch puts every order on the queue, answering the messageId of each', async () => {
    const orders = Array.from({ length: 12 }, () => anOrder());

    const response = await invoke(handlers.createOrderBatch, batchEvent(orders));

    expect(response.statusCode).toBe(202);
    const report = JSON.parse(response.body) as BatchReport;
    const messages = await takeMessages(12);
    expect(messages).toHaveLength(12);
    const byOrderId = new Map(messages.map((message) => [JSON.parse(message.Body ?? '').orderId, message]));
    for (const [index, order] of orders.entries()) {
      const message = byOrderId.get(order.orderId);
      expect(report.results[index]).toEqual({
        index,
        status: 'accepted',
        orderId: order.orderId,
        messageId: message?.MessageId,
      });
      expect(message?.MessageAttributes?.store_id).toEqual({ DataType: 'Number', StringValue: '7' });
      expect(message?.MessageAttributes?.correlation_id?.StringValue).toBe(report.correlationId);
      expect(message?.MessageAttributes?.producer?.StringValue).toBe('ingest-api');
      expect(parseTraceHeader(message?.Attributes?.AWSTraceHeader ?? '').root).toBe(report.traceId);
    }
    await expectQueueEmpty();
  });

  describe('leaves the queue empty for a bad request', () => {
    const cases: Array<[string, 'createOrder' | 'createOrderBatch', APIGatewayProxyEvent, number]> = [
      ['invalid JSON', 'createOrder', restApiEvent({ body: '{"storeId": 1,' }), 400],
      [
        'a wrong content type',
        'createOrder',
        restApiEvent({ body: orderRequest(), headers: { 'Content-Type': 'text/plain' } }),
        415,
      ],
      ['a schema violation', 'createOrder', restApiEvent({ body: { ...orderRequest(), items: [] } }), 400],
      [
        'a body over 200 KiB',
        'createOrder',
        restApiEvent({ body: { ...orderRequest(), pad: 'x'.repeat(205_000) } }),
        413,
      ],
      [
        'a malformed x-correlation-id',
        'createOrder',
        restApiEvent({ body: orderRequest(), headers: { 'x-correlation-id': 'bad id with spaces' } }),
        400,
      ],
      [
        'a batch of 101',
        'createOrderBatch',
        batchEvent(Array.from({ length: 101 }, () => orderRequest())),
        400,
      ],
      ['an empty batch', 'createOrderBatch', batchEvent([]), 400],
      ['a batch of invalid orders only', 'createOrderBatch', batchEvent([{ storeId: 7 }, 'order']), 400],
    ];

    it.each(cases)('%s', async (_name, route, event, status) => {
      const response = await invoke(handlers[route], event);

      expect(response.statusCode).toBe(status);
      expect(JSON.parse(response.body)).toEqual({
        error: expect.objectContaining({ code: expect.any(String) }),
      });
      await expectQueueEmpty();
    });
  });

  it('GET /orders/{orderId} answers the item in the orders table, and 404 for an unknown id', async () => {
    const order = anOrder();
    const stored = {
      orderId: order.orderId,
      status: ORDER_STATUS.processed,
      storeId: order.storeId,
      order,
      messageId: 'msg-it-1',
      traceId: '1-5759e988-bd862e3fe1be46a994272793',
      correlationId: 'it-get-1',
      receiveCount: 1,
      processedAt: '2026-11-22T10:00:01.000Z',
      updatedAt: '2026-11-22T10:00:01.000Z',
    };
    await DynamoDBDocumentClient.from(local.dynamo).send(
      new PutCommand({ TableName: local.tables.OrdersTable, Item: stored }),
    );

    const found = await invoke(handlers.getOrder, getEvent(order.orderId));
    const missing = await invoke(handlers.getOrder, getEvent('ord-never-sent'));

    expect(found.statusCode).toBe(200);
    expect(JSON.parse(found.body)).toEqual(
      expect.objectContaining({
        orderId: order.orderId,
        status: 'PROCESSED',
        order,
        correlationId: 'it-get-1',
      }),
    );
    expect(missing.statusCode).toBe(404);
    expect(JSON.parse(missing.body)).toEqual({ error: expect.objectContaining({ code: 'order-not-found' }) });
  });

  it('POST /orders records the order before sending it: a replay is answered alike, other content is 409, GET says ACCEPTED', async () => {
    const store = { storeId: 5, status: 'open' } as const;
    const order = anOrder({ storeId: 5 });

    const first = await invoke(handlers.createOrder, restApiEvent({ body: order, store }));
    const replay = await invoke(handlers.createOrder, restApiEvent({ body: order, store }));
    const conflict = await invoke(
      handlers.createOrder,
      restApiEvent({ body: { ...order, currency: 'USD' }, store }),
    );
    const status = await invoke(handlers.getOrder, getEvent(order.orderId, { store }));

    expect(first.statusCode).toBe(202);
    expect(replay.statusCode).toBe(202);
    expect(replay.headers?.['idempotent-replayed']).toBe('true');
    expect(JSON.parse(replay.body).messageId).toBe(JSON.parse(first.body).messageId);
    expect(conflict.statusCode).toBe(409);
    expect(JSON.parse(conflict.body)).toEqual({ error: expect.objectContaining({ code: 'order-conflict' }) });
    expect(JSON.parse(status.body)).toEqual(
      expect.objectContaining({ status: 'ACCEPTED', messageId: JSON.parse(first.body).messageId }),
    );
    expect(await takeMessages(1)).toHaveLength(1);
    await expectQueueEmpty();
  });

  describe('the store authorizer, reading the registry the local stack seeds', () => {
    const METHOD_ARN = 'arn:aws:execute-api:eu-west-1:000000000000:api/local/POST/orders';
    const authorizerEvent = (headers: Record<string, string>) =>
      ({ type: 'REQUEST', methodArn: METHOD_ARN, headers }) as unknown as APIGatewayRequestAuthorizerEvent;
    const keyOf = (storeId: number) => local.stores.find((store) => store.storeId === storeId)?.apiKey ?? '';

    it.each([
      [7, 'open'],
      [8, 'open'],
      [9, 'closed'],
    ])('names store %i (%s) for its own key', async (storeId, status) => {
      const result = await authorize(authorizerEvent({ 'x-api-key': keyOf(storeId) }), lambdaContext());

      expect(result.policyDocument.Statement[0]).toEqual(expect.objectContaining({ Effect: 'Allow' }));
      expect(result.context).toEqual({ storeId: String(storeId), storeStatus: status });
    });

    it('denies a key the registry does not hold', async () => {
      const result = await authorize(
        authorizerEvent({ 'x-api-key': 'local-store-42-key-0123456789abcdef' }),
        lambdaContext(),
      );

      expect(result.policyDocument.Statement[0]).toEqual(expect.objectContaining({ Effect: 'Deny' }));
    });
  });

  it("GET /orders/{orderId} answers another store's order as a missing one", async () => {
    const order = anOrder({ storeId: 8 });
    await DynamoDBDocumentClient.from(local.dynamo).send(
      new PutCommand({
        TableName: local.tables.OrdersTable,
        Item: { orderId: order.orderId, status: ORDER_STATUS.processed, storeId: 8, order },
      }),
    );

    const foreign = await invoke(
      handlers.getOrder,
      getEvent(order.orderId, { store: { storeId: 7, status: 'open' } }),
    );
    const own = await invoke(
      handlers.getOrder,
      getEvent(order.orderId, { store: { storeId: 8, status: 'open' } }),
    );

    expect(foreign.statusCode).toBe(404);
    expect(JSON.parse(foreign.body)).toEqual({
      error: { code: 'order-not-found', message: `there is no order ${order.orderId}` },
    });
    expect(own.statusCode).toBe(200);
  });
});

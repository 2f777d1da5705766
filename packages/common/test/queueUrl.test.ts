import { OrderPipelineError, parseQueueArn, queueUrlFromArn } from '../src';

describe('queueUrlFromArn()', () => {
  it.each([
    ['arn:aws:sqs:eu-west-1:123456789012:orders', 'https://sqs.eu-west-1.amazonaws.com/123456789012/orders'],
    [
      'arn:aws:sqs:us-east-1:123456789012:orders.fifo',
      'https://sqs.us-east-1.amazonaws.com/123456789012/orders.fifo',
    ],
    [
      'arn:aws-cn:sqs:cn-north-1:123456789012:orders',
      'https://sqs.cn-north-1.amazonaws.com.cn/123456789012/orders',
    ],
    [
      'arn:aws-us-gov:sqs:us-gov-west-1:123456789012:orders',
      'https://sqs.us-gov-west-1.amazonaws.com/123456789012/orders',
    ],
  ])('derives the regional queue URL of %s', (arn, url) => {
    expect(queueUrlFromArn(arn)).toBe(url);
  });

  it('builds endpoint/account/queue name when an endpoint is given', () => {
    const arn = 'arn:aws:sqs:eu-west-1:000000000000:order-pipeline-local-orders';

    expect(queueUrlFromArn(arn, 'http://127.0.0.1:9324')).toBe(
      'http://127.0.0.1:9324/000000000000/order-pipeline-local-orders',
    );
    expect(queueUrlFromArn(arn, 'http://127.0.0.1:9324/')).toBe(
      'http://127.0.0.1:9324/000000000000/order-pipeline-local-orders',
    );
  });

  it('ignores an empty endpoint', () => {
    expect(queueUrlFromArn('arn:aws:sqs:eu-west-1:123456789012:orders', '')).toBe(
      'https://sqs.eu-west-1.amazonaws.com/123456789012/orders',
    );
  });

  it.each([
    'orders',
    'arn:aws:sns:eu-west-1:123456789012:orders',
    'arn:aws:sqs:eu-west-1:1234:orders',
    'arn:aws:sqs:eu-west-1:123456789012:',
    'arn:aws:sqs:eu-west-1:123456789012:orders/extra',
    `arn:aws:sqs:eu-west-1:123456789012:${'q'.repeat(81)}`,
  ])('refuses %s, which is not an SQS queue ARN', (arn) => {
    expect(() => queueUrlFromArn(arn)).toThrow(OrderPipelineError);
    expect(() => queueUrlFromArn(arn)).toThrow(`not an SQS queue ARN: "${arn}"`);
  });

  it('refuses a partition whose endpoint it does not know, unless an endpoint is given', () => {
    const arn = 'arn:aws-future:sqs:xx-east-1:123456789012:orders';

    expect(() => queueUrlFromArn(arn)).toThrow('unknown AWS partition "aws-future"');
    expect(queueUrlFromArn(arn, 'http://127.0.0.1:9324')).toBe('http://127.0.0.1:9324/123456789012/orders');
  });
});

describe('parseQueueArn()', () => {
  it('splits a queue ARN into its parts', () => {
    expect(parseQueueArn('arn:aws:sqs:eu-west-1:123456789012:orders-dlq')).toEqual({
      partition: 'aws',
      region: 'eu-west-1',
      accountId: '123456789012',
      queueName: 'orders-dlq',
    });
  });
});

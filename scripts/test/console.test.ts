import { PassThrough } from 'node:stream';
import { createConsole, createNoiseFilter, formatConsoleLine } from '../local-stack/console';

const SDK_NOTICE = [
  '(node:6151) Warning: NodeVersionSupportWarning: The AWS SDK for JavaScript (v3)',
  'versions published after the first week of January 2027',
  'will require node >=22. You are running node v20.20.2.',
  '',
  'To continue receiving updates to AWS services, bug fixes,',
  'and security updates please upgrade to node >=22.',
  '',
  'More information can be found at: https://a.co/c895JFp',
  '(Use `node --trace-warnings ...` to show where the warning was created)',
];
const EMF =
  '{"_aws":{"Timestamp":1,"CloudWatchMetrics":[{"Namespace":"OrderPipeline","Dimensions":[["service"]],"Metrics":[{"Name":"OrdersProcessed","Unit":"Count"}]}]},"service":"order-consumer","OrdersProcessed":1}';

describe('createNoiseFilter()', () => {
  it("drops the AWS SDK's whole Node-version notice, EMF documents, blank lines and route tables", () => {
    const isNoise = createNoiseFilter();

    const kept = [
      ...SDK_NOTICE,
      EMF,
      '',
      '│   POST | http://127.0.0.1:3101/local/orders   │',
      'Server ready: http://127.0.0.1:3101',
    ].filter((line) => !isNoise(line));

    expect(kept).toEqual(['Server ready: http://127.0.0.1:3101']);
  });

  it('keeps log lines that merely mention metrics, and errors', () => {
    const isNoise = createNoiseFilter();
    const lines = ['{"level":"INFO","message":"processed","outcome":"processed"}', 'Error: boom'];

    expect(lines.filter((line) => !isNoise(line))).toEqual(lines);
  });
});

describe('formatConsoleLine()', () => {
  it('prefixes the source, padded so that lines align, plain without a TTY', () => {
    expect(formatConsoleLine('ingest-api', 'Server ready', { color: false })).toBe(
      'ingest-api     | Server ready\n',
    );
  });

  it('colours the prefix on a TTY', () => {
    expect(formatConsoleLine('order-consumer', 'x', { color: true })).toBe(
      '\u001b[32morder-consumer\u001b[0m | x\n',
    );
  });
});

describe('createConsole()', () => {
  const capture = (verbose: boolean) => {
    const stream = new PassThrough();
    let text = '';
    stream.on('data', (chunk: Buffer) => {
      text += chunk.toString('utf8');
    });
    return { console: createConsole(stream, { color: false, verbose }), text: () => text };
  };

  it('shows one prefixed line per event and leaves the noise out', () => {
    const { console, text } = capture(false);

    for (const line of [...SDK_NOTICE, EMF, 'Starting Offline SQS']) console.line('order-consumer', line);

    expect(text()).toBe('order-consumer | Starting Offline SQS\n');
  });

  it('shows everything with --verbose', () => {
    const { console, text } = capture(true);

    for (const line of [EMF, '']) console.line('order-consumer', line);

    expect(text()).toBe(`order-consumer | ${EMF}\norder-consumer | \n`);
  });
});

import { parseCommand } from '../../src/cli/args';
import { UsageError } from '../../src/errors';

describe('parseCommand()', () => {
  it('defaults to the local stage and a maximum of 3 redrives', () => {
    expect(parseCommand(['redrive', '--message-id', 'm-1'])).toEqual({
      kind: 'redrive',
      stage: 'local',
      region: undefined,
      selection: { kind: 'messageIds', messageIds: ['m-1'] },
      maxRedrives: 3,
      dryRun: false,
    });
  });

  it('finds the command after the options too', () => {
    expect(parseCommand(['--stage', 'prod', '--region', 'eu-central-1', 'show', 'm-1'])).toEqual({
      kind: 'show',
      stage: 'prod',
      region: 'eu-central-1',
      messageId: 'm-1',
      unmask: false,
    });
  });

  it('reads every list filter', () => {
    const parsed = parseCommand([
      'list',
      '--class',
      'store-not-open',
      '--store',
      '9',
      '--since',
      '2026-11-22T10:00:00Z',
      '--until',
      '2026-11-23',
      '--status',
      'ARCHIVED',
      '--json',
    ]);

    expect(parsed).toEqual(
      expect.objectContaining({
        kind: 'list',
        json: true,
        filter: {
          classification: 'store-not-open',
          storeId: 9,
          since: new Date('2026-11-22T10:00:00Z'),
          until: new Date('2026-11-23T00:00:00Z'),
          status: 'ARCHIVED',
        },
      }),
    );
  });

  it('collects repeated --message-id options', () => {
    expect(parseCommand(['redrive', '--message-id', 'a', '--message-id', 'b', '--dry-run'])).toEqual(
      expect.objectContaining({ selection: { kind: 'messageIds', messageIds: ['a', 'b'] }, dryRun: true }),
    );
  });

  it('answers help for the tool and for each command', () => {
    expect(parseCommand(['--help'])).toEqual({ kind: 'help' });
    expect(parseCommand(['redrive', '-h'])).toEqual({ kind: 'help', command: 'redrive' });
  });

  it.each([
    [[], 'missing command', undefined],
    [['purge'], 'unknown command "purge"', undefined],
    [['list', '--bogus'], "Unknown option '--bogus'", 'list'],
    [['list', '--class', 'lost'], '--class must be one of', 'list'],
    [['list', '--store', 'seven'], '--store must be an integer', 'list'],
    [['list', '--since', 'yesterday'], '--since must be an ISO 8601 time', 'list'],
    [['list', '--since', '2026-11-23', '--until', '2026-11-22'], '--since must be before --until', 'list'],
    [['list', '--status', 'LOST'], '--status must be one of', 'list'],
    [['list', 'extra'], 'list takes no arguments', 'list'],
    [['show'], 'show takes exactly one message id', 'show'],
    [['show', 'a', 'b'], 'show takes exactly one message id', 'show'],
    [['show', 'a', '--stage', ''], '--stage must not be empty', 'show'],
    [['redrive'], 'exactly one of --message-id', 'redrive'],
    [
      ['redrive', '--class', 'unparseable', '--all-retries-exhausted'],
      'exactly one of --message-id',
      'redrive',
    ],
    [
      ['redrive', '--all-retries-exhausted', '--max-redrives', 'many'],
      '--max-redrives must be an integer',
      'redrive',
    ],
    [['redrive', '--message-id'], "Option '--message-id <value>' argument missing", 'redrive'],
  ])('refuses %j: %s', (argv, message, command) => {
    let thrown: unknown;
    try {
      parseCommand(argv);
    } catch (error) {
      thrown = error;
    }

    expect(thrown).toBeInstanceOf(UsageError);
    expect((thrown as UsageError).message).toContain(message);
    expect((thrown as UsageError).command).toBe(command);
  });
});

import {
  type CommandGroup,
  capturedOutput,
  EXIT,
  groupUsageOf,
  type Program,
  parseCommandLine,
  parseOrAnswer,
  runCommand,
  UsageError,
  usageOf,
} from '../src/cli';

const recordingOutput = capturedOutput;

const OPTIONS = {
  count: { type: 'string', value: 'N', help: 'how many (default 1)' },
  loud: { type: 'boolean', short: 'l', help: 'say it louder\nand on two lines' },
} as const;

const greet: Program<typeof OPTIONS> = {
  name: 'pnpm greet',
  args: '[name]',
  maxArgs: 1,
  description: 'Greets someone.',
  options: OPTIONS,
  notes: (values) => `Exit codes: 0 greeted, 1 refused (count ${values?.count ?? 'not given'}).`,
  run: async ({ values, positionals }, output) => {
    const [name = 'world'] = positionals;
    if (name === 'nobody') throw new Error('there is nobody to greet');
    if (values.count !== undefined && !/^\d+$/.test(values.count)) {
      throw new UsageError(`--count must be a number, got "${values.count}"`);
    }
    for (let i = 0; i < Number(values.count ?? 1); i++)
      output.out(`${values.loud ? 'HELLO' : 'hello'} ${name}`);
    return EXIT.ok;
  },
};

describe('usageOf()', () => {
  it('generates the usage line, the description, every option with its help, and the notes', () => {
    expect(usageOf(greet).split('\n')).toEqual([
      'Usage: pnpm greet [name] [--count N] [--loud] [--help]',
      '',
      'Greets someone.',
      '',
      'Options:',
      '  --count N   how many (default 1)',
      '  -l, --loud  say it louder',
      '              and on two lines',
      '  -h, --help  show this help',
      '',
      'Exit codes: 0 greeted, 1 refused (count not given).',
    ]);
  });
});

describe('parseCommandLine()', () => {
  it('answers the values and positionals of a valid command line', () => {
    expect(parseCommandLine(greet, ['--count', '2', '-l', 'Ada'])).toEqual({
      help: false,
      values: { count: '2', loud: true },
      positionals: ['Ada'],
    });
  });

  it('answers help, with the values given beside it', () => {
    expect(parseCommandLine(greet, ['--count', '3', '--help'])).toEqual({
      help: true,
      values: { count: '3' },
    });
  });

  it.each([
    [['--colour'], "Unknown option '--colour'"],
    [['--count'], "Option '--count <value>' argument missing"],
    [['Ada', 'Grace'], 'pnpm greet takes at most 1 argument; got "Ada Grace"'],
  ])('refuses %j with a UsageError naming what is wrong', (argv, message) => {
    expect(() => parseCommandLine(greet, argv)).toThrow(UsageError);
    expect(() => parseCommandLine(greet, argv)).toThrow(message);
  });

  it('refuses any argument to a command that takes none', () => {
    expect(() => parseCommandLine({ ...greet, maxArgs: 0 }, ['Ada'])).toThrow(
      'pnpm greet takes no arguments; got "Ada"',
    );
  });
});

describe('runCommand()', () => {
  it('runs the command and answers its exit code, its results on out', async () => {
    const recorded = recordingOutput();

    expect(await runCommand(greet, ['--count', '2', 'Ada'], recorded.output)).toBe(0);
    expect(recorded.out()).toBe('hello Ada\nhello Ada');
    expect(recorded.err()).toBe('');
  });

  it('prints the usage for --help on out and exits 0, without running the command', async () => {
    const recorded = recordingOutput();

    expect(await runCommand(greet, ['nobody', '--help', '--count', '7'], recorded.output)).toBe(EXIT.ok);
    expect(recorded.out()).toContain('Usage: pnpm greet');
    expect(recorded.out()).toContain('(count 7)');
  });

  it('prints a usage error and the usage on err and exits 2, for parsing and for the command', async () => {
    const parsing = recordingOutput();
    const command = recordingOutput();

    expect(await runCommand(greet, ['--colour'], parsing.output)).toBe(EXIT.usage);
    expect(await runCommand(greet, ['--count', 'many'], command.output)).toBe(EXIT.usage);
    expect(parsing.err()).toMatch(/^error: Unknown option '--colour'.*\n\nUsage: pnpm greet/s);
    expect(command.err()).toMatch(/^error: --count must be a number, got "many"\n\nUsage: pnpm greet/);
    expect(parsing.out() + command.out()).toBe('');
  });

  it('prints any other failure as its message on err and exits 1', async () => {
    const recorded = recordingOutput();

    expect(await runCommand(greet, ['nobody'], recorded.output)).toBe(EXIT.failed);
    expect(recorded.err()).toBe('error: there is nobody to greet');
  });
});

describe('a command group', () => {
  const group: CommandGroup<'add' | 'list'> = {
    name: 'pnpm things',
    description: 'Keeps things.',
    options: { stage: { type: 'string', value: '<stage>', help: 'where' } },
    notes: 'Exit codes: 0 done.',
    commands: {
      add: {
        name: 'pnpm things add',
        args: '<id>',
        summary: 'adds one',
        description: 'Adds a thing.',
        options: {},
      },
      list: { name: 'pnpm things list', summary: 'lists them', description: 'Lists things.', options: {} },
    },
  };
  type Parsed = { kind: 'help'; command?: 'add' | 'list' } | { kind: 'add' | 'list' };
  const parse = (argv: readonly string[]): Parsed => {
    if (argv.includes('--help')) return { kind: 'help', command: argv[0] as 'add' };
    if (argv[0] !== 'add' && argv[0] !== 'list') throw new UsageError(`unknown command "${argv[0]}"`);
    if (argv.length > 1) throw new UsageError('too many', argv[0]);
    return { kind: argv[0] };
  };

  it('has a general usage listing each command with its summary, and a usage per command', () => {
    expect(groupUsageOf(group)).toContain('Usage: pnpm things <command> [options]');
    expect(groupUsageOf(group)).toContain('  add <id>  adds one\n  list      lists them');
    expect(groupUsageOf(group)).toContain(
      "Exit codes: 0 done.\nRun `pnpm things <command> --help` for a command's options.",
    );
    expect(groupUsageOf(group, 'add')).toMatch(/^Usage: pnpm things add <id> \[--help\]\n\nAdds a thing\./);
  });

  it('answers a parsed command, or prints help (exit 0) or a usage error with the right usage (exit 2)', () => {
    const help = recordingOutput();
    const wrong = recordingOutput();
    const wrongCommand = recordingOutput();

    expect(parseOrAnswer(['list'], parse, group, recordingOutput().output)).toEqual({ kind: 'list' });
    expect(parseOrAnswer(['add', '--help'], parse, group, help.output)).toBe(EXIT.ok);
    expect(parseOrAnswer(['frobnicate'], parse, group, wrong.output)).toBe(EXIT.usage);
    expect(parseOrAnswer(['add', '1', '2'], parse, group, wrongCommand.output)).toBe(EXIT.usage);
    expect(help.out()).toContain('Usage: pnpm things add');
    expect(wrong.err()).toContain('error: unknown command "frobnicate"\n\nUsage: pnpm things <command>');
    expect(wrongCommand.err()).toContain('error: too many\n\nUsage: pnpm things add');
  });
});

// `pnpm dlq`: parses nothing itself; runCli does, with the real clients and the console.
import { connect } from './clients';
import { consoleOutput } from './output';
import { runCli } from './run';

// STACK_FILE names another local stack's file (as for pnpm traces): the e2e suites run their own.
runCli(process.argv.slice(2), { output: consoleOutput, connect, stackFile: process.env.STACK_FILE }).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    consoleOutput.err(`error: ${String(error)}`);
    process.exitCode = 1;
  },
);

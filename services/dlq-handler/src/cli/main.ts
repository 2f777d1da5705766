// `pnpm dlq`: parses nothing itself; runCli does, with the real clients and the console.
import { consoleOutput, main } from '@order-pipeline/common/cli';
import { connect } from './clients';
import { runCli } from './run';

// STACK_FILE names another local stack's file (as for pnpm traces): the e2e suites run their own.
main(() =>
  runCli(process.argv.slice(2), { output: consoleOutput, connect, stackFile: process.env.STACK_FILE }),
);

// `pnpm dlq`: parses nothing itself; runCli does, with the real clients and the console.
import { consoleOutput, runMain } from '@order-pipeline/common/cli';
import { connect } from './clients';
import { runCli } from './run';

runMain(() => runCli(process.argv.slice(2), { output: consoleOutput, connect }));

// `pnpm dlq`: parses nothing itself; runCli does, with the real clients and the console.
import { connect } from './clients';
import { consoleOutput } from './output';
import { runCli } from './run';

runCli(process.argv.slice(2), { output: consoleOutput, connect }).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    consoleOutput.err(`error: ${String(error)}`);
    process.exitCode = 1;
  },
);

// `pnpm stores`: parses nothing itself; runStoresCli does, with the real clients and the console.
import { consoleOutput, main } from '@order-pipeline/common/cli';
import { runStoresCli } from './run';
import { connectStage } from './stage';

main(() => runStoresCli(process.argv.slice(2), { output: consoleOutput, connect: connectStage }));

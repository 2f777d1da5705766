// The frame every operator command shares (`pnpm start/stop/status/reset`, `produce`, `traces`,
// `bench`, `dlq`, `stores`): exit codes, output, usage errors, strict argument parsing, `--help`
// generated from each command's options table, the entry point, the AWS region rule and the failure
// messages. A subpath of its own (`@order-pipeline/common/cli`): no Lambda bundle imports it.

// The region rule is common/region's, the one serverless.shared.yml uses too: re-exported so a command
// takes its whole frame from one import.
export { UsageError } from '../errors';
export { DEFAULT_REGION, resolveRegion } from '../region';
export { describeFailure } from './failures';
export { capturedOutput, consoleOutput, EXIT, formatTable, type Output } from './output';
export {
  type CommandGroup,
  type CommandSpec,
  groupUsageOf,
  main,
  mainOf,
  type OptionSpec,
  type OptionsTable,
  optionLines,
  type ParsedLine,
  type Program,
  parseCommandLine,
  parseOrAnswer,
  printUsageError,
  runCommand,
  STAGE_OPTIONS,
  strictParse,
  usageOf,
  type Values,
} from './program';

/** Where a parsed command runs: `--stage` and `--region` as given. */
export interface CommandTarget {
  stage: string;
  region: string | undefined;
}

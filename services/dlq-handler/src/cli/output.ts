// The shared CLI frame's output and table (also `pnpm stores`'s).
export { consoleOutput, formatTable, type Output } from '@order-pipeline/common/cli';

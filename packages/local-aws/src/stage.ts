// Where an operator command (`pnpm dlq`, `pnpm stores`) works: the running local stack or a deployed
// stage. One rule for both commands, so they find the same stack and the same region.
import { resolveRegion } from '@order-pipeline/common/region';
import { defaultStackFile, readStackInfo, type StackInfo } from './stackFile';

export const LOCAL_STAGE = 'local';

export interface StageOptions {
  stage: string;
  region?: string | undefined;
  /** The local stack's file; STACK_FILE, else LOCAL_STACK_BASE_PORT's, else .local/stack.json. */
  stackFile?: string | undefined;
  env?: Readonly<Record<string, string | undefined>>;
}

export type Stage =
  /** The running local stack, as its stack file describes it. */
  | { kind: 'local'; stage: typeof LOCAL_STAGE; region: string; stack: StackInfo; stackFile: string }
  /** A deployed stage, reached with the AWS default credential chain; its resources named from `prefix`. */
  | { kind: 'deployed'; stage: string; region: string; prefix: string };

/**
 * `local` reads the running local stack's file (a StackFileError when there is none); any other stage
 * is a deployed one, its resources named `order-pipeline-<stage>-...` as the services name them. The
 * region: `--region`, else the local stack's, else common/region's rule (serverless.shared.yml's).
 */
export const resolveStage = async (options: StageOptions): Promise<Stage> => {
  const env = options.env ?? process.env;
  if (options.stage === LOCAL_STAGE) {
    const stackFile = options.stackFile ?? defaultStackFile(env);
    const stack = await readStackInfo(stackFile);
    const stackRegion =
      typeof stack.region === 'string' && stack.region.trim() !== '' ? stack.region : undefined;
    return {
      kind: 'local',
      stage: LOCAL_STAGE,
      region: resolveRegion(options.region ?? stackRegion, env),
      stack,
      stackFile,
    };
  }
  return {
    kind: 'deployed',
    stage: options.stage,
    region: resolveRegion(options.region, env),
    prefix: `order-pipeline-${options.stage}`,
  };
};

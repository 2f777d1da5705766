/** The region every stage deploys to unless told otherwise. */
export const DEFAULT_REGION = 'eu-west-1';

type Env = Readonly<Record<string, string | undefined>>;

// serverless passes an option it was not given as null.
const given = (value: string | null | undefined): string | undefined =>
  typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;

/**
 * The one region rule of the repository, for `sls` (serverless.shared.yml's provider.region) and for
 * `pnpm dlq` alike: an explicit `--region`, else `AWS_REGION`, else `AWS_DEFAULT_REGION` (the variables
 * the AWS CLI and SDKs read, set in CloudShell and most CI), else eu-west-1. An empty variable counts
 * as unset, as it does for the SDKs.
 */
export const resolveRegion = (option: string | null | undefined, env: Env = process.env): string =>
  given(option) ?? given(env.AWS_REGION) ?? given(env.AWS_DEFAULT_REGION) ?? DEFAULT_REGION;

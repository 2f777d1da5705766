/** An error's message, with a hint when the local stack does not answer or AWS credentials are missing. */
export const describeFailure = (
  error: Error,
  target: { stage: string; localEndpoints?: readonly string[] } | undefined,
): string => {
  const code = (error as { code?: unknown }).code;
  if (target?.localEndpoints && (code === 'ECONNREFUSED' || error.message.includes('ECONNREFUSED'))) {
    return `cannot reach the local stack (${target.localEndpoints.join(', ')}): is \`pnpm start\` still running?`;
  }
  if (error.name === 'CredentialsProviderError') {
    return `${error.message}: stage ${target?.stage ?? '?'} uses the AWS default credential chain (AWS_PROFILE, environment variables, SSO, instance role)`;
  }
  return error.message;
};

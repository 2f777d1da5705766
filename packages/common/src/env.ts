import { ConfigurationError } from './errors';

/** An environment to read from: process.env, or a plain object in a test. */
export type Env = Readonly<Record<string, string | undefined>>;

/** Reads a variable that must be set and non-empty; throws naming it otherwise. */
export const requireEnv = (name: string, env: Env = process.env): string => {
  const value = env[name];
  if (value === undefined || value.trim() === '') {
    throw new ConfigurationError(`environment variable ${name} is required`, name);
  }
  return value;
};

/** Reads an optional non-negative integer variable, with a default when it is unset. */
export const intEnv = (name: string, fallback: number, env: Env = process.env): number => {
  const raw = env[name];
  if (raw === undefined || raw.trim() === '') return fallback;
  if (!/^\d+$/.test(raw.trim())) {
    throw new ConfigurationError(
      `environment variable ${name} must be a non-negative integer, got "${raw}"`,
      name,
    );
  }
  return Number(raw);
};

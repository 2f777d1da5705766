import { ConfigurationError } from './errors';

type Env = Readonly<Record<string, string | undefined>>;

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

/** Reads a comma-separated list of positive integers, e.g. `OPEN_STORE_IDS=1,2,3`. */
export const intListEnv = (name: string, env: Env = process.env): number[] =>
  requireEnv(name, env)
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part !== '')
    .map((part) => {
      if (!/^\d+$/.test(part)) {
        throw new ConfigurationError(`environment variable ${name} must list integers, got "${part}"`, name);
      }
      return Number(part);
    });

type EnvChanges = Readonly<Record<string, string | undefined>>;

/**
 * Sets (or, for undefined, deletes) these variables of process.env and answers a function that puts
 * back exactly what was there before: call it in the matching after hook.
 */
export const setEnv = (changes: EnvChanges): (() => void) => {
  const before = Object.fromEntries(Object.keys(changes).map((name) => [name, process.env[name]]));
  const apply = (values: EnvChanges) => {
    for (const [name, value] of Object.entries(values)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  };
  apply(changes);
  return () => apply(before);
};

// The browser of the browser suite: the system's Chromium (Debian's `chromium` package), never one
// downloaded by Playwright (this network forbids it, and CI installs Debian's with apt).
import { accessSync, constants } from 'node:fs';

/** Where Debian, Ubuntu and Fedora put it; CHROMIUM_PATH names another. */
export const CHROMIUM_CANDIDATES = [
  '/usr/bin/chromium',
  '/usr/bin/chromium-browser',
  '/usr/lib/chromium/chromium',
  '/snap/bin/chromium',
] as const;

const executable = (path: string): boolean => {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
};

/**
 * The path of the Chromium to drive; throws a message saying how to install one. The suite fails on
 * it, never skips: a browser suite that passes without a browser would say nothing.
 */
export const findChromium = (
  env: Readonly<Record<string, string | undefined>> = process.env,
  isExecutable: (path: string) => boolean = executable,
): string => {
  const chosen = env.CHROMIUM_PATH;
  if (chosen !== undefined && chosen !== '') {
    if (isExecutable(chosen)) return chosen;
    throw new Error(`CHROMIUM_PATH=${chosen} is not an executable file`);
  }
  const found = CHROMIUM_CANDIDATES.find(isExecutable);
  if (found !== undefined) return found;
  throw new Error(
    `no Chromium found (looked at ${CHROMIUM_CANDIDATES.join(', ')}). The browser suite needs a system Chromium: on Debian or Ubuntu \`sudo apt-get install -y chromium\` (.ci/run does it as root), or set CHROMIUM_PATH to a Chromium or Chrome binary.`,
  );
};

/**
 * Debian's chromium, never a downloaded browser (STACK.md §6). Shared by vitest browser mode,
 * the e2e tests and the benchmarks.
 */
export const CHROMIUM_PATH = process.env.SIGNALSCOPE_CHROMIUM ?? '/usr/bin/chromium';

export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-dev-shm-usage',
];

export function chromiumLaunchOptions(extraArgs: string[] = []) {
  return { executablePath: CHROMIUM_PATH, args: [...CHROMIUM_ARGS, ...extraArgs] };
}

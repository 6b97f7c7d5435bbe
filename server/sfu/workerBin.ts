/**
 * Where the mediasoup worker built by `scripts/build-mediasoup-worker.mjs` lives, for the SFU
 * server and its tests. The same rules as the script: `$SIGNALSCOPE_CACHE` (default
 * `~/.cache/signalscope`) / `mediasoup-worker-<version>` / `mediasoup-worker`, outside
 * node_modules so that `npm ci` never wipes it. `MEDIASOUP_WORKER_BIN` wins when set.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** The file the build script leaves when it cannot build here; holds the reason. */
export const IMPOSSIBLE_MARKER = 'build-impossible.txt';

/** The installed mediasoup's version (`3.12.16`), read from node_modules. */
export function installedMediasoupVersion(): string | undefined {
  try {
    const pkg: unknown = JSON.parse(
      readFileSync(join(ROOT, 'node_modules', 'mediasoup', 'package.json'), 'utf8'),
    );
    if (typeof pkg === 'object' && pkg !== null && 'version' in pkg) {
      return typeof pkg.version === 'string' ? pkg.version : undefined;
    }
  } catch {
    // not installed
  }
  return undefined;
}

/** The cache folder of this mediasoup version's worker (built or not). */
export function workerHome(version = installedMediasoupVersion() ?? 'unknown'): string {
  const root = process.env.SIGNALSCOPE_CACHE || join(homedir(), '.cache', 'signalscope');
  return join(root, `mediasoup-worker-${version}`);
}

/**
 * True when `bin` is a mediasoup worker that starts: without MEDIASOUP_VERSION it refuses with
 * its own exit code 41, which proves the executable and all its shared libraries load.
 */
export function workerRuns(bin: string): boolean {
  if (!existsSync(bin)) return false;
  const env = { ...process.env };
  delete env.MEDIASOUP_VERSION;
  const r = spawnSync(bin, [], { env, stdio: ['ignore', 'ignore', 'pipe'], timeout: 10_000 });
  return r.status === 41 && String(r.stderr).includes('real father');
}

/**
 * The worker binary to give mediasoup, or undefined when none is built (or it does not run).
 *
 * @example
 * const bin = mediasoupWorkerBin();
 * if (bin) process.env.MEDIASOUP_WORKER_BIN = bin; // before `await import('mediasoup')`
 */
export function mediasoupWorkerBin(): string | undefined {
  const fromEnv = process.env.MEDIASOUP_WORKER_BIN;
  if (fromEnv) return workerRuns(fromEnv) ? fromEnv : undefined;
  const bin = join(workerHome(), 'mediasoup-worker');
  return workerRuns(bin) ? bin : undefined;
}

/**
 * Why the worker cannot be built on this machine, or undefined when it can (built or not):
 * the reason the build script recorded when it gave up, else a machine without apt-get and
 * without meson.
 */
export function workerBuildImpossibleReason(): string | undefined {
  const marker = join(workerHome(), IMPOSSIBLE_MARKER);
  if (existsSync(marker)) return readFileSync(marker, 'utf8').trim();
  if (process.platform !== 'linux') {
    return `the offline worker build is written for Debian/Ubuntu, not ${process.platform}`;
  }
  const has = (cmd: string) =>
    spawnSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }).status === 0;
  if (!has('apt-get') && !has('meson')) return 'neither apt-get nor meson is available';
  return undefined;
}

// Installs Debian's chromium when it is missing (the test command needs a real browser).
// Never downloads a browser build of its own: only apt-get, by package name.
import { existsSync } from 'node:fs';
import { spawnSync } from 'node:child_process';

const CHROMIUM = process.env.SIGNALSCOPE_CHROMIUM ?? '/usr/bin/chromium';

export function ensureChromium() {
  if (existsSync(CHROMIUM)) return;
  console.log(`signalscope: ${CHROMIUM} is missing; installing Debian's chromium with apt-get…`);
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  const sudo = isRoot ? [] : ['sudo', '-n'];
  const run = (args) => {
    const [cmd, ...rest] = [...sudo, ...args];
    const r = spawnSync(cmd, rest, {
      stdio: 'inherit',
      env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
    });
    return r.status === 0;
  };
  const hasApt = spawnSync('sh', ['-c', 'command -v apt-get'], { stdio: 'ignore' }).status === 0;
  if (!hasApt) {
    fail('apt-get is not available on this machine.');
  }
  if (
    !run(['apt-get', 'update']) ||
    !run(['apt-get', 'install', '-y', 'chromium', 'fonts-liberation'])
  ) {
    fail(
      isRoot
        ? 'apt-get could not install the packages chromium and fonts-liberation.'
        : 'apt-get needs root (tried `sudo -n`).',
    );
  }
  if (!existsSync(CHROMIUM)) fail(`apt-get finished but ${CHROMIUM} is still missing.`);
}

export class ChromiumMissing extends Error {}

function fail(why) {
  throw new ChromiumMissing(
    `signalscope tests need Chromium at ${CHROMIUM} and could not install it: ${why}\n` +
      'Install it yourself (Debian/Ubuntu: `sudo apt-get install chromium fonts-liberation`) ' +
      'or point SIGNALSCOPE_CHROMIUM at a Chromium binary, then run `npm test` again.',
  );
}

if (import.meta.url === `file://${process.argv[1]}`) {
  try {
    ensureChromium();
  } catch (error) {
    if (!(error instanceof ChromiumMissing)) throw error;
    console.error(error.message);
    process.exit(1);
  }
}

// The project's commands are TypeScript run by Node's type stripping (Node >= 22.18). On an
// older Node, `needNode22` re-runs the calling script under the Node 22 that `npm install` put
// in node_modules/.bin and exits with its status; without one it says what to do and exits 2.
import { existsSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/**
 * @param {string} scriptUrl the caller's `import.meta.url`
 * @param {string} what the command's name, for the message
 */
export function needNode22(scriptUrl, what) {
  const [major, minor] = process.versions.node.split('.').map(Number);
  if (major > 22 || (major === 22 && minor >= 18)) return;
  const local = fileURLToPath(new URL('../node_modules/.bin/node', import.meta.url));
  if (existsSync(local) && process.env.SIGNALSCOPE_REEXEC !== '1') {
    const r = spawnSync(local, [fileURLToPath(scriptUrl), ...process.argv.slice(2)], {
      stdio: 'inherit',
      env: { ...process.env, SIGNALSCOPE_REEXEC: '1' },
    });
    process.exit(r.status ?? 1);
  }
  console.error(
    `${what} needs Node >= 22.18 (this is ${process.versions.node}). Run \`npm install\` in the checkout, or install Node 22.`,
  );
  process.exit(2);
}

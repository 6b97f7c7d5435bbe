#!/usr/bin/env node
// `npm run demo-server`: the demo room server. It is TypeScript run by Node's type stripping
// (Node >= 22.18); on an older Node, re-run under the Node 22 that `npm install` put in
// node_modules/.bin.
import { existsSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const [major, minor] = process.versions.node.split('.').map(Number);
const modern = major > 22 || (major === 22 && minor >= 18);
if (!modern) {
  const local = fileURLToPath(new URL('../../node_modules/.bin/node', import.meta.url));
  if (existsSync(local) && process.env.SIGNALSCOPE_REEXEC !== '1') {
    const r = spawnSync(local, [fileURLToPath(import.meta.url), ...process.argv.slice(2)], {
      stdio: 'inherit',
      env: { ...process.env, SIGNALSCOPE_REEXEC: '1' },
    });
    process.exit(r.status ?? 1);
  }
  console.error(
    `the demo server needs Node >= 22.18 (this is ${process.versions.node}). Run \`npm install\` in the checkout, or install Node 22.`,
  );
  process.exit(2);
}
const { main } = await import('./main.ts');
process.exitCode = await main(process.argv.slice(2), {
  stdout: (s) => process.stdout.write(s),
  stderr: (s) => process.stderr.write(s),
});

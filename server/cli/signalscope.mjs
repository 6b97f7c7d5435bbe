#!/usr/bin/env node
// The `signalscope` command. TypeScript run by Node's type stripping (server/node22.mjs).
import { needNode22 } from '../node22.mjs';

needNode22(import.meta.url, 'signalscope');
const { main } = await import('./main.ts');
process.exitCode = await main(process.argv.slice(2), {
  stdout: (s) => process.stdout.write(s),
  stderr: (s) => process.stderr.write(s),
});

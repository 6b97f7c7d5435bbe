#!/usr/bin/env node
// `npm run proxy -- --target wss://host:port`: the recording proxy. TypeScript run by Node's type stripping (server/node22.mjs).
import { needNode22 } from '../node22.mjs';

needNode22(import.meta.url, 'signalscope proxy');
const { main } = await import('./main.ts');
const stop = new Promise((resolve) => {
  process.once('SIGINT', resolve);
  process.once('SIGTERM', resolve);
});
process.exitCode = await main(
  process.argv.slice(2),
  {
    stdout: (s) => process.stdout.write(s),
    stderr: (s) => process.stderr.write(s),
  },
  stop,
);

// `npm start`: the demo room server (port 4443, or the next free one) and then Vite's dev
// server, which gets the demo room's URL as VITE_SIGNALSCOPE_DEMO_URL. Both stop together:
// Ctrl-C stops both, and when one of them ends the other is stopped.
// Arguments after `npm start --` go to Vite.
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const FIRST_PORT = 4443;
const TRIES = 20;
const demoServer = fileURLToPath(new URL('../server/demo/demo-server.mjs', import.meta.url));
const vite = fileURLToPath(new URL('../node_modules/vite/bin/vite.js', import.meta.url));

function isFree(port) {
  return new Promise((resolve) => {
    const probe = createServer();
    probe.once('error', () => resolve(false));
    probe.listen(port, '127.0.0.1', () => probe.close(() => resolve(true)));
  });
}

async function freePort() {
  for (let port = FIRST_PORT; port < FIRST_PORT + TRIES; port++) {
    if (await isFree(port)) return port;
  }
  throw new Error(`no free port from ${FIRST_PORT} to ${FIRST_PORT + TRIES - 1}`);
}

const children = new Set();
let stopping = false;
let exitCode = 0;

function stopAll(code) {
  if (!stopping) exitCode = code;
  stopping = true;
  for (const child of children) if (child.exitCode === null) child.kill('SIGTERM');
  if (children.size === 0) process.exit(exitCode);
}

function track(name, child) {
  children.add(child);
  child.on('exit', (code, signal) => {
    children.delete(child);
    if (!stopping) {
      console.error(
        `signalscope: ${name} stopped (${signal ?? `exit ${code}`}); stopping the rest`,
      );
      stopAll(code === 0 || code === null ? 1 : code);
    } else if (children.size === 0) {
      process.exit(exitCode);
    }
  });
  return child;
}

for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, () => stopAll(0));

const port = await freePort();
const demo = track(
  'demo server',
  spawn(process.execPath, [demoServer, '--port', String(port), '--quiet'], {
    stdio: ['ignore', 'pipe', 'inherit'],
  }),
);

// Wait for the banner: its first line is the demo room's URL.
const ready = await new Promise((resolve) => {
  let seen = false;
  const lines = createInterface({ input: demo.stdout });
  lines.on('line', (line) => {
    process.stdout.write(`[demo server] ${line}\n`);
    if (!seen && line.startsWith('demo room:')) {
      seen = true;
      resolve(true);
    }
  });
  demo.once('exit', () => resolve(false));
});
if (!ready || stopping) stopAll(1);
else {
  const demoUrl = `ws://127.0.0.1:${port}/?roomId=demo`;
  console.log(`[signalscope] demo room at ${demoUrl}`);
  track(
    'vite',
    spawn(process.execPath, [vite, ...process.argv.slice(2)], {
      stdio: 'inherit',
      env: { ...process.env, VITE_SIGNALSCOPE_DEMO_URL: demoUrl },
    }),
  );
}

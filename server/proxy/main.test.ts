/**
 * The proxy's command line: flags said plainly, the startup message, and the launcher run as
 * its own process, killed mid-session: the capture file keeps everything recorded so far.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import protooClient from 'protoo-client';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readCaptureText } from '../../src/session/capture.ts';
import { defaultOut, main, parseArgs } from './main.ts';
import { startProtooServer } from './testServers.ts';

const cleanups: (() => Promise<void> | void)[] = [];
let dir = '';
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'sscap-cli-'));
});
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
  rmSync(dir, { recursive: true, force: true });
});

function io() {
  const out: string[] = [];
  const err: string[] = [];
  return {
    io: { stdout: (s: string) => out.push(s), stderr: (s: string) => err.push(s) },
    out: () => out.join(''),
    err: () => err.join(''),
  };
}

describe('proxy flags', () => {
  const now = new Date('2026-03-04T05:06:07.890Z');

  it('reads --target, --listen, --insecure, --out (also as --flag=value)', () => {
    expect(parseArgs(['--target', 'wss://127.0.0.1:4443', '--insecure'], now)).toEqual({
      target: 'wss://127.0.0.1:4443',
      listen: '127.0.0.1:4444',
      insecure: true,
      out: 'proxy-2026-03-04T05-06-07.sscap.jsonl',
    });
    expect(parseArgs(['--target=ws://h:1/', '--listen=[::1]:9', '--out', 'x.jsonl'], now)).toEqual({
      target: 'ws://h:1/',
      listen: '[::1]:9',
      insecure: false,
      out: 'x.jsonl',
    });
    expect(defaultOut(now)).toBe('proxy-2026-03-04T05-06-07.sscap.jsonl');
    expect(parseArgs(['--help'])).toBeUndefined();
  });

  it.each([
    [[], '--target is required: the real server, like wss://127.0.0.1:4443'],
    [['--target'], '--target needs a value'],
    [
      ['--target', 'https://h'],
      '--target must be a ws:// or wss:// URL (found https://…): clients speak WebSocket to it',
    ],
    [
      ['--target', 'not a url'],
      '--target expects a ws:// or wss:// URL, like wss://127.0.0.1:4443 (found "not a url")',
    ],
    [
      ['--target', 'ws://h', '--listen', '0.0.0.0:4444'],
      /only listens on this machine .* not 0\.0\.0\.0/,
    ],
    [['--target', 'ws://h', '--listen', '192.168.1.2:4444'], /not 192\.168\.1\.2/],
    [
      ['--target', 'ws://h', '--listen', '4444'],
      '--listen expects host:port, like 127.0.0.1:4444 (found "4444")',
    ],
    [
      ['--target', 'ws://h', '--listen', '127.0.0.1:70000'],
      '--listen: port 70000 is not a port (0–65535)',
    ],
    [['--target', 'ws://h', '--verbose'], 'unknown flag --verbose (see --help)'],
    [
      ['--target', 'ws://h', 'extra'],
      'unexpected argument "extra": flags are --target, --listen, --insecure, --out',
    ],
    [['--target', 'ws://h', '--insecure=yes'], '--insecure takes no value'],
  ])('refuses %j plainly', (argv, message) => {
    expect(() => parseArgs(argv)).toThrow(message);
  });

  it('main() prints the error and the usage for bad flags, exit 2', async () => {
    const o = io();
    expect(
      await main(['--listen', '10.0.0.1:1', '--target', 'ws://h'], o.io, Promise.resolve()),
    ).toBe(2);
    expect(o.err()).toMatch(/^signalscope proxy: --listen: the proxy only listens on this machine/);
    expect(o.err()).toContain('Usage:');
    expect(o.out()).toBe('');
  });

  it('main() refuses to overwrite a capture, exit 2', async () => {
    const out = join(dir, 'kept.sscap.jsonl');
    writeFileSync(out, 'precious\n');
    const o = io();
    const status = await main(
      ['--target', 'ws://127.0.0.1:1', '--listen', '127.0.0.1:0', '--out', out],
      o.io,
      Promise.resolve(),
    );
    expect(status).toBe(2);
    expect(o.err()).toBe(
      `signalscope proxy: --out: ${out} already exists; the proxy never overwrites a capture\n`,
    );
    expect(readFileSync(out, 'utf8')).toBe('precious\n');
  });

  it('main() says where to point clients, the tap, the app URL and the file; stops when told', async () => {
    const out = join(dir, 'run.sscap.jsonl');
    const o = io();
    let stop = (): void => undefined;
    const stopped = new Promise<void>((resolve) => {
      stop = resolve;
    });
    const running = main(
      ['--target', 'ws://127.0.0.1:1', '--listen', '127.0.0.1:0', '--out', out],
      o.io,
      stopped,
    );
    await expect.poll(() => o.out()).toContain('recording to');
    const text = o.out();
    const url = /point clients at\s+(ws:\/\/127\.0\.0\.1:\d+)/.exec(text)?.[1] ?? '';
    expect(url).not.toBe('');
    expect(text).toContain(`live tap           ${url}/__signalscope/tap`);
    expect(text).toContain(
      `open in the app    http://127.0.0.1:5173/?tap=${encodeURIComponent(`${url}/__signalscope/tap`)}`,
    );
    expect(text).toContain(`recording to       ${out}`);
    stop();
    expect(await running).toBe(0);
    expect(o.out()).toContain(`signalscope proxy stopped: 0 events recorded in ${out}`);
    expect(readCaptureText(readFileSync(out, 'utf8')).header?.source).toEqual({
      kind: 'proxy',
      target: 'ws://127.0.0.1:1/',
      listen: url.slice('ws://'.length),
    });
  });
});

describe('npm run proxy (server/proxy/proxy.mjs) as a process', () => {
  it('leaves a whole, readable capture when the proxy itself is killed mid-session', async () => {
    const server = await startProtooServer();
    cleanups.push(() => server.stop());
    const out = join(dir, 'crash.sscap.jsonl');
    const launcher = fileURLToPath(new URL('./proxy.mjs', import.meta.url));
    const child = spawn(
      process.execPath,
      [launcher, '--target', server.url, '--listen', '127.0.0.1:0', '--out', out],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    cleanups.push(() => {
      child.kill('SIGKILL');
    });
    let stdout = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    await expect.poll(() => stdout + stderr, { timeout: 10_000 }).toContain('recording to');
    const url = /point clients at\s+(ws:\/\/\S+)/.exec(stdout)?.[1] ?? '';

    const peer = new protooClient.Peer(
      new protooClient.WebSocketTransport(`${url}/?roomId=r&peerId=crash`, {
        retry: { retries: 0 },
      }),
    );
    cleanups.push(() => {
      peer.close();
    });
    await new Promise<void>((resolve) => peer.on('open', resolve));
    expect(await peer.request('one', { ü: 1 })).toEqual({ echo: { ü: 1 } });
    expect(await peer.request('two')).toEqual({ echo: {} });

    child.kill('SIGKILL');
    await new Promise((r) => child.once('exit', r));
    expect(existsSync(out)).toBe(true);
    const text = readFileSync(out, 'utf8');
    const result = readCaptureText(text);
    expect(result.errors).toEqual([]);
    expect(text.endsWith('\n')).toBe(true);
    const events = [...result.log.events()];
    expect(events.map((e) => e.type)).toEqual([
      'ws.open',
      'ws.frame',
      'ws.frame',
      'ws.frame',
      'ws.frame',
    ]);
    expect(server.peers[0]?.received).toEqual(
      events
        .filter((e) => e.type === 'ws.frame' && e.dir === 'out')
        .map((e) => (e.type === 'ws.frame' ? e.text : '')),
    );
    expect(server.peers[0]?.sent).toEqual(
      events
        .filter((e) => e.type === 'ws.frame' && e.dir === 'in')
        .map((e) => (e.type === 'ws.frame' ? e.text : '')),
    );
  }, 20_000);
});

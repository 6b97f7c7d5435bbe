/**
 * The proxy's tap, read by the app's tap source (src/sources/tap.ts) while real protoo
 * clients talk to a real protoo-server through the proxy.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import protooClient from 'protoo-client';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { WebSocket as WsClient, WebSocketServer } from 'ws';
import { eventToLine, type CaptureHeader } from '../../src/session/capture.ts';
import { SessionLog } from '../../src/session/SessionLog.ts';
import { connectTap, type TapStatus } from '../../src/sources/tap.ts';
import { startProxy, type RunningProxy } from './proxy.ts';
import { TAP_TOO_SLOW } from './tapServer.ts';
import { startProtooServer } from './testServers.ts';

const cleanups: (() => Promise<void> | void)[] = [];
let dir = '';
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'sscap-tap-'));
});
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
  rmSync(dir, { recursive: true, force: true });
});

async function setup(tap?: Parameters<typeof startProxy>[0]['tap']): Promise<RunningProxy> {
  const server = await startProtooServer();
  cleanups.push(() => server.stop());
  const proxy = await startProxy({
    target: server.url,
    listen: '127.0.0.1:0',
    out: join(dir, 'cap.sscap.jsonl'),
    ...(tap === undefined ? {} : { tap }),
  });
  cleanups.push(() => proxy.close());
  return proxy;
}

function tapInto(url: string) {
  const log = new SessionLog();
  const headers: CaptureHeader[] = [];
  const statuses: TapStatus[] = [];
  const tap = connectTap(url, {
    log,
    onHeader: (h) => headers.push(h),
    onStatus: (s) => statuses.push(s),
    retryDelayMs: 50,
  });
  cleanups.push(() => {
    tap.close();
  });
  return { log, headers, statuses, tap };
}

async function session(proxy: RunningProxy, peerId: string): Promise<void> {
  const peer = new protooClient.Peer(
    new protooClient.WebSocketTransport(`${proxy.url}/?roomId=r&peerId=${peerId}`, {
      retry: { retries: 0 },
    }),
  );
  await new Promise<void>((resolve) => peer.on('open', resolve));
  await peer.request('hello', { from: peerId, text: 'ça va ✓' });
  await peer.notify('ping', { from: peerId });
  await peer.request('notifyMe');
  peer.close();
}

/** open, 3 × (out, in), the `told` notification, close. */
const PER_SESSION = 9;

/** The file's event lines (without the header). */
function fileLines(proxy: RunningProxy): string[] {
  const lines = readFileSync(proxy.capturePath ?? '', 'utf8').split('\n');
  expect(lines.pop()).toBe('');
  return lines;
}

function linesOf(log: SessionLog): string[] {
  return [...log.events()].map(eventToLine);
}

describe('the proxy tap', () => {
  it('streams every event live to connectTap: the log equals the file, line for line; two taps at once', async () => {
    const proxy = await setup();
    const a = tapInto(proxy.tapUrl);
    const b = tapInto(proxy.tapUrl);
    await expect.poll(() => a.statuses.at(-1)?.state).toBe('open');
    await expect.poll(() => b.statuses.at(-1)?.state).toBe('open');
    await Promise.all([session(proxy, 'one'), session(proxy, 'two')]);
    await expect.poll(() => proxy.capture.log.length).toBe(2 * PER_SESSION);

    const file = fileLines(proxy);
    expect(file[0]).toBe(proxy.capture.headerLine);
    const events = file.slice(1);
    await expect.poll(() => a.log.length).toBe(events.length);
    await expect.poll(() => b.log.length).toBe(events.length);
    expect(linesOf(a.log)).toEqual(events);
    expect(linesOf(b.log)).toEqual(events);
    expect(a.headers).toEqual([proxy.capture.header]);
    expect(a.tap.problems()).toEqual([]);
    expect(new Set(a.log.connections())).toEqual(new Set(['c1', 'c2']));
  });

  it('gives a late tap the whole history, then what happens next', async () => {
    const proxy = await setup();
    await session(proxy, 'early');
    await expect.poll(() => proxy.capture.log.length).toBe(PER_SESSION);
    const late = tapInto(proxy.tapUrl);
    await expect.poll(() => late.log.length).toBe(PER_SESSION);
    await session(proxy, 'later');
    await expect.poll(() => late.log.length).toBe(2 * PER_SESSION);
    expect(linesOf(late.log)).toEqual(fileLines(proxy).slice(1));
    expect(late.log.connections()).toEqual(['c1', 'c2']);
  });

  it('sends exactly the lines of the file, one per text frame, header first', async () => {
    const proxy = await setup();
    await session(proxy, 'raw');
    await expect.poll(() => proxy.capture.log.length).toBe(PER_SESSION);
    const raw = new WsClient(proxy.tapUrl);
    const got: string[] = [];
    raw.on('message', (data, binary) => {
      expect(binary).toBe(false);
      got.push(Buffer.from(data as Buffer).toString('utf8'));
    });
    cleanups.push(() => {
      raw.close();
    });
    await expect.poll(() => got.length).toBe(1 + PER_SESSION);
    expect(got).toEqual(
      readFileSync(proxy.capturePath ?? '', 'utf8')
        .split('\n')
        .slice(0, -1),
    );
  });

  it('closes a tap that stops reading (1013, said why) without slowing the clients; the tap source reconnects and catches up', async () => {
    const echo = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    cleanups.push(
      () =>
        new Promise<void>((r) => {
          echo.close(() => {
            r();
          });
        }),
    );
    echo.on('connection', (s) =>
      s.on('message', (data, binary) => {
        s.send(data as Buffer, { binary });
      }),
    );
    await new Promise((r) => echo.once('listening', r));
    const proxy = await startProxy({
      target: `ws://127.0.0.1:${String((echo.address() as AddressInfo).port)}`,
      listen: '127.0.0.1:0',
      tap: { highWaterBytes: 16 * 1024, maxLag: 40, closeGraceMs: 5000 },
    });
    cleanups.push(() => proxy.close());

    const stuck = new WsClient(proxy.tapUrl);
    await new Promise((r) => stuck.once('open', r));
    stuck.pause();
    const closed = new Promise<{ code: number; reason: string }>((resolve) =>
      stuck.once('close', (code, reason) => {
        resolve({ code, reason: reason.toString() });
      }),
    );
    const source = tapInto(proxy.tapUrl);

    // 200 frames of 100 kB each way: far more than the kernel buffers a stuck reader.
    const client = new WsClient(`${proxy.url}/`);
    cleanups.push(() => {
      client.close();
    });
    await new Promise((r) => client.once('open', r));
    let echoed = 0;
    client.on('message', () => echoed++);
    const chunk = 'x'.repeat(100_000);
    for (let k = 0; k < 200; k++) client.send(`${String(k)} ${chunk}`);
    await expect.poll(() => echoed, { timeout: 10_000 }).toBe(200);

    // The stuck tap is gone while it still reads nothing; the tap source may be too, for a while.
    await expect.poll(() => proxy.taps()).toBeLessThanOrEqual(1);
    stuck.resume();
    const end = await closed;
    expect(end.code).toBe(TAP_TOO_SLOW);
    expect(end.reason).toMatch(/^tap too slow: \d+ lines behind/);
    // The tap source kept up (or reconnected and replayed): it has every event, once.
    await expect.poll(() => source.log.length, { timeout: 10_000 }).toBe(proxy.capture.log.length);
    expect(linesOf(source.log)).toEqual([...proxy.capture.log.events()].map(eventToLine));
  });
});

/**
 * connectTap against a tap whose every line the test writes (a `ws` server on 127.0.0.1),
 * through Node's own WebSocket, as the app in a browser would use its own.
 */
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocketServer, type WebSocket as ServerSocket } from 'ws';
import { eventToLine, headerToLine, newHeader } from '../session/capture.ts';
import type { SessionEvent } from '../session/events.ts';
import { SessionLog } from '../session/SessionLog.ts';
import { connectTap, type TapStatus } from './tap.ts';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

const header = newHeader(
  { kind: 'proxy', target: 'ws://127.0.0.1:1/' },
  new Date('2026-01-02T03:04:05.000Z'),
);
const HEADER = headerToLine(header);

function frame(seq: number, text = `{"n":${String(seq)}}`): SessionEvent {
  return { seq, t: seq * 10, type: 'ws.frame', conn: 'c1', dir: seq % 2 ? 'in' : 'out', text };
}
const open: SessionEvent = {
  seq: 0,
  t: 0,
  type: 'ws.open',
  conn: 'c1',
  url: 'ws://h/?peerId=p',
  protocol: 'protoo',
};
const lines = (events: SessionEvent[]) => events.map(eventToLine);

/** A tap server; `script(k)` gives what connection k (0-based) is sent. */
async function fakeTap(
  script: (k: number, socket: ServerSocket) => void,
): Promise<{ url: string; connections: () => number }> {
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  let count = 0;
  wss.on('connection', (socket) => {
    script(count++, socket);
  });
  await new Promise((r) => wss.once('listening', r));
  cleanups.push(
    () =>
      new Promise<void>((r) => {
        for (const c of wss.clients) c.terminate();
        wss.close(() => {
          r();
        });
      }),
  );
  return {
    url: `ws://127.0.0.1:${String((wss.address() as AddressInfo).port)}/__signalscope/tap`,
    connections: () => count,
  };
}

function tap(url: string, extra: Partial<Parameters<typeof connectTap>[1]> = {}) {
  const log = new SessionLog();
  const statuses: TapStatus[] = [];
  const handle = connectTap(url, {
    log,
    onStatus: (s) => statuses.push(s),
    retryDelayMs: 30,
    ...extra,
  });
  cleanups.push(() => {
    handle.close();
  });
  return { log, statuses, handle, states: () => statuses.map((s) => s.state) };
}

describe('connectTap()', () => {
  it('appends each event of the tap to the log with its own seq, and reports the header', async () => {
    const events = [open, frame(1), frame(3), frame(4, 'not json at all ✓')];
    const server = await fakeTap((_k, s) => {
      s.send(HEADER);
      for (const l of lines(events)) s.send(l);
    });
    const headers: unknown[] = [];
    const t = tap(server.url, { onHeader: (h) => headers.push(h) });
    await expect.poll(() => t.log.length).toBe(4);
    expect([...t.log.events()]).toEqual(events);
    expect(t.log.seq(2)).toBe(3);
    expect(headers).toEqual([header]);
    expect(t.handle.header()).toEqual(header);
    expect(t.states().slice(0, 2)).toEqual(['connecting', 'open']);
    expect(t.handle.status()).toMatchObject({ state: 'open', events: 4, problems: 0, attempt: 1 });
  });

  it('reports every line it cannot read, naming line and field, and keeps reading', async () => {
    const server = await fakeTap((_k, s) => {
      s.send(HEADER); // line 1
      s.send(eventToLine(open)); // 2
      s.send('{"seq":1,"t":1,"type":"ws.frame","conn":"c1","dir":"up","text":"x"}'); // 3
      s.send('{"seq":2,'); // 4
      s.send(''); // 5
      s.send(Buffer.from([1, 2, 3]), { binary: true }); // 6
      s.send(eventToLine(frame(5))); // 7
      s.send(eventToLine(frame(4))); // 8: seq goes back
      s.send(`${eventToLine(frame(6))}\n${eventToLine(frame(7))}\n`); // 9 and 10
    });
    const problems: string[] = [];
    const t = tap(server.url, {
      onProblem: (p) => problems.push(`${p.error.message} | ${p.text}`),
    });
    await expect.poll(() => t.log.length).toBe(4);
    expect([...t.log.events()].map((e) => e.seq)).toEqual([0, 5, 6, 7]);
    expect(problems).toHaveLength(5);
    expect(problems[0]).toBe(
      'line 3, field dir: expected "in" or "out", found "up" | {"seq":1,"t":1,"type":"ws.frame","conn":"c1","dir":"up","text":"x"}',
    );
    expect(problems[1]).toMatch(/^line 4: not JSON \(.+\) \| \{"seq":2,$/);
    expect(problems[2]).toBe('line 5: empty line: expected one JSON object per line | ');
    expect(problems[3]).toBe(
      'line 6: expected a text frame with one capture line, found a binary frame | (binary frame)',
    );
    expect(problems[4]).toMatch(/^line 8, field seq: expected an integer greater than 5/);
    expect(t.handle.problems().map((p) => p.error.line)).toEqual([3, 4, 5, 6, 8]);
    expect(t.handle.status().problems).toBe(5);
  });

  it('reconnects after the tap closed and skips the replayed events the log already has', async () => {
    const all = [open, frame(1), frame(2), frame(3), frame(4), frame(5)];
    const server = await fakeTap((k, s) => {
      s.send(HEADER);
      if (k === 0) {
        for (const l of lines(all.slice(0, 3))) s.send(l);
        s.close(1013, 'tap too slow: 99 lines behind after 3 events; reconnect to replay');
      } else {
        for (const l of lines(all)) s.send(l);
      }
    });
    const t = tap(server.url);
    await expect.poll(() => t.log.length).toBe(6);
    expect([...t.log.events()]).toEqual(all);
    expect(server.connections()).toBe(2);
    const waiting = t.statuses.find((s) => s.state === 'waiting');
    expect(waiting).toMatchObject({
      code: 1013,
      reason:
        'closed by the proxy (1013: tap too slow: 99 lines behind after 3 events; reconnect to replay)',
      retryInMs: 30,
      events: 3,
    });
    expect(t.handle.status()).toMatchObject({ state: 'open', attempt: 2, events: 6, problems: 0 });
  });

  it('stops when the tap sends another capture after a reconnect (the proxy restarted)', async () => {
    const restarted = headerToLine(
      newHeader(
        { kind: 'proxy', target: 'ws://127.0.0.1:1/' },
        new Date('2026-01-02T04:00:00.000Z'),
      ),
    );
    const server = await fakeTap((k, s) => {
      s.send(k === 0 ? HEADER : restarted);
      s.send(eventToLine(open));
      if (k === 0) s.close(1001, 'the signalscope proxy stopped');
    });
    const t = tap(server.url);
    await expect.poll(() => t.handle.status().state).toBe('stopped');
    expect(t.handle.status().reason).toMatch(
      /another capture \(started 2026-01-02T04:00:00.000Z.*restarted/,
    );
    expect(t.log.length).toBe(1);
    await new Promise((r) => setTimeout(r, 100));
    expect(server.connections()).toBe(2);
  });

  it('close() and an aborted signal end it for good: no reconnect', async () => {
    const server = await fakeTap((_k, s) => {
      s.send(HEADER);
    });
    const t = tap(server.url);
    await expect.poll(() => t.handle.status().state).toBe('open');
    t.handle.close();
    expect(t.handle.status()).toMatchObject({ state: 'stopped', reason: 'closed' });

    const controller = new AbortController();
    const u = tap(server.url, { signal: controller.signal });
    await expect.poll(() => u.handle.status().state).toBe('open');
    controller.abort();
    expect(u.handle.status().state).toBe('stopped');
    await new Promise((r) => setTimeout(r, 150));
    expect(server.connections()).toBe(2);
    expect(t.states().at(-1)).toBe('stopped');
  });

  it('retries a tap it cannot reach, with growing delays, and gives up after maxAttempts', async () => {
    const server = await fakeTap(() => undefined);
    const url = server.url;
    await cleanups.pop()?.();
    const t = tap(url, { maxAttempts: 3, retryDelayMs: 20 });
    await expect.poll(() => t.handle.status().state, { timeout: 3000 }).toBe('stopped');
    expect(t.statuses.filter((s) => s.state === 'waiting').map((s) => s.retryInMs)).toEqual([
      20, 40,
    ]);
    expect(t.handle.status()).toMatchObject({
      attempt: 3,
      reason: `cannot connect to the tap at ${url}; gave up after 3 attempts`,
    });
  });
});

/**
 * The live source against an msw WebSocket mock of a mediasoup-demo room (the way stories and
 * the no-server demo mode will talk to it): protoo-client's socket is intercepted through the
 * project's `websocket` shim, and every frame the mock sends or receives is in the log.
 */
import { ws } from 'msw';
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import { SessionLog } from '../../session/SessionLog.ts';
import { startLive, type LiveSource } from './liveSource.ts';
import { observerRole } from './roles.ts';

const room = ws.link('ws://room.test/*');
const seenByMock: { dir: 'in' | 'out'; text: string }[] = [];

const server = setupServer(
  room.addEventListener('connection', ({ client }) => {
    const send = (message: unknown) => {
      const text = JSON.stringify(message);
      seenByMock.push({ dir: 'in', text });
      client.send(text);
    };
    send({ notification: true, method: 'mediasoupVersion', data: { version: '3.15.0' } });
    client.addEventListener('message', (event) => {
      const text = typeof event.data === 'string' ? event.data : '(binary)';
      seenByMock.push({ dir: 'out', text });
      const m = JSON.parse(text) as { request?: boolean; id: number; method: string };
      if (!m.request) return;
      if (m.method === 'getRouterRtpCapabilities') {
        send({
          response: true,
          id: m.id,
          ok: true,
          data: { routerRtpCapabilities: { codecs: [] } },
        });
      } else if (m.method === 'join') {
        send({
          response: true,
          id: m.id,
          ok: true,
          data: { peers: [{ peerId: 'alice', displayName: '<img src=x onerror=alert(1)>' }] },
        });
        send({ notification: true, method: 'newPeer', data: { peer: { peerId: 'bob' } } });
      } else {
        send({
          response: true,
          id: m.id,
          errorCode: 500,
          errorReason: `unknown request method '${m.method}'`,
        });
      }
    });
  }),
);

beforeAll(() => {
  server.listen();
});
afterAll(() => {
  server.close();
});
let source: LiveSource | undefined;
afterEach(() => {
  source?.close();
});

async function until(check: () => boolean, what: string): Promise<void> {
  const end = Date.now() + 3000;
  while (!check()) {
    if (Date.now() > end)
      throw new Error(
        `timed out waiting for ${what}: ${JSON.stringify(source?.status())} ${JSON.stringify(seenByMock)}`,
      );
    await new Promise((r) => setTimeout(r, 10));
  }
}

it('joins a mocked new-dialect room as observer and records every frame of the mock', async () => {
  const log = new SessionLog();
  source = startLive({
    url: 'ws://room.test/?roomId=r&peerId=p',
    log,
    mode: 'observer',
    role: observerRole(),
  });
  const s = source;
  await until(() => /2 other peers/.test(JSON.stringify(s.status())), 'joined with two peers');
  expect(s.status()).toMatchObject({
    phase: 'open',
    role: 'observer: joined (new dialect), 2 other peers',
  });
  const answer = await s.request('getProducerStats', { producerId: 'x' });
  expect(answer).toEqual({
    ok: false,
    error: "unknown request method 'getProducerStats'",
    code: 500,
  });
  const frames: { dir: string; text: string }[] = [];
  for (let i = 0; i < log.length; i++) {
    const e = log.get(i);
    if (e.type === 'ws.frame') frames.push({ dir: e.dir, text: e.text ?? '' });
  }
  // Each direction in the order it crossed (the mock's notification sent at connection
  // reaches the client after its first request went out).
  for (const dir of ['in', 'out'] as const) {
    expect(frames.filter((f) => f.dir === dir)).toEqual(seenByMock.filter((f) => f.dir === dir));
  }
  expect(frames).toHaveLength(8);
  expect(log.get(0)).toMatchObject({
    type: 'ws.open',
    conn: 'live-1',
    url: 'ws://room.test/?roomId=r&peerId=p',
  });
});

/**
 * The live source with a real protoo-client against a real protoo-server on 127.0.0.1: what
 * crossed the socket is in the log exactly as each side sent it, the modes do what they say
 * (raw answers nothing, the observer joins without capabilities, the participant joins with a
 * real mediasoup-client Device on its FakeHandler, produces and consumes), and each connection
 * problem gets its status and plain-words explanation.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { Device } from 'mediasoup-client';
import { FakeHandler } from 'mediasoup-client/handlers/FakeHandler';
import * as fakeParameters from 'mediasoup-client/fakeParameters';
import { FakeMediaStreamTrack } from 'fake-mediastreamtrack';
import protooServer, { type Peer as ServerPeer } from 'protoo-server';
import { afterEach, describe, expect, it } from 'vitest';
import { SessionLog } from '../../session/SessionLog.ts';
import type { SessionEvent } from '../../session/events.ts';
import { startLive, withPeerId, type LiveSource, type LiveStatus } from './liveSource.ts';
import { participantRole } from './participant.ts';
import { observerRole } from './roles.ts';

type Handler = (
  peer: ServerPeer,
  request: { method: string; data: Record<string, unknown> },
) => unknown;

interface Server1 {
  readonly url: (query?: string) => string;
  readonly peers: ServerPeer[];
  /** Every frame the server sent and received, in order, as text. */
  readonly wire: { dir: 'in' | 'out'; text: string }[];
  stop(): Promise<void>;
  dropSockets(): void;
}

/** A scripted protoo-server: `handle` answers requests (a thrown error becomes 500). */
async function startServer(handle: Handler, onPeer?: (peer: ServerPeer) => void): Promise<Server1> {
  const http: Server = createServer();
  const sockets = new Set<Socket>();
  http.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  const ws = new protooServer.WebSocketServer(http, { keepalive: false });
  const room = new protooServer.Room();
  const peers: ServerPeer[] = [];
  const wire: Server1['wire'] = [];
  ws.on('connectionrequest', (info, accept) => {
    const url = new URL(info.request.url ?? '/', 'http://x');
    const id = url.searchParams.get('peerId') ?? `p${String(peers.length)}`;
    room.getPeer(id)?.close();
    const transport = accept();
    // What the server's connection sends and receives, from its own socket.
    const connection = (
      transport as unknown as {
        _connection: { on(e: string, f: (m: { utf8Data?: string }) => void): void };
      }
    )._connection;
    connection.on('message', (m) => {
      // dir as seen from the client: what the server receives went out of the client.
      wire.push({ dir: 'out', text: m.utf8Data ?? '' });
    });
    const raw = transport as unknown as { send(m: unknown): Promise<void> };
    const send = raw.send.bind(transport);
    raw.send = (m: unknown) => {
      wire.push({ dir: 'in', text: JSON.stringify(m) });
      return send(m);
    };
    const peer = room.createPeer(id, transport);
    peers.push(peer);
    peer.on('request', (request, accept2, reject) => {
      try {
        accept2(
          handle(peer, {
            method: request.method,
            data: (request.data ?? {}) as Record<string, unknown>,
          }),
        );
      } catch (error) {
        reject(500, error instanceof Error ? error.message : String(error));
      }
    });
    onPeer?.(peer);
  });
  await new Promise<void>((resolve, reject) => {
    http.once('error', reject);
    http.listen(0, '127.0.0.1', resolve);
  });
  const port = (http.address() as AddressInfo).port;
  return {
    url: (query = 'roomId=r&peerId=p1') => `ws://127.0.0.1:${String(port)}/?${query}`,
    peers,
    wire,
    dropSockets: () => {
      for (const s of sockets) s.destroy();
    },
    stop: async () => {
      ws.stop();
      const closed = new Promise<void>((resolve) =>
        http.close(() => {
          resolve();
        }),
      );
      for (const s of sockets) s.destroy();
      await closed;
    },
  };
}

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

function frames(log: SessionLog): { dir: string; text: string }[] {
  const out: { dir: string; text: string }[] = [];
  for (let i = 0; i < log.length; i++) {
    const e = log.get(i);
    if (e.type === 'ws.frame') out.push({ dir: e.dir, text: e.text ?? '' });
  }
  return out;
}

function events(log: SessionLog): SessionEvent[] {
  return Array.from({ length: log.length }, (_, i) => log.get(i));
}

async function until(check: () => boolean, what: string, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

function live(options: Parameters<typeof startLive>[0]): {
  source: LiveSource;
  statuses: LiveStatus[];
} {
  const statuses: LiveStatus[] = [];
  const source = startLive({ ...options, onStatus: (s) => statuses.push(s) });
  cleanups.push(() => {
    source.close();
  });
  return { source, statuses };
}

const legacyCaps = fakeParameters.generateRouterRtpCapabilities();

/** A legacy or new mediasoup-demo-like room for one client. */
function demoHandler(dialect: 'legacy' | 'new', joins: Record<string, unknown>[]): Handler {
  return (_peer, { method, data }) => {
    switch (method) {
      case 'getRouterRtpCapabilities':
        return dialect === 'new' ? { routerRtpCapabilities: legacyCaps } : legacyCaps;
      case 'join':
        joins.push(data);
        return dialect === 'new'
          ? { peers: [{ peerId: 'alice', displayName: 'Alice', device: {} }] }
          : { peers: [{ id: 'alice', displayName: 'Alice', device: {} }] };
      case 'createWebRtcTransport': {
        const p = fakeParameters.generateTransportRemoteParameters();
        return dialect === 'new' ? { ...p, transportId: p.id } : p;
      }
      case 'connectWebRtcTransport':
        return {};
      case 'produce':
        return dialect === 'new'
          ? { producerId: `prod-${String(data.kind)}` }
          : { id: `prod-${String(data.kind)}` };
      case 'produceData':
        return dialect === 'new' ? { dataProducerId: 'dp-chat' } : { id: 'dp-chat' };
      default:
        throw new Error(`unknown request.method "${method}"`);
    }
  };
}

describe('the live source, raw mode', () => {
  it('records every frame both ways exactly as the server sent and received it', async () => {
    const server = await startServer(
      (_p, r) => ({ echo: r.data }),
      (peer) => {
        void peer.notify('mediasoup-version', { version: '3.14.0' });
      },
    );
    cleanups.push(() => server.stop());
    const log = new SessionLog();
    const { source, statuses } = live({ url: server.url(), log, mode: 'raw' });
    await until(() => source.status().phase === 'open', 'open');
    const answer = await source.request('hello', { a: 'é \u2028 <b>' });
    expect(answer).toEqual({ ok: true, data: { echo: { a: 'é \u2028 <b>' } } });
    await source.notify('ping', { n: 1 });
    await until(() => server.wire.length === 4, 'four frames at the server');
    await until(() => frames(log).length === 4, 'four frames in the log');
    // Each direction in order (the server's own record interleaves its answer before the
    // request it answers: protoo-server's listener runs before the test's).
    for (const dir of ['in', 'out'] as const) {
      expect(frames(log).filter((f) => f.dir === dir)).toEqual(
        server.wire.filter((f) => f.dir === dir),
      );
    }
    const open = events(log).find((e) => e.type === 'ws.open');
    expect(open).toMatchObject({ conn: 'live-1', url: server.url(), protocol: 'protoo' });
    expect(statuses.map((s) => s.phase)).toEqual(['open']);
    // A request from the server is left unanswered in raw mode.
    const peer = server.peers[0];
    if (!peer) throw new Error('no peer');
    const unanswered = peer.request('newConsumer', {}).catch(() => 'rejected');
    await until(() => frames(log).length === 5, 'the server request in the log');
    peer.close();
    expect(await unanswered).toBe('rejected');
  });

  it('explains a close with 4000 and does not reconnect', async () => {
    const server = await startServer(() => ({}));
    cleanups.push(() => server.stop());
    const log = new SessionLog();
    const { source } = live({ url: server.url(), log, mode: 'raw' });
    await until(() => source.status().phase === 'open', 'open');
    server.peers[0]?.close();
    await until(() => source.status().phase === 'closed', 'closed');
    const s = source.status();
    expect(s).toMatchObject({ phase: 'closed', byServer: true });
    if (s.phase !== 'closed') throw new Error('not closed');
    expect(s.explanation.title).toBe('Closed by the server (4000)');
    expect(s.explanation.detail).toMatch(/same peerId/);
    const close = events(log).find((e) => e.type === 'ws.close');
    expect(close).toMatchObject({ code: 4000 });
  });

  it('shows reconnection attempts with the next delay, then reopens on the same connection', async () => {
    const server = await startServer(() => ({}));
    let stopped = false;
    cleanups.push(() => (stopped ? undefined : server.stop()));
    const log = new SessionLog();
    const { source, statuses } = live({
      url: server.url(),
      log,
      mode: 'raw',
      probe: () => Promise.resolve('unreachable'),
    });
    await until(() => source.status().phase === 'open', 'open');
    const port = Number(new URL(server.url()).port);
    await server.stop();
    stopped = true;
    await until(() => source.status().phase === 'reconnecting', 'reconnecting', 8000);
    const s = source.status();
    if (s.phase !== 'reconnecting') throw new Error('not reconnecting');
    expect(s.attempt).toBe(1);
    expect(s.nextInMs).toBe(1000);
    expect(s.explanation.title).toBe('Reconnecting: attempt 1 of 11 failed, next in 1 s');
    await until(
      () =>
        source.status().phase === 'reconnecting' && /refused/.test(JSON.stringify(source.status())),
      'the probe result in the explanation',
    );
    // The server comes back on the same port: the same conn opens again.
    const again = await restartOn(port);
    cleanups.push(() => again.stop());
    await until(() => source.status().phase === 'open', 'reopened', 10_000);
    const opens = events(log).filter((e) => e.type === 'ws.open');
    expect(opens).toHaveLength(2);
    expect(new Set(events(log).map((e) => ('conn' in e ? e.conn : undefined)))).toEqual(
      new Set(['live-1']),
    );
    expect(statuses.map((x) => x.phase)).toContain('connecting');
  }, 20_000);

  it('explains a server that cannot be reached, and says when it gave up', async () => {
    const log = new SessionLog();
    const { source } = live({
      url: 'wss://127.0.0.1:9/?roomId=r&peerId=p',
      log,
      mode: 'raw',
      probe: () => Promise.resolve('unreachable'),
      retry: { retries: 1, factor: 1, minTimeout: 20, maxTimeout: 20 },
    });
    await until(() => source.status().phase === 'failed', 'failed');
    await until(
      () => JSON.stringify(source.status()).includes('certificate'),
      'the probe-based explanation',
    );
    const s = source.status();
    if (s.phase !== 'failed') throw new Error('not failed');
    expect(s.explanation.title).toBe(
      'Could not connect to 127.0.0.1:9 (gave up after 11 attempts)',
    );
    expect(s.explanation.link?.href).toBe('https://127.0.0.1:9/');
    expect(events(log).filter((e) => e.type === 'ws.error').length).toBeGreaterThanOrEqual(2);
    expect(events(log).some((e) => e.type === 'ws.open')).toBe(false);
  });

  it('says the server answers but refused the handshake when the probe reaches it', async () => {
    const http = createServer((_req, res) => {
      res.end('not a websocket server');
    });
    await new Promise<void>((r) => http.listen(0, '127.0.0.1', r));
    cleanups.push(
      () =>
        new Promise<void>((r) =>
          http.close(() => {
            r();
          }),
        ),
    );
    const port = (http.address() as AddressInfo).port;
    const log = new SessionLog();
    const { source } = live({
      url: `ws://127.0.0.1:${String(port)}/?roomId=r`,
      log,
      mode: 'raw',
      retry: { retries: 0, factor: 1, minTimeout: 10, maxTimeout: 10 },
    });
    await until(
      () => JSON.stringify(source.status()).includes('refused the WebSocket'),
      'explained',
    );
    const s = source.status();
    if (s.phase !== 'failed') throw new Error(`not failed: ${s.phase}`);
    expect(s.explanation.detail).toMatch(
      /400 when roomId or peerId is missing \(this URL lacks one of them\)/,
    );
  });
});

async function restartOn(port: number): Promise<{ stop(): Promise<void> }> {
  const http: Server = createServer();
  const sockets = new Set<Socket>();
  http.on('connection', (socket) => {
    sockets.add(socket);
  });
  const ws = new protooServer.WebSocketServer(http, { keepalive: false });
  const room = new protooServer.Room();
  ws.on('connectionrequest', (_info, accept) => {
    room.createPeer(`again-${String(sockets.size)}`, accept());
  });
  await new Promise<void>((resolve) => http.listen(port, '127.0.0.1', resolve));
  return {
    stop: () =>
      new Promise<void>((resolve) => {
        ws.stop();
        for (const socket of sockets) socket.destroy();
        http.close(() => {
          resolve();
        });
      }),
  };
}

describe('the live source, observer mode', () => {
  for (const dialect of ['legacy', 'new'] as const) {
    it(`joins a ${dialect} room without rtpCapabilities and rejects consumers`, async () => {
      const joins: Record<string, unknown>[] = [];
      const server = await startServer(demoHandler(dialect, joins));
      cleanups.push(() => server.stop());
      const log = new SessionLog();
      const { source } = live({ url: server.url(), log, mode: 'observer', role: observerRole() });
      await until(() => JSON.stringify(source.status()).includes('joined'), 'joined');
      expect(joins).toEqual([
        {
          displayName: 'signalscope',
          device: { flag: 'signalscope', name: 'signalscope', version: '0.1.0' },
        },
      ]);
      expect(source.status()).toMatchObject({
        phase: 'open',
        role: `observer: joined (${dialect} dialect), 1 other peer`,
      });
      const peer = server.peers[0];
      if (!peer) throw new Error('no peer');
      await peer.notify('newPeer', dialect === 'new' ? { peer: { peerId: 'bob' } } : { id: 'bob' });
      await until(
        () =>
          source.status().phase === 'open' && /2 other peers/.test(JSON.stringify(source.status())),
        'bob',
      );
      await expect(peer.request('newConsumer', { id: 'c1' })).rejects.toThrow(
        'signalscope observer consumes nothing',
      );
      await peer.notify('peerClosed', { peerId: 'alice' });
      await until(() => /1 other peer"/.test(JSON.stringify(source.status())), 'alice gone');
    });
  }
});

describe('the live source, participant mode (mediasoup-client on its FakeHandler)', () => {
  for (const dialect of ['legacy', 'new'] as const) {
    it(`joins a ${dialect} room, produces, and consumes what the server offers`, async () => {
      const joins: Record<string, unknown>[] = [];
      const server = await startServer(demoHandler(dialect, joins));
      cleanups.push(() => server.stop());
      const log = new SessionLog();
      const tracks = [
        new FakeMediaStreamTrack({ kind: 'audio' }),
        new FakeMediaStreamTrack({ kind: 'video' }),
      ];
      const role = participantRole({
        createDevice: () =>
          new Device({ handlerFactory: FakeHandler.createFactory(fakeParameters) }),
        media: {
          tracks: () => Promise.resolve(tracks as unknown as MediaStreamTrack[]),
          stop: () => undefined,
        },
      });
      const { source } = live({ url: server.url(), log, mode: 'participant', role });
      await until(() => /2 producing/.test(JSON.stringify(source.status())), 'two producers');
      expect(joins[0]).toMatchObject({ displayName: 'signalscope participant' });
      expect(joins[0]?.rtpCapabilities).toMatchObject({ codecs: expect.any(Array) as unknown });
      const methods = frames(log)
        .filter((f) => f.dir === 'out')
        .map((f) => (JSON.parse(f.text) as { method?: string }).method)
        .filter((m) => m !== undefined);
      expect(methods.slice(0, 4)).toEqual([
        'getRouterRtpCapabilities',
        'createWebRtcTransport',
        'createWebRtcTransport',
        'join',
      ]);
      expect(methods).toContain('connectWebRtcTransport');
      expect(methods.filter((m) => m === 'produce')).toHaveLength(2);
      // Each transport's pc is tied to it by a `create` event.
      const creates = events(log).filter((e) => e.type === 'pc' && e.event === 'create');
      expect(creates.map((e) => (e.type === 'pc' ? e.pc : ''))).toEqual(['send-pc-1', 'recv-pc-2']);
      // The server offers a consumer: the participant consumes it and accepts.
      const peer = server.peers[0];
      if (!peer) throw new Error('no peer');
      const consumer = fakeParameters.generateConsumerRemoteParameters({
        codecMimeType: 'audio/opus',
      });
      const offer =
        dialect === 'new'
          ? {
              peerId: 'alice',
              transportId: 'x',
              consumerId: consumer.id,
              producerId: consumer.producerId,
              kind: 'audio',
              rtpParameters: consumer.rtpParameters,
              type: 'simple',
              producerPaused: false,
              appData: {},
            }
          : {
              peerId: 'alice',
              id: consumer.id,
              producerId: consumer.producerId,
              kind: 'audio',
              rtpParameters: consumer.rtpParameters,
              type: 'simple',
              producerPaused: false,
              appData: {},
            };
      await expect(peer.request('newConsumer', offer)).resolves.toEqual({});
      await until(() => /1 consuming/.test(JSON.stringify(source.status())), 'one consumer');
      await peer.notify('consumerClosed', { consumerId: consumer.id });
      await until(() => /0 consuming/.test(JSON.stringify(source.status())), 'consumer closed');
    });
  }
});

describe('withPeerId', () => {
  it('adds a unique peerId to a mediasoup-demo URL that has none, and leaves others alone', () => {
    let n = 0;
    const random = () => (n++ === 0 ? 0.5 : 0.25);
    const a = withPeerId('wss://h:4443/?roomId=r', random);
    const b = withPeerId('wss://h:4443/?roomId=r', random);
    expect(new URL(a).searchParams.get('peerId')).toMatch(/^signalscope-[0-9a-z]{6}$/);
    expect(a).not.toBe(b);
    expect(withPeerId('wss://h:4443/?roomId=r&peerId=me')).toBe('wss://h:4443/?roomId=r&peerId=me');
    expect(withPeerId('ws://h/mesh?roomId=r')).toBe('ws://h/mesh?roomId=r');
  });
});

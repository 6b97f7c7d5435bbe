/**
 * The real SFU (server/sfu) with the worker built by scripts/build-mediasoup-worker.mjs:
 * real protoo-client peers on 127.0.0.1 get what a real mediasoup Router and WebRtcTransports
 * give (RTP capabilities, ICE and DTLS parameters, ids), join, and real mediasoup-client
 * Devices (FakeHandler: no browser, no media) produce and consume through it, consumers paused
 * until the client accepts them, exactly as mediasoup-demo does.
 *
 * Skipped, saying why, only where the worker cannot be built on this machine; a machine that
 * can build it but has not fails with the command to run (the test command builds it first).
 */
import { Device, type types as mc } from 'mediasoup-client';
import { FakeHandler } from 'mediasoup-client/handlers/FakeHandler';
import * as fakeParameters from 'mediasoup-client/fakeParameters';
import { FakeMediaStreamTrack } from 'fake-mediastreamtrack';
import protooClient, { type Peer as ClientPeer } from 'protoo-client';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSfuServer, type SfuServer } from './sfuServer.ts';
import { mediasoupWorkerBin, workerBuildImpossibleReason, workerHome } from './workerBin.ts';

const impossible = workerBuildImpossibleReason();
if (impossible !== undefined) {
  console.warn(
    `server/sfu/sfu.test.ts skipped: the mediasoup worker cannot be built here (${impossible})`,
  );
}

const RTC_MIN = 40200;
const RTC_MAX = 40299;

type Json = Record<string, unknown>;

interface Received {
  readonly method: string;
  readonly data: Json;
}

/** A protoo-client peer that records what the server sends and answers its requests. */
class Client {
  readonly peer: ClientPeer;
  readonly notifications: Received[] = [];
  readonly requests: Received[] = [];
  /** How to answer a server request (default: accept with `{}`). */
  onRequest: (r: Received) => Promise<unknown> = () => Promise.resolve({});

  constructor(url: string) {
    this.peer = new protooClient.Peer(
      new protooClient.WebSocketTransport(url, { retry: { retries: 0 } }),
    );
    this.peer.on('notification', (n) => {
      this.notifications.push({ method: n.method, data: n.data as Json });
    });
    this.peer.on('request', (r, accept, reject) => {
      const got = { method: r.method, data: r.data as Json };
      this.requests.push(got);
      this.onRequest(got).then(accept, (e: unknown) => {
        reject(403, e instanceof Error ? e.message : String(e));
      });
    });
  }

  opened(): Promise<void> {
    return new Promise((resolve, reject) => {
      if (this.peer.connected) resolve();
      this.peer.on('open', resolve);
      this.peer.on('failed', () => {
        reject(new Error('protoo connection failed'));
      });
    });
  }

  async request(method: string, data: Json = {}): Promise<Json> {
    return (await this.peer.request(method, data)) as Json;
  }

  /** Waits (2 s at most) until a notification or request matching `pick` has arrived. */
  async waitFor(
    from: 'notifications' | 'requests',
    pick: (r: Received) => boolean,
    count = 1,
  ): Promise<Received[]> {
    const deadline = Date.now() + 5000;
    for (;;) {
      const found = this[from].filter(pick);
      if (found.length >= count) return found;
      if (Date.now() > deadline) {
        throw new Error(
          `waited for ${String(count)} ${from}; got ${JSON.stringify(this[from].map((r) => r.method))}`,
        );
      }
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  close(): void {
    this.peer.close();
  }
}

let sfu: SfuServer;
const clients: Client[] = [];

async function connect(query: string): Promise<Client> {
  const c = new Client(`${sfu.url}/?${query}`);
  clients.push(c);
  await c.opened();
  return c;
}

describe.skipIf(impossible !== undefined)('the real mediasoup SFU', () => {
  beforeAll(async () => {
    if (mediasoupWorkerBin() === undefined) {
      throw new Error(
        `no mediasoup worker in ${workerHome()}: this machine can build it, so build it first ` +
          'with `node scripts/build-mediasoup-worker.mjs` (the test command does)',
      );
    }
    sfu = await startSfuServer({ port: 0, rtcMinPort: RTC_MIN, rtcMaxPort: RTC_MAX });
  });

  afterAll(async () => {
    for (const c of clients) c.close();
    await sfu.close();
  });

  it('answers with the real Router capabilities, real ICE/DTLS parameters, and joins peers (legacy)', async () => {
    const alice = await connect('roomId=r1&peerId=alice');
    const [version] = await alice.waitFor('notifications', (n) => n.method === 'mediasoup-version');
    expect(version?.data).toEqual({ version: '3.12.16' });

    const caps = await alice.request('getRouterRtpCapabilities');
    const mimeTypes = (caps.codecs as { mimeType: string }[]).map((c) => c.mimeType);
    expect(mimeTypes).toEqual(expect.arrayContaining(['audio/opus', 'video/VP8', 'video/H264']));
    // mediasoup adds an RTX codec for each video codec: a sign these are a real Router's.
    expect(mimeTypes.filter((m) => m === 'video/rtx')).toHaveLength(3);

    const t = await alice.request('createWebRtcTransport', {
      forceTcp: false,
      producing: true,
      consuming: false,
    });
    expect(t.id).toMatch(/^[0-9a-f-]{36}$/);
    const ice = t.iceParameters as { usernameFragment: string; password: string; iceLite: boolean };
    expect(ice.usernameFragment).toMatch(/^[a-z0-9]{16,}$/);
    expect(ice.password).toMatch(/^[a-z0-9]{22,}$/);
    expect(ice.password).not.toBe(ice.usernameFragment);
    expect(ice.iceLite).toBe(true);
    const candidates = t.iceCandidates as { ip: string; protocol: string; port: number }[];
    expect(candidates.map((c) => c.protocol).sort()).toEqual(['tcp', 'udp']);
    for (const c of candidates) {
      expect(c.ip).toBe('127.0.0.1');
      expect(c.port).toBeGreaterThanOrEqual(RTC_MIN);
      expect(c.port).toBeLessThanOrEqual(RTC_MAX);
    }
    const dtls = t.dtlsParameters as {
      role: string;
      fingerprints: { algorithm: string; value: string }[];
    };
    expect(dtls.role).toBe('auto');
    const sha256 = dtls.fingerprints.find((f) => f.algorithm === 'sha-256');
    expect(sha256?.value).toMatch(/^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);

    await expect(
      alice.request('produce', { transportId: t.id, kind: 'audio', rtpParameters: {} }),
    ).rejects.toThrow('Peer not yet joined');
    expect(await alice.request('join', { displayName: 'Alice', device: { name: 'test' } })).toEqual(
      {
        peers: [],
      },
    );
    await expect(alice.request('join', { displayName: 'Alice' })).rejects.toThrow(
      'Peer already joined',
    );
    await expect(alice.request('frobnicate')).rejects.toThrow(
      'unknown request.method "frobnicate"',
    );
    await expect(
      alice.request('connectWebRtcTransport', { transportId: 'nope', dtlsParameters: {} }),
    ).rejects.toThrow('transport with id "nope" not found');

    const bob = await connect('roomId=r1&peerId=bob');
    const joined = await bob.request('join', {
      displayName: 'Bob',
      device: { flag: 'chrome', name: 'Chrome', version: '131' },
    });
    expect(joined).toEqual({
      peers: [
        {
          id: 'alice',
          displayName: 'Alice',
          device: { flag: 'unknown', name: 'test', version: '' },
        },
      ],
    });
    const [newPeer] = await alice.waitFor('notifications', (n) => n.method === 'newPeer');
    expect(newPeer?.data).toEqual({
      id: 'bob',
      displayName: 'Bob',
      device: { flag: 'chrome', name: 'Chrome', version: '131' },
    });
    expect(sfu.rooms()).toEqual([{ roomId: 'r1', dialect: 'legacy', peers: ['alice', 'bob'] }]);

    bob.close();
    const [closed] = await alice.waitFor('notifications', (n) => n.method === 'peerClosed');
    expect(closed?.data).toEqual({ peerId: 'bob' });
    alice.close();
    await expect.poll(() => sfu.rooms(), { timeout: 2000 }).toEqual([]);
  });

  it('speaks the new dialect in a room opened with dialect=new', async () => {
    const carol = await connect('roomId=r2&peerId=carol&dialect=new');
    const [version] = await carol.waitFor('notifications', (n) => n.method === 'mediasoupVersion');
    expect(version?.data).toEqual({ version: '3.12.16' });
    const caps = await carol.request('getRouterRtpCapabilities');
    expect(Object.keys(caps)).toEqual(['routerRtpCapabilities']);
    const t = await carol.request('createWebRtcTransport', {
      forceTcp: true,
      appData: { direction: 'producer' },
    });
    expect(t.transportId).toMatch(/^[0-9a-f-]{36}$/);
    expect((t.iceCandidates as { protocol: string }[]).map((c) => c.protocol)).toEqual(['tcp']);
    expect(await carol.request('join', { displayName: 'Carol', device: {} })).toEqual({
      peers: [],
    });
    const dave = await connect('roomId=r2&peerId=dave');
    const joined = await dave.request('join', { displayName: 'Dave', device: {} });
    expect((joined.peers as Json[]).map((p) => [p.peerId, p.remoteAddress])).toEqual([
      ['carol', '127.0.0.1'],
    ]);
    const [newPeer] = await carol.waitFor('notifications', (n) => n.method === 'newPeer');
    expect((newPeer?.data.peer as Json).peerId).toBe('dave');
    await expect(carol.request('frobnicate')).rejects.toThrow(
      "unknown request method 'frobnicate'",
    );
    carol.close();
    dave.close();
  });

  it('refuses a connection without peerId with HTTP 400', async () => {
    const status = await new Promise<number>((resolve, reject) => {
      const ws = new WebSocket(`${sfu.url}/?roomId=r3`, 'protoo');
      ws.on('error', () => undefined);
      ws.on('unexpected-response', (req, res) => {
        resolve(res.statusCode ?? 0);
        req.destroy();
      });
      ws.on('open', () => {
        reject(new Error('opened'));
      });
    });
    expect(status).toBe(400);
  });

  it('mediasoup-client Devices produce and consume through it: consumers start paused, resume on accept', async () => {
    const newDevice = async (c: Client) => {
      const device = new Device({ handlerFactory: FakeHandler.createFactory(fakeParameters) });
      await device.load({
        routerRtpCapabilities: await c.request('getRouterRtpCapabilities'),
      });
      return device;
    };
    const transportFor = async (c: Client, device: Device, direction: 'send' | 'recv') => {
      const info = await c.request('createWebRtcTransport', {
        forceTcp: false,
        producing: direction === 'send',
        consuming: direction === 'recv',
      });
      const options = info as unknown as mc.TransportOptions;
      const transport =
        direction === 'send'
          ? device.createSendTransport(options)
          : device.createRecvTransport(options);
      transport.on('connect', ({ dtlsParameters }, callback, errback) => {
        c.request('connectWebRtcTransport', { transportId: transport.id, dtlsParameters }).then(
          () => {
            callback();
          },
          errback,
        );
      });
      transport.on('produce', ({ kind, rtpParameters, appData }, callback, errback) => {
        c.request('produce', { transportId: transport.id, kind, rtpParameters, appData }).then(
          (r) => {
            callback({ id: r.id as string });
          },
          errback,
        );
      });
      return transport;
    };

    // Alice produces a microphone and a webcam.
    const alice = await connect('roomId=r4&peerId=alice');
    const aliceDevice = await newDevice(alice);
    const send = await transportFor(alice, aliceDevice, 'send');
    await alice.request('join', {
      displayName: 'Alice',
      device: { name: 'node' },
      rtpCapabilities: aliceDevice.recvRtpCapabilities,
    });
    const mic = await send.produce({
      track: new FakeMediaStreamTrack({ kind: 'audio' }) as unknown as MediaStreamTrack,
      appData: { source: 'mic' },
    });
    const cam = await send.produce({
      track: new FakeMediaStreamTrack({ kind: 'video' }) as unknown as MediaStreamTrack,
      appData: { source: 'webcam' },
    });
    expect(mic.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(cam.id).not.toBe(mic.id);

    // Bob joins with a receiving transport: one newConsumer per producer of Alice's.
    const bob = await connect('roomId=r4&peerId=bob');
    const bobDevice = await newDevice(bob);
    const recv = await transportFor(bob, bobDevice, 'recv');
    const consumers: mc.Consumer[] = [];
    bob.onRequest = async (r) => {
      if (r.method !== 'newConsumer') throw new Error(`unexpected ${r.method}`);
      consumers.push(
        await recv.consume({
          id: r.data.id as string,
          producerId: r.data.producerId as string,
          kind: r.data.kind as mc.MediaKind,
          rtpParameters: r.data.rtpParameters as mc.RtpParameters,
        }),
      );
      return {};
    };
    await bob.request('join', {
      displayName: 'Bob',
      device: { name: 'node' },
      rtpCapabilities: bobDevice.recvRtpCapabilities,
    });
    const offers = await bob.waitFor('requests', (r) => r.method === 'newConsumer', 2);
    expect(
      offers.map((o) => [o.data.peerId, o.data.producerId, o.data.kind, o.data.type]).sort(),
    ).toEqual(
      [
        ['alice', mic.id, 'audio', 'simple'],
        ['alice', cam.id, 'video', 'simple'],
      ].sort(),
    );
    expect(offers.map((o) => (o.data.appData as Json).source).sort()).toEqual(['mic', 'webcam']);
    expect(offers.every((o) => o.data.producerPaused === false)).toBe(true);

    // Accepted, so resumed: legacy follows the resume with the consumer's score.
    const scores = await bob.waitFor('notifications', (n) => n.method === 'consumerScore', 2);
    expect(scores.map((s) => s.data.consumerId).sort()).toEqual(
      offers.map((o) => o.data.id).sort(),
    );
    expect(consumers.map((c) => c.producerId).sort()).toEqual([mic.id, cam.id].sort());
    const stats = (await bob.request('getConsumerStats', {
      consumerId: offers[0]?.data.id,
    })) as unknown as Json[];
    expect(stats.length).toBeGreaterThan(0);
    expect(stats[0]?.type).toBe('outbound-rtp');

    // Pausing a producer reaches its consumer; closing it closes the consumer.
    await alice.request('pauseProducer', { producerId: cam.id });
    const camConsumer = offers.find((o) => o.data.producerId === cam.id)?.data.id;
    const [paused] = await bob.waitFor('notifications', (n) => n.method === 'consumerPaused');
    expect(paused?.data).toEqual({ consumerId: camConsumer });
    await alice.request('closeProducer', { producerId: cam.id });
    const [closed] = await bob.waitFor('notifications', (n) => n.method === 'consumerClosed');
    expect(closed?.data).toEqual({ consumerId: camConsumer });

    // Alice leaves: Bob hears it and loses her microphone too.
    alice.close();
    await bob.waitFor('notifications', (n) => n.method === 'peerClosed');
    await bob.waitFor('notifications', (n) => n.method === 'consumerClosed', 2);
    bob.close();
  });
});

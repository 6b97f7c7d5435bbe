/**
 * The demo server's mediasoup-demo rooms end to end, in both dialects: a real protoo-client
 * Peer and a real mediasoup-client Device (FakeHandler) against the server on 127.0.0.1.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from './harness.ts';
import type { DemoClient, Received } from './testClient.ts';

let harness: Harness | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

async function start(options: Parameters<typeof startHarness>[0] = {}): Promise<Harness> {
  harness = await startHarness(options);
  return harness;
}

const is =
  (method: string, kind: Received['kind'] = 'notification') =>
  (r: Received): boolean =>
    r.kind === kind && r.method === method;

/** Resolves when every newConsumer / newDataConsumer the client got has been answered. */
async function settled(client: DemoClient, consumers: number, dataConsumers: number) {
  await expect.poll(() => client.consumers.size, { timeout: 5000 }).toBe(consumers);
  await expect.poll(() => client.dataConsumers.size, { timeout: 5000 }).toBe(dataConsumers);
}

describe.each(['legacy', 'new'] as const)('the demo room in the %s dialect', (dialect) => {
  const versionMethod = dialect === 'legacy' ? 'mediasoup-version' : 'mediasoupVersion';

  it('greets with the version, joins, and consumes the bots with a real Device', async () => {
    const h = await start({ bots: 2 });
    const alice = h.client({ roomId: 'demo', peerId: 'alice', dialect });
    const peers = await alice.join();
    expect(alice.received[0]).toMatchObject({ kind: 'notification', method: versionMethod });
    expect(alice.received[0]?.data.version).toMatch(/^3\.\d+\.\d+$/);
    expect(peers).toHaveLength(2);
    for (const p of peers) {
      if (dialect === 'legacy')
        expect(Object.keys(p).sort()).toEqual(['device', 'displayName', 'id']);
      else {
        expect(Object.keys(p).sort()).toEqual(['device', 'displayName', 'peerId', 'remoteAddress']);
      }
    }
    // two bots × (mic + webcam); the server's bot DataProducer + two chat DataProducers
    await settled(alice, 4, 3);
    const room = h.server.rooms.mediasoup('demo');
    await expect
      .poll(() => room?.consumersOf('alice').map((c) => c.paused))
      .toEqual([false, false, false, false]);
    const kinds = [...alice.consumers.values()].map((c) => c.kind).sort();
    expect(kinds).toEqual(['audio', 'audio', 'video', 'video']);
    const offers = alice.received.filter(is('newConsumer', 'request'));
    expect(offers).toHaveLength(4);
    for (const offer of offers) {
      expect(offer.data.producerPaused).toBe(false);
      if (dialect === 'new') {
        expect(offer.data).toHaveProperty('transportId', alice.recvTransport?.id);
        expect(offer.data).toHaveProperty('consumerScore');
        expect(offer.data.appData).toMatchObject({ peerId: offer.data.peerId });
      }
    }
    const data = alice.received.filter(is('newDataConsumer', 'request')).map((r) => r.data);
    const bot = data.find((d) => d.label === 'bot');
    if (dialect === 'legacy') expect(bot?.peerId).toBeNull();
    else expect(bot).not.toHaveProperty('peerId');
    if (dialect === 'legacy') {
      // legacy sends a consumerScore once the consumer is resumed
      await expect.poll(() => alice.notifications('consumerScore').length).toBe(4);
    }
  });

  it('relays a real producer to another client: newConsumer, pause, resume, close', async () => {
    const h = await start({ bots: 0 });
    const alice = h.client({ roomId: 'r1', peerId: 'alice', dialect });
    const bob = h.client({ roomId: 'r1', peerId: 'bob', dialect });
    await alice.join({ displayName: 'Alice' });
    const mic = await alice.produce('audio');
    const cam = await alice.produce('video');
    await alice.produceData('chat');
    const peers = await bob.join({ displayName: 'Bob' });
    expect(peers.map((p) => p[dialect === 'legacy' ? 'id' : 'peerId'])).toEqual(['alice']);
    const newPeer = await alice.waitFor(is('newPeer'));
    expect(
      dialect === 'legacy' ? newPeer.data.id : (newPeer.data.peer as { peerId: string }).peerId,
    ).toBe('bob');
    await settled(bob, 2, 2);
    const byProducer = new Map([...bob.consumers.values()].map((c) => [c.producerId, c]));
    const camConsumer = byProducer.get(cam.id);
    expect(byProducer.get(mic.id)?.kind).toBe('audio');
    expect(camConsumer?.kind).toBe('video');

    await alice.control('pauseProducer', { producerId: cam.id });
    const paused = await bob.waitFor(is('consumerPaused'));
    expect(paused.data).toEqual({ consumerId: camConsumer?.id });
    expect(camConsumer?.paused).toBe(true);
    await alice.control('resumeProducer', { producerId: cam.id });
    const resumed = await bob.waitFor(is('consumerResumed'));
    expect(resumed.data).toEqual({ consumerId: camConsumer?.id });
    expect(camConsumer?.paused).toBe(false);
    await alice.control('closeProducer', { producerId: cam.id });
    const closed = await bob.waitFor(is('consumerClosed'));
    expect(closed.data).toEqual({ consumerId: camConsumer?.id });
    expect(camConsumer?.closed).toBe(true);

    await alice.control('changeDisplayName', { displayName: 'Alice B.' });
    const renamed = await bob.waitFor(is('peerDisplayNameChanged'));
    expect(renamed.data).toEqual({
      peerId: 'alice',
      displayName: 'Alice B.',
      oldDisplayName: 'Alice',
    });

    alice.close();
    const gone = await bob.waitFor(is('peerClosed'));
    expect(gone.data).toEqual({ peerId: 'alice' });
    // peerClosed first, then the closures of what alice produced (as the demo does)
    await bob.waitFor(is('dataConsumerClosed'));
    const after = bob.received.slice(bob.received.indexOf(gone)).map((r) => r.method);
    expect(after).toEqual(['peerClosed', 'consumerClosed', 'dataConsumerClosed']);
    expect(byProducer.get(mic.id)?.closed).toBe(true);
  });

  it('keeps a consumer paused when the client rejects it or never answers', async () => {
    const h = await start({ bots: 1, consumerTimeoutMs: 300 });
    const carol = h.client({ roomId: 'demo', peerId: 'carol', dialect, consumerPolicy: 'reject' });
    await carol.join();
    await h.logLine('newConsumer to carol failed (I do not want to consume)');
    const room = h.server.rooms.mediasoup('demo');
    expect(room?.consumersOf('carol').map((c) => [c.paused, c.accepted])).toContainEqual([
      true,
      false,
    ]);
    const dave = h.client({ roomId: 'demo', peerId: 'dave', dialect, consumerPolicy: 'silent' });
    await dave.join();
    await h.logLine('newConsumer to dave failed (request timeout)');
    const daves = room?.consumersOf('dave') ?? [];
    expect(daves.length).toBe(2);
    expect(daves.every((c) => c.paused && !c.accepted)).toBe(true);
  });

  it('lets an observer (no rtpCapabilities) see peers come and go but consume nothing', async () => {
    const h = await start({ bots: 2 });
    const eve = h.client({ roomId: 'demo', peerId: 'eve', dialect });
    const peers = await eve.join({ observer: true });
    expect(peers).toHaveLength(2);
    const frank = h.client({ roomId: 'demo', peerId: 'frank', dialect });
    await frank.join();
    await frank.produce('audio');
    await eve.waitFor(is('newPeer'));
    frank.close();
    const closed = await eve.waitFor(is('peerClosed'));
    expect(closed.data).toEqual({ peerId: 'frank' });
    h.server.rooms.mediasoup('demo')?.tick(40);
    await eve.waitFor(is('peerDisplayNameChanged'));
    expect(eve.received.filter((r) => r.kind === 'request')).toEqual([]);
  });

  it('answers errors with the texts of mediasoup-demo', async () => {
    const h = await start({ bots: 0 });
    const gina = h.client({ roomId: 'r2', peerId: 'gina', dialect });
    await gina.until('open');
    const unknown =
      dialect === 'legacy' ? 'unknown request.method "nope"' : "unknown request method 'nope'";
    await expect(gina.request('nope')).rejects.toMatchObject({ message: unknown, code: 500 });
    await expect(
      gina.request('produce', { transportId: 'x', kind: 'audio', rtpParameters: {} }),
    ).rejects.toMatchObject({ message: 'Peer not yet joined', code: 500 });
    await expect(
      gina.request('connectWebRtcTransport', { transportId: 'nope', dtlsParameters: {} }),
    ).rejects.toMatchObject({ message: 'transport with id "nope" not found' });
    await gina.join();
    await expect(gina.request('join', {})).rejects.toMatchObject({
      message: 'Peer already joined',
    });
    // legacy takes pauseProducer as a request; the new dialect only as a notification
    const pause = gina.request('pauseProducer', { producerId: 'p' });
    if (dialect === 'legacy') {
      await expect(pause).rejects.toMatchObject({ message: 'producer with id "p" not found' });
    } else {
      await expect(pause).rejects.toMatchObject({
        message: "unknown request method 'pauseProducer'",
      });
    }
    await expect(gina.request('applyNetworkThrottle', { secret: 'x' })).rejects.toMatchObject({
      code: dialect === 'legacy' ? 403 : 500,
    });
    const stats = await gina.request('getTransportStats', { transportId: gina.recvTransport?.id });
    const list = dialect === 'legacy' ? stats : (stats as { stats: unknown }).stats;
    expect(list).toEqual([expect.objectContaining({ type: 'webrtc-transport' })]);
  });

  it('closes the older connection with 4000 when a peerId connects again', async () => {
    const h = await start({ bots: 0 });
    const watcher = h.client({ roomId: 'r3', peerId: 'watcher', dialect });
    await watcher.join();
    const first = h.client({ roomId: 'r3', peerId: 'hank', dialect });
    await first.join();
    await watcher.waitFor(is('newPeer'));
    const second = h.client({ roomId: 'r3', peerId: 'hank', dialect });
    await second.until('open');
    await first.until('close');
    // 4000: protoo-client gives up for good instead of reporting a disconnection
    expect(first.lifecycle).toEqual(['open', 'close']);
    expect(await watcher.waitFor(is('peerClosed'))).toMatchObject({ data: { peerId: 'hank' } });
    await second.join();
    await watcher.next(is('newPeer'));
    expect(
      h.server.rooms
        .mediasoup('r3')
        ?.peers()
        .map((p) => p.peerId),
    ).toEqual(['watcher', 'hank']);
  });
});

describe('the demo room', () => {
  it('runs its bots on a schedule: every kind of notification reaches the client', async () => {
    const h = await start({ bots: 3 });
    const ivy = h.client({ roomId: 'demo', peerId: 'ivy', dialect: 'legacy' });
    await ivy.join();
    await ivy.produce('audio');
    await settled(ivy, 6, 4);
    await expect
      .poll(() =>
        h.server.rooms
          .mediasoup('demo')
          ?.consumersOf('ivy')
          .every((c) => c.accepted),
      )
      .toBe(true);
    h.server.rooms.mediasoup('demo')?.tick(150);
    // a response leaves after every notification the ticks queued on the same socket
    await ivy.request('getRouterRtpCapabilities');
    const seen = new Set(ivy.received.map((r) => r.method));
    const expected = [
      'consumerPaused',
      'consumerResumed',
      'consumerClosed',
      'consumerScore',
      'consumerLayersChanged',
      'producerScore',
      'downlinkBwe',
      'activeSpeaker',
      'peerDisplayNameChanged',
      'peerClosed',
      'newPeer',
      'dataConsumerClosed',
    ];
    expect(expected.filter((m) => !seen.has(m))).toEqual([]);
    // what the client was told about each consumer matches the bot producer's state
    await ivy.request('getRouterRtpCapabilities');
    const room = h.server.rooms.mediasoup('demo');
    const producers = new Map(
      (room?.peers() ?? [])
        .flatMap((p) => room?.producersOf(p.peerId) ?? [])
        .map((p) => [p.id, p.paused]),
    );
    const open = [...ivy.consumers.values()].filter((c) => !c.closed);
    expect(open.length).toBeGreaterThan(0);
    expect(open.some((c) => ivy.remotelyPaused.get(c.id))).toBe(true);
    for (const c of open) {
      expect(ivy.remotelyPaused.get(c.id)).toBe(producers.get(c.producerId));
    }
    expect(new Set(room?.consumersOf('ivy').map((c) => c.id))).toEqual(
      new Set(open.map((c) => c.id)),
    );
  });

  it('is deterministic for a seed', async () => {
    const runs: string[][] = [];
    for (let i = 0; i < 2; i++) {
      const h = await start({ bots: 3, seed: 'same' });
      const jo = h.client({ roomId: 'demo', peerId: 'jo', dialect: 'new' });
      await jo.join({ observer: true });
      h.server.rooms.mediasoup('demo')?.tick(60);
      await jo.request('getRouterRtpCapabilities');
      runs.push(jo.received.map((r) => `${r.method} ${JSON.stringify(r.data)}`));
      await h.close();
      harness = undefined;
    }
    expect(runs[0]?.length).toBeGreaterThan(20);
    const n = Math.min(runs[0]?.length ?? 0, runs[1]?.length ?? 0);
    expect(runs[1]?.slice(0, n)).toEqual(runs[0]?.slice(0, n));
  });

  it('closes a new-dialect peer that does not join in time', async () => {
    const h = await start({ bots: 0, joinTimeoutMs: 200 });
    const kim = h.client({ roomId: 'r4', peerId: 'kim', dialect: 'new' });
    await kim.until('open');
    await kim.until('close');
    expect(kim.lifecycle).toEqual(['open', 'close']);
  });

  it('refuses a handshake without roomId/peerId (400) or without the protoo subprotocol (403)', async () => {
    const h = await start();
    const { request } = await import('node:http');
    const status = (path: string, protocol?: string) =>
      new Promise<number>((resolve, reject) => {
        const req = request({
          host: '127.0.0.1',
          port: h.server.port,
          path,
          headers: {
            Connection: 'Upgrade',
            Upgrade: 'websocket',
            'Sec-WebSocket-Version': '13',
            'Sec-WebSocket-Key': 'dGhlIHNhbXBsZSBub25jZQ==',
            ...(protocol ? { 'Sec-WebSocket-Protocol': protocol } : {}),
          },
        });
        req.on('response', (res) => {
          resolve(res.statusCode ?? 0);
          res.resume();
        });
        req.on('upgrade', (res, socket) => {
          socket.destroy();
          resolve(res.statusCode ?? 0);
        });
        req.on('error', reject);
        req.end();
      });
    expect(await status('/?roomId=demo', 'protoo')).toBe(400);
    expect(await status('/?peerId=x', 'protoo')).toBe(400);
    expect(await status('/?roomId=demo&peerId=x')).toBe(403);
    expect(await status('/?roomId=demo&peerId=x', 'protoo')).toBe(101);
    expect(await status('/elsewhere?roomId=demo&peerId=x', 'protoo')).toBe(404);
  });
});

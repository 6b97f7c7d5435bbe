/**
 * The demo server's mesh and two-party rooms over real WebSockets. Every frame the server
 * sends goes through `decodeRoomFrame` (src/protocol/rooms.ts) and must be valid.
 */
import { parse } from 'sdp-transform';
import { WebSocket } from 'ws';
import { afterEach, describe, expect, it } from 'vitest';
import { decodeRoomFrame, type RoomProtocol } from '../../src/protocol/rooms.ts';
import { startHarness, type Harness } from './harness.ts';

let harness: Harness | undefined;
const sockets: WebSocket[] = [];
afterEach(async () => {
  for (const s of sockets.splice(0)) s.terminate();
  await harness?.close();
  harness = undefined;
});

type Frame = Record<string, unknown>;

/** A raw WebSocket client that validates and keeps every frame it gets. */
class RoomSocket {
  readonly ws: WebSocket;
  readonly frames: Frame[] = [];
  readonly invalid: string[] = [];
  closeCode: number | undefined;
  #waiters: { test: (f: Frame) => boolean; resolve: (f: Frame) => void }[] = [];
  readonly opened: Promise<void>;
  readonly closed: Promise<number>;

  constructor(protocol: RoomProtocol, url: string) {
    this.ws = new WebSocket(url);
    sockets.push(this.ws);
    this.opened = new Promise((resolve, reject) => {
      this.ws.once('open', () => {
        resolve();
      });
      this.ws.once('error', reject);
    });
    this.closed = new Promise((resolve) => {
      this.ws.once('close', (code) => {
        this.closeCode = code;
        resolve(code);
      });
    });
    this.ws.on('message', (raw: Buffer) => {
      const text = raw.toString();
      const decoded = decodeRoomFrame(protocol, text, 'in');
      if (decoded.kind === 'invalid') this.invalid.push(`${decoded.reason}: ${text}`);
      const frame = JSON.parse(text) as Frame;
      this.frames.push(frame);
      this.#waiters = this.#waiters.filter((w) => {
        if (!w.test(frame)) return true;
        w.resolve(frame);
        return false;
      });
    });
  }

  waitFor(test: (f: Frame) => boolean): Promise<Frame> {
    const found = this.frames.find(test);
    if (found) return Promise.resolve(found);
    return new Promise((resolve) => this.#waiters.push({ test, resolve }));
  }

  type(type: string, n = 1): Promise<Frame> {
    let seen = 0;
    return this.waitFor((f) => f.type === type && ++seen === n);
  }

  send(frame: unknown): void {
    this.ws.send(JSON.stringify(frame));
  }
}

const OFFER = { type: 'offer', sdp: 'v=0\r\n' };
const CANDIDATE = {
  candidate: 'candidate:1 1 udp 1 10.0.0.1 9 typ host',
  sdpMid: '0',
  sdpMLineIndex: 0,
};

describe('the mesh room', () => {
  it('numbers peers, announces them, relays signals with from, and takes a reload back', async () => {
    harness = await startHarness();
    const url = `${harness.server.url}/mesh?roomId=m1`;
    const one = new RoomSocket('mesh', url);
    expect(await one.type('welcome')).toEqual({ type: 'welcome', id: 1, online: [] });
    const two = new RoomSocket('mesh', url);
    expect(await two.type('welcome')).toEqual({ type: 'welcome', id: 2, online: [1] });
    expect(await one.type('online')).toEqual({ type: 'online', id: 2 });

    two.send({ type: 'signal', to: 1, description: OFFER });
    expect(await one.type('signal')).toEqual({
      type: 'signal',
      from: 2,
      to: 1,
      description: OFFER,
    });
    one.send({ type: 'signal', to: 2, candidate: CANDIDATE });
    expect(await two.type('signal')).toEqual({
      type: 'signal',
      from: 1,
      to: 2,
      candidate: CANDIDATE,
    });
    // a client cannot forge `from`, and an invalid frame is not relayed
    two.send({ type: 'signal', to: 1 });
    two.send({ type: 'welcome', id: 9, online: [] });

    two.ws.close();
    expect(await one.type('offline')).toEqual({ type: 'offline', id: 2 });
    const again = new RoomSocket('mesh', `${url}&id=2`);
    expect(await again.type('welcome')).toEqual({ type: 'welcome', id: 2, online: [1] });
    expect(await one.type('online', 2)).toEqual({ type: 'online', id: 2 });
    // the same id once more while the last one is open: newest wins
    const dup = new RoomSocket('mesh', `${url}&id=2`);
    await dup.type('welcome');
    expect(await again.closed).toBe(4000);
    const three = new RoomSocket('mesh', url);
    expect(await three.type('welcome')).toEqual({ type: 'welcome', id: 3, online: [1, 2] });
    expect(one.frames.filter((f) => f.type === 'signal')).toHaveLength(1);
    for (const s of [one, two, again, dup, three]) expect(s.invalid).toEqual([]);
  });

  it('has bots that offer to a newcomer and answer its offers', async () => {
    harness = await startHarness();
    const me = new RoomSocket('mesh', `${harness.server.url}/mesh?roomId=m2&bots=2`);
    expect(await me.type('welcome')).toEqual({ type: 'welcome', id: 3, online: [1, 2] });
    const offer1 = await me.waitFor((f) => f.from === 1 && 'description' in f);
    await me.waitFor((f) => f.from === 2 && 'description' in f);
    expect(offer1).toMatchObject({ to: 3, description: { type: 'offer' } });
    const sdp = parse((offer1.description as { sdp: string }).sdp);
    expect(sdp.media.map((m) => m.type)).toEqual(['audio', 'application']);
    expect(me.frames.filter((f) => f.from === 1 && 'candidate' in f)).toHaveLength(2);
    me.send({ type: 'signal', to: 2, description: OFFER });
    const answer = await me.waitFor(
      (f) => f.from === 2 && (f.description as { type?: string } | undefined)?.type === 'answer',
    );
    expect(answer.to).toBe(3);
    expect(me.invalid).toEqual([]);
    expect(harness.server.rooms.list()).toContainEqual({
      roomId: 'm2',
      protocol: 'mesh',
      online: [1, 2, 3],
      bots: [1, 2],
    });
  });

  it('refuses a mesh handshake without roomId', async () => {
    harness = await startHarness();
    const s = new RoomSocket('mesh', `${harness.server.url}/mesh`);
    await expect(s.opened).rejects.toThrow('400');
  });
});

describe('the two-party room', () => {
  it('creates, joins, relays messages and refuses a third client', async () => {
    harness = await startHarness();
    const url = `${harness.server.url}/two-party?roomId=t1`;
    const a = new RoomSocket('two-party', url);
    await a.opened;
    a.send({ type: 'create or join', room: 'foo' });
    const created = await a.type('created');
    expect(created).toMatchObject({ type: 'created', room: 'foo' });
    expect(typeof created.id).toBe('string');
    const b = new RoomSocket('two-party', url);
    await b.opened;
    b.send({ type: 'create or join', room: 'foo' });
    const joined = await b.type('joined');
    expect(joined).toMatchObject({ type: 'joined', room: 'foo' });
    expect(typeof joined.id).toBe('string');
    expect(joined.id).not.toBe(created.id);
    await a.type('ready');
    await b.type('ready');
    expect(a.frames.map((f) => f.type)).toEqual(['created', 'join', 'ready']);
    expect(b.frames.map((f) => f.type)).toEqual(['joined', 'ready']);

    const messages = [
      'got user media',
      { type: 'offer', sdp: 'v=0\r\n' },
      {
        type: 'candidate',
        label: 0,
        id: '0',
        candidate: 'candidate:1 1 udp 1 10.0.0.1 9 typ host',
      },
      'bye',
    ];
    for (const message of messages) a.send({ type: 'message', message });
    b.send({ type: 'message', message: { type: 'answer', sdp: 'v=0\r\n' } });
    await b.type('message', 4);
    await a.type('message');
    expect(b.frames.filter((f) => f.type === 'message').map((f) => f.message)).toEqual(messages);
    expect(a.frames.at(-1)).toEqual({
      type: 'message',
      message: { type: 'answer', sdp: 'v=0\r\n' },
    });

    const c = new RoomSocket('two-party', url);
    await c.opened;
    c.send({ type: 'create or join', room: 'foo' });
    expect(await c.type('full')).toEqual({ type: 'full', room: 'foo' });
    expect(harness.server.rooms.list()).toContainEqual({
      roomId: 'foo',
      protocol: 'two-party',
      clients: [created.id, joined.id],
    });
    // the first leaves: the room has a free seat again
    a.ws.close();
    await a.closed;
    await expect
      .poll(() => harness?.server.rooms.list().find((r) => r.roomId === 'foo'))
      .toMatchObject({ clients: [joined.id] });
    c.send({ type: 'create or join', room: 'foo' });
    await c.type('joined');
    for (const s of [a, b, c]) expect(s.invalid).toEqual([]);
  });
});

/**
 * The demo server's fault switches, each with its observable effect on a real protoo-client,
 * set through the HTTP API and through the `signalscope.fault` protoo request.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { FaultRules, parseFaultBody } from './faults.ts';
import { startHarness, type Harness } from './harness.ts';

let harness: Harness | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

async function start(): Promise<Harness> {
  harness = await startHarness({ bots: 0 });
  return harness;
}

const post = (h: Harness, roomId: string, body: unknown) =>
  h.api(`/api/rooms/${roomId}/faults`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  });

describe('parseFaultBody()', () => {
  it('names the field at fault', () => {
    expect(() => parseFaultBody({ drop: {} })).toThrow('"drop.method" must be a method name');
    expect(() => parseFaultBody({ delay: { method: 'join', ms: -1 } })).toThrow(
      '"delay.ms" must be an integer from 0 to 120000',
    );
    expect(() => parseFaultBody({ flod: {} })).toThrow('unknown key "flod"');
    expect(() => parseFaultBody([])).toThrow('the body must be a JSON object');
    expect(() => parseFaultBody({ reject: { method: 'signalscope.fault' } })).toThrow(
      'cannot be signalscope.fault',
    );
  });

  it('fills the reject defaults', () => {
    expect(parseFaultBody({ reject: { method: 'join' } })).toEqual({
      reject: { method: 'join', code: 500, reason: 'signalscope fault: join rejected' },
    });
  });
});

describe('FaultRules', () => {
  it('uses up a rule with times and keeps one without', () => {
    const rules = new FaultRules();
    rules.apply({ drop: { method: 'join', times: 2 }, delay: { method: '*', ms: 5 } });
    expect(rules.decide('join')).toEqual({ kind: 'drop' });
    expect(rules.list()).toContainEqual({ kind: 'drop', method: 'join', times: 1 });
    expect(rules.decide('join')).toEqual({ kind: 'drop' });
    expect(rules.decide('join')).toEqual({ kind: 'delay', ms: 5 });
    expect(rules.decide('produce')).toEqual({ kind: 'delay', ms: 5 });
    expect(rules.decide('signalscope.fault')).toEqual({ kind: 'none' });
    rules.clear();
    expect(rules.decide('join')).toEqual({ kind: 'none' });
  });
});

describe('fault switches', () => {
  it('delays a response by at least N ms', async () => {
    const h = await start();
    const res = await post(h, 'f1', { delay: { method: 'getRouterRtpCapabilities', ms: 300 } });
    expect(res.status).toBe(200);
    const c = h.client({ roomId: 'f1', peerId: 'a', dialect: 'legacy' });
    await c.until('open');
    const t0 = performance.now();
    await c.request('getRouterRtpCapabilities');
    expect(performance.now() - t0).toBeGreaterThanOrEqual(299);
    // other methods are not delayed: their response overtakes a delayed one
    const slow = c.request('getRouterRtpCapabilities').then(() => 'slow');
    const fast = c.request('createWebRtcTransport', { producing: true }).then(() => 'fast');
    expect(await Promise.race([slow, fast])).toBe('fast');
    await slow;
  });

  it('drops the next response of a method: it never arrives, later ones do', async () => {
    const h = await start();
    await post(h, 'f2', { drop: { method: 'getRouterRtpCapabilities', times: 1 } });
    const c = h.client({ roomId: 'f2', peerId: 'a', dialect: 'new' });
    await c.until('open');
    let settled = false;
    const dropped = c.request('getRouterRtpCapabilities').finally(() => {
      settled = true;
    });
    dropped.catch(() => undefined);
    // responses go out in order on one socket: once the second is here, the first never left
    await expect(c.request('getRouterRtpCapabilities')).resolves.toHaveProperty(
      'routerRtpCapabilities',
    );
    await Promise.resolve();
    expect(settled).toBe(false);
    const rules = await h.api('/api/rooms/f2/faults');
    expect(rules.body).toMatchObject({ roomId: 'f2', rules: [] });
  });

  it('rejects a method with the code and reason asked for', async () => {
    const h = await start();
    await post(h, 'f3', { reject: { method: 'join', code: 503, reason: 'room is full (test)' } });
    const c = h.client({ roomId: 'f3', peerId: 'a', dialect: 'legacy' });
    await expect(c.join()).rejects.toMatchObject({ message: 'room is full (test)', code: 503 });
    await expect(c.request('join', {})).rejects.toMatchObject({ code: 503 });
    expect((await h.api('/api/rooms/f3/faults', { method: 'DELETE' })).body).toMatchObject({
      rules: [],
    });
    await expect(c.request('join', {})).resolves.toHaveProperty('peers');
  });

  it('takes the same body as the protoo request signalscope.fault', async () => {
    const h = await start();
    const c = h.client({ roomId: 'f4', peerId: 'a', dialect: 'new' });
    await c.until('open');
    const reply = await c.request('signalscope.fault', {
      reject: { method: 'getRouterRtpCapabilities', times: 1 },
    });
    expect(reply).toEqual({
      roomId: 'f4',
      rules: [
        {
          kind: 'reject',
          method: 'getRouterRtpCapabilities',
          code: 500,
          reason: 'signalscope fault: getRouterRtpCapabilities rejected',
          times: 1,
        },
      ],
      performed: [],
    });
    await expect(c.request('getRouterRtpCapabilities')).rejects.toMatchObject({
      message: 'signalscope fault: getRouterRtpCapabilities rejected',
      code: 500,
    });
    await expect(c.request('getRouterRtpCapabilities')).resolves.toBeTruthy();
    await expect(c.request('signalscope.fault', { drop: {} })).rejects.toMatchObject({
      code: 400,
      message: '"drop.method" must be a method name',
    });
  });

  it('closes a peer with 4000 (no reconnection), by HTTP or by its own request', async () => {
    const h = await start();
    const a = h.client({ roomId: 'f5', peerId: 'a', dialect: 'legacy' });
    const b = h.client({ roomId: 'f5', peerId: 'b', dialect: 'legacy' });
    await a.join();
    await b.join();
    const res = await post(h, 'f5', { close: { peerId: 'a' } });
    expect(res.body).toMatchObject({ performed: [{ action: 'close', peerIds: ['a'] }] });
    await a.until('close');
    expect(a.lifecycle).toEqual(['open', 'close']);
    const reply = await b.request('signalscope.fault', { close: {} });
    expect(reply).toMatchObject({ performed: [{ action: 'close', peerIds: ['b'] }] });
    await b.until('close');
    expect(b.lifecycle).toEqual(['open', 'close']);
  });

  it('drops a socket without a close frame: protoo-client reconnects', async () => {
    const h = await start();
    const a = h.client({ roomId: 'f6', peerId: 'a', dialect: 'legacy' });
    await a.join();
    await post(h, 'f6', { dropSocket: { peerId: 'a' } });
    await a.until('open', 2);
    expect(a.lifecycle).toEqual(['open', 'disconnected', 'open']);
    // the new connection is a new server peer: it can join again
    await expect(a.request('join', {})).resolves.toHaveProperty('peers');
  });

  it('floods N notifications a second for D seconds, numbered, none lost', async () => {
    const h = await start();
    const a = h.client({ roomId: 'f7', peerId: 'a', dialect: 'new' });
    await a.join({ observer: true });
    const res = await post(h, 'f7', { flood: { perSecond: 200, seconds: 1 } });
    expect(res.body).toMatchObject({
      performed: [{ action: 'flood', total: 200, peerIds: ['a'] }],
    });
    const last = await a.waitFor((r) => r.method === 'demoFlood' && r.data.seq === 200);
    const flood = a.received.filter((r) => r.method === 'demoFlood');
    expect(flood.map((r) => r.data.seq)).toEqual(Array.from({ length: 200 }, (_, i) => i + 1));
    expect(new Set(flood.map((r) => r.data.floodId)).size).toBe(1);
    const first = flood[0];
    // the 200th is due 995 ms after the first
    expect(last.at - (first?.at ?? 0)).toBeGreaterThan(900);
  });

  it('lists rooms and refuses a bad body with 400', async () => {
    const h = await start();
    const a = h.client({ roomId: 'f8', peerId: 'a', dialect: 'new' });
    await a.join({ displayName: 'Ann' });
    const rooms = await h.api('/api/rooms');
    expect(rooms.body).toEqual({
      rooms: [
        {
          roomId: 'f8',
          protocol: 'mediasoup',
          dialect: 'new',
          peers: [
            {
              peerId: 'a',
              displayName: 'Ann',
              bot: false,
              joined: true,
              producers: 0,
              consumers: 0,
              dataProducers: 0,
              dataConsumers: 1,
            },
          ],
          faults: [],
        },
      ],
    });
    const bad = await post(h, 'f8', { delay: { method: 'join' } });
    expect(bad).toEqual({
      status: 400,
      body: { error: '"delay.ms" must be an integer from 0 to 120000' },
    });
    const notJson = await h.api('/api/rooms/f8/faults', { method: 'POST', body: '{' });
    expect(notJson.status).toBe(400);
    expect((await h.api('/api/nothing')).status).toBe(404);
    const preflight = await fetch(`http://127.0.0.1:${String(h.server.port)}/api/rooms/f8/faults`, {
      method: 'OPTIONS',
      headers: { Origin: 'http://127.0.0.1:5173' },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-origin')).toBe('http://127.0.0.1:5173');
    const foreign = await fetch(`http://127.0.0.1:${String(h.server.port)}/api/rooms`, {
      headers: { Origin: 'https://example.org' },
    });
    expect(foreign.headers.get('access-control-allow-origin')).toBeNull();
  });
});

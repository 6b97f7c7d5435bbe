/**
 * The recording proxy between a real protoo-client (Node's WebSocket through the project's
 * `websocket` shim) and a real protoo-server, on 127.0.0.1. What each side actually sent and
 * received is recorded on that side (testServers.ts) and compared, frame by frame, with the
 * capture the proxy wrote.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import protooClient, { type Peer as ClientPeer } from 'protoo-client';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { WebSocket as WsClient, WebSocketServer } from 'ws';
import { readCaptureText } from '../../src/session/capture.ts';
import type { SessionEvent, WsFrameEvent } from '../../src/session/events.ts';
import { startProxy, type RunningProxy } from './proxy.ts';
import { TEST_CERT, TEST_KEY } from './testCert.ts';
import {
  recordingWebSocket,
  startProtooServer,
  type ClientSocketRecord,
  type ProtooTestServer,
} from './testServers.ts';

const cleanups: (() => Promise<void> | void)[] = [];
let dir = '';
let sockets: ClientSocketRecord[] = [];

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'sscap-proxy-'));
  sockets = [];
  vi.stubGlobal('WebSocket', recordingWebSocket(sockets));
});
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
  vi.unstubAllGlobals();
  rmSync(dir, { recursive: true, force: true });
});

async function proxyTo(target: string, out = join(dir, 'cap.sscap.jsonl')): Promise<RunningProxy> {
  const proxy = await startProxy({ target, listen: '127.0.0.1:0', out, handshakeTimeoutMs: 2000 });
  cleanups.push(() => proxy.close());
  return proxy;
}

async function protoo(): Promise<ProtooTestServer> {
  const server = await startProtooServer();
  cleanups.push(() => server.stop());
  return server;
}

interface Client {
  peer: ClientPeer;
  events: string[];
  notifications: { method: string; data: unknown }[];
}

function client(url: string, retries = 0): Client {
  const transport = new protooClient.WebSocketTransport(url, {
    retry: { retries, factor: 1, minTimeout: 100, maxTimeout: 100 },
  });
  const peer = new protooClient.Peer(transport);
  const c: Client = { peer, events: [], notifications: [] };
  for (const name of ['open', 'disconnected', 'close'] as const)
    peer.on(name, () => c.events.push(name));
  peer.on('failed', () => c.events.push('failed'));
  peer.on('notification', (n) => c.notifications.push({ method: n.method, data: n.data }));
  peer.on('request', (request, accept) => {
    accept({ answered: request.method, ñ: 'sí ✓' });
  });
  cleanups.push(() => {
    peer.close();
  });
  return c;
}

const opened = (c: Client) => expect.poll(() => c.events, { timeout: 5000 }).toContain('open');

function frames(
  events: readonly SessionEvent[],
  conn: string,
  dir: 'in' | 'out',
): (string | undefined)[] {
  return events
    .filter((e): e is WsFrameEvent => e.type === 'ws.frame' && e.conn === conn && e.dir === dir)
    .map((e) => e.text ?? `base64:${e.base64 ?? ''}`);
}

function fileEvents(path: string): { events: SessionEvent[]; errors: number; text: string } {
  const text = readFileSync(path, 'utf8');
  const result = readCaptureText(text);
  return { events: [...result.log.events()], errors: result.errors.length, text };
}

function connOf(events: readonly SessionEvent[], peerId: string): string {
  const open = events.find((e) => e.type === 'ws.open' && e.url.includes(`peerId=${peerId}`));
  if (open?.type !== 'ws.open') throw new Error(`no ws.open for ${peerId}`);
  return open.conn;
}

describe('the recording proxy between protoo-client and protoo-server', () => {
  it('forwards two clients unchanged both ways and records each frame as it crossed', async () => {
    const server = await protoo();
    const proxy = await proxyTo(server.url);
    const run = async (peerId: string) => {
      const c = client(`${proxy.url}/?roomId=r1&peerId=${peerId}`);
      await opened(c);
      expect(await c.peer.request('hello', { text: `grüße 👋 from ${peerId}`, n: 1 })).toEqual({
        echo: { text: `grüße 👋 from ${peerId}`, n: 1 },
      });
      await c.peer.notify('ping', { peerId, q: '¿qué?' });
      await expect.poll(() => c.notifications.map((n) => n.method)).toContain('pong');
      expect(await c.peer.request('notifyMe', { x: peerId })).toEqual({ told: true });
      await expect(c.peer.request('fail')).rejects.toThrow(/nope ✗/);
      const serverPeer = server.peers.find((p) => p.peerId === peerId);
      expect(await serverPeer?.peer.request('serverAsks', { zh: '你好' })).toEqual({
        answered: 'serverAsks',
        ñ: 'sí ✓',
      });
      return c;
    };
    await Promise.all([run('alice'), run('bob')]);

    const events = [...proxy.capture.log.events()];
    expect(new Set(events.map((e) => ('conn' in e ? e.conn : '')))).toEqual(new Set(['c1', 'c2']));
    for (const peerId of ['alice', 'bob']) {
      const conn = connOf(events, peerId);
      const open = events.find((e) => e.type === 'ws.open' && e.conn === conn);
      expect(open).toMatchObject({
        url: `${server.url}/?roomId=r1&peerId=${peerId}`,
        protocol: 'protoo',
      });
      const sock = sockets.find((s) => s.url.includes(`peerId=${peerId}`));
      const peer = server.peers.find((p) => p.peerId === peerId);
      // client → server: what the client sent = what the capture has = what the server got.
      await expect.poll(() => peer?.received.length).toBe(sock?.sent.length);
      expect(frames(events, conn, 'out')).toEqual(sock?.sent);
      expect(peer?.received).toEqual(sock?.sent);
      // server → client.
      expect(frames(events, conn, 'in')).toEqual(peer?.sent);
      expect(sock?.received).toEqual(peer?.sent);
      // request, notification, request, request, response to serverAsks
      expect(sock?.sent.length).toBe(5);
      expect(peer?.sent.length).toBe(6);
    }
    // seq 0, 1, 2 … and time that never goes back.
    expect(events.map((e) => e.seq)).toEqual(events.map((_e, k) => k));
    for (let k = 1; k < events.length; k++) {
      expect(events[k]?.t).toBeGreaterThanOrEqual(events[k - 1]?.t ?? 0);
    }
    // The file on disk is exactly the capture in memory, readable with zero errors.
    const file = fileEvents(proxy.capturePath ?? '');
    expect(file.errors).toBe(0);
    expect(file.text).toBe(proxy.capture.text());
    expect(file.events).toEqual(events);
  });

  it('forwards the server closing a peer (4000): the client closes for good, the capture says who closed', async () => {
    const server = await protoo();
    const proxy = await proxyTo(server.url);
    const c = client(`${proxy.url}/?roomId=r&peerId=p4000`, 5);
    await opened(c);
    await c.peer.request('hello');
    server.peers[0]?.peer.close();
    await expect.poll(() => c.events, { timeout: 5000 }).toContain('close');
    expect(sockets[0]?.closes).toEqual([{ code: 4000, reason: 'closed by protoo-server' }]);
    // Retries would come after 100 ms: none comes.
    await new Promise((r) => setTimeout(r, 400));
    expect(sockets).toHaveLength(1);
    expect(c.events).toEqual(['open', 'close']);
    const events = [...proxy.capture.log.events()];
    expect(events.at(-1)).toMatchObject({
      type: 'ws.close',
      conn: 'c1',
      code: 4000,
      reason: 'closed by protoo-server',
      extra: { by: 'server' },
    });
    expect(events.filter((e) => e.type === 'ws.open')).toHaveLength(1);
  });

  it('forwards a client close code and reason to the server', async () => {
    const received: { code: number; reason: string }[] = [];
    const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    cleanups.push(
      () =>
        new Promise<void>((r) => {
          wss.close(() => {
            r();
          });
        }),
    );
    wss.on('connection', (s) =>
      s.on('close', (code, reason) => received.push({ code, reason: reason.toString() })),
    );
    await new Promise((r) => wss.once('listening', r));
    const proxy = await proxyTo(`ws://127.0.0.1:${String((wss.address() as AddressInfo).port)}`);
    const ws = new WsClient(`${proxy.url}/x`);
    await new Promise((r) => ws.once('open', r));
    ws.close(4321, 'bye ✓');
    await expect.poll(() => received).toEqual([{ code: 4321, reason: 'bye ✓' }]);
    await expect.poll(() => proxy.capture.log.length).toBe(2);
    expect(proxy.capture.log.get(1)).toMatchObject({
      type: 'ws.close',
      code: 4321,
      reason: 'bye ✓',
      extra: { by: 'client' },
    });
  });

  it('keeps the capture intact on disk when the server is killed, and records the reconnect attempts', async () => {
    const child = await serverProcess();
    const url = `ws://127.0.0.1:${String(child.port)}`;
    const proxy = await proxyTo(url);
    const c = client(`${proxy.url}/?roomId=r&peerId=survivor`, 20);
    await opened(c);
    expect(await c.peer.request('before', { n: 1 })).toEqual({ echo: { n: 1 } });

    child.process.kill('SIGKILL');
    const log = proxy.capture.log;
    const count = (type: string) => [...log.events()].filter((e) => e.type === type).length;
    await expect.poll(() => count('ws.close'), { timeout: 5000 }).toBe(1);
    await expect.poll(() => count('ws.error'), { timeout: 5000 }).toBeGreaterThanOrEqual(3);
    expect(c.events).toContain('disconnected');

    // What is on disk now, while the client keeps trying: whole lines, zero errors.
    const disk = fileEvents(proxy.capturePath ?? '');
    expect(disk.errors).toBe(0);
    expect(disk.text.endsWith('\n')).toBe(true);
    const close = disk.events.find((e) => e.type === 'ws.close');
    expect(close).toMatchObject({ conn: 'c1', code: 1006, extra: { by: 'server' } });
    // Attempts after the close: the target is gone (refused, or reset while the dying
    // process still held its port).
    const errors = disk.events.filter((e) => e.type === 'ws.error' && e.seq > (close?.seq ?? 0));
    expect(errors.length).toBeGreaterThanOrEqual(2);
    for (const e of errors) {
      expect(e).toMatchObject({
        conn: 'c1',
        message: expect.stringMatching(
          /^could not reach the target ws:\/\/127\.0\.0\.1:\d+\/\?roomId=r&peerId=survivor: .*(ECONNREFUSED|ECONNRESET)/,
        ) as unknown,
        extra: { side: 'server' },
      });
    }
    expect(frames(disk.events, 'c1', 'out')).toHaveLength(1);
    expect(frames(disk.events, 'c1', 'in')).toHaveLength(1);

    // The server comes back on the same port: the client's next attempt opens c1 again.
    const again = await startProtooServer(child.port);
    cleanups.push(() => again.stop());
    await expect.poll(() => c.events.filter((e) => e === 'open').length, { timeout: 5000 }).toBe(2);
    expect(await c.peer.request('after', { n: 2 })).toEqual({ echo: { n: 2 } });
    const after = fileEvents(proxy.capturePath ?? '');
    expect(after.errors).toBe(0);
    const types = after.events.filter((e) => 'conn' in e && e.conn === 'c1').map((e) => e.type);
    expect(types[0]).toBe('ws.open');
    const reopen = types.lastIndexOf('ws.open');
    expect(reopen).toBeGreaterThan(types.indexOf('ws.close'));
    expect(types.slice(types.indexOf('ws.close') + 1, reopen).every((t) => t === 'ws.error')).toBe(
      true,
    );
    expect(frames(after.events, 'c1', 'out')).toEqual(sockets.flatMap((s) => s.sent));
  });

  it('passes a refusal from the target back with its status: 403 without the protoo subprotocol', async () => {
    const server = await protoo();
    const proxy = await proxyTo(server.url);
    const status = await handshakeStatus(`${proxy.url}/?roomId=r&peerId=x`);
    expect(status).toBe(403);
    const events = [...proxy.capture.log.events()];
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      type: 'ws.error',
      conn: 'c1',
      message: expect.stringContaining('403') as unknown,
      extra: { side: 'server', status: 403 },
    });
    expect(server.peers).toHaveLength(0);
  });

  it('passes a 400 from an HTTP server that refuses the upgrade', async () => {
    const http: Server = createServer();
    http.on('upgrade', (_req, socket) => {
      socket.end(
        'HTTP/1.1 400 Bad Request\r\nContent-Type: text/plain\r\nContent-Length: 7\r\n\r\nno room',
      );
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
    const proxy = await proxyTo(`ws://127.0.0.1:${String((http.address() as AddressInfo).port)}`);
    expect(await handshakeStatus(`${proxy.url}/`, ['protoo'])).toBe(400);
    expect(proxy.capture.log.get(0)).toMatchObject({
      type: 'ws.error',
      message: 'the target refused the upgrade: 400 Bad Request (no room)',
    });
    // A real protoo-client sees a failed attempt.
    const c = client(`${proxy.url}/?roomId=r&peerId=p`);
    await expect.poll(() => c.events).toContain('close');
    expect(c.events).not.toContain('open');
  });

  it('answers 502 when the target cannot be reached, and records why', async () => {
    const http = createServer();
    await new Promise<void>((r) => http.listen(0, '127.0.0.1', r));
    const port = (http.address() as AddressInfo).port;
    await new Promise<void>((r) =>
      http.close(() => {
        r();
      }),
    );
    const proxy = await proxyTo(`ws://127.0.0.1:${String(port)}`);
    expect(await handshakeStatus(`${proxy.url}/`, ['protoo'])).toBe(502);
    expect(proxy.capture.log.get(0)).toMatchObject({
      type: 'ws.error',
      message: expect.stringContaining('ECONNREFUSED') as unknown,
    });
  });

  it('forwards binary frames as binary and text as text, the exact bytes, with subprotocol, Origin, path and query', async () => {
    const seen: { url: string | undefined; origin: string | undefined; protocol: string }[] = [];
    const got: { data: Buffer; binary: boolean }[] = [];
    const wss = new WebSocketServer({
      host: '127.0.0.1',
      port: 0,
      skipUTF8Validation: true,
      handleProtocols: (protocols) => (protocols.has('protoo') ? 'protoo' : false),
    });
    cleanups.push(
      () =>
        new Promise<void>((r) => {
          wss.close(() => {
            r();
          });
        }),
    );
    wss.on('connection', (s, req) => {
      seen.push({ url: req.url, origin: req.headers.origin, protocol: s.protocol });
      // Sent at once: reaches the proxy before or while the client is being accepted.
      s.send('bienvenue ✓ 🎉');
      s.on('message', (data, binary) => {
        const bytes = Buffer.from(data as Buffer);
        got.push({ data: bytes, binary });
        s.send(bytes, { binary });
      });
    });
    await new Promise((r) => wss.once('listening', r));
    const proxy = await proxyTo(`ws://127.0.0.1:${String((wss.address() as AddressInfo).port)}`);
    const ws = new WsClient(`${proxy.url}/room/x?roomId=a%20b&peerId=z`, ['other', 'protoo'], {
      origin: 'https://app.example',
      skipUTF8Validation: true,
    });
    const back: { data: Buffer; binary: boolean }[] = [];
    ws.on('message', (data, binary) => back.push({ data: Buffer.from(data as Buffer), binary }));
    await new Promise((r) => ws.once('open', r));
    expect(ws.protocol).toBe('protoo');
    const binary = Buffer.from([0, 1, 2, 0xfe, 0xff, 0x80]);
    const text = Buffer.from('{"é":"ü","emoji":"🎉","nul":"\\u0000"}', 'utf8');
    ws.send(binary, { binary: true });
    ws.send(text, { binary: false });
    await expect.poll(() => back.length).toBe(3);
    // A text frame that is not UTF-8 is forwarded as it is, and recorded with its bytes.
    const broken = Buffer.from([0x7b, 0xc3, 0x28, 0xff, 0x7d]);
    ws.send(broken, { binary: false });
    await expect.poll(() => back.length).toBe(4);
    ws.close();

    expect(seen).toEqual([
      { url: '/room/x?roomId=a%20b&peerId=z', origin: 'https://app.example', protocol: 'protoo' },
    ]);
    expect(got).toEqual([
      { data: binary, binary: true },
      { data: text, binary: false },
      { data: broken, binary: false },
    ]);
    expect(back).toEqual([
      { data: Buffer.from('bienvenue ✓ 🎉'), binary: false },
      { data: binary, binary: true },
      { data: text, binary: false },
      { data: broken, binary: false },
    ]);
    const events = [...proxy.capture.log.events()];
    expect(events[0]).toMatchObject({
      type: 'ws.open',
      protocol: 'protoo',
      url: `${proxy.target.replace(/\/$/, '')}/room/x?roomId=a%20b&peerId=z`,
    });
    const lossy = broken.toString('utf8');
    expect(lossy).toBe('{\uFFFD(\uFFFD}');
    expect(frames(events, 'c1', 'out')).toEqual([
      `base64:${binary.toString('base64')}`,
      text.toString('utf8'),
      lossy,
    ]);
    expect(frames(events, 'c1', 'in')).toEqual([
      'bienvenue ✓ 🎉',
      `base64:${binary.toString('base64')}`,
      text.toString('utf8'),
      lossy,
    ]);
    const brokenFrames = events.filter((e) => e.type === 'ws.frame' && e.extra !== undefined);
    expect(brokenFrames.map((e) => e.extra)).toEqual([
      { invalidUtf8: true, bytesBase64: broken.toString('base64') },
      { invalidUtf8: true, bytesBase64: broken.toString('base64') },
    ]);
  });
});

describe('a wss:// target with a self-signed certificate', () => {
  it('is refused (502, the reason recorded) unless --insecure, then forwarded', async () => {
    const https = createHttpsServer({ cert: TEST_CERT, key: TEST_KEY });
    const wss = new WebSocketServer({
      server: https,
      handleProtocols: (protocols) => (protocols.has('protoo') ? 'protoo' : false),
    });
    wss.on('connection', (s) => {
      s.on('message', (data, binary) => {
        s.send(data as Buffer, { binary });
      });
    });
    await new Promise<void>((r) => https.listen(0, '127.0.0.1', r));
    cleanups.push(
      () =>
        new Promise<void>((r) => {
          for (const c of wss.clients) c.terminate();
          wss.close();
          https.close(() => {
            r();
          });
        }),
    );
    const target = `wss://127.0.0.1:${String((https.address() as AddressInfo).port)}`;

    const strict = await proxyTo(target, join(dir, 'strict.sscap.jsonl'));
    expect(await handshakeStatus(`${strict.url}/?peerId=s`, ['protoo'])).toBe(502);
    expect(strict.capture.log.get(0)).toMatchObject({
      type: 'ws.error',
      message: expect.stringMatching(
        /could not reach the target .*self-signed certificate/,
      ) as unknown,
    });

    const insecure = await startProxy({ target, listen: '127.0.0.1:0', insecure: true });
    cleanups.push(() => insecure.close());
    const ws = new WsClient(`${insecure.url}/?roomId=r&peerId=tls`, ['protoo']);
    cleanups.push(() => {
      ws.close();
    });
    const echoed = new Promise<string>((resolve) => {
      ws.once('message', (data) => {
        resolve(Buffer.from(data as Buffer).toString('utf8'));
      });
    });
    await new Promise((r) => ws.once('open', r));
    ws.send('{"request":true,"id":1,"method":"über","data":{}}');
    expect(await echoed).toBe('{"request":true,"id":1,"method":"über","data":{}}');
    expect(insecure.capture.log.get(0)).toMatchObject({
      type: 'ws.open',
      url: `${target}/?roomId=r&peerId=tls`,
      protocol: 'protoo',
    });
  });
});

/** The status a WebSocket handshake through the proxy got (101 when it opened). */
function handshakeStatus(url: string, protocols: string[] = []): Promise<number> {
  return new Promise((resolve, reject) => {
    const ws = new WsClient(url, protocols);
    ws.on('unexpected-response', (_req, res) => {
      resolve(res.statusCode ?? 0);
      ws.terminate();
    });
    ws.on('open', () => {
      resolve(101);
      ws.close();
    });
    ws.on('error', reject);
  });
}

/** A protoo-server in a child process, to be killed for real. */
async function serverProcess(): Promise<{ process: ChildProcess; port: number }> {
  const script = fileURLToPath(new URL('./testServerProcess.ts', import.meta.url));
  const child = spawn(process.execPath, [script], { stdio: ['ignore', 'pipe', 'inherit'] });
  cleanups.push(() => {
    child.kill('SIGKILL');
  });
  const port = await new Promise<number>((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const m = /listening (\d+)/.exec(out);
      if (m) resolve(Number(m[1]));
    });
    child.once('exit', (code) => {
      reject(new Error(`the server process exited (${String(code)})`));
    });
  });
  return { process: child, port };
}

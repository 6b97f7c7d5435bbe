/**
 * Proof against the real implementations (issue 3): protooPeerMachine vs protoo-client 4.0.8.
 *
 * Each scenario runs a real protoo-client `Peer` against a real protoo-server on 127.0.0.1
 * (ephemeral port). protoo-client gets its socket through the project's `websocket` shim
 * (`new globalThis.WebSocket(url, protocols)`), stubbed here with a recording wrapper around:
 * - WebSocket-Node's `w3cwebsocket` (upstream protoo-client's own dependency in Node; fires
 *   `error` + `close` 1006 for a failed attempt, as browsers do) for the main scenarios;
 * - Node's global WebSocket (undici) in the last test: undici 6 (Node 22) fires no `close` for
 *   a failed attempt; the shim adds the 1006 close, so protoo-client retries and reconnects
 *   (and so does the machine).
 *
 * It records in one ordered list, with times:
 * - what the socket did (`ws`): created, open, error, close {code, reason}, every frame sent
 *   and received with its decoded kind and id — recorded by a WebSocket subclass that the
 *   shim constructs in place of the global one;
 * - what the Peer emitted (`peer`): open, failed(attempt), disconnected, close, and how each
 *   request promise settled;
 * - what the test asked of the Peer (`api`): `peer.close()`.
 *
 * protoo's real delays (retries after 1, 2, 4, 8 … s; requests time out after 22.5 s) run on
 * Vitest's fake clock (`setTimeout`, `clearTimeout`, `Date` only), advanced while the real
 * socket I/O happens; every time below is `Date.now()` on that clock (0 = fake timers
 * installed). The machine has no retry options (protoo's defaults are built in), so the real
 * defaults are what runs here.
 *
 * Then the socket-level and api entries alone are translated into machine events, each one
 * preceded by `clock.tick { t }` (as the capture driver does), and stepped with the pure
 * stepper. The machine's trace (state entered, attempt, cycle, retry time, closedBy, requests
 * answered / timed out / rejected on close, with their times) must equal the trace read from
 * what the real Peer emitted, item by item.
 */
import { createRequire } from 'node:module';
import { createServer, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { setTimeout as realSleep } from 'node:timers/promises';
import protooClient, { type Peer as ClientPeerObject } from 'protoo-client';
import protooServer, { type Peer as ServerPeer } from 'protoo-server';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { SnapshotFrom } from 'xstate';
import { decode } from '../src/protocol/codec.ts';
import { createStepper } from './lib/stepper.ts';
import { protooPeerMachine, type ProtooPeerEvent } from './protooPeerMachine.ts';

type Snap = SnapshotFrom<typeof protooPeerMachine>;

// ---------------------------------------------------------------------------------------------
// The recording

type FrameKind = 'request' | 'success' | 'error' | 'notification' | 'invalid';

type Entry =
  | { readonly src: 'ws'; readonly type: 'create'; readonly conn: number }
  | { readonly src: 'ws'; readonly type: 'open'; readonly conn: number }
  | { readonly src: 'ws'; readonly type: 'error'; readonly conn: number }
  | {
      readonly src: 'ws';
      readonly type: 'close';
      readonly conn: number;
      readonly code: number;
      readonly reason: string;
      readonly wasClean: boolean;
    }
  | {
      readonly src: 'ws';
      readonly type: 'frame';
      readonly conn: number;
      readonly dir: 'out' | 'in';
      readonly kind: FrameKind;
      readonly id: number | undefined;
      readonly method: string | undefined;
    }
  | { readonly src: 'api'; readonly type: 'close' }
  | { readonly src: 'peer'; readonly type: 'open' | 'disconnected' | 'close' }
  | { readonly src: 'peer'; readonly type: 'failed'; readonly attempt: number }
  | {
      readonly src: 'peer';
      readonly type: 'resolved' | 'rejected';
      readonly method: string;
      readonly message: string | undefined;
    };

type Recorded = Entry & { readonly seq: number; readonly t: number };

class Recorder {
  readonly log: Recorded[] = [];
  push(entry: Entry): void {
    this.log.push({ ...entry, seq: this.log.length, t: Date.now() });
  }
  count(predicate: (entry: Recorded) => boolean): number {
    return this.log.filter(predicate).length;
  }
  peerEvents(type: string): Recorded[] {
    return this.log.filter((e) => e.src === 'peer' && e.type === type);
  }
  /** The id protoo-client gave the request it sent with `method` (methods are unique here). */
  idOf(method: string): number | undefined {
    for (const e of this.log) {
      if (e.src === 'ws' && e.type === 'frame' && e.dir === 'out' && e.method === method) {
        return e.id;
      }
    }
    return undefined;
  }
}

let recorder = new Recorder();
let connCount = 0;

/** What a socket event carries, for both socket implementations used here. */
interface SocketEvent {
  readonly code?: number;
  readonly reason?: string;
  readonly wasClean?: boolean;
  readonly data?: unknown;
}

type SocketHandler = ((event: SocketEvent) => void) | null;

interface SocketLike {
  onopen: SocketHandler;
  onclose: SocketHandler;
  onerror: SocketHandler;
  onmessage: SocketHandler;
  send(data: string): void;
}

type SocketConstructor = new (url: string, protocols?: string | string[]) => SocketLike;

/** Node's global WebSocket (undici), what the project's `websocket` shim returns in Node. */
const NodeWebSocket = globalThis.WebSocket as unknown as SocketConstructor;

/**
 * WebSocket-Node's `w3cwebsocket`: what upstream protoo-client `require('websocket')` gets in
 * Node (here the copy nested under protoo-server; the project overrides protoo-client's own).
 */
const WebSocketNodeW3C = (() => {
  const requireHere = createRequire(import.meta.url);
  const requireFromServer = createRequire(requireHere.resolve('protoo-server'));
  const websocketNode = requireFromServer('websocket') as { w3cwebsocket: unknown };
  return websocketNode.w3cwebsocket as SocketConstructor;
})();

function frameEntry(conn: number, dir: 'out' | 'in', data: unknown): Entry {
  const decoded = typeof data === 'string' ? decode(data) : undefined;
  return {
    src: 'ws',
    type: 'frame',
    conn,
    dir,
    kind: decoded?.kind ?? 'invalid',
    id: decoded !== undefined && 'id' in decoded ? decoded.id : undefined,
    method: decoded !== undefined && 'method' in decoded ? decoded.method : undefined,
  };
}

const HANDLERS = ['onopen', 'onerror', 'onclose', 'onmessage'] as const;

/**
 * A stand-in for `globalThis.WebSocket` (the shim calls `new globalThis.WebSocket(url,
 * protocols)`): builds an `Impl` socket and records each of its events just before the
 * handler protoo-client set runs, and each frame it sends, so the list is in causal order.
 */
function recordingSocket(Impl: SocketConstructor) {
  return function RecordingSocket(url: string, protocols?: string | string[]): SocketLike {
    const rec = recorder;
    const socket = new Impl(url, protocols);
    const conn = ++connCount;
    rec.push({ src: 'ws', type: 'create', conn });
    const handlers: Record<(typeof HANDLERS)[number], SocketHandler> = {
      onopen: null,
      onerror: null,
      onclose: null,
      onmessage: null,
    };
    const record: Record<(typeof HANDLERS)[number], (event: SocketEvent) => void> = {
      onopen: () => {
        rec.push({ src: 'ws', type: 'open', conn });
      },
      onerror: () => {
        rec.push({ src: 'ws', type: 'error', conn });
      },
      onclose: (event) => {
        const { code = 0, reason = '', wasClean = false } = event;
        rec.push({ src: 'ws', type: 'close', conn, code, reason, wasClean });
      },
      onmessage: (event) => {
        rec.push(frameEntry(conn, 'in', event.data));
      },
    };
    for (const name of HANDLERS) {
      const dispatcher = (event: SocketEvent): void => {
        record[name](event);
        handlers[name]?.call(socket, event);
      };
      // Through the implementation's own handler attribute, then shadowed on the instance:
      // protoo-client's assignments land in `handlers`, the dispatcher stays registered.
      socket[name] = dispatcher;
      Object.defineProperty(socket, name, {
        configurable: true,
        get: () => dispatcher,
        set: (handler: SocketHandler) => {
          handlers[name] = handler;
        },
      });
    }
    const send = socket.send.bind(socket);
    socket.send = (data: string) => {
      rec.push(frameEntry(conn, 'out', data));
      send(data);
    };
    return socket;
  };
}

interface ClientPeer {
  readonly peer: ClientPeerObject;
  /** Sends a request and records how its promise settles. */
  request(method: string): void;
  /** `peer.close()`, recorded as an api entry first. */
  close(): void;
}

function startClient(url: string): ClientPeer {
  const rec = recorder;
  const peer = new protooClient.Peer(new protooClient.WebSocketTransport(url));
  peer.on('open', () => {
    rec.push({ src: 'peer', type: 'open' });
  });
  peer.on('disconnected', () => {
    rec.push({ src: 'peer', type: 'disconnected' });
  });
  peer.on('close', () => {
    rec.push({ src: 'peer', type: 'close' });
  });
  peer.on('failed', (attempt) => {
    rec.push({ src: 'peer', type: 'failed', attempt });
  });
  const client: ClientPeer = {
    peer,
    request(method) {
      peer.request(method).then(
        () => {
          rec.push({ src: 'peer', type: 'resolved', method, message: undefined });
        },
        (error: unknown) => {
          const message = error instanceof Error ? error.message : String(error);
          rec.push({ src: 'peer', type: 'rejected', method, message });
        },
      );
    },
    close() {
      rec.push({ src: 'api', type: 'close' });
      peer.close();
    },
  };
  cleanups.push(() => {
    peer.close();
  });
  return client;
}

// ---------------------------------------------------------------------------------------------
// The server

interface TestServer {
  readonly port: number;
  readonly url: string;
  /** Server-side peers, in connection order. */
  readonly peers: ServerPeer[];
  /** Requests the server received (it answers only methods starting with `answer`). */
  readonly requests: string[];
  /** Kills it as a crash would: WebSocket server unmounted, HTTP server closed, sockets destroyed. */
  crash(): Promise<void>;
}

interface ServerOptions {
  readonly port?: number;
  readonly reject?: { readonly code: number; readonly reason: string };
}

async function startServer(options: ServerOptions = {}): Promise<TestServer> {
  const http: Server = createServer();
  const sockets = new Set<Socket>();
  http.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  // No keepalive pings: WebSocket-Node's ping timers would run on the fake clock too.
  const wsServer = new protooServer.WebSocketServer(http, { keepalive: false });
  const room = new protooServer.Room();
  const peers: ServerPeer[] = [];
  const requests: string[] = [];
  wsServer.on('connectionrequest', (_info, accept, reject) => {
    if (options.reject) {
      reject(options.reject.code, options.reject.reason);
      return;
    }
    const peer = room.createPeer(`peer-${peers.length + 1}`, accept());
    peers.push(peer);
    peer.on('request', (request, answer) => {
      requests.push(request.method);
      // Any other method is left unanswered: the client must time out.
      if (request.method.startsWith('answer')) answer({ echo: request.method });
    });
  });
  await new Promise<void>((resolve, reject) => {
    http.once('error', reject);
    http.listen(options.port ?? 0, '127.0.0.1', () => {
      resolve();
    });
  });
  const port = (http.address() as AddressInfo).port;
  let down = false;
  const crash = async (): Promise<void> => {
    if (down) return;
    down = true;
    wsServer.stop();
    const closed = new Promise<void>((resolve) => {
      http.close(() => {
        resolve();
      });
    });
    for (const socket of sockets) socket.destroy();
    await closed;
  };
  cleanups.push(crash);
  return { port, url: `ws://127.0.0.1:${port}/?roomId=r&peerId=p`, peers, requests, crash };
}

// ---------------------------------------------------------------------------------------------
// Driving real I/O on a fake clock

const cleanups: (() => void | Promise<void>)[] = [];

/** Waits (real time, fake clock standing still) until `predicate` holds. */
async function until(predicate: () => boolean, what: string, ms = 5000): Promise<void> {
  const end = performance.now() + ms;
  while (!predicate()) {
    if (performance.now() > end) {
      throw new Error(`timed out waiting for ${what}\n${formatLog(recorder.log)}`);
    }
    await realSleep(1);
  }
}

/** Advances the fake clock timer by timer until a new socket has been created. */
async function advanceToNextAttempt(): Promise<void> {
  const before = recorder.count((e) => e.src === 'ws' && e.type === 'create');
  for (let i = 0; i < 20; i++) {
    if (vi.getTimerCount() === 0) break;
    await vi.advanceTimersToNextTimerAsync();
    if (recorder.count((e) => e.src === 'ws' && e.type === 'create') > before) return;
  }
  throw new Error(`no new attempt\n${formatLog(recorder.log)}`);
}

const socketsCreated = (): number => recorder.count((e) => e.src === 'ws' && e.type === 'create');
const failedCount = (): number => recorder.peerEvents('failed').length;
const emitted = (type: string) => (): boolean => recorder.peerEvents(type).length > 0;
const settled = (method: string) => (): boolean =>
  recorder.log.some(
    (e) =>
      e.src === 'peer' && (e.type === 'resolved' || e.type === 'rejected') && e.method === method,
  );

beforeEach(() => {
  recorder = new Recorder();
  connCount = 0;
  useSocket(WebSocketNodeW3C);
});

function useSocket(Impl: SocketConstructor): void {
  vi.stubGlobal('WebSocket', recordingSocket(Impl));
}

afterEach(async () => {
  vi.useRealTimers();
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  vi.unstubAllGlobals();
});

function useFakeClock(): void {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'], now: 0 });
}

// ---------------------------------------------------------------------------------------------
// Traces: what the real Peer emitted, and what the machine did

function formatEntry(e: Recorded): string {
  const head = `#${e.seq} t=${e.t} ${e.src}.${e.type}`;
  switch (e.type) {
    case 'create':
    case 'open':
    case 'error':
      return e.src === 'ws' ? `${head} conn=${e.conn}` : head;
    case 'close':
      return e.src === 'ws'
        ? `${head} conn=${e.conn} code=${e.code} reason=${JSON.stringify(e.reason)} clean=${e.wasClean}`
        : head;
    case 'frame':
      return `${head} conn=${e.conn} ${e.dir} ${e.kind} id=${e.id ?? '-'} ${e.method ?? ''}`;
    case 'failed':
      return `${head}(${e.attempt})`;
    case 'resolved':
    case 'rejected':
      return `${head} ${e.method} ${e.message ?? ''}`;
    default:
      return head;
  }
}

function formatLog(log: readonly Recorded[]): string {
  return log.map(formatEntry).join('\n');
}

interface TraceItem {
  readonly t: number;
  readonly what: string;
}

const byTime = (items: TraceItem[]): string[] =>
  items
    .map((item, order) => ({ ...item, order }))
    .sort((a, b) => a.t - b.t || a.order - b.order)
    .map((item) => `t=${item.t} ${item.what}`);

/** The trace read from the real Peer's events (cycle and attempt counted from them). */
function realTrace(log: readonly Recorded[]): string[] {
  const items: TraceItem[] = [];
  let cycle = 1;
  let lastFailed = 0;
  let localClose = false;
  let previous: Recorded | undefined;
  for (const e of log) {
    if (e.src === 'api') localClose = true;
    if (e.src !== 'peer') continue;
    switch (e.type) {
      case 'open':
        items.push({ t: e.t, what: `open cycle=${cycle} attempt=${lastFailed + 1}` });
        lastFailed = 0;
        break;
      case 'failed': {
        const next = log.find((n) => n.seq > e.seq && n.src === 'ws' && n.type === 'create');
        lastFailed = e.attempt;
        items.push({
          t: e.t,
          what: `failed(${e.attempt}) cycle=${cycle} retryAt=${next?.t ?? 'none'}`,
        });
        break;
      }
      case 'disconnected':
        cycle++;
        lastFailed = 0;
        items.push({ t: e.t, what: `disconnected cycle=${cycle}` });
        break;
      case 'close': {
        const by = localClose ? 'local' : previous?.type === 'failed' ? 'retries' : 'server';
        items.push({ t: e.t, what: `close by=${by}` });
        break;
      }
      case 'resolved':
      case 'rejected': {
        const id = recorder.idOf(e.method);
        const label =
          e.message === 'request timeout'
            ? 'timeout'
            : e.message === 'peer closed'
              ? 'rejected-on-close'
              : 'response';
        items.push({ t: e.t, what: `${label} id=${id ?? '?'} ${e.method}` });
        break;
      }
    }
    previous = e;
  }
  return byTime(items);
}

/** Socket-level and api entries as machine events, each after a tick with its time. */
function machineInput(e: Recorded): ProtooPeerEvent[] | undefined {
  if (e.src === 'peer') return undefined;
  const tick: ProtooPeerEvent = { type: 'clock.tick', t: e.t };
  if (e.src === 'api') return [tick, { type: 'peer.close' }];
  switch (e.type) {
    case 'open':
      return [tick, { type: 'ws.open' }];
    case 'close':
      return [tick, { type: 'ws.close', code: e.code, reason: e.reason }];
    case 'error':
      return [tick, { type: 'ws.error' }];
    case 'frame':
      if (e.dir === 'out' && e.kind === 'request' && e.id !== undefined) {
        return [tick, { type: 'protoo.request.sent', id: e.id, method: e.method ?? '' }];
      }
      if (e.dir === 'in' && (e.kind === 'success' || e.kind === 'error') && e.id !== undefined) {
        return [tick, { type: 'protoo.response.received', id: e.id, ok: e.kind === 'success' }];
      }
      return [tick];
    case 'create':
      return [tick];
  }
}

interface MachineRun {
  readonly trace: string[];
  readonly final: Snap;
}

/** Steps the machine through the recording's socket-level entries; reads its trace. */
function runMachine(log: readonly Recorded[], endTime: number): MachineRun {
  // One machine event per stepper index, so each change has exactly one cause.
  const inputs: ProtooPeerEvent[] = log.flatMap((e) => machineInput(e) ?? []);
  // The capture ends at endTime: one last tick lets deadlines that passed show.
  inputs.push({ type: 'clock.tick', t: endTime });
  const stepper = createStepper(protooPeerMachine, (i) => inputs[i], inputs.length, { every: 1 });
  const items: TraceItem[] = [];
  for (let i = 0; i < inputs.length; i++) {
    const before = stepper.snapshotAt(i - 1);
    const after = stepper.snapshotAt(i);
    const c = after.context;
    const input = inputs[i];
    for (const [key, request] of Object.entries(before.context.pending)) {
      if (key in c.pending) continue;
      if (input?.type === 'protoo.response.received') {
        items.push({ t: c.now, what: `response id=${key} ${request.method}` });
      } else if (input?.type === 'peer.close') {
        items.push({ t: c.now, what: `rejected-on-close id=${key} ${request.method}` });
      } else {
        items.push({ t: request.deadline, what: `timeout id=${key} ${request.method}` });
      }
    }
    if (after.value === before.value) continue;
    switch (after.value) {
      case 'open':
        items.push({ t: c.now, what: `open cycle=${c.cycle} attempt=${c.attempt}` });
        break;
      case 'failed':
        items.push({
          t: c.now,
          what: `failed(${c.attempt}) cycle=${c.cycle} retryAt=${c.nextAttemptAt ?? 'none'}`,
        });
        break;
      case 'reconnecting':
        if (before.value === 'open') {
          items.push({ t: c.now, what: `disconnected cycle=${c.cycle}` });
        }
        break;
      case 'closed':
        if (c.closedBy === 'retries') {
          items.push({ t: c.now, what: `failed(${c.attempt}) cycle=${c.cycle} retryAt=none` });
        }
        items.push({ t: c.now, what: `close by=${c.closedBy ?? '?'}` });
        break;
    }
  }
  return { trace: byTime(items), final: stepper.final };
}

/** The comparison every scenario ends with. */
function expectMachineMatchesRealPeer(): MachineRun {
  const log = recorder.log;
  const endTime = Date.now();
  const real = realTrace(log);
  const machine = runMachine(log, endTime);
  const listing = `recorded events:\n${formatLog(log)}`;
  expect(machine.trace, listing).toEqual(real);
  // Counters agree with the raw socket events and the Peer's events.
  const c = machine.final.context;
  expect(c.opens, listing).toBe(recorder.peerEvents('open').length);
  expect(c.disconnects, listing).toBe(recorder.peerEvents('disconnected').length);
  expect(c.failures, listing).toBe(recorder.peerEvents('failed').length);
  expect(c.errors, listing).toBe(recorder.count((e) => e.src === 'ws' && e.type === 'error'));
  return machine;
}

// ---------------------------------------------------------------------------------------------
// Scenarios

describe(
  'protooPeerMachine vs real protoo-client 4.0.8 + protoo-server 4.0.8',
  { timeout: 20_000 },
  () => {
    it('connects; a request is answered; two unanswered requests time out after 22.5 s and 22.65 s', async () => {
      const server = await startServer();
      useFakeClock();
      const client = startClient(server.url);
      await until(emitted('open'), 'open');

      client.request('answer.first');
      await until(settled('answer.first'), 'the answered request');

      await vi.advanceTimersByTimeAsync(1000);
      client.request('ignored.first');
      await vi.advanceTimersByTimeAsync(100);
      // Sent while one request is pending: 1500 · (15 + 0.1 · 1) ms.
      client.request('ignored.second');
      await until(() => server.requests.length === 3, 'the server to get 3 requests');

      await vi.advanceTimersByTimeAsync(25_000);
      await until(settled('ignored.second'), 'the second timeout');
      await vi.advanceTimersByTimeAsync(1000);
      client.close();

      // The real behaviour, on its own terms.
      const rejected = recorder.peerEvents('rejected');
      expect(rejected.map((e) => (e.type === 'rejected' ? e.message : ''))).toEqual([
        'request timeout',
        'request timeout',
      ]);
      expect(rejected.map((e) => e.t)).toEqual([1000 + 22_500, 1100 + 22_650]);
      expect(recorder.peerEvents('resolved').map((e) => e.t)).toEqual([0]);

      const { final } = expectMachineMatchesRealPeer();
      expect(final.value).toBe('closed');
      expect(final.context.closedBy).toBe('local');
      expect(final.context.timedOut).toBe(2);
      expect(final.context.answered).toBe(1);
    });

    it('server crash while open → disconnected, failed(1..3) while down, open again after restart; the pending request still times out', async () => {
      const first = await startServer();
      useFakeClock();
      const client = startClient(first.url);
      await until(emitted('open'), 'open');

      await vi.advanceTimersByTimeAsync(500);
      client.request('ignored.across-reconnect');
      await until(() => first.requests.length === 1, 'the server to get the request');
      await vi.advanceTimersByTimeAsync(500);

      await first.crash();
      await until(() => failedCount() === 1, 'disconnected and failed(1)');
      await advanceToNextAttempt();
      await until(() => failedCount() === 2, 'failed(2)');
      await advanceToNextAttempt();
      await until(() => failedCount() === 3, 'failed(3)');

      // Back on the same port during the 4 s wait after attempt 3.
      await vi.advanceTimersByTimeAsync(2000);
      const second = await startServer({ port: first.port });
      await advanceToNextAttempt();
      await until(() => recorder.peerEvents('open').length === 2, 'open again');

      await vi.advanceTimersByTimeAsync(15_000);
      await until(settled('ignored.across-reconnect'), 'the timeout');
      await vi.advanceTimersByTimeAsync(1000);
      client.close();

      // The real behaviour, on its own terms.
      const peerSequence = recorder.log
        .filter((e) => e.src === 'peer')
        .map((e) => (e.type === 'failed' ? `failed(${e.attempt})@${e.t}` : `${e.type}@${e.t}`));
      expect(peerSequence).toEqual([
        'open@0',
        'disconnected@1000',
        'failed(1)@1000',
        'failed(2)@2000',
        'failed(3)@4000',
        'open@8000',
        'rejected@23000',
        'close@24000',
      ]);
      expect(second.peers).toHaveLength(1);

      const { final } = expectMachineMatchesRealPeer();
      expect(final.context.cycle).toBe(2);
      expect(final.context.timedOut).toBe(1);
    });

    it('server closes the peer (4000) → close, no retry', async () => {
      const server = await startServer();
      useFakeClock();
      startClient(server.url);
      await until(emitted('open'), 'open');
      await vi.advanceTimersByTimeAsync(1000);

      server.peers[0]?.close();
      await until(emitted('close'), 'close');
      // Nothing more happens, however long we wait.
      await vi.advanceTimersByTimeAsync(70_000);
      await realSleep(20);

      expect(socketsCreated()).toBe(1);
      const closeCodes = recorder.log.flatMap((e) =>
        e.src === 'ws' && e.type === 'close' ? [e.code] : [],
      );
      expect(closeCodes).toEqual([4000]);
      expect(recorder.peerEvents('failed')).toHaveLength(0);
      expect(recorder.peerEvents('disconnected')).toHaveLength(0);

      const { final } = expectMachineMatchesRealPeer();
      expect(final.context.closedBy).toBe('server');
    });

    it("handshake rejected (403 'nope') → failed(1..11) on 1, 2, 4, 8, 8 … s, then close", async () => {
      const server = await startServer({ reject: { code: 403, reason: 'nope' } });
      useFakeClock();
      startClient(server.url);
      for (let n = 1; n <= 11; n++) {
        await until(() => failedCount() === n, `failed(${n})`);
        if (n < 11) await advanceToNextAttempt();
      }
      await until(emitted('close'), 'close');
      await vi.advanceTimersByTimeAsync(70_000);
      await realSleep(20);

      expect(socketsCreated()).toBe(11);
      expect(recorder.peerEvents('failed').map((e) => e.t)).toEqual([
        0, 1000, 3000, 7000, 15_000, 23_000, 31_000, 39_000, 47_000, 55_000, 63_000,
      ]);
      expect(recorder.peerEvents('close').map((e) => e.t)).toEqual([63_000]);

      const { final } = expectMachineMatchesRealPeer();
      expect(final.context.closedBy).toBe('retries');
      expect(final.context.attempt).toBe(11);
    });
  },
);

describe("protoo-client over Node's global WebSocket (what the project's `websocket` shim gives it in Node)", () => {
  // undici 6 (Node 22) fires `error` but never `close` when a connection fails before opening
  // (nodejs/undici#3546, fixed in undici 7 by nodejs/undici#3566 / #3628). protoo-client only
  // retries from `onclose`, so on its own the first failed attempt would stall it for good.
  // The shim (shims/websocket) delivers the close a browser would (1006, 50 ms after the
  // error); protoo-client then fails the attempt, retries on its schedule and reconnects. The
  // machine, fed the same socket events, must agree.
  it(
    `undici ${process.versions.undici ?? '?'}: after a crash, the refused attempt closes (the shim) and protoo-client reconnects`,
    {
      timeout: 20_000,
    },
    async () => {
      useSocket(NodeWebSocket);
      const first = await startServer();
      useFakeClock();
      startClient(first.url);
      await until(emitted('open'), 'open');
      await vi.advanceTimersByTimeAsync(1000);

      await first.crash();
      await until(emitted('disconnected'), 'disconnected');
      await until(
        () => recorder.count((e) => e.src === 'ws' && e.type === 'error') === 1,
        'the refused attempt',
      );
      await vi.advanceTimersByTimeAsync(100);
      await until(emitted('failed'), 'failed');
      const second = await startServer({ port: first.port });
      await vi.advanceTimersByTimeAsync(2000);
      await until(() => recorder.peerEvents('open').length === 2, 'open again');

      const log = recorder.log.map((e) =>
        e.src === 'ws' ? `ws.${e.type}#${String(e.conn)}` : `${e.src}.${e.type}`,
      );
      expect(log.slice(0, 9)).toEqual([
        'ws.create#1',
        'ws.open#1',
        'peer.open',
        'ws.close#1',
        'peer.disconnected',
        'ws.create#2',
        'ws.error#2',
        'ws.close#2',
        'peer.failed',
      ]);
      expect(log.slice(-3)).toEqual(['ws.create#3', 'ws.open#3', 'peer.open']);
      const refused = recorder.log.find(
        (e) => e.src === 'ws' && e.type === 'close' && e.conn === 2,
      );
      expect(refused).toMatchObject({ code: 1006, wasClean: false });
      expect(second.peers).toHaveLength(1);

      const { final } = expectMachineMatchesRealPeer();
      expect(final.value).toBe('open');
      expect(final.context.cycle).toBe(2);
      expect(final.context.attempt).toBe(2);
    },
  );
});

/**
 * The demo room server (docs/demo-server.md): one HTTP server on 127.0.0.1 that speaks
 * - `/?roomId=&peerId=` — mediasoup-demo over protoo, legacy or new dialect per room;
 * - `/mesh?roomId=` — the mesh-room relay;
 * - `/two-party` — the two-party room;
 * - `/api/…` — rooms and fault switches as JSON.
 */
import { EventEmitter } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import protooServer from 'protoo-server';
import { WebSocketServer } from 'ws';
import type { Dialect } from './dialect.ts';
import {
  FaultBodyError,
  FaultRules,
  parseFaultBody,
  type FaultBody,
  type FaultRule,
} from './faults.ts';
import { MediasoupRoom, type PeerSummary, type PerformedAction } from './mediasoupRoom.ts';
import { MeshRoom, requestedMeshId } from './meshRoom.ts';
import { messageOf } from './payload.ts';
import { TwoPartyHub } from './twoPartyRoom.ts';

export interface DemoServerOptions {
  /** Default 4443; 0 picks a free port. */
  readonly port?: number;
  /** Only `127.0.0.1` or `localhost` (both bind 127.0.0.1). */
  readonly host?: string;
  /** Seeds every id and the bots' schedules. Default `signalscope`. */
  readonly seed?: string;
  /** Bots in {@link DemoServerOptions.botRoom} (default 3); other rooms get `bots=N` from their first URL. */
  readonly bots?: number;
  /** The room that has bots without asking. Default `demo`. */
  readonly botRoom?: string;
  /** Period of the bots' schedule in ms (default 1500); 0 = only `rooms.mediasoup(id).tick()`. */
  readonly botIntervalMs?: number;
  /** New dialect: close a peer that has not joined after this long (default 10000; 0 = never). */
  readonly joinTimeoutMs?: number;
  /** How long to wait for a client's answer to newConsumer (default 30000, protoo-server's). */
  readonly consumerTimeoutMs?: number;
  /** The secret applyNetworkThrottle wants; absent = every throttle request is refused. */
  readonly throttleSecret?: string;
  /** Log lines (default: none). */
  readonly log?: (line: string) => void;
}

export type RoomSummary =
  | {
      readonly roomId: string;
      readonly protocol: 'mediasoup';
      readonly dialect: Dialect;
      readonly peers: readonly PeerSummary[];
      readonly faults: readonly FaultRule[];
    }
  | {
      readonly roomId: string;
      readonly protocol: 'mesh';
      readonly online: readonly (number | string)[];
      readonly bots: readonly (number | string)[];
    }
  | {
      readonly roomId: string;
      readonly protocol: 'two-party';
      readonly clients: readonly string[];
    };

/** What a fault request answers: the rules now in force and the actions taken. */
export interface FaultReport {
  readonly roomId: string;
  readonly rules: readonly FaultRule[];
  readonly performed: readonly PerformedAction[];
}

export interface DemoServer {
  /** `ws://127.0.0.1:<port>` */
  readonly url: string;
  /** The bot room's URL without a peerId: `ws://127.0.0.1:<port>/?roomId=demo`. */
  readonly demoUrl: string;
  readonly port: number;
  close(): Promise<void>;
  readonly faults: {
    /** Applies a fault body (validated; throws FaultBodyError) to a room, alive or not yet. */
    set(roomId: string, body: unknown): FaultReport;
    get(roomId: string): FaultReport;
    /** Removes every rule of the room and stops its floods. */
    clear(roomId: string): FaultReport;
  };
  readonly rooms: {
    list(): RoomSummary[];
    mediasoup(roomId: string): MediasoupRoom | undefined;
    mesh(roomId: string): MeshRoom | undefined;
  };
}

export const DEFAULT_PORT = 4443;
const MAX_BODY = 64 * 1024;
const MAX_BOTS = 10;
const HOSTS = ['127.0.0.1', 'localhost'];

function botsParam(value: string | null): number | undefined {
  if (value === null || !/^\d+$/.test(value)) return undefined;
  return Math.min(MAX_BOTS, Number(value));
}

function rejectUpgrade(socket: Duplex, status: number, text: string): void {
  socket.end(
    `HTTP/1.1 ${String(status)} ${text}\r\nConnection: close\r\nContent-Type: text/plain\r\n` +
      `Content-Length: ${String(Buffer.byteLength(text))}\r\n\r\n${text}`,
  );
}

/** CORS for pages served from this machine only (the app's dev server, a preview). */
function allowedOrigin(origin: string | undefined): string | undefined {
  if (origin === undefined) return undefined;
  try {
    const u = new URL(origin);
    return u.hostname === '127.0.0.1' || u.hostname === 'localhost' ? origin : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Starts the demo room server on 127.0.0.1.
 *
 * @example
 * const server = await startDemoServer({ port: 0, bots: 2 });
 * server.demoUrl; // 'ws://127.0.0.1:38211/?roomId=demo'
 * await server.close();
 */
export async function startDemoServer(options: DemoServerOptions = {}): Promise<DemoServer> {
  const host = options.host ?? '127.0.0.1';
  if (!HOSTS.includes(host)) {
    throw new Error(`the demo server listens on 127.0.0.1 only (asked for "${host}")`);
  }
  const seed = options.seed ?? 'signalscope';
  const botRoom = options.botRoom ?? 'demo';
  const log = options.log ?? (() => undefined);
  const faultRules = new Map<string, FaultRules>();
  const mediasoupRooms = new Map<string, MediasoupRoom>();
  const meshRooms = new Map<string, MeshRoom>();
  const generations = new Map<string, number>();
  const sockets = new Set<Socket>();
  const twoParty = new TwoPartyHub({ seed, log });

  const rulesOf = (roomId: string): FaultRules => {
    let rules = faultRules.get(roomId);
    if (!rules) {
      rules = new FaultRules();
      faultRules.set(roomId, rules);
    }
    return rules;
  };
  const generation = (key: string): number => {
    const n = (generations.get(key) ?? 0) + 1;
    generations.set(key, n);
    return n;
  };

  const mediasoupRoom = (roomId: string, params: URLSearchParams): MediasoupRoom => {
    const existing = mediasoupRooms.get(roomId);
    if (existing && !existing.closed) return existing;
    const dialect: Dialect = params.get('dialect') === 'new' ? 'new' : 'legacy';
    const room: MediasoupRoom = new MediasoupRoom({
      roomId,
      dialect,
      seed: `${seed}:${roomId}:${String(generation(`mediasoup:${roomId}`))}`,
      bots: botsParam(params.get('bots')) ?? (roomId === botRoom ? (options.bots ?? 3) : 0),
      tickMs: options.botIntervalMs ?? 1500,
      joinTimeoutMs: options.joinTimeoutMs ?? 10_000,
      consumerTimeoutMs: options.consumerTimeoutMs ?? 30_000,
      throttleSecret: options.throttleSecret,
      faults: rulesOf(roomId),
      log,
      onClose: () => {
        if (mediasoupRooms.get(roomId) === room) mediasoupRooms.delete(roomId);
      },
    });
    mediasoupRooms.set(roomId, room);
    log(`room ${roomId}: created (${dialect} dialect)`);
    return room;
  };

  const http: Server = createServer((req, res) => {
    handleHttp(req, res);
  });
  http.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });

  // protoo-server mounts WebSocket-Node on whatever emits `upgrade`: here only the
  // upgrades whose path is `/` reach it.
  const protooUpgrades = new EventEmitter();
  const protoo = new protooServer.WebSocketServer(protooUpgrades as unknown as Server, {
    maxReceivedFrameSize: 960_000,
    maxReceivedMessageSize: 960_000,
  });
  protoo.on('connectionrequest', (info, accept, reject) => {
    const url = new URL(info.request.url ?? '/', 'http://127.0.0.1');
    const roomId = url.searchParams.get('roomId');
    const peerId = url.searchParams.get('peerId');
    if (!roomId || !peerId) {
      reject(400, 'Connection request without roomId and/or peerId');
      return;
    }
    const room = mediasoupRoom(roomId, url.searchParams);
    const replicas = Number(url.searchParams.get('consumerReplicas') ?? 0);
    room.connect(peerId, accept(), {
      remoteAddress: info.socket.remoteAddress ?? '127.0.0.1',
      socket: info.socket,
      consumerReplicas: Number.isInteger(replicas) ? Math.max(0, Math.min(5, replicas)) : 0,
    });
    log(`room ${roomId}: ${peerId} connected`);
  });

  const rooms = new WebSocketServer({ noServer: true, maxPayload: 1024 * 1024 });
  http.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const path = url.pathname;
    if (path === '/') {
      protooUpgrades.emit('upgrade', req, socket, head);
      return;
    }
    if (path === '/mesh') {
      const roomId = url.searchParams.get('roomId');
      if (!roomId) {
        rejectUpgrade(socket, 400, 'Bad Request');
        return;
      }
      rooms.handleUpgrade(req, socket, head, (ws) => {
        let room = meshRooms.get(roomId);
        if (!room) {
          const created: MeshRoom = new MeshRoom({
            roomId,
            seed: `${seed}:${roomId}:${String(generation(`mesh:${roomId}`))}`,
            bots: botsParam(url.searchParams.get('bots')) ?? 0,
            log,
            onClose: () => {
              if (meshRooms.get(roomId) === created) meshRooms.delete(roomId);
            },
          });
          meshRooms.set(roomId, created);
          room = created;
        }
        const asked = requestedMeshId(url.searchParams.get('id') ?? url.searchParams.get('peerId'));
        room.connect(ws, asked);
      });
      return;
    }
    if (path === '/two-party') {
      rooms.handleUpgrade(req, socket, head, (ws) => {
        twoParty.connect(ws);
      });
      return;
    }
    rejectUpgrade(socket, 404, 'Not Found');
  });

  const report = (roomId: string, performed: readonly PerformedAction[] = []): FaultReport => ({
    roomId,
    rules: faultRules.get(roomId)?.list() ?? [],
    performed,
  });

  const faults: DemoServer['faults'] = {
    set(roomId, value) {
      const body: FaultBody = parseFaultBody(value);
      rulesOf(roomId).apply(body);
      const room = mediasoupRooms.get(roomId);
      const plans = room?.planActions(body) ?? [];
      for (const plan of plans) plan.run();
      log(`room ${roomId}: faults set ${JSON.stringify(body)}`);
      return report(
        roomId,
        plans.map((p) => p.summary),
      );
    },
    get: (roomId) => report(roomId),
    clear(roomId) {
      faultRules.get(roomId)?.clear();
      mediasoupRooms.get(roomId)?.stopFloods();
      return report(roomId);
    },
  };

  const list = (): RoomSummary[] => [
    ...[...mediasoupRooms.values()].map((room): RoomSummary => ({
      roomId: room.id,
      protocol: 'mediasoup',
      dialect: room.dialect,
      peers: room.peers(),
      faults: faultRules.get(room.id)?.list() ?? [],
    })),
    ...[...meshRooms.values()].map((room): RoomSummary => ({
      roomId: room.id,
      protocol: 'mesh',
      online: room.online(),
      bots: room.botIds,
    })),
    ...[...twoParty.rooms()].map(([roomId, clients]): RoomSummary => ({
      roomId,
      protocol: 'two-party',
      clients,
    })),
  ];

  function sendJson(res: ServerResponse, status: number, value: unknown): void {
    const text = JSON.stringify(value, null, 2);
    res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8' });
    res.end(`${text}\n`);
  }

  function readBody(req: IncomingMessage): Promise<unknown> {
    return new Promise((resolve, reject) => {
      const chunks: Buffer[] = [];
      let size = 0;
      req.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > MAX_BODY) {
          reject(new FaultBodyError('the body is larger than 64 KiB'));
          req.destroy();
          return;
        }
        chunks.push(chunk);
      });
      req.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        if (text.trim() === '') {
          resolve({});
          return;
        }
        try {
          resolve(JSON.parse(text) as unknown);
        } catch (error) {
          reject(new FaultBodyError(`the body is not JSON: ${messageOf(error)}`));
        }
      });
      req.on('error', reject);
    });
  }

  function handleHttp(req: IncomingMessage, res: ServerResponse): void {
    const origin = allowedOrigin(req.headers.origin);
    if (origin !== undefined) {
      res.setHeader('Access-Control-Allow-Origin', origin);
      res.setHeader('Vary', 'Origin');
    }
    if (req.method === 'OPTIONS') {
      res.writeHead(204, {
        'Access-Control-Allow-Methods': 'GET, POST, DELETE, OPTIONS',
        'Access-Control-Allow-Headers': 'Content-Type',
      });
      res.end();
      return;
    }
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const parts = url.pathname.split('/').filter((p) => p !== '');
    if (url.pathname === '/' && req.method === 'GET') {
      res.writeHead(200, { 'Content-Type': 'text/plain; charset=utf-8' });
      res.end(
        [
          'signalscope demo room server',
          `mediasoup-demo (protoo): ws://127.0.0.1:${String(port)}/?roomId=${botRoom}&peerId=<id>[&dialect=new]`,
          `mesh room:               ws://127.0.0.1:${String(port)}/mesh?roomId=<room>`,
          `two-party room:          ws://127.0.0.1:${String(port)}/two-party`,
          `rooms and faults:        http://127.0.0.1:${String(port)}/api/rooms`,
          '',
        ].join('\n'),
      );
      return;
    }
    if (parts[0] !== 'api' || parts[1] !== 'rooms' || parts.length > 4) {
      sendJson(res, 404, { error: `no such path: ${url.pathname}` });
      return;
    }
    const roomId = parts[2] === undefined ? undefined : decodeURIComponent(parts[2]);
    if (roomId === undefined) {
      if (req.method !== 'GET') {
        sendJson(res, 405, { error: 'use GET' });
        return;
      }
      sendJson(res, 200, { rooms: list() });
      return;
    }
    if (parts[3] === undefined) {
      const room = list().find((r) => r.roomId === roomId);
      if (room === undefined) sendJson(res, 404, { error: `no room "${roomId}"` });
      else sendJson(res, 200, room);
      return;
    }
    if (parts[3] !== 'faults') {
      sendJson(res, 404, { error: `no such path: ${url.pathname}` });
      return;
    }
    switch (req.method) {
      case 'GET':
        sendJson(res, 200, faults.get(roomId));
        return;
      case 'DELETE':
        sendJson(res, 200, faults.clear(roomId));
        return;
      case 'POST':
        readBody(req).then(
          (body) => {
            try {
              sendJson(res, 200, faults.set(roomId, body));
            } catch (error) {
              sendJson(res, error instanceof FaultBodyError ? 400 : 500, {
                error: messageOf(error),
              });
            }
          },
          (error: unknown) => {
            sendJson(res, 400, { error: messageOf(error) });
          },
        );
        return;
      default:
        sendJson(res, 405, { error: 'use GET, POST or DELETE' });
    }
  }

  await new Promise<void>((resolve, reject) => {
    http.once('error', reject);
    http.listen(options.port ?? DEFAULT_PORT, '127.0.0.1', () => {
      http.off('error', reject);
      resolve();
    });
  });
  const port = (http.address() as AddressInfo).port;
  const url = `ws://127.0.0.1:${String(port)}`;

  let closing: Promise<void> | undefined;
  return {
    url,
    demoUrl: `${url}/?roomId=${encodeURIComponent(botRoom)}`,
    port,
    faults,
    rooms: {
      list,
      mediasoup: (roomId) => mediasoupRooms.get(roomId),
      mesh: (roomId) => meshRooms.get(roomId),
    },
    close() {
      closing ??= new Promise<void>((resolve) => {
        protoo.stop();
        for (const room of [...mediasoupRooms.values()]) room.close();
        for (const room of [...meshRooms.values()]) room.close();
        twoParty.close();
        rooms.close();
        http.close(() => {
          resolve();
        });
        for (const socket of sockets) socket.destroy();
      });
      return closing;
    },
  };
}

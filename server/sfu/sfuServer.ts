/**
 * A real mediasoup SFU behind mediasoup-demo signaling (docs/sfu.md): one HTTP server on
 * 127.0.0.1 whose protoo WebSocket takes `/?roomId=<r>&peerId=<p>` (add `dialect=new` on a
 * room's first connection for the new dialect), one mediasoup worker, a Router per room.
 *
 * The worker is the one `scripts/build-mediasoup-worker.mjs` built (see ./workerBin.ts):
 * mediasoup reads MEDIASOUP_WORKER_BIN once, when it loads, so this module sets it and only
 * then imports mediasoup.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import protooServer from 'protoo-server';
import type { types as ms } from 'mediasoup';
import type { Dialect } from '../demo/dialect.ts';
import { messageOf } from '../demo/payload.ts';
import { DEFAULT_RTC_MAX_PORT, DEFAULT_RTC_MIN_PORT } from './config.ts';
import { SfuRoom } from './sfuRoom.ts';
import { mediasoupWorkerBin, workerHome } from './workerBin.ts';

export interface SfuServerOptions {
  /** Default 0: a free port. */
  readonly port?: number;
  /** The dialect of a room whose first URL does not say `dialect=`. Default `legacy`. */
  readonly dialect?: Dialect;
  /** UDP/TCP ports the worker may use for media. Default 40000–40199. */
  readonly rtcMinPort?: number;
  readonly rtcMaxPort?: number;
  /** New dialect: close a peer that has not joined after this long (default 10000; 0 = never). */
  readonly joinTimeoutMs?: number;
  /** The worker binary; default the built one (MEDIASOUP_WORKER_BIN, else the cache). */
  readonly workerBin?: string;
  /** Log lines (default: none). */
  readonly log?: (line: string) => void;
}

export interface SfuServer {
  /** `ws://127.0.0.1:<port>` — add `/?roomId=…&peerId=…`. */
  readonly url: string;
  readonly port: number;
  /** The mediasoup version the worker runs. */
  readonly mediasoupVersion: string;
  /** The worker's process id (it is a child process of this one). */
  readonly workerPid: number;
  /** The rooms now open and their peers. */
  rooms(): { roomId: string; dialect: Dialect; peers: string[] }[];
  close(): Promise<void>;
}

/** Thrown when no working mediasoup worker binary is there. */
export class WorkerMissingError extends Error {
  override readonly name = 'WorkerMissingError';
}

type Mediasoup = typeof import('mediasoup');

async function loadMediasoup(bin: string): Promise<Mediasoup> {
  process.env.MEDIASOUP_WORKER_BIN = bin;
  const mediasoup: Mediasoup = await import('mediasoup');
  if (mediasoup.workerBin !== bin) {
    throw new WorkerMissingError(
      `mediasoup was loaded earlier with worker ${mediasoup.workerBin}; ` +
        `set MEDIASOUP_WORKER_BIN=${bin} before anything imports mediasoup`,
    );
  }
  return mediasoup;
}

function parseDialect(value: string | null): Dialect | undefined {
  return value === 'legacy' || value === 'new' ? value : undefined;
}

/**
 * Starts the SFU on 127.0.0.1.
 *
 * @example
 * const sfu = await startSfuServer({ port: 0 });
 * const peer = new protooClient.Peer(
 *   new protooClient.WebSocketTransport(`${sfu.url}/?roomId=r1&peerId=alice`),
 * );
 * // …
 * await sfu.close();
 */
export async function startSfuServer(options: SfuServerOptions = {}): Promise<SfuServer> {
  const log = options.log ?? (() => undefined);
  const bin = options.workerBin ?? mediasoupWorkerBin();
  if (bin === undefined) {
    throw new WorkerMissingError(
      `no mediasoup worker is built (looked in ${workerHome()}): ` +
        'run `node scripts/build-mediasoup-worker.mjs` first',
    );
  }
  const mediasoup = await loadMediasoup(bin);
  const worker: ms.Worker = await mediasoup.createWorker({
    logLevel: 'warn',
    rtcMinPort: options.rtcMinPort ?? DEFAULT_RTC_MIN_PORT,
    rtcMaxPort: options.rtcMaxPort ?? DEFAULT_RTC_MAX_PORT,
  });
  let closing = false;
  worker.on('died', (error) => {
    if (!closing) log(`mediasoup worker died: ${messageOf(error)}`);
  });

  const rooms = new Map<string, Promise<SfuRoom>>();
  const openRooms = new Map<string, SfuRoom>();
  const roomFor = (roomId: string, dialect: Dialect): Promise<SfuRoom> => {
    const existing = rooms.get(roomId);
    if (existing) return existing;
    const created = SfuRoom.create(worker, {
      roomId,
      dialect,
      joinTimeoutMs: options.joinTimeoutMs ?? 10_000,
      mediasoupVersion: mediasoup.version,
      log,
      onClose: () => {
        if (rooms.get(roomId) === created) rooms.delete(roomId);
        openRooms.delete(roomId);
      },
    });
    rooms.set(roomId, created);
    created.then(
      (room) => {
        openRooms.set(roomId, room);
      },
      () => rooms.delete(roomId),
    );
    return created;
  };

  const http = createServer((_req, res) => {
    res.writeHead(426, { 'Content-Type': 'text/plain' });
    res.end('signalscope SFU: connect with protoo over WebSocket (/?roomId=…&peerId=…)\n');
  });
  const wss = new protooServer.WebSocketServer(http, {
    maxReceivedFrameSize: 960000,
    maxReceivedMessageSize: 960000,
  });
  wss.on('connectionrequest', (info, accept, reject) => {
    const url = new URL(info.request.url ?? '/', 'http://localhost');
    const roomId = url.searchParams.get('roomId');
    const peerId = url.searchParams.get('peerId');
    if (!roomId || !peerId) {
      reject(400, 'Connection request without roomId and/or peerId');
      return;
    }
    const dialect = parseDialect(url.searchParams.get('dialect')) ?? options.dialect ?? 'legacy';
    const remoteAddress = info.socket.remoteAddress ?? '';
    roomFor(roomId, dialect)
      .then((room) => {
        if (room.isClosed) throw new Error('room closed');
        room.handleConnection(peerId, accept(), remoteAddress);
        log(`room ${roomId} (${room.dialect}): peer ${peerId} connected`);
      })
      .catch((error: unknown) => {
        log(`room ${roomId}: connection of ${peerId} refused: ${messageOf(error)}`);
        reject(500, messageOf(error));
      });
  });

  await new Promise<void>((resolve, reject) => {
    http.once('error', reject);
    http.listen(options.port ?? 0, '127.0.0.1', () => {
      http.off('error', reject);
      resolve();
    });
  });
  const port = (http.address() as AddressInfo).port;
  log(`SFU listening on ws://127.0.0.1:${String(port)} (mediasoup ${mediasoup.version})`);

  return {
    url: `ws://127.0.0.1:${String(port)}`,
    port,
    mediasoupVersion: mediasoup.version,
    workerPid: worker.pid,
    rooms: () => {
      const out: { roomId: string; dialect: Dialect; peers: string[] }[] = [];
      for (const [roomId, room] of openRooms) {
        out.push({ roomId, dialect: room.dialect, peers: room.peerIds() });
      }
      return out;
    },
    async close() {
      if (closing) return;
      closing = true;
      for (const pending of rooms.values()) {
        try {
          (await pending).close();
        } catch {
          // a room that never opened has nothing to close
        }
      }
      wss.stop();
      http.closeAllConnections();
      await new Promise<void>((resolve) =>
        http.close(() => {
          resolve();
        }),
      );
      worker.close();
    },
  };
}

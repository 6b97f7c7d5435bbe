/**
 * What the proxy's tests run on both sides of it: a real protoo-server room that records
 * every frame each peer's socket sent and received, and a client WebSocket (Node's own, which
 * the project's `websocket` shim hands to protoo-client) that records the same on its side.
 * Test support only; also run as a child process by testServerProcess.ts.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import protooServer, { type Peer as ServerPeer } from 'protoo-server';

export interface SideRecord {
  /** Frames this side sent, in order (text as string, binary as bytes). */
  readonly sent: (string | Uint8Array)[];
  /** Frames this side received, in order. */
  readonly received: (string | Uint8Array)[];
}

export interface ServerPeerRecord extends SideRecord {
  readonly peerId: string;
  readonly peer: ServerPeer;
}

export interface ProtooTestServer {
  readonly port: number;
  readonly url: string;
  readonly peers: ServerPeerRecord[];
  stop(): Promise<void>;
}

/** The WebSocket-Node connection inside a protoo-server transport (test instrumentation). */
interface NodeConnection {
  on(
    event: 'message',
    listener: (m: { type: string; utf8Data?: string; binaryData?: Buffer }) => void,
  ): void;
  sendUTF(data: string, cb?: (error?: Error) => void): void;
}

/**
 * A protoo-server room on 127.0.0.1. Each peer (peerId from the URL query) answers requests:
 * `fail` is rejected with 500, `notifyMe` sends a `told` notification first, everything else
 * is answered with `{ echo: data }`; a `ping` notification is answered with `pong`.
 */
export async function startProtooServer(port = 0): Promise<ProtooTestServer> {
  const http: Server = createServer();
  const sockets = new Set<Socket>();
  http.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  const ws = new protooServer.WebSocketServer(http, { keepalive: false });
  const room = new protooServer.Room();
  const peers: ServerPeerRecord[] = [];
  ws.on('connectionrequest', (info, accept) => {
    const url = new URL(info.request.url ?? '/', 'http://x');
    const peerId = url.searchParams.get('peerId') ?? `anon${String(peers.length + 1)}`;
    const transport = accept();
    const connection = (transport as unknown as { _connection: NodeConnection })._connection;
    const rec: SideRecord = { sent: [], received: [] };
    connection.on('message', (m) => {
      rec.received.push(
        m.type === 'utf8' ? (m.utf8Data ?? '') : new Uint8Array(m.binaryData ?? []),
      );
    });
    const sendUTF = connection.sendUTF.bind(connection);
    connection.sendUTF = (data, cb) => {
      rec.sent.push(data);
      sendUTF(data, cb);
    };
    room.getPeer(peerId)?.close();
    const peer = room.createPeer(peerId, transport);
    peers.push({ ...rec, peerId, peer });
    peer.on('request', (request, ok, fail) => {
      if (request.method === 'fail') {
        fail(500, 'nope ✗');
        return;
      }
      if (request.method === 'notifyMe') {
        void peer.notify('told', { about: request.data }).then(() => {
          ok({ told: true });
        });
        return;
      }
      ok({ echo: request.data });
    });
    // protoo-server's Peer emits notifications; the shared typings leave the event out.
    const notifying = peer as unknown as {
      on(event: 'notification', listener: (n: { method: string; data: unknown }) => void): void;
    };
    notifying.on('notification', (notification) => {
      if (notification.method === 'ping') void peer.notify('pong', notification.data);
    });
  });
  await new Promise<void>((resolve, reject) => {
    http.once('error', reject);
    http.listen(port, '127.0.0.1', resolve);
  });
  const actual = (http.address() as AddressInfo).port;
  return {
    port: actual,
    url: `ws://127.0.0.1:${String(actual)}`,
    peers,
    async stop() {
      ws.stop();
      room.close();
      const closed = new Promise<void>((resolve) => {
        http.close(() => {
          resolve();
        });
      });
      for (const s of sockets) s.destroy();
      await closed;
    },
  };
}

export interface ClientSocketRecord extends SideRecord {
  readonly url: string;
  readonly protocols: string | string[] | undefined;
  readonly events: string[];
  readonly closes: { code: number; reason: string }[];
}

/** Node's own WebSocket, before any test replaces the global. */
export const NodeWebSocket = globalThis.WebSocket;

/**
 * A WebSocket class to put in place of the global one: a Node WebSocket that records every
 * frame it sends and receives and how it ended, into `records`.
 */
export function recordingWebSocket(records: ClientSocketRecord[]): typeof WebSocket {
  return class RecordingWebSocket extends NodeWebSocket {
    private readonly record: ClientSocketRecord;

    constructor(url: string | URL, protocols?: string | string[]) {
      super(url, protocols);
      const record: ClientSocketRecord = {
        url: String(url),
        protocols,
        sent: [],
        received: [],
        events: [],
        closes: [],
      };
      this.record = record;
      records.push(record);
      this.addEventListener('open', () => record.events.push('open'));
      this.addEventListener('error', () => record.events.push('error'));
      this.addEventListener('message', (e: MessageEvent<unknown>) => {
        const data = e.data;
        record.received.push(
          typeof data === 'string' ? data : new Uint8Array(data instanceof ArrayBuffer ? data : []),
        );
      });
      this.addEventListener('close', (e) => {
        record.events.push('close');
        record.closes.push({ code: e.code, reason: e.reason });
      });
    }

    override send(data: Parameters<WebSocket['send']>[0]): void {
      this.record.sent.push(
        typeof data === 'string'
          ? data
          : new Uint8Array(ArrayBuffer.isView(data) ? data.buffer : (data as ArrayBuffer)),
      );
      super.send(data);
    }
  };
}

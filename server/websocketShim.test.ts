/**
 * The project's `websocket` shim (shims/websocket) is what protoo-client uses in Node: Node's
 * own WebSocket. Node 22's (undici 6) never fires `close` after a connection that fails
 * before opening (nodejs/undici#3546), which would stall protoo-client's reconnection for
 * good; the shim delivers that close. Real protoo-client, real protoo-server, 127.0.0.1.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import protooClient from 'protoo-client';
import protooServer from 'protoo-server';
import { afterEach, describe, expect, it } from 'vitest';

interface Running {
  port: number;
  stop(): Promise<void>;
  peers: number;
}

async function startServer(port = 0): Promise<Running> {
  const http: Server = createServer();
  const sockets = new Set<Socket>();
  http.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  const ws = new protooServer.WebSocketServer(http, { keepalive: false });
  const room = new protooServer.Room();
  const running: Running = { port: 0, peers: 0, stop: () => Promise.resolve() };
  ws.on('connectionrequest', (_info, accept) => {
    running.peers++;
    room.createPeer(`p${String(running.peers)}`, accept());
  });
  await new Promise<void>((resolve, reject) => {
    http.once('error', reject);
    http.listen(port, '127.0.0.1', resolve);
  });
  running.port = (http.address() as AddressInfo).port;
  running.stop = async () => {
    ws.stop();
    const closed = new Promise<void>((resolve) =>
      http.close(() => {
        resolve();
      }),
    );
    for (const s of sockets) s.destroy();
    await closed;
  };
  return running;
}

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

describe('the websocket shim in Node', () => {
  it('lets protoo-client reconnect after the server went away and came back', async () => {
    const first = await startServer();
    cleanups.push(() => first.stop());
    const events: string[] = [];
    const transport = new protooClient.WebSocketTransport(`ws://127.0.0.1:${String(first.port)}/`);
    const peer = new protooClient.Peer(transport);
    cleanups.push(() => {
      peer.close();
    });
    for (const name of ['open', 'disconnected', 'close'] as const) {
      peer.on(name, () => events.push(name));
    }
    peer.on('failed', () => events.push('failed'));
    await expect.poll(() => events, { timeout: 5000 }).toContain('open');

    await first.stop();
    // The first attempt after the disconnect is refused: undici fires only `error`; the shim
    // adds the close, so protoo-client counts a failed attempt and schedules the next one.
    await expect.poll(() => events, { timeout: 5000 }).toContain('failed');
    const second = await startServer(first.port);
    cleanups.push(() => second.stop());
    await expect.poll(() => events.filter((e) => e === 'open').length, { timeout: 10_000 }).toBe(2);
    expect(events.slice(0, 3)).toEqual(['open', 'disconnected', 'failed']);
    expect(events.at(-1)).toBe('open');
    expect(second.peers).toBe(1);
  }, 20_000);
});

/**
 * The recording proxy: a WebSocket man-in-the-middle between protoo clients and a protoo
 * server. Every client's messages are forwarded unchanged in both directions (text stays
 * text, binary stays binary, the same bytes, in order; close codes and reasons too) and
 * recorded into one multi-client capture, which taps stream live (tapServer.ts).
 *
 * A client's upgrade is answered only once the target has answered the same upgrade (same
 * path and query, same subprotocols, same Origin): the client gets the target's 101 with the
 * protocol the target chose, or the target's refusal with its status, or 502 when the target
 * cannot be reached.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { STATUS_CODES } from 'node:http';
import { isUtf8 } from 'node:buffer';
import { WebSocket, WebSocketServer, type RawData } from 'ws';
import type { SessionEvent } from '../../src/session/events.ts';
import { CaptureRecorder } from './recorder.ts';
import { TAP_PATH, TapServer, type TapOptions } from './tapServer.ts';

export interface ProxyOptions {
  /** The real server: ws:// or wss://, e.g. wss://127.0.0.1:4443. */
  readonly target: string;
  /** host:port to listen on (a loopback host). Port 0 picks a free port. */
  readonly listen?: string;
  /** Accept the target's certificate without checking it (self-signed demo certificates). */
  readonly insecure?: boolean;
  /** The capture file; undefined: memory only (the command line always gives one). */
  readonly out?: string;
  /** How long to wait for the target's answer to an upgrade. Default 10 000 ms. */
  readonly handshakeTimeoutMs?: number;
  readonly tap?: TapOptions;
}

export interface RunningProxy {
  /** Where clients connect instead of the target: ws://host:port */
  readonly url: string;
  /** The tap: ws://host:port/__signalscope/tap */
  readonly tapUrl: string;
  readonly target: string;
  /** The capture file, if any. */
  readonly capturePath: string | undefined;
  /** The capture so far: header, log, lines. */
  readonly capture: CaptureRecorder;
  /** Client connections open now (or waiting for the target). */
  readonly connections: () => number;
  /** Taps connected now. */
  readonly taps: () => number;
  /** Stops listening, closes every client (1001) and its target socket, closes the file. */
  close(): Promise<void>;
}

/** A bad option or flag, said plainly. */
export class ProxyConfigError extends Error {
  override readonly name = 'ProxyConfigError';
}

const LOOPBACK_NAMES = new Set(['localhost', '::1', '[::1]']);

export function isLoopbackHost(host: string): boolean {
  return LOOPBACK_NAMES.has(host.toLowerCase()) || /^127(\.\d{1,3}){3}$/.test(host);
}

/** Parses `host:port` (`[::1]:port` for IPv6). Throws ProxyConfigError. */
export function parseListen(listen: string): { host: string; port: number } {
  const m = /^(\[[^\]]+\]|[^:[\]]+):(\d{1,5})$/.exec(listen);
  if (!m?.[1] || m[2] === undefined) {
    throw new ProxyConfigError(
      `--listen expects host:port, like 127.0.0.1:4444 (found ${JSON.stringify(listen)})`,
    );
  }
  const port = Number(m[2]);
  if (port > 65535) throw new ProxyConfigError(`--listen: port ${port} is not a port (0–65535)`);
  if (!isLoopbackHost(m[1])) {
    throw new ProxyConfigError(
      `--listen: the proxy only listens on this machine (127.0.0.1, localhost or [::1]), not ${m[1]}: whoever reaches it could read every recorded session`,
    );
  }
  const host = m[1].startsWith('[') ? m[1].slice(1, -1) : m[1];
  return { host, port };
}

/** Checks the target URL. Throws ProxyConfigError. */
export function parseTarget(target: string): URL {
  let url: URL;
  try {
    url = new URL(target);
  } catch {
    throw new ProxyConfigError(
      `--target expects a ws:// or wss:// URL, like wss://127.0.0.1:4443 (found ${JSON.stringify(target)})`,
    );
  }
  if (url.protocol !== 'ws:' && url.protocol !== 'wss:') {
    throw new ProxyConfigError(
      `--target must be a ws:// or wss:// URL (found ${url.protocol}//…): clients speak WebSocket to it`,
    );
  }
  return url;
}

/** The URL a client's request path goes to: the target's origin with the client's path and query. */
export function forwardedUrl(target: URL, requestUrl: string): string {
  const path = requestUrl.startsWith('/') ? requestUrl : `/${requestUrl}`;
  return `${target.protocol}//${target.host}${path}`;
}

/** Close codes that may not be sent in a close frame. */
function sendableCode(code: number): boolean {
  return (
    (code >= 1000 && code <= 1014 && ![1004, 1005, 1006].includes(code)) ||
    (code >= 3000 && code <= 4999)
  );
}

function errorText(error: unknown): string {
  if (error instanceof Error) {
    const code = (error as NodeJS.ErrnoException).code;
    return code !== undefined && !error.message.includes(code)
      ? `${error.message} (${code})`
      : error.message;
  }
  return String(error);
}

function rawToBuffer(data: RawData): Buffer {
  if (Buffer.isBuffer(data)) return data;
  if (Array.isArray(data)) return Buffer.concat(data);
  return Buffer.from(data);
}

/** Headers a client sends that the target should see too. */
const PASSED_HEADERS = ['cookie', 'authorization', 'user-agent'] as const;

/** One client connection's record name. A reconnect to the same URL keeps its conn. */
class ConnNames {
  private next = 1;
  private readonly idleByUrl = new Map<string, string>();
  private readonly busy = new Set<string>();

  take(url: string): string {
    const idle = this.idleByUrl.get(url);
    if (idle !== undefined) {
      this.idleByUrl.delete(url);
      this.busy.add(idle);
      return idle;
    }
    const conn = `c${this.next++}`;
    this.busy.add(conn);
    return conn;
  }

  release(conn: string, url: string): void {
    if (!this.busy.delete(conn)) return;
    this.idleByUrl.set(url, conn);
  }
}

/**
 * Starts the proxy and resolves once it listens.
 *
 * @example
 * const proxy = await startProxy({ target: 'wss://127.0.0.1:4443', insecure: true, out: 'room.sscap.jsonl' });
 * // point clients at proxy.url; open the app with ?tap=proxy.tapUrl
 * await proxy.close();
 */
export async function startProxy(options: ProxyOptions): Promise<RunningProxy> {
  const target = parseTarget(options.target);
  const { host, port } = parseListen(options.listen ?? '127.0.0.1:4444');
  const handshakeTimeout = options.handshakeTimeoutMs ?? 10_000;
  const sockets = new Set<Socket>();
  const http: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const body = `signalscope recording proxy for ${target.origin}\nPoint WebSocket clients here; the live capture is at ${TAP_PATH}.\n`;
    res.writeHead(426, { 'content-type': 'text/plain; charset=utf-8', upgrade: 'websocket' });
    res.end(req.method === 'HEAD' ? undefined : body);
  });
  http.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });

  await new Promise<void>((resolve, reject) => {
    http.once('error', (error: NodeJS.ErrnoException) => {
      reject(
        error.code === 'EADDRINUSE'
          ? new ProxyConfigError(`--listen: ${host}:${port} is already in use: pick another port`)
          : error,
      );
    });
    http.listen(port, host, resolve);
  });
  const address = http.address() as AddressInfo;
  const hostPart = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  const url = `ws://${hostPart}:${String(address.port)}`;
  const recorder = ((): CaptureRecorder => {
    try {
      return new CaptureRecorder({
        source: { kind: 'proxy', target: target.href, listen: `${hostPart}:${address.port}` },
        ...(options.out === undefined ? {} : { path: options.out }),
      });
    } catch (error) {
      http.close();
      throw error;
    }
  })();
  const taps = new TapServer(recorder, options.tap);
  const names = new ConnNames();
  /** Which subprotocol the target chose for each upgrade request (read by handleProtocols). */
  const chosen = new WeakMap<IncomingMessage, string>();
  const clients = new WebSocketServer({
    noServer: true,
    perMessageDeflate: false,
    // Forward text as it came, even when it is not UTF-8: the proxy is not the one to refuse it.
    skipUTF8Validation: true,
    handleProtocols: (_offered, request) => chosen.get(request) ?? false,
  });
  const live = new Set<{ close(): void }>();

  const record = (event: Parameters<CaptureRecorder['record']>[0]): SessionEvent =>
    recorder.record(event);

  http.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', () => undefined);
    const path = request.url ?? '/';
    if (new URL(path, 'http://x').pathname === TAP_PATH) {
      taps.handleUpgrade(request, socket, head);
      return;
    }
    proxyConnection(request, socket, head);
  });

  function refuse(
    socket: Duplex,
    status: number,
    message: string,
    body: string,
    headers: Record<string, string> = {},
  ): void {
    if (socket.destroyed) return;
    const lines = [`HTTP/1.1 ${status} ${message}`, 'Connection: close'];
    const bytes = Buffer.from(body, 'utf8');
    lines.push(`Content-Type: ${headers['content-type'] ?? 'text/plain; charset=utf-8'}`);
    lines.push(`Content-Length: ${bytes.length}`);
    socket.end(Buffer.concat([Buffer.from(lines.join('\r\n') + '\r\n\r\n', 'latin1'), bytes]));
  }

  function proxyConnection(request: IncomingMessage, socket: Duplex, head: Buffer): void {
    const url = forwardedUrl(target, request.url ?? '/');
    const conn = names.take(url);
    const offered = (request.headers['sec-websocket-protocol'] ?? '')
      .split(',')
      .map((p) => p.trim())
      .filter((p) => p !== '');
    const headers: Record<string, string> = {};
    for (const name of PASSED_HEADERS) {
      const v = request.headers[name];
      if (typeof v === 'string') headers[name] = v;
    }
    const origin = request.headers.origin;
    let upstream: WebSocket;
    try {
      upstream = new WebSocket(url, offered, {
        headers,
        ...(origin === undefined ? {} : { origin }),
        rejectUnauthorized: options.insecure !== true,
        perMessageDeflate: false,
        skipUTF8Validation: true,
        followRedirects: false,
        handshakeTimeout,
      });
    } catch (error) {
      record({
        type: 'ws.error',
        conn,
        message: `the client's upgrade could not be forwarded: ${errorText(error)}`,
      });
      names.release(conn, url);
      refuse(socket, 400, 'Bad Request', `signalscope proxy: ${errorText(error)}\n`);
      return;
    }

    let state: 'pending' | 'open' | 'closed' = 'pending';
    let client: WebSocket | undefined;
    /** Frames from the target that arrived before the client was accepted. */
    const early: { data: Buffer; binary: boolean }[] = [];
    const finish = (): void => {
      if (state === 'closed') return;
      state = 'closed';
      live.delete(entry);
      names.release(conn, url);
    };
    const entry = {
      close(): void {
        if (state === 'closed') return;
        if (state === 'open') {
          record({
            type: 'ws.close',
            conn,
            code: 1001,
            reason: 'the signalscope proxy stopped',
            extra: { by: 'proxy' },
          });
        }
        finish();
        client?.close(1001, 'the signalscope proxy stopped');
        upstream.terminate();
        socket.destroy();
      },
    };
    live.add(entry);

    const clientLeftEarly = (): void => {
      if (state !== 'pending') return;
      record({
        type: 'ws.error',
        conn,
        message: 'the client went away before the target answered its upgrade',
        extra: { side: 'client' },
      });
      finish();
      upstream.terminate();
    };
    socket.once('close', clientLeftEarly);

    upstream.on('unexpected-response', (_req, res) => {
      const status = res.statusCode ?? 502;
      const statusMessage = res.statusMessage ?? STATUS_CODES[status] ?? '';
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (chunk: Buffer) => {
        if (size < 65_536) chunks.push(chunk);
        size += chunk.length;
      });
      const pass = (): void => {
        if (state !== 'pending') return;
        const body = Buffer.concat(chunks).toString('utf8');
        record({
          type: 'ws.error',
          conn,
          message: `the target refused the upgrade: ${status} ${statusMessage}${body.trim() === '' ? '' : ` (${body.trim().slice(0, 200)})`}`,
          extra: { side: 'server', status },
        });
        finish();
        const contentType = res.headers['content-type'];
        refuse(
          socket,
          status,
          statusMessage,
          body,
          contentType === undefined ? {} : { 'content-type': contentType },
        );
        upstream.terminate();
      };
      res.on('end', pass);
      res.on('error', pass);
      res.on('close', pass);
    });

    upstream.on('error', (error) => {
      if (state === 'pending') {
        record({
          type: 'ws.error',
          conn,
          message: `could not reach the target ${url}: ${errorText(error)}`,
          extra: { side: 'server' },
        });
        finish();
        refuse(
          socket,
          502,
          'Bad Gateway',
          `signalscope proxy: could not reach the target: ${errorText(error)}\n`,
        );
        return;
      }
      if (state === 'open')
        record({ type: 'ws.error', conn, message: errorText(error), extra: { side: 'server' } });
    });

    upstream.on('message', (data: RawData, isBinary: boolean) => {
      const bytes = rawToBuffer(data);
      if (state === 'closed') return;
      recordFrame('in', bytes, isBinary);
      if (client?.readyState === WebSocket.OPEN) client.send(bytes, { binary: isBinary });
      else early.push({ data: bytes, binary: isBinary });
    });

    upstream.on('close', (code: number, reasonBuffer: Buffer) => {
      const reason = reasonBuffer.toString('utf8');
      if (state === 'open') {
        record({
          type: 'ws.close',
          conn,
          code,
          ...(reason === '' ? {} : { reason }),
          extra: { by: 'server' },
        });
        finish();
      }
      if (!client) return;
      if (code === 1006) client.terminate();
      else if (sendableCode(code)) client.close(code, reason);
      else client.close();
    });

    upstream.on('open', () => {
      if (state !== 'pending') {
        upstream.terminate();
        return;
      }
      const protocol = upstream.protocol;
      if (protocol !== '') chosen.set(request, protocol);
      record({ type: 'ws.open', conn, url, ...(protocol === '' ? {} : { protocol }) });
      state = 'open';
      socket.off('close', clientLeftEarly);
      socket.once('close', () => {
        if (client === undefined && state === 'open') {
          record({
            type: 'ws.close',
            conn,
            code: 1006,
            reason: 'the client went away during the upgrade',
            extra: { by: 'client' },
          });
          finish();
          upstream.terminate();
        }
      });
      clients.handleUpgrade(request, socket, head, (accepted) => {
        client = accepted;
        for (const frame of early.splice(0)) accepted.send(frame.data, { binary: frame.binary });
        accepted.on('message', (data: RawData, isBinary: boolean) => {
          const bytes = rawToBuffer(data);
          if (state === 'closed') return;
          recordFrame('out', bytes, isBinary);
          upstream.send(bytes, { binary: isBinary });
        });
        accepted.on('close', (code: number, reasonBuffer: Buffer) => {
          const reason = reasonBuffer.toString('utf8');
          if (state === 'open') {
            record({
              type: 'ws.close',
              conn,
              code,
              ...(reason === '' ? {} : { reason }),
              extra: { by: 'client' },
            });
            finish();
          }
          if (code === 1006) upstream.terminate();
          else if (sendableCode(code)) upstream.close(code, reason);
          else upstream.close();
        });
        accepted.on('error', (error) => {
          if (state === 'open')
            record({
              type: 'ws.error',
              conn,
              message: errorText(error),
              extra: { side: 'client' },
            });
        });
      });
    });

    function recordFrame(dir: 'in' | 'out', bytes: Buffer, isBinary: boolean): void {
      if (isBinary) record({ type: 'ws.frame', conn, dir, base64: bytes.toString('base64') });
      else if (isUtf8(bytes)) record({ type: 'ws.frame', conn, dir, text: bytes.toString('utf8') });
      else {
        // Not UTF-8: the text as a decoder shows it, and the exact bytes beside it.
        record({
          type: 'ws.frame',
          conn,
          dir,
          text: bytes.toString('utf8'),
          extra: { invalidUtf8: true, bytesBase64: bytes.toString('base64') },
        });
      }
    }
  }

  let closed: Promise<void> | undefined;
  return {
    url,
    tapUrl: `${url}${TAP_PATH}`,
    target: target.href,
    capturePath: recorder.path,
    capture: recorder,
    connections: () => live.size,
    taps: () => taps.count,
    close(): Promise<void> {
      closed ??= new Promise<void>((resolve) => {
        http.close(() => {
          resolve();
        });
        for (const c of [...live]) c.close();
        taps.close();
        clients.close();
        recorder.close();
        setTimeout(() => {
          for (const s of sockets) s.destroy();
        }, 200).unref();
      });
      return closed;
    },
  };
}

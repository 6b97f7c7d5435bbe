/**
 * Records the WebSockets protoo-client opens for one URL into a session log, frame by frame,
 * as the raw events of DESIGN.md: `ws.open`, `ws.frame` (the exact text, or base64 of a
 * binary frame), `ws.close` and `ws.error`, all on one `conn` — every reconnection attempt of
 * the same protoo Peer lands on the same connection, as in a capture.
 *
 * protoo-client creates its sockets through `shims/websocket`, which asks a registry on
 * `globalThis` for a factory registered for the exact URL; this module registers one. The
 * recorder's listeners are added before protoo-client sets its `on…` handlers, so a frame is
 * in the log before protoo-client acts on it.
 */
import type { SessionLog } from '../../session/SessionLog.ts';

const FACTORIES = Symbol.for('signalscope.websocketFactories');

type Factory = (url: string, protocols?: string | string[]) => WebSocket;

function registry(): Map<string, Factory> {
  const g = globalThis as unknown as Record<symbol, unknown>;
  let map = g[FACTORIES];
  if (!(map instanceof Map)) {
    map = new Map<string, Factory>();
    g[FACTORIES] = map;
  }
  return map as Map<string, Factory>;
}

/** What the recorder saw of the current socket (for explanations of failures). */
export interface SocketActivity {
  /** Sockets opened so far (successful handshakes). */
  readonly opens: number;
  /** The last close, if any. */
  readonly lastClose: { readonly code: number; readonly reason: string } | undefined;
  /** Whether the last socket opened before it closed. */
  readonly lastOpened: boolean;
}

export interface SocketRecorder {
  readonly activity: () => SocketActivity;
  /** Stops recording sockets opened from now on (the log keeps everything). */
  readonly dispose: () => void;
}

function toBase64(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i += 0x8000) {
    s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  return btoa(s);
}

/**
 * Records every socket opened for `url` as connection `conn` of `log`. `now()` gives the
 * session time in ms.
 */
export function recordSockets(
  log: SessionLog,
  url: string,
  conn: string,
  now: () => number,
): SocketRecorder {
  let opens = 0;
  let lastClose: SocketActivity['lastClose'];
  let lastOpened = false;

  const frame = (dir: 'in' | 'out', data: unknown): void => {
    const t = now();
    if (typeof data === 'string') {
      log.append({ t, type: 'ws.frame', conn, dir, text: data });
    } else if (data instanceof ArrayBuffer) {
      log.append({ t, type: 'ws.frame', conn, dir, base64: toBase64(new Uint8Array(data)) });
    } else if (ArrayBuffer.isView(data)) {
      const bytes = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
      log.append({ t, type: 'ws.frame', conn, dir, base64: toBase64(bytes) });
    } else {
      // A Blob cannot be read synchronously; binaryType is set so this does not happen.
      log.append({ t, type: 'ws.error', conn, message: `unreadable ${dir} frame` });
    }
  };

  const factory: Factory = (socketUrl, protocols) => {
    const ws = new WebSocket(socketUrl, protocols);
    ws.binaryType = 'arraybuffer';
    let opened = false;
    lastOpened = false;
    ws.addEventListener('open', () => {
      opened = true;
      lastOpened = true;
      opens += 1;
      log.append({
        t: now(),
        type: 'ws.open',
        conn,
        url: socketUrl,
        ...(ws.protocol === '' ? {} : { protocol: ws.protocol }),
      });
    });
    ws.addEventListener('message', (e: MessageEvent) => {
      frame('in', e.data);
    });
    ws.addEventListener('error', () => {
      log.append({
        t: now(),
        type: 'ws.error',
        conn,
        message: opened
          ? `WebSocket error on ${socketUrl}`
          : `WebSocket connection to '${socketUrl}' failed`,
      });
    });
    let closed = false;
    ws.addEventListener('close', (e: CloseEvent) => {
      // The Node shim may deliver a synthetic close before undici's own: keep the first.
      if (closed) return;
      closed = true;
      lastClose = { code: e.code, reason: e.reason };
      log.append({
        t: now(),
        type: 'ws.close',
        conn,
        code: e.code,
        ...(e.reason === '' ? {} : { reason: e.reason }),
      });
    });
    const send = ws.send.bind(ws);
    ws.send = (data: Parameters<WebSocket['send']>[0]) => {
      // Recorded only when the socket takes it (send on a closing socket throws or drops).
      send(data);
      frame('out', data);
    };
    return ws;
  };

  const map = registry();
  if (map.has(url)) throw new Error(`another live source already records ${url}`);
  map.set(url, factory);
  return {
    activity: () => ({ opens, lastClose, lastOpened }),
    dispose: () => {
      if (map.get(url) === factory) map.delete(url);
    },
  };
}

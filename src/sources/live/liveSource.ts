/**
 * The live source: a real protoo-client Peer opened to a room URL, every socket it opens
 * recorded into a session log (socketRecorder.ts). Modes (DESIGN.md, Sources):
 * - `raw`: connect only; requests from the server are left unanswered, as nobody handles them;
 * - `observer`: joins without rtpCapabilities as "signalscope": sees peers and notifications,
 *   consumes nothing (a `newConsumer` that still comes is rejected with 403);
 * - `participant`: a mediasoup-client Device (participant.ts) produces and consumes.
 *
 * The source only appends raw events (DESIGN.md); what the user sees is derived from the log.
 * Its status — connecting, open, reconnecting, closed, failed — is explained in plain words.
 */
import protooClient, { type Peer } from 'protoo-client';
import { ATTEMPTS_PER_CYCLE, retryDelayMs } from '../../protocol/codec.ts';
import type { SessionLog } from '../../session/SessionLog.ts';
import {
  explainClose,
  explainHandshakeFailure,
  explainReconnecting,
  type Explanation,
  type ProbeResult,
} from './explain.ts';
import { recordSockets } from './socketRecorder.ts';

export type LiveMode = 'raw' | 'observer' | 'participant';

export const LIVE_MODES: readonly LiveMode[] = ['raw', 'observer', 'participant'];

export type LiveStatus =
  | { readonly phase: 'connecting'; readonly attempt: number }
  | { readonly phase: 'open'; readonly opens: number; readonly role: string }
  | {
      readonly phase: 'reconnecting';
      readonly attempt: number;
      readonly nextInMs: number;
      readonly explanation: Explanation;
    }
  | { readonly phase: 'closed'; readonly byServer: boolean; readonly explanation: Explanation }
  | { readonly phase: 'failed'; readonly explanation: Explanation };

/** The answer to a request sent from the composer or a role. */
export type RequestOutcome =
  | { readonly ok: true; readonly data: unknown }
  | { readonly ok: false; readonly error: string; readonly code?: number };

/** What a mode does on top of the raw connection, each time the socket (re)opens. */
export interface LiveRole {
  readonly name: string;
  /** Called on every protoo `open`. */
  onOpen(peer: Peer, context: RoleContext): void | Promise<void>;
  /** A request from the server; undefined leaves it unanswered. */
  onRequest?(
    request: { method: string; data: unknown },
    accept: (data?: unknown) => void,
    reject: (code: number, reason: string) => void,
  ): void;
  onNotification?(notification: { method: string; data: unknown }): void;
  /** On `disconnected` / `close`: drop what belonged to the old connection. */
  onDown?(): void;
  close?(): void;
}

export interface RoleContext {
  readonly log: SessionLog;
  readonly conn: string;
  readonly now: () => number;
  /** Adds a note to the session (what the role did or why it failed). */
  readonly note: (text: string) => void;
  /** Changes the role's line in the status ("joined as observer, 3 peers"). */
  readonly setRole: (text: string) => void;
}

export interface LiveOptions {
  readonly url: string;
  readonly log: SessionLog;
  readonly mode: LiveMode;
  /** The session clock in ms (default: performance.now() since start). */
  readonly now?: () => number;
  /** The connection id in the log (default `live-1`). */
  readonly conn?: string;
  /** What observer / participant do; `raw` needs none. */
  readonly role?: LiveRole;
  /** Asks the server's HTTP(S) origin whether it answers (default: fetch no-cors). */
  readonly probe?: (url: string) => Promise<ProbeResult>;
  /** protoo-client retry options (tests shorten them). */
  readonly retry?: { retries: number; factor: number; minTimeout: number; maxTimeout: number };
  readonly onStatus?: (status: LiveStatus) => void;
}

export interface LiveSource {
  readonly url: string;
  readonly conn: string;
  readonly mode: LiveMode;
  status(): LiveStatus;
  /** Sends a protoo request; resolves with its answer (never rejects). */
  request(method: string, data: unknown): Promise<RequestOutcome>;
  /** Sends a protoo notification. */
  notify(method: string, data: unknown): Promise<RequestOutcome>;
  /** Closes the Peer (the log keeps everything). */
  close(): void;
}

/** Adds a `peerId` when the URL has none: mediasoup-demo servers close a peer whose id is reused. */
export function withPeerId(url: string, random: () => number = Math.random): string {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return url;
  }
  if (u.pathname !== '/' && u.pathname !== '') return url; // mesh and two-party rooms
  if (u.searchParams.get('peerId')) return url;
  const id = `signalscope-${Math.floor(random() * 36 ** 6)
    .toString(36)
    .padStart(6, '0')}`;
  u.searchParams.set('peerId', id);
  return u.toString();
}

async function defaultProbe(url: string): Promise<ProbeResult> {
  const u = new URL(url);
  const origin = `${u.protocol === 'wss:' ? 'https:' : 'http:'}//${u.host}/`;
  if (typeof fetch !== 'function') return 'unknown';
  try {
    const controller = new AbortController();
    const timer = setTimeout(() => {
      controller.abort();
    }, 3000);
    await fetch(origin, { mode: 'no-cors', signal: controller.signal, cache: 'no-store' });
    clearTimeout(timer);
    return 'answers';
  } catch {
    return 'unreachable';
  }
}

function errorText(error: unknown): { error: string; code?: number } {
  if (error instanceof Error) {
    const code = (error as Error & { code?: unknown }).code;
    return { error: error.message, ...(typeof code === 'number' ? { code } : {}) };
  }
  return { error: String(error) };
}

/** Opens `options.url` with protoo-client and records it. */
export function startLive(options: LiveOptions): LiveSource {
  const { url, log, mode } = options;
  const conn = options.conn ?? 'live-1';
  const start = performance.now();
  const now = options.now ?? (() => Math.max(0, performance.now() - start));
  const probe = options.probe ?? defaultProbe;
  const role = options.role;
  const recorder = recordSockets(log, url, conn, now);
  let status: LiveStatus = { phase: 'connecting', attempt: 1 };
  let closedLocally = false;
  let roleText = mode === 'raw' ? 'raw: connected, not joined' : `${mode}: joining…`;
  const set = (s: LiveStatus) => {
    status = s;
    options.onStatus?.(s);
  };
  const context: RoleContext = {
    log,
    conn,
    now,
    note: (text) => log.append({ t: now(), type: 'note', conn, text }),
    setRole: (text) => {
      roleText = text;
      if (status.phase === 'open') set({ ...status, role: text });
    },
  };

  const transport = new protooClient.WebSocketTransport(url, {
    ...(options.retry ? { retry: options.retry } : {}),
  });
  const peer = new protooClient.Peer(transport);
  let probeSerial = 0;

  peer.on('open', () => {
    set({ phase: 'open', opens: recorder.activity().opens, role: roleText });
    if (role) {
      Promise.resolve(role.onOpen(peer, context)).catch((error: unknown) => {
        context.note(`${role.name}: ${errorText(error).error}`);
      });
    }
  });
  peer.on('failed', (attempt: number) => {
    const serial = ++probeSerial;
    const last = attempt >= ATTEMPTS_PER_CYCLE;
    const base = explainHandshakeFailure(url, 'unknown');
    if (!last) {
      set({
        phase: 'reconnecting',
        attempt,
        nextInMs: retryDelayMs(attempt),
        explanation: explainReconnecting(attempt, base),
      });
    }
    void probe(url).then((found) => {
      if (serial !== probeSerial || closedLocally) return;
      const cause = explainHandshakeFailure(url, found);
      if (status.phase === 'reconnecting' && status.attempt === attempt) {
        set({ ...status, explanation: explainReconnecting(attempt, cause) });
      } else if (status.phase === 'failed') {
        set({ phase: 'failed', explanation: withAttempts(cause) });
      }
    });
  });
  peer.on('disconnected', () => {
    role?.onDown?.();
    set({ phase: 'connecting', attempt: 1 });
  });
  peer.on('close', () => {
    role?.onDown?.();
    if (closedLocally) {
      set({
        phase: 'closed',
        byServer: false,
        explanation: { title: 'Disconnected', detail: 'You closed this connection.' },
      });
      return;
    }
    const { lastClose, lastOpened } = recorder.activity();
    if (lastClose?.code === 4000) {
      set({ phase: 'closed', byServer: true, explanation: explainClose(4000, lastClose.reason) });
    } else if (!lastOpened) {
      set({ phase: 'failed', explanation: withAttempts(explainHandshakeFailure(url, 'unknown')) });
    } else {
      set({
        phase: 'closed',
        byServer: true,
        explanation: explainClose(lastClose?.code ?? 1006, lastClose?.reason ?? ''),
      });
    }
  });
  peer.on('request', (request, accept, reject) => {
    if (role?.onRequest) {
      role.onRequest(
        { method: request.method, data: request.data },
        (data?: unknown) => {
          accept(data);
        },
        reject,
      );
    }
    // raw mode: nobody answers (the server's request runs out its timeout), as the log shows
  });
  peer.on('notification', (notification) => {
    role?.onNotification?.({ method: notification.method, data: notification.data });
  });

  function withAttempts(e: Explanation): Explanation {
    return {
      ...e,
      title: `${e.title} (gave up after ${String(ATTEMPTS_PER_CYCLE)} attempts)`,
    };
  }

  const send = async (kind: 'request' | 'notify', method: string, data: unknown) => {
    try {
      if (kind === 'request') {
        const answer: unknown = await peer.request(method, data);
        return { ok: true as const, data: answer };
      }
      await peer.notify(method, data);
      return { ok: true as const, data: undefined };
    } catch (error) {
      return { ok: false as const, ...errorText(error) };
    }
  };

  return {
    url,
    conn,
    mode,
    status: () => status,
    request: (method, data) => send('request', method, data),
    notify: (method, data) => send('notify', method, data),
    close: () => {
      if (closedLocally) return;
      closedLocally = true;
      role?.close?.();
      peer.close();
      recorder.dispose();
      // protoo-client emits `close` synchronously; make sure the status says so either way.
      if (status.phase !== 'closed') {
        set({
          phase: 'closed',
          byServer: false,
          explanation: { title: 'Disconnected', detail: 'You closed this connection.' },
        });
      }
    },
  };
}

/**
 * Connection problems of a live source in plain words (issue: certificate not trusted,
 * handshake rejected, refused, reconnecting, closed by the server). Pure: the facts come from
 * the socket recorder, protoo-client's events and an optional reachability probe.
 *
 * Browsers do not tell a page why a WebSocket handshake failed (no HTTP status, no TLS
 * error). A probe with `fetch(…, {mode: 'no-cors'})` to the same host tells "something
 * answers HTTP there" from "nothing answers"; the rest is said as the likely causes.
 */
import { ATTEMPTS_PER_CYCLE, retryDelayMs } from '../../protocol/codec.ts';

export interface Explanation {
  readonly title: string;
  readonly detail: string;
  /** A page to open (e.g. to accept a self-signed certificate). */
  readonly link?: { readonly href: string; readonly label: string };
}

/** What a probe of the server's HTTP(S) origin found. */
export type ProbeResult = 'answers' | 'unreachable' | 'unknown';

/** The https:// (or http://) origin behind a ws:// or wss:// URL. */
export function httpOrigin(url: string): string | undefined {
  try {
    const u = new URL(url);
    if (u.protocol !== 'ws:' && u.protocol !== 'wss:') return undefined;
    return `${u.protocol === 'wss:' ? 'https:' : 'http:'}//${u.host}/`;
  } catch {
    return undefined;
  }
}

/** Problems with the URL itself, before connecting. Empty when it looks usable. */
export function urlProblems(url: string): string[] {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return [`"${url}" is not a URL: expected wss://host:port/?roomId=…&peerId=…`];
  }
  const problems: string[] = [];
  if (u.protocol !== 'ws:' && u.protocol !== 'wss:') {
    problems.push(`the URL must start with wss:// or ws://, not ${u.protocol}//`);
  }
  return problems;
}

/**
 * Why a socket that never opened failed. `probe` is what an HTTP request to the same origin
 * found.
 */
export function explainHandshakeFailure(url: string, probe: ProbeResult): Explanation {
  const origin = httpOrigin(url) ?? url;
  let host = url;
  let secure = false;
  let hasIds = true;
  try {
    const u = new URL(url);
    host = u.host;
    secure = u.protocol === 'wss:';
    hasIds = u.searchParams.has('roomId') && u.searchParams.has('peerId');
  } catch {
    // urlProblems says it
  }
  const rejected =
    'The server refused the WebSocket handshake: a mediasoup-demo server answers 400 when roomId or peerId is missing' +
    (hasIds ? '' : ' (this URL lacks one of them)') +
    ', and the new demo answers 403 when this page’s origin is not allowed; protoo-server answers 403 without the "protoo" subprotocol.';
  if (probe === 'answers') {
    return { title: `${host} answers, but refused the WebSocket`, detail: rejected };
  }
  if (probe === 'unreachable' && secure) {
    return {
      title: `Could not connect to ${host}`,
      detail:
        'Either its certificate is not trusted by this browser (mediasoup-demo servers often use a self-signed one: open the server’s https address below, accept the certificate, then connect again), or nothing listens there (check the host and port, and that the server runs).',
      link: { href: origin, label: `Open ${origin} to accept its certificate` },
    };
  }
  if (probe === 'unreachable') {
    return {
      title: `Connection to ${host} refused`,
      detail: 'Nothing answers at that address: check the host and port, and that the server runs.',
    };
  }
  return {
    title: `Could not open the WebSocket to ${host}`,
    detail: `Browsers do not say why. ${secure ? 'The certificate may not be trusted (open the https address below and accept it), ' : ''}the server may have refused the handshake, or nothing listens there. ${rejected}`,
    ...(secure ? { link: { href: origin, label: `Open ${origin}` } } : {}),
  };
}

/** A close the client will not recover from by itself. */
export function explainClose(code: number, reason: string): Explanation {
  if (code === 4000) {
    return {
      title: 'Closed by the server (4000)',
      detail: `protoo does not reconnect after code 4000. A mediasoup-demo server sends it when another connection joins with the same peerId, when the room closes, or when a peer did not join in time${reason === '' ? '' : ` (reason: “${reason}”)`}.`,
    };
  }
  return {
    title: `Closed (${String(code)})`,
    detail: reason === '' ? 'The connection closed.' : `The connection closed: “${reason}”.`,
  };
}

/** protoo-client's `failed(attempt)` while reconnecting, in words. */
export function explainReconnecting(attempt: number, cause?: Explanation): Explanation {
  const next = retryDelayMs(attempt) / 1000;
  return {
    title: `Reconnecting: attempt ${String(attempt)} of ${String(ATTEMPTS_PER_CYCLE)} failed, next in ${String(next)} s`,
    detail: cause ? `${cause.title}. ${cause.detail}` : 'protoo-client retries on its own.',
    ...(cause?.link ? { link: cause.link } : {}),
  };
}

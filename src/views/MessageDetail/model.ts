/**
 * What the message detail shows for one event of an analysed session, as plain data: the
 * header facts, the catalog entry, the paired request / response in words, the findings, and
 * the event's body by type. Pure: no React, no DOM.
 */
import type { SessionAnalysis } from '../../projections/analysis.ts';
import type { Finding } from '../../projections/findings.ts';
import {
  lookupMethod,
  matchKnownError,
  methodEntries,
  otherDialect,
  type KnownError,
  type MethodEntry,
} from '../../protocol/catalog.ts';
import type { ValidationWarning } from '../../protocol/validate.ts';
import { eventToLine } from '../../session/capture.ts';
import type { Direction, SessionEvent } from '../../session/events.ts';
import { TYPE_CODE } from '../../session/SessionLog.ts';
import { formatDuration, formatTime } from '../EventList/format.ts';
import { parseCandidate, type CandidateParseResult } from './candidate.ts';
import { describePcEvent, describeRoomType } from './words.ts';

export type DetailKind =
  | 'request'
  | 'success'
  | 'error'
  | 'notification'
  | 'invalid'
  | 'binary'
  | 'room'
  /** A frame of a kind this view does not know (a newer analysis). */
  | 'frame'
  | 'ws.open'
  | 'ws.close'
  | 'ws.error'
  | 'pc'
  | 'note'
  | 'unknown';

export interface DetailHeader {
  readonly index: number;
  readonly seq: number;
  readonly t: number;
  readonly time: string;
  readonly kind: DetailKind;
  /** The kind in words: `request`, `error response`, `mesh message`, `socket close`… */
  readonly kindLabel: string;
  /** A frame's method or room type; a pc event's name; an unknown event's type. */
  readonly method: string | undefined;
  readonly id: number | undefined;
  readonly conn: string | undefined;
  readonly connId: number;
  /** What the connection speaks (`protoo`, `mesh`, `two-party`), when the analysis says. */
  readonly protocol: string | undefined;
  /** The mediasoup-demo dialect of a protoo connection. */
  readonly dialect: string | undefined;
  readonly dir: Direction | undefined;
  /** `client → server` / `server → client`. */
  readonly dirText: string | undefined;
  /** For the accessible name and the title: `request join`. */
  readonly title: string;
}

/** A piece of a sentence: text, or a link to another event. */
export type Segment = string | { readonly index: number; readonly label: string };

export type Tone = 'ok' | 'error' | 'warning' | 'info';

export interface PairInfo {
  readonly heading: string;
  readonly tone: Tone;
  readonly segments: readonly Segment[];
  /** More sentences: a reused id, an answer that comes after the cursor. */
  readonly notes: readonly (readonly Segment[])[];
}

export interface CatalogInfo {
  /** The dialect the entry was looked up in: the connection's, or both while unknown. */
  readonly dialect: string;
  /** The entries shown (one; two while the dialect is unknown; none when not in the catalog). */
  readonly entries: readonly MethodEntry[];
  /** Whether the event is the response (then the response shape matters most). */
  readonly response: boolean;
  /** Why there is no entry, or what to know about the ones shown. */
  readonly note: string | undefined;
}

export interface UrlInfo {
  readonly ok: boolean;
  readonly origin?: string;
  readonly path?: string;
  readonly params: readonly (readonly [string, string])[];
  readonly error?: string;
}

export type EventBody =
  | {
      readonly type: 'message';
      readonly kind: 'request' | 'notification' | 'success';
      readonly data: unknown;
    }
  | {
      readonly type: 'error-response';
      readonly code: number | undefined;
      readonly reason: string;
      readonly okField: string;
      /** The catalog's explanation of this error, when it knows it. */
      readonly known: KnownError | undefined;
    }
  | {
      readonly type: 'invalid';
      readonly reason: string;
      readonly parsed: unknown;
      readonly json: boolean;
    }
  | { readonly type: 'binary'; readonly bytes: number }
  | {
      readonly type: 'room';
      readonly protocol: string | undefined;
      readonly value: unknown;
      readonly about: string | undefined;
      readonly candidate: CandidateParseResult | undefined;
    }
  | { readonly type: 'frame'; readonly value: unknown }
  | {
      readonly type: 'open';
      readonly url: string;
      readonly subprotocol: string | undefined;
      readonly parsed: UrlInfo;
    }
  | {
      readonly type: 'close';
      readonly code: number | undefined;
      readonly reason: string | undefined;
      readonly meaning: string;
      readonly next: string | undefined;
    }
  | { readonly type: 'ws-error'; readonly message: string }
  | {
      readonly type: 'pc';
      readonly pc: string;
      readonly event: string;
      readonly value: unknown;
      readonly about: string | undefined;
      readonly candidate: CandidateParseResult | undefined;
    }
  | { readonly type: 'note'; readonly text: string }
  | { readonly type: 'unknown'; readonly originalType: string; readonly extra: unknown };

export interface TreeSource {
  /** The root's name in paths: `data`, `frame`, `value`, `event`. */
  readonly root: string;
  readonly value: unknown;
}

const KIND_LABELS: Readonly<Record<DetailKind, string>> = {
  request: 'request',
  success: 'response',
  error: 'error response',
  notification: 'notification',
  invalid: 'invalid frame',
  binary: 'binary frame',
  room: 'room message',
  frame: 'frame',
  'ws.open': 'socket open',
  'ws.close': 'socket close',
  'ws.error': 'socket error',
  pc: 'peer connection event',
  note: 'note',
  unknown: 'unknown event type',
};

const KNOWN_FRAME_KINDS: ReadonlySet<string> = new Set([
  'request',
  'success',
  'error',
  'notification',
  'invalid',
  'binary',
  'room',
]);

/** The event's kind for this view (a frame kind it does not know becomes `frame`). */
export function detailKind(a: SessionAnalysis, i: number): DetailKind {
  const log = a.log;
  switch (log.typeCode(i)) {
    case TYPE_CODE['ws.frame']: {
      const k: string | undefined = a.kind(i);
      return k !== undefined && KNOWN_FRAME_KINDS.has(k) ? (k as DetailKind) : 'frame';
    }
    case TYPE_CODE['ws.open']:
      return 'ws.open';
    case TYPE_CODE['ws.close']:
      return 'ws.close';
    case TYPE_CODE['ws.error']:
      return 'ws.error';
    case TYPE_CODE.pc:
      return 'pc';
    case TYPE_CODE.note:
      return 'note';
    default:
      return 'unknown';
  }
}

/**
 * What the connection speaks and its dialect. Read structurally: `protocol` is newer than
 * this view's first version of the analysis.
 */
function connectionFacts(
  a: SessionAnalysis,
  connId: number,
): { protocol: string | undefined; dialect: string | undefined } {
  if (connId < 0) return { protocol: undefined, dialect: undefined };
  const info: { readonly protocol?: unknown; readonly dialect: string } = a.connection(connId);
  const protocol = typeof info.protocol === 'string' ? info.protocol : undefined;
  return {
    protocol,
    dialect: protocol === undefined || protocol === 'protoo' ? info.dialect : undefined,
  };
}

/**
 * The header of the event at `i`.
 *
 * @example
 * describeHeader(analysis, 8).title; // 'request join'
 */
export function describeHeader(a: SessionAnalysis, i: number): DetailHeader {
  const log = a.log;
  const kind = detailKind(a, i);
  const connId = log.connId(i);
  const conn = connId >= 0 ? log.connName(connId) : undefined;
  const { protocol, dialect } = connectionFacts(a, connId);
  const dir = log.dir(i);
  let method = a.method(i);
  let kindLabel = KIND_LABELS[kind];
  if (kind === 'room' && protocol !== undefined) kindLabel = `${protocol} message`;
  if (kind === 'pc' || kind === 'unknown') {
    const e = log.get(i);
    if (e.type === 'pc') method = e.event;
    else if (e.type === 'unknown') method = e.originalType;
  }
  const t = log.time(i);
  return {
    index: i,
    seq: log.seq(i),
    t,
    time: formatTime(t),
    kind,
    kindLabel,
    method,
    id: a.id(i),
    conn,
    connId,
    protocol,
    dialect,
    dir,
    dirText: dir === undefined ? undefined : dir === 'out' ? 'client → server' : 'server → client',
    title: method === undefined ? kindLabel : `${kindLabel} ${method}`,
  };
}

// ── pairing ─────────────────────────────────────────────────────────────

function link(a: SessionAnalysis, index: number, what?: string): Segment {
  const seq = a.log.seq(index);
  const kind = detailKind(a, index);
  const method = a.method(index);
  const words = what ?? `${KIND_LABELS[kind]}${method === undefined ? '' : ` ${method}`}`;
  return { index, label: `${words}, seq ${seq}` };
}

function quoteReason(reason: string): string {
  return reason === '' ? '' : ` “${reason}”`;
}

function afterCursor(a: SessionAnalysis, pair: number, cursor: number): Segment[] | undefined {
  if (pair <= cursor) return undefined;
  return [
    'At the cursor this answer has not come yet: it comes at ',
    link(a, pair),
    ` (${formatTime(a.log.time(pair))}).`,
  ];
}

function requestPair(a: SessionAnalysis, i: number, cursor: number): PairInfo {
  const log = a.log;
  const outcome = a.outcome(i) ?? 'pending';
  const pair = a.pairOf(i);
  const latency = a.latency(i);
  const after = latency === undefined ? '' : ` after ${formatDuration(latency)}`;
  const notes: Segment[][] = [];
  const reused = a.correlator.reusedId.get(i);
  if (reused !== undefined) {
    notes.push([
      'Its id was still waiting for an answer to ',
      link(a, reused),
      ': protoo forgets that earlier request, which can only time out.',
    ]);
  }
  const late = pair >= 0 ? afterCursor(a, pair, cursor) : undefined;
  switch (outcome) {
    case 'ok':
      if (late) notes.push(late);
      return {
        heading: 'Answer',
        tone: 'ok',
        segments: ['Answered ok by ', link(a, pair, 'the response'), `${after}.`],
        notes,
      };
    case 'error': {
      if (late) notes.push(late);
      const e = a.errors.get(pair);
      const code = e?.code === undefined ? '' : ` ${e.code}`;
      return {
        heading: 'Answer',
        tone: 'error',
        segments: [
          `Answered with error${code}${quoteReason(e?.reason ?? '')} by `,
          link(a, pair, 'the error response'),
          `${after}.`,
        ],
        notes,
      };
    }
    case 'timeout': {
      const deadline = a.correlator.deadlineOf(i);
      const segments: Segment[] = [
        `No answer within ${formatDuration(deadline - log.time(i))}: the sender gave up at ${formatTime(deadline)} (request timeout).`,
      ];
      if (pair >= 0) {
        segments.push(
          ' A late response came at ',
          link(a, pair, 'the response'),
          '; protoo dropped it.',
        );
      }
      return { heading: 'Answer', tone: 'error', segments, notes };
    }
    case 'cut': {
      const by = a.correlator.cutBy.get(i);
      const segments: Segment[] =
        by === undefined
          ? ['Cut: the socket closed before an answer came; it cannot come any more.']
          : [
              'Cut: the socket closed (',
              link(a, by, 'the close'),
              ') before an answer came; it cannot come any more.',
            ];
      return { heading: 'Answer', tone: 'warning', segments, notes };
    }
    case 'pending': {
      const deadline = a.correlator.deadlineOf(i);
      const when = Number.isFinite(deadline)
        ? ` It would time out at ${formatTime(deadline)} (${formatDuration(deadline - log.time(i))} after it was sent).`
        : '';
      return {
        heading: 'Answer',
        tone: 'info',
        segments: [`Pending: no answer by the end of the session.${when}`],
        notes,
      };
    }
  }
}

function responsePair(a: SessionAnalysis, i: number): PairInfo | undefined {
  const log = a.log;
  const orphan = a.orphan(i);
  const id = a.id(i);
  if (orphan) {
    switch (orphan.kind) {
      case 'unknown-id':
        return {
          heading: 'Request',
          tone: 'warning',
          segments: [
            `Answers no request: no request with id ${id ?? '?'} was sent the other way on this connection. protoo drops it.`,
          ],
          notes: [],
        };
      case 'late':
        return {
          heading: 'Request',
          tone: 'warning',
          segments: [
            'Late: answers ',
            link(a, orphan.request),
            `, which had timed out at ${formatTime(orphan.timedOutAt)}. protoo drops it.`,
          ],
          notes: [],
        };
      case 'after-cut':
        return {
          heading: 'Request',
          tone: 'warning',
          segments: [
            'Its id matches ',
            link(a, orphan.request),
            ', which a disconnect cut: in protoo this answer cannot belong to it.',
          ],
          notes: [],
        };
      case 'duplicate':
        return {
          heading: 'Request',
          tone: 'warning',
          segments: [
            'Duplicate: ',
            link(a, orphan.request),
            ' was already answered by ',
            link(a, orphan.firstResponse, 'the first response'),
            '.',
          ],
          notes: [],
        };
    }
  }
  const pair = a.pairOf(i);
  if (pair < 0) return undefined;
  const latency = a.latency(i);
  return {
    heading: 'Request',
    tone: 'info',
    segments: [
      'Answers ',
      link(a, pair),
      latency === undefined
        ? '.'
        : `, sent ${formatDuration(latency)} earlier (at ${formatTime(log.time(pair))}).`,
    ],
    notes: [],
  };
}

/**
 * The paired request or response of the event at `i`, in words with links; undefined for
 * events that are neither.
 *
 * @example
 * pairInfo(analysis, 8, 20)?.segments; // ['Answered ok by ', {index: 9, label: 'the response, seq 9'}, ' after 13 ms.']
 */
export function pairInfo(a: SessionAnalysis, i: number, cursor: number): PairInfo | undefined {
  const kind = detailKind(a, i);
  if (kind === 'request') return requestPair(a, i, cursor);
  if (kind === 'success' || kind === 'error') return responsePair(a, i);
  return undefined;
}

// ── catalog ─────────────────────────────────────────────────────────────

/**
 * The catalog entries for the method of the event at `i`: in the connection's dialect, in
 * both while it is unknown. Undefined for events without a protoo method.
 */
export function catalogInfo(a: SessionAnalysis, i: number): CatalogInfo | undefined {
  const kind = detailKind(a, i);
  if (kind !== 'request' && kind !== 'notification' && kind !== 'success' && kind !== 'error') {
    return undefined;
  }
  const method = a.method(i);
  if (method === undefined) return undefined;
  const response = kind === 'success' || kind === 'error';
  const { dialect = 'unknown' } = connectionFacts(a, a.log.connId(i));
  if (dialect === 'legacy' || dialect === 'new') {
    const entry = lookupMethod(method, dialect);
    if (entry) return { dialect, entries: [entry], response, note: undefined };
    const other = lookupMethod(method, otherDialect(dialect));
    return {
      dialect,
      entries: other ? [other] : [],
      response,
      note: other
        ? `Not a method of the ${dialect} mediasoup-demo; the ${other.dialect} one has it (shown).`
        : `Not a method of either mediasoup-demo dialect: an application's own method, or a typo.`,
    };
  }
  if (dialect === 'generic') {
    return {
      dialect,
      entries: [],
      response,
      note: 'A generic protoo connection (no mediasoup-demo method seen): there is no catalog for it.',
    };
  }
  const entries = methodEntries(method);
  return {
    dialect,
    entries,
    response,
    note:
      entries.length === 0
        ? 'Not a method of either mediasoup-demo dialect.'
        : "The connection's dialect is not known yet: the entries of both dialects are shown.",
  };
}

// ── findings ────────────────────────────────────────────────────────────

/**
 * The findings on the event at `index` (`own`), without those that only repeat one of its
 * catalog warnings (shown with the catalog), and the findings about other events that name
 * it (`related`).
 */
export function findingsFor(
  all: readonly Finding[],
  index: number,
  warnings: readonly ValidationWarning[] = [],
): { own: Finding[]; related: Finding[] } {
  const repeated = new Set(warnings.map((w) => w.message));
  const own: Finding[] = [];
  const related: Finding[] = [];
  for (const f of all) {
    if (f.index === index) {
      if (!repeated.has(f.message)) own.push(f);
    } else if (f.related?.includes(index)) related.push(f);
  }
  return { own, related };
}

// ── bodies ──────────────────────────────────────────────────────────────

/** What each WebSocket close code means (RFC 6455 §7.4, IANA registry). */
const CLOSE_CODES: Readonly<Record<number, string>> = {
  1000: 'normal closure: the purpose of the connection was fulfilled',
  1001: 'going away: the page was left or the server is shutting down',
  1002: 'protocol error',
  1003: 'unsupported data: a frame type the endpoint cannot accept',
  1005: 'no status code was received (the close frame carried none)',
  1006: 'abnormal closure: the connection dropped without a close frame (network, crash, or refused)',
  1007: 'invalid payload: a text frame that is not UTF-8',
  1008: 'policy violation',
  1009: 'message too big',
  1010: 'a required extension was not negotiated',
  1011: 'internal error on the server',
  1012: 'service restart',
  1013: 'try again later',
  1014: 'bad gateway',
  1015: 'TLS handshake failure',
};

/**
 * The meaning of a close code, and what the protoo client does next.
 *
 * @example
 * closeMeaning(4000, 'protoo').meaning; // 'closed by the protoo server (Peer.close(), or a newer connection of the same peer)'
 */
export function closeMeaning(
  code: number | undefined,
  protocol: string | undefined,
): { meaning: string; next: string | undefined } {
  const protoo = protocol === undefined || protocol === 'protoo';
  let meaning: string;
  if (code === undefined) meaning = 'no close code recorded';
  else if (code === 4000 && protoo) {
    meaning =
      'closed by the protoo server (Peer.close(), or a newer connection of the same peer replaced it)';
  } else if (CLOSE_CODES[code] !== undefined) meaning = CLOSE_CODES[code];
  else if (code >= 4000 && code <= 4999) meaning = 'an application-defined code (4000–4999)';
  else if (code >= 3000 && code <= 3999)
    meaning = 'a code registered by a library or framework (3000–3999)';
  else meaning = 'not a code the WebSocket standard defines';
  let next: string | undefined;
  if (protoo) {
    next =
      code === 4000
        ? 'protoo-client does not reconnect after 4000: the peer is closed.'
        : 'protoo-client reconnects after this close (a new retry cycle: 1, 2, 4, 8… s), unless the app closed the peer itself.';
  }
  return { meaning, next };
}

/**
 * A WebSocket URL's parts and its query parameters, in order, decoded.
 *
 * @example
 * urlInfo('wss://h:4443/?roomId=r&peerId=p').params; // [['roomId', 'r'], ['peerId', 'p']]
 */
export function urlInfo(url: string): UrlInfo {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    const q = url.indexOf('?');
    const params: [string, string][] = [];
    if (q >= 0) {
      try {
        for (const [k, v] of new URLSearchParams(url.slice(q + 1))) params.push([k, v]);
      } catch {
        // nothing readable
      }
    }
    return { ok: false, params, error: 'not a valid URL: shown as recorded' };
  }
  return { ok: true, origin: u.origin, path: u.pathname, params: [...u.searchParams] };
}

function parseJson(text: string): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch {
    return { ok: false };
  }
}

function base64Bytes(b64: string): number {
  const trimmed = b64.replace(/\s/g, '');
  return (
    Math.floor((trimmed.length * 3) / 4) -
    (trimmed.endsWith('==') ? 2 : trimmed.endsWith('=') ? 1 : 0)
  );
}

type Obj = Readonly<Record<string, unknown>>;

function isObject(value: unknown): value is Obj {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** An ICE candidate a pc event or a room frame carries (string or `{candidate}`). */
function candidateOf(value: unknown): CandidateParseResult | undefined {
  let text: unknown = value;
  if (isObject(value)) text = value.candidate;
  if (typeof text === 'string') {
    // webrtc-internals writes `sdpMid: 0, sdpMLineIndex: 0, candidate: candidate:…`
    const at = text.indexOf('candidate:');
    if (at < 0) return undefined;
    const line = text.slice(at).split(/\r?\n/)[0] ?? '';
    const inner = line.indexOf('candidate:', 1);
    return parseCandidate(inner > 0 ? line.slice(inner) : line);
  }
  return undefined;
}

function roomCandidate(value: unknown): CandidateParseResult | undefined {
  if (!isObject(value)) return undefined;
  if (value.type === 'signal' && value.candidate !== undefined) return candidateOf(value.candidate);
  if (value.type === 'message' && isObject(value.message) && value.message.type === 'candidate') {
    return candidateOf(value.message.candidate);
  }
  return undefined;
}

/**
 * The body of the event at `i`: what the event is about, by type.
 *
 * @example
 * eventBody(analysis, 0); // { type: 'open', url: 'wss://…', parsed: { params: [['roomId', '…'], …] }, … }
 */
export function eventBody(a: SessionAnalysis, i: number): EventBody {
  const log = a.log;
  const kind = detailKind(a, i);
  if (log.isFrame(i)) {
    const text = log.frameText(i);
    if (text === undefined) {
      return { type: 'binary', bytes: base64Bytes(log.frameBase64(i) ?? '') };
    }
    if (kind === 'invalid') {
      const parsed = parseJson(text);
      return {
        type: 'invalid',
        reason: a.invalidReasons.get(i) ?? 'not a valid message of its connection',
        parsed: parsed.ok ? parsed.value : undefined,
        json: parsed.ok,
      };
    }
    const msg = kind === 'room' ? undefined : a.message(i);
    if (msg && msg.kind !== 'invalid') {
      if (msg.kind === 'error') {
        return {
          type: 'error-response',
          code: msg.errorCode,
          reason: msg.errorReason,
          okField: msg.okField,
          known: matchKnownError(msg.errorCode, msg.errorReason, a.method(i)),
        };
      }
      return { type: 'message', kind: msg.kind, data: msg.data };
    }
    const parsed = parseJson(text);
    const value = parsed.ok ? parsed.value : text;
    if (kind === 'room') {
      const type = isObject(value) && typeof value.type === 'string' ? value.type : undefined;
      const protocol = connectionFacts(a, log.connId(i)).protocol;
      return {
        type: 'room',
        protocol,
        value,
        about: type === undefined ? undefined : describeRoomType(protocol, type),
        candidate: roomCandidate(value),
      };
    }
    return { type: 'frame', value };
  }
  const e: SessionEvent = log.get(i);
  switch (e.type) {
    case 'ws.open':
      return { type: 'open', url: e.url, subprotocol: e.protocol, parsed: urlInfo(e.url) };
    case 'ws.close': {
      const { meaning, next } = closeMeaning(e.code, connectionFacts(a, log.connId(i)).protocol);
      return { type: 'close', code: e.code, reason: e.reason, meaning, next };
    }
    case 'ws.error':
      return { type: 'ws-error', message: e.message };
    case 'pc':
      return {
        type: 'pc',
        pc: e.pc,
        event: e.event,
        value: e.value,
        about: describePcEvent(e.event),
        candidate:
          e.event === 'icecandidate' || e.event === 'addIceCandidate'
            ? candidateOf(e.value)
            : undefined,
      };
    case 'note':
      return { type: 'note', text: e.text };
    case 'unknown':
      return { type: 'unknown', originalType: e.originalType, extra: e.extra ?? {} };
    case 'ws.frame':
      return { type: 'frame', value: undefined };
  }
}

/**
 * The value the Tree tab shows for the event, and its root's name in paths; `value` is
 * undefined when there is nothing to show as a tree (text that is not JSON, a binary frame).
 */
export function treeSource(a: SessionAnalysis, i: number, body: EventBody): TreeSource {
  switch (body.type) {
    case 'message':
      return { root: 'data', value: body.data };
    case 'room':
    case 'frame':
      return { root: 'frame', value: body.value };
    case 'invalid':
      return body.json
        ? { root: 'frame', value: body.parsed }
        : { root: 'frame', value: undefined };
    case 'binary':
      return { root: 'frame', value: undefined };
    case 'pc':
      return { root: 'value', value: body.value };
    case 'unknown':
      return { root: 'extra', value: body.extra };
    default: {
      const raw = rawText(a, i);
      const parsed = parseJson(raw.text);
      return { root: 'event', value: parsed.ok ? parsed.value : raw.text };
    }
  }
}

/** The exact text of the event: a frame's text (or base64), another event's capture line. */
export function rawText(a: SessionAnalysis, i: number): { text: string; what: string } {
  const log = a.log;
  if (log.isFrame(i)) {
    const b64 = log.frameBase64(i);
    if (b64 !== undefined) return { text: b64, what: 'Binary frame (base64)' };
    return { text: log.frameText(i) ?? '', what: 'Frame text' };
  }
  return { text: eventToLine(log.get(i)), what: 'Capture line' };
}

/**
 * Pretty-printed JSON of a text, or undefined when it is not JSON.
 *
 * @example
 * prettyJson('{"a":1}'); // '{\n  "a": 1\n}'
 */
export function prettyJson(text: string): string | undefined {
  const parsed = parseJson(text);
  if (!parsed.ok) return undefined;
  try {
    return JSON.stringify(parsed.value, null, 2);
  } catch {
    return undefined;
  }
}

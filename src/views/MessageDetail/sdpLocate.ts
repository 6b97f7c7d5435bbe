/**
 * Where SDPs appear in a session, and which earlier SDP a given one should be compared with.
 *
 * - `pc` events: the value of setLocalDescription, setRemoteDescription, createOfferOnSuccess
 *   and createAnswerOnSuccess, as `{type, sdp}`, as its JSON text, or as webrtc-internals'
 *   `type: offer, sdp: v=0…` text;
 * - mesh room frames `{"type":"signal","description":{"type","sdp"}}`;
 * - two-party room frames `{"type":"message","message":{"type":"offer"|"answer","sdp"}}`.
 *
 * An SDP belongs to a *connection*: the `pc` id, or for room frames the signaling connection
 * and the remote peer (mesh `to` / `from`). Its *side* is local (written here: set or created
 * locally, or sent) or remote (applied from the other end, or received).
 */
import type { PcEvent } from '../../session/events.ts';
import { TYPE_CODE, type SessionLog } from '../../session/SessionLog.ts';

export type SdpSide = 'local' | 'remote';

export interface SdpRef {
  /** The log index of the event. */
  readonly index: number;
  readonly sdp: string;
  /** `offer`, `answer`, `pranswer`, or undefined when the event does not say. */
  readonly type: string | undefined;
  readonly side: SdpSide;
  /** Identifies the connection the SDP belongs to (compare refs with it). */
  readonly key: string;
  /** The connection in words: `peer connection send-pc`, `c1, peer 3`. */
  readonly connection: string;
  /** Where the SDP sits in the event: `value.sdp`, `description.sdp`, `message.sdp`. */
  readonly path: string;
  /** What carried it: `setRemoteDescription`, `signal to 3`, `message from the server`. */
  readonly via: string;
}

const LOCAL_PC_EVENTS: ReadonlySet<string> = new Set([
  'setLocalDescription',
  'createOfferOnSuccess',
  'createAnswerOnSuccess',
]);
const REMOTE_PC_EVENTS: ReadonlySet<string> = new Set(['setRemoteDescription']);

type Obj = Readonly<Record<string, unknown>>;

function isObject(value: unknown): value is Obj {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function peerText(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return undefined;
}

/**
 * The type and SDP of a description value: `{type, sdp}`, its JSON text, or webrtc-internals'
 * `type: offer, sdp: v=0…`. Undefined when it carries no SDP text.
 *
 * @example
 * descriptionOf('type: answer, sdp: v=0\r\n…'); // { type: 'answer', sdp: 'v=0\r\n…' }
 */
export function descriptionOf(
  value: unknown,
): { type: string | undefined; sdp: string } | undefined {
  if (typeof value === 'string') {
    const text = value.trim();
    if (text.startsWith('{')) {
      try {
        return descriptionOf(JSON.parse(text) as unknown);
      } catch {
        return undefined;
      }
    }
    const m = /^type:\s*([A-Za-z]*)\s*,\s*sdp:\s?([\s\S]*)$/.exec(value);
    if (!m) return undefined;
    return { type: m[1] === '' ? undefined : m[1]?.toLowerCase(), sdp: m[2] ?? '' };
  }
  if (!isObject(value) || !('sdp' in value)) return undefined;
  const sdp = value.sdp;
  if (typeof sdp !== 'string') return undefined;
  return { type: typeof value.type === 'string' ? value.type : undefined, sdp };
}

function pcRef(log: SessionLog, index: number, e: PcEvent): SdpRef | undefined {
  const local = LOCAL_PC_EVENTS.has(e.event);
  if (!local && !REMOTE_PC_EVENTS.has(e.event)) return undefined;
  const d = descriptionOf(e.value);
  if (!d) return undefined;
  return {
    index,
    sdp: d.sdp,
    type: d.type,
    side: local ? 'local' : 'remote',
    key: `pc\u0000${e.pc}`,
    connection: `peer connection ${e.pc}`,
    path: 'value.sdp',
    via: e.event,
  };
}

/** The SDP of a mesh / two-party frame, from its text (no SDP: cheap, no parse). */
function frameRef(log: SessionLog, index: number): SdpRef | undefined {
  const text = log.frameText(index);
  if (text === undefined || !text.includes('"sdp"')) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (!isObject(value)) return undefined;
  const out = log.dir(index) === 'out';
  const side: SdpSide = out ? 'local' : 'remote';
  const connId = log.connId(index);
  const conn = log.connName(connId);
  if (value.type === 'signal' && isObject(value.description)) {
    const d = descriptionOf(value.description);
    if (!d) return undefined;
    const peer = peerText(out ? value.to : value.from) ?? peerText(value.from) ?? '?';
    return {
      index,
      sdp: d.sdp,
      type: d.type,
      side,
      key: `room\u0000${connId}\u0000${peer}`,
      connection: `${conn}, peer ${peer}`,
      path: 'description.sdp',
      via: out ? `signal to ${peer}` : `signal from ${peer}`,
    };
  }
  if (value.type === 'message' && isObject(value.message)) {
    const d = descriptionOf(value.message);
    if (!d) return undefined;
    return {
      index,
      sdp: d.sdp,
      type: d.type,
      side,
      key: `room\u0000${connId}`,
      connection: conn,
      path: 'message.sdp',
      via: out ? 'message to the other party' : 'message from the other party',
    };
  }
  return undefined;
}

/**
 * The SDP the event at `index` carries, if any.
 *
 * @example
 * sdpOfEvent(log, 7)?.side; // 'remote' for a setRemoteDescription
 */
export function sdpOfEvent(log: SessionLog, index: number): SdpRef | undefined {
  if (index < 0 || index >= log.length) return undefined;
  const type = log.typeCode(index);
  if (type === TYPE_CODE.pc) return pcRef(log, index, log.get(index) as PcEvent);
  if (type === TYPE_CODE['ws.frame']) return frameRef(log, index);
  return undefined;
}

/**
 * The indexes to look through for refs of `ref`'s connection, nearest first: the signaling
 * connection's events for a room frame, every event for a pc event (a trace may name its
 * signaling connection on some events only).
 */
function* candidates(log: SessionLog, ref: SdpRef, forward: boolean): Generator<number> {
  const connId = log.typeCode(ref.index) === TYPE_CODE.pc ? -1 : log.connId(ref.index);
  if (connId >= 0) {
    const list = log.eventsOfConn(connId);
    // Binary search for ref.index in the connection's (ascending) list.
    let lo = 0;
    let hi = list.length - 1;
    let at = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const v = list[mid] ?? 0;
      if (v === ref.index) {
        at = mid;
        break;
      }
      if (v < ref.index) lo = mid + 1;
      else hi = mid - 1;
    }
    if (at < 0) return;
    if (forward) for (let k = at + 1; k < list.length; k++) yield list[k] ?? 0;
    else for (let k = at - 1; k >= 0; k--) yield list[k] ?? 0;
    return;
  }
  if (forward) for (let i = ref.index + 1; i < log.length; i++) yield i;
  else for (let i = ref.index - 1; i >= 0; i--) yield i;
}

function find(
  log: SessionLog,
  ref: SdpRef,
  forward: boolean,
  match: (other: SdpRef) => boolean,
): SdpRef | undefined {
  const pc = log.typeCode(ref.index) === TYPE_CODE.pc;
  for (const i of candidates(log, ref, forward)) {
    if (pc ? log.typeCode(i) !== TYPE_CODE.pc : !log.isFrame(i)) continue;
    const other = sdpOfEvent(log, i);
    if (other && other.key === ref.key && match(other)) return other;
  }
  return undefined;
}

/**
 * The last SDP of the same connection and side before `ref`: what this description replaced.
 *
 * @example
 * previousSdp(log, sdpOfEvent(log, 12)!)?.index; // 5: the earlier setLocalDescription of the pc
 */
export function previousSdp(log: SessionLog, ref: SdpRef): SdpRef | undefined {
  return find(log, ref, false, (o) => o.side === ref.side);
}

/**
 * The other half of an offer/answer exchange: for an answer (or pranswer), the last offer of
 * the other side before it; for an offer, the first answer of the other side after it.
 */
export function counterpartSdp(log: SessionLog, ref: SdpRef): SdpRef | undefined {
  if (ref.type === 'offer') {
    return find(log, ref, true, (o) => o.side !== ref.side && o.type === 'answer');
  }
  if (ref.type === 'answer' || ref.type === 'pranswer') {
    return find(log, ref, false, (o) => o.side !== ref.side && o.type === 'offer');
  }
  return undefined;
}

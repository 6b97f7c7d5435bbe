/**
 * What one row of the sequence diagram draws and says (pure): its shape between which
 * columns, its texts, how much it stands out, and its accessible name. Made on demand for
 * the rows on screen (and for an export), never for the whole session at once.
 */
import type { SessionAnalysis } from '../../projections/analysis.ts';
import type { OrphanReason } from '../../projections/correlate.ts';
import type { MeshFrame, TwoPartyFrame } from '../../protocol/rooms.ts';
import { formatDuration, formatTime } from '../EventList/format.ts';
import { lastIndexOfRun, type RowLayout, type Run, type SequenceModel } from './model.ts';

/** How a row is drawn. */
export type RowStyle =
  | 'request'
  | 'response'
  | 'error'
  | 'notification'
  | 'message'
  | 'invalid'
  | 'binary'
  | 'open'
  | 'close'
  | 'socket-error'
  | 'pc'
  | 'note'
  | 'unknown'
  | 'run';

/**
 * - `arrow`: from one column to another;
 * - `self`: a note on one lifeline (pc events, notes of a connection);
 * - `socket`: a socket event, a bar across the client's lifeline towards its server;
 * - `wide`: a note over every lifeline (a note of no connection).
 */
export type RowShape = 'arrow' | 'self' | 'socket' | 'wide';

export type RowTone = 'none' | 'ok' | 'error' | 'warning' | 'muted';

export interface SeqRow {
  /** The layout entry (base position, or `-run - 1` for a run's header). */
  readonly entry: number;
  /** Stable React key. */
  readonly key: string;
  /** The event's log index (a run: its first notification). */
  readonly index: number;
  readonly seq: number;
  readonly time: number;
  readonly timeText: string;
  readonly shape: RowShape;
  /** Columns (0-based): the sender and receiver of an arrow; equal for a note. */
  readonly from: number;
  readonly to: number;
  readonly style: RowStyle;
  /** The text on the arrow / note. */
  readonly label: string;
  /** Outcome, latency, reason: the row's right-hand text. */
  readonly detail: string;
  readonly tone: RowTone;
  /** Columns of the remote peers the message is about. */
  readonly peers: readonly number[];
  /** Which way the message went on past the server: from the peers (`in`), to them (`out`). */
  readonly relay: 'in' | 'out' | 'mark';
  /** The paired request / response (log index), or -1. */
  readonly pair: number;
  readonly latency: number | undefined;
  /** A run's header row. */
  readonly run:
    { readonly id: number; readonly count: number; readonly expanded: boolean } | undefined;
  /** The run this event row belongs to (shown expanded), or -1. */
  readonly member: number;
  /** The accessible name: `seq 12, client c1 to server, request join, ok in 12.5 ms`. */
  readonly aria: string;
}

const MAX_TEXT = 240;

/** One line, at most `MAX_TEXT` characters. */
export function oneLine(text: string, max = MAX_TEXT): string {
  const flat = text.replace(/[\r\n\t]+/g, ' ');
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

function closeMeaning(code: number | undefined, protoo: boolean): string | undefined {
  if (code === 4000 && protoo) return 'closed by the protoo server';
  if (code === 1000) return 'normal close';
  if (code === 1006) return 'dropped';
  return undefined;
}

function orphanText(a: SessionAnalysis, orphan: OrphanReason): string {
  const seqOf = (i: number) => a.log.seq(i);
  switch (orphan.kind) {
    case 'unknown-id':
      return 'orphan: no request with this id';
    case 'late':
      return `late: request seq ${seqOf(orphan.request)} had timed out at ${formatTime(orphan.timedOutAt)}`;
    case 'after-cut':
      return `orphan: request seq ${seqOf(orphan.request)} was cut by close`;
    case 'duplicate':
      return `duplicate: request seq ${seqOf(orphan.request)} was already answered`;
  }
}

function errorOf(a: SessionAnalysis, response: number): string {
  const e = a.errors.get(response);
  if (!e) return 'error';
  return ['error', e.code === undefined ? undefined : String(e.code)]
    .filter((s) => s !== undefined)
    .join(' ')
    .concat(e.reason === '' ? '' : `: ${oneLine(e.reason)}`);
}

/** A request's outcome in words, and how it stands out. */
function requestOutcome(a: SessionAnalysis, i: number): { text: string; tone: RowTone } {
  const outcome = a.outcome(i);
  const pair = a.pairOf(i);
  const latency = pair >= 0 ? a.latency(i) : undefined;
  const took = latency === undefined ? '' : ` in ${formatDuration(latency)}`;
  switch (outcome) {
    case 'ok':
      return { text: `ok${took}`, tone: 'ok' };
    case 'error':
      return { text: `${pair >= 0 ? errorOf(a, pair) : 'error'}${took}`, tone: 'error' };
    case 'timeout': {
      const after = a.correlator.deadlineOf(i) - a.log.time(i);
      const late = pair >= 0 ? `, answered late${took}` : '';
      return { text: `timed out after ${formatDuration(after)}${late}`, tone: 'warning' };
    }
    case 'cut': {
      const by = a.correlator.cutBy.get(i);
      return {
        text: by === undefined ? 'cut by close' : `cut by close (seq ${a.log.seq(by)})`,
        tone: 'warning',
      };
    }
    case 'pending':
      return { text: 'pending: no answer yet', tone: 'muted' };
    default:
      return { text: '', tone: 'none' };
  }
}

function roomDetail(frame: MeshFrame | TwoPartyFrame): string {
  if (frame.protocol === 'two-party') {
    const m = frame.message;
    switch (m.type) {
      case 'message':
        return typeof m.message === 'string' ? m.message : m.message.type;
      case 'ready':
        return '';
      default:
        return `room ${m.room}`;
    }
  }
  const m = frame.message;
  switch (m.type) {
    case 'welcome':
      return `id ${m.id}, online: ${m.online.length === 0 ? 'none' : m.online.join(', ')}`;
    case 'online':
    case 'offline':
      return `id ${m.id}`;
    default: {
      const what = 'description' in m ? m.description.type : 'candidate';
      const from = 'from' in m ? `from ${m.from} ` : '';
      return `${what} ${from}to ${m.to}`;
    }
  }
}

/** A short rendering of a pc event's value: a state, an SDP type, or compact JSON. */
function pcValue(value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'string') return oneLine(value, 80);
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (typeof value === 'object' && !Array.isArray(value)) {
    const type = (value as Record<string, unknown>).type;
    if (typeof type === 'string') return oneLine(type, 80);
  }
  return undefined;
}

function pcTone(event: string, value: string | undefined): RowTone {
  if (event.endsWith('OnFailure') || event === 'icecandidateerror') return 'error';
  if (value === 'failed') return 'error';
  if (value === 'disconnected') return 'warning';
  if (value === 'connected' || value === 'completed') return 'ok';
  return 'none';
}

function bytesOf(b64: string): number {
  return Math.floor((b64.length * 3) / 4) - (b64.endsWith('==') ? 2 : b64.endsWith('=') ? 1 : 0);
}

function column(model: SequenceModel, lane: number): number {
  return lane < 0 ? -1 : (model.columnOf[lane] ?? -1);
}

function nameOf(model: SequenceModel, col: number): string {
  return model.columns[col]?.name ?? 'unknown';
}

interface Parts {
  shape: RowShape;
  from: number;
  to: number;
  style: RowStyle;
  label: string;
  detail: string;
  tone: RowTone;
  /** Words for the accessible name after the lifelines: `request join, ok in 12.5 ms`. */
  said: string;
}

function frameParts(model: SequenceModel, i: number, client: number, server: number): Parts {
  const a = model.analysis;
  const log = a.log;
  const out = log.dir(i) === 'out';
  const from = out ? client : server;
  const to = out ? server : client;
  const method = a.method(i);
  const m = method === undefined ? '' : oneLine(method, 120);
  const base = { shape: 'arrow' as const, from, to };
  switch (a.kind(i)) {
    case 'request': {
      const o = requestOutcome(a, i);
      const reused = a.correlator.reusedId.get(i);
      const mark =
        reused === undefined ? '' : ` · id reused while seq ${log.seq(reused)} was pending`;
      const id = a.id(i);
      return {
        ...base,
        style: 'request',
        label: m,
        detail: `${o.text}${mark}`,
        tone: reused !== undefined && o.tone !== 'error' ? 'warning' : o.tone,
        said: `request ${m}${id === undefined ? '' : ` id ${id}`}, ${o.text}${mark}`,
      };
    }
    case 'success':
    case 'error': {
      const error = a.kind(i) === 'error';
      const orphan = a.orphan(i);
      const pair = a.pairOf(i);
      const latency = pair >= 0 ? a.latency(i) : undefined;
      const parts = [
        error ? errorOf(a, i) : 'ok',
        latency === undefined ? undefined : formatDuration(latency),
        orphan === undefined ? undefined : orphanText(a, orphan),
      ].filter((s) => s !== undefined);
      const detail = parts.join(' · ');
      return {
        ...base,
        style: error ? 'error' : 'response',
        label: m === '' ? 'response' : m,
        detail,
        tone: error ? (a.isLate(i) ? 'warning' : 'error') : orphan ? 'warning' : 'none',
        said: `${error ? 'error response' : 'response'}${m === '' ? '' : ` ${m}`}, ${detail}`,
      };
    }
    case 'notification':
      return {
        ...base,
        style: 'notification',
        label: m,
        detail: '',
        tone: 'none',
        said: `notification ${m}`,
      };
    case 'room': {
      const decoded = a.roomMessage(i);
      const detail = decoded?.kind === 'room' ? oneLine(roomDetail(decoded)) : '';
      return {
        ...base,
        style: 'message',
        label: m,
        detail,
        tone: 'none',
        said: `message ${m}${detail === '' ? '' : `, ${detail}`}`,
      };
    }
    case 'invalid': {
      const reason = oneLine(a.invalidReasons.get(i) ?? 'not a valid message');
      return {
        ...base,
        style: 'invalid',
        label: m === '' ? 'invalid frame' : `invalid ${m}`,
        detail: reason,
        tone: 'error',
        said: `invalid${m === '' ? '' : ` ${m}`}, ${reason}`,
      };
    }
    case 'binary': {
      const bytes = bytesOf(log.frameBase64(i) ?? '');
      const size = `${bytes} byte${bytes === 1 ? '' : 's'}`;
      return {
        ...base,
        style: 'binary',
        label: 'binary frame',
        detail: size,
        tone: 'muted',
        said: `binary frame, ${size}`,
      };
    }
    default:
      // A frame kind this view does not know yet: drawn as a plain message.
      return {
        ...base,
        style: 'message',
        label: m === '' ? 'frame' : m,
        detail: '',
        tone: 'none',
        said: `frame${m === '' ? '' : ` ${m}`}`,
      };
  }
}

function eventParts(model: SequenceModel, i: number, client: number, server: number): Parts {
  const a = model.analysis;
  const e = a.log.get(i);
  const own = client >= 0 ? client : 0;
  const socket = { shape: 'socket' as const, from: own, to: server >= 0 ? server : own };
  const self = { shape: 'self' as const, from: own, to: own };
  const wide = { shape: 'wide' as const, from: 0, to: Math.max(0, model.columns.length - 1) };
  switch (e.type) {
    case 'ws.open':
      return {
        ...socket,
        style: 'open',
        label: 'socket opened',
        detail: oneLine(e.url),
        tone: 'ok',
        said: `socket opened, ${oneLine(e.url)}`,
      };
    case 'ws.close': {
      const protoo = (a.protocolOf(a.log.connId(i)) ?? 'protoo') === 'protoo';
      const reason = e.reason === undefined || e.reason === '' ? '' : ` ${oneLine(e.reason, 120)}`;
      const label = `closed${e.code === undefined ? '' : ` ${e.code}`}${reason}`;
      const meaning = closeMeaning(e.code, protoo) ?? '';
      return {
        ...socket,
        style: 'close',
        label,
        detail: meaning,
        tone: e.code === 1000 ? 'muted' : 'warning',
        said: `socket ${label}${meaning === '' ? '' : `, ${meaning}`}`,
      };
    }
    case 'ws.error': {
      const label = `socket error: ${oneLine(e.message, 160)}`;
      return { ...socket, style: 'socket-error', label, detail: '', tone: 'error', said: label };
    }
    case 'pc': {
      const value = pcValue(e.value);
      const label = `pc ${oneLine(e.pc, 60)}: ${oneLine(e.event, 60)}${value === undefined ? '' : ` → ${value}`}`;
      return { ...self, style: 'pc', label, detail: '', tone: pcTone(e.event, value), said: label };
    }
    case 'note': {
      const text = oneLine(e.text);
      const at = e.conn === undefined ? wide : self;
      return { ...at, style: 'note', label: text, detail: '', tone: 'none', said: `note, ${text}` };
    }
    case 'unknown': {
      const label = `unknown event ${oneLine(e.originalType, 80)}`;
      const at = e.conn === undefined ? wide : self;
      return {
        ...at,
        style: 'unknown',
        label,
        detail: 'an event type this version does not know, kept as is',
        tone: 'muted',
        said: label,
      };
    }
    default:
      return { ...self, style: 'unknown', label: e.type, detail: '', tone: 'muted', said: e.type };
  }
}

function lifelines(model: SequenceModel, p: Parts): string {
  if (p.shape === 'wide') return 'over every lifeline';
  if (p.shape === 'self') return `on ${nameOf(model, p.from)}`;
  if (p.shape === 'socket') return `${nameOf(model, p.from)} and ${nameOf(model, p.to)}`;
  return `${nameOf(model, p.from)} to ${nameOf(model, p.to)}`;
}

function peerColumns(model: SequenceModel, index: number): number[] {
  const cols: number[] = [];
  for (const lane of model.lanes.peersOf(index)) {
    const c = column(model, lane);
    if (c >= 0) cols.push(c);
  }
  return cols;
}

/**
 * Describes the row `entry` of `layout`.
 *
 * @example
 * describeEntry(model, layout, layout.entries[0]).aria; // 'seq 0, client c1 and server, socket opened, wss://…'
 */
export function describeEntry(model: SequenceModel, layout: RowLayout, entry: number): SeqRow {
  if (entry < 0) {
    const run = model.runs[-entry - 1];
    if (run) return describeRun(model, layout, run, entry);
  }
  const a = model.analysis;
  const log = a.log;
  const i = model.rows[entry] ?? 0;
  const conn = log.connId(i);
  const client = column(model, model.lanes.clientLane(conn));
  const server = column(model, model.lanes.serverLane(conn));
  const parts = log.isFrame(i)
    ? frameParts(model, i, Math.max(client, 0), Math.max(server, 0))
    : eventParts(model, i, client, server);
  const peers = peerColumns(model, i);
  const dir = log.dir(i);
  const about =
    peers.length === 0 ? '' : `, about ${peers.map((c) => nameOf(model, c)).join(', ')}`;
  const seq = log.seq(i);
  const member = model.runOf[entry] ?? -1;
  const pair = a.pairOf(i);
  return {
    entry,
    key: `e${i}`,
    index: i,
    seq,
    time: log.time(i),
    timeText: formatTime(log.time(i)),
    ...parts,
    peers,
    relay: dir === 'in' ? 'in' : dir === 'out' ? 'out' : 'mark',
    pair,
    latency: pair >= 0 ? a.latency(i) : undefined,
    run: undefined,
    member,
    aria: `seq ${seq}, ${lifelines(model, parts)}, ${parts.said}${about}`,
  };
}

function describeRun(model: SequenceModel, layout: RowLayout, run: Run, entry: number): SeqRow {
  const a = model.analysis;
  const log = a.log;
  const first = model.rows[run.members[0] ?? 0] ?? 0;
  const last = lastIndexOfRun(model, run);
  const count = run.members.length;
  const client = column(model, model.lanes.clientLane(run.conn));
  const server = column(model, model.lanes.serverLane(run.conn));
  const out = log.dir(first) === 'out';
  const from = Math.max(out ? client : server, 0);
  const to = Math.max(out ? server : client, 0);
  const expanded = layout.expanded.has(run.id);
  const method = oneLine(run.method, 120);
  const span = formatDuration(log.time(last) - log.time(first));
  const detail = `seq ${log.seq(first)} – ${log.seq(last)}, over ${span}`;
  const seq = log.seq(first);
  return {
    entry,
    key: `r${first}`,
    index: first,
    seq,
    time: log.time(first),
    timeText: formatTime(log.time(first)),
    shape: 'arrow',
    from,
    to,
    style: 'run',
    label: `${method} × ${count}`,
    detail,
    tone: 'none',
    peers: [],
    relay: out ? 'out' : 'in',
    pair: -1,
    latency: undefined,
    run: { id: run.id, count, expanded },
    member: -1,
    aria: `seq ${seq} to ${log.seq(last)}, ${nameOf(model, from)} to ${nameOf(model, to)}, ${count} notifications ${method}, ${expanded ? 'expanded' : 'collapsed'}`,
  };
}

/** Every row of `layout`, described (for an export): at most `max`. */
export function describeAll(model: SequenceModel, layout: RowLayout, max: number): SeqRow[] {
  const out: SeqRow[] = [];
  const n = Math.min(layout.length, max);
  for (let k = 0; k < n; k++) out.push(describeEntry(model, layout, layout.entries[k] ?? 0));
  return out;
}

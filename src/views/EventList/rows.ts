/**
 * Pure helpers that turn one event of an analysed session into what its row shows, and
 * pick the rows a filter keeps. Rows are described on demand: only visible rows are ever
 * described, so a million-event session costs nothing until it scrolls.
 */
import { KIND_CODE, type SessionAnalysis } from '../../projections/analysis.ts';
import type { OrphanReason } from '../../projections/correlate.ts';
import type { MeshFrame, TwoPartyFrame } from '../../protocol/rooms.ts';
import { TYPE_CODE } from '../../session/SessionLog.ts';
import { formatDuration, formatTime } from './format.ts';
import type { EventFilter, KindGroup, RowInfo, RowKind, RowOutcome, RowTone } from './types.ts';

export const KIND_GROUPS: readonly { readonly group: KindGroup; readonly label: string }[] = [
  { group: 'request', label: 'Requests' },
  { group: 'response', label: 'Responses' },
  { group: 'notification', label: 'Notifications' },
  { group: 'room', label: 'Mesh & two-party' },
  { group: 'broken', label: 'Invalid & binary' },
  { group: 'socket', label: 'Socket events' },
  { group: 'pc', label: 'Peer connection' },
  { group: 'other', label: 'Notes & other' },
];

export const ALL_KINDS: ReadonlySet<KindGroup> = new Set(KIND_GROUPS.map((k) => k.group));

export const EMPTY_FILTER: EventFilter = { text: '', kinds: ALL_KINDS, problemsOnly: false };

const KIND_LABELS: Readonly<Record<RowKind, string>> = {
  request: 'request',
  success: 'response',
  error: 'error response',
  notification: 'notification',
  invalid: 'invalid',
  binary: 'binary',
  room: 'room',
  'ws.open': 'ws.open',
  'ws.close': 'ws.close',
  'ws.error': 'ws.error',
  pc: 'pc',
  note: 'note',
  unknown: 'unknown type',
};

/** Spoken names of the kinds, for row labels. */
const KIND_WORDS: Readonly<Record<RowKind, string>> = {
  ...KIND_LABELS,
  success: 'success response',
  'ws.open': 'socket open',
  'ws.close': 'socket close',
  'ws.error': 'socket error',
  pc: 'peer connection event',
  unknown: 'unknown event type',
};

/** What the row of event `i` shows in its kind column. */
export function rowKindOf(a: SessionAnalysis, i: number): RowKind {
  const frameKind = a.kind(i);
  if (frameKind) return frameKind;
  switch (a.log.typeCode(i)) {
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

export function kindGroupOf(kind: RowKind): KindGroup {
  switch (kind) {
    case 'request':
      return 'request';
    case 'success':
    case 'error':
      return 'response';
    case 'notification':
      return 'notification';
    case 'room':
      return 'room';
    case 'invalid':
    case 'binary':
      return 'broken';
    case 'ws.open':
    case 'ws.close':
    case 'ws.error':
      return 'socket';
    case 'pc':
      return 'pc';
    case 'note':
    case 'unknown':
      return 'other';
  }
}

function str(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

/** A short, single-line rendering of a pc event's value. */
function pcValueSummary(value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'string') return value.length > 120 ? `${value.slice(0, 117)}…` : value;
  if (typeof value === 'object' && !Array.isArray(value)) {
    const type = str((value as Record<string, unknown>).type);
    if (type !== undefined) return type;
  }
  let json: string;
  try {
    json = JSON.stringify(value);
  } catch {
    return undefined;
  }
  return json.length > 120 ? `${json.slice(0, 117)}…` : json;
}

/** One line for a mesh / two-party message: who, and what a signal or message carries. */
function roomDetail(frame: MeshFrame | TwoPartyFrame): string | undefined {
  if (frame.protocol === 'two-party') {
    const m = frame.message;
    switch (m.type) {
      case 'message':
        return typeof m.message === 'string' ? m.message : m.message.type;
      case 'ready':
        return undefined;
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
    case 'signal': {
      const what = 'description' in m ? m.description.type : 'candidate';
      const from = 'from' in m ? `from ${m.from} ` : '';
      return `${what} ${from}to ${m.to}`;
    }
  }
}

function closeText(code: number | undefined, r: string | undefined, protoo: boolean): string {
  const c = code === undefined ? 'no code' : `code ${code}`;
  const meaning =
    code === 4000 && protoo
      ? 'closed by the protoo server'
      : code === 1000
        ? 'normal close'
        : code === 1006
          ? 'dropped'
          : undefined;
  return [c, r === undefined || r === '' ? undefined : r, meaning]
    .filter((s) => s !== undefined)
    .join(' · ');
}

function describeOrphan(a: SessionAnalysis, orphan: OrphanReason): string {
  const seqOf = (i: number) => a.log.seq(i);
  switch (orphan.kind) {
    case 'unknown-id':
      return 'orphan: no request with this id';
    case 'late':
      return `late: request seq ${seqOf(orphan.request)} timed out at ${formatTime(orphan.timedOutAt)}`;
    case 'after-cut':
      return `orphan: request seq ${seqOf(orphan.request)} was cut by a disconnect`;
    case 'duplicate':
      return `duplicate: request seq ${seqOf(orphan.request)} was already answered`;
  }
}

function errorText(a: SessionAnalysis, responseIndex: number): string {
  const e = a.errors.get(responseIndex);
  if (!e) return 'error';
  return [
    'error',
    e.code === undefined ? undefined : String(e.code),
    e.reason === '' ? undefined : e.reason,
  ]
    .filter((s) => s !== undefined)
    .join(' ');
}

function requestOutcome(a: SessionAnalysis, i: number): RowOutcome | undefined {
  const outcome = a.outcome(i);
  if (outcome === undefined) return undefined;
  const pair = a.pairOf(i);
  switch (outcome) {
    case 'ok':
      return { outcome, text: 'ok' };
    case 'error':
      return { outcome, text: pair >= 0 ? errorText(a, pair) : 'error' };
    case 'timeout': {
      const after = a.correlator.deadlineOf(i) - a.log.time(i);
      return { outcome, text: `timed out after ${formatDuration(after)}` };
    }
    case 'cut': {
      const by = a.correlator.cutBy.get(i);
      return {
        outcome,
        text:
          by === undefined ? 'cut by a disconnect' : `cut by a disconnect (seq ${a.log.seq(by)})`,
      };
    }
    case 'pending':
      return { outcome, text: 'pending' };
  }
}

/** How much the event at `i` stands out. Cheap: used by the problems-only filter too. */
export function rowTone(a: SessionAnalysis, i: number): RowTone {
  const log = a.log;
  switch (a.kindCode(i)) {
    case KIND_CODE.invalid:
      return 'error';
    case KIND_CODE.error:
      return a.isLate(i) ? 'warning' : 'error';
    case KIND_CODE.request: {
      const o = a.outcome(i);
      if (o === 'error' || o === 'timeout') return 'error';
      if (o === 'cut' || a.correlator.reusedId.has(i)) return 'warning';
      return 'none';
    }
    case KIND_CODE.success:
      return a.orphan(i) ? 'warning' : 'none';
    case KIND_CODE.none: {
      const type = log.typeCode(i);
      if (type === TYPE_CODE['ws.error']) return 'error';
      if (type === TYPE_CODE['ws.close']) {
        const e = log.get(i);
        const code = e.type === 'ws.close' ? e.code : undefined;
        return code === 1000 || code === 4000 ? 'none' : 'warning';
      }
      return 'none';
    }
    default:
      return 'none';
  }
}

/**
 * Describes the event at `i` for its row.
 *
 * @example
 * describeRow(analysis, 3).label // 'seq 3, client to server, request join, ok'
 */
export function describeRow(a: SessionAnalysis, i: number): RowInfo {
  const log = a.log;
  const kind = rowKindOf(a, i);
  const connId = log.connId(i);
  let conn = connId >= 0 ? log.connName(connId) : undefined;
  const protocol = a.protocolOf(connId) ?? 'protoo';
  const dir = log.dir(i);
  let method = a.method(i);
  const id = a.id(i);
  const pair = a.pairOf(i);
  const latency = pair >= 0 ? a.latency(i) : undefined;
  const marks: string[] = [];
  let detail: string | undefined;
  let outcome: RowOutcome | undefined;

  switch (kind) {
    case 'request': {
      outcome = requestOutcome(a, i);
      const reused = a.correlator.reusedId.get(i);
      if (reused !== undefined) marks.push(`id reused while seq ${log.seq(reused)} was pending`);
      break;
    }
    case 'success':
    case 'error': {
      const orphan = a.orphan(i);
      if (orphan) marks.push(describeOrphan(a, orphan));
      if (kind === 'error') detail = errorText(a, i);
      break;
    }
    case 'invalid':
      detail = a.invalidReasons.get(i) ?? `not a ${protocol} message`;
      break;
    case 'binary': {
      const b64 = log.frameBase64(i) ?? '';
      const bytes =
        Math.floor((b64.length * 3) / 4) - (b64.endsWith('==') ? 2 : b64.endsWith('=') ? 1 : 0);
      const why =
        protocol === 'protoo'
          ? 'protoo ignores binary frames'
          : `the ${protocol} room speaks JSON text frames only`;
      detail = `${bytes} byte${bytes === 1 ? '' : 's'}: ${why}`;
      break;
    }
    case 'notification':
      break;
    case 'room': {
      const decoded = a.roomMessage(i);
      if (decoded?.kind === 'room') detail = roomDetail(decoded);
      break;
    }
    default: {
      const e = log.get(i);
      switch (e.type) {
        case 'ws.open':
          detail = e.url;
          break;
        case 'ws.close':
          detail = closeText(e.code, e.reason, protocol === 'protoo');
          break;
        case 'ws.error':
          detail = e.message;
          break;
        case 'pc': {
          method = e.event;
          conn ??= e.pc;
          const value = pcValueSummary(e.value);
          detail = conn === e.pc ? value : [e.pc, value].filter((s) => s !== undefined).join(' · ');
          break;
        }
        case 'note':
          detail = e.text;
          break;
        case 'unknown':
          method = e.originalType;
          detail = 'an event type this version does not know, kept as is';
          break;
        case 'ws.frame':
          break;
      }
    }
  }

  const t = log.time(i);
  const seq = log.seq(i);
  const tone = rowTone(a, i);
  const labelParts = [`seq ${seq}`];
  if (dir !== undefined) labelParts.push(dir === 'out' ? 'client to server' : 'server to client');
  const words = kind === 'room' ? `${protocol} message` : KIND_WORDS[kind];
  labelParts.push(method === undefined ? words : `${words} ${method}`);
  if (outcome) labelParts.push(outcome.text);
  else if (kind === 'error' && detail !== undefined) labelParts.push(detail);
  labelParts.push(...marks);
  const describesItself =
    kind !== 'error' && kind !== 'request' && kind !== 'success' && kind !== 'notification';
  if (describesItself && detail !== undefined) labelParts.push(detail);

  return {
    index: i,
    seq,
    t,
    time: formatTime(t),
    conn,
    dir,
    kind,
    kindLabel: kind === 'room' ? protocol : KIND_LABELS[kind],
    method,
    id,
    pair,
    latency,
    outcome,
    marks,
    detail,
    tone,
    label: labelParts.join(', '),
  };
}

/** The words the text filter looks in, for one event (lower-cased). */
export function searchText(a: SessionAnalysis, i: number): string {
  const row = describeRow(a, i);
  return [row.method, row.conn, row.kindLabel, row.detail, row.outcome?.text, ...row.marks]
    .filter((s) => s !== undefined)
    .join('\n')
    .toLowerCase();
}

export function isEmptyFilter(filter: EventFilter): boolean {
  return filter.text.trim() === '' && !filter.problemsOnly && filter.kinds.size === ALL_KINDS.size;
}

/**
 * The indexes of the events a filter keeps, in log order.
 *
 * @example
 * filterRows(analysis, { text: 'join', kinds: ALL_KINDS, problemsOnly: false })
 */
export function filterRows(a: SessionAnalysis, filter: EventFilter): Int32Array {
  const n = a.length;
  if (isEmptyFilter(filter)) {
    const all = new Int32Array(n);
    for (let i = 0; i < n; i++) all[i] = i;
    return all;
  }
  const needle = filter.text.trim().toLowerCase();
  const asNumber = /^\d+$/.test(needle) ? Number(needle) : undefined;
  const out = new Int32Array(n);
  let count = 0;
  for (let i = 0; i < n; i++) {
    if (filter.kinds.size !== ALL_KINDS.size && !filter.kinds.has(kindGroupOf(rowKindOf(a, i)))) {
      continue;
    }
    if (filter.problemsOnly && rowTone(a, i) === 'none') continue;
    if (needle !== '') {
      const numeric = asNumber !== undefined && (a.id(i) === asNumber || a.log.seq(i) === asNumber);
      if (!numeric && !searchText(a, i).includes(needle)) continue;
    }
    out[count++] = i;
  }
  return out.slice(0, count);
}

/**
 * The timeline's markers: the moments worth a glance (joins, errors, disconnects,
 * reconnects, findings), collected once per session length, and grouped by the pixel so
 * that a strip of a few hundred pixels stays readable at 100,000 events.
 */
import { KIND_CODE, type SessionAnalysis } from '../../projections/analysis.ts';
import type { Finding, Severity } from '../../projections/findings.ts';
import type { WsCloseEvent } from '../../session/events.ts';
import { TYPE_CODE } from '../../session/SessionLog.ts';
import { fractionOf, type TimeAxis } from './model.ts';
import { formatCount } from '../shared/format.ts';

export type MarkerKind =
  | 'join'
  | 'error-response'
  | 'invalid-frame'
  | 'ws-error'
  | 'disconnect'
  | 'server-close'
  | 'failed-attempt'
  | 'reconnect'
  | 'finding';

/** Markers are drawn in three lanes, top to bottom. */
export type Lane = 'findings' | 'connection' | 'messages';
export const LANES: readonly Lane[] = ['findings', 'connection', 'messages'];
export const LANE_LABELS: Readonly<Record<Lane, string>> = {
  findings: 'Findings',
  connection: 'Connections',
  messages: 'Messages',
};

export interface Marker {
  /** The event's log index. */
  readonly index: number;
  readonly kind: MarkerKind;
  readonly lane: Lane;
  /** A finding's severity. */
  readonly severity?: Severity;
  /** What it is, in words (the tooltip). Built from capture strings: render as text only. */
  readonly label: string;
}

/** What each kind is called, one and several. */
export const KIND_NAMES: Readonly<Record<MarkerKind, readonly [string, string]>> = {
  join: ['join', 'joins'],
  'error-response': ['error response', 'error responses'],
  'invalid-frame': ['broken frame', 'broken frames'],
  'ws-error': ['socket error', 'socket errors'],
  disconnect: ['disconnect', 'disconnects'],
  'server-close': ['closed by the server (4000)', 'closes by the server (4000)'],
  'failed-attempt': ['failed connection attempt', 'failed connection attempts'],
  reconnect: ['reconnect', 'reconnects'],
  finding: ['finding', 'findings'],
};

const SEVERITY_RANK: Readonly<Record<Severity, number>> = { error: 3, warning: 2, info: 1 };
/** Which marker of a group is drawn (and selected on click): the highest ranked. */
const KIND_RANK: Readonly<Record<MarkerKind, number>> = {
  'server-close': 9,
  'invalid-frame': 8,
  'error-response': 7,
  disconnect: 6,
  'failed-attempt': 5,
  'ws-error': 4,
  reconnect: 3,
  join: 2,
  finding: 0,
};

function rank(m: Marker): number {
  return m.kind === 'finding' ? SEVERITY_RANK[m.severity ?? 'info'] : KIND_RANK[m.kind];
}

const fmt = formatCount;

/** Event markers found so far in one analysis, and what the scan needs to carry on. */
interface EventScan {
  upTo: number;
  readonly markers: Marker[];
  /** Connection → its socket is open. */
  readonly open: Map<number, boolean>;
  /** Connections that have closed once (their next open is a reconnect). */
  readonly closedBefore: Set<number>;
}

/** One scan per analysis: a live log only grows, so each call scans the new events only. */
const scans = new WeakMap<SessionAnalysis, EventScan>();

function scanEvents(analysis: SessionAnalysis): EventScan {
  let scan = scans.get(analysis);
  if (!scan || scan.upTo > analysis.length) {
    scan = { upTo: 0, markers: [], open: new Map(), closedBefore: new Set() };
    scans.set(analysis, scan);
  }
  const log = analysis.log;
  const out = scan.markers;
  const { open, closedBefore } = scan;
  const where = (i: number) => {
    const c = log.connId(i);
    return c >= 0
      ? `seq ${fmt(log.seq(i))}, connection ${log.connName(c)}`
      : `seq ${fmt(log.seq(i))}`;
  };
  const n = analysis.length;
  for (let i = scan.upTo; i < n; i++) {
    const type = log.typeCode(i);
    if (type === TYPE_CODE['ws.frame']) {
      switch (analysis.kindCode(i)) {
        case KIND_CODE.request:
          if (analysis.method(i) === 'join') {
            out.push({
              index: i,
              kind: 'join',
              lane: 'messages',
              label: `join request (${where(i)})`,
            });
          }
          break;
        case KIND_CODE.room: {
          // A room's join: the two-party codelab's "create or join", the mesh relay's welcome.
          const roomType = analysis.method(i);
          if (roomType === 'create or join' || roomType === 'welcome') {
            out.push({
              index: i,
              kind: 'join',
              lane: 'messages',
              label: `${roomType === 'welcome' ? 'welcome (joined the mesh room)' : roomType} (${where(i)})`,
            });
          }
          break;
        }
        case KIND_CODE.error: {
          const e = analysis.errors.get(i);
          const pair = analysis.pairOf(i);
          const method = pair >= 0 ? analysis.method(pair) : undefined;
          const what = e ? `${e.code ?? 'no code'}${e.reason ? ` "${e.reason}"` : ''}` : '';
          out.push({
            index: i,
            kind: 'error-response',
            lane: 'messages',
            label: `error response${what ? ` ${what}` : ''}${method === undefined ? '' : ` to ${method}`} (${where(i)})`,
          });
          break;
        }
        case KIND_CODE.invalid:
          out.push({
            index: i,
            kind: 'invalid-frame',
            lane: 'messages',
            label: `broken frame: ${analysis.invalidReasons.get(i) ?? 'not a valid message'} (${where(i)})`,
          });
          break;
        default:
          // Other frame kinds (and kinds added later) are not marked.
          break;
      }
      continue;
    }
    const conn = log.connId(i);
    if (type === TYPE_CODE['ws.open']) {
      if (closedBefore.has(conn)) {
        out.push({
          index: i,
          kind: 'reconnect',
          lane: 'connection',
          label: `reconnect: the socket opened again (${where(i)})`,
        });
      }
      open.set(conn, true);
    } else if (type === TYPE_CODE['ws.close']) {
      const ev = log.get(i) as WsCloseEvent;
      const code = typeof ev.code === 'number' ? ev.code : undefined;
      const reason = typeof ev.reason === 'string' && ev.reason !== '' ? ` "${ev.reason}"` : '';
      const protoo = (analysis.protocolOf(conn) ?? 'protoo') === 'protoo';
      const codeText = code === undefined ? 'no code' : String(code);
      if (code === 4000 && protoo) {
        out.push({
          index: i,
          kind: 'server-close',
          lane: 'connection',
          label: `closed by the server: 4000${reason}, no reconnection (${where(i)})`,
        });
      } else if (open.get(conn) === true) {
        out.push({
          index: i,
          kind: 'disconnect',
          lane: 'connection',
          label: `${code === 1000 ? 'closed normally' : 'disconnect'}: close ${codeText}${reason} (${where(i)})`,
        });
      } else {
        out.push({
          index: i,
          kind: 'failed-attempt',
          lane: 'connection',
          label: `connection attempt failed: close ${codeText}${reason} (${where(i)})`,
        });
      }
      open.set(conn, false);
      closedBefore.add(conn);
    } else if (type === TYPE_CODE['ws.error']) {
      out.push({
        index: i,
        kind: 'ws-error',
        lane: 'connection',
        label: `socket error (${where(i)})`,
      });
    }
  }
  scan.upTo = n;
  return scan;
}

/**
 * Every marker of the session, in log order (a finding after the event markers of its
 * event). Event kinds this version does not know are skipped, not guessed at.
 *
 * The scan of the events is kept per analysis and carried on as a live log grows, so a
 * call after an append costs the new events and the markers, not the whole session.
 *
 * @example
 * collectMarkers(analysis, allFindings(analysis)).filter((m) => m.kind === 'reconnect');
 */
export function collectMarkers(
  analysis: SessionAnalysis,
  findings: readonly Finding[] = [],
): Marker[] {
  const events = scanEvents(analysis).markers;
  const log = analysis.log;
  const n = analysis.length;
  // Findings come in log order (allFindings); a list that is not gets sorted, once.
  const ordered = findings.every((x, k) => k === 0 || (findings[k - 1]?.index ?? 0) <= x.index)
    ? findings
    : [...findings].sort((a, b) => a.index - b.index);
  const out: Marker[] = [];
  let e = 0;
  for (const f of ordered) {
    if (f.index < 0 || f.index >= n) continue;
    for (let m = events[e]; m !== undefined && m.index <= f.index; m = events[++e]) out.push(m);
    let marker = findingMarkers.get(f);
    if (!marker) {
      marker = findingMarker(f, log.seq(f.index));
      findingMarkers.set(f, marker);
    }
    out.push(marker);
  }
  for (; e < events.length; e++) {
    const m = events[e];
    if (m) out.push(m);
  }
  return out;
}

/** Each finding's marker, made once: a live session re-collects markers every update. */
const findingMarkers = new WeakMap<Finding, Marker>();

function findingMarker(f: Finding, seq: number): Marker {
  return {
    index: f.index,
    kind: 'finding',
    lane: 'findings',
    severity: f.severity,
    label: `${f.severity} ${f.code}: ${f.message} (seq ${fmt(seq)})`,
  };
}

/** Markers close together on the strip, drawn as one. */
export interface MarkerCluster {
  readonly lane: Lane;
  /** 0..1 along the strip (where its first marker is). */
  readonly fraction: number;
  /** The marker drawn and selected on click: the most important of the group. */
  readonly top: Marker;
  readonly count: number;
  /** Log indexes of the first and last marker. */
  readonly first: number;
  readonly last: number;
  /** The tooltip and accessible name. */
  readonly label: string;
}

function clusterLabel(members: readonly Marker[], top: Marker, log: TimedSeq): string {
  if (members.length === 1) return top.label;
  const byKind = new Map<string, number>();
  for (const m of members) {
    const key = m.kind === 'finding' ? `${m.severity ?? 'info'} finding` : m.kind;
    byKind.set(key, (byKind.get(key) ?? 0) + 1);
  }
  const parts = [...byKind].map(([key, k]) => {
    const names = KIND_NAMES[key as MarkerKind] as readonly [string, string] | undefined;
    if (names) return `${fmt(k)} ${k === 1 ? names[0] : names[1]}`;
    return `${fmt(k)} ${key}${k === 1 ? '' : 's'}`;
  });
  const first = members[0]?.index ?? top.index;
  const last = members[members.length - 1]?.index ?? top.index;
  return `${parts.join(', ')} between seq ${fmt(log.seq(first))} and seq ${fmt(log.seq(last))}; goes to ${top.label}`;
}

interface TimedSeq {
  seq(index: number): number;
}

/**
 * The markers grouped per lane: a marker less than `minGapPx` from the first of the group
 * before it joins that group. At most `widthPx / minGapPx` groups per lane.
 *
 * @example
 * clusterMarkers(markers, axis, log, 900).length; // ≤ 3 × 900 / 8
 */
export function clusterMarkers(
  markers: readonly Marker[],
  axis: TimeAxis,
  log: TimedSeq,
  widthPx: number,
  minGapPx = 8,
): MarkerCluster[] {
  const out: MarkerCluster[] = [];
  const width = Math.max(1, widthPx);
  for (const lane of LANES) {
    let group: Marker[] = [];
    let groupX = 0;
    const flush = () => {
      const firstMarker = group[0];
      if (firstMarker === undefined) return;
      let top = firstMarker;
      for (const m of group) if (rank(m) > rank(top)) top = m;
      out.push({
        lane,
        fraction: fractionOf(axis, firstMarker.index),
        top,
        count: group.length,
        first: firstMarker.index,
        last: group[group.length - 1]?.index ?? firstMarker.index,
        label: clusterLabel(group, top, log),
      });
      group = [];
    };
    for (const m of markers) {
      if (m.lane !== lane || m.index >= axis.length) continue;
      const x = fractionOf(axis, m.index) * width;
      if (group.length > 0 && x - groupX >= minGapPx) flush();
      if (group.length === 0) groupX = x;
      group.push(m);
    }
    flush();
  }
  return out;
}

/** The glyph of a marker: never colour alone. */
export function markerGlyph(m: Marker): string {
  switch (m.kind) {
    case 'finding':
      return m.severity === 'error' ? '✖' : m.severity === 'warning' ? '▲' : 'ℹ';
    case 'join':
      return '◆';
    case 'error-response':
      return '✖';
    case 'invalid-frame':
      return '⚠';
    case 'ws-error':
      return '!';
    case 'disconnect':
      return '▼';
    case 'server-close':
      return '■';
    case 'failed-attempt':
      return '▽';
    case 'reconnect':
      return '▲';
    default:
      return '•';
  }
}

/**
 * The inspector's filter: the event list's (kinds, problems only, free text) plus methods,
 * direction, connections and "messages that mention these ids" (a room-graph node). The
 * result is the ascending log indexes every view draws (`visible`).
 *
 * @example
 * visibleIndexes(analysis, { ...NO_FILTER, methods: new Set(['join']) }); // Int32Array [1, 2]
 */
import type { SessionAnalysis } from '../../projections/analysis.ts';
import { stringifyJson } from '../../session/json.ts';
import {
  ALL_KINDS,
  kindGroupOf,
  rowKindOf,
  rowTone,
  searchText,
} from '../../views/EventList/rows.ts';
import type { EventFilter } from '../../views/EventList/types.ts';

export type DirectionFilter = 'both' | 'out' | 'in';

/** "Only the messages that mention one of these ids" (e.g. a consumer and its producer). */
export interface MentionFilter {
  /** What the user clicked, in words: `consumer c-7`. */
  readonly label: string;
  readonly ids: readonly string[];
}

export interface InspectorFilter extends EventFilter {
  /** Methods kept (requests, their responses, notifications); null: every method. */
  readonly methods: ReadonlySet<string> | null;
  readonly dir: DirectionFilter;
  /** Connections kept (by name); null: every connection. */
  readonly conns: ReadonlySet<string> | null;
  readonly mentions: MentionFilter | null;
}

export const NO_FILTER: InspectorFilter = Object.freeze({
  text: '',
  kinds: ALL_KINDS,
  problemsOnly: false,
  methods: null,
  dir: 'both',
  conns: null,
  mentions: null,
});

/** Whether the filter keeps every event. */
export function isNoFilter(f: InspectorFilter): boolean {
  return (
    f.text.trim() === '' &&
    !f.problemsOnly &&
    f.kinds.size === ALL_KINDS.size &&
    f.methods === null &&
    f.dir === 'both' &&
    f.conns === null &&
    f.mentions === null
  );
}

/** The raw text of an event, for "mentions": a frame's text, else the event as JSON. */
function rawText(a: SessionAnalysis, i: number): string {
  const text = a.log.frameText(i);
  if (text !== undefined) return text;
  const e = a.log.get(i);
  return e.type === 'ws.frame' ? '' : (stringifyJson(e) ?? '');
}

/**
 * The log indexes the filter keeps, ascending.
 *
 * Free text matches the method, connection, kind, details and outcome (case-insensitive); a
 * number also matches a protoo id or a seq. `mentions` keeps events whose raw text contains
 * one of the ids as a JSON string (`"id"`) — frames and pc events alike.
 */
export function visibleIndexes(a: SessionAnalysis, f: InspectorFilter): Int32Array {
  const n = a.length;
  const out = new Int32Array(n);
  if (isNoFilter(f)) {
    for (let i = 0; i < n; i++) out[i] = i;
    return out;
  }
  const log = a.log;
  const needle = f.text.trim().toLowerCase();
  const asNumber = /^\d+$/.test(needle) ? Number(needle) : undefined;
  const allKinds = f.kinds.size === ALL_KINDS.size;
  const connIds =
    f.conns === null
      ? null
      : new Set([...f.conns].map((c) => log.connIdOf(c)).filter((c) => c !== undefined));
  const quoted = f.mentions?.ids.map((id) => JSON.stringify(id)) ?? null;
  let count = 0;
  for (let i = 0; i < n; i++) {
    if (!allKinds && !f.kinds.has(kindGroupOf(rowKindOf(a, i)))) continue;
    if (f.dir !== 'both' && log.dir(i) !== f.dir) continue;
    if (connIds !== null && !connIds.has(log.connId(i))) continue;
    if (f.methods !== null) {
      const method = a.method(i);
      if (method === undefined || !f.methods.has(method)) continue;
    }
    if (f.problemsOnly && rowTone(a, i) === 'none') continue;
    if (quoted !== null) {
      const raw = rawText(a, i);
      if (!quoted.some((q) => raw.includes(q))) continue;
    }
    if (needle !== '') {
      const numeric = asNumber !== undefined && (a.id(i) === asNumber || log.seq(i) === asNumber);
      if (!numeric && !searchText(a, i).includes(needle)) continue;
    }
    out[count++] = i;
  }
  return out.slice(0, count);
}

/** Every method seen in the session with its count of events, most frequent first. */
export function methodCounts(a: SessionAnalysis): { method: string; count: number }[] {
  const counts = new Map<string, number>();
  for (let i = 0; i < a.length; i++) {
    const m = a.method(i);
    if (m !== undefined) counts.set(m, (counts.get(m) ?? 0) + 1);
  }
  return [...counts]
    .map(([method, count]) => ({ method, count }))
    .sort((x, y) => y.count - x.count || (x.method < y.method ? -1 : 1));
}

/**
 * What a machine instance is doing at the cursor (pure): its active states, the transition
 * that led there, and the state changes so far with the events that caused them.
 */
import type { StateValue } from 'xstate';
import type { GraphState, MachineGraph } from '../../../machines/lib/graph.ts';
import { stateKey, type StateChange } from '../../../machines/lib/stepper.ts';
import type { SessionAnalysis } from '../../projections/analysis.ts';
import { lastAtOrBefore } from '../../projections/drivers/positions.ts';
import type { ContextField, MachineInstance, MicroStep } from './instances.ts';

/**
 * The ids of the active leaf states of a state value (one per parallel region).
 *
 * @example
 * activeLeaves(peerConnectionGraph, { signaling: 'stable', iceGathering: 'new', … });
 * // ['peerConnection.signaling.stable', 'peerConnection.iceGathering.new', …]
 */
export function activeLeaves(graph: MachineGraph, value: StateValue): string[] {
  const byPath = new Map<string, GraphState>();
  for (const s of graph.states) byPath.set(s.path.join('\u0000'), s);
  const out: string[] = [];
  const visit = (path: readonly string[], v: StateValue): void => {
    if (typeof v === 'string') {
      const s = byPath.get([...path, v].join('\u0000'));
      if (s !== undefined) out.push(s.id);
      return;
    }
    const keys = Object.keys(v);
    if (keys.length === 0) {
      const s = byPath.get(path.join('\u0000'));
      if (s !== undefined) out.push(s.id);
    }
    for (const key of keys) {
      const child = v[key];
      if (child !== undefined) visit([...path, key], child);
    }
  };
  visit([], value);
  return out;
}

/** `id` and every ancestor state id (the root last). */
export function stateAncestors(graph: MachineGraph, id: string): string[] {
  const byId = new Map(graph.states.map((s) => [s.id, s]));
  const out: string[] = [];
  let s = byId.get(id);
  while (s !== undefined) {
    out.push(s.id);
    s = s.parent === undefined ? undefined : byId.get(s.parent);
  }
  return out;
}

/** A state's name in the diagram's words: its path below the root (`inRoom.connected`). */
export function stateName(graph: MachineGraph, id: string): string {
  const s = graph.states.find((x) => x.id === id);
  return s === undefined ? id : s.path.join('.') || s.key;
}

/**
 * A log event in a few words: what caused a change.
 *
 * @example
 * describeEvent(analysis, 8); // 'sent request join'
 * describeEvent(analysis, 30); // 'pc send-pc iceconnectionstatechange: connected'
 */
export function describeEvent(analysis: SessionAnalysis, index: number): string {
  const log = analysis.log;
  if (index < 0 || index >= log.length) return '';
  if (log.isFrame(index)) {
    const kind = analysis.kind(index);
    const method = analysis.method(index);
    const dir = log.dir(index) === 'out' ? 'sent' : 'received';
    const m = method === undefined ? '' : ` ${method}`;
    switch (kind) {
      case 'request':
        return `${dir} request${m}`;
      case 'success':
        return `${dir} response${m}`;
      case 'error':
        return `${dir} error response${m}`;
      case 'notification':
        return `${dir} notification${m}`;
      case 'invalid':
        return `${dir} invalid frame`;
      case 'binary':
        return `${dir} binary frame`;
      default:
        return `${dir} ${kind ?? 'frame'}${m}`;
    }
  }
  const e = log.get(index);
  switch (e.type) {
    case 'ws.open':
      return 'ws.open';
    case 'ws.close':
      return ['ws.close', e.code === undefined ? '' : String(e.code), e.reason ?? '']
        .filter((p) => p !== '')
        .join(' ');
    case 'ws.error':
      return `ws.error ${e.message}`;
    case 'pc': {
      const value = pcValueText(e.value);
      return `pc ${e.pc} ${e.event}${value === '' ? '' : `: ${value}`}`;
    }
    case 'note':
      return 'note';
    case 'ws.frame':
      return 'frame';
    default:
      return e.originalType;
  }
}

/** A pc event's value when it is short: a state, or a description's type. */
function pcValueText(value: unknown): string {
  if (typeof value === 'string') return value.length <= 24 ? value : '';
  if (typeof value === 'object' && value !== null && 'type' in value) {
    return typeof value.type === 'string' ? value.type : '';
  }
  return '';
}

export interface TransitionStep {
  /** The diagram's state ids left and entered (one per region that changed). */
  readonly from: readonly string[];
  readonly to: readonly string[];
  /** The transitions (indexes into `graph.transitions`) that explain the step, in firing order. */
  readonly transitions: readonly number[];
  /** The log index, seq and time of the event that caused it. */
  readonly index: number;
  readonly seq: number;
  readonly t: number;
  /** The event in words (`received response join`). */
  readonly cause: string;
  /** The machine event types it fed, when known. */
  readonly events: readonly string[];
}

export interface ActiveAt {
  /** False before the instance's first event (nothing to highlight). */
  readonly started: boolean;
  /** The log index of the instance's first event (-1: it has none). */
  readonly firstIndex: number;
  readonly value: StateValue;
  /** Active leaf state ids (several for a parallel machine). */
  readonly leaves: readonly string[];
  /** Active states, leaves and their ancestors. */
  readonly active: ReadonlySet<string>;
  /** The change that led to the active states (null: still in the initial state). */
  readonly step: TransitionStep | null;
  readonly done: boolean;
  readonly fields: readonly ContextField[];
  /** How many state changes happened up to the cursor. */
  readonly changeCount: number;
}

function changesUpTo(instance: MachineInstance, k: number): number {
  const list = instance.changes();
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((list[mid]?.index ?? Infinity) <= k) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * The transitions of the graph that take `before` to `after`, given the event types fed
 * (any event type when unknown): for each leaf entered, a non-internal transition declared on
 * a state active before (a leaf left or an ancestor of one), targeting the leaf or a compound
 * ancestor of it that was entered. The most specific wins: the deepest source, then the
 * nearest target.
 */
export function explainStep(
  graph: MachineGraph,
  before: readonly string[],
  after: readonly string[],
  events: readonly string[] | undefined,
): number[] {
  const activeBefore = new Set(before.flatMap((id) => stateAncestors(graph, id)));
  const depth = (id: string) => stateAncestors(graph, id).length;
  const out = new Set<number>();
  for (const leaf of after) {
    if (before.includes(leaf)) continue;
    const targets = stateAncestors(graph, leaf).filter(
      (id) => !activeBefore.has(id) || id === leaf,
    );
    let best: { index: number; score: number } | undefined;
    graph.transitions.forEach((t, index) => {
      if (t.internal === true) return;
      if (events !== undefined && !events.includes(t.event)) return;
      if (!activeBefore.has(t.source)) return;
      const at = targets.indexOf(t.target);
      if (at < 0) return;
      const score = depth(t.source) * 100 - at;
      if (best === undefined || score > best.score) best = { index, score };
    });
    if (best !== undefined) {
      // Every transition with the same source and target fits as well (its guard decided).
      const chosen = graph.transitions[best.index];
      graph.transitions.forEach((t, index) => {
        if (
          chosen !== undefined &&
          t.internal !== true &&
          t.source === chosen.source &&
          t.target === chosen.target &&
          (events === undefined || events.includes(t.event))
        ) {
          out.add(index);
        }
      });
    }
  }
  return [...out].sort((a, b) => a - b);
}

function stepOf(
  instance: MachineInstance,
  beforeValue: StateValue,
  afterValue: StateValue,
  micro: readonly MicroStep[] | undefined,
  logIndex: number,
  cause?: string,
): TransitionStep {
  const { graph, analysis } = instance;
  const before = activeLeaves(graph, beforeValue);
  const after = activeLeaves(graph, afterValue);
  const log = analysis.log;
  const valid = logIndex >= 0 && logIndex < log.length;
  let transitions: number[];
  if (micro !== undefined && micro.length > 0 && micro.every((m) => m.value !== undefined)) {
    // One machine event after the other: each change is explained by its own event (a log
    // event may feed several, e.g. a retry tick then ws.open).
    const found = new Set<number>();
    let previous = beforeValue;
    for (const m of micro) {
      if (m.value === undefined || stateKey(m.value) === stateKey(previous)) continue;
      const from = activeLeaves(graph, previous);
      const to = activeLeaves(graph, m.value);
      for (const t of explainStep(graph, from, to, [m.event])) found.add(t);
      previous = m.value;
    }
    transitions = [...found];
    // The replay did not reach the recorded state (an event the kind cannot map): match the
    // whole step instead.
    if (stateKey(previous) !== stateKey(afterValue)) {
      transitions = explainStep(graph, before, after, undefined);
    }
  } else {
    transitions = explainStep(
      graph,
      before,
      after,
      micro?.map((m) => m.event),
    );
  }
  return {
    from: before.filter((id) => !after.includes(id)),
    to: after.filter((id) => !before.includes(id)),
    transitions,
    index: logIndex,
    seq: valid ? log.seq(logIndex) : -1,
    t: valid ? log.time(logIndex) : 0,
    cause: cause ?? (valid ? describeEvent(analysis, logIndex) : ''),
    events: micro?.map((m) => m.event) ?? [],
  };
}

/**
 * The instance at the cursor (the state after the event at log index `cursor`).
 *
 * @example
 * const at = activeAt(instance, 40);
 * at.leaves; // ['protooPeer.open']
 * at.step; // { from: ['protooPeer.connecting'], to: ['protooPeer.open'], cause: 'ws.open', seq: 0, … }
 */
export function activeAt(instance: MachineInstance, cursor: number): ActiveAt {
  const { graph, indexes } = instance;
  const k = lastAtOrBefore(indexes, cursor);
  const firstIndex = indexes.length > 0 ? (indexes[0] ?? -1) : -1;
  const state = instance.stateAt(cursor);
  const leaves = activeLeaves(graph, state.value);
  const active = new Set(leaves.flatMap((id) => stateAncestors(graph, id)));
  const base = {
    firstIndex,
    value: state.value,
    leaves,
    active,
    done: state.status === 'done',
    fields: state.fields,
  };
  if (k < 0) return { ...base, started: false, step: null, changeCount: 0 };
  const changes = instance.changes();
  const count = changesUpTo(instance, k);
  const last: StateChange | undefined = changes[count - 1];
  const lastValue = last?.state ?? instance.initialValue;
  let step: TransitionStep | null = null;
  if (stateKey(lastValue) !== stateKey(state.value)) {
    // Time passed at the cursor (a deadline) moved the machine after its last event.
    step = stepOf(
      instance,
      lastValue,
      state.value,
      [{ event: 'clock.tick', value: state.value }],
      cursor,
      'a deadline passed',
    );
  } else if (last !== undefined) {
    const before = changes[count - 2]?.state ?? instance.initialValue;
    const logIndex = indexes[last.index] ?? -1;
    step = stepOf(instance, before, last.state, instance.microStepsAt(last.index), logIndex);
  }
  return { ...base, started: true, step, changeCount: count };
}

export interface HistoryEntry {
  /** The log index of the event that caused the change (-1 for the initial entry). */
  readonly index: number;
  readonly seq: number;
  readonly t: number;
  /** The states entered, in the diagram's words (`iceConnection.checking`). */
  readonly state: string;
  /** The states left. */
  readonly from: string;
  /** The event that caused it (`received response join`); empty for the initial entry. */
  readonly cause: string;
}

/**
 * The instance's state changes up to the cursor, oldest first, after an entry for the
 * initial state. `limit` keeps only the latest entries (the initial one is then left out).
 *
 * @example
 * history(instance, 40).map((h) => h.state); // ['connecting', 'open']
 */
export function history(
  instance: MachineInstance,
  cursor: number,
  limit = Infinity,
): { readonly entries: readonly HistoryEntry[]; readonly omitted: number } {
  const { graph, indexes, analysis } = instance;
  const log = analysis.log;
  const k = lastAtOrBefore(indexes, cursor);
  const changes = instance.changes();
  const count = k < 0 ? 0 : changesUpTo(instance, k);
  const total = count + 1;
  const first = Math.max(0, total - limit);
  const names = (ids: readonly string[]) => ids.map((id) => stateName(graph, id)).join(', ');
  const entries: HistoryEntry[] = [];
  for (let n = first; n < total; n++) {
    if (n === 0) {
      entries.push({
        index: -1,
        seq: -1,
        t: 0,
        state: names(activeLeaves(graph, instance.initialValue)),
        from: '',
        cause: '',
      });
      continue;
    }
    const change = changes[n - 1];
    if (change === undefined) continue;
    const before = activeLeaves(graph, changes[n - 2]?.state ?? instance.initialValue);
    const after = activeLeaves(graph, change.state);
    const index = indexes[change.index] ?? -1;
    const valid = index >= 0 && index < log.length;
    entries.push({
      index,
      seq: valid ? log.seq(index) : -1,
      t: valid ? log.time(index) : 0,
      state: names(after.filter((id) => !before.includes(id))),
      from: names(before.filter((id) => !after.includes(id))),
      cause: valid ? describeEvent(analysis, index) : '',
    });
  }
  return { entries, omitted: first };
}

/**
 * A machine's definition ({@link MachineGraph}) as a statechart diagram: plain data, no React,
 * no xyflow, no positions (the layout places it, `flow.ts` turns it into xyflow elements).
 *
 * How the statechart maps to boxes and arrows:
 * - every state but the root is a node; compound states are groups holding their children,
 *   the regions of a parallel state are groups labelled as regions; the root is the canvas
 *   (a parallel root: its regions side by side);
 * - every compound state (the root included) has an initial marker (a dot) with an arrow to
 *   its initial child; final states are drawn with a double border;
 * - a transition declared on a compound state that targets one of its descendants fires from
 *   whatever child is active: it starts at an "any state" marker inside the group; one that
 *   leaves the group starts at the group's border;
 * - a targetless transition (it runs actions and stays) is no arrow: its event is listed in
 *   the node that declares it (in the diagram's caption for the root);
 * - transitions between the same two nodes share one arrow, one label line each
 *   (`event [guard]`); a transition that re-enters its own state is a self-loop.
 */
import type { GraphState, GraphTransition, MachineGraph } from '../../../machines/lib/graph.ts';

export type DiagramNodeKind = 'state' | 'final' | 'compound' | 'region' | 'initial' | 'any';

export interface DiagramNode {
  /** A state id, or `<compound id>#initial` / `<compound id>#any` for the markers. */
  readonly id: string;
  readonly kind: DiagramNodeKind;
  /** The enclosing group's node id, or null at the top level. */
  readonly parent: string | null;
  /** The state the node draws (the enclosing compound's for a marker). */
  readonly stateId: string;
  /** The state's key, `any state` for that marker, empty for an initial dot. */
  readonly label: string;
  /** Events handled without leaving the state (targetless transitions), one per event type. */
  readonly internal: readonly string[];
  /**
   * An "any state" marker: the transitions every one of its arrows carries, written once on
   * the marker instead of on each arrow (`pc.iceConnectionReported [becomes]`).
   */
  readonly shared: readonly string[];
  /** Box size for leaves and markers; groups are sized by the layout around their children. */
  readonly width: number;
  readonly height: number;
}

/** One transition on an arrow. */
export interface DiagramEdgeLine {
  /** What the label says: `ws.close [isServerClose]`. */
  readonly text: string;
  readonly event: string;
  readonly guard?: string;
  /** The transition's index in `graph.transitions` (-1 for an initial arrow). */
  readonly transition: number;
  /** Written on the arrow's "any state" marker rather than on the arrow. */
  readonly shared?: boolean;
}

export interface DiagramEdge {
  readonly id: string;
  /** Diagram node ids. */
  readonly source: string;
  readonly target: string;
  readonly kind: 'transition' | 'initial' | 'self';
  readonly lines: readonly DiagramEdgeLine[];
}

export interface MachineDiagram {
  readonly machineId: string;
  /** Parents before their children, in the definition's order. */
  readonly nodes: readonly DiagramNode[];
  readonly edges: readonly DiagramEdge[];
  /** Events the root handles in every state without a change (shown as a caption). */
  readonly rootInternal: readonly string[];
  /** The root is parallel: its top-level groups are regions, laid out side by side. */
  readonly parallelRoot: boolean;
  /** Which arrow draws each transition (`graph.transitions` index → edge id). */
  readonly edgeOfTransition: ReadonlyMap<number, string>;
}

/** Leaf box metrics, shared with the CSS (MachineView.css uses the same numbers). */
export const STATE_METRICS = Object.freeze({
  minWidth: 96,
  maxWidth: 240,
  /** Label line (bold, 13 px). */
  labelHeight: 34,
  labelCharWidth: 8.5,
  /** One internal-event line (11 px mono). */
  lineHeight: 14,
  lineCharWidth: 6.8,
  padding: 26,
  /** Internal events listed before `+N more`. */
  maxInternalLines: 4,
});

export const MARKER_SIZE = Object.freeze({
  initial: { width: 14, height: 14 },
  any: { width: 76, height: 24 },
});

/** The size of an "any state" marker that lists shared transitions. */
export function anySize(shared: readonly string[]): { width: number; height: number } {
  if (shared.length === 0) return MARKER_SIZE.any;
  const m = LABEL_METRICS;
  const widest = Math.max(...shared.map((l) => l.length)) * m.charWidth + 2 * m.padding;
  return {
    width: Math.max(MARKER_SIZE.any.width, Math.ceil(widest)),
    height: MARKER_SIZE.any.height + shared.length * m.lineHeight,
  };
}

/** Edge label metrics: one line per transition. */
export const LABEL_METRICS = Object.freeze({ charWidth: 6.6, lineHeight: 14, padding: 8 });

/**
 * The text of a transition's event: `always` for eventless transitions, `after 1000 ms` for
 * delayed ones, `any event` for the wildcard.
 *
 * @example
 * eventText('xstate.after.1000.m.a.y'); // 'after 1000 ms'
 */
export function eventText(event: string): string {
  if (event === '') return 'always';
  if (event === '*') return 'any event';
  const after = /^xstate\.after\.(\d+)\./.exec(event);
  if (after) return `after ${after[1] ?? ''} ms`;
  return event;
}

/**
 * A transition's label line: `event [guard]`.
 *
 * @example
 * transitionText({ source: 'a', target: 'b', event: 'ws.close', guard: 'isServerClose' }); // 'ws.close [isServerClose]'
 */
export function transitionText(t: Pick<GraphTransition, 'event' | 'guard'>): string {
  const event = eventText(t.event);
  return t.guard === undefined ? event : `${event} [${t.guard}]`;
}

/** The size of a leaf state's box for its label and listed internal events. */
export function stateSize(
  label: string,
  internal: readonly string[],
): {
  width: number;
  height: number;
} {
  const m = STATE_METRICS;
  const shown = shownInternal(internal);
  const widest = Math.max(
    label.length * m.labelCharWidth,
    ...shown.map((line) => line.length * m.lineCharWidth),
  );
  const width = Math.min(m.maxWidth, Math.max(m.minWidth, Math.ceil(widest + m.padding)));
  const height = m.labelHeight + (shown.length > 0 ? shown.length * m.lineHeight + 6 : 0);
  return { width, height };
}

/**
 * The internal-event lines a leaf shows: up to {@link STATE_METRICS.maxInternalLines}, the
 * last one `+N more` when there are more.
 */
export function shownInternal(internal: readonly string[]): readonly string[] {
  const max = STATE_METRICS.maxInternalLines;
  if (internal.length <= max) return internal;
  return [...internal.slice(0, max - 1), `+${internal.length - (max - 1)} more`];
}

/** The size of an edge label with these lines. */
export function labelSize(lines: readonly string[]): { width: number; height: number } {
  const m = LABEL_METRICS;
  const widest = Math.max(0, ...lines.map((l) => l.length));
  return {
    width: Math.ceil(widest * m.charWidth + m.padding),
    height: lines.length * m.lineHeight + 4,
  };
}

function distinctEvents(list: readonly GraphTransition[]): string[] {
  const seen: string[] = [];
  for (const t of list) {
    const text = eventText(t.event);
    if (!seen.includes(text)) seen.push(text);
  }
  return seen;
}

/**
 * Builds the diagram of a machine definition (pure and deterministic: the same graph gives
 * the same diagram, so its layout can be cached by machine id).
 *
 * @example
 * const diagram = machineDiagram(protooPeerGraph);
 * diagram.nodes.map((n) => n.id); // ['protooPeer#initial', 'protooPeer#any', 'protooPeer.connecting', …]
 * diagram.edges.find((e) => e.source === 'protooPeer.open' && e.target === 'protooPeer.closed')?.lines;
 * // [{ text: 'ws.close [isServerClose]', … }]
 */
export function machineDiagram(graph: MachineGraph): MachineDiagram {
  const byId = new Map<string, GraphState>(graph.states.map((s) => [s.id, s]));
  const root = graph.states[0];
  if (root === undefined) {
    return {
      machineId: graph.id,
      nodes: [],
      edges: [],
      rootInternal: [],
      parallelRoot: false,
      edgeOfTransition: new Map(),
    };
  }
  const isRoot = (id: string) => id === root.id;
  /** The diagram node a state's children sit in (null: the canvas). */
  const groupOf = (stateId: string): string | null => (isRoot(stateId) ? null : stateId);
  const isDescendant = (id: string, ancestor: string): boolean => {
    let s = byId.get(id);
    while (s?.parent !== undefined) {
      if (s.parent === ancestor) return true;
      s = byId.get(s.parent);
    }
    return false;
  };

  const internalBySource = new Map<string, GraphTransition[]>();
  for (const t of graph.transitions) {
    if (t.internal !== true) continue;
    const list = internalBySource.get(t.source) ?? [];
    list.push(t);
    internalBySource.set(t.source, list);
  }

  // "any state" markers are needed where a compound declares a transition into itself.
  const needsAny = new Set<string>();
  for (const t of graph.transitions) {
    if (t.internal === true) continue;
    const source = byId.get(t.source);
    if (source === undefined || source.type === 'atomic' || source.type === 'final') continue;
    if (isDescendant(t.target, t.source)) needsAny.add(t.source);
  }

  const nodes: DiagramNode[] = [];
  const edges: DiagramEdge[] = [];
  const edgeIndex = new Map<string, { edge: DiagramEdge; lines: DiagramEdgeLine[] }>();
  const edgeOfTransition = new Map<number, string>();

  const addMarkers = (state: GraphState): void => {
    const parent = groupOf(state.id);
    if (state.type === 'compound' && state.initial !== undefined) {
      nodes.push({
        id: `${state.id}#initial`,
        kind: 'initial',
        parent,
        stateId: state.id,
        label: '',
        internal: [],
        shared: [],
        ...MARKER_SIZE.initial,
      });
    }
    if (needsAny.has(state.id)) {
      nodes.push({
        id: `${state.id}#any`,
        kind: 'any',
        parent,
        stateId: state.id,
        label: 'any state',
        internal: [],
        shared: [],
        ...MARKER_SIZE.any,
      });
    }
  };

  const parallelParents = new Set(
    graph.states.filter((s) => s.type === 'parallel').map((s) => s.id),
  );
  for (const state of graph.states) {
    if (isRoot(state.id)) {
      addMarkers(state);
      continue;
    }
    const parent = state.parent === undefined ? null : groupOf(state.parent);
    const internal = distinctEvents(internalBySource.get(state.id) ?? []);
    const isGroup = state.type === 'compound' || state.type === 'parallel';
    const kind: DiagramNodeKind = isGroup
      ? state.parent !== undefined && parallelParents.has(state.parent)
        ? 'region'
        : 'compound'
      : state.type === 'final'
        ? 'final'
        : 'state';
    const size = isGroup ? { width: 0, height: 0 } : stateSize(state.key, internal);
    nodes.push({
      id: state.id,
      kind,
      parent,
      stateId: state.id,
      label: state.key,
      internal,
      shared: [],
      ...size,
    });
    addMarkers(state);
  }

  const addLine = (
    source: string,
    target: string,
    kind: DiagramEdge['kind'],
    line: DiagramEdgeLine,
  ): string => {
    const id = `${source}->${target}`;
    let entry = edgeIndex.get(id);
    if (entry === undefined) {
      const lines: DiagramEdgeLine[] = [];
      entry = { edge: { id, source, target, kind, lines }, lines };
      edgeIndex.set(id, entry);
      edges.push(entry.edge);
    }
    entry.lines.push(line);
    return id;
  };

  for (const state of graph.states) {
    if (state.type === 'compound' && state.initial !== undefined) {
      addLine(`${state.id}#initial`, state.initial, 'initial', {
        text: '',
        event: '',
        transition: -1,
      });
    }
  }

  graph.transitions.forEach((t, index) => {
    if (t.internal === true) return;
    const sourceState = byId.get(t.source);
    if (sourceState === undefined || !byId.has(t.target)) return;
    const source =
      needsAny.has(t.source) && isDescendant(t.target, t.source) ? `${t.source}#any` : t.source;
    // Re-entering the root starts the machine over: the arrow goes to its initial marker.
    const target = isRoot(t.target) ? `${root.id}#initial` : t.target;
    if (isRoot(source)) return;
    const line: DiagramEdgeLine = {
      text: transitionText(t),
      event: t.event,
      ...(t.guard === undefined ? {} : { guard: t.guard }),
      transition: index,
    };
    edgeOfTransition.set(
      index,
      addLine(source, target, source === target ? 'self' : 'transition', line),
    );
  });

  // Transitions every arrow of an "any state" marker carries are written on the marker.
  const finalNodes = nodes.map((node) => {
    if (node.kind !== 'any') return node;
    const out = edges.filter((e) => e.source === node.id);
    if (out.length < 2) return node;
    const [first, ...others] = out;
    const shared = (first?.lines ?? [])
      .map((l) => l.text)
      .filter((text) => others.every((e) => e.lines.some((l) => l.text === text)));
    if (shared.length === 0) return node;
    for (const e of out) {
      const entry = edgeIndex.get(e.id);
      if (entry === undefined) continue;
      entry.lines.forEach((l, i) => {
        if (shared.includes(l.text)) entry.lines[i] = { ...l, shared: true };
      });
    }
    return { ...node, shared, ...anySize(shared) };
  });

  return {
    machineId: graph.id,
    nodes: finalNodes,
    edges,
    rootInternal: distinctEvents(internalBySource.get(root.id) ?? []),
    parallelRoot: root.type === 'parallel',
    edgeOfTransition,
  };
}

/** The node ids from `id` up to the top level (the node first). */
export function ancestorsOf(diagram: MachineDiagram, id: string): string[] {
  const parentOf = new Map(diagram.nodes.map((n) => [n.id, n.parent]));
  const out: string[] = [];
  let at: string | null | undefined = id;
  while (at !== null && at !== undefined) {
    out.push(at);
    at = parentOf.get(at);
  }
  return out;
}

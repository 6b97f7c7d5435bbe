/**
 * A laid-out machine diagram as xyflow nodes and edges, with the instance's active states and
 * last transition marked (pure: no React; xyflow's types only).
 */
import type { Edge, Node } from '@xyflow/react';
import type { MachineGraph } from '../../../machines/lib/graph.ts';
import type { ActiveAt } from './active.ts';
import { stateName } from './active.ts';
import { shownInternal, type DiagramNodeKind, type MachineDiagram } from './diagram.ts';
import type { EdgeRoute, MachineLayout, NodeBox, Point } from './layout.ts';

/** Prefixed: xyflow styles its own `group` / `default` / … types. */
export type FlowNodeType = 'mvState' | 'mvGroup' | 'mvInitial' | 'mvAny' | 'mvFrame';

export type StateNodeData = {
  readonly kind: DiagramNodeKind;
  readonly label: string;
  /** The internal events shown (with `+N more`); `internalAll` lists them all. */
  readonly internal: readonly string[];
  readonly internalAll: readonly string[];
  /** An "any state" marker: the transitions all its arrows carry, and which of them fired. */
  readonly shared: readonly { readonly text: string; readonly active: boolean }[];
  /** An active leaf (or, for a group, a group holding one). */
  readonly active: boolean;
  /** Entered by the last transition. */
  readonly entered: boolean;
  /** Left by the last transition. */
  readonly left: boolean;
};

export type StateFlowNode = Node<StateNodeData, FlowNodeType>;

export type TransitionEdgeData = {
  readonly route: EdgeRoute;
  readonly lines: readonly { readonly text: string; readonly active: boolean }[];
  /** The last transition runs along this arrow. */
  readonly active: boolean;
  readonly kind: 'transition' | 'initial' | 'self';
};

export type TransitionFlowEdge = Edge<TransitionEdgeData, 'transition'>;

const FLOW_TYPE: Readonly<Record<DiagramNodeKind, FlowNodeType>> = {
  state: 'mvState',
  final: 'mvState',
  compound: 'mvGroup',
  region: 'mvGroup',
  initial: 'mvInitial',
  any: 'mvAny',
};

function ariaLabel(
  graph: MachineGraph,
  kind: DiagramNodeKind,
  stateId: string,
  data: StateNodeData,
): string {
  const name = stateName(graph, stateId);
  const flags = [
    data.active ? 'active' : '',
    data.entered ? 'just entered' : '',
    data.left ? 'just left' : '',
  ]
    .filter((f) => f !== '')
    .join(', ');
  const tail = flags === '' ? '' : `, ${flags}`;
  const internal = data.internalAll.length === 0 ? '' : `; handles ${data.internalAll.join(', ')}`;
  switch (kind) {
    case 'state':
      return `state ${name}${tail}${internal}`;
    case 'final':
      return `final state ${name}${tail}${internal}`;
    case 'compound':
      return `compound state ${name}${tail}${internal}`;
    case 'region':
      return `region ${name}${tail}${internal}`;
    case 'initial':
      return stateId === graph.states[0]?.id
        ? 'initial state marker'
        : `initial state marker of ${name}`;
    case 'any':
      return stateId === graph.states[0]?.id ? 'any state' : `any state of ${name}`;
  }
}

const NO_BOX: NodeBox = { x: 0, y: 0, width: 0, height: 0 };

/**
 * The xyflow elements of a diagram at one moment (`at` null: nothing highlighted).
 *
 * @example
 * const { nodes, edges } = toFlow(graph, diagram, layout, activeAt(instance, cursor));
 * nodes.find((n) => n.data.active)?.id; // 'protooPeer.open'
 */
export function toFlow(
  graph: MachineGraph,
  diagram: MachineDiagram,
  layout: MachineLayout,
  at: ActiveAt | null,
): { nodes: StateFlowNode[]; edges: TransitionFlowEdge[] } {
  const started = at?.started === true;
  const active = started ? at.active : new Set<string>();
  const entered = new Set(started ? (at.step?.to ?? []) : []);
  const left = new Set(started ? (at.step?.from ?? []) : []);
  const firing = new Set(started ? (at.step?.transitions ?? []) : []);
  // The shared lines that fired, by marker.
  const firedShared = new Map<string, Set<string>>();
  for (const e of diagram.edges) {
    for (const l of e.lines) {
      if (l.shared !== true || !firing.has(l.transition)) continue;
      const set = firedShared.get(e.source) ?? new Set<string>();
      set.add(l.text);
      firedShared.set(e.source, set);
    }
  }

  const states: StateFlowNode[] = diagram.nodes.map((n) => {
    const box = layout.nodes.get(n.id) ?? NO_BOX;
    const isState = n.kind !== 'initial' && n.kind !== 'any';
    const data: StateNodeData = {
      kind: n.kind,
      label: n.label,
      internal: n.kind === 'state' || n.kind === 'final' ? shownInternal(n.internal) : n.internal,
      internalAll: n.internal,
      shared: n.shared.map((text) => ({
        text,
        active: firedShared.get(n.id)?.has(text) === true,
      })),
      active: isState && active.has(n.stateId),
      entered: isState && entered.has(n.stateId),
      left: isState && left.has(n.stateId),
    };
    const type = FLOW_TYPE[n.kind];
    return {
      id: n.id,
      type,
      position: { x: box.x, y: box.y },
      width: box.width,
      height: box.height,
      data,
      ...(n.parent === null ? {} : { parentId: n.parent }),
      draggable: false,
      connectable: false,
      selectable: false,
      focusable: isState,
      ariaLabel: ariaLabel(graph, n.kind, n.stateId, data),
      // Groups under their children; the markers above the arrows' ends.
      zIndex: type === 'mvGroup' ? 0 : 1,
      className: `mv-node mv-node--${n.kind}${data.active ? ' is-active' : ''}`,
    };
  });

  // An empty node as large as the whole layout: fitting the view fits the arrows' labels too
  // (xyflow fits nodes only).
  const frame: StateFlowNode = {
    id: `${diagram.machineId}#frame`,
    type: 'mvFrame',
    position: { x: 0, y: 0 },
    width: layout.width,
    height: layout.height,
    data: {
      kind: 'initial',
      label: '',
      internal: [],
      internalAll: [],
      shared: [],
      active: false,
      entered: false,
      left: false,
    },
    draggable: false,
    connectable: false,
    selectable: false,
    focusable: false,
    zIndex: -1,
    className: 'mv-node mv-node--frame',
  };
  const nodes = [frame, ...states];

  const edges: TransitionFlowEdge[] = diagram.edges.map((e) => {
    const lines = e.lines
      .filter((l) => l.text !== '' && l.shared !== true)
      .map((l) => ({ text: l.text, active: firing.has(l.transition) }));
    const isActive = e.lines.some((l) => firing.has(l.transition));
    const spoken = e.lines.filter((l) => l.text !== '').map((l) => l.text);
    return {
      id: e.id,
      type: 'transition',
      source: e.source,
      target: e.target,
      data: {
        route: layout.edges.get(e.id) ?? { points: [] },
        lines,
        active: isActive,
        kind: e.kind,
      },
      animated: isActive,
      markerEnd: {
        type: 'arrowclosed',
        width: 16,
        height: 16,
        color: isActive ? 'var(--accent)' : 'var(--muted)',
      },
      selectable: false,
      focusable: false,
      // Above every group, so arrows inside a group are not hidden by its background; the
      // last transition above the others.
      zIndex: isActive ? 3 : 2,
      ariaLabel:
        e.kind === 'initial'
          ? `initial transition to ${stateName(graph, e.target)}`
          : `${isActive ? 'last transition' : 'transition'} ${spoken.join(' or ')}`,
    };
  });
  return { nodes, edges };
}

/**
 * The SVG path of an orthogonal route, its corners rounded.
 *
 * @example
 * routePath([{ x: 0, y: 0 }, { x: 10, y: 0 }], 6); // 'M0,0 L10,0'
 */
export function routePath(points: readonly Point[], radius = 6): string {
  const [first, ...rest] = points;
  if (first === undefined) return '';
  let d = `M${first.x},${first.y}`;
  for (let i = 0; i < rest.length; i++) {
    const p = rest[i];
    const prev = i === 0 ? first : rest[i - 1];
    const next = rest[i + 1];
    if (p === undefined || prev === undefined) continue;
    if (next === undefined) {
      d += ` L${p.x},${p.y}`;
      continue;
    }
    const r = Math.min(
      radius,
      Math.hypot(p.x - prev.x, p.y - prev.y) / 2,
      Math.hypot(next.x - p.x, next.y - p.y) / 2,
    );
    const inX = p.x - Math.sign(p.x - prev.x) * r;
    const inY = p.y - Math.sign(p.y - prev.y) * r;
    const outX = p.x + Math.sign(next.x - p.x) * r;
    const outY = p.y + Math.sign(next.y - p.y) * r;
    d += ` L${inX},${inY} Q${p.x},${p.y} ${outX},${outY}`;
  }
  return d;
}

/**
 * Where a machine diagram's nodes and arrows go: elkjs' layered algorithm over the whole
 * hierarchy (`elk.hierarchyHandling: INCLUDE_CHILDREN`), so arrows that enter or leave a
 * group are routed with it. A parallel root is laid out one region at a time and the regions
 * are put side by side, in the definition's order.
 *
 * A definition never changes, so each is laid out once: {@link layoutMachine} caches the
 * result by machine id. ELK is deterministic (fixed random seed, nodes and edges given in the
 * definition's order), so the same definition always gets the same picture.
 *
 * Coordinates: node positions are relative to their parent group (as xyflow's `parentId`
 * wants them); arrow routes and label boxes are absolute (the flow's coordinates).
 */
import ELK from 'elkjs/lib/elk.bundled.js';
import type { ElkExtendedEdge, ElkNode, LayoutOptions } from 'elkjs/lib/elk-api.js';
import { labelSize, type DiagramNode, type MachineDiagram } from './diagram.ts';

export interface Point {
  readonly x: number;
  readonly y: number;
}

export interface NodeBox {
  /** Relative to the parent group (absolute at the top level). */
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
}

export interface EdgeRoute {
  /** Absolute polyline: start, bends, end. Empty when ELK gave no route. */
  readonly points: readonly Point[];
  /** Absolute top-left of the label box, when the arrow has one. */
  readonly label?: NodeBox;
}

export interface MachineLayout {
  readonly machineId: string;
  readonly nodes: ReadonlyMap<string, NodeBox>;
  readonly edges: ReadonlyMap<string, EdgeRoute>;
  readonly width: number;
  readonly height: number;
  /** How long ELK took, in ms (the first layout also warms ELK up). */
  readonly ms: number;
}

/** Space above a group's children for its title (and its internal events). */
export const GROUP_HEADER = 30;
export const GROUP_INTERNAL_LINE = 16;
const REGION_GAP = 48;

const BASE_OPTIONS: LayoutOptions = {
  'elk.algorithm': 'layered',
  'elk.hierarchyHandling': 'INCLUDE_CHILDREN',
  'elk.json.edgeCoords': 'ROOT',
  'elk.randomSeed': '1',
  'elk.edgeRouting': 'ORTHOGONAL',
  'elk.layered.spacing.nodeNodeBetweenLayers': '56',
  'elk.spacing.nodeNode': '28',
  'elk.spacing.edgeNode': '16',
  'elk.spacing.edgeEdge': '10',
  'elk.spacing.edgeLabel': '4',
  'elk.layered.spacing.edgeNodeBetweenLayers': '16',
  'elk.layered.nodePlacement.strategy': 'NETWORK_SIMPLEX',
  'elk.layered.considerModelOrder.strategy': 'NODES_AND_EDGES',
  'elk.edgeLabels.placement': 'CENTER',
};

/** The diagram's preferred shape (wider than high, as the panel is). */
const TARGET_ASPECT = 1.6;

/**
 * Each unit is laid out both ways and the one nearer {@link TARGET_ASPECT} is kept: left to
 * right, wrapping a long chain of states into rows; or top to bottom.
 */
const DIRECTIONS: readonly LayoutOptions[] = [
  { 'elk.direction': 'RIGHT' },
  { 'elk.direction': 'DOWN' },
];

const CANVAS_PADDING = '[top=16,left=16,bottom=16,right=16]';

function groupPadding(node: DiagramNode): string {
  const top = GROUP_HEADER + (node.internal.length > 0 ? GROUP_INTERNAL_LINE : 0);
  return `[top=${top},left=16,bottom=16,right=16]`;
}

const isGroup = (n: DiagramNode) => n.kind === 'compound' || n.kind === 'region';

/** What one ELK run lays out: the whole canvas, or one region of a parallel root. */
interface Unit {
  /** The region whose box is the run's root (null: the canvas). */
  readonly region: DiagramNode | null;
  readonly nodes: readonly DiagramNode[];
}

function elkGraph(diagram: MachineDiagram, unit: Unit, direction: LayoutOptions): ElkNode {
  const children = new Map<string | null, DiagramNode[]>();
  for (const n of diagram.nodes) {
    const list = children.get(n.parent) ?? [];
    list.push(n);
    children.set(n.parent, list);
  }
  const included = new Set<string>();
  const build = (n: DiagramNode): ElkNode => {
    included.add(n.id);
    if (isGroup(n)) {
      return {
        id: n.id,
        layoutOptions: { 'elk.padding': groupPadding(n) },
        children: (children.get(n.id) ?? []).map(build),
      };
    }
    return { id: n.id, width: n.width, height: n.height };
  };
  const nodes = unit.nodes.map(build);
  const edges: ElkExtendedEdge[] = [];
  for (const e of diagram.edges) {
    if (!included.has(e.source) || !included.has(e.target)) continue;
    const texts = e.lines.filter((l) => l.text !== '' && l.shared !== true).map((l) => l.text);
    edges.push({
      id: e.id,
      sources: [e.source],
      targets: [e.target],
      ...(texts.length === 0
        ? {}
        : { labels: [{ id: `${e.id}#label`, text: texts.join('\n'), ...labelSize(texts) }] }),
    });
  }
  return {
    id: unit.region?.id ?? `${diagram.machineId}#canvas`,
    layoutOptions: {
      ...BASE_OPTIONS,
      ...direction,
      'elk.padding': unit.region === null ? CANVAS_PADDING : groupPadding(unit.region),
    },
    children: nodes,
    edges,
  };
}

interface Collected {
  nodes: Map<string, NodeBox>;
  edges: Map<string, EdgeRoute>;
}

/** Takes in one run's result placed at (dx, dy); a region's run gives the region's box. */
function collect(result: ElkNode, region: boolean, dx: number, dy: number, into: Collected): void {
  if (region) {
    into.nodes.set(result.id, {
      x: dx,
      y: dy,
      width: result.width ?? 0,
      height: result.height ?? 0,
    });
  }
  const visit = (n: ElkNode, top: boolean): void => {
    const shift = top && !region;
    into.nodes.set(n.id, {
      x: (n.x ?? 0) + (shift ? dx : 0),
      y: (n.y ?? 0) + (shift ? dy : 0),
      width: n.width ?? 0,
      height: n.height ?? 0,
    });
    for (const c of n.children ?? []) visit(c, false);
  };
  for (const c of result.children ?? []) visit(c, true);
  const walkEdges = (n: ElkNode): void => {
    for (const e of n.edges ?? []) {
      const points: Point[] = [];
      for (const s of e.sections ?? []) {
        points.push({ x: s.startPoint.x + dx, y: s.startPoint.y + dy });
        for (const b of s.bendPoints ?? []) points.push({ x: b.x + dx, y: b.y + dy });
        points.push({ x: s.endPoint.x + dx, y: s.endPoint.y + dy });
      }
      const l = e.labels?.[0];
      into.edges.set(e.id, {
        points,
        ...(l === undefined
          ? {}
          : {
              label: {
                x: (l.x ?? 0) + dx,
                y: (l.y ?? 0) + dy,
                width: l.width ?? 0,
                height: l.height ?? 0,
              },
            }),
      });
    }
    for (const c of n.children ?? []) walkEdges(c);
  };
  walkEdges(result);
}

/** How far a box is from the target shape (0: exactly it). */
function aspectScore(width: number, height: number): number {
  return Math.abs(Math.log(width / Math.max(1, height) / TARGET_ASPECT));
}

/**
 * Places region boxes in rows, in order: as many per row as brings the whole closest to
 * {@link TARGET_ASPECT} (the fewest rows among near ties).
 *
 * @example
 * arrangeRegions([{ width: 500, height: 400 }, { width: 500, height: 400 }]).positions;
 * // [{ x: 0, y: 0 }, { x: 548, y: 0 }]
 */
export function arrangeRegions(sizes: readonly { width: number; height: number }[]): {
  positions: Point[];
  width: number;
  height: number;
} {
  let best: { positions: Point[]; width: number; height: number; score: number } | undefined;
  for (let perRow = sizes.length; perRow >= 1; perRow--) {
    const positions: Point[] = [];
    let y = 0;
    let width = 0;
    for (let start = 0; start < sizes.length; start += perRow) {
      const row = sizes.slice(start, start + perRow);
      let x = 0;
      for (const size of row) {
        positions.push({ x, y });
        x += size.width + REGION_GAP;
      }
      width = Math.max(width, x - REGION_GAP);
      y += Math.max(...row.map((r) => r.height)) + REGION_GAP;
    }
    const height = Math.max(0, y - REGION_GAP);
    const score = aspectScore(width, height);
    if (best === undefined || score < best.score - 0.05) best = { positions, width, height, score };
  }
  return best ?? { positions: [], width: 0, height: 0 };
}

let elk: InstanceType<typeof ELK> | undefined;

/**
 * Lays out a diagram (not cached: see {@link layoutMachine}).
 *
 * @example
 * const layout = await layoutDiagram(machineDiagram(protooPeerGraph));
 * layout.nodes.get('protooPeer.open'); // { x: 260, y: 40, width: 96, height: 34 }
 */
export async function layoutDiagram(diagram: MachineDiagram): Promise<MachineLayout> {
  elk ??= new ELK();
  const engine = elk;
  const started = performance.now();
  const tops = diagram.nodes.filter((n) => n.parent === null);
  const into: Collected = { nodes: new Map(), edges: new Map() };
  // A parallel root: one run per region (anything else at the top level, such as markers,
  // in a run of its own first), the regions then put side by side.
  const units: Unit[] = [];
  if (diagram.parallelRoot) {
    const loose = tops.filter((n) => !isGroup(n));
    if (loose.length > 0) units.push({ region: null, nodes: loose });
    for (const n of tops) {
      if (isGroup(n)) {
        units.push({ region: n, nodes: diagram.nodes.filter((c) => c.parent === n.id) });
      }
    }
  } else {
    units.push({ region: null, nodes: tops });
  }
  const results: ElkNode[] = [];
  for (const unit of units) {
    let best: ElkNode | undefined;
    for (const direction of DIRECTIONS) {
      const result = await engine.layout(elkGraph(diagram, unit, direction));
      const score = aspectScore(result.width ?? 0, result.height ?? 0);
      if (best === undefined || score < aspectScore(best.width ?? 0, best.height ?? 0) - 0.05) {
        best = result;
      }
    }
    if (best !== undefined) results.push(best);
  }
  const placed = arrangeRegions(
    results.map((r) => ({ width: r.width ?? 0, height: r.height ?? 0 })),
  );
  results.forEach((r, i) => {
    const at = placed.positions[i] ?? { x: 0, y: 0 };
    collect(r, units[i]?.region != null, at.x, at.y, into);
  });
  const { width, height } = placed;
  return {
    machineId: diagram.machineId,
    nodes: into.nodes,
    edges: into.edges,
    width,
    height,
    ms: performance.now() - started,
  };
}

const cache = new Map<string, Promise<MachineLayout>>();
const resolved = new Map<string, MachineLayout>();

/**
 * The layout of a machine's diagram, computed once per machine id (a definition does not
 * change while the app runs).
 *
 * @example
 * const layout = await layoutMachine(machineDiagram(peerConnectionGraph));
 * (await layoutMachine(machineDiagram(peerConnectionGraph))) === layout; // true
 */
export function layoutMachine(diagram: MachineDiagram): Promise<MachineLayout> {
  const known = cache.get(diagram.machineId);
  if (known !== undefined) return known;
  const pending = layoutDiagram(diagram).then(
    (layout) => {
      resolved.set(diagram.machineId, layout);
      return layout;
    },
    (error: unknown) => {
      // A failed layout is not kept: the next render tries again.
      cache.delete(diagram.machineId);
      throw error;
    },
  );
  cache.set(diagram.machineId, pending);
  return pending;
}

/** The layout of a machine id if it is done (so a remount draws at once). */
export function resolvedLayout(machineId: string): MachineLayout | undefined {
  return resolved.get(machineId);
}

/**
 * Where the room graph's nodes go (pure): a layered layout whose layers are known in advance
 * and whose positions stay put as the room changes.
 *
 * Why not dagre or elkjs: on a room of 50 peers and 2,000 consumers (4,056 nodes, 6,005
 * edges) dagre takes 5 s and elkjs' layered algorithm 16 s (node 22 on this machine; the
 * room-graph-layout benchmark repeats the comparison in Chromium with BENCH_COMPARE=1), and
 * neither keeps a node where it was when another comes or goes. Their expensive steps are
 * not needed here: the ranks are given by the node types (client → transports → what runs
 * on them → remote producers → their peers), and a good order within each rank follows from
 * the room itself (transports in creation order, consumers grouped by peer and producer, each
 * remote producer beside its first consumer, each peer beside its first producer), which is
 * what crossing minimisation would look for.
 *
 * **Stability.** Nodes sit on a grid of rows (one per column). Given the previous layout's
 * `cache`, every node that was already there keeps its row; only new nodes are placed, each
 * in the free row nearest below the one its neighbours ask for. Nodes that go free their rows.
 * Without a cache (first render, "Tidy layout"), the same procedure on an empty grid gives the
 * compact layout. Deterministic: the same graph and cache give the same positions.
 *
 * Mesh rooms go on a circle (`mesh:<id>` nodes in id order), with the same keep-your-slot rule.
 */
import type { RoomColumn, RoomGraph, RoomGraphNode, RoomNodeType } from './types.ts';

export interface Size {
  readonly width: number;
  readonly height: number;
}

/** Every node's box, fixed so the layout needs no measurement (the CSS uses the same sizes). */
export const NODE_SIZE: Readonly<Record<RoomNodeType, Size>> = {
  client: { width: 220, height: 84 },
  peer: { width: 220, height: 72 },
  transport: { width: 220, height: 76 },
  producer: { width: 220, height: 76 },
  consumer: { width: 220, height: 84 },
  dataProducer: { width: 220, height: 56 },
  dataConsumer: { width: 220, height: 56 },
  meshPeer: { width: 180, height: 64 },
};

/** Vertical distance between two rows. */
export const ROW_PITCH = 100;
/** Left edge of each column. */
export const COLUMN_X: Readonly<Record<RoomColumn, number>> = {
  0: 0,
  1: 300,
  2: 600,
  3: 940,
  4: 1240,
};

/** Where each node was: pass it back to the next layout to keep them there. */
export interface LayoutCache {
  readonly kind: 'mediasoup' | 'mesh';
  /** Row (mediasoup) or slot on the circle (mesh), by node id. */
  readonly slots: ReadonlyMap<string, { readonly column: number; readonly row: number }>;
  /** Mesh: how many slots the circle has. */
  readonly ring: number;
}

export interface GraphLayout {
  readonly positions: ReadonlyMap<string, { readonly x: number; readonly y: number }>;
  readonly cache: LayoutCache;
  /** Nodes that kept their place from the cache. */
  readonly kept: number;
}

function compareSort(a: RoomGraphNode, b: RoomGraphNode): number {
  const n = Math.max(a.sort.length, b.sort.length);
  for (let i = 0; i < n; i++) {
    const d = (a.sort[i] ?? -1) - (b.sort[i] ?? -1);
    if (d !== 0) return d;
  }
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

/** The first free row at or below `from` (rows are non-negative). */
function firstFree(occupied: Set<number>, from: number): number {
  let row = Math.max(0, from);
  while (occupied.has(row)) row++;
  return row;
}

/**
 * Neighbours a column lines up with: remote producers with the consumers that consume them
 * (column 3 looks at 2), peers with their producers (4 at 3), transports with what runs on
 * them (1 at 2), the client with its transports (0 at 1).
 */
const ANCHOR: Readonly<Record<number, RoomColumn>> = { 3: 2, 4: 3, 1: 2, 0: 1 };

function layoutColumns(graph: RoomGraph, previous: LayoutCache | undefined): GraphLayout {
  const rows = new Map<string, { column: number; row: number }>();
  const occupied: Set<number>[] = [new Set(), new Set(), new Set(), new Set(), new Set()];
  const byColumn: RoomGraphNode[][] = [[], [], [], [], []];
  const columnOf = new Map<string, number>();
  let kept = 0;
  const keep = previous?.kind === 'mediasoup' ? previous.slots : undefined;
  for (const node of graph.nodes) {
    byColumn[node.column]?.push(node);
    columnOf.set(node.id, node.column);
    const was = keep?.get(node.id);
    if (was !== undefined && was.column === node.column) {
      rows.set(node.id, was);
      occupied[node.column]?.add(was.row);
      kept++;
    }
  }

  // neighbours of each node in its anchor column
  const anchors = new Map<string, string[]>();
  const link = (from: string, to: string) => {
    const cf = columnOf.get(from);
    const ct = columnOf.get(to);
    if (cf === undefined || ct === undefined || ANCHOR[cf] !== ct) return;
    const list = anchors.get(from);
    if (list === undefined) anchors.set(from, [to]);
    else list.push(to);
  };
  for (const e of graph.edges) {
    link(e.source, e.target);
    link(e.target, e.source);
  }

  // column 2 (what runs on the transports) in its own order, a free row between groups
  const middle = [...(byColumn[2] ?? [])].sort(compareSort);
  let previousRow = -1;
  let previousGroup: number | undefined;
  for (const node of middle) {
    const group = node.sort[0] ?? 0;
    const placed = rows.get(node.id);
    if (placed === undefined) {
      const gap = previousGroup !== undefined && group !== previousGroup ? 1 : 0;
      const row = firstFree(occupied[2] ?? new Set(), previousRow + 1 + gap);
      rows.set(node.id, { column: 2, row });
      occupied[2]?.add(row);
      previousRow = row;
    } else {
      previousRow = placed.row;
    }
    previousGroup = group;
  }

  // the other columns line up with their anchors, in the order of the rows those ask for
  for (const column of [3, 4, 1, 0] as const) {
    const taken = occupied[column] ?? new Set<number>();
    const wanted: { node: RoomGraphNode; ideal: number }[] = [];
    const loose: RoomGraphNode[] = [];
    for (const node of byColumn[column] ?? []) {
      if (rows.has(node.id)) continue;
      let ideal = Infinity;
      for (const other of anchors.get(node.id) ?? []) {
        const r = rows.get(other)?.row;
        if (r !== undefined && r < ideal) ideal = r;
      }
      if (ideal === Infinity) loose.push(node);
      else wanted.push({ node, ideal });
    }
    wanted.sort((a, b) => a.ideal - b.ideal || compareSort(a.node, b.node));
    for (const { node, ideal } of wanted) {
      const row = firstFree(taken, ideal);
      rows.set(node.id, { column, row });
      taken.add(row);
    }
    loose.sort(compareSort);
    let last = -1;
    for (const r of taken) if (r > last) last = r;
    for (const node of loose) {
      const row = firstFree(taken, column === 0 ? 0 : last + 1);
      rows.set(node.id, { column, row });
      taken.add(row);
      last = Math.max(last, row);
    }
  }

  const positions = new Map<string, { x: number; y: number }>();
  for (const node of graph.nodes) {
    const slot = rows.get(node.id);
    if (slot === undefined) continue;
    positions.set(node.id, {
      x: COLUMN_X[node.column],
      y: slot.row * ROW_PITCH,
    });
  }
  return { positions, cache: { kind: 'mediasoup', slots: rows, ring: 0 }, kept };
}

/** Slots on the mesh circle for `n` peers: a multiple of 8, so a newcomer rarely resizes it. */
export function ringSize(n: number): number {
  return Math.max(8, Math.ceil(n / 8) * 8);
}

function layoutMesh(graph: RoomGraph, previous: LayoutCache | undefined): GraphLayout {
  const nodes = [...graph.nodes].sort(compareSort);
  const ring = ringSize(nodes.length);
  const keep = previous?.kind === 'mesh' && previous.ring === ring ? previous.slots : undefined;
  const slots = new Map<string, { column: number; row: number }>();
  const taken = new Set<number>();
  let kept = 0;
  for (const node of nodes) {
    const was = keep?.get(node.id);
    if (was !== undefined) {
      slots.set(node.id, was);
      taken.add(was.row);
      kept++;
    }
  }
  nodes.forEach((node, i) => {
    if (slots.has(node.id)) return;
    let slot = Math.round((i * ring) / Math.max(1, nodes.length)) % ring;
    while (taken.has(slot)) slot = (slot + 1) % ring;
    slots.set(node.id, { column: 0, row: slot });
    taken.add(slot);
  });
  const size = NODE_SIZE.meshPeer;
  const radius = Math.max(200, (ring * (size.width + 40)) / (2 * Math.PI));
  const positions = new Map<string, { x: number; y: number }>();
  for (const node of nodes) {
    const slot = slots.get(node.id)?.row ?? 0;
    const angle = -Math.PI / 2 + (2 * Math.PI * slot) / ring;
    positions.set(node.id, {
      x: Math.round(radius + radius * Math.cos(angle)),
      y: Math.round(radius + radius * Math.sin(angle)),
    });
  }
  return { positions, cache: { kind: 'mesh', slots, ring }, kept };
}

/**
 * Positions for every node of `graph`. Pass the previous layout's `cache` to keep the nodes
 * that were already there where they were.
 *
 * @example
 * let layout = layoutGraph(roomGraph(roomAt(10)));
 * layout = layoutGraph(roomGraph(roomAt(11)), layout.cache); // old nodes have not moved
 * layout.positions.get('consumer:c717d802-…'); // { x: 600, y: 300 }
 */
export function layoutGraph(graph: RoomGraph, previous?: LayoutCache): GraphLayout {
  return graph.kind === 'mesh' ? layoutMesh(graph, previous) : layoutColumns(graph, previous);
}

/**
 * The room graph and its layout as xyflow nodes and edges (pure: no React, no DOM).
 */
import { MarkerType, Position, type Edge, type NodeHandle } from '@xyflow/react';
import type { MeshLinkState } from '../../../machines/meshRoomMachine.ts';
import { NODE_SIZE, type GraphLayout, type Size } from './layout.ts';
import type { RoomFlowNode } from './nodes.tsx';
import type { RoomGraph, RoomGraphEdge, RoomNodeType, Tone } from './types.ts';

const LINK_RANK: Readonly<Record<MeshLinkState, number>> = {
  connected: 0,
  waiting: 1,
  offering: 1,
  answering: 1,
  dead: 2,
};

/** The colour of a tone, as the CSS variable RoomGraph.css defines. */
export const toneColor = (tone: Tone): string => `var(--rg-${tone})`;

function flowEdge(e: RoomGraphEdge): Edge {
  const arrow = e.kind === 'consumes' || e.kind === 'link';
  const worst = e.link?.views.reduce((w, v) => (LINK_RANK[v.state] > LINK_RANK[w.state] ? v : w));
  return {
    id: e.id,
    source: e.source,
    target: e.target,
    type: e.kind === 'link' ? 'straight' : 'default',
    className: `rg-edge rg-edge--${e.kind} rg-tone--${e.tone}`,
    ariaLabel: e.summary,
    focusable: false,
    selectable: false,
    ...(arrow ? { markerEnd: { type: MarkerType.ArrowClosed, color: toneColor(e.tone) } } : {}),
    ...(worst === undefined ? {} : { label: worst.state }),
  };
}

/** The node components' 1×1 px handles (nodes.tsx, RoomGraph.css), in node coordinates. */
function handlesOf(type: RoomNodeType, size: Size): NodeHandle[] {
  const { width: w, height: h } = size;
  if (type === 'meshPeer') {
    const at = { x: w / 2 - 0.5, y: h / 2 - 0.5, width: 1, height: 1, position: Position.Top };
    return [
      { ...at, type: 'target' },
      { ...at, type: 'source' },
    ];
  }
  const y = h / 2 - 0.5;
  return [
    { x: -0.5, y, width: 1, height: 1, position: Position.Left, type: 'target' },
    { x: w - 0.5, y, width: 1, height: 1, position: Position.Right, type: 'source' },
  ];
}

export interface FlowOptions {
  /**
   * Draw the lines from each transport to what runs on it and from each remote producer to
   * its peer (default true). A big room leaves them out but for the selected node's: a
   * transport with 2,000 consumers fans out 2,000 lines that all cross the screen, and xyflow
   * renders every one of them.
   */
  readonly containment?: boolean;
}

/**
 * xyflow nodes (positioned, sized, labelled with their summary) and edges for a laid-out graph.
 *
 * @example
 * const { nodes, edges } = toFlow(graph, layoutGraph(graph), 'consumer:c1');
 * toFlow(huge, layoutGraph(huge), null, { containment: false }).edges; // consumes edges only
 * nodes[0].ariaLabel; // 'This client Ada L. on connection c1: joined, mediasoup 3.14.16'
 */
export function toFlow(
  graph: RoomGraph,
  layout: GraphLayout,
  selected: string | null,
  options: FlowOptions = {},
): { nodes: RoomFlowNode[]; edges: Edge[] } {
  const nodes: RoomFlowNode[] = [];
  for (const n of graph.nodes) {
    const position = layout.positions.get(n.id);
    if (position === undefined) continue;
    const size = NODE_SIZE[n.data.type];
    nodes.push({
      id: n.id,
      type: n.data.type,
      position,
      data: n.data,
      width: size.width,
      height: size.height,
      // Known sizes: xyflow need not render every node once to measure it (with
      // onlyRenderVisibleElements it renders only those in view from the first frame).
      measured: size,
      // …nor to find its handles: without these, xyflow renders every node once anyway.
      handles: handlesOf(n.data.type, size),
      ariaLabel: n.data.summary,
      selected: n.id === selected,
      draggable: false,
      connectable: false,
      deletable: false,
      className: `rg-flow-node rg-tone--${n.data.tone}`,
    } as RoomFlowNode);
  }
  const containment = options.containment ?? true;
  const edges: Edge[] = [];
  for (const e of graph.edges) {
    const structural = e.kind === 'contains' || e.kind === 'owns';
    if (structural && !containment && e.source !== selected && e.target !== selected) continue;
    edges.push(flowEdge(e));
  }
  return { nodes, edges };
}

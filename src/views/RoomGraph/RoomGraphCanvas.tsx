/**
 * The diagram itself: a laid-out room graph in xyflow, with a minimap and zoom controls.
 * Keeps the nodes of the previous render in place (`useStableLayout`); a new `resetKey` lays
 * the graph out afresh. Clicking a node, or Enter on a focused one, activates it.
 */
import '@xyflow/react/dist/style.css';
import './RoomGraph.css';
import {
  Background,
  Controls,
  MiniMap,
  ReactFlow,
  type Node,
  type NodeChange,
  type NodeMouseHandler,
} from '@xyflow/react';
import { useCallback, useMemo, useState } from 'react';
import { toFlow } from './flow.ts';
import { NODE_TYPES, type RoomFlowNode } from './nodes.tsx';
import type { RoomGraph, RoomNodeData } from './types.ts';
import { useStableLayout } from './useStableLayout.ts';

/**
 * Above this many nodes, only those in view are rendered, the first view shows the top, and
 * the lines to transports and peers are drawn for the selected node only.
 */
const BIG = 150;
/** The overview draws every node (about 0.3 ms each in Chromium): above this, it is left out. */
const MINIMAP_MAX = 1500;

export interface RoomGraphCanvasProps {
  readonly graph: RoomGraph;
  /** Another key: lay out afresh (another room, "Tidy layout"). */
  readonly resetKey: string;
  readonly selectedId: string | null;
  readonly onActivate: (data: RoomNodeData, id: string) => void;
  readonly onClear: () => void;
}

export function RoomGraphCanvas({
  graph,
  resetKey,
  selectedId,
  onActivate,
  onClear,
}: RoomGraphCanvasProps) {
  const layout = useStableLayout(graph, resetKey);
  const big = graph.nodes.length > BIG;
  const { nodes, edges } = useMemo(
    () => toFlow(graph, layout, selectedId, { containment: !big }),
    [graph, layout, selectedId, big],
  );
  // The first view: everything, or for a big room its top (the client, the transports and the
  // first rows), as showing 4,000 nodes at once is unreadable anyway.
  const [fitViewOptions] = useState(() => {
    if (!big) return { padding: 0.15, maxZoom: 1 };
    const top = [...nodes].sort((a, b) => a.position.y - b.position.y).slice(0, 40);
    return { padding: 0.1, maxZoom: 1, nodes: top.map((n) => ({ id: n.id })) };
  });
  const byId = useMemo(() => new Map(graph.nodes.map((n) => [n.id, n.data])), [graph]);

  const onNodesChange = useCallback(
    (changes: NodeChange<RoomFlowNode>[]) => {
      for (const change of changes) {
        if (change.type !== 'select') continue;
        if (change.selected) {
          const data = byId.get(change.id);
          if (data !== undefined) onActivate(data, change.id);
        } else if (change.id === selectedId) {
          onClear();
        }
      }
    },
    [byId, onActivate, onClear, selectedId],
  );
  // A click on the node already selected makes no selection change: filter again anyway.
  const onNodeClick: NodeMouseHandler<RoomFlowNode> = useCallback(
    (_event, node: Node) => {
      if (node.selected !== true) return;
      const data = byId.get(node.id);
      if (data !== undefined) onActivate(data, node.id);
    },
    [byId, onActivate],
  );

  return (
    <div className="room-graph__canvas">
      {big && (
        <p className="room-graph__note" role="note">
          {graph.nodes.length.toLocaleString('en-US')} nodes: lines to transports and peers are
          drawn for the selected node only.
        </p>
      )}
      <ReactFlow<RoomFlowNode>
        nodes={nodes}
        edges={edges}
        nodeTypes={NODE_TYPES}
        onNodesChange={onNodesChange}
        onNodeClick={onNodeClick}
        fitView
        fitViewOptions={fitViewOptions}
        minZoom={0.05}
        maxZoom={2}
        nodesDraggable={false}
        nodesConnectable={false}
        edgesFocusable={false}
        elementsSelectable
        onlyRenderVisibleElements={big}
        deleteKeyCode={null}
        proOptions={{ hideAttribution: false }}
      >
        <Background gap={20} size={1} />
        {nodes.length <= MINIMAP_MAX && (
          <MiniMap<RoomFlowNode>
            pannable
            zoomable
            ariaLabel="Room graph overview"
            nodeClassName={(n) => `rg-mini rg-mini--${n.data.tone}`}
          />
        )}
        <Controls showInteractive={false} />
      </ReactFlow>
    </div>
  );
}

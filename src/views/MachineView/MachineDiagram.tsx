import { useMemo } from 'react';
import { ControlButton, Controls, ReactFlow, useReactFlow } from '@xyflow/react';
import '@xyflow/react/dist/style.css';
import type { MachineGraph } from '../../../machines/lib/graph.ts';
import type { ActiveAt } from './active.ts';
import type { MachineDiagram as Diagram } from './diagram.ts';
import { toFlow } from './flow.ts';
import type { MachineLayout } from './layout.ts';
import { EDGE_TYPES, NODE_TYPES } from './nodes.tsx';

export interface MachineDiagramProps {
  readonly graph: MachineGraph;
  readonly diagram: Diagram;
  readonly layout: MachineLayout;
  /** The instance at the cursor, or null to highlight nothing. */
  readonly at: ActiveAt | null;
  /** The accessible name of the diagram. */
  readonly label: string;
}

const FIT_VIEW_OPTIONS = { padding: 0.08, maxZoom: 1.2 };
const PRO_OPTIONS = { hideAttribution: false };

/**
 * The state diagram of one machine definition (xyflow), laid out beforehand; only the
 * highlighting changes with the cursor. Fits the view when it is first drawn (the parent
 * keys it by machine so a new machine fits again); pan and zoom are the user's after that.
 */
export function MachineDiagram({ graph, diagram, layout, at, label }: MachineDiagramProps) {
  const { nodes, edges } = useMemo(
    () => toFlow(graph, diagram, layout, at),
    [graph, diagram, layout, at],
  );
  return (
    <div className="mv-diagram" role="group" aria-label={label}>
      <ReactFlow
        nodes={nodes}
        edges={edges}
        nodeTypes={NODE_TYPES}
        edgeTypes={EDGE_TYPES}
        fitView
        fitViewOptions={FIT_VIEW_OPTIONS}
        minZoom={0.1}
        maxZoom={2.5}
        nodesDraggable={false}
        nodesConnectable={false}
        elementsSelectable={false}
        edgesFocusable={false}
        zoomOnDoubleClick={false}
        proOptions={PRO_OPTIONS}
      >
        <Controls showInteractive={false}>
          <FocusActive ids={at?.started === true ? at.leaves : []} />
        </Controls>
      </ReactFlow>
    </div>
  );
}

/** A control that zooms onto the active state(s), for machines too big to read whole. */
function FocusActive({ ids }: { ids: readonly string[] }) {
  const flow = useReactFlow();
  return (
    <ControlButton
      title="Zoom to the active state"
      aria-label="Zoom to the active state"
      disabled={ids.length === 0}
      onClick={() => {
        void flow.fitView({
          nodes: ids.map((id) => ({ id })),
          padding: 0.6,
          maxZoom: 1.2,
          duration: 200,
        });
      }}
    >
      <svg viewBox="0 0 16 16" aria-hidden="true">
        <circle cx="8" cy="8" r="5" fill="none" stroke="currentColor" strokeWidth="1.6" />
        <circle cx="8" cy="8" r="2" fill="currentColor" />
      </svg>
    </ControlButton>
  );
}

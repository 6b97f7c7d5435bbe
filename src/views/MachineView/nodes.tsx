/**
 * The xyflow node and edge components of the state diagram. Labels are machine definitions'
 * keys and event names (not capture strings), rendered as text all the same.
 */
import { memo } from 'react';
import {
  BaseEdge,
  EdgeLabelRenderer,
  Handle,
  Position,
  type EdgeProps,
  type EdgeTypes,
  type NodeProps,
  type NodeTypes,
} from '@xyflow/react';
import { routePath, type StateFlowNode, type TransitionFlowEdge } from './flow.ts';

/** Arrows are drawn from the layout's routes: the handles only satisfy xyflow. */
function Handles() {
  return (
    <>
      <Handle type="target" position={Position.Left} isConnectable={false} className="mv-handle" />
      <Handle type="source" position={Position.Right} isConnectable={false} className="mv-handle" />
    </>
  );
}

function stateClass(base: string, data: StateFlowNode['data']): string {
  return [
    base,
    `${base}--${data.kind}`,
    data.active ? 'is-active' : '',
    data.entered ? 'is-entered' : '',
    data.left ? 'is-left' : '',
  ]
    .filter((c) => c !== '')
    .join(' ');
}

export const StateNode = memo(function StateNode({ data }: NodeProps<StateFlowNode>) {
  return (
    <div className={stateClass('mv-state', data)} title={data.internalAll.join('\n') || undefined}>
      <Handles />
      <div className="mv-state__label">{data.label}</div>
      {data.internal.length > 0 && (
        <ul className="mv-state__internal" aria-hidden="true">
          {data.internal.map((line) => (
            <li key={line}>{line}</li>
          ))}
        </ul>
      )}
    </div>
  );
});

export const GroupNode = memo(function GroupNode({ data }: NodeProps<StateFlowNode>) {
  return (
    <div className={stateClass('mv-group', data)}>
      <Handles />
      <div className="mv-group__header">
        {data.kind === 'region' && <span className="mv-group__tag">region</span>}
        <span className="mv-group__label">{data.label}</span>
      </div>
      {data.internal.length > 0 && (
        <div className="mv-group__internal" title={data.internalAll.join('\n')}>
          also handles: {data.internal.join(', ')}
        </div>
      )}
    </div>
  );
});

export const InitialNode = memo(function InitialNode() {
  return (
    <div className="mv-initial">
      <Handles />
    </div>
  );
});

export const AnyNode = memo(function AnyNode({ data }: NodeProps<StateFlowNode>) {
  return (
    <div className={data.shared.some((l) => l.active) ? 'mv-any is-active' : 'mv-any'}>
      <Handles />
      <div className="mv-any__label">{data.label}</div>
      {data.shared.map((line) => (
        <div key={line.text} className={line.active ? 'mv-any__line is-active' : 'mv-any__line'}>
          {line.text}
        </div>
      ))}
    </div>
  );
});

export const TransitionEdge = memo(function TransitionEdge(props: EdgeProps<TransitionFlowEdge>) {
  const { id, data, markerEnd, sourceX, sourceY, targetX, targetY } = props;
  const points = data?.route.points ?? [];
  const path =
    points.length >= 2 ? routePath(points) : `M${sourceX},${sourceY} L${targetX},${targetY}`;
  const label = data?.route.label;
  const active = data?.active === true;
  return (
    <>
      <BaseEdge
        id={id}
        path={path}
        {...(markerEnd === undefined ? {} : { markerEnd })}
        className={`mv-edge mv-edge--${data?.kind ?? 'transition'}${active ? ' is-active' : ''}`}
      />
      {label !== undefined && data !== undefined && data.lines.length > 0 && (
        <EdgeLabelRenderer>
          <div
            className={`mv-edge-label${active ? ' is-active' : ''}`}
            style={{
              transform: `translate(${label.x}px, ${label.y}px)`,
              minWidth: label.width,
            }}
          >
            {data.lines.map((line, i) => (
              <div
                key={i}
                className={line.active ? 'mv-edge-label__line is-active' : 'mv-edge-label__line'}
              >
                {line.text}
              </div>
            ))}
          </div>
        </EdgeLabelRenderer>
      )}
    </>
  );
});

/** Spans the whole layout, draws nothing (see `toFlow`). */
export const FrameNode = memo(function FrameNode() {
  return <div className="mv-frame" aria-hidden="true" />;
});

export const NODE_TYPES: NodeTypes = {
  mvFrame: FrameNode,
  mvState: StateNode,
  mvGroup: GroupNode,
  mvInitial: InitialNode,
  mvAny: AnyNode,
};

export const EDGE_TYPES: EdgeTypes = { transition: TransitionEdge };

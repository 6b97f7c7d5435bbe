/**
 * The views the inspector shows, behind one seam so the composition does not depend on each
 * view's own prop names. TEMPORARY placeholders while the views are written (issue 4).
 */
import type { Finding } from '../projections/findings.ts';
import { EventDetail } from '../views/EventList/EventDetail.tsx';
import type { InspectorViewProps, MachineViewProps } from '../views/shared/types.ts';
import type { MentionFilter } from './inspector/filter.ts';

export function SequencePanel(props: InspectorViewProps & { visible: Int32Array }) {
  return <p>Sequence diagram: {props.visible.length} rows</p>;
}

export function MessagePanel(props: InspectorViewProps & { findings: readonly Finding[] }) {
  const { selected, analysis, onSelect } = props;
  if (selected === null) return <p>Select a message.</p>;
  return <EventDetail analysis={analysis} index={selected} onJump={(i) => onSelect?.(i)} />;
}

export function RoomPanel(props: MachineViewProps & { onFilterTo: (f: MentionFilter) => void }) {
  return <p>Room at {props.cursor}</p>;
}

export function MachinePanel(
  props: MachineViewProps & {
    instance: string | null;
    onInstanceChange: (instance: string | null) => void;
  },
) {
  return <p>Machines at {props.cursor}</p>;
}

export function FindingsPanel(props: InspectorViewProps & { findings: readonly Finding[] }) {
  return <p>{props.findings.length} findings</p>;
}

export function TimelinePanel(
  props: InspectorViewProps & {
    findings: readonly Finding[];
    live: boolean;
    following: boolean;
    onFollow: () => void;
  },
) {
  return <p>Timeline at {props.cursor}</p>;
}

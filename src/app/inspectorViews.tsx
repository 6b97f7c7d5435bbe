/**
 * The views the inspector shows, behind one seam: each panel adapts the inspector's state to
 * its view's props, so the composition (Inspector.tsx) does not depend on them.
 */
import { memo, useCallback, useMemo } from 'react';
import type { Finding } from '../projections/findings.ts';
import { flatState, type MachineDrivers } from '../projections/machineStates.ts';
import { Findings } from '../views/Findings/index.ts';
import { MachineView, instanceKey, parseInstanceKey } from '../views/MachineView/index.ts';
import { MessageDetail } from '../views/MessageDetail/index.ts';
import { RoomGraph, type MeshPage, type RoomGraphFilter } from '../views/RoomGraph/index.ts';
import { SequenceDiagram } from '../views/SequenceDiagram/index.ts';
import type { InspectorViewProps, MachineViewProps } from '../views/shared/types.ts';
import { Timeline } from '../views/Timeline/index.ts';
import type { MentionFilter } from './inspector/filter.ts';

export function SequencePanel(
  props: InspectorViewProps & { visible: Int32Array; exportName?: string },
) {
  return <SequenceDiagram {...props} />;
}

// The side panels are memoised: they take the inspector's deferred cursor, so an urgent
// render (a cursor step) skips them until the deferred one.
export const MessagePanel = memo(function MessagePanel(
  props: InspectorViewProps & { findings: readonly Finding[] },
) {
  return <MessageDetail {...props} />;
});

/** The mesh pages of a session at a cursor, for the room graph. */
function meshPagesOf(drivers: MachineDrivers): ((cursor: number) => MeshPage[]) | undefined {
  if (drivers.mesh.tracks().length === 0) return undefined;
  return (cursor) =>
    drivers.mesh.tracks().map((track) => {
      const snapshot = track.snapshotAtLogIndex(cursor);
      return { context: snapshot.context, state: flatState(snapshot.value), conn: track.conn };
    });
}

export const RoomPanel = memo(function RoomPanel(
  props: MachineViewProps & { onFilterTo: (filter: MentionFilter) => void },
) {
  const { onFilterTo, drivers, ...rest } = props;
  const meshPages = useMemo(() => meshPagesOf(drivers), [drivers]);
  const filterTo = useCallback(
    (f: RoomGraphFilter) => {
      onFilterTo({ label: f.label, ids: f.ids });
    },
    [onFilterTo],
  );
  return (
    <RoomGraph
      {...rest}
      drivers={drivers}
      onFilterTo={filterTo}
      {...(meshPages === undefined ? {} : { meshPages })}
    />
  );
});

export const MachinePanel = memo(function MachinePanel(
  props: MachineViewProps & {
    instance: string | null;
    onInstanceChange: (instance: string | null) => void;
  },
) {
  const { instance, onInstanceChange, ...rest } = props;
  const ref = instance === null ? null : (parseInstanceKey(instance) ?? null);
  return (
    <MachineView
      {...rest}
      instance={ref}
      onInstanceChange={(r) => {
        onInstanceChange(instanceKey(r));
      }}
    />
  );
});

export const FindingsPanel = memo(function FindingsPanel(
  props: InspectorViewProps & { findings: readonly Finding[] },
) {
  return <Findings {...props} />;
});

export function TimelinePanel(
  props: InspectorViewProps & {
    findings: readonly Finding[];
    live: boolean;
    following: boolean;
    onFollowChange: (following: boolean) => void;
    playing: boolean;
    onPlayingChange: (playing: boolean) => void;
  },
) {
  return <Timeline {...props} />;
}

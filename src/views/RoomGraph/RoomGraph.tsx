/**
 * RoomGraph: the room at the cursor as a diagram (issue 4). For a mediasoup-demo client:
 * the client, its transports (with their connection state), its producers and consumers
 * (paused, score, layers), data producers and consumers, the remote producers it consumes
 * and the peers that own them. For a mesh room: the peers and the peer connections between
 * them. Nodes come and go as the cursor moves; those that stay keep their place.
 *
 * Clicking a node (or Enter on a focused one) selects it and asks the app to filter the
 * messages to the ones that mention its ids (`onFilterTo`).
 */
import '@xyflow/react/dist/style.css';
import './RoomGraph.css';
import { useMemo, useState } from 'react';
import type { MediasoupClientTrack } from '../../projections/drivers/mediasoupClientDriver.ts';
import { lastAtOrBefore } from '../../projections/drivers/positions.ts';
import type { SessionAnalysis } from '../../projections/analysis.ts';
import type { MachineViewProps } from '../shared/types.ts';
import { Legend } from './Legend.tsx';
import { meshGraph, roomGraph, type MeshPage } from './model.ts';
import { RoomGraphCanvas } from './RoomGraphCanvas.tsx';
import type { RoomGraph as Graph, RoomNodeData } from './types.ts';

/** What a node asks the app to filter the messages to. */
export interface RoomGraphFilter {
  /** The connection the room is on (mediasoup rooms). */
  readonly conn?: string;
  /** Keep the messages whose data mentions one of these ids. */
  readonly ids: readonly string[];
  /** What was clicked, in words: `consumer c717d802…`. */
  readonly label: string;
}

export interface RoomGraphProps extends MachineViewProps {
  readonly onFilterTo?: (filter: RoomGraphFilter) => void;
  /**
   * The recorded pages of a mesh room at a cursor (the mesh room driver's contexts), when the
   * capture has any: adds "Mesh room" to the room picker.
   */
  readonly meshPages?: (cursor: number) => readonly MeshPage[];
  /** The room shown first: a mediasoup connection's name, `mesh`, or (default) follow the cursor. */
  readonly initialRoom?: string;
}

const FOLLOW = 'follow';
const MESH = 'mesh';
const connKey = (conn: string) => `conn:${conn}`;

function seqText(analysis: SessionAnalysis, index: number): string {
  return index < 0 || index >= analysis.log.length ? 'the start' : `seq ${analysis.log.seq(index)}`;
}

/** The `peerId` of a mediasoup-demo WebSocket URL (`?roomId=…&peerId=…`). */
function peerIdOfUrl(url: string | undefined): string | null {
  if (url === undefined) return null;
  try {
    return new URL(url).searchParams.get('peerId');
  } catch {
    return null;
  }
}

/** The mediasoup track the cursor is on, else the one with the latest event before it. */
function trackAtCursor(
  analysis: SessionAnalysis,
  tracks: readonly MediasoupClientTrack[],
  cursor: number,
): MediasoupClientTrack | undefined {
  const log = analysis.log;
  if (cursor >= 0 && cursor < log.length) {
    const id = log.connId(cursor);
    const own = tracks.find((t) => t.connId === id);
    if (own !== undefined) return own;
  }
  let best: MediasoupClientTrack | undefined;
  let bestIndex = -1;
  for (const t of tracks) {
    const k = lastAtOrBefore(t.indexes, cursor);
    const index = k < 0 ? -1 : (t.indexes[k] ?? -1);
    if (index > bestIndex) {
      best = t;
      bestIndex = index;
    }
  }
  return best ?? tracks[0];
}

type Shown =
  | { kind: 'none' }
  | {
      kind: 'mediasoup';
      track: MediasoupClientTrack;
      graph: Graph;
      state: string;
      /** Not in a room yet: why, and where that changes. */
      waiting: { text: string; next: number | null; nextText: string } | null;
    }
  | { kind: 'mesh'; graph: Graph };

function stateName(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}

export function RoomGraph(props: RoomGraphProps) {
  const { analysis, drivers, cursor, onFilterTo, onSelect, onCursorChange, meshPages } = props;
  const tracks = drivers.mediasoup.tracks();
  const [choice, setChoice] = useState<string>(() =>
    props.initialRoom === undefined
      ? FOLLOW
      : props.initialRoom === MESH
        ? MESH
        : connKey(props.initialRoom),
  );
  const [showClosed, setShowClosed] = useState(false);
  const [tidy, setTidy] = useState(0);
  const [selectedId, setSelectedId] = useState<string | null>(null);

  const pages = useMemo(() => meshPages?.(cursor) ?? [], [meshPages, cursor]);
  const hasMesh = meshPages !== undefined;

  const shown: Shown = useMemo(() => {
    let track: MediasoupClientTrack | undefined;
    if (choice === MESH)
      return hasMesh ? { kind: 'mesh', graph: meshGraph(pages) } : { kind: 'none' };
    if (choice === FOLLOW) {
      const cursorConn =
        cursor >= 0 && cursor < analysis.log.length ? analysis.log.connId(cursor) : -1;
      const onMesh = pages.some(
        (p) => p.conn != null && analysis.log.connIdOf(p.conn) === cursorConn,
      );
      if (hasMesh && (onMesh || tracks.length === 0))
        return { kind: 'mesh', graph: meshGraph(pages) };
      track = trackAtCursor(analysis, tracks, cursor);
    } else {
      track = tracks.find((t) => connKey(t.conn) === choice) ?? tracks[0];
    }
    if (track === undefined) return { kind: 'none' };
    const snapshot = track.snapshotAtLogIndex(cursor);
    const room = snapshot.context.room;
    const state = stateName(snapshot.value);
    const graph = roomGraph(room, {
      showClosed,
      conn: track.conn,
      selfPeerId: peerIdOfUrl(analysis.connection(track.connId).url),
      state,
    });
    let waiting: Extract<Shown, { kind: 'mediasoup' }>['waiting'] = null;
    // (a socket that closed keeps its diagram: the client, closed, and "Show closed")
    if (room.epoch === 0 || (room.open && !room.joined && graph.nodes.length === 1)) {
      const firstIndex = track.indexes[0] ?? null;
      const joinIndex = track.stepper.changes().find((c) => {
        const i = track.indexes[c.index];
        return c.state === 'joined' && i !== undefined && i > cursor;
      });
      const joinLog = joinIndex === undefined ? undefined : track.indexes[joinIndex.index];
      if (room.epoch === 0 && firstIndex !== null && firstIndex > cursor) {
        waiting = {
          text: `’s WebSocket opens at ${seqText(analysis, firstIndex)}`,
          next: firstIndex,
          nextText: `Go to ${seqText(analysis, firstIndex)}`,
        };
      } else if (joinLog !== undefined) {
        waiting = {
          text: ` joins at ${seqText(analysis, joinLog)}`,
          next: joinLog,
          nextText: `Go to the join (${seqText(analysis, joinLog)})`,
        };
      } else {
        waiting = { text: ' does not join in this capture', next: null, nextText: '' };
      }
    }
    return { kind: 'mediasoup', track, graph, state, waiting };
  }, [choice, hasMesh, pages, cursor, analysis, tracks, showClosed]);

  const graph = shown.kind === 'none' ? null : shown.graph;
  const roomKey =
    shown.kind === 'mediasoup' ? `${connKey(shown.track.conn)}#${tidy}` : `${shown.kind}#${tidy}`;

  if (graph === null) {
    return (
      <section
        className="room-graph room-graph--empty"
        aria-label={`Room graph at ${seqText(analysis, cursor)}`}
      >
        <p className="room-graph__empty">
          This capture has no mediasoup-demo room client: the room graph shows mediasoup-demo and
          mesh rooms.
        </p>
      </section>
    );
  }

  const conn = shown.kind === 'mediasoup' ? shown.track.conn : undefined;
  const activate = (data: RoomNodeData, id: string) => {
    setSelectedId(id);
    if (data.filterIds.length === 0) return;
    onFilterTo?.({
      ...(conn === undefined ? {} : { conn }),
      ids: data.filterIds,
      label: data.filterLabel,
    });
  };

  return (
    <section className="room-graph" aria-label={`Room graph at ${seqText(analysis, cursor)}`}>
      <div className="room-graph__toolbar">
        <label className="room-graph__picker">
          Room{' '}
          <select
            value={choice}
            onChange={(e) => {
              setChoice(e.target.value);
            }}
          >
            <option value={FOLLOW}>Follow the cursor</option>
            {tracks.map((t) => (
              <option key={t.conn} value={connKey(t.conn)}>
                {t.conn}
              </option>
            ))}
            {hasMesh && <option value={MESH}>Mesh room</option>}
          </select>
        </label>
        {shown.kind === 'mediasoup' && (
          <label>
            <input
              type="checkbox"
              checked={showClosed}
              onChange={(e) => {
                setShowClosed(e.target.checked);
              }}
            />{' '}
            Show closed
          </label>
        )}
        <button
          type="button"
          onClick={() => {
            setTidy((n) => n + 1);
          }}
        >
          Tidy layout
        </button>
        <GraphCounts shown={shown} />
      </div>
      {shown.kind === 'mediasoup' && shown.waiting !== null ? (
        <div className="room-graph__empty" role="status">
          <p>
            Not in a room yet at {seqText(analysis, cursor)}: connection{' '}
            <span className="mono">{shown.track.conn}</span>
            {shown.waiting.text}.
          </p>
          {shown.waiting.next !== null && onCursorChange !== undefined && (
            <button
              type="button"
              onClick={() => {
                onCursorChange(shown.waiting?.next ?? 0);
              }}
            >
              {shown.waiting.nextText}
            </button>
          )}
        </div>
      ) : (
        <RoomGraphCanvas
          key={roomKey}
          graph={graph}
          resetKey={roomKey}
          selectedId={selectedId}
          onActivate={activate}
          onClear={() => {
            setSelectedId(null);
          }}
        />
      )}
      <footer className="room-graph__footer">
        <SelectedNode
          graph={graph}
          selectedId={selectedId}
          analysis={analysis}
          onFilter={(data, id) => {
            activate(data, id);
          }}
          onGo={onSelect}
        />
        <Legend mesh={shown.kind === 'mesh'} />
      </footer>
    </section>
  );
}

function GraphCounts({ shown }: { shown: Shown }) {
  if (shown.kind === 'none') return null;
  const c = shown.graph.counts;
  const parts =
    shown.kind === 'mesh'
      ? [`${c.peers} peer${c.peers === 1 ? '' : 's'}`, `${shown.graph.edges.length} links`]
      : [
          shown.state,
          `${c.peers} peer${c.peers === 1 ? '' : 's'}`,
          `${c.transports} transport${c.transports === 1 ? '' : 's'}`,
          `${c.producers} producer${c.producers === 1 ? '' : 's'}`,
          `${c.consumers} consumer${c.consumers === 1 ? '' : 's'}`,
          ...(c.dataProducers + c.dataConsumers > 0
            ? [`${c.dataProducers + c.dataConsumers} data channels`]
            : []),
          ...(c.hiddenClosed > 0 ? [`${c.hiddenClosed} closed hidden`] : []),
        ];
  return <span className="room-graph__counts">{parts.join(' · ')}</span>;
}

function SelectedNode({
  graph,
  selectedId,
  analysis,
  onFilter,
  onGo,
}: {
  graph: Graph;
  selectedId: string | null;
  analysis: SessionAnalysis;
  onFilter: (data: RoomNodeData, id: string) => void;
  onGo: ((index: number) => void) | undefined;
}) {
  const node = selectedId === null ? undefined : graph.nodes.find((n) => n.id === selectedId);
  if (node === undefined) {
    return <p className="room-graph__hint muted">Select a node to filter the messages to it.</p>;
  }
  const { data } = node;
  return (
    <div className="room-graph__selected" aria-label="Selected node" role="group">
      <p>{data.summary}</p>
      {data.problems.length > 0 && (
        <ul className="room-graph__problems">
          {data.problems.map((p, i) => (
            <li key={i}>{p}</li>
          ))}
        </ul>
      )}
      <div className="room-graph__actions">
        {data.filterIds.length > 0 && (
          <button
            type="button"
            onClick={() => {
              onFilter(data, node.id);
            }}
          >
            Only messages about {data.filterLabel}
          </button>
        )}
        {data.seq !== null && onGo !== undefined && data.seq < analysis.log.length && (
          <button
            type="button"
            onClick={() => {
              onGo(data.seq ?? 0);
            }}
          >
            Go to its first event ({seqText(analysis, data.seq)})
          </button>
        )}
      </div>
    </div>
  );
}

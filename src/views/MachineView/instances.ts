/**
 * Every machine instance of a session, whatever its kind, behind one shape
 * ({@link MachineInstance}) the view draws.
 *
 * **Adding a kind**: add one entry to {@link MACHINE_KINDS}:
 * its `kind` and `label`, the machine's `graph`, and `instances(drivers, analysis)` that maps
 * the driver's tracks through {@link trackInstance} (the id, the track, the context fields to
 * show and, when the driver can say, the machine events each log event feeds). Nothing else in
 * the view knows the kinds.
 */
import { transition, type StateValue } from 'xstate';
import { machineGraph, type MachineGraph } from '../../../machines/lib/graph.ts';
import type { StateChange, Stepper } from '../../../machines/lib/stepper.ts';
import {
  mediasoupClientMachine,
  type MediasoupClientEvent,
} from '../../../machines/mediasoupClientMachine.ts';
import { negotiationGraph, negotiationMachine } from '../../../machines/negotiationMachine.ts';
import {
  peerConnectionGraph,
  peerConnectionMachine,
} from '../../../machines/peerConnectionMachine.ts';
import { meshRoomGraph, meshRoomMachine } from '../../../machines/meshRoomMachine.ts';
import { protooPeerMachine } from '../../../machines/protooPeerMachine.ts';
import { twoPartyRoomGraph, twoPartyRoomMachine } from '../../../machines/twoPartyRoomMachine.ts';
import type { SessionAnalysis } from '../../projections/analysis.ts';
import {
  mediasoupClientEventAt,
  type MediasoupClientSnapshot,
} from '../../projections/drivers/mediasoupClientDriver.ts';
import {
  meshRoomEventAt,
  type MeshRoomSnapshot,
} from '../../projections/drivers/meshRoomDriver.ts';
import {
  twoPartyRoomEventAt,
  type TwoPartyRoomSnapshot,
} from '../../projections/drivers/twoPartyRoomDriver.ts';
import {
  negotiationEventsOf,
  type NegotiationSnapshot,
} from '../../projections/drivers/negotiationDriver.ts';
import {
  peerConnectionEventsOf,
  type PeerConnectionSnapshot,
} from '../../projections/drivers/peerConnectionDriver.ts';
import {
  protooPeerEventsAt,
  type ProtooPeerSnapshot,
} from '../../projections/drivers/protooPeerDriver.ts';
import { protooPeerStateOf, type MachineDrivers } from '../../projections/machineStates.ts';
import { sizeOf, type Table } from '../../../machines/mediasoupClientMachine.tables.ts';

/** One line of the context panel. Values may come from the capture: render them as text. */
export interface ContextField {
  readonly key: string;
  readonly value: string;
}

/** What the view reads of a snapshot. */
export interface InstanceState {
  readonly value: StateValue;
  /** `active`, or `done` once a final state is reached. */
  readonly status: string;
  readonly fields: readonly ContextField[];
}

/** Identifies an instance across renders and in the address: `{ kind, id }`. */
export interface MachineInstanceRef {
  readonly kind: string;
  readonly id: string;
}

export interface MachineInstance extends MachineInstanceRef {
  /** The kind in words: `peer connection`. */
  readonly kindLabel: string;
  readonly graph: MachineGraph;
  readonly analysis: SessionAnalysis;
  /** Log indexes of the events the instance was fed (position k ↔ `indexes[k]`), ascending. */
  readonly indexes: ArrayLike<number>;
  /** Positions whose events changed the state value, with the value after them. */
  changes(): readonly StateChange[];
  /** The state value before any event. */
  readonly initialValue: StateValue;
  /** The state after every event of the instance at or before log index `logIndex`. */
  stateAt(logIndex: number): InstanceState;
  /**
   * The machine events the event at position `k` fed, in order, each with the state value
   * after it when the kind can replay them (to tell which transitions fired, one event after
   * the other); undefined when the kind cannot say.
   */
  microStepsAt(k: number): readonly MicroStep[] | undefined;
}

/** One machine event of a log event, and the state value after it (when known). */
export interface MicroStep {
  readonly event: string;
  readonly value?: StateValue;
}

interface SnapshotLike {
  readonly value: StateValue;
  readonly status: string;
}

interface TrackLike<TSnapshot> {
  readonly indexes: ArrayLike<number>;
  readonly stepper: Stepper<TSnapshot>;
  snapshotAtLogIndex(logIndex: number): TSnapshot;
}

export interface TrackInstanceSpec<
  TSnapshot extends SnapshotLike,
  TEvent extends { readonly type: string } = { readonly type: string },
> {
  readonly kind: string;
  readonly kindLabel: string;
  readonly graph: MachineGraph;
  readonly analysis: SessionAnalysis;
  readonly id: string;
  readonly track: TrackLike<TSnapshot>;
  /** The context panel's lines for a snapshot. */
  fields(snapshot: TSnapshot): readonly ContextField[];
  /** The machine events the event at log index `logIndex` feeds, applied to `before`. */
  eventsAt?(logIndex: number, before: TSnapshot): readonly TEvent[] | undefined;
  /** One pure step of the machine (XState's `transition`), to replay those events one by one. */
  step?(snapshot: TSnapshot, event: TEvent): TSnapshot;
}

/**
 * A driver's track as a {@link MachineInstance}.
 *
 * @example
 * trackInstance({ kind: 'protoo-peer', kindLabel: 'protoo peer', graph, analysis, id: track.conn, track, fields: (s) => [] });
 */
export function trackInstance<
  TSnapshot extends SnapshotLike,
  TEvent extends { readonly type: string },
>(spec: TrackInstanceSpec<TSnapshot, TEvent>): MachineInstance {
  const { track } = spec;
  return {
    kind: spec.kind,
    kindLabel: spec.kindLabel,
    id: spec.id,
    graph: spec.graph,
    analysis: spec.analysis,
    get indexes() {
      return track.indexes;
    },
    changes: () => track.stepper.changes(),
    initialValue: track.stepper.initial.value,
    stateAt(logIndex) {
      const snapshot = track.snapshotAtLogIndex(logIndex);
      return { value: snapshot.value, status: snapshot.status, fields: spec.fields(snapshot) };
    },
    microStepsAt(k) {
      if (spec.eventsAt === undefined) return undefined;
      const logIndex = track.indexes[k];
      if (logIndex === undefined || k < 0 || k >= track.stepper.count) return undefined;
      let snapshot = track.stepper.snapshotAt(k - 1);
      const events = spec.eventsAt(logIndex, snapshot) ?? [];
      return events.map((event): MicroStep => {
        if (spec.step === undefined) return { event: event.type };
        if (snapshot.status === 'active') snapshot = spec.step(snapshot, event);
        return { event: event.type, value: snapshot.value };
      });
    },
  };
}

const yesNo = (b: boolean) => (b ? 'yes' : 'no');
const time = (ms: number) => `${(ms / 1000).toFixed(3)} s`;

function protooFields(s: ProtooPeerSnapshot): ContextField[] {
  const view = protooPeerStateOf(s);
  const c = s.context;
  const out: ContextField[] = [
    { key: 'cycle', value: String(view.cycle) },
    { key: 'attempt', value: String(view.attempt) },
    { key: 'pending', value: String(view.pending) },
    { key: 'opens', value: String(c.opens) },
    { key: 'disconnects', value: String(c.disconnects) },
    { key: 'failures', value: String(c.failures) },
    { key: 'answered', value: String(c.answered) },
    { key: 'timed out', value: String(c.timedOut) },
  ];
  if (view.nextAttemptAt !== undefined) {
    out.push({ key: 'next attempt at', value: time(view.nextAttemptAt) });
  }
  if (view.closedBy !== undefined) out.push({ key: 'closed by', value: view.closedBy });
  if (view.closeCode !== undefined) out.push({ key: 'close code', value: String(view.closeCode) });
  if (view.closeReason !== undefined) out.push({ key: 'close reason', value: view.closeReason });
  return out;
}

function pcFields(s: PeerConnectionSnapshot): ContextField[] {
  const c = s.context;
  const out: ContextField[] = [
    { key: 'signalingState', value: c.signaling },
    { key: 'iceGatheringState', value: c.iceGathering },
    { key: 'iceConnectionState', value: c.iceConnection },
    { key: 'connectionState', value: c.connection },
    { key: 'operations pending', value: String(c.pending.length) },
    { key: 'mismatches', value: String(c.mismatches.length) },
    { key: 'illegal changes', value: String(c.illegalChanges.length) },
  ];
  if (c.lastRejected !== null) out.push({ key: 'last rejected', value: c.lastRejected.reason });
  if (c.lastFailed !== null) out.push({ key: 'last failed', value: c.lastFailed.error });
  return out;
}

function negotiationFields(s: NegotiationSnapshot): ContextField[] {
  const c = s.context;
  return [
    { key: 'polite', value: yesNo(c.polite) },
    { key: 'makingOffer', value: String(c.makingOffer) },
    { key: 'ignoreOffer', value: String(c.ignoreOffer) },
    { key: 'isSettingRemoteAnswerPending', value: String(c.isSettingRemoteAnswerPending) },
    { key: 'signalingState', value: c.signalingState },
    { key: 'candidates pending', value: String(c.candidatesPending) },
    { key: 'decisions', value: String(c.decisions.length) },
  ];
}

function mediasoupFields(s: MediasoupClientSnapshot): ContextField[] {
  const r = s.context.room;
  const count = (table: Table<unknown>) => String(sizeOf(table));
  const out: ContextField[] = [
    { key: 'open', value: yesNo(r.open) },
    { key: 'joined', value: yesNo(r.joined) },
    { key: 'transports', value: count(r.transports) },
    { key: 'producers', value: count(r.producers) },
    { key: 'consumers', value: count(r.consumers) },
    { key: 'data producers', value: count(r.dataProducers) },
    { key: 'data consumers', value: count(r.dataConsumers) },
    { key: 'peers', value: count(r.peers) },
    { key: 'requests pending', value: count(r.pending) },
    { key: 'problems', value: String(r.problems.length) },
  ];
  if (r.version !== null) out.push({ key: 'mediasoup version', value: r.version });
  if (r.closeCode !== null) out.push({ key: 'close code', value: String(r.closeCode) });
  return out;
}

function meshFields(s: MeshRoomSnapshot): ContextField[] {
  const c = s.context;
  const links = Object.values(c.links);
  const byState = new Map<string, number>();
  for (const link of links) byState.set(link.state, (byState.get(link.state) ?? 0) + 1);
  return [
    { key: 'self id', value: c.selfId ?? '—' },
    { key: 'online', value: String(c.online.length) },
    { key: 'links', value: String(links.length) },
    ...[...byState].map(([state, n]) => ({ key: `links ${state}`, value: String(n) })),
    { key: 'problems', value: String(c.problems.length) },
  ];
}

function twoPartyFields(s: TwoPartyRoomSnapshot): ContextField[] {
  const c = s.context;
  const out: ContextField[] = [
    { key: 'room', value: c.room ?? '—' },
    { key: 'client id', value: c.clientId ?? '—' },
    { key: 'initiator', value: yesNo(c.isInitiator) },
    { key: 'has media', value: yesNo(c.hasMedia) },
    { key: 'remote media', value: yesNo(c.remoteMedia) },
    { key: 'peer present', value: yesNo(c.peerPresent) },
    { key: 'answered', value: yesNo(c.answered) },
    { key: 'local candidates', value: String(c.localCandidates) },
    { key: 'remote candidates', value: String(c.remoteCandidates) },
    { key: 'problems', value: String(c.problems.length) },
  ];
  if (c.endedBy !== null) out.push({ key: 'ended by', value: c.endedBy });
  return out;
}

/** One kind of machine: its definition and how to list its instances from the drivers. */
export interface MachineKindSpec {
  /** Stable id (`protoo-peer`), used in {@link MachineInstanceRef}. */
  readonly kind: string;
  /** In words, for the selector: `protoo peer`. */
  readonly label: string;
  readonly graph: MachineGraph;
  instances(drivers: MachineDrivers, analysis: SessionAnalysis): readonly MachineInstance[];
}

const protooPeerGraph = machineGraph(protooPeerMachine);
const mediasoupClientGraph = machineGraph(mediasoupClientMachine);

/** Every machine kind the view lists, in the selector's order. */
export const MACHINE_KINDS: readonly MachineKindSpec[] = [
  {
    kind: 'protoo-peer',
    label: 'protoo peer',
    graph: protooPeerGraph,
    instances: (drivers, analysis) =>
      drivers.protoo.tracks().map((track) =>
        trackInstance({
          kind: 'protoo-peer',
          kindLabel: 'protoo peer',
          graph: protooPeerGraph,
          analysis,
          id: track.conn,
          track,
          fields: protooFields,
          eventsAt: (i) => protooPeerEventsAt(analysis, i),
          step: (snapshot, event) => transition(protooPeerMachine, snapshot, event)[0],
        }),
      ),
  },
  {
    kind: 'mediasoup-room',
    label: 'mediasoup room client',
    graph: mediasoupClientGraph,
    instances: (drivers, analysis) =>
      drivers.mediasoup.tracks().map((track) =>
        trackInstance({
          kind: 'mediasoup-room',
          kindLabel: 'mediasoup room client',
          graph: mediasoupClientGraph,
          analysis,
          id: track.conn,
          track,
          fields: mediasoupFields,
          eventsAt: (i, before) => {
            const event = mediasoupClientEventAt(analysis, i);
            const t = analysis.log.time(i);
            const events: MediasoupClientEvent[] = [];
            if (t >= before.context.room.nextDeadline) events.push({ type: 'clock.tick', t });
            if (event !== undefined) events.push(event);
            return events;
          },
          step: (snapshot, event) => transition(mediasoupClientMachine, snapshot, event)[0],
        }),
      ),
  },
  {
    kind: 'mesh-room',
    label: 'mesh room page',
    graph: meshRoomGraph,
    instances: (drivers, analysis) =>
      drivers.mesh.tracks().map((track) =>
        trackInstance({
          kind: 'mesh-room',
          kindLabel: 'mesh room page',
          graph: meshRoomGraph,
          analysis,
          id: track.conn,
          track,
          fields: meshFields,
          // The page's pc events need its pc → peer binding, which only the driver keeps:
          // they change links, never the state value, so ws and frames tell every change.
          eventsAt: (i) => {
            const event = meshRoomEventAt(analysis, i);
            return event === undefined ? undefined : [event];
          },
          step: (snapshot, event) => transition(meshRoomMachine, snapshot, event)[0],
        }),
      ),
  },
  {
    kind: 'two-party-room',
    label: 'two-party room client',
    graph: twoPartyRoomGraph,
    instances: (drivers, analysis) =>
      drivers.twoParty.tracks().map((track) =>
        trackInstance({
          kind: 'two-party-room',
          kindLabel: 'two-party room client',
          graph: twoPartyRoomGraph,
          analysis,
          id: track.conn,
          track,
          fields: twoPartyFields,
          eventsAt: (i) => {
            const event = twoPartyRoomEventAt(analysis, i);
            return event === undefined ? undefined : [event];
          },
          step: (snapshot, event) => transition(twoPartyRoomMachine, snapshot, event)[0],
        }),
      ),
  },
  {
    kind: 'peer-connection',
    label: 'peer connection',
    graph: peerConnectionGraph,
    instances: (drivers, analysis) =>
      drivers.pc.tracks().map((track) =>
        trackInstance({
          kind: 'peer-connection',
          kindLabel: 'peer connection',
          graph: peerConnectionGraph,
          analysis,
          id: track.pc,
          track,
          fields: pcFields,
          eventsAt: (i) => {
            const e = analysis.log.get(i);
            return e.type === 'pc' ? peerConnectionEventsOf(e) : undefined;
          },
          step: (snapshot, event) => transition(peerConnectionMachine, snapshot, event)[0],
        }),
      ),
  },
  {
    kind: 'negotiation',
    label: 'negotiation',
    graph: negotiationGraph,
    instances: (drivers, analysis) =>
      drivers.negotiation.tracks().map((track) =>
        trackInstance({
          kind: 'negotiation',
          kindLabel: 'negotiation',
          graph: negotiationGraph,
          analysis,
          id: track.pc,
          track,
          fields: negotiationFields,
          eventsAt: (i, before) => {
            const e = analysis.log.get(i);
            return e.type === 'pc' ? negotiationEventsOf(e, before) : undefined;
          },
          step: (snapshot, event) => transition(negotiationMachine, snapshot, event)[0],
        }),
      ),
  },
];

/**
 * Every machine instance of the session, kind by kind in {@link MACHINE_KINDS} order.
 *
 * @example
 * listInstances(createMachineDrivers(analysis), analysis).map((i) => `${i.kindLabel} ${i.id}`);
 * // ['protoo peer c1', 'mediasoup room client c1', 'peer connection send-pc', …]
 */
export function listInstances(
  drivers: MachineDrivers,
  analysis: SessionAnalysis,
  kinds: readonly MachineKindSpec[] = MACHINE_KINDS,
): MachineInstance[] {
  return kinds.flatMap((k) => k.instances(drivers, analysis));
}

/** The instance `ref` names, if the session has it. */
export function findInstance(
  instances: readonly MachineInstance[],
  ref: MachineInstanceRef | undefined | null,
): MachineInstance | undefined {
  if (ref === undefined || ref === null) return undefined;
  return instances.find((i) => i.kind === ref.kind && i.id === ref.id);
}

/**
 * A string for an instance (for the address or a `<select>` value): `kind:id`. The id may
 * contain anything, the kind no colon.
 *
 * @example
 * instanceKey({ kind: 'peer-connection', id: 'send-pc' }); // 'peer-connection:send-pc'
 */
export function instanceKey(ref: MachineInstanceRef): string {
  return `${ref.kind}:${ref.id}`;
}

/**
 * The instance a {@link instanceKey} string names, or undefined for a string without a kind.
 *
 * @example
 * parseInstanceKey('peer-connection:a:b'); // { kind: 'peer-connection', id: 'a:b' }
 */
export function parseInstanceKey(key: string): MachineInstanceRef | undefined {
  const at = key.indexOf(':');
  if (at <= 0) return undefined;
  return { kind: key.slice(0, at), id: key.slice(at + 1) };
}

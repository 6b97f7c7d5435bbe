/**
 * The state history of every machine a capture drives, as plain data for the CLI
 * (`signalscope states`) and the views.
 *
 * One entry per machine instance, in this order: protoo peers (one per protoo connection, in
 * the log's connection order), peer connections (one per `pc` id, in order of first
 * appearance), negotiation models (one per `pc` that is not a mediasoup transport's),
 * mediasoup-demo room clients, mesh-room pages and two-party-room clients (one per
 * connection of that protocol). Every entry has the same outline — `{ kind, id, initial, changes, final }` —
 * and a state shape of its own kind, so other machines (mediasoup room clients, mesh and
 * two-party rooms) slot in as new members of {@link MachineEntry}:
 *
 * - `protoo-peer` ({@link ProtooPeerStateView}): `{ state, cycle, attempt, pending }`, plus
 *   `nextAttemptAt` while `failed` and `closedBy` / `closeCode` / `closeReason` once `closed`.
 * - `peer-connection` ({@link PeerConnectionStateView}): the four RTCPeerConnection state
 *   attributes `{ signalingState, iceGatheringState, iceConnectionState, connectionState }`
 *   as the model predicts them.
 *
 * `changes` lists the events whose machine events changed the machine's state value, with
 * the state after them; `initial` is the state before any event and `final` the state after
 * the last one (the same shape, so a view can show either).
 */
import { transition, type StateValue } from 'xstate';
import { protooPeerMachine, type ClosedBy } from '../../machines/protooPeerMachine.ts';
import {
  CONNECTION_STATES,
  ICE_CONNECTION_STATES,
  ICE_GATHERING_STATES,
  SIGNALING_STATES,
  type IceConnectionState,
  type IceGatheringState,
  type PeerConnectionState,
  type SignalingState,
} from '../../machines/peerConnectionMachine.ts';
import type { SessionAnalysis } from './analysis.ts';
import {
  createMediasoupClientDriver,
  type MediasoupClientDriver,
} from './drivers/mediasoupClientDriver.ts';
import {
  createMeshRoomDriver,
  type MeshRoomDriver,
  type MeshRoomSnapshot,
} from './drivers/meshRoomDriver.ts';
import {
  createNegotiationDriver,
  type NegotiationDriver,
  type NegotiationSnapshot,
} from './drivers/negotiationDriver.ts';
import {
  createTwoPartyRoomDriver,
  type TwoPartyRoomDriver,
  type TwoPartyRoomSnapshot,
} from './drivers/twoPartyRoomDriver.ts';
import type { MediasoupClientSnapshot } from './drivers/mediasoupClientDriver.ts';
import type { Stepper } from '../../machines/lib/stepper.ts';
import { valuesOf, type Table } from '../../machines/mediasoupClientMachine.tables.ts';
import {
  createPeerConnectionDriver,
  type PeerConnectionDriver,
} from './drivers/peerConnectionDriver.ts';
import {
  createProtooPeerDriver,
  protooPeerEventsAt,
  type ProtooPeerDriver,
  type ProtooPeerSnapshot,
  type ProtooPeerTrack,
} from './drivers/protooPeerDriver.ts';
import { TYPE_CODE } from '../session/SessionLog.ts';

/** Every kind of machine instance. */
export type MachineKind =
  | 'protoo-peer'
  | 'peer-connection'
  | 'negotiation'
  | 'mediasoup-room'
  | 'mesh-room'
  | 'two-party-room';

/** An event that changed a machine's state value, and the state after it. */
export interface MachineChange<TState> {
  /** The seq of the event. */
  readonly seq: number;
  /** Its index in the log. */
  readonly index: number;
  /** Its time (ms since the capture started). */
  readonly t: number;
  readonly state: TState;
}

export type ProtooPeerStateName = 'connecting' | 'open' | 'reconnecting' | 'failed' | 'closed';

/** A protoo-client Peer's state (machines/protooPeerMachine.ts), with the context that explains it. */
export interface ProtooPeerStateView {
  readonly state: ProtooPeerStateName;
  /** Retry cycle, 1-based: a disconnect after open starts the next one. */
  readonly cycle: number;
  /** Attempt within the cycle, 1-based (11 per cycle). */
  readonly attempt: number;
  /** Requests sent and not yet answered, timed out or cut. */
  readonly pending: number;
  /** `failed` only: when the next attempt starts (ms). */
  readonly nextAttemptAt?: number;
  /** `closed` only: who ended the peer. */
  readonly closedBy?: ClosedBy;
  /** `closed` only, when known: the code and reason of the closing WebSocket close. */
  readonly closeCode?: number;
  readonly closeReason?: string;
}

/** An RTCPeerConnection's four state attributes, as the model predicts them. */
export interface PeerConnectionStateView {
  readonly signalingState: SignalingState;
  readonly iceGatheringState: IceGatheringState;
  readonly iceConnectionState: IceConnectionState;
  readonly connectionState: PeerConnectionState;
}

/** The perfect-negotiation model of one `pc` (machines/negotiationMachine.ts). */
export interface NegotiationStateView {
  /** Where the `negotiationneeded` handler is: idle, makingOffer, settingOffer, sendingOffer. */
  readonly offerer: string;
  /** Where the message handler is: idle, ignoringOffer, handlingRemoteOffer, … */
  readonly handler: string;
  readonly makingOffer: boolean;
  readonly ignoreOffer: boolean;
  readonly isSettingRemoteAnswerPending: boolean;
  readonly polite: boolean;
}

/** A mediasoup-demo room client (machines/mediasoupClientMachine.ts), counted. */
export interface MediasoupRoomStateView {
  /** idle, connected, gettingCapabilities, ready, joining, joined, disconnected, rejoining, closed. */
  readonly state: string;
  readonly joined: boolean;
  /** Remote peers in the room. */
  readonly peers: number;
  /** Open transports: id → connection state (from its pc when known, else its connect step). */
  readonly transports: Readonly<Record<string, string>>;
  readonly producers: number;
  readonly consumers: number;
  /** Open consumers paused on the server (their own flag). */
  readonly pausedConsumers: number;
  readonly dataProducers: number;
  readonly dataConsumers: number;
  /** Problems so far (out-of-order calls, timeouts, failed transports…). */
  readonly problems: number;
}

/** One page of a mesh room (machines/meshRoomMachine.ts). */
export interface MeshRoomStateView {
  readonly state: string;
  readonly selfId: string | null;
  readonly online: readonly string[];
  /** Remote peer id → `role state` and generation (`initiator connected #2`). */
  readonly links: Readonly<Record<string, string>>;
  readonly problems: number;
}

/** One client of a two-party room (machines/twoPartyRoomMachine.ts). */
export interface TwoPartyRoomStateView {
  /** idle, joining, inRoom.initiator, inRoom.channelReady, …, full, ended. */
  readonly state: string;
  readonly room: string | null;
  readonly isInitiator: boolean;
  readonly hasMedia: boolean;
  readonly remoteMedia: boolean;
  readonly peerPresent: boolean;
  readonly problems: number;
}

interface MachineEntryOf<TKind extends MachineKind, TState> {
  readonly kind: TKind;
  /** The connection name (protoo-peer, rooms) or the `pc` id (peer-connection, negotiation). */
  readonly id: string;
  readonly initial: TState;
  readonly changes: readonly MachineChange<TState>[];
  readonly final: TState;
}

export type ProtooPeerEntry = MachineEntryOf<'protoo-peer', ProtooPeerStateView>;
export type PeerConnectionEntry = MachineEntryOf<'peer-connection', PeerConnectionStateView>;
export type NegotiationEntry = MachineEntryOf<'negotiation', NegotiationStateView>;
export type MediasoupRoomEntry = MachineEntryOf<'mediasoup-room', MediasoupRoomStateView>;
export type MeshRoomEntry = MachineEntryOf<'mesh-room', MeshRoomStateView>;
export type TwoPartyRoomEntry = MachineEntryOf<'two-party-room', TwoPartyRoomStateView>;
export type MachineEntry =
  | ProtooPeerEntry
  | PeerConnectionEntry
  | NegotiationEntry
  | MediasoupRoomEntry
  | MeshRoomEntry
  | TwoPartyRoomEntry;

export interface MachineStates {
  readonly machines: readonly MachineEntry[];
}

/**
 * The drivers of every machine kind, built once and shared by states, findings and the views.
 * Each has `tracks()` (one per machine instance), `track(id)`, and `update()` for live appends.
 */
export interface MachineDrivers {
  readonly protoo: ProtooPeerDriver;
  readonly pc: PeerConnectionDriver;
  /** Perfect-negotiation view of every `pc` (sides impolite unless `polite` says otherwise). */
  readonly negotiation: NegotiationDriver;
  /** One mediasoup-demo room client per connection that speaks mediasoup-demo. */
  readonly mediasoup: MediasoupClientDriver;
  /** One mesh-room page per mesh connection. */
  readonly mesh: MeshRoomDriver;
  /** One two-party-room client per two-party connection. */
  readonly twoParty: TwoPartyRoomDriver;
  /** Takes in events appended since the last call (call `analysis.update()` first). */
  update(): void;
}

export interface MachineDriversOptions {
  /** Which `pc` ids are the polite side for the negotiation model (default: none). */
  readonly polite?: (pc: string) => boolean;
}

/**
 * Builds the driver of every machine kind for an analysed session.
 *
 * @example
 * const drivers = createMachineDrivers(new SessionAnalysis(log).update());
 * drivers.pc.tracks().length; // 2
 */
export function createMachineDrivers(
  analysis: SessionAnalysis,
  options: MachineDriversOptions = {},
): MachineDrivers {
  const protoo = createProtooPeerDriver(analysis);
  const pc = createPeerConnectionDriver(analysis.log);
  const negotiation = createNegotiationDriver(
    analysis.log,
    options.polite === undefined ? {} : { polite: options.polite },
  );
  const mediasoup = createMediasoupClientDriver(analysis);
  const mesh = createMeshRoomDriver(analysis);
  const twoParty = createTwoPartyRoomDriver(analysis);
  return {
    protoo,
    pc,
    negotiation,
    mediasoup,
    mesh,
    twoParty,
    update() {
      protoo.update();
      pc.update();
      negotiation.update();
      mediasoup.update();
      mesh.update();
      twoParty.update();
    },
  };
}

const PROTOO_STATES: readonly ProtooPeerStateName[] = [
  'connecting',
  'open',
  'reconnecting',
  'failed',
  'closed',
];

/**
 * The protoo peer's state view of a snapshot.
 *
 * @example
 * protooPeerStateOf(driver.track('c1')!.stepper.final); // { state: 'open', cycle: 2, attempt: 4, pending: 0 }
 */
export function protooPeerStateOf(snapshot: ProtooPeerSnapshot): ProtooPeerStateView {
  const value: StateValue = snapshot.value;
  const state = PROTOO_STATES.find((s) => s === value) ?? 'connecting';
  const c = snapshot.context;
  return {
    state,
    cycle: c.cycle,
    attempt: c.attempt,
    pending: c.pendingCount,
    ...(state === 'failed' && c.nextAttemptAt !== null ? { nextAttemptAt: c.nextAttemptAt } : {}),
    ...(state === 'closed' && c.closedBy !== null ? { closedBy: c.closedBy } : {}),
    ...(state === 'closed' && c.closeCode !== null ? { closeCode: c.closeCode } : {}),
    ...(state === 'closed' && c.closeReason ? { closeReason: c.closeReason } : {}),
  };
}

function pick<T extends string>(values: readonly T[], v: StateValue | undefined, fallback: T): T {
  return values.find((s) => s === v) ?? fallback;
}

/**
 * The four RTCPeerConnection attributes from the peer connection machine's state value
 * (`{ signaling, iceGathering, iceConnection, connection }`, one string per region).
 *
 * @example
 * peerConnectionStateOf({ signaling: 'stable', iceGathering: 'new', iceConnection: 'new', connection: 'connecting' });
 * // { signalingState: 'stable', iceGatheringState: 'new', iceConnectionState: 'new', connectionState: 'connecting' }
 */
export function peerConnectionStateOf(value: StateValue): PeerConnectionStateView {
  const regions: Partial<Record<string, StateValue>> = typeof value === 'string' ? {} : value;
  return {
    signalingState: pick(SIGNALING_STATES, regions.signaling, 'stable'),
    iceGatheringState: pick(ICE_GATHERING_STATES, regions.iceGathering, 'new'),
    iceConnectionState: pick(ICE_CONNECTION_STATES, regions.iceConnection, 'new'),
    connectionState: pick(CONNECTION_STATES, regions.connection, 'new'),
  };
}

/** Beyond this distance, a jump from the stepper's checkpoint beats stepping forward. */
const STEP_FORWARD_LIMIT = 128;

/**
 * The events of a protoo connection after which its state, cycle or attempt differ from
 * before (`pending` alone is not a change), with the state after them.
 *
 * The stepper records changes of the state value only; an attempt that fails while the peer is
 * already `failed` (the retry tick and the close in one event) keeps the value, so every
 * `ws.open` / `ws.close` of the connection is checked as well. Those snapshots are reached by
 * stepping forward from the previous one (linear in the connection's events), or from the
 * stepper's checkpoint when that is nearer.
 *
 * @example
 * protooPeerChanges(analysis, driver.track('c1')!).map((c) => c.state.state); // ['open', 'reconnecting', 'failed', …]
 */
export function protooPeerChanges(
  analysis: SessionAnalysis,
  track: ProtooPeerTrack,
): MachineChange<ProtooPeerStateView>[] {
  const log = analysis.log;
  const { stepper, indexes } = track;
  const candidates = new Set<number>();
  for (const change of stepper.changes()) candidates.add(change.index);
  for (let k = 0; k < stepper.count; k++) {
    const type = log.typeCode(indexes[k] ?? 0);
    if (type === TYPE_CODE['ws.open'] || type === TYPE_CODE['ws.close']) candidates.add(k);
  }
  // One event's machine events, as the driver feeds them: a tick that only lets time pass
  // before any deadline or retry time is left out (it changes nothing but `now`).
  const step = (before: ProtooPeerSnapshot, k: number): ProtooPeerSnapshot => {
    const logIndex = indexes[k];
    const events = logIndex === undefined ? undefined : protooPeerEventsAt(analysis, logIndex);
    if (events === undefined || logIndex === undefined) return before;
    if (events.length === 1) {
      const t = log.time(logIndex);
      const { nextDeadline, nextAttemptAt } = before.context;
      if (t < nextDeadline && (nextAttemptAt === null || t < nextAttemptAt)) return before;
    }
    let next = before;
    for (const event of events) {
      if (next.status !== 'active') break;
      next = transition(protooPeerMachine, next, event)[0];
    }
    return next;
  };
  const keyOf = (s: ProtooPeerStateView) => `${s.state} ${s.cycle} ${s.attempt}`;
  let previous = keyOf(protooPeerStateOf(stepper.initial));
  let snapshot = stepper.initial;
  let at = -1;
  const changes: MachineChange<ProtooPeerStateView>[] = [];
  for (const k of [...candidates].sort((x, y) => x - y)) {
    const index = indexes[k];
    if (index === undefined) continue;
    if (k - at > STEP_FORWARD_LIMIT) snapshot = stepper.snapshotAt(k);
    else for (let j = at + 1; j <= k; j++) snapshot = step(snapshot, j);
    at = k;
    const state = protooPeerStateOf(snapshot);
    const key = keyOf(state);
    if (key === previous) continue;
    previous = key;
    changes.push({ seq: log.seq(index), index, t: log.time(index), state });
  }
  return changes;
}

/** A state value as one string: `joined`, `inRoom.initiator`, or `a.b + c.d` for parallel regions. */
export function flatState(value: StateValue): string {
  if (typeof value === 'string') return value;
  const parts = Object.entries(value).map(([k, v]) => {
    const inner = v === undefined ? '' : flatState(v);
    return inner === '' ? k : `${k}.${inner}`;
  });
  return parts.join(' + ');
}

/**
 * The negotiation view of a snapshot.
 *
 * @example
 * negotiationStateOf(track.stepper.final).handler; // 'idle'
 */
export function negotiationStateOf(snapshot: NegotiationSnapshot): NegotiationStateView {
  const regions: Partial<Record<string, StateValue>> =
    typeof snapshot.value === 'string' ? {} : snapshot.value;
  const c = snapshot.context;
  return {
    offerer: typeof regions.offerer === 'string' ? regions.offerer : 'idle',
    handler: typeof regions.handler === 'string' ? regions.handler : 'idle',
    makingOffer: c.makingOffer,
    ignoreOffer: c.ignoreOffer,
    isSettingRemoteAnswerPending: c.isSettingRemoteAnswerPending,
    polite: c.polite,
  };
}

/**
 * The counted view of a room client's snapshot.
 *
 * @example
 * mediasoupRoomStateOf(track.stepper.final); // { state: 'joined', joined: true, peers: 2, … }
 */
export function mediasoupRoomStateOf(snapshot: MediasoupClientSnapshot): MediasoupRoomStateView {
  const room = snapshot.context.room;
  const open = <T extends { closed: boolean }>(table: Table<T>) =>
    valuesOf(table).filter((x) => !x.closed);
  const transports: Record<string, string> = {};
  for (const t of open(room.transports)) {
    transports[t.id] = t.connectionState === 'new' ? t.connect : t.connectionState;
  }
  const consumers = open(room.consumers);
  return {
    state: flatState(snapshot.value),
    joined: room.joined,
    peers: valuesOf(room.peers).filter((p) => p.present).length,
    transports,
    producers: open(room.producers).length,
    consumers: consumers.length,
    pausedConsumers: consumers.filter((c) => c.paused).length,
    dataProducers: open(room.dataProducers).length,
    dataConsumers: open(room.dataConsumers).length,
    problems: room.problems.length,
  };
}

/** The view of a mesh page's snapshot. */
export function meshRoomStateOf(snapshot: MeshRoomSnapshot): MeshRoomStateView {
  const c = snapshot.context;
  const links: Record<string, string> = {};
  for (const [peer, link] of Object.entries(c.links)) {
    // defineProperty: a peer id from the wire may be `__proto__`.
    Object.defineProperty(links, peer, {
      value: `${link.role} ${link.state}${link.generation > 1 ? ` #${link.generation}` : ''}`,
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  return {
    state: flatState(snapshot.value),
    selfId: c.selfId,
    online: c.online,
    links,
    problems: c.problems.length,
  };
}

/** The view of a two-party client's snapshot. */
export function twoPartyRoomStateOf(snapshot: TwoPartyRoomSnapshot): TwoPartyRoomStateView {
  const c = snapshot.context;
  return {
    state: flatState(snapshot.value),
    room: c.room,
    isInitiator: c.isInitiator,
    hasMedia: c.hasMedia,
    remoteMedia: c.remoteMedia,
    peerPresent: c.peerPresent,
    problems: c.problems.length,
  };
}

/**
 * The events after which a machine's view differs from before, with the view after them: a
 * linear scan of the stepper (one step per event).
 */
export function viewChanges<TSnapshot, TView>(
  log: SessionAnalysis['log'],
  stepper: Stepper<TSnapshot>,
  indexes: ArrayLike<number>,
  viewOf: (snapshot: TSnapshot) => TView,
): MachineChange<TView>[] {
  const changes: MachineChange<TView>[] = [];
  let previous = JSON.stringify(viewOf(stepper.initial));
  let last: TSnapshot = stepper.initial;
  stepper.scan((k, snapshot) => {
    if (snapshot === last) return;
    last = snapshot;
    const view = viewOf(snapshot);
    const key = JSON.stringify(view);
    if (key === previous) return;
    previous = key;
    const index = indexes[k];
    if (index === undefined) return;
    changes.push({ seq: log.seq(index), index, t: log.time(index), state: view });
  });
  return changes;
}

/** The `pc` ids a mediasoup room client claimed as one of its transports. */
export function mediasoupPcs(drivers: MachineDrivers): Set<string> {
  const pcs = new Set<string>();
  for (const track of drivers.mediasoup.tracks()) {
    for (const pc of valuesOf(track.stepper.final.context.room.pcs)) {
      if (pc.transportId !== null) pcs.add(pc.id);
    }
  }
  return pcs;
}

/**
 * Every machine instance the session drives, with its state changes.
 *
 * @example
 * const { machines } = machineStates(new SessionAnalysis(log).update());
 * machines[0]; // { kind: 'protoo-peer', id: 'c1', initial: {…}, changes: [{ seq: 0, index: 0, t: 0, state: { state: 'open', … } }, …], final: {…} }
 */
export function machineStates(
  analysis: SessionAnalysis,
  drivers: MachineDrivers = createMachineDrivers(analysis),
): MachineStates {
  const log = analysis.log;
  const machines: MachineEntry[] = [];
  for (const track of drivers.protoo.tracks()) {
    machines.push({
      kind: 'protoo-peer',
      id: track.conn,
      initial: protooPeerStateOf(track.stepper.initial),
      changes: protooPeerChanges(analysis, track),
      final: protooPeerStateOf(track.stepper.final),
    });
  }
  for (const track of drivers.pc.tracks()) {
    const { stepper, indexes } = track;
    const changes: MachineChange<PeerConnectionStateView>[] = [];
    for (const change of stepper.changes()) {
      const index = indexes[change.index] ?? -1;
      if (index < 0) continue;
      changes.push({
        seq: log.seq(index),
        index,
        t: log.time(index),
        state: peerConnectionStateOf(change.state),
      });
    }
    machines.push({
      kind: 'peer-connection',
      id: track.pc,
      initial: peerConnectionStateOf(stepper.initial.value),
      changes,
      final: peerConnectionStateOf(stepper.final.value),
    });
  }
  // Perfect negotiation is a model of application code: not of mediasoup-client's own pcs.
  const claimed = mediasoupPcs(drivers);
  for (const track of drivers.negotiation.tracks()) {
    if (claimed.has(track.pc)) continue;
    machines.push({
      kind: 'negotiation',
      id: track.pc,
      initial: negotiationStateOf(track.stepper.initial),
      changes: viewChanges(log, track.stepper, track.indexes, negotiationStateOf),
      final: negotiationStateOf(track.stepper.final),
    });
  }
  for (const track of drivers.mediasoup.tracks()) {
    machines.push({
      kind: 'mediasoup-room',
      id: track.conn,
      initial: mediasoupRoomStateOf(track.stepper.initial),
      changes: viewChanges(log, track.stepper, track.indexes, mediasoupRoomStateOf),
      final: mediasoupRoomStateOf(track.stepper.final),
    });
  }
  for (const track of drivers.mesh.tracks()) {
    machines.push({
      kind: 'mesh-room',
      id: track.conn,
      initial: meshRoomStateOf(track.stepper.initial),
      changes: viewChanges(log, track.stepper, track.indexes, meshRoomStateOf),
      final: meshRoomStateOf(track.stepper.final),
    });
  }
  for (const track of drivers.twoParty.tracks()) {
    machines.push({
      kind: 'two-party-room',
      id: track.conn,
      initial: twoPartyRoomStateOf(track.stepper.initial),
      changes: viewChanges(log, track.stepper, track.indexes, twoPartyRoomStateOf),
      final: twoPartyRoomStateOf(track.stepper.final),
    });
  }
  return { machines };
}

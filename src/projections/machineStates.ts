/**
 * The state history of every machine a capture drives, as plain data for the CLI
 * (`signalscope states`) and the views.
 *
 * One entry per machine instance, protoo peers first (one per signaling connection, in the
 * log's connection order), then peer connections (one per `pc` id, in order of first
 * appearance). Every entry has the same outline — `{ kind, id, initial, changes, final }` —
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
import { createNegotiationDriver, type NegotiationDriver } from './drivers/negotiationDriver.ts';
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

/** Every kind of machine instance; later: mediasoup room clients, mesh and two-party rooms. */
export type MachineKind = 'protoo-peer' | 'peer-connection';

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

interface MachineEntryOf<TKind extends MachineKind, TState> {
  readonly kind: TKind;
  /** The connection name (protoo-peer) or the `pc` id (peer-connection). */
  readonly id: string;
  readonly initial: TState;
  readonly changes: readonly MachineChange<TState>[];
  readonly final: TState;
}

export type ProtooPeerEntry = MachineEntryOf<'protoo-peer', ProtooPeerStateView>;
export type PeerConnectionEntry = MachineEntryOf<'peer-connection', PeerConnectionStateView>;
export type MachineEntry = ProtooPeerEntry | PeerConnectionEntry;

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
  return {
    protoo,
    pc,
    negotiation,
    mediasoup,
    update() {
      protoo.update();
      pc.update();
      negotiation.update();
      mediasoup.update();
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
  return { machines };
}

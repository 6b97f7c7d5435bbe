/**
 * The inspector's own pipeline over the simulation's log: the same `SessionAnalysis` and
 * machine drivers the inspector uses. The simulated actors read their decisions from it (a
 * mesh page offers when its mesh-room machine says it is the initiator of a waiting link),
 * and every step's explanation ends with the state changes these machines saw. There is no
 * second model: what the step explains is what the inspector will show.
 */
import { SessionAnalysis } from '../../projections/analysis.ts';
import {
  createMachineDrivers,
  mediasoupRoomStateOf,
  negotiationStateOf,
  meshRoomStateOf,
  peerConnectionStateOf,
  protooPeerStateOf,
  twoPartyRoomStateOf,
  type MachineDrivers,
  type MachineEntry,
} from '../../projections/machineStates.ts';
import type { SessionLog } from '../../session/SessionLog.ts';

export class Observer {
  readonly analysis: SessionAnalysis;
  readonly drivers: MachineDrivers;
  /** Each machine's view after the last step that touched it (see `stateChanges`). */
  readonly views = new Map<string, unknown>();
  /** Whether steps also report the perfect-negotiation model of each pc. */
  readonly negotiation: boolean;
  #synced = 0;

  constructor(log: SessionLog, negotiation = false) {
    this.negotiation = negotiation;
    this.analysis = new SessionAnalysis(log).update();
    // Which side is polite: each pc's `create` says so (the negotiation driver reads it).
    this.drivers = createMachineDrivers(this.analysis);
  }

  /** Takes in what was appended since the last call. */
  sync(): this {
    const log = this.analysis.log;
    if (log.length === this.#synced) return this;
    this.analysis.update();
    this.drivers.update();
    this.#synced = log.length;
    return this;
  }
}

/** Short names of the machine kinds, as the Machines panel titles them. */
const KIND_TITLE: Readonly<Record<MachineEntry['kind'], string>> = {
  'protoo-peer': 'protoo peer',
  'peer-connection': 'RTCPeerConnection',
  negotiation: 'perfect negotiation',
  'mediasoup-room': 'mediasoup room client',
  'mesh-room': 'mesh page',
  'two-party-room': 'two-party client',
};

function describe(before: unknown, after: unknown): string[] {
  const out: string[] = [];
  if (
    typeof before !== 'object' ||
    before === null ||
    typeof after !== 'object' ||
    after === null
  ) {
    return out;
  }
  const a = before as Record<string, unknown>;
  const b = after as Record<string, unknown>;
  for (const key of Object.keys(b)) {
    const x = JSON.stringify(a[key]);
    const y = JSON.stringify(b[key]);
    if (x === y) continue;
    if (key === 'links' && typeof b[key] === 'object' && b[key] !== null) {
      const la = (a[key] ?? {}) as Record<string, string>;
      const lb = b[key] as Record<string, string>;
      for (const peer of Object.keys(lb)) {
        if (la[peer] !== lb[peer]) out.push(`link ${peer}: ${la[peer] ?? 'none'} → ${lb[peer]}`);
      }
      continue;
    }
    if (key === 'transports' && typeof b[key] === 'object' && b[key] !== null) {
      const ta = (a[key] ?? {}) as Record<string, string>;
      const tb = b[key] as Record<string, string>;
      for (const id of Object.keys(tb)) {
        if (ta[id] !== tb[id])
          out.push(`transport ${id.slice(0, 8)}: ${ta[id] ?? 'none'} → ${tb[id]}`);
      }
      continue;
    }
    out.push(`${key}: ${a[key] === undefined ? 'none' : x} → ${y}`);
  }
  return out;
}

/**
 * What the inspector's machines changed during the log range [first, end) — the last step,
 * at the end of the log — as lines like `RTCPeerConnection pc-1-2: signalingState: "stable"
 * → "have-local-offer"`. Only the machines of the connections and peer connections the range
 * touches are compared. Call it for every step, in order.
 */
export function stateChanges(observer: Observer, first: number, end: number): string[] {
  observer.sync();
  const log = observer.analysis.log;
  const d = observer.drivers;
  const conns = new Set<string>();
  const pcs = new Set<string>();
  for (let i = first; i < end; i++) {
    const e = log.get(i);
    if (e.type === 'pc') {
      pcs.add(e.pc);
      if (e.conn !== undefined) conns.add(e.conn);
    } else if ('conn' in e && typeof e.conn === 'string') conns.add(e.conn);
  }
  const out: string[] = [];
  const compare = <S>(
    kind: MachineEntry['kind'],
    id: string,
    track: { readonly stepper: { readonly initial: S; readonly final: S } } | undefined,
    view: (s: S) => unknown,
  ): void => {
    if (track === undefined) return;
    // Steps are explained in order, so a machine's view before this step is the one it had
    // after the last step that touched it: no replay from checkpoints needed.
    const key = `${kind}\u0000${id}`;
    const before = observer.views.has(key) ? observer.views.get(key) : view(track.stepper.initial);
    const after = view(track.stepper.final);
    observer.views.set(key, after);
    for (const line of describe(before, after)) out.push(`${KIND_TITLE[kind]} ${id}: ${line}`);
  };
  for (const conn of conns) {
    compare('protoo-peer', conn, d.protoo.track(conn), protooPeerStateOf);
    compare('mediasoup-room', conn, d.mediasoup.track(conn), mediasoupRoomStateOf);
    compare('mesh-room', conn, d.mesh.track(conn), meshRoomStateOf);
    compare('two-party-room', conn, d.twoParty.track(conn), twoPartyRoomStateOf);
  }
  for (const pc of pcs) {
    compare('peer-connection', pc, d.pc.track(pc), (s) => peerConnectionStateOf(s.value));
    if (observer.negotiation)
      compare('negotiation', pc, d.negotiation.track(pc), negotiationStateOf);
  }
  return out;
}

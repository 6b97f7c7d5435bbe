/**
 * Findings from the machines a capture drives (see machineStates.ts):
 *
 * - peer connections (machines/peerConnectionMachine.ts): `model-mismatch` (a browser report
 *   or result that differs from the model's prediction), `illegal-state-change` (a reported
 *   change the W3C rules do not allow), `invalid-pc-call` (an SLD/SRD the browser must
 *   reject);
 * - protoo peers (machines/protooPeerMachine.ts): `reconnect-storm` (more than
 *   {@link RECONNECT_STORM}.cycles new retry cycles within `windowMs`), `retries-exhausted`
 *   (all 11 attempts of a cycle failed; the peer is closed);
 * - mediasoup-demo room clients: `call-before-join`, `join-twice`, `unknown-transport`,
 *   `second-connect`, `transport-failed` (the room model's other problems are event findings);
 * - mesh-room pages and two-party-room clients: `mesh-rule-broken`, `two-party-rule-broken`.
 *
 * The perfect-negotiation model gives no findings: the pattern is an application's choice,
 * not a rule of WebRTC, and a pc that breaks the signaling rules is already reported by the
 * peer connection model. Its decisions are in `signalscope states` and the machine view.
 *
 * {@link allFindings} merges them with the event findings of findings.ts, in log order.
 */
import type { StateValue } from 'xstate';
import {
  INITIAL_CONTEXT,
  reducePeerConnection,
  type IllegalChange,
  type ModelMismatch,
  type PeerConnectionContext,
  type RejectedOperation,
} from '../../machines/peerConnectionMachine.ts';
import { ATTEMPTS_PER_CYCLE } from '../../machines/protooPeerMachine.ts';
import type { PcEvent } from '../session/events.ts';
import { TYPE_CODE, type SessionLog } from '../session/SessionLog.ts';
import type { SessionAnalysis } from './analysis.ts';
import {
  descriptionType,
  peerConnectionEventsOf,
  type PeerConnectionTrack,
} from './drivers/peerConnectionDriver.ts';
import type { ProtooPeerTrack } from './drivers/protooPeerDriver.ts';
import { FINDING_CODES, findings, type Finding, type FindingCode } from './findings.ts';
import { createMachineDrivers, type MachineDrivers } from './machineStates.ts';
import type { MediasoupClientTrack } from './drivers/mediasoupClientDriver.ts';
import type { MeshRoomTrack } from './drivers/meshRoomDriver.ts';
import type { TwoPartyRoomTrack } from './drivers/twoPartyRoomDriver.ts';
import type { RoomProblemCode } from '../../machines/mediasoupClientMachine.ts';
import type { Stepper } from '../../machines/lib/stepper.ts';
import { lastAtOrBefore } from './drivers/positions.ts';

/**
 * A reconnect storm: more than `cycles` disconnects of an open protoo connection (each one
 * starts a new retry cycle) within `windowMs`.
 */
export const RECONNECT_STORM = Object.freeze({ cycles: 3, windowMs: 60_000 });

/** Browser-side events of a peer connection; every other `pc` event is a call or its result. */
const BROWSER_EVENTS = new Set([
  'signalingstatechange',
  'icegatheringstatechange',
  'iceconnectionstatechange',
  'connectionstatechange',
  'icecandidate',
  'icecandidateerror',
  'negotiationneeded',
  'datachannel',
  'track',
]);

const STATE_ATTRIBUTE: Record<string, string> = {
  signaling: 'signalingState',
  iceGathering: 'iceGatheringState',
  iceConnection: 'iceConnectionState',
  connection: 'connectionState',
};

function fmtMs(ms: number): string {
  return ms >= 10_000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.round(ms)} ms`;
}

function makeAdd(log: SessionLog, out: Finding[], machine: { kind: string; id: string }) {
  return (code: FindingCode, index: number, message: string, related?: readonly number[]) => {
    const connId = log.connId(index);
    out.push({
      code,
      severity: FINDING_CODES[code].severity,
      seq: log.seq(index),
      index,
      conn: connId >= 0 ? log.connName(connId) : undefined,
      message,
      ...(related && related.length > 0 ? { related } : {}),
      machine,
    });
  };
}

/** "setRemoteDescription(answer) at seq 12": the event, with its description type. */
function describeCall(e: PcEvent): string {
  const type =
    e.event === 'setLocalDescription' || e.event === 'setRemoteDescription'
      ? descriptionType(e.value)
      : undefined;
  return `${e.event}${type === undefined ? '' : `(${type})`} at seq ${e.seq}`;
}

/** The last call (or call result) of a peer connection before log index `before`. */
function callBefore(log: SessionLog, track: PeerConnectionTrack, before: number): PcEvent | null {
  for (let k = lastAtOrBefore(track.indexes, before - 1); k >= 0; k--) {
    const index = track.indexes[k];
    if (index === undefined) break;
    const e = log.get(index);
    if (e.type === 'pc' && !BROWSER_EVENTS.has(e.event)) return e;
  }
  return null;
}

/** The log index of a model record's seq; the track's last event when it has none. */
function indexOf(log: SessionLog, track: PeerConnectionTrack, seq: number | undefined): number {
  const index = seq === undefined ? -1 : log.indexOfSeq(seq);
  return index >= 0 ? index : (track.indexes[track.indexes.length - 1] ?? 0);
}

function mismatchMessage(pc: string, m: ModelMismatch, call: PcEvent | null): string {
  const after = call ? `after ${describeCall(call)}` : 'with no call before it';
  const attribute = STATE_ATTRIBUTE[m.kind];
  if (attribute !== undefined) {
    return `pc ${pc}: the browser reported ${attribute} "${m.reported}", the model predicted ${m.predicted
      .split(' or ')
      .map((s) => `"${s}"`)
      .join(' or ')} ${after}`;
  }
  return `pc ${pc}: the browser reported ${m.reported}; the model predicted ${m.predicted} (${after})`;
}

function illegalMessage(pc: string, c: IllegalChange): string {
  const what =
    c.kind === 'transportIce'
      ? `the ICE state of transport ${c.transport ?? '?'}`
      : c.kind === 'transportDtls'
        ? `the DTLS state of transport ${c.transport ?? '?'}`
        : c.kind === 'transportGathering'
          ? `the gathering state of transport ${c.transport ?? '?'}`
          : (STATE_ATTRIBUTE[c.kind] ?? c.kind);
  const hint = c.from === 'closed' ? ' (closed is final: a reused pc id?)' : '';
  return `pc ${pc}: ${what} changed from "${c.from}" to "${c.to}", which the W3C rules do not allow${hint}`;
}

function rejectionMessage(pc: string, r: RejectedOperation): string {
  const op = r.side === 'local' ? 'setLocalDescription' : 'setRemoteDescription';
  const error = /^(\w+):/.exec(r.reason)?.[1] ?? 'an error';
  const where = r.state === 'closed' ? 'after close()' : `in signaling state ${r.state}`;
  return `pc ${pc}: ${op}(${r.sdpType ?? ''}) ${where}: the browser must reject it with ${error} (${r.reason})`;
}

function peerConnectionFindings(log: SessionLog, track: PeerConnectionTrack, out: Finding[]): void {
  const add = makeAdd(log, out, { kind: 'peer-connection', id: track.pc });
  const context = track.stepper.final.context;
  for (const m of context.mismatches) {
    const index = indexOf(log, track, m.seq);
    const call = callBefore(log, track, index);
    const related = call ? [log.indexOfSeq(call.seq)].filter((i) => i >= 0) : undefined;
    add('model-mismatch', index, mismatchMessage(track.pc, m, call), related);
  }
  for (const c of context.illegalChanges) {
    add('illegal-state-change', indexOf(log, track, c.seq), illegalMessage(track.pc, c));
  }
  // `lastRejected` keeps only the latest rejection: walk the model to see each one. This is
  // the reducer the machine's `apply` action runs (machines/peerConnectionMachine.context.ts).
  let ctx: PeerConnectionContext = INITIAL_CONTEXT;
  for (const index of track.indexes) {
    const before = ctx.lastRejected;
    for (const event of peerConnectionEventsOf(log.get(index) as PcEvent)) {
      ctx = reducePeerConnection(ctx, event);
    }
    const rejected = ctx.lastRejected;
    if (rejected !== null && rejected !== before) {
      add(
        'invalid-pc-call',
        indexOf(log, track, rejected.seq ?? log.seq(index)),
        rejectionMessage(track.pc, rejected),
      );
    }
  }
}

function protooPeerFindings(
  analysis: SessionAnalysis,
  track: ProtooPeerTrack,
  out: Finding[],
): void {
  const log = analysis.log;
  const add = makeAdd(log, out, { kind: 'protoo-peer', id: track.conn });
  const { stepper, indexes } = track;
  // Only the stepper's value changes and the final snapshot: no replay needed.
  const changes = stepper.changes();
  const disconnects: number[] = [];
  /** Stepper position where the last cycle's first attempt started. */
  let cycleStart = 0;
  let previous: StateValue = stepper.initial.value;
  for (const change of changes) {
    const index = indexes[change.index];
    if (index === undefined) continue;
    if (previous === 'open' && change.state === 'reconnecting') {
      disconnects.push(index);
      cycleStart = change.index + 1;
    }
    previous = change.state;
  }

  const final = stepper.final;
  const last = changes.at(-1);
  const closedAt = last === undefined ? undefined : indexes[last.index];
  if (
    last !== undefined &&
    closedAt !== undefined &&
    final.value === 'closed' &&
    final.context.closedBy === 'retries'
  ) {
    // Each attempt of the cycle ended with one ws.close: the failed ones before the last.
    const failures: number[] = [];
    for (let k = cycleStart; k < last.index; k++) {
      const index = indexes[k];
      if (index !== undefined && log.typeCode(index) === TYPE_CODE['ws.close'])
        failures.push(index);
    }
    const { cycle, attempt, closeCode } = final.context;
    const code = closeCode === null ? 'no code' : String(closeCode);
    const which =
      cycle === 1
        ? 'the connection never opened'
        : `after the disconnect at seq ${log.seq(disconnects.at(-1) ?? closedAt)} (retry cycle ${cycle}) it never opened again`;
    add(
      'retries-exhausted',
      closedAt,
      `attempt ${attempt} of ${ATTEMPTS_PER_CYCLE} failed too (close ${code}): ${which}; protoo-client gives up and the peer is closed`,
      failures,
    );
  }

  const { cycles: limit, windowMs } = RECONNECT_STORM;
  let start = 0;
  let storm: number[] | undefined;
  const flush = (list: number[]) => {
    const at = list[limit] ?? list[list.length - 1] ?? 0;
    const first = list[0] ?? at;
    const lastOne = list[list.length - 1] ?? at;
    add(
      'reconnect-storm',
      at,
      `${list.length} disconnects, each starting a new retry cycle, between seq ${log.seq(first)} and seq ${log.seq(lastOne)} (${fmtMs(log.time(lastOne) - log.time(first))}): more than ${limit} within ${fmtMs(windowMs)}`,
      list.filter((i) => i !== at),
    );
  };
  for (let k = 0; k < disconnects.length; k++) {
    const t = log.time(disconnects[k] ?? 0);
    while (start < k && t - log.time(disconnects[start] ?? 0) >= windowMs) start++;
    if (k - start + 1 > limit) {
      if (storm === undefined) storm = disconnects.slice(start, k + 1);
      else storm.push(disconnects[k] ?? 0);
    } else if (storm !== undefined) {
      flush(storm);
      storm = undefined;
    }
  }
  if (storm !== undefined) flush(storm);
}

/** Room problems that are findings of their own; the rest are event findings already. */
const ROOM_PROBLEM_FINDINGS: Partial<Record<RoomProblemCode, FindingCode>> = {
  'before-join': 'call-before-join',
  'join-twice': 'join-twice',
  'unknown-transport': 'unknown-transport',
  'second-connect': 'second-connect',
  'transport-failed': 'transport-failed',
};

function mediasoupRoomFindings(log: SessionLog, track: MediasoupClientTrack, out: Finding[]): void {
  const add = makeAdd(log, out, { kind: 'mediasoup-room', id: track.conn });
  const last = track.indexes[track.indexes.length - 1] ?? 0;
  for (const p of track.stepper.final.context.room.problems) {
    const code = ROOM_PROBLEM_FINDINGS[p.code];
    if (code === undefined) continue;
    // A room problem's `seq` is the driver's log index.
    const index = Number.isInteger(p.seq) && p.seq >= 0 && p.seq < log.length ? p.seq : last;
    add(code, index, p.message);
  }
}

/**
 * Problems a machine records without a position (mesh, two-party): each one at the event
 * after which its context's problem list grew.
 */
function problemsByEvent<TSnapshot, TProblem>(
  stepper: Stepper<TSnapshot>,
  indexes: ArrayLike<number>,
  problemsOf: (snapshot: TSnapshot) => readonly TProblem[],
  visit: (problem: TProblem, index: number) => void,
): void {
  let seen = problemsOf(stepper.initial).length;
  let last = stepper.initial;
  stepper.scan((k, snapshot) => {
    if (snapshot === last) return;
    last = snapshot;
    const problems = problemsOf(snapshot);
    const index = indexes[k];
    if (index !== undefined) {
      for (let j = seen; j < problems.length; j++) {
        const p = problems[j];
        if (p !== undefined) visit(p, index);
      }
    }
    seen = problems.length;
  });
}

function meshRoomFindings(log: SessionLog, track: MeshRoomTrack, out: Finding[]): void {
  const add = makeAdd(log, out, { kind: 'mesh-room', id: track.conn });
  problemsByEvent(
    track.stepper,
    track.indexes,
    (s) => s.context.problems,
    (p, index) => {
      const peer = p.peerId === null ? '' : ` (peer ${p.peerId})`;
      add('mesh-rule-broken', index, `${p.kind}${peer}: ${p.detail}`);
    },
  );
}

function twoPartyRoomFindings(log: SessionLog, track: TwoPartyRoomTrack, out: Finding[]): void {
  const add = makeAdd(log, out, { kind: 'two-party-room', id: track.conn });
  problemsByEvent(
    track.stepper,
    track.indexes,
    (s) => s.context.problems,
    (p, index) => {
      add('two-party-rule-broken', index, `${p.kind}: ${p.detail}`);
    },
  );
}

/**
 * The findings of every machine the session drives, in log order.
 *
 * @example
 * machineFindings(new SessionAnalysis(log).update()).map((f) => f.code); // ['model-mismatch', …]
 */
export function machineFindings(
  analysis: SessionAnalysis,
  drivers: MachineDrivers = createMachineDrivers(analysis),
): Finding[] {
  const log = analysis.log;
  const out: Finding[] = [];
  for (const track of drivers.protoo.tracks()) protooPeerFindings(analysis, track, out);
  for (const track of drivers.pc.tracks()) peerConnectionFindings(log, track, out);
  for (const track of drivers.mediasoup.tracks()) mediasoupRoomFindings(log, track, out);
  for (const track of drivers.mesh.tracks()) meshRoomFindings(log, track, out);
  for (const track of drivers.twoParty.tracks()) twoPartyRoomFindings(log, track, out);
  // Array.prototype.sort is stable: findings of one event keep their order.
  return out.sort((x, y) => x.index - y.index);
}

/**
 * Every finding: the events' ({@link findings}) and the machines' ({@link machineFindings}),
 * merged in log order (for one event, the event findings first).
 *
 * @example
 * countBySeverity(allFindings(new SessionAnalysis(log).update())); // { error: 1, warning: 3, info: 0 }
 */
export function allFindings(
  analysis: SessionAnalysis,
  now = analysis.log.endTime,
  drivers?: MachineDrivers,
): Finding[] {
  const base = findings(analysis, now);
  const machine = machineFindings(analysis, drivers);
  if (machine.length === 0) return base;
  const out: Finding[] = [];
  let j = 0;
  for (const f of base) {
    let m = machine[j];
    while (m !== undefined && m.index < f.index) {
      out.push(m);
      m = machine[++j];
    }
    out.push(f);
  }
  for (; j < machine.length; j++) {
    const m = machine[j];
    if (m) out.push(m);
  }
  return out;
}

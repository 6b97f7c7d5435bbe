/**
 * The simulator's public contract (issue 6). The engine (src/simulator/engine/…) implements
 * it; the Simulate tab (src/app/simulate/…), the CLI (`signalscope simulate`) and the
 * benchmark use only what is exported here and from `src/simulator/index.ts`.
 *
 * A simulation is a source like any other (DESIGN.md): it only appends ordinary session
 * events — `ws.open` / `ws.frame` / `ws.close` per simulated client connection, `pc` events
 * per simulated RTCPeerConnection, and one `note` per step carrying the step's explanation —
 * to a `SessionLog`. So a simulation saves as a capture and replays identically, and the
 * inspector's decoding, machines and findings read it with no second model.
 *
 * Deterministic: the same scenario (seed included) and the same injected faults at the same
 * steps always append the same events, byte for byte (times included: simulated time, never
 * the wall clock).
 */
import type { SessionLog } from '../session/SessionLog.ts';

/** What a scenario simulates. */
export type ScenarioKind =
  | 'two-party' // create/join, offer/answer, candidates, data channel
  | 'mesh' // full mesh of N peers (N ≤ 32), smaller id initiates; reload; WS-only reconnect
  | 'perfect-negotiation' // glare between a polite and an impolite peer
  | 'mediasoup-join' // a participant joins a mediasoup room with K remote peers producing
  | 'ice-restart' // ICE fails on a transport / connection, then an ICE restart repairs it
  | 'protoo-reconnect'; // the protoo server restarts; the client reconnects and rejoins

export const SCENARIO_KINDS: readonly ScenarioKind[] = [
  'two-party',
  'mesh',
  'perfect-negotiation',
  'mediasoup-join',
  'ice-restart',
  'protoo-reconnect',
];

/** A fault the user or a scenario file injects. */
export type FaultKind =
  | 'drop' // a signaling message is lost
  | 'delay' // a signaling message arrives `delayMs` later (other messages overtake it)
  | 'duplicate' // a signaling message arrives twice
  | 'reorder' // a signaling message swaps places with the next one on the same path
  | 'reject' // the server answers a request with an error response
  | 'timeout' // the server never answers a request (the client's request timer fires)
  | 'close' // the signaling socket closes (the client reconnects)
  | 'close-4000' // the socket closes with 4000 (protoo-client does not reconnect)
  | 'ice-fail' // ICE fails on one transport / peer connection
  | 'reload'; // a peer reloads its page (new socket, new peer connections)

export const FAULT_KINDS: readonly FaultKind[] = [
  'drop',
  'delay',
  'duplicate',
  'reorder',
  'reject',
  'timeout',
  'close',
  'close-4000',
  'ice-fail',
  'reload',
];

/**
 * Where a fault applies. Message faults (drop … timeout) hit the first message at or after
 * step `atStep` that matches `match`, or the in-flight message `messageId` when given (the
 * UI's "this message" choice). Actor faults (close, close-4000, ice-fail, reload) hit
 * `target` (a peer id, or a transport / connection id for ice-fail) at step `atStep`.
 */
export interface FaultSpec {
  readonly kind: FaultKind;
  readonly atStep?: number;
  readonly messageId?: string;
  readonly match?: {
    /** A protoo method or notification, or a mesh / two-party message type. */
    readonly method?: string;
    readonly from?: string;
    readonly to?: string;
  };
  readonly target?: string;
  /** For `delay`: how much later, in simulated ms. */
  readonly delayMs?: number;
  /** For `reject`: the error response's reason. */
  readonly reason?: string;
}

/** A scenario file (JSON, documented in docs/scenarios.md). */
export interface ScenarioFile {
  readonly format: 'signalscope-scenario';
  readonly version: 1;
  readonly kind: ScenarioKind;
  /** Short and unique among the built-in scenarios; used in links (`?simulate=<id>`). */
  readonly id: string;
  readonly title: string;
  /** What the lesson shows, in plain language. */
  readonly description?: string;
  readonly seed: number;
  /** Kind-specific sizes and switches, e.g. `{ "peers": 8 }`, `{ "remotePeers": 3 }`. */
  readonly params?: Readonly<Record<string, number | string | boolean>>;
  /** Faults that happen without the user asking (a lesson about a failure). */
  readonly faults?: readonly FaultSpec[];
}

/** A message on its way (sent, not yet delivered): what the UI offers to drop, delay, … */
export interface PendingMessage {
  readonly id: string;
  readonly from: string;
  readonly to: string;
  /** e.g. `request produce #12`, `offer`, `candidate`. */
  readonly label: string;
  /** Request ids can be rejected or left to time out; other messages cannot. */
  readonly isRequest: boolean;
}

/** One step: one thing that happened (a message delivered, a local API call, a timer …). */
export interface SimStep {
  /** 0-based. */
  readonly index: number;
  /** One of `STEP_KINDS`' keys; every kind has an explanation. */
  readonly kind: string;
  /** The peer / server that acted. */
  readonly actor: string;
  /** One line, e.g. `alice sends offer to bob`. */
  readonly summary: string;
  /** Plain language: what was sent, why, and what state changed. */
  readonly explanation: string;
  /** The log indexes this step appended: [firstIndex, endIndex). Its note is at firstIndex. */
  readonly firstIndex: number;
  readonly endIndex: number;
  /** Simulated time of the step, ms since the session started. */
  readonly t: number;
  /** The fault this step carried out, if any. */
  readonly fault?: FaultKind;
}

export interface Simulation {
  readonly scenario: ScenarioFile;
  /** Every event so far; grows by `step()`. */
  readonly log: SessionLog;
  readonly steps: readonly SimStep[];
  /** No step is left (everything settled, or the scenario's end was reached). */
  readonly done: boolean;
  readonly pending: readonly PendingMessage[];
  /** Runs one step and returns it; `undefined` when done. */
  step(): SimStep | undefined;
  /** Queues a fault; it applies from the next step on. Throws a clear error for a bad spec. */
  inject(fault: FaultSpec): void;
  /** What an actor fault of `kind` can hit right now (peer names, pc or transport ids). */
  faultTargets(kind: FaultKind): readonly string[];
}

/** A scenario file that cannot be used: says where (JSON line and field) and what. */
export class ScenarioError extends Error {
  readonly source: string;
  readonly line: number | undefined;
  readonly field: string | undefined;
  constructor(message: string, source: string, line?: number, field?: string) {
    super(message);
    this.name = 'ScenarioError';
    this.source = source;
    this.line = line;
    this.field = field;
  }
}

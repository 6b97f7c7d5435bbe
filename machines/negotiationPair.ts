/**
 * Two sides of perfect negotiation — a polite and an impolite {@link negotiationMachine} — with
 * a signaling channel between them (one FIFO inbox per side), stepped purely and in an order a
 * script gives, so glare can be played out deterministically (tests, the simulator).
 *
 * Each side's "code and browser" is {@link nextOwnEvent}: what the W3C example does next on
 * its own (send a description just made, call SLD / SRD, or let the browser finish the head of
 * the operations chain). Messages move only when the script delivers them. A candidate
 * belongs to the description it was gathered for; addIceCandidate succeeds when that is the
 * remote description the receiver will have once its queued calls ran, else it fails.
 */
import { initialTransition, transition, type SnapshotFrom } from 'xstate';
import {
  negotiationMachine,
  remoteDescriptionOf,
  localDescriptionOf,
  type Description,
  type NegotiationContext,
  type NegotiationEvent,
} from './negotiationMachine.ts';

export type NegotiationSnapshot = SnapshotFrom<typeof negotiationMachine>;
export type PeerRole = 'polite' | 'impolite';

/** A signaling message: a description, or an ICE candidate of the sender's description `of`. */
export interface PairMessage {
  readonly from: PeerRole;
  readonly description?: Description;
  readonly candidate?: { readonly of: string };
}

export type PairStep =
  /** The browser fires `negotiationneeded` on the peer. */
  | { readonly peer: PeerRole; readonly do: 'negotiationneeded' }
  /** The peer takes its next own step ({@link nextOwnEvent}); nothing if it has none. */
  | { readonly peer: PeerRole; readonly do: 'step' }
  /** The first message waiting for the peer arrives; nothing if there is none. */
  | { readonly peer: PeerRole; readonly do: 'deliver' }
  /** The peer's ICE agent finds a candidate for its local description; the code sends it. */
  | { readonly peer: PeerRole; readonly do: 'gather' }
  /** Round-robin steps and deliveries (polite first) until nothing moves. */
  | { readonly do: 'settle' };

/** One machine event fed to a side, numbered in the order of the whole run. */
export interface PairTraceEntry {
  readonly seq: number;
  readonly peer: PeerRole;
  readonly event: NegotiationEvent;
}

export interface NegotiationPairState {
  readonly polite: NegotiationSnapshot;
  readonly impolite: NegotiationSnapshot;
  /** Messages on the wire, per receiver, oldest first. */
  readonly inbox: Readonly<Record<PeerRole, readonly PairMessage[]>>;
  readonly trace: readonly PairTraceEntry[];
}

const other = (peer: PeerRole): PeerRole => (peer === 'polite' ? 'impolite' : 'polite');

/**
 * The pair before anything happened: both sides stable and idle, no messages.
 *
 * @example
 * createNegotiationPair().polite.context.polite; // true
 */
export function createNegotiationPair(): NegotiationPairState {
  return {
    polite: initialTransition(negotiationMachine, { polite: true })[0],
    impolite: initialTransition(negotiationMachine, { polite: false })[0],
    inbox: { polite: [], impolite: [] },
    trace: [],
  };
}

/**
 * What the W3C example (or the browser under it) does next on one side without any input:
 * send the description just made, call the SLD / SRD now due, or finish the head of the
 * operations chain; undefined when it waits.
 *
 * @example
 * nextOwnEvent(createNegotiationPair().polite.context); // undefined
 */
export function nextOwnEvent(ctx: NegotiationContext): NegotiationEvent | undefined {
  if (ctx.offerer === 'sendingOffer' || ctx.handler === 'sendingAnswer') {
    return { type: 'send.description' };
  }
  if (ctx.offerer === 'makingOffer' || ctx.handler === 'answering') return { type: 'sld.start' };
  if (ctx.handler === 'handlingRemoteOffer' || ctx.handler === 'applyingAnswer') {
    return { type: 'srd.start' };
  }
  const f = ctx.followUp;
  if (ctx.handler === 'settingRemoteAnswer' && f && !f.ignored && !f.started) {
    return { type: 'srd.start' };
  }
  const head = ctx.chain[0];
  if (head === undefined) return undefined;
  return { type: head.side === 'local' ? 'sld.done' : 'srd.done' };
}

/** The remote description the side will have once its queued calls have run. */
export function remoteAfterChain(ctx: NegotiationContext): Description | null {
  const queued = ctx.chain.filter((c) => c.side === 'remote' && c.description !== undefined);
  return queued.at(-1)?.description ?? remoteDescriptionOf(ctx);
}

function feed(
  state: NegotiationPairState,
  peer: PeerRole,
  events: readonly NegotiationEvent[],
): NegotiationPairState {
  let snapshot = state[peer];
  let inbox = state.inbox;
  const trace = [...state.trace];
  for (const e of events) {
    const event = { ...e, seq: trace.length };
    snapshot = transition(negotiationMachine, snapshot, event)[0];
    trace.push({ seq: event.seq, peer, event });
    const sent = snapshot.context.sent;
    if (event.type === 'send.description' && sent !== null) {
      const to = other(peer);
      inbox = { ...inbox, [to]: [...inbox[to], { from: peer, description: sent }] };
    }
  }
  return { ...state, [peer]: snapshot, inbox, trace };
}

function deliver(state: NegotiationPairState, peer: PeerRole): NegotiationPairState {
  const [message, ...rest] = state.inbox[peer];
  if (message === undefined) return state;
  const next = { ...state, inbox: { ...state.inbox, [peer]: rest } };
  const d = message.description;
  if (d && (d.type === 'offer' || d.type === 'answer')) {
    return feed(next, peer, [{ type: 'description.received', sdpType: d.type, id: d.id }]);
  }
  if (message.candidate) {
    const remote = remoteAfterChain(state[peer].context);
    const ok = remote?.id === message.candidate.of;
    return feed(next, peer, [
      { type: 'candidate.received' },
      ok
        ? { type: 'candidate.added' }
        : { type: 'candidate.failed', error: `OperationError: no remote ${message.candidate.of}` },
    ]);
  }
  return next;
}

/**
 * Applies one script step.
 *
 * @example
 * let pair = createNegotiationPair();
 * pair = stepNegotiationPair(pair, { peer: 'polite', do: 'negotiationneeded' });
 * pair.polite.context.makingOffer; // true
 */
export function stepNegotiationPair(
  state: NegotiationPairState,
  step: PairStep,
): NegotiationPairState {
  if (step.do === 'settle') return settleNegotiationPair(state);
  const { peer } = step;
  switch (step.do) {
    case 'negotiationneeded':
      return feed(state, peer, [{ type: 'negotiationneeded' }]);
    case 'step': {
      const event = nextOwnEvent(state[peer].context);
      return event ? feed(state, peer, [event]) : state;
    }
    case 'deliver':
      return deliver(state, peer);
    case 'gather': {
      const local = localDescriptionOf(state[peer].context);
      if (local === null) return state;
      const to = other(peer);
      const message: PairMessage = { from: peer, candidate: { of: local.id } };
      return { ...state, inbox: { ...state.inbox, [to]: [...state.inbox[to], message] } };
    }
  }
}

const ROUND: readonly PairStep[] = [
  { peer: 'polite', do: 'step' },
  { peer: 'impolite', do: 'step' },
  { peer: 'polite', do: 'deliver' },
  { peer: 'impolite', do: 'deliver' },
];

/**
 * Runs rounds of (polite step, impolite step, deliver to polite, deliver to impolite) until
 * a round changes nothing.
 *
 * @example
 * settleNegotiationPair(pair).polite.context.signalingState; // 'stable'
 */
export function settleNegotiationPair(state: NegotiationPairState): NegotiationPairState {
  let current = state;
  for (let round = 0; round < 10_000; round++) {
    const before = current;
    for (const step of ROUND) current = stepNegotiationPair(current, step);
    if (current === before) return current;
  }
  throw new RangeError('settleNegotiationPair(): the pair did not settle in 10000 rounds');
}

/**
 * Runs a whole script from the initial pair.
 *
 * @example
 * const end = runNegotiationPair([
 *   { peer: 'polite', do: 'negotiationneeded' },
 *   { peer: 'impolite', do: 'negotiationneeded' },
 *   { do: 'settle' },
 * ]);
 * end.polite.context.currentRemote?.id === end.impolite.context.currentLocal?.id; // true
 */
export function runNegotiationPair(script: readonly PairStep[]): NegotiationPairState {
  return script.reduce(stepNegotiationPair, createNegotiationPair());
}

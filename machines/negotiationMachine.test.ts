/**
 * negotiationMachine walked with paths from @xstate/graph, for a polite and an impolite side,
 * every step checked against an oracle written here from the W3C perfect-negotiation example
 * (protocol.md §4) and the signaling table — not from the machine's reducer.
 */
import { getAdjacencyMap, getShortestPaths } from '@xstate/graph';
import { describe, expect, it } from 'vitest';
import { initialTransition, transition, type SnapshotFrom } from 'xstate';
import {
  decideOnDescription,
  initialNegotiationContext,
  negotiationGraph,
  negotiationMachine,
  type NegotiationEvent,
} from './negotiationMachine.ts';

type Snap = SnapshotFrom<typeof negotiationMachine>;
type Ev = NegotiationEvent;

// ---- The oracle: the W3C example as a program, step by step --------------------------------
/** protocol.md §4 rows reachable with argument-less SLD and SRD(offer | answer). */
const TABLE: Readonly<Record<string, string>> = {
  'stable local offer': 'have-local-offer',
  'stable remote offer': 'have-remote-offer',
  'have-local-offer remote answer': 'stable',
  'have-local-offer remote offer': 'have-remote-offer', // implicit rollback
  'have-local-offer local offer': 'have-local-offer', // JSEP: an offer re-set
  'have-remote-offer local answer': 'stable',
  'have-remote-offer remote offer': 'have-remote-offer', // JSEP: an offer re-set
};
const argumentless = (s: string) =>
  ['stable', 'have-local-offer', 'have-remote-pranswer'].includes(s) ? 'offer' : 'answer';

interface Call {
  side: 'local' | 'remote';
  by: string;
  type?: string | undefined;
}
interface Oracle {
  polite: boolean;
  offerer: string;
  handler: string;
  makingOffer: boolean;
  ignoreOffer: boolean;
  pendingAnswer: boolean;
  signaling: string;
  chain: Call[];
  received?: string | undefined;
  followUp: { type: string; ignored: boolean; started: boolean } | null;
  candidates: number;
}

const start = (polite: boolean): Oracle => ({
  polite,
  offerer: 'idle',
  handler: 'idle',
  makingOffer: false,
  ignoreOffer: false,
  pendingAnswer: false,
  signaling: 'stable',
  chain: [],
  followUp: null,
  candidates: 0,
});

/** One event: the oracle after it and the decision kinds it logs. */
function w3c(before: Oracle, e: Ev): { o: Oracle; kinds: string[] } {
  const o: Oracle = { ...before, chain: [...before.chain] };
  const kinds: string[] = [];
  const push = (side: Call['side'], by: string, type?: string) => {
    o.chain.push({ side, by, type });
  };
  switch (e.type) {
    case 'negotiationneeded':
      // makingOffer = true; await pc.setLocalDescription();
      if (o.offerer === 'idle') Object.assign(o, { offerer: 'makingOffer', makingOffer: true });
      else kinds.push('unexpected');
      break;
    case 'sld.start':
      if (o.offerer === 'makingOffer') {
        o.offerer = 'settingOffer';
        push('local', 'offerer');
      } else if (o.handler === 'answering') {
        o.handler = 'settingAnswer';
        push('local', 'handler');
      } else {
        push('local', 'other');
        kinds.push('unexpected');
      }
      break;
    case 'description.received': {
      const ready = !o.makingOffer && (o.signaling === 'stable' || o.pendingAnswer);
      const collision = e.sdpType === 'offer' && !ready;
      const ignore = !o.polite && collision;
      if (o.handler === 'idle' || o.handler === 'ignoringOffer') {
        o.ignoreOffer = ignore;
        o.received = e.sdpType;
        if (ignore) {
          o.handler = 'ignoringOffer';
          kinds.push('ignored-offer');
        } else {
          o.pendingAnswer = e.sdpType === 'answer';
          o.handler = e.sdpType === 'offer' ? 'handlingRemoteOffer' : 'applyingAnswer';
          if (collision) kinds.push('offer-collision');
        }
      } else if (
        ['applyingAnswer', 'settingRemoteAnswer'].includes(o.handler) &&
        e.sdpType === 'offer' &&
        o.followUp === null
      ) {
        // A second handler runs alongside: isSettingRemoteAnswerPending = false (an offer).
        o.ignoreOffer = ignore;
        o.pendingAnswer = false;
        o.followUp = { type: 'offer', ignored: ignore, started: false };
        if (ignore) kinds.push('ignored-offer');
        else if (collision) kinds.push('offer-collision');
      } else {
        kinds.push('overlapping-description');
      }
      break;
    }
    case 'srd.start':
      if (o.handler === 'handlingRemoteOffer') {
        o.handler = 'settingRemoteOffer';
        push('remote', 'handler', o.received);
      } else if (o.handler === 'applyingAnswer') {
        o.handler = 'settingRemoteAnswer';
        push('remote', 'handler', o.received);
      } else if (
        o.handler === 'settingRemoteAnswer' &&
        o.followUp &&
        !o.followUp.ignored &&
        !o.followUp.started
      ) {
        o.followUp = { ...o.followUp, started: true };
        push('remote', 'handler', 'offer');
      } else {
        push('remote', 'other', o.followUp?.ignored === true ? 'offer' : o.received);
        kinds.push('unexpected');
      }
      break;
    case 'sld.done':
    case 'sld.failed':
    case 'srd.done':
    case 'srd.failed': {
      const side = e.type.startsWith('sld') ? 'local' : 'remote';
      const ok = e.type.endsWith('done');
      const head = o.chain[0];
      if (head?.side !== side) {
        kinds.push('unexpected');
        break;
      }
      o.chain.shift();
      const from = o.signaling;
      const type = side === 'local' ? argumentless(from) : head.type;
      if (ok) {
        const to = TABLE[`${from} ${side} ${type ?? '?'}`];
        if (to === undefined) kinds.push('unexpected');
        else o.signaling = to;
      } else {
        kinds.push(side === 'local' ? 'sld-failed' : 'srd-failed');
      }
      if (head.by === 'offerer') {
        // finally { makingOffer = false; } also on a failure
        if (ok) o.offerer = 'sendingOffer';
        else Object.assign(o, { offerer: 'idle', makingOffer: false });
      } else if (head.by === 'handler' && side === 'remote') {
        if (ok) o.pendingAnswer = false;
        if (o.handler === 'settingRemoteOffer') {
          if (ok && from === 'have-local-offer' && type === 'offer') kinds.push('rolled-back');
          o.handler = ok ? 'answering' : 'idle';
        } else if (o.handler === 'settingRemoteAnswer') {
          if (ok) kinds.push('answer-applied');
          const f = o.followUp;
          o.followUp = null;
          if (f === null) o.handler = 'idle';
          else {
            o.received = f.type;
            o.handler = f.ignored
              ? 'ignoringOffer'
              : f.started
                ? 'settingRemoteOffer'
                : 'handlingRemoteOffer';
          }
        }
      } else if (head.by === 'handler' && o.handler === 'settingAnswer') {
        o.handler = ok ? 'sendingAnswer' : 'idle';
      }
      break;
    }
    case 'send.description':
      if (o.offerer === 'sendingOffer') {
        Object.assign(o, { offerer: 'idle', makingOffer: false });
        kinds.push('offer-sent');
      } else if (o.handler === 'sendingAnswer') {
        o.handler = 'idle';
        kinds.push('answered');
      } else {
        kinds.push('unexpected');
      }
      break;
    case 'candidate.received':
      o.candidates++;
      break;
    case 'candidate.added':
    case 'candidate.failed':
      if (o.candidates === 0) {
        kinds.push('unexpected');
        break;
      }
      o.candidates--;
      // catch (err) { if (!ignoreOffer) throw err; }
      if (e.type === 'candidate.failed') {
        kinds.push(o.ignoreOffer ? 'swallowed-candidate-error' : 'candidate-error');
      }
      break;
  }
  return { o, kinds };
}

// ---- The walk ---------------------------------------------------------------------------------
const EVENTS: readonly Ev[] = [
  { type: 'negotiationneeded' },
  { type: 'sld.start' },
  { type: 'sld.done' },
  { type: 'sld.failed', error: 'OperationError: x' },
  { type: 'description.received', sdpType: 'offer', id: 'o' },
  { type: 'description.received', sdpType: 'answer', id: 'a' },
  { type: 'srd.start' },
  { type: 'srd.done' },
  { type: 'srd.failed', error: 'OperationError: x' },
  { type: 'send.description' },
  { type: 'candidate.received' },
  { type: 'candidate.added' },
  { type: 'candidate.failed', error: 'OperationError: x' },
];

/** Bounded: at most two calls in the chain and one candidate in flight. */
function eventsFor(s: Snap): readonly Ev[] {
  return EVENTS.filter((e) => {
    if (e.type === 'sld.start' || e.type === 'srd.start') return s.context.chain.length < 2;
    if (e.type === 'candidate.received') return s.context.candidatesPending < 1;
    return true;
  });
}

/** Everything that changes behaviour (not the ids, counters or the decisions log). */
function serialize(s: Snap): string {
  const c = s.context;
  return JSON.stringify([
    s.value,
    c.makingOffer,
    c.ignoreOffer,
    c.isSettingRemoteAnswerPending,
    c.signalingState,
    c.chain.map((k) => [k.side, k.by, k.description?.type ?? null]),
    c.received?.type ?? null,
    c.followUp,
    c.candidatesPending,
  ]);
}

/** @xstate/graph may start a path with the machine's own init event. */
const isInit = (e: Ev): boolean => (e.type as string) === 'xstate.init';

const step = (s: Snap, e: Ev): Snap => transition(negotiationMachine, s, e)[0];

/** Asserts one step against the oracle; returns the oracle after it. */
function check(s: Snap, next: Snap, e: Ev, o: Oracle, label: string): Oracle {
  const { o: after, kinds } = w3c(o, e);
  expect(next.value, label).toEqual({ offerer: after.offerer, handler: after.handler });
  expect(next.context.offerer, label).toBe(after.offerer);
  expect(next.context.handler, label).toBe(after.handler);
  expect(next.context.makingOffer, label).toBe(after.makingOffer);
  expect(next.context.ignoreOffer, label).toBe(after.ignoreOffer);
  expect(next.context.isSettingRemoteAnswerPending, label).toBe(after.pendingAnswer);
  expect(next.context.signalingState, label).toBe(after.signaling);
  expect(
    next.context.chain.map((c) => [c.side, c.by]),
    label,
  ).toEqual(after.chain.map((c) => [c.side, c.by]));
  const added = next.context.decisions.slice(s.context.decisions.length).map((d) => d.kind);
  expect(added, label).toEqual(kinds);
  return after;
}

const graph = negotiationGraph;
const transitionKey = (source: string, target: string, event: string, guard?: string) =>
  `${source} -> ${target} on ${event}${guard === undefined ? '' : ` [${guard}]`}`;
/** Graph transitions, with the guard's target so that each guarded move is its own. */
const ALL = new Set(graph.transitions.map((t) => transitionKey(t.source, t.target, t.event)));

function taken(s: Snap, e: Ev): string[] {
  return negotiationMachine.getTransitionData(s, e).map((t) => {
    const target = t.target?.[0]?.id ?? t.source.id;
    return transitionKey(t.source.id, target, t.eventType);
  });
}

const coveredByBoth = new Set<string>();

const POSITIONS = {
  offerer: ['idle', 'makingOffer', 'settingOffer', 'sendingOffer'],
  handler: [
    'idle',
    'ignoringOffer',
    'handlingRemoteOffer',
    'settingRemoteOffer',
    'answering',
    'settingAnswer',
    'sendingAnswer',
    'applyingAnswer',
    'settingRemoteAnswer',
  ],
};

describe.each([true, false])(
  'negotiationMachine (polite: %s) walked with @xstate/graph',
  (polite) => {
    const traversal = { events: eventsFor, serializeState: serialize, input: { polite } };
    const adjacency = getAdjacencyMap(negotiationMachine, traversal);
    const nodes = Object.values(adjacency) as unknown as {
      state: Snap;
      transitions: Record<string, { event: Ev }>;
    }[];
    const paths = getShortestPaths(negotiationMachine, traversal);

    it('every shortest path replays step by step as the W3C example does', () => {
      for (const path of paths) {
        let s = initialTransition(negotiationMachine, { polite })[0];
        let o = start(polite);
        const label: string[] = [];
        for (const { event, state } of path.steps) {
          if (isInit(event)) continue;
          label.push(event.type === 'description.received' ? `recv(${event.sdpType})` : event.type);
          const next = step(s, event);
          o = check(s, next, event, o, label.join(' → '));
          expect(serialize(next)).toBe(serialize(state));
          s = next;
        }
      }
      expect(paths.length).toBe(nodes.length);
    });

    it('every edge of the reachable graph agrees with the oracle and reaches every position', () => {
      // The oracle state of each node: replay its shortest path.
      const oracleOf = new Map<string, Oracle>();
      for (const path of paths) {
        let o = start(polite);
        for (const { event } of path.steps) {
          if (!isInit(event)) o = w3c(o, event).o;
        }
        oracleOf.set(serialize(path.state), o);
      }
      const covered = new Set<string>();
      const reached = { offerer: new Set<string>(), handler: new Set<string>() };
      let edges = 0;
      for (const { state, transitions } of nodes) {
        const o = oracleOf.get(serialize(state));
        expect(o).toBeDefined();
        if (o === undefined) continue;
        reached.offerer.add(state.context.offerer);
        reached.handler.add(state.context.handler);
        for (const { event } of Object.values(transitions)) {
          check(
            state,
            step(state, event),
            event,
            o,
            `${serialize(state)} + ${JSON.stringify(event)}`,
          );
          for (const key of taken(state, event)) covered.add(key);
          edges++;
        }
      }
      expect(edges).toBeGreaterThan(1000);
      expect([...reached.offerer].sort()).toEqual([...POSITIONS.offerer].sort());
      // The polite side never ignores an offer.
      const handler = POSITIONS.handler.filter((p) => !polite || p !== 'ignoringOffer');
      expect([...reached.handler].sort()).toEqual([...handler].sort());
      expect([...covered].filter((k) => !ALL.has(k))).toEqual([]);
      for (const key of covered) coveredByBoth.add(key);
    });
  },
);

describe('negotiationMachine graph coverage', () => {
  it('the polite and impolite walks together take every transition of the definition', () => {
    expect(coveredByBoth.size).toBeGreaterThan(0);
    expect([...ALL].filter((k) => !coveredByBoth.has(k))).toEqual([]);
  });
});

describe('negotiationMachine', () => {
  it('exports its definition as a graph: two regions, every guard named', () => {
    const ids = graph.states.map((s) => s.id);
    expect(ids).toContain('negotiation.offerer.makingOffer');
    expect(ids).toContain('negotiation.handler.ignoringOffer');
    expect(graph.states.find((s) => s.id === 'negotiation')?.type).toBe('parallel');
    const guarded = graph.transitions.filter((t) => !t.internal);
    expect(guarded.every((t) => t.guard === 'becomes')).toBe(true);
  });

  it('decideOnDescription() is the example’s readyForOffer / offerCollision / ignoreOffer', () => {
    const idle = initialNegotiationContext({ polite: false });
    expect(decideOnDescription(idle, 'offer')).toEqual({
      readyForOffer: true,
      offerCollision: false,
      ignoreOffer: false,
    });
    const making = { ...idle, makingOffer: true };
    expect(decideOnDescription(making, 'offer').ignoreOffer).toBe(true);
    expect(decideOnDescription({ ...making, polite: true }, 'offer')).toEqual({
      readyForOffer: false,
      offerCollision: true,
      ignoreOffer: false,
    });
    expect(decideOnDescription(making, 'answer').offerCollision).toBe(false);
    const applying = { ...idle, signalingState: 'have-local-offer' as const };
    expect(decideOnDescription(applying, 'offer').offerCollision).toBe(true);
    expect(
      decideOnDescription({ ...applying, isSettingRemoteAnswerPending: true }, 'offer')
        .offerCollision,
    ).toBe(false);
  });

  it('a failed SRD(answer) leaves isSettingRemoteAnswerPending set, as the example does', () => {
    let s = initialTransition(negotiationMachine, { polite: true })[0];
    for (const e of [
      { type: 'description.received', sdpType: 'answer' },
      { type: 'srd.start' },
      { type: 'srd.failed', error: 'InvalidStateError: stable' },
    ] as const) {
      s = step(s, e);
    }
    expect(s.value).toEqual({ offerer: 'idle', handler: 'idle' });
    expect(s.context.isSettingRemoteAnswerPending).toBe(true);
    expect(s.context.decisions.map((d) => d.kind)).toEqual(['srd-failed']);
  });
});

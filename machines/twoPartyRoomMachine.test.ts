import { getAdjacencyMap, getShortestPaths, getSimplePaths } from '@xstate/graph';
import { initialTransition, transition, type SnapshotFrom } from 'xstate';
import { describe, expect, it } from 'vitest';
import { describeGuard } from './lib/graph.ts';
import type { TwoPartyPayload, TwoPartyServerMessage } from './roomProtocols.ts';
import {
  payloadKind,
  twoPartyRoomGraph,
  twoPartyRoomMachine,
  type TwoPartyProblemKind,
  type TwoPartyRoomContext,
  type TwoPartyRoomEvent,
} from './twoPartyRoomMachine.ts';

type Snap = SnapshotFrom<typeof twoPartyRoomMachine>;

const INITIAL = initialTransition(twoPartyRoomMachine)[0];
const step = (s: Snap, e: TwoPartyRoomEvent): Snap =>
  s.status === 'active' ? transition(twoPartyRoomMachine, s, e)[0] : s;
const run = (events: readonly TwoPartyRoomEvent[], from: Snap = INITIAL): Snap =>
  events.reduce(step, from);

const ROOM = 'foo';
const MEDIA: TwoPartyPayload = 'got user media';
const BYE: TwoPartyPayload = 'bye';
const OFFER: TwoPartyPayload = { type: 'offer', sdp: 'v=0 offer' };
const ANSWER: TwoPartyPayload = { type: 'answer', sdp: 'v=0 answer' };
const CANDIDATE: TwoPartyPayload = {
  type: 'candidate',
  label: 0,
  id: '0',
  candidate: 'candidate:1 1 udp 2122260223 192.0.2.1 54400 typ host',
};
const PAYLOADS = [MEDIA, BYE, OFFER, ANSWER, CANDIDATE] as const;

const out = (message: TwoPartyPayload): TwoPartyRoomEvent => ({
  type: 'room.message.out',
  message,
});
const inn = (message: TwoPartyPayload): TwoPartyRoomEvent => ({ type: 'room.message.in', message });
const CREATE_OR_JOIN: TwoPartyRoomEvent = { type: 'room.createOrJoin', room: ROOM };
const CREATED: TwoPartyRoomEvent = { type: 'room.created', room: ROOM, id: 'a' };
const JOINED: TwoPartyRoomEvent = { type: 'room.joined', room: ROOM, id: 'b' };
const FULL: TwoPartyRoomEvent = { type: 'room.full', room: ROOM };
const JOIN: TwoPartyRoomEvent = { type: 'room.join', room: ROOM };
const READY: TwoPartyRoomEvent = { type: 'room.ready' };

const ALL_EVENTS: readonly TwoPartyRoomEvent[] = [
  CREATE_OR_JOIN,
  CREATED,
  JOINED,
  FULL,
  JOIN,
  READY,
  ...PAYLOADS.map(out),
  ...PAYLOADS.map(inn),
];

// ---------------------------------------------------------------------------------------------
// The specification, from protocol.md §5 and the codelab flow, independent of the machine.
// ---------------------------------------------------------------------------------------------

interface Expectation {
  readonly value: string;
  readonly problem?: TwoPartyProblemKind;
  readonly patch?: Partial<TwoPartyRoomContext>;
}

/** `inRoom.x` for the room sub-states, the plain name otherwise. */
function flat(s: Snap): string {
  const v = s.value;
  return typeof v === 'string' ? v : `inRoom.${(v as { inRoom: string }).inRoom}`;
}

function expected(value: string, c: TwoPartyRoomContext, e: TwoPartyRoomEvent): Expectation {
  const same = (problem?: TwoPartyProblemKind): Expectation =>
    problem === undefined ? { value } : { value, problem };
  const inRoom = value.startsWith('inRoom.');
  const sub = value.slice('inRoom.'.length);
  switch (e.type) {
    case 'room.createOrJoin':
      return value === 'idle'
        ? { value: 'joining', patch: { room: e.room } }
        : same('duplicate-create-or-join');
    case 'room.created':
      return value === 'joining'
        ? { value: 'inRoom.initiator', patch: { clientId: e.id, isInitiator: true } }
        : same('unexpected-reply');
    case 'room.joined':
      return value === 'joining'
        ? { value: 'inRoom.joinedRoom', patch: { clientId: e.id, peerPresent: true } }
        : same('unexpected-reply');
    case 'room.full':
      return value === 'joining' ? { value: 'full' } : same('unexpected-reply');
    case 'room.join':
    case 'room.ready':
      if (!inRoom) return same('unexpected-reply');
      return {
        value: sub === 'gotMedia' ? 'inRoom.channelReady' : value,
        patch: { peerPresent: true },
      };
  }
  if (!inRoom) return same('before-join');
  const weSend = e.type === 'room.message.out';
  const kind = payloadKind(e.message);
  const started = ['offering', 'answering', 'connected'].includes(sub);
  switch (kind) {
    case 'bye':
      return { value: 'ended', patch: { endedBy: weSend ? 'local' : 'remote' } };
    case 'got user media':
      if (!weSend) return { value, patch: { remoteMedia: true } };
      if (sub === 'initiator') {
        const next = c.peerPresent ? 'inRoom.channelReady' : 'inRoom.gotMedia';
        return { value: next, patch: { hasMedia: true } };
      }
      if (sub === 'joinedRoom') return { value: 'inRoom.channelReady', patch: { hasMedia: true } };
      return same('out-of-order');
    case 'offer': {
      const byInitiator = weSend === c.isInitiator;
      if (!byInitiator) return same('offer-from-joiner');
      if (sub === 'channelReady') return { value: weSend ? 'inRoom.offering' : 'inRoom.answering' };
      return same(started ? 'out-of-order' : 'offer-before-ready');
    }
    case 'answer': {
      const byJoiner = weSend !== c.isInitiator;
      if (!byJoiner) return same('answer-from-initiator');
      const awaiting = weSend ? 'answering' : 'offering';
      if (sub !== awaiting || c.answered) return same('unexpected-answer');
      return {
        value: c.remoteCandidates > 0 ? 'inRoom.connected' : value,
        patch: { answered: true },
      };
    }
    case 'candidate':
      if (!started) return same('candidate-before-offer');
      if (weSend) return { value, patch: { localCandidates: c.localCandidates + 1 } };
      return {
        value: c.answered ? 'inRoom.connected' : value,
        patch: { remoteCandidates: c.remoteCandidates + 1 },
      };
  }
}

function expectStep(prev: Snap, event: TwoPartyRoomEvent, next: Snap): void {
  const where = `${flat(prev)} ${JSON.stringify(prev.context)} --${JSON.stringify(event)}-->`;
  if (prev.status === 'done') {
    expect(next, where).toBe(prev);
    return;
  }
  const e = expected(flat(prev), prev.context, event);
  expect(flat(next), where).toBe(e.value);
  const problems = e.problem === undefined ? [] : [e.problem];
  expect(
    next.context.problems.slice(prev.context.problems.length).map((p) => p.kind),
    where,
  ).toEqual(problems);
  expect(next.context, where).toEqual({
    ...prev.context,
    ...e.patch,
    problems: next.context.problems,
  });
  expect(next.status, where).toBe(['full', 'ended'].includes(e.value) ? 'done' : 'active');
}

// ---------------------------------------------------------------------------------------------

function serialize(s: Snap): string {
  const c = s.context;
  return JSON.stringify([
    s.value,
    c.isInitiator,
    c.hasMedia,
    c.remoteMedia,
    c.peerPresent,
    c.answered,
    Math.min(c.localCandidates, 1),
    Math.min(c.remoteCandidates, 1),
    c.endedBy,
  ]);
}

const eventsFor = (s: Snap): readonly TwoPartyRoomEvent[] =>
  s.status === 'active' ? ALL_EVENTS : [];

const transitionKey = (source: string, target: string, event: string, guard?: string) =>
  `${source} -> ${target} on ${event}${guard === undefined ? '' : ` [${guard}]`}`;
const ALL_TRANSITIONS = new Set(
  twoPartyRoomGraph.transitions.map((t) => transitionKey(t.source, t.target, t.event, t.guard)),
);
const LEAF_STATES = twoPartyRoomGraph.states
  .filter((s) => s.type !== 'compound')
  .map((s) => s.path.join('.'));

function taken(s: Snap, e: TwoPartyRoomEvent): string[] {
  if (s.status !== 'active') return [];
  return twoPartyRoomMachine.getTransitionData(s, e).map((t) => {
    const target = t.target?.[0]?.id ?? t.source.id;
    return transitionKey(t.source.id, target, t.eventType, describeGuard(t.guard));
  });
}

describe('twoPartyRoomMachine, walked from its definition with @xstate/graph', () => {
  const traversal = { events: eventsFor, serializeState: serialize };

  it('exports its definition as a graph with the codelab states', () => {
    expect(twoPartyRoomGraph.id).toBe('twoPartyRoom');
    expect([...LEAF_STATES].sort()).toEqual(
      [
        'idle',
        'joining',
        'inRoom.initiator',
        'inRoom.joinedRoom',
        'inRoom.gotMedia',
        'inRoom.channelReady',
        'inRoom.offering',
        'inRoom.answering',
        'inRoom.connected',
        'full',
        'ended',
      ].sort(),
    );
    expect(twoPartyRoomGraph.states.filter((s) => s.final).map((s) => s.key)).toEqual([
      'full',
      'ended',
    ]);
  });

  it('every edge of the reachable graph obeys the specification; every transition is taken', () => {
    const adjacency = getAdjacencyMap(twoPartyRoomMachine, traversal);
    const covered = new Set<string>();
    const seen = new Set<string>();
    let edges = 0;
    const nodes = Object.values(adjacency) as unknown as {
      state: Snap;
      transitions: Record<string, { event: TwoPartyRoomEvent }>;
    }[];
    for (const { state, transitions } of nodes) {
      seen.add(flat(state));
      for (const { event } of Object.values(transitions)) {
        expectStep(state, event, step(state, event));
        for (const key of taken(state, event)) covered.add(key);
        edges++;
      }
    }
    expect(edges).toBeGreaterThan(500);
    expect([...seen].sort()).toEqual([...LEAF_STATES].sort());
    expect([...ALL_TRANSITIONS].filter((k) => !covered.has(k))).toEqual([]);
    expect([...covered].filter((k) => !ALL_TRANSITIONS.has(k))).toEqual([]);
  });

  it('every shortest path replays step by step to the state the graph predicts', () => {
    const paths = getShortestPaths(twoPartyRoomMachine, traversal);
    const ends = new Set<string>();
    for (const path of paths) {
      let s = INITIAL;
      for (const { event, state } of path.steps) {
        if ((event.type as string) === 'xstate.init') continue;
        const next = step(s, event);
        expectStep(s, event, next);
        expect(serialize(next)).toBe(serialize(state));
        s = next;
      }
      ends.add(flat(s));
    }
    expect([...ends].sort()).toEqual([...LEAF_STATES].sort());
  });

  it('every problem-free simple path to connected follows the codelab order', () => {
    const happy: readonly TwoPartyRoomEvent[] = [
      CREATE_OR_JOIN,
      CREATED,
      JOINED,
      JOIN,
      READY,
      out(MEDIA),
      inn(MEDIA),
      out(OFFER),
      inn(OFFER),
      out(ANSWER),
      inn(ANSWER),
      out(CANDIDATE),
      inn(CANDIDATE),
    ];
    const paths = getSimplePaths(twoPartyRoomMachine, {
      events: (s) => (s.context.problems.length > 0 || s.status !== 'active' ? [] : happy),
      serializeState: serialize,
      toState: (s) => s.matches({ inRoom: 'connected' }) && s.context.problems.length === 0,
    });
    expect(paths.length).toBeGreaterThan(20);
    const roles = new Set<boolean>();
    for (const path of paths) {
      let s = INITIAL;
      for (const { event } of path.steps) {
        if ((event.type as string) === 'xstate.init') continue;
        const next = step(s, event);
        expectStep(s, event, next);
        s = next;
      }
      const types = path.steps.map(({ event }) =>
        'message' in event ? `${event.type}:${payloadKind(event.message)}` : event.type,
      );
      const offerAt = types.indexOf(
        s.context.isInitiator ? 'room.message.out:offer' : 'room.message.in:offer',
      );
      expect(offerAt).toBeGreaterThan(types.indexOf('room.message.out:got user media'));
      expect(s.context.answered).toBe(true);
      expect(s.context.remoteCandidates).toBeGreaterThan(0);
      roles.add(s.context.isInitiator);
    }
    expect([...roles].sort()).toEqual([false, true]);
  });
});

// ---------------------------------------------------------------------------------------------
// Scenarios: a codelab server relaying between simulated clients.
// ---------------------------------------------------------------------------------------------

/** The codelab server (socket.io rooms of two) in front of client machines. */
class TwoPartySim {
  readonly clients = new Map<string, Snap>();
  readonly wire: { readonly to: string; readonly frame: TwoPartyServerMessage }[] = [];
  private readonly members: string[] = [];

  client(name: string): Snap {
    return this.clients.get(name) ?? INITIAL;
  }

  private feed(name: string, ...events: TwoPartyRoomEvent[]): void {
    this.clients.set(name, run(events, this.client(name)));
  }

  private deliver(to: string, frame: TwoPartyServerMessage): void {
    this.wire.push({ to, frame });
    switch (frame.type) {
      case 'created':
        this.feed(to, { type: 'room.created', room: frame.room, id: frame.id });
        return;
      case 'joined':
        this.feed(to, { type: 'room.joined', room: frame.room, id: frame.id });
        return;
      case 'full':
        this.feed(to, { type: 'room.full', room: frame.room });
        return;
      case 'join':
        this.feed(to, { type: 'room.join', room: frame.room });
        return;
      case 'ready':
        this.feed(to, READY);
        return;
      case 'message':
        this.feed(to, inn(frame.message));
        return;
    }
  }

  createOrJoin(name: string): void {
    this.feed(name, CREATE_OR_JOIN);
    if (this.members.length === 0) {
      this.members.push(name);
      this.deliver(name, { type: 'created', room: ROOM, id: name });
    } else if (this.members.length === 1) {
      const [first] = this.members;
      if (first !== undefined) this.deliver(first, { type: 'join', room: ROOM });
      this.members.push(name);
      this.deliver(name, { type: 'joined', room: ROOM, id: name });
      for (const member of this.members) this.deliver(member, { type: 'ready' });
    } else {
      this.deliver(name, { type: 'full', room: ROOM });
    }
  }

  send(name: string, message: TwoPartyPayload): void {
    this.feed(name, out(message));
    for (const member of this.members) {
      if (member !== name) this.deliver(member, { type: 'message', message });
    }
  }
}

describe('twoPartyRoomMachine, codelab scenarios', () => {
  it('creator and joiner end connected; the creator is the only one to offer', () => {
    const sim = new TwoPartySim();
    sim.createOrJoin('alice');
    expect(flat(sim.client('alice'))).toBe('inRoom.initiator');
    sim.send('alice', MEDIA);
    expect(flat(sim.client('alice'))).toBe('inRoom.gotMedia');
    sim.createOrJoin('bob');
    expect(flat(sim.client('alice'))).toBe('inRoom.channelReady');
    expect(flat(sim.client('bob'))).toBe('inRoom.joinedRoom');
    sim.send('bob', MEDIA);
    sim.send('alice', OFFER);
    expect(flat(sim.client('bob'))).toBe('inRoom.answering');
    sim.send('alice', CANDIDATE);
    sim.send('bob', ANSWER);
    expect(flat(sim.client('bob'))).toBe('inRoom.connected');
    expect(flat(sim.client('alice'))).toBe('inRoom.offering');
    sim.send('bob', CANDIDATE);
    for (const name of ['alice', 'bob']) {
      const s = sim.client(name);
      expect(flat(s)).toBe('inRoom.connected');
      expect(s.context.problems).toEqual([]);
      expect(s.context).toMatchObject({ hasMedia: true, answered: true });
    }
    // Alice's `got user media` went out while she was alone: only she heard the other's.
    expect(sim.client('alice').context.remoteMedia).toBe(true);
    expect(sim.client('bob').context.remoteMedia).toBe(false);
    expect(sim.client('alice').context.isInitiator).toBe(true);
    expect(sim.client('bob').context.isInitiator).toBe(false);
    expect(sim.wire.filter((w) => w.frame.type === 'ready').map((w) => w.to)).toEqual([
      'alice',
      'bob',
    ]);
  });

  it('a third client gets full and stops there', () => {
    const sim = new TwoPartySim();
    sim.createOrJoin('alice');
    sim.createOrJoin('bob');
    sim.createOrJoin('carol');
    const carol = sim.client('carol');
    expect(carol.value).toBe('full');
    expect(carol.status).toBe('done');
    expect(step(carol, inn(OFFER))).toBe(carol);
  });

  it('bye ends both sides: the leaver locally, the other remotely', () => {
    const sim = new TwoPartySim();
    sim.createOrJoin('alice');
    sim.createOrJoin('bob');
    for (const m of [MEDIA]) {
      sim.send('alice', m);
      sim.send('bob', m);
    }
    sim.send('alice', OFFER);
    sim.send('bob', ANSWER);
    sim.send('alice', CANDIDATE);
    sim.send('bob', CANDIDATE);
    sim.send('bob', BYE);
    expect(sim.client('bob').value).toBe('ended');
    expect(sim.client('bob').context.endedBy).toBe('local');
    expect(sim.client('alice').value).toBe('ended');
    expect(sim.client('alice').context.endedBy).toBe('remote');
  });
});

describe('twoPartyRoomMachine, problems are recorded, never thrown', () => {
  const kinds = (s: Snap) => s.context.problems.map((p) => p.kind);
  const joiner = run([CREATE_OR_JOIN, JOINED, READY, out(MEDIA)]);
  const initiator = run([CREATE_OR_JOIN, CREATED]);

  it('messages before the room is joined are before-join', () => {
    expect(kinds(run([inn(OFFER), CREATE_OR_JOIN, out(MEDIA)]))).toEqual([
      'before-join',
      'before-join',
    ]);
  });

  it('a second create or join is flagged', () => {
    expect(kinds(step(initiator, CREATE_OR_JOIN))).toEqual(['duplicate-create-or-join']);
  });

  it('only the initiator offers; the joiner answers', () => {
    expect(kinds(step(joiner, out(OFFER)))).toEqual(['offer-from-joiner']);
    expect(kinds(run([out(MEDIA), JOIN, inn(OFFER)], initiator))).toEqual(['offer-from-joiner']);
    expect(kinds(run([out(MEDIA), JOIN, out(ANSWER)], initiator))).toEqual([
      'answer-from-initiator',
    ]);
  });

  it('an offer before both are ready, or a candidate before the offer, is flagged', () => {
    expect(kinds(run([out(MEDIA), out(OFFER)], initiator))).toEqual(['offer-before-ready']);
    expect(kinds(step(joiner, inn(CANDIDATE)))).toEqual(['candidate-before-offer']);
  });
});

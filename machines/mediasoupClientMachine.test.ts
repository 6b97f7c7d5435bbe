/**
 * mediasoupClientMachine: its states walked with @xstate/graph against an independent
 * statement of the join sequence (protocol.md §2.2) and protoo-client's request timeout
 * (§1), and its room reducer rule by rule in both dialects (§2.3–§2.5): client request
 * timeouts and late responses, transport connection states from `pc` events (every rule
 * that ties a pc to a transport), including hostile data.
 */
import { getAdjacencyMap, getShortestPaths } from '@xstate/graph';
import { initialTransition, transition, type SnapshotFrom } from 'xstate';
import { describe, expect, it } from 'vitest';
import { requestTimeoutMs } from '../src/protocol/codec.ts';
import { describeGuard, machineGraph } from './lib/graph.ts';
import { stateKey } from './lib/stepper.ts';
import {
  INITIAL_ROOM,
  mediasoupClientMachine,
  reduceRoom,
  type MediasoupClientEvent,
  type RoomModel,
} from './mediasoupClientMachine.ts';
import {
  entriesOf,
  entry,
  keysOf,
  recordOf,
  sizeOf,
  valuesOf,
} from './mediasoupClientMachine.tables.ts';

type Snap = SnapshotFrom<typeof mediasoupClientMachine>;
type Ev = MediasoupClientEvent;

const step = (s: Snap, e: Ev): Snap =>
  s.status === 'active' ? transition(mediasoupClientMachine, s, e)[0] : s;
const run = (events: readonly Ev[], from = initialTransition(mediasoupClientMachine)[0]) =>
  events.reduce(step, from);

const OPEN: Ev = { type: 'ws.open' };
const close = (code = 1006): Ev => ({ type: 'ws.close', code });
const req = (id: number, method: string, data: unknown = {}, seq = 0): Ev => ({
  type: 'ms.request',
  id,
  method,
  data,
  seq,
});
const res = (id: number, ok: boolean, data: unknown = {}, seq = 0): Ev => ({
  type: 'ms.response',
  id,
  ok,
  data,
  seq,
  ...(ok ? {} : { errorCode: 500, errorReason: 'boom' }),
});
const sreq = (id: number, method: string, data: unknown, seq = 0, t = 0): Ev => ({
  type: 'ms.serverRequest',
  id,
  method,
  data,
  seq,
  t,
});
const answer = (id: number, ok: boolean, seq = 0): Ev => ({ type: 'ms.clientAnswer', id, ok, seq });
const note = (method: string, data: unknown, seq = 0): Ev => ({
  type: 'ms.notification',
  method,
  data,
  seq,
});

// ── the graph walk ─────────────────────────────────────────────────────────

/** The time of the graph's one late tick: after the deadline of every request sent at 0. */
const LATE = 100_000;

/**
 * What changes the machine's behaviour: the state, the Device, which requests are pending,
 * whether they are cut and whether the late tick times them out.
 */
function serialize(s: Snap): string {
  const room = s.context.room;
  const pending = entriesOf(room.pending)
    .map(([id, p]) => `${id}:${p.method}${p.cut ? ':cut' : ''}${p.deadline < LATE ? ':due' : ''}`)
    .sort();
  return JSON.stringify([s.value, room.capabilitiesLoaded, room.joined, pending]);
}

const GRAPH_EVENTS: readonly Ev[] = [
  OPEN,
  close(1006),
  close(4000),
  { type: 'clock.tick', t: 1 },
  { type: 'clock.tick', t: LATE },
  { type: 'ms.version', version: '3.14.16' },
  req(1, 'getRouterRtpCapabilities'),
  req(2, 'join', { displayName: 'Ada' }),
  req(3, 'createWebRtcTransport', { producing: true }),
  res(1, true, { codecs: [] }),
  res(1, false),
  res(2, true, { peers: [] }),
  res(2, false),
  sreq(4, 'newConsumer', { id: 'c1', producerId: 'p1', peerId: 'x', kind: 'audio' }),
  answer(4, true),
  note('activeSpeaker', { peerId: 'x' }),
  {
    type: 'ms.clientNotification',
    method: 'changeDisplayName',
    data: { displayName: 'B' },
    seq: 0,
  },
  { type: 'pc.event', pc: 'send-pc', event: 'connectionstatechange', value: 'failed', seq: 0 },
];
const eventsFor = (s: Snap): readonly Ev[] => (s.status === 'active' ? GRAPH_EVENTS : []);

/**
 * The expected state after `e` in `s`, written from protocol.md §2.2 and §1 (not from the
 * machine's definition): protoo-client gives up on a request `1500 · (15 + 0.1 · pending)`
 * ms after sending it, pending counting the requests it already waited for.
 */
function expectedValue(s: Snap, e: Ev): string {
  const value = s.value;
  if (value === 'closed') return 'closed';
  switch (e.type) {
    case 'clock.tick': {
      // A request of the current socket (a close cuts them) that the tick finds past its timeout.
      const expires = (method: string): boolean =>
        valuesOf(s.context.room.pending).some(
          (p) => p.method === method && !p.cut && p.deadline < e.t,
        );
      if (value === 'gettingCapabilities' && expires('getRouterRtpCapabilities')) {
        return 'connected';
      }
      if (value === 'joining' && expires('join')) {
        return s.context.room.capabilitiesLoaded ? 'ready' : 'connected';
      }
      return value;
    }
    case 'ws.close':
      if (e.code === 4000) return 'closed';
      return value === 'idle' ? 'idle' : 'disconnected';
    case 'ws.open':
      if (value === 'idle') return 'connected';
      if (value === 'disconnected') return 'rejoining';
      return value;
    case 'ms.request':
      if (e.method === 'getRouterRtpCapabilities' && ['connected', 'rejoining'].includes(value)) {
        return 'gettingCapabilities';
      }
      if (
        e.method === 'join' &&
        ['connected', 'rejoining', 'gettingCapabilities', 'ready'].includes(value)
      ) {
        return 'joining';
      }
      return value;
    case 'ms.response': {
      const method = entry(s.context.room.pending, String(e.id))?.method;
      if (value === 'gettingCapabilities' && method === 'getRouterRtpCapabilities') {
        return e.ok ? 'ready' : 'connected';
      }
      if (value === 'joining' && method === 'join') {
        if (e.ok) return 'joined';
        return s.context.room.capabilitiesLoaded ? 'ready' : 'connected';
      }
      return value;
    }
    default:
      return value;
  }
}

const graph = machineGraph(mediasoupClientMachine);
const transitionKey = (source: string, target: string, event: string, guard?: string) =>
  `${source} -> ${target} on ${event}${guard === undefined ? '' : ` [${guard}]`}`;
const ALL_TRANSITIONS = new Set(
  graph.transitions.map((t) => transitionKey(t.source, t.target, t.event, t.guard)),
);
const ALL_STATES = graph.states.filter((s) => s.type !== 'compound').map((s) => s.key);

function taken(s: Snap, e: Ev): string[] {
  if (s.status !== 'active') return [];
  return mediasoupClientMachine.getTransitionData(s, e).map((t) => {
    const target = t.target?.[0]?.id ?? t.source.id;
    return transitionKey(t.source.id, target, t.eventType, describeGuard(t.guard));
  });
}

describe('mediasoupClientMachine, walked from its definition with @xstate/graph', () => {
  const traversal = { events: eventsFor, serializeState: serialize };

  it('has the top-level states of the room client', () => {
    expect(ALL_STATES).toEqual([
      'idle',
      'connected',
      'gettingCapabilities',
      'ready',
      'joining',
      'joined',
      'disconnected',
      'rejoining',
      'closed',
    ]);
  });

  it('every edge of the reachable graph goes where §2.2 says; every transition is taken', () => {
    const adjacency = getAdjacencyMap(mediasoupClientMachine, traversal);
    const covered = new Set<string>();
    const seen = new Set<string>();
    let edges = 0;
    const nodes = Object.values(adjacency) as unknown as {
      state: Snap;
      transitions: Record<string, { event: Ev }>;
    }[];
    for (const { state, transitions } of nodes) {
      seen.add(stateKey(state.value));
      for (const { event } of Object.values(transitions)) {
        const next = step(state, event);
        expect(next.value, `${state.value} + ${JSON.stringify(event)}`).toBe(
          expectedValue(state, event),
        );
        for (const key of taken(state, event)) covered.add(key);
        edges++;
      }
    }
    expect(edges).toBeGreaterThan(300);
    expect([...seen].sort()).toEqual([...ALL_STATES].sort());
    expect([...ALL_TRANSITIONS].filter((k) => !covered.has(k))).toEqual([]);
    expect([...covered].filter((k) => !ALL_TRANSITIONS.has(k))).toEqual([]);
  });

  it('every shortest path replays step by step as predicted and reaches every state', () => {
    const paths = getShortestPaths(mediasoupClientMachine, traversal);
    const ends = new Set<string>();
    for (const path of paths) {
      let s = initialTransition(mediasoupClientMachine)[0];
      for (const { event, state } of path.steps) {
        const next = step(s, event);
        expect(next.value).toBe(expectedValue(s, event));
        expect(serialize(next)).toBe(serialize(state));
        s = next;
      }
      ends.add(stateKey(s.value));
    }
    expect([...ends].sort()).toEqual([...ALL_STATES].sort());
  });

  it('runs the legacy join sequence, drops, rejoins, and ends on 4000', () => {
    const events: Ev[] = [
      OPEN,
      { type: 'ms.version', version: '3.14.16' },
      req(1, 'getRouterRtpCapabilities'),
      res(1, true, { codecs: [] }),
      req(2, 'createWebRtcTransport', { producing: true, consuming: false }),
      res(2, true, { id: 'T1' }),
      req(3, 'join', { displayName: 'Ada' }),
      res(3, true, { peers: [{ id: 'p', displayName: 'Grace' }] }),
      close(1006),
      close(1006),
      OPEN,
      req(4, 'getRouterRtpCapabilities'),
      res(4, true, {}),
      req(5, 'join', {}),
      res(5, true, { peers: [] }),
      close(4000),
      OPEN,
    ];
    const values: string[] = [];
    let s = initialTransition(mediasoupClientMachine)[0];
    for (const e of events) {
      s = step(s, e);
      values.push(s.value);
    }
    expect(values).toEqual([
      'connected',
      'connected',
      'gettingCapabilities',
      'ready',
      'ready',
      'ready',
      'joining',
      'joined',
      'disconnected',
      'disconnected',
      'rejoining',
      'gettingCapabilities',
      'ready',
      'joining',
      'joined',
      'closed',
      'closed',
    ]);
    expect(s.status).toBe('done');
    expect(s.context.room).toMatchObject({ epoch: 2, closeCode: 4000, joined: false });
  });

  it('an observer joins straight from connected; a refused join goes back', () => {
    expect(run([OPEN, req(1, 'join'), res(1, true, { peers: [] })]).value).toBe('joined');
    expect(run([OPEN, req(1, 'join'), res(1, false)]).value).toBe('connected');
    const withDevice = run([OPEN, req(1, 'getRouterRtpCapabilities'), res(1, true)]);
    expect(run([req(2, 'join'), res(2, false)], withDevice).value).toBe('ready');
    expect(run([OPEN, req(1, 'getRouterRtpCapabilities'), res(1, false)]).value).toBe('connected');
  });

  it('a response that answers another request does not move the join sequence', () => {
    const s = run([
      OPEN,
      req(1, 'getRouterRtpCapabilities'),
      req(2, 'createWebRtcTransport', { producing: true }),
      res(2, true, { id: 'T' }),
    ]);
    expect(s.value).toBe('gettingCapabilities');
    expect(keysOf(s.context.room.transports)).toEqual(['T']);
  });
});

// ── the room reducer ──────────────────────────────────────────────────────

const reduceAll = (events: readonly Ev[], from: RoomModel = INITIAL_ROOM): RoomModel =>
  events.reduce(reduceRoom, from);

/** A joined legacy client with a send (TS) and a recv (TR) transport. */
const LEGACY_JOINED: Ev[] = [
  OPEN,
  req(1, 'getRouterRtpCapabilities'),
  res(1, true, { codecs: [] }),
  req(2, 'createWebRtcTransport', { forceTcp: false, producing: true, consuming: false }),
  res(2, true, { id: 'TS' }),
  req(3, 'createWebRtcTransport', { forceTcp: false, producing: false, consuming: true }),
  res(3, true, { id: 'TR' }),
  req(4, 'join', { displayName: 'Ada', device: { flag: 'chrome' } }),
  res(4, true, { peers: [{ id: 'g', displayName: 'Grace', device: { name: 'Firefox' } }] }),
];
/** The same in the new dialect. */
const NEW_JOINED: Ev[] = [
  OPEN,
  req(1, 'getRouterRtpCapabilities'),
  res(1, true, { routerRtpCapabilities: {} }),
  req(2, 'createWebRtcTransport', { forceTcp: false, appData: { direction: 'producer' } }),
  res(2, true, { transportId: 'TS' }),
  req(3, 'createWebRtcTransport', { forceTcp: false, appData: { direction: 'consumer' } }),
  res(3, true, { transportId: 'TR' }),
  req(4, 'join', { displayName: 'Ada' }),
  res(4, true, {
    peers: [{ peerId: 'g', displayName: 'Grace', device: { name: 'Firefox' }, remoteAddress: 'x' }],
  }),
];

describe.each([
  ['legacy', LEGACY_JOINED],
  ['new', NEW_JOINED],
] as const)('reduceRoom, %s dialect', (dialect, joinedEvents) => {
  const joined = reduceAll(joinedEvents);
  const isNew = dialect === 'new';

  it('joins: Device loaded, both transports new, peers from the join response', () => {
    expect(joined).toMatchObject({ capabilitiesLoaded: true, joined: true, displayName: 'Ada' });
    expect(entry(joined.transports, 'TS')).toMatchObject({ direction: 'send', connect: 'new' });
    expect(entry(joined.transports, 'TR')).toMatchObject({ direction: 'recv', connect: 'new' });
    expect(entry(joined.peers, 'g')).toMatchObject({
      displayName: 'Grace',
      device: { name: 'Firefox', flag: null },
      present: true,
    });
    expect(joined.problems).toEqual([]);
    expect(sizeOf(joined.pending)).toBe(0);
  });

  it('connects a transport once: connecting, then connected; a second connect is a problem', () => {
    let room = reduceAll([req(10, 'connectWebRtcTransport', { transportId: 'TS' }, 20)], joined);
    expect(entry(room.transports, 'TS')?.connect).toBe('connecting');
    room = reduceRoom(room, res(10, true, {}));
    expect(entry(room.transports, 'TS')?.connect).toBe('connected');
    room = reduceAll([req(11, 'connectWebRtcTransport', { transportId: 'TS' }, 30)], room);
    expect(room.problems).toEqual([
      expect.objectContaining({ seq: 30, code: 'second-connect', subject: 'TS' }),
    ]);
    room = reduceRoom(room, res(11, false));
    expect(entry(room.transports, 'TS')).toMatchObject({
      connect: 'connected',
      connectRequests: 2,
    });
    const failed = reduceAll(
      [req(12, 'connectWebRtcTransport', { transportId: 'TR' }), res(12, false)],
      joined,
    );
    expect(entry(failed.transports, 'TR')?.connect).toBe('failed');
  });

  it('produces on the send transport; pause / resume / close; producerScore', () => {
    const paused: Ev = isNew
      ? {
          type: 'ms.clientNotification',
          method: 'pauseProducer',
          data: { producerId: 'P' },
          seq: 0,
        }
      : req(21, 'pauseProducer', { producerId: 'P' });
    let room = reduceAll(
      [
        req(20, 'produce', { transportId: 'TS', kind: 'video', rtpParameters: {} }),
        res(20, true, isNew ? { producerId: 'P' } : { id: 'P' }),
        paused,
      ],
      joined,
    );
    expect(entry(room.producers, 'P')).toMatchObject({
      transportId: 'TS',
      kind: 'video',
      paused: true,
    });
    room = reduceAll(
      [
        note('producerScore', { producerId: 'P', score: [{ score: 9 }, { score: 7 }, 'x'] }),
        isNew
          ? {
              type: 'ms.clientNotification',
              method: 'closeProducer',
              data: { producerId: 'P' },
              seq: 0,
            }
          : req(22, 'closeProducer', { producerId: 'P' }),
      ],
      room,
    );
    expect(entry(room.producers, 'P')).toMatchObject({ scores: [9, 7], closed: true });
    expect(room.problems).toEqual([]);
  });

  it('offers consumers paused; accepting resumes them; notifications update them', () => {
    const offer = isNew
      ? {
          peerId: 'g',
          transportId: 'TR',
          consumerId: 'C',
          producerId: 'PG',
          kind: 'video',
          type: 'simulcast',
          producerPaused: false,
          consumerScore: { score: 10, producerScore: 9 },
        }
      : {
          peerId: 'g',
          producerId: 'PG',
          id: 'C',
          kind: 'video',
          type: 'simulcast',
          producerPaused: false,
        };
    let room = reduceAll([sreq(30, 'newConsumer', offer, 40)], joined);
    expect(entry(room.consumers, 'C')).toMatchObject({
      producerId: 'PG',
      peerId: 'g',
      kind: 'video',
      state: 'offered',
      paused: true,
      closed: false,
    });
    room = reduceRoom(room, answer(30, true));
    expect(entry(room.consumers, 'C')).toMatchObject({ state: 'accepted', paused: false });
    room = reduceAll(
      [
        note('consumerScore', { consumerId: 'C', score: { score: 8, producerScore: 7 } }),
        note(
          'consumerLayersChanged',
          isNew
            ? { consumerId: 'C', layers: { spatialLayer: 2, temporalLayer: 1 } }
            : { consumerId: 'C', spatialLayer: 2, temporalLayer: 1 },
        ),
        note('consumerPaused', { consumerId: 'C' }),
      ],
      room,
    );
    expect(entry(room.consumers, 'C')).toMatchObject({
      score: 8,
      producerScore: 7,
      layers: { spatialLayer: 2, temporalLayer: 1 },
      producerPaused: true,
    });
    room = reduceAll(
      [
        note('consumerResumed', { consumerId: 'C' }),
        note(
          'consumerLayersChanged',
          isNew
            ? { consumerId: 'C' }
            : { consumerId: 'C', spatialLayer: null, temporalLayer: null },
        ),
        note('consumerClosed', { consumerId: 'C' }),
      ],
      room,
    );
    expect(entry(room.consumers, 'C')).toMatchObject({
      producerPaused: false,
      layers: null,
      closed: true,
    });
    expect(room.problems).toEqual([]);
  });

  it('a rejected newConsumer stays paused: consumer-left-paused', () => {
    const offer = isNew ? { consumerId: 'C', kind: 'audio' } : { id: 'C', kind: 'audio' };
    const room = reduceAll([sreq(31, 'newConsumer', offer, 40), answer(31, false, 41)], joined);
    expect(entry(room.consumers, 'C')).toMatchObject({ state: 'rejected', paused: true });
    expect(room.problems).toEqual([
      expect.objectContaining({ seq: 41, code: 'consumer-left-paused', subject: 'C' }),
    ]);
  });

  it('an unanswered newConsumer times out after 30 s (+200 ms per pending) and stays paused', () => {
    const a = isNew ? { consumerId: 'A' } : { id: 'A' };
    const b = isNew ? { consumerId: 'B' } : { id: 'B' };
    let room = reduceAll(
      [sreq(32, 'newConsumer', a, 50, 1000), sreq(33, 'newConsumer', b, 51, 1000)],
      joined,
    );
    expect(entry(room.serverPending, '33')?.deadline).toBe(1000 + 30_200);
    room = reduceRoom(room, { type: 'clock.tick', t: 30_999 });
    expect(entry(room.consumers, 'A')?.state).toBe('offered');
    room = reduceRoom(room, { type: 'clock.tick', t: 31_000 });
    expect(entry(room.consumers, 'A')).toMatchObject({ state: 'unanswered', paused: true });
    expect(entry(room.consumers, 'B')?.state).toBe('offered');
    room = reduceAll([answer(33, true), { type: 'clock.tick', t: 99_000 }], room);
    expect(entry(room.consumers, 'B')?.state).toBe('accepted');
    expect(room.problems).toEqual([
      expect.objectContaining({ seq: 50, code: 'consumer-left-paused', subject: 'A' }),
    ]);
    // a late answer to a timed-out request changes nothing
    expect(reduceRoom(room, answer(32, true))).toBe(room);
  });

  it('data producers and data consumers (the bot has no peer)', () => {
    let room = reduceAll(
      [
        req(40, 'produceData', { transportId: 'TS', label: 'chat', protocol: '' }),
        res(40, true, isNew ? { dataProducerId: 'DP' } : { id: 'DP' }),
        sreq(
          41,
          'newDataConsumer',
          isNew
            ? {
                transportId: 'TR',
                dataConsumerId: 'DC',
                dataProducerId: 'X',
                label: 'bot',
                appData: { channel: 'bot' },
              }
            : { peerId: null, dataProducerId: 'X', id: 'DC', label: 'bot' },
        ),
        answer(41, true),
        sreq(
          42,
          'newDataConsumer',
          isNew ? { dataConsumerId: 'DR', peerId: 'g' } : { id: 'DR', peerId: 'g' },
        ),
        answer(42, false),
      ],
      joined,
    );
    expect(entry(room.dataProducers, 'DP')).toMatchObject({
      label: 'chat',
      transportId: 'TS',
      closed: false,
    });
    expect(entry(room.dataConsumers, 'DC')).toMatchObject({
      peerId: null,
      label: 'bot',
      state: 'accepted',
    });
    expect(entry(room.dataConsumers, 'DR')).toMatchObject({ peerId: 'g', state: 'rejected' });
    room = reduceRoom(room, note('dataConsumerClosed', { dataConsumerId: 'DC' }));
    expect(entry(room.dataConsumers, 'DC')?.closed).toBe(true);
    expect(room.problems).toEqual([]);
  });

  it('remote peers join, rename and leave; the active speaker', () => {
    const newPeer = isNew
      ? { peer: { peerId: 'm', displayName: 'Margaret', device: { flag: 'chrome' } } }
      : { id: 'm', displayName: 'Margaret', device: { flag: 'chrome' } };
    let room = reduceAll(
      [
        note('newPeer', newPeer, 60),
        note('peerDisplayNameChanged', {
          peerId: 'm',
          displayName: 'Meg',
          oldDisplayName: 'Margaret',
        }),
        note('activeSpeaker', isNew ? { peerId: 'm' } : { peerId: 'm', volume: -40 }),
      ],
      joined,
    );
    expect(entry(room.peers, 'm')).toMatchObject({
      displayName: 'Meg',
      present: true,
      joinedSeq: 60,
    });
    expect(room.activeSpeaker).toEqual({ peerId: 'm', volume: isNew ? null : -40 });
    room = reduceAll(
      [
        note('activeSpeaker', isNew ? {} : { peerId: null }),
        note('peerClosed', { peerId: 'm' }, 61),
      ],
      room,
    );
    expect(room.activeSpeaker).toBeNull();
    expect(entry(room.peers, 'm')).toMatchObject({ present: false, leftSeq: 61 });
    const renamed = reduceRoom(
      room,
      isNew
        ? {
            type: 'ms.clientNotification',
            method: 'changeDisplayName',
            data: { displayName: 'A.' },
            seq: 0,
          }
        : req(62, 'changeDisplayName', { displayName: 'A.' }),
    );
    expect(renamed.displayName).toBe('A.');
  });

  it('join twice, produce on an unknown transport', () => {
    const room = reduceAll(
      [
        req(50, 'join', { displayName: 'Ada' }, 70),
        res(50, false),
        req(51, 'produce', { transportId: 'nope', kind: 'audio' }, 71),
        res(51, false),
      ],
      joined,
    );
    expect(room.problems.map((p) => [p.seq, p.code, p.subject])).toEqual([
      [70, 'join-twice', 'join'],
      [71, 'unknown-transport', 'nope'],
    ]);
    expect(room.joined).toBe(true);
  });
});

describe('reduceRoom, out-of-order calls and connections', () => {
  it('produce and produceData before join', () => {
    const room = reduceAll([
      OPEN,
      req(1, 'createWebRtcTransport', { producing: true }),
      res(1, true, { id: 'T' }),
      req(2, 'produce', { transportId: 'T', kind: 'audio' }, 5),
      res(2, false),
      req(3, 'produceData', { transportId: 'T' }, 6),
    ]);
    expect(room.problems.map((p) => [p.seq, p.code])).toEqual([
      [5, 'before-join'],
      [6, 'before-join'],
    ]);
    expect(sizeOf(room.producers)).toBe(0);
  });

  it('a join sent while another is in flight is join-twice too', () => {
    const room = reduceAll([OPEN, req(1, 'join'), req(2, 'join', {}, 9)]);
    expect(room.problems).toEqual([expect.objectContaining({ seq: 9, code: 'join-twice' })]);
  });

  it('after a reconnection the old transport ids are unknown and the room starts empty', () => {
    let room = reduceAll([
      ...LEGACY_JOINED,
      sreq(9, 'newConsumer', { id: 'C' }),
      answer(9, true),
      note('activeSpeaker', { peerId: 'g', volume: -3 }),
      close(1006),
    ]);
    expect(room).toMatchObject({
      open: false,
      joined: false,
      activeSpeaker: null,
      closeCode: 1006,
    });
    expect(entry(room.transports, 'TS')?.closed).toBe(true);
    expect(entry(room.consumers, 'C')?.closed).toBe(true);
    room = reduceAll([OPEN, req(10, 'connectWebRtcTransport', { transportId: 'TS' }, 80)], room);
    expect(room).toMatchObject({ epoch: 2, open: true });
    expect([room.transports, room.consumers, room.peers].map(sizeOf)).toEqual([0, 0, 0]);
    expect(room.problems).toEqual([
      expect.objectContaining({ seq: 80, code: 'unknown-transport', subject: 'TS' }),
    ]);
  });
});

/** A request with its capture time, as the driver sends it. */
const reqAt = (id: number, method: string, data: unknown, seq: number, t: number): Ev => ({
  type: 'ms.request',
  id,
  method,
  data,
  seq,
  t,
});
const tick = (t: number): Ev => ({ type: 'clock.tick', t });
/** protoo-client's timeout for a request sent with `pending` others in flight (§1). */
const CLIENT_TIMEOUT = requestTimeoutMs('client', 0);

describe('client request timeouts (protoo-client gives up, §1)', () => {
  const withDevice: Ev[] = [
    OPEN,
    reqAt(1, 'getRouterRtpCapabilities', {}, 1, 0),
    res(1, true, { codecs: [] }, 2),
  ];

  it('a join that times out: not joined, back to ready, request-timeout; a late answer joins nothing', () => {
    let s = run([...withDevice, reqAt(2, 'join', { displayName: 'Ada' }, 3, 10)]);
    expect(s.value).toBe('joining');
    expect(entry(s.context.room.pending, '2')?.deadline).toBe(10 + CLIENT_TIMEOUT);
    expect(s.context.room.nextDeadline).toBe(10 + CLIENT_TIMEOUT);
    // at the deadline itself protoo-client still takes the answer (as the analysis does)
    s = step(s, tick(10 + CLIENT_TIMEOUT));
    expect(s.value).toBe('joining');
    s = step(s, tick(10 + CLIENT_TIMEOUT + 1));
    expect(s.value).toBe('ready');
    expect(s.context.room).toMatchObject({ joined: false, nextDeadline: Infinity });
    expect(sizeOf(s.context.room.pending)).toBe(0);
    expect(s.context.room.problems).toEqual([
      expect.objectContaining({ seq: 3, code: 'request-timeout', subject: 'join' }),
    ]);
    s = step(s, res(2, true, { peers: [{ id: 'g', displayName: 'Grace' }] }, 9));
    expect(s.value).toBe('ready');
    expect(s.context.room.joined).toBe(false);
    expect([s.context.room.peers, s.context.room.timedOut].map(sizeOf)).toEqual([0, 0]);
    expect(s.context.room.problems.map((p) => [p.seq, p.code, p.subject])).toEqual([
      [3, 'request-timeout', 'join'],
      [9, 'late-response', 'join'],
    ]);
  });

  it('without a Device a timed-out join goes back to connected; capabilities time out too', () => {
    const join = run([OPEN, reqAt(1, 'join', {}, 1, 0), tick(CLIENT_TIMEOUT + 1)]);
    expect(join.value).toBe('connected');
    const caps = run([OPEN, reqAt(1, 'getRouterRtpCapabilities', {}, 1, 0)]);
    expect(step(caps, tick(CLIENT_TIMEOUT)).value).toBe('gettingCapabilities');
    const gaveUp = run([tick(CLIENT_TIMEOUT + 1), res(1, true, { codecs: [] }, 5)], caps);
    expect(gaveUp.value).toBe('connected');
    expect(gaveUp.context.room.capabilitiesLoaded).toBe(false);
    expect(gaveUp.context.room.problems.map((p) => [p.code, p.subject])).toEqual([
      ['request-timeout', 'getRouterRtpCapabilities'],
      ['late-response', 'getRouterRtpCapabilities'],
    ]);
  });

  it('each request already in flight adds 150 ms to the next one’s timeout', () => {
    const room = reduceAll([
      OPEN,
      reqAt(1, 'getTransportStats', {}, 1, 0),
      reqAt(2, 'getTransportStats', {}, 2, 0),
      reqAt(3, 'getTransportStats', {}, 3, 5),
    ]);
    expect([1, 2, 3].map((id) => entry(room.pending, String(id))?.deadline)).toEqual([
      requestTimeoutMs('client', 0),
      requestTimeoutMs('client', 1),
      5 + requestTimeoutMs('client', 2),
    ]);
    expect(requestTimeoutMs('client', 1) - requestTimeoutMs('client', 0)).toBe(150);
  });

  it('the driver’s deadline (the analysis’ own) is used when given', () => {
    const room = reduceRoom(reduceRoom(INITIAL_ROOM, OPEN), {
      type: 'ms.request',
      id: 1,
      method: 'join',
      data: {},
      seq: 1,
      t: 0,
      deadline: 777,
    });
    expect(entry(room.pending, '1')?.deadline).toBe(777);
    expect(reduceRoom(room, tick(778)).joined).toBe(false);
    expect(reduceRoom(room, tick(778)).problems[0]?.code).toBe('request-timeout');
  });

  it('a request cut by a socket close is not a timeout and does not block the rejoin', () => {
    let room = reduceAll([
      OPEN,
      reqAt(1, 'join', {}, 1, 0),
      reqAt(2, 'getTransportStats', {}, 2, 0),
      close(1006),
    ]);
    expect(entry(room.pending, '1')).toMatchObject({ cut: true });
    // protoo-client keeps counting cut requests until their timer runs out
    room = reduceAll([OPEN, reqAt(3, 'join', {}, 5, 100)], room);
    expect(entry(room.pending, '3')?.deadline).toBe(100 + requestTimeoutMs('client', 2));
    room = reduceAll([tick(CLIENT_TIMEOUT + 1), res(3, true, { peers: [] }, 7)], room);
    expect(room.joined).toBe(true);
    // only the cut getTransportStats is left, until its own (later) deadline
    expect(keysOf(room.pending)).toEqual(['2']);
    expect(entry(room.pending, '2')?.cut).toBe(true);
    expect(room.problems).toEqual([]);
  });

  it('code 4000 closes the client Peer: nothing is left pending', () => {
    const room = reduceAll([OPEN, reqAt(1, 'join', {}, 1, 0), close(4000)]);
    expect(sizeOf(room.pending)).toBe(0);
    expect(room.nextDeadline).toBe(Infinity);
  });

  it('a response the analysis calls late is dropped even if the model still waits for it', () => {
    const room = reduceAll([
      ...withDevice,
      reqAt(2, 'join', {}, 3, 10),
      {
        type: 'ms.response',
        id: 2,
        method: 'join',
        ok: true,
        data: { peers: [] },
        seq: 4,
        late: true,
      },
    ]);
    expect(room.joined).toBe(false);
    expect(sizeOf(room.pending)).toBe(0);
    expect(room.problems.map((p) => p.code)).toEqual(['late-response']);
  });
});

describe.each([
  ['legacy', LEGACY_JOINED],
  ['new', NEW_JOINED],
] as const)('client request timeouts on a joined client, %s dialect', (dialect, joinedEvents) => {
  const isNew = dialect === 'new';
  const joined = reduceAll([...joinedEvents, tick(1000)]);
  const after = 1000 + CLIENT_TIMEOUT + 1;

  it('produce and produceData that time out make nothing, even when answered late', () => {
    const room = reduceAll(
      [
        reqAt(20, 'produce', { transportId: 'TS', kind: 'audio' }, 20, 1000),
        reqAt(21, 'produceData', { transportId: 'TS', label: 'chat' }, 21, 1000),
        tick(after + 150),
        res(20, true, isNew ? { producerId: 'P' } : { id: 'P' }, 30),
        res(21, true, isNew ? { dataProducerId: 'D' } : { id: 'D' }, 31),
      ],
      joined,
    );
    expect(sizeOf(room.producers)).toBe(0);
    expect(sizeOf(room.dataProducers)).toBe(0);
    expect(room.problems.map((p) => [p.seq, p.code, p.subject])).toEqual([
      [20, 'request-timeout', 'produce'],
      [21, 'request-timeout', 'produceData'],
      [30, 'late-response', 'produce'],
      [31, 'late-response', 'produceData'],
    ]);
    expect(room.problems[0]?.message).toContain('on transport TS');
  });

  it('a createWebRtcTransport that times out creates no transport', () => {
    const data = isNew ? { appData: { direction: 'producer' } } : { producing: true };
    const room = reduceAll(
      [
        reqAt(22, 'createWebRtcTransport', data, 22, 1000),
        tick(after),
        res(22, true, isNew ? { transportId: 'T9' } : { id: 'T9' }, 40),
      ],
      joined,
    );
    expect(keysOf(room.transports)).toEqual(['TS', 'TR']);
    expect(room.problems.map((p) => p.code)).toEqual(['request-timeout', 'late-response']);
  });

  it('a connect that times out leaves the transport failed; mediasoup-client’s next connect is no problem', () => {
    let room = reduceAll(
      [reqAt(23, 'connectWebRtcTransport', { transportId: 'TS' }, 23, 1000), tick(after)],
      joined,
    );
    expect(entry(room.transports, 'TS')).toMatchObject({ connect: 'failed', connectRequests: 1 });
    // the failed connect made produce() fail; the next produce emits `connect` again
    room = reduceAll(
      [reqAt(24, 'connectWebRtcTransport', { transportId: 'TS' }, 24, after + 10)],
      room,
    );
    expect(entry(room.transports, 'TS')).toMatchObject({
      connect: 'connecting',
      connectRequests: 2,
    });
    room = reduceRoom(room, res(24, true, {}, 25));
    expect(entry(room.transports, 'TS')?.connect).toBe('connected');
    expect(room.problems.map((p) => [p.code, p.subject])).toEqual([
      ['request-timeout', 'connectWebRtcTransport'],
    ]);
  });
});

// ── transport connection states from pc events ────────────────────────────

const pcEv = (pc: string, event: string, value?: unknown, seq = 0): Ev =>
  value === undefined
    ? { type: 'pc.event', pc, event, seq }
    : { type: 'pc.event', pc, event, value, seq };
const sdp = (ufrag: string | null): string =>
  `v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\nm=audio 7 UDP/TLS/RTP/SAVPF 100\r\n${
    ufrag === null ? '' : `a=ice-ufrag:${ufrag}\r\n`
  }a=ice-pwd:x\r\n`;
const transportReply = (isNew: boolean, id: string, ufrag: string) => ({
  ...(isNew ? { transportId: id } : { id }),
  iceParameters: { usernameFragment: ufrag, password: 'p', iceLite: true },
});
const createTransport = (
  isNew: boolean,
  reqId: number,
  id: string,
  send: boolean,
  ufrag: string,
) => [
  req(
    reqId,
    'createWebRtcTransport',
    isNew
      ? { appData: { direction: send ? 'producer' : 'consumer' } }
      : { producing: send, consuming: !send },
  ),
  res(reqId, true, transportReply(isNew, id, ufrag)),
];

describe.each([
  ['legacy', false],
  ['new', true],
] as const)('transport connection states from pc events, %s dialect', (_dialect, isNew) => {
  /** Joined, with a send transport TS (ufrag uf-send) and a recv transport TR (uf-recv). */
  const joined = reduceAll([
    OPEN,
    req(1, 'getRouterRtpCapabilities'),
    res(1, true, {}),
    ...createTransport(isNew, 2, 'TS', true, 'uf-send'),
    ...createTransport(isNew, 3, 'TR', false, 'uf-recv'),
    req(4, 'join', {}),
    res(4, true, { peers: [] }),
  ]);
  const state = (room: RoomModel, id: string) => {
    const t = entry(room.transports, id);
    return t === undefined ? undefined : [t.connectionState, t.pc, t.pcRule];
  };

  it('transports start new and keep the server’s ICE ufrag', () => {
    expect(entry(joined.transports, 'TS')).toMatchObject({
      connectionState: 'new',
      usernameFragment: 'uf-send',
      pc: null,
      pcRule: null,
      iceConnectionState: null,
    });
  });

  it('rule create: the create event’s transportId decides, over the pc’s name', () => {
    const room = reduceAll(
      [
        pcEv('send-pc', 'create', { transportId: 'TR' }),
        pcEv('send-pc', 'connectionstatechange', 'connecting'),
      ],
      joined,
    );
    expect(state(room, 'TR')).toEqual(['connecting', 'send-pc', 'create']);
    expect(state(room, 'TS')).toEqual(['new', null, null]);
    expect(entry(room.pcs, 'send-pc')).toMatchObject({ transportId: 'TR', rule: 'create' });
  });

  it('a pc that names a transport not created yet waits for it (its states follow)', () => {
    let room = reduceAll(
      [
        pcEv('send-pc', 'create', { transportId: 'T3' }),
        pcEv('send-pc', 'connectionstatechange', 'connected', 7),
      ],
      joined,
    );
    expect(state(room, 'TS')).toEqual(['new', null, null]);
    expect(entry(room.pcs, 'send-pc')).toMatchObject({
      transportId: null,
      connectionState: 'connected',
    });
    room = reduceAll(createTransport(isNew, 5, 'T3', true, 'uf-3'), room);
    expect(state(room, 'T3')).toEqual(['connected', 'send-pc', 'create']);
  });

  it('rule ice-ufrag: the remote SDP’s ufrag decides, over the offer’s direction', () => {
    // a remote answer would say "send", the ufrag says TR
    const room = reduceAll(
      [
        pcEv('pc-b', 'setRemoteDescription', { type: 'answer', sdp: sdp('uf-recv') }),
        pcEv('pc-b', 'connectionstatechange', 'connected'),
      ],
      joined,
    );
    expect(state(room, 'TR')).toEqual(['connected', 'pc-b', 'ice-ufrag']);
    expect(state(room, 'TS')?.[0]).toBe('new');
  });

  it('ice-ufrag: a pc seen first is tied when its transport is created; restartIce updates the ufrag', () => {
    let room = reduceAll(
      [
        pcEv('pc-e', 'setRemoteDescription', { type: 'offer', sdp: sdp('uf-4') }),
        pcEv('pc-e', 'connectionstatechange', 'connecting'),
      ],
      joined,
    );
    expect(entry(room.pcs, 'pc-e')?.transportId).toBeNull();
    room = reduceAll(createTransport(isNew, 6, 'T4', false, 'uf-4'), room);
    expect(state(room, 'T4')).toEqual(['connecting', 'pc-e', 'ice-ufrag']);
    const fresh = { usernameFragment: 'uf-new', password: 'q', iceLite: true };
    room = reduceAll(
      [
        req(7, 'restartIce', { transportId: 'TS' }),
        res(7, true, isNew ? { iceParameters: fresh } : fresh),
        pcEv('pc-f', 'setRemoteDescription', { type: 'answer', sdp: sdp('uf-new') }),
      ],
      room,
    );
    expect(entry(room.transports, 'TS')).toMatchObject({ usernameFragment: 'uf-new', pc: 'pc-f' });
    expect(entry(room.transports, 'TS')?.pcRule).toBe('ice-ufrag');
  });

  it('rule offer-direction: the offerer is the send transport’s pc, the answerer the recv one’s', () => {
    const room = reduceAll(
      [
        pcEv('pc-c', 'createOffer'),
        pcEv('pc-c', 'connectionstatechange', 'connecting'),
        pcEv('pc-d', 'setRemoteDescription', { type: 'offer', sdp: sdp(null) }),
        pcEv('pc-d', 'connectionstatechange', 'connected'),
      ],
      joined,
    );
    expect(state(room, 'TS')).toEqual(['connecting', 'pc-c', 'offer-direction']);
    expect(state(room, 'TR')).toEqual(['connected', 'pc-d', 'offer-direction']);
  });

  it('rule pc-name: send-pc* and recv-pc*; iceconnectionstatechange is kept', () => {
    const room = reduceAll(
      [
        pcEv('recv-pc', 'connectionstatechange', 'connecting'),
        pcEv('recv-pc', 'iceconnectionstatechange', 'checking'),
        pcEv('send-pc-1', 'connectionstatechange', 'connected'),
      ],
      joined,
    );
    expect(state(room, 'TR')).toEqual(['connecting', 'recv-pc', 'pc-name']);
    expect(entry(room.transports, 'TR')?.iceConnectionState).toBe('checking');
    expect(state(room, 'TS')).toEqual(['connected', 'send-pc-1', 'pc-name']);
  });

  it('an ambiguous direction or an unknown pc ties nothing, and nothing breaks', () => {
    const two = reduceAll(createTransport(isNew, 8, 'TS2', true, 'uf-s2'), joined);
    const room = reduceAll(
      [
        pcEv('send-pc', 'connectionstatechange', 'connected'),
        pcEv('weird', 'connectionstatechange', 'failed'),
        pcEv('weird', 'close'),
      ],
      two,
    );
    expect(room.transports).toEqual(two.transports);
    expect(room.problems).toEqual([]);
    expect(entry(room.pcs, 'send-pc')).toMatchObject({
      transportId: null,
      connectionState: 'connected',
    });
    expect(entry(room.pcs, 'weird')).toMatchObject({
      transportId: null,
      connectionState: 'closed',
    });
  });

  it('one pc per transport: a second pc that would take TS is left alone', () => {
    const room = reduceAll(
      [
        pcEv('send-pc', 'connectionstatechange', 'connected'),
        pcEv('pc-x', 'create', { transportId: 'TS' }),
        pcEv('pc-x', 'connectionstatechange', 'failed'),
      ],
      joined,
    );
    expect(state(room, 'TS')).toEqual(['connected', 'send-pc', 'pc-name']);
    expect(room.problems).toEqual([]);
  });

  it('failed is visible and a problem once; disconnected is not; ICE restart reconnects', () => {
    const room = reduceAll(
      [
        pcEv('send-pc', 'connectionstatechange', 'connecting', 50),
        pcEv('send-pc', 'connectionstatechange', 'connected', 51),
        pcEv('send-pc', 'connectionstatechange', 'disconnected', 52),
        pcEv('send-pc', 'connectionstatechange', 'failed', 53),
        pcEv('send-pc', 'connectionstatechange', 'failed', 54),
      ],
      joined,
    );
    expect(entry(room.transports, 'TS')?.connectionState).toBe('failed');
    expect(room.problems).toEqual([
      expect.objectContaining({ seq: 53, code: 'transport-failed', subject: 'TS' }),
    ]);
    const restarted = reduceAll(
      [
        pcEv('send-pc', 'connectionstatechange', 'connecting', 60),
        pcEv('send-pc', 'connectionstatechange', 'connected', 61),
      ],
      room,
    );
    expect(entry(restarted.transports, 'TS')?.connectionState).toBe('connected');
    expect(restarted.problems).toHaveLength(1);
  });

  it('a pc close closes its transport and what is on it, as transport.close() does', () => {
    let room = reduceAll(
      [
        req(10, 'produce', { transportId: 'TS', kind: 'audio' }),
        res(10, true, isNew ? { producerId: 'P' } : { id: 'P' }),
        sreq(11, 'newConsumer', isNew ? { consumerId: 'C', transportId: 'TR' } : { id: 'C' }),
        answer(11, true),
        sreq(
          12,
          'newDataConsumer',
          isNew ? { dataConsumerId: 'DC', transportId: 'TR' } : { id: 'DC' },
        ),
        answer(12, true),
        pcEv('recv-pc', 'connectionstatechange', 'connected'),
        pcEv('recv-pc', 'close', undefined, 70),
      ],
      joined,
    );
    expect(entry(room.transports, 'TR')).toMatchObject({ connectionState: 'closed', closed: true });
    expect(entry(room.consumers, 'C')?.closed).toBe(true);
    expect(entry(room.dataConsumers, 'DC')?.closed).toBe(true);
    expect(entry(room.producers, 'P')?.closed).toBe(false);
    // closed is final; the closed transport is no longer usable
    room = reduceAll(
      [
        pcEv('recv-pc', 'connectionstatechange', 'connected'),
        req(13, 'connectWebRtcTransport', { transportId: 'TR' }, 71),
      ],
      room,
    );
    expect(entry(room.transports, 'TR')?.connectionState).toBe('closed');
    expect(room.problems).toEqual([
      expect.objectContaining({ seq: 71, code: 'unknown-transport', subject: 'TR' }),
    ]);
    expect(room.problems[0]?.message).toContain('which is closed');
  });

  it('a socket close closes the transports; after a reconnection old pcs stay with old transports', () => {
    let room = reduceAll(
      [pcEv('send-pc', 'connectionstatechange', 'connected'), close(1006)],
      joined,
    );
    expect(entry(room.transports, 'TS')).toMatchObject({ connectionState: 'closed', closed: true });
    room = reduceAll(
      [
        OPEN,
        ...createTransport(isNew, 20, 'TS2', true, 'uf-s2'),
        pcEv('send-pc', 'connectionstatechange', 'failed'),
      ],
      room,
    );
    expect(state(room, 'TS2')).toEqual(['new', null, null]);
    expect(room.problems).toEqual([]);
    room = reduceRoom(room, pcEv('send-pc-2', 'connectionstatechange', 'connecting'));
    expect(state(room, 'TS2')).toEqual(['connecting', 'send-pc-2', 'pc-name']);
  });
});

describe('reduceRoom never throws on hostile data', () => {
  const shapes: unknown[] = [
    null,
    undefined,
    0,
    'text',
    [],
    [1, 2],
    {},
    { id: 5, consumerId: null, peerId: {}, transportId: 7 },
    {
      id: '__proto__',
      consumerId: 'toString',
      peerId: 'constructor',
      transportId: 'hasOwnProperty',
    },
    { peer: null, peers: 'x', score: 'y', layers: 3, peerVolumes: {} },
    { peers: [null, 3, { id: null }, { peerId: '__proto__' }], score: [null, { score: 'x' }] },
  ];
  const methods = [
    'getRouterRtpCapabilities',
    'createWebRtcTransport',
    'connectWebRtcTransport',
    'join',
    'produce',
    'produceData',
    'newConsumer',
    'newDataConsumer',
    'producerScore',
    'newPeer',
    'peerClosed',
    'peerDisplayNameChanged',
    'consumerClosed',
    'consumerPaused',
    'consumerResumed',
    'consumerLayersChanged',
    'consumerScore',
    'dataConsumerClosed',
    'activeSpeaker',
    'speakingPeers',
    'mediasoup-version',
    'pauseProducer',
    'changeDisplayName',
    'unknownThing',
  ];

  it('every method with every data shape, as request, response, notification and answer', () => {
    let room = reduceAll(LEGACY_JOINED);
    let id = 100;
    for (const method of methods) {
      for (const data of shapes) {
        id++;
        const events: Ev[] = [
          req(id, method, data),
          res(id, true, data),
          req(id + 10_000, method, data),
          res(id + 10_000, false, data),
          sreq(id, method, data, id, id),
          answer(id, id % 2 === 0),
          note(method, data),
          { type: 'ms.clientNotification', method, data, seq: id },
          { type: 'ms.version', version: data },
          { type: 'clock.tick', t: id * 1000 },
          { type: 'pc.event', pc: method, event: method, value: data, seq: id },
          { type: 'pc.event', pc: 'send-pc', event: 'create', value: data, seq: id },
          { type: 'pc.event', pc: 'recv-pc', event: 'setRemoteDescription', value: data, seq: id },
          {
            type: 'pc.event',
            pc: '__proto__',
            event: 'connectionstatechange',
            value: data,
            seq: id,
          },
        ];
        for (const e of events) room = reduceRoom(room, e);
      }
    }
    // prototype keys stay plain entries
    expect(entry(room.consumers, '__proto__')?.id).toBe('__proto__');
    expect(entry(room.pcs, '__proto__')?.id).toBe('__proto__');
    expect(entry(room.consumers, 'constructor')).toBeUndefined();
    const consumers = recordOf(room.consumers);
    expect(Object.getPrototypeOf(consumers)).toBe(Object.prototype);
    expect(Object.hasOwn(consumers, '__proto__')).toBe(true);
    expect(JSON.parse(JSON.stringify(room.consumers))).toEqual(consumers);
    expect(room.version).toBe('text');
    const s = run([...LEGACY_JOINED, note('newPeer', null), res(999, true, null), answer(1, true)]);
    expect(s.value).toBe('joined');
  });

  it('ignores answers and responses nobody asked for', () => {
    const room = reduceAll(LEGACY_JOINED);
    expect(reduceRoom(room, answer(424242, true))).toBe(room);
    expect(reduceRoom(room, note('consumerClosed', { consumerId: 'nobody' }))).toEqual(room);
  });
});

describe('reduceRoom keeps a bounded memory of timed-out requests', () => {
  it('forgets the earliest sent first, past 1024', () => {
    let room = reduceRoom(INITIAL_ROOM, { type: 'ws.open' });
    // ids that do not sort like their order of sending
    const ids = Array.from({ length: 1030 }, (_, k) => (k * 7919) % 100_003);
    ids.forEach((id, k) => {
      room = reduceRoom(room, {
        type: 'ms.request',
        id,
        method: 'getTransportStats',
        data: {},
        seq: k,
        t: k,
        deadline: k,
      });
    });
    room = reduceRoom(room, { type: 'clock.tick', t: 5000 });
    expect(sizeOf(room.timedOut)).toBe(1024);
    const kept = new Set(valuesOf(room.timedOut).map((r) => r.seq));
    expect([0, 1, 2, 3, 4, 5].filter((seq) => kept.has(seq))).toEqual([]);
    expect(kept.has(6) && kept.has(1029)).toBe(true);
    expect(room.problems).toHaveLength(1030);
  });
});

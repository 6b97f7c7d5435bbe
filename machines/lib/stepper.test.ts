import {
  assign,
  fromCallback,
  initialTransition,
  setup,
  spawnChild,
  stopChild,
  transition,
  type AnyStateMachine,
  type EventFromLogic,
  type SnapshotFrom,
} from 'xstate';
import { describe, expect, it } from 'vitest';
import { createRng, type Rng } from '../../fixtures/build/random.ts';
import { meshRoomMachine, type MeshRoomEvent } from '../meshRoomMachine.ts';
import { peerConnectionMachine, type PeerConnectionEvent } from '../peerConnectionMachine.ts';
import { protooPeerMachine, type ProtooPeerEvent } from '../protooPeerMachine.ts';
import { twoPartyRoomMachine, type TwoPartyRoomEvent } from '../twoPartyRoomMachine.ts';
import { createPureStep, createStepper, stateKey, type StepInput } from './stepper.ts';

/** A deterministic session: open, requests, drops, failed attempts, ticks. */
function eventsAt(i: number): ProtooPeerEvent | ProtooPeerEvent[] | undefined {
  const t = i * 37;
  switch (i % 50) {
    case 0:
      return [{ type: 'clock.tick', t }, { type: 'ws.open' }];
    case 10:
      return { type: 'protoo.request.sent', id: i, method: 'getStats' };
    case 11:
      return { type: 'protoo.response.received', id: i - 1, ok: true };
    case 20:
      return { type: 'protoo.request.sent', id: i, method: 'join' };
    case 30:
      return { type: 'ws.close', code: 1006 };
    case 31:
      return [
        { type: 'clock.tick', t },
        { type: 'ws.close', code: 1006 },
      ];
    case 40:
      return undefined;
    default:
      return { type: 'clock.tick', t };
  }
}

function fromZero(index: number) {
  let s = initialTransition(protooPeerMachine)[0];
  for (let i = 0; i <= index; i++) {
    const input = eventsAt(i);
    const list = input === undefined ? [] : Array.isArray(input) ? input : [input];
    for (const e of list) s = transition(protooPeerMachine, s, e)[0];
  }
  return s;
}

describe('createStepper', () => {
  const count = 2000;
  const stepper = createStepper(protooPeerMachine, eventsAt, count, { every: 64 });

  it('snapshotAt(i) from a checkpoint equals stepping from 0, at many indexes', () => {
    for (const i of [0, 1, 62, 63, 64, 65, 127, 128, 500, 1023, 1024, 1500, 1998, 1999]) {
      const expected = fromZero(i);
      const got = stepper.snapshotAt(i);
      expect(got.value, `index ${i}`).toEqual(expected.value);
      expect(got.context, `index ${i}`).toEqual(expected.context);
    }
    expect(stepper.snapshotAt(-1)).toBe(stepper.initial);
    expect(stepper.snapshotAt(count - 1)).toBe(stepper.final);
    expect(stepper.checkpointCount).toBe(Math.ceil(count / 64));
  });

  it('snapshotAt() rejects indexes outside -1..count-1', () => {
    expect(() => stepper.snapshotAt(count)).toThrow(RangeError);
    expect(() => stepper.snapshotAt(-2)).toThrow(RangeError);
    expect(() => stepper.snapshotAt(1.5)).toThrow(RangeError);
  });

  it('changes() lists exactly the indexes where the state value changed', () => {
    const changes = stepper.changes();
    let previous = stateKey(stepper.initial.value);
    const expected: { index: number; state: string }[] = [];
    for (let i = 0; i < 200; i++) {
      const key = stateKey(stepper.snapshotAt(i).value);
      if (key !== previous) expected.push({ index: i, state: key });
      previous = key;
    }
    expect(changes.filter((c) => c.index < 200)).toEqual(expected);
    expect(changes.slice(0, 3)).toEqual([
      { index: 0, state: 'open' },
      { index: 30, state: 'reconnecting' },
      { index: 31, state: 'failed' },
    ]);
  });

  it('extend() steps on incrementally and gives the same result as a full build', () => {
    const grown = createStepper(protooPeerMachine, eventsAt, 100, { every: 64 });
    grown.extend(64);
    expect(grown.count).toBe(100);
    grown.extend(128);
    grown.extend(1000);
    grown.extend(count);
    expect(grown.count).toBe(count);
    expect(grown.checkpointCount).toBe(stepper.checkpointCount);
    expect(grown.changes()).toEqual(stepper.changes());
    for (const i of [99, 100, 128, 999, 1000, count - 1]) {
      expect(grown.snapshotAt(i).context).toEqual(stepper.snapshotAt(i).context);
    }
  });

  it('a done machine ignores further events, as an actor would', () => {
    const closed = createStepper(
      protooPeerMachine,
      (i): ProtooPeerEvent =>
        i === 0
          ? { type: 'ws.close', code: 4000 }
          : { type: 'protoo.request.sent', id: i, method: 'x' },
      5,
    );
    expect(closed.final.value).toBe('closed');
    expect(closed.final.context).toEqual(closed.snapshotAt(0).context);
    expect(closed.final.context.pendingCount).toBe(0);
  });
});

describe('stateKey', () => {
  it('is the string itself or JSON for nested values', () => {
    expect(stateKey('open')).toBe('open');
    expect(stateKey({ a: 'b' })).toBe('{"a":"b"}');
  });
});

// ---------------------------------------------------------------------------------------------
// Property-style: random logs for several machines, every answer checked against XState's own
// public transition() stepped from the start.
// ---------------------------------------------------------------------------------------------

/** The reference: XState's transition() from the initial snapshot, done snapshots kept. */
function referenceRun<M extends AnyStateMachine>(
  machine: M,
  inputs: readonly StepInput<EventFromLogic<M>>[],
): SnapshotFrom<M>[] {
  let s = (initialTransition as (m: AnyStateMachine) => readonly unknown[])(
    machine,
  )[0] as SnapshotFrom<M>;
  const out: SnapshotFrom<M>[] = [];
  for (const input of inputs) {
    const list = input === undefined ? [] : Array.isArray(input) ? input : [input];
    for (const e of list as readonly EventFromLogic<M>[]) {
      if ((s as { status: string }).status === 'active') {
        s = transition(machine, s, e)[0];
      }
    }
    out.push(s);
  }
  return out;
}

/** A random log: mostly single events, some empty indexes, some runs of 2–3 events. */
function randomLog<E>(rng: Rng, length: number, event: (rng: Rng, i: number) => E): StepInput<E>[] {
  const log: StepInput<E>[] = [];
  for (let i = 0; i < length; i++) {
    const roll = rng.next();
    if (roll < 0.1) log.push(undefined);
    else if (roll < 0.25)
      log.push(Array.from({ length: rng.int(2, 3) }, (_, k) => event(rng, i * 4 + k)));
    else log.push(event(rng, i * 4));
  }
  return log;
}

const protooEvent = (rng: Rng, i: number): ProtooPeerEvent => {
  const id = rng.int(1, 12);
  return rng.pick<ProtooPeerEvent>([
    { type: 'ws.open' },
    { type: 'ws.close', code: 1006 },
    { type: 'ws.close', code: rng.chance(0.05) ? 4000 : 1001 },
    { type: 'ws.error' },
    { type: 'protoo.request.sent', id, method: 'm' },
    { type: 'protoo.request.sent', id, method: 'm' },
    { type: 'protoo.response.received', id, ok: true },
    { type: 'clock.tick', t: i * 700 },
    { type: 'clock.tick', t: i * 700 },
    ...(rng.chance(0.02) ? [{ type: 'peer.close' } as const] : []),
  ]);
};

const meshEvent = (rng: Rng): MeshRoomEvent => {
  const peer = rng.int(1, 6);
  const kind = rng.pick(['offer', 'answer', 'candidate'] as const);
  return rng.pick<MeshRoomEvent>([
    { type: 'mesh.welcome', id: 3, online: [1, 2, 5].filter(() => rng.chance(0.7)) },
    { type: 'mesh.online', id: peer },
    { type: 'mesh.offline', id: peer },
    { type: 'mesh.signal.in', from: peer, kind },
    { type: 'mesh.signal.out', to: peer, kind },
    { type: 'mesh.link.state', peerId: peer, state: rng.pick(['connected', 'failed', 'new']) },
    { type: 'ws.open' },
    { type: 'ws.close' },
  ]);
};

const OFFER = { type: 'offer', sdp: 'v=0' } as const;
const ANSWER = { type: 'answer', sdp: 'v=0' } as const;
const CANDIDATE = { type: 'candidate', label: 0, id: '0', candidate: 'candidate:1' } as const;
const twoPartyEvent = (rng: Rng): TwoPartyRoomEvent => {
  const message = rng.chance(0.03)
    ? 'bye'
    : rng.pick(['got user media', OFFER, ANSWER, CANDIDATE, CANDIDATE] as const);
  return rng.pick<TwoPartyRoomEvent>([
    { type: 'room.createOrJoin', room: 'r' },
    { type: 'room.created', room: 'r', id: 'a' },
    { type: 'room.joined', room: 'r', id: 'b' },
    { type: 'room.join', room: 'r' },
    { type: 'room.ready' },
    { type: 'room.message.out', message },
    { type: 'room.message.in', message },
    { type: 'room.message.in', message },
  ]);
};

const pcEvent = (rng: Rng): PeerConnectionEvent => {
  const sdpType = rng.pick(['offer', 'answer', 'pranswer', 'rollback', undefined] as const);
  return rng.pick<PeerConnectionEvent>([
    { type: 'pc.setLocalDescription', sdpType },
    { type: 'pc.setRemoteDescription', sdpType },
    { type: 'pc.setLocalDescriptionOnSuccess' },
    { type: 'pc.setRemoteDescriptionOnSuccess' },
    { type: 'pc.setRemoteDescriptionOnFailure', error: 'OperationError' },
    { type: 'pc.signalingReported', state: rng.pick(['stable', 'have-remote-offer'] as const) },
    {
      type: 'pc.transportIce',
      transport: rng.pick(['t0', 't1']),
      state: rng.pick(['checking', 'connected', 'disconnected'] as const),
    },
    { type: 'pc.transportDtls', transport: 't0', state: rng.pick(['connecting', 'connected']) },
    { type: 'pc.iceGatheringReported', state: rng.pick(['gathering', 'complete'] as const) },
    ...(rng.chance(0.02) ? [{ type: 'pc.close' } as const] : []),
  ]);
};

interface Case {
  readonly name: string;
  readonly machine: AnyStateMachine;
  readonly event: (rng: Rng, i: number) => unknown;
}

const CASES: readonly Case[] = [
  { name: 'protooPeerMachine', machine: protooPeerMachine, event: protooEvent },
  { name: 'meshRoomMachine', machine: meshRoomMachine, event: meshEvent },
  {
    name: 'twoPartyRoomMachine (reaches final states)',
    machine: twoPartyRoomMachine,
    event: twoPartyEvent,
  },
  {
    name: 'peerConnectionMachine (parallel regions)',
    machine: peerConnectionMachine,
    event: pcEvent,
  },
];

describe('createStepper on random logs', () => {
  it.each(CASES)('$name: snapshotAt(i) equals stepping from the start', ({ machine, event }) => {
    for (const seed of [1, 2, 3, 4, 5]) {
      const rng = createRng(`stepper-${seed}`);
      const log = randomLog(rng, rng.int(150, 400), event);
      const reference = referenceRun(machine, log);
      const every = rng.int(1, 48);
      const stepper = createStepper(machine, (i) => log[i] as never, log.length, { every });
      expect(stepper.count).toBe(log.length);
      expect(stepper.checkpointCount).toBe(Math.ceil(log.length / every));
      // Random indexes, in random order (each answer is independent of the previous one).
      for (let k = 0; k < 60; k++) {
        const i = rng.int(-1, log.length - 1);
        const got = stepper.snapshotAt(i) as { value: unknown; context: unknown; status: string };
        const want = (i === -1 ? stepper.initial : reference[i]) as typeof got;
        expect(got.value, `seed ${seed} every ${every} index ${i}`).toEqual(want.value);
        expect(got.context, `seed ${seed} every ${every} index ${i}`).toEqual(want.context);
        expect(got.status, `seed ${seed} every ${every} index ${i}`).toBe(want.status);
      }
      const last = reference.at(-1) as { value: unknown; context: unknown };
      expect((stepper.final as typeof last).value).toEqual(last.value);
      expect((stepper.final as typeof last).context).toEqual(last.context);
    }
  });

  it.each(CASES)(
    '$name: changes() lists exactly the reference value changes',
    ({ machine, event }) => {
      for (const seed of [6, 7, 8]) {
        const rng = createRng(`changes-${seed}`);
        const log = randomLog(rng, 300, event);
        const reference = referenceRun(machine, log);
        const stepper = createStepper(machine, (i) => log[i] as never, log.length, { every: 16 });
        const expected: { index: number; state: string }[] = [];
        let previous = stateKey((stepper.initial as { value: string }).value);
        reference.forEach((s, index) => {
          const key = stateKey((s as { value: string }).value);
          if (key !== previous) expected.push({ index, state: key });
          previous = key;
        });
        const got = stepper.changes().map((c) => ({ index: c.index, state: stateKey(c.state) }));
        expect(got, `seed ${seed}`).toEqual(expected);
      }
    },
  );

  it.each(CASES)('$name: extend() in random chunks equals one build', ({ machine, event }) => {
    const rng = createRng('extend');
    const log = randomLog(rng, 300, event);
    const whole = createStepper(machine, (i) => log[i] as never, log.length, { every: 20 });
    const grown = createStepper(machine, (i) => log[i] as never, 0, { every: 20 });
    while (grown.count < log.length) grown.extend(grown.count + rng.int(1, 50));
    // Indexes past the log give undefined: the count may overshoot, compare within the log.
    for (let i = -1; i < log.length; i += rng.int(1, 9)) {
      const a = grown.snapshotAt(i) as { value: unknown; context: unknown };
      const b = whole.snapshotAt(i) as typeof a;
      expect(a.value, `index ${i}`).toEqual(b.value);
      expect(a.context, `index ${i}`).toEqual(b.context);
    }
    expect(grown.changes().filter((c) => c.index < log.length)).toEqual(whole.changes());
  });
});

describe('createPureStep', () => {
  it('gives what transition() gives, step by step, and counts what it skipped', () => {
    const rng = createRng('pure-step');
    const step = createPureStep(protooPeerMachine);
    let s = initialTransition(protooPeerMachine)[0];
    let skippedSeen = 0;
    for (let i = 0; i < 2000; i++) {
      const e = protooEvent(rng, i);
      const want = s.status === 'active' ? transition(protooPeerMachine, s, e)[0] : s;
      const got = step(s, e);
      expect(got.value, `event ${i}`).toEqual(want.value);
      expect(got.context, `event ${i}`).toEqual(want.context);
      if (got === s) skippedSeen++;
      s = got;
      if (s.status !== 'active') s = initialTransition(protooPeerMachine)[0];
    }
    const stats = step.stats();
    expect(stats.events).toBe(2000);
    expect(stats.events).toBe(stats.skipped + stats.transitions);
    // ws.open while open (and the like) is handled by no state: left out without XState.
    expect(stats.skipped).toBeGreaterThan(0);
    expect(stats.skipped).toBeLessThanOrEqual(skippedSeen);
  });

  it('returns an unhandled event\u2019s snapshot as it is, as XState does', () => {
    const step = createPureStep(protooPeerMachine);
    const open = step(initialTransition(protooPeerMachine)[0], { type: 'ws.open' });
    expect(open.value).toBe('open');
    expect(transition(protooPeerMachine, open, { type: 'ws.open' })[0]).toBe(open);
    expect(step(open, { type: 'ws.open' })).toBe(open);
    expect(step.stats()).toEqual({ events: 2, skipped: 1, transitions: 1 });
  });

  it('does not skip events an eventless transition may react to', () => {
    // `poke` is in no `on`, but the eventless transition's guard sees it.
    const machine = setup({
      types: { events: {} as { type: 'poke' } | { type: 'other' } },
    }).createMachine({
      initial: 'a',
      states: {
        a: {
          always: { guard: ({ event }) => event.type === 'poke', target: 'b' },
          on: { other: {} },
        },
        b: {},
      },
    });
    expect(transition(machine, initialTransition(machine)[0], { type: 'poke' })[0].value).toBe('b');
    const stepper = createStepper(machine, () => ({ type: 'poke' }) as const, 1);
    expect(stepper.final.value).toBe('b');
  });

  it('does not skip events a wildcard transition takes', () => {
    const machine = setup({
      types: { context: {} as { n: number }, events: {} as { type: 'a' } | { type: 'b' } },
    }).createMachine({
      context: { n: 0 },
      on: { '*': { actions: assign(({ context }) => ({ n: context.n + 1 })) } },
    });
    const stepper = createStepper(machine, (i) => ({ type: i % 2 ? 'a' : 'b' }) as const, 10);
    expect(stepper.final.context.n).toBe(10);
    expect(stepper.stats().skipped).toBe(0);
  });
});

describe('machines with child actors', () => {
  const child = fromCallback(() => () => {});

  it('spawned children with a systemId: every replay works as with transition()', () => {
    const machine = setup({ actors: { child } }).createMachine({
      initial: 'a',
      states: {
        a: { on: { go: 'b' } },
        b: {
          entry: spawnChild('child', { id: 'kid', systemId: 'kid' }),
          exit: stopChild('kid'),
          on: { back: 'a' },
        },
      },
    });
    const eventsAt = (i: number) => ({ type: i % 2 === 0 ? 'go' : 'back' }) as const;
    // One shared actor system would refuse the second child registered as 'kid'.
    const stepper = createStepper(machine, eventsAt, 40, { every: 4 });
    expect(stepper.final.value).toBe('a');
    for (const i of [0, 9, 10, 21, 38]) {
      const s = stepper.snapshotAt(i);
      expect(s.value, `index ${i}`).toBe(i % 2 === 0 ? 'b' : 'a');
      expect(Object.keys(s.children), `index ${i}`).toEqual(i % 2 === 0 ? ['kid'] : []);
    }
  });

  it('invoked children with a systemId: stepped one fresh scope per step', () => {
    const machine = setup({ actors: { child } }).createMachine({
      initial: 'a',
      states: {
        a: { on: { go: 'b' } },
        b: { invoke: { src: 'child', id: 'kid', systemId: 'kid' }, on: { back: 'a' } },
      },
    });
    const stepper = createStepper(
      machine,
      (i) => ({ type: i % 2 === 0 ? 'go' : 'back' }) as const,
      30,
      { every: 3 },
    );
    expect(stepper.snapshotAt(28).value).toBe('b');
    expect(Object.keys(stepper.snapshotAt(28).children)).toEqual(['kid']);
    expect(stepper.snapshotAt(13).value).toBe('a');
  });
});

describe('scan', () => {
  it('visits the same snapshots as snapshotAt, in order, over any range', () => {
    const events = ['a', 'b', 'a', 'a', 'b', 'b', 'a', 'b', 'a', 'a'];
    const machine = setup({ types: { events: {} as { type: 'a' } | { type: 'b' } } }).createMachine(
      {
        initial: 'x',
        states: { x: { on: { a: 'y' } }, y: { on: { b: 'x', a: 'z' } }, z: { on: { b: 'x' } } },
      },
    );
    const stepper = createStepper(
      machine,
      (i) => ({ type: events[i] as 'a' | 'b' }),
      events.length,
      {
        every: 3,
      },
    );
    const seen: [number, unknown][] = [];
    stepper.scan((i, s) => seen.push([i, s.value]));
    expect(seen).toEqual(events.map((_, i) => [i, stepper.snapshotAt(i).value]));
    const part: number[] = [];
    stepper.scan((i) => part.push(i), 4, 7);
    expect(part).toEqual([4, 5, 6, 7]);
    const clipped: number[] = [];
    stepper.scan((i) => clipped.push(i), 8, 100);
    expect(clipped).toEqual([8, 9]);
  });
});

import { getAdjacencyMap, getShortestPaths } from '@xstate/graph';
import { initialTransition, transition, type SnapshotFrom } from 'xstate';
import { describe, expect, it } from 'vitest';
import { requestTimeoutMs } from '../src/protocol/codec.ts';
import { describeGuard, machineGraph } from './lib/graph.ts';
import { stateKey } from './lib/stepper.ts';
import {
  ATTEMPTS_PER_CYCLE,
  protooPeerMachine,
  retryDelayMs,
  type ProtooPeerEvent,
} from './protooPeerMachine.ts';

type Snap = SnapshotFrom<typeof protooPeerMachine>;

/** One step with actor semantics (a done machine ignores events), as the stepper does. */
const step = (s: Snap, e: ProtooPeerEvent): Snap =>
  s.status === 'active' ? transition(protooPeerMachine, s, e)[0] : s;
const run = (events: readonly ProtooPeerEvent[], from = initialTransition(protooPeerMachine)[0]) =>
  events.reduce(step, from);
const tick = (t: number): ProtooPeerEvent => ({ type: 'clock.tick', t });
const close = (code = 1006): ProtooPeerEvent => ({ type: 'ws.close', code });
const OPEN: ProtooPeerEvent = { type: 'ws.open' };

/** The model's states for the graph walk: context reduced to what changes behaviour. */
function serialize(s: Snap): string {
  const c = s.context;
  return JSON.stringify([
    s.value,
    c.attempt,
    Math.min(c.cycle, 2),
    Object.keys(c.pending),
    c.closedBy,
    c.nextAttemptAt !== null,
  ]);
}

/** The events offered in each state, with parameters that reach every guard outcome. */
function eventsFor(s: Snap): ProtooPeerEvent[] {
  // A done machine takes no more events (actor semantics; the stepper enforces it).
  if (s.status !== 'active') return [];
  const c = s.context;
  const list: ProtooPeerEvent[] = [
    OPEN,
    close(1006),
    { type: 'ws.close', code: 4000, reason: 'closed by server' },
    { type: 'ws.error', message: 'failed' },
    { type: 'peer.close' },
    { type: 'protoo.response.received', id: 1, ok: true },
    { type: 'protoo.response.received', id: 99, ok: true },
    tick(c.now + 1),
  ];
  if (c.pendingCount === 0) list.push({ type: 'protoo.request.sent', id: 1, method: 'join' });
  if (c.nextAttemptAt !== null) list.push(tick(c.nextAttemptAt), tick(c.nextAttemptAt - 1));
  if (c.pendingCount > 0) list.push(tick(c.nextDeadline));
  return list;
}

/** The specification, written independently of the machine: what one step must give. */
function expectStep(prev: Snap, event: ProtooPeerEvent, next: Snap): void {
  const p = prev.context;
  const n = next.context;
  const pv = prev.value as string;
  const where = `${pv} --${JSON.stringify(event)}-->`;
  if (prev.status === 'done') {
    expect(next.value, where).toBe('closed');
    expect(n, where).toEqual(p);
    return;
  }
  const attempting = pv === 'connecting' || pv === 'reconnecting' || pv === 'failed';
  const nextAttempt = pv === 'failed' ? p.attempt + 1 : p.attempt;
  const attemptState = p.cycle === 1 ? 'connecting' : 'reconnecting';
  switch (event.type) {
    case 'peer.close':
      expect(next.value, where).toBe('closed');
      expect(n.closedBy, where).toBe('local');
      expect(n.pending, where).toEqual({});
      expect(n.rejectedOnClose, where).toBe(p.rejectedOnClose + p.pendingCount);
      return;
    case 'ws.error':
      expect(next.value, where).toBe(pv);
      expect(n, where).toEqual({ ...p, errors: p.errors + 1 });
      return;
    case 'protoo.request.sent':
      expect(next.value, where).toBe(pv);
      expect(n.pending[String(event.id)], where).toEqual({
        method: event.method,
        sentAt: p.now,
        deadline: p.now + requestTimeoutMs('client', p.pendingCount),
      });
      expect(n.pendingCount, where).toBe(Object.keys(n.pending).length);
      return;
    case 'protoo.response.received':
      expect(next.value, where).toBe(pv);
      if (String(event.id) in p.pending) {
        expect(String(event.id) in n.pending, where).toBe(false);
        expect(n.answered, where).toBe(p.answered + 1);
        expect(n.pendingCount, where).toBe(p.pendingCount - 1);
      } else {
        expect(n, where).toEqual(p);
      }
      return;
    case 'clock.tick': {
      const now = Math.max(p.now, event.t);
      expect(n.now, where).toBe(now);
      const kept = Object.entries(p.pending).filter(([, r]) => r.deadline > now);
      expect(n.pending, where).toEqual(Object.fromEntries(kept));
      expect(n.timedOut, where).toBe(p.timedOut + p.pendingCount - kept.length);
      if (pv === 'failed' && p.nextAttemptAt !== null && event.t >= p.nextAttemptAt) {
        expect(next.value, where).toBe(attemptState);
        expect(n.attempt, where).toBe(p.attempt + 1);
        expect(n.nextAttemptAt, where).toBeNull();
      } else {
        expect(next.value, where).toBe(pv);
        expect(n.attempt, where).toBe(p.attempt);
      }
      return;
    }
    case 'ws.open':
      if (!attempting) {
        expect(n, where).toEqual(p);
        expect(next.value, where).toBe(pv);
        return;
      }
      expect(next.value, where).toBe('open');
      expect(n.attempt, where).toBe(nextAttempt);
      expect(n.opens, where).toBe(p.opens + 1);
      expect(n.cycle, where).toBe(p.cycle);
      return;
    case 'ws.close':
      if (event.code === 4000) {
        expect(next.value, where).toBe('closed');
        expect(n.closedBy, where).toBe('server');
        expect(n.closeCode, where).toBe(4000);
        expect(n.failures, where).toBe(p.failures);
        expect(n.pending, where).toEqual(p.pending);
        return;
      }
      if (pv === 'open') {
        expect(next.value, where).toBe('reconnecting');
        expect(n.cycle, where).toBe(p.cycle + 1);
        expect(n.attempt, where).toBe(1);
        expect(n.disconnects, where).toBe(p.disconnects + 1);
        expect(n.pending, where).toEqual(p.pending);
        return;
      }
      expect(n.failures, where).toBe(p.failures + 1);
      expect(n.attempt, where).toBe(nextAttempt);
      if (nextAttempt === ATTEMPTS_PER_CYCLE) {
        expect(next.value, where).toBe('closed');
        expect(n.closedBy, where).toBe('retries');
      } else {
        expect(next.value, where).toBe('failed');
        expect(n.nextAttemptAt, where).toBe(p.now + retryDelayMs(nextAttempt));
      }
      expect(n.pending, where).toEqual(p.pending);
      return;
  }
}

const graph = machineGraph(protooPeerMachine);
const transitionKey = (source: string, target: string, event: string, guard?: string) =>
  `${source} -> ${target} on ${event}${guard === undefined ? '' : ` [${guard}]`}`;
const ALL_TRANSITIONS = new Set(
  graph.transitions.map((t) => transitionKey(t.source, t.target, t.event, t.guard)),
);
const ALL_STATES = graph.states.filter((s) => s.type !== 'compound').map((s) => s.key);

/** The definition transitions an event takes from a snapshot (the first microstep). */
function taken(s: Snap, e: ProtooPeerEvent): string[] {
  if (s.status !== 'active') return [];
  return protooPeerMachine.getTransitionData(s, e).map((t) => {
    const target = t.target?.[0]?.id ?? t.source.id;
    return transitionKey(t.source.id, target, t.eventType, describeGuard(t.guard));
  });
}

describe('protooPeerMachine, walked from its definition with @xstate/graph', () => {
  const traversal = { events: eventsFor, serializeState: serialize };

  it('every edge of the reachable graph obeys the specification; every transition is taken', () => {
    const adjacency = getAdjacencyMap(protooPeerMachine, traversal);
    const covered = new Set<string>();
    const seenStates = new Set<string>();
    let edges = 0;
    const nodes = Object.values(adjacency) as unknown as {
      state: Snap;
      transitions: Record<string, { event: ProtooPeerEvent }>;
    }[];
    for (const { state, transitions } of nodes) {
      seenStates.add(stateKey(state.value));
      const edgesOut = Object.values(transitions);
      for (const { event } of edgesOut) {
        const next = step(state, event);
        expectStep(state, event, next);
        for (const key of taken(state, event)) covered.add(key);
        edges++;
      }
    }
    expect(edges).toBeGreaterThan(500);
    expect([...seenStates].sort()).toEqual([...ALL_STATES].sort());
    expect([...ALL_TRANSITIONS].filter((k) => !covered.has(k))).toEqual([]);
    expect([...covered].filter((k) => !ALL_TRANSITIONS.has(k))).toEqual([]);
  });

  it('every shortest path replays step by step to the states the graph predicts', () => {
    const paths = getShortestPaths(protooPeerMachine, traversal);
    const ends = new Set<string>();
    for (const path of paths) {
      let s = initialTransition(protooPeerMachine)[0];
      for (const { event, state } of path.steps) {
        const next = step(s, event);
        expectStep(s, event, next);
        // The graph keeps one representative per serialized state, so compare what the
        // serialization keeps; the full context is checked against the spec above.
        expect(serialize(next)).toBe(serialize(state));
        s = next;
      }
      expect(serialize(s)).toBe(serialize(path.state));
      ends.add(stateKey(s.value));
    }
    expect([...ends].sort()).toEqual([...ALL_STATES].sort());
    // attempt 1..11 in both cycles kinds, reachable within the model
    expect(paths.some((p) => p.state.context.closedBy === 'retries')).toBe(true);
  });
});

describe('protooPeerMachine, protoo-client behaviour', () => {
  it('waits exactly 1, 2, 4, 8, 8, 8, 8, 8, 8, 8 s after failed attempts 1..10', () => {
    expect(Array.from({ length: 10 }, (_, k) => retryDelayMs(k + 1))).toEqual([
      1000, 2000, 4000, 8000, 8000, 8000, 8000, 8000, 8000, 8000,
    ]);
    let s = initialTransition(protooPeerMachine)[0];
    let t = 0;
    for (let attempt = 1; attempt <= 10; attempt++) {
      s = run([tick(t), close()], s);
      expect(s.value).toBe('failed');
      expect(s.context.attempt).toBe(attempt);
      const due = t + retryDelayMs(attempt);
      expect(s.context.nextAttemptAt).toBe(due);
      s = step(s, tick(due - 1));
      expect(s.value).toBe('failed');
      s = step(s, tick(due));
      expect(s.value).toBe('connecting');
      expect(s.context.attempt).toBe(attempt + 1);
      t = due + 5;
    }
    expect(t - 50).toBe(63_000);
  });

  it('gives up with close after the 11th failed attempt of a cycle that never connected', () => {
    let s = initialTransition(protooPeerMachine)[0];
    for (let attempt = 1; attempt < ATTEMPTS_PER_CYCLE; attempt++) {
      s = run([close(), tick(s.context.now + 10_000)], s);
    }
    expect(s.value).toBe('connecting');
    expect(s.context.attempt).toBe(11);
    s = step(s, close());
    expect(s.value).toBe('closed');
    expect(s.status).toBe('done');
    expect(s.context).toMatchObject({ closedBy: 'retries', failures: 11, attempt: 11 });
  });

  it('starts a new cycle at attempt 1, with no delay, when an open socket drops', () => {
    let s = run([OPEN, close(), tick(1), close(), tick(1001), close(), tick(3001)]);
    expect(s.value).toBe('reconnecting');
    expect(s.context).toMatchObject({ cycle: 1 + 1, attempt: 3, disconnects: 1, failures: 2 });
    s = run([OPEN, tick(5000), close(1001)], s);
    expect(s.value).toBe('reconnecting');
    expect(s.context).toMatchObject({ cycle: 3, attempt: 1, opens: 2, disconnects: 2 });
  });

  it('a cycle after a disconnect also ends after 11 failed attempts', () => {
    let s = run([OPEN, close()]);
    for (let attempt = 1; attempt < ATTEMPTS_PER_CYCLE; attempt++) {
      s = run([close(), tick(s.context.now + 8000)], s);
      expect(s.value).toBe('reconnecting');
    }
    s = step(s, close());
    expect(s.context).toMatchObject({ closedBy: 'retries', cycle: 2, attempt: 11 });
  });

  it('ends on close code 4000 without retrying, whether open or still connecting', () => {
    const fromOpen = run([OPEN, { type: 'ws.close', code: 4000, reason: 'bye' }]);
    expect(fromOpen.value).toBe('closed');
    expect(fromOpen.context).toMatchObject({ closedBy: 'server', closeReason: 'bye' });
    expect(fromOpen.context.disconnects).toBe(0);
    const fromAttempt = run([close(), tick(1000), close(4000)]);
    expect(fromAttempt.value).toBe('closed');
    expect(fromAttempt.context).toMatchObject({ closedBy: 'server', failures: 1, attempt: 2 });
    expect(step(fromOpen, OPEN)).toBe(fromOpen);
  });

  it('keeps pending requests across a disconnect; they time out at their own deadline', () => {
    const join: ProtooPeerEvent = { type: 'protoo.request.sent', id: 7, method: 'join' };
    const stats: ProtooPeerEvent = { type: 'protoo.request.sent', id: 8, method: 'getStats' };
    let s = run([OPEN, tick(100), join, tick(200), stats]);
    expect(s.context.pending).toEqual({
      '7': { method: 'join', sentAt: 100, deadline: 100 + 22_500 },
      '8': { method: 'getStats', sentAt: 200, deadline: 200 + 22_650 },
    });
    s = run([tick(300), close(), tick(400), OPEN], s);
    expect(s.value).toBe('open');
    expect(s.context.pendingCount).toBe(2);
    s = step(s, tick(22_599));
    expect(s.context.pendingCount).toBe(2);
    s = step(s, tick(22_600));
    expect(Object.keys(s.context.pending)).toEqual(['8']);
    expect(s.context.lastTimedOut).toMatchObject({ id: 7, method: 'join' });
    s = run([{ type: 'protoo.response.received', id: 8, ok: true }], s);
    expect(s.context).toMatchObject({ pendingCount: 0, answered: 1, timedOut: 1 });
  });

  it('a local close() rejects the pending requests and ends the machine', () => {
    const s = run([
      OPEN,
      { type: 'protoo.request.sent', id: 1, method: 'join' },
      { type: 'peer.close' },
    ]);
    expect(s.value).toBe('closed');
    expect(s.context).toMatchObject({ closedBy: 'local', pendingCount: 0, rejectedOnClose: 1 });
  });

  it('takes an attempt seen before its delay elapsed (clock skew) as the next attempt', () => {
    const s = run([close(), tick(990), OPEN]);
    expect(s.value).toBe('open');
    expect(s.context.attempt).toBe(2);
  });
});

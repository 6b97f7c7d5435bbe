import { getAdjacencyMap, getShortestPaths, getSimplePaths } from '@xstate/graph';
import { initialTransition, transition, type SnapshotFrom } from 'xstate';
import { describe, expect, it } from 'vitest';
import { describeGuard } from './lib/graph.ts';
import { stateKey } from './lib/stepper.ts';
import {
  compareMeshIds,
  meshInvariants,
  meshRole,
  meshRoomGraph,
  meshRoomMachine,
  type MeshLink,
  type MeshLinkState,
  type MeshProblemKind,
  type MeshRoomContext,
  type MeshRoomEvent,
} from './meshRoomMachine.ts';
import type { MeshSignalKind } from './roomProtocols.ts';

type Snap = SnapshotFrom<typeof meshRoomMachine>;

const INITIAL = initialTransition(meshRoomMachine)[0];
const step = (s: Snap, e: MeshRoomEvent): Snap =>
  s.status === 'active' ? transition(meshRoomMachine, s, e)[0] : s;
const run = (events: readonly MeshRoomEvent[], from: Snap = INITIAL): Snap =>
  events.reduce(step, from);

const welcome = (id: string, online: readonly string[]): MeshRoomEvent => ({
  type: 'mesh.welcome',
  id,
  online,
});
const online = (id: string): MeshRoomEvent => ({ type: 'mesh.online', id });
const offline = (id: string): MeshRoomEvent => ({ type: 'mesh.offline', id });
const sigIn = (from: string, kind: MeshSignalKind): MeshRoomEvent => ({
  type: 'mesh.signal.in',
  from,
  kind,
});
const sigOut = (to: string, kind: MeshSignalKind): MeshRoomEvent => ({
  type: 'mesh.signal.out',
  to,
  kind,
});
const pc = (peerId: string, state: 'connected' | 'failed' | 'disconnected'): MeshRoomEvent => ({
  type: 'mesh.link.state',
  peerId,
  state,
});
const WS_OPEN: MeshRoomEvent = { type: 'ws.open' };
const WS_CLOSE: MeshRoomEvent = { type: 'ws.close' };

// ---------------------------------------------------------------------------------------------
// The specification, written from protocol.md §5 without looking at the machine's code paths.
// ---------------------------------------------------------------------------------------------

type Expected = { readonly state?: MeshLinkState; readonly restart?: true } | MeshProblemKind;

/**
 * What a signal does to a link, by direction, role of this page's link, kind, link state.
 * Offers come from the smaller id (the initiator), answers from the larger; nothing but an
 * offer may come first; a dead link (or a passive one whose initiator came back) restarts.
 */
function signalRule(
  dir: 'in' | 'out',
  role: 'initiator' | 'passive',
  kind: MeshSignalKind,
  state: MeshLinkState,
): Expected {
  const weSend = dir === 'out';
  const senderIsInitiator = weSend === (role === 'initiator');
  if (kind === 'candidate') return state === 'waiting' ? 'candidate-before-offer' : {};
  if (kind === 'answer') {
    if (senderIsInitiator) return 'unexpected-answer';
    const awaitingAnswer = weSend ? 'answering' : 'offering';
    return state === awaitingAnswer ? {} : 'unexpected-answer';
  }
  if (!senderIsInitiator) return 'offer-from-passive';
  const next = weSend ? 'offering' : 'answering';
  if (state === 'waiting') return { state: next };
  if (state === 'dead') return { state: next, restart: true };
  if (weSend) return 'duplicate-link';
  return state === 'answering' ? 'duplicate-link' : { state: next, restart: true };
}

function expectStep(prev: Snap, event: MeshRoomEvent, next: Snap): void {
  const p = prev.context;
  const n = next.context;
  const pv = prev.value as string;
  const where = `${pv} ${JSON.stringify(p.links)} --${JSON.stringify(event)}-->`;
  const newProblems = n.problems.slice(p.problems.length).map((x) => x.kind);
  expect(n.problems.slice(0, p.problems.length), where).toEqual(p.problems);
  const unchanged = (value: string, problems: readonly MeshProblemKind[] = []) => {
    expect(next.value, where).toBe(value);
    expect(n.links, where).toEqual(p.links);
    expect(n.online, where).toEqual(p.online);
    expect(n.selfId, where).toBe(p.selfId);
    expect(newProblems, where).toEqual(problems);
  };
  // Invariants of every page: never a link to itself, roles follow the id order.
  if (n.selfId !== null) {
    expect(n.selfId in n.links, where).toBe(false);
    for (const link of Object.values(n.links)) {
      expect(link.role, where).toBe(
        compareMeshIds(n.selfId, link.peerId) < 0 ? 'initiator' : 'passive',
      );
    }
    expect(n.online.includes(n.selfId), where).toBe(false);
  }

  switch (event.type) {
    case 'ws.open':
      unchanged(pv === 'disconnected' ? 'connecting' : pv);
      return;
    case 'ws.close':
      unchanged(pv === 'disconnected' ? 'disconnected' : 'disconnected');
      return;
    case 'mesh.link.state': {
      const peer = String(event.peerId);
      const link = p.links[peer];
      if (link === undefined) {
        unchanged(pv, ['link-missing']);
        return;
      }
      expect(next.value, where).toBe(pv);
      expect(newProblems, where).toEqual([]);
      const state =
        event.state === 'connected'
          ? 'connected'
          : event.state === 'failed' || event.state === 'closed'
            ? 'dead'
            : link.state;
      expect(n.links, where).toEqual({ ...p.links, [peer]: { ...link, state } });
      return;
    }
    case 'mesh.welcome': {
      if (pv !== 'connecting') {
        unchanged(pv, ['unexpected-welcome']);
        return;
      }
      const self = String(event.id);
      expect(next.value, where).toBe('inRoom');
      expect(n.selfId, where).toBe(self);
      const listed = event.online.map(String).filter((id) => id !== self);
      const unique = [...new Set(listed)];
      expect([...n.online].sort(), where).toEqual([...unique].sort());
      const expectedProblems: MeshProblemKind[] = [];
      const changed = p.selfId !== null && p.selfId !== self;
      if (changed) expectedProblems.push('id-changed');
      for (let i = 0; i < listed.length - unique.length; i++)
        expectedProblems.push('duplicate-link');
      expect(newProblems, where).toEqual(expectedProblems);
      for (const [peer, old] of Object.entries(p.links)) {
        const now = n.links[peer];
        if (peer === self) {
          expect(now, where).toBeUndefined();
        } else if (!unique.includes(peer)) {
          const role = compareMeshIds(self, peer) < 0 ? 'initiator' : 'passive';
          expect(now, where).toEqual(changed ? { ...old, role, state: 'dead' } : old);
        }
      }
      for (const peer of unique) {
        const old = p.links[peer];
        const keep = old !== undefined && !changed && old.state === 'connected';
        const expected: MeshLink = keep
          ? old
          : {
              peerId: peer,
              role: compareMeshIds(self, peer) < 0 ? 'initiator' : 'passive',
              state: 'waiting',
              generation: (old?.generation ?? 0) + 1,
            };
        expect(n.links[peer], where).toEqual(expected);
      }
      return;
    }
    case 'mesh.online':
    case 'mesh.offline':
    case 'mesh.signal.in':
    case 'mesh.signal.out': {
      if (pv !== 'inRoom') {
        unchanged(pv, ['not-in-room']);
        return;
      }
      expect(next.value, where).toBe('inRoom');
      expect(n.selfId, where).toBe(p.selfId);
      break;
    }
  }

  if (event.type === 'mesh.online') {
    const peer = String(event.id);
    expect(newProblems, where).toEqual([]);
    if (peer === p.selfId) {
      unchanged('inRoom');
      return;
    }
    expect(n.online, where).toContain(peer);
    expect(n.online.length, where).toBe(new Set([...p.online, peer]).size);
    const old = p.links[peer];
    // A live link means only the WebSocket came back: ignore. Otherwise a new link, same role.
    if (old?.state === 'connected') {
      expect(n.links, where).toEqual(p.links);
    } else {
      expect(n.links[peer], where).toEqual({
        peerId: peer,
        role: meshRole(p.selfId ?? '', peer),
        state: 'waiting',
        generation: (old?.generation ?? 0) + 1,
      });
    }
    return;
  }
  if (event.type === 'mesh.offline') {
    const peer = String(event.id);
    expect(newProblems, where).toEqual([]);
    expect(n.online, where).toEqual(p.online.filter((id) => id !== peer));
    expect(n.links, where).toEqual(p.links);
    return;
  }
  // Only signals are left.
  const dir = event.type === 'mesh.signal.in' ? 'in' : 'out';
  const peer = String(event.type === 'mesh.signal.in' ? event.from : event.to);
  const link = p.links[peer];
  expect(n.online, where).toEqual(p.online);
  if (link === undefined) {
    unchanged('inRoom', ['link-missing']);
    return;
  }
  const rule = signalRule(dir, link.role, event.kind, link.state);
  if (typeof rule === 'string') {
    unchanged('inRoom', [rule]);
    return;
  }
  expect(newProblems, where).toEqual([]);
  expect(n.links[peer], where).toEqual({
    ...link,
    state: rule.state ?? link.state,
    generation: link.generation + (rule.restart === true ? 1 : 0),
  });
}

// ---------------------------------------------------------------------------------------------
// The walk: self id 2 (4 after an id change), remote peers 1 (smaller) and 3 (larger).
// ---------------------------------------------------------------------------------------------

const PEERS = ['1', '3'] as const;
const KINDS: readonly MeshSignalKind[] = ['offer', 'answer', 'candidate'];

function eventsFor(s: Snap): MeshRoomEvent[] {
  const list: MeshRoomEvent[] = [
    WS_OPEN,
    WS_CLOSE,
    welcome('2', []),
    welcome('2', ['1']),
    welcome('2', ['2', '1', '3', '1']),
    online('2'),
  ];
  if (s.context.selfId !== null) list.push(welcome('4', ['1', '3']));
  for (const peer of PEERS) {
    list.push(online(peer), offline(peer), pc(peer, 'connected'), pc(peer, 'failed'));
    list.push(pc(peer, 'disconnected'));
    for (const kind of KINDS) list.push(sigIn(peer, kind), sigOut(peer, kind));
  }
  return list;
}

/** What changes behaviour: state, ids, online set, links without their generation. */
function serialize(s: Snap): string {
  const c = s.context;
  const links = Object.values(c.links)
    .map((l) => `${l.peerId}:${l.role}:${l.state}`)
    .sort();
  return JSON.stringify([s.value, c.selfId, c.online, links]);
}

const transitionKey = (source: string, target: string, event: string, guard?: string) =>
  `${source} -> ${target} on ${event}${guard === undefined ? '' : ` [${guard}]`}`;
const ALL_TRANSITIONS = new Set(
  meshRoomGraph.transitions.map((t) => transitionKey(t.source, t.target, t.event, t.guard)),
);
const ALL_STATES = meshRoomGraph.states.filter((s) => s.type !== 'compound').map((s) => s.key);

function taken(s: Snap, e: MeshRoomEvent): string[] {
  return meshRoomMachine.getTransitionData(s, e).map((t) => {
    const target = t.target?.[0]?.id ?? t.source.id;
    return transitionKey(t.source.id, target, t.eventType, describeGuard(t.guard));
  });
}

describe('meshRoomMachine, walked from its definition with @xstate/graph', () => {
  const traversal = { events: eventsFor, serializeState: serialize };

  it('exports its definition as a graph: three states, every event of the protocol', () => {
    expect(meshRoomGraph.id).toBe('meshRoom');
    expect(ALL_STATES.sort()).toEqual(['connecting', 'disconnected', 'inRoom']);
    const events = new Set(meshRoomGraph.transitions.map((t) => t.event));
    for (const type of [
      'mesh.welcome',
      'mesh.online',
      'mesh.offline',
      'mesh.signal.in',
      'mesh.signal.out',
      'mesh.link.state',
      'ws.open',
      'ws.close',
    ]) {
      expect(events.has(type), type).toBe(true);
    }
  });

  it('every edge of the reachable graph obeys §5; every state and transition is taken', () => {
    const adjacency = getAdjacencyMap(meshRoomMachine, traversal);
    const covered = new Set<string>();
    const seen = new Set<string>();
    let edges = 0;
    const nodes = Object.values(adjacency) as unknown as {
      state: Snap;
      transitions: Record<string, { event: MeshRoomEvent }>;
    }[];
    for (const { state, transitions } of nodes) {
      seen.add(stateKey(state.value));
      for (const { event } of Object.values(transitions)) {
        expectStep(state, event, step(state, event));
        for (const key of taken(state, event)) covered.add(key);
        edges++;
      }
    }
    expect(nodes.length).toBeGreaterThan(700);
    expect(edges).toBeGreaterThan(20_000);
    expect([...seen].sort()).toEqual([...ALL_STATES].sort());
    expect([...ALL_TRANSITIONS].filter((k) => !covered.has(k))).toEqual([]);
    expect([...covered].filter((k) => !ALL_TRANSITIONS.has(k))).toEqual([]);
    // Every link state is reached for both roles.
    const combos = new Set(
      nodes.flatMap(({ state }) =>
        Object.values(state.context.links).map((l) => `${l.role}:${l.state}`),
      ),
    );
    for (const role of ['initiator', 'passive']) {
      for (const st of ['waiting', 'connected', 'dead']) expect(combos).toContain(`${role}:${st}`);
    }
    expect(combos).toContain('initiator:offering');
    expect(combos).toContain('passive:answering');
  });

  it('every shortest path replays step by step to the state the graph predicts', () => {
    const paths = getShortestPaths(meshRoomMachine, traversal);
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
      ends.add(stateKey(s.value));
    }
    expect([...ends].sort()).toEqual([...ALL_STATES].sort());
  });

  it('simple paths to a connected pair (self 2 ↔ 1 and 3) all satisfy the specification', () => {
    const small = (s: Snap): MeshRoomEvent[] =>
      s.value === 'connecting'
        ? [welcome('2', ['1'])]
        : [
            online('3'),
            sigIn('1', 'offer'),
            sigOut('1', 'answer'),
            pc('1', 'connected'),
            sigOut('3', 'offer'),
            sigIn('3', 'answer'),
            pc('3', 'connected'),
          ];
    const paths = getSimplePaths(meshRoomMachine, {
      events: small,
      serializeState: serialize,
      toState: (s) =>
        Object.values(s.context.links).filter((l) => l.state === 'connected').length === 2,
    });
    expect(paths.length).toBeGreaterThan(10);
    for (const path of paths) {
      let s = INITIAL;
      for (const { event } of path.steps) {
        if ((event.type as string) === 'xstate.init') continue;
        const next = step(s, event);
        expectStep(s, event, next);
        s = next;
      }
      expect(s.context.problems).toEqual([]);
      expect(s.context.links['1']?.role).toBe('passive');
      expect(s.context.links['3']?.role).toBe('initiator');
      expect(meshInvariants(s)).toEqual([]);
    }
  });
});

// ---------------------------------------------------------------------------------------------
// Several pages fed the same server broadcasts.
// ---------------------------------------------------------------------------------------------

/** A relaying server and one page machine per peer, as §5 describes them. */
class MeshSim {
  readonly pages = new Map<string, Snap>();
  private readonly connected = new Set<string>();

  page(id: string): Snap {
    const s = this.pages.get(id);
    if (s === undefined) throw new Error(`no page ${id}`);
    return s;
  }

  send(id: string, ...events: MeshRoomEvent[]): void {
    this.pages.set(id, run(events, this.page(id)));
  }

  /** A page (new or reloaded) opens its WebSocket and gets welcomed; the others hear online. */
  connect(id: string, fresh = true): void {
    if (fresh) this.pages.set(id, INITIAL);
    else this.send(id, WS_OPEN);
    this.send(id, welcome(id, [...this.connected]));
    for (const other of this.connected) this.send(other, online(id));
    this.connected.add(id);
  }

  /** The page's WebSocket closes (reload or network); the others hear offline. */
  disconnect(id: string): void {
    this.send(id, WS_CLOSE);
    this.connected.delete(id);
    for (const other of this.connected) this.send(other, offline(id));
  }

  /** Every page that owes an offer makes it; offer, answer, candidates, then both connect. */
  negotiate(): number {
    let offers = 0;
    for (const [id, snap] of this.pages) {
      if (!this.connected.has(id)) continue;
      for (const link of Object.values(snap.context.links)) {
        if (link.role !== 'initiator' || !['waiting', 'dead'].includes(link.state)) continue;
        if (!this.connected.has(link.peerId)) continue;
        const peer = link.peerId;
        this.send(id, sigOut(peer, 'offer'));
        this.send(peer, sigIn(id, 'offer'), sigOut(id, 'answer'));
        this.send(id, sigIn(peer, 'answer'), sigOut(peer, 'candidate'));
        this.send(peer, sigIn(id, 'candidate'), sigOut(id, 'candidate'));
        this.send(id, sigIn(peer, 'candidate'), pc(peer, 'connected'));
        this.send(peer, pc(id, 'connected'));
        offers++;
      }
    }
    return offers;
  }

  contexts(): MeshRoomContext[] {
    return [...this.pages.values()].map((s) => s.context);
  }

  snapshots(): Snap[] {
    return [...this.pages.values()];
  }
}

function fourPeerMesh(): MeshSim {
  const sim = new MeshSim();
  for (const id of ['1', '2', '3', '4']) {
    sim.connect(id);
    sim.negotiate();
  }
  return sim;
}

describe('meshRoomMachine, a simulated 4-peer mesh', () => {
  it('each page holds 3 connected links; every pair has one initiator, the smaller id', () => {
    const sim = fourPeerMesh();
    for (const ctx of sim.contexts()) {
      const links = Object.values(ctx.links);
      expect(links).toHaveLength(3);
      expect(links.every((l) => l.state === 'connected' && l.generation === 1)).toBe(true);
      expect(ctx.problems).toEqual([]);
    }
    const ids = ['1', '2', '3', '4'];
    for (const a of ids) {
      for (const b of ids) {
        if (a >= b) continue;
        expect(sim.page(a).context.links[b]?.role).toBe('initiator');
        expect(sim.page(b).context.links[a]?.role).toBe('passive');
      }
    }
    expect(meshInvariants(sim.snapshots())).toEqual([]);
  });

  it('a newcomer only waits: it sends no offer, the 3 earlier peers each offer once', () => {
    const sim = new MeshSim();
    for (const id of ['1', '2', '3']) {
      sim.connect(id);
      sim.negotiate();
    }
    sim.connect('4');
    const newcomer = sim.page('4').context;
    expect(Object.values(newcomer.links).map((l) => [l.peerId, l.role, l.state])).toEqual([
      ['1', 'passive', 'waiting'],
      ['2', 'passive', 'waiting'],
      ['3', 'passive', 'waiting'],
    ]);
    for (const id of ['1', '2', '3']) {
      expect(sim.page(id).context.links['4']).toMatchObject({
        role: 'initiator',
        state: 'waiting',
      });
    }
    expect(sim.negotiate()).toBe(3);
  });

  it('a reload comes back with its known id: dead links are re-initiated by the earlier id', () => {
    const sim = fourPeerMesh();
    sim.disconnect('2');
    // Page 1 already saw its connection to 2 fail; page 3 and 4 still see theirs connected.
    sim.send('1', pc('2', 'failed'));
    sim.connect('2'); // a fresh page: a new machine, welcomed with id 2 again
    const reloaded = sim.page('2').context;
    expect(reloaded.selfId).toBe('2');
    expect(reloaded.links['1']).toMatchObject({ role: 'passive', state: 'waiting' });
    expect(reloaded.links['3']).toMatchObject({ role: 'initiator', state: 'waiting' });
    expect(reloaded.links['4']).toMatchObject({ role: 'initiator', state: 'waiting' });
    // 1 initiated toward 2 the first time and initiates again on a fresh link.
    expect(sim.page('1').context.links['2']).toEqual({
      peerId: '2',
      role: 'initiator',
      state: 'waiting',
      generation: 2,
    });
    // 3 and 4 still think their link is up: online(2) is ignored there …
    expect(sim.page('3').context.links['2']).toMatchObject({ state: 'connected', generation: 1 });
    expect(sim.negotiate()).toBe(3);
    // … and the reloaded 2's offer restarts it.
    expect(sim.page('3').context.links['2']).toMatchObject({ state: 'connected', generation: 2 });
    expect(sim.page('4').context.links['2']).toMatchObject({ state: 'connected', generation: 2 });
    for (const ctx of sim.contexts()) {
      expect(Object.values(ctx.links).every((l) => l.state === 'connected')).toBe(true);
      expect(ctx.problems).toEqual([]);
    }
    expect(meshInvariants(sim.snapshots())).toEqual([]);
  });

  it('a WebSocket-only reconnect keeps every link: no offer, no new generation', () => {
    const sim = fourPeerMesh();
    const before = sim.contexts().map((c) => c.links);
    sim.disconnect('3');
    expect(sim.page('3').value).toBe('disconnected');
    expect(sim.page('1').context.online).toEqual(['2', '4']);
    expect(meshInvariants(sim.snapshots())).toEqual([]);
    sim.connect('3', false);
    expect(sim.page('3').value).toBe('inRoom');
    expect(sim.negotiate()).toBe(0);
    expect(sim.contexts().map((c) => c.links)).toEqual(before);
    for (const ctx of sim.contexts()) {
      expect(ctx.online).toHaveLength(3);
      expect(ctx.problems).toEqual([]);
    }
  });

  it('meshInvariants reports a missing link, a wrong role and a pair with two initiators', () => {
    const sim = fourPeerMesh();
    const [one, two] = sim.contexts();
    if (one === undefined || two === undefined) throw new Error('pages');
    const { ['2']: _dropped, ...rest } = one.links;
    expect(meshInvariants({ context: { ...one, links: rest } })).toEqual([
      '1 has 2 links for 4 peers, expected 3',
    ]);
    const twisted: MeshRoomContext = {
      ...two,
      links: {
        ...two.links,
        '1': { peerId: '1', role: 'initiator', state: 'connected', generation: 1 },
      },
    };
    expect(meshInvariants([{ context: one }, { context: twisted }])).toEqual([
      '2 is initiator toward 1',
      'pair 1–2 has 2 initiators, expected 1 alone',
    ]);
  });
});

describe('meshRoomMachine, problems are recorded, never thrown', () => {
  const inRoomAs2 = run([welcome('2', ['1']), online('3')]);
  const kinds = (s: Snap) => s.context.problems.map((p) => p.kind);

  it('an offer from the side that should wait is offer-from-passive, both ways', () => {
    expect(kinds(step(inRoomAs2, sigIn('3', 'offer')))).toEqual(['offer-from-passive']);
    expect(kinds(step(inRoomAs2, sigOut('1', 'offer')))).toEqual(['offer-from-passive']);
  });

  it('a signal or state for a peer without a link is link-missing', () => {
    expect(kinds(run([sigIn('7', 'offer'), pc('7', 'connected')], inRoomAs2))).toEqual([
      'link-missing',
      'link-missing',
    ]);
  });

  it('a second offer toward a live link, or an id listed twice, is a duplicate link', () => {
    expect(kinds(run([sigOut('3', 'offer'), sigOut('3', 'offer')], inRoomAs2))).toEqual([
      'duplicate-link',
    ]);
    expect(kinds(run([welcome('2', ['1', '1'])]))).toEqual(['duplicate-link']);
  });

  it('room events before the welcome are not-in-room; a candidate before the offer is flagged', () => {
    expect(kinds(run([online('1'), sigIn('1', 'offer')]))).toEqual(['not-in-room', 'not-in-room']);
    expect(kinds(step(inRoomAs2, sigIn('1', 'candidate')))).toEqual(['candidate-before-offer']);
  });

  it('a rejoin with another id kills every old link and rebuilds for the new id', () => {
    const s = run([WS_CLOSE, WS_OPEN, welcome('4', ['1', '3'])], inRoomAs2);
    expect(kinds(s)).toEqual(['id-changed']);
    expect(s.context.links['3']).toMatchObject({
      role: 'passive',
      state: 'waiting',
      generation: 2,
    });
  });
});

describe('compareMeshIds', () => {
  it('orders numeric ids numerically and others as strings, totally', () => {
    expect(compareMeshIds('9', '10')).toBeLessThan(0);
    expect(compareMeshIds(9, '10')).toBeLessThan(0);
    expect(compareMeshIds('b', 'a10')).toBeGreaterThan(0);
    expect(compareMeshIds('7', '07')).not.toBe(0);
    expect(Math.sign(compareMeshIds('7', '07'))).toBe(-Math.sign(compareMeshIds('07', '7')));
    expect(meshRole('2', '10')).toBe('initiator');
  });
});

describe('peer ids that name Object.prototype members (found by fuzz/)', () => {
  it('"constructor" and "__proto__" are peers like any other, not inherited members', () => {
    const s = run([
      WS_OPEN,
      welcome('z', ['__proto__', 'constructor', '1']),
      sigIn('constructor', 'offer'),
      sigIn('toString', 'offer'),
    ]);
    expect(Object.keys(s.context.links).sort()).toEqual(['1', '__proto__', 'constructor']);
    expect(Object.getPrototypeOf(s.context.links)).toBe(Object.prototype);
    // 'constructor' < 'z' as strings: it initiates, so its offer is answered.
    expect(s.context.links.constructor).toMatchObject({
      peerId: 'constructor',
      state: 'answering',
      generation: 1,
    });
    expect(Object.getOwnPropertyDescriptor(s.context.links, '__proto__')?.value).toMatchObject({
      peerId: '__proto__',
      state: 'waiting',
    });
    // No link to toString: a problem, not a link built from Object.prototype.toString.
    expect(s.context.problems.map((p) => p.kind)).toContain('link-missing');
    expect(Object.values(s.context.links).every((l) => typeof l.peerId === 'string')).toBe(true);
  });
});

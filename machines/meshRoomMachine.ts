/**
 * meshRoomMachine: ONE page of a full-mesh room (protocol.md §5) as seen from a capture. The
 * server only relays; each page holds one RTCPeerConnection ("link") per other peer. Pure: no
 * I/O, no timers. Violations are recorded in `context.problems`; nothing throws.
 *
 * Rules (§5), and what this machine makes of them:
 * - On `welcome {id, online}` the page learns its id and prepares one link per peer online,
 *   then waits. Its own id in `online` is ignored; an id listed twice is a `duplicate-link`.
 * - The peer with the smaller id initiates (creates the offer) toward the other: a link's
 *   `role` is `'initiator'` when `compareMeshIds(selfId, peerId) < 0`, else `'passive'`. Ids
 *   grow with arrival, so "a newcomer waits passively" is the same rule; a reloaded page keeps
 *   its old id and so initiates toward later peers straight from its welcome, as §5 asks
 *   ("whichever side initiated the first time initiates again").
 * - `online(id)` for a new id adds a link; every link starts in `waiting` (no offer yet: owed
 *   by us when initiator, awaited when passive).
 * - `online(id)` for an id already known: when the link is `connected` the peer only
 *   reconnected its WebSocket → ignored (the id is online again); otherwise the old link is
 *   dead → replaced by a fresh one (`generation + 1`, same role: same ids, same order).
 * - `offline(id)` only takes the id out of `online`: an RTCPeerConnection outlives a WebSocket.
 * - Own WebSocket: `ws.close` → `disconnected` (links kept), `ws.open` → `connecting`, and the
 *   next `welcome` rejoins: with the same id, connected links are kept and the others renewed
 *   (the mirror of the rule above, so both sides agree); with another id, every old link is
 *   dead (`id-changed`) and the links are rebuilt for the new id. A welcome with no new
 *   connection before it is an `unexpected-welcome` and changes nothing.
 * - Offer / answer / candidate (`mesh.signal.in` / `.out`): passive `waiting` → `answering` on
 *   an offer in; initiator `waiting` → `offering` on an offer out; `mesh.link.state` from the
 *   RTCPeerConnection gives `connected` (connectionState `connected`) or `dead` (`failed`,
 *   `closed`). A fresh offer on a `dead` link restarts it (`generation + 1`), and so does an
 *   offer *in* on a `connected` link: the initiator reloaded while our connection still looked
 *   alive. A second offer *out* toward a connected or offering link is a `duplicate-link`.
 * - Room events before the welcome or while the WebSocket is down are `not-in-room`;
 *   `mesh.link.state` is taken in every state (the connections do not need the WebSocket).
 */
import { assign, setup } from 'xstate';
import { machineGraph, type MachineGraph } from './lib/graph.ts';
import type { MeshPeerId, MeshSignalKind } from './roomProtocols.ts';

export type { MeshPeerId, MeshSignalKind } from './roomProtocols.ts';

export type MeshRole = 'initiator' | 'passive';
export type MeshLinkState = 'waiting' | 'offering' | 'answering' | 'connected' | 'dead';

/** `RTCPeerConnection.connectionState` values, as `mesh.link.state` carries them. */
export type MeshPcState = 'new' | 'connecting' | 'connected' | 'disconnected' | 'failed' | 'closed';

/** This page's RTCPeerConnection toward one remote peer. */
export interface MeshLink {
  readonly peerId: string;
  readonly role: MeshRole;
  readonly state: MeshLinkState;
  /** 1 for the first link to this peer, + 1 each time it is replaced or restarted. */
  readonly generation: number;
}

export type MeshProblemKind =
  /** A room event before the welcome, or while this page's WebSocket is down. */
  | 'not-in-room'
  /** An offer from (or to) the side that should wait. */
  | 'offer-from-passive'
  /** A signal or a connection state for a peer this page has no link to. */
  | 'link-missing'
  /** A second link toward the same peer (second offer, id listed twice). */
  | 'duplicate-link'
  /** An answer from the initiator side, or with no offer outstanding. */
  | 'unexpected-answer'
  /** A candidate on a link before any offer. */
  | 'candidate-before-offer'
  /** A welcome while not waiting for one (no reconnect in between). */
  | 'unexpected-welcome'
  /** The welcome after a reconnect gave this page another id. */
  | 'id-changed';

export interface MeshProblem {
  readonly kind: MeshProblemKind;
  readonly peerId: string | null;
  readonly detail: string;
}

export interface MeshRoomContext {
  /** This page's id (from the welcome), as a string. */
  readonly selfId: string | null;
  /** The other peers the server says are online: a set, kept sorted by `compareMeshIds`. */
  readonly online: readonly string[];
  /** One link per remote peer ever announced, by peer id. */
  readonly links: Readonly<Record<string, MeshLink>>;
  readonly problems: readonly MeshProblem[];
}

export type MeshRoomEvent =
  | {
      readonly type: 'mesh.welcome';
      readonly id: MeshPeerId;
      readonly online: readonly MeshPeerId[];
    }
  | { readonly type: 'mesh.online'; readonly id: MeshPeerId }
  | { readonly type: 'mesh.offline'; readonly id: MeshPeerId }
  | { readonly type: 'mesh.signal.in'; readonly from: MeshPeerId; readonly kind: MeshSignalKind }
  | { readonly type: 'mesh.signal.out'; readonly to: MeshPeerId; readonly kind: MeshSignalKind }
  | { readonly type: 'mesh.link.state'; readonly peerId: MeshPeerId; readonly state: MeshPcState }
  | { readonly type: 'ws.open' }
  | { readonly type: 'ws.close' };

const DECIMAL = /^-?\d+(?:\.\d+)?$/;

/**
 * Orders two peer ids: numerically when both are numbers or decimal strings, otherwise as
 * strings by UTF-16 code units; ties between different spellings (`'7'`, `'07'`) fall back
 * to the string order, so the order is total and both pages of a pair agree on it.
 *
 * @example
 * compareMeshIds('9', '10'); // < 0 (numeric)
 * compareMeshIds('b', 'a10'); // > 0 (string)
 */
export function compareMeshIds(a: MeshPeerId, b: MeshPeerId): number {
  const x = String(a);
  const y = String(b);
  if (DECIMAL.test(x) && DECIMAL.test(y)) {
    const d = Number(x) - Number(y);
    if (d !== 0) return d;
  }
  return x < y ? -1 : x > y ? 1 : 0;
}

/**
 * The role of `selfId`'s link toward `peerId`: the smaller id initiates.
 *
 * @example
 * meshRole('2', '5'); // 'initiator'
 * meshRole(5, 2); // 'passive'
 */
export function meshRole(selfId: MeshPeerId, peerId: MeshPeerId): MeshRole {
  return compareMeshIds(selfId, peerId) < 0 ? 'initiator' : 'passive';
}

export const INITIAL_MESH_CONTEXT: MeshRoomContext = Object.freeze({
  selfId: null,
  online: [],
  links: {},
  problems: [],
});

function freshLink(selfId: string, peerId: string, previous?: MeshLink): MeshLink {
  return {
    peerId,
    role: meshRole(selfId, peerId),
    state: 'waiting',
    generation: previous === undefined ? 1 : previous.generation + 1,
  };
}

/**
 * The link to `peer`, if there is one. Peer ids come from the wire: `constructor` or
 * `__proto__` must not find Object.prototype's members in a plain record.
 */
function linkOf(links: Readonly<Record<string, MeshLink>>, peer: string): MeshLink | undefined {
  return Object.hasOwn(links, peer) ? links[peer] : undefined;
}

/** Sets a link as an own property (a plain `links[peer] =` with `__proto__` would set the prototype). */
function putLink(links: Record<string, MeshLink>, peer: string, link: MeshLink): void {
  Object.defineProperty(links, peer, {
    value: link,
    enumerable: true,
    writable: true,
    configurable: true,
  });
}

function sortIds(ids: Iterable<string>): string[] {
  return [...new Set(ids)].sort(compareMeshIds);
}

function problem(kind: MeshProblemKind, peerId: string | null, detail: string): MeshProblem {
  return { kind, peerId, detail };
}

/** The outcome of a signal on a link: a new link (or none: unchanged), or a problem. */
interface SignalVerdict {
  readonly link?: MeshLink;
  readonly problem?: MeshProblem;
}

function restarted(link: MeshLink, state: MeshLinkState): MeshLink {
  return { ...link, state, generation: link.generation + 1 };
}

function judgeSignal(
  context: MeshRoomContext,
  direction: 'in' | 'out',
  peer: string,
  kind: MeshSignalKind,
): SignalVerdict {
  const link = linkOf(context.links, peer);
  const arrow = direction === 'in' ? `from ${peer}` : `to ${peer}`;
  if (link === undefined) {
    return { problem: problem('link-missing', peer, `${kind} ${arrow}, but no link to ${peer}`) };
  }
  // The side whose role sends this kind: offers come from the initiator, answers from the
  // passive side. `ours` = this page sends it.
  const ours = direction === 'out';
  const sentByInitiator = ours === (link.role === 'initiator');
  switch (kind) {
    case 'offer':
      if (!sentByInitiator) {
        return {
          problem: problem(
            'offer-from-passive',
            peer,
            `offer ${arrow}: ${ours ? 'this page' : peer} has the larger id and should wait`,
          ),
        };
      }
      if (ours) {
        if (link.state === 'waiting') return { link: { ...link, state: 'offering' } };
        if (link.state === 'dead') return { link: restarted(link, 'offering') };
        return {
          problem: problem('duplicate-link', peer, `second offer to ${peer}, link ${link.state}`),
        };
      }
      if (link.state === 'waiting') return { link: { ...link, state: 'answering' } };
      if (link.state === 'answering') {
        return {
          problem: problem('duplicate-link', peer, `second offer from ${peer} before the answer`),
        };
      }
      return { link: restarted(link, 'answering') };
    case 'answer': {
      const expected = ours ? 'answering' : 'offering';
      if (sentByInitiator || link.state !== expected) {
        return {
          problem: problem(
            'unexpected-answer',
            peer,
            `answer ${arrow} on a ${link.role} link in ${link.state}`,
          ),
        };
      }
      return {};
    }
    case 'candidate':
      if (link.state === 'waiting') {
        return {
          problem: problem('candidate-before-offer', peer, `candidate ${arrow} before any offer`),
        };
      }
      return {};
  }
}

function signalVerdict(context: MeshRoomContext, event: MeshRoomEvent): SignalVerdict {
  if (event.type === 'mesh.signal.in')
    return judgeSignal(context, 'in', String(event.from), event.kind);
  if (event.type === 'mesh.signal.out')
    return judgeSignal(context, 'out', String(event.to), event.kind);
  return {};
}

function applyVerdict(context: MeshRoomContext, verdict: SignalVerdict): Partial<MeshRoomContext> {
  if (verdict.problem !== undefined) return { problems: [...context.problems, verdict.problem] };
  if (verdict.link === undefined) return {};
  return { links: { ...context.links, [verdict.link.peerId]: verdict.link } };
}

/** Context after a welcome: first one, rejoin with the same id, or rejoin with a new id. */
function welcomed(
  context: MeshRoomContext,
  event: Extract<MeshRoomEvent, { type: 'mesh.welcome' }>,
): MeshRoomContext {
  const selfId = String(event.id);
  const problems = [...context.problems];
  const links: Record<string, MeshLink> = { ...context.links };
  if (context.selfId !== null && context.selfId !== selfId) {
    problems.push(problem('id-changed', null, `welcome gave id ${selfId}, was ${context.selfId}`));
    // The other pages will see a new id: the old links are dead, and their roles follow the
    // new id so that a renewed link starts on the right side.
    for (const [peer, link] of Object.entries(links)) {
      putLink(links, peer, { ...link, role: meshRole(selfId, peer), state: 'dead' });
    }
  }
  const seen = new Set<string>();
  for (const raw of event.online) {
    const peer = String(raw);
    if (peer === selfId) continue;
    if (seen.has(peer)) {
      problems.push(problem('duplicate-link', peer, `welcome lists ${peer} twice`));
      continue;
    }
    seen.add(peer);
    const old = linkOf(links, peer);
    // Same rule as online(known id): a connected link survives, any other is renewed.
    if (old === undefined || old.state !== 'connected') {
      putLink(links, peer, freshLink(selfId, peer, old));
    }
  }
  // A page never links to itself, whatever it linked to under an old id.
  const own = Object.entries(links).filter(([peer]) => peer !== selfId);
  return { selfId, online: sortIds(seen), links: Object.fromEntries(own), problems };
}

function eventPeer(event: MeshRoomEvent): string | null {
  switch (event.type) {
    case 'mesh.online':
    case 'mesh.offline':
      return String(event.id);
    case 'mesh.signal.in':
      return String(event.from);
    case 'mesh.signal.out':
      return String(event.to);
    case 'mesh.link.state':
      return String(event.peerId);
    default:
      return null;
  }
}

export const meshRoomMachine = setup({
  types: {
    context: {} as MeshRoomContext,
    events: {} as MeshRoomEvent,
  },
  guards: {
    isRejoin: ({ context }) => context.selfId !== null,
    isSameId: ({ context, event }) =>
      event.type === 'mesh.welcome' && context.selfId === String(event.id),
    isSelf: ({ context, event }) => context.selfId === eventPeer(event),
    isLiveLink: ({ context, event }) => {
      const peer = eventPeer(event);
      return peer !== null && linkOf(context.links, peer)?.state === 'connected';
    },
    isKnownPeer: ({ context, event }) => {
      const peer = eventPeer(event);
      return peer !== null && Object.hasOwn(context.links, peer);
    },
    signalAccepted: ({ context, event }) => signalVerdict(context, event).problem === undefined,
  },
  actions: {
    applyWelcome: assign(({ context, event }) =>
      event.type === 'mesh.welcome' ? welcomed(context, event) : {},
    ),
    markOnline: assign(({ context, event }) => {
      const peer = eventPeer(event);
      return peer === null ? {} : { online: sortIds([...context.online, peer]) };
    }),
    markOffline: assign(({ context, event }) => {
      const peer = eventPeer(event);
      return { online: context.online.filter((id) => id !== peer) };
    }),
    /** New link for a new peer, or a fresh generation for a known one whose link is not live. */
    linkPeer: assign(({ context, event }) => {
      const peer = eventPeer(event);
      if (peer === null || context.selfId === null) return {};
      return {
        links: {
          ...context.links,
          [peer]: freshLink(context.selfId, peer, linkOf(context.links, peer)),
        },
      };
    }),
    applySignal: assign(({ context, event }) =>
      applyVerdict(context, signalVerdict(context, event)),
    ),
    noteSignalProblem: assign(({ context, event }) =>
      applyVerdict(context, signalVerdict(context, event)),
    ),
    applyLinkState: assign(({ context, event }) => {
      if (event.type !== 'mesh.link.state') return {};
      const peer = String(event.peerId);
      const link = linkOf(context.links, peer);
      const state: MeshLinkState | null =
        event.state === 'connected'
          ? 'connected'
          : event.state === 'failed' || event.state === 'closed'
            ? 'dead'
            : null;
      if (link === undefined || state === null) return {};
      return { links: { ...context.links, [peer]: { ...link, state } } };
    }),
    noteLinkMissing: assign(({ context, event }) => {
      const peer = eventPeer(event);
      return {
        problems: [
          ...context.problems,
          problem('link-missing', peer, `connection state for ${String(peer)} with no link`),
        ],
      };
    }),
    noteUnexpectedWelcome: assign(({ context }) => ({
      problems: [
        ...context.problems,
        problem('unexpected-welcome', null, 'welcome without a new WebSocket connection'),
      ],
    })),
    noteNotInRoom: assign(({ context, event }) => ({
      problems: [
        ...context.problems,
        problem('not-in-room', eventPeer(event), `${event.type} outside the room`),
      ],
    })),
  },
}).createMachine({
  id: 'meshRoom',
  initial: 'connecting',
  context: INITIAL_MESH_CONTEXT,
  on: {
    // RTCPeerConnections live on whatever the WebSocket does.
    'mesh.link.state': [
      { guard: 'isKnownPeer', actions: 'applyLinkState' },
      { actions: 'noteLinkMissing' },
    ],
    'mesh.welcome': { actions: 'noteUnexpectedWelcome' },
    'mesh.online': { actions: 'noteNotInRoom' },
    'mesh.offline': { actions: 'noteNotInRoom' },
    'mesh.signal.in': { actions: 'noteNotInRoom' },
    'mesh.signal.out': { actions: 'noteNotInRoom' },
  },
  states: {
    /** WebSocket opening or open, no welcome yet (first connection or after a reconnect). */
    connecting: {
      on: {
        'mesh.welcome': [
          { guard: 'isSameId', target: 'inRoom', actions: 'applyWelcome' },
          { guard: 'isRejoin', target: 'inRoom', actions: 'applyWelcome' },
          { target: 'inRoom', actions: 'applyWelcome' },
        ],
        'ws.close': { target: 'disconnected' },
      },
    },
    /** Welcomed: follows the room and negotiates links. */
    inRoom: {
      on: {
        'mesh.online': [
          // The server may echo a newcomer's own online(id) to it.
          { guard: 'isSelf' },
          // Only its WebSocket reconnected: the link is still up, ignore.
          { guard: 'isLiveLink', actions: 'markOnline' },
          // Came back with a known id: the old link is dead, start a new one.
          { guard: 'isKnownPeer', actions: ['markOnline', 'linkPeer'] },
          { actions: ['markOnline', 'linkPeer'] },
        ],
        'mesh.offline': { actions: 'markOffline' },
        'mesh.signal.in': [
          { guard: 'signalAccepted', actions: 'applySignal' },
          { actions: 'noteSignalProblem' },
        ],
        'mesh.signal.out': [
          { guard: 'signalAccepted', actions: 'applySignal' },
          { actions: 'noteSignalProblem' },
        ],
        'ws.close': { target: 'disconnected' },
      },
    },
    /** This page's WebSocket is down; its links keep their state. */
    disconnected: {
      on: { 'ws.open': { target: 'connecting' } },
    },
  },
});

export type MeshRoomMachine = typeof meshRoomMachine;

/** The definition of {@link meshRoomMachine} as plain data, for the state diagram views. */
export const meshRoomGraph: MachineGraph = machineGraph(meshRoomMachine);

/** Anything with a mesh context: a snapshot of {@link meshRoomMachine}, or the context holder. */
export interface MeshPageView {
  readonly context: MeshRoomContext;
}

/**
 * Checks the §5 invariants and returns one sentence per violation (empty: all hold).
 *
 * For each page: a link toward every online peer and none toward itself (n−1 links for n
 * peers), each with the role the id order gives. For several pages (one simulated page per
 * peer, fed the same broadcasts): every pair that sees each other online has links on both
 * sides, and exactly one of them initiates, the smaller id.
 *
 * @example
 * meshInvariants([pageA.getSnapshot(), pageB.getSnapshot()]); // [] when the mesh is sound
 */
export function meshInvariants(pages: MeshPageView | readonly MeshPageView[]): string[] {
  const list: readonly MeshPageView[] = Array.isArray(pages) ? pages : [pages as MeshPageView];
  const violations: string[] = [];
  const byId = new Map<string, MeshRoomContext>();
  for (const { context } of list) {
    const self = context.selfId;
    if (self === null) continue;
    byId.set(self, context);
    if (self in context.links) violations.push(`${self} has a link to itself`);
    const linked = context.online.filter((peer) => peer in context.links).length;
    if (linked !== context.online.length) {
      violations.push(
        `${self} has ${linked} links for ${context.online.length + 1} peers, expected ${context.online.length}`,
      );
    }
    for (const link of Object.values(context.links)) {
      if (link.role !== meshRole(self, link.peerId)) {
        violations.push(`${self} is ${link.role} toward ${link.peerId}`);
      }
    }
  }
  for (const [a, ctxA] of byId) {
    for (const [b, ctxB] of byId) {
      if (compareMeshIds(a, b) >= 0) continue;
      if (!ctxA.online.includes(b) || !ctxB.online.includes(a)) continue;
      const ab = linkOf(ctxA.links, b);
      const ba = linkOf(ctxB.links, a);
      if (ab === undefined || ba === undefined) {
        violations.push(`pair ${a}–${b} lacks a link on ${ab === undefined ? a : b}'s side`);
        continue;
      }
      const initiators = [ab, ba].filter((l) => l.role === 'initiator').length;
      if (initiators !== 1 || ab.role !== 'initiator') {
        violations.push(`pair ${a}–${b} has ${initiators} initiators, expected ${a} alone`);
      }
    }
  }
  return violations;
}

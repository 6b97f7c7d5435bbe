/**
 * twoPartyRoomMachine: one client of the two-party room (the WebRTC codelab shape, protocol.md
 * §5) as seen from a capture. Pure: no I/O, no timers. Violations are recorded in
 * `context.problems`; nothing throws.
 *
 * - `idle` → `joining` when the client sends `create or join`; the server answers `created`
 *   (first client: the initiator) → `inRoom.initiator`, `joined` (second) →
 *   `inRoom.joinedRoom`, or `full` → `full` (final).
 * - In the room the client broadcasts `got user media` once its camera is open. The
 *   initiator learns that the other client arrived from `join` (or `ready`): `gotMedia` is
 *   "own media, alone"; `channelReady` is "own media and both present" (codelab `maybeStart`
 *   conditions). The joiner is never alone, so it goes straight to `channelReady`.
 * - Only the initiator creates the offer (`channelReady` → `offering`); the joiner answers
 *   it (`channelReady` → `answering` on the offer, and sends the answer).
 * - `connected` once the SDP exchange is complete (initiator: answer received; joiner: answer
 *   sent) and at least one remote candidate arrived, in whichever order the two come.
 * - `bye`, sent or received, in any room state → `ended` (final).
 *
 * Problems: a second `create or join`; a server reply nobody asked for; any `message` before
 * the room is joined; an offer from the joiner or an answer from the initiator; an offer before
 * both are ready; an answer with no offer outstanding; a candidate before the offer; a message
 * out of order (media twice, a second offer).
 */
import { and, assign, not, setup } from 'xstate';
import { machineGraph, type MachineGraph } from './lib/graph.ts';
import type { TwoPartyPayload } from './roomProtocols.ts';

export type { TwoPartyPayload } from './roomProtocols.ts';

export type TwoPartyPayloadKind = 'got user media' | 'bye' | 'offer' | 'answer' | 'candidate';

export type TwoPartyProblemKind =
  | 'before-join'
  | 'duplicate-create-or-join'
  | 'unexpected-reply'
  | 'offer-from-joiner'
  | 'answer-from-initiator'
  | 'offer-before-ready'
  | 'unexpected-answer'
  | 'candidate-before-offer'
  | 'out-of-order';

export interface TwoPartyProblem {
  readonly kind: TwoPartyProblemKind;
  readonly detail: string;
}

export interface TwoPartyRoomContext {
  /** The room asked for in `create or join`. */
  readonly room: string | null;
  /** The id the server gave in `created` / `joined`. */
  readonly clientId: string | null;
  readonly isInitiator: boolean;
  /** This client broadcast `got user media`. */
  readonly hasMedia: boolean;
  /** The other client broadcast `got user media`. */
  readonly remoteMedia: boolean;
  /** Both clients are in the room (`joined`, or `join` / `ready` for the initiator). */
  readonly peerPresent: boolean;
  /** The SDP exchange is complete (initiator: answer received; joiner: answer sent). */
  readonly answered: boolean;
  readonly localCandidates: number;
  readonly remoteCandidates: number;
  readonly endedBy: 'local' | 'remote' | null;
  readonly problems: readonly TwoPartyProblem[];
}

export type TwoPartyRoomEvent =
  /** This client sent `create or join`. */
  | { readonly type: 'room.createOrJoin'; readonly room: string }
  | { readonly type: 'room.created'; readonly room: string; readonly id: string }
  | { readonly type: 'room.joined'; readonly room: string; readonly id: string }
  | { readonly type: 'room.full'; readonly room: string }
  /** To the initiator: the second client arrived. */
  | { readonly type: 'room.join'; readonly room: string }
  | { readonly type: 'room.ready' }
  /** This client broadcast a `message`. */
  | { readonly type: 'room.message.out'; readonly message: TwoPartyPayload }
  /** The other client's `message`, relayed. */
  | { readonly type: 'room.message.in'; readonly message: TwoPartyPayload };

/**
 * What a codelab `message` payload is.
 *
 * @example
 * payloadKind('got user media'); // 'got user media'
 * payloadKind({ type: 'candidate', label: 0, id: '0', candidate: 'candidate:…' }); // 'candidate'
 */
export function payloadKind(message: TwoPartyPayload): TwoPartyPayloadKind {
  return typeof message === 'string' ? message : message.type;
}

export const INITIAL_TWO_PARTY_CONTEXT: TwoPartyRoomContext = Object.freeze({
  room: null,
  clientId: null,
  isInitiator: false,
  hasMedia: false,
  remoteMedia: false,
  peerPresent: false,
  answered: false,
  localCandidates: 0,
  remoteCandidates: 0,
  endedBy: null,
  problems: [],
});

function kindOf(event: TwoPartyRoomEvent): TwoPartyPayloadKind | null {
  return event.type === 'room.message.out' || event.type === 'room.message.in'
    ? payloadKind(event.message)
    : null;
}

function describe(event: TwoPartyRoomEvent): string {
  const kind = kindOf(event);
  return kind === null ? event.type : `${event.type} ${kind}`;
}

const isKind =
  (kind: TwoPartyPayloadKind) =>
  ({ event }: { event: TwoPartyRoomEvent }): boolean =>
    kindOf(event) === kind;

const problem = (kind: TwoPartyProblemKind) => ({ type: 'noteProblem', params: { kind } }) as const;

export const twoPartyRoomMachine = setup({
  types: {
    context: {} as TwoPartyRoomContext,
    events: {} as TwoPartyRoomEvent,
  },
  guards: {
    isMedia: isKind('got user media'),
    isBye: isKind('bye'),
    isOffer: isKind('offer'),
    isAnswer: isKind('answer'),
    isCandidate: isKind('candidate'),
    isInitiator: ({ context }) => context.isInitiator,
    isPeerPresent: ({ context }) => context.peerPresent,
    isAnswered: ({ context }) => context.answered,
    hasRemoteCandidate: ({ context }) => context.remoteCandidates > 0,
  },
  actions: {
    setRoom: assign(({ event }) =>
      event.type === 'room.createOrJoin' ? { room: event.room } : {},
    ),
    becomeInitiator: assign(({ event }) =>
      event.type === 'room.created' ? { clientId: event.id, isInitiator: true } : {},
    ),
    becomeJoiner: assign(({ event }) =>
      event.type === 'room.joined'
        ? { clientId: event.id, isInitiator: false, peerPresent: true }
        : {},
    ),
    markMedia: assign({ hasMedia: true }),
    markRemoteMedia: assign({ remoteMedia: true }),
    markPeerPresent: assign({ peerPresent: true }),
    markAnswered: assign({ answered: true }),
    countLocalCandidate: assign(({ context }) => ({
      localCandidates: context.localCandidates + 1,
    })),
    countRemoteCandidate: assign(({ context }) => ({
      remoteCandidates: context.remoteCandidates + 1,
    })),
    endLocally: assign({ endedBy: 'local' as const }),
    endRemotely: assign({ endedBy: 'remote' as const }),
    noteProblem: assign(({ context, event }, params: { kind: TwoPartyProblemKind }) => ({
      problems: [...context.problems, { kind: params.kind, detail: describe(event) }],
    })),
  },
}).createMachine({
  id: 'twoPartyRoom',
  initial: 'idle',
  context: INITIAL_TWO_PARTY_CONTEXT,
  on: {
    'room.createOrJoin': { actions: problem('duplicate-create-or-join') },
    'room.created': { actions: problem('unexpected-reply') },
    'room.joined': { actions: problem('unexpected-reply') },
    'room.full': { actions: problem('unexpected-reply') },
    'room.join': { actions: problem('unexpected-reply') },
    'room.ready': { actions: problem('unexpected-reply') },
    'room.message.out': { actions: problem('before-join') },
    'room.message.in': { actions: problem('before-join') },
  },
  states: {
    idle: {
      on: { 'room.createOrJoin': { target: 'joining', actions: 'setRoom' } },
    },
    /** `create or join` sent, no answer yet. */
    joining: {
      on: {
        'room.created': { target: 'inRoom.initiator', actions: 'becomeInitiator' },
        'room.joined': { target: 'inRoom.joinedRoom', actions: 'becomeJoiner' },
        'room.full': { target: 'full' },
      },
    },
    inRoom: {
      initial: 'initiator',
      // What any room state does with what its child state does not take.
      on: {
        'room.join': { actions: 'markPeerPresent' },
        'room.ready': { actions: 'markPeerPresent' },
        'room.message.out': [
          { guard: 'isBye', target: 'ended', actions: 'endLocally' },
          { guard: 'isMedia', actions: problem('out-of-order') },
          { guard: and(['isOffer', not('isInitiator')]), actions: problem('offer-from-joiner') },
          { guard: 'isOffer', actions: problem('offer-before-ready') },
          { guard: and(['isAnswer', 'isInitiator']), actions: problem('answer-from-initiator') },
          { guard: 'isAnswer', actions: problem('unexpected-answer') },
          { actions: problem('candidate-before-offer') },
        ],
        'room.message.in': [
          { guard: 'isBye', target: 'ended', actions: 'endRemotely' },
          { guard: 'isMedia', actions: 'markRemoteMedia' },
          { guard: and(['isOffer', 'isInitiator']), actions: problem('offer-from-joiner') },
          { guard: 'isOffer', actions: problem('offer-before-ready') },
          {
            guard: and(['isAnswer', not('isInitiator')]),
            actions: problem('answer-from-initiator'),
          },
          { guard: 'isAnswer', actions: problem('unexpected-answer') },
          { actions: problem('candidate-before-offer') },
        ],
      },
      states: {
        /** Created the room (first client), no media yet; the other may have arrived. */
        initiator: {
          on: {
            'room.message.out': [
              {
                guard: and(['isMedia', 'isPeerPresent']),
                target: 'channelReady',
                actions: 'markMedia',
              },
              { guard: 'isMedia', target: 'gotMedia', actions: 'markMedia' },
            ],
          },
        },
        /** Joined a room the initiator created (so both are present), no media yet. */
        joinedRoom: {
          on: {
            'room.message.out': { guard: 'isMedia', target: 'channelReady', actions: 'markMedia' },
          },
        },
        /** Initiator with its media, alone in the room. */
        gotMedia: {
          on: {
            'room.join': { target: 'channelReady', actions: 'markPeerPresent' },
            'room.ready': { target: 'channelReady', actions: 'markPeerPresent' },
          },
        },
        /** Own media and both clients present: the initiator offers, the joiner waits. */
        channelReady: {
          on: {
            'room.message.out': {
              guard: and(['isOffer', 'isInitiator']),
              target: 'offering',
            },
            'room.message.in': {
              guard: and(['isOffer', not('isInitiator')]),
              target: 'answering',
            },
          },
        },
        /** Initiator: offer sent; waits for the answer and a candidate. */
        offering: {
          on: {
            'room.message.in': [
              { guard: and(['isAnswer', 'isAnswered']), actions: problem('unexpected-answer') },
              {
                guard: and(['isAnswer', 'hasRemoteCandidate']),
                target: 'connected',
                actions: 'markAnswered',
              },
              { guard: 'isAnswer', actions: 'markAnswered' },
              {
                guard: and(['isCandidate', 'isAnswered']),
                target: 'connected',
                actions: 'countRemoteCandidate',
              },
              { guard: 'isCandidate', actions: 'countRemoteCandidate' },
            ],
            'room.message.out': [
              { guard: 'isCandidate', actions: 'countLocalCandidate' },
              { guard: 'isOffer', actions: problem('out-of-order') },
            ],
          },
        },
        /** Joiner: offer received; sends the answer, exchanges candidates. */
        answering: {
          on: {
            'room.message.out': [
              { guard: and(['isAnswer', 'isAnswered']), actions: problem('unexpected-answer') },
              {
                guard: and(['isAnswer', 'hasRemoteCandidate']),
                target: 'connected',
                actions: 'markAnswered',
              },
              { guard: 'isAnswer', actions: 'markAnswered' },
              { guard: 'isCandidate', actions: 'countLocalCandidate' },
            ],
            'room.message.in': [
              {
                guard: and(['isCandidate', 'isAnswered']),
                target: 'connected',
                actions: 'countRemoteCandidate',
              },
              { guard: 'isCandidate', actions: 'countRemoteCandidate' },
              { guard: 'isOffer', actions: problem('out-of-order') },
            ],
          },
        },
        /** SDP exchanged and a remote candidate in: the call is up. */
        connected: {
          on: {
            'room.message.in': [
              { guard: 'isCandidate', actions: 'countRemoteCandidate' },
              { guard: and(['isOffer', not('isInitiator')]), actions: problem('out-of-order') },
            ],
            'room.message.out': [
              { guard: 'isCandidate', actions: 'countLocalCandidate' },
              { guard: and(['isOffer', 'isInitiator']), actions: problem('out-of-order') },
            ],
          },
        },
      },
    },
    /** Third client: the room already has two. */
    full: { type: 'final' },
    /** `bye` sent or received. */
    ended: { type: 'final' },
  },
});

export type TwoPartyRoomMachine = typeof twoPartyRoomMachine;

/** The definition of {@link twoPartyRoomMachine} as plain data, for the state diagram views. */
export const twoPartyRoomGraph: MachineGraph = machineGraph(twoPartyRoomMachine);

/**
 * mediasoupClientMachine: a mediasoup-demo room client (either dialect) as seen from a
 * capture. Pure: no I/O, no timers; time comes in as `clock.tick { t }` events.
 *
 * Top-level states follow the join sequence of protocol.md §2.2, which the demo client runs
 * on every protoo `open`:
 *
 * - `idle` → `connected` on `ws.open` (the `mediasoup-version` / `mediasoupVersion`
 *   notification that follows is kept in the room model);
 * - `connected` → `gettingCapabilities` on the `getRouterRtpCapabilities` request, → `ready`
 *   on its success (Device loaded), back to `connected` on an error or when protoo-client
 *   times it out (the `clock.tick` after its deadline);
 * - `ready` (or `connected`, for a client that joins without capabilities) → `joining` on
 *   the `join` request, → `joined` on its success; an error or a timeout goes back to
 *   `ready` (or `connected` when no capabilities were loaded); a response after the timeout
 *   is late and joins nothing;
 * - any state → `disconnected` on a socket close (code ≠ 4000), → `closed` (final) on 4000;
 *   `disconnected` → `rejoining` on the next `ws.open` (a new server-side Peer: the room
 *   model starts empty again), and `rejoining` runs the join sequence like `connected`;
 * - in `idle`, a close with code ≠ 4000 is a failed attempt and stays in `idle`.
 *
 * The room model (transports with their connect and connection states, producers,
 * consumers, data producers / consumers, peers, active speaker, pending requests and their
 * timeouts, peer connections, problems) is in `context.room`, updated on every event by the
 * pure {@link reduceRoom}; the states only follow the join sequence. `pc.event`s (the
 * connection's RTCPeerConnection trace) only feed the room model: they give the transports
 * their `connectionState` (see `mediasoupClientMachine.pcs.ts` for which pc is which
 * transport).
 */
import { assign, setup } from 'xstate';
import {
  INITIAL_ROOM,
  reduceRoom,
  respondedMethod,
  timesOut,
  type MediasoupClientEvent,
  type RoomModel,
} from './mediasoupClientMachine.context.ts';

export type {
  MediasoupClientEvent,
  PcMappingRule,
  RoomModel,
  RoomPc,
  RoomProblem,
  RoomProblemCode,
  RoomTransport,
  TransportConnectionState,
} from './mediasoupClientMachine.context.ts';
export { INITIAL_ROOM, reduceRoom } from './mediasoupClientMachine.context.ts';

/** Close code with which protoo-server closes a peer; the client never reconnects after it. */
export const CLOSE_BY_SERVER = 4000;

export interface MediasoupClientContext {
  readonly room: RoomModel;
}

const reduce = { actions: 'reduce' } as const;

/** What `connected` and `rejoining` do: start the join sequence. */
const startSequence = {
  'ms.request': [
    { guard: 'isCapabilitiesRequest', target: 'gettingCapabilities', actions: 'reduce' },
    { guard: 'isJoinRequest', target: 'joining', actions: 'reduce' },
  ],
} as const;

export const mediasoupClientMachine = setup({
  types: {
    context: {} as MediasoupClientContext,
    events: {} as MediasoupClientEvent,
  },
  guards: {
    isServerClose: ({ event }) => event.type === 'ws.close' && event.code === CLOSE_BY_SERVER,
    isCapabilitiesRequest: ({ event }) =>
      event.type === 'ms.request' && event.method === 'getRouterRtpCapabilities',
    isJoinRequest: ({ event }) => event.type === 'ms.request' && event.method === 'join',
    capabilitiesLoaded: ({ context, event }) =>
      event.type === 'ms.response' &&
      event.ok &&
      respondedMethod(context.room, event) === 'getRouterRtpCapabilities',
    capabilitiesFailed: ({ context, event }) =>
      event.type === 'ms.response' &&
      !event.ok &&
      respondedMethod(context.room, event) === 'getRouterRtpCapabilities',
    joinAccepted: ({ context, event }) =>
      event.type === 'ms.response' && event.ok && respondedMethod(context.room, event) === 'join',
    joinRejectedWithDevice: ({ context, event }) =>
      event.type === 'ms.response' &&
      !event.ok &&
      respondedMethod(context.room, event) === 'join' &&
      context.room.capabilitiesLoaded,
    joinRejected: ({ context, event }) =>
      event.type === 'ms.response' && !event.ok && respondedMethod(context.room, event) === 'join',
    capabilitiesTimedOut: ({ context, event }) =>
      event.type === 'clock.tick' && timesOut(context.room, 'getRouterRtpCapabilities', event.t),
    joinTimedOutWithDevice: ({ context, event }) =>
      event.type === 'clock.tick' &&
      context.room.capabilitiesLoaded &&
      timesOut(context.room, 'join', event.t),
    joinTimedOut: ({ context, event }) =>
      event.type === 'clock.tick' && timesOut(context.room, 'join', event.t),
  },
  actions: {
    reduce: assign(({ context, event }) => {
      const room = reduceRoom(context.room, event);
      return room === context.room ? {} : { room };
    }),
  },
}).createMachine({
  id: 'mediasoupClient',
  initial: 'idle',
  context: { room: INITIAL_ROOM },
  on: {
    'ws.open': reduce,
    'ws.close': [
      { guard: 'isServerClose', target: '.closed', actions: 'reduce' },
      { target: '.disconnected', actions: 'reduce' },
    ],
    'clock.tick': reduce,
    'ms.version': reduce,
    'ms.request': reduce,
    'ms.response': reduce,
    'ms.serverRequest': reduce,
    'ms.clientAnswer': reduce,
    'ms.notification': reduce,
    'ms.clientNotification': reduce,
    'pc.event': reduce,
  },
  states: {
    /** No socket has opened yet. */
    idle: {
      on: {
        'ws.open': { target: 'connected', actions: 'reduce' },
        'ws.close': [{ guard: 'isServerClose', target: 'closed', actions: 'reduce' }, reduce],
      },
    },
    /** Socket open (first time); waiting for the client to start the join sequence. */
    connected: { on: startSequence },
    /** `getRouterRtpCapabilities` sent. */
    gettingCapabilities: {
      on: {
        'ms.response': [
          { guard: 'capabilitiesLoaded', target: 'ready', actions: 'reduce' },
          { guard: 'capabilitiesFailed', target: 'connected', actions: 'reduce' },
        ],
        'ms.request': { guard: 'isJoinRequest', target: 'joining', actions: 'reduce' },
        'clock.tick': { guard: 'capabilitiesTimedOut', target: 'connected', actions: 'reduce' },
      },
    },
    /** Device loaded; transports may be created; `join` not sent yet. */
    ready: {
      on: { 'ms.request': { guard: 'isJoinRequest', target: 'joining', actions: 'reduce' } },
    },
    /** `join` sent. */
    joining: {
      on: {
        'ms.response': [
          { guard: 'joinAccepted', target: 'joined', actions: 'reduce' },
          { guard: 'joinRejectedWithDevice', target: 'ready', actions: 'reduce' },
          { guard: 'joinRejected', target: 'connected', actions: 'reduce' },
        ],
        'clock.tick': [
          { guard: 'joinTimedOutWithDevice', target: 'ready', actions: 'reduce' },
          { guard: 'joinTimedOut', target: 'connected', actions: 'reduce' },
        ],
      },
    },
    /** In the room. */
    joined: {},
    /** The socket dropped (code ≠ 4000); protoo-client retries. */
    disconnected: {
      on: { 'ws.open': { target: 'rejoining', actions: 'reduce' } },
    },
    /** Socket open again: a new server-side Peer; the client runs the join sequence again. */
    rejoining: { on: startSequence },
    /** Closed by the server (4000): no reconnection. */
    closed: { type: 'final' },
  },
});

export type MediasoupClientMachine = typeof mediasoupClientMachine;

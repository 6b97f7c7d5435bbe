/**
 * peerConnectionMachine: one RTCPeerConnection as an XState v5 machine with four parallel
 * regions — signaling (the W3C table, protocol.md §4), iceGathering, iceConnection and
 * connection. Pure: no I/O, no timers; replays step it with `transition()`.
 *
 * The context is the model's prediction, computed by {@link reducePeerConnection}: SLD/SRD
 * calls queue in an operations chain; the signaling state changes when an operation SUCCEEDS
 * (its OnSuccess event) — or, for the rollback step of an implicit rollback, when the browser
 * reports it ("stable") — a failure leaves it unchanged, an invalid call is recorded in
 * `lastRejected` (InvalidStateError) and changes nothing. Browser reports (`pc.*Reported`)
 * are checked: a signaling report that differs from the prediction is recorded in
 * `mismatches`, an illegal ICE / connection / gathering change in `illegalChanges`. ICE and
 * connection states follow the per-transport states when the capture gives them (aggregated
 * by the spec's rules), else the browser's reports.
 */
import { assign, setup } from 'xstate';
import { machineGraph, type MachineGraph } from './lib/graph.ts';
import {
  INITIAL_CONTEXT,
  reducePeerConnection,
  type PeerConnectionContext,
  type PeerConnectionEvent,
} from './peerConnectionMachine.context.ts';
import {
  CONNECTION_STATES,
  ICE_CONNECTION_STATES,
  ICE_GATHERING_STATES,
  SIGNALING_TABLE,
  type DescriptionSide,
  type SignalingState,
} from './peerConnectionMachine.states.ts';

export * from './peerConnectionMachine.context.ts';
export * from './peerConnectionMachine.legality.ts';
export * from './peerConnectionMachine.states.ts';

type Region = 'signaling' | 'iceGathering' | 'iceConnection' | 'connection';

/** One-entry cache: every region's guards and the apply action reduce the same pair. */
let lastIn: { ctx: PeerConnectionContext; event: PeerConnectionEvent } | undefined;
let lastOut: PeerConnectionContext = INITIAL_CONTEXT;
function reduce(ctx: PeerConnectionContext, event: PeerConnectionEvent): PeerConnectionContext {
  if (lastIn?.ctx !== ctx || lastIn.event !== event) {
    lastOut = reducePeerConnection(ctx, event);
    lastIn = { ctx, event };
  }
  return lastOut;
}

const machineSetup = setup({
  types: {
    context: {} as PeerConnectionContext,
    events: {} as PeerConnectionEvent,
  },
  guards: {
    /** The event moves `region` into `state` (a change, not a stay). */
    becomes: ({ context, event }, params: { region: Region; state: string }) =>
      context[params.region] !== params.state &&
      reduce(context, event)[params.region] === params.state,
    /** The event's SLD/SRD success moves signaling to `state` (self-loops included). */
    succeedsTo: ({ context, event }, params: { state: SignalingState }) => {
      const head = context.pending[0]?.started;
      return head?.to === params.state && reduce(context, event).signaling === params.state;
    },
  },
  actions: {
    apply: assign(({ context, event }) => reduce(context, event)),
  },
});

const successEvent = {
  local: 'pc.setLocalDescriptionOnSuccess',
  remote: 'pc.setRemoteDescriptionOnSuccess',
} as const;

/** The W3C table rows leaving `from` by a successful `side` call, as guarded transitions. */
function successTransitions(from: SignalingState, side: DescriptionSide) {
  const targets = [
    ...new Set(SIGNALING_TABLE.filter((r) => r.from === from && r.side === side).map((r) => r.to)),
  ];
  return [
    ...targets.map((to) => ({
      target: to,
      guard: { type: 'succeedsTo' as const, params: { state: to } },
      actions: 'apply' as const,
    })),
    // A success the model predicted as a rejection (recorded as a mismatch), or unmatched.
    { actions: 'apply' as const },
  ];
}

function signalingState(from: SignalingState) {
  const on = {
    [successEvent.local]: successTransitions(from, 'local'),
    [successEvent.remote]: successTransitions(from, 'remote'),
  };
  if (from !== 'have-local-offer') return { on };
  return {
    on: {
      ...on,
      // Implicit rollback (SRD(offer) here): the browser reports "stable" before the offer.
      'pc.signalingReported': [
        {
          target: 'stable' as const,
          guard: {
            type: 'becomes' as const,
            params: { region: 'signaling' as const, state: 'stable' },
          },
          actions: 'apply' as const,
        },
        { actions: 'apply' as const },
      ],
    },
  };
}

/** Region-level transitions that move a derived region into whatever state the event gives. */
function follow(region: Exclude<Region, 'signaling'>, states: readonly string[]) {
  return states.map((state) => ({
    target: `.${state}`,
    guard: { type: 'becomes' as const, params: { region, state } },
  }));
}

const stateNodes = (states: readonly string[]) =>
  Object.fromEntries(states.map((s) => [s, {}])) as Record<string, object>;

const apply = { actions: 'apply' as const };

export const peerConnectionMachine = machineSetup.createMachine({
  id: 'peerConnection',
  type: 'parallel',
  context: INITIAL_CONTEXT,
  states: {
    signaling: {
      initial: 'stable',
      on: {
        'pc.setLocalDescription': apply,
        'pc.setRemoteDescription': apply,
        'pc.setLocalDescriptionOnSuccess': apply,
        'pc.setRemoteDescriptionOnSuccess': apply,
        'pc.setLocalDescriptionOnFailure': apply,
        'pc.setRemoteDescriptionOnFailure': apply,
        'pc.close': { target: '.closed', actions: 'apply' },
        'pc.signalingReported': apply,
        'pc.iceGatheringReported': apply,
        'pc.iceConnectionReported': apply,
        'pc.connectionReported': apply,
        'pc.transportIce': apply,
        'pc.transportDtls': apply,
        'pc.transportGathering': apply,
      },
      states: {
        stable: signalingState('stable'),
        'have-local-offer': signalingState('have-local-offer'),
        'have-remote-offer': signalingState('have-remote-offer'),
        'have-local-pranswer': signalingState('have-local-pranswer'),
        'have-remote-pranswer': signalingState('have-remote-pranswer'),
        // Terminal: every later call is rejected (recorded by `apply` at the region level).
        closed: {},
      },
    },
    iceGathering: {
      initial: 'new',
      on: {
        'pc.iceGatheringReported': follow('iceGathering', ICE_GATHERING_STATES),
        'pc.transportGathering': follow('iceGathering', ICE_GATHERING_STATES),
      },
      states: stateNodes(ICE_GATHERING_STATES),
    },
    iceConnection: {
      initial: 'new',
      on: {
        'pc.iceConnectionReported': follow('iceConnection', ICE_CONNECTION_STATES),
        'pc.transportIce': follow('iceConnection', ICE_CONNECTION_STATES),
        'pc.close': follow('iceConnection', ['closed']),
      },
      states: stateNodes(ICE_CONNECTION_STATES),
    },
    connection: {
      initial: 'new',
      on: {
        'pc.connectionReported': follow('connection', CONNECTION_STATES),
        'pc.transportIce': follow('connection', CONNECTION_STATES),
        'pc.transportDtls': follow('connection', CONNECTION_STATES),
        'pc.close': follow('connection', ['closed']),
      },
      states: stateNodes(CONNECTION_STATES),
    },
  },
});

/**
 * The machine's definition as plain data, for the state-diagram views.
 *
 * @example
 * peerConnectionGraph.transitions.filter((t) => t.source === 'peerConnection.signaling.stable');
 */
export const peerConnectionGraph: MachineGraph = machineGraph(peerConnectionMachine);

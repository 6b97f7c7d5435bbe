/**
 * negotiationMachine: one side of perfect negotiation (protocol.md §4, the W3C example) as an
 * XState v5 machine with input `{ polite }`. Two parallel regions follow the two pieces of
 * code of the example, whose steps are the events:
 *
 * - `offerer` (the `negotiationneeded` handler): idle → makingOffer (makingOffer = true; SLD()
 *   due) → settingOffer (SLD() running) → sendingOffer → idle (sent; makingOffer = false).
 * - `handler` (the message handler): on a description it decides as the example does —
 *   ignoringOffer (impolite, offer collision), handlingRemoteOffer → settingRemoteOffer →
 *   answering → settingAnswer → sendingAnswer → idle for an offer (SRD, with an implicit
 *   rollback in have-local-offer, then SLD() makes the answer), applyingAnswer →
 *   settingRemoteAnswer → idle for an answer (isSettingRemoteAnswerPending while it runs).
 *
 * Pure: the context is computed by {@link reduceNegotiation}; the regions follow the positions
 * it predicts. Steps the example does not take are recorded as `unexpected` decisions.
 */
import { assign, setup } from 'xstate';
import { machineGraph, type MachineGraph } from './lib/graph.ts';
import {
  initialNegotiationContext,
  reduceNegotiation,
  type HandlerPosition,
  type NegotiationContext,
  type NegotiationEvent,
  type NegotiationInput,
  type OffererPosition,
} from './negotiationMachine.context.ts';

export * from './negotiationMachine.context.ts';

type Region = 'offerer' | 'handler';

/** One-entry cache: both regions' guards and the apply action reduce the same pair. */
let lastIn: { ctx: NegotiationContext; event: NegotiationEvent } | undefined;
let lastOut: NegotiationContext | undefined;
function reduce(ctx: NegotiationContext, event: NegotiationEvent): NegotiationContext {
  if (lastOut === undefined || lastIn?.ctx !== ctx || lastIn.event !== event) {
    lastOut = reduceNegotiation(ctx, event);
    lastIn = { ctx, event };
  }
  return lastOut;
}

const machineSetup = setup({
  types: {
    context: {} as NegotiationContext,
    events: {} as NegotiationEvent,
    input: {} as NegotiationInput,
  },
  guards: {
    /** The event moves `region` to `state` (a change, not a stay). */
    becomes: ({ context, event }, params: { region: Region; state: string }) =>
      context[params.region] !== params.state &&
      reduce(context, event)[params.region] === params.state,
  },
  actions: {
    apply: assign(({ context, event }) => reduce(context, event)),
  },
});

type EventType = NegotiationEvent['type'];

/** Guarded moves of the offerer region (the handler region applies the context). */
function offerer(moves: Partial<Record<EventType, readonly OffererPosition[]>>) {
  return {
    on: Object.fromEntries(
      Object.entries(moves).map(([event, targets]) => [
        event,
        targets.map((state) => ({
          target: state,
          guard: { type: 'becomes' as const, params: { region: 'offerer' as const, state } },
        })),
      ]),
    ),
  };
}

/** Guarded moves of the handler region; anything else falls to the region's `apply`. */
function handler(moves: Partial<Record<EventType, readonly HandlerPosition[]>>) {
  return {
    on: Object.fromEntries(
      Object.entries(moves).map(([event, targets]) => [
        event,
        targets.map((state) => ({
          target: state,
          guard: { type: 'becomes' as const, params: { region: 'handler' as const, state } },
          actions: 'apply' as const,
        })),
      ]),
    ),
  };
}

const apply = { actions: 'apply' as const };
const EVENT_TYPES: readonly EventType[] = [
  'negotiationneeded',
  'sld.start',
  'sld.done',
  'sld.failed',
  'description.received',
  'srd.start',
  'srd.done',
  'srd.failed',
  'send.description',
  'candidate.received',
  'candidate.added',
  'candidate.failed',
];

const received = ['ignoringOffer', 'handlingRemoteOffer', 'applyingAnswer'] as const;

export const negotiationMachine = machineSetup.createMachine({
  id: 'negotiation',
  type: 'parallel',
  context: ({ input }) => initialNegotiationContext(input),
  states: {
    offerer: {
      initial: 'idle',
      states: {
        idle: offerer({ negotiationneeded: ['makingOffer'] }),
        makingOffer: offerer({ 'sld.start': ['settingOffer'] }),
        settingOffer: offerer({ 'sld.done': ['sendingOffer'], 'sld.failed': ['idle'] }),
        sendingOffer: offerer({ 'send.description': ['idle'] }),
      },
    },
    handler: {
      initial: 'idle',
      // Everything a state below does not move on: the context still follows the event.
      on: Object.fromEntries(EVENT_TYPES.map((type) => [type, apply])),
      states: {
        idle: handler({ 'description.received': received }),
        // ignoreOffer = true: addIceCandidate errors are swallowed here.
        ignoringOffer: handler({
          'description.received': ['handlingRemoteOffer', 'applyingAnswer'],
        }),
        handlingRemoteOffer: handler({ 'srd.start': ['settingRemoteOffer'] }),
        settingRemoteOffer: handler({ 'srd.done': ['answering'], 'srd.failed': ['idle'] }),
        answering: handler({ 'sld.start': ['settingAnswer'] }),
        settingAnswer: handler({ 'sld.done': ['sendingAnswer'], 'sld.failed': ['idle'] }),
        sendingAnswer: handler({ 'send.description': ['idle'] }),
        applyingAnswer: handler({ 'srd.start': ['settingRemoteAnswer'] }),
        // An offer that arrived behind the answer runs next (or is ignored).
        settingRemoteAnswer: handler({
          'srd.done': ['idle', 'ignoringOffer', 'handlingRemoteOffer', 'settingRemoteOffer'],
          'srd.failed': ['idle', 'ignoringOffer', 'handlingRemoteOffer', 'settingRemoteOffer'],
        }),
      },
    },
  },
});

/**
 * The machine's definition as plain data, for the state-diagram views.
 *
 * @example
 * negotiationGraph.transitions.filter((t) => t.source === 'negotiation.handler.idle');
 */
export const negotiationGraph: MachineGraph = machineGraph(negotiationMachine);

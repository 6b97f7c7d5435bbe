/**
 * The negotiationMachine's context, events and the pure reducer that computes the next context
 * (protocol.md §4, "Perfect negotiation", the W3C example). The machine's two regions follow
 * the positions this reducer predicts, so the model lives in one place.
 *
 * The W3C example runs two pieces of code: the `negotiationneeded` handler (region `offerer`:
 * makingOffer = true; SLD(); send; makingOffer = false) and the message handler (region
 * `handler`: decide, SRD, and for an offer SLD() and send the answer). Every line of that code
 * that touches the peer connection or the wire is one event, so a trace can be checked step by
 * step. SLD/SRD calls queue in the operations chain; the signaling state changes when the head
 * call succeeds, by the peerConnection signaling table ({@link signalingRule}).
 */
import {
  resolveSdpType,
  signalingRule,
  type DescriptionSide,
  type SdpType,
  type SignalingState,
} from './peerConnectionMachine.states.ts';

/** A session description, named so that both sides can tell which one they agreed on. */
export interface Description {
  readonly type: SdpType;
  readonly id: string;
}

interface At {
  /** Where the event came from (the session event's seq, or a simulation step). */
  readonly seq?: number | undefined;
}

export type NegotiationEvent =
  | (At & { readonly type: 'negotiationneeded' })
  | (At & { readonly type: 'sld.start' })
  | (At & { readonly type: 'sld.done' })
  | (At & { readonly type: 'sld.failed'; readonly error?: string })
  | (At & {
      readonly type: 'description.received';
      readonly sdpType: 'offer' | 'answer';
      readonly id?: string | undefined;
      /** Not seen but deduced (a driver: a candidate proves an offer that was ignored). */
      readonly inferred?: boolean;
    })
  | (At & { readonly type: 'srd.start' })
  | (At & { readonly type: 'srd.done' })
  | (At & { readonly type: 'srd.failed'; readonly error?: string })
  | (At & { readonly type: 'send.description' })
  | (At & { readonly type: 'candidate.received' })
  | (At & { readonly type: 'candidate.added' })
  | (At & { readonly type: 'candidate.failed'; readonly error?: string });

export const OFFERER_POSITIONS = ['idle', 'makingOffer', 'settingOffer', 'sendingOffer'] as const;
/** Where the `negotiationneeded` handler is: SLD() due, SLD() running, the offer to send. */
export type OffererPosition = (typeof OFFERER_POSITIONS)[number];

export const HANDLER_POSITIONS = [
  'idle',
  'ignoringOffer',
  'handlingRemoteOffer',
  'settingRemoteOffer',
  'answering',
  'settingAnswer',
  'sendingAnswer',
  'applyingAnswer',
  'settingRemoteAnswer',
] as const;
/**
 * Where the message handler is: idle (ignoreOffer false) or ignoringOffer (true); for an
 * offer SRD due / running, SLD() due / running, the answer to send; for an answer SRD due /
 * running (isSettingRemoteAnswerPending).
 */
export type HandlerPosition = (typeof HANDLER_POSITIONS)[number];

export type DecisionKind =
  | 'offer-sent'
  | 'offer-collision'
  | 'ignored-offer'
  | 'rolled-back'
  | 'answered'
  | 'answer-applied'
  | 'swallowed-candidate-error'
  | 'candidate-error'
  | 'sld-failed'
  | 'srd-failed'
  | 'overlapping-description'
  | 'unexpected';

/** One decision of the W3C code (or a step it does not take: `unexpected`). */
export interface NegotiationDecision {
  readonly seq: number | undefined;
  readonly kind: DecisionKind;
  readonly detail?: string;
  /** The description concerned, when there is one. */
  readonly description?: Description;
  readonly inferred?: boolean;
}

/** An SLD / SRD in the operations chain; `by` is the code that called it. */
export interface ChainedCall {
  readonly side: DescriptionSide;
  readonly by: 'offerer' | 'handler' | 'other';
  /** For an SRD: the description passed. */
  readonly description?: Description | undefined;
}

/** An offer received while an answer was being applied (its handler runs alongside). */
export interface FollowUpOffer {
  readonly description: Description;
  readonly ignored: boolean;
  readonly started: boolean;
}

export interface NegotiationContext {
  readonly polite: boolean;
  /** Prefix of the ids of the descriptions this side creates. */
  readonly name: string;
  readonly makingOffer: boolean;
  readonly ignoreOffer: boolean;
  readonly isSettingRemoteAnswerPending: boolean;
  readonly signalingState: SignalingState;
  readonly offerer: OffererPosition;
  readonly handler: HandlerPosition;
  readonly chain: readonly ChainedCall[];
  /** The description the message handler is working on. */
  readonly received: Description | null;
  readonly followUp: FollowUpOffer | null;
  readonly pendingLocal: Description | null;
  readonly pendingRemote: Description | null;
  readonly currentLocal: Description | null;
  readonly currentRemote: Description | null;
  /** The last description sent. */
  readonly sent: Description | null;
  /** How many local descriptions have been made (for ids). */
  readonly made: number;
  /** addIceCandidate calls not settled. */
  readonly candidatesPending: number;
  readonly decisions: readonly NegotiationDecision[];
}

export interface NegotiationInput {
  readonly polite: boolean;
  readonly name?: string;
}

/**
 * The context before any event.
 *
 * @example
 * initialNegotiationContext({ polite: true }).makingOffer; // false
 */
export function initialNegotiationContext(input: NegotiationInput): NegotiationContext {
  return {
    polite: input.polite,
    name: input.name ?? (input.polite ? 'polite' : 'impolite'),
    makingOffer: false,
    ignoreOffer: false,
    isSettingRemoteAnswerPending: false,
    signalingState: 'stable',
    offerer: 'idle',
    handler: 'idle',
    chain: [],
    received: null,
    followUp: null,
    pendingLocal: null,
    pendingRemote: null,
    currentLocal: null,
    currentRemote: null,
    sent: null,
    made: 0,
    candidatesPending: 0,
    decisions: [],
  };
}

/**
 * `pc.localDescription`: the pending local description, else the current one.
 *
 * @example
 * localDescriptionOf(initialNegotiationContext({ polite: true })); // null
 */
export function localDescriptionOf(ctx: NegotiationContext): Description | null {
  return ctx.pendingLocal ?? ctx.currentLocal;
}

/**
 * `pc.remoteDescription`: the pending remote description, else the current one.
 *
 * @example
 * remoteDescriptionOf(initialNegotiationContext({ polite: true })); // null
 */
export function remoteDescriptionOf(ctx: NegotiationContext): Description | null {
  return ctx.pendingRemote ?? ctx.currentRemote;
}

/**
 * The W3C example's test on a description: `readyForOffer = !makingOffer && (stable ||
 * isSettingRemoteAnswerPending)`, `offerCollision = offer && !readyForOffer`, `ignoreOffer =
 * !polite && offerCollision`.
 *
 * @example
 * decideOnDescription(initialNegotiationContext({ polite: false }), 'offer').ignoreOffer; // false
 */
export function decideOnDescription(
  ctx: NegotiationContext,
  sdpType: 'offer' | 'answer',
): { readyForOffer: boolean; offerCollision: boolean; ignoreOffer: boolean } {
  const readyForOffer =
    !ctx.makingOffer && (ctx.signalingState === 'stable' || ctx.isSettingRemoteAnswerPending);
  const offerCollision = sdpType === 'offer' && !readyForOffer;
  return { readyForOffer, offerCollision, ignoreOffer: !ctx.polite && offerCollision };
}

function decide(
  ctx: NegotiationContext,
  kind: DecisionKind,
  seq: number | undefined,
  extra: Omit<NegotiationDecision, 'seq' | 'kind'> = {},
): NegotiationContext {
  return { ...ctx, decisions: [...ctx.decisions, { seq, kind, ...extra }] };
}

const unexpected = (ctx: NegotiationContext, seq: number | undefined, detail: string) =>
  decide(ctx, 'unexpected', seq, { detail });

function received(
  ctx: NegotiationContext,
  e: Extract<NegotiationEvent, { type: 'description.received' }>,
): NegotiationContext {
  const description: Description = { type: e.sdpType, id: e.id ?? `remote:${e.sdpType}` };
  const marks = { description, ...(e.inferred === true ? { inferred: true } : {}) };
  const { offerCollision, ignoreOffer } = decideOnDescription(ctx, e.sdpType);
  const answerInFlight = ctx.handler === 'applyingAnswer' || ctx.handler === 'settingRemoteAnswer';
  if (ctx.handler !== 'idle' && ctx.handler !== 'ignoringOffer') {
    if (!answerInFlight || e.sdpType !== 'offer' || ctx.followUp !== null) {
      return decide(ctx, 'overlapping-description', e.seq, marks);
    }
    // The case isSettingRemoteAnswerPending exists for: an offer right behind our answer.
    const next = { ...ctx, ignoreOffer, isSettingRemoteAnswerPending: false };
    const followUp = { description, ignored: ignoreOffer, started: false };
    if (ignoreOffer) return decide({ ...next, followUp }, 'ignored-offer', e.seq, marks);
    const withFollowUp = { ...next, followUp };
    return offerCollision ? decide(withFollowUp, 'offer-collision', e.seq, marks) : withFollowUp;
  }
  if (ignoreOffer) {
    const next = { ...ctx, ignoreOffer, handler: 'ignoringOffer' as const, received: description };
    return decide(next, 'ignored-offer', e.seq, marks);
  }
  const next: NegotiationContext = {
    ...ctx,
    ignoreOffer,
    isSettingRemoteAnswerPending: e.sdpType === 'answer',
    handler: e.sdpType === 'offer' ? 'handlingRemoteOffer' : 'applyingAnswer',
    received: description,
  };
  return offerCollision ? decide(next, 'offer-collision', e.seq, marks) : next;
}

function sldStart(ctx: NegotiationContext, seq: number | undefined): NegotiationContext {
  if (ctx.offerer === 'makingOffer') {
    return {
      ...ctx,
      offerer: 'settingOffer',
      chain: [...ctx.chain, { side: 'local', by: 'offerer' }],
    };
  }
  if (ctx.handler === 'answering') {
    return {
      ...ctx,
      handler: 'settingAnswer',
      chain: [...ctx.chain, { side: 'local', by: 'handler' }],
    };
  }
  const next = { ...ctx, chain: [...ctx.chain, { side: 'local' as const, by: 'other' as const }] };
  return unexpected(next, seq, 'setLocalDescription outside the perfect negotiation code');
}

function srdStart(ctx: NegotiationContext, seq: number | undefined): NegotiationContext {
  const call = (by: ChainedCall['by'], description: Description | null): ChainedCall[] => [
    ...ctx.chain,
    { side: 'remote', by, description: description ?? undefined },
  ];
  if (ctx.handler === 'handlingRemoteOffer') {
    return { ...ctx, handler: 'settingRemoteOffer', chain: call('handler', ctx.received) };
  }
  if (ctx.handler === 'applyingAnswer') {
    return { ...ctx, handler: 'settingRemoteAnswer', chain: call('handler', ctx.received) };
  }
  const f = ctx.followUp;
  if (ctx.handler === 'settingRemoteAnswer' && f && !f.ignored && !f.started) {
    return { ...ctx, followUp: { ...f, started: true }, chain: call('handler', f.description) };
  }
  const detail =
    ctx.handler === 'ignoringOffer' || f?.ignored === true
      ? 'setRemoteDescription of an offer the impolite peer ignores'
      : 'setRemoteDescription outside the perfect negotiation code';
  const passed = f?.ignored === true ? f.description : ctx.received;
  return unexpected({ ...ctx, chain: call('other', passed) }, seq, detail);
}

/** Applies a successful head call to the signaling state and the descriptions. */
function applyCall(ctx: NegotiationContext, call: ChainedCall, seq: number | undefined) {
  const sdpType = resolveSdpType(ctx.signalingState, call.side, call.description?.type);
  const rule =
    sdpType === undefined ? undefined : signalingRule(ctx.signalingState, call.side, sdpType);
  if (rule === undefined || sdpType === undefined) {
    const what = `${call.side === 'local' ? 'SLD' : 'SRD'}(${sdpType ?? '?'})`;
    return { ctx: unexpected(ctx, seq, `${what} succeeded in ${ctx.signalingState}`), rule };
  }
  let next: NegotiationContext = { ...ctx, signalingState: rule.to };
  let d = call.description;
  if (call.side === 'local') {
    d = { type: sdpType, id: `${ctx.name}:${sdpType}:${ctx.made + 1}` };
    next = { ...next, made: ctx.made + 1 };
  }
  if (rule.implicitRollback === true) next = { ...next, pendingLocal: null };
  if (sdpType === 'rollback') {
    next = { ...next, pendingLocal: null, pendingRemote: null };
  } else if (rule.to === 'stable') {
    next =
      call.side === 'local'
        ? {
            ...next,
            currentLocal: d ?? null,
            currentRemote: ctx.pendingRemote,
            pendingRemote: null,
          }
        : { ...next, currentRemote: d ?? null, currentLocal: ctx.pendingLocal, pendingLocal: null };
  } else {
    next =
      call.side === 'local'
        ? { ...next, pendingLocal: d ?? null }
        : { ...next, pendingRemote: d ?? null };
  }
  return { ctx: next, rule };
}

function settle(
  ctx: NegotiationContext,
  side: DescriptionSide,
  ok: boolean,
  seq: number | undefined,
  error: string | undefined,
): NegotiationContext {
  const [head, ...rest] = ctx.chain;
  const name = side === 'local' ? 'setLocalDescription' : 'setRemoteDescription';
  if (head?.side !== side) {
    return unexpected(ctx, seq, `${name} result with ${head ? 'another call' : 'no call'} pending`);
  }
  let next: NegotiationContext = { ...ctx, chain: rest };
  let rolledBack = false;
  if (ok) {
    const applied = applyCall(next, head, seq);
    next = applied.ctx;
    rolledBack = applied.rule?.implicitRollback === true;
  } else {
    const kind = side === 'local' ? 'sld-failed' : 'srd-failed';
    next = decide(next, kind, seq, error === undefined ? {} : { detail: error });
  }
  if (head.by === 'offerer') {
    // The example's `finally`: a failed SLD still clears makingOffer.
    return ok
      ? { ...next, offerer: 'sendingOffer' }
      : { ...next, offerer: 'idle', makingOffer: false };
  }
  if (head.by !== 'handler') return next;
  if (side === 'remote') {
    // isSettingRemoteAnswerPending = false follows the await: a failed SRD leaves it set.
    if (ok) next = { ...next, isSettingRemoteAnswerPending: false };
    if (next.handler === 'settingRemoteOffer') {
      if (rolledBack && head.description) {
        next = decide(next, 'rolled-back', seq, { description: head.description });
      }
      return { ...next, handler: ok ? 'answering' : 'idle' };
    }
    if (next.handler === 'settingRemoteAnswer') {
      if (ok && head.description) {
        next = decide(next, 'answer-applied', seq, { description: head.description });
      }
      const f = next.followUp;
      if (f === null) return { ...next, handler: 'idle' };
      return {
        ...next,
        followUp: null,
        received: f.description,
        handler: f.ignored
          ? 'ignoringOffer'
          : f.started
            ? 'settingRemoteOffer'
            : 'handlingRemoteOffer',
      };
    }
    return next;
  }
  if (next.handler === 'settingAnswer') return { ...next, handler: ok ? 'sendingAnswer' : 'idle' };
  return next;
}

function send(ctx: NegotiationContext, seq: number | undefined): NegotiationContext {
  const description = localDescriptionOf(ctx);
  const sent = { ...ctx, sent: description };
  const extra = description ? { description } : {};
  if (ctx.offerer === 'sendingOffer') {
    return decide({ ...sent, offerer: 'idle', makingOffer: false }, 'offer-sent', seq, extra);
  }
  if (ctx.handler === 'sendingAnswer') {
    return decide({ ...sent, handler: 'idle' }, 'answered', seq, extra);
  }
  return unexpected(ctx, seq, 'a description sent outside the perfect negotiation code');
}

function candidateSettled(
  ctx: NegotiationContext,
  ok: boolean,
  seq: number | undefined,
  error: string | undefined,
): NegotiationContext {
  if (ctx.candidatesPending === 0)
    return unexpected(ctx, seq, 'addIceCandidate result with no call');
  const next = { ...ctx, candidatesPending: ctx.candidatesPending - 1 };
  if (ok) return next;
  const detail = error === undefined ? {} : { detail: error };
  // The example: `catch (err) { if (!ignoreOffer) throw err; }`.
  return decide(
    next,
    ctx.ignoreOffer ? 'swallowed-candidate-error' : 'candidate-error',
    seq,
    detail,
  );
}

/**
 * The next context after `event`: positions, flags, signaling state and decisions. Pure.
 *
 * @example
 * let ctx = initialNegotiationContext({ polite: true });
 * ctx = reduceNegotiation(ctx, { type: 'negotiationneeded' });
 * ctx.makingOffer; // true
 * ctx.offerer; // 'makingOffer'
 */
export function reduceNegotiation(
  ctx: NegotiationContext,
  event: NegotiationEvent,
): NegotiationContext {
  const seq = event.seq;
  switch (event.type) {
    case 'negotiationneeded':
      if (ctx.offerer !== 'idle')
        return unexpected(ctx, seq, 'negotiationneeded while making an offer');
      return { ...ctx, makingOffer: true, offerer: 'makingOffer' };
    case 'sld.start':
      return sldStart(ctx, seq);
    case 'sld.done':
      return settle(ctx, 'local', true, seq, undefined);
    case 'sld.failed':
      return settle(ctx, 'local', false, seq, event.error);
    case 'description.received':
      return received(ctx, event);
    case 'srd.start':
      return srdStart(ctx, seq);
    case 'srd.done':
      return settle(ctx, 'remote', true, seq, undefined);
    case 'srd.failed':
      return settle(ctx, 'remote', false, seq, event.error);
    case 'send.description':
      return send(ctx, seq);
    case 'candidate.received':
      return { ...ctx, candidatesPending: ctx.candidatesPending + 1 };
    case 'candidate.added':
      return candidateSettled(ctx, true, seq, undefined);
    case 'candidate.failed':
      return candidateSettled(ctx, false, seq, event.error);
  }
}

/**
 * The peerConnectionMachine's context, its events, and the pure reducer that computes the next
 * context from an event. The machine's regions follow the states this reducer predicts, so
 * the prediction lives in one place and can be checked against what the browser reported.
 *
 * Operations chain: SLD/SRD calls queue up (as in browsers); the head is checked against the
 * signaling state when it starts (an invalid one is rejected with an InvalidStateError), and
 * the signaling state changes only when its OnSuccess arrives. An OnFailure leaves it unchanged.
 */
import {
  isLegalConnectionChange,
  isLegalDtlsTransportChange,
  isLegalGathererChange,
  isLegalIceConnectionChange,
  isLegalIceGatheringChange,
  isLegalIceTransportChange,
} from './peerConnectionMachine.legality.ts';
import {
  aggregateConnectionState,
  aggregateIceConnectionState,
  aggregateIceGatheringState,
  resolveSdpType,
  signalingRule,
  type DescriptionSide,
  type DtlsTransportState,
  type IceConnectionState,
  type IceGathererState,
  type IceGatheringState,
  type IceTransportState,
  type PeerConnectionState,
  type SdpType,
  type SignalingState,
} from './peerConnectionMachine.states.ts';

interface At {
  /** Where the event came from (the session event's seq), for findings. */
  readonly seq?: number | undefined;
}

export type PeerConnectionEvent =
  | (At & { readonly type: 'pc.setLocalDescription'; readonly sdpType?: SdpType | undefined })
  | (At & { readonly type: 'pc.setLocalDescriptionOnSuccess' })
  | (At & { readonly type: 'pc.setLocalDescriptionOnFailure'; readonly error?: string })
  | (At & { readonly type: 'pc.setRemoteDescription'; readonly sdpType?: SdpType | undefined })
  | (At & { readonly type: 'pc.setRemoteDescriptionOnSuccess' })
  | (At & { readonly type: 'pc.setRemoteDescriptionOnFailure'; readonly error?: string })
  | (At & { readonly type: 'pc.close' })
  | (At & { readonly type: 'pc.signalingReported'; readonly state: SignalingState })
  | (At & { readonly type: 'pc.iceGatheringReported'; readonly state: IceGatheringState })
  | (At & { readonly type: 'pc.iceConnectionReported'; readonly state: IceConnectionState })
  | (At & { readonly type: 'pc.connectionReported'; readonly state: PeerConnectionState })
  | (At & {
      readonly type: 'pc.transportIce';
      readonly transport: string;
      readonly state: IceTransportState;
    })
  | (At & {
      readonly type: 'pc.transportDtls';
      readonly transport: string;
      readonly state: DtlsTransportState;
    })
  | (At & {
      readonly type: 'pc.transportGathering';
      readonly transport: string;
      readonly state: IceGathererState;
    });

/** An SLD/SRD waiting in the operations chain for its OnSuccess / OnFailure. */
export interface PendingOperation {
  readonly side: DescriptionSide;
  /** The type passed (undefined: argument-less SLD, resolved when the operation starts). */
  readonly requested: SdpType | undefined;
  readonly seq?: number | undefined;
  /** Set when the operation reaches the head of the chain. */
  readonly started?: {
    readonly sdpType: SdpType | undefined;
    readonly from: SignalingState;
    /** The predicted state on success; undefined: the model predicts a rejection. */
    readonly to: SignalingState | undefined;
    readonly implicitRollback: boolean;
  };
}

/** An operation the model rejects (the browser rejects it with this error). */
export interface RejectedOperation {
  readonly side: DescriptionSide;
  readonly sdpType: SdpType | undefined;
  readonly state: SignalingState;
  readonly reason: string;
  readonly seq?: number | undefined;
}

/** A browser report, or a result, that differs from the model's prediction. */
export interface ModelMismatch {
  readonly kind:
    | 'signaling'
    | 'iceGathering'
    | 'iceConnection'
    | 'connection'
    | 'unexpected-success'
    | 'unexpected-failure'
    | 'unmatched-result';
  readonly reported: string;
  readonly predicted: string;
  readonly seq?: number | undefined;
}

/** A reported change the W3C rules do not allow (the state follows the report anyway). */
export interface IllegalChange {
  readonly kind:
    | 'iceGathering'
    | 'iceConnection'
    | 'connection'
    | 'transportIce'
    | 'transportDtls'
    | 'transportGathering';
  readonly from: string;
  readonly to: string;
  readonly transport?: string;
  readonly seq?: number | undefined;
}

export interface TransportStates {
  readonly ice: IceTransportState;
  readonly dtls: DtlsTransportState;
  readonly gathering: IceGathererState;
}

export interface PeerConnectionContext {
  readonly signaling: SignalingState;
  readonly iceGathering: IceGatheringState;
  readonly iceConnection: IceConnectionState;
  readonly connection: PeerConnectionState;
  /** Per-transport states, when the capture gives them. */
  readonly transports: Readonly<Record<string, TransportStates>>;
  /** Which per-transport aspects are known (then the aggregate is computed, not reported). */
  readonly known: { readonly ice: boolean; readonly dtls: boolean; readonly gathering: boolean };
  /** The operations chain, head first. */
  readonly pending: readonly PendingOperation[];
  readonly lastRejected: RejectedOperation | null;
  /** The last operation that failed although the model found it valid (e.g. bad SDP). */
  readonly lastFailed: (RejectedOperation & { readonly error: string }) | null;
  readonly mismatches: readonly ModelMismatch[];
  readonly illegalChanges: readonly IllegalChange[];
}

export const INITIAL_CONTEXT: PeerConnectionContext = {
  signaling: 'stable',
  iceGathering: 'new',
  iceConnection: 'new',
  connection: 'new',
  transports: {},
  known: { ice: false, dtls: false, gathering: false },
  pending: [],
  lastRejected: null,
  lastFailed: null,
  mismatches: [],
  illegalChanges: [],
};

const opName = (side: DescriptionSide): string =>
  side === 'local' ? 'setLocalDescription' : 'setRemoteDescription';

function invalidState(side: DescriptionSide, sdpType: SdpType | undefined, state: string): string {
  if (sdpType === undefined) {
    return `TypeError: ${opName(side)} needs a description type`;
  }
  return `InvalidStateError: ${opName(side)}(${sdpType}) called in wrong signaling state: ${state}`;
}

/** Starts the head of the chain if it has not started: resolves its type and checks it. */
function startHead(ctx: PeerConnectionContext): PeerConnectionContext {
  const [head, ...rest] = ctx.pending;
  if (head === undefined || head.started !== undefined) return ctx;
  const sdpType = resolveSdpType(ctx.signaling, head.side, head.requested);
  const rule = sdpType === undefined ? undefined : signalingRule(ctx.signaling, head.side, sdpType);
  const started = {
    sdpType,
    from: ctx.signaling,
    to: rule?.to,
    implicitRollback: rule?.implicitRollback === true,
  };
  return {
    ...ctx,
    pending: [{ ...head, started }, ...rest],
    lastRejected: rule
      ? ctx.lastRejected
      : {
          side: head.side,
          sdpType,
          state: ctx.signaling,
          reason: invalidState(head.side, sdpType, ctx.signaling),
          seq: head.seq,
        },
  };
}

function call(
  ctx: PeerConnectionContext,
  side: DescriptionSide,
  requested: SdpType | undefined,
  seq: number | undefined,
): PeerConnectionContext {
  if (ctx.signaling === 'closed') {
    const sdpType = resolveSdpType('closed', side, requested);
    return {
      ...ctx,
      lastRejected: {
        side,
        sdpType,
        state: 'closed',
        reason: `InvalidStateError: ${opName(side)} called on a closed RTCPeerConnection`,
        seq,
      },
    };
  }
  return startHead({ ...ctx, pending: [...ctx.pending, { side, requested, seq }] });
}

function result(
  ctx: PeerConnectionContext,
  side: DescriptionSide,
  ok: boolean,
  seq: number | undefined,
  error: string | undefined,
): PeerConnectionContext {
  const [head, ...rest] = ctx.pending;
  if (head?.started === undefined || head.side !== side) {
    if (ctx.signaling === 'closed') return ctx;
    const mismatch: ModelMismatch = {
      kind: 'unmatched-result',
      reported: `${opName(side)}${ok ? 'OnSuccess' : 'OnFailure'}`,
      predicted: head ? `a result of ${opName(head.side)}` : 'no pending operation',
      seq,
    };
    return { ...ctx, mismatches: [...ctx.mismatches, mismatch] };
  }
  const { started } = head;
  let next: PeerConnectionContext = { ...ctx, pending: rest };
  if (ok && started.to !== undefined) {
    next = { ...next, signaling: started.to };
  } else if (ok) {
    const mismatch: ModelMismatch = {
      kind: 'unexpected-success',
      reported: `${opName(side)}(${started.sdpType ?? '?'}) succeeded in ${started.from}`,
      predicted: invalidState(side, started.sdpType, started.from),
      seq,
    };
    next = { ...next, mismatches: [...next.mismatches, mismatch] };
  } else if (started.to !== undefined) {
    const message = error ?? 'failed';
    // A state error where the model predicted success: the model is wrong (or the capture).
    const mismatches = /InvalidStateError|wrong state/i.test(message)
      ? [
          ...next.mismatches,
          {
            kind: 'unexpected-failure' as const,
            reported: message,
            predicted: `${opName(side)}(${started.sdpType ?? '?'}) valid in ${started.from}`,
            seq,
          },
        ]
      : next.mismatches;
    next = {
      ...next,
      mismatches,
      lastFailed: {
        side,
        sdpType: started.sdpType,
        state: started.from,
        reason: `${opName(side)}(${started.sdpType ?? '?'}) failed in ${started.from}`,
        error: message,
        seq,
      },
    };
  }
  return startHead(next);
}

function reportSignaling(
  ctx: PeerConnectionContext,
  state: SignalingState,
  seq: number | undefined,
): PeerConnectionContext {
  const head = ctx.pending[0]?.started;
  const allowed = new Set<SignalingState>([ctx.signaling]);
  if (head?.to !== undefined) allowed.add(head.to);
  if (head?.implicitRollback === true) {
    // W3C setRemoteDescription: an offer in have-local-offer first sets {type: "rollback"}
    // (its own step, firing signalingstatechange "stable"), then the offer. Chromium reports
    // both; the rollback has happened when "stable" is reported, whatever the offer then does.
    if (state === 'stable' && ctx.signaling === head.from) return { ...ctx, signaling: 'stable' };
    allowed.add('stable');
  }
  if (allowed.has(state)) return ctx;
  const mismatch: ModelMismatch = {
    kind: 'signaling',
    reported: state,
    predicted: [...allowed].join(' or '),
    seq,
  };
  return { ...ctx, mismatches: [...ctx.mismatches, mismatch] };
}

type Aggregate = 'iceGathering' | 'iceConnection' | 'connection';

function isLegal(kind: Aggregate, from: string, to: string): boolean {
  if (kind === 'iceGathering') {
    return isLegalIceGatheringChange(from as IceGatheringState, to as IceGatheringState);
  }
  if (kind === 'iceConnection') {
    return isLegalIceConnectionChange(from as IceConnectionState, to as IceConnectionState);
  }
  return isLegalConnectionChange(from as PeerConnectionState, to as PeerConnectionState);
}

function reportAggregate(
  ctx: PeerConnectionContext,
  kind: Aggregate,
  state: string,
  seq: number | undefined,
): PeerConnectionContext {
  const derived =
    kind === 'iceGathering'
      ? ctx.known.gathering
      : kind === 'iceConnection'
        ? ctx.known.ice
        : ctx.known.ice && ctx.known.dtls;
  const current: string = ctx[kind];
  if (derived) {
    if (state === current) return ctx;
    const mismatch: ModelMismatch = { kind, reported: state, predicted: current, seq };
    return { ...ctx, mismatches: [...ctx.mismatches, mismatch] };
  }
  if (state === current) return ctx;
  const illegal: IllegalChange = { kind, from: current, to: state, seq };
  if (ctx.signaling === 'closed') {
    // Gathering is frozen after close(); ICE and connection stay closed (terminal).
    if (kind === 'iceGathering') return ctx;
    return { ...ctx, illegalChanges: [...ctx.illegalChanges, illegal] };
  }
  const next = { ...ctx, [kind]: state };
  if (isLegal(kind, current, state)) return next;
  return { ...next, illegalChanges: [...ctx.illegalChanges, illegal] };
}

function transportChange(
  ctx: PeerConnectionContext,
  aspect: 'ice' | 'dtls' | 'gathering',
  transport: string,
  state: string,
  seq: number | undefined,
): PeerConnectionContext {
  if (ctx.signaling === 'closed') return ctx;
  const before: TransportStates = ctx.transports[transport] ?? {
    ice: 'new',
    dtls: 'new',
    gathering: 'new',
  };
  const from: string = before[aspect];
  if (from === state) return ctx;
  const legal =
    aspect === 'ice'
      ? isLegalIceTransportChange(before.ice, state as IceTransportState)
      : aspect === 'dtls'
        ? isLegalDtlsTransportChange(before.dtls, state as DtlsTransportState)
        : isLegalGathererChange(before.gathering, state as IceGathererState);
  const transports = { ...ctx.transports, [transport]: { ...before, [aspect]: state } };
  const known = { ...ctx.known, [aspect]: true };
  const list = Object.values(transports);
  const ice = list.map((t) => t.ice);
  const kind =
    aspect === 'ice' ? 'transportIce' : aspect === 'dtls' ? 'transportDtls' : 'transportGathering';
  return {
    ...ctx,
    transports,
    known,
    iceConnection: known.ice ? aggregateIceConnectionState(ice, false) : ctx.iceConnection,
    connection:
      known.ice && known.dtls
        ? aggregateConnectionState(
            ice,
            list.map((t) => t.dtls),
            false,
          )
        : ctx.connection,
    iceGathering: known.gathering
      ? aggregateIceGatheringState(list.map((t) => t.gathering))
      : ctx.iceGathering,
    illegalChanges: legal
      ? ctx.illegalChanges
      : [...ctx.illegalChanges, { kind, from, to: state, transport, seq }],
  };
}

/**
 * The next context after `event`: the model's prediction, with rejections, mismatches and
 * illegal reported changes recorded. Pure; the machine's regions follow its states.
 *
 * @example
 * let ctx = reducePeerConnection(INITIAL_CONTEXT, { type: 'pc.setLocalDescription', sdpType: 'offer' });
 * ctx = reducePeerConnection(ctx, { type: 'pc.setLocalDescriptionOnSuccess' });
 * ctx.signaling; // 'have-local-offer'
 */
export function reducePeerConnection(
  ctx: PeerConnectionContext,
  event: PeerConnectionEvent,
): PeerConnectionContext {
  switch (event.type) {
    case 'pc.setLocalDescription':
      return call(ctx, 'local', event.sdpType, event.seq);
    case 'pc.setRemoteDescription':
      return call(ctx, 'remote', event.sdpType, event.seq);
    case 'pc.setLocalDescriptionOnSuccess':
      return result(ctx, 'local', true, event.seq, undefined);
    case 'pc.setRemoteDescriptionOnSuccess':
      return result(ctx, 'remote', true, event.seq, undefined);
    case 'pc.setLocalDescriptionOnFailure':
      return result(ctx, 'local', false, event.seq, event.error);
    case 'pc.setRemoteDescriptionOnFailure':
      return result(ctx, 'remote', false, event.seq, event.error);
    case 'pc.close':
      if (ctx.signaling === 'closed') return ctx;
      // Operations still in the chain never settle (W3C: aborted when closed).
      return {
        ...ctx,
        signaling: 'closed',
        iceConnection: 'closed',
        connection: 'closed',
        pending: [],
      };
    case 'pc.signalingReported':
      return reportSignaling(ctx, event.state, event.seq);
    case 'pc.iceGatheringReported':
      return reportAggregate(ctx, 'iceGathering', event.state, event.seq);
    case 'pc.iceConnectionReported':
      return reportAggregate(ctx, 'iceConnection', event.state, event.seq);
    case 'pc.connectionReported':
      return reportAggregate(ctx, 'connection', event.state, event.seq);
    case 'pc.transportIce':
      return transportChange(ctx, 'ice', event.transport, event.state, event.seq);
    case 'pc.transportDtls':
      return transportChange(ctx, 'dtls', event.transport, event.state, event.seq);
    case 'pc.transportGathering':
      return transportChange(ctx, 'gathering', event.transport, event.state, event.seq);
  }
}

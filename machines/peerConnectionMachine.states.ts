/**
 * W3C RTCPeerConnection state enums, the signaling transition table and the ICE / connection
 * aggregation rules (docs: shared/docs/protocol.md §4). Pure data and functions: the
 * peerConnectionMachine and its driver use them, and so can views and findings.
 */

export const SIGNALING_STATES = [
  'stable',
  'have-local-offer',
  'have-remote-offer',
  'have-local-pranswer',
  'have-remote-pranswer',
  'closed',
] as const;
export type SignalingState = (typeof SIGNALING_STATES)[number];

export const ICE_GATHERING_STATES = ['new', 'gathering', 'complete'] as const;
export type IceGatheringState = (typeof ICE_GATHERING_STATES)[number];

export const ICE_CONNECTION_STATES = [
  'new',
  'checking',
  'connected',
  'completed',
  'disconnected',
  'failed',
  'closed',
] as const;
export type IceConnectionState = (typeof ICE_CONNECTION_STATES)[number];

export const CONNECTION_STATES = [
  'new',
  'connecting',
  'connected',
  'disconnected',
  'failed',
  'closed',
] as const;
export type PeerConnectionState = (typeof CONNECTION_STATES)[number];

/** RTCIceTransportState (one transport): the same values as RTCIceConnectionState. */
export type IceTransportState = IceConnectionState;
export const DTLS_TRANSPORT_STATES = [
  'new',
  'connecting',
  'connected',
  'closed',
  'failed',
] as const;
export type DtlsTransportState = (typeof DTLS_TRANSPORT_STATES)[number];
/** RTCIceGathererState (one transport): the same values as RTCIceGatheringState. */
export type IceGathererState = IceGatheringState;

export const SDP_TYPES = ['offer', 'answer', 'pranswer', 'rollback'] as const;
export type SdpType = (typeof SDP_TYPES)[number];
/** Which call: setLocalDescription or setRemoteDescription. */
export type DescriptionSide = 'local' | 'remote';

/** One row of the signaling transition table. */
export interface SignalingRule {
  readonly from: SignalingState;
  readonly side: DescriptionSide;
  readonly sdpType: SdpType;
  readonly to: SignalingState;
  /** SRD(offer) in have-local-offer: rolls the local offer back first. */
  readonly implicitRollback?: boolean;
}

/**
 * Every successful SLD/SRD, from protocol.md §4, plus the two offer re-sets JSEP §3.2 allows
 * (SLD(offer) in have-local-offer — what an argument-less SLD there does — and SRD(offer) in
 * have-remote-offer). Rollback works through either call (W3C "set the session description").
 * Anything else is an InvalidStateError.
 */
export const SIGNALING_TABLE: readonly SignalingRule[] = [
  { from: 'stable', side: 'local', sdpType: 'offer', to: 'have-local-offer' },
  { from: 'stable', side: 'remote', sdpType: 'offer', to: 'have-remote-offer' },
  { from: 'have-local-offer', side: 'local', sdpType: 'offer', to: 'have-local-offer' },
  { from: 'have-local-offer', side: 'remote', sdpType: 'answer', to: 'stable' },
  { from: 'have-local-offer', side: 'remote', sdpType: 'pranswer', to: 'have-remote-pranswer' },
  { from: 'have-local-offer', side: 'local', sdpType: 'rollback', to: 'stable' },
  { from: 'have-local-offer', side: 'remote', sdpType: 'rollback', to: 'stable' },
  {
    from: 'have-local-offer',
    side: 'remote',
    sdpType: 'offer',
    to: 'have-remote-offer',
    implicitRollback: true,
  },
  { from: 'have-remote-pranswer', side: 'remote', sdpType: 'pranswer', to: 'have-remote-pranswer' },
  { from: 'have-remote-pranswer', side: 'remote', sdpType: 'answer', to: 'stable' },
  { from: 'have-remote-offer', side: 'remote', sdpType: 'offer', to: 'have-remote-offer' },
  { from: 'have-remote-offer', side: 'local', sdpType: 'answer', to: 'stable' },
  { from: 'have-remote-offer', side: 'local', sdpType: 'pranswer', to: 'have-local-pranswer' },
  { from: 'have-remote-offer', side: 'local', sdpType: 'rollback', to: 'stable' },
  { from: 'have-remote-offer', side: 'remote', sdpType: 'rollback', to: 'stable' },
  { from: 'have-local-pranswer', side: 'local', sdpType: 'pranswer', to: 'have-local-pranswer' },
  { from: 'have-local-pranswer', side: 'local', sdpType: 'answer', to: 'stable' },
];

/**
 * The rule a successful SLD/SRD of `sdpType` in `from` follows, or undefined when the call is
 * an InvalidStateError there.
 *
 * @example
 * signalingRule('stable', 'local', 'offer')?.to; // 'have-local-offer'
 * signalingRule('stable', 'remote', 'answer'); // undefined (InvalidStateError)
 */
export function signalingRule(
  from: SignalingState,
  side: DescriptionSide,
  sdpType: SdpType,
): SignalingRule | undefined {
  return SIGNALING_TABLE.find((r) => r.from === from && r.side === side && r.sdpType === sdpType);
}

/**
 * The type an SLD/SRD uses: the given one, or for an argument-less SLD an offer in stable /
 * have-local-offer / have-remote-pranswer and an answer elsewhere. An SRD needs a type.
 *
 * @example
 * resolveSdpType('have-remote-offer', 'local', undefined); // 'answer'
 * resolveSdpType('stable', 'remote', undefined); // undefined
 */
export function resolveSdpType(
  state: SignalingState,
  side: DescriptionSide,
  requested: SdpType | undefined,
): SdpType | undefined {
  if (requested !== undefined || side === 'remote') return requested;
  return state === 'stable' || state === 'have-local-offer' || state === 'have-remote-pranswer'
    ? 'offer'
    : 'answer';
}

/**
 * RTCIceConnectionState from the per-transport ICE states, top-down as in protocol.md §4.
 *
 * @example
 * aggregateIceConnectionState(['connected', 'checking'], false); // 'checking'
 * aggregateIceConnectionState(['completed', 'closed'], false); // 'completed'
 */
export function aggregateIceConnectionState(
  transports: readonly IceTransportState[],
  closed: boolean,
): IceConnectionState {
  if (closed) return 'closed';
  if (transports.some((s) => s === 'failed')) return 'failed';
  if (transports.some((s) => s === 'disconnected')) return 'disconnected';
  if (transports.every((s) => s === 'new' || s === 'closed')) return 'new';
  if (transports.some((s) => s === 'new' || s === 'checking')) return 'checking';
  if (transports.every((s) => s === 'completed' || s === 'closed')) return 'completed';
  return 'connected';
}

/**
 * RTCPeerConnectionState from the per-transport ICE and DTLS states, top-down as in
 * protocol.md §4 ("connected": every ICE transport connected/completed/closed and every DTLS
 * transport connected/closed).
 *
 * @example
 * aggregateConnectionState(['connected'], ['connecting'], false); // 'connecting'
 * aggregateConnectionState(['connected'], ['connected'], false); // 'connected'
 */
export function aggregateConnectionState(
  ice: readonly IceTransportState[],
  dtls: readonly DtlsTransportState[],
  closed: boolean,
): PeerConnectionState {
  if (closed) return 'closed';
  if (ice.some((s) => s === 'failed') || dtls.some((s) => s === 'failed')) return 'failed';
  if (ice.some((s) => s === 'disconnected')) return 'disconnected';
  const idle = (s: string): boolean => s === 'new' || s === 'closed';
  if (ice.every(idle) && dtls.every(idle)) return 'new';
  if (
    ice.every((s) => s === 'connected' || s === 'completed' || s === 'closed') &&
    dtls.every((s) => s === 'connected' || s === 'closed')
  ) {
    return 'connected';
  }
  return 'connecting';
}

/**
 * RTCIceGatheringState from the per-transport gatherer states: gathering if any gathers,
 * complete if there is at least one transport and all are complete, else new.
 *
 * @example
 * aggregateIceGatheringState(['complete', 'gathering']); // 'gathering'
 * aggregateIceGatheringState([]); // 'new'
 */
export function aggregateIceGatheringState(
  transports: readonly IceGathererState[],
): IceGatheringState {
  if (transports.some((s) => s === 'gathering')) return 'gathering';
  if (transports.length > 0 && transports.every((s) => s === 'complete')) return 'complete';
  return 'new';
}

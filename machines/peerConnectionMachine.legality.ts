/**
 * Which state changes a browser may report. Per transport the rules are listed (protocol.md §4
 * and the W3C RTCIceTransportState / RTCDtlsTransportState definitions); for the aggregates
 * (RTCIceConnectionState, RTCPeerConnectionState, RTCIceGatheringState) a change is legal when
 * one per-transport change, or a new transport, can cause it — computed once by enumerating
 * every combination of up to 3 transports (2 for ICE + DTLS pairs). `closed` is reached only
 * through close() and is terminal.
 */
import {
  CONNECTION_STATES,
  DTLS_TRANSPORT_STATES,
  ICE_CONNECTION_STATES,
  ICE_GATHERING_STATES,
  aggregateConnectionState,
  aggregateIceConnectionState,
  aggregateIceGatheringState,
  type DtlsTransportState,
  type IceConnectionState,
  type IceGathererState,
  type IceGatheringState,
  type IceTransportState,
  type PeerConnectionState,
} from './peerConnectionMachine.states.ts';

const ICE_TRANSPORT_CHANGES: Readonly<Record<IceTransportState, readonly IceTransportState[]>> = {
  new: ['checking', 'closed'],
  // checking → completed is allowed (protocol.md §4).
  checking: ['connected', 'completed', 'failed', 'disconnected', 'closed'],
  // → checking: ICE restart.
  connected: ['completed', 'disconnected', 'checking', 'closed'],
  // → connected: gathering resumed (e.g. a new network) while connected (W3C "completed").
  completed: ['connected', 'disconnected', 'checking', 'closed'],
  disconnected: ['checking', 'connected', 'failed', 'closed'],
  // Terminal until an ICE restart.
  failed: ['checking', 'closed'],
  closed: [],
};

const DTLS_TRANSPORT_CHANGES: Readonly<Record<DtlsTransportState, readonly DtlsTransportState[]>> =
  {
    new: ['connecting', 'closed'],
    connecting: ['connected', 'failed', 'closed'],
    connected: ['failed', 'closed'],
    failed: ['closed'],
    closed: [],
  };

const GATHERER_CHANGES: Readonly<Record<IceGathererState, readonly IceGathererState[]>> = {
  new: ['gathering'],
  gathering: ['complete'],
  // ICE restart gathers again.
  complete: ['gathering'],
};

/**
 * Whether one ICE transport may go from `from` to `to` (new → checking → connected →
 * completed, checking → completed/failed/disconnected, disconnected → checking/connected/failed,
 * connected/completed → disconnected, completed → connected, → checking on ICE restart,
 * anything → closed).
 *
 * @example
 * isLegalIceTransportChange('checking', 'connected'); // true
 * isLegalIceTransportChange('failed', 'connected'); // false (terminal until ICE restart)
 */
export function isLegalIceTransportChange(from: IceTransportState, to: IceTransportState): boolean {
  return ICE_TRANSPORT_CHANGES[from].includes(to);
}

/**
 * Whether one DTLS transport may go from `from` to `to`.
 *
 * @example
 * isLegalDtlsTransportChange('new', 'connecting'); // true
 * isLegalDtlsTransportChange('new', 'connected'); // false
 */
export function isLegalDtlsTransportChange(
  from: DtlsTransportState,
  to: DtlsTransportState,
): boolean {
  return DTLS_TRANSPORT_CHANGES[from].includes(to);
}

/**
 * Whether one transport's gatherer may go from `from` to `to`.
 *
 * @example
 * isLegalGathererChange('new', 'gathering'); // true
 */
export function isLegalGathererChange(from: IceGathererState, to: IceGathererState): boolean {
  return GATHERER_CHANGES[from].includes(to);
}

type Pair = `${string}>${string}`;

/** Every sequence of `size` items drawn from `values`. */
function tuples<T>(values: readonly T[], size: number): T[][] {
  let out: T[][] = [[]];
  for (let i = 0; i < size; i++) out = out.flatMap((t) => values.map((v) => [...t, v]));
  return out;
}

/** The aggregate changes one per-transport change or one added transport can cause. */
function aggregateChanges<T>(
  values: readonly T[],
  fresh: T,
  next: (t: T) => readonly T[],
  aggregate: (ts: readonly T[]) => string,
  maxTransports: number,
): ReadonlySet<Pair> {
  const pairs = new Set<Pair>();
  const note = (before: readonly T[], after: readonly T[]): void => {
    const a = aggregate(before);
    const b = aggregate(after);
    if (a !== b) pairs.add(`${a}>${b}`);
  };
  for (let size = 0; size <= maxTransports; size++) {
    for (const ts of tuples(values, size)) {
      if (size < maxTransports) note(ts, [...ts, fresh]);
      ts.forEach((t, i) => {
        for (const n of next(t))
          note(
            ts,
            ts.map((x, j) => (j === i ? n : x)),
          );
      });
    }
  }
  return pairs;
}

const ICE_CONNECTION_CHANGES = aggregateChanges<IceTransportState>(
  ICE_CONNECTION_STATES,
  'new',
  (t) => ICE_TRANSPORT_CHANGES[t],
  (ts) => aggregateIceConnectionState(ts, false),
  3,
);

interface IceDtls {
  readonly ice: IceTransportState;
  readonly dtls: DtlsTransportState;
}
const ICE_DTLS: readonly IceDtls[] = ICE_CONNECTION_STATES.flatMap((ice) =>
  DTLS_TRANSPORT_STATES.map((dtls) => ({ ice, dtls })),
);
const CONNECTION_CHANGES = aggregateChanges<IceDtls>(
  ICE_DTLS,
  { ice: 'new', dtls: 'new' },
  (t) => [
    ...ICE_TRANSPORT_CHANGES[t.ice].map((ice) => ({ ice, dtls: t.dtls })),
    ...DTLS_TRANSPORT_CHANGES[t.dtls].map((dtls) => ({ ice: t.ice, dtls })),
  ],
  (ts) =>
    aggregateConnectionState(
      ts.map((t) => t.ice),
      ts.map((t) => t.dtls),
      false,
    ),
  2,
);

const GATHERING_CHANGES = aggregateChanges<IceGathererState>(
  ICE_GATHERING_STATES,
  'new',
  (t) => GATHERER_CHANGES[t],
  aggregateIceGatheringState,
  3,
);

/**
 * Whether a reported RTCIceConnectionState change is possible: caused by one legal transport
 * change or a new transport, or → closed (close()). Nothing leaves closed.
 *
 * @example
 * isLegalIceConnectionChange('new', 'checking'); // true
 * isLegalIceConnectionChange('new', 'connected'); // false (skips checking)
 */
export function isLegalIceConnectionChange(
  from: IceConnectionState,
  to: IceConnectionState,
): boolean {
  if (from === 'closed') return false;
  if (to === 'closed') return true;
  return ICE_CONNECTION_CHANGES.has(`${from}>${to}`);
}

/**
 * Whether a reported RTCPeerConnectionState change is possible (as for ICE, over ICE + DTLS).
 *
 * @example
 * isLegalConnectionChange('connecting', 'connected'); // true
 * isLegalConnectionChange('new', 'connected'); // false
 */
export function isLegalConnectionChange(
  from: PeerConnectionState,
  to: PeerConnectionState,
): boolean {
  if (from === 'closed') return false;
  if (to === 'closed') return true;
  return CONNECTION_CHANGES.has(`${from}>${to}`);
}

/**
 * Whether a reported RTCIceGatheringState change is possible (gathering never jumps from new
 * straight to complete).
 *
 * @example
 * isLegalIceGatheringChange('gathering', 'complete'); // true
 * isLegalIceGatheringChange('new', 'complete'); // false
 */
export function isLegalIceGatheringChange(from: IceGatheringState, to: IceGatheringState): boolean {
  return GATHERING_CHANGES.has(`${from}>${to}`);
}

/**
 * [from, to] pairs of every legal aggregate change, for views and tests.
 *
 * @example
 * legalAggregateChanges('iceGathering'); // [['new', 'gathering'], ['gathering', 'new'], …]
 */
export function legalAggregateChanges(
  kind: 'iceConnection' | 'connection' | 'iceGathering',
): readonly (readonly [string, string])[] {
  const states: readonly string[] =
    kind === 'iceConnection'
      ? ICE_CONNECTION_STATES
      : kind === 'connection'
        ? CONNECTION_STATES
        : ICE_GATHERING_STATES;
  const legal = (a: string, b: string): boolean =>
    kind === 'iceConnection'
      ? isLegalIceConnectionChange(a as IceConnectionState, b as IceConnectionState)
      : kind === 'connection'
        ? isLegalConnectionChange(a as PeerConnectionState, b as PeerConnectionState)
        : isLegalIceGatheringChange(a as IceGatheringState, b as IceGatheringState);
  return states.flatMap((a) => states.filter((b) => a !== b && legal(a, b)).map((b) => [a, b]));
}

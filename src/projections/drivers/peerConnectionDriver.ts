/**
 * Drives {@link peerConnectionMachine} from a session: one machine per RTCPeerConnection (the
 * `pc` id of its `pc` events), stepped purely with checkpoints ({@link createStepper}).
 *
 * webrtc-internals update-log names → machine events:
 * - `setLocalDescription` / `setRemoteDescription` → `pc.setLocalDescription { sdpType }` …;
 *   the value is `{ type, sdp }`, its JSON text, or webrtc-internals' `"type: offer, sdp: …"`
 *   (no value / no type: an argument-less SLD)
 * - `…OnSuccess` / `…OnFailure { error: value }` → the same names under `pc.`
 * - `signalingstatechange` / `icegatheringstatechange` / `iceconnectionstatechange` /
 *   `connectionstatechange` (value: the new state) → `pc.signalingReported { state }` …
 * - `close` → `pc.close`; anything else (createOffer, icecandidate, …) feeds nothing.
 *
 * Stepper index k of a peer connection is its k-th `pc` event, log index `indexes[k]`.
 */
import type { SnapshotFrom, StateValue } from 'xstate';
import { createStepper, type Stepper } from '../../../machines/lib/stepper.ts';
import {
  CONNECTION_STATES,
  ICE_CONNECTION_STATES,
  ICE_GATHERING_STATES,
  SDP_TYPES,
  SIGNALING_STATES,
  peerConnectionMachine,
  type PeerConnectionEvent,
  type SdpType,
} from '../../../machines/peerConnectionMachine.ts';
import type { PcEvent } from '../../session/events.ts';
import { stringifyJson } from '../../session/json.ts';
import type { SessionLog } from '../../session/SessionLog.ts';
import { lastAtOrBefore } from './positions.ts';
import { createPcTracks } from './pcTracks.ts';

export type PeerConnectionSnapshot = SnapshotFrom<typeof peerConnectionMachine>;

/** A `pc` event whose machine events changed the state value, and the value after it. */
export interface PeerConnectionChange {
  readonly seq: number;
  readonly state: StateValue;
}

export interface PeerConnectionTrack {
  readonly pc: string;
  /** Log indexes of the peer connection's events, in order (stepper index k ↔ `indexes[k]`). */
  readonly indexes: readonly number[];
  readonly stepper: Stepper<PeerConnectionSnapshot>;
  /** Every state-value change, with the seq of the event that caused it. */
  changes(): readonly PeerConnectionChange[];
  /** The snapshot after every event of this peer connection at or before `logIndex`. */
  snapshotAtLogIndex(logIndex: number): PeerConnectionSnapshot;
}

export interface PeerConnectionDriver {
  /** One track per peer connection, in order of first appearance. */
  tracks(): readonly PeerConnectionTrack[];
  track(pc: string): PeerConnectionTrack | undefined;
  /** Takes in events appended to the log since the last call. */
  update(): void;
}

const isOneOf = <T extends string>(values: readonly T[], v: unknown): v is T =>
  typeof v === 'string' && (values as readonly string[]).includes(v);

/**
 * The description type of an SLD/SRD value: `{ type }`, its JSON text, or webrtc-internals'
 * `"type: offer, sdp: v=0…"`; undefined when there is none (argument-less SLD) or it is not
 * an RTCSdpType.
 *
 * @example
 * descriptionType({ type: 'answer', sdp: 'v=0…' }); // 'answer'
 * descriptionType('type: offer, sdp: v=0…'); // 'offer'
 */
export function descriptionType(value: unknown): SdpType | undefined {
  if (typeof value === 'string') {
    const text = value.trim();
    if (text.startsWith('{')) {
      try {
        return descriptionType(JSON.parse(text) as unknown);
      } catch {
        return undefined;
      }
    }
    const m = /^type:\s*([a-z]*)/i.exec(text);
    const type = m?.[1]?.toLowerCase();
    return isOneOf(SDP_TYPES, type) ? type : undefined;
  }
  if (typeof value === 'object' && value !== null && 'type' in value) {
    return isOneOf(SDP_TYPES, value.type) ? value.type : undefined;
  }
  return undefined;
}

function stateOf(value: unknown): string | undefined {
  return typeof value === 'string' ? value.trim() : undefined;
}

/**
 * The machine events one `pc` trace event feeds (none for events the machine ignores).
 *
 * @example
 * peerConnectionEventsOf({ seq: 3, t: 0, type: 'pc', pc: 'pc1', event: 'setLocalDescription', value: { type: 'offer', sdp: '' } });
 * // [{ type: 'pc.setLocalDescription', sdpType: 'offer', seq: 3 }]
 */
export function peerConnectionEventsOf(e: PcEvent): PeerConnectionEvent[] {
  const seq = e.seq;
  const state = stateOf(e.value);
  switch (e.event) {
    case 'setLocalDescription':
      return [{ type: 'pc.setLocalDescription', sdpType: descriptionType(e.value), seq }];
    case 'setRemoteDescription':
      return [{ type: 'pc.setRemoteDescription', sdpType: descriptionType(e.value), seq }];
    case 'setLocalDescriptionOnSuccess':
      return [{ type: 'pc.setLocalDescriptionOnSuccess', seq }];
    case 'setRemoteDescriptionOnSuccess':
      return [{ type: 'pc.setRemoteDescriptionOnSuccess', seq }];
    case 'setLocalDescriptionOnFailure':
      return [{ type: 'pc.setLocalDescriptionOnFailure', seq, error: errorText(e.value) }];
    case 'setRemoteDescriptionOnFailure':
      return [{ type: 'pc.setRemoteDescriptionOnFailure', seq, error: errorText(e.value) }];
    case 'close':
      return [{ type: 'pc.close', seq }];
    case 'signalingstatechange':
      return isOneOf(SIGNALING_STATES, state) ? [{ type: 'pc.signalingReported', state, seq }] : [];
    case 'icegatheringstatechange':
      return isOneOf(ICE_GATHERING_STATES, state)
        ? [{ type: 'pc.iceGatheringReported', state, seq }]
        : [];
    case 'iceconnectionstatechange':
      return isOneOf(ICE_CONNECTION_STATES, state)
        ? [{ type: 'pc.iceConnectionReported', state, seq }]
        : [];
    case 'connectionstatechange':
      return isOneOf(CONNECTION_STATES, state)
        ? [{ type: 'pc.connectionReported', state, seq }]
        : [];
    default:
      return [];
  }
}

function errorText(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value === undefined) return 'failed';
  // A failure value from a file may be nested deeper than JSON.stringify recurses, or huge.
  const text = stringifyJson(value) ?? typeof value;
  return text.length > 500 ? `${text.slice(0, 499)}…` : text;
}

export interface PeerConnectionDriverOptions {
  /** Checkpoint spacing of each stepper (default 256). */
  readonly every?: number;
}

/**
 * Builds one checkpointed peerConnectionMachine per `pc` id of a session log.
 *
 * @example
 * const driver = createPeerConnectionDriver(log);
 * driver.track('pc1')?.stepper.final.value; // { signaling: 'stable', iceConnection: 'connected', … }
 * driver.track('pc1')?.changes(); // [{ seq: 12, state: { signaling: 'have-local-offer', … } }, …]
 */
export function createPeerConnectionDriver(
  log: SessionLog,
  options: PeerConnectionDriverOptions = {},
): PeerConnectionDriver {
  const makeTrack = (pc: string, indexes: number[]): PeerConnectionTrack => {
    const eventsAt = (k: number): PeerConnectionEvent[] | undefined => {
      const logIndex = indexes[k];
      return logIndex === undefined
        ? undefined
        : peerConnectionEventsOf(log.get(logIndex) as PcEvent);
    };
    const stepper = createStepper(peerConnectionMachine, eventsAt, 0, {
      every: options.every ?? 256,
    });
    const track: PeerConnectionTrack = {
      pc,
      indexes,
      stepper,
      changes: () =>
        stepper.changes().map((c) => ({ seq: log.seq(indexes[c.index] ?? 0), state: c.state })),
      snapshotAtLogIndex: (logIndex) => stepper.snapshotAt(lastAtOrBefore(indexes, logIndex)),
    };
    return track;
  };

  return createPcTracks(log, makeTrack);
}

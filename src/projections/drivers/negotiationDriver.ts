/**
 * Drives {@link negotiationMachine} from a session: the perfect-negotiation view of each
 * recorded RTCPeerConnection (the `pc` id of its `pc` events), stepped purely with checkpoints
 * ({@link createStepper}). A capture does not say which side is polite: that is an option
 * (`polite(pc)`, default: impolite).
 *
 * webrtc-internals update-log names → machine events:
 * - `negotiationneeded` → `negotiationneeded`
 * - `setLocalDescription` → `sld.start`; `…OnSuccess` → `sld.done`, then `send.description`
 *   when the call was the example's (it sends right after the await); `…OnFailure` →
 *   `sld.failed`
 * - `setRemoteDescription` (offer / answer) → `description.received { sdpType }`, `srd.start`
 *   (the example calls SRD as soon as it decided not to ignore); `…OnSuccess` → `srd.done`;
 *   `…OnFailure` → `srd.failed`; other types → `srd.start` only
 * - `addIceCandidate` → `candidate.received` (an end-of-candidates call, value null, is
 *   skipped); `…OnSuccess` → `candidate.added`; `…OnFailure` → `candidate.failed`
 *
 * An ignored offer leaves no trace of its own. With FIFO signaling a remote candidate reaching
 * an impolite side that waits for its answer (making an offer or in have-local-offer, no
 * description being handled) can only belong to an offer from the other side, so one that was
 * ignored: the driver feeds `description.received { sdpType: 'offer', inferred: true }` before
 * it (once), and the machine ignores it as the example did.
 */
import { initialTransition, type SnapshotFrom, type StateValue } from 'xstate';
import { createStepper, type Stepper } from '../../../machines/lib/stepper.ts';
import {
  negotiationMachine,
  type NegotiationDecision,
  type NegotiationEvent,
} from '../../../machines/negotiationMachine.ts';
import type { PcEvent } from '../../session/events.ts';
import { stringifyJson } from '../../session/json.ts';
import type { SessionLog } from '../../session/SessionLog.ts';
import { descriptionType } from './peerConnectionDriver.ts';
import { lastAtOrBefore } from './positions.ts';
import { createPcTracks } from './pcTracks.ts';

export type NegotiationSnapshot = SnapshotFrom<typeof negotiationMachine>;

function errorText(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value === undefined) return 'failed';
  // A failure value from a file may be nested deeper than JSON.stringify recurses, or huge.
  const text = stringifyJson(value) ?? typeof value;
  return text.length > 500 ? `${text.slice(0, 499)}…` : text;
}

/** The remote side's candidate while this impolite side waits for its answer. */
function provesIgnoredOffer(before: NegotiationSnapshot): boolean {
  const c = before.context;
  return (
    !c.polite &&
    c.handler === 'idle' &&
    (c.makingOffer || c.signalingState === 'have-local-offer') &&
    !c.isSettingRemoteAnswerPending
  );
}

/**
 * The machine events one `pc` trace event feeds, given the snapshot they will be applied to.
 *
 * @example
 * negotiationEventsOf({ seq: 3, t: 0, type: 'pc', pc: 'pc1', event: 'negotiationneeded' }, snapshot);
 * // [{ type: 'negotiationneeded', seq: 3 }]
 */
export function negotiationEventsOf(e: PcEvent, before: NegotiationSnapshot): NegotiationEvent[] {
  const seq = e.seq;
  switch (e.event) {
    case 'negotiationneeded':
      return [{ type: 'negotiationneeded', seq }];
    case 'setLocalDescription':
      return [{ type: 'sld.start', seq }];
    case 'setLocalDescriptionOnSuccess':
      return before.context.chain[0]?.by === 'other'
        ? [{ type: 'sld.done', seq }]
        : [
            { type: 'sld.done', seq },
            { type: 'send.description', seq },
          ];
    case 'setLocalDescriptionOnFailure':
      return [{ type: 'sld.failed', seq, error: errorText(e.value) }];
    case 'setRemoteDescription': {
      const sdpType = descriptionType(e.value);
      if (sdpType !== 'offer' && sdpType !== 'answer') return [{ type: 'srd.start', seq }];
      return [
        { type: 'description.received', sdpType, seq },
        { type: 'srd.start', seq },
      ];
    }
    case 'setRemoteDescriptionOnSuccess':
      return [{ type: 'srd.done', seq }];
    case 'setRemoteDescriptionOnFailure':
      return [{ type: 'srd.failed', seq, error: errorText(e.value) }];
    case 'addIceCandidate':
      if (e.value === null || e.value === undefined) return [];
      return provesIgnoredOffer(before)
        ? [
            { type: 'description.received', sdpType: 'offer', inferred: true, seq },
            { type: 'candidate.received', seq },
          ]
        : [{ type: 'candidate.received', seq }];
    case 'addIceCandidateOnSuccess':
      return before.context.candidatesPending > 0 ? [{ type: 'candidate.added', seq }] : [];
    case 'addIceCandidateOnFailure':
      return before.context.candidatesPending > 0
        ? [{ type: 'candidate.failed', seq, error: errorText(e.value) }]
        : [];
    default:
      return [];
  }
}

/** A `pc` event whose machine events changed the state value, and the value after it. */
export interface NegotiationChange {
  readonly seq: number;
  readonly state: StateValue;
}

export interface NegotiationTrack {
  readonly pc: string;
  readonly polite: boolean;
  /** Log indexes of the peer connection's events (stepper index k ↔ `indexes[k]`). */
  readonly indexes: readonly number[];
  readonly stepper: Stepper<NegotiationSnapshot>;
  changes(): readonly NegotiationChange[];
  /** Every decision so far (the final snapshot's log). */
  decisions(): readonly NegotiationDecision[];
  /** The snapshot after every event of this peer connection at or before `logIndex`. */
  snapshotAtLogIndex(logIndex: number): NegotiationSnapshot;
}

export interface NegotiationDriver {
  tracks(): readonly NegotiationTrack[];
  track(pc: string): NegotiationTrack | undefined;
  /** Takes in events appended to the log since the last call. */
  update(): void;
}

export interface NegotiationDriverOptions {
  /**
   * Whether the side of `pc` is the polite one. Default: what the pc's first event says — a
   * `create` whose value has `polite: true` (the simulator writes it) — else impolite.
   */
  readonly polite?: (pc: string) => boolean;
  /** Checkpoint spacing of each stepper (default 256). */
  readonly every?: number;
}

/**
 * Builds one checkpointed negotiationMachine per `pc` id of a session log.
 *
 * @example
 * const driver = createNegotiationDriver(log, { polite: (pc) => pc === 'B' });
 * driver.track('B')?.decisions(); // [{ seq: 14, kind: 'offer-collision', … }, …]
 */
export function createNegotiationDriver(
  log: SessionLog,
  options: NegotiationDriverOptions = {},
): NegotiationDriver {
  const makeTrack = (pc: string, indexes: number[], first: PcEvent): NegotiationTrack => {
    const polite = options.polite?.(pc) ?? declaredPolite(first);
    const eventsAt = (k: number, before: NegotiationSnapshot): NegotiationEvent[] | undefined => {
      const logIndex = indexes[k];
      if (logIndex === undefined) return undefined;
      return negotiationEventsOf(log.get(logIndex) as PcEvent, before);
    };
    const stepper = createStepper(negotiationMachine, eventsAt, 0, {
      every: options.every ?? 256,
      initial: negotiationInitial(polite, pc),
    });
    const track: NegotiationTrack = {
      pc,
      polite,
      indexes,
      stepper,
      changes: () =>
        stepper.changes().map((c) => ({ seq: log.seq(indexes[c.index] ?? 0), state: c.state })),
      decisions: () => stepper.final.context.decisions,
      snapshotAtLogIndex: (logIndex) => stepper.snapshotAt(lastAtOrBefore(indexes, logIndex)),
    };
    return track;
  };

  return createPcTracks(log, makeTrack);
}

/** A `create` event whose value says `polite: true`. */
function declaredPolite(first: PcEvent): boolean {
  const v = first.value;
  return (
    first.event === 'create' &&
    typeof v === 'object' &&
    v !== null &&
    (v as { polite?: unknown }).polite === true
  );
}

function negotiationInitial(polite: boolean, name: string): NegotiationSnapshot {
  return initialTransition(negotiationMachine, { polite, name })[0];
}

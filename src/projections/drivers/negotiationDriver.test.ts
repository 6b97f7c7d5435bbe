import { describe, expect, it } from 'vitest';
import { initialTransition } from 'xstate';
import { negotiationMachine } from '../../../machines/negotiationMachine.ts';
import { SessionLog } from '../../session/SessionLog.ts';
import {
  createNegotiationDriver,
  negotiationEventsOf,
  type NegotiationTrack,
} from './negotiationDriver.ts';

const SDP = 'v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n';
const CANDIDATE = {
  candidate: 'candidate:1 1 udp 2122260223 127.0.0.1 50000 typ host',
  sdpMid: '0',
};

type Entry = readonly [string, unknown?, string?];

/** Appends `entries` as `pc` events of `pc` (default A), one ms apart. */
function append(log: SessionLog, entries: readonly Entry[]): void {
  entries.forEach(([event, value, pc]) => {
    log.append({
      t: log.length,
      type: 'pc',
      pc: pc ?? 'A',
      event,
      ...(value === undefined ? {} : { value }),
    });
  });
}

function traceLog(entries: readonly Entry[]): SessionLog {
  const log = new SessionLog();
  append(log, entries);
  return log;
}

function trackOf(log: SessionLog, pc: string, polite: boolean): NegotiationTrack {
  const track = createNegotiationDriver(log, { polite: () => polite }).track(pc);
  if (!track) throw new Error(`no track ${pc}`);
  return track;
}

const kinds = (track: NegotiationTrack) => track.decisions().map((d) => d.kind);

/** The polite side of the glare the browser test records (recorder order, Chromium). */
const POLITE_GLARE: readonly Entry[] = [
  ['negotiationneeded'],
  ['setLocalDescription'],
  ['signalingstatechange', 'have-local-offer'],
  ['setLocalDescriptionOnSuccess'],
  ['icecandidate', CANDIDATE],
  ['setRemoteDescription', { type: 'offer', sdp: SDP }],
  ['signalingstatechange', 'stable'],
  ['signalingstatechange', 'have-remote-offer'],
  ['setRemoteDescriptionOnSuccess'],
  ['setLocalDescription'],
  ['signalingstatechange', 'stable'],
  ['setLocalDescriptionOnSuccess'],
  ['addIceCandidate', CANDIDATE],
  ['addIceCandidateOnSuccess'],
];

/** The impolite side: the polite offer never shows; its candidate does, and fails. */
const IMPOLITE_GLARE: readonly Entry[] = [
  ['negotiationneeded'],
  ['setLocalDescription'],
  ['signalingstatechange', 'have-local-offer'],
  ['setLocalDescriptionOnSuccess'],
  ['addIceCandidate', CANDIDATE],
  ['addIceCandidateOnFailure', 'OperationError: Error processing ICE candidate'],
  ['setRemoteDescription', `type: answer, sdp: ${SDP}`],
  ['signalingstatechange', 'stable'],
  ['setRemoteDescriptionOnSuccess'],
  ['addIceCandidate', CANDIDATE],
  ['addIceCandidateOnSuccess'],
  ['addIceCandidate', null],
  ['addIceCandidateOnSuccess'],
];

describe('negotiationEventsOf', () => {
  const before = initialTransition(negotiationMachine, { polite: false })[0];
  const at = (event: string, value?: unknown) =>
    negotiationEventsOf({ seq: 7, t: 0, type: 'pc', pc: 'A', event, value }, before);

  it('maps update-log names to the steps of the W3C example and ignores the rest', () => {
    expect(at('negotiationneeded')).toEqual([{ type: 'negotiationneeded', seq: 7 }]);
    expect(at('setLocalDescription')).toEqual([{ type: 'sld.start', seq: 7 }]);
    expect(at('setRemoteDescription', { type: 'offer', sdp: SDP })).toEqual([
      { type: 'description.received', sdpType: 'offer', seq: 7 },
      { type: 'srd.start', seq: 7 },
    ]);
    expect(at('setRemoteDescription', { type: 'rollback', sdp: '' })).toEqual([
      { type: 'srd.start', seq: 7 },
    ]);
    expect(at('setRemoteDescriptionOnFailure', 'InvalidStateError: x')).toEqual([
      { type: 'srd.failed', seq: 7, error: 'InvalidStateError: x' },
    ]);
    expect(at('addIceCandidate', CANDIDATE)).toEqual([{ type: 'candidate.received', seq: 7 }]);
    expect(at('addIceCandidate', null)).toEqual([]);
    // No addIceCandidate in flight: a lone result (end-of-candidates) feeds nothing.
    expect(at('addIceCandidateOnSuccess')).toEqual([]);
    expect(at('signalingstatechange', 'stable')).toEqual([]);
    expect(at('createOffer')).toEqual([]);
  });

  it('sends right after an SLD of the example resolves', () => {
    // The initial snapshot has no call in the chain: treated as the example's.
    expect(at('setLocalDescriptionOnSuccess')).toEqual([
      { type: 'sld.done', seq: 7 },
      { type: 'send.description', seq: 7 },
    ]);
  });
});

describe('createNegotiationDriver', () => {
  it('the polite side of glare: collision, implicit rollback, answer', () => {
    const track = trackOf(traceLog(POLITE_GLARE), 'A', true);
    expect(track.polite).toBe(true);
    expect(kinds(track)).toEqual(['offer-sent', 'offer-collision', 'rolled-back', 'answered']);
    const final = track.stepper.final;
    expect(final.value).toEqual({ offerer: 'idle', handler: 'idle' });
    expect(final.context.signalingState).toBe('stable');
    expect(track.decisions().find((d) => d.kind === 'offer-collision')?.seq).toBe(5);
    expect(track.changes().map((c) => c.seq)).toEqual([0, 1, 3, 5, 8, 9, 11]);
  });

  it('the impolite side of glare: the ignored offer is deduced from its candidate, whose error is swallowed', () => {
    const track = trackOf(traceLog(IMPOLITE_GLARE), 'A', false);
    expect(kinds(track)).toEqual([
      'offer-sent',
      'ignored-offer',
      'swallowed-candidate-error',
      'answer-applied',
    ]);
    const ignored = track.decisions()[1];
    expect(ignored).toMatchObject({ seq: 4, inferred: true });
    expect(track.snapshotAtLogIndex(5).value).toEqual({
      offerer: 'idle',
      handler: 'ignoringOffer',
    });
    expect(track.stepper.final.value).toEqual({ offerer: 'idle', handler: 'idle' });
    expect(track.stepper.final.context.ignoreOffer).toBe(false);
  });

  it('taken as polite, the same candidate error is a real error', () => {
    const track = trackOf(traceLog(IMPOLITE_GLARE), 'A', true);
    expect(kinds(track)).toEqual(['offer-sent', 'candidate-error', 'answer-applied']);
  });

  it('an impolite side that applies a colliding offer did not follow the example', () => {
    const track = trackOf(traceLog(POLITE_GLARE), 'A', false);
    const list = track.decisions();
    expect(list.map((d) => d.kind).slice(0, 3)).toEqual([
      'offer-sent',
      'ignored-offer',
      'unexpected',
    ]);
    expect(list[2]?.detail).toMatch(/ignores/);
  });

  it('an SLD without negotiationneeded is recorded as outside the example and not sent', () => {
    const track = trackOf(
      traceLog([
        ['createOffer'],
        ['setLocalDescription', { type: 'offer', sdp: SDP }],
        ['setLocalDescriptionOnSuccess'],
      ]),
      'A',
      false,
    );
    expect(kinds(track)).toEqual(['unexpected']);
    expect(track.stepper.final.context.signalingState).toBe('have-local-offer');
    expect(track.stepper.final.context.sent).toBeNull();
  });

  it('keeps one track per pc, polite by option, and takes in appended events', () => {
    const log = new SessionLog();
    append(
      log,
      POLITE_GLARE.slice(0, 4).map(([event, value]) => [event, value, 'B'] as const),
    );
    append(log, IMPOLITE_GLARE.slice(0, 4));
    const driver = createNegotiationDriver(log, { polite: (pc) => pc === 'B', every: 2 });
    expect(driver.tracks().map((t) => [t.pc, t.polite])).toEqual([
      ['B', true],
      ['A', false],
    ]);
    append(
      log,
      POLITE_GLARE.slice(4).map(([event, value]) => [event, value, 'B'] as const),
    );
    append(log, IMPOLITE_GLARE.slice(4));
    driver.update();
    expect(driver.track('B') && kinds(driver.track('B') as NegotiationTrack)).toEqual([
      'offer-sent',
      'offer-collision',
      'rolled-back',
      'answered',
    ]);
    expect(driver.track('A')?.stepper.final.context.signalingState).toBe('stable');
    // Checkpointed replays give the same snapshots as the stepped ones.
    const b = driver.track('B');
    expect(b?.snapshotAtLogIndex(2).value).toEqual({ offerer: 'settingOffer', handler: 'idle' });
    // The example sends right after its SLD resolves: both at the OnSuccess event.
    expect(b?.snapshotAtLogIndex(3).context.sent?.type).toBe('offer');
    expect(b?.snapshotAtLogIndex(3).value).toEqual({ offerer: 'idle', handler: 'idle' });
    expect(driver.track('nope')).toBeUndefined();
  });
});

/** `{a:{a:…{password:'deep-secret'}}}` `depth` levels deep, built without recursion. */
function deepValue(depth: number): unknown {
  let v: unknown = { password: 'deep-secret' };
  for (let k = 0; k < depth; k++) v = { a: v };
  return v;
}

describe('a failure value from a hostile file (found by fuzz/)', () => {
  it('an addIceCandidateOnFailure / setRemoteDescriptionOnFailure value nested 20,000 deep does not overflow the stack', () => {
    const before = initialTransition(negotiationMachine, { polite: false })[0];
    const value = deepValue(20_000);
    for (const event of ['setLocalDescriptionOnFailure', 'setRemoteDescriptionOnFailure']) {
      const out = negotiationEventsOf({ seq: 2, t: 0, type: 'pc', pc: 'A', event, value }, before);
      expect(out).toHaveLength(1);
      expect((out[0] as { error: string }).error.length).toBeLessThanOrEqual(500);
    }
  });
});

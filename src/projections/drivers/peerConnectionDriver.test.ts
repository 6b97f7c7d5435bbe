import { describe, expect, it } from 'vitest';
import { SessionLog } from '../../session/SessionLog.ts';
import {
  createPeerConnectionDriver,
  descriptionType,
  peerConnectionEventsOf,
  type PeerConnectionTrack,
} from './peerConnectionDriver.ts';

const SDP = 'v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n';

/** A log with `entries` as `pc` events of `pc` (default pc1), one ms apart. */
function traceLog(entries: readonly (readonly [string, unknown?, string?])[]): SessionLog {
  const log = new SessionLog();
  entries.forEach(([event, value, pc], t) => {
    log.append({
      t,
      type: 'pc',
      pc: pc ?? 'pc1',
      event,
      ...(value === undefined ? {} : { value }),
    });
  });
  return log;
}

function trackOf(log: SessionLog, pc = 'pc1'): PeerConnectionTrack {
  const track = createPeerConnectionDriver(log).track(pc);
  if (!track) throw new Error(`no track ${pc}`);
  return track;
}

const signaling = (track: PeerConnectionTrack) =>
  track.changes().map((c) => [c.seq, (c.state as { signaling: string }).signaling] as const);

describe('descriptionType', () => {
  it('reads the type from an object, JSON text, or webrtc-internals text', () => {
    expect(descriptionType({ type: 'answer', sdp: SDP })).toBe('answer');
    expect(descriptionType(JSON.stringify({ type: 'pranswer', sdp: SDP }))).toBe('pranswer');
    expect(descriptionType(`type: offer, sdp: ${SDP}`)).toBe('offer');
    expect(descriptionType('type: rollback, sdp: ')).toBe('rollback');
    expect(descriptionType(undefined)).toBeUndefined();
    expect(descriptionType('type: , sdp: ')).toBeUndefined();
    expect(descriptionType({ type: 'bogus' })).toBeUndefined();
  });
});

describe('peerConnectionEventsOf', () => {
  it('maps update-log names to machine events and ignores the rest', () => {
    const at = (event: string, value?: unknown) =>
      peerConnectionEventsOf({ seq: 4, t: 0, type: 'pc', pc: 'p', event, value });
    expect(at('setRemoteDescription', `type: answer, sdp: ${SDP}`)).toEqual([
      { type: 'pc.setRemoteDescription', sdpType: 'answer', seq: 4 },
    ]);
    expect(at('setLocalDescription')).toEqual([
      { type: 'pc.setLocalDescription', sdpType: undefined, seq: 4 },
    ]);
    expect(at('setLocalDescriptionOnFailure', 'OperationError: x')).toEqual([
      { type: 'pc.setLocalDescriptionOnFailure', seq: 4, error: 'OperationError: x' },
    ]);
    expect(at('iceconnectionstatechange', 'checking')).toEqual([
      { type: 'pc.iceConnectionReported', state: 'checking', seq: 4 },
    ]);
    expect(at('connectionstatechange', 'connected')).toEqual([
      { type: 'pc.connectionReported', state: 'connected', seq: 4 },
    ]);
    expect(at('icegatheringstatechange', 'complete')).toEqual([
      { type: 'pc.iceGatheringReported', state: 'complete', seq: 4 },
    ]);
    expect(at('close')).toEqual([{ type: 'pc.close', seq: 4 }]);
    expect(at('signalingstatechange', 'nonsense')).toEqual([]);
    expect(at('createOffer')).toEqual([]);
    expect(at('icecandidate', { candidate: 'candidate:1 1 udp …' })).toEqual([]);
  });
});

describe('createPeerConnectionDriver', () => {
  it('full offer/answer to connected (webrtc-internals order: statechange before OnSuccess)', () => {
    const log = traceLog([
      ['createOffer'],
      ['createOfferOnSuccess', { type: 'offer', sdp: SDP }],
      ['setLocalDescription', { type: 'offer', sdp: SDP }], // 2
      ['signalingstatechange', 'have-local-offer'],
      ['setLocalDescriptionOnSuccess'], // 4
      ['icegatheringstatechange', 'gathering'], // 5
      ['icecandidate', { candidate: 'candidate:1 1 udp 1 1.2.3.4 5 typ host' }],
      ['setRemoteDescription', `type: answer, sdp: ${SDP}`], // 7
      ['signalingstatechange', 'stable'],
      ['setRemoteDescriptionOnSuccess'], // 9
      ['iceconnectionstatechange', 'checking'], // 10
      ['connectionstatechange', 'connecting'], // 11
      ['icegatheringstatechange', 'complete'], // 12
      ['iceconnectionstatechange', 'connected'], // 13
      ['connectionstatechange', 'connected'], // 14
    ]);
    const track = trackOf(log);
    expect(track.stepper.final.value).toEqual({
      signaling: 'stable',
      iceGathering: 'complete',
      iceConnection: 'connected',
      connection: 'connected',
    });
    expect(track.changes().map((c) => c.seq)).toEqual([4, 5, 9, 10, 11, 12, 13, 14]);
    expect(signaling(track).slice(0, 3)).toEqual([
      [4, 'have-local-offer'],
      [5, 'have-local-offer'],
      [9, 'stable'],
    ]);
    const ctx = track.stepper.final.context;
    expect(ctx.mismatches).toEqual([]);
    expect(ctx.illegalChanges).toEqual([]);
    expect(ctx.lastRejected).toBeNull();
    expect(track.snapshotAtLogIndex(3).context.signaling).toBe('stable');
    expect(track.snapshotAtLogIndex(4).context.signaling).toBe('have-local-offer');
  });

  it('a rollback of a local offer', () => {
    const track = trackOf(
      traceLog([
        ['setLocalDescription', `type: offer, sdp: ${SDP}`],
        ['setLocalDescriptionOnSuccess'], // 1
        ['setLocalDescription', 'type: rollback, sdp: '],
        ['signalingstatechange', 'stable'],
        ['setLocalDescriptionOnSuccess'], // 4
      ]),
    );
    expect(signaling(track)).toEqual([
      [1, 'have-local-offer'],
      [4, 'stable'],
    ]);
    expect(track.stepper.final.context.mismatches).toEqual([]);
  });

  it('pranswer then answer (answerer side, argument-less SLD for the answer)', () => {
    const track = trackOf(
      traceLog([
        ['setRemoteDescription', { type: 'offer', sdp: SDP }],
        ['setRemoteDescriptionOnSuccess'], // 1
        ['setLocalDescription', { type: 'pranswer', sdp: SDP }],
        ['setLocalDescriptionOnSuccess'], // 3
        ['setLocalDescription'],
        ['signalingstatechange', 'stable'],
        ['setLocalDescriptionOnSuccess'], // 6
      ]),
    );
    expect(signaling(track)).toEqual([
      [1, 'have-remote-offer'],
      [3, 'have-local-pranswer'],
      [6, 'stable'],
    ]);
    expect(track.stepper.final.context.mismatches).toEqual([]);
  });

  it('an invalid SRD(answer) in stable is rejected and changes nothing', () => {
    const track = trackOf(
      traceLog([
        ['setRemoteDescription', { type: 'answer', sdp: SDP }],
        [
          'setRemoteDescriptionOnFailure',
          'InvalidStateError: Failed to set remote answer sdp: Called in wrong state: stable',
        ],
      ]),
    );
    expect(track.changes()).toEqual([]);
    const ctx = track.stepper.final.context;
    expect(ctx.signaling).toBe('stable');
    expect(ctx.pending).toEqual([]);
    expect(ctx.lastRejected).toMatchObject({
      side: 'remote',
      sdpType: 'answer',
      state: 'stable',
      seq: 0,
    });
    expect(ctx.lastRejected?.reason).toMatch(/^InvalidStateError/);
    expect(ctx.mismatches).toEqual([]);
    expect(track.snapshotAtLogIndex(0).context.lastRejected?.seq).toBe(0);
  });

  it('close mid-negotiation: closed everywhere, later calls rejected', () => {
    const track = trackOf(
      traceLog([
        ['setLocalDescription', { type: 'offer', sdp: SDP }],
        ['setLocalDescriptionOnSuccess'],
        ['setRemoteDescription', { type: 'answer', sdp: SDP }],
        ['close'], // 3
        ['signalingstatechange', 'closed'],
        ['iceconnectionstatechange', 'closed'],
        ['setLocalDescription', { type: 'offer', sdp: SDP }], // 6
      ]),
    );
    const final = track.stepper.final;
    expect(final.value).toEqual({
      signaling: 'closed',
      iceGathering: 'new',
      iceConnection: 'closed',
      connection: 'closed',
    });
    expect(signaling(track).at(-1)).toEqual([3, 'closed']);
    expect(final.context.pending).toEqual([]);
    expect(final.context.lastRejected).toMatchObject({ state: 'closed', seq: 6 });
    expect(final.context.mismatches).toEqual([]);
    expect(final.context.illegalChanges).toEqual([]);
  });

  it('records a reported signalingstatechange that disagrees with the model', () => {
    const track = trackOf(
      traceLog([
        ['setLocalDescription', { type: 'offer', sdp: SDP }],
        ['signalingstatechange', 'have-remote-offer'], // 1
        ['setLocalDescriptionOnSuccess'],
      ]),
    );
    const ctx = track.stepper.final.context;
    expect(ctx.signaling).toBe('have-local-offer');
    expect(ctx.mismatches).toEqual([
      {
        kind: 'signaling',
        reported: 'have-remote-offer',
        predicted: 'stable or have-local-offer',
        seq: 1,
      },
    ]);
  });

  it('keeps peer connections apart and takes in appended events', () => {
    const log = traceLog([
      ['setLocalDescription', { type: 'offer', sdp: SDP }, 'a'],
      ['setRemoteDescription', { type: 'offer', sdp: SDP }, 'b'],
      ['setLocalDescriptionOnSuccess', undefined, 'a'],
    ]);
    log.append({ t: 5, type: 'note', text: 'between' });
    const driver = createPeerConnectionDriver(log, { every: 2 });
    expect(driver.tracks().map((t) => t.pc)).toEqual(['a', 'b']);
    expect(driver.track('a')?.stepper.final.context.signaling).toBe('have-local-offer');
    expect(driver.track('b')?.stepper.final.context.signaling).toBe('stable');
    log.append({ t: 6, type: 'pc', pc: 'b', event: 'setRemoteDescriptionOnSuccess' });
    driver.update();
    expect(driver.track('b')?.stepper.final.context.signaling).toBe('have-remote-offer');
    expect(driver.track('b')?.changes()).toEqual([
      { seq: 4, state: expect.objectContaining({ signaling: 'have-remote-offer' }) as unknown },
    ]);
    expect(driver.track('b')?.indexes).toEqual([1, 4]);
  });
});

/** `{a:{a:…{password:'deep-secret'}}}` `depth` levels deep, built without recursion. */
function deepValue(depth: number): unknown {
  let v: unknown = { password: 'deep-secret' };
  for (let k = 0; k < depth; k++) v = { a: v };
  return v;
}

describe('a failure value from a hostile file (found by fuzz/)', () => {
  it('a setLocalDescriptionOnFailure value nested 20,000 deep becomes a short error, not a stack overflow', () => {
    const [event] = peerConnectionEventsOf({
      seq: 1,
      t: 0,
      type: 'pc',
      pc: 'p',
      event: 'setLocalDescriptionOnFailure',
      value: deepValue(20_000),
    });
    expect(event).toMatchObject({ type: 'pc.setLocalDescriptionOnFailure', seq: 1 });
    const error = (event as { error: string }).error;
    expect(error.startsWith('{"a":{"a":')).toBe(true);
    expect(error.length).toBeLessThanOrEqual(500);
  });
});

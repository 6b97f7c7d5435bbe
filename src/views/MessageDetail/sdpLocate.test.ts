import { describe, expect, it } from 'vitest';
import { SessionLog } from '../../session/SessionLog.ts';
import {
  counterpartSdp,
  descriptionOf,
  previousSdp,
  sdpOfEvent,
  type SdpRef,
} from './sdpLocate.ts';
import {
  ANSWER_1_SDP,
  ANSWER_2_SDP,
  OFFER_1_SDP,
  OFFER_2_SDP,
  meshSession,
  pcSession,
  twoPartySession,
} from './samples.ts';

function ref(log: SessionLog, index: number): SdpRef {
  const r = sdpOfEvent(log, index);
  if (!r) throw new Error(`no SDP at ${index}`);
  return r;
}

describe('descriptionOf()', () => {
  it('reads {type, sdp}, its JSON text and the webrtc-internals text', () => {
    expect(descriptionOf({ type: 'offer', sdp: 'v=0' })).toEqual({ type: 'offer', sdp: 'v=0' });
    expect(descriptionOf('{"type":"answer","sdp":"v=0"}')).toEqual({ type: 'answer', sdp: 'v=0' });
    expect(descriptionOf('type: answer, sdp: v=0\r\ns=-\r\n')).toEqual({
      type: 'answer',
      sdp: 'v=0\r\ns=-\r\n',
    });
  });

  it('gives nothing for values without SDP text', () => {
    expect(descriptionOf({ type: 'rollback' })).toBeUndefined();
    expect(descriptionOf({ type: 'offer', sdp: 4 })).toBeUndefined();
    expect(descriptionOf('have-local-offer')).toBeUndefined();
    expect(descriptionOf(null)).toBeUndefined();
    expect(descriptionOf('{broken')).toBeUndefined();
  });
});

describe('sdpOfEvent() on a peer connection trace', () => {
  const { log } = pcSession();

  it('finds local and remote descriptions on the pc events that carry them', () => {
    expect(sdpOfEvent(log, 2)).toMatchObject({
      side: 'local',
      type: 'offer',
      via: 'createOfferOnSuccess',
    });
    expect(sdpOfEvent(log, 3)).toMatchObject({
      side: 'local',
      type: 'offer',
      sdp: OFFER_1_SDP,
      connection: 'peer connection pc-1',
      path: 'value.sdp',
    });
    expect(sdpOfEvent(log, 6)).toMatchObject({ side: 'remote', type: 'answer', sdp: ANSWER_1_SDP });
    expect(sdpOfEvent(log, 9)).toMatchObject({ side: 'remote', type: 'answer', sdp: ANSWER_2_SDP });
  });

  it('finds none on other events', () => {
    for (const i of [0, 1, 4, 5, 7, 11]) expect(sdpOfEvent(log, i)).toBeUndefined();
    expect(sdpOfEvent(log, -1)).toBeUndefined();
    expect(sdpOfEvent(log, 999)).toBeUndefined();
  });

  it('compares with the previous SDP of the same side', () => {
    expect(previousSdp(log, ref(log, 8))?.index).toBe(3);
    expect(previousSdp(log, ref(log, 3))?.index).toBe(2);
    expect(previousSdp(log, ref(log, 9))?.index).toBe(6);
    expect(previousSdp(log, ref(log, 2))).toBeUndefined();
    expect(previousSdp(log, ref(log, 6))).toBeUndefined();
  });

  it('pairs an offer with the answer that follows and an answer with the offer before', () => {
    expect(counterpartSdp(log, ref(log, 3))?.index).toBe(6);
    expect(counterpartSdp(log, ref(log, 6))?.index).toBe(3);
    expect(counterpartSdp(log, ref(log, 9))?.index).toBe(8);
    expect(counterpartSdp(log, ref(log, 8))?.index).toBe(9);
  });

  it('keeps peer connections apart', () => {
    const other = new SessionLog();
    const sdp = { type: 'offer', sdp: OFFER_1_SDP };
    other.append({ t: 0, type: 'pc', pc: 'a', event: 'setLocalDescription', value: sdp });
    other.append({ t: 1, type: 'pc', pc: 'b', event: 'setLocalDescription', value: sdp });
    other.append({ t: 2, type: 'pc', pc: 'a', event: 'setLocalDescription', value: sdp });
    expect(previousSdp(other, ref(other, 1))).toBeUndefined();
    expect(previousSdp(other, ref(other, 2))?.index).toBe(0);
  });
});

describe('sdpOfEvent() on room frames', () => {
  it('reads mesh signals, keyed by the remote peer, sent = local', () => {
    const { log } = meshSession();
    expect(sdpOfEvent(log, 3)).toMatchObject({
      side: 'local',
      type: 'offer',
      connection: 'mesh-1, peer 2',
      path: 'description.sdp',
      via: 'signal to 2',
    });
    expect(sdpOfEvent(log, 4)).toMatchObject({
      side: 'remote',
      type: 'answer',
      via: 'signal from 2',
    });
    expect(sdpOfEvent(log, 5)).toBeUndefined();
    expect(sdpOfEvent(log, 6)?.sdp).toBe(OFFER_2_SDP);
    expect(previousSdp(log, ref(log, 6))?.index).toBe(3);
    expect(counterpartSdp(log, ref(log, 4))?.index).toBe(3);
  });

  it('keeps mesh peers apart', () => {
    const log = new SessionLog();
    const signal = (to: number) =>
      JSON.stringify({ type: 'signal', to, description: { type: 'offer', sdp: OFFER_1_SDP } });
    log.append({ t: 0, type: 'ws.frame', conn: 'm', dir: 'out', text: signal(2) });
    log.append({ t: 1, type: 'ws.frame', conn: 'm', dir: 'out', text: signal(3) });
    log.append({ t: 2, type: 'ws.frame', conn: 'm', dir: 'out', text: signal(2) });
    expect(previousSdp(log, ref(log, 1))).toBeUndefined();
    expect(previousSdp(log, ref(log, 2))?.index).toBe(0);
  });

  it('reads two-party messages', () => {
    const { log } = twoPartySession();
    expect(sdpOfEvent(log, 4)).toMatchObject({ side: 'local', type: 'offer', path: 'message.sdp' });
    expect(sdpOfEvent(log, 5)).toMatchObject({ side: 'remote', type: 'answer' });
    expect(counterpartSdp(log, ref(log, 5))?.index).toBe(4);
    for (const i of [0, 1, 2, 3]) expect(sdpOfEvent(log, i)).toBeUndefined();
  });

  it('ignores frames that mention "sdp" but are not descriptions, and broken JSON', () => {
    const log = new SessionLog();
    log.append({ t: 0, type: 'ws.frame', conn: 'm', dir: 'in', text: '{"sdp": "v=0"' });
    log.append({
      t: 1,
      type: 'ws.frame',
      conn: 'm',
      dir: 'in',
      text: '{"type":"signal","sdp":"v=0"}',
    });
    log.append({ t: 2, type: 'ws.frame', conn: 'm', dir: 'in', base64: 'AAEC' });
    for (const i of [0, 1, 2]) expect(sdpOfEvent(log, i)).toBeUndefined();
  });
});

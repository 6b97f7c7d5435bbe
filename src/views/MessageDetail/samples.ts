/**
 * Sessions with SDP for the message detail's stories and tests (the committed fixtures are
 * mediasoup captures, which carry no SDP): a peer connection trace with a renegotiation, a
 * mesh room and a two-party room whose frames carry descriptions, and a broken SDP.
 */
import { SessionAnalysis } from '../../projections/analysis.ts';
import type { EventInput } from '../../session/events.ts';
import { SessionLog } from '../../session/SessionLog.ts';

const CRLF = '\r\n';

export interface SdpOptions {
  readonly sessionVersion: number;
  readonly ufrag: string;
  readonly pwd: string;
  readonly fingerprint: string;
  readonly setup: 'actpass' | 'active' | 'passive';
  /** Adds a simulcast video m-section (mid 2) after the data channel, as a renegotiation does. */
  readonly video: boolean;
  readonly audioDirection: 'sendrecv' | 'sendonly' | 'recvonly' | 'inactive';
  readonly candidates: boolean;
}

const FP_A =
  'A1:B2:C3:D4:E5:F6:07:18:29:3A:4B:5C:6D:7E:8F:90:A1:B2:C3:D4:E5:F6:07:18:29:3A:4B:5C:6D:7E:8F:90';
const FP_B =
  '0F:1E:2D:3C:4B:5A:69:78:87:96:A5:B4:C3:D2:E1:F0:0F:1E:2D:3C:4B:5A:69:78:87:96:A5:B4:C3:D2:E1:F0';

/** A Chrome-like SDP: audio (opus, red), optionally simulcast video (VP8, rtx, H264), data. */
export function chromeSdp(o: SdpOptions): string {
  const transport = (mid: string) => [
    'c=IN IP4 0.0.0.0',
    ...(o.candidates && mid === '0'
      ? [
          'a=candidate:1467250027 1 udp 2122260223 192.168.1.20 51472 typ host generation 0 network-id 1',
          'a=candidate:842163049 1 udp 1686052607 203.0.113.7 51472 typ srflx raddr 192.168.1.20 rport 51472 generation 0 network-id 1',
          'a=candidate:1853887674 1 tcp 1518280447 192.168.1.20 9 typ host tcptype active generation 0 network-id 1',
          'a=candidate:3745951014 1 udp 41885439 198.51.100.4 3478 typ relay raddr 203.0.113.7 rport 51472 generation 0',
          'a=end-of-candidates',
        ]
      : []),
    'a=rtcp:9 IN IP4 0.0.0.0',
    `a=ice-ufrag:${o.ufrag}`,
    `a=ice-pwd:${o.pwd}`,
    'a=ice-options:trickle',
    `a=fingerprint:sha-256 ${o.fingerprint}`,
    `a=setup:${o.setup}`,
    `a=mid:${mid}`,
  ];
  const mids = o.video ? '0 1 2' : '0 1';
  const lines = [
    'v=0',
    `o=- 4611731400430051336 ${o.sessionVersion} IN IP4 127.0.0.1`,
    's=-',
    't=0 0',
    `a=group:BUNDLE ${mids}`,
    'a=extmap-allow-mixed',
    'a=msid-semantic: WMS stream-1',
    'm=audio 9 UDP/TLS/RTP/SAVPF 111 63 0',
    ...transport('0'),
    'a=extmap:1 urn:ietf:params:rtp-hdrext:ssrc-audio-level',
    'a=extmap:2 http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time',
    'a=extmap:3 http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01',
    'a=extmap:4 urn:ietf:params:rtp-hdrext:sdes:mid',
    `a=${o.audioDirection}`,
    'a=msid:stream-1 track-audio-1',
    'a=rtcp-mux',
    'a=rtpmap:111 opus/48000/2',
    'a=rtcp-fb:111 transport-cc',
    'a=fmtp:111 minptime=10;useinbandfec=1',
    'a=rtpmap:63 red/48000/2',
    'a=fmtp:63 111/111',
    'a=rtpmap:0 PCMU/8000',
    'a=ssrc:1001 cname:Yq3lQ2vU7mZ1bJkE',
    'a=ssrc:1001 msid:stream-1 track-audio-1',
  ];
  lines.push(
    'm=application 9 UDP/DTLS/SCTP webrtc-datachannel',
    ...transport('1'),
    'a=sctp-port:5000',
    'a=max-message-size:262144',
  );
  if (o.video) {
    lines.push(
      'm=video 9 UDP/TLS/RTP/SAVPF 96 97 102',
      ...transport('2'),
      'a=extmap:4 urn:ietf:params:rtp-hdrext:sdes:mid',
      'a=extmap:10 urn:ietf:params:rtp-hdrext:sdes:rtp-stream-id',
      'a=extmap:11 urn:ietf:params:rtp-hdrext:sdes:repaired-rtp-stream-id',
      'a=sendonly',
      'a=msid:stream-1 track-video-1',
      'a=rtcp-mux',
      'a=rtcp-rsize',
      'a=rtpmap:96 VP8/90000',
      'a=rtcp-fb:96 goog-remb',
      'a=rtcp-fb:96 transport-cc',
      'a=rtcp-fb:96 ccm fir',
      'a=rtcp-fb:96 nack',
      'a=rtcp-fb:96 nack pli',
      'a=rtpmap:97 rtx/90000',
      'a=fmtp:97 apt=96',
      'a=rtpmap:102 H264/90000',
      'a=fmtp:102 level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42e01f',
      'a=rid:q send',
      'a=rid:h send',
      'a=rid:f send',
      'a=simulcast:send q;h;f',
    );
  }
  return lines.join(CRLF) + CRLF;
}

const OFFER_1: SdpOptions = {
  sessionVersion: 2,
  ufrag: 'aB3x',
  pwd: 'Zq9w8e7r6t5y4u3i2o1p0lKj',
  fingerprint: FP_A,
  setup: 'actpass',
  video: false,
  audioDirection: 'sendrecv',
  candidates: false,
};

/** The offer of the first negotiation (audio and data). */
export const OFFER_1_SDP = chromeSdp(OFFER_1);
/** The renegotiation's offer: a simulcast video m-section added, audio now sendonly. */
export const OFFER_2_SDP = chromeSdp({
  ...OFFER_1,
  sessionVersion: 3,
  video: true,
  audioDirection: 'sendonly',
});
export const ANSWER_1_SDP = chromeSdp({
  ...OFFER_1,
  ufrag: 'Rm7k',
  pwd: 'Pp0o9i8u7y6t5r4e3w2q1aSd',
  fingerprint: FP_B,
  setup: 'active',
  candidates: true,
});
export const ANSWER_2_SDP = chromeSdp({
  ...OFFER_1,
  sessionVersion: 3,
  ufrag: 'Rm7k',
  pwd: 'Pp0o9i8u7y6t5r4e3w2q1aSd',
  fingerprint: FP_B,
  setup: 'active',
  video: true,
  audioDirection: 'recvonly',
  candidates: true,
});

/** An SDP that is not one: what a broken capture may hold. */
export const BROKEN_SDP = 'this is not an SDP\r\nm=audio\r\n';

function analyse(events: readonly EventInput[]): SessionAnalysis {
  const log = new SessionLog();
  for (const e of events) log.append(e);
  return new SessionAnalysis(log).update();
}

/**
 * A peer connection trace: offer/answer, candidates, a renegotiation that adds simulcast
 * video, a webrtc-internals style string value, and a broken SDP. Indexes:
 * 0 create, 1 createOffer, 2 createOfferOnSuccess, 3 setLocalDescription (offer 1),
 * 4 signalingstatechange, 5 icecandidate, 6 setRemoteDescription (answer 1),
 * 7 addIceCandidate, 8 setLocalDescription (offer 2), 9 setRemoteDescription (answer 2, as
 * webrtc-internals text), 10 setRemoteDescription (broken), 11 setRemoteDescriptionOnFailure.
 */
export function pcSession(): SessionAnalysis {
  const pc = 'pc-1';
  return analyse([
    {
      t: 0,
      type: 'pc',
      pc,
      event: 'create',
      value: { iceServers: [], bundlePolicy: 'max-bundle' },
    },
    { t: 1, type: 'pc', pc, event: 'createOffer', value: { offerToReceiveAudio: true } },
    {
      t: 4,
      type: 'pc',
      pc,
      event: 'createOfferOnSuccess',
      value: { type: 'offer', sdp: OFFER_1_SDP },
    },
    {
      t: 5,
      type: 'pc',
      pc,
      event: 'setLocalDescription',
      value: { type: 'offer', sdp: OFFER_1_SDP },
    },
    { t: 6, type: 'pc', pc, event: 'signalingstatechange', value: 'have-local-offer' },
    {
      t: 8,
      type: 'pc',
      pc,
      event: 'icecandidate',
      value: {
        candidate:
          'candidate:1467250027 1 udp 2122260223 192.168.1.20 51472 typ host generation 0 ufrag aB3x network-id 1',
        sdpMid: '0',
        sdpMLineIndex: 0,
      },
    },
    {
      t: 40,
      type: 'pc',
      pc,
      event: 'setRemoteDescription',
      value: { type: 'answer', sdp: ANSWER_1_SDP },
    },
    {
      t: 42,
      type: 'pc',
      pc,
      event: 'addIceCandidate',
      value:
        'sdpMid: 0, sdpMLineIndex: 0, candidate: candidate:842163049 1 udp 1686052607 203.0.113.9 40000 typ srflx raddr 10.0.0.2 rport 40000 generation 0',
    },
    {
      t: 900,
      type: 'pc',
      pc,
      event: 'setLocalDescription',
      value: { type: 'offer', sdp: OFFER_2_SDP },
    },
    {
      t: 950,
      type: 'pc',
      pc,
      event: 'setRemoteDescription',
      value: `type: answer, sdp: ${ANSWER_2_SDP}`,
    },
    {
      t: 990,
      type: 'pc',
      pc,
      event: 'setRemoteDescription',
      value: { type: 'answer', sdp: BROKEN_SDP },
    },
    {
      t: 991,
      type: 'pc',
      pc,
      event: 'setRemoteDescriptionOnFailure',
      value: 'OperationError: Failed to parse SessionDescription.',
    },
  ]);
}

/**
 * A mesh room seen from peer 1: welcome, peer 2 online, offer sent to 2, answer from 2, a
 * relayed candidate, then a renegotiation offer. Indexes: 0 open, 1 welcome, 2 online,
 * 3 offer to 2, 4 answer from 2, 5 candidate from 2, 6 offer 2 to 2.
 */
export function meshSession(): SessionAnalysis {
  const conn = 'mesh-1';
  const out = (t: number, v: unknown): EventInput => ({
    t,
    type: 'ws.frame',
    conn,
    dir: 'out',
    text: JSON.stringify(v),
  });
  const inn = (t: number, v: unknown): EventInput => ({
    t,
    type: 'ws.frame',
    conn,
    dir: 'in',
    text: JSON.stringify(v),
  });
  return analyse([
    { t: 0, type: 'ws.open', conn, url: 'wss://demo.example.org:4443/mesh?roomId=lobby' },
    inn(2, { type: 'welcome', id: 1, online: [] }),
    inn(500, { type: 'online', id: 2 }),
    out(510, { type: 'signal', to: 2, description: { type: 'offer', sdp: OFFER_1_SDP } }),
    inn(560, {
      type: 'signal',
      from: 2,
      to: 1,
      description: { type: 'answer', sdp: ANSWER_1_SDP },
    }),
    inn(565, {
      type: 'signal',
      from: 2,
      to: 1,
      candidate: {
        candidate:
          'candidate:842163049 1 udp 1686052607 203.0.113.9 40000 typ srflx raddr 10.0.0.2 rport 40000',
        sdpMid: '0',
        sdpMLineIndex: 0,
      },
    }),
    out(2000, { type: 'signal', to: 2, description: { type: 'offer', sdp: OFFER_2_SDP } }),
  ]);
}

/** A two-party room: create, ready, an offer sent and an answer received. Indexes 0–5. */
export function twoPartySession(): SessionAnalysis {
  const conn = 'tp-1';
  const frame = (t: number, dir: 'in' | 'out', v: unknown): EventInput => ({
    t,
    type: 'ws.frame',
    conn,
    dir,
    text: JSON.stringify(v),
  });
  return analyse([
    { t: 0, type: 'ws.open', conn, url: 'wss://demo.example.org:4443/two-party' },
    frame(1, 'out', { type: 'create or join', room: 'foo' }),
    frame(3, 'in', { type: 'created', room: 'foo', id: 'a1' }),
    frame(900, 'in', { type: 'ready' }),
    frame(910, 'out', { type: 'message', message: { type: 'offer', sdp: OFFER_1_SDP } }),
    frame(980, 'in', { type: 'message', message: { type: 'answer', sdp: ANSWER_1_SDP } }),
  ]);
}

/**
 * The events that are not messages: 0 open, 1 binary frame, 2 note, 3 an unknown event
 * type, 4 socket error, 5 close 1006.
 */
export function otherEventsSession(): SessionAnalysis {
  const conn = 'c1';
  return analyse([
    {
      t: 0,
      type: 'ws.open',
      conn,
      url: 'wss://demo.example.org:4443/?roomId=r1&peerId=p1',
      protocol: 'protoo',
    },
    { t: 5, type: 'ws.frame', conn, dir: 'in', base64: 'AAECAw==' },
    { t: 9, type: 'note', text: 'user clicked share screen\nthen stopped it', conn },
    { t: 12, type: 'unknown', originalType: 'custom.thing', conn, extra: { payload: { a: 1 } } },
    { t: 20, type: 'ws.error', conn, message: 'connection refused' },
    { t: 21, type: 'ws.close', conn, code: 1006, reason: '' },
  ]);
}

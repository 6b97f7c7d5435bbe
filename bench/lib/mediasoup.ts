/**
 * mediasoup objects as the demo puts them on the wire (RTP capabilities and parameters,
 * transport parameters, stats), so that the generated frames have realistic sizes and
 * nesting: JSON.parse time grows with both.
 */
import type { Rng } from './rng.ts';

export type MediaKind = 'audio' | 'video';

const RTCP_FB_VIDEO = [
  { type: 'nack', parameter: '' },
  { type: 'nack', parameter: 'pli' },
  { type: 'ccm', parameter: 'fir' },
  { type: 'goog-remb', parameter: '' },
  { type: 'transport-cc', parameter: '' },
];

function codec(
  kind: MediaKind,
  mimeType: string,
  preferredPayloadType: number,
  parameters: Record<string, unknown>,
  extra: Record<string, unknown> = {},
): Record<string, unknown> {
  return {
    kind,
    mimeType,
    preferredPayloadType,
    clockRate: kind === 'audio' ? 48000 : 90000,
    ...extra,
    parameters,
    rtcpFeedback: kind === 'audio' ? [{ type: 'transport-cc', parameter: '' }] : RTCP_FB_VIDEO,
  };
}

const HEADER_EXTENSIONS = [
  ['audio', 'urn:ietf:params:rtp-hdrext:sdes:mid', 1, 'sendrecv'],
  ['video', 'urn:ietf:params:rtp-hdrext:sdes:mid', 1, 'sendrecv'],
  ['video', 'urn:ietf:params:rtp-hdrext:sdes:rtp-stream-id', 2, 'recvonly'],
  ['video', 'urn:ietf:params:rtp-hdrext:sdes:repaired-rtp-stream-id', 3, 'recvonly'],
  ['audio', 'http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time', 4, 'sendrecv'],
  ['video', 'http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time', 4, 'sendrecv'],
  [
    'audio',
    'http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01',
    5,
    'recvonly',
  ],
  [
    'video',
    'http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01',
    5,
    'sendrecv',
  ],
  ['audio', 'urn:ietf:params:rtp-hdrext:ssrc-audio-level', 10, 'sendrecv'],
  ['video', 'urn:3gpp:video-orientation', 11, 'sendrecv'],
  ['video', 'urn:ietf:params:rtp-hdrext:toffset', 12, 'sendrecv'],
  ['audio', 'http://www.webrtc.org/experiments/rtp-hdrext/abs-capture-time', 13, 'sendrecv'],
  ['video', 'http://www.webrtc.org/experiments/rtp-hdrext/abs-capture-time', 13, 'sendrecv'],
  ['video', 'http://www.webrtc.org/experiments/rtp-hdrext/playout-delay', 14, 'sendrecv'],
] as const;

/** The router's RTP capabilities with the demo's codec list. */
export function routerRtpCapabilities(): Record<string, unknown> {
  return {
    codecs: [
      codec('audio', 'audio/opus', 100, { minptime: 10, useinbandfec: 1 }, { channels: 2 }),
      codec('video', 'video/VP8', 101, { 'x-google-start-bitrate': 1000 }),
      codec('video', 'video/rtx', 102, { apt: 101 }),
      codec('video', 'video/VP9', 103, { 'profile-id': 2, 'x-google-start-bitrate': 1000 }),
      codec('video', 'video/rtx', 104, { apt: 103 }),
      codec('video', 'video/H264', 105, {
        'packetization-mode': 1,
        'level-asymmetry-allowed': 1,
        'profile-level-id': '4d0032',
        'x-google-start-bitrate': 1000,
      }),
      codec('video', 'video/rtx', 106, { apt: 105 }),
      codec('video', 'video/H264', 107, {
        'packetization-mode': 1,
        'level-asymmetry-allowed': 1,
        'profile-level-id': '42e01f',
        'x-google-start-bitrate': 1000,
      }),
      codec('video', 'video/rtx', 108, { apt: 107 }),
    ],
    headerExtensions: HEADER_EXTENSIONS.map(([kind, uri, id, direction]) => ({
      kind,
      uri,
      preferredId: id,
      preferredEncrypt: false,
      direction,
    })),
  };
}

/** The client's capabilities, sent with join (a little smaller than the router's). */
export function clientRtpCapabilities(): Record<string, unknown> {
  const caps = routerRtpCapabilities();
  const codecs = caps.codecs as Record<string, unknown>[];
  return { codecs: codecs.slice(0, 5), headerExtensions: caps.headerExtensions };
}

function fingerprint(rng: Rng, bytes: number): string {
  const out: string[] = [];
  for (let i = 0; i < bytes; i++) out.push(rng.string(2, '0123456789ABCDEF'));
  return out.join(':');
}

export function serverDtlsParameters(rng: Rng): Record<string, unknown> {
  return {
    fingerprints: [
      { algorithm: 'sha-1', value: fingerprint(rng, 20) },
      { algorithm: 'sha-224', value: fingerprint(rng, 28) },
      { algorithm: 'sha-256', value: fingerprint(rng, 32) },
      { algorithm: 'sha-384', value: fingerprint(rng, 48) },
      { algorithm: 'sha-512', value: fingerprint(rng, 64) },
    ],
    role: 'auto',
  };
}

export function clientDtlsParameters(rng: Rng): Record<string, unknown> {
  return { role: 'client', fingerprints: [{ algorithm: 'sha-256', value: fingerprint(rng, 32) }] };
}

export function iceParameters(rng: Rng): Record<string, unknown> {
  return {
    usernameFragment: rng.string(16),
    password: rng.string(32),
    iceLite: true,
  };
}

/** The transport parameters of a createWebRtcTransport answer (without the id). */
export function transportParameters(rng: Rng, announcedIp: string): Record<string, unknown> {
  const port = rng.int(40000, 49999);
  return {
    iceParameters: iceParameters(rng),
    iceCandidates: [
      {
        foundation: 'udpcandidate',
        priority: 1076302079,
        ip: announcedIp,
        address: announcedIp,
        protocol: 'udp',
        port,
        type: 'host',
      },
      {
        foundation: 'tcpcandidate',
        priority: 1076276479,
        ip: announcedIp,
        address: announcedIp,
        protocol: 'tcp',
        port,
        type: 'host',
        tcpType: 'passive',
      },
    ],
    dtlsParameters: serverDtlsParameters(rng),
    sctpParameters: { port: 5000, OS: 1024, MIS: 1024, maxMessageSize: 262144 },
  };
}

export interface Encoding {
  readonly ssrc: number;
  readonly rid?: string;
}

/** Encodings of a producer: one for audio, three simulcast layers for video. */
export function encodings(rng: Rng, kind: MediaKind): Encoding[] {
  if (kind === 'audio') return [{ ssrc: rng.int(1e8, 4e9) }];
  return ['r0', 'r1', 'r2'].map((rid) => ({ ssrc: rng.int(1e8, 4e9), rid }));
}

/** A producer's rtpParameters as mediasoup-client sends them with produce. */
export function producerRtpParameters(
  rng: Rng,
  kind: MediaKind,
  encs: readonly Encoding[],
  mid: number,
): Record<string, unknown> {
  const caps = routerRtpCapabilities();
  const all = caps.codecs as Record<string, unknown>[];
  const chosen = kind === 'audio' ? all.slice(0, 1) : all.slice(1, 3);
  return {
    codecs: chosen.map((c) => ({
      mimeType: c.mimeType,
      payloadType: c.preferredPayloadType,
      clockRate: c.clockRate,
      ...(kind === 'audio' ? { channels: 2 } : {}),
      parameters: c.parameters,
      rtcpFeedback: c.rtcpFeedback,
    })),
    headerExtensions: HEADER_EXTENSIONS.filter(([k]) => k === kind).map(([, uri, id]) => ({
      uri,
      id,
      encrypt: false,
      parameters: {},
    })),
    encodings: encs.map((e, i) =>
      kind === 'audio'
        ? { ssrc: e.ssrc, dtx: false }
        : {
            active: true,
            scalabilityMode: 'L1T3',
            rid: e.rid,
            maxBitrate: [100000, 300000, 900000][i],
            scaleResolutionDownBy: [4, 2, 1][i],
          },
    ),
    rtcp: {
      cname: rng.string(8, 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789/+'),
      reducedSize: true,
    },
    mid: String(mid),
  };
}

/** A consumer's rtpParameters as the server sends them with newConsumer. */
export function consumerRtpParameters(
  rng: Rng,
  kind: MediaKind,
  mid: number,
): Record<string, unknown> {
  const caps = routerRtpCapabilities();
  const all = caps.codecs as Record<string, unknown>[];
  const chosen = kind === 'audio' ? all.slice(0, 1) : all.slice(1, 3);
  const ssrc = rng.int(1e8, 4e9);
  return {
    codecs: chosen.map((c) => ({
      mimeType: c.mimeType,
      payloadType: c.preferredPayloadType,
      clockRate: c.clockRate,
      ...(kind === 'audio' ? { channels: 2 } : {}),
      parameters: c.parameters,
      rtcpFeedback: c.rtcpFeedback,
    })),
    headerExtensions: HEADER_EXTENSIONS.filter(([k]) => k === kind).map(([, uri, id]) => ({
      uri,
      id,
      encrypt: false,
      parameters: {},
    })),
    encodings:
      kind === 'audio'
        ? [{ ssrc }]
        : [{ ssrc, rtx: { ssrc: ssrc + 1 }, scalabilityMode: 'L3T3', maxBitrate: 1300000 }],
    rtcp: { cname: rng.string(8), reducedSize: true, mux: true },
    mid: String(mid),
  };
}

export function device(rng: Rng): Record<string, unknown> {
  return rng.pick([
    { flag: 'chrome', name: 'Chrome', version: '131.0.0.0' },
    { flag: 'firefox', name: 'Firefox', version: '133.0' },
    { flag: 'safari', name: 'Safari', version: '18.1' },
    { flag: 'chrome', name: 'Microsoft Edge', version: '131.0.0.0' },
  ]);
}

const NAMES = [
  'Bulbasaur',
  'Ivysaur',
  'Charmander',
  'Charmeleon',
  'Squirtle',
  'Wartortle',
  'Pikachu',
  'Raichu',
  'Jigglypuff',
  'Meowth',
  'Psyduck',
  'Growlithe',
  'Abra',
  'Machop',
  'Geodude',
  'Magnemite',
  'Gengar',
  'Onix',
  'Snorlax',
  'Dragonite',
  'Mewtwo',
  'Eevee',
  'Flabébé',
];

export function displayName(rng: Rng): string {
  return rng.pick(NAMES);
}

function transportStats(rng: Rng, transportId: string, t: number): Record<string, unknown> {
  return {
    type: 'webrtc-transport',
    transportId,
    timestamp: Math.round(t),
    sctpState: 'connected',
    bytesReceived: rng.int(1e5, 1e9),
    recvBitrate: rng.int(1e4, 3e6),
    bytesSent: rng.int(1e5, 1e9),
    sendBitrate: rng.int(1e4, 3e6),
    rtpBytesReceived: rng.int(1e5, 1e9),
    rtpRecvBitrate: rng.int(1e4, 3e6),
    rtpBytesSent: rng.int(1e5, 1e9),
    rtpSendBitrate: rng.int(1e4, 3e6),
    rtxBytesReceived: rng.int(0, 1e6),
    rtxRecvBitrate: rng.int(0, 1e4),
    rtxBytesSent: rng.int(0, 1e6),
    rtxSendBitrate: rng.int(0, 1e4),
    probationBytesSent: rng.int(0, 1e6),
    probationSendBitrate: 0,
    availableOutgoingBitrate: rng.int(3e5, 5e6),
    maxIncomingBitrate: 1500000,
    iceRole: 'controlled',
    iceState: 'completed',
    iceSelectedTuple: {
      localIp: '203.0.113.10',
      localPort: rng.int(40000, 49999),
      remoteIp: '198.51.100.23',
      remotePort: rng.int(1024, 65535),
      protocol: 'udp',
    },
    dtlsState: 'connected',
  };
}

function rtpStreamStats(
  rng: Rng,
  type: string,
  kind: MediaKind,
  ssrc: number,
  t: number,
  rid?: string,
): Record<string, unknown> {
  return {
    type,
    timestamp: Math.round(t),
    ssrc,
    ...(rid === undefined ? {} : { rid }),
    kind,
    mimeType: kind === 'audio' ? 'audio/opus' : 'video/VP8',
    packetsLost: rng.int(0, 200),
    fractionLost: rng.int(0, 3),
    packetsDiscarded: 0,
    packetsRetransmitted: rng.int(0, 500),
    packetsRepaired: rng.int(0, 100),
    nackCount: rng.int(0, 300),
    nackPacketCount: rng.int(0, 600),
    pliCount: rng.int(0, 20),
    firCount: 0,
    score: rng.int(7, 10),
    packetCount: rng.int(1e3, 1e6),
    byteCount: rng.int(1e5, 1e9),
    bitrate: rng.int(3e4, 1e6),
    roundTripTime: Math.round(rng.range(5, 120) * 1000) / 1000,
    ...(kind === 'video' ? { jitter: rng.int(0, 40) } : {}),
  };
}

/** A stats answer: an array in legacy, `{stats}` in the new demo. */
export function statsResponse(
  rng: Rng,
  dialect: 'legacy' | 'new',
  method: string,
  subject: { id: string; kind: MediaKind; encodings: readonly Encoding[] },
  t: number,
): unknown {
  let stats: Record<string, unknown>[];
  if (method === 'getTransportStats') stats = [transportStats(rng, subject.id, t)];
  else if (method === 'getProducerStats') {
    stats = subject.encodings.map((e) =>
      rtpStreamStats(rng, 'inbound-rtp', subject.kind, e.ssrc, t, e.rid),
    );
  } else {
    const e = subject.encodings[0] ?? { ssrc: 1 };
    stats = [
      rtpStreamStats(rng, 'outbound-rtp', subject.kind, e.ssrc, t),
      rtpStreamStats(rng, 'inbound-rtp', subject.kind, rng.int(1e8, 4e9), t),
    ];
  }
  return dialect === 'legacy' ? stats : { stats };
}

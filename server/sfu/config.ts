/**
 * The SFU's mediasoup settings, modelled on mediasoup-demo's `config.js`: a worker that logs
 * warnings only and takes RTC ports from a small range, a router with Opus, VP8 and H264, and
 * WebRTC transports that listen on (and announce) 127.0.0.1 only.
 */
import type { types as ms } from 'mediasoup';

export const DEFAULT_RTC_MIN_PORT = 40000;
export const DEFAULT_RTC_MAX_PORT = 40199;

export const MEDIA_CODECS: ms.RtpCodecCapability[] = [
  { kind: 'audio', mimeType: 'audio/opus', clockRate: 48000, channels: 2 },
  {
    kind: 'video',
    mimeType: 'video/VP8',
    clockRate: 90000,
    parameters: { 'x-google-start-bitrate': 1000 },
  },
  {
    kind: 'video',
    mimeType: 'video/H264',
    clockRate: 90000,
    parameters: {
      'packetization-mode': 1,
      'profile-level-id': '4d0032',
      'level-asymmetry-allowed': 1,
      'x-google-start-bitrate': 1000,
    },
  },
  {
    kind: 'video',
    mimeType: 'video/H264',
    clockRate: 90000,
    parameters: {
      'packetization-mode': 1,
      'profile-level-id': '42e01f',
      'level-asymmetry-allowed': 1,
      'x-google-start-bitrate': 1000,
    },
  },
];

/** Loopback only: this server never offers an address another machine could reach. */
export const LISTEN_IP = '127.0.0.1';

export const WEBRTC_TRANSPORT_OPTIONS = {
  listenIps: [{ ip: LISTEN_IP, announcedIp: LISTEN_IP }],
  enableUdp: true,
  enableTcp: true,
  preferUdp: true,
  initialAvailableOutgoingBitrate: 1_000_000,
  maxSctpMessageSize: 262_144,
} as const;

export const MAX_INCOMING_BITRATE = 1_500_000;

/** The room's AudioLevelObserver (activeSpeaker notifications), as the demo sets it. */
export const AUDIO_LEVEL_OBSERVER_OPTIONS = { maxEntries: 1, threshold: -80, interval: 800 };

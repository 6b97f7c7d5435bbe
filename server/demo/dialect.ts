/**
 * The two mediasoup-demo dialects (protocol.md §2): the `v3` branch ("legacy") and its
 * TypeScript rewrite ("new"). Only the shapes differ here; the room logic is shared.
 */
import {
  MEDIASOUP_VERSION_LEGACY,
  MEDIASOUP_VERSION_NEW,
  type Device,
  type IceParameters,
  type TransportInfo,
} from '../../fixtures/build/mediasoup-data.ts';

export type Dialect = 'legacy' | 'new';

export const DIALECTS: readonly Dialect[] = ['legacy', 'new'];

export type Json = Readonly<Record<string, unknown>>;

/** The peer fields other peers learn (join response, newPeer). */
export interface PeerCard {
  readonly id: string;
  readonly displayName: string;
  readonly device: Device;
  readonly remoteAddress: string;
}

export const versionNotification = (dialect: Dialect): { method: string; data: Json } =>
  dialect === 'legacy'
    ? { method: 'mediasoup-version', data: { version: MEDIASOUP_VERSION_LEGACY } }
    : { method: 'mediasoupVersion', data: { version: MEDIASOUP_VERSION_NEW } };

export const mediasoupVersion = (dialect: Dialect): string =>
  dialect === 'legacy' ? MEDIASOUP_VERSION_LEGACY : MEDIASOUP_VERSION_NEW;

/**
 * The 500 reason for a method the server does not know.
 *
 * @example
 * unknownMethodReason('legacy', 'foo'); // 'unknown request.method "foo"'
 * unknownMethodReason('new', 'foo'); // "unknown request method 'foo'"
 */
export function unknownMethodReason(dialect: Dialect, method: string): string {
  return dialect === 'legacy'
    ? `unknown request.method "${method}"`
    : `unknown request method '${method}'`;
}

export function peerCard(dialect: Dialect, peer: PeerCard): Json {
  return dialect === 'legacy'
    ? { id: peer.id, displayName: peer.displayName, device: peer.device }
    : {
        peerId: peer.id,
        displayName: peer.displayName,
        device: peer.device,
        remoteAddress: peer.remoteAddress,
      };
}

export function newPeerData(dialect: Dialect, peer: PeerCard): Json {
  return dialect === 'legacy' ? peerCard(dialect, peer) : { peer: peerCard(dialect, peer) };
}

export function routerCapabilitiesResponse(dialect: Dialect, caps: unknown): unknown {
  return dialect === 'legacy' ? caps : { routerRtpCapabilities: caps };
}

export function transportResponse(dialect: Dialect, info: TransportInfo): Json {
  if (dialect === 'legacy') return { ...info };
  const { id, ...rest } = info;
  return { transportId: id, ...rest };
}

export function restartIceResponse(dialect: Dialect, ice: IceParameters): unknown {
  return dialect === 'legacy' ? ice : { iceParameters: ice };
}

export function createdIdResponse(
  dialect: Dialect,
  what: 'producer' | 'dataProducer',
  id: string,
): Json {
  if (dialect === 'legacy') return { id };
  return what === 'producer' ? { producerId: id } : { dataProducerId: id };
}

export function statsResponse(dialect: Dialect, stats: readonly Json[]): unknown {
  return dialect === 'legacy' ? stats : { stats };
}

export interface ConsumerOffer {
  readonly peerId: string;
  readonly transportId: string;
  readonly consumerId: string;
  readonly producerId: string;
  readonly kind: 'audio' | 'video';
  readonly rtpParameters: unknown;
  readonly type: 'simple' | 'simulcast';
  readonly producerPaused: boolean;
  readonly score: Json;
  readonly producerAppData: Json;
  readonly source: string;
}

export function newConsumerData(dialect: Dialect, c: ConsumerOffer): Json {
  return dialect === 'legacy'
    ? {
        peerId: c.peerId,
        producerId: c.producerId,
        id: c.consumerId,
        kind: c.kind,
        rtpParameters: c.rtpParameters,
        type: c.type,
        appData: c.producerAppData,
        producerPaused: c.producerPaused,
      }
    : {
        peerId: c.peerId,
        transportId: c.transportId,
        consumerId: c.consumerId,
        producerId: c.producerId,
        kind: c.kind,
        rtpParameters: c.rtpParameters,
        type: c.type,
        producerPaused: c.producerPaused,
        consumerScore: c.score,
        appData: { peerId: c.peerId, source: c.source },
      };
}

export interface DataConsumerOffer {
  /** null for the server's bot. */
  readonly peerId: string | null;
  readonly transportId: string;
  readonly dataConsumerId: string;
  readonly dataProducerId: string;
  readonly sctpStreamParameters: unknown;
  readonly label: string;
  readonly protocol: string;
  readonly appData: Json;
}

export function newDataConsumerData(dialect: Dialect, d: DataConsumerOffer): Json {
  if (dialect === 'legacy') {
    return {
      peerId: d.peerId,
      dataProducerId: d.dataProducerId,
      id: d.dataConsumerId,
      sctpStreamParameters: d.sctpStreamParameters,
      label: d.label,
      protocol: d.protocol,
      appData: d.appData,
    };
  }
  const peer = d.peerId === null ? {} : { peerId: d.peerId };
  return {
    ...peer,
    transportId: d.transportId,
    dataConsumerId: d.dataConsumerId,
    dataProducerId: d.dataProducerId,
    sctpStreamParameters: d.sctpStreamParameters,
    label: d.label,
    protocol: d.protocol,
    appData: { ...peer, channel: d.label === 'bot' ? 'bot' : 'chat' },
  };
}

export function layersChangedData(
  dialect: Dialect,
  consumerId: string,
  layers: { spatialLayer: number; temporalLayer: number } | undefined,
): Json {
  if (dialect === 'new') return layers === undefined ? { consumerId } : { consumerId, layers };
  return {
    consumerId,
    spatialLayer: layers?.spatialLayer ?? null,
    temporalLayer: layers?.temporalLayer ?? null,
  };
}

/** The methods the legacy dialect takes as requests and the new one as notifications. */
export const CONTROL_METHODS: readonly string[] = [
  'closeProducer',
  'pauseProducer',
  'resumeProducer',
  'pauseConsumer',
  'resumeConsumer',
  'requestConsumerKeyFrame',
  'setConsumerPreferredLayers',
  'setConsumerPriority',
  'changeDisplayName',
];

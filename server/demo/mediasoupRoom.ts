/**
 * One mediasoup-demo room of the demo server (protocol.md §2), in either dialect, without a
 * media worker: transports, producers and consumers are bookkeeping with realistic parameters
 * from fixtures/build/mediasoup-data.ts, good enough for a real mediasoup-client Device.
 *
 * Real peers come in over protoo; simulated ones ("bots", ./bots.ts) are peers without a
 * socket. Both go through the same paths, so a client sees a bot exactly as another browser.
 */
import type { Socket } from 'node:net';
import protooServer, {
  type Peer as ProtooPeer,
  type ServerRequest,
  type WebSocketTransport,
} from 'protoo-server';
import {
  DEVICES,
  IdFactory,
  botConsumerStreamParameters,
  consumerRtpParameters,
  consumerScore,
  producerScore,
  routerRtpCapabilities,
  serverIdentity,
  transportInfo,
  type Device,
  type ServerIdentity,
  type TransportInfo,
} from '../../fixtures/build/mediasoup-data.ts';
import { createRng, type Rng } from '../../fixtures/build/random.ts';
import { BotDirector, type BotStage } from './bots.ts';
import {
  CONTROL_METHODS,
  createdIdResponse,
  layersChangedData,
  mediasoupVersion,
  newConsumerData,
  newDataConsumerData,
  newPeerData,
  peerCard,
  restartIceResponse,
  routerCapabilitiesResponse,
  statsResponse,
  transportResponse,
  unknownMethodReason,
  versionNotification,
  type Dialect,
  type Json,
} from './dialect.ts';
import { FAULT_METHOD, type FaultBody, type FaultRules, parseFaultBody } from './faults.ts';
import {
  RequestError,
  dataOf,
  isObject,
  messageOf,
  obj,
  optNumber,
  optObj,
  optStr,
  str,
  type Obj,
} from './payload.ts';

export interface MediasoupRoomOptions {
  readonly roomId: string;
  readonly dialect: Dialect;
  /** Seeds ids and the bots' schedule. */
  readonly seed: string;
  readonly bots: number;
  /** Period of the bots' schedule; 0 = only {@link MediasoupRoom.tick} advances it. */
  readonly tickMs: number;
  /** New dialect: a peer must join within this time or is closed (0 = never). */
  readonly joinTimeoutMs: number;
  /** How long the server waits for a client to answer newConsumer / newDataConsumer. */
  readonly consumerTimeoutMs: number;
  readonly throttleSecret: string | undefined;
  readonly faults: FaultRules;
  readonly log: (line: string) => void;
  /** Called once when the room closes (its last real peer left, or the server stops). */
  readonly onClose: () => void;
}

/** What a client's connection URL says about it. */
export interface ConnectionInfo {
  readonly remoteAddress: string;
  readonly socket: Socket;
  readonly consumerReplicas: number;
}

interface DemoTransport {
  readonly id: string;
  readonly producing: boolean;
  readonly consuming: boolean;
  readonly sctp: boolean;
  connected: boolean;
  nextMid: number;
  nextStreamId: number;
  iceRestarts: number;
}

export interface DemoProducer {
  readonly id: string;
  readonly peerId: string;
  readonly kind: 'audio' | 'video';
  readonly transportId: string;
  readonly rtpParameters: unknown;
  readonly appData: Obj;
  readonly source: string;
  readonly cname: string;
  readonly encodings: readonly { ssrc: number; rid?: string }[];
  paused: boolean;
}

interface DemoDataProducer {
  readonly id: string;
  /** null for the server's own bot DataProducer. */
  readonly peerId: string | null;
  readonly label: string;
  readonly protocol: string;
  readonly sctpStreamParameters: Obj;
  readonly appData: Obj;
}

export interface DemoConsumer {
  readonly id: string;
  readonly producerId: string;
  readonly producerPeerId: string;
  readonly kind: 'audio' | 'video';
  readonly transportId: string;
  readonly type: 'simple' | 'simulcast';
  /** Server side: consumers start paused and are resumed when the client accepts them. */
  paused: boolean;
  producerPaused: boolean;
  /** The client answered newConsumer with success. */
  accepted: boolean;
}

interface DemoDataConsumer {
  readonly id: string;
  readonly dataProducerId: string;
}

export interface RoomPeer {
  readonly id: string;
  readonly bot: boolean;
  displayName: string;
  device: Device;
  readonly remoteAddress: string;
  joined: boolean;
  rtpCapabilities: Obj | undefined;
  sctpCapabilities: Obj | undefined;
  readonly consumerReplicas: number;
  readonly transports: Map<string, DemoTransport>;
  readonly producers: Map<string, DemoProducer>;
  readonly dataProducers: Map<string, DemoDataProducer>;
  readonly consumers: Map<string, DemoConsumer>;
  readonly dataConsumers: Map<string, DemoDataConsumer>;
  readonly protoo: ProtooPeer | undefined;
  readonly socket: Socket | undefined;
  joinTimer: ReturnType<typeof setTimeout> | undefined;
}

/** A summary for the HTTP API. */
export interface PeerSummary {
  readonly peerId: string;
  readonly displayName: string;
  readonly bot: boolean;
  readonly joined: boolean;
  readonly producers: number;
  readonly consumers: number;
  readonly dataProducers: number;
  readonly dataConsumers: number;
}

export interface PerformedAction {
  readonly action: 'close' | 'dropSocket' | 'flood';
  readonly peerIds: readonly string[];
  readonly floodId?: number;
  readonly total?: number;
}

/** The method of the flood notifications. */
export const FLOOD_METHOD = 'demoFlood';

type Reply = { readonly data: unknown; readonly after?: () => void };

interface NotificationEmitter {
  on(event: 'notification', listener: (n: { method: string; data: unknown }) => void): void;
}

function codecMimeTypes(caps: Obj | undefined): string[] {
  const codecs = caps?.codecs;
  if (!Array.isArray(codecs)) return [];
  return codecs.flatMap((c: unknown) =>
    isObject(c) && typeof c.mimeType === 'string' ? [c.mimeType.toLowerCase()] : [],
  );
}

function encodingsOf(rtpParameters: Obj, rng: Rng): { ssrc: number; rid?: string }[] {
  const list = Array.isArray(rtpParameters.encodings) ? rtpParameters.encodings : [];
  const out = list.map((e: unknown) => {
    const ssrc = isObject(e) && typeof e.ssrc === 'number' ? e.ssrc : rng.int(1e8, 999_999_999);
    const rid = isObject(e) && typeof e.rid === 'string' ? e.rid : undefined;
    return rid === undefined ? { ssrc } : { ssrc, rid };
  });
  return out.length > 0 ? out : [{ ssrc: rng.int(1e8, 999_999_999) }];
}

export class MediasoupRoom implements BotStage {
  readonly id: string;
  readonly dialect: Dialect;
  readonly #options: MediasoupRoomOptions;
  readonly #ids: IdFactory;
  readonly #rng: Rng;
  readonly #identity: ServerIdentity;
  readonly #protoo = new protooServer.Room();
  readonly #peers = new Map<string, RoomPeer>();
  readonly #botDataProducer: DemoDataProducer;
  readonly #timers = new Set<ReturnType<typeof setTimeout>>();
  readonly #floods = new Set<ReturnType<typeof setInterval>>();
  readonly #bots: BotDirector;
  #nextFloodId = 1;
  #closed = false;

  constructor(options: MediasoupRoomOptions) {
    this.#options = options;
    this.id = options.roomId;
    this.dialect = options.dialect;
    this.#ids = new IdFactory(`${options.seed}:ids`);
    this.#rng = createRng(`${options.seed}:values`);
    this.#identity = serverIdentity(this.#ids, mediasoupVersion(options.dialect));
    this.#botDataProducer = {
      id: this.#ids.uuid(),
      peerId: null,
      label: 'bot',
      protocol: '',
      sctpStreamParameters: { streamId: 0, ordered: true },
      appData: {},
    };
    this.#bots = new BotDirector(this, {
      count: options.bots,
      seed: `${options.seed}:bots`,
      tickMs: options.tickMs,
    });
    this.#bots.start();
  }

  get closed(): boolean {
    return this.#closed;
  }

  get ids(): IdFactory {
    return this.#ids;
  }

  get dialectName(): Dialect {
    return this.dialect;
  }

  /** Advances the bots' schedule by `steps` ticks (tests, or a room with tickMs 0). */
  tick(steps = 1): void {
    for (let i = 0; i < steps && !this.#closed; i++) this.#bots.tick();
  }

  peers(): PeerSummary[] {
    return [...this.#peers.values()].map((p) => ({
      peerId: p.id,
      displayName: p.displayName,
      bot: p.bot,
      joined: p.joined,
      producers: p.producers.size,
      consumers: p.consumers.size,
      dataProducers: p.dataProducers.size,
      dataConsumers: p.dataConsumers.size,
    }));
  }

  /** Every consumer of the room's real peers (tests and the API look at paused state). */
  consumersOf(peerId: string): DemoConsumer[] {
    return [...(this.#peers.get(peerId)?.consumers.values() ?? [])];
  }

  producersOf(peerId: string): DemoProducer[] {
    return [...(this.#peers.get(peerId)?.producers.values() ?? [])];
  }

  get realPeerCount(): number {
    return [...this.#peers.values()].filter((p) => !p.bot).length;
  }

  // ── connections ────────────────────────────────────────────────────────

  /** A protoo connection for `peerId`: newest connection wins (the old one gets 4000). */
  connect(peerId: string, transport: WebSocketTransport, info: ConnectionInfo): void {
    const existing = this.#peers.get(peerId);
    if (existing !== undefined) {
      this.#options.log(`room ${this.id}: ${peerId} connects again, closing the old connection`);
      if (existing.protoo) existing.protoo.close();
      else this.removePeer(existing);
    }
    const protoo = this.#protoo.createPeer(peerId, transport);
    const peer: RoomPeer = {
      id: peerId,
      bot: false,
      displayName: peerId,
      device: DEVICES.chrome,
      remoteAddress: info.remoteAddress,
      joined: false,
      rtpCapabilities: undefined,
      sctpCapabilities: undefined,
      consumerReplicas: info.consumerReplicas,
      transports: new Map(),
      producers: new Map(),
      dataProducers: new Map(),
      consumers: new Map(),
      dataConsumers: new Map(),
      protoo,
      socket: info.socket,
      joinTimer: undefined,
    };
    this.#peers.set(peerId, peer);
    protoo.on('request', (request, accept, reject) => {
      this.#onRequest(peer, request, accept, reject);
    });
    (protoo as unknown as NotificationEmitter).on('notification', (n) => {
      this.#onNotification(peer, n.method, n.data);
    });
    protoo.on('close', () => {
      if (this.#peers.get(peerId) === peer) this.removePeer(peer);
    });
    const version = versionNotification(this.dialect);
    this.#notify(peer, version.method, version.data);
    if (this.dialect === 'new' && this.#options.joinTimeoutMs > 0) {
      peer.joinTimer = setTimeout(() => {
        if (!peer.joined && !protoo.closed) {
          this.#options.log(`room ${this.id}: ${peerId} did not join in time, closing it`);
          protoo.close();
        }
      }, this.#options.joinTimeoutMs);
    }
  }

  /** Closes every peer and stops every timer. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#bots.stop();
    for (const t of this.#timers) clearTimeout(t);
    for (const f of this.#floods) clearInterval(f);
    for (const peer of this.#peers.values()) {
      if (peer.joinTimer) clearTimeout(peer.joinTimer);
    }
    this.#peers.clear();
    this.#protoo.close();
    this.#options.onClose();
  }

  #later(ms: number, fn: () => void): void {
    const t = setTimeout(() => {
      this.#timers.delete(t);
      if (!this.#closed) fn();
    }, ms);
    this.#timers.add(t);
  }

  // ── sending ────────────────────────────────────────────────────────────

  #notify(peer: RoomPeer, method: string, data: unknown): void {
    const protoo = peer.protoo;
    if (protoo === undefined || protoo.closed) return;
    protoo.notify(method, data).catch(() => undefined);
  }

  /** Notifies every joined real peer but `except`. */
  notifyJoined(method: string, data: unknown, except?: RoomPeer): void {
    for (const peer of this.#peers.values()) {
      if (peer !== except && peer.joined) this.#notify(peer, method, data);
    }
  }

  #joinedPeers(except?: RoomPeer): RoomPeer[] {
    return [...this.#peers.values()].filter((p) => p.joined && p !== except);
  }

  // ── requests ───────────────────────────────────────────────────────────

  #onRequest(
    peer: RoomPeer,
    request: ServerRequest,
    accept: (data?: unknown) => void,
    reject: (code: number, reason?: string) => void,
  ): void {
    if (request.method === FAULT_METHOD) {
      this.#answer(peer, request, accept, reject);
      return;
    }
    const decision = this.#options.faults.decide(request.method);
    switch (decision.kind) {
      case 'reject':
        this.#options.log(`room ${this.id}: fault rejects ${request.method} of ${peer.id}`);
        reject(decision.code, decision.reason);
        return;
      case 'drop':
        this.#options.log(`room ${this.id}: fault drops the response to ${request.method}`);
        this.#answer(
          peer,
          request,
          () => undefined,
          () => undefined,
        );
        return;
      case 'delay':
        this.#options.log(`room ${this.id}: fault delays ${request.method} by ${decision.ms} ms`);
        this.#later(decision.ms, () => {
          if (peer.protoo?.closed === false) this.#answer(peer, request, accept, reject);
        });
        return;
      case 'none':
        this.#answer(peer, request, accept, reject);
    }
  }

  #answer(
    peer: RoomPeer,
    request: ServerRequest,
    accept: (data?: unknown) => void,
    reject: (code: number, reason?: string) => void,
  ): void {
    let reply: Reply;
    try {
      reply = this.#dispatch(peer, request.method, dataOf(request.data));
    } catch (error) {
      const code = error instanceof RequestError ? error.code : 500;
      reject(code, messageOf(error));
      return;
    }
    accept(reply.data);
    reply.after?.();
  }

  #onNotification(peer: RoomPeer, method: string, data: unknown): void {
    if (this.dialect !== 'new' || !CONTROL_METHODS.includes(method)) return;
    try {
      this.#control(peer, method, dataOf(data));
    } catch (error) {
      this.#options.log(
        `room ${this.id}: notification ${method} of ${peer.id}: ${messageOf(error)}`,
      );
    }
  }

  #transport(peer: RoomPeer, transportId: string): DemoTransport {
    const transport = peer.transports.get(transportId);
    if (!transport) throw new RequestError(`transport with id "${transportId}" not found`);
    return transport;
  }

  #producer(peer: RoomPeer, producerId: string): DemoProducer {
    const producer = peer.producers.get(producerId);
    if (!producer) throw new RequestError(`producer with id "${producerId}" not found`);
    return producer;
  }

  #consumer(peer: RoomPeer, consumerId: string): DemoConsumer {
    const consumer = peer.consumers.get(consumerId);
    if (!consumer) throw new RequestError(`consumer with id "${consumerId}" not found`);
    return consumer;
  }

  #mustBeJoined(peer: RoomPeer): void {
    if (!peer.joined) throw new RequestError('Peer not yet joined');
  }

  #dispatch(peer: RoomPeer, method: string, data: Obj): Reply {
    const d = this.dialect;
    switch (method) {
      case FAULT_METHOD:
        return this.#faultRequest(peer, data);
      case 'getRouterRtpCapabilities':
        return { data: routerCapabilitiesResponse(d, routerRtpCapabilities()) };
      case 'join':
        return this.#join(peer, data);
      case 'createWebRtcTransport':
        return { data: transportResponse(d, this.#createTransport(peer, data)) };
      case 'connectWebRtcTransport': {
        const transport = this.#transport(peer, str(data, 'transportId'));
        obj(data, 'dtlsParameters');
        transport.connected = true;
        return { data: {} };
      }
      case 'restartIce': {
        const transport = this.#transport(peer, str(data, 'transportId'));
        transport.iceRestarts++;
        return { data: restartIceResponse(d, this.#ids.iceParameters()) };
      }
      case 'produce':
        return this.#produce(peer, data);
      case 'produceData':
        return this.#produceData(peer, data);
      case 'getTransportStats':
      case 'getProducerStats':
      case 'getConsumerStats':
      case 'getDataProducerStats':
      case 'getDataConsumerStats':
        return { data: statsResponse(d, this.#stats(peer, method, data)) };
      case 'applyNetworkThrottle':
        this.#checkThrottleSecret(data);
        return { data: {} };
      case 'resetNetworkThrottle':
      case 'stopNetworkThrottle':
        if ((method === 'resetNetworkThrottle') !== (d === 'legacy')) break;
        this.#checkThrottleSecret(data);
        return { data: {} };
      default:
        if (d === 'legacy' && CONTROL_METHODS.includes(method)) {
          this.#mustBeJoined(peer);
          return { data: {}, after: this.#control(peer, method, data) };
        }
    }
    throw new RequestError(unknownMethodReason(d, method));
  }

  #checkThrottleSecret(data: Obj): void {
    const secret = optStr(data, 'secret');
    const expected = this.#options.throttleSecret;
    if (expected === undefined || secret !== expected) {
      throw new RequestError('operation NOT allowed', this.dialect === 'legacy' ? 403 : 500);
    }
  }

  #join(peer: RoomPeer, data: Obj): Reply {
    if (peer.joined) throw new RequestError('Peer already joined');
    const displayName = optStr(data, 'displayName');
    const device = optObj(data, 'device');
    peer.displayName = displayName ?? peer.id;
    if (device) {
      peer.device = {
        flag: typeof device.flag === 'string' ? device.flag : 'unknown',
        name: typeof device.name === 'string' ? device.name : 'unknown',
        version: typeof device.version === 'string' ? device.version : '',
      };
    }
    peer.rtpCapabilities = optObj(data, 'rtpCapabilities');
    peer.sctpCapabilities = optObj(data, 'sctpCapabilities');
    if (peer.joinTimer) clearTimeout(peer.joinTimer);
    const others = this.#joinedPeers(peer);
    peer.joined = true;
    const peers = others.map((p) => peerCard(this.dialect, p));
    return {
      data: { peers },
      after: () => {
        for (const other of others) {
          for (const producer of other.producers.values()) this.#createConsumers(peer, producer);
          for (const dp of other.dataProducers.values()) {
            if (dp.label === 'chat') this.#createDataConsumer(peer, dp);
          }
        }
        this.#createDataConsumer(peer, this.#botDataProducer);
        this.notifyJoined('newPeer', newPeerData(this.dialect, peer), peer);
      },
    };
  }

  #createTransport(peer: RoomPeer, data: Obj): TransportInfo {
    let producing: boolean;
    let consuming: boolean;
    if (this.dialect === 'legacy') {
      producing = data.producing === true;
      consuming = data.consuming === true;
    } else {
      const direction = optObj(data, 'appData')?.direction;
      if (direction !== 'producer' && direction !== 'consumer') {
        throw new RequestError('missing or invalid "appData.direction"');
      }
      producing = direction === 'producer';
      consuming = direction === 'consumer';
    }
    const sctp = optObj(data, 'sctpCapabilities') !== undefined;
    const info = transportInfo(this.#ids, this.#identity, sctp);
    peer.transports.set(info.id, {
      id: info.id,
      producing,
      consuming,
      sctp,
      connected: false,
      nextMid: 0,
      nextStreamId: 0,
      iceRestarts: 0,
    });
    return info;
  }

  #produce(peer: RoomPeer, data: Obj): Reply {
    this.#mustBeJoined(peer);
    const transport = this.#transport(peer, str(data, 'transportId'));
    const kind = str(data, 'kind');
    if (kind !== 'audio' && kind !== 'video') throw new RequestError(`invalid kind "${kind}"`);
    const rtpParameters = obj(data, 'rtpParameters');
    const appData = optObj(data, 'appData') ?? {};
    const rtcp = rtpParameters.rtcp;
    const cname = isObject(rtcp) && typeof rtcp.cname === 'string' ? rtcp.cname : this.#ids.cname();
    const source =
      typeof appData.source === 'string' ? appData.source : kind === 'audio' ? 'mic' : 'webcam';
    const producer = this.addProducer(peer, {
      kind,
      transportId: transport.id,
      rtpParameters,
      appData,
      source,
      cname,
      encodings: encodingsOf(rtpParameters, this.#rng),
    });
    return {
      data: createdIdResponse(this.dialect, 'producer', producer.id),
      after: () => {
        this.#spreadProducer(peer, producer);
      },
    };
  }

  #produceData(peer: RoomPeer, data: Obj): Reply {
    this.#mustBeJoined(peer);
    this.#transport(peer, str(data, 'transportId'));
    const dataProducer: DemoDataProducer = {
      id: this.#ids.uuid(),
      peerId: peer.id,
      label: optStr(data, 'label') ?? '',
      protocol: optStr(data, 'protocol') ?? '',
      sctpStreamParameters: obj(data, 'sctpStreamParameters'),
      appData: optObj(data, 'appData') ?? {},
    };
    peer.dataProducers.set(dataProducer.id, dataProducer);
    return {
      data: createdIdResponse(this.dialect, 'dataProducer', dataProducer.id),
      after: () => {
        this.#spreadDataProducer(peer, dataProducer);
      },
    };
  }

  /** The legacy requests that the new dialect sends as notifications. */
  #control(peer: RoomPeer, method: string, data: Obj): (() => void) | undefined {
    switch (method) {
      case 'closeProducer':
        this.closeProducer(peer, this.#producer(peer, str(data, 'producerId')));
        return undefined;
      case 'pauseProducer':
        this.setProducerPaused(this.#producer(peer, str(data, 'producerId')), true);
        return undefined;
      case 'resumeProducer':
        this.setProducerPaused(this.#producer(peer, str(data, 'producerId')), false);
        return undefined;
      case 'pauseConsumer':
        this.#consumer(peer, str(data, 'consumerId')).paused = true;
        return undefined;
      case 'resumeConsumer':
        this.#consumer(peer, str(data, 'consumerId')).paused = false;
        return undefined;
      case 'requestConsumerKeyFrame':
      case 'setConsumerPriority':
        this.#consumer(peer, str(data, 'consumerId'));
        return undefined;
      case 'setConsumerPreferredLayers': {
        const consumer = this.#consumer(peer, str(data, 'consumerId'));
        const spatialLayer = optNumber(data, 'spatialLayer') ?? 2;
        const temporalLayer = optNumber(data, 'temporalLayer') ?? 2;
        if (consumer.kind !== 'video') return undefined;
        return () => {
          this.#notify(
            peer,
            'consumerLayersChanged',
            layersChangedData(this.dialect, consumer.id, { spatialLayer, temporalLayer }),
          );
        };
      }
      case 'changeDisplayName':
        this.rename(peer, str(data, 'displayName'));
        return undefined;
    }
    return undefined;
  }

  #stats(peer: RoomPeer, method: string, data: Obj): Json[] {
    const timestamp = Date.now();
    const counter = (): number => this.#rng.int(10_000, 5_000_000);
    switch (method) {
      case 'getTransportStats': {
        const t = this.#transport(peer, str(data, 'transportId'));
        return [
          {
            type: 'webrtc-transport',
            transportId: t.id,
            timestamp,
            iceRole: 'controlled',
            iceState: t.connected ? 'completed' : 'new',
            dtlsState: t.connected ? 'connected' : 'new',
            ...(t.sctp ? { sctpState: t.connected ? 'connected' : 'new' } : {}),
            bytesReceived: counter(),
            bytesSent: counter(),
            recvBitrate: this.#rng.int(30_000, 2_000_000),
            sendBitrate: this.#rng.int(30_000, 2_000_000),
          },
        ];
      }
      case 'getProducerStats': {
        const p = this.#producer(peer, str(data, 'producerId'));
        return p.encodings.map((e) => ({
          type: 'inbound-rtp',
          timestamp,
          ssrc: e.ssrc,
          ...(e.rid === undefined ? {} : { rid: e.rid }),
          kind: p.kind,
          mimeType: p.kind === 'audio' ? 'audio/opus' : 'video/VP8',
          packetCount: this.#rng.int(100, 100_000),
          byteCount: counter(),
          bitrate: this.#rng.int(30_000, 2_000_000),
          score: this.#rng.int(7, 10),
        }));
      }
      case 'getConsumerStats': {
        const c = this.#consumer(peer, str(data, 'consumerId'));
        return [
          {
            type: 'outbound-rtp',
            timestamp,
            kind: c.kind,
            mimeType: c.kind === 'audio' ? 'audio/opus' : 'video/VP8',
            packetCount: c.paused ? 0 : this.#rng.int(100, 100_000),
            byteCount: c.paused ? 0 : counter(),
            score: this.#rng.int(7, 10),
          },
        ];
      }
      case 'getDataProducerStats': {
        const id = str(data, 'dataProducerId');
        const dp = peer.dataProducers.get(id);
        if (!dp) throw new RequestError(`dataProducer with id "${id}" not found`);
        return [
          {
            type: 'data-producer',
            timestamp,
            label: dp.label,
            protocol: dp.protocol,
            messagesReceived: this.#rng.int(0, 100),
            bytesReceived: this.#rng.int(0, 10_000),
          },
        ];
      }
      default: {
        const id = str(data, 'dataConsumerId');
        const dc = peer.dataConsumers.get(id);
        if (!dc) throw new RequestError(`dataConsumer with id "${id}" not found`);
        return [
          {
            type: 'data-consumer',
            timestamp,
            messagesSent: this.#rng.int(0, 100),
            bytesSent: this.#rng.int(0, 10_000),
            bufferedAmount: 0,
          },
        ];
      }
    }
  }

  // ── faults ─────────────────────────────────────────────────────────────

  #faultRequest(peer: RoomPeer, data: Obj): Reply {
    let body: FaultBody;
    try {
      body = parseFaultBody(data);
    } catch (error) {
      throw new RequestError(messageOf(error), 400);
    }
    this.#options.faults.apply(body);
    const performed: PerformedAction[] = [];
    const reply = { roomId: this.id, rules: this.#options.faults.list(), performed };
    // Actions on the asking peer run after its response has left.
    const actions = this.planActions(body, peer.id);
    performed.push(...actions.map((a) => a.summary));
    return {
      data: reply,
      after: () => {
        this.#later(30, () => {
          for (const a of actions) a.run();
        });
      },
    };
  }

  /**
   * The one-shot actions of a fault body, resolved to peers now, to run when the caller says.
   * `defaultPeerId` stands for a missing `peerId` (the asking peer); without it, every real
   * peer of the room.
   */
  planActions(
    body: FaultBody,
    defaultPeerId?: string,
  ): { summary: PerformedAction; run: () => void }[] {
    const targets = (peerId: string | undefined): RoomPeer[] => {
      const id = peerId ?? defaultPeerId;
      const real = [...this.#peers.values()].filter((p) => !p.bot);
      return id === undefined ? real : real.filter((p) => p.id === id);
    };
    const plans: { summary: PerformedAction; run: () => void }[] = [];
    if (body.flood) {
      const flood = body.flood;
      const peers = targets(flood.peerId);
      const floodId = this.#nextFloodId++;
      const total = flood.perSecond * flood.seconds;
      plans.push({
        summary: { action: 'flood', peerIds: peers.map((p) => p.id), floodId, total },
        run: () => {
          this.#flood(peers, floodId, flood.perSecond, total);
        },
      });
    }
    if (body.close) {
      const peers = targets(body.close.peerId);
      plans.push({
        summary: { action: 'close', peerIds: peers.map((p) => p.id) },
        run: () => {
          for (const p of peers) p.protoo?.close();
        },
      });
    }
    if (body.dropSocket) {
      const peers = targets(body.dropSocket.peerId);
      plans.push({
        summary: { action: 'dropSocket', peerIds: peers.map((p) => p.id) },
        run: () => {
          for (const p of peers) p.socket?.destroy();
        },
      });
    }
    return plans;
  }

  /** Stops every flood in progress. */
  stopFloods(): void {
    for (const f of this.#floods) clearInterval(f);
    this.#floods.clear();
  }

  #flood(peers: readonly RoomPeer[], floodId: number, perSecond: number, total: number): void {
    const start = performance.now();
    let sent = 0;
    const step = (): void => {
      const due = Math.min(total, Math.floor(((performance.now() - start) * perSecond) / 1000) + 1);
      for (; sent < due; sent++) {
        const data = { floodId, seq: sent + 1, total, perSecond };
        for (const p of peers) this.#notify(p, FLOOD_METHOD, data);
      }
      if (sent >= total) {
        clearInterval(timer);
        this.#floods.delete(timer);
      }
    };
    const timer = setInterval(step, Math.max(5, Math.min(50, Math.floor(1000 / perSecond))));
    this.#floods.add(timer);
    step();
  }

  // ── the room's objects (shared by real peers and bots) ─────────────────

  addBot(card: { id: string; displayName: string; device: Device }): RoomPeer {
    const existing = this.#peers.get(card.id);
    if (existing) return existing;
    const peer: RoomPeer = {
      ...card,
      bot: true,
      remoteAddress: '127.0.0.1',
      joined: true,
      rtpCapabilities: routerRtpCapabilities() as unknown as Obj,
      sctpCapabilities: { numStreams: { OS: 1024, MIS: 1024 } },
      consumerReplicas: 0,
      transports: new Map(),
      producers: new Map(),
      dataProducers: new Map(),
      consumers: new Map(),
      dataConsumers: new Map(),
      protoo: undefined,
      socket: undefined,
      joinTimer: undefined,
    };
    this.#peers.set(peer.id, peer);
    this.notifyJoined('newPeer', newPeerData(this.dialect, peer), peer);
    return peer;
  }

  addProducer(
    peer: RoomPeer,
    p: Omit<DemoProducer, 'id' | 'peerId' | 'paused'> & { paused?: boolean },
  ): DemoProducer {
    const producer: DemoProducer = {
      ...p,
      id: this.#ids.uuid(),
      peerId: peer.id,
      paused: p.paused ?? false,
    };
    peer.producers.set(producer.id, producer);
    return producer;
  }

  /** Offers `producer` to every other joined peer (newConsumer). */
  spreadProducer(peer: RoomPeer, producer: DemoProducer): void {
    this.#spreadProducer(peer, producer);
  }

  #spreadProducer(peer: RoomPeer, producer: DemoProducer): void {
    for (const other of this.#joinedPeers(peer)) this.#createConsumers(other, producer);
  }

  addDataProducer(peer: RoomPeer, label: string, sctpStreamParameters: Obj): void {
    const dp: DemoDataProducer = {
      id: this.#ids.uuid(),
      peerId: peer.id,
      label,
      protocol: '',
      sctpStreamParameters,
      appData: {},
    };
    peer.dataProducers.set(dp.id, dp);
    this.#spreadDataProducer(peer, dp);
  }

  #spreadDataProducer(peer: RoomPeer, dp: DemoDataProducer): void {
    if (dp.label !== 'chat') return;
    for (const other of this.#joinedPeers(peer)) this.#createDataConsumer(other, dp);
  }

  setProducerPaused(producer: DemoProducer, paused: boolean): void {
    if (producer.paused === paused) return;
    producer.paused = paused;
    for (const peer of this.#peers.values()) {
      for (const consumer of peer.consumers.values()) {
        if (consumer.producerId !== producer.id) continue;
        consumer.producerPaused = paused;
        this.#notify(peer, paused ? 'consumerPaused' : 'consumerResumed', {
          consumerId: consumer.id,
        });
      }
    }
  }

  closeProducer(owner: RoomPeer, producer: DemoProducer): void {
    owner.producers.delete(producer.id);
    for (const peer of this.#peers.values()) {
      for (const consumer of [...peer.consumers.values()]) {
        if (consumer.producerId !== producer.id) continue;
        peer.consumers.delete(consumer.id);
        this.#notify(peer, 'consumerClosed', { consumerId: consumer.id });
      }
    }
  }

  #closeDataProducer(owner: RoomPeer, dp: DemoDataProducer): void {
    owner.dataProducers.delete(dp.id);
    for (const peer of this.#peers.values()) {
      for (const dc of [...peer.dataConsumers.values()]) {
        if (dc.dataProducerId !== dp.id) continue;
        peer.dataConsumers.delete(dc.id);
        this.#notify(peer, 'dataConsumerClosed', { dataConsumerId: dc.id });
      }
    }
  }

  rename(peer: RoomPeer, displayName: string): void {
    const oldDisplayName = peer.displayName;
    peer.displayName = displayName;
    this.notifyJoined(
      'peerDisplayNameChanged',
      { peerId: peer.id, displayName, oldDisplayName },
      peer,
    );
  }

  /** A peer leaves: others get peerClosed, then its producers' consumers close. */
  removePeer(peer: RoomPeer): void {
    if (this.#peers.get(peer.id) !== peer) return;
    this.#peers.delete(peer.id);
    if (peer.joinTimer) clearTimeout(peer.joinTimer);
    if (peer.joined) this.notifyJoined('peerClosed', { peerId: peer.id }, peer);
    for (const producer of [...peer.producers.values()]) this.closeProducer(peer, producer);
    for (const dp of [...peer.dataProducers.values()]) this.#closeDataProducer(peer, dp);
    peer.consumers.clear();
    peer.dataConsumers.clear();
    if (!peer.bot) {
      queueMicrotask(() => {
        if (!this.#closed && this.realPeerCount === 0) {
          this.#options.log(`room ${this.id}: last peer left, closing the room`);
          this.close();
        }
      });
    }
  }

  /** Real peers that are joined, for the bots' notifications. */
  joinedRealPeers(): RoomPeer[] {
    return this.#joinedPeers().filter((p) => !p.bot);
  }

  notify(peer: RoomPeer, method: string, data: unknown): void {
    this.#notify(peer, method, data);
  }

  /** The real peers' consumers of `producerId`. */
  consumersOfProducer(producerId: string): { peer: RoomPeer; consumer: DemoConsumer }[] {
    const out: { peer: RoomPeer; consumer: DemoConsumer }[] = [];
    for (const peer of this.#peers.values()) {
      for (const consumer of peer.consumers.values()) {
        if (consumer.producerId === producerId) out.push({ peer, consumer });
      }
    }
    return out;
  }

  /** Whether `peer` has a connected transport for consuming (where a BWE trace would come from). */
  hasConnectedRecvTransport(peer: RoomPeer): boolean {
    return [...peer.transports.values()].some((t) => t.consuming && t.connected);
  }

  producerScoreData(producer: DemoProducer, scores: readonly number[]): unknown {
    return producerScore(producer.id, producer.encodings, scores);
  }

  consumerScoreData(consumer: DemoConsumer, score: number, producerScores: number[]): unknown {
    return consumerScore(consumer.id, score, producerScores);
  }

  layersData(consumer: DemoConsumer, spatialLayer: number, temporalLayer: number): Json {
    return layersChangedData(this.dialect, consumer.id, { spatialLayer, temporalLayer });
  }

  // ── consumers ──────────────────────────────────────────────────────────

  #recvTransport(peer: RoomPeer): DemoTransport | undefined {
    return [...peer.transports.values()].find((t) => t.consuming);
  }

  #createConsumers(consumerPeer: RoomPeer, producer: DemoProducer): void {
    if (consumerPeer.bot || consumerPeer.rtpCapabilities === undefined) return;
    const mime = producer.kind === 'audio' ? 'audio/opus' : 'video/vp8';
    if (!codecMimeTypes(consumerPeer.rtpCapabilities).includes(mime)) return;
    const transport = this.#recvTransport(consumerPeer);
    if (!transport) return;
    for (let i = 0; i <= consumerPeer.consumerReplicas; i++) {
      this.#createConsumer(consumerPeer, transport, producer);
    }
  }

  #createConsumer(consumerPeer: RoomPeer, transport: DemoTransport, producer: DemoProducer): void {
    const protoo = consumerPeer.protoo;
    if (!protoo) return;
    const consumer: DemoConsumer = {
      id: this.#ids.uuid(),
      producerId: producer.id,
      producerPeerId: producer.peerId,
      kind: producer.kind,
      transportId: transport.id,
      type: producer.kind === 'video' && producer.encodings.length > 1 ? 'simulcast' : 'simple',
      paused: true,
      producerPaused: producer.paused,
      accepted: false,
    };
    const mid = String(transport.nextMid++);
    const rtpParameters = consumerRtpParameters(this.#ids, {
      kind: producer.kind,
      mid,
      cname: producer.cname,
    });
    consumerPeer.consumers.set(consumer.id, consumer);
    const score = consumerScore(
      consumer.id,
      10,
      producer.encodings.map(() => 10),
    );
    const data = newConsumerData(this.dialect, {
      peerId: producer.peerId,
      transportId: transport.id,
      consumerId: consumer.id,
      producerId: producer.id,
      kind: producer.kind,
      rtpParameters,
      type: consumer.type,
      producerPaused: producer.paused,
      score: score.score,
      producerAppData: producer.appData,
      source: producer.source,
    });
    this.#serverRequest(protoo, 'newConsumer', data).then(
      () => {
        if (consumerPeer.consumers.get(consumer.id) !== consumer) return;
        consumer.accepted = true;
        consumer.paused = false;
        if (this.dialect === 'legacy') {
          this.#notify(consumerPeer, 'consumerScore', score);
        }
      },
      (error: unknown) => {
        this.#options.log(
          `room ${this.id}: newConsumer to ${consumerPeer.id} failed (${messageOf(error)}), consumer stays paused`,
        );
      },
    );
  }

  #createDataConsumer(consumerPeer: RoomPeer, dp: DemoDataProducer): void {
    const protoo = consumerPeer.protoo;
    if (!protoo || consumerPeer.sctpCapabilities === undefined) return;
    const transport = [...consumerPeer.transports.values()].find((t) => t.consuming && t.sctp);
    if (!transport) return;
    const streamId = transport.nextStreamId++;
    const dataConsumer: DemoDataConsumer = { id: this.#ids.uuid(), dataProducerId: dp.id };
    consumerPeer.dataConsumers.set(dataConsumer.id, dataConsumer);
    const sctpStreamParameters =
      dp.peerId === null
        ? botConsumerStreamParameters(streamId)
        : { ...dp.sctpStreamParameters, streamId };
    const data = newDataConsumerData(this.dialect, {
      peerId: dp.peerId,
      transportId: transport.id,
      dataConsumerId: dataConsumer.id,
      dataProducerId: dp.id,
      sctpStreamParameters,
      label: dp.label,
      protocol: dp.protocol,
      appData: dp.appData,
    });
    this.#serverRequest(protoo, 'newDataConsumer', data).catch((error: unknown) => {
      this.#options.log(
        `room ${this.id}: newDataConsumer to ${consumerPeer.id} failed (${messageOf(error)})`,
      );
    });
  }

  /** protoo-server's request, given up after `consumerTimeoutMs` as well as its own timeout. */
  #serverRequest(protoo: ProtooPeer, method: string, data: unknown): Promise<unknown> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#timers.delete(timer);
        reject(new Error('request timeout'));
      }, this.#options.consumerTimeoutMs);
      this.#timers.add(timer);
      protoo.request(method, data).then(
        (value) => {
          clearTimeout(timer);
          this.#timers.delete(timer);
          resolve(value);
        },
        (error: unknown) => {
          clearTimeout(timer);
          this.#timers.delete(timer);
          reject(error instanceof Error ? error : new Error(String(error)));
        },
      );
    });
  }
}

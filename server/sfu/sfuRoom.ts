/**
 * One room of the real SFU: a protoo Room for signaling and a mediasoup Router for media,
 * speaking the mediasoup-demo protocol (protocol.md §2) in the legacy dialect, or the new one
 * when the room was opened with `dialect=new`. The flow is the demo's: transports before or
 * after join, producers announced to every joined peer with a `newConsumer` request for a
 * consumer created paused and resumed once the client accepted it, scores forwarded as
 * `producerScore` / `consumerScore`, and a peer's leaving closing everything it owned.
 */
import protooServer, {
  type Peer as ProtooPeer,
  type ServerRequest,
  type WebSocketTransport,
} from 'protoo-server';
import type { types as ms } from 'mediasoup';
import {
  CONTROL_METHODS,
  createdIdResponse,
  newConsumerData,
  newPeerData,
  peerCard,
  routerCapabilitiesResponse,
  statsResponse,
  unknownMethodReason,
  type Dialect,
  type Json,
} from '../demo/dialect.ts';
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
} from '../demo/payload.ts';
import {
  AUDIO_LEVEL_OBSERVER_OPTIONS,
  MAX_INCOMING_BITRATE,
  MEDIA_CODECS,
  WEBRTC_TRANSPORT_OPTIONS,
} from './config.ts';

export interface SfuRoomOptions {
  readonly roomId: string;
  readonly dialect: Dialect;
  /** New dialect: a peer that has not joined after this long is closed (0 = never). */
  readonly joinTimeoutMs: number;
  /** The version the room announces in `mediasoup-version` / `mediasoupVersion`. */
  readonly mediasoupVersion: string;
  readonly log: (line: string) => void;
  /** Called once when the room closes (its last peer left, or the server stops). */
  readonly onClose: () => void;
}

interface PeerDevice {
  readonly flag: string;
  readonly name: string;
  readonly version: string;
}

interface TransportAppData extends ms.AppData {
  producing: boolean;
  consuming: boolean;
}

interface SfuPeer {
  readonly id: string;
  readonly protoo: ProtooPeer;
  readonly remoteAddress: string;
  joined: boolean;
  displayName: string;
  device: PeerDevice;
  rtpCapabilities: ms.RtpCapabilities | undefined;
  sctpCapabilities: Obj | undefined;
  readonly transports: Map<string, ms.WebRtcTransport<TransportAppData>>;
  readonly producers: Map<string, ms.Producer>;
  readonly consumers: Map<string, ms.Consumer>;
  readonly dataProducers: Map<string, ms.DataProducer>;
  readonly dataConsumers: Map<string, ms.DataConsumer>;
  joinTimer: ReturnType<typeof setTimeout> | undefined;
}

interface NotificationEmitter {
  on(event: 'notification', listener: (n: { method: string; data: unknown }) => void): void;
}

function deviceOf(value: unknown): PeerDevice {
  const d = isObject(value) ? value : {};
  const text = (v: unknown, fallback: string) =>
    typeof v === 'string' ? v.slice(0, 100) : fallback;
  return {
    flag: text(d.flag, 'unknown'),
    name: text(d.name, 'Unknown device'),
    version: text(d.version, ''),
  };
}

// Client objects (rtpParameters, dtlsParameters, …) go to mediasoup as they came: mediasoup
// validates them itself (ortc.ts) and throws a TypeError naming the bad field, answered as 500.

const ignore = () => undefined;

/** A request's answer, and what to do once it is sent (the demo's `accept()` then more). */
interface Reply {
  readonly data: unknown;
  readonly after?: () => void;
}

export class SfuRoom {
  readonly roomId: string;
  readonly dialect: Dialect;
  private readonly protooRoom = new protooServer.Room();
  private readonly router: ms.Router;
  private readonly audioLevelObserver: ms.AudioLevelObserver;
  private readonly peers = new Map<string, SfuPeer>();
  private readonly options: SfuRoomOptions;
  private closed = false;
  /** True while an older connection of a reconnecting peerId is being closed. */
  private replacing = false;

  /** Creates the room's Router (and AudioLevelObserver) on the given worker. */
  static async create(worker: ms.Worker, options: SfuRoomOptions): Promise<SfuRoom> {
    const router = await worker.createRouter({ mediaCodecs: MEDIA_CODECS });
    const audioLevelObserver = await router.createAudioLevelObserver(AUDIO_LEVEL_OBSERVER_OPTIONS);
    return new SfuRoom(router, audioLevelObserver, options);
  }

  private constructor(
    router: ms.Router,
    audioLevelObserver: ms.AudioLevelObserver,
    options: SfuRoomOptions,
  ) {
    this.router = router;
    this.audioLevelObserver = audioLevelObserver;
    this.options = options;
    this.roomId = options.roomId;
    this.dialect = options.dialect;
    audioLevelObserver.on('volumes', (volumes) => {
      const loudest = volumes[0];
      if (!loudest) return;
      const peerId = loudest.producer.appData.peerId;
      const data =
        this.dialect === 'legacy' ? { peerId, volume: loudest.volume } : { peerId: peerId };
      for (const p of this.joinedPeers()) this.notify(p, 'activeSpeaker', data);
    });
    audioLevelObserver.on('silence', () => {
      const data = this.dialect === 'legacy' ? { peerId: null } : {};
      for (const p of this.joinedPeers()) this.notify(p, 'activeSpeaker', data);
    });
    router.observer.on('close', () => {
      this.close();
    });
  }

  get isClosed(): boolean {
    return this.closed;
  }

  /** The peers now in the room, for tests and logs. */
  peerIds(): string[] {
    return [...this.peers.keys()];
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const p of this.peers.values()) clearTimeout(p.joinTimer);
    this.protooRoom.close();
    this.router.close();
    this.options.onClose();
  }

  /** A protoo connection for `peerId`: the newest connection of a peerId wins (the demo's rule). */
  handleConnection(peerId: string, transport: WebSocketTransport, remoteAddress: string): void {
    const existing = this.protooRoom.getPeer(peerId);
    if (existing) {
      this.options.log(`room ${this.roomId}: peer ${peerId} connected again, closing the old one`);
      this.replacing = true;
      try {
        existing.close();
      } finally {
        this.replacing = false;
      }
    }
    const protoo = this.protooRoom.createPeer(peerId, transport);
    const peer: SfuPeer = {
      id: peerId,
      protoo,
      remoteAddress,
      joined: false,
      displayName: '',
      device: deviceOf(undefined),
      rtpCapabilities: undefined,
      sctpCapabilities: undefined,
      transports: new Map(),
      producers: new Map(),
      consumers: new Map(),
      dataProducers: new Map(),
      dataConsumers: new Map(),
      joinTimer: undefined,
    };
    this.peers.set(peerId, peer);

    this.notify(peer, this.dialect === 'legacy' ? 'mediasoup-version' : 'mediasoupVersion', {
      version: this.options.mediasoupVersion,
    });
    if (this.dialect === 'new' && this.options.joinTimeoutMs > 0) {
      peer.joinTimer = setTimeout(() => {
        if (!peer.joined) {
          this.options.log(`room ${this.roomId}: peer ${peerId} did not join in time`);
          protoo.close();
        }
      }, this.options.joinTimeoutMs);
    }

    protoo.on('request', (request, accept, reject) => {
      this.handleRequest(peer, request)
        .then((reply) => {
          accept(reply.data);
          reply.after?.();
        })
        .catch((error: unknown) => {
          const code = error instanceof RequestError ? error.code : 500;
          this.options.log(
            `room ${this.roomId}: ${request.method} from ${peerId} failed: ${messageOf(error)}`,
          );
          reject(code, messageOf(error));
        });
    });
    (protoo as unknown as NotificationEmitter).on('notification', (n) => {
      if (this.dialect !== 'new' || !CONTROL_METHODS.includes(n.method)) return;
      this.control(peer, n.method, dataOf(n.data)).catch((error: unknown) => {
        this.options.log(
          `room ${this.roomId}: ${n.method} from ${peerId} failed: ${messageOf(error)}`,
        );
      });
    });
    protoo.on('close', () => {
      this.peerLeft(peer);
    });
  }

  private peerLeft(peer: SfuPeer): void {
    clearTimeout(peer.joinTimer);
    if (this.peers.get(peer.id) === peer) this.peers.delete(peer.id);
    if (this.closed) return;
    if (peer.joined) {
      for (const other of this.joinedPeers(peer)) {
        this.notify(other, 'peerClosed', { peerId: peer.id });
      }
    }
    // Closing the transports closes the peer's producers (so others get consumerClosed) and
    // its consumers.
    for (const t of peer.transports.values()) t.close();
    if (this.peers.size === 0 && !this.replacing) {
      this.options.log(`room ${this.roomId}: last peer left, closing the room`);
      this.close();
    }
  }

  private joinedPeers(except?: SfuPeer): SfuPeer[] {
    return [...this.peers.values()].filter((p) => p.joined && p !== except);
  }

  private notify(peer: SfuPeer, method: string, data: unknown): void {
    if (peer.protoo.closed) return;
    peer.protoo.notify(method, data).catch(ignore);
  }

  private transportOf(peer: SfuPeer, data: Obj): ms.WebRtcTransport<TransportAppData> {
    const id = str(data, 'transportId');
    const t = peer.transports.get(id);
    if (!t) throw new RequestError(`transport with id "${id}" not found`);
    return t;
  }

  private producerOf(peer: SfuPeer, data: Obj): ms.Producer {
    const id = str(data, 'producerId');
    const p = peer.producers.get(id);
    if (!p) throw new RequestError(`producer with id "${id}" not found`);
    return p;
  }

  private consumerOf(peer: SfuPeer, data: Obj): ms.Consumer {
    const id = str(data, 'consumerId');
    const c = peer.consumers.get(id);
    if (!c) throw new RequestError(`consumer with id "${id}" not found`);
    return c;
  }

  private mustBeJoined(peer: SfuPeer): void {
    if (!peer.joined) throw new RequestError('Peer not yet joined');
  }

  private async handleRequest(peer: SfuPeer, request: ServerRequest): Promise<Reply> {
    const method = request.method;
    if (method === 'join') return this.join(peer, dataOf(request.data));
    if (method === 'produce') return this.produce(peer, dataOf(request.data));
    if (method === 'produceData') return this.produceData(peer, dataOf(request.data));
    return { data: await this.answer(peer, method, dataOf(request.data)) };
  }

  private async answer(peer: SfuPeer, method: string, data: Obj): Promise<unknown> {
    const d = this.dialect;
    switch (method) {
      case 'getRouterRtpCapabilities':
        return routerCapabilitiesResponse(d, this.router.rtpCapabilities);
      case 'createWebRtcTransport':
        return this.createTransport(peer, data);
      case 'connectWebRtcTransport': {
        const t = this.transportOf(peer, data);
        await t.connect({
          dtlsParameters: obj(data, 'dtlsParameters') as unknown as ms.DtlsParameters,
        });
        return {};
      }
      case 'restartIce': {
        const iceParameters = await this.transportOf(peer, data).restartIce();
        return d === 'legacy' ? iceParameters : { iceParameters };
      }
      case 'getTransportStats':
        return statsResponse(d, await this.transportOf(peer, data).getStats());
      case 'getProducerStats':
        return statsResponse(d, await this.producerOf(peer, data).getStats());
      case 'getConsumerStats':
        return statsResponse(d, await this.consumerOf(peer, data).getStats());
      case 'getDataProducerStats': {
        const id = str(data, 'dataProducerId');
        const dp = peer.dataProducers.get(id);
        if (!dp) throw new RequestError(`dataProducer with id "${id}" not found`);
        return statsResponse(d, await dp.getStats());
      }
      case 'getDataConsumerStats': {
        const id = str(data, 'dataConsumerId');
        const dc = peer.dataConsumers.get(id);
        if (!dc) throw new RequestError(`dataConsumer with id "${id}" not found`);
        return statsResponse(d, await dc.getStats());
      }
      case 'applyNetworkThrottle':
      case 'resetNetworkThrottle':
      case 'stopNetworkThrottle':
        throw new RequestError('network throttling is not available on this server', 403);
      default:
        if (d === 'legacy' && CONTROL_METHODS.includes(method)) {
          await this.control(peer, method, data);
          return {};
        }
        throw new RequestError(unknownMethodReason(d, method));
    }
  }

  /** The methods that are requests in legacy and notifications in new. */
  private async control(peer: SfuPeer, method: string, data: Obj): Promise<void> {
    this.mustBeJoined(peer);
    switch (method) {
      case 'closeProducer': {
        const p = this.producerOf(peer, data);
        p.close();
        peer.producers.delete(p.id);
        return;
      }
      case 'pauseProducer':
        return this.producerOf(peer, data).pause();
      case 'resumeProducer':
        return this.producerOf(peer, data).resume();
      case 'pauseConsumer':
        return this.consumerOf(peer, data).pause();
      case 'resumeConsumer':
        return this.consumerOf(peer, data).resume();
      case 'requestConsumerKeyFrame':
        return this.consumerOf(peer, data).requestKeyFrame();
      case 'setConsumerPreferredLayers': {
        const spatialLayer = optNumber(data, 'spatialLayer');
        if (spatialLayer === undefined) throw new RequestError('missing or invalid "spatialLayer"');
        const temporalLayer = optNumber(data, 'temporalLayer');
        return this.consumerOf(peer, data).setPreferredLayers(
          temporalLayer === undefined ? { spatialLayer } : { spatialLayer, temporalLayer },
        );
      }
      case 'setConsumerPriority': {
        const priority = optNumber(data, 'priority');
        if (priority === undefined) throw new RequestError('missing or invalid "priority"');
        return this.consumerOf(peer, data).setPriority(priority);
      }
      case 'changeDisplayName': {
        const displayName = str(data, 'displayName').slice(0, 200);
        const oldDisplayName = peer.displayName;
        peer.displayName = displayName;
        for (const other of this.joinedPeers(peer)) {
          this.notify(other, 'peerDisplayNameChanged', {
            peerId: peer.id,
            displayName,
            oldDisplayName,
          });
        }
        return;
      }
      default:
        throw new RequestError(unknownMethodReason(this.dialect, method));
    }
  }

  private card(peer: SfuPeer) {
    return {
      id: peer.id,
      displayName: peer.displayName,
      device: peer.device,
      remoteAddress: peer.remoteAddress,
    };
  }

  private join(peer: SfuPeer, data: Obj): Reply {
    if (peer.joined) throw new RequestError('Peer already joined');
    peer.displayName = (optStr(data, 'displayName') ?? peer.id).slice(0, 200);
    peer.device = deviceOf(data.device);
    peer.rtpCapabilities = optObj(data, 'rtpCapabilities');
    peer.sctpCapabilities = optObj(data, 'sctpCapabilities');
    const others = this.joinedPeers(peer);
    peer.joined = true;
    clearTimeout(peer.joinTimer);
    // As in the demo, the answer goes out first, then the consumers and the others' newPeer.
    const after = () => {
      for (const other of others) {
        for (const producer of other.producers.values()) {
          void this.createConsumer(peer, other, producer);
        }
        for (const dataProducer of other.dataProducers.values()) {
          void this.createDataConsumer(peer, other, dataProducer);
        }
      }
      for (const other of this.joinedPeers(peer)) {
        this.notify(other, 'newPeer', newPeerData(this.dialect, this.card(peer)));
      }
    };
    return { data: { peers: others.map((o) => peerCard(this.dialect, this.card(o))) }, after };
  }

  private async createTransport(peer: SfuPeer, data: Obj): Promise<Json> {
    const forceTcp = data.forceTcp === true;
    const sctpCapabilities = optObj(data, 'sctpCapabilities');
    let producing: boolean;
    let consuming: boolean;
    if (this.dialect === 'legacy') {
      producing = data.producing === true;
      consuming = data.consuming === true;
    } else {
      const direction = optObj(data, 'appData')?.direction;
      producing = direction === 'producer';
      consuming = direction === 'consumer';
    }
    const numStreams = sctpCapabilities && optObj(sctpCapabilities, 'numStreams');
    const transport = await this.router.createWebRtcTransport<TransportAppData>({
      ...WEBRTC_TRANSPORT_OPTIONS,
      listenIps: [...WEBRTC_TRANSPORT_OPTIONS.listenIps],
      ...(forceTcp ? { enableUdp: false, enableTcp: true } : {}),
      enableSctp: Boolean(sctpCapabilities),
      ...(numStreams ? { numSctpStreams: numStreams as unknown as ms.NumSctpStreams } : {}),
      appData: { producing, consuming },
    });
    peer.transports.set(transport.id, transport);
    transport.observer.on('close', () => peer.transports.delete(transport.id));
    // protocol.md §2.6: a transport whose ICE or DTLS gives up takes its peer with it.
    transport.on('icestatechange', (state) => {
      if (state === 'disconnected' || state === 'closed') {
        this.options.log(
          `room ${this.roomId}: ${peer.id}'s transport ICE ${state}, closing the peer`,
        );
        peer.protoo.close();
      }
    });
    transport.on('dtlsstatechange', (state) => {
      if (state === 'failed' || state === 'closed') {
        this.options.log(
          `room ${this.roomId}: ${peer.id}'s transport DTLS ${state}, closing the peer`,
        );
        peer.protoo.close();
      }
    });
    if (this.dialect === 'legacy') {
      await transport.enableTraceEvent(['bwe']);
      transport.on('trace', (trace) => {
        if (trace.type !== 'bwe' || trace.direction !== 'out') return;
        const info: unknown = trace.info;
        if (!isObject(info)) return;
        this.notify(peer, 'downlinkBwe', {
          desiredBitrate: info.desiredBitrate,
          effectiveDesiredBitrate: info.effectiveDesiredBitrate,
          availableBitrate: info.availableBitrate,
        });
      });
    }
    await transport.setMaxIncomingBitrate(MAX_INCOMING_BITRATE).catch(ignore);
    const body = {
      iceParameters: transport.iceParameters,
      iceCandidates: transport.iceCandidates,
      dtlsParameters: transport.dtlsParameters,
      sctpParameters: transport.sctpParameters,
    };
    return this.dialect === 'legacy'
      ? { id: transport.id, ...body }
      : { transportId: transport.id, ...body };
  }

  private async produce(peer: SfuPeer, data: Obj): Promise<Reply> {
    this.mustBeJoined(peer);
    const transport = this.transportOf(peer, data);
    const kind = str(data, 'kind');
    if (kind !== 'audio' && kind !== 'video') throw new RequestError(`invalid kind "${kind}"`);
    const appData = { ...(optObj(data, 'appData') ?? {}), peerId: peer.id };
    const producer = await transport.produce({
      kind,
      rtpParameters: obj(data, 'rtpParameters') as unknown as ms.RtpParameters,
      appData,
    });
    peer.producers.set(producer.id, producer);
    producer.observer.on('close', () => peer.producers.delete(producer.id));
    producer.on('score', (score) => {
      this.notify(peer, 'producerScore', { producerId: producer.id, score });
    });
    if (producer.kind === 'audio') {
      this.audioLevelObserver.addProducer({ producerId: producer.id }).catch(ignore);
    }
    return {
      data: createdIdResponse(this.dialect, 'producer', producer.id),
      after: () => {
        for (const other of this.joinedPeers(peer)) void this.createConsumer(other, peer, producer);
      },
    };
  }

  private async produceData(peer: SfuPeer, data: Obj): Promise<Reply> {
    this.mustBeJoined(peer);
    const transport = this.transportOf(peer, data);
    const dataProducer = await transport.produceData({
      sctpStreamParameters: obj(data, 'sctpStreamParameters') as unknown as ms.SctpStreamParameters,
      label: optStr(data, 'label') ?? '',
      protocol: optStr(data, 'protocol') ?? '',
      appData: { ...(optObj(data, 'appData') ?? {}), peerId: peer.id },
    });
    peer.dataProducers.set(dataProducer.id, dataProducer);
    dataProducer.observer.on('close', () => peer.dataProducers.delete(dataProducer.id));
    return {
      data: createdIdResponse(this.dialect, 'dataProducer', dataProducer.id),
      after: () => {
        for (const other of this.joinedPeers(peer)) {
          void this.createDataConsumer(other, peer, dataProducer);
        }
      },
    };
  }

  private consumingTransport(peer: SfuPeer): ms.WebRtcTransport<TransportAppData> | undefined {
    return [...peer.transports.values()].find((t) => t.appData.consuming);
  }

  /**
   * The demo's consumer flow: created paused, offered with `newConsumer`, resumed once the
   * client accepted (so the first RTP arrives after its PeerConnection knows the stream).
   * On a refusal or a timeout the consumer stays paused, as in the demo.
   */
  private async createConsumer(
    consumerPeer: SfuPeer,
    producerPeer: SfuPeer,
    producer: ms.Producer,
  ): Promise<void> {
    const caps = consumerPeer.rtpCapabilities;
    if (!caps || !this.router.canConsume({ producerId: producer.id, rtpCapabilities: caps })) {
      return;
    }
    const transport = this.consumingTransport(consumerPeer);
    if (!transport) {
      this.options.log(`room ${this.roomId}: ${consumerPeer.id} has no transport for consuming`);
      return;
    }
    let consumer: ms.Consumer;
    try {
      consumer = await transport.consume({
        producerId: producer.id,
        rtpCapabilities: caps,
        paused: true,
      });
    } catch (error) {
      this.options.log(`room ${this.roomId}: consume() failed: ${messageOf(error)}`);
      return;
    }
    const id = consumer.id;
    consumerPeer.consumers.set(id, consumer);
    consumer.on('transportclose', () => consumerPeer.consumers.delete(id));
    consumer.on('producerclose', () => {
      consumerPeer.consumers.delete(id);
      this.notify(consumerPeer, 'consumerClosed', { consumerId: id });
    });
    consumer.on('producerpause', () => {
      this.notify(consumerPeer, 'consumerPaused', { consumerId: id });
    });
    consumer.on('producerresume', () => {
      this.notify(consumerPeer, 'consumerResumed', { consumerId: id });
    });
    consumer.on('score', (score) => {
      this.notify(consumerPeer, 'consumerScore', { consumerId: id, score });
    });
    consumer.on('layerschange', (layers) => {
      this.notify(
        consumerPeer,
        'consumerLayersChanged',
        this.dialect === 'legacy'
          ? {
              consumerId: id,
              spatialLayer: layers?.spatialLayer ?? null,
              temporalLayer: layers?.temporalLayer ?? null,
            }
          : layers === undefined
            ? { consumerId: id }
            : { consumerId: id, layers: { ...layers } },
      );
    });
    const source = producer.appData.source;
    try {
      await consumerPeer.protoo.request(
        'newConsumer',
        newConsumerData(this.dialect, {
          peerId: producerPeer.id,
          transportId: transport.id,
          consumerId: id,
          producerId: producer.id,
          kind: consumer.kind,
          rtpParameters: consumer.rtpParameters,
          type: consumer.type === 'simulcast' ? 'simulcast' : 'simple',
          producerPaused: consumer.producerPaused,
          score: { ...consumer.score },
          producerAppData: { ...producer.appData },
          source:
            typeof source === 'string' ? source : consumer.kind === 'audio' ? 'mic' : 'webcam',
        }),
      );
      await consumer.resume();
      if (this.dialect === 'legacy') {
        this.notify(consumerPeer, 'consumerScore', { consumerId: id, score: consumer.score });
      }
    } catch (error) {
      this.options.log(
        `room ${this.roomId}: newConsumer ${id} for ${consumerPeer.id} not accepted: ${messageOf(error)}`,
      );
    }
  }

  private async createDataConsumer(
    consumerPeer: SfuPeer,
    producerPeer: SfuPeer,
    dataProducer: ms.DataProducer,
  ): Promise<void> {
    if (!consumerPeer.sctpCapabilities) return;
    const transport = this.consumingTransport(consumerPeer);
    if (!transport) return;
    let dataConsumer: ms.DataConsumer;
    try {
      dataConsumer = await transport.consumeData({ dataProducerId: dataProducer.id });
    } catch (error) {
      this.options.log(`room ${this.roomId}: consumeData() failed: ${messageOf(error)}`);
      return;
    }
    const id = dataConsumer.id;
    consumerPeer.dataConsumers.set(id, dataConsumer);
    dataConsumer.on('transportclose', () => consumerPeer.dataConsumers.delete(id));
    dataConsumer.on('dataproducerclose', () => {
      consumerPeer.dataConsumers.delete(id);
      this.notify(consumerPeer, 'dataConsumerClosed', { dataConsumerId: id });
    });
    const common = {
      dataProducerId: dataProducer.id,
      sctpStreamParameters: dataConsumer.sctpStreamParameters,
      label: dataConsumer.label,
      protocol: dataConsumer.protocol,
    };
    const body =
      this.dialect === 'legacy'
        ? { peerId: producerPeer.id, id, ...common, appData: { ...dataProducer.appData } }
        : {
            peerId: producerPeer.id,
            transportId: transport.id,
            dataConsumerId: id,
            ...common,
            appData: { peerId: producerPeer.id, channel: 'chat' },
          };
    try {
      await consumerPeer.protoo.request('newDataConsumer', body);
    } catch (error) {
      this.options.log(
        `room ${this.roomId}: newDataConsumer ${id} not accepted: ${messageOf(error)}`,
      );
    }
  }
}

/**
 * For the demo server's tests: a room client written like mediasoup-demo's RoomClient, in
 * either dialect, on a real protoo-client Peer (Node's WebSocket through the project's shim)
 * and a real mediasoup-client Device with its FakeHandler. Everything the server sends is
 * kept in `received`, in order, with the time it came; `waitFor` resolves on a matching one.
 */
import { Device, type types } from 'mediasoup-client';
import { FakeHandler } from 'mediasoup-client/handlers/FakeHandler';
import * as fakeParameters from 'mediasoup-client/fakeParameters';
import { FakeMediaStreamTrack } from 'fake-mediastreamtrack';
import protooClient, { type Peer, type RetryOptions } from 'protoo-client';
import type { Dialect } from './dialect.ts';

type Json = Record<string, unknown>;

export interface Received {
  readonly kind: 'notification' | 'request';
  readonly method: string;
  readonly data: Json;
  /** `performance.now()` when it arrived. */
  readonly at: number;
}

/** How the client answers newConsumer: accept, reject 403, or never answer. */
export type ConsumerPolicy = 'accept' | 'reject' | 'silent';

export interface DemoClientOptions {
  readonly baseUrl: string;
  readonly roomId: string;
  readonly peerId: string;
  readonly dialect: Dialect;
  /** Extra URL parameters (`bots`, `consumerReplicas`…). */
  readonly params?: Readonly<Record<string, string>>;
  readonly retry?: RetryOptions;
  readonly consumerPolicy?: ConsumerPolicy;
}

const SCTP_CAPABILITIES = { numStreams: { OS: 1024, MIS: 1024 } };

function field(value: unknown, name: string): unknown {
  if (typeof value !== 'object' || value === null) throw new Error(`not an object: ${name}`);
  return (value as Json)[name];
}

function text(value: unknown, name: string): string {
  const v = field(value, name);
  if (typeof v !== 'string') throw new Error(`"${name}" is not a string`);
  return v;
}

export class DemoClient {
  readonly peer: Peer;
  readonly dialect: Dialect;
  readonly device = new Device({ handlerFactory: FakeHandler.createFactory(fakeParameters) });
  readonly received: Received[] = [];
  readonly consumers = new Map<string, types.Consumer>();
  readonly dataConsumers = new Map<string, types.DataConsumer>();
  readonly producers: types.Producer[] = [];
  /** consumerId → whether the server says its producer is paused (newConsumer, consumerPaused/Resumed). */
  readonly remotelyPaused = new Map<string, boolean>();
  /** Lifecycle events of the protoo Peer, in order. */
  readonly lifecycle: string[] = [];
  consumerPolicy: ConsumerPolicy;
  sendTransport: types.Transport | undefined;
  recvTransport: types.Transport | undefined;
  readonly #closedEarly = new Set<string>();
  #waiters: { test: (r: Received) => boolean; resolve: (r: Received) => void }[] = [];
  #lifecycleWaiters: { name: string; count: number; resolve: () => void }[] = [];

  constructor(options: DemoClientOptions) {
    this.dialect = options.dialect;
    this.consumerPolicy = options.consumerPolicy ?? 'accept';
    const params = new URLSearchParams({
      roomId: options.roomId,
      peerId: options.peerId,
      dialect: options.dialect,
      ...options.params,
    });
    const transport = new protooClient.WebSocketTransport(
      `${options.baseUrl}/?${params.toString()}`,
      { retry: options.retry ?? { retries: 2, factor: 1, minTimeout: 100, maxTimeout: 100 } },
    );
    this.peer = new protooClient.Peer(transport);
    for (const name of ['open', 'disconnected', 'close'] as const) {
      this.peer.on(name, () => {
        this.#lifecycle(name);
      });
    }
    this.peer.on('failed', () => {
      this.#lifecycle('failed');
    });
    this.peer.on('notification', (n) => {
      this.#record('notification', n.method, n.data);
      this.#onNotification(n.method, n.data as Json);
    });
    this.peer.on('request', (request, accept, reject) => {
      this.#record('request', request.method, request.data);
      this.#onRequest(request.method, request.data as Json).then(
        (answer) => {
          if (answer === 'accept') accept();
          else if (answer === 'reject') reject(403, 'I do not want to consume');
        },
        (error: unknown) => {
          reject(500, error instanceof Error ? error.message : String(error));
        },
      );
    });
  }

  get isNew(): boolean {
    return this.dialect === 'new';
  }

  #lifecycle(name: string): void {
    this.lifecycle.push(name);
    const count = this.lifecycle.filter((n) => n === name).length;
    this.#lifecycleWaiters = this.#lifecycleWaiters.filter((w) => {
      if (w.name !== name || count < w.count) return true;
      w.resolve();
      return false;
    });
  }

  /** Resolves when the Peer has emitted `name` at least `count` times. */
  until(name: string, count = 1): Promise<void> {
    if (this.lifecycle.filter((n) => n === name).length >= count) return Promise.resolve();
    return new Promise((resolve) => this.#lifecycleWaiters.push({ name, count, resolve }));
  }

  #record(kind: Received['kind'], method: string, data: unknown): void {
    const r: Received = { kind, method, data: (data ?? {}) as Json, at: performance.now() };
    this.received.push(r);
    this.#waiters = this.#waiters.filter((w) => {
      if (!w.test(r)) return true;
      w.resolve(r);
      return false;
    });
  }

  /** The first message received (already, or from now on) that passes `test`. */
  waitFor(test: (r: Received) => boolean): Promise<Received> {
    const found = this.received.find(test);
    if (found) return Promise.resolve(found);
    return new Promise((resolve) => this.#waiters.push({ test, resolve }));
  }

  /** The next message from now on that passes `test`. */
  next(test: (r: Received) => boolean): Promise<Received> {
    return new Promise((resolve) => this.#waiters.push({ test, resolve }));
  }

  notifications(method: string): Json[] {
    return this.received
      .filter((r) => r.kind === 'notification' && r.method === method)
      .map((r) => r.data);
  }

  request(method: string, data: unknown = {}): Promise<unknown> {
    return this.peer.request(method, data);
  }

  /** The join sequence of §2.2: capabilities, transports, join. Returns the peers. */
  async join(options: { observer?: boolean; displayName?: string } = {}): Promise<Json[]> {
    await this.until('open');
    const caps = await this.request('getRouterRtpCapabilities');
    await this.device.load({
      routerRtpCapabilities: (this.isNew
        ? field(caps, 'routerRtpCapabilities')
        : caps) as types.RtpCapabilities,
    });
    if (!options.observer) {
      this.sendTransport = await this.#createTransport('send');
      this.recvTransport = await this.#createTransport('recv');
    }
    const reply = await this.request('join', {
      displayName: options.displayName ?? 'Tester',
      device: { flag: 'chrome', name: 'Chrome', version: '131.0.0.0' },
      ...(options.observer
        ? {}
        : {
            rtpCapabilities: this.device.recvRtpCapabilities,
            sctpCapabilities: SCTP_CAPABILITIES,
          }),
    });
    const peers = field(reply, 'peers');
    if (!Array.isArray(peers)) throw new Error('join: peers is not an array');
    return peers as Json[];
  }

  async #createTransport(direction: 'send' | 'recv'): Promise<types.Transport> {
    const data = await this.request(
      'createWebRtcTransport',
      this.isNew
        ? {
            forceTcp: false,
            sctpCapabilities: SCTP_CAPABILITIES,
            appData: { direction: direction === 'send' ? 'producer' : 'consumer' },
          }
        : {
            forceTcp: false,
            producing: direction === 'send',
            consuming: direction === 'recv',
            sctpCapabilities: SCTP_CAPABILITIES,
          },
    );
    const options: types.TransportOptions = {
      id: text(data, this.isNew ? 'transportId' : 'id'),
      iceParameters: field(data, 'iceParameters') as types.IceParameters,
      iceCandidates: field(data, 'iceCandidates') as types.IceCandidate[],
      dtlsParameters: field(data, 'dtlsParameters') as types.DtlsParameters,
      sctpParameters: field(data, 'sctpParameters') as types.SctpParameters,
    };
    const transport =
      direction === 'send'
        ? this.device.createSendTransport(options)
        : this.device.createRecvTransport(options);
    transport.on('connect', ({ dtlsParameters }, callback, errback) => {
      this.request('connectWebRtcTransport', { transportId: transport.id, dtlsParameters }).then(
        () => {
          callback();
        },
        errback,
      );
    });
    if (direction === 'send') {
      transport.on('produce', ({ kind, rtpParameters, appData }, callback, errback) => {
        this.request('produce', { transportId: transport.id, kind, rtpParameters, appData }).then(
          (reply) => {
            callback({ id: text(reply, this.isNew ? 'producerId' : 'id') });
          },
          errback,
        );
      });
      transport.on('producedata', (p, callback, errback) => {
        this.request('produceData', {
          transportId: transport.id,
          sctpStreamParameters: p.sctpStreamParameters,
          label: p.label,
          protocol: p.protocol,
          appData: p.appData,
        }).then((reply) => {
          callback({ id: text(reply, this.isNew ? 'dataProducerId' : 'id') });
        }, errback);
      });
    }
    return transport;
  }

  async produce(kind: 'audio' | 'video'): Promise<types.Producer> {
    if (!this.sendTransport) throw new Error('no send transport');
    const producer = await this.sendTransport.produce({
      track: new FakeMediaStreamTrack({ kind }),
      appData: { source: kind === 'audio' ? 'mic' : 'webcam' },
    });
    this.producers.push(producer);
    return producer;
  }

  async produceData(label: string): Promise<types.DataProducer> {
    if (!this.sendTransport) throw new Error('no send transport');
    return this.sendTransport.produceData({ label, ordered: false, maxRetransmits: 1 });
  }

  /** `pauseProducer` & co: requests in legacy, notifications in new (§2.3). */
  async control(method: string, data: Json): Promise<void> {
    if (this.isNew) await this.peer.notify(method, data);
    else await this.request(method, data);
  }

  async #onRequest(method: string, data: Json): Promise<ConsumerPolicy> {
    if (method === 'newConsumer') {
      this.remotelyPaused.set(
        text(data, this.isNew ? 'consumerId' : 'id'),
        field(data, 'producerPaused') === true,
      );
      if (this.consumerPolicy !== 'accept') return this.consumerPolicy;
      if (!this.recvTransport) throw new Error('no recv transport');
      const consumer = await this.recvTransport.consume({
        id: text(data, this.isNew ? 'consumerId' : 'id'),
        producerId: text(data, 'producerId'),
        kind: text(data, 'kind') as types.MediaKind,
        rtpParameters: field(data, 'rtpParameters') as types.RtpParameters,
        appData: { peerId: field(data, 'peerId') },
      });
      if (this.#closedEarly.delete(consumer.id)) {
        // consumerClosed overtook the consume: the server no longer has this consumer
        consumer.close();
      } else {
        this.consumers.set(consumer.id, consumer);
        if (this.remotelyPaused.get(consumer.id) === true) consumer.pause();
      }
      return 'accept';
    }
    if (method === 'newDataConsumer') {
      if (!this.recvTransport) throw new Error('no recv transport');
      const dataConsumer = await this.recvTransport.consumeData({
        id: text(data, this.isNew ? 'dataConsumerId' : 'id'),
        dataProducerId: text(data, 'dataProducerId'),
        sctpStreamParameters: field(data, 'sctpStreamParameters') as types.SctpStreamParameters,
        label: text(data, 'label'),
        protocol: text(data, 'protocol'),
      });
      this.dataConsumers.set(dataConsumer.id, dataConsumer);
      return 'accept';
    }
    throw new Error(`unexpected request ${method}`);
  }

  #onNotification(method: string, data: Json): void {
    const consumer = this.consumers.get(String(data.consumerId));
    switch (method) {
      case 'consumerClosed':
        if (consumer === undefined) this.#closedEarly.add(String(data.consumerId));
        consumer?.close();
        this.consumers.delete(String(data.consumerId));
        break;
      case 'consumerPaused':
      case 'consumerResumed':
        this.remotelyPaused.set(String(data.consumerId), method === 'consumerPaused');
        if (method === 'consumerPaused') consumer?.pause();
        else consumer?.resume();
        break;
      case 'dataConsumerClosed':
        this.dataConsumers.get(String(data.dataConsumerId))?.close();
        this.dataConsumers.delete(String(data.dataConsumerId));
        break;
    }
  }

  close(): void {
    this.peer.close();
    this.sendTransport?.close();
    this.recvTransport?.close();
  }
}

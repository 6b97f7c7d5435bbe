/**
 * Proof against the real implementation (issue 3): mediasoupClientMachine vs mediasoup-client
 * 3.24.1.
 *
 * A real mediasoup-client `Device` with its `FakeHandler` and `fakeParameters` (Node, no
 * browser) is driven by a small room client written like mediasoup-demo's RoomClient, in
 * either dialect (protocol.md §2), against a scripted server in this file that answers as
 * mediasoup-demo does. There is no socket: the protoo layer is played in process on a
 * simulated clock (no timers) — frames are protoo's JSON (`encode`, and protoo-server's error
 * shape without `ok`), request ids come from a seeded generator, and a request the server
 * leaves unanswered times out after protoo's `requestTimeoutMs`. Everything that crosses the
 * wire goes into a SessionLog as a capture has it: `ws.open`, `ws.frame`, `ws.close`, a `note`
 * when protoo-client gives up, and `pc` events for each transport's peer connection whenever
 * the real Transport reports a connection state, and when it closes.
 *
 * The recorder ties each peer connection to its transport in one of the four ways the model
 * knows, one per run: a `create` event with `{ transportId }`; a remote SDP carrying the
 * transport's ICE ufrag; the offer's direction (`createOffer` / a remote offer); or ids named
 * `send-pc` / `recv-pc`. Every run checks that this rule is the one that decided.
 *
 * After every step the log goes through the analysis and the mediasoup driver (updated
 * incrementally, as live mode does), and the room model at the last event must agree with
 * the real objects: the Device's `loaded`; each Transport's id, direction, `connectionState`
 * and `closed`; each Producer's id, kind, `paused`, `closed`; each Consumer's id, producerId,
 * kind, `paused` (the server's: paused until the client accepts), `closed`; DataProducers and
 * DataConsumers by id, label and `closed`; plus what the app learnt from the server (joined,
 * peers, remotely paused producers), the machine's state and the problems so far.
 */
import { Device, type types } from 'mediasoup-client';
import { FakeHandler } from 'mediasoup-client/handlers/FakeHandler';
import * as fakeParameters from 'mediasoup-client/fakeParameters';
import { FakeMediaStreamTrack } from 'fake-mediastreamtrack';
import { describe, expect, it } from 'vitest';
import { encode, requestTimeoutMs, type OutgoingMessage } from '../src/protocol/codec.ts';
import { SessionAnalysis } from '../src/projections/analysis.ts';
import { createMediasoupClientDriver } from '../src/projections/drivers/mediasoupClientDriver.ts';
import { SessionLog } from '../src/session/SessionLog.ts';
import type { PcMappingRule, RoomModel, RoomProblemCode } from './mediasoupClientMachine.ts';
import { entry, keysOf, valuesOf, type Table } from './mediasoupClientMachine.tables.ts';

type Dialect = 'legacy' | 'new';
type Direction = 'send' | 'recv';
type Json = Record<string, unknown>;

const CONN = 'c1';

// ── protoo on a simulated clock ───────────────────────────────────────────

/** How the scripted server answers one request. */
type Answer =
  | { readonly ok: true; readonly data: unknown }
  | { readonly ok: false; readonly code: number; readonly reason: string };

/** The server side of the wire. */
interface Server {
  answer(method: string, data: unknown): Answer;
  /** Whether the server is too slow to answer this request before protoo-client gives up. */
  slow(method: string): boolean;
}

/** How the client answers one server request. */
type ClientAnswer = 'accept' | 'silent';

/** A client request protoo-client gave up on, and the answer the server sends too late. */
interface TimedOut {
  readonly id: number;
  readonly method: string;
  readonly index: number;
  readonly answer: Answer;
}

/**
 * The wire: appends every frame to the log, times requests out as protoo does, and keeps the
 * log indexes of what timed out and what came late (to check the analysis agrees).
 */
class Wire {
  readonly log = new SessionLog();
  now = 0;
  private seed = 0x2f6b_1d33;
  /** Client requests in flight (protoo-client's `_sents.size`). */
  private inFlight = 0;
  private serverInFlight = 0;
  readonly timedOut: TimedOut[] = [];
  readonly lateResponses: number[] = [];

  /** protoo's request id (`Math.round(Math.random() * 1e7)`), from a seeded generator. */
  private nextId(): number {
    this.seed = (Math.imul(this.seed, 1_103_515_245) + 12_345) >>> 0;
    return Math.round((this.seed / 2 ** 32) * 10_000_000);
  }
  private frame(dir: 'in' | 'out', text: string): number {
    this.now += 2;
    return this.log.append({ t: this.now, type: 'ws.frame', conn: CONN, dir, text });
  }
  private send(dir: 'in' | 'out', message: OutgoingMessage): number {
    return this.frame(dir, encode(message));
  }
  note(text: string): void {
    this.log.append({ t: this.now, type: 'note', text, conn: CONN });
  }
  open(url: string): void {
    this.now += 5;
    this.log.append({ t: this.now, type: 'ws.open', conn: CONN, url, protocol: 'protoo' });
  }
  close(code: number): void {
    this.now += 5;
    this.log.append({ t: this.now, type: 'ws.close', conn: CONN, code });
  }
  pc(pc: string, event: string, value?: unknown): void {
    this.now += 1;
    this.log.append({
      t: this.now,
      type: 'pc',
      pc,
      event,
      ...(value === undefined ? {} : { value }),
      conn: CONN,
    });
  }
  notify(method: string, data: unknown): void {
    this.send('in', { kind: 'notification', method, data });
  }
  clientNotify(method: string, data: unknown): void {
    this.send('out', { kind: 'notification', method, data });
  }

  private respond(id: number, reply: Answer): number {
    if (reply.ok) return this.send('in', { kind: 'success', id, data: reply.data });
    // protoo-server's error response has no `ok` field (protocol.md §1)
    const text = JSON.stringify({
      response: true,
      id,
      errorCode: reply.code,
      errorReason: reply.reason,
    });
    return this.frame('in', text);
  }

  /**
   * A client request and its fate: answered, rejected, or — when the server is slow —
   * timed out by protoo-client 1500 · (15 + 0.1 · pending) ms after it was sent.
   */
  request(method: string, data: unknown, server: Server): Promise<unknown> {
    const id = this.nextId();
    const index = this.send('out', { kind: 'request', id, method, data });
    const deadline = this.now + requestTimeoutMs('client', this.inFlight);
    const reply = server.answer(method, data);
    if (server.slow(method)) {
      this.now = deadline + 1;
      this.note(`protoo-client: ${method} request timeout`);
      this.timedOut.push({ id, method, index, answer: reply });
      return Promise.reject(new Error('request timeout'));
    }
    this.respond(id, reply);
    return reply.ok
      ? Promise.resolve(reply.data)
      : Promise.reject(Object.assign(new Error(reply.reason), { code: reply.code }));
  }

  /** The slow server's answer to the last timed-out request arrives: protoo-client drops it. */
  answerLate(): void {
    const last = this.timedOut[this.timedOut.length - 1];
    if (last === undefined) throw new Error('no request timed out');
    this.now += 500;
    this.lateResponses.push(this.respond(last.id, last.answer));
  }

  /** A server request; `handle` is the client's listener. */
  async serverRequest(
    method: string,
    data: unknown,
    handle: () => Promise<ClientAnswer>,
  ): Promise<void> {
    const id = this.nextId();
    this.send('in', { kind: 'request', id, method, data });
    const deadline = this.now + requestTimeoutMs('server', this.serverInFlight);
    this.serverInFlight++;
    const answer = await handle();
    this.serverInFlight--;
    if (answer === 'accept') {
      this.send('out', { kind: 'success', id, data: {} });
    } else {
      this.now = deadline + 1;
      this.note(`protoo-server: ${method} request timeout`);
    }
  }
}

// ── the scripted mediasoup-demo server ────────────────────────────────────

const GRACE = { id: 'g1', displayName: 'Grace', device: { flag: 'firefox', name: 'Firefox' } };
const MARGARET = { id: 'm2', displayName: 'Margaret', device: { flag: 'chrome', name: 'Chrome' } };

function peerInfo(dialect: Dialect, peer: typeof GRACE): Json {
  return dialect === 'legacy'
    ? { ...peer }
    : {
        peerId: peer.id,
        displayName: peer.displayName,
        device: peer.device,
        remoteAddress: '10.0.0.7',
      };
}

class DemoServer implements Server {
  readonly dialect: Dialect;
  private joined = false;
  private n = 0;
  /** Methods the server will be too slow to answer in time, once each, in order. */
  private readonly slowOnes: string[] = [];

  constructor(dialect: Dialect) {
    this.dialect = dialect;
  }

  beSlow(method: string): void {
    this.slowOnes.push(method);
  }

  slow(method: string): boolean {
    if (this.slowOnes[0] !== method) return false;
    this.slowOnes.shift();
    return true;
  }

  private named(legacyKey: string, newKey: string, value: unknown, rest: Json = {}): Json {
    return { [this.dialect === 'legacy' ? legacyKey : newKey]: value, ...rest };
  }

  answer(method: string, _data: unknown): Answer {
    const ok = (value: unknown): Answer => ({ ok: true, data: value });
    const isNew = this.dialect === 'new';
    switch (method) {
      case 'getRouterRtpCapabilities': {
        const caps = fakeParameters.generateRouterRtpCapabilities();
        return ok(isNew ? { routerRtpCapabilities: caps } : caps);
      }
      case 'createWebRtcTransport': {
        const n = ++this.n;
        const p = fakeParameters.generateTransportRemoteParameters();
        return ok(
          this.named('id', 'transportId', `transport-${n}`, {
            // a ufrag per transport, as mediasoup gives
            iceParameters: { ...p.iceParameters, usernameFragment: `ufrag${n}h3hk1iz6qqln` },
            iceCandidates: p.iceCandidates,
            dtlsParameters: p.dtlsParameters,
            sctpParameters: p.sctpParameters,
          }),
        );
      }
      case 'connectWebRtcTransport':
        return ok({});
      case 'join':
        if (this.joined) return { ok: false, code: 500, reason: 'Peer already joined' };
        this.joined = true;
        return ok({ peers: [peerInfo(this.dialect, GRACE)] });
      case 'produce':
      case 'produceData': {
        if (!this.joined) return { ok: false, code: 500, reason: 'Peer not yet joined' };
        const n = ++this.n;
        return method === 'produce'
          ? ok(this.named('id', 'producerId', `producer-${n}`))
          : ok(this.named('id', 'dataProducerId', `data-producer-${n}`));
      }
      case 'pauseProducer':
      case 'resumeProducer':
      case 'closeProducer':
      case 'pauseConsumer':
      case 'resumeConsumer':
        return ok({});
      default:
        return { ok: false, code: 500, reason: `unknown request.method "${method}"` };
    }
  }

  /** `newConsumer` data for a producer of `peer` with `codec`. */
  consumerOffer(
    peerId: string,
    codec: 'audio/opus' | 'video/VP8' | 'audio/ISAC',
    recvTransportId: string,
    producerPaused = false,
  ): Json {
    const n = ++this.n;
    const p = fakeParameters.generateConsumerRemoteParameters({ codecMimeType: codec });
    const common = {
      peerId,
      producerId: `remote-producer-${n}`,
      kind: p.kind,
      rtpParameters: p.rtpParameters,
      type: 'simple',
      producerPaused,
    };
    return this.dialect === 'legacy'
      ? { ...common, id: `consumer-${n}`, appData: {} }
      : {
          ...common,
          transportId: recvTransportId,
          consumerId: `consumer-${n}`,
          consumerScore: { score: 10, producerScore: 10, producerScores: [10] },
          appData: { peerId, source: p.kind === 'audio' ? 'mic' : 'webcam' },
        };
  }

  /** `newDataConsumer` data (no peer: the bot). */
  dataConsumerOffer(peerId: string | null, label: string, recvTransportId: string): Json {
    const n = ++this.n;
    const common = {
      dataProducerId: `remote-data-producer-${n}`,
      sctpStreamParameters: { streamId: n, ordered: true },
      label,
      protocol: '',
    };
    return this.dialect === 'legacy'
      ? { ...common, peerId, id: `data-consumer-${n}`, appData: {} }
      : {
          ...common,
          ...(peerId === null ? {} : { peerId }),
          transportId: recvTransportId,
          dataConsumerId: `data-consumer-${n}`,
          appData: { ...(peerId === null ? {} : { peerId }), channel: label },
        };
  }
}

// ── the room client (mediasoup-demo's RoomClient, reduced) ────────────────

const field = (data: unknown, key: string): unknown =>
  typeof data === 'object' && data !== null ? (data as Json)[key] : undefined;
const text = (data: unknown, key: string): string => {
  const value = field(data, key);
  if (typeof value !== 'string') throw new TypeError(`${key} is not a string`);
  return value;
};

/** A remote SDP as mediasoup-client's handlers build it from the server's parameters. */
const remoteSdp = (ufrag: string | null): string =>
  [
    'v=0',
    'o=mediasoup-client 10000 1 IN IP4 0.0.0.0',
    's=-',
    't=0 0',
    'a=ice-lite',
    'm=application 7 UDP/DTLS/SCTP webrtc-datachannel',
    ...(ufrag === null ? [] : [`a=ice-ufrag:${ufrag}`]),
    'a=ice-pwd:yku5ej8nvfaor28lvtrabcx0wkrpkztz',
    '',
  ].join('\r\n');

/**
 * What the demo clients send as `sctpCapabilities` (protocol.md §2.3); mediasoup-client 3.24
 * no longer has `device.sctpCapabilities`, so these are the values older Devices gave.
 */
const SCTP_CAPABILITIES = { numStreams: { OS: 1024, MIS: 1024 } };

class RoomClient {
  readonly device = new Device({ handlerFactory: FakeHandler.createFactory(fakeParameters) });
  readonly wire: Wire;
  readonly server: DemoServer;
  readonly dialect: Dialect;
  readonly rule: PcMappingRule;
  joined = false;
  sendTransport: types.Transport | undefined;
  recvTransport: types.Transport | undefined;
  /** Everything created on the current socket, closed ones included. */
  readonly transports: types.Transport[] = [];
  readonly producers: types.Producer[] = [];
  readonly consumers: types.Consumer[] = [];
  readonly dataProducers: types.DataProducer[] = [];
  readonly dataConsumers: types.DataConsumer[] = [];
  /** Consumers created but not yet accepted: the server holds them paused. */
  readonly unanswered = new Set<string>();
  /** Consumer ids the Device could not consume (the offer was left unanswered). */
  readonly refused: string[] = [];
  readonly remotelyPaused = new Map<string, boolean>();
  readonly peers = new Map<string, boolean>();
  /** transport id → the pc id the recorder logged evidence for. */
  readonly pcOf = new Map<string, string>();
  private pcCount = 0;

  constructor(wire: Wire, server: DemoServer, rule: PcMappingRule) {
    this.wire = wire;
    this.server = server;
    this.dialect = server.dialect;
    this.rule = rule;
  }

  private get isNew(): boolean {
    return this.dialect === 'new';
  }

  request(method: string, data: unknown): Promise<unknown> {
    return this.wire.request(method, data, this.server);
  }

  open(): void {
    const extra = this.isNew ? '&usePipeTransports=false' : '';
    this.wire.open(`wss://demo.example.org:4443/?roomId=r1&peerId=me&consumerReplicas=0${extra}`);
    this.wire.notify(this.isNew ? 'mediasoupVersion' : 'mediasoup-version', { version: '3.14.16' });
  }

  async loadDevice(): Promise<void> {
    const data = await this.request('getRouterRtpCapabilities', {});
    const caps = (
      this.isNew ? field(data, 'routerRtpCapabilities') : data
    ) as types.RtpCapabilities;
    await this.device.load({ routerRtpCapabilities: caps });
  }

  async createTransport(direction: Direction): Promise<types.Transport> {
    const sctpCapabilities = SCTP_CAPABILITIES;
    const data = await this.request(
      'createWebRtcTransport',
      this.isNew
        ? {
            forceTcp: false,
            sctpCapabilities,
            appData: { direction: direction === 'send' ? 'producer' : 'consumer' },
          }
        : {
            forceTcp: false,
            producing: direction === 'send',
            consuming: direction === 'recv',
            sctpCapabilities,
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
    this.transports.push(transport);
    if (direction === 'send') this.sendTransport = transport;
    else this.recvTransport = transport;
    this.recordPc(transport, direction, options.iceParameters.usernameFragment);

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
      transport.on('producedata', (parameters, callback, errback) => {
        const { sctpStreamParameters, label, protocol, appData } = parameters;
        this.request('produceData', {
          transportId: transport.id,
          sctpStreamParameters,
          label,
          protocol,
          appData,
        }).then((reply) => {
          callback({ id: text(reply, this.isNew ? 'dataProducerId' : 'id') });
        }, errback);
      });
    }
    return transport;
  }

  /** The pc recorder: what a capture of this transport's RTCPeerConnection shows. */
  private recordPc(transport: types.Transport, direction: Direction, ufrag: string): void {
    this.pcCount++;
    const pc = this.rule === 'pc-name' ? `${direction}-pc` : `pc-${this.pcCount}`;
    const log = (event: string, value?: unknown): void => {
      this.pcOf.set(transport.id, pc);
      this.wire.pc(pc, event, value);
    };
    if (this.rule === 'create') log('create', { transportId: transport.id });
    let negotiated = false;
    transport.on('connectionstatechange', (state) => {
      if (!negotiated) {
        negotiated = true;
        if (this.rule === 'ice-ufrag') {
          const type = direction === 'send' ? 'answer' : 'offer';
          log('setRemoteDescription', { type, sdp: remoteSdp(ufrag) });
        } else if (this.rule === 'offer-direction') {
          if (direction === 'send') log('createOffer');
          else log('setRemoteDescription', { type: 'offer', sdp: remoteSdp(null) });
        }
      }
      log('connectionstatechange', state);
    });
    transport.observer.on('close', () => {
      log('close');
    });
  }

  async join(): Promise<void> {
    const data = await this.request('join', {
      displayName: 'Ada',
      device: { flag: 'chrome', name: 'Chrome', version: '131.0.0.0' },
      rtpCapabilities: this.device.recvRtpCapabilities,
      sctpCapabilities: SCTP_CAPABILITIES,
    });
    this.joined = true;
    const peers = field(data, 'peers');
    for (const peer of Array.isArray(peers) ? (peers as unknown[]) : []) {
      this.peers.set(text(peer, this.isNew ? 'peerId' : 'id'), true);
    }
  }

  get send(): types.Transport {
    if (this.sendTransport === undefined) throw new Error('no send transport');
    return this.sendTransport;
  }
  get recv(): types.Transport {
    if (this.recvTransport === undefined) throw new Error('no recv transport');
    return this.recvTransport;
  }

  async produce(kind: 'audio' | 'video'): Promise<types.Producer> {
    const producer = await this.send.produce({ track: new FakeMediaStreamTrack({ kind }) });
    this.producers.push(producer);
    return producer;
  }

  async produceData(label: string): Promise<types.DataProducer> {
    const dataProducer = await this.send.produceData({ label, ordered: false, maxRetransmits: 1 });
    this.dataProducers.push(dataProducer);
    return dataProducer;
  }

  /** `pauseProducer` & co: requests in legacy, notifications in new (§2.3). */
  private async call(method: string, data: Json): Promise<void> {
    if (this.isNew) this.wire.clientNotify(method, data);
    else await this.request(method, data);
  }
  async pauseProducer(producer: types.Producer, paused: boolean): Promise<void> {
    if (paused) producer.pause();
    else producer.resume();
    await this.call(paused ? 'pauseProducer' : 'resumeProducer', { producerId: producer.id });
  }
  async closeProducer(producer: types.Producer): Promise<void> {
    producer.close();
    await this.call('closeProducer', { producerId: producer.id });
  }
  async pauseConsumer(consumer: types.Consumer, paused: boolean): Promise<void> {
    if (paused) consumer.pause();
    else consumer.resume();
    await this.call(paused ? 'pauseConsumer' : 'resumeConsumer', { consumerId: consumer.id });
  }

  /** The listener of server requests; `beforeAccept` runs between consume and accept. */
  async onNewConsumer(data: Json, beforeAccept?: () => void): Promise<ClientAnswer> {
    const id = text(data, this.isNew ? 'consumerId' : 'id');
    try {
      const consumer = await this.recv.consume({
        id,
        producerId: text(data, 'producerId'),
        kind: text(data, 'kind') as types.MediaKind,
        rtpParameters: field(data, 'rtpParameters') as types.RtpParameters,
        appData: { peerId: field(data, 'peerId') },
      });
      this.consumers.push(consumer);
      this.remotelyPaused.set(id, field(data, 'producerPaused') === true);
      this.unanswered.add(id);
      beforeAccept?.();
      this.unanswered.delete(id);
      return 'accept';
    } catch {
      // mediasoup-demo's async listener throws: protoo-client sends no response (§1)
      this.refused.push(id);
      return 'silent';
    }
  }

  async onNewDataConsumer(data: Json): Promise<ClientAnswer> {
    const dataConsumer = await this.recv.consumeData({
      id: text(data, this.isNew ? 'dataConsumerId' : 'id'),
      dataProducerId: text(data, 'dataProducerId'),
      sctpStreamParameters: field(data, 'sctpStreamParameters') as types.SctpStreamParameters,
      label: text(data, 'label'),
    });
    this.dataConsumers.push(dataConsumer);
    return 'accept';
  }

  /** A server notification and what the demo does with it. */
  onNotification(method: string, data: Json): void {
    this.wire.notify(method, data);
    const consumer = this.consumers.find((c) => c.id === field(data, 'consumerId'));
    switch (method) {
      case 'consumerClosed':
        consumer?.close();
        break;
      case 'consumerPaused':
      case 'consumerResumed':
        if (consumer !== undefined) {
          this.remotelyPaused.set(consumer.id, method === 'consumerPaused');
        }
        break;
      case 'dataConsumerClosed':
        this.dataConsumers.find((d) => d.id === field(data, 'dataConsumerId'))?.close();
        break;
      case 'newPeer': {
        const peer = this.isNew ? field(data, 'peer') : data;
        this.peers.set(text(peer, this.isNew ? 'peerId' : 'id'), true);
        break;
      }
      case 'peerClosed':
        this.peers.set(text(data, 'peerId'), false);
        break;
    }
  }

  /** What the FakeHandler simulates: the peer connection's state changes. */
  setConnectionState(transport: types.Transport, state: types.ConnectionState): void {
    const handler = transport.handler;
    if (!(handler instanceof FakeHandler)) throw new Error('not a FakeHandler');
    handler.setConnectionState(state);
  }

  /** The socket drops: the demo closes its transports (protoo `disconnected`). */
  disconnect(code: number): void {
    this.wire.close(code);
    this.joined = false;
    for (const t of this.transports) t.close();
  }
}

// ── the comparison ────────────────────────────────────────────────────────

interface World {
  readonly wire: Wire;
  readonly server: DemoServer;
  readonly client: RoomClient;
  readonly analysis: SessionAnalysis;
  driver: ReturnType<typeof createMediasoupClientDriver> | undefined;
  /** The problems the script caused so far, in order. */
  readonly problems: RoomProblemCode[];
}

function world(dialect: Dialect, rule: PcMappingRule): World {
  const wire = new Wire();
  const server = new DemoServer(dialect);
  const client = new RoomClient(wire, server, rule);
  return {
    wire,
    server,
    client,
    analysis: new SessionAnalysis(wire.log),
    driver: undefined,
    problems: [],
  };
}

const sortedKeys = (table: Table<unknown>): string[] => keysOf(table).sort();
const sortedIds = (list: readonly { id: string }[]): string[] => list.map((o) => o.id).sort();

/** The room model at the end of the log, read as live mode reads it. */
function modelNow(w: World): { value: unknown; room: RoomModel } {
  w.analysis.update();
  if (w.driver === undefined) w.driver = createMediasoupClientDriver(w.analysis, { every: 4 });
  else w.driver.update();
  const track = w.driver.track(CONN);
  if (track === undefined) throw new Error('the driver did not take the connection as mediasoup');
  const snapshot = track.snapshotAtLogIndex(w.wire.log.length - 1);
  return { value: snapshot.value, room: snapshot.context.room };
}

/** The room model agrees with the real objects (and the app's own state) after `step`. */
function agree(w: World, step: string, state: string): RoomModel {
  const { client } = w;
  const { value, room } = modelNow(w);
  expect(value, step).toBe(state);
  expect(room.capabilitiesLoaded, `${step}: Device loaded`).toBe(client.device.loaded);
  expect(room.joined, `${step}: joined`).toBe(client.joined);

  expect(sortedKeys(room.transports), `${step}: transports`).toEqual(sortedIds(client.transports));
  for (const t of client.transports) {
    const pc = client.pcOf.get(t.id) ?? null;
    expect(entry(room.transports, t.id), `${step}: transport ${t.direction}`).toMatchObject({
      direction: t.direction,
      connectionState: t.connectionState,
      closed: t.closed,
      pc,
      pcRule: pc === null ? null : client.rule,
    });
  }

  expect(sortedKeys(room.producers), `${step}: producers`).toEqual(sortedIds(client.producers));
  for (const p of client.producers) {
    expect(entry(room.producers, p.id), `${step}: producer ${p.kind}`).toMatchObject({
      kind: p.kind,
      paused: p.paused,
      closed: p.closed,
      transportId: client.sendTransport?.id,
    });
  }

  expect(sortedKeys(room.consumers), `${step}: consumers`).toEqual(
    [...sortedIds(client.consumers), ...client.refused].sort(),
  );
  for (const c of client.consumers) {
    expect(entry(room.consumers, c.id), `${step}: consumer ${c.kind}`).toMatchObject({
      producerId: c.producerId,
      kind: c.kind,
      peerId: c.appData.peerId,
      paused: c.paused || client.unanswered.has(c.id),
      producerPaused: client.remotelyPaused.get(c.id),
      state: client.unanswered.has(c.id) ? 'offered' : 'accepted',
      closed: c.closed,
    });
  }
  for (const id of client.refused) {
    expect(entry(room.consumers, id)?.paused, `${step}: refused consumer`).toBe(true);
  }

  expect(sortedKeys(room.dataProducers), `${step}: data producers`).toEqual(
    sortedIds(client.dataProducers),
  );
  for (const d of client.dataProducers) {
    expect(entry(room.dataProducers, d.id), step).toMatchObject({
      label: d.label,
      closed: d.closed,
    });
  }
  expect(sortedKeys(room.dataConsumers), `${step}: data consumers`).toEqual(
    sortedIds(client.dataConsumers),
  );
  for (const d of client.dataConsumers) {
    expect(entry(room.dataConsumers, d.id), step).toMatchObject({
      label: d.label,
      closed: d.closed,
    });
  }

  const peers = Object.fromEntries(valuesOf(room.peers).map((p) => [p.id, p.present]));
  expect(peers, `${step}: peers`).toEqual(Object.fromEntries(client.peers));
  expect(
    room.problems.map((p) => p.code),
    `${step}: problems`,
  ).toEqual(w.problems);
  return room;
}

const CASES: readonly (readonly [Dialect, PcMappingRule])[] = [
  ['legacy', 'create'],
  ['legacy', 'ice-ufrag'],
  ['legacy', 'offer-direction'],
  ['legacy', 'pc-name'],
  ['new', 'create'],
  ['new', 'ice-ufrag'],
  ['new', 'offer-direction'],
  ['new', 'pc-name'],
];

describe.each(CASES)(
  'mediasoupClientMachine vs mediasoup-client, %s dialect, pcs by %s',
  (dialect, rule) => {
    it('load, transports, produce, consume, pause, resume, close: the model agrees at every step', async () => {
      const w = world(dialect, rule);
      const { client, server } = w;
      client.open();
      agree(w, 'socket open, version announced', 'connected');

      // the library refuses a transport before load: nothing goes on the wire
      expect(() =>
        client.device.createSendTransport(fakeParameters.generateTransportRemoteParameters()),
      ).toThrow(/not loaded/);
      agree(w, 'createSendTransport before load refused', 'connected');

      await client.loadDevice();
      agree(w, 'Device loaded', 'ready');
      await expect(
        client.device.load({
          routerRtpCapabilities: fakeParameters.generateRouterRtpCapabilities(),
        }),
      ).rejects.toThrow(/already loaded/);

      await client.createTransport('send');
      await client.createTransport('recv');
      agree(w, 'send and recv transports created', 'ready');
      await client.join();
      agree(w, 'joined', 'joined');

      // new: DataProducers right after join; legacy: after the send transport connects (§2.2)
      if (dialect === 'new') {
        await client.produceData('chat');
        agree(w, 'chat DataProducer (connects the send transport)', 'joined');
      }
      const mic = await client.produce('audio');
      agree(w, 'mic produced', 'joined');
      client.setConnectionState(client.send, 'connected');
      agree(w, 'send transport connected', 'joined');
      const webcam = await client.produce('video');
      agree(w, 'webcam produced', 'joined');
      if (dialect === 'legacy') {
        await client.produceData('chat');
        await client.produceData('bot');
        agree(w, 'chat and bot DataProducers', 'joined');
      }

      const recvId = client.recv.id;
      let checked: unknown[] = [];
      const audioOffer = server.consumerOffer(GRACE.id, 'audio/opus', recvId);
      await w.wire.serverRequest('newConsumer', audioOffer, () =>
        client.onNewConsumer(audioOffer, () => {
          // consumed, not yet accepted: the server still holds its consumer paused
          const offered = agree(w, 'first consumer consumed, before accept', 'joined');
          checked = valuesOf(offered.consumers).map((c) => [c.state, c.paused]);
        }),
      );
      expect(checked).toEqual([['offered', true]]);
      agree(w, 'first consumer accepted (connects the recv transport)', 'joined');
      client.setConnectionState(client.recv, 'connected');
      const videoOffer = server.consumerOffer(GRACE.id, 'video/VP8', recvId, true);
      await w.wire.serverRequest('newConsumer', videoOffer, () => client.onNewConsumer(videoOffer));
      agree(w, 'video consumer of a paused producer', 'joined');
      const chatOffer = server.dataConsumerOffer(GRACE.id, 'chat', recvId);
      await w.wire.serverRequest('newDataConsumer', chatOffer, () =>
        client.onNewDataConsumer(chatOffer),
      );
      const botOffer = server.dataConsumerOffer(null, 'bot', recvId);
      await w.wire.serverRequest('newDataConsumer', botOffer, () =>
        client.onNewDataConsumer(botOffer),
      );
      agree(w, 'chat and bot DataConsumers', 'joined');

      const [audio, video] = client.consumers;
      if (audio === undefined || video === undefined) throw new Error('two consumers expected');
      client.onNotification('consumerResumed', { consumerId: video.id });
      agree(w, 'remote webcam resumed', 'joined');

      await client.pauseProducer(webcam, true);
      agree(w, 'webcam paused', 'joined');
      await client.pauseProducer(webcam, false);
      agree(w, 'webcam resumed', 'joined');
      await client.pauseConsumer(video, true);
      agree(w, 'video consumer paused', 'joined');
      await client.pauseConsumer(video, false);
      agree(w, 'video consumer resumed', 'joined');
      client.onNotification('consumerPaused', { consumerId: video.id });
      agree(w, 'remote webcam paused', 'joined');

      await client.closeProducer(mic);
      agree(w, 'mic closed', 'joined');
      client.onNotification('consumerClosed', { consumerId: video.id });
      agree(w, 'video consumer closed by the server', 'joined');

      client.onNotification(
        'newPeer',
        dialect === 'legacy' ? peerInfo(dialect, MARGARET) : { peer: peerInfo(dialect, MARGARET) },
      );
      agree(w, 'Margaret arrives', 'joined');
      // Grace leaves: her consumers and data consumers close, then peerClosed (§2.6)
      const chat = client.dataConsumers.find((d) => d.label === 'chat');
      client.onNotification('consumerClosed', { consumerId: audio.id });
      client.onNotification('dataConsumerClosed', { dataConsumerId: chat?.id });
      client.onNotification('peerClosed', { peerId: GRACE.id });
      agree(w, 'Grace left', 'joined');

      client.setConnectionState(client.recv, 'disconnected');
      agree(w, 'recv transport disconnected', 'joined');
      client.setConnectionState(client.recv, 'failed');
      w.problems.push('transport-failed');
      const failed = agree(w, 'recv transport failed', 'joined');
      expect(entry(failed.transports, recvId)?.connectionState).toBe('failed');

      client.recv.close();
      const closed = agree(w, 'recv transport closed by the app', 'joined');
      const bot = client.dataConsumers.find((d) => d.label === 'bot');
      expect(bot?.closed).toBe(true);
      expect(entry(closed.dataConsumers, bot?.id ?? '')?.closed).toBe(true);
      expect(entry(closed.transports, client.send.id)?.connectionState).toBe('connected');

      client.disconnect(1006);
      const end = agree(w, 'socket dropped: the demo closes everything', 'disconnected');
      // connect once per transport (§2.2)
      expect(valuesOf(end.transports).map((t) => [t.direction, t.connectRequests])).toEqual([
        ['send', 1],
        ['recv', 1],
      ]);
      expect(w.wire.timedOut).toEqual([]);
      // the live, step-by-step reading equals a replay of the whole log
      const replay = createMediasoupClientDriver(new SessionAnalysis(w.wire.log).update());
      expect(replay.room(w.wire.log.length - 1)).toEqual(end);
    });
  },
);

describe.each(['legacy', 'new'] as const)(
  'requests that protoo-client times out, %s dialect',
  (dialect) => {
    /** The model's timeouts and late responses are the analysis' own, at the same frames. */
    function sameAsAnalysis(w: World, room: RoomModel): void {
      const { wire, analysis } = w;
      expect(wire.timedOut.map((r) => analysis.outcome(r.index))).toEqual(
        wire.timedOut.map(() => 'timeout'),
      );
      expect(wire.lateResponses.map((i) => analysis.isLate(i))).toEqual(
        wire.lateResponses.map(() => true),
      );
      const seqsOf = (code: RoomProblemCode) =>
        room.problems.filter((p) => p.code === code).map((p) => [p.seq, p.subject]);
      expect(seqsOf('request-timeout')).toEqual(wire.timedOut.map((r) => [r.index, r.method]));
      expect(seqsOf('late-response').map(([seq]) => seq)).toEqual(wire.lateResponses);
    }

    it('a join the server answers too late: not joined, and the retry finds it already joined', async () => {
      const w = world(dialect, 'pc-name');
      const { client, server, wire } = w;
      client.open();
      await client.loadDevice();
      server.beSlow('join');
      await expect(client.join()).rejects.toThrow('request timeout');
      w.problems.push('request-timeout');
      agree(w, 'join timed out: not joined', 'ready');
      wire.answerLate();
      w.problems.push('late-response');
      agree(w, 'the join answer came late: dropped, still not joined', 'ready');
      // the server did join that peer: a second join is refused, the client stays out
      await expect(client.join()).rejects.toThrow('Peer already joined');
      const room = agree(w, 'the retry is refused', 'ready');
      sameAsAnalysis(w, room);
    });

    it('connect, produce, createWebRtcTransport time out: nothing made, late answers dropped', async () => {
      const w = world(dialect, 'pc-name');
      const { client, server, wire } = w;
      client.open();
      await client.loadDevice();
      const send = await client.createTransport('send');
      await client.join();
      agree(w, 'joined with a send transport', 'joined');

      server.beSlow('connectWebRtcTransport');
      await expect(client.produce('audio')).rejects.toThrow('request timeout');
      w.problems.push('request-timeout');
      let room = agree(w, 'connect timed out: no producer', 'joined');
      expect(entry(room.transports, send.id)?.connect).toBe('failed');
      expect(send.connectionState).toBe('connecting');

      // mediasoup-client emits `connect` again on the next produce: not a second-connect
      server.beSlow('produce');
      await expect(client.produce('audio')).rejects.toThrow('request timeout');
      w.problems.push('request-timeout');
      room = agree(w, 'connected, then produce timed out: no producer', 'joined');
      expect(entry(room.transports, send.id)).toMatchObject({
        connect: 'connected',
        connectRequests: 2,
      });
      wire.answerLate();
      w.problems.push('late-response');
      agree(w, 'the produce answer came late: no producer', 'joined');
      await client.produce('audio');
      agree(w, 'third produce: a producer', 'joined');

      server.beSlow('createWebRtcTransport');
      await expect(client.createTransport('recv')).rejects.toThrow('request timeout');
      w.problems.push('request-timeout');
      agree(w, 'createWebRtcTransport timed out: no transport', 'joined');
      wire.answerLate();
      w.problems.push('late-response');
      room = agree(w, 'the transport answer came late: no transport', 'joined');
      expect(client.transports).toHaveLength(1);
      sameAsAnalysis(w, room);
    });
  },
);

describe.each(['legacy', 'new'] as const)(
  'out-of-order calls the real library or server rejects, %s dialect',
  (dialect) => {
    it('produce before join, consume with unsupported capabilities, join twice', async () => {
      const w = world(dialect, 'pc-name');
      const { client, server } = w;
      client.open();
      await client.loadDevice();
      await client.createTransport('send');
      const recv = await client.createTransport('recv');
      // a recv transport cannot produce: refused by the library, nothing on the wire
      await expect(
        recv.produce({ track: new FakeMediaStreamTrack({ kind: 'audio' }) }),
      ).rejects.toThrow(/not a sending transport/);
      agree(w, 'produce on a recv transport refused locally', 'ready');

      await expect(client.produce('audio')).rejects.toThrow('Peer not yet joined');
      w.problems.push('before-join');
      agree(w, 'produce before join: the server refuses, no producer', 'ready');

      await client.join();
      agree(w, 'joined', 'joined');

      const isac = server.consumerOffer(GRACE.id, 'audio/ISAC', recv.id);
      await w.wire.serverRequest('newConsumer', isac, () => client.onNewConsumer(isac));
      expect(client.refused).toHaveLength(1);
      w.problems.push('consumer-left-paused');
      const room = agree(w, 'a consumer the Device cannot receive: never answered', 'joined');
      expect(entry(room.consumers, client.refused[0] ?? '')).toMatchObject({
        state: 'unanswered',
        paused: true,
      });

      await expect(client.join()).rejects.toThrow('Peer already joined');
      w.problems.push('join-twice');
      agree(w, 'join again: refused, still joined', 'joined');
    });
  },
);

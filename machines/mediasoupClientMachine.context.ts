/**
 * The room model of a mediasoup-demo client (protocol.md §2, §3) and its pure reducer.
 *
 * Events are dialect-neutral: the driver passes the frames' `data` as decoded, and the
 * reducer reads the field names of both dialects (legacy `id` / new `consumerId`,
 * `{id, displayName}` / `{peer:{peerId, displayName}}`, …). It never throws, whatever the
 * shape of `data` (null, arrays, numbers, missing ids): what it cannot read, it skips.
 *
 * Out-of-order calls become {@link RoomProblem}s:
 * - `before-join`: `produce` / `produceData` sent while the peer is not joined;
 * - `unknown-transport`: a request naming a `transportId` this client never created (or one
 *   of a previous connection);
 * - `second-connect`: `connectWebRtcTransport` again on a transport already connecting or
 *   connected (mediasoup-client emits `connect` once per transport);
 * - `consumer-left-paused`: a `newConsumer` the client rejected or left unanswered until the
 *   server's timeout (`2000 · (15 + 0.1 · pending)` ms): the server keeps that consumer paused;
 * - `join-twice`: `join` sent while joined (or while a join is in flight).
 */
import { requestTimeoutMs } from '../src/protocol/codec.ts';

export type TransportDirection = 'send' | 'recv' | 'unknown';
/** `new` → `connecting` (connectWebRtcTransport sent) → `connected` (ok) | `failed` (error). */
export type TransportConnectState = 'new' | 'connecting' | 'connected' | 'failed';
/** `offered` (server request received) → `accepted` | `rejected` | `unanswered` (timed out). */
export type OfferState = 'offered' | 'accepted' | 'rejected' | 'unanswered';

export type RoomProblemCode =
  'before-join' | 'unknown-transport' | 'second-connect' | 'consumer-left-paused' | 'join-twice';

export interface RoomProblem {
  /** The `seq` of the event that shows the problem (the driver's log index). */
  readonly seq: number;
  readonly code: RoomProblemCode;
  readonly message: string;
  /** The transport / consumer / method the problem is about. */
  readonly subject?: string;
}

export interface RoomTransport {
  readonly id: string;
  readonly direction: TransportDirection;
  readonly connect: TransportConnectState;
  /** How many `connectWebRtcTransport` requests named it. */
  readonly connectRequests: number;
  /** Closed with the socket (the demo client closes its transports on disconnect). */
  readonly closed: boolean;
  readonly seq: number;
}

export interface RoomProducer {
  readonly id: string;
  readonly transportId: string | null;
  readonly kind: string | null;
  readonly paused: boolean;
  /** `producerScore` scores, one per encoding. */
  readonly scores: readonly number[];
  readonly closed: boolean;
  readonly seq: number;
}

export interface ConsumerLayers {
  readonly spatialLayer: number | null;
  readonly temporalLayer: number | null;
}

export interface RoomConsumer {
  readonly id: string;
  readonly producerId: string | null;
  readonly peerId: string | null;
  readonly kind: string | null;
  readonly type: string | null;
  /** New dialect only (`transportId` in `newConsumer`). */
  readonly transportId: string | null;
  readonly state: OfferState;
  /**
   * The consumer's own paused flag on the server: created paused, resumed when the client
   * accepts (§2.4), and `pauseConsumer` / `resumeConsumer` from the client.
   */
  readonly paused: boolean;
  /** Its producer is paused: `producerPaused` in `newConsumer`, then `consumerPaused` / `consumerResumed`. */
  readonly producerPaused: boolean;
  readonly score: number | null;
  readonly producerScore: number | null;
  /** `consumerLayersChanged`; null when no layers (or not yet). */
  readonly layers: ConsumerLayers | null;
  readonly closed: boolean;
  readonly seq: number;
}

export interface RoomDataProducer {
  readonly id: string;
  readonly transportId: string | null;
  readonly label: string | null;
  readonly closed: boolean;
  readonly seq: number;
}

export interface RoomDataConsumer {
  readonly id: string;
  readonly dataProducerId: string | null;
  /** Null for the bot. */
  readonly peerId: string | null;
  readonly label: string | null;
  readonly state: OfferState;
  readonly closed: boolean;
  readonly seq: number;
}

export interface PeerDevice {
  readonly flag: string | null;
  readonly name: string | null;
  readonly version: string | null;
}

export interface RoomPeer {
  readonly id: string;
  readonly displayName: string | null;
  readonly device: PeerDevice | null;
  /** Still in the room (false after `peerClosed`). */
  readonly present: boolean;
  readonly joinedSeq: number;
  readonly leftSeq: number | null;
}

export interface ActiveSpeaker {
  readonly peerId: string;
  readonly volume: number | null;
}

/** A client request waiting for its response, by protoo id. */
export interface PendingClientRequest {
  readonly method: string;
  readonly seq: number;
  readonly transportId: string | null;
  readonly kind: string | null;
  readonly label: string | null;
  readonly direction: TransportDirection;
}

/** A server request (`newConsumer`, `newDataConsumer`, …) waiting for the client's answer. */
export interface PendingServerRequest {
  readonly method: string;
  readonly seq: number;
  /** The consumer / data consumer it offers. */
  readonly subject: string | null;
  /** When the server gives up (ms, capture time). */
  readonly deadline: number;
}

type Table<T> = Readonly<Record<string, T>>;

export interface RoomModel {
  /** `mediasoup-version` / `mediasoupVersion` of this connection. */
  readonly version: string | null;
  /** How many times the socket opened; each open starts a fresh server-side Peer. */
  readonly epoch: number;
  readonly open: boolean;
  readonly closeCode: number | null;
  readonly capabilitiesLoaded: boolean;
  readonly joined: boolean;
  readonly displayName: string | null;
  readonly transports: Table<RoomTransport>;
  readonly producers: Table<RoomProducer>;
  readonly consumers: Table<RoomConsumer>;
  readonly dataProducers: Table<RoomDataProducer>;
  readonly dataConsumers: Table<RoomDataConsumer>;
  readonly peers: Table<RoomPeer>;
  readonly activeSpeaker: ActiveSpeaker | null;
  /** Last `speakingPeers` (new dialect). */
  readonly speaking: readonly ActiveSpeaker[];
  readonly pending: Table<PendingClientRequest>;
  readonly serverPending: Table<PendingServerRequest>;
  /** Earliest `serverPending` deadline (Infinity when none). */
  readonly nextDeadline: number;
  /** Latest time seen (ms). */
  readonly now: number;
  readonly problems: readonly RoomProblem[];
}

/** Events of the room client, dialect-neutral; `seq` is the event's log index. */
export type MediasoupClientEvent =
  | { readonly type: 'ws.open' }
  | { readonly type: 'ws.close'; readonly code?: number }
  | { readonly type: 'clock.tick'; readonly t: number }
  | { readonly type: 'ms.version'; readonly version: unknown; readonly seq?: number }
  | {
      readonly type: 'ms.request';
      readonly id: number;
      readonly method: string;
      readonly data: unknown;
      readonly seq: number;
    }
  | {
      readonly type: 'ms.response';
      readonly id: number;
      /** The request's method when known (the reducer also remembers it by id). */
      readonly method?: string;
      readonly ok: boolean;
      readonly data: unknown;
      readonly errorCode?: number;
      readonly errorReason?: string;
      readonly seq: number;
    }
  | {
      readonly type: 'ms.serverRequest';
      readonly id: number;
      readonly method: string;
      readonly data: unknown;
      readonly seq: number;
      /** Capture time (ms), for the server's timeout; `now` when absent. */
      readonly t?: number;
    }
  | {
      readonly type: 'ms.clientAnswer';
      readonly id: number;
      readonly ok: boolean;
      readonly seq: number;
    }
  | {
      readonly type: 'ms.notification';
      readonly method: string;
      readonly data: unknown;
      readonly seq: number;
    }
  | {
      readonly type: 'ms.clientNotification';
      readonly method: string;
      readonly data: unknown;
      readonly seq: number;
    };

export const INITIAL_ROOM: RoomModel = Object.freeze({
  version: null,
  epoch: 0,
  open: false,
  closeCode: null,
  capabilitiesLoaded: false,
  joined: false,
  displayName: null,
  transports: {},
  producers: {},
  consumers: {},
  dataProducers: {},
  dataConsumers: {},
  peers: {},
  activeSpeaker: null,
  speaking: [],
  pending: {},
  serverPending: {},
  nextDeadline: Infinity,
  now: 0,
  problems: [],
});

// ── tolerant readers ─────────────────────────────────────────────────────

type Obj = Readonly<Record<string, unknown>>;

function obj(value: unknown): Obj | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Obj)
    : undefined;
}
function field(value: unknown, key: string): unknown {
  const o = obj(value);
  return o !== undefined && Object.hasOwn(o, key) ? o[key] : undefined;
}
function str(value: unknown): string | null {
  return typeof value === 'string' ? value : null;
}
function num(value: unknown): number | null {
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
}
/** The first string among `keys` of `data`. */
function idOf(data: unknown, ...keys: string[]): string | null {
  for (const key of keys) {
    const s = str(field(data, key));
    if (s !== null) return s;
  }
  return null;
}

/** Own entry of a table (ids such as `__proto__` or `toString` stay plain keys). */
export function entry<T>(table: Table<T>, key: string): T | undefined {
  return Object.hasOwn(table, key) ? table[key] : undefined;
}
function put<T>(table: Table<T>, key: string, value: T): Table<T> {
  return { ...table, [key]: value };
}
function without<T>(table: Table<T>, key: string): Table<T> {
  const out: Record<string, T> = {};
  for (const k of Object.keys(table)) if (k !== key) out[k] = table[k] as T;
  return out;
}
function update<T>(table: Table<T>, key: string | null, change: (value: T) => T): Table<T> {
  if (key === null) return table;
  const value = entry(table, key);
  return value === undefined ? table : put(table, key, change(value));
}
function mapAll<T>(table: Table<T>, change: (value: T) => T): Table<T> {
  const out: Record<string, T> = {};
  for (const k of Object.keys(table)) out[k] = change(table[k] as T);
  return out;
}

function problem(
  room: RoomModel,
  seq: number,
  code: RoomProblemCode,
  message: string,
  subject?: string,
): RoomModel {
  const p: RoomProblem =
    subject === undefined ? { seq, code, message } : { seq, code, message, subject };
  return { ...room, problems: [...room.problems, p] };
}

function earliest(pending: Table<PendingServerRequest>): number {
  let min = Infinity;
  for (const k of Object.keys(pending)) min = Math.min(min, pending[k]?.deadline ?? Infinity);
  return min;
}

function directionOf(data: unknown): TransportDirection {
  const appDirection = field(field(data, 'appData'), 'direction');
  if (appDirection === 'producer') return 'send';
  if (appDirection === 'consumer') return 'recv';
  if (field(data, 'producing') === true) return 'send';
  if (field(data, 'consuming') === true) return 'recv';
  return 'unknown';
}

function deviceOf(value: unknown): PeerDevice | null {
  if (obj(value) === undefined) return null;
  return {
    flag: str(field(value, 'flag')),
    name: str(field(value, 'name')),
    version: str(field(value, 'version')),
  };
}

function addPeer(room: RoomModel, value: unknown, seq: number): RoomModel {
  const id = idOf(value, 'id', 'peerId');
  if (id === null) return room;
  const peer: RoomPeer = {
    id,
    displayName: str(field(value, 'displayName')),
    device: deviceOf(field(value, 'device')),
    present: true,
    joinedSeq: seq,
    leftSeq: null,
  };
  return { ...room, peers: put(room.peers, id, peer) };
}

const NEEDS_JOIN = new Set(['produce', 'produceData']);

// ── event handlers ───────────────────────────────────────────────────────

/** Client-side effects shared by legacy requests and new-dialect notifications (§2.3). */
function clientCall(room: RoomModel, method: string, data: unknown): RoomModel {
  const producerId = idOf(data, 'producerId');
  const consumerId = idOf(data, 'consumerId');
  switch (method) {
    case 'pauseProducer':
    case 'resumeProducer': {
      const paused = method === 'pauseProducer';
      return { ...room, producers: update(room.producers, producerId, (p) => ({ ...p, paused })) };
    }
    case 'closeProducer':
      return {
        ...room,
        producers: update(room.producers, producerId, (p) => ({ ...p, closed: true })),
      };
    case 'pauseConsumer':
    case 'resumeConsumer': {
      const paused = method === 'pauseConsumer';
      return { ...room, consumers: update(room.consumers, consumerId, (c) => ({ ...c, paused })) };
    }
    case 'changeDisplayName': {
      const displayName = str(field(data, 'displayName'));
      return displayName === null ? room : { ...room, displayName };
    }
    default:
      return room;
  }
}

function onRequest(
  room: RoomModel,
  event: Extract<MediasoupClientEvent, { type: 'ms.request' }>,
): RoomModel {
  const { method, data, seq } = event;
  const transportId = idOf(data, 'transportId');
  let next: RoomModel = {
    ...room,
    pending: put(room.pending, String(event.id), {
      method,
      seq,
      transportId,
      kind: str(field(data, 'kind')),
      label: str(field(data, 'label')),
      direction: method === 'createWebRtcTransport' ? directionOf(data) : 'unknown',
    }),
  };
  if (method === 'join') {
    const joinInFlight = Object.values(room.pending).some((p) => p.method === 'join');
    if (room.joined || joinInFlight) {
      next = problem(next, seq, 'join-twice', 'join sent while already joined', 'join');
    }
    const displayName = str(field(data, 'displayName'));
    if (displayName !== null) next = { ...next, displayName };
  }
  if (NEEDS_JOIN.has(method) && !room.joined) {
    next = problem(next, seq, 'before-join', `${method} sent before join`, method);
  }
  if (transportId !== null) {
    const transport = entry(room.transports, transportId);
    if (transport === undefined || transport.closed) {
      next = problem(
        next,
        seq,
        'unknown-transport',
        `${method} names transport ${transportId}, which this client did not create`,
        transportId,
      );
    } else if (method === 'connectWebRtcTransport') {
      if (transport.connect !== 'new') {
        next = problem(
          next,
          seq,
          'second-connect',
          `connectWebRtcTransport again on transport ${transportId} (${transport.connect})`,
          transportId,
        );
      }
      next = {
        ...next,
        transports: put(next.transports, transportId, {
          ...transport,
          connect: transport.connect === 'new' ? 'connecting' : transport.connect,
          connectRequests: transport.connectRequests + 1,
        }),
      };
    }
  }
  return clientCall(next, method, data);
}

function onResponse(
  room: RoomModel,
  event: Extract<MediasoupClientEvent, { type: 'ms.response' }>,
): RoomModel {
  const key = String(event.id);
  const request = entry(room.pending, key);
  const method = request?.method ?? event.method;
  const next: RoomModel =
    request === undefined ? room : { ...room, pending: without(room.pending, key) };
  const { data, seq, ok } = event;
  const transportId = request?.transportId ?? null;
  switch (method) {
    case 'getRouterRtpCapabilities':
      return ok ? { ...next, capabilitiesLoaded: true } : next;
    case 'createWebRtcTransport': {
      const id = ok ? idOf(data, 'id', 'transportId') : null;
      if (id === null) return next;
      const transport: RoomTransport = {
        id,
        direction: request?.direction ?? 'unknown',
        connect: 'new',
        connectRequests: 0,
        closed: false,
        seq,
      };
      return { ...next, transports: put(next.transports, id, transport) };
    }
    case 'connectWebRtcTransport':
      return {
        ...next,
        transports: update(next.transports, transportId, (t) =>
          t.connect === 'connecting' ? { ...t, connect: ok ? 'connected' : 'failed' } : t,
        ),
      };
    case 'join': {
      if (!ok) return next;
      let joined: RoomModel = { ...next, joined: true };
      const peers = field(data, 'peers');
      if (Array.isArray(peers))
        for (const p of peers as unknown[]) joined = addPeer(joined, p, seq);
      return joined;
    }
    case 'produce': {
      const id = ok ? idOf(data, 'id', 'producerId') : null;
      if (id === null) return next;
      const producer: RoomProducer = {
        id,
        transportId,
        kind: request?.kind ?? null,
        paused: false,
        scores: [],
        closed: false,
        seq,
      };
      return { ...next, producers: put(next.producers, id, producer) };
    }
    case 'produceData': {
      const id = ok ? idOf(data, 'id', 'dataProducerId') : null;
      if (id === null) return next;
      const dataProducer: RoomDataProducer = {
        id,
        transportId,
        label: request?.label ?? null,
        closed: false,
        seq,
      };
      return { ...next, dataProducers: put(next.dataProducers, id, dataProducer) };
    }
    default:
      return next;
  }
}

function onServerRequest(
  room: RoomModel,
  event: Extract<MediasoupClientEvent, { type: 'ms.serverRequest' }>,
): RoomModel {
  const { method, data, seq } = event;
  let next = room;
  let subject: string | null = null;
  if (method === 'newConsumer') {
    subject = idOf(data, 'id', 'consumerId');
    if (subject !== null) {
      const consumer: RoomConsumer = {
        id: subject,
        producerId: idOf(data, 'producerId'),
        peerId: idOf(data, 'peerId') ?? idOf(field(data, 'appData'), 'peerId'),
        kind: str(field(data, 'kind')),
        type: str(field(data, 'type')),
        transportId: idOf(data, 'transportId'),
        state: 'offered',
        paused: true,
        producerPaused: field(data, 'producerPaused') === true,
        score: num(field(field(data, 'consumerScore'), 'score')),
        producerScore: num(field(field(data, 'consumerScore'), 'producerScore')),
        layers: null,
        closed: false,
        seq,
      };
      next = { ...next, consumers: put(next.consumers, subject, consumer) };
    }
  } else if (method === 'newDataConsumer') {
    subject = idOf(data, 'id', 'dataConsumerId');
    if (subject !== null) {
      const dataConsumer: RoomDataConsumer = {
        id: subject,
        dataProducerId: idOf(data, 'dataProducerId'),
        peerId: idOf(data, 'peerId') ?? idOf(field(data, 'appData'), 'peerId'),
        label: str(field(data, 'label')),
        state: 'offered',
        closed: false,
        seq,
      };
      next = { ...next, dataConsumers: put(next.dataConsumers, subject, dataConsumer) };
    }
  }
  const key = String(event.id);
  const inFlight = Object.keys(room.serverPending).filter((k) => k !== key).length;
  const t = event.t ?? room.now;
  const deadline = t + requestTimeoutMs('server', inFlight);
  const serverPending = put(room.serverPending, key, { method, seq, subject, deadline });
  return {
    ...next,
    now: Math.max(room.now, t),
    serverPending,
    nextDeadline: earliest(serverPending),
  };
}

/** The server request `request` ended with `outcome` (answered or timed out). */
function settleOffer(
  room: RoomModel,
  request: PendingServerRequest,
  outcome: Exclude<OfferState, 'offered'>,
  seq: number,
): RoomModel {
  const { subject } = request;
  if (request.method === 'newConsumer') {
    const consumer = subject === null ? undefined : entry(room.consumers, subject);
    if (consumer === undefined || subject === null || consumer.state !== 'offered') return room;
    const accepted = outcome === 'accepted';
    const next: RoomModel = {
      ...room,
      consumers: put(room.consumers, subject, {
        ...consumer,
        state: outcome,
        paused: accepted ? false : consumer.paused,
      }),
    };
    if (accepted) return next;
    const why = outcome === 'rejected' ? 'rejected by the client' : 'never answered';
    return problem(
      next,
      seq,
      'consumer-left-paused',
      `newConsumer ${subject} ${why}: the server keeps it paused`,
      subject,
    );
  }
  if (request.method === 'newDataConsumer' && subject !== null) {
    return {
      ...room,
      dataConsumers: update(room.dataConsumers, subject, (d) =>
        d.state === 'offered' ? { ...d, state: outcome } : d,
      ),
    };
  }
  return room;
}

function onClientAnswer(
  room: RoomModel,
  event: Extract<MediasoupClientEvent, { type: 'ms.clientAnswer' }>,
): RoomModel {
  const key = String(event.id);
  const request = entry(room.serverPending, key);
  if (request === undefined) return room;
  const serverPending = without(room.serverPending, key);
  const next: RoomModel = { ...room, serverPending, nextDeadline: earliest(serverPending) };
  return settleOffer(next, request, event.ok ? 'accepted' : 'rejected', event.seq);
}

function onTick(room: RoomModel, t: number): RoomModel {
  const now = Math.max(room.now, t);
  if (now < room.nextDeadline) return now === room.now ? room : { ...room, now };
  const serverPending: Record<string, PendingServerRequest> = {};
  const expired: PendingServerRequest[] = [];
  for (const key of Object.keys(room.serverPending)) {
    const request = room.serverPending[key];
    if (request === undefined) continue;
    if (request.deadline <= now) expired.push(request);
    else serverPending[key] = request;
  }
  let next: RoomModel = { ...room, now, serverPending, nextDeadline: earliest(serverPending) };
  for (const request of expired) next = settleOffer(next, request, 'unanswered', request.seq);
  return next;
}

function layersOf(data: unknown): ConsumerLayers | null {
  const o = obj(data);
  if (o === undefined) return null;
  if (Object.hasOwn(o, 'layers')) {
    const layers = obj(o.layers);
    if (layers === undefined) return null;
    return {
      spatialLayer: num(field(layers, 'spatialLayer')),
      temporalLayer: num(field(layers, 'temporalLayer')),
    };
  }
  const spatialLayer = num(field(o, 'spatialLayer'));
  if (spatialLayer === null) return null;
  return { spatialLayer, temporalLayer: num(field(o, 'temporalLayer')) };
}

function onNotification(room: RoomModel, method: string, data: unknown, seq: number): RoomModel {
  const consumerId = idOf(data, 'consumerId');
  switch (method) {
    case 'mediasoup-version':
    case 'mediasoupVersion':
      return { ...room, version: str(field(data, 'version')) ?? room.version };
    case 'producerScore': {
      const list = field(data, 'score');
      const scores = Array.isArray(list)
        ? (list as unknown[]).map((s) => num(field(s, 'score'))).filter((s) => s !== null)
        : [];
      return {
        ...room,
        producers: update(room.producers, idOf(data, 'producerId'), (p) => ({ ...p, scores })),
      };
    }
    case 'newPeer': {
      const peer = field(data, 'peer');
      return addPeer(room, obj(peer) === undefined ? data : peer, seq);
    }
    case 'peerClosed':
      return {
        ...room,
        peers: update(room.peers, idOf(data, 'peerId'), (p) => ({
          ...p,
          present: false,
          leftSeq: seq,
        })),
        activeSpeaker:
          room.activeSpeaker?.peerId === idOf(data, 'peerId') ? null : room.activeSpeaker,
      };
    case 'peerDisplayNameChanged': {
      const displayName = str(field(data, 'displayName'));
      return {
        ...room,
        peers: update(room.peers, idOf(data, 'peerId'), (p) => ({ ...p, displayName })),
      };
    }
    case 'consumerClosed':
      return {
        ...room,
        consumers: update(room.consumers, consumerId, (c) => ({ ...c, closed: true })),
      };
    case 'consumerPaused':
    case 'consumerResumed': {
      const producerPaused = method === 'consumerPaused';
      return {
        ...room,
        consumers: update(room.consumers, consumerId, (c) => ({ ...c, producerPaused })),
      };
    }
    case 'consumerLayersChanged': {
      const layers = layersOf(data);
      return { ...room, consumers: update(room.consumers, consumerId, (c) => ({ ...c, layers })) };
    }
    case 'consumerScore': {
      const score = field(data, 'score');
      return {
        ...room,
        consumers: update(room.consumers, consumerId, (c) => ({
          ...c,
          score: num(field(score, 'score')),
          producerScore: num(field(score, 'producerScore')),
        })),
      };
    }
    case 'dataConsumerClosed':
      return {
        ...room,
        dataConsumers: update(room.dataConsumers, idOf(data, 'dataConsumerId'), (d) => ({
          ...d,
          closed: true,
        })),
      };
    case 'activeSpeaker': {
      const peerId = idOf(data, 'peerId');
      return {
        ...room,
        activeSpeaker: peerId === null ? null : { peerId, volume: num(field(data, 'volume')) },
      };
    }
    case 'speakingPeers': {
      const list = field(data, 'peerVolumes');
      const speaking: ActiveSpeaker[] = [];
      if (Array.isArray(list)) {
        for (const item of list as unknown[]) {
          const peerId = idOf(item, 'peerId');
          if (peerId !== null) speaking.push({ peerId, volume: num(field(item, 'volume')) });
        }
      }
      return { ...room, speaking };
    }
    default:
      return room;
  }
}

/** The socket closed: the server closes this Peer and everything it had. */
function onClose(room: RoomModel, code: number | undefined): RoomModel {
  return {
    ...room,
    open: false,
    closeCode: code ?? null,
    joined: false,
    transports: mapAll(room.transports, (t) => ({ ...t, closed: true })),
    producers: mapAll(room.producers, (p) => ({ ...p, closed: true })),
    consumers: mapAll(room.consumers, (c) => ({ ...c, closed: true })),
    dataProducers: mapAll(room.dataProducers, (d) => ({ ...d, closed: true })),
    dataConsumers: mapAll(room.dataConsumers, (d) => ({ ...d, closed: true })),
    activeSpeaker: null,
    speaking: [],
    serverPending: {},
    nextDeadline: Infinity,
  };
}

/** A socket opened: a new server-side Peer, an empty room until the client joins again. */
function onOpen(room: RoomModel): RoomModel {
  return {
    ...INITIAL_ROOM,
    epoch: room.epoch + 1,
    open: true,
    displayName: room.displayName,
    // protoo keeps pending requests across a reconnection; they run out their timers
    pending: room.pending,
    now: room.now,
    problems: room.problems,
  };
}

/**
 * The room model after one event. Pure; returns `room` itself when the event changes nothing.
 *
 * @example
 * let room = reduceRoom(INITIAL_ROOM, { type: 'ws.open' });
 * room = reduceRoom(room, { type: 'ms.request', id: 1, method: 'produce', data: {}, seq: 3 });
 * room.problems[0]?.code; // 'before-join'
 */
export function reduceRoom(room: RoomModel, event: MediasoupClientEvent): RoomModel {
  switch (event.type) {
    case 'ws.open':
      return onOpen(room);
    case 'ws.close':
      return onClose(room, event.code);
    case 'clock.tick':
      return onTick(room, event.t);
    case 'ms.version': {
      const version = str(event.version);
      return version === null ? room : { ...room, version };
    }
    case 'ms.request':
      return onRequest(room, event);
    case 'ms.response':
      return onResponse(room, event);
    case 'ms.serverRequest':
      return onServerRequest(room, event);
    case 'ms.clientAnswer':
      return onClientAnswer(room, event);
    case 'ms.notification':
      return onNotification(room, event.method, event.data, event.seq);
    case 'ms.clientNotification':
      return clientCall(room, event.method, event.data);
  }
}

/**
 * The method a response answers: remembered from its request, else the event's own.
 *
 * @example
 * respondedMethod(room, { type: 'ms.response', id: 7, ok: true, data: {}, seq: 9 }); // 'join'
 */
export function respondedMethod(room: RoomModel, event: MediasoupClientEvent): string | undefined {
  if (event.type !== 'ms.response') return undefined;
  return entry(room.pending, String(event.id))?.method ?? event.method;
}

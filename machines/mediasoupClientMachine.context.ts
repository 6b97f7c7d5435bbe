/**
 * The room model of a mediasoup-demo client (protocol.md §2, §3) and its pure reducer.
 *
 * Events are dialect-neutral: the driver passes the frames' `data` as decoded, and the
 * reducer reads the field names of both dialects (legacy `id` / new `consumerId`,
 * `{id, displayName}` / `{peer:{peerId, displayName}}`, …). It never throws, whatever the
 * shape of `data` (null, arrays, numbers, missing ids): what it cannot read, it skips.
 *
 * Time comes in with requests (`t`) and as `clock.tick { t }`. A client request protoo-client
 * gives up on (`1500 · (15 + 0.1 · pending)` ms, protocol.md §1; the driver passes the
 * analysis' own deadline) times out at the first tick after its deadline: it leaves
 * `pending`, has no effect (no producer, no transport, join not done, a connect `failed`),
 * and a response that comes after that is dropped, as protoo-client drops it. A request cut
 * by a socket close is not reported when its timer runs out: the close was the failure.
 *
 * `pc` events of the connection give each transport its `connectionState`; which pc is
 * which transport is decided as `mediasoupClientMachine.pcs.ts` describes.
 *
 * Problems ({@link RoomProblem}, in the order they happen):
 * - `before-join`: `produce` / `produceData` sent while the peer is not joined;
 * - `unknown-transport`: a request naming a `transportId` this client never created, one of
 *   a previous connection, or one it closed;
 * - `second-connect`: `connectWebRtcTransport` again on a transport already connecting or
 *   connected (mediasoup-client emits `connect` once per transport; after a failed connect it
 *   emits it again on the next produce / consume, so that is no problem);
 * - `consumer-left-paused`: a `newConsumer` the client rejected or left unanswered until the
 *   server's timeout (`2000 · (15 + 0.1 · pending)` ms): the server keeps that consumer paused;
 * - `join-twice`: `join` sent while joined (or while a join is in flight);
 * - `request-timeout`: a client request got no response before protoo-client's timeout
 *   (subject: the method; seq: the request's);
 * - `late-response`: a response to a request protoo-client had already timed out (subject:
 *   the method; seq: the response's); it creates nothing;
 * - `transport-failed`: a transport's peer connection reported `connectionState` `failed`
 *   (subject: the transport id).
 */
import { requestTimeoutMs } from '../src/protocol/codec.ts';
import { onPcEvent, tieWaitingPc } from './mediasoupClientMachine.pcs.ts';
import {
  emptyTable,
  entriesOf,
  entry,
  field,
  forEachUnordered,
  idOf,
  keysOf,
  mapAll,
  num,
  obj,
  put,
  sizeOf,
  str,
  tableOf,
  update,
  valuesOf,
  without,
  type Table,
} from './mediasoupClientMachine.tables.ts';

export type TransportDirection = 'send' | 'recv' | 'unknown';
/**
 * The signaling side of a transport: `new` → `connecting` (connectWebRtcTransport sent) →
 * `connected` (ok) | `failed` (error or timeout; a later connect starts again).
 */
export type TransportConnectState = 'new' | 'connecting' | 'connected' | 'failed';
/**
 * The media side: mediasoup-client's `transport.connectionState`, the RTCPeerConnectionState
 * of the transport's peer connection (protocol.md §3, §4), from `pc` events.
 */
export type TransportConnectionState =
  'new' | 'connecting' | 'connected' | 'disconnected' | 'failed' | 'closed';
/** Which rule tied a `pc` id to a transport (`mediasoupClientMachine.pcs.ts`). */
export type PcMappingRule = 'create' | 'ice-ufrag' | 'offer-direction' | 'pc-name';
/** `offered` (server request received) → `accepted` | `rejected` | `unanswered` (timed out). */
export type OfferState = 'offered' | 'accepted' | 'rejected' | 'unanswered';

export type RoomProblemCode =
  | 'before-join'
  | 'unknown-transport'
  | 'second-connect'
  | 'consumer-left-paused'
  | 'join-twice'
  | 'request-timeout'
  | 'late-response'
  | 'transport-failed';

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
  /**
   * Closed with the socket (the demo client closes its transports on disconnect) or by the
   * client (its peer connection closed).
   */
  readonly closed: boolean;
  readonly seq: number;
  /**
   * From its peer connection's `connectionstatechange` / `close`; `new` until then, as in
   * mediasoup-client; `closed` once closed (also with the socket).
   */
  readonly connectionState: TransportConnectionState;
  /** Its peer connection's last `iceconnectionstatechange` value; null before any. */
  readonly iceConnectionState: string | null;
  /** The server side's ICE `usernameFragment` (createWebRtcTransport / restartIce response). */
  readonly usernameFragment: string | null;
  /** The `pc` id tied to it, and the rule that tied it; null while none is. */
  readonly pc: string | null;
  readonly pcRule: PcMappingRule | null;
}

/** A peer connection (`pc` id) seen on this connection. */
export interface RoomPc {
  readonly id: string;
  /** The transport it is tied to (possibly of an earlier socket), or null. */
  readonly transportId: string | null;
  readonly rule: PcMappingRule | null;
  /** `transportId` of its `create` event. */
  readonly claimedTransportId: string | null;
  /** `a=ice-ufrag` of the last remote SDP it was given. */
  readonly remoteUfrag: string | null;
  /** Which side made the offer it negotiated: `local` (a send pc) or `remote` (a recv pc). */
  readonly offers: 'local' | 'remote' | null;
  readonly connectionState: TransportConnectionState | null;
  readonly iceConnectionState: string | null;
  /** Its first event. */
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
  /** New dialect only (`transportId` in `newDataConsumer`). */
  readonly transportId: string | null;
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
  /** When protoo-client gives up (ms, capture time): `t + 1500 · (15 + 0.1 · pending)`. */
  readonly deadline: number;
  /** The socket closed since it was sent: its answer can no longer come (not a timeout). */
  readonly cut: boolean;
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
  /** Client requests that timed out, by protoo id, to recognise a late response. */
  readonly timedOut: Table<PendingClientRequest>;
  readonly serverPending: Table<PendingServerRequest>;
  /** Peer connections seen on this connection (kept across reconnections), by `pc` id. */
  readonly pcs: Table<RoomPc>;
  /** Earliest deadline of `serverPending` and `pending` (Infinity when none). */
  readonly nextDeadline: number;
  /** Latest time seen (ms). */
  readonly now: number;
  readonly problems: readonly RoomProblem[];
}

type TableKey = {
  [K in keyof RoomModel]: RoomModel[K] extends Table<unknown> ? K : never;
}[keyof RoomModel];
type EntryOf<X> = X extends Table<infer T> ? T : never;

/**
 * A room model as `JSON.stringify` writes it: every table a plain record in its order, and
 * `nextDeadline` null when it is Infinity.
 */
export type RoomModelJSON = Omit<RoomModel, TableKey | 'nextDeadline'> & {
  readonly [K in TableKey]: Readonly<Record<string, EntryOf<RoomModel[K]>>>;
} & { readonly nextDeadline: number | null };

/**
 * The room model of its JSON form (what crosses a process or page boundary as plain data).
 *
 * @example
 * roomFromJSON(JSON.parse(JSON.stringify(room)) as RoomModelJSON); // equal to `room`
 */
export function roomFromJSON(json: RoomModelJSON): RoomModel {
  return {
    ...json,
    transports: tableOf(json.transports),
    producers: tableOf(json.producers),
    consumers: tableOf(json.consumers),
    dataProducers: tableOf(json.dataProducers),
    dataConsumers: tableOf(json.dataConsumers),
    peers: tableOf(json.peers),
    pending: tableOf(json.pending),
    timedOut: tableOf(json.timedOut),
    serverPending: tableOf(json.serverPending),
    pcs: tableOf(json.pcs),
    nextDeadline: json.nextDeadline ?? Infinity,
  };
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
      /** Capture time (ms); `now` when absent. */
      readonly t?: number;
      /** When protoo-client gives up (the analysis' deadline); computed from `t` when absent. */
      readonly deadline?: number;
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
      /** The analysis found it late (its request had timed out): protoo-client drops it. */
      readonly late?: boolean;
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
    }
  | {
      /** A `pc` event of this connection (webrtc-internals' update-log name and value). */
      readonly type: 'pc.event';
      readonly pc: string;
      readonly event: string;
      readonly value?: unknown;
      readonly seq: number;
    };

export const INITIAL_ROOM: RoomModel = Object.freeze<RoomModel>({
  version: null,
  epoch: 0,
  open: false,
  closeCode: null,
  capabilitiesLoaded: false,
  joined: false,
  displayName: null,
  transports: emptyTable(),
  producers: emptyTable(),
  consumers: emptyTable(),
  dataProducers: emptyTable(),
  dataConsumers: emptyTable(),
  peers: emptyTable(),
  activeSpeaker: null,
  speaking: [],
  pending: emptyTable(),
  timedOut: emptyTable(),
  serverPending: emptyTable(),
  pcs: emptyTable(),
  nextDeadline: Infinity,
  now: 0,
  problems: [],
});

// ── helpers ──────────────────────────────────────────────────────────────

/** Own entry of a table (ids such as `__proto__` or `toString` stay plain keys). */
export { entry } from './mediasoupClientMachine.tables.ts';

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

/** How many entries `table` has besides the one of `key`. */
function sizeOfOthers(table: Table<unknown>, key: string): number {
  return sizeOf(table) - (entry(table, key) === undefined ? 0 : 1);
}

function earliest(pending: Table<{ readonly deadline: number }>): number {
  let min = Infinity;
  forEachUnordered(pending, (p) => {
    min = Math.min(min, p.deadline);
  });
  return min;
}

/** `room` with `nextDeadline` recomputed from its pending requests of both sides. */
function withDeadline(room: RoomModel): RoomModel {
  const nextDeadline = Math.min(earliest(room.pending), earliest(room.serverPending));
  return nextDeadline === room.nextDeadline ? room : { ...room, nextDeadline };
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
  const t = event.t ?? room.now;
  // protoo-client counts every request it still waits for, cut ones included (§1)
  const inFlight = sizeOfOthers(room.pending, String(event.id));
  const deadline = event.deadline ?? t + requestTimeoutMs('client', inFlight);
  let next: RoomModel = withDeadline({
    ...room,
    now: Math.max(room.now, t),
    pending: put(room.pending, String(event.id), {
      method,
      seq,
      transportId,
      kind: str(field(data, 'kind')),
      label: str(field(data, 'label')),
      direction: method === 'createWebRtcTransport' ? directionOf(data) : 'unknown',
      deadline,
      cut: false,
    }),
  });
  if (method === 'join') {
    const joinInFlight = valuesOf(room.pending).some((p) => p.method === 'join' && !p.cut);
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
      const why = transport === undefined ? 'which this client did not create' : 'which is closed';
      next = problem(
        next,
        seq,
        'unknown-transport',
        `${method} names transport ${transportId}, ${why}`,
        transportId,
      );
    } else if (method === 'connectWebRtcTransport') {
      if (transport.connect === 'connecting' || transport.connect === 'connected') {
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
          connect: transport.connect === 'connected' ? 'connected' : 'connecting',
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
  const pendingRequest = entry(room.pending, key);
  const timedOut = entry(room.timedOut, key);
  if (event.late === true || (pendingRequest === undefined && timedOut !== undefined)) {
    return lateResponse(room, event, pendingRequest ?? timedOut);
  }
  const request = pendingRequest;
  const method = request?.method ?? event.method;
  const next: RoomModel =
    request === undefined ? room : withDeadline({ ...room, pending: without(room.pending, key) });
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
        connectionState: 'new',
        iceConnectionState: null,
        usernameFragment: str(field(field(data, 'iceParameters'), 'usernameFragment')),
        pc: null,
        pcRule: null,
      };
      return tieWaitingPc({ ...next, transports: put(next.transports, id, transport) }, id, seq);
    }
    case 'restartIce': {
      // legacy answers the ICE parameters themselves, new `{iceParameters}`
      const parameters = obj(field(data, 'iceParameters')) ?? data;
      const ufrag = ok ? str(field(parameters, 'usernameFragment')) : null;
      if (ufrag === null) return next;
      return {
        ...next,
        transports: update(next.transports, transportId, (t) => ({
          ...t,
          usernameFragment: ufrag,
        })),
      };
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

/** A response to a request protoo-client had timed out: it is dropped, nothing happens. */
function lateResponse(
  room: RoomModel,
  event: Extract<MediasoupClientEvent, { type: 'ms.response' }>,
  request: PendingClientRequest | undefined,
): RoomModel {
  const key = String(event.id);
  const method = request?.method ?? event.method ?? 'request';
  const next: RoomModel = withDeadline({
    ...room,
    pending: entry(room.pending, key) === undefined ? room.pending : without(room.pending, key),
    timedOut: entry(room.timedOut, key) === undefined ? room.timedOut : without(room.timedOut, key),
  });
  return problem(
    next,
    event.seq,
    'late-response',
    `${method} (id ${event.id}) answered after protoo-client had timed it out: the response is dropped`,
    method,
  );
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
        transportId: idOf(data, 'transportId'),
        state: 'offered',
        closed: false,
        seq,
      };
      next = { ...next, dataConsumers: put(next.dataConsumers, subject, dataConsumer) };
    }
  }
  const key = String(event.id);
  const inFlight = sizeOfOthers(room.serverPending, key);
  const t = event.t ?? room.now;
  const deadline = t + requestTimeoutMs('server', inFlight);
  const serverPending = put(room.serverPending, key, { method, seq, subject, deadline });
  return withDeadline({ ...next, now: Math.max(room.now, t), serverPending });
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
  const next: RoomModel = withDeadline({ ...room, serverPending });
  return settleOffer(next, request, event.ok ? 'accepted' : 'rejected', event.seq);
}

const TIMED_OUT_MEMORY = 1024;

/** Client request `id` timed out: protoo-client rejected it, so it had no effect. */
function timeOut(room: RoomModel, id: string, request: PendingClientRequest): RoomModel {
  // A request cut by a socket close still runs out its timer in protoo-client, but its
  // failure is the close (the analysis calls it cut), not a timeout.
  if (request.cut) return room;
  // Kept to recognise a late response; the oldest are forgotten past a bound (the driver
  // also marks late responses itself, from the analysis).
  let timedOut = room.timedOut;
  if (sizeOf(timedOut) >= TIMED_OUT_MEMORY) {
    // keys are protoo ids (numeric keys do not keep insertion order): drop the earliest sent
    const kept = keysOf(timedOut);
    let oldest = kept[0] ?? '';
    for (const k of kept) {
      if ((entry(timedOut, k)?.seq ?? Infinity) < (entry(timedOut, oldest)?.seq ?? Infinity)) {
        oldest = k;
      }
    }
    timedOut = without(timedOut, oldest);
  }
  const next: RoomModel = {
    ...room,
    timedOut: put(timedOut, id, request),
    transports:
      request.method === 'connectWebRtcTransport'
        ? update(room.transports, request.transportId, (t) =>
            t.connect === 'connecting' ? { ...t, connect: 'failed' } : t,
          )
        : room.transports,
  };
  const on = request.transportId === null ? '' : ` on transport ${request.transportId}`;
  return problem(
    next,
    request.seq,
    'request-timeout',
    `${request.method}${on} (id ${id}) got no response: protoo-client gave up at ${request.deadline} ms`,
    request.method,
  );
}

type Expired =
  | { readonly side: 'server'; readonly request: PendingServerRequest }
  | { readonly side: 'client'; readonly id: string; readonly request: PendingClientRequest };

function onTick(room: RoomModel, t: number): RoomModel {
  const now = Math.max(room.now, t);
  if (now < room.nextDeadline) return now === room.now ? room : { ...room, now };
  const expired: Expired[] = [];
  let serverPending = room.serverPending;
  for (const [key, request] of entriesOf(room.serverPending)) {
    if (request.deadline > now) continue;
    expired.push({ side: 'server', request });
    serverPending = without(serverPending, key);
  }
  // The analysis times a client request out only when time has gone past its deadline.
  let pending = room.pending;
  for (const [key, request] of entriesOf(room.pending)) {
    if (request.deadline >= now) continue;
    expired.push({ side: 'client', id: key, request });
    pending = without(pending, key);
  }
  if (expired.length === 0) return now === room.now ? room : { ...room, now };
  expired.sort((a, b) => a.request.deadline - b.request.deadline || a.request.seq - b.request.seq);
  let next: RoomModel = withDeadline({ ...room, now, serverPending, pending });
  for (const e of expired) {
    next =
      e.side === 'server'
        ? settleOffer(next, e.request, 'unanswered', e.request.seq)
        : timeOut(next, e.id, e.request);
  }
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
  // Code 4000 closes protoo-client's Peer, which rejects what it waits for ('peer closed');
  // any other close leaves those requests to run out their timers, cut.
  const pending: Table<PendingClientRequest> =
    code === 4000 ? emptyTable() : mapAll(room.pending, (p) => (p.cut ? p : { ...p, cut: true }));
  return withDeadline({
    ...room,
    open: false,
    closeCode: code ?? null,
    joined: false,
    pending,
    // the demo client closes its transports (and so their peer connections) on disconnect
    transports: mapAll(room.transports, (t) => ({
      ...t,
      closed: true,
      connectionState: 'closed',
    })),
    producers: mapAll(room.producers, (p) => ({ ...p, closed: true })),
    consumers: mapAll(room.consumers, (c) => ({ ...c, closed: true })),
    dataProducers: mapAll(room.dataProducers, (d) => ({ ...d, closed: true })),
    dataConsumers: mapAll(room.dataConsumers, (d) => ({ ...d, closed: true })),
    activeSpeaker: null,
    speaking: [],
    serverPending: emptyTable(),
  });
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
    timedOut: room.timedOut,
    nextDeadline: earliest(room.pending),
    // a pc tied to a transport of the old socket stays tied to it (its late events change
    // nothing); new transports get new peer connections
    pcs: room.pcs,
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
    case 'pc.event':
      return onPcEvent(room, event);
  }
}

/**
 * The method a response answers: remembered from its request, else the event's own;
 * undefined for a late response (its request timed out: protoo-client drops it, it answers
 * nothing).
 *
 * @example
 * respondedMethod(room, { type: 'ms.response', id: 7, ok: true, data: {}, seq: 9 }); // 'join'
 */
export function respondedMethod(room: RoomModel, event: MediasoupClientEvent): string | undefined {
  if (event.type !== 'ms.response' || event.late === true) return undefined;
  const key = String(event.id);
  const request = entry(room.pending, key);
  if (request !== undefined) return request.method;
  return entry(room.timedOut, key) === undefined ? event.method : undefined;
}

/**
 * Whether `clock.tick { t }` times out a `method` request of the current socket (not cut).
 *
 * @example
 * timesOut(room, 'join', 30_000); // true when a join sent at 0 is still unanswered
 */
export function timesOut(room: RoomModel, method: string, t: number): boolean {
  return valuesOf(room.pending).some((p) => p.method === method && !p.cut && p.deadline < t);
}

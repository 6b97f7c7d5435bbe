/**
 * The mediasoup-demo method catalog (protocol.md §2.3–§2.5): every method of both dialects,
 * who sends it, whether it is a request or a notification, and the shape of its data and of
 * its success response. One entry per (method, dialect), so that a method whose shape or kind
 * differs between the dialects simply has two entries. All data here is deeply frozen.
 *
 * "legacy" is the JavaScript mediasoup-demo (`v3` branch), "new" its TypeScript rewrite.
 */

/** The two mediasoup-demo dialects the catalog describes. */
export type MediasoupDialect = 'legacy' | 'new';

/** `c2s` = client→server, `s2c` = server→client. */
export type MethodDirection = 'c2s' | 's2c';

export type MethodKind = 'request' | 'notification';

/** Direction of a frame seen from the inspected client: `out` = client→server. */
export type WireDirection = 'in' | 'out';

/** The JSON value types a field may hold. `any` accepts every present value. */
export type ValueType =
  'string' | 'number' | 'integer' | 'boolean' | 'object' | 'array' | 'null' | 'any';

/** One value type, or a union such as `['string', 'null']`. */
export type FieldType = ValueType | readonly ValueType[];

/** The shape of a value: its type and, where protocol.md gives them, its members. */
export interface ShapeSpec {
  readonly type: FieldType;
  /** Members, when the value is an object. Members not listed are allowed. */
  readonly fields?: readonly FieldSpec[];
  /** The shape of every item, when the value is an array. */
  readonly items?: ShapeSpec;
  /** The allowed values, when the value is a string. */
  readonly values?: readonly string[];
}

export interface FieldSpec extends ShapeSpec {
  readonly name: string;
  readonly optional: boolean;
}

/** An error answer the catalog knows a method can get. */
export interface EntryError {
  readonly code: number;
  /** The exact `errorReason`, when it is fixed. */
  readonly reason?: string;
  readonly when: string;
}

export interface MethodEntry {
  /** `<dialect>:<method>`, unique. */
  readonly id: string;
  readonly method: string;
  readonly dialect: MediasoupDialect;
  readonly direction: MethodDirection;
  readonly kind: MethodKind;
  /** What it does, when it is sent and what the receiver does with it. */
  readonly description: string;
  /** The request's or notification's `data`. */
  readonly data: ShapeSpec;
  /** The success response's `data`; requests only. */
  readonly response?: ShapeSpec;
  /** Client→server methods only: whether the server handles it only for a joined peer. */
  readonly needsJoin?: boolean;
  /** Known error answers (requests only). */
  readonly errors: readonly EntryError[];
  /** Kept for old captures; current servers no longer know it. */
  readonly deprecated: boolean;
  /** When the method appeared, changed or went away, if that matters for old captures. */
  readonly history?: string;
}

// ── builders ────────────────────────────────────────────────────────────────

interface FieldOptions {
  readonly fields?: readonly FieldSpec[];
  readonly items?: ShapeSpec;
  readonly values?: readonly string[];
}

function shape(type: FieldType, options: FieldOptions = {}): ShapeSpec {
  return { type, ...options };
}

/** A required field. */
function req(name: string, type: FieldType, options: FieldOptions = {}): FieldSpec {
  return { name, optional: false, type, ...options };
}

/** An optional field. */
function opt(name: string, type: FieldType, options: FieldOptions = {}): FieldSpec {
  return { name, optional: true, type, ...options };
}

function obj(...fields: FieldSpec[]): ShapeSpec {
  return { type: 'object', fields };
}

function arrayOf(items: ShapeSpec): ShapeSpec {
  return { type: 'array', items };
}

const EMPTY = obj();

// ── shared shapes ───────────────────────────────────────────────────────────

const DEVICE = [
  req('flag', 'string'),
  req('name', 'string'),
  // bowser leaves the version undefined for browsers it does not know.
  opt('version', 'string'),
];
const RTP_CAPABILITIES = [req('codecs', 'array'), req('headerExtensions', 'array')];
const ICE_PARAMETERS = [
  req('usernameFragment', 'string'),
  req('password', 'string'),
  opt('iceLite', 'boolean'),
];
const TRANSPORT_PARAMETERS = [
  req('iceParameters', 'object', { fields: ICE_PARAMETERS }),
  req('iceCandidates', 'array', { items: shape('object') }),
  req('dtlsParameters', 'object'),
  opt('sctpParameters', 'object'),
];
const MEDIA_KIND = ['audio', 'video'];
const CONSUMER_TYPE = ['simple', 'simulcast', 'svc', 'pipe'];
const CONSUMER_SCORE = [
  req('score', 'integer'),
  req('producerScore', 'integer'),
  req('producerScores', 'array', { items: shape('integer') }),
];

// ── entries ─────────────────────────────────────────────────────────────────

interface EntryInput {
  readonly method: string;
  readonly dialect: MediasoupDialect;
  readonly direction: MethodDirection;
  readonly kind: MethodKind;
  readonly description: string;
  readonly data?: ShapeSpec;
  readonly response?: ShapeSpec;
  readonly needsJoin?: boolean;
  readonly errors?: readonly EntryError[];
  readonly deprecated?: boolean;
  readonly history?: string;
}

function entry(input: EntryInput): MethodEntry {
  const out: {
    -readonly [K in keyof MethodEntry]: MethodEntry[K];
  } = {
    id: `${input.dialect}:${input.method}`,
    method: input.method,
    dialect: input.dialect,
    direction: input.direction,
    kind: input.kind,
    description: input.description,
    data: input.data ?? EMPTY,
    errors: input.errors ?? [],
    deprecated: input.deprecated ?? false,
  };
  if (input.kind === 'request') out.response = input.response ?? EMPTY;
  if (input.direction === 'c2s') out.needsJoin = input.needsJoin ?? false;
  if (input.history !== undefined) out.history = input.history;
  return out;
}

const BOTH: readonly MediasoupDialect[] = ['legacy', 'new'];

/** The same method with the same shapes in both dialects. */
function both(input: Omit<EntryInput, 'dialect'>): MethodEntry[] {
  return BOTH.map((dialect) => entry({ ...input, dialect }));
}

const SERVER_ERROR_NOT_JOINED: EntryError = {
  code: 500,
  reason: 'Peer not yet joined',
  when: 'the peer has not joined the room yet',
};
const SERVER_ERROR_NO_TRANSPORT: EntryError = {
  code: 500,
  when: 'the transport id is unknown (`transport with id "…" not found`)',
};
const CONSUME_REFUSED: EntryError = {
  code: 403,
  reason: 'I do not want to consume',
  when: 'the client does not want (or cannot) consume it; the server leaves it paused',
};

function statsEntries(method: string, idField: string, what: string): MethodEntry[] {
  const description = `Asks for the mediasoup stats of one of the peer's ${what} (by ${idField}); the demo's stats panel polls it.`;
  return [
    entry({
      method,
      dialect: 'legacy',
      direction: 'c2s',
      kind: 'request',
      description: `${description} Legacy answers with the stats array itself.`,
      data: obj(req(idField, 'string')),
      response: arrayOf(shape('object')),
    }),
    entry({
      method,
      dialect: 'new',
      direction: 'c2s',
      kind: 'request',
      description: `${description} The new demo wraps the array as {stats}.`,
      data: obj(req(idField, 'string')),
      response: obj(req('stats', 'array', { items: shape('object') })),
    }),
  ];
}

interface SwitchedInput {
  readonly method: string;
  readonly description: string;
  readonly data: ShapeSpec;
}

/** A client→server method that legacy sends as a request and the new demo as a notification. */
function switched({ method, description, data }: SwitchedInput): MethodEntry[] {
  return [
    entry({
      method,
      dialect: 'legacy',
      direction: 'c2s',
      kind: 'request',
      description: `${description} A request in legacy, answered with {}.`,
      data,
      response: EMPTY,
      needsJoin: true,
      errors: [SERVER_ERROR_NOT_JOINED],
    }),
    entry({
      method,
      dialect: 'new',
      direction: 'c2s',
      kind: 'notification',
      description: `${description} A notification in the new demo: no reply comes back.`,
      data,
      needsJoin: true,
    }),
  ];
}

const producerId = obj(req('producerId', 'string'));
const consumerId = obj(req('consumerId', 'string'));

const ENTRIES: readonly MethodEntry[] = [
  // §2.3 client→server requests
  entry({
    method: 'getRouterRtpCapabilities',
    dialect: 'legacy',
    direction: 'c2s',
    kind: 'request',
    description:
      "Asks for the router's RTP capabilities: the codecs and header extensions the room can route. Sent first after connecting; the client loads its mediasoup-client Device with the answer, which in legacy is the capabilities object itself.",
    response: obj(...RTP_CAPABILITIES),
  }),
  entry({
    method: 'getRouterRtpCapabilities',
    dialect: 'new',
    direction: 'c2s',
    kind: 'request',
    description:
      "Asks for the router's RTP capabilities: the codecs and header extensions the room can route. Sent first after connecting; the client loads its mediasoup-client Device with the answer's routerRtpCapabilities.",
    response: obj(req('routerRtpCapabilities', 'object', { fields: RTP_CAPABILITIES })),
  }),
  ...BOTH.map((dialect) =>
    entry({
      method: 'join',
      dialect,
      direction: 'c2s',
      kind: 'request',
      description:
        'Enters the room with a display name, a device description and, to receive media, the RTP (and SCTP) capabilities. The answer lists the peers already there; the server then sends newConsumer / newDataConsumer for their media and newPeer to the others.',
      data: obj(
        req('displayName', 'string'),
        req('device', 'object', { fields: DEVICE }),
        opt('rtpCapabilities', 'object'),
        opt('sctpCapabilities', 'object'),
      ),
      response:
        dialect === 'legacy'
          ? obj(
              req('peers', 'array', {
                items: obj(
                  req('id', 'string'),
                  req('displayName', 'string'),
                  req('device', 'object', { fields: DEVICE }),
                ),
              }),
            )
          : obj(
              req('peers', 'array', {
                items: obj(
                  req('peerId', 'string'),
                  req('displayName', 'string'),
                  req('device', 'object', { fields: DEVICE }),
                  req('remoteAddress', 'string'),
                ),
              }),
            ),
      errors: [{ code: 500, reason: 'Peer already joined', when: 'the peer joins twice' }],
      history:
        dialect === 'legacy'
          ? 'The first v3 legacy server (2019-03) required rtpCapabilities in join.'
          : undefined,
    }),
  ),
  entry({
    method: 'createWebRtcTransport',
    dialect: 'legacy',
    direction: 'c2s',
    kind: 'request',
    description:
      'Creates a server-side WebRtcTransport; legacy says what for with the producing / consuming flags. The client feeds the answer (ICE and DTLS parameters) to createSendTransport or createRecvTransport.',
    data: obj(
      req('forceTcp', 'boolean'),
      req('producing', 'boolean'),
      req('consuming', 'boolean'),
      opt('sctpCapabilities', 'object'),
    ),
    response: obj(req('id', 'string'), ...TRANSPORT_PARAMETERS),
  }),
  entry({
    method: 'createWebRtcTransport',
    dialect: 'new',
    direction: 'c2s',
    kind: 'request',
    description:
      'Creates a server-side WebRtcTransport; the new demo says what for in appData.direction (producer or consumer). The client feeds the answer (ICE and DTLS parameters) to createSendTransport or createRecvTransport.',
    data: obj(
      req('forceTcp', 'boolean'),
      opt('sctpCapabilities', 'object'),
      req('appData', 'object', {
        fields: [req('direction', 'string', { values: ['producer', 'consumer'] })],
      }),
    ),
    response: obj(req('transportId', 'string'), ...TRANSPORT_PARAMETERS),
  }),
  ...both({
    method: 'connectWebRtcTransport',
    direction: 'c2s',
    kind: 'request',
    description:
      "Hands the client's DTLS parameters to the server transport. Sent once per transport, from its connect event on the first produce or consume; the client waits for the answer before going on.",
    data: obj(req('transportId', 'string'), req('dtlsParameters', 'object')),
    response: EMPTY,
    errors: [SERVER_ERROR_NO_TRANSPORT],
  }),
  entry({
    method: 'restartIce',
    dialect: 'legacy',
    direction: 'c2s',
    kind: 'request',
    description:
      'Asks the server transport for fresh ICE parameters after a network change; the client passes them to transport.restartIce(). Legacy answers with the ICE parameters object itself.',
    data: obj(req('transportId', 'string')),
    response: obj(...ICE_PARAMETERS),
    errors: [SERVER_ERROR_NO_TRANSPORT],
  }),
  entry({
    method: 'restartIce',
    dialect: 'new',
    direction: 'c2s',
    kind: 'request',
    description:
      "Asks the server transport for fresh ICE parameters after a network change; the client passes the answer's iceParameters to transport.restartIce().",
    data: obj(req('transportId', 'string')),
    response: obj(req('iceParameters', 'object', { fields: ICE_PARAMETERS })),
    errors: [SERVER_ERROR_NO_TRANSPORT],
  }),
  ...BOTH.map((dialect) =>
    entry({
      method: 'produce',
      dialect,
      direction: 'c2s',
      kind: 'request',
      description: `Creates a server-side Producer for a track the client sends, from the send transport's produce event. The answer carries the new producer's ${dialect === 'legacy' ? 'id' : 'producerId'}, which the client hands back to mediasoup-client.`,
      data: obj(
        req('transportId', 'string'),
        req('kind', 'string', { values: MEDIA_KIND }),
        req('rtpParameters', 'object'),
        req('appData', 'object'),
      ),
      response: obj(req(dialect === 'legacy' ? 'id' : 'producerId', 'string')),
      needsJoin: true,
      errors: [SERVER_ERROR_NOT_JOINED, SERVER_ERROR_NO_TRANSPORT],
    }),
  ),
  ...BOTH.map((dialect) =>
    entry({
      method: 'produceData',
      dialect,
      direction: 'c2s',
      kind: 'request',
      description: `Creates a server-side DataProducer for a data channel the client sends on (the demo's chat and bot channels). The answer carries its ${dialect === 'legacy' ? 'id' : 'dataProducerId'}.`,
      data: obj(
        req('transportId', 'string'),
        req('sctpStreamParameters', 'object'),
        req('label', 'string'),
        req('protocol', 'string'),
        req('appData', 'object'),
      ),
      response: obj(req(dialect === 'legacy' ? 'id' : 'dataProducerId', 'string')),
      needsJoin: true,
      errors: [SERVER_ERROR_NOT_JOINED, SERVER_ERROR_NO_TRANSPORT],
    }),
  ),
  ...statsEntries('getTransportStats', 'transportId', 'transports'),
  ...statsEntries('getProducerStats', 'producerId', 'producers'),
  ...statsEntries('getConsumerStats', 'consumerId', 'consumers'),
  ...statsEntries('getDataProducerStats', 'dataProducerId', 'data producers'),
  ...statsEntries('getDataConsumerStats', 'dataConsumerId', 'data consumers'),
  entry({
    method: 'applyNetworkThrottle',
    dialect: 'legacy',
    direction: 'c2s',
    kind: 'request',
    description:
      "Demo tooling: asks the server host to throttle its network (uplink, downlink, rtt, packet loss). Needs the server's throttle secret; a bad secret gets 403.",
    data: obj(
      req('secret', 'string'),
      opt('uplink', 'number'),
      opt('downlink', 'number'),
      opt('rtt', 'number'),
      opt('packetLoss', 'number'),
    ),
    errors: [{ code: 403, when: 'the secret is wrong' }],
  }),
  entry({
    method: 'applyNetworkThrottle',
    dialect: 'new',
    direction: 'c2s',
    kind: 'request',
    description:
      "Demo tooling: asks the server host to throttle its network, with the settings in options. Needs the server's throttle secret; a bad secret gets 500.",
    data: obj(
      req('secret', 'string'),
      req('options', 'object', {
        fields: [
          opt('up', 'number'),
          opt('down', 'number'),
          opt('rtt', 'number'),
          opt('packetLoss', 'number'),
          opt('localhost', 'boolean'),
        ],
      }),
    ),
    errors: [{ code: 500, when: 'the secret is wrong' }],
  }),
  entry({
    method: 'resetNetworkThrottle',
    dialect: 'legacy',
    direction: 'c2s',
    kind: 'request',
    description:
      'Demo tooling: removes the network throttle applyNetworkThrottle set. The new demo calls it stopNetworkThrottle.',
    data: obj(req('secret', 'string')),
  }),
  entry({
    method: 'stopNetworkThrottle',
    dialect: 'new',
    direction: 'c2s',
    kind: 'request',
    description:
      'Demo tooling: removes the network throttle applyNetworkThrottle set. Legacy calls it resetNetworkThrottle.',
    data: obj(req('secret', 'string')),
  }),
  ...switched({
    method: 'closeProducer',
    description:
      'Tells the server the client closed one of its producers, so the server closes it too and the consumers of it get consumerClosed.',
    data: producerId,
  }),
  ...switched({
    method: 'pauseProducer',
    description:
      'Tells the server the client paused a producer (e.g. muted the microphone); its consumers get consumerPaused.',
    data: producerId,
  }),
  ...switched({
    method: 'resumeProducer',
    description:
      'Tells the server the client resumed a paused producer; its consumers get consumerResumed.',
    data: producerId,
  }),
  ...switched({
    method: 'pauseConsumer',
    description:
      "Asks the server to stop forwarding a consumer's media, e.g. while its video is not shown.",
    data: consumerId,
  }),
  ...switched({
    method: 'resumeConsumer',
    description: "Asks the server to forward a paused consumer's media again.",
    data: consumerId,
  }),
  ...switched({
    method: 'requestConsumerKeyFrame',
    description:
      'Asks the server to get a fresh key frame for a video consumer, e.g. when its picture is broken.',
    data: consumerId,
  }),
  ...switched({
    method: 'setConsumerPreferredLayers',
    description:
      'Chooses the simulcast / SVC spatial (and optionally temporal) layer the server should forward to a consumer.',
    data: obj(
      req('consumerId', 'string'),
      req('spatialLayer', 'integer'),
      opt('temporalLayer', 'integer'),
    ),
  }),
  ...switched({
    method: 'setConsumerPriority',
    description:
      "Sets a consumer's priority when the server shares out the bandwidth available towards the client.",
    data: obj(req('consumerId', 'string'), req('priority', 'integer')),
  }),
  ...switched({
    method: 'changeDisplayName',
    description: "Changes the peer's display name; the other peers get peerDisplayNameChanged.",
    data: obj(req('displayName', 'string')),
  }),
  entry({
    method: 'setConsumerPreferedLayers',
    dialect: 'legacy',
    direction: 'c2s',
    kind: 'request',
    description:
      'The misspelt first name of setConsumerPreferredLayers: chooses the layers the server forwards to a consumer. Only the 2019 legacy demo used it.',
    data: obj(
      req('consumerId', 'string'),
      req('spatialLayer', 'integer'),
      opt('temporalLayer', 'integer'),
    ),
    needsJoin: true,
    errors: [SERVER_ERROR_NOT_JOINED],
    deprecated: true,
    history: 'Legacy 2019-03 to 2019-11; renamed setConsumerPreferredLayers in 2019-11.',
  }),

  // §2.4 server→client requests
  entry({
    method: 'newConsumer',
    dialect: 'legacy',
    direction: 's2c',
    kind: 'request',
    description:
      "The server created a paused Consumer of another peer's producer and asks the client to consume it. The client creates the consumer on its receive transport and answers {}, then the server resumes it; answering 403 refuses it.",
    data: obj(
      req('peerId', 'string'),
      req('producerId', 'string'),
      req('id', 'string'),
      req('kind', 'string', { values: MEDIA_KIND }),
      req('rtpParameters', 'object'),
      req('type', 'string', { values: CONSUMER_TYPE }),
      req('appData', 'object'),
      req('producerPaused', 'boolean'),
    ),
    errors: [CONSUME_REFUSED],
  }),
  entry({
    method: 'newConsumer',
    dialect: 'new',
    direction: 's2c',
    kind: 'request',
    description:
      "The server created a paused Consumer of another peer's producer and asks the client to consume it. The client creates the consumer on its receive transport and answers {}, then the server resumes it; answering 403 refuses it.",
    data: obj(
      req('peerId', 'string'),
      req('transportId', 'string'),
      req('consumerId', 'string'),
      req('producerId', 'string'),
      req('kind', 'string', { values: MEDIA_KIND }),
      req('rtpParameters', 'object'),
      req('type', 'string', { values: CONSUMER_TYPE }),
      req('producerPaused', 'boolean'),
      req('consumerScore', 'object', { fields: CONSUMER_SCORE }),
      req('appData', 'object', { fields: [req('peerId', 'string'), req('source', 'string')] }),
    ),
    errors: [CONSUME_REFUSED],
  }),
  entry({
    method: 'newDataConsumer',
    dialect: 'legacy',
    direction: 's2c',
    kind: 'request',
    description:
      "The server created a DataConsumer of another peer's (or the bot's) data producer and asks the client to consume it; peerId is null for the bot. The client calls consumeData and answers {}, or refuses with 403.",
    data: obj(
      req('peerId', ['string', 'null']),
      req('dataProducerId', 'string'),
      req('id', 'string'),
      req('sctpStreamParameters', 'object'),
      req('label', 'string'),
      req('protocol', 'string'),
      req('appData', 'object'),
    ),
    errors: [CONSUME_REFUSED],
  }),
  entry({
    method: 'newDataConsumer',
    dialect: 'new',
    direction: 's2c',
    kind: 'request',
    description:
      "The server created a DataConsumer of another peer's (or the bot's) data producer and asks the client to consume it; peerId is absent for the bot. The client calls consumeData and answers {}, or refuses with 403.",
    data: obj(
      opt('peerId', 'string'),
      req('transportId', 'string'),
      req('dataConsumerId', 'string'),
      req('dataProducerId', 'string'),
      req('sctpStreamParameters', 'object'),
      req('label', 'string'),
      req('protocol', 'string'),
      req('appData', 'object', { fields: [opt('peerId', 'string'), req('channel', 'string')] }),
    ),
    errors: [CONSUME_REFUSED],
  }),

  // §2.5 server→client notifications
  entry({
    method: 'mediasoup-version',
    dialect: 'legacy',
    direction: 's2c',
    kind: 'notification',
    description:
      'Sent right after the server accepts the connection, before join: the mediasoup version it runs. The legacy spelling of mediasoupVersion.',
    data: obj(req('version', 'string')),
    history: 'Legacy since 2024-05; older legacy servers send nothing.',
  }),
  entry({
    method: 'mediasoupVersion',
    dialect: 'new',
    direction: 's2c',
    kind: 'notification',
    description:
      'Sent right after the server accepts the connection, before join: the mediasoup version it runs.',
    data: obj(req('version', 'string')),
  }),
  ...both({
    method: 'producerScore',
    direction: 's2c',
    kind: 'notification',
    description:
      "How well the server receives one of the client's producers: a score from 0 to 10 per encoding (stream). The demo shows it on the local video.",
    data: obj(
      req('producerId', 'string'),
      req('score', 'array', {
        items: obj(
          req('encodingIdx', 'integer'),
          req('ssrc', 'integer'),
          opt('rid', 'string'),
          req('score', 'integer'),
        ),
      }),
    ),
  }),
  entry({
    method: 'newPeer',
    dialect: 'legacy',
    direction: 's2c',
    kind: 'notification',
    description:
      "Another peer joined the room; legacy puts the peer's id, displayName and device at the top level. The client adds it to its peer list.",
    data: obj(
      req('id', 'string'),
      req('displayName', 'string'),
      req('device', 'object', { fields: DEVICE }),
    ),
  }),
  entry({
    method: 'newPeer',
    dialect: 'new',
    direction: 's2c',
    kind: 'notification',
    description:
      'Another peer joined the room; the new demo wraps it as {peer}. The client adds it to its peer list.',
    data: obj(
      req('peer', 'object', {
        fields: [
          req('peerId', 'string'),
          req('displayName', 'string'),
          req('device', 'object', { fields: DEVICE }),
          req('remoteAddress', 'string'),
        ],
      }),
    ),
  }),
  ...both({
    method: 'peerClosed',
    direction: 's2c',
    kind: 'notification',
    description:
      'A joined peer left the room. The client removes it; its consumers are closed by their own consumerClosed notifications.',
    data: obj(req('peerId', 'string')),
  }),
  ...both({
    method: 'peerDisplayNameChanged',
    direction: 's2c',
    kind: 'notification',
    description: 'Another peer changed its display name with changeDisplayName.',
    data: obj(
      req('peerId', 'string'),
      req('displayName', 'string'),
      req('oldDisplayName', 'string'),
    ),
  }),
  entry({
    method: 'downlinkBwe',
    dialect: 'legacy',
    direction: 's2c',
    kind: 'notification',
    description:
      "The server's bandwidth estimate towards the client, from the receive transport's bwe trace. Legacy only; the demo shows it in its stats.",
    data: obj(
      req('desiredBitrate', 'number'),
      req('effectiveDesiredBitrate', 'number'),
      req('availableBitrate', 'number'),
    ),
    history: 'Legacy since 2020-05.',
  }),
  ...both({
    method: 'consumerClosed',
    direction: 's2c',
    kind: 'notification',
    description:
      'The server closed a consumer because its producer closed (or its peer left). The client closes its consumer and removes the track.',
    data: consumerId,
  }),
  ...both({
    method: 'consumerPaused',
    direction: 's2c',
    kind: 'notification',
    description:
      "The producer behind a consumer was paused by its owner; the client marks the consumer's media as paused remotely.",
    data: consumerId,
  }),
  ...both({
    method: 'consumerResumed',
    direction: 's2c',
    kind: 'notification',
    description:
      'The producer behind a consumer was resumed by its owner; media flows again unless the client paused the consumer itself.',
    data: consumerId,
  }),
  entry({
    method: 'consumerLayersChanged',
    dialect: 'legacy',
    direction: 's2c',
    kind: 'notification',
    description:
      'The simulcast / SVC layers the server forwards for a consumer changed; null layers mean nothing is forwarded. The demo shows the current layers.',
    data: obj(
      req('consumerId', 'string'),
      req('spatialLayer', ['integer', 'null']),
      req('temporalLayer', ['integer', 'null']),
    ),
    history:
      'The first v3 legacy server (2019-03) sent {consumerId, layers}, the shape the new demo uses.',
  }),
  entry({
    method: 'consumerLayersChanged',
    dialect: 'new',
    direction: 's2c',
    kind: 'notification',
    description:
      'The simulcast / SVC layers the server forwards for a consumer changed; no layers means nothing is forwarded. The demo shows the current layers.',
    data: obj(
      req('consumerId', 'string'),
      opt('layers', 'object', {
        fields: [req('spatialLayer', 'integer'), opt('temporalLayer', 'integer')],
      }),
    ),
  }),
  ...both({
    method: 'consumerScore',
    direction: 's2c',
    kind: 'notification',
    description:
      'How well a consumer is received (0 to 10), with the score of its producer. The demo shows it on the remote video.',
    data: obj(req('consumerId', 'string'), req('score', 'object', { fields: CONSUMER_SCORE })),
  }),
  ...both({
    method: 'dataConsumerClosed',
    direction: 's2c',
    kind: 'notification',
    description:
      'The server closed a data consumer because its data producer closed; the client closes its data consumer.',
    data: obj(req('dataConsumerId', 'string')),
  }),
  entry({
    method: 'activeSpeaker',
    dialect: 'legacy',
    direction: 's2c',
    kind: 'notification',
    description:
      "Who is the loudest speaker, from the room's audio level observer, with the volume in dBov; {peerId: null} when everybody is silent. The demo highlights that peer.",
    data: obj(req('peerId', ['string', 'null']), opt('volume', 'number')),
  }),
  entry({
    method: 'activeSpeaker',
    dialect: 'new',
    direction: 's2c',
    kind: 'notification',
    description:
      'Who is the dominant speaker now; {} when nobody is. The demo highlights that peer.',
    data: obj(opt('peerId', 'string')),
  }),
  entry({
    method: 'speakingPeers',
    dialect: 'new',
    direction: 's2c',
    kind: 'notification',
    description:
      "The volume of every peer currently speaking, from the room's audio level observer. New demo only; the demo shows a volume meter per peer.",
    data: obj(
      req('peerVolumes', 'array', {
        items: obj(req('peerId', 'string'), req('volume', 'number')),
      }),
    ),
  }),
  // signalscope's own demo room server (server/demo, docs/demo-server.md) speaks two methods
  // of its own in both dialects, for teaching and tests.
  ...(['legacy', 'new'] as const).flatMap((dialect) => [
    entry({
      method: 'demoFlood',
      dialect,
      direction: 's2c',
      kind: 'notification',
      description:
        "signalscope's demo room server only: one notification of a flood its fault switch started (perSecond for a while), numbered by seq so that a lost one shows.",
      data: obj(
        req('floodId', 'number'),
        req('seq', 'number'),
        req('total', 'number'),
        req('perSecond', 'number'),
      ),
    }),
    entry({
      method: 'signalscope.fault',
      dialect,
      direction: 'c2s',
      kind: 'request',
      description:
        "signalscope's demo room server only: sets fault switches for this room (delay, drop or reject a method; close with 4000; drop the socket; flood notifications) and answers the rules in force. See docs/demo-server.md.",
      data: obj(
        opt('delay', 'object'),
        opt('drop', 'object'),
        opt('reject', 'object'),
        opt('close', 'object'),
        opt('dropSocket', 'object'),
        opt('flood', 'object'),
        opt('clear', 'boolean'),
      ),
      response: obj(req('roomId', 'string'), req('rules', 'array'), req('performed', 'array')),
    }),
  ]),
];

// ── freezing and indexes ────────────────────────────────────────────────────

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const key of Object.keys(value)) {
      deepFreeze((value as Record<string, unknown>)[key]);
    }
  }
  return value;
}

deepFreeze(ENTRIES);

interface DialectPair {
  legacy?: MethodEntry;
  new?: MethodEntry;
}

const BY_METHOD = new Map<string, DialectPair>();
const PER_METHOD = new Map<string, readonly MethodEntry[]>();
for (const e of ENTRIES) {
  let pair = BY_METHOD.get(e.method);
  if (!pair) {
    pair = {};
    BY_METHOD.set(e.method, pair);
  }
  if (pair[e.dialect]) throw new Error(`catalog: ${e.id} is defined twice`);
  pair[e.dialect] = e;
  PER_METHOD.set(e.method, Object.freeze([...(PER_METHOD.get(e.method) ?? []), e]));
}

const NO_ENTRIES: readonly MethodEntry[] = Object.freeze([]);

// ── lookups ─────────────────────────────────────────────────────────────────

/**
 * Every catalog entry, in protocol.md order. The array and everything in it are frozen.
 *
 * @example
 * catalogEntries().filter((e) => e.dialect === 'new' && e.kind === 'notification').length
 */
export function catalogEntries(): readonly MethodEntry[] {
  return ENTRIES;
}

/**
 * The entry of `method` in `dialect`, in O(1), or `undefined`. With `kind` or `direction`,
 * an entry that does not match them is not returned either.
 *
 * @example
 * lookupMethod('produce', 'new')?.response // { type: 'object', fields: [producerId] }
 * lookupMethod('closeProducer', 'new', 'request') // undefined: a notification in the new demo
 */
export function lookupMethod(
  method: string,
  dialect: MediasoupDialect,
  kind?: MethodKind,
  direction?: MethodDirection,
): MethodEntry | undefined {
  const e = BY_METHOD.get(method)?.[dialect];
  if (!e) return undefined;
  if (kind !== undefined && e.kind !== kind) return undefined;
  if (direction !== undefined && e.direction !== direction) return undefined;
  return e;
}

/**
 * The entries of `method` in both dialects (legacy first); empty when neither knows it.
 *
 * @example
 * methodEntries('downlinkBwe').map((e) => e.dialect) // ['legacy']
 */
export function methodEntries(method: string): readonly MethodEntry[] {
  return PER_METHOD.get(method) ?? NO_ENTRIES;
}

/**
 * Whether either mediasoup-demo dialect has a method of this name.
 *
 * @example
 * isCatalogMethod('newConsumer') // true
 * isCatalogMethod('chatMessage') // false
 */
export function isCatalogMethod(method: string): boolean {
  return BY_METHOD.has(method);
}

/**
 * The dialect that is not `dialect`.
 *
 * @example
 * otherDialect('legacy') // 'new'
 */
export function otherDialect(dialect: MediasoupDialect): MediasoupDialect {
  return dialect === 'legacy' ? 'new' : 'legacy';
}

/**
 * The catalog direction of a frame's wire direction (`out` is client→server).
 *
 * @example
 * methodDirection('out') // 'c2s'
 */
export function methodDirection(dir: WireDirection): MethodDirection {
  return dir === 'out' ? 'c2s' : 's2c';
}

/**
 * The value types a field type admits, as a list.
 *
 * @example
 * valueTypes(['string', 'null']) // ['string', 'null']
 * valueTypes('integer') // ['integer']
 */
export function valueTypes(type: FieldType): readonly ValueType[] {
  return typeof type === 'string' ? [type] : type;
}

/**
 * A short picture of a shape for messages: `{peerId, volume?}`, `[…]`, `a string`.
 *
 * @example
 * shapeSummary(lookupMethod('produce', 'legacy')?.response ?? { type: 'any' }) // '{id}'
 */
export function shapeSummary(spec: ShapeSpec): string {
  if (spec.fields && spec.fields.length > 0) {
    return `{${spec.fields.map((f) => (f.optional ? `${f.name}?` : f.name)).join(', ')}}`;
  }
  const types = valueTypes(spec.type);
  if (types.length === 1 && types[0] === 'array') return '[…]';
  if (types.length === 1 && types[0] === 'object') return '{…}';
  return types.join(' or ');
}

// ── errors ──────────────────────────────────────────────────────────────────

/** An error answer known from protocol.md §2.3–§2.4. */
export interface KnownError {
  readonly id: string;
  readonly code: number;
  /** The exact `errorReason`, when it is fixed. */
  readonly reason?: string;
  /** Matches the `errorReason`, when it has a variable part (captured as group 1). */
  readonly pattern?: RegExp;
  /** Dialects that send it. */
  readonly dialects: readonly MediasoupDialect[];
  /** Which side answers with it. */
  readonly sentBy: 'client' | 'server';
  /** Methods it answers; absent when any request can get it. */
  readonly methods?: readonly string[];
  readonly description: string;
}

/** The `errorReason` of the 500 a server sends for a method it does not know, per dialect. */
export const UNKNOWN_METHOD_REASONS: Readonly<Record<MediasoupDialect, RegExp>> = deepFreeze({
  legacy: /^unknown request\.method "(.*)"$/s,
  new: /^unknown request method '(.*)'$/s,
});

export const KNOWN_ERRORS: readonly KnownError[] = deepFreeze([
  {
    id: 'unknown-method-legacy',
    code: 500,
    pattern: UNKNOWN_METHOD_REASONS.legacy,
    dialects: ['legacy'],
    sentBy: 'server',
    description: 'The legacy server does not know the request method (quoted with "…").',
  },
  {
    id: 'unknown-method-new',
    code: 500,
    pattern: UNKNOWN_METHOD_REASONS.new,
    dialects: ['new'],
    sentBy: 'server',
    description: "The new server does not know the request method (quoted with '…').",
  },
  {
    id: 'not-joined',
    code: 500,
    reason: 'Peer not yet joined',
    dialects: ['legacy', 'new'],
    sentBy: 'server',
    description: 'The request needs a joined peer and this one has not sent join yet.',
  },
  {
    id: 'already-joined',
    code: 500,
    reason: 'Peer already joined',
    dialects: ['legacy', 'new'],
    sentBy: 'server',
    methods: ['join'],
    description: 'The peer sent join a second time on the same connection.',
  },
  {
    id: 'transport-not-found',
    code: 500,
    pattern: /^transport with id "(.*)" not found$/s,
    dialects: ['legacy', 'new'],
    sentBy: 'server',
    description: 'The request names a transport the server does not have (for this peer).',
  },
  {
    id: 'consume-refused',
    code: 403,
    reason: 'I do not want to consume',
    dialects: ['legacy', 'new'],
    sentBy: 'client',
    methods: ['newConsumer', 'newDataConsumer'],
    description:
      'The client refused a newConsumer / newDataConsumer; the server leaves that consumer paused.',
  },
  {
    id: 'throttle-forbidden',
    code: 403,
    dialects: ['legacy'],
    sentBy: 'server',
    methods: ['applyNetworkThrottle'],
    description: 'Legacy refuses applyNetworkThrottle with a wrong secret.',
  },
  {
    id: 'server-error',
    code: 500,
    dialects: ['legacy', 'new'],
    sentBy: 'server',
    description:
      'Any error the server (or a client request handler) threw; errorReason is its message.',
  },
] satisfies KnownError[]);

/**
 * The method named in an "unknown method" error reason, with the dialect its wording belongs
 * to, or `undefined` when the reason is not one.
 *
 * @example
 * parseUnknownMethodReason('unknown request method \'foo\'') // { dialect: 'new', method: 'foo' }
 */
export function parseUnknownMethodReason(
  reason: string,
): { dialect: MediasoupDialect; method: string } | undefined {
  for (const dialect of BOTH) {
    const m = UNKNOWN_METHOD_REASONS[dialect].exec(reason);
    if (m) return { dialect, method: m.at(1) ?? '' };
  }
  return undefined;
}

/**
 * The `errorReason` a server of `dialect` sends for an unknown method, as it writes it.
 *
 * @example
 * unknownMethodReason('legacy', 'foo') // 'unknown request.method "foo"'
 */
export function unknownMethodReason(dialect: MediasoupDialect, method: string): string {
  return dialect === 'legacy'
    ? `unknown request.method "${method}"`
    : `unknown request method '${method}'`;
}

/**
 * The most specific known error that fits an error answer, or `undefined`. Generic 500s
 * match `server-error`.
 *
 * @example
 * matchKnownError(403, 'I do not want to consume', 'newConsumer')?.id // 'consume-refused'
 */
export function matchKnownError(
  code: number | undefined,
  reason: string,
  requestMethod?: string,
): KnownError | undefined {
  let fallback: KnownError | undefined;
  for (const known of KNOWN_ERRORS) {
    if (known.code !== code) continue;
    if (known.methods && (requestMethod === undefined || !known.methods.includes(requestMethod)))
      continue;
    if (known.reason !== undefined) {
      if (known.reason === reason) return known;
    } else if (known.pattern) {
      if (known.pattern.test(reason)) return known;
    } else if (known.methods) {
      return known;
    } else {
      fallback ??= known;
    }
  }
  return fallback;
}

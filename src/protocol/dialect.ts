/**
 * Which mediasoup-demo dialect a protoo connection speaks, learnt from its traffic
 * (protocol.md §2). The detector is incremental and pure: feed it every decoded message in
 * order and ask for the result at any time. The first strong evidence decides; evidence for
 * the other dialect afterwards is kept and marks the result as conflicting.
 *
 * Each rule records at most one piece of evidence per dialect (its first occurrence), so the
 * evidence list stays small however long the capture, and `observe()` allocates nothing
 * unless it learns something.
 */

import type { ProtooMessage } from './codec.ts';
import {
  catalogEntries,
  isCatalogMethod,
  type MediasoupDialect,
  type WireDirection,
} from './catalog.ts';

/**
 * `legacy` / `new`: a mediasoup-demo dialect. `generic`: protoo traffic without any
 * mediasoup-demo method. `unknown`: no evidence yet.
 */
export type Dialect = MediasoupDialect | 'generic' | 'unknown';

/** Strong evidence decides; weak evidence only counts while nothing strong has been seen. */
export type EvidenceStrength = 'strong' | 'weak';

export interface DialectEvidence {
  /** The `seq` of the event that showed it. */
  readonly seq: number;
  readonly dialect: MediasoupDialect;
  /** Which rule saw it (stable, shared by both dialects' sides of the rule). */
  readonly rule: string;
  readonly strength: EvidenceStrength;
  /** Plain English, for people. */
  readonly reason: string;
}

export interface DialectResult {
  readonly dialect: Dialect;
  readonly evidence: readonly DialectEvidence[];
  /** Evidence for both dialects was seen (weak evidence never conflicts). */
  readonly conflicts: boolean;
}

export interface ObserveContext {
  /** For a response: the method of the request it answers (the caller pairs them). */
  readonly requestMethod?: string;
}

export interface DialectDetector {
  /** Learns from one decoded message; `dir` `out` is client→server. */
  observe(msg: ProtooMessage, dir: WireDirection, seq: number, context?: ObserveContext): void;
  /** Learns from the URL of a (re)opened connection. */
  observeUrl(url: string, seq: number): void;
  /** The dialect so far, without building a result. */
  dialect(): Dialect;
  /** The dialect so far with its evidence. Frozen; the same object until something is learnt. */
  result(): DialectResult;
}

// ── rules ───────────────────────────────────────────────────────────────────

/** One evidence rule; each rule proves one dialect. */
export interface DialectRule {
  readonly id: string;
  readonly dialect: MediasoupDialect;
  readonly strength: EvidenceStrength;
  readonly reason: string;
}

const RULES: DialectRule[] = [];

function rule(
  id: string,
  dialect: MediasoupDialect,
  reason: string,
  strength: EvidenceStrength = 'strong',
): number {
  RULES.push(Object.freeze({ id, dialect, strength, reason }));
  return RULES.length - 1;
}

const R_URL_NEW = rule(
  'url',
  'new',
  'the connection URL has usePipeTransports, which only the new client sends',
);
const R_VERSION_LEGACY = rule(
  'version-notification',
  'legacy',
  'the server announced its version as "mediasoup-version" (legacy spelling)',
);
const R_VERSION_NEW = rule(
  'version-notification',
  'new',
  'the server announced its version as "mediasoupVersion" (new spelling)',
);
const R_CAPS_LEGACY = rule(
  'router-capabilities-response',
  'legacy',
  'the getRouterRtpCapabilities answer has codecs / headerExtensions at the top (legacy)',
);
const R_CAPS_NEW = rule(
  'router-capabilities-response',
  'new',
  'the getRouterRtpCapabilities answer wraps them as {routerRtpCapabilities} (new)',
);
const R_TRANSPORT_RESPONSE_LEGACY = rule(
  'transport-response',
  'legacy',
  'the createWebRtcTransport answer names the transport "id" (legacy)',
);
const R_TRANSPORT_RESPONSE_NEW = rule(
  'transport-response',
  'new',
  'the createWebRtcTransport answer names the transport "transportId" (new)',
);
const R_TRANSPORT_REQUEST_LEGACY = rule(
  'transport-request',
  'legacy',
  'createWebRtcTransport was asked with producing / consuming flags (legacy)',
);
const R_TRANSPORT_REQUEST_NEW = rule(
  'transport-request',
  'new',
  'createWebRtcTransport was asked with appData.direction (new)',
);
const R_PRODUCE_LEGACY = rule('produce-response', 'legacy', 'the produce answer is {id} (legacy)');
const R_PRODUCE_NEW = rule('produce-response', 'new', 'the produce answer is {producerId} (new)');
const R_PRODUCE_DATA_LEGACY = rule(
  'produce-data-response',
  'legacy',
  'the produceData answer is {id} (legacy)',
);
const R_PRODUCE_DATA_NEW = rule(
  'produce-data-response',
  'new',
  'the produceData answer is {dataProducerId} (new)',
);
const R_JOIN_LEGACY = rule(
  'join-response',
  'legacy',
  'the join answer lists peers by "id" (legacy)',
);
const R_JOIN_NEW = rule('join-response', 'new', 'the join answer lists peers by "peerId" (new)');
const R_RESTART_ICE_LEGACY = rule(
  'restart-ice-response',
  'legacy',
  'the restartIce answer is the ICE parameters object itself (legacy)',
);
const R_RESTART_ICE_NEW = rule(
  'restart-ice-response',
  'new',
  'the restartIce answer is {iceParameters} (new)',
);
const R_STATS_LEGACY = rule('stats-response', 'legacy', 'a stats answer is an array (legacy)');
const R_STATS_NEW = rule('stats-response', 'new', 'a stats answer is {stats} (new)');
const R_NEW_CONSUMER_LEGACY = rule(
  'new-consumer',
  'legacy',
  'newConsumer names the consumer "id" (legacy)',
);
const R_NEW_CONSUMER_NEW = rule(
  'new-consumer',
  'new',
  'newConsumer names the consumer "consumerId" (new)',
);
const R_NEW_DATA_CONSUMER_LEGACY = rule(
  'new-data-consumer',
  'legacy',
  'newDataConsumer names the data consumer "id" (legacy)',
);
const R_NEW_DATA_CONSUMER_NEW = rule(
  'new-data-consumer',
  'new',
  'newDataConsumer names the data consumer "dataConsumerId" (new)',
);
const R_NEW_PEER_LEGACY = rule(
  'new-peer',
  'legacy',
  'newPeer carries the peer at the top level with "id" (legacy)',
);
const R_NEW_PEER_NEW = rule('new-peer', 'new', 'newPeer wraps the peer as {peer} (new)');
const R_LAYERS_LEGACY = rule(
  'layers-changed',
  'legacy',
  'consumerLayersChanged has spatialLayer at the top level (legacy)',
);
const R_LAYERS_NEW = rule(
  'layers-changed',
  'new',
  'consumerLayersChanged has a layers object (new, but also the 2019-03 legacy server)',
  'weak',
);
const R_SPEAKER_LEGACY = rule(
  'active-speaker',
  'legacy',
  'activeSpeaker has a volume or peerId null (legacy)',
);
const R_SPEAKER_NEW = rule('active-speaker', 'new', 'activeSpeaker has no peerId (new)');
const R_DOWNLINK_BWE = rule(
  'downlink-bwe',
  'legacy',
  'the server sent downlinkBwe, which only legacy has',
);
const R_SPEAKING_PEERS = rule(
  'speaking-peers',
  'new',
  'the server sent speakingPeers, which only the new demo has',
);
const R_THROTTLE_STOP_LEGACY = rule(
  'throttle-stop',
  'legacy',
  'the client sent resetNetworkThrottle (legacy name)',
);
const R_THROTTLE_STOP_NEW = rule(
  'throttle-stop',
  'new',
  'the client sent stopNetworkThrottle (new name)',
);
const R_THROTTLE_LEGACY = rule(
  'throttle-request',
  'legacy',
  'applyNetworkThrottle carries uplink / downlink / rtt / packetLoss at the top (legacy)',
);
const R_THROTTLE_NEW = rule(
  'throttle-request',
  'new',
  'applyNetworkThrottle carries an options object (new)',
);
const R_MISSPELT = rule(
  'misspelt-layers',
  'legacy',
  'the client sent setConsumerPreferedLayers, the 2019 legacy spelling',
);
const R_UNKNOWN_REASON_LEGACY = rule(
  'unknown-method-reason',
  'legacy',
  'an error says unknown request.method "…" (legacy wording)',
);
const R_UNKNOWN_REASON_NEW = rule(
  'unknown-method-reason',
  'new',
  "an error says unknown request method '…' (new wording)",
);

/** Methods that legacy sends as requests and the new demo as notifications. */
const SWITCHED = new Map<string, { readonly asRequest: number; readonly asNotification: number }>();
for (const e of catalogEntries()) {
  if (e.dialect !== 'new' || e.kind !== 'notification' || e.direction !== 'c2s') continue;
  SWITCHED.set(e.method, {
    asRequest: rule(
      'request-or-notification',
      'legacy',
      `the client sent ${e.method} as a request (legacy; the new demo notifies)`,
    ),
    asNotification: rule(
      'request-or-notification',
      'new',
      `the client sent ${e.method} as a notification (new; legacy asks)`,
    ),
  });
}

Object.freeze(RULES);

// ── message dispatch ────────────────────────────────────────────────────────

const M_VERSION_LEGACY = 1;
const M_VERSION_NEW = 2;
const M_CAPS = 3;
const M_TRANSPORT = 4;
const M_PRODUCE = 5;
const M_PRODUCE_DATA = 6;
const M_JOIN = 7;
const M_RESTART_ICE = 8;
const M_STATS = 9;
const M_NEW_CONSUMER = 10;
const M_NEW_DATA_CONSUMER = 11;
const M_NEW_PEER = 12;
const M_LAYERS = 13;
const M_SPEAKER = 14;
const M_DOWNLINK_BWE = 15;
const M_SPEAKING_PEERS = 16;
const M_RESET_THROTTLE = 17;
const M_STOP_THROTTLE = 18;
const M_APPLY_THROTTLE = 19;
const M_MISSPELT = 20;

const METHOD_CODES = new Map<string, number>([
  ['mediasoup-version', M_VERSION_LEGACY],
  ['mediasoupVersion', M_VERSION_NEW],
  ['getRouterRtpCapabilities', M_CAPS],
  ['createWebRtcTransport', M_TRANSPORT],
  ['produce', M_PRODUCE],
  ['produceData', M_PRODUCE_DATA],
  ['join', M_JOIN],
  ['restartIce', M_RESTART_ICE],
  ['getTransportStats', M_STATS],
  ['getProducerStats', M_STATS],
  ['getConsumerStats', M_STATS],
  ['getDataProducerStats', M_STATS],
  ['getDataConsumerStats', M_STATS],
  ['newConsumer', M_NEW_CONSUMER],
  ['newDataConsumer', M_NEW_DATA_CONSUMER],
  ['newPeer', M_NEW_PEER],
  ['consumerLayersChanged', M_LAYERS],
  ['activeSpeaker', M_SPEAKER],
  ['downlinkBwe', M_DOWNLINK_BWE],
  ['speakingPeers', M_SPEAKING_PEERS],
  ['resetNetworkThrottle', M_RESET_THROTTLE],
  ['stopNetworkThrottle', M_STOP_THROTTLE],
  ['applyNetworkThrottle', M_APPLY_THROTTLE],
  ['setConsumerPreferedLayers', M_MISSPELT],
]);

type Data = Readonly<Record<string, unknown>>;

function isRecord(value: unknown): value is Data {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** An own, defined member: JSON never yields `undefined`, but hand-built messages may. */
function has(o: Data, key: string): boolean {
  return Object.hasOwn(o, key) && o[key] !== undefined;
}

const LEGACY_UNKNOWN_PREFIX = 'unknown request.method "';
const NEW_UNKNOWN_PREFIX = "unknown request method '";

/** The rule a request's or notification's data proves, or -1. */
function ruleForMessage(
  code: number,
  kind: 'request' | 'notification',
  dir: WireDirection,
  data: unknown,
): number {
  const o = isRecord(data) ? data : undefined;
  switch (code) {
    case M_VERSION_LEGACY:
      return kind === 'notification' && dir === 'in' ? R_VERSION_LEGACY : -1;
    case M_VERSION_NEW:
      return kind === 'notification' && dir === 'in' ? R_VERSION_NEW : -1;
    case M_DOWNLINK_BWE:
      return kind === 'notification' && dir === 'in' ? R_DOWNLINK_BWE : -1;
    case M_SPEAKING_PEERS:
      return kind === 'notification' && dir === 'in' ? R_SPEAKING_PEERS : -1;
    case M_RESET_THROTTLE:
      return kind === 'request' && dir === 'out' ? R_THROTTLE_STOP_LEGACY : -1;
    case M_STOP_THROTTLE:
      return kind === 'request' && dir === 'out' ? R_THROTTLE_STOP_NEW : -1;
    case M_MISSPELT:
      return dir === 'out' ? R_MISSPELT : -1;
    case M_TRANSPORT: {
      if (kind !== 'request' || dir !== 'out' || !o) return -1;
      const appData = o.appData;
      if (isRecord(appData) && has(appData, 'direction')) return R_TRANSPORT_REQUEST_NEW;
      if (has(o, 'producing') || has(o, 'consuming')) return R_TRANSPORT_REQUEST_LEGACY;
      return -1;
    }
    case M_APPLY_THROTTLE: {
      if (kind !== 'request' || dir !== 'out' || !o) return -1;
      if (isRecord(o.options)) return R_THROTTLE_NEW;
      if (has(o, 'uplink') || has(o, 'downlink') || has(o, 'rtt') || has(o, 'packetLoss')) {
        return R_THROTTLE_LEGACY;
      }
      return -1;
    }
    case M_NEW_CONSUMER:
      if (kind !== 'request' || dir !== 'in' || !o) return -1;
      if (has(o, 'consumerId')) return R_NEW_CONSUMER_NEW;
      return has(o, 'id') ? R_NEW_CONSUMER_LEGACY : -1;
    case M_NEW_DATA_CONSUMER:
      if (kind !== 'request' || dir !== 'in' || !o) return -1;
      if (has(o, 'dataConsumerId')) return R_NEW_DATA_CONSUMER_NEW;
      return has(o, 'id') ? R_NEW_DATA_CONSUMER_LEGACY : -1;
    case M_NEW_PEER:
      if (kind !== 'notification' || dir !== 'in' || !o) return -1;
      if (isRecord(o.peer)) return R_NEW_PEER_NEW;
      return has(o, 'id') ? R_NEW_PEER_LEGACY : -1;
    case M_LAYERS:
      if (kind !== 'notification' || dir !== 'in' || !o) return -1;
      if (Object.hasOwn(o, 'spatialLayer')) return R_LAYERS_LEGACY;
      return isRecord(o.layers) ? R_LAYERS_NEW : -1;
    case M_SPEAKER:
      if (kind !== 'notification' || dir !== 'in' || !o) return -1;
      if (has(o, 'volume') || o.peerId === null) return R_SPEAKER_LEGACY;
      return has(o, 'peerId') ? -1 : R_SPEAKER_NEW;
    default:
      return -1;
  }
}

/** The rule a success response's data proves, or -1. */
function ruleForResponse(code: number, data: unknown): number {
  if (code === M_STATS) {
    if (Array.isArray(data)) return R_STATS_LEGACY;
    return isRecord(data) && has(data, 'stats') ? R_STATS_NEW : -1;
  }
  if (!isRecord(data)) return -1;
  switch (code) {
    case M_CAPS:
      if (has(data, 'routerRtpCapabilities')) return R_CAPS_NEW;
      return has(data, 'codecs') || has(data, 'headerExtensions') ? R_CAPS_LEGACY : -1;
    case M_TRANSPORT:
      if (has(data, 'transportId')) return R_TRANSPORT_RESPONSE_NEW;
      return has(data, 'id') ? R_TRANSPORT_RESPONSE_LEGACY : -1;
    case M_PRODUCE:
      if (has(data, 'producerId')) return R_PRODUCE_NEW;
      return has(data, 'id') ? R_PRODUCE_LEGACY : -1;
    case M_PRODUCE_DATA:
      if (has(data, 'dataProducerId')) return R_PRODUCE_DATA_NEW;
      return has(data, 'id') ? R_PRODUCE_DATA_LEGACY : -1;
    case M_RESTART_ICE:
      if (has(data, 'iceParameters')) return R_RESTART_ICE_NEW;
      return has(data, 'usernameFragment') ? R_RESTART_ICE_LEGACY : -1;
    case M_JOIN: {
      const peers = data.peers;
      if (!Array.isArray(peers) || peers.length === 0) return -1;
      const first: unknown = peers[0];
      if (!isRecord(first)) return -1;
      if (has(first, 'peerId')) return R_JOIN_NEW;
      return has(first, 'id') ? R_JOIN_LEGACY : -1;
    }
    default:
      return -1;
  }
}

// ── the detector ────────────────────────────────────────────────────────────

const NO_EVIDENCE: readonly DialectEvidence[] = Object.freeze([]);

/**
 * A new, empty dialect detector.
 *
 * @example
 * const detector = createDialectDetector();
 * detector.observe({ kind: 'notification', method: 'mediasoupVersion', data: { version: '3.14.0' } }, 'in', 0);
 * detector.result().dialect // 'new'
 */
export function createDialectDetector(): DialectDetector {
  const fired = new Uint8Array(RULES.length);
  const evidence: DialectEvidence[] = [];
  let strong: MediasoupDialect | undefined;
  let weak: MediasoupDialect | undefined;
  let conflicts = false;
  let sawProtoo = false;
  let sawDemoMethod = false;
  let cached: DialectResult | undefined;

  function learn(index: number, seq: number): void {
    if (fired[index] === 1) return;
    fired[index] = 1;
    const r = RULES.at(index);
    if (!r) return;
    evidence.push(
      Object.freeze({
        seq,
        dialect: r.dialect,
        rule: r.id,
        strength: r.strength,
        reason: r.reason,
      }),
    );
    cached = undefined;
    if (r.strength === 'strong') {
      if (strong === undefined) strong = r.dialect;
      else if (strong !== r.dialect) conflicts = true;
    } else {
      weak ??= r.dialect;
    }
  }

  function current(): Dialect {
    if (strong !== undefined) return strong;
    if (weak !== undefined) return weak;
    if (sawDemoMethod) return 'unknown';
    return sawProtoo ? 'generic' : 'unknown';
  }

  function observe(
    msg: ProtooMessage,
    dir: WireDirection,
    seq: number,
    context?: ObserveContext,
  ): void {
    // Typed callers cannot pass anything else, but a replayed log is only as good as its writer.
    const raw: unknown = msg;
    if (!isRecord(raw)) return;
    if (!sawProtoo) {
      sawProtoo = true;
      cached = undefined;
    }
    switch (msg.kind) {
      case 'request':
      case 'notification': {
        const method: unknown = msg.method;
        if (typeof method !== 'string') return;
        const switched = SWITCHED.get(method);
        if (switched) {
          if (!sawDemoMethod) markDemoMethod();
          if (dir === 'out') {
            learn(msg.kind === 'request' ? switched.asRequest : switched.asNotification, seq);
          }
          return;
        }
        const code = METHOD_CODES.get(method);
        if (code === undefined) {
          if (!sawDemoMethod && isCatalogMethod(method)) markDemoMethod();
          return;
        }
        if (!sawDemoMethod) markDemoMethod();
        const r = ruleForMessage(code, msg.kind, dir, msg.data);
        if (r >= 0) learn(r, seq);
        return;
      }
      case 'success': {
        const method: unknown = context?.requestMethod;
        if (typeof method !== 'string') return;
        const code = METHOD_CODES.get(method);
        if (code === undefined) {
          if (!sawDemoMethod && isCatalogMethod(method)) markDemoMethod();
          return;
        }
        if (!sawDemoMethod) markDemoMethod();
        const r = ruleForResponse(code, msg.data);
        if (r >= 0) learn(r, seq);
        return;
      }
      case 'error': {
        const reason: unknown = msg.errorReason;
        if (typeof reason !== 'string') return;
        if (reason.startsWith(LEGACY_UNKNOWN_PREFIX)) learn(R_UNKNOWN_REASON_LEGACY, seq);
        else if (reason.startsWith(NEW_UNKNOWN_PREFIX)) learn(R_UNKNOWN_REASON_NEW, seq);
        return;
      }
      default:
        return;
    }
  }

  function markDemoMethod(): void {
    sawDemoMethod = true;
    cached = undefined;
  }

  return {
    observe,
    observeUrl(url: string, seq: number): void {
      if (dialectFromUrl(url) === 'new') learn(R_URL_NEW, seq);
    },
    dialect: current,
    result(): DialectResult {
      cached ??= Object.freeze({
        dialect: current(),
        evidence: evidence.length === 0 ? NO_EVIDENCE : Object.freeze(evidence.slice()),
        conflicts,
      });
      return cached;
    },
  };
}

/** One message for `detectDialect()`. */
export interface ObservedMessage {
  readonly msg: ProtooMessage;
  /** `out` = client→server. */
  readonly dir: WireDirection;
  /** Defaults to the message's index. */
  readonly seq?: number;
  /** For a response; when absent, `detectDialect()` pairs responses with requests itself. */
  readonly requestMethod?: string;
}

/**
 * Detects the dialect of one connection's messages, in order. Responses without a
 * `requestMethod` are paired with the request of the same id sent the other way.
 *
 * @example
 * detectDialect([
 *   { msg: { kind: 'notification', method: 'mediasoup-version', data: { version: '3.14.6' } }, dir: 'in' },
 * ]).dialect // 'legacy'
 */
export function detectDialect(
  messages: Iterable<ObservedMessage>,
  options: { readonly url?: string } = {},
): DialectResult {
  const detector = createDialectDetector();
  if (options.url !== undefined) detector.observeUrl(options.url, 0);
  // Each side has its own id space: a response answers a request sent the other way.
  const sentByClient = new Map<number, string>();
  const sentByServer = new Map<number, string>();
  let index = 0;
  for (const item of messages) {
    const seq = item.seq ?? index;
    index += 1;
    const msg = item.msg;
    const raw: unknown = msg;
    if (!isRecord(raw)) continue;
    if (msg.kind === 'request') {
      (item.dir === 'out' ? sentByClient : sentByServer).set(msg.id, msg.method);
      detector.observe(msg, item.dir, seq);
    } else if (msg.kind === 'success' || msg.kind === 'error') {
      const pending = item.dir === 'in' ? sentByClient : sentByServer;
      const requestMethod = item.requestMethod ?? pending.get(msg.id);
      pending.delete(msg.id);
      detector.observe(
        msg,
        item.dir,
        seq,
        requestMethod === undefined ? undefined : { requestMethod },
      );
    } else {
      detector.observe(msg, item.dir, seq);
    }
  }
  return detector.result();
}

/**
 * What a connection URL says about the dialect: `new` when it carries `usePipeTransports`
 * (only the new client sends it), else `unknown`. Never throws.
 *
 * @example
 * dialectFromUrl('wss://demo:4443/?roomId=r&peerId=p&usePipeTransports=false') // 'new'
 * dialectFromUrl('wss://demo:4443/?roomId=r&peerId=p') // 'unknown'
 */
export function dialectFromUrl(url: string): 'new' | 'unknown' {
  const raw: unknown = url;
  if (typeof raw !== 'string') return 'unknown';
  const q = raw.indexOf('?');
  if (q < 0) return 'unknown';
  const hash = raw.indexOf('#', q);
  const query = raw.slice(q + 1, hash < 0 ? undefined : hash);
  return new URLSearchParams(query).has('usePipeTransports') ? 'new' : 'unknown';
}

/**
 * The evidence rules, for documentation: rule id, dialect, strength and reason.
 *
 * @example
 * dialectRules().filter((r) => r.strength === 'weak').map((r) => r.id) // ['layers-changed']
 */
export function dialectRules(): readonly DialectRule[] {
  return RULES;
}

/**
 * mediasoup parameters as tables: rtpCapabilities (join, getRouterRtpCapabilities),
 * rtpParameters (produce, newConsumer), and the transport parameters of
 * createWebRtcTransport / connectWebRtcTransport / restartIce (ICE, candidates, DTLS, SCTP).
 *
 * Found by name anywhere in the first levels of a message's data (so both dialects and
 * unknown methods work), or by shape at the root (the legacy getRouterRtpCapabilities and
 * restartIce answers are the object itself). Every value came from a socket: nothing is
 * assumed about types; a misfit is said in words.
 */
import { cell, MISSING, type Cell, type Fact, type TableModel } from './table.ts';

export type RtpBlockKind =
  | 'rtpCapabilities'
  | 'rtpParameters'
  | 'iceParameters'
  | 'iceCandidates'
  | 'dtlsParameters'
  | 'sctpParameters'
  | 'sctpCapabilities'
  | 'sctpStreamParameters';

export interface RtpBlock {
  readonly kind: RtpBlockKind;
  readonly title: string;
  /** Where it is in the data, e.g. `data.rtpParameters`. */
  readonly path: string;
  readonly facts: readonly Fact[];
  readonly tables: readonly TableModel[];
  /** Why the value could not be shown as tables (wrong type). */
  readonly problem?: string;
}

type Obj = Readonly<Record<string, unknown>>;

function isObject(value: unknown): value is Obj {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function describeType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}

const TITLES: Readonly<Record<RtpBlockKind, string>> = {
  rtpCapabilities: 'RTP capabilities',
  rtpParameters: 'RTP parameters',
  iceParameters: 'ICE parameters',
  iceCandidates: 'ICE candidates',
  dtlsParameters: 'DTLS parameters',
  sctpParameters: 'SCTP parameters',
  sctpCapabilities: 'SCTP capabilities',
  sctpStreamParameters: 'SCTP stream parameters',
};

const KEYS: Readonly<Record<string, RtpBlockKind>> = {
  rtpCapabilities: 'rtpCapabilities',
  routerRtpCapabilities: 'rtpCapabilities',
  rtpParameters: 'rtpParameters',
  consumableRtpParameters: 'rtpParameters',
  iceParameters: 'iceParameters',
  iceCandidates: 'iceCandidates',
  dtlsParameters: 'dtlsParameters',
  sctpParameters: 'sctpParameters',
  sctpCapabilities: 'sctpCapabilities',
  sctpStreamParameters: 'sctpStreamParameters',
};

/** How deep under `data` parameters are looked for. */
const MAX_DEPTH = 3;

function list(value: unknown): readonly unknown[] {
  return Array.isArray(value) ? value : [];
}

function feedbackText(value: unknown): string | undefined {
  if (!Array.isArray(value)) return undefined;
  const parts = value.map((fb: unknown) => {
    if (!isObject(fb)) return String(fb);
    const type = typeof fb.type === 'string' ? fb.type : '?';
    const p = fb.parameter;
    return typeof p === 'string' && p !== '' ? `${type} ${p}` : type;
  });
  return parts.join(', ');
}

function table(
  caption: string,
  columns: readonly string[],
  items: readonly unknown[],
  row: (o: Obj) => Cell[],
): TableModel {
  return {
    caption,
    columns,
    rows: items.map((item) =>
      isObject(item) ? row(item) : [cell(item), ...columns.slice(1).map(() => MISSING)],
    ),
  };
}

function fact(label: string, value: unknown, secret = false): Fact {
  return { label, value: cell(value, secret) };
}

function mustBeArray(o: Obj, key: string, problems: string[]): readonly unknown[] {
  const v = o[key];
  if (v !== undefined && !Array.isArray(v))
    problems.push(`${key} is ${describeType(v)}, not an array`);
  return list(v);
}

function capabilities(o: Obj): Pick<RtpBlock, 'facts' | 'tables' | 'problem'> {
  const problems: string[] = [];
  const codecs = mustBeArray(o, 'codecs', problems);
  const exts = mustBeArray(o, 'headerExtensions', problems);
  return {
    facts: [],
    tables: [
      table(
        `Codecs (${codecs.length})`,
        ['kind', 'mimeType', 'clockRate', 'channels', 'preferred PT', 'parameters', 'rtcpFeedback'],
        codecs,
        (c) => [
          cell(c.kind),
          cell(c.mimeType),
          cell(c.clockRate),
          cell(c.channels),
          cell(c.preferredPayloadType),
          cell(c.parameters),
          cell(feedbackText(c.rtcpFeedback)),
        ],
      ),
      table(
        `Header extensions (${exts.length})`,
        ['kind', 'uri', 'preferredId', 'encrypt', 'direction'],
        exts,
        (e) => [
          cell(e.kind),
          cell(e.uri),
          cell(e.preferredId),
          cell(e.preferredEncrypt),
          cell(e.direction),
        ],
      ),
    ],
    ...(problems.length > 0 ? { problem: problems.join('; ') } : {}),
  };
}

const ENCODING_KEYS = new Set(['ssrc', 'rid', 'rtx', 'scalabilityMode', 'maxBitrate', 'dtx']);

function parameters(o: Obj): Pick<RtpBlock, 'facts' | 'tables' | 'problem'> {
  const problems: string[] = [];
  const codecs = mustBeArray(o, 'codecs', problems);
  const exts = mustBeArray(o, 'headerExtensions', problems);
  const encodings = mustBeArray(o, 'encodings', problems);
  const rtcp = isObject(o.rtcp) ? o.rtcp : {};
  const facts: Fact[] = [];
  if (o.mid !== undefined) facts.push(fact('mid', o.mid));
  facts.push(fact('RTCP cname', rtcp.cname), fact('RTCP reducedSize', rtcp.reducedSize));
  if (rtcp.mux !== undefined) facts.push(fact('RTCP mux', rtcp.mux));
  return {
    facts,
    tables: [
      table(
        `Codecs (${codecs.length})`,
        ['payloadType', 'mimeType', 'clockRate', 'channels', 'parameters', 'rtcpFeedback'],
        codecs,
        (c) => [
          cell(c.payloadType),
          cell(c.mimeType),
          cell(c.clockRate),
          cell(c.channels),
          cell(c.parameters),
          cell(feedbackText(c.rtcpFeedback)),
        ],
      ),
      table(
        `Header extensions (${exts.length})`,
        ['id', 'uri', 'encrypt', 'parameters'],
        exts,
        (e) => [cell(e.id), cell(e.uri), cell(e.encrypt), cell(e.parameters)],
      ),
      table(
        `Encodings (${encodings.length})`,
        ['ssrc', 'rid', 'rtx ssrc', 'scalabilityMode', 'maxBitrate', 'dtx', 'other'],
        encodings,
        (e) => {
          const other = Object.fromEntries(
            Object.entries(e).filter(([k]) => !ENCODING_KEYS.has(k)),
          );
          return [
            cell(e.ssrc),
            cell(e.rid),
            cell(isObject(e.rtx) ? e.rtx.ssrc : e.rtx),
            cell(e.scalabilityMode),
            cell(e.maxBitrate),
            cell(e.dtx),
            cell(other),
          ];
        },
      ),
    ],
    ...(problems.length > 0 ? { problem: problems.join('; ') } : {}),
  };
}

function iceParameters(o: Obj): Pick<RtpBlock, 'facts' | 'tables'> {
  return {
    facts: [
      fact('usernameFragment', o.usernameFragment),
      fact('password', o.password, true),
      fact('iceLite', o.iceLite),
    ],
    tables: [],
  };
}

function iceCandidates(items: readonly unknown[]): Pick<RtpBlock, 'facts' | 'tables'> {
  return {
    facts: [],
    tables: [
      table(
        `Candidates (${items.length})`,
        ['foundation', 'priority', 'address', 'protocol', 'port', 'type', 'tcpType'],
        items,
        (c) => [
          cell(c.foundation),
          cell(c.priority),
          cell(c.address ?? c.ip),
          cell(c.protocol),
          cell(c.port),
          cell(c.type),
          cell(c.tcpType),
        ],
      ),
    ],
  };
}

function dtlsParameters(o: Obj): Pick<RtpBlock, 'facts' | 'tables' | 'problem'> {
  const problems: string[] = [];
  const fingerprints = mustBeArray(o, 'fingerprints', problems);
  return {
    facts: [fact('role', o.role ?? 'auto (not given)')],
    tables: [
      table(`Fingerprints (${fingerprints.length})`, ['algorithm', 'value'], fingerprints, (f) => [
        cell(f.algorithm),
        cell(f.value),
      ]),
    ],
    ...(problems.length > 0 ? { problem: problems.join('; ') } : {}),
  };
}

function numStreams(o: Obj): Fact[] {
  const n = isObject(o.numStreams) ? o.numStreams : {};
  return [
    fact('outgoing streams (OS)', n.OS ?? o.OS),
    fact('incoming streams (MIS)', n.MIS ?? o.MIS),
  ];
}

function sctpParameters(o: Obj): Pick<RtpBlock, 'facts' | 'tables'> {
  return {
    facts: [fact('port', o.port), ...numStreams(o), fact('maxMessageSize', o.maxMessageSize)],
    tables: [],
  };
}

function sctpStream(o: Obj): Pick<RtpBlock, 'facts' | 'tables'> {
  return {
    facts: [
      fact('streamId', o.streamId),
      fact('ordered', o.ordered),
      fact('maxPacketLifeTime', o.maxPacketLifeTime),
      fact('maxRetransmits', o.maxRetransmits),
    ],
    tables: [],
  };
}

function block(kind: RtpBlockKind, value: unknown, path: string): RtpBlock {
  const base = { kind, title: TITLES[kind], path };
  if (kind === 'iceCandidates') {
    if (!Array.isArray(value)) {
      return {
        ...base,
        facts: [],
        tables: [],
        problem: `${path} is ${describeType(value)}, not an array`,
      };
    }
    return { ...base, ...iceCandidates(value) };
  }
  if (!isObject(value)) {
    return {
      ...base,
      facts: [],
      tables: [],
      problem: `${path} is ${describeType(value)}, not an object`,
    };
  }
  switch (kind) {
    case 'rtpCapabilities':
      return { ...base, ...capabilities(value) };
    case 'rtpParameters':
      return { ...base, ...parameters(value) };
    case 'iceParameters':
      return { ...base, ...iceParameters(value) };
    case 'dtlsParameters':
      return { ...base, ...dtlsParameters(value) };
    case 'sctpParameters':
      return { ...base, ...sctpParameters(value) };
    case 'sctpCapabilities':
      return { ...base, facts: numStreams(value), tables: [] };
    case 'sctpStreamParameters':
      return { ...base, ...sctpStream(value) };
  }
}

function keyPath(path: string, key: string): string {
  return /^[A-Za-z_$][\w$]*$/.test(key) ? `${path}.${key}` : `${path}[${JSON.stringify(key)}]`;
}

function walk(value: Obj, path: string, depth: number, out: RtpBlock[]): void {
  for (const [key, v] of Object.entries(value)) {
    const kind = KEYS[key];
    if (kind !== undefined) out.push(block(kind, v, keyPath(path, key)));
    else if (depth < MAX_DEPTH && isObject(v)) walk(v, keyPath(path, key), depth + 1, out);
  }
}

/** What the root of `data` is by its shape, when it is itself a parameters object. */
function rootKind(data: Obj): RtpBlockKind | undefined {
  if (Array.isArray(data.codecs) && Array.isArray(data.headerExtensions)) {
    return 'encodings' in data ? 'rtpParameters' : 'rtpCapabilities';
  }
  if (typeof data.usernameFragment === 'string' && 'password' in data) return 'iceParameters';
  return undefined;
}

/**
 * Every mediasoup parameters object in a message's data, in the order they appear.
 *
 * @example
 * mediasoupBlocks(produceData, 'data').map((b) => b.title); // ['RTP parameters']
 */
export function mediasoupBlocks(data: unknown, path = 'data'): RtpBlock[] {
  if (!isObject(data)) return [];
  const root = rootKind(data);
  if (root !== undefined) return [block(root, data, path)];
  const out: RtpBlock[] = [];
  walk(data, path, 1, out);
  return out;
}

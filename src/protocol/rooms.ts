/**
 * The two room signaling protocols of protocol.md §5 that are not protoo: the mesh room (the
 * server assigns ids and relays signals) and the two-party room (the WebRTC codelab's
 * `create or join`). Their wire shapes are fixed in ./roomProtocols.ts: one JSON text
 * frame per message, an object with a literal `type`.
 *
 * Nothing here throws: a frame is either a typed message or an `invalid` result whose reason
 * names the field at fault, as `decode()` in codec.ts does for protoo. Messages come back as
 * new objects holding only the fields of their shape (extra fields are dropped).
 *
 * A connection speaks exactly one of protoo, mesh and two-party. {@link detectRoomProtocol}
 * tells which from its `ws.open` (URL path, WebSocket subprotocol) and its first frames; the
 * demo server serves the mesh room on a path containing `/mesh` and the two-party room on a
 * path containing `/two-party`.
 */
import type {
  MeshCandidate,
  MeshClientMessage,
  MeshDescription,
  MeshPeerId,
  MeshServerMessage,
  TwoPartyClientMessage,
  TwoPartyPayload,
  TwoPartyServerMessage,
} from './roomProtocols.ts';
import { classify } from './codec.ts';
import type { WireDirection } from './catalog.ts';

export type RoomProtocol = 'mesh' | 'two-party';

/** What a signaling connection speaks. */
export type ConnectionProtocol = 'protoo' | RoomProtocol;

/** Every mesh frame type, in either direction. */
export const MESH_TYPES: readonly string[] = ['welcome', 'online', 'offline', 'signal'];

/** Every two-party frame type, in either direction (`create or join` has spaces, as in the codelab). */
export const TWO_PARTY_TYPES: readonly string[] = [
  'create or join',
  'created',
  'joined',
  'full',
  'join',
  'ready',
  'message',
];

/** The types each side sends: `out` = client → server, `in` = server → client. */
const SENT_BY: Readonly<Record<RoomProtocol, Readonly<Record<WireDirection, readonly string[]>>>> =
  {
    mesh: { out: ['signal'], in: ['welcome', 'online', 'offline', 'signal'] },
    'two-party': {
      out: ['create or join', 'message'],
      in: ['created', 'joined', 'full', 'join', 'ready', 'message'],
    },
  };

export interface RoomInvalidFrame {
  readonly kind: 'invalid';
  readonly protocol: RoomProtocol;
  /** Why the frame is not a message of the protocol, naming the field at fault. */
  readonly reason: string;
  /** The frame's `type` when it has a string one, to help a person place it. */
  readonly type?: string;
}

export interface MeshFrame {
  readonly kind: 'room';
  readonly protocol: 'mesh';
  readonly message: MeshClientMessage | MeshServerMessage;
}

export interface TwoPartyFrame {
  readonly kind: 'room';
  readonly protocol: 'two-party';
  readonly message: TwoPartyClientMessage | TwoPartyServerMessage;
}

export type MeshDecodeResult = MeshFrame | RoomInvalidFrame;
export type TwoPartyDecodeResult = TwoPartyFrame | RoomInvalidFrame;
export type RoomDecodeResult = MeshFrame | TwoPartyFrame | RoomInvalidFrame;

// ── helpers ────────────────────────────────────────────────────────────────

function describeType(value: unknown): string {
  if (value === undefined) return 'missing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'number' && !Number.isFinite(value)) return 'not a finite number';
  const t = typeof value;
  return t === 'object' ? 'an object' : `a ${t}`;
}

/** Thrown inside this module only, caught at each entry point: never escapes. */
class Bad extends Error {
  readonly reason: string;
  constructor(reason: string) {
    super(reason);
    this.reason = reason;
  }
}

function fail(reason: string): never {
  throw new Bad(reason);
}

type Obj = Readonly<Record<string, unknown>>;

function isObject(value: unknown): value is Obj {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function field(o: Obj, where: string, name: string): unknown {
  if (!Object.hasOwn(o, name)) fail(`${where} without "${name}"`);
  return o[name];
}

function stringField(o: Obj, where: string, name: string): string {
  const v = field(o, where, name);
  if (typeof v !== 'string') fail(`${where} "${name}" is ${describeType(v)}, not a string`);
  return v;
}

function peerIdOf(value: unknown, where: string): MeshPeerId {
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  if (typeof value === 'string' && value !== '') return value;
  if (value === '') fail(`${where} is an empty string, not a peer id`);
  return fail(`${where} is ${describeType(value)}, not a peer id`);
}

function peerIdField(o: Obj, where: string, name: string): MeshPeerId {
  return peerIdOf(field(o, where, name), `${where} "${name}"`);
}

function parseJson(text: string): unknown {
  if (text.trim() === '') fail('not JSON: the frame is empty');
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    return fail(`not JSON: ${error instanceof Error ? error.message : String(error)}`);
  }
}

/** The frame as an object with a known `type` of `protocol` sent in direction `dir`. */
function typed(value: unknown, protocol: RoomProtocol, dir: WireDirection | undefined): Obj {
  if (!isObject(value)) {
    fail(`not an object: the frame is ${Array.isArray(value) ? 'an array' : describeType(value)}`);
  }
  const type = field(value, 'frame', 'type');
  if (typeof type !== 'string') fail(`frame "type" is ${describeType(type)}, not a string`);
  const known = protocol === 'mesh' ? MESH_TYPES : TWO_PARTY_TYPES;
  if (!known.includes(type)) fail(`unknown ${protocol} type "${type}"`);
  if (dir !== undefined && !SENT_BY[protocol][dir].includes(type)) {
    fail(`"${type}" from the ${dir === 'out' ? 'client' : 'server'}: only the other side sends it`);
  }
  return value;
}

function invalid(protocol: RoomProtocol, reason: string, value: unknown): RoomInvalidFrame {
  const type = isObject(value) && typeof value.type === 'string' ? value.type : undefined;
  return type === undefined
    ? { kind: 'invalid', protocol, reason }
    : { kind: 'invalid', protocol, reason, type };
}

// ── mesh ───────────────────────────────────────────────────────────────────

function meshDescription(value: unknown): MeshDescription {
  const where = 'signal "description"';
  if (!isObject(value)) return fail(`${where} is ${describeType(value)}, not an object`);
  const type = field(value, where, 'type');
  if (type !== 'offer' && type !== 'answer') {
    fail(
      typeof type === 'string'
        ? `${where} "type" is "${type}", not offer or answer`
        : `${where} "type" is ${describeType(type)}, not offer or answer`,
    );
  }
  return { type, sdp: stringField(value, where, 'sdp') };
}

function meshCandidate(value: unknown): MeshCandidate {
  const where = 'signal "candidate"';
  if (!isObject(value)) return fail(`${where} is ${describeType(value)}, not an object`);
  const candidate = stringField(value, where, 'candidate');
  const sdpMid = field(value, where, 'sdpMid');
  if (sdpMid !== null && typeof sdpMid !== 'string') {
    fail(`${where} "sdpMid" is ${describeType(sdpMid)}, not a string or null`);
  }
  const index = field(value, where, 'sdpMLineIndex');
  if (index !== null && !(typeof index === 'number' && Number.isInteger(index) && index >= 0)) {
    fail(`${where} "sdpMLineIndex" is ${describeType(index)}, not an index or null`);
  }
  const ufrag = value.usernameFragment;
  if (ufrag !== undefined && ufrag !== null && typeof ufrag !== 'string') {
    fail(`${where} "usernameFragment" is ${describeType(ufrag)}, not a string or null`);
  }
  return ufrag === undefined
    ? { candidate, sdpMid, sdpMLineIndex: index }
    : { candidate, sdpMid, sdpMLineIndex: index, usernameFragment: ufrag };
}

function meshMessage(
  o: Obj,
  dir: WireDirection | undefined,
): MeshClientMessage | MeshServerMessage {
  switch (o.type) {
    case 'welcome': {
      const id = peerIdField(o, 'welcome', 'id');
      const list = field(o, 'welcome', 'online');
      if (!Array.isArray(list)) fail(`welcome "online" is ${describeType(list)}, not an array`);
      const online = (list as readonly unknown[]).map((v, k) =>
        peerIdOf(v, `welcome "online"[${k}]`),
      );
      return { type: 'welcome', id, online };
    }
    case 'online':
    case 'offline':
      return { type: o.type, id: peerIdField(o, o.type, 'id') };
    default: {
      // `signal`: the client names the receiver, the server adds the sender.
      const to = peerIdField(o, 'signal', 'to');
      const from =
        dir === 'in' || Object.hasOwn(o, 'from') ? peerIdField(o, 'signal', 'from') : undefined;
      const hasDescription = Object.hasOwn(o, 'description');
      const hasCandidate = Object.hasOwn(o, 'candidate');
      if (hasDescription === hasCandidate) {
        fail(
          hasDescription
            ? 'signal with both "description" and "candidate"'
            : 'signal without "description" or "candidate"',
        );
      }
      const body = hasDescription
        ? { description: meshDescription(o.description) }
        : { candidate: meshCandidate(o.candidate) };
      return from === undefined
        ? { type: 'signal', to, ...body }
        : { type: 'signal', from, to, ...body };
    }
  }
}

/**
 * Classifies an already parsed JSON value as a mesh message. With `dir` (`out` = sent by the
 * client), a type only the other side sends is invalid, and a relayed signal (`in`) needs
 * `from`.
 *
 * @example
 * classifyMesh({ type: 'online', id: 4 }).kind; // 'room'
 * classifyMesh({ type: 'signal', to: 2 }, 'out'); // invalid: 'signal without "description" or "candidate"'
 */
export function classifyMesh(value: unknown, dir?: WireDirection): MeshDecodeResult {
  try {
    return { kind: 'room', protocol: 'mesh', message: meshMessage(typed(value, 'mesh', dir), dir) };
  } catch (error) {
    if (error instanceof Bad) return invalid('mesh', error.reason, value);
    throw error;
  }
}

// ── two-party ──────────────────────────────────────────────────────────────

const PAYLOAD_STRINGS: readonly string[] = ['got user media', 'bye'];

function twoPartyPayload(value: unknown): TwoPartyPayload {
  const where = 'message "message"';
  if (typeof value === 'string') {
    if (value === 'got user media' || value === 'bye') return value;
    return fail(`${where} is "${value}", not one of ${PAYLOAD_STRINGS.join(', ')} or an object`);
  }
  if (!isObject(value)) return fail(`${where} is ${describeType(value)}, not a string or object`);
  const type = field(value, where, 'type');
  switch (type) {
    case 'offer':
    case 'answer':
      return { type, sdp: stringField(value, where, 'sdp') };
    case 'candidate': {
      const label = field(value, where, 'label');
      if (!(typeof label === 'number' && Number.isInteger(label) && label >= 0)) {
        fail(`${where} "label" is ${describeType(label)}, not an m-line index`);
      }
      return {
        type,
        label,
        id: stringField(value, where, 'id'),
        candidate: stringField(value, where, 'candidate'),
      };
    }
    default:
      return fail(
        typeof type === 'string'
          ? `${where} "type" is "${type}", not offer, answer or candidate`
          : `${where} "type" is ${describeType(type)}, not offer, answer or candidate`,
      );
  }
}

function twoPartyMessage(o: Obj): TwoPartyClientMessage | TwoPartyServerMessage {
  switch (o.type) {
    case 'create or join':
      return { type: 'create or join', room: stringField(o, 'create or join', 'room') };
    case 'created':
    case 'joined':
      return {
        type: o.type,
        room: stringField(o, o.type, 'room'),
        id: stringField(o, o.type, 'id'),
      };
    case 'full':
    case 'join':
      return { type: o.type, room: stringField(o, o.type, 'room') };
    case 'ready':
      return { type: 'ready' };
    default:
      return { type: 'message', message: twoPartyPayload(field(o, 'message', 'message')) };
  }
}

/**
 * Classifies an already parsed JSON value as a two-party message (see {@link classifyMesh}
 * for `dir`).
 *
 * @example
 * classifyTwoParty({ type: 'message', message: 'got user media' }).kind; // 'room'
 * classifyTwoParty({ type: 'created', room: 'foo' }); // invalid: 'created without "id"'
 */
export function classifyTwoParty(value: unknown, dir?: WireDirection): TwoPartyDecodeResult {
  try {
    return {
      kind: 'room',
      protocol: 'two-party',
      message: twoPartyMessage(typed(value, 'two-party', dir)),
    };
  } catch (error) {
    if (error instanceof Bad) return invalid('two-party', error.reason, value);
    throw error;
  }
}

/**
 * Decodes one text frame of a mesh or two-party connection. Never throws.
 *
 * @example
 * decodeRoomFrame('mesh', '{"type":"welcome","id":3,"online":[1,2]}', 'in');
 * // { kind: 'room', protocol: 'mesh', message: { type: 'welcome', id: 3, online: [1, 2] } }
 * decodeRoomFrame('two-party', '{"type":"created"', 'in').kind; // 'invalid' (not JSON)
 */
export function decodeRoomFrame(
  protocol: RoomProtocol,
  text: string,
  dir?: WireDirection,
): RoomDecodeResult {
  let value: unknown;
  try {
    value = parseJson(text);
  } catch (error) {
    if (error instanceof Bad) return { kind: 'invalid', protocol, reason: error.reason };
    throw error;
  }
  return protocol === 'mesh' ? classifyMesh(value, dir) : classifyTwoParty(value, dir);
}

// ── which protocol a connection speaks ─────────────────────────────────────

/**
 * The room protocol a WebSocket URL's path names: `mesh` when the path contains `/mesh`,
 * `two-party` when it contains `/two-party` (the query string and fragment do not count).
 *
 * @example
 * roomProtocolOfUrl('wss://demo.example.org:4443/mesh?roomId=r1'); // 'mesh'
 * roomProtocolOfUrl('wss://demo.example.org:4443/?roomId=r1&peerId=p'); // undefined
 */
export function roomProtocolOfUrl(url: string): RoomProtocol | undefined {
  let path: string;
  try {
    path = new URL(url).pathname;
  } catch {
    path = url.split(/[?#]/, 1)[0] ?? '';
  }
  if (path.includes('/two-party')) return 'two-party';
  if (path.includes('/mesh')) return 'mesh';
  return undefined;
}

/**
 * What one parsed frame shows about its connection: `protoo` for a valid protoo message,
 * `mesh` / `two-party` for an object whose `type` is one of that protocol's (and that carries
 * no protoo kind flag), undefined when it shows nothing (garbage, or an unknown type).
 *
 * @example
 * protocolOfFrame({ type: 'signal', to: 2, candidate: {} }); // 'mesh' (even though invalid)
 * protocolOfFrame({ notification: true, method: 'x' }); // 'protoo'
 */
export function protocolOfFrame(value: unknown): ConnectionProtocol | undefined {
  if (classify(value).kind !== 'invalid') return 'protoo';
  if (!isObject(value) || typeof value.type !== 'string') return undefined;
  if (value.request || value.response || value.notification) return undefined;
  if (MESH_TYPES.includes(value.type)) return 'mesh';
  if (TWO_PARTY_TYPES.includes(value.type)) return 'two-party';
  return undefined;
}

/** The evidence {@link detectRoomProtocol} weighs, in the order it comes. */
export interface ProtocolEvidence {
  /** The URL of the connection's (first) `ws.open`. */
  readonly url?: string;
  /** The WebSocket subprotocol of that `ws.open`. */
  readonly subprotocol?: string;
  /** The connection's first text frames, in order. */
  readonly frames?: readonly string[];
}

/** An incremental {@link detectRoomProtocol}: the first decisive piece of evidence sticks. */
export interface ProtocolDetector {
  observeOpen(url: string, subprotocol?: string): void;
  /** Learns from a text frame (its parsed JSON value, or `PARSE_FAILED` for non-JSON). */
  observeFrame(value: unknown): void;
  /** The protocol so far; undefined while nothing decided it. */
  protocol(): ConnectionProtocol | undefined;
}

/** What to pass to `observeFrame` for a frame that is not JSON: it shows nothing. */
export const PARSE_FAILED: unique symbol = Symbol('not JSON');

/**
 * Creates a detector. Rules, first match wins and is final (a connection speaks one protocol
 * for its whole life): a `ws.open` with subprotocol `protoo` → protoo; a `ws.open` URL whose
 * path names a room protocol ({@link roomProtocolOfUrl}) → that protocol; otherwise the first
 * frame that shows something ({@link protocolOfFrame}). Frames before that (not JSON, an
 * object of no known shape) leave it undecided.
 *
 * @example
 * const d = createProtocolDetector();
 * d.observeOpen('wss://h/?roomId=r'); // undecided
 * d.observeFrame({ type: 'welcome', id: 1, online: [] });
 * d.protocol(); // 'mesh'
 */
export function createProtocolDetector(): ProtocolDetector {
  let decided: ConnectionProtocol | undefined;
  return {
    observeOpen(url, subprotocol) {
      if (decided !== undefined) return;
      decided = subprotocol === 'protoo' ? 'protoo' : roomProtocolOfUrl(url);
    },
    observeFrame(value) {
      if (decided !== undefined || value === PARSE_FAILED) return;
      decided = protocolOfFrame(value);
    },
    protocol: () => decided,
  };
}

/**
 * Which protocol a connection speaks, from its `ws.open` and/or its first frames (rules at
 * {@link createProtocolDetector}); undefined when nothing shows it.
 *
 * @example
 * detectRoomProtocol({ url: 'wss://demo.example.org:4443/two-party' }); // 'two-party'
 * detectRoomProtocol({ frames: ['{"type":"welcome","id":1,"online":[]}'] }); // 'mesh'
 * detectRoomProtocol({ frames: ['{"request":true,"id":1,"method":"join","data":{}}'] }); // 'protoo'
 */
export function detectRoomProtocol(evidence: ProtocolEvidence): ConnectionProtocol | undefined {
  const detector = createProtocolDetector();
  if (evidence.url !== undefined) detector.observeOpen(evidence.url, evidence.subprotocol);
  for (const text of evidence.frames ?? []) {
    if (detector.protocol() !== undefined) break;
    let value: unknown = PARSE_FAILED;
    try {
      value = JSON.parse(text) as unknown;
    } catch {
      // Not JSON: shows nothing.
    }
    detector.observeFrame(value);
  }
  return detector.protocol();
}

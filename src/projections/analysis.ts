import { classify, decode, type DecodeResult, type ProtooMessage } from '../protocol/codec.ts';
import { createDialectDetector, type Dialect, type DialectDetector } from '../protocol/dialect.ts';
import {
  PARSE_FAILED,
  classifyMesh,
  classifyTwoParty,
  createProtocolDetector,
  decodeRoomFrame,
  type ConnectionProtocol,
  type ProtocolDetector,
  type RoomDecodeResult,
  type RoomProtocol,
} from '../protocol/rooms.ts';
import { validateMessage, type ValidationWarning } from '../protocol/validate.ts';
import { Float64Column, Int32Column, Interner, Uint8Column } from '../session/columns.ts';
import type { Direction, WsCloseEvent, WsOpenEvent } from '../session/events.ts';
import { TYPE_CODE, type SessionLog } from '../session/SessionLog.ts';
import { Correlator, type Outcome, type OrphanReason } from './correlate.ts';

/**
 * What a frame turned out to be. `room`: a valid message of a mesh or two-party connection
 * (src/protocol/rooms.ts; its `type` is the frame's method). `invalid`: a text frame that is
 * not a valid message of its connection's protocol.
 */
export type FrameKind =
  'request' | 'success' | 'error' | 'notification' | 'invalid' | 'binary' | 'room';

export const KIND_CODE = {
  none: 0,
  request: 1,
  success: 2,
  error: 3,
  notification: 4,
  invalid: 5,
  binary: 6,
  room: 7,
} as const;
const KINDS: readonly (FrameKind | undefined)[] = [
  undefined,
  'request',
  'success',
  'error',
  'notification',
  'invalid',
  'binary',
  'room',
];

export interface ConnectionInfo {
  readonly name: string;
  readonly id: number;
  readonly url: string | undefined;
  readonly opens: number;
  readonly closes: readonly {
    index: number;
    code: number | undefined;
    reason: string | undefined;
  }[];
  /**
   * What the connection speaks (src/protocol/rooms.ts `createProtocolDetector`); `protoo`
   * while nothing has shown it, as its frames are then decoded as protoo.
   */
  readonly protocol: ConnectionProtocol;
  /** The mediasoup-demo dialect; always `unknown` (no evidence) on a mesh / two-party connection. */
  readonly dialect: Dialect;
  readonly dialectEvidence: ReturnType<DialectDetector['result']>;
}

interface ConnTrack {
  url: string | undefined;
  opens: number;
  closes: { index: number; code: number | undefined; reason: string | undefined }[];
  detector: DialectDetector;
  protocol: ProtocolDetector;
}

const NO_DIALECT = createDialectDetector().result();

function isRoom(protocol: ConnectionProtocol | undefined): protocol is RoomProtocol {
  return protocol === 'mesh' || protocol === 'two-party';
}

/** A message decoded again on demand; the analysis keeps only a compact summary. */
const MESSAGE_CACHE_SIZE = 512;

/**
 * Everything derived from a session log, computed incrementally and kept compact: each
 * frame is decoded once, summarised into columns (kind, id, method) and paired; the parsed
 * data is dropped and decoded again on demand (`message(i)`).
 *
 * A pure function of the log: `new SessionAnalysis(log).update()` always gives the same
 * result for the same events; call `update()` again after live appends.
 *
 * @example
 * const analysis = new SessionAnalysis(log).update();
 * analysis.kind(5);       // 'request'
 * analysis.outcome(5);    // 'ok'
 * analysis.latency(5);    // 12.5
 */
export class SessionAnalysis {
  readonly log: SessionLog;
  private processed = 0;
  private readonly kindCol = new Uint8Column(1024);
  private readonly idCol = new Float64Column(1024);
  private readonly methodCol = new Int32Column(1024);
  readonly methods = new Interner();
  /** method id → indexes of requests, notifications and responses of that method. */
  private readonly methodIndex: Int32Column[] = [];
  private readonly requestCounts: number[] = [];
  private readonly notificationCounts: number[] = [];
  readonly correlator = new Correlator();
  /** Frame index → why it is not a message of its connection's protocol. */
  readonly invalidReasons = new Map<number, string>();
  /** Indexes of the invalid frames of mesh / two-party connections. */
  private readonly roomInvalid = new Set<number>();
  /** Room frame type → how many valid frames of that type. */
  private readonly roomTypeTally = new Map<string, number>();
  /** Frame index → error response code and reason. */
  readonly errors = new Map<
    number,
    { code: number | undefined; reason: string; okField: string }
  >();
  /** Frame index → catalog warnings. */
  readonly warnings = new Map<number, readonly ValidationWarning[]>();
  private readonly conns: ConnTrack[] = [];
  private readonly cache = new Map<number, DecodeResult>();
  private timeWentBack: number[] = [];
  private lastT = 0;

  constructor(log: SessionLog) {
    this.log = log;
  }

  /**
   * Processes events appended since the last call, at most `max` of them (the app opens a
   * big capture a slice at a time, so the first rows show at once).
   */
  update(max = Infinity): this {
    const log = this.log;
    const end = Math.min(log.length, this.processed + max);
    if (end > this.processed) {
      this.kindCol.reserve(log.length);
      this.idCol.reserve(log.length);
      this.methodCol.reserve(log.length);
      this.correlator.reserve(log.length);
    }
    for (let i = this.processed; i < end; i++) this.step(i);
    this.processed = end;
    return this;
  }

  get length(): number {
    return this.processed;
  }

  /** The session's end as far as it is analysed (the log's end once everything is). */
  processedEndTime(): number {
    if (this.processed >= this.log.length) return this.log.endTime;
    return this.processed === 0 ? 0 : this.log.time(this.processed - 1);
  }

  private track(conn: number): ConnTrack {
    let c = this.conns[conn];
    if (!c) {
      c = {
        url: undefined,
        opens: 0,
        closes: [],
        detector: createDialectDetector(),
        protocol: createProtocolDetector(),
      };
      this.conns[conn] = c;
    }
    return c;
  }

  private step(i: number): void {
    const log = this.log;
    const t = log.time(i);
    if (t < this.lastT) this.timeWentBack.push(i);
    else this.lastT = t;
    const type = log.typeCode(i);
    if (type !== TYPE_CODE['ws.frame']) {
      this.kindCol.push(KIND_CODE.none);
      this.idCol.push(Number.NaN);
      this.methodCol.push(-1);
      const conn = log.connId(i);
      if (type === TYPE_CODE['ws.open'] && conn >= 0) {
        const ev = log.get(i) as WsOpenEvent;
        const c = this.track(conn);
        c.opens++;
        c.url = ev.url;
        c.protocol.observeOpen(ev.url, ev.protocol);
        if (!isRoom(c.protocol.protocol())) c.detector.observeUrl(ev.url, log.seq(i));
        this.correlator.open(i, conn, t);
      } else if (type === TYPE_CODE['ws.close'] && conn >= 0) {
        const ev = log.get(i) as WsCloseEvent;
        this.track(conn).closes.push({ index: i, code: ev.code, reason: ev.reason });
        this.correlator.close(i, conn, t, ev.code);
      } else {
        this.correlator.other(i, t);
      }
      return;
    }

    const conn = log.connId(i);
    const dir: Direction = log.dir(i) ?? 'in';
    const text = log.frameText(i);
    if (text === undefined) {
      this.kindCol.push(KIND_CODE.binary);
      this.idCol.push(Number.NaN);
      this.methodCol.push(-1);
      this.correlator.other(i, t);
      return;
    }
    const c = this.track(conn);
    let protocol = c.protocol.protocol();
    if (protocol === undefined) {
      // Undecided: this frame may show what the connection speaks (parsed once, here only).
      let value: unknown = PARSE_FAILED;
      try {
        value = JSON.parse(text) as unknown;
      } catch {
        // Not JSON: shows nothing; decoded below as protoo, which says why it is invalid.
      }
      c.protocol.observeFrame(value);
      protocol = c.protocol.protocol();
      if (value !== PARSE_FAILED) {
        if (isRoom(protocol)) {
          this.summariseRoom(i, t, this.classifyRoom(protocol, value, dir));
        } else {
          this.summarise(i, conn, dir, t, classify(value));
        }
        return;
      }
    }
    if (isRoom(protocol)) {
      this.summariseRoom(i, t, decodeRoomFrame(protocol, text, dir));
      return;
    }
    const msg = decode(text);
    this.summarise(i, conn, dir, t, msg);
  }

  private classifyRoom(protocol: RoomProtocol, value: unknown, dir: Direction): RoomDecodeResult {
    return protocol === 'mesh' ? classifyMesh(value, dir) : classifyTwoParty(value, dir);
  }

  /** A frame of a mesh / two-party connection: no protoo pairing, no dialect, no catalog. */
  private summariseRoom(i: number, t: number, msg: RoomDecodeResult): void {
    this.idCol.push(Number.NaN);
    this.correlator.other(i, t);
    if (msg.kind === 'invalid') {
      this.kindCol.push(KIND_CODE.invalid);
      this.methodCol.push(msg.type === undefined ? -1 : this.methods.intern(msg.type));
      this.invalidReasons.set(i, `${msg.protocol} frame: ${msg.reason}`);
      this.roomInvalid.add(i);
      return;
    }
    const type = msg.message.type;
    const m = this.methods.intern(type);
    this.kindCol.push(KIND_CODE.room);
    this.methodCol.push(m);
    this.indexMethod(m, i);
    this.roomTypeTally.set(type, (this.roomTypeTally.get(type) ?? 0) + 1);
  }

  private summarise(i: number, conn: number, dir: Direction, t: number, msg: DecodeResult): void {
    const c = this.track(conn);
    switch (msg.kind) {
      case 'invalid': {
        this.kindCol.push(KIND_CODE.invalid);
        this.idCol.push(msg.id ?? Number.NaN);
        this.methodCol.push(msg.method === undefined ? -1 : this.methods.intern(msg.method));
        this.invalidReasons.set(i, msg.reason);
        this.correlator.other(i, t);
        return;
      }
      case 'request':
      case 'notification': {
        const m = this.methods.intern(msg.method);
        this.kindCol.push(msg.kind === 'request' ? KIND_CODE.request : KIND_CODE.notification);
        this.idCol.push(msg.kind === 'request' ? msg.id : Number.NaN);
        this.methodCol.push(m);
        this.indexMethod(m, i);
        if (msg.kind === 'request') {
          this.requestCounts[m] = (this.requestCounts[m] ?? 0) + 1;
          this.correlator.request(i, conn, dir, msg.id, t);
        } else {
          this.notificationCounts[m] = (this.notificationCounts[m] ?? 0) + 1;
          this.correlator.other(i, t);
        }
        c.detector.observe(msg, dir, this.log.seq(i));
        this.validate(i, msg, dir, c, undefined);
        return;
      }
      case 'success':
      case 'error': {
        this.kindCol.push(msg.kind === 'success' ? KIND_CODE.success : KIND_CODE.error);
        this.idCol.push(msg.id);
        this.correlator.response(i, conn, dir, msg.id, t, msg.kind === 'success');
        const req = this.correlator.pair.get(i);
        const m = req >= 0 ? this.methodCol.get(req) : -1;
        this.methodCol.push(m);
        if (m >= 0) this.indexMethod(m, i);
        if (msg.kind === 'error') {
          this.errors.set(i, {
            code: msg.errorCode,
            reason: msg.errorReason,
            okField: msg.okField,
          });
        }
        const requestMethod = m >= 0 ? this.methods.name(m) : undefined;
        c.detector.observe(
          msg,
          dir,
          this.log.seq(i),
          requestMethod === undefined ? undefined : { requestMethod },
        );
        if (requestMethod !== undefined) this.validate(i, msg, dir, c, requestMethod);
        return;
      }
    }
  }

  private validate(
    i: number,
    msg: ProtooMessage,
    dir: Direction,
    c: ConnTrack,
    requestMethod: string | undefined,
  ): void {
    const dialect = this.dialectOfTrack(c);
    const w = validateMessage(
      msg,
      requestMethod === undefined ? { dialect, dir } : { dialect, dir, requestMethod },
    );
    if (w.length > 0) this.warnings.set(i, w);
  }

  private dialectOfTrack(c: ConnTrack): Dialect {
    return c.detector.dialect();
  }

  private indexMethod(m: number, i: number): void {
    let col = this.methodIndex[m];
    if (!col) {
      col = new Int32Column(64);
      this.methodIndex[m] = col;
    }
    col.push(i);
  }

  // ── per-event accessors ──────────────────────────────────────────────────

  /** The frame's kind, or undefined for events that are not frames. */
  kind(i: number): FrameKind | undefined {
    return KINDS[this.kindCol.get(i)];
  }

  kindCode(i: number): number {
    return this.kindCol.get(i);
  }

  /** The protoo id of a request or response frame. */
  id(i: number): number | undefined {
    const id = this.idCol.get(i);
    return Number.isNaN(id) ? undefined : id;
  }

  /**
   * The method of a request or notification, or of the request a response answers; the
   * `type` of a mesh / two-party frame.
   */
  method(i: number): string | undefined {
    const m = this.methodCol.get(i);
    return m >= 0 ? this.methods.name(m) : undefined;
  }

  /** The index of the paired request/response, or -1. */
  pairOf(i: number): number {
    return i < this.correlator.pair.length ? this.correlator.pair.get(i) : -1;
  }

  /** Response time of a request or response, in ms; undefined if unpaired. */
  latency(i: number): number | undefined {
    const j = this.pairOf(i);
    if (j < 0) return undefined;
    return Math.abs(this.log.time(i) - this.log.time(j));
  }

  /** What became of a request (as of the end of the session). */
  outcome(i: number, now = this.processedEndTime()): Outcome | undefined {
    if (this.kindCol.get(i) !== KIND_CODE.request) return undefined;
    return this.correlator.outcomeOf(i, now);
  }

  orphan(i: number): OrphanReason | undefined {
    return this.correlator.orphans.get(i);
  }

  isLate(i: number): boolean {
    return this.correlator.late.has(i);
  }

  /**
   * The whole decoded protoo message, decoded again from the log (a small cache keeps recent
   * ones). Undefined for frames of mesh / two-party connections: see `roomMessage`.
   */
  message(i: number): DecodeResult | undefined {
    if (!this.log.isFrame(i) || this.isRoomFrame(i)) return undefined;
    const cached = this.cache.get(i);
    if (cached) return cached;
    const text = this.log.frameText(i);
    if (text === undefined) return undefined;
    const msg = decode(text);
    if (this.cache.size >= MESSAGE_CACHE_SIZE) {
      const first = this.cache.keys().next();
      if (!first.done) this.cache.delete(first.value);
    }
    this.cache.set(i, msg);
    return msg;
  }

  /** Whether the frame at `i` was decoded as a mesh / two-party frame (valid or not). */
  isRoomFrame(i: number): boolean {
    return this.kindCol.get(i) === KIND_CODE.room || this.roomInvalid.has(i);
  }

  /**
   * The frame at `i` of a mesh / two-party connection, decoded again from the log; undefined
   * for any other event (protoo frames, binary frames, non-frames).
   *
   * @example
   * analysis.roomMessage(4); // { kind: 'room', protocol: 'mesh', message: { type: 'welcome', … } }
   */
  roomMessage(i: number): RoomDecodeResult | undefined {
    if (i >= this.processed || !this.isRoomFrame(i)) return undefined;
    const text = this.log.frameText(i);
    const protocol = this.protocolOf(this.log.connId(i));
    if (text === undefined || !isRoom(protocol)) return undefined;
    return decodeRoomFrame(protocol, text, this.log.dir(i));
  }

  /** What connection `connId` speaks, or undefined while nothing has shown it. */
  protocolOf(connId: number): ConnectionProtocol | undefined {
    return connId >= 0 ? this.conns[connId]?.protocol.protocol() : undefined;
  }

  // ── indexes and summaries ───────────────────────────────────────────────

  /** Indexes of the requests, notifications and paired responses of a method. */
  eventsOfMethod(method: string): Int32Array {
    const m = this.methods.lookup(method);
    return m === undefined ? new Int32Array(0) : (this.methodIndex[m]?.view() ?? new Int32Array(0));
  }

  /** method → number of requests plus notifications. */
  methodCounts(): Map<string, { requests: number; notifications: number }> {
    const out = new Map<string, { requests: number; notifications: number }>();
    for (let m = 0; m < this.methods.size; m++) {
      const requests = this.requestCounts[m] ?? 0;
      const notifications = this.notificationCounts[m] ?? 0;
      if (requests + notifications > 0) out.set(this.methods.name(m), { requests, notifications });
    }
    return out;
  }

  /** Room frame type → number of valid frames of that type (mesh and two-party connections). */
  roomTypeCounts(): Map<string, number> {
    return new Map(this.roomTypeTally);
  }

  connection(connId: number): ConnectionInfo {
    const c = this.track(connId);
    const protocol = c.protocol.protocol() ?? 'protoo';
    const room = isRoom(protocol);
    return {
      name: this.log.connName(connId),
      id: connId,
      url: c.url,
      opens: c.opens,
      closes: c.closes,
      protocol,
      dialect: room ? 'unknown' : this.dialectOfTrack(c),
      dialectEvidence: room ? NO_DIALECT : c.detector.result(),
    };
  }

  connectionInfos(): ConnectionInfo[] {
    return this.log.connections().map((_, id) => this.connection(id));
  }

  /** Indexes where time went backwards (merged sources out of order). */
  timeRegressions(): readonly number[] {
    return this.timeWentBack;
  }
}

import { Float64Column, Int32Column, Interner, Uint8Column } from './columns.ts';
import type { Direction, EventInput, ExtraFields, SessionEvent, WsFrameEvent } from './events.ts';

/** Event type codes in the `type` column. */
export const TYPE_CODE = {
  'ws.open': 0,
  'ws.frame': 1,
  'ws.close': 2,
  'ws.error': 3,
  pc: 4,
  note: 5,
  unknown: 6,
} as const;
export type TypeCode = (typeof TYPE_CODE)[keyof typeof TYPE_CODE];

const DIR_NONE = 0;
const DIR_OUT = 1;
const DIR_IN = 2;

export type SessionListener = (firstNewIndex: number, log: SessionLog) => void;

/**
 * The append-only session log: the single source of truth (DESIGN.md).
 *
 * Built for a million events. Frames, the bulk of any session, are stored as columns
 * (time, seq, connection, direction) plus their text; other events keep their object.
 * An index of event positions per connection grows as events are appended.
 *
 * Positions (`index`) are 0..length-1; `seq` is the event's own number, which equals the
 * index for sessions built live and may have gaps in an imported capture.
 *
 * @example
 * const log = new SessionLog();
 * log.append({ t: 0, type: 'ws.open', conn: 'c1', url: 'wss://h/?roomId=r&peerId=p' });
 * log.append({ t: 3, type: 'ws.frame', conn: 'c1', dir: 'out', text: '{"request":true,…}' });
 * log.length; // 2
 */
export class SessionLog {
  private readonly typeCol = new Uint8Column();
  private readonly seqCol = new Float64Column();
  private readonly timeCol = new Float64Column();
  private readonly connCol = new Int32Column();
  private readonly dirCol = new Uint8Column();
  /** Frame text, or base64 of a binary frame (then `binary` has the index). */
  private readonly payloads: (string | undefined)[] = [];
  private readonly binary = new Set<number>();
  /** The whole event, for the rare non-frame events. */
  private readonly objects = new Map<number, SessionEvent>();
  private readonly extras = new Map<number, ExtraFields>();
  private readonly connNames = new Interner();
  private readonly connIndex: Int32Column[] = [];
  private readonly listeners = new Set<SessionListener>();
  private lastSeq = -1;
  private lastTime = 0;

  get length(): number {
    return this.typeCol.length;
  }

  /** Appends an event and gives it the next `seq`. Returns its index. */
  append(input: EventInput): number {
    return this.appendWithSeq({ ...input, seq: this.lastSeq + 1 });
  }

  /**
   * Appends an event that already has a `seq` (an imported capture). The caller checks
   * that seq increases; the log only refuses to go backwards.
   */
  appendWithSeq(event: SessionEvent): number {
    if (!(event.seq > this.lastSeq)) {
      throw new RangeError(`seq ${event.seq} does not follow ${this.lastSeq}`);
    }
    const index = this.typeCol.length;
    const code: TypeCode = TYPE_CODE[event.type];
    this.typeCol.push(code);
    this.seqCol.push(event.seq);
    this.timeCol.push(event.t);
    this.lastSeq = event.seq;
    if (event.t > this.lastTime) this.lastTime = event.t;

    const conn = 'conn' in event && typeof event.conn === 'string' ? event.conn : undefined;
    if (conn === undefined) {
      this.connCol.push(-1);
    } else {
      const c = this.connNames.intern(conn);
      this.connCol.push(c);
      let idx = this.connIndex[c];
      if (!idx) {
        idx = new Int32Column(64);
        this.connIndex[c] = idx;
      }
      idx.push(index);
    }

    if (code === TYPE_CODE['ws.frame']) {
      const frame = event as WsFrameEvent;
      this.dirCol.push(frame.dir === 'out' ? DIR_OUT : DIR_IN);
      if (frame.base64 !== undefined) {
        this.payloads.push(frame.base64);
        this.binary.add(index);
      } else {
        this.payloads.push(frame.text ?? '');
      }
      if (frame.extra) this.extras.set(index, frame.extra);
    } else {
      this.dirCol.push(DIR_NONE);
      this.payloads.push(undefined);
      this.objects.set(index, event);
    }
    for (const listener of this.listeners) listener(index, this);
    return index;
  }

  /** The event at `index`, materialised. */
  get(index: number): SessionEvent {
    if (index < 0 || index >= this.length) {
      throw new RangeError(`no event at index ${index} (the log has ${this.length})`);
    }
    const obj = this.objects.get(index);
    if (obj) return obj;
    const base = {
      seq: this.seqCol.get(index),
      t: this.timeCol.get(index),
      type: 'ws.frame' as const,
      conn: this.connNames.name(this.connCol.get(index)),
      dir: this.dirCol.get(index) === DIR_OUT ? ('out' as const) : ('in' as const),
    };
    const payload = this.payloads[index] ?? '';
    const extra = this.extras.get(index);
    const frame: WsFrameEvent = this.binary.has(index)
      ? { ...base, base64: payload }
      : { ...base, text: payload };
    return extra ? { ...frame, extra } : frame;
  }

  *events(from = 0, to = this.length): IterableIterator<SessionEvent> {
    for (let i = from; i < to; i++) yield this.get(i);
  }

  typeCode(index: number): TypeCode {
    return this.typeCol.get(index) as TypeCode;
  }

  isFrame(index: number): boolean {
    return this.typeCol.get(index) === TYPE_CODE['ws.frame'];
  }

  isBinaryFrame(index: number): boolean {
    return this.binary.has(index);
  }

  seq(index: number): number {
    return this.seqCol.get(index);
  }

  time(index: number): number {
    return this.timeCol.get(index);
  }

  /** The latest time seen (events may come slightly out of time order from merged sources). */
  get endTime(): number {
    return this.lastTime;
  }

  /** Connection number of the event, or -1. */
  connId(index: number): number {
    return this.connCol.get(index);
  }

  connName(connId: number): string {
    return this.connNames.name(connId);
  }

  connIdOf(name: string): number | undefined {
    return this.connNames.lookup(name);
  }

  /** Connection names in order of first appearance. */
  connections(): readonly string[] {
    return this.connNames.all();
  }

  /** Indexes of the events of one connection, in order. */
  eventsOfConn(connId: number): Int32Array {
    return this.connIndex[connId]?.view() ?? new Int32Array(0);
  }

  dir(index: number): Direction | undefined {
    const d = this.dirCol.get(index);
    return d === DIR_OUT ? 'out' : d === DIR_IN ? 'in' : undefined;
  }

  /** The text of a text frame (undefined for other events and binary frames). */
  frameText(index: number): string | undefined {
    return this.binary.has(index) ? undefined : this.payloads[index];
  }

  /** The base64 of a binary frame. */
  frameBase64(index: number): string | undefined {
    return this.binary.has(index) ? this.payloads[index] : undefined;
  }

  /** The index of the event with this seq, or -1 (binary search: seq increases). */
  indexOfSeq(seq: number): number {
    let lo = 0;
    let hi = this.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const s = this.seqCol.get(mid);
      if (s === seq) return mid;
      if (s < seq) lo = mid + 1;
      else hi = mid - 1;
    }
    return -1;
  }

  /** The last index whose time is ≤ t, or -1 (assumes time order, as sources append). */
  indexAtTime(t: number): number {
    let lo = 0;
    let hi = this.length - 1;
    let found = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      if (this.timeCol.get(mid) <= t) {
        found = mid;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    return found;
  }

  /** Called after each append with the new index; returns an unsubscribe function. */
  subscribe(listener: SessionListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}

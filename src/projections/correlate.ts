import { requestTimeoutMs } from '../protocol/codec.ts';
import type { Direction } from '../session/events.ts';
import { Float64Column, Int32Column, Uint8Column } from '../session/columns.ts';

/** What became of a request. */
export type Outcome = 'ok' | 'error' | 'timeout' | 'pending' | 'cut';

export const OUTCOME_CODE = { pending: 0, ok: 1, error: 2, timeout: 3, cut: 4 } as const;
const OUTCOMES: readonly Outcome[] = ['pending', 'ok', 'error', 'timeout', 'cut'];

/** Why a response matched no pending request. */
export type OrphanReason =
  | { readonly kind: 'unknown-id' }
  /** The request had already timed out: protoo drops the response. */
  | { readonly kind: 'late'; readonly request: number; readonly timedOutAt: number }
  /** The request was cut by a disconnect; this response cannot belong to it in protoo. */
  | { readonly kind: 'after-cut'; readonly request: number }
  /** A second response to a request that was already answered. */
  | { readonly kind: 'duplicate'; readonly request: number; readonly firstResponse: number };

interface MinHeapEntry {
  deadline: number;
  index: number;
  id: number;
  side: Side;
}

/** A binary min-heap of request deadlines, for lazy timeout expiry. */
class DeadlineHeap {
  private readonly items: MinHeapEntry[] = [];

  get size(): number {
    return this.items.length;
  }

  push(entry: MinHeapEntry): void {
    const a = this.items;
    a.push(entry);
    let i = a.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      const parent = a[p];
      if (!parent || parent.deadline <= entry.deadline) break;
      a[i] = parent;
      i = p;
    }
    a[i] = entry;
  }

  peek(): MinHeapEntry | undefined {
    return this.items[0];
  }

  pop(): MinHeapEntry | undefined {
    const a = this.items;
    const top = a[0];
    const last = a.pop();
    if (a.length === 0 || !last) return top;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= a.length) break;
      const r = l + 1;
      const left = a[l];
      const right = a[r];
      let c = l;
      let child = left;
      if (right && left && right.deadline < left.deadline) {
        c = r;
        child = right;
      }
      if (!child || child.deadline >= last.deadline) break;
      a[i] = child;
      i = c;
    }
    a[i] = last;
    return top;
  }
}

/** Pending requests sent one way on one connection. */
interface Side {
  /** id → index of the request awaiting its response. */
  readonly pending: Map<number, number>;
  /** id → index of a request that timed out or was cut, to explain a late response. */
  readonly gone: Map<number, number>;
  /** id → index of an answered request, to spot a duplicate response. */
  readonly answered: Map<number, number>;
  /** The sender's own count of requests in flight (protoo's `_sents.size`). */
  inFlight: number;
}

function newSide(): Side {
  return { pending: new Map(), gone: new Map(), answered: new Map(), inFlight: 0 };
}

interface ConnState {
  /** Requests the client sent (dir out), answered by frames coming in. */
  readonly out: Side;
  /** Requests the server sent (dir in), answered by frames going out. */
  readonly in: Side;
  open: boolean;
}

const ANSWERED_MEMORY = 4096;

/**
 * Pairs requests with responses by (connection, direction, id): a response answers a
 * request sent the opposite way on the same connection (protocol.md §1). Incremental: feed
 * it frames and socket events in log order.
 *
 * Timeouts follow protoo: the client gives up after `1500 * (15 + 0.1 * pending)` ms, the
 * server after `2000 * (15 + 0.1 * pending)` ms. A disconnect does not fail a request in
 * protoo (it runs out its timeout), but its answer can no longer come: the request is
 * reported as cut. The client's count of requests in flight keeps cut requests until their
 * timeout, as protoo-client's does across reconnects.
 */
export class Correlator {
  private readonly conns: ConnState[] = [];
  /** Deadlines of all requests, across connections, earliest first. */
  private readonly heap = new DeadlineHeap();
  /** For each event index: the paired event's index, or -1. */
  readonly pair = new Int32Column(1024);
  readonly outcome = new Uint8Column(1024);
  readonly deadline = new Float64Column(1024);
  /** 1 while the request counts towards its sender's in-flight number. */
  private readonly counted = new Uint8Column(1024);
  /** Request index → the close event's index that cut it. */
  readonly cutBy = new Map<number, number>();
  /** Request index → time it timed out. */
  readonly timedOutAt = new Map<number, number>();
  /** Request index → the earlier request with the same id that was still pending. */
  readonly reusedId = new Map<number, number>();
  /** Response index → why no pending request matched. */
  readonly orphans = new Map<number, OrphanReason>();
  /** Response index of a late response (also in `orphans`) → it is paired for display. */
  readonly late = new Set<number>();

  private conn(c: number): ConnState {
    let s = this.conns[c];
    if (!s) {
      s = { out: newSide(), in: newSide(), open: false };
      this.conns[c] = s;
    }
    return s;
  }

  /** Makes room for `events` events in the per-event columns. */
  reserve(events: number): void {
    this.pair.reserve(events);
    this.outcome.reserve(events);
    this.deadline.reserve(events);
    this.counted.reserve(events);
  }

  /** Keeps the per-event columns as long as the log. */
  private grow(index: number): void {
    while (this.pair.length <= index) {
      this.pair.push(-1);
      this.outcome.push(0);
      this.deadline.push(Number.NaN);
      this.counted.push(0);
    }
  }

  /** Lets time pass up to `t`: requests whose deadline is before `t` time out. */
  advance(t: number): void {
    let top = this.heap.peek();
    while (top && top.deadline < t) {
      this.heap.pop();
      const { index: i, side, id } = top;
      if (this.counted.get(i) === 1) {
        this.counted.set(i, 0);
        side.inFlight--;
      }
      const code = this.outcome.get(i);
      if (code === OUTCOME_CODE.pending || code === OUTCOME_CODE.cut) {
        this.timedOutAt.set(i, top.deadline);
      }
      if (code === OUTCOME_CODE.pending) {
        this.outcome.set(i, OUTCOME_CODE.timeout);
        if (side.pending.get(id) === i) side.pending.delete(id);
        side.gone.set(id, i);
      }
      top = this.heap.peek();
    }
  }

  /** A request frame at `index`. `dir` is the direction it was sent. */
  request(index: number, conn: number, dir: Direction, id: number, t: number): void {
    this.grow(index);
    this.advance(t);
    const s = this.conn(conn);
    const side = dir === 'out' ? s.out : s.in;
    const deadline = t + requestTimeoutMs(dir === 'out' ? 'client' : 'server', side.inFlight);
    this.deadline.set(index, deadline);
    const previous = side.pending.get(id);
    if (previous !== undefined) {
      // protoo's Map.set replaces the earlier entry: it no longer counts as in flight and
      // can never be answered (its own timer may still fire).
      this.reusedId.set(index, previous);
      side.gone.set(id, previous);
      if (this.counted.get(previous) === 1) {
        this.counted.set(previous, 0);
        side.inFlight--;
      }
    }
    side.pending.set(id, index);
    side.answered.delete(id);
    this.heap.push({ deadline, index, id, side });
    this.counted.set(index, 1);
    side.inFlight++;
  }

  /** A response frame at `index`, travelling `dir`; it answers a request sent the other way. */
  response(index: number, conn: number, dir: Direction, id: number, t: number, ok: boolean): void {
    this.grow(index);
    this.advance(t);
    const s = this.conn(conn);
    const side = dir === 'in' ? s.out : s.in;
    const req = side.pending.get(id);
    if (req !== undefined) {
      side.pending.delete(id);
      this.pair.set(req, index);
      this.pair.set(index, req);
      this.outcome.set(req, ok ? OUTCOME_CODE.ok : OUTCOME_CODE.error);
      if (this.counted.get(req) === 1) {
        this.counted.set(req, 0);
        side.inFlight--;
      }
      side.answered.set(id, req);
      if (side.answered.size > ANSWERED_MEMORY) {
        const oldest = side.answered.keys().next();
        if (!oldest.done) side.answered.delete(oldest.value);
      }
      return;
    }
    const gone = side.gone.get(id);
    if (gone !== undefined) {
      side.gone.delete(id);
      if (this.outcome.get(gone) === OUTCOME_CODE.cut) {
        this.orphans.set(index, { kind: 'after-cut', request: gone });
      } else {
        this.orphans.set(index, {
          kind: 'late',
          request: gone,
          timedOutAt: this.timedOutAt.get(gone) ?? this.deadline.get(gone),
        });
        if (this.pair.get(gone) === -1) {
          this.pair.set(gone, index);
          this.pair.set(index, gone);
        }
        this.late.add(index);
      }
      return;
    }
    const answered = side.answered.get(id);
    if (answered !== undefined) {
      this.orphans.set(index, {
        kind: 'duplicate',
        request: answered,
        firstResponse: this.pair.get(answered),
      });
      return;
    }
    this.orphans.set(index, { kind: 'unknown-id' });
  }

  /** Any other event at `index` (keeps the columns aligned and lets time pass). */
  other(index: number, t: number): void {
    this.grow(index);
    this.advance(t);
  }

  /** The socket of `conn` opened (again). An open without a close first also cuts. */
  open(index: number, conn: number, t: number): void {
    const s = this.conn(conn);
    if (s.open) this.close(index, conn, t);
    else this.other(index, t);
    s.open = true;
  }

  /**
   * The socket of `conn` closed: requests still pending in either direction are cut. Code
   * 4000 also closes protoo-client's Peer, which rejects its pending requests ('peer closed').
   */
  close(index: number, conn: number, t: number, code?: number): void {
    this.grow(index);
    this.advance(t);
    const s = this.conn(conn);
    s.open = false;
    for (const side of [s.out, s.in]) {
      // The server-side peer is gone with the socket: its requests no longer count. The
      // client's Peer lives on (unless closed by 4000), so its cut requests count until
      // their timeout.
      const uncount = side === s.in || code === 4000;
      for (const [id, req] of side.pending) {
        this.outcome.set(req, OUTCOME_CODE.cut);
        this.cutBy.set(req, index);
        side.gone.set(id, req);
        if (uncount && this.counted.get(req) === 1) {
          this.counted.set(req, 0);
          side.inFlight--;
        }
      }
      side.pending.clear();
      side.answered.clear();
    }
  }

  /**
   * What became of the request at `index`, as of time `now` (the end of the session, or
   * the live clock): an unanswered request whose deadline has passed has timed out.
   */
  outcomeOf(index: number, now: number): Outcome {
    const code = this.outcome.get(index);
    if (code === OUTCOME_CODE.pending && this.deadline.get(index) < now) return 'timeout';
    return OUTCOMES[code] ?? 'pending';
  }

  /** When the request at `index` timed out (or will), ms since session start. */
  deadlineOf(index: number): number {
    return this.deadline.get(index);
  }
}

/**
 * The sequence diagram's rows (pure): the visible events in log order, runs of repeated
 * notifications, the lifelines those rows touch, and the row list as shown for a set of
 * expanded runs. Everything is typed arrays so that 100,000 rows cost a few milliseconds;
 * a row's texts are made only when it is drawn (`describe.ts`).
 *
 * A run is ≥ 3 consecutive notifications of one method on one connection: consecutive among
 * that connection's visible events, so rows of other connections may sit between them (a
 * multi-client capture interleaves its clients). A collapsed run is one row at the place of
 * its first notification; expanded, a header row stays there and its members show in place.
 *
 * @example
 * const model = buildSequenceModel(analysis, visible);
 * const layout = layoutRows(model, new Set()); // every run collapsed
 * layout.length; // rows shown
 */
import { KIND_CODE, type SessionAnalysis } from '../../projections/analysis.ts';
import { buildLanes, type Lane, type LaneIndex } from './lanes.ts';

/** Fewer consecutive notifications than this stay rows of their own. */
export const MIN_RUN = 3;

export interface Run {
  readonly id: number;
  readonly conn: number;
  readonly method: string;
  /** Base positions (indexes into `model.rows`) of the notifications, ascending. */
  readonly members: Int32Array;
}

export interface SequenceModel {
  readonly analysis: SessionAnalysis;
  readonly lanes: LaneIndex;
  /** The log indexes drawn, ascending (the filter's result). */
  readonly rows: Int32Array;
  readonly runs: readonly Run[];
  /** Base position → id of the run it belongs to, or -1. */
  readonly runOf: Int32Array;
  /** Lifeline → column on screen, or -1 when no visible row touches it. */
  readonly columnOf: Int32Array;
  /** The lifelines shown, in column order. */
  readonly columns: readonly Lane[];
}

/**
 * The rows as shown. `entries[k]` ≥ 0 is a base position (an event's row); < 0 is the
 * header of run `-entry - 1`.
 */
export interface RowLayout {
  readonly entries: Int32Array;
  readonly length: number;
  /** Base position → its row, or -1 while its run is collapsed. */
  readonly rowOfBase: Int32Array;
  /** Run id → its header row. */
  readonly headerOf: Int32Array;
  readonly expanded: ReadonlySet<number>;
}

const laneCache = new WeakMap<SessionAnalysis, LaneIndex>();

/** The lifelines of `analysis`, rebuilt only when it has grown. */
export function lanesOf(analysis: SessionAnalysis): LaneIndex {
  const cached = laneCache.get(analysis);
  if (cached && cached.length === analysis.length) return cached;
  const lanes = buildLanes(analysis);
  laneCache.set(analysis, lanes);
  return lanes;
}

function toRows(analysis: SessionAnalysis, visible?: Int32Array | readonly number[]): Int32Array {
  if (visible === undefined) {
    const all = new Int32Array(analysis.length);
    for (let i = 0; i < all.length; i++) all[i] = i;
    return all;
  }
  if (visible instanceof Int32Array) return visible;
  return Int32Array.from(visible);
}

/**
 * The diagram's model of the rows `visible` (log indexes, ascending; default: every event).
 *
 * @example
 * buildSequenceModel(analysis).rows.length === analysis.length; // true
 */
export function buildSequenceModel(
  analysis: SessionAnalysis,
  visible?: Int32Array | readonly number[],
): SequenceModel {
  const lanes = lanesOf(analysis);
  const rows = toRows(analysis, visible);
  const log = analysis.log;
  const n = rows.length;
  const runOf = new Int32Array(n).fill(-1);
  const runs: Run[] = [];
  const used = new Uint8Array(lanes.lanes.length);

  // Per connection: the run being built (method name, interned: compared by reference).
  const openName: (string | undefined)[] = [];
  const openMembers: number[][] = [];
  const close = (conn: number) => {
    const members = openMembers[conn];
    const name = openName[conn];
    openName[conn] = undefined;
    if (members === undefined || name === undefined || members.length < MIN_RUN) return;
    runs.push({ id: runs.length, conn, method: name, members: Int32Array.from(members) });
  };

  const length = analysis.length;
  const notification = KIND_CODE.notification;
  for (let p = 0; p < n; p++) {
    const i = rows[p] ?? 0;
    if (i >= length) continue;
    const conn = log.connId(i);
    if (conn < 0) continue;
    const client = lanes.clientLane(conn);
    if (client >= 0 && used[client] === 0) {
      used[client] = 1;
      const server = lanes.serverLane(conn);
      if (server >= 0) used[server] = 1;
    }
    if (analysis.kindCode(i) === notification) {
      const name = analysis.method(i);
      const current = openName[conn];
      if (current !== undefined && current === name) {
        openMembers[conn]?.push(p);
        continue;
      }
      close(conn);
      if (name !== undefined) {
        openName[conn] = name;
        openMembers[conn] = [p];
      }
    } else if (openName[conn] !== undefined) {
      close(conn);
    }
  }
  openName.forEach((name, conn) => {
    if (name !== undefined) close(conn);
  });
  runs.sort((a, b) => (a.members[0] ?? 0) - (b.members[0] ?? 0));
  runs.forEach((r, id) => {
    const renumbered = { ...r, id };
    runs[id] = renumbered;
    for (const p of r.members) runOf[p] = id;
  });

  // A server's remote peers show with it. No row with a connection: every lifeline shows.
  lanes.lanes.forEach((lane, l) => {
    if (lane.kind === 'peer' && used[lanes.serverOf(l)] === 1) used[l] = 1;
  });
  const anyUsed = used.some((u) => u === 1);
  const columnOf = new Int32Array(lanes.lanes.length).fill(-1);
  const columns: Lane[] = [];
  lanes.lanes.forEach((lane, l) => {
    if (anyUsed && used[l] !== 1) return;
    columnOf[l] = columns.length;
    columns.push(lane);
  });
  return { analysis, lanes, rows, runs, runOf, columnOf, columns };
}

/**
 * The rows shown when the runs in `expanded` are open (every other run is one row).
 *
 * @example
 * const all = layoutRows(model, new Set(model.runs.map((r) => r.id)));
 */
export function layoutRows(model: SequenceModel, expanded: ReadonlySet<number>): RowLayout {
  const { rows, runOf, runs } = model;
  const n = rows.length;
  const rowOfBase = new Int32Array(n).fill(-1);
  const headerOf = new Int32Array(runs.length).fill(-1);
  const entries = new Int32Array(n + runs.length);
  let k = 0;
  for (let p = 0; p < n; p++) {
    const r = runOf[p] ?? -1;
    if (r < 0) {
      rowOfBase[p] = k;
      entries[k++] = p;
      continue;
    }
    const run = runs[r];
    const first = run?.members[0] === p;
    if (first) {
      headerOf[r] = k;
      entries[k++] = -r - 1;
    }
    if (expanded.has(r)) {
      rowOfBase[p] = k;
      entries[k++] = p;
    }
  }
  return { entries: entries.subarray(0, k), length: k, rowOfBase, headerOf, expanded };
}

/** Base position of log index `index` in `rows` (ascending), or -1. */
export function basePosition(rows: Int32Array, index: number): number {
  let lo = 0;
  let hi = rows.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    const v = rows[mid] ?? 0;
    if (v === index) return mid;
    if (v < index) lo = mid + 1;
    else hi = mid - 1;
  }
  return -1;
}

/** The last base position whose log index is ≤ `index`, or -1. */
export function basePositionAtOrBefore(rows: Int32Array, index: number): number {
  let lo = 0;
  let hi = rows.length - 1;
  let found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    if ((rows[mid] ?? 0) <= index) {
      found = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return found;
}

/**
 * The row that shows log index `index`: its own row, or its run's header while the run is
 * collapsed; -1 when the filter hides it.
 */
export function rowOfIndex(model: SequenceModel, layout: RowLayout, index: number): number {
  const p = basePosition(model.rows, index);
  if (p < 0) return -1;
  const own = layout.rowOfBase[p] ?? -1;
  if (own >= 0) return own;
  const r = model.runOf[p] ?? -1;
  return r >= 0 ? (layout.headerOf[r] ?? -1) : -1;
}

/** The log index a row stands for: the event, or a run's first notification. */
export function indexOfEntry(model: SequenceModel, entry: number): number {
  if (entry >= 0) return model.rows[entry] ?? -1;
  const run = model.runs[-entry - 1];
  const first = run?.members[0];
  return first === undefined ? -1 : (model.rows[first] ?? -1);
}

/** The log index of a run's last notification. */
export function lastIndexOfRun(model: SequenceModel, run: Run): number {
  const last = run.members[run.members.length - 1];
  return last === undefined ? -1 : (model.rows[last] ?? -1);
}

/** The run (id) the event at log index `index` belongs to, or -1. */
export function runOfIndex(model: SequenceModel, index: number): number {
  const p = basePosition(model.rows, index);
  return p < 0 ? -1 : (model.runOf[p] ?? -1);
}

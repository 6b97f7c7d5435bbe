/**
 * The timeline's pure model: where each event sits on the strip (time → x and back), the
 * density histogram, the replay step and the handle's keys. No React, no DOM: everything
 * here is a function of the log's times, computed once per session length.
 *
 * The axis is built from capture time, made monotone: a capture merged from several sources
 * can have an event earlier than the one before it (a time regression); such an event is
 * drawn at the latest time seen so far, so the strip, the histogram and replay never run
 * backwards and every event keeps its place in log order.
 */
import { formatCount } from '../shared/format.ts';

/** Replay speeds offered (issue 4: 0.25x–16x). */
export const SPEEDS = [0.25, 0.5, 1, 2, 4, 8, 16] as const;
export type Speed = (typeof SPEEDS)[number];

/** An idle stretch longer than this is a gap the "skip gaps" toggle shortens. */
export const GAP_THRESHOLD_MS = 2000;
/** How long a skipped gap lasts on the axis and in replay (capture ms). */
export const SKIPPED_GAP_MS = 500;
/** Axis ms per event when every event has the same time (nothing to spread them by). */
export const INDEX_STEP_MS = 100;
/** Histogram bins, whatever the strip's width (the SVG scales them). */
export const HISTOGRAM_BINS = 480;
/** A frame longer than this (a background tab) replays as this much. */
export const MAX_FRAME_MS = 100;

/** What the model needs of a log: `SessionLog` satisfies it. */
export interface TimedLog {
  readonly length: number;
  time(index: number): number;
  seq(index: number): number;
}

/** An idle stretch shortened on the axis. */
export interface AxisGap {
  /** The first event after the gap. */
  readonly index: number;
  /** Its real length in ms. */
  readonly ms: number;
  /** Axis position where the gap starts (the event before it). */
  readonly at: number;
}

export interface TimeAxis {
  readonly length: number;
  /** `index`: every event has the same time, so events are spaced evenly instead. */
  readonly mode: 'time' | 'index';
  /** The first event's time (ms since the session started); 0 for an empty log. */
  readonly start: number;
  /** The latest time of the log. */
  readonly end: number;
  /** Axis position of each event: ms from the first event, monotone, gaps shortened. */
  readonly pos: Float64Array;
  /** Position of the last event (0 for fewer than two distinct times). */
  readonly span: number;
  /** Gaps shortened (only with `skipGaps`). */
  readonly gaps: readonly AxisGap[];
  readonly skipGaps: boolean;
}

/**
 * The axis of a log: each event's position, in capture ms from the first event. With
 * `skipGaps`, each idle stretch over {@link GAP_THRESHOLD_MS} lasts {@link SKIPPED_GAP_MS}.
 *
 * @example
 * const axis = buildAxis(analysis.log, false);
 * fractionOf(axis, 120); // 0.31: the event is 31 % along the strip
 */
export function buildAxis(log: TimedLog, skipGaps: boolean): TimeAxis {
  const n = log.length;
  const pos = new Float64Array(n);
  const gaps: AxisGap[] = [];
  if (n === 0) return { length: 0, mode: 'time', start: 0, end: 0, pos, span: 0, gaps, skipGaps };
  const start = log.time(0);
  let latest = start;
  let at = 0;
  for (let i = 1; i < n; i++) {
    const t = log.time(i);
    // A regression (t < latest) stays at the latest time seen: the axis never goes back.
    const step = t > latest ? t - latest : 0;
    if (t > latest) latest = t;
    if (skipGaps && step > GAP_THRESHOLD_MS) {
      gaps.push({ index: i, ms: step, at });
      at += SKIPPED_GAP_MS;
    } else {
      at += step;
    }
    pos[i] = at;
  }
  if (at === 0 && n > 1) {
    for (let i = 0; i < n; i++) pos[i] = i * INDEX_STEP_MS;
    return {
      length: n,
      mode: 'index',
      start,
      end: latest,
      pos,
      span: (n - 1) * INDEX_STEP_MS,
      gaps: [],
      skipGaps,
    };
  }
  return { length: n, mode: 'time', start, end: latest, pos, span: at, gaps, skipGaps };
}

/** Position of an event on the axis; the cursor -1 (before the first event) is at 0. */
export function positionOf(axis: TimeAxis, cursor: number): number {
  if (cursor < 0 || axis.length === 0) return 0;
  return axis.pos[Math.min(cursor, axis.length - 1)] ?? 0;
}

/**
 * Where an event sits along the strip, 0..1 (the cursor -1 at 0).
 *
 * @example
 * fractionOf(axis, axis.length - 1); // 1, or 0 for a one-event session
 */
export function fractionOf(axis: TimeAxis, cursor: number): number {
  return axis.span > 0 ? positionOf(axis, cursor) / axis.span : 0;
}

/** The last index whose position is ≤ `position`, or -1 (binary search: positions increase). */
export function indexAtPosition(axis: TimeAxis, position: number): number {
  let lo = 0;
  let hi = axis.length - 1;
  let found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    if ((axis.pos[mid] ?? 0) <= position) {
      found = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return found;
}

/**
 * The event under a point of the strip, `fraction` 0..1 along it: the last event at or
 * before that moment (the state the user sees there). -1 only for an empty log.
 *
 * @example
 * indexAtFraction(axis, 0.5); // the last event in the first half of the session
 */
export function indexAtFraction(axis: TimeAxis, fraction: number): number {
  const f = Math.max(0, Math.min(1, Number.isFinite(fraction) ? fraction : 0));
  return indexAtPosition(axis, f * axis.span);
}

/**
 * Events per bin along the axis, for the density histogram. One pass over the positions.
 *
 * @example
 * binEvents(axis, 480).reduce((a, b) => a + b, 0) === axis.length; // true
 */
export function binEvents(axis: TimeAxis, bins = HISTOGRAM_BINS): Uint32Array {
  const counts = new Uint32Array(Math.max(1, bins));
  const last = counts.length - 1;
  if (axis.length === 0) return counts;
  const scale = axis.span > 0 ? counts.length / axis.span : 0;
  for (let i = 0; i < axis.length; i++) {
    const b = Math.min(last, Math.floor((axis.pos[i] ?? 0) * scale));
    counts[b] = (counts[b] ?? 0) + 1;
  }
  return counts;
}

/**
 * The histogram as one SVG path in a `bins × height` viewBox: a step outline, bars scaled by
 * the square root of the count so that a quiet stretch still shows beside a burst.
 *
 * @example
 * <path d={histogramPath(binEvents(axis), 100)} />
 */
export function histogramPath(counts: Uint32Array, height = 100): string {
  let max = 0;
  for (const c of counts) if (c > max) max = c;
  if (max === 0) return '';
  const root = Math.sqrt(max);
  const parts: string[] = [`M0 ${height}`];
  let previous = height;
  for (let b = 0; b < counts.length; b++) {
    const c = counts[b] ?? 0;
    // A bin with events is at least 6 % high: one event must be visible.
    const y =
      c === 0 ? height : Math.min(height * 0.94, height - (Math.sqrt(c) / root) * height * 0.94);
    const top = Math.round(y * 10) / 10;
    if (top !== previous) parts.push(`V${top}`);
    parts.push(`H${b + 1}`);
    previous = top;
  }
  parts.push(`V${height}Z`);
  return parts.join('');
}

/** One replay frame's result. */
export interface ReplayStep {
  /** The cursor after the frame. */
  readonly cursor: number;
  /** The replay's position on the axis (between events). */
  readonly playhead: number;
  /** The cursor reached the last event: replay stops. */
  readonly ended: boolean;
}

/**
 * One frame of replay: the playhead advances `elapsedMs × speed` of capture time (axis ms:
 * skipped gaps are short) and the cursor is the last event it has passed.
 *
 * The playhead is kept between frames, since a frame is shorter than most gaps between
 * events; a playhead that does not belong to `cursor` (the user moved the cursor) starts
 * again from the cursor's event.
 *
 * @example
 * let step = nextCursor(axis, -1, 16, 1);
 * step = nextCursor(axis, step.cursor, 16, 1, step.playhead);
 */
export function nextCursor(
  axis: TimeAxis,
  cursor: number,
  elapsedMs: number,
  speed: number,
  playhead?: number,
): ReplayStep {
  const n = axis.length;
  if (n === 0) return { cursor: -1, playhead: 0, ended: true };
  const c = Math.max(-1, Math.min(n - 1, cursor));
  const here = positionOf(axis, c);
  const next = c + 1 < n ? (axis.pos[c + 1] ?? Infinity) : Infinity;
  const inStep =
    playhead !== undefined &&
    Number.isFinite(playhead) &&
    (c < 0 ? playhead <= here : playhead >= here && playhead < next);
  const from = inStep ? playhead : here;
  const advance = Math.max(0, Math.min(elapsedMs, MAX_FRAME_MS)) * Math.max(0, speed);
  const to = Math.min(from + advance, axis.span);
  // Never fewer events than the cursor already shows (several events may share a time).
  const reached = advance > 0 ? Math.max(c, indexAtPosition(axis, to)) : c;
  return { cursor: reached, playhead: to, ended: reached >= n - 1 };
}

/**
 * Where a key moves the handle: Left / Right one event, Page Up / Page Down a tenth of the
 * session's events, Home before the first event, End the last one. Undefined for other keys.
 *
 * @example
 * sliderKeyTarget('PageUp', 10, 1000); // 110
 */
export function sliderKeyTarget(key: string, cursor: number, length: number): number | undefined {
  if (length === 0) return undefined;
  const page = Math.max(1, Math.round(length / 10));
  let target: number;
  switch (key) {
    case 'ArrowLeft':
    case 'ArrowDown':
      target = cursor - 1;
      break;
    case 'ArrowRight':
    case 'ArrowUp':
      target = cursor + 1;
      break;
    case 'PageUp':
      target = cursor + page;
      break;
    case 'PageDown':
      target = cursor - page;
      break;
    case 'Home':
      target = -1;
      break;
    case 'End':
      target = length - 1;
      break;
    default:
      return undefined;
  }
  return Math.max(-1, Math.min(length - 1, target));
}

export interface AxisTick {
  /** 0..1 along the strip. */
  readonly fraction: number;
  readonly label: string;
}

const TICK_STEPS = [
  1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10_000, 15_000, 30_000, 60_000, 120_000,
  300_000, 600_000, 900_000, 1_800_000, 3_600_000, 7_200_000, 10_800_000, 21_600_000, 43_200_000,
  86_400_000,
];

/** "250 ms", "5 s", "1:30", "1:00:00": a tick label at a round time. */
export function tickLabel(ms: number, step: number): string {
  if (step < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${Math.round(ms / 1000)} s`;
  const total = Math.round(ms / 1000);
  const s = total % 60;
  const m = Math.floor(total / 60) % 60;
  const h = Math.floor(total / 3600);
  const mm = h > 0 ? String(m).padStart(2, '0') : String(m);
  return `${h > 0 ? `${h}:` : ''}${mm}:${String(s).padStart(2, '0')}`;
}

/**
 * Round-time ticks at least `minGapPx` apart on a strip `widthPx` wide, labelled in capture
 * time. None on an index axis or with gaps skipped (time is not linear there).
 *
 * @example
 * axisTicks(axis, 800).map((t) => t.label); // ['5 s', '10 s', '15 s', …]
 */
export function axisTicks(axis: TimeAxis, widthPx: number, minGapPx = 80): AxisTick[] {
  if (axis.mode !== 'time' || axis.gaps.length > 0 || axis.span <= 0 || widthPx <= 0) return [];
  const minStep = (axis.span * minGapPx) / widthPx;
  const step = TICK_STEPS.find((s) => s >= minStep);
  if (step === undefined) return [];
  const ticks: AxisTick[] = [];
  for (let t = Math.ceil(axis.start / step) * step; t <= axis.end; t += step) {
    ticks.push({ fraction: (t - axis.start) / axis.span, label: tickLabel(t, step) });
  }
  return ticks;
}

/** The fixed-precision clock of the position readout: "12.345 s", "1:02.345", "1:02:03.456". */
export function formatClock(ms: number): string {
  const sign = ms < 0 ? '-' : '';
  const abs = Math.abs(ms);
  if (abs < 60_000) return `${sign}${(abs / 1000).toFixed(3)} s`;
  const millis = Math.round(abs) % 1000;
  const total = Math.floor(Math.round(abs) / 1000);
  const s = total % 60;
  const m = Math.floor(total / 60) % 60;
  const h = Math.floor(total / 3600);
  const frac = `${String(s).padStart(2, '0')}.${String(millis).padStart(3, '0')}`;
  return h > 0 ? `${sign}${h}:${String(m).padStart(2, '0')}:${frac}` : `${sign}${m}:${frac}`;
}

/** A duration in words for screen readers and gap labels: "12.3 s", "4 min 5 s", "2 h 3 min". */
export function formatDurationShort(ms: number): string {
  const abs = Math.abs(ms);
  if (abs < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  const total = Math.round(abs / 1000);
  const sign = ms < 0 ? '-' : '';
  if (total < 3600) return `${sign}${Math.floor(total / 60)} min ${total % 60} s`;
  return `${sign}${Math.floor(total / 3600)} h ${Math.floor(total / 60) % 60} min`;
}

const count = formatCount;

/**
 * The handle's `aria-valuetext`: "seq 120 of 3,999, 12.3 s" (of the last seq, the slider's
 * maximum).
 *
 * @example
 * sliderValueText(log, -1); // 'before the first event (seq 0 of 3,999)'
 */
export function sliderValueText(log: TimedLog, cursor: number): string {
  if (log.length === 0) return 'no events';
  const last = count(log.seq(log.length - 1));
  if (cursor < 0) return `before the first event (seq ${count(log.seq(0))} of ${last})`;
  const i = Math.min(cursor, log.length - 1);
  return `seq ${count(log.seq(i))} of ${last}, ${formatDurationShort(log.time(i))}`;
}

/**
 * The position readout: "12.345 s · seq 120 / 3,999".
 *
 * @example
 * positionText(log, 120); // '12.345 s · seq 120 / 3,999'
 */
export function positionText(log: TimedLog, cursor: number): string {
  if (log.length === 0) return 'no events';
  const last = count(log.seq(log.length - 1));
  if (cursor < 0) return `start · before seq ${count(log.seq(0))} / ${last}`;
  const i = Math.min(cursor, log.length - 1);
  return `${formatClock(log.time(i))} · seq ${count(log.seq(i))} / ${last}`;
}

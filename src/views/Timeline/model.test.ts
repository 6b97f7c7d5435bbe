import { describe, expect, it } from 'vitest';
import { fixtureSession } from '../shared/sessions.ts';
import {
  GAP_THRESHOLD_MS,
  INDEX_STEP_MS,
  MAX_FRAME_MS,
  SKIPPED_GAP_MS,
  axisTicks,
  binEvents,
  buildAxis,
  formatClock,
  formatDurationShort,
  fractionOf,
  histogramPath,
  indexAtFraction,
  nextCursor,
  positionText,
  sliderKeyTarget,
  sliderValueText,
  tickLabel,
  type TimedLog,
} from './model.ts';

/** A log of these times; seq = index + 100 so seq and index are never confused. */
function logOf(times: readonly number[]): TimedLog {
  return {
    length: times.length,
    time: (i) => times[i] ?? Number.NaN,
    seq: (i) => i + 100,
  };
}

describe('buildAxis', () => {
  it('places events at their capture time from the first event', () => {
    const axis = buildAxis(logOf([500, 600, 1500]), false);
    expect(axis.mode).toBe('time');
    expect([...axis.pos]).toEqual([0, 100, 1000]);
    expect(axis.span).toBe(1000);
    expect(axis.start).toBe(500);
    expect(axis.end).toBe(1500);
    expect(fractionOf(axis, 1)).toBeCloseTo(0.1);
    expect(fractionOf(axis, -1)).toBe(0);
  });

  it('keeps a time regression at the latest time seen, so the axis never runs backwards', () => {
    const axis = buildAxis(logOf([0, 100, 40, 200]), false);
    expect([...axis.pos]).toEqual([0, 100, 100, 200]);
    expect(indexAtFraction(axis, 0.5)).toBe(2);
    expect(indexAtFraction(axis, 0.49)).toBe(0);
  });

  it('spaces events evenly when they all have the same time', () => {
    const axis = buildAxis(logOf([7, 7, 7, 7]), false);
    expect(axis.mode).toBe('index');
    expect([...axis.pos]).toEqual([0, 1, 2, 3].map((i) => i * INDEX_STEP_MS));
    expect(indexAtFraction(axis, 0.7)).toBe(2);
  });

  it('has no span for an empty or one-event log, and maps every point to what exists', () => {
    const empty = buildAxis(logOf([]), false);
    expect(empty.length).toBe(0);
    expect(indexAtFraction(empty, 0.5)).toBe(-1);
    expect(fractionOf(empty, 3)).toBe(0);
    const one = buildAxis(logOf([42]), false);
    expect(one.span).toBe(0);
    expect(indexAtFraction(one, 1)).toBe(0);
    expect(fractionOf(one, 0)).toBe(0);
  });

  it('shortens gaps over the threshold when asked, and lists them', () => {
    const times = [0, 100, 100 + GAP_THRESHOLD_MS + 1, 10_000 + GAP_THRESHOLD_MS, 20_000];
    const plain = buildAxis(logOf(times), false);
    expect(plain.gaps).toEqual([]);
    expect(plain.span).toBe(20_000);
    const skipped = buildAxis(logOf(times), true);
    expect(skipped.gaps.map((g) => g.index)).toEqual([2, 3, 4]);
    expect(skipped.gaps[0]?.ms).toBe(GAP_THRESHOLD_MS + 1);
    expect(skipped.gaps[0]?.at).toBe(100);
    expect(skipped.span).toBe(100 + 3 * SKIPPED_GAP_MS);
    // A gap of exactly the threshold is not skipped.
    expect(buildAxis(logOf([0, GAP_THRESHOLD_MS]), true).gaps).toEqual([]);
  });

  it('maps a fraction and back to the same event on a real capture', () => {
    const analysis = fixtureSession('request-timeout');
    const axis = buildAxis(analysis.log, false);
    for (const i of [0, 10, 46, 80, analysis.length - 1]) {
      const back = indexAtFraction(axis, fractionOf(axis, i));
      // Several events may share a time: the last of them is the one under that point.
      expect(back).toBeGreaterThanOrEqual(i);
      expect(analysis.log.time(back)).toBe(analysis.log.time(i));
    }
  });
});

describe('binEvents and histogramPath', () => {
  it('counts every event once, in the bin of its time', () => {
    const axis = buildAxis(logOf([0, 1, 2, 50, 99, 100]), false);
    const counts = binEvents(axis, 4);
    expect([...counts]).toEqual([3, 0, 1, 2]);
  });

  it('bins 100,000 events in one pass and keeps the total', () => {
    const times = Array.from({ length: 100_000 }, (_, i) => i * 3 + (i % 7));
    const axis = buildAxis(logOf(times), false);
    const counts = binEvents(axis);
    expect(counts.reduce((a, b) => a + b, 0)).toBe(100_000);
  });

  it('draws a step outline scaled by the square root of the count', () => {
    const path = histogramPath(new Uint32Array([0, 4, 1, 0]), 100);
    expect(path.startsWith('M0 100')).toBe(true);
    expect(path.endsWith('V100Z')).toBe(true);
    // The fullest bin reaches 6 from the top, the 1-count one halfway there (√1/√4).
    expect(path).toContain('V6H2');
    expect(path).toContain('V53H3');
    expect(histogramPath(new Uint32Array(4))).toBe('');
  });
});

describe('nextCursor', () => {
  const axis = buildAxis(logOf([0, 100, 1000, 1000, 5000]), false);

  it('advances the playhead by elapsed × speed and the cursor to the last event passed', () => {
    let step = nextCursor(axis, -1, 50, 1);
    expect(step).toEqual({ cursor: 0, playhead: 50, ended: false });
    step = nextCursor(axis, step.cursor, 50, 1, step.playhead);
    expect(step.cursor).toBe(1);
    expect(step.playhead).toBe(100);
    // Two events at the same time are passed together.
    step = nextCursor(axis, step.cursor, 60, 16, step.playhead);
    expect(step.cursor).toBe(3);
    expect(step.playhead).toBe(1060);
  });

  it('keeps the playhead between events across frames shorter than the gap', () => {
    let step = nextCursor(axis, 3, 16, 1);
    for (let k = 0; k < 10; k++) step = nextCursor(axis, step.cursor, 16, 1, step.playhead);
    expect(step.cursor).toBe(3);
    expect(step.playhead).toBe(1000 + 11 * 16);
  });

  it('starts again from the cursor when the playhead belongs to another event', () => {
    const step = nextCursor(axis, 1, 10, 1, 3000);
    expect(step.playhead).toBe(110);
    expect(step.cursor).toBe(1);
  });

  it('stops at the end, and caps a long frame', () => {
    const step = nextCursor(axis, 3, 10_000, 1, 1000);
    expect(step.playhead).toBe(1000 + MAX_FRAME_MS);
    expect(step.cursor).toBe(3);
    const last = nextCursor(axis, 3, 100, 16, 4999);
    expect(last).toEqual({ cursor: 4, playhead: 5000, ended: true });
    expect(nextCursor(buildAxis(logOf([]), false), -1, 16, 1).ended).toBe(true);
  });

  it('replays skipped gaps as short pauses', () => {
    const gappy = buildAxis(logOf([0, 60_000]), true);
    let step = nextCursor(gappy, 0, 100, 1);
    for (let k = 0; k < 3; k++) step = nextCursor(gappy, step.cursor, 100, 1, step.playhead);
    // 400 ms into a minute-long gap shortened to 500 ms.
    expect(step.cursor).toBe(0);
    expect(step.playhead).toBe(400);
    step = nextCursor(gappy, step.cursor, 100, 1, step.playhead);
    expect(step.cursor).toBe(1);
    expect(step.ended).toBe(true);
  });
});

describe('sliderKeyTarget', () => {
  it('steps one event, a tenth, or to the ends, within -1..length-1', () => {
    expect(sliderKeyTarget('ArrowRight', 5, 1000)).toBe(6);
    expect(sliderKeyTarget('ArrowLeft', 0, 1000)).toBe(-1);
    expect(sliderKeyTarget('ArrowLeft', -1, 1000)).toBe(-1);
    expect(sliderKeyTarget('PageUp', 10, 1000)).toBe(110);
    expect(sliderKeyTarget('PageDown', 50, 1000)).toBe(-1);
    expect(sliderKeyTarget('PageUp', 950, 1000)).toBe(999);
    expect(sliderKeyTarget('Home', 500, 1000)).toBe(-1);
    expect(sliderKeyTarget('End', 5, 1000)).toBe(999);
    expect(sliderKeyTarget('PageUp', 0, 3)).toBe(1);
    expect(sliderKeyTarget('a', 5, 1000)).toBeUndefined();
    expect(sliderKeyTarget('End', -1, 0)).toBeUndefined();
  });
});

describe('ticks and text', () => {
  it('puts round-time ticks at least the minimum gap apart', () => {
    const axis = buildAxis(logOf([300, 30_300]), false);
    const ticks = axisTicks(axis, 600, 80);
    // 30 s over 600 px: 80 px is 4 s, so 5 s ticks from the first round time after 0.3 s.
    expect(ticks.map((t) => t.label)).toEqual(['5 s', '10 s', '15 s', '20 s', '25 s', '30 s']);
    expect(ticks[0]?.fraction).toBeCloseTo(4700 / 30_000);
    expect(axisTicks(buildAxis(logOf([0, 60_000]), true), 600)).toEqual([]);
    expect(axisTicks(buildAxis(logOf([5, 5]), false), 600)).toEqual([]);
  });

  it('labels ticks in ms, s, m:ss and h:mm:ss', () => {
    expect(tickLabel(250, 50)).toBe('250 ms');
    expect(tickLabel(5000, 1000)).toBe('5 s');
    expect(tickLabel(90_000, 30_000)).toBe('1:30');
    expect(tickLabel(3_600_000, 600_000)).toBe('1:00:00');
  });

  it('formats the clock and durations', () => {
    expect(formatClock(12_345)).toBe('12.345 s');
    expect(formatClock(62_345)).toBe('1:02.345');
    expect(formatClock(3_723_456)).toBe('1:02:03.456');
    expect(formatDurationShort(12_345)).toBe('12.3 s');
    expect(formatDurationShort(245_000)).toBe('4 min 5 s');
    expect(formatDurationShort(7_380_000)).toBe('2 h 3 min');
  });

  it('says where the cursor is, in seq of the last seq', () => {
    const log = logOf([0, 12_345, 20_000]);
    expect(sliderValueText(log, 1)).toBe('seq 101 of 102, 12.3 s');
    expect(sliderValueText(log, -1)).toBe('before the first event (seq 100 of 102)');
    expect(positionText(log, 1)).toBe('12.345 s · seq 101 / 102');
    expect(positionText(log, -1)).toBe('start · before seq 100 / 102');
    expect(positionText(logOf([]), -1)).toBe('no events');
  });
});

import { describe, expect, it } from 'vitest';
import { lastAtOrBefore } from './positions.ts';

describe('lastAtOrBefore()', () => {
  it('maps a log index to the position of the last track event at or before it', () => {
    const indexes = Int32Array.of(2, 5, 9);
    expect([0, 1, 2, 3, 5, 8, 9, 100].map((i) => lastAtOrBefore(indexes, i))).toEqual([
      -1, -1, 0, 0, 1, 1, 2, 2,
    ]);
    expect(lastAtOrBefore([], 3)).toBe(-1);
  });
});

/**
 * The last position k with `indexes[k] <= logIndex`, or -1: maps a log index to a machine
 * track's own event position (tracks hold the log indexes of their events, in order).
 *
 * @example
 * lastAtOrBefore(Int32Array.of(2, 5, 9), 6); // 1
 */
export function lastAtOrBefore(indexes: ArrayLike<number>, logIndex: number): number {
  let lo = 0;
  let hi = indexes.length - 1;
  let found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    if ((indexes[mid] ?? Infinity) <= logIndex) {
      found = mid;
      lo = mid + 1;
    } else {
      hi = mid - 1;
    }
  }
  return found;
}

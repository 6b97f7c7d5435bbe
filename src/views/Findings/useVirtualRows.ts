import { useCallback, useLayoutEffect, useState, type RefObject } from 'react';

/** Used until the container has been measured (and where there is no layout, as in jsdom). */
const FALLBACK_VIEWPORT = 600;

export interface VirtualWindow {
  /** First and one-past-last position to render. */
  readonly start: number;
  readonly end: number;
  readonly onScroll: () => void;
  /**
   * Scrolls the least amount that shows the row at `position` under the header. Computed
   * from the window's own state, so it may be called while rendering: the rows in view and
   * the scroll position change in the same render.
   */
  readonly revealRow: (position: number) => void;
  /** Rows that fit in the viewport (Page Up / Page Down). */
  readonly pageRows: number;
  /**
   * How many rows a window holds at most: key rows by `position % slots` and a row that
   * scrolls in takes the place (and the DOM) of the one that scrolled out, and a jump
   * updates the rows in place instead of building new ones.
   */
  readonly slots: number;
}

/**
 * Fixed-height windowing of `count` rows in a scroll container: above `threshold` rows only
 * those in view (plus `overscan` either side) are rendered; at or below it, every row is.
 *
 * @example
 * const win = useVirtualRows(ref, rows.length, { rowHeight: 44, headerHeight: 40 });
 */
export function useVirtualRows(
  container: RefObject<HTMLElement | null>,
  count: number,
  {
    rowHeight,
    headerHeight,
    overscan = 4,
    threshold = 500,
  }: { rowHeight: number; headerHeight: number; overscan?: number; threshold?: number },
): VirtualWindow {
  const [scrollTop, setScrollTop] = useState(0);
  const [viewport, setViewport] = useState(FALLBACK_VIEWPORT);

  useLayoutEffect(() => {
    const el = container.current;
    if (!el) return;
    const measure = () => {
      if (el.clientHeight > 0) setViewport(el.clientHeight);
    };
    measure();
    if (typeof ResizeObserver === 'undefined') return;
    const observer = new ResizeObserver(measure);
    observer.observe(el);
    return () => {
      observer.disconnect();
    };
  }, [container]);

  // A reveal changed the state: the container follows, before paint.
  useLayoutEffect(() => {
    const el = container.current;
    if (el && Math.abs(el.scrollTop - scrollTop) >= 1) el.scrollTop = scrollTop;
  }, [container, scrollTop]);

  const onScroll = useCallback(() => {
    const el = container.current;
    if (el) setScrollTop(el.scrollTop);
  }, [container]);

  const body = Math.max(rowHeight, viewport - headerHeight);
  const revealRow = useCallback(
    (position: number) => {
      setScrollTop((current) => {
        const top = position * rowHeight;
        if (top < current) return top;
        if (top + rowHeight > current + body) return top + rowHeight - body;
        return current;
      });
    },
    [rowHeight, body],
  );

  const pageRows = Math.max(1, Math.floor(body / rowHeight) - 1);
  if (count <= threshold) {
    return { start: 0, end: count, onScroll, revealRow, pageRows, slots: Math.max(1, count) };
  }
  const inView = Math.ceil(body / rowHeight) + 1;
  const first = Math.floor(scrollTop / rowHeight);
  const start = Math.max(0, Math.min(count, first - overscan));
  const end = Math.min(count, first + inView + overscan);
  return { start, end, onScroll, revealRow, pageRows, slots: inView + 2 * overscan };
}

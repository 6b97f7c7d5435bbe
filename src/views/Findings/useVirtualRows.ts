import { useCallback, useLayoutEffect, useState, type RefObject } from 'react';

/** Used until the container has been measured (and where there is no layout, as in jsdom). */
const FALLBACK_VIEWPORT = 600;

export interface VirtualWindow {
  /** First and one-past-last position to render. */
  readonly start: number;
  readonly end: number;
  readonly onScroll: () => void;
  /** Scrolls the least amount that shows the row at `position` under the header. */
  readonly revealRow: (position: number) => void;
  /** Rows that fit in the viewport (Page Up / Page Down). */
  readonly pageRows: number;
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
    overscan = 8,
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

  const onScroll = useCallback(() => {
    const el = container.current;
    if (el) setScrollTop(el.scrollTop);
  }, [container]);

  const body = Math.max(rowHeight, viewport - headerHeight);
  const revealRow = useCallback(
    (position: number) => {
      const el = container.current;
      if (!el) return;
      const top = position * rowHeight;
      const current = el.scrollTop;
      let next = current;
      if (top < current) next = top;
      else if (top + rowHeight > current + body) next = top + rowHeight - body;
      if (next !== current) {
        el.scrollTop = next;
        setScrollTop(next);
      }
    },
    [container, rowHeight, body],
  );

  const pageRows = Math.max(1, Math.floor(body / rowHeight) - 1);
  if (count <= threshold) return { start: 0, end: count, onScroll, revealRow, pageRows };
  const first = Math.floor(scrollTop / rowHeight);
  const start = Math.max(0, Math.min(count, first - overscan));
  const end = Math.min(count, first + Math.ceil(body / rowHeight) + 1 + overscan);
  return { start, end, onScroll, revealRow, pageRows };
}

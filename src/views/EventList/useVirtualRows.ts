import { useCallback, useLayoutEffect, useState, type RefObject } from 'react';

/** Used until the container has been measured (and in environments without layout). */
const FALLBACK_VIEWPORT = 600;

export interface VirtualWindow {
  /** First and one-past-last position to render (overscan included). */
  readonly start: number;
  readonly end: number;
  readonly scrollTop: number;
  readonly onScroll: () => void;
  /** Scrolls the least amount that shows the row at `position` below a header of `offset` px. */
  readonly revealRow: (position: number) => void;
  /** Rows that fit in the viewport (for PageUp / PageDown). */
  readonly pageRows: number;
  /** The viewport has been measured: revealing a row now puts it in view. */
  readonly ready: boolean;
}

/**
 * Fixed-height windowing: which rows of `count` are in view of the scroll container, plus
 * `overscan` rows either side. Only those rows are rendered.
 *
 * @example
 * const win = useVirtualRows(ref, rows.length, 26, 8, 30);
 * rows.slice(win.start, win.end).map(…)
 */
export function useVirtualRows(
  container: RefObject<HTMLElement | null>,
  count: number,
  rowHeight: number,
  overscan: number,
  headerHeight: number,
): VirtualWindow {
  const [scrollTop, setScrollTop] = useState(0);
  const [viewport, setViewport] = useState(FALLBACK_VIEWPORT);
  const [measured, setMeasured] = useState(false);

  useLayoutEffect(() => {
    const el = container.current;
    if (!el) return;
    const measure = () => {
      if (el.clientHeight > 0) {
        setViewport(el.clientHeight);
        setMeasured(true);
      }
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

  const bodyHeight = Math.max(0, viewport - headerHeight);
  const revealRow = useCallback(
    (position: number) => {
      const el = container.current;
      if (!el) return;
      const top = position * rowHeight;
      const current = el.scrollTop;
      let next = current;
      if (top < current) next = top;
      else if (top + rowHeight > current + bodyHeight) next = top + rowHeight - bodyHeight;
      if (next !== current) {
        el.scrollTop = next;
        // Render the target now rather than on the scroll event, so it exists at once.
        setScrollTop(next);
      }
    },
    [container, rowHeight, bodyHeight],
  );

  const first = Math.floor(scrollTop / rowHeight);
  const visible = Math.ceil(bodyHeight / rowHeight) + 1;
  const start = Math.max(0, Math.min(count, first - overscan));
  const end = Math.min(count, first + visible + overscan);
  return {
    start,
    end,
    scrollTop,
    onScroll,
    revealRow,
    pageRows: Math.max(1, Math.floor(bodyHeight / rowHeight) - 1),
    /** The viewport has been measured: revealing a row now puts it in view. */
    ready: measured && bodyHeight > 0,
  };
}

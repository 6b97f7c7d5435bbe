import { useCallback, useEffect, useLayoutEffect, useRef, useState, type RefObject } from 'react';

/** Used until the container has been measured (and where there is no layout, as in jsdom). */
const FALLBACK_HEIGHT = 600;
const FALLBACK_WIDTH = 900;

export interface RowWindow {
  /** First and one-past-last row to render (overscan included). */
  readonly start: number;
  readonly end: number;
  readonly onScroll: () => void;
  /** Scrolls the least amount that shows row `position` under the sticky header. */
  readonly revealRow: (position: number) => void;
  /** Rows that fit in the viewport (PageUp / PageDown). */
  readonly pageRows: number;
  /** The most rows a window holds: `position % slots` is a row's slot (its React key). */
  readonly slots: number;
  /** The container's inner width, for the lifelines' spacing. */
  readonly width: number;
  /** The viewport has been measured: revealing a row now puts it in view. */
  readonly ready: boolean;
}

/**
 * Fixed-height windowing over a scroll container (the sequence diagram and the event list): which of `count` rows are in view (plus
 * `overscan` either side), below a sticky header of `header` px. Only those are rendered.
 *
 * @example
 * const win = useRowWindow(scrollerRef, layout.length, 28, 12, 52);
 */
export function useRowWindow(
  container: RefObject<HTMLElement | null>,
  count: number,
  rowHeight: number,
  overscan: number,
  header: number,
): RowWindow {
  // The first row in view, not the pixel offset: scrolling within a row renders nothing.
  const [first, setFirst] = useState(0);
  const [size, setSize] = useState({ height: FALLBACK_HEIGHT, width: FALLBACK_WIDTH });
  const [measured, setMeasured] = useState(false);
  // A jump (the thumb dragged, Home / End, a link): the rows either side of the view are of
  // no use while it lasts, so only the rows in view are rendered until scrolling settles.
  const [jumping, setJumping] = useState(false);
  const firstRef = useRef(0);
  const settleTimer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  useEffect(
    () => () => {
      clearTimeout(settleTimer.current);
    },
    [],
  );

  useLayoutEffect(() => {
    const el = container.current;
    if (!el) return;
    const measure = () => {
      if (el.clientHeight > 0) {
        setSize((s) =>
          s.height === el.clientHeight && s.width === el.clientWidth
            ? s
            : { height: el.clientHeight, width: el.clientWidth },
        );
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

  const body = Math.max(0, size.height - header);
  const inView = Math.ceil(body / rowHeight) + 1;
  const onScroll = useCallback(() => {
    const el = container.current;
    if (!el) return;
    const next = Math.floor(el.scrollTop / rowHeight);
    // A page or more at once (the thumb dragged, Page Down, Home / End) is a jump: none of
    // the rows either side would still be in view after the next one.
    if (Math.abs(next - firstRef.current) >= inView - 1) {
      setJumping(true);
      clearTimeout(settleTimer.current);
      settleTimer.current = setTimeout(() => {
        setJumping(false);
      }, 150);
    }
    firstRef.current = next;
    setFirst(next);
  }, [container, rowHeight, inView]);

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
        // Render the target now rather than on the scroll event, so that it exists at once.
        firstRef.current = Math.floor(next / rowHeight);
        setFirst(firstRef.current);
      }
    },
    [container, rowHeight, body],
  );

  const pad = jumping ? 0 : overscan;
  return {
    start: Math.max(0, Math.min(count, first - pad)),
    end: Math.min(count, first + inView + pad),
    onScroll,
    revealRow,
    pageRows: Math.max(1, Math.floor(body / rowHeight) - 1),
    // Every window holds at most this many rows: `position % slots` names a row's slot,
    // unique within a window and kept while the row stays in it.
    slots: inView + 2 * overscan,
    width: size.width,
    ready: measured && body > 0,
  };
}

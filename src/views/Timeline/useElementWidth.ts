import { useLayoutEffect, useState, type RefObject } from 'react';

/** Used until the element has been measured (and where there is no layout, as in jsdom). */
export const FALLBACK_WIDTH = 800;

/**
 * The element's content width in px, kept up to date with a ResizeObserver.
 *
 * @example
 * const width = useElementWidth(stripRef);
 */
export function useElementWidth(ref: RefObject<HTMLElement | null>): number {
  const [width, setWidth] = useState(FALLBACK_WIDTH);
  useLayoutEffect(() => {
    const el = ref.current;
    if (!el) return;
    const measure = () => {
      if (el.clientWidth > 0) setWidth(el.clientWidth);
    };
    measure();
    if (typeof ResizeObserver === 'undefined') return;
    const observer = new ResizeObserver(measure);
    observer.observe(el);
    return () => {
      observer.disconnect();
    };
  }, [ref]);
  return width;
}

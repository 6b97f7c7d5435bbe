import { useCallback, useRef, type KeyboardEvent, type PointerEvent } from 'react';

export interface SplitterProps {
  /** The size of the pane before the splitter, in % of the container. */
  readonly value: number;
  readonly onChange: (value: number) => void;
  readonly min?: number;
  readonly max?: number;
  /** What the splitter resizes, for assistive technology. */
  readonly label: string;
  /** `vertical`: a vertical bar between side-by-side panes (the default). */
  readonly orientation?: 'vertical' | 'horizontal';
}

/**
 * A draggable, keyboard-operable bar between two panes (WAI-ARIA window splitter): drag it,
 * or focus it and use the arrow keys (Shift for bigger steps), Home and End.
 *
 * @example
 * <Splitter value={60} onChange={setSplit} label="Resize the side panel" />
 */
export function Splitter({
  value,
  onChange,
  min = 20,
  max = 85,
  label,
  orientation = 'vertical',
}: SplitterProps) {
  const ref = useRef<HTMLDivElement>(null);
  const clamp = useCallback((v: number) => Math.min(max, Math.max(min, v)), [min, max]);
  const vertical = orientation === 'vertical';

  const onPointerDown = (e: PointerEvent<HTMLDivElement>) => {
    const container = ref.current?.parentElement;
    if (!container || e.button !== 0) return;
    e.preventDefault();
    e.currentTarget.setPointerCapture(e.pointerId);
    const rect = container.getBoundingClientRect();
    const move = (ev: globalThis.PointerEvent) => {
      const v = vertical
        ? ((ev.clientX - rect.left) / rect.width) * 100
        : ((ev.clientY - rect.top) / rect.height) * 100;
      onChange(clamp(Math.round(v * 10) / 10));
    };
    const target = e.currentTarget;
    const up = () => {
      target.removeEventListener('pointermove', move);
      target.removeEventListener('pointerup', up);
      target.removeEventListener('pointercancel', up);
    };
    target.addEventListener('pointermove', move);
    target.addEventListener('pointerup', up);
    target.addEventListener('pointercancel', up);
  };

  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>) => {
    const step = e.shiftKey ? 10 : 2;
    const less = vertical ? 'ArrowLeft' : 'ArrowUp';
    const more = vertical ? 'ArrowRight' : 'ArrowDown';
    let next: number | undefined;
    if (e.key === less) next = value - step;
    else if (e.key === more) next = value + step;
    else if (e.key === 'Home') next = min;
    else if (e.key === 'End') next = max;
    if (next === undefined) return;
    e.preventDefault();
    onChange(clamp(next));
  };

  return (
    <div
      ref={ref}
      role="separator"
      aria-orientation={orientation}
      aria-label={label}
      aria-valuenow={Math.round(value)}
      aria-valuemin={min}
      aria-valuemax={max}
      tabIndex={0}
      className={`splitter splitter--${orientation}`}
      onPointerDown={onPointerDown}
      onKeyDown={onKeyDown}
    />
  );
}

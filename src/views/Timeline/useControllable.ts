import { useCallback, useState } from 'react';

/**
 * A value the parent may control (`value` given) or leave to the component (its own state,
 * starting at `initial`). Either way `onChange` hears every change the user asks for.
 *
 * @example
 * const [speed, setSpeed] = useControllable(props.speed, props.onSpeedChange, 1);
 */
export function useControllable<T>(
  value: T | undefined,
  onChange: ((value: T) => void) | undefined,
  initial: T,
): [T, (next: T) => void] {
  const [own, setOwn] = useState<T>(initial);
  const controlled = value !== undefined;
  const set = useCallback(
    (next: T) => {
      if (!controlled) setOwn(next);
      onChange?.(next);
    },
    [controlled, onChange],
  );
  return [controlled ? value : own, set];
}

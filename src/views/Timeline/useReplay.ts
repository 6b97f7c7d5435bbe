import { useCallback, useEffect, useEffectEvent, useRef } from 'react';
import { nextCursor, type TimeAxis } from './model.ts';

export interface ReplayOptions {
  readonly axis: TimeAxis;
  /** The cursor the parent shows (it may lag a frame behind what replay reported). */
  readonly cursor: number;
  readonly playing: boolean;
  readonly speed: number;
  /** Replay moved the cursor. */
  readonly onCursor: (index: number) => void;
  /** Replay reached the last event. */
  readonly onEnd: () => void;
}

interface ReplayState {
  cursor: number;
  playhead: number | undefined;
  /** The parent's cursor at the last frame. */
  seen: number;
  /** Cursors replay reported lately: the parent showing one of them is not a user's move. */
  reported: number[];
}

/**
 * Replay on animation frames: each frame advances the cursor by the capture time elapsed ×
 * speed ({@link nextCursor}). A cursor the user moves while playing (a click, a selection)
 * is where replay carries on from.
 *
 * @example
 * const replay = useReplay({ axis, cursor, playing, speed, onCursor, onEnd });
 * replay.startFrom(-1); // before setting `playing`: replay from the beginning
 */
export function useReplay({ axis, cursor, playing, speed, onCursor, onEnd }: ReplayOptions) {
  const state = useRef<ReplayState | null>(null);

  const tick = useEffectEvent((elapsedMs: number): boolean => {
    let s = state.current;
    if (s === null || (cursor !== s.seen && !s.reported.includes(cursor))) {
      s = { cursor, playhead: undefined, seen: cursor, reported: [] };
      state.current = s;
    }
    s.seen = cursor;
    const step = nextCursor(axis, s.cursor, elapsedMs, speed, s.playhead);
    if (step.cursor !== s.cursor) {
      s.reported.push(step.cursor);
      if (s.reported.length > 8) s.reported.shift();
      onCursor(step.cursor);
    }
    s.cursor = step.cursor;
    s.playhead = step.playhead;
    if (step.ended) {
      onEnd();
      return false;
    }
    return true;
  });

  useEffect(() => {
    if (!playing) return;
    let last = performance.now();
    let id = 0;
    const frame = (now: number) => {
      const elapsed = Math.max(0, now - last);
      last = now;
      if (tick(elapsed)) id = requestAnimationFrame(frame);
    };
    id = requestAnimationFrame(frame);
    return () => {
      cancelAnimationFrame(id);
      state.current = null;
    };
  }, [playing]);

  /** Replay starts at `index` (reported to the parent) rather than at the cursor shown. */
  const startFrom = useCallback(
    (index: number, shown: number) => {
      state.current = { cursor: index, playhead: undefined, seen: shown, reported: [index] };
      onCursor(index);
    },
    [onCursor],
  );
  return { startFrom };
}

import type { FrameKind } from '../../projections/analysis.ts';
import type { Outcome } from '../../projections/correlate.ts';
import type { Direction } from '../../session/events.ts';

/** What a row shows in its kind column: a frame's kind or the type of a non-frame event. */
export type RowKind = FrameKind | 'ws.open' | 'ws.close' | 'ws.error' | 'pc' | 'note' | 'unknown';

/** How much a row stands out: errors (red) and warnings (amber) are findings-worthy. */
export type RowTone = 'error' | 'warning' | 'none';

/** The kind checkboxes of the filter bar. */
export type KindGroup =
  'request' | 'response' | 'notification' | 'room' | 'broken' | 'socket' | 'pc' | 'other';

export interface RowOutcome {
  readonly outcome: Outcome;
  /** `ok`, `error 500 boom`, `timed out after 22.5 s`, `cut by close (seq 9)`, `pending`. */
  readonly text: string;
}

/** Everything one row shows, derived from the analysis for one event. */
export interface RowInfo {
  readonly index: number;
  readonly seq: number;
  readonly t: number;
  readonly time: string;
  readonly conn: string | undefined;
  readonly dir: Direction | undefined;
  readonly kind: RowKind;
  /** The kind in words; for a `room` frame, its protocol (`mesh`, `two-party`). */
  readonly kindLabel: string;
  /** A frame's method (a room frame's `type`); a pc event's name; an unknown event's type. */
  readonly method: string | undefined;
  readonly id: number | undefined;
  /** The paired request or response, or -1. */
  readonly pair: number;
  readonly latency: number | undefined;
  readonly outcome: RowOutcome | undefined;
  /** Orphan / late / duplicate / reused-id marks, in plain words. */
  readonly marks: readonly string[];
  /** The rest, in plain words: an invalid frame's reason, a close's code and reason, a note… */
  readonly detail: string | undefined;
  readonly tone: RowTone;
  /** For assistive technology: `seq 12, client to server, request join, ok`. */
  readonly label: string;
}

export interface EventFilter {
  /** Case-insensitive text matched against method, connection, reasons and details. */
  readonly text: string;
  readonly kinds: ReadonlySet<KindGroup>;
  /** Only rows that stand out (errors and warnings). */
  readonly problemsOnly: boolean;
}

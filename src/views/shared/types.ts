/**
 * What every inspector view shares (issue 4). The app (src/app) owns the state; views only
 * render it and report what the user asks for. Nothing in a view mutates the session.
 *
 * - **cursor**: a log index. A view shows the session *after* the event at `cursor` (state at
 *   that moment); `-1` is "before the first event". Live mode is the cursor pinned to the end.
 * - **selection**: the log index of the selected event (or null). Selecting an event also
 *   moves the cursor to it: the app does that, a view only calls `onSelect`.
 * - **visible**: the filter's result: the log indexes a view should show, ascending; a view
 *   that draws events draws only these (the app computes them once for every view).
 */
import type { SessionAnalysis } from '../../projections/analysis.ts';
import type { MachineDrivers } from '../../projections/machineStates.ts';

export interface InspectorViewProps {
  readonly analysis: SessionAnalysis;
  /** The moment shown: state after the event at this log index (-1: before the first). */
  readonly cursor: number;
  /** The selected event's log index, or null. */
  readonly selected: number | null;
  /** The user picked an event (click, keyboard). */
  readonly onSelect?: (index: number) => void;
  /** The user moved the cursor without selecting (scrub, step). */
  readonly onCursorChange?: (index: number) => void;
}

/** Views that draw machines or the room also take the drivers (built once by the app). */
export interface MachineViewProps extends InspectorViewProps {
  readonly drivers: MachineDrivers;
}

import {
  useCallback,
  useDeferredValue,
  useEffect,
  useId,
  useMemo,
  useRef,
  useState,
  type KeyboardEvent,
} from 'react';
import type { SessionAnalysis } from '../../projections/analysis.ts';
import { EventDetail } from './EventDetail.tsx';
import { EventRow, ROW_HEIGHT } from './EventRow.tsx';
import { FilterBar } from './FilterBar.tsx';
import { EMPTY_FILTER, filterRows } from './rows.ts';
import type { EventFilter } from './types.ts';
import { useRowWindow } from '../shared/useRowWindow.ts';
import './EventList.css';

const OVERSCAN = 10;
const EMPTY_ROWS = new Int32Array(0);
const HEADER_HEIGHT = 30;

export interface EventListProps {
  /** The analysed session; its `log` holds the events. */
  readonly analysis: SessionAnalysis;
  /** The log index selected at first. */
  readonly initialSelected?: number;
  /** Called with the log index of the newly selected event. */
  readonly onSelectedChange?: (index: number) => void;
  /**
   * Inside the inspector: the rows to show (the inspector's filter result), so the list has
   * no filter bar of its own and no detail pane (the inspector's side panel has one).
   */
  readonly visible?: Int32Array;
  /** Controlled selection (with `visible`): the inspector's selected event. */
  readonly selected?: number | null;
}

/** Position of `index` in the sorted `rows`, or where it would be inserted. */
function positionOf(rows: Int32Array, index: number): { position: number; found: boolean } {
  let lo = 0;
  let hi = rows.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    const v = rows[mid] ?? 0;
    if (v === index) return { position: mid, found: true };
    if (v < index) lo = mid + 1;
    else hi = mid - 1;
  }
  return { position: lo, found: false };
}

/**
 * Every event of a session as a row, virtualised so that a hundred thousand events scroll
 * smoothly, with a filter bar and the selected event's frame and decoded message.
 * Pure rendering: it reads the analysis and never changes the log.
 *
 * @example
 * <EventList analysis={new SessionAnalysis(log).update()} />
 */
export function EventList({
  analysis,
  initialSelected,
  onSelectedChange,
  visible: visibleRows,
  selected: controlledSelected,
}: EventListProps) {
  const embedded = visibleRows !== undefined;
  const [filter, setFilter] = useState<EventFilter>(EMPTY_FILTER);
  const deferredFilter = useDeferredValue(filter);
  const [ownSelected, setSelected] = useState<number | undefined>(initialSelected);
  const selected =
    controlledSelected === undefined ? ownSelected : (controlledSelected ?? undefined);
  const gridRef = useRef<HTMLDivElement>(null);
  const idPrefix = useId();
  const rowId = (index: number) => `${idPrefix}-row-${index}`;

  const filtered = useMemo(
    () => (embedded ? undefined : filterRows(analysis, deferredFilter)),
    // analysis.length changes when a live log grows and the analysis is updated.
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [analysis, analysis.length, deferredFilter, embedded],
  );
  const rows = visibleRows ?? filtered ?? EMPTY_ROWS;
  const win = useRowWindow(gridRef, rows.length, ROW_HEIGHT, OVERSCAN, HEADER_HEIGHT);
  const { revealRow, ready } = win;

  // A list opened with a selection (a shared link, a story) scrolls it into view once.
  const revealedInitial = useRef(false);
  useEffect(() => {
    if (revealedInitial.current || initialSelected === undefined || !ready) return;
    revealedInitial.current = true;
    const { position, found } = positionOf(rows, initialSelected);
    if (found) revealRow(position);
  }, [initialSelected, ready, rows, revealRow]);

  const select = useCallback(
    (index: number, reveal: boolean) => {
      setSelected(index);
      onSelectedChange?.(index);
      if (reveal) {
        const { position, found } = positionOf(rows, index);
        if (found) revealRow(position);
      }
    },
    [rows, revealRow, onSelectedChange],
  );
  const onRowClick = useCallback(
    (index: number) => {
      select(index, false);
      // The grid holds the keyboard focus for the arrow keys, whatever was clicked.
      gridRef.current?.focus({ preventScroll: true });
    },
    [select],
  );
  const jump = useCallback(
    (index: number) => {
      select(index, true);
      gridRef.current?.focus({ preventScroll: true });
    },
    [select],
  );

  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>) => {
    if (rows.length === 0) return;
    const current = selected === undefined ? undefined : positionOf(rows, selected);
    let target: number | undefined;
    const last = rows.length - 1;
    switch (e.key) {
      case 'ArrowDown':
        target =
          current === undefined ? 0 : current.found ? current.position + 1 : current.position;
        break;
      case 'ArrowUp':
        target = current === undefined ? 0 : current.position - 1;
        break;
      case 'PageDown':
        target = (current?.position ?? 0) + win.pageRows;
        break;
      case 'PageUp':
        target = (current?.position ?? 0) - win.pageRows;
        break;
      case 'Home':
        target = 0;
        break;
      case 'End':
        target = last;
        break;
      case 'Enter':
        if (selected !== undefined && analysis.pairOf(selected) >= 0) {
          e.preventDefault();
          jump(analysis.pairOf(selected));
        }
        return;
      default:
        return;
    }
    e.preventDefault();
    const clamped = Math.max(0, Math.min(last, target));
    select(rows[clamped] ?? 0, true);
  };

  const visible: number[] = [];
  for (let p = win.start; p < win.end; p++) visible.push(p);
  // aria-activedescendant may only name a row that is rendered.
  const selectedAt = selected === undefined ? undefined : positionOf(rows, selected);
  const selectedShown =
    selectedAt !== undefined &&
    selectedAt.found &&
    selectedAt.position >= win.start &&
    selectedAt.position < win.end;

  // A selection made outside (diagram, findings, a link) is scrolled into view.
  useEffect(() => {
    if (!embedded || controlledSelected === undefined || controlledSelected === null) return;
    const { position, found } = positionOf(rows, controlledSelected);
    if (found) revealRow(position);
  }, [embedded, controlledSelected, rows, revealRow]);

  return (
    <div className={`event-list${embedded ? ' event-list--embedded' : ''}`}>
      {!embedded && (
        <FilterBar
          filter={filter}
          onChange={setFilter}
          shown={rows.length}
          total={analysis.length}
        />
      )}
      <div className="event-list__panes">
        <div className="event-grid-frame">
          <div
            ref={gridRef}
            role="grid"
            aria-label="Events"
            aria-rowcount={rows.length + 1}
            aria-colcount={8}
            aria-activedescendant={
              selectedShown && selected !== undefined ? rowId(selected) : undefined
            }
            aria-multiselectable={false}
            aria-readonly
            tabIndex={0}
            className="event-grid"
            onScroll={win.onScroll}
            onKeyDown={onKeyDown}
          >
            <div role="rowgroup" className="event-grid__head">
              <div role="row" aria-rowindex={1} className="event-row event-row--head">
                <div role="columnheader" className="cell cell--time">
                  Time
                </div>
                <div role="columnheader" className="cell cell--conn">
                  Conn
                </div>
                <div
                  role="columnheader"
                  className="cell cell--dir"
                  title="C→S client to server, S→C server to client"
                >
                  Dir
                </div>
                <div role="columnheader" className="cell cell--kind">
                  Kind
                </div>
                <div role="columnheader" className="cell cell--method">
                  Method
                </div>
                <div role="columnheader" className="cell cell--id">
                  Id
                </div>
                <div role="columnheader" className="cell cell--latency">
                  Latency
                </div>
                <div role="columnheader" className="cell cell--details">
                  Outcome / details
                </div>
              </div>
            </div>
            <div
              role="rowgroup"
              className="event-grid__body"
              style={{ height: rows.length * ROW_HEIGHT }}
            >
              {visible.map((p) => {
                const index = rows[p] ?? 0;
                return (
                  <EventRow
                    key={index}
                    analysis={analysis}
                    index={index}
                    position={p}
                    selected={index === selected}
                    id={rowId(index)}
                    onSelect={onRowClick}
                    onJump={jump}
                  />
                );
              })}
            </div>
            {rows.length === 0 && (
              <p className="event-grid__empty">
                {analysis.length === 0
                  ? 'This session has no events.'
                  : 'No event matches the filter.'}
              </p>
            )}
          </div>
        </div>
        {!embedded && (
          <div className="event-list__detail">
            {selected === undefined || selected >= analysis.length ? (
              <p className="event-list__hint">
                Select an event to see its frame and decoded message. Keys: ↑ ↓ move, Home / End,
                Page Up / Down, Enter goes to the paired request or response.
              </p>
            ) : (
              <EventDetail analysis={analysis} index={selected} onJump={jump} />
            )}
          </div>
        )}
      </div>
    </div>
  );
}

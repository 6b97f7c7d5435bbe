import {
  memo,
  useCallback,
  useDeferredValue,
  useId,
  useMemo,
  useRef,
  useState,
  type KeyboardEvent,
  type ReactNode,
} from 'react';
import type { Finding, Severity } from '../../projections/findings.ts';
import type { InspectorViewProps } from '../shared/types.ts';
import { FindingRow, ROW_HEIGHT } from './FindingRow.tsx';
import {
  DEFAULT_FILTER,
  SEVERITIES,
  SEVERITY_ICONS,
  codeCounts,
  codeDescription,
  cursorFindingIndex,
  eventOrder,
  filterFindings,
  isFiltering,
  rowOfEvent,
  severityCountLabel,
  severityCounts,
  type FindingsFilter,
  type SortKey,
} from './model.ts';
import { useVirtualRows } from './useVirtualRows.ts';
import './Findings.css';

export interface FindingsProps extends InspectorViewProps {
  /** Every finding (`allFindings`, in log order). */
  readonly findings: readonly Finding[];
  /** The filter to start with (a story, a link); the view keeps it after that. */
  readonly initialFilter?: Partial<FindingsFilter>;
}

const HEADER_HEIGHT = 40;
/** Above this many rows only those in view are rendered. */
const VIRTUAL_THRESHOLD = 500;

const rowId = (prefix: string, p: number) => `${prefix}-finding-${String(p)}`;

interface RowsBodyProps {
  readonly findings: readonly Finding[];
  readonly rows: Int32Array;
  readonly start: number;
  readonly end: number;
  readonly slots: number;
  readonly idPrefix: string;
  readonly selected: number | null;
  readonly activeRow: number | null;
  readonly atCursor: number;
  readonly seqOf: (index: number) => number;
  readonly onActivate: (position: number) => void;
  readonly onSelect: (index: number) => void;
}

/**
 * The rows in view. Its own memoised component: a render of the list for something else
 * (the cursor before the list catches up, a filter being typed) does not walk the rows.
 */
const RowsBody = memo(function RowsBody({
  findings,
  rows,
  start,
  end,
  slots,
  idPrefix,
  selected,
  activeRow,
  atCursor,
  seqOf,
  onActivate,
  onSelect,
}: RowsBodyProps) {
  const rendered: ReactNode[] = [];
  for (let p = start; p < end; p++) {
    const f = findings[rows[p] ?? -1];
    if (f === undefined) continue;
    rendered.push(
      <FindingRow
        key={p % slots}
        finding={f}
        position={p}
        id={rowId(idPrefix, p)}
        selected={selected === f.index}
        active={p === activeRow}
        atCursor={f.index === atCursor}
        seqOf={seqOf}
        onActivate={onActivate}
        onSelect={onSelect}
      />,
    );
  }
  return (
    <div role="rowgroup" className="findings__body" style={{ height: rows.length * ROW_HEIGHT }}>
      {rendered}
    </div>
  );
});

export const NO_FINDINGS_TEXT =
  'No findings: every request was answered, nothing broke the protocol rules signalscope checks.';

/**
 * Every finding of the session: counts per severity (toggles to filter by), a code filter,
 * free text, log order or most severe first. A click or Enter on a finding selects its
 * event; the finding the cursor has reached is marked. Pure rendering: it reports the
 * user's choice through `onSelect` and never changes the session.
 *
 * @example
 * <Findings analysis={analysis} findings={allFindings(analysis)} cursor={cursor}
 *   selected={selected} onSelect={select} />
 */
export function Findings({
  analysis,
  findings,
  cursor,
  selected,
  onSelect,
  initialFilter,
}: FindingsProps) {
  const log = analysis.log;
  const [filter, setFilter] = useState<FindingsFilter>(() => ({
    ...DEFAULT_FILTER,
    ...initialFilter,
  }));
  const deferred = useDeferredValue(filter);
  const counts = useMemo(() => severityCounts(findings), [findings]);
  const codes = useMemo(() => codeCounts(findings), [findings]);
  const rows = useMemo(() => filterFindings(findings, deferred), [findings, deferred]);
  const order = useMemo(() => eventOrder(findings), [findings]);
  // The list follows the cursor in the background: scrubbing through 100,000 findings moves
  // the cursor at once everywhere else, and this list catches up when the frame has time.
  const deferredCursor = useDeferredValue(cursor);
  const atCursor = cursorFindingIndex(order, deferredCursor);

  const gridRef = useRef<HTMLDivElement>(null);
  const win = useVirtualRows(gridRef, rows.length, {
    rowHeight: ROW_HEIGHT,
    headerHeight: HEADER_HEIGHT,
    threshold: VIRTUAL_THRESHOLD,
  });
  const { revealRow } = win;
  // The keyboard's finding, by its place in `findings`: it stays the same finding when the
  // filter or the order changes.
  const [active, setActiveKey] = useState<number | null>(null);
  const activeAt = useMemo(() => (active === null ? -1 : rows.indexOf(active)), [rows, active]);
  const activeRow = activeAt >= 0 ? activeAt : null;
  const activeFinding = activeRow === null ? undefined : findings[rows[activeRow] ?? -1];
  const setActive = useCallback(
    (p: number) => {
      setActiveKey(rows[p] ?? null);
    },
    [rows],
  );
  const idPrefix = useId();

  // The cursor moved: the finding it has reached comes into view, in this same render (one
  // render per cursor move, not one for the rows and another for the scroll).
  const [revealed, setRevealed] = useState<number | null>(null);
  if (revealed !== atCursor) {
    setRevealed(atCursor);
    const p = atCursor < 0 ? -1 : rowOfEvent(findings, rows, atCursor);
    if (p >= 0) revealRow(p);
  }

  const select = useCallback((index: number) => onSelect?.(index), [onSelect]);
  const seqOf = useCallback((index: number) => log.seq(index), [log]);
  const activate = useCallback(
    (p: number) => {
      setActive(p);
      gridRef.current?.focus({ preventScroll: true });
    },
    [setActive],
  );

  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>) => {
    if (rows.length === 0) return;
    const last = rows.length - 1;
    const from = activeRow ?? -1;
    let target: number;
    switch (e.key) {
      case 'ArrowDown':
        target = from + 1;
        break;
      case 'ArrowUp':
        target = from < 0 ? 0 : from - 1;
        break;
      case 'PageDown':
        target = from + win.pageRows;
        break;
      case 'PageUp':
        target = from - win.pageRows;
        break;
      case 'Home':
        target = 0;
        break;
      case 'End':
        target = last;
        break;
      case 'Enter':
      case ' ':
        if (activeFinding) {
          e.preventDefault();
          select(activeFinding.index);
        }
        return;
      default:
        return;
    }
    e.preventDefault();
    const p = Math.max(0, Math.min(last, target));
    setActive(p);
    revealRow(p);
  };

  const toggleSeverity = (s: Severity) => {
    setFilter((f) => ({ ...f, severities: { ...f.severities, [s]: !f.severities[s] } }));
  };
  const clear = () => {
    setFilter((f) => ({ ...DEFAULT_FILTER, sort: f.sort }));
  };

  if (findings.length === 0) {
    return (
      <section className="findings findings--none" aria-label="Findings">
        <p className="findings__none">
          <span aria-hidden="true">✓ </span>
          {NO_FINDINGS_TEXT}
        </p>
      </section>
    );
  }

  const activeShown = activeRow !== null && activeRow >= win.start && activeRow < win.end;
  const sort = filter.sort;

  return (
    <section className="findings" aria-label="Findings">
      <div className="findings__bar">
        <div className="findings__severities" role="group" aria-label="Show severities">
          {SEVERITIES.map((s) => (
            <button
              key={s}
              type="button"
              className={`findings__toggle findings__toggle--${s}`}
              aria-pressed={filter.severities[s]}
              title={
                filter.severities[s]
                  ? `Hide ${s === 'info' ? 'info findings' : `${s}s`}`
                  : `Show ${s === 'info' ? 'info findings' : `${s}s`}`
              }
              onClick={() => {
                toggleSeverity(s);
              }}
            >
              <span aria-hidden="true">{SEVERITY_ICONS[s]}</span> {severityCountLabel(s, counts[s])}
            </button>
          ))}
        </div>
        <select
          className="findings__select"
          aria-label="Finding code"
          value={filter.code ?? ''}
          onChange={(e) => {
            const code = e.target.value;
            setFilter((f) => ({ ...f, code: code === '' ? null : code }));
          }}
        >
          <option value="">All codes ({findings.length.toLocaleString('en')})</option>
          {codes.map((c) => (
            <option key={c.code} value={c.code} title={codeDescription(c.code)}>
              {c.code} ({c.count.toLocaleString('en')})
            </option>
          ))}
        </select>
        <input
          type="search"
          className="findings__text"
          aria-label="Filter findings"
          placeholder="Filter: text, code, seq, connection"
          value={filter.text}
          onChange={(e) => {
            const text = e.target.value;
            setFilter((f) => ({ ...f, text }));
          }}
        />
        <label className="findings__sort">
          Sort
          <select
            className="findings__select"
            value={sort}
            onChange={(e) => {
              const value: SortKey = e.target.value === 'severity' ? 'severity' : 'seq';
              setFilter((f) => ({ ...f, sort: value }));
            }}
          >
            <option value="seq">by seq</option>
            <option value="severity">by severity</option>
          </select>
        </label>
        <span className="findings__count" aria-live="polite">
          {isFiltering(deferred)
            ? `${rows.length.toLocaleString('en')} of ${findings.length.toLocaleString('en')}`
            : `${findings.length.toLocaleString('en')} ${findings.length === 1 ? 'finding' : 'findings'}`}
        </span>
      </div>
      <div className="findings__frame">
        <div
          ref={gridRef}
          role="grid"
          aria-label="Findings"
          aria-rowcount={rows.length + 1}
          aria-colcount={5}
          aria-readonly
          aria-activedescendant={activeShown ? rowId(idPrefix, activeRow) : undefined}
          tabIndex={0}
          className="findings__grid"
          onScroll={win.onScroll}
          onKeyDown={onKeyDown}
        >
          <div role="rowgroup" className="findings__head">
            <div role="row" aria-rowindex={1} className="finding-row finding-row--head">
              <div
                role="columnheader"
                className="fcell fcell--severity"
                aria-sort={sort === 'severity' ? 'ascending' : 'none'}
              >
                Severity
              </div>
              <div role="columnheader" className="fcell fcell--code">
                Code
              </div>
              <div
                role="columnheader"
                className="fcell fcell--seq"
                aria-sort={sort === 'seq' ? 'ascending' : 'none'}
              >
                Seq
              </div>
              <div role="columnheader" className="fcell fcell--conn">
                Connection
              </div>
              <div role="columnheader" className="fcell fcell--message">
                Message
              </div>
            </div>
          </div>
          <RowsBody
            findings={findings}
            rows={rows}
            start={win.start}
            end={win.end}
            slots={win.slots}
            idPrefix={idPrefix}
            selected={selected}
            activeRow={activeRow}
            atCursor={atCursor}
            seqOf={seqOf}
            onActivate={activate}
            onSelect={select}
          />
          {rows.length === 0 && (
            <div className="findings__empty">
              <p>No finding matches the filter.</p>
              <button type="button" className="findings__clear" onClick={clear}>
                Clear the filter
              </button>
            </div>
          )}
        </div>
      </div>
      <div className="findings__about" role="region" aria-label="About the finding">
        {activeFinding === undefined ? (
          <p className="findings__hint">
            Click a finding to go to its event. Keys: ↑ ↓ move, Enter goes to the event. The ◀ marks
            the last finding at or before the cursor.
          </p>
        ) : (
          <>
            <p className="findings__about-title">
              <span className={`finding-severity finding-severity--${activeFinding.severity}`}>
                <span aria-hidden="true">{SEVERITY_ICONS[activeFinding.severity]}</span>{' '}
                {activeFinding.severity}
              </span>{' '}
              <code>{activeFinding.code}</code>
              {activeFinding.machine && (
                <span className="finding-row__machine">
                  {activeFinding.machine.kind} {activeFinding.machine.id}
                </span>
              )}
            </p>
            <p className="findings__message">{activeFinding.message}</p>
            <p className="findings__description">
              {codeDescription(activeFinding.code) ?? 'A finding code this version does not know.'}
            </p>
            <p className="findings__links">
              <button
                type="button"
                className="findings__link"
                onClick={() => {
                  select(activeFinding.index);
                }}
              >
                Go to seq {activeFinding.seq}
              </button>
              {activeFinding.related?.map((r) => (
                <button
                  key={r}
                  type="button"
                  className="findings__link"
                  onClick={() => {
                    select(r);
                  }}
                >
                  Related: seq {log.seq(r)}
                </button>
              ))}
            </p>
          </>
        )}
      </div>
    </section>
  );
}

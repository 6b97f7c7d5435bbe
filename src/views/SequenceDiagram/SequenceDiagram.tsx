import {
  useCallback,
  useEffect,
  useId,
  useLayoutEffect,
  useMemo,
  useRef,
  useState,
  type KeyboardEvent,
} from 'react';
import type { InspectorViewProps } from '../shared/types.ts';
import type { SeqRow } from './describe.ts';
import { ExportMenu, type ExportFormat } from './ExportMenu.tsx';
import { LaneHeader, Lifelines } from './Lifelines.tsx';
import { toMermaid, toSvg } from './export.ts';
import {
  basePosition,
  basePositionAtOrBefore,
  buildSequenceModel,
  indexOfEntry,
  layoutRows,
  rowOfIndex,
  type RowLayout,
  type SequenceModel,
} from './model.ts';
import { toPng } from './png.ts';
import { ROW_HEIGHT, SequenceRow } from './SequenceRow.tsx';
import { downloadBlob } from '../shared/download.ts';
import { useRowWindow } from '../shared/useRowWindow.ts';
import './SequenceDiagram.css';

const OVERSCAN = 4;
const HEADER_HEIGHT = 52;
const TIME_WIDTH = 84;
const GUTTER = 14;
const DETAIL_MIN = 220;
const LANE_MIN = 96;
const LANE_MAX = 190;
/** Rows in a PNG (a canvas is at most 32,767 px high). */
export const PNG_ROW_CAP = 1000;

/** A file the export menu made. */
export interface ExportFile {
  readonly format: ExportFormat;
  readonly filename: string;
  readonly content: string | Blob;
}

export interface SequenceDiagramProps extends InspectorViewProps {
  /** The log indexes to draw, ascending (the app's filter); default every event. */
  readonly visible?: Int32Array | readonly number[];
  /** Receives an export instead of the download / clipboard (tests, an embedding app). */
  readonly onExport?: (file: ExportFile) => void;
  /** Names the exported files and titles them (default "signalscope-sequence"). */
  readonly exportName?: string;
}

function download(file: ExportFile): void {
  const blob =
    typeof file.content === 'string'
      ? new Blob([file.content], {
          type: file.format === 'svg' ? 'image/svg+xml' : 'text/plain;charset=utf-8',
        })
      : file.content;
  downloadBlob(file.filename, blob);
}

/** Run ids of `model` whose first notification is in `firsts` (expanded survives a rebuild). */
function expandedRuns(model: SequenceModel, firsts: ReadonlySet<number>): Set<number> {
  const out = new Set<number>();
  if (firsts.size === 0) return out;
  for (const run of model.runs) {
    const first = model.rows[run.members[0] ?? 0] ?? -1;
    if (firsts.has(first)) out.add(run.id);
  }
  return out;
}

function firstIndexOfRun(model: SequenceModel, run: number): number {
  const r = model.runs[run];
  return r ? (model.rows[r.members[0] ?? 0] ?? -1) : -1;
}

/** The row showing the cursor (the last drawn event at or before it), or -1. */
function cursorRow(model: SequenceModel, layout: RowLayout, cursor: number): number {
  const p = basePositionAtOrBefore(model.rows, cursor);
  if (p < 0) return -1;
  const own = layout.rowOfBase[p] ?? -1;
  if (own >= 0) return own;
  const r = model.runOf[p] ?? -1;
  return r >= 0 ? (layout.headerOf[r] ?? -1) : -1;
}

/**
 * The session as a sequence diagram: a lifeline per client, server and remote peer, one
 * row per event (an arrow per message), requests linked to their responses, problems
 * marked, runs of repeated notifications collapsed. Virtualised: only the rows in view are
 * in the DOM. Click or arrow keys select (the app moves its cursor there); Enter goes to
 * the paired request / response or opens a run; → / ← open and close runs.
 *
 * @example
 * <SequenceDiagram analysis={analysis} cursor={-1} selected={null} onSelect={select} />
 */
export function SequenceDiagram({
  analysis,
  cursor,
  selected,
  onSelect,
  visible,
  onExport,
  exportName = 'signalscope-sequence',
}: SequenceDiagramProps) {
  const scrollerRef = useRef<HTMLDivElement>(null);
  const gridRef = useRef<HTMLDivElement>(null);
  const idPrefix = useId();
  const rowId = (entryKey: string) => `${idPrefix}-${entryKey}`;

  const model = useMemo(
    () => buildSequenceModel(analysis, visible),
    // analysis.length changes when a live log grows and the analysis is updated.
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [analysis, analysis.length, visible],
  );
  // Open runs, by the log index of their first notification.
  const [openFirsts, setOpenFirsts] = useState<ReadonlySet<number>>(() => new Set());
  const layout = useMemo(
    () => layoutRows(model, expandedRuns(model, openFirsts)),
    [model, openFirsts],
  );

  // The selection as shown: follows the `selected` prop, and moves at once on a click or key
  // (before the app answers, and in a page where nobody answers).
  const [own, setOwn] = useState<{ index: number | null; position: number }>({
    index: selected,
    position: -1,
  });
  const [lastProp, setLastProp] = useState(selected);
  if (selected !== lastProp) {
    setLastProp(selected);
    // The app answering our own pick keeps the row picked (a run's header, not its first row).
    if (own.index !== selected) setOwn({ index: selected, position: -1 });
    // A pick from elsewhere inside a collapsed run (not its first notification) opens the run.
    const p = selected === null ? -1 : basePosition(model.rows, selected);
    const r = p < 0 ? -1 : (model.runOf[p] ?? -1);
    const run = r >= 0 ? model.runs[r] : undefined;
    if (own.index !== selected && run && !layout.expanded.has(r) && run.members[0] !== p) {
      const first = model.rows[run.members[0] ?? 0] ?? -1;
      setOpenFirsts((s) => new Set(s).add(first));
    }
  }
  const selectedIndex = own.index;
  const selectedRow = useMemo(() => {
    if (selectedIndex === null) return -1;
    const kept = own.position;
    if (kept >= 0 && kept < layout.length) {
      if (indexOfEntry(model, layout.entries[kept] ?? 0) === selectedIndex) return kept;
    }
    return rowOfIndex(model, layout, selectedIndex);
  }, [model, layout, selectedIndex, own.position]);

  const [hovered, setHovered] = useState<number | null>(null);
  const [status, setStatus] = useState('');

  const columns = Math.max(1, model.columns.length);
  const win = useRowWindow(scrollerRef, layout.length, ROW_HEIGHT, OVERSCAN, HEADER_HEIGHT);
  const { revealRow, ready } = win;

  // A live session (one that started empty) keeps its newest row in view while the view is
  // scrolled to the bottom; scrolling up stops that, scrolling back down resumes it.
  const stick = useRef(layout.length === 0);
  const onScroll = () => {
    win.onScroll();
    const el = scrollerRef.current;
    if (el) stick.current = el.scrollTop + el.clientHeight >= el.scrollHeight - ROW_HEIGHT;
  };
  const shownLength = useRef(layout.length);
  const followScroll = win.onScroll;
  useLayoutEffect(() => {
    const grew = layout.length > shownLength.current;
    shownLength.current = layout.length;
    const el = scrollerRef.current;
    if (!grew || !stick.current || !el || el.scrollHeight <= el.clientHeight) return;
    el.scrollTop = el.scrollHeight;
    followScroll();
  }, [layout.length, followScroll]);
  const laneWidth = Math.max(
    LANE_MIN,
    Math.min(LANE_MAX, Math.floor((win.width - TIME_WIDTH - GUTTER - DETAIL_MIN) / columns)),
  );
  const lanesWidth = columns * laneWidth;

  const choose = useCallback(
    (position: number, reveal: boolean) => {
      const entry = layout.entries[position];
      if (entry === undefined) return;
      const index = indexOfEntry(model, entry);
      if (index < 0) return;
      setOwn({ index, position });
      if (reveal) revealRow(position);
      onSelect?.(index);
    },
    [layout, model, revealRow, onSelect],
  );

  const setRunOpen = useCallback(
    (run: number, open: boolean) => {
      const first = firstIndexOfRun(model, run);
      if (first < 0) return;
      setOpenFirsts((s) => {
        if (s.has(first) === open) return s;
        const next = new Set(s);
        if (open) next.add(first);
        else next.delete(first);
        return next;
      });
    },
    [model],
  );

  const jump = useCallback(
    (index: number) => {
      const p = basePosition(model.rows, index);
      if (p < 0) {
        // The pair is filtered out: select it anyway, the app shows it in the detail.
        setOwn({ index, position: -1 });
        onSelect?.(index);
        return;
      }
      const r = model.runOf[p] ?? -1;
      if (r >= 0 && !layout.expanded.has(r)) setRunOpen(r, true);
      setOwn({ index, position: -1 });
      onSelect?.(index);
      gridRef.current?.focus({ preventScroll: true });
    },
    [model, layout, onSelect, setRunOpen],
  );

  const onRowClick = useCallback(
    (position: number, row: SeqRow) => {
      if (row.run) setRunOpen(row.run.id, !row.run.expanded);
      choose(position, false);
      gridRef.current?.focus({ preventScroll: true });
    },
    [choose, setRunOpen],
  );

  // A selection made elsewhere (list, timeline, findings, a link) is scrolled into view:
  // at once, and again once the viewport has been measured.
  const revealed = useRef<{ index: number | null; ready: boolean }>({ index: null, ready: false });
  useEffect(() => {
    if (selected === null) return;
    const done = revealed.current;
    if (selected === done.index && (done.ready || !ready)) return;
    const row = rowOfIndex(model, layout, selected);
    if (row < 0) return;
    revealed.current = { index: selected, ready };
    revealRow(row);
  }, [ready, selected, model, layout, revealRow]);

  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>) => {
    if (layout.length === 0) return;
    const last = layout.length - 1;
    const at = selectedRow;
    const entry = at >= 0 ? layout.entries[at] : undefined;
    const run = entry !== undefined && entry < 0 ? -entry - 1 : -1;
    const memberOf = entry !== undefined && entry >= 0 ? (model.runOf[entry] ?? -1) : -1;
    let target: number;
    switch (e.key) {
      case 'ArrowDown':
        target = at < 0 ? 0 : at + 1;
        break;
      case 'ArrowUp':
        target = at < 0 ? 0 : at - 1;
        break;
      case 'PageDown':
        target = Math.max(at, 0) + win.pageRows;
        break;
      case 'PageUp':
        target = Math.max(at, 0) - win.pageRows;
        break;
      case 'Home':
        target = 0;
        break;
      case 'End':
        target = last;
        break;
      case 'ArrowRight':
        if (run >= 0 && !layout.expanded.has(run)) {
          e.preventDefault();
          setRunOpen(run, true);
        }
        return;
      case 'ArrowLeft': {
        const open = run >= 0 ? run : memberOf;
        if (open >= 0 && layout.expanded.has(open)) {
          e.preventDefault();
          setRunOpen(open, false);
          const header = layout.headerOf[open] ?? -1;
          if (header >= 0) choose(header, true);
        }
        return;
      }
      case 'Enter': {
        if (run >= 0) {
          e.preventDefault();
          setRunOpen(run, !layout.expanded.has(run));
          return;
        }
        if (selectedIndex !== null) {
          const pair = analysis.pairOf(selectedIndex);
          if (pair >= 0) {
            e.preventDefault();
            jump(pair);
          }
        }
        return;
      }
      default:
        return;
    }
    e.preventDefault();
    choose(Math.max(0, Math.min(last, target)), true);
  };

  const exportAs = useCallback(
    async (format: ExportFormat, keepSecrets = false) => {
      const title = exportName;
      try {
        let file: ExportFile;
        if (format === 'svg') {
          file = {
            format,
            filename: `${exportName}.svg`,
            content: toSvg(model, layout, { title, keepSecrets }),
          };
        } else if (format === 'png') {
          const svg = toSvg(model, layout, { title, maxRows: PNG_ROW_CAP, keepSecrets });
          file = { format, filename: `${exportName}.png`, content: await toPng(svg) };
        } else {
          file = {
            format,
            filename: `${exportName}.mmd`,
            content: toMermaid(model, layout, { title, keepSecrets }),
          };
        }
        if (onExport) {
          onExport(file);
          setStatus(`Exported ${file.filename}`);
          return;
        }
        if (format === 'mermaid' && typeof file.content === 'string') {
          try {
            await navigator.clipboard.writeText(file.content);
            setStatus('Mermaid text copied to the clipboard');
            return;
          } catch {
            // No clipboard (permissions, insecure page): save it as a file instead.
          }
        }
        download(file);
        setStatus(`Saved ${file.filename}`);
      } catch (error) {
        setStatus(`Export failed: ${error instanceof Error ? error.message : String(error)}`);
      }
    },
    [model, layout, exportName, onExport],
  );
  const onPick = useCallback(
    (format: ExportFormat, keepSecrets: boolean) => {
      void exportAs(format, keepSecrets);
    },
    [exportAs],
  );

  // Request–response pairs: the selected row's and the hovered row's other end are
  // highlighted; the bracket links the hovered pair, else the selected one.
  const pairRow = (index: number | null) => {
    const pair = index === null ? -1 : analysis.pairOf(index);
    return pair < 0 ? -1 : rowOfIndex(model, layout, pair);
  };
  const selectedPair = pairRow(selectedIndex);
  const hoveredPair = pairRow(hovered);
  const [linkA, linkB] =
    hoveredPair >= 0 && hovered !== null
      ? [rowOfIndex(model, layout, hovered), hoveredPair]
      : [selectedRow, selectedPair];
  const cursorAt = cursorRow(model, layout, cursor);

  const rendered: number[] = [];
  for (let k = win.start; k < win.end; k++) rendered.push(k);
  const activeKey =
    selectedRow >= win.start && selectedRow < win.end
      ? keyOfEntry(model, layout.entries[selectedRow] ?? 0)
      : undefined;
  const collapsed = model.runs.length - layout.expanded.size;
  const empty = layout.length === 0;
  const totalWidth = TIME_WIDTH + GUTTER + lanesWidth + DETAIL_MIN;

  return (
    <div className="seq">
      <div className="seq-toolbar">
        <span className="seq-toolbar__count">
          {layout.length.toLocaleString('en')} row{layout.length === 1 ? '' : 's'}
          {model.runs.length > 0 &&
            ` · ${model.runs.length.toLocaleString('en')} run${model.runs.length === 1 ? '' : 's'} of notifications (${collapsed.toLocaleString('en')} collapsed)`}
        </span>
        {model.runs.length > 0 && (
          <button
            type="button"
            className="seq-button"
            onClick={() => {
              setOpenFirsts(
                collapsed > 0
                  ? new Set(model.runs.map((r) => model.rows[r.members[0] ?? 0] ?? -1))
                  : new Set(),
              );
            }}
          >
            {collapsed > 0 ? 'Expand all runs' : 'Collapse all runs'}
          </button>
        )}
        <ExportMenu disabled={empty} onPick={onPick} />
        <span role="status" className="seq-toolbar__status">
          {status}
        </span>
      </div>
      <div className="seq-frame">
        <div ref={scrollerRef} className="seq-scroller" onScroll={onScroll}>
          <LaneHeader
            columns={model.columns}
            laneWidth={laneWidth}
            lead={TIME_WIDTH + GUTTER}
            width={totalWidth}
            height={HEADER_HEIGHT}
          />
          <div
            ref={gridRef}
            role="grid"
            aria-label="Sequence diagram"
            aria-rowcount={layout.length}
            aria-colcount={3}
            aria-readonly
            aria-multiselectable={false}
            aria-activedescendant={activeKey === undefined ? undefined : rowId(activeKey)}
            tabIndex={0}
            className="seq-grid"
            style={{ width: totalWidth, height: Math.max(layout.length * ROW_HEIGHT, 1) }}
            onKeyDown={onKeyDown}
          >
            <Lifelines columns={model.columns} laneWidth={laneWidth} left={TIME_WIDTH + GUTTER} />
            {linkA >= 0 && linkB >= 0 && (
              <div
                className="seq-bracket"
                aria-hidden="true"
                style={{
                  left: TIME_WIDTH + 2,
                  top: Math.min(linkA, linkB) * ROW_HEIGHT + ROW_HEIGHT / 2,
                  height: Math.abs(linkA - linkB) * ROW_HEIGHT,
                }}
              />
            )}
            {rendered.map((k) => {
              const entry = layout.entries[k] ?? 0;
              const key = keyOfEntry(model, entry);
              const index = indexOfEntry(model, entry);
              return (
                <SequenceRow
                  // Keyed by slot, not by event: a row scrolled in takes the slot (and the
                  // DOM) of one scrolled out, so a jump updates rows instead of rebuilding them.
                  key={k % win.slots}
                  id={rowId(key)}
                  model={model}
                  layout={layout}
                  entry={entry}
                  position={k}
                  laneWidth={laneWidth}
                  selected={k === selectedRow}
                  paired={(k === selectedPair || k === hoveredPair) && k !== selectedRow}
                  cursor={k === cursorAt}
                  future={index > cursor}
                  onRowClick={onRowClick}
                  onHover={setHovered}
                  onJump={jump}
                />
              );
            })}
          </div>
          {empty && (
            <p className="seq-empty">
              {analysis.length === 0
                ? 'This session has no events yet. Open a capture, or wait for the live session to send its first message.'
                : 'No event matches the filter. Clear or widen the filter to see the diagram.'}
            </p>
          )}
        </div>
      </div>
    </div>
  );
}

function keyOfEntry(model: SequenceModel, entry: number): string {
  return entry < 0 ? `r${indexOfEntry(model, entry)}` : `e${model.rows[entry] ?? -1}`;
}

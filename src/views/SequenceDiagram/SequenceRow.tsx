import { memo, type MouseEvent } from 'react';
import { describeEntry, type SeqRow } from './describe.ts';
import type { RowLayout, SequenceModel } from './model.ts';

export const ROW_HEIGHT = 28;
/** The arrow's height in the row (the label sits above it). */
const LINE_Y = 20;

export interface SequenceRowProps {
  readonly model: SequenceModel;
  readonly layout: RowLayout;
  readonly entry: number;
  /** Row number (0-based) in the layout. */
  readonly position: number;
  readonly laneWidth: number;
  readonly selected: boolean;
  /** The other end of the selected / hovered request–response pair. */
  readonly paired: boolean;
  /** The cursor's row: the session as shown is the state after this event. */
  readonly cursor: boolean;
  /** After the cursor: it has not happened yet at the moment shown. */
  readonly future: boolean;
  readonly id: string;
  readonly onRowClick: (position: number, row: SeqRow) => void;
  readonly onHover: (index: number | null) => void;
  readonly onJump: (index: number) => void;
}

/** An arrow's SVG (a plain function, not a component: one fiber less per row). */
function arrow(row: SeqRow, x1: number, x2: number) {
  const sign = x2 >= x1 ? 1 : -1;
  const back = x2 - sign * 8;
  const y = LINE_Y;
  let head;
  if (row.style === 'invalid') {
    head = (
      <path
        className="seq-arrow__cross"
        d={`M${x2 - 4} ${y - 4} L${x2 + 4} ${y + 4} M${x2 - 4} ${y + 4} L${x2 + 4} ${y - 4}`}
      />
    );
  } else if (row.style === 'request' || row.style === 'message') {
    head = (
      <path className="seq-arrow__head" d={`M${x2} ${y} L${back} ${y - 4} L${back} ${y + 4} Z`} />
    );
  } else {
    head = (
      <path className="seq-arrow__open" d={`M${back} ${y - 4} L${x2} ${y} L${back} ${y + 4}`} />
    );
  }
  return (
    <g className="seq-arrow">
      {row.style === 'notification' || row.style === 'run' ? (
        <circle className="seq-arrow__tail" cx={x1} cy={y} r={2.5} />
      ) : null}
      <line className="seq-arrow__line" x1={x1} y1={y} x2={x2 - sign * 2} y2={y} />
      {head}
    </g>
  );
}

/** One row of the diagram: an arrow, a socket marker or a note. Capture strings render as text. */
export const SequenceRow = memo(function SequenceRow({
  model,
  layout,
  entry,
  position,
  laneWidth,
  selected,
  paired,
  cursor,
  future,
  id,
  onRowClick,
  onHover,
  onJump,
}: SequenceRowProps) {
  const row = describeEntry(model, layout, entry);
  const lanesWidth = Math.max(1, model.columns.length) * laneWidth;
  const cx = (col: number) => col * laneWidth + laneWidth / 2;
  const x1 = cx(row.from);
  const x2 = cx(row.to);
  const className = [
    'seq-row',
    `seq-row--${row.style}`,
    row.tone === 'none' ? '' : `seq-row--tone-${row.tone}`,
    row.member >= 0 ? 'seq-row--member' : '',
    selected ? 'seq-row--selected' : '',
    paired ? 'seq-row--paired' : '',
    cursor ? 'seq-row--cursor' : '',
    future ? 'seq-row--future' : '',
  ]
    .filter((c) => c !== '')
    .join(' ');

  // Where the relayed leg starts: the server end of the arrow, or the client for a pc event.
  const relayFrom = row.shape === 'arrow' ? (row.relay === 'out' ? x2 : x1) : x1;
  let left: number;
  switch (row.shape) {
    case 'arrow':
      left = Math.min(x1, x2) + 6;
      break;
    case 'socket':
      left = Math.min(x1, x2) + 14;
      break;
    case 'self':
      left = Math.max(2, x1 - 8);
      break;
    case 'wide':
      left = 4;
      break;
  }
  const labelStyle =
    row.shape === 'wide'
      ? { left, width: lanesWidth - 8 }
      : { left, maxWidth: Math.max(60, lanesWidth - left - 4) };
  const pairText =
    row.pair >= 0
      ? `${row.style === 'request' ? 'response' : 'request'} seq ${model.analysis.log.seq(row.pair)}`
      : undefined;

  return (
    <div
      role="row"
      id={id}
      aria-rowindex={position + 1}
      aria-selected={selected}
      aria-label={row.aria}
      aria-expanded={row.run ? row.run.expanded : undefined}
      aria-current={cursor ? 'step' : undefined}
      className={className}
      style={{ transform: `translateY(${position * ROW_HEIGHT}px)` }}
      onClick={(e: MouseEvent) => {
        e.preventDefault();
        onRowClick(position, row);
      }}
      onMouseEnter={() => {
        onHover(row.pair >= 0 ? row.index : null);
      }}
      onMouseLeave={() => {
        onHover(null);
      }}
    >
      <div role="gridcell" className="seq-cell seq-cell--time" title={`seq ${row.seq}`}>
        {row.timeText}
      </div>
      <div role="gridcell" className="seq-cell seq-cell--diagram" style={{ width: lanesWidth }}>
        <svg
          className="seq-row__svg"
          width={lanesWidth}
          height={ROW_HEIGHT}
          viewBox={`0 0 ${lanesWidth} ${ROW_HEIGHT}`}
          aria-hidden="true"
          focusable="false"
        >
          {row.peers.map((col) => (
            <g key={col} className="seq-relay">
              <line
                className="seq-relay__leg"
                x1={relayFrom}
                y1={LINE_Y}
                x2={cx(col)}
                y2={LINE_Y}
              />
              <circle className="seq-relay__dot" cx={cx(col)} cy={LINE_Y} r={3.5} />
            </g>
          ))}
          {row.shape === 'arrow' && arrow(row, x1, x2)}
          {row.shape === 'socket' && (
            <g className="seq-socket">
              <line
                className="seq-socket__bar"
                x1={x1}
                y1={LINE_Y}
                x2={row.to === row.from ? x1 + laneWidth / 2 : x2}
                y2={LINE_Y}
              />
              <line className="seq-socket__tick" x1={x1 - 10} y1={6} x2={x1 + 10} y2={6} />
            </g>
          )}
        </svg>
        <span className={`seq-label seq-label--${row.shape}`} style={labelStyle} title={row.label}>
          {row.run && (
            <span className="seq-label__toggle" aria-hidden="true">
              {row.run.expanded ? '▾' : '▸'}
            </span>
          )}
          {row.label}
        </span>
      </div>
      <div role="gridcell" className="seq-cell seq-cell--detail" title={row.detail}>
        {row.detail !== '' && <span className="seq-detail">{row.detail}</span>}
        {pairText !== undefined && (
          <button
            type="button"
            tabIndex={-1}
            className="seq-pair-link"
            aria-label={`Go to the ${pairText}`}
            onClick={(e) => {
              e.stopPropagation();
              onJump(row.pair);
            }}
          >
            {row.style === 'request' ? '→' : '←'} seq {model.analysis.log.seq(row.pair)}
          </button>
        )}
      </div>
    </div>
  );
});

import { memo } from 'react';
import type { SessionAnalysis } from '../../projections/analysis.ts';
import { formatDuration } from './format.ts';
import { describeRow } from './rows.ts';

export const ROW_HEIGHT = 26;

export interface EventRowProps {
  readonly analysis: SessionAnalysis;
  readonly index: number;
  /** Position among the rows the filter keeps (0-based). */
  readonly position: number;
  readonly selected: boolean;
  readonly id: string;
  readonly onSelect: (index: number) => void;
  readonly onJump: (index: number) => void;
}

const DIR_TEXT = { out: 'C→S', in: 'S→C' } as const;
const DIR_TITLE = { out: 'client to server', in: 'server to client' } as const;

/** One event of the list. Every string from the capture renders as text. */
export const EventRow = memo(function EventRow({
  analysis,
  index,
  position,
  selected,
  id,
  onSelect,
  onJump,
}: EventRowProps) {
  const row = describeRow(analysis, index);
  const className = [
    'event-row',
    `event-row--${row.kind}`,
    row.tone === 'none' ? '' : `event-row--${row.tone}`,
    selected ? 'event-row--selected' : '',
  ]
    .filter((c) => c !== '')
    .join(' ');
  const outcomeText = row.outcome?.text;
  const details = [outcomeText, row.kind === 'error' ? undefined : row.detail, ...row.marks].filter(
    (s) => s !== undefined,
  );
  const errorDetail = row.kind === 'error' ? row.detail : undefined;
  return (
    <div
      role="row"
      id={id}
      aria-rowindex={position + 2}
      aria-selected={selected}
      aria-label={row.label}
      className={className}
      style={{ transform: `translateY(${position * ROW_HEIGHT}px)` }}
      onClick={() => {
        onSelect(index);
      }}
    >
      <div role="gridcell" className="cell cell--time">
        {row.time}
      </div>
      <div role="gridcell" className="cell cell--conn" title={row.conn}>
        {row.conn ?? ''}
      </div>
      <div
        role="gridcell"
        className={`cell cell--dir${row.dir ? ` cell--dir-${row.dir}` : ''}`}
        title={row.dir ? DIR_TITLE[row.dir] : undefined}
      >
        {row.dir ? DIR_TEXT[row.dir] : ''}
      </div>
      <div role="gridcell" className="cell cell--kind">
        <span className={`kind-badge kind-badge--${row.kind}`}>{row.kindLabel}</span>
      </div>
      <div role="gridcell" className="cell cell--method" title={row.method}>
        {row.method ?? ''}
      </div>
      <div role="gridcell" className="cell cell--id">
        {row.id ?? ''}
      </div>
      <div role="gridcell" className="cell cell--latency">
        {row.latency !== undefined && row.pair >= 0 && (
          <button
            type="button"
            tabIndex={-1}
            className="latency-button"
            aria-label={`${formatDuration(row.latency)}, go to the ${row.kind === 'request' ? 'response' : 'request'} (seq ${analysis.log.seq(row.pair)})`}
            title={`Go to the ${row.kind === 'request' ? 'response' : 'request'}`}
            onClick={(e) => {
              e.stopPropagation();
              onJump(row.pair);
            }}
          >
            {formatDuration(row.latency)}
          </button>
        )}
      </div>
      <div
        role="gridcell"
        className="cell cell--details"
        title={[errorDetail, ...details].join(' · ')}
      >
        {errorDetail !== undefined && <span className="detail-error">{errorDetail}</span>}
        {details.map((d, k) => (
          <span
            key={k}
            className={
              k === 0 && outcomeText !== undefined
                ? `outcome outcome--${row.outcome?.outcome ?? ''}`
                : 'detail'
            }
          >
            {d}
          </span>
        ))}
      </div>
    </div>
  );
});

import { memo } from 'react';
import type { Finding } from '../../projections/findings.ts';
import { SEVERITY_ICONS, codeDescription } from './model.ts';

/** Two lines: severity, code, seq and connection; then the message and related events. */
export const ROW_HEIGHT = 46;

export interface FindingRowProps {
  readonly finding: Finding;
  /** Position in the shown rows (0-based). */
  readonly position: number;
  readonly id: string;
  /** Its event is the app's selected event. */
  readonly selected: boolean;
  /** The keyboard's row. */
  readonly active: boolean;
  /** The last finding at or before the cursor. */
  readonly atCursor: boolean;
  /** The seq of a log index (for the related links). */
  readonly seqOf: (index: number) => number;
  readonly onActivate: (position: number) => void;
  readonly onSelect: (index: number) => void;
}

/** One finding. Every string from the capture (message, connection, ids) renders as text. */
export const FindingRow = memo(function FindingRow({
  finding: f,
  position,
  id,
  selected,
  active,
  atCursor,
  seqOf,
  onActivate,
  onSelect,
}: FindingRowProps) {
  const description = codeDescription(f.code);
  const classes = [
    'finding-row',
    `finding-row--${f.severity}`,
    selected ? 'finding-row--selected' : '',
    active ? 'finding-row--active' : '',
    atCursor ? 'finding-row--at-cursor' : '',
  ]
    .filter(Boolean)
    .join(' ');
  return (
    <div
      role="row"
      id={id}
      aria-rowindex={position + 2}
      aria-selected={selected}
      aria-current={atCursor ? 'true' : undefined}
      className={classes}
      style={{ transform: `translateY(${String(position * ROW_HEIGHT)}px)` }}
      onClick={() => {
        onActivate(position);
        onSelect(f.index);
      }}
    >
      <div role="gridcell" className="fcell fcell--severity">
        <span className="finding-severity">
          <span aria-hidden="true">{SEVERITY_ICONS[f.severity]}</span> {f.severity}
        </span>
      </div>
      <div
        role="gridcell"
        className="fcell fcell--code"
        title={description === undefined ? f.code : `${description} (docs/findings.md#${f.code})`}
      >
        {f.code}
      </div>
      <div role="gridcell" className="fcell fcell--seq">
        {f.seq}
        {atCursor && (
          <span
            className="finding-row__cursor"
            title="The cursor is here: the last finding at or before it"
            aria-hidden="true"
          >
            ◀
          </span>
        )}
      </div>
      <div role="gridcell" className="fcell fcell--conn" title={f.conn}>
        {f.conn ?? '—'}
      </div>
      <div role="gridcell" className="fcell fcell--message">
        {f.machine && (
          <span className="finding-row__machine">
            {f.machine.kind} {f.machine.id}
          </span>
        )}
        <span className="finding-row__text" title={f.message}>
          {f.message}
        </span>
        {f.related?.map((r) => (
          <button
            key={r}
            type="button"
            tabIndex={-1}
            className="finding-row__related"
            aria-label={`Go to related event seq ${String(seqOf(r))}`}
            onClick={(e) => {
              e.stopPropagation();
              onSelect(r);
            }}
          >
            seq {seqOf(r)}
          </button>
        ))}
      </div>
    </div>
  );
});

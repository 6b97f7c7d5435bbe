import { memo } from 'react';
import type { Lane } from './lanes.ts';

export interface LaneHeaderProps {
  readonly columns: readonly Lane[];
  readonly laneWidth: number;
  /** Width of the time column (and the bracket gutter) left of the lanes. */
  readonly lead: number;
  readonly width: number;
  readonly height: number;
}

/** The lifelines' names, a list above the rows (sticky in the scroller). */
export const LaneHeader = memo(function LaneHeader({
  columns,
  laneWidth,
  lead,
  width,
  height,
}: LaneHeaderProps) {
  return (
    <div className="seq-head" style={{ width, height }} role="list" aria-label="Lifelines">
      <div className="seq-head__time" style={{ width: lead }} aria-hidden="true">
        Time
      </div>
      {columns.map((lane) => (
        <div
          key={lane.key}
          role="listitem"
          className={`seq-lane seq-lane--${lane.kind}`}
          style={{ width: laneWidth }}
          title={`${lane.name}${lane.detail === '' ? '' : ` (${lane.detail})`}`}
        >
          <span className="seq-lane__box">
            <span className="seq-lane__label">{lane.label}</span>
            <span className="seq-lane__detail">{lane.detail}</span>
          </span>
        </div>
      ))}
      <div className="seq-head__detail" aria-hidden="true">
        Outcome / details
      </div>
    </div>
  );
});

export interface LifelinesProps {
  readonly columns: readonly Lane[];
  readonly laneWidth: number;
  readonly left: number;
}

/** One vertical line per lifeline, the height of the body, behind the see-through rows. */
export const Lifelines = memo(function Lifelines({ columns, laneWidth, left }: LifelinesProps) {
  return (
    <div
      className="seq-lifelines"
      aria-hidden="true"
      style={{ left, width: columns.length * laneWidth }}
    >
      {columns.map((lane, col) => (
        <div
          key={lane.key}
          className={`seq-lifeline seq-lifeline--${lane.kind}`}
          style={{ left: col * laneWidth + laneWidth / 2 }}
        />
      ))}
    </div>
  );
});

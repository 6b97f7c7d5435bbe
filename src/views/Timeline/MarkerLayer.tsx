import { memo, useState, type KeyboardEvent } from 'react';
import { LANES, LANE_LABELS, markerGlyph, type MarkerCluster } from './markers.ts';

export interface MarkerLayerProps {
  readonly clusters: readonly MarkerCluster[];
  readonly onSelect: ((index: number) => void) | undefined;
}

function markerClass(c: MarkerCluster): string {
  const m = c.top;
  const tone = m.kind === 'finding' ? `finding-${m.severity ?? 'info'}` : m.kind;
  return `timeline-marker timeline-marker--${tone}${c.count > 1 ? ' timeline-marker--group' : ''}`;
}

/** Left to right, then top to bottom: the order the arrow keys walk. */
function byPosition(a: MarkerCluster, b: MarkerCluster): number {
  return a.fraction - b.fraction || LANES.indexOf(a.lane) - LANES.indexOf(b.lane);
}

/**
 * The markers, in three lanes over the histogram. One tab stop: the arrow keys move between
 * markers left to right, Enter or a click selects the marker's event. A group of markers
 * closer than a few pixels is drawn as its most important one, with the count.
 * Labels come from the capture: they are text (`title`, `aria-label`), never markup.
 */
export const MarkerLayer = memo(function MarkerLayer({ clusters, onSelect }: MarkerLayerProps) {
  const ordered = [...clusters].sort(byPosition);
  const [active, setActive] = useState(0);
  const current = Math.min(active, ordered.length - 1);

  if (ordered.length === 0) return null;

  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>) => {
    let next: number;
    switch (e.key) {
      case 'ArrowRight':
      case 'ArrowDown':
        next = current + 1;
        break;
      case 'ArrowLeft':
      case 'ArrowUp':
        next = current - 1;
        break;
      case 'Home':
        next = 0;
        break;
      case 'End':
        next = ordered.length - 1;
        break;
      default:
        return;
    }
    e.preventDefault();
    e.stopPropagation();
    const target = Math.max(0, Math.min(ordered.length - 1, next));
    setActive(target);
    const button = e.currentTarget.querySelector<HTMLButtonElement>(
      `[data-marker="${String(target)}"]`,
    );
    button?.focus();
  };

  return (
    <div
      className="timeline__markers"
      role="group"
      aria-label="Markers: arrow keys move, Enter selects the event"
      onKeyDown={onKeyDown}
    >
      {LANES.map((lane) => (
        <div
          key={lane}
          className={`timeline__lane timeline__lane--${lane}`}
          title={LANE_LABELS[lane]}
        />
      ))}
      {ordered.map((c, k) => (
        <button
          key={`${c.lane}:${String(c.first)}`}
          type="button"
          data-marker={k}
          tabIndex={k === current ? 0 : -1}
          className={markerClass(c)}
          style={{
            left: `${String(c.fraction * 100)}%`,
            top: `calc(${String(LANES.indexOf(c.lane))} * var(--lane-height))`,
          }}
          title={c.label}
          aria-label={c.label}
          onPointerDown={(e) => {
            // A marker is not a place to scrub from.
            e.stopPropagation();
          }}
          onFocus={() => {
            setActive(k);
          }}
          onClick={() => onSelect?.(c.top.index)}
        >
          <span aria-hidden="true">{markerGlyph(c.top)}</span>
          {c.count > 1 && (
            <span className="timeline-marker__count" aria-hidden="true">
              {c.count > 99 ? '99+' : c.count}
            </span>
          )}
        </button>
      ))}
    </div>
  );
});

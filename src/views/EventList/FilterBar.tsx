import { memo } from 'react';
import { KIND_GROUPS } from './rows.ts';
import type { EventFilter, KindGroup } from './types.ts';

export interface FilterBarProps {
  readonly filter: EventFilter;
  readonly onChange: (filter: EventFilter) => void;
  readonly shown: number;
  readonly total: number;
}

/** Text filter, kind checkboxes and a problems-only switch. */
export const FilterBar = memo(function FilterBar({
  filter,
  onChange,
  shown,
  total,
}: FilterBarProps) {
  const toggleKind = (group: KindGroup, on: boolean) => {
    const kinds = new Set(filter.kinds);
    if (on) kinds.add(group);
    else kinds.delete(group);
    onChange({ ...filter, kinds });
  };
  return (
    <div className="filter-bar" role="search">
      <input
        type="search"
        className="filter-bar__text"
        placeholder="Filter: method, conn, reason, id…"
        aria-label="Filter events"
        value={filter.text}
        onChange={(e) => {
          onChange({ ...filter, text: e.currentTarget.value });
        }}
      />
      <fieldset className="filter-bar__kinds">
        <legend className="visually-hidden">Kinds of events to show</legend>
        {KIND_GROUPS.map(({ group, label }) => (
          <label key={group} className="check">
            <input
              type="checkbox"
              checked={filter.kinds.has(group)}
              onChange={(e) => {
                toggleKind(group, e.currentTarget.checked);
              }}
            />
            {label}
          </label>
        ))}
        <label className="check check--problems">
          <input
            type="checkbox"
            checked={filter.problemsOnly}
            onChange={(e) => {
              onChange({ ...filter, problemsOnly: e.currentTarget.checked });
            }}
          />
          Problems only
        </label>
      </fieldset>
      <span className="filter-bar__count" aria-live="polite">
        {shown === total
          ? `${total.toLocaleString('en')} events`
          : `${shown.toLocaleString('en')} of ${total.toLocaleString('en')} events`}
      </span>
    </div>
  );
});

import { memo, useMemo, type RefObject } from 'react';
import type { SessionAnalysis } from '../projections/analysis.ts';
import { KIND_GROUPS } from '../views/EventList/rows.ts';
import type { KindGroup } from '../views/EventList/types.ts';
import { isNoFilter, methodCounts, NO_FILTER, type InspectorFilter } from './inspector/filter.ts';

export interface InspectorFilterBarProps {
  readonly analysis: SessionAnalysis;
  readonly filter: InspectorFilter;
  readonly onChange: (filter: InspectorFilter) => void;
  readonly shown: number;
  readonly textRef?: RefObject<HTMLInputElement | null>;
}

function toggled<T>(set: ReadonlySet<T> | null, all: readonly T[], item: T, on: boolean): Set<T> {
  const next = new Set(set ?? all);
  if (on) next.add(item);
  else next.delete(item);
  return next;
}

/**
 * Search and filters shared by every view: free text, kinds, problems only, methods,
 * direction, connections, and the "mentions" chip a room-graph node sets.
 */
export const InspectorFilterBar = memo(function InspectorFilterBar({
  analysis,
  filter,
  onChange,
  shown,
  textRef,
}: InspectorFilterBarProps) {
  // The methods and connections seen so far (a live session grows).
  const length = analysis.length;
  const methods = useMemo(() => methodCounts(analysis), [analysis, length]); // eslint-disable-line react-hooks/exhaustive-deps
  const conns = useMemo(() => analysis.log.connections(), [analysis, length]); // eslint-disable-line react-hooks/exhaustive-deps
  const allMethods = methods.map((m) => m.method);
  const total = analysis.length;
  const methodSummary =
    filter.methods === null
      ? 'All methods'
      : filter.methods.size === 1
        ? [...filter.methods][0]
        : `${filter.methods.size} methods`;
  const connSummary =
    filter.conns === null
      ? 'All connections'
      : filter.conns.size === 1
        ? [...filter.conns][0]
        : `${filter.conns.size} connections`;

  return (
    <div className="filter-bar inspector-filter" role="search" aria-label="Filter the session">
      <input
        ref={textRef}
        type="search"
        className="filter-bar__text"
        placeholder="Search: method, conn, reason, id, seq… ( / )"
        aria-label="Search events"
        value={filter.text}
        onChange={(e) => {
          onChange({ ...filter, text: e.currentTarget.value });
        }}
      />
      <details className="dropdown">
        <summary aria-label={`Kinds: ${filter.kinds.size} of ${KIND_GROUPS.length}`}>
          Kinds{filter.kinds.size === KIND_GROUPS.length ? '' : ` (${filter.kinds.size})`}
        </summary>
        <fieldset className="dropdown__menu">
          <legend className="visually-hidden">Kinds of events to show</legend>
          {KIND_GROUPS.map(({ group, label }) => (
            <label key={group} className="check">
              <input
                type="checkbox"
                checked={filter.kinds.has(group)}
                onChange={(e) => {
                  const kinds = new Set<KindGroup>(filter.kinds);
                  if (e.currentTarget.checked) kinds.add(group);
                  else kinds.delete(group);
                  onChange({ ...filter, kinds });
                }}
              />
              {label}
            </label>
          ))}
        </fieldset>
      </details>
      <details className="dropdown">
        <summary>{methodSummary}</summary>
        <fieldset className="dropdown__menu dropdown__menu--scroll">
          <legend className="visually-hidden">Methods to show</legend>
          <div className="dropdown__actions">
            <button
              type="button"
              className="link-button"
              onClick={() => {
                onChange({ ...filter, methods: null });
              }}
            >
              All
            </button>
            <button
              type="button"
              className="link-button"
              onClick={() => {
                onChange({ ...filter, methods: new Set() });
              }}
            >
              None
            </button>
          </div>
          {methods.length === 0 && <p className="muted">No methods yet.</p>}
          {methods.map(({ method, count }) => (
            <label key={method} className="check">
              <input
                type="checkbox"
                checked={filter.methods === null || filter.methods.has(method)}
                onChange={(e) => {
                  const next = toggled(filter.methods, allMethods, method, e.currentTarget.checked);
                  onChange({ ...filter, methods: next.size === allMethods.length ? null : next });
                }}
              />
              <span className="check__text">{method}</span>
              <span className="check__count">{count.toLocaleString('en')}</span>
            </label>
          ))}
        </fieldset>
      </details>
      <label className="select-label">
        <span className="visually-hidden">Direction</span>
        <select
          value={filter.dir}
          onChange={(e) => {
            const dir = e.currentTarget.value;
            onChange({ ...filter, dir: dir === 'in' || dir === 'out' ? dir : 'both' });
          }}
        >
          <option value="both">Both directions</option>
          <option value="out">Client → server</option>
          <option value="in">Server → client</option>
        </select>
      </label>
      {conns.length > 1 && (
        <details className="dropdown">
          <summary>{connSummary}</summary>
          <fieldset className="dropdown__menu dropdown__menu--scroll">
            <legend className="visually-hidden">Connections to show</legend>
            {conns.map((conn) => (
              <label key={conn} className="check">
                <input
                  type="checkbox"
                  checked={filter.conns === null || filter.conns.has(conn)}
                  onChange={(e) => {
                    const next = toggled(filter.conns, conns, conn, e.currentTarget.checked);
                    onChange({ ...filter, conns: next.size === conns.length ? null : next });
                  }}
                />
                <span className="check__text">{conn}</span>
              </label>
            ))}
          </fieldset>
        </details>
      )}
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
      {filter.mentions !== null && (
        <span className="chip" role="status">
          Only messages about {filter.mentions.label}
          <button
            type="button"
            className="chip__remove"
            aria-label={`Stop filtering to ${filter.mentions.label}`}
            onClick={() => {
              onChange({ ...filter, mentions: null });
            }}
          >
            ×
          </button>
        </span>
      )}
      {!isNoFilter(filter) && (
        <button
          type="button"
          className="link-button"
          onClick={() => {
            onChange(NO_FILTER);
          }}
        >
          Clear filters
        </button>
      )}
      <span className="filter-bar__count" aria-live="polite">
        {shown === total
          ? `${total.toLocaleString('en')} events`
          : `${shown.toLocaleString('en')} of ${total.toLocaleString('en')} events`}
      </span>
    </div>
  );
});

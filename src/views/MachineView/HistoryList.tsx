import { useEffect, useRef, type KeyboardEvent } from 'react';
import { formatTime } from '../EventList/format.ts';
import type { HistoryEntry } from './active.ts';

export interface HistoryListProps {
  readonly entries: readonly HistoryEntry[];
  /** Entries left out before the first one shown. */
  readonly omitted: number;
  /** The selected event's log index (its entry is marked). */
  readonly selected: number | null;
  readonly onSelect?: ((index: number) => void) | undefined;
}

/**
 * The instance's past states, oldest first, the current one last (`aria-current`). Each
 * entry is a button that selects the event that caused it; ↑/↓, Home and End move between
 * them (one tab stop for the whole list).
 */
export function HistoryList({ entries, omitted, selected, onSelect }: HistoryListProps) {
  const listRef = useRef<HTMLOListElement>(null);
  const last = entries.length - 1;

  // Keep the current state in view as the cursor moves (the list scrolls, never the page).
  useEffect(() => {
    const list = listRef.current;
    const current = list?.querySelector('[aria-current="step"]');
    if (list === null || !(current instanceof HTMLElement)) return;
    const item = current.getBoundingClientRect();
    const view = list.getBoundingClientRect();
    if (item.top < view.top) list.scrollTop -= Math.ceil(view.top - item.top);
    else if (item.bottom > view.bottom) {
      list.scrollTop += Math.ceil(Math.min(item.bottom - view.bottom, item.top - view.top));
    }
  }, [entries]);

  const onKeyDown = (e: KeyboardEvent<HTMLOListElement>) => {
    const buttons = [...(listRef.current?.querySelectorAll('button') ?? [])];
    const at = buttons.findIndex((b) => b === document.activeElement);
    let next: number;
    if (e.key === 'ArrowDown') next = Math.min(buttons.length - 1, at + 1);
    else if (e.key === 'ArrowUp') next = Math.max(0, at - 1);
    else if (e.key === 'Home') next = 0;
    else if (e.key === 'End') next = buttons.length - 1;
    else return;
    e.preventDefault();
    buttons[next]?.focus();
  };

  // The tab stop: the current entry's button (the last with an event).
  let tabStop = -1;
  for (let i = last; i >= 0; i--) {
    if ((entries[i]?.index ?? -1) >= 0) {
      tabStop = i;
      break;
    }
  }

  return (
    <section className="mv-history" aria-label="History">
      <h3 className="mv-side__title">History</h3>
      {omitted > 0 && (
        <p className="mv-muted">
          {omitted.toLocaleString('en-US')} earlier {omitted === 1 ? 'change' : 'changes'} not
          shown.
        </p>
      )}
      <ol className="mv-history__list" ref={listRef} onKeyDown={onKeyDown}>
        {entries.map((entry, i) => {
          const current = i === last;
          const body = (
            <>
              <span className="mv-history__seq">{entry.index < 0 ? '—' : `#${entry.seq}`}</span>
              <span className="mv-history__time">{entry.index < 0 ? '' : formatTime(entry.t)}</span>
              <span className="mv-history__state">{entry.state || '—'}</span>
              <span className="mv-history__cause">
                {entry.index < 0 ? 'initial state' : entry.cause}
              </span>
            </>
          );
          return (
            <li
              key={`${entry.index}:${i}`}
              className={`mv-history__item${current ? ' is-current' : ''}${
                entry.index >= 0 && entry.index === selected ? ' is-selected' : ''
              }`}
              {...(current ? { 'aria-current': 'step' as const } : {})}
            >
              {entry.index < 0 ? (
                <div className="mv-history__entry">{body}</div>
              ) : (
                <button
                  type="button"
                  className="mv-history__entry"
                  tabIndex={i === tabStop ? 0 : -1}
                  aria-label={`seq ${entry.seq}, ${formatTime(entry.t)}: ${entry.state}${
                    entry.from === '' ? '' : ` (from ${entry.from})`
                  }, caused by ${entry.cause}`}
                  onClick={() => onSelect?.(entry.index)}
                >
                  {body}
                </button>
              )}
            </li>
          );
        })}
      </ol>
    </section>
  );
}

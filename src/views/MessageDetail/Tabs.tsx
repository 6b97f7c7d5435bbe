import { useId, useRef, type KeyboardEvent, type ReactNode } from 'react';

export interface TabSpec<T extends string> {
  readonly id: T;
  readonly label: string;
}

interface TabsProps<T extends string> {
  /** The tab list's accessible name. */
  readonly label: string;
  readonly tabs: readonly TabSpec<T>[];
  readonly value: T;
  readonly onChange: (value: T) => void;
  readonly children: ReactNode;
}

/**
 * A tab list with one panel (WAI-ARIA tabs, automatic activation): arrow keys, Home and End
 * move between tabs and select them.
 */
export function Tabs<T extends string>({ label, tabs, value, onChange, children }: TabsProps<T>) {
  const base = useId();
  const list = useRef<HTMLDivElement>(null);
  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>) => {
    const at = tabs.findIndex((t) => t.id === value);
    let next: number;
    if (e.key === 'ArrowRight') next = (at + 1) % tabs.length;
    else if (e.key === 'ArrowLeft') next = (at - 1 + tabs.length) % tabs.length;
    else if (e.key === 'Home') next = 0;
    else if (e.key === 'End') next = tabs.length - 1;
    else return;
    e.preventDefault();
    const tab = tabs[next];
    if (!tab) return;
    onChange(tab.id);
    list.current?.querySelectorAll<HTMLElement>('[role="tab"]')[next]?.focus();
  };
  return (
    <div className="md-tabs">
      <div
        role="tablist"
        aria-label={label}
        className="md-tabs__list"
        ref={list}
        onKeyDown={onKeyDown}
      >
        {tabs.map((t) => (
          <button
            key={t.id}
            type="button"
            role="tab"
            id={`${base}-${t.id}`}
            aria-selected={t.id === value}
            aria-controls={`${base}-panel`}
            tabIndex={t.id === value ? 0 : -1}
            className="md-tabs__tab"
            onClick={() => {
              onChange(t.id);
            }}
          >
            {t.label}
          </button>
        ))}
      </div>
      <div
        role="tabpanel"
        id={`${base}-panel`}
        aria-labelledby={`${base}-${value}`}
        className="md-tabs__panel"
      >
        {children}
      </div>
    </div>
  );
}

import { useId, useRef, type KeyboardEvent, type ReactNode } from 'react';

export interface TabItem<T extends string> {
  readonly id: T;
  readonly label: ReactNode;
  /** The tab's name for assistive technology when the label is not plain text. */
  readonly title?: string;
  /** Keyboard shortcut shown in the tab's title. */
  readonly shortcut?: string;
}

export interface TabsProps<T extends string> {
  readonly label: string;
  readonly tabs: readonly TabItem<T>[];
  readonly value: T;
  readonly onChange: (value: T) => void;
  readonly children: ReactNode;
  readonly className?: string;
}

/**
 * WAI-ARIA tabs (automatic activation): arrow keys move between tabs, Home / End, and only the
 * active panel is rendered.
 */
export function Tabs<T extends string>({
  label,
  tabs,
  value,
  onChange,
  children,
  className,
}: TabsProps<T>) {
  const prefix = useId();
  const listRef = useRef<HTMLDivElement>(null);
  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>) => {
    const at = tabs.findIndex((t) => t.id === value);
    let next: number | undefined;
    if (e.key === 'ArrowRight') next = (at + 1) % tabs.length;
    else if (e.key === 'ArrowLeft') next = (at - 1 + tabs.length) % tabs.length;
    else if (e.key === 'Home') next = 0;
    else if (e.key === 'End') next = tabs.length - 1;
    const tab = next === undefined ? undefined : tabs[next];
    if (!tab) return;
    e.preventDefault();
    onChange(tab.id);
    listRef.current
      ?.querySelector<HTMLElement>(`#${CSS.escape(`${prefix}-tab-${tab.id}`)}`)
      ?.focus();
  };
  return (
    <div className={`tabs ${className ?? ''}`}>
      <div
        ref={listRef}
        role="tablist"
        aria-label={label}
        className="tabs__list"
        onKeyDown={onKeyDown}
      >
        {tabs.map((t) => (
          <button
            key={t.id}
            id={`${prefix}-tab-${t.id}`}
            type="button"
            role="tab"
            aria-selected={t.id === value}
            aria-controls={`${prefix}-panel`}
            tabIndex={t.id === value ? 0 : -1}
            className="tabs__tab"
            title={t.shortcut === undefined ? t.title : `${t.title ?? ''} (${t.shortcut})`.trim()}
            onClick={() => {
              onChange(t.id);
            }}
          >
            {t.label}
          </button>
        ))}
      </div>
      <div
        id={`${prefix}-panel`}
        role="tabpanel"
        aria-labelledby={`${prefix}-tab-${value}`}
        className="tabs__panel"
      >
        {children}
      </div>
    </div>
  );
}

import { memo, useCallback, useEffect, useMemo, useRef, useState, type KeyboardEvent } from 'react';
import {
  PAGE_SIZE,
  STRING_PREVIEW,
  containerPreview,
  copyText,
  expandAll,
  initialExpanded,
  pathKey,
  pathText,
  rowLabel,
  visibleRows,
  type TreeRow,
  type ValueRow,
} from './jsonTree.ts';
import { MASK } from './sdp.ts';
import { isSecretField, maskInText, SecretToggle, useSecrets } from './secrets.tsx';

export interface JsonTreeProps {
  readonly value: unknown;
  /** The root's name in copied paths: `data`, `frame`, `value`. */
  readonly rootName: string;
  /** The tree's accessible name. */
  readonly label: string;
}

/**
 * The row of `key`, or of its nearest shown ancestor when a collapse hid it (the root at
 * worst): focus never jumps far.
 */
function indexOfKey(rows: readonly TreeRow[], key: string): number {
  const at = rows.findIndex((r) => r.key === key);
  if (at >= 0) return at;
  let path: unknown;
  try {
    path = JSON.parse(key.split('\u0000')[0] ?? '[]');
  } catch {
    return 0;
  }
  if (!Array.isArray(path)) return 0;
  const parts = [...(path as (string | number)[])];
  while (parts.length > 0) {
    parts.pop();
    const k = pathKey(parts);
    const found = rows.findIndex((r) => r.key === k);
    if (found >= 0) return found;
  }
  return 0;
}

/** Writes to the clipboard; says so when the browser does not allow it. */
async function writeClipboard(text: string): Promise<boolean> {
  try {
    if (typeof navigator === 'undefined' || !('clipboard' in navigator)) return false;
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    return false;
  }
}

interface ItemProps {
  readonly row: TreeRow;
  readonly active: boolean;
  readonly full: boolean;
  readonly reveal: boolean;
  readonly register: (key: string, el: HTMLElement | null) => void;
  readonly onActivate: (row: TreeRow, toggle: boolean) => void;
  readonly onShowAll: (key: string) => void;
  readonly rootName: string;
}

function Leaf({
  row,
  full,
  reveal,
  onShowAll,
}: Pick<ItemProps, 'full' | 'reveal' | 'onShowAll'> & { row: ValueRow }) {
  switch (row.type) {
    case 'string': {
      const s = row.value as string;
      if (!reveal && isSecretField(row.name)) {
        return <span className="jt-string jt-masked">{MASK}</span>;
      }
      const shown = full || s.length <= STRING_PREVIEW ? s : s.slice(0, STRING_PREVIEW);
      const text = reveal ? shown : maskInText(shown);
      return (
        <>
          <span className="jt-string">
            "{text}
            {shown.length < s.length ? '…' : ''}"
          </span>
          {s.length > STRING_PREVIEW && (
            <button
              type="button"
              tabIndex={-1}
              className="md-link jt-show-all"
              onClick={(e) => {
                e.stopPropagation();
                onShowAll(row.key);
              }}
            >
              {full ? 'show less' : `show all ${s.length.toLocaleString('en')} characters`}
            </button>
          )}
        </>
      );
    }
    case 'number':
      return <span className="jt-number">{String(row.value)}</span>;
    case 'boolean':
      return <span className="jt-boolean">{String(row.value)}</span>;
    case 'null':
      return <span className="jt-null">null</span>;
    default:
      return <span className="jt-null">{typeof row.value}</span>;
  }
}

function labelOf(row: ValueRow, rootName: string, reveal: boolean): string {
  if (reveal) return rowLabel(row, rootName);
  if (row.type === 'string' && isSecretField(row.name)) return `${String(row.name)}: hidden`;
  return maskInText(rowLabel(row, rootName));
}

const TreeItem = memo(function TreeItem({
  row,
  active,
  full,
  reveal,
  register,
  onActivate,
  onShowAll,
  rootName,
}: ItemProps) {
  const common = {
    role: 'treeitem',
    'aria-level': row.level,
    'aria-setsize': row.setsize,
    'aria-posinset': row.posinset,
    'aria-selected': active,
    tabIndex: active ? 0 : -1,
    ref: (el: HTMLDivElement | null) => {
      register(row.key, el);
    },
    style: { paddingInlineStart: `${(row.level - 1) * 16 + 4}px` },
  } as const;
  if (row.kind === 'more') {
    return (
      <div
        {...common}
        className="jt-row jt-more"
        onClick={() => {
          onActivate(row, true);
        }}
      >
        <span className="md-link">
          Show {Math.min(PAGE_SIZE, row.total - row.shown)} more ({row.shown.toLocaleString('en')}{' '}
          of {row.total.toLocaleString('en')} shown)
        </span>
      </div>
    );
  }
  const container = row.type === 'object' || row.type === 'array';
  return (
    <div
      {...common}
      aria-expanded={container ? row.expanded : undefined}
      aria-label={labelOf(row, rootName, reveal)}
      className={`jt-row${active ? ' jt-row--active' : ''}`}
      onClick={() => {
        onActivate(row, container);
      }}
    >
      <span className="jt-twisty" aria-hidden="true">
        {container ? (row.expanded ? '▾' : '▸') : ''}
      </span>
      <span className="jt-name">
        <span
          className={
            row.name === undefined
              ? 'jt-root'
              : typeof row.name === 'number'
                ? 'jt-index'
                : 'jt-key'
          }
        >
          {row.name === undefined ? rootName : String(row.name)}
        </span>
        <span className="jt-punct">:&nbsp;</span>
      </span>
      <span className="jt-value">
        {container ? (
          <>
            <span className="jt-punct">
              {row.type === 'array' ? `[${row.size}]` : `{${row.size}}`}
            </span>
            {!row.expanded && row.size > 0 && (
              <span className="jt-preview">
                {' '}
                {reveal ? containerPreview(row.value) : maskInText(containerPreview(row.value))}
              </span>
            )}
          </>
        ) : (
          <Leaf row={row} full={full} reveal={reveal} onShowAll={onShowAll} />
        )}
      </span>
    </div>
  );
});

/**
 * A JSON value as a tree (WAI-ARIA tree view): arrow keys walk it (Right opens or enters,
 * Left closes or goes up), Home / End, Enter or Space toggles; a toolbar expands or collapses
 * everything and copies the focused node's value or path. Every key and value is text.
 */
export function JsonTree({ value, rootName, label }: JsonTreeProps) {
  const { reveal } = useSecrets();
  const [expanded, setExpanded] = useState<ReadonlySet<string>>(() => initialExpanded(value));
  const [pages, setPages] = useState<ReadonlyMap<string, number>>(() => new Map());
  const [fullStrings, setFullStrings] = useState<ReadonlySet<string>>(() => new Set());
  const [activeKey, setActiveKey] = useState(() => pathKey([]));
  const [status, setStatus] = useState('');
  // Another value (the detail shows the next message): start again as a fresh tree would,
  // but keep the DOM, so rows at the same paths are updated in place instead of rebuilt.
  const [shownValue, setShownValue] = useState(value);
  if (shownValue !== value) {
    setShownValue(value);
    setExpanded(initialExpanded(value));
    setPages(new Map());
    setFullStrings(new Set());
    setActiveKey(pathKey([]));
    setStatus('');
  }
  const rows = useMemo(() => visibleRows(value, { expanded, pages }), [value, expanded, pages]);
  const elements = useRef(new Map<string, HTMLElement>());
  const wantFocus = useRef(false);

  const activeIndex = useMemo(() => indexOfKey(rows, activeKey), [rows, activeKey]);
  const active = rows[activeIndex];

  useEffect(() => {
    if (!wantFocus.current || !active) return;
    wantFocus.current = false;
    elements.current.get(active.key)?.focus();
  }, [active]);

  const register = useCallback((key: string, el: HTMLElement | null) => {
    if (el) elements.current.set(key, el);
    else elements.current.delete(key);
  }, []);

  const toggle = useCallback((key: string, open?: boolean) => {
    setExpanded((prev) => {
      const next = new Set(prev);
      const want = open ?? !prev.has(key);
      if (want) next.add(key);
      else next.delete(key);
      return next;
    });
  }, []);

  const showMore = useCallback((parent: string, shown: number) => {
    setPages((prev) => new Map(prev).set(parent, shown + PAGE_SIZE));
  }, []);

  const onActivate = useCallback(
    (row: TreeRow, doToggle: boolean) => {
      setActiveKey(row.key);
      if (!doToggle) return;
      if (row.kind === 'more') showMore(row.parent, row.shown);
      else toggle(row.key);
    },
    [showMore, toggle],
  );

  const onShowAll = useCallback((key: string) => {
    setActiveKey(key);
    setFullStrings((prev) => {
      const next = new Set(prev);
      if (next.has(key)) next.delete(key);
      else next.add(key);
      return next;
    });
  }, []);

  const move = (index: number) => {
    const row = rows[Math.min(rows.length - 1, Math.max(0, index))];
    if (!row) return;
    wantFocus.current = true;
    setActiveKey(row.key);
  };

  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>) => {
    if (!active) return;
    const container =
      active.kind === 'value' && (active.type === 'object' || active.type === 'array');
    switch (e.key) {
      case 'ArrowDown':
        move(activeIndex + 1);
        break;
      case 'ArrowUp':
        move(activeIndex - 1);
        break;
      case 'Home':
        move(0);
        break;
      case 'End':
        move(rows.length - 1);
        break;
      case 'ArrowRight':
        if (container && !active.expanded) toggle(active.key, true);
        else if (container && active.size > 0) move(activeIndex + 1);
        break;
      case 'ArrowLeft': {
        if (container && active.expanded) {
          toggle(active.key, false);
          break;
        }
        const parent = rows.findIndex((r) => r.key === active.parent);
        if (parent >= 0) move(parent);
        break;
      }
      case 'Enter':
      case ' ':
        if (active.kind === 'more') {
          wantFocus.current = true;
          showMore(active.parent, active.shown);
        } else if (container) toggle(active.key);
        else if (active.type === 'string' && (active.value as string).length > STRING_PREVIEW) {
          onShowAll(active.key);
        }
        break;
      default:
        return;
    }
    e.preventDefault();
    e.stopPropagation();
  };

  const activePath =
    active?.kind === 'value' ? pathText(active.path, rootName) : pathText([], rootName);

  const copy = async (what: 'value' | 'path') => {
    if (active?.kind !== 'value') return;
    const text = what === 'value' ? copyText(active.value) : activePath;
    const ok = await writeClipboard(text);
    setStatus(
      ok
        ? `Copied the ${what} of ${activePath}.`
        : 'The browser did not allow copying: select the text in the Raw tab instead.',
    );
  };

  return (
    <div className="jt">
      <div className="md-toolbar" role="toolbar" aria-label={`${label}: actions`}>
        <button
          type="button"
          className="md-button"
          onClick={() => {
            const all = expandAll(value);
            setExpanded(all.expanded);
            setStatus(
              all.complete
                ? ''
                : 'Expanded as much as fits; open the rest one by one (large arrays show 100 at a time).',
            );
          }}
        >
          Expand all
        </button>
        <button
          type="button"
          className="md-button"
          onClick={() => {
            setExpanded(new Set());
            setActiveKey(pathKey([]));
            setStatus('');
          }}
        >
          Collapse all
        </button>
        <button
          type="button"
          className="md-button"
          disabled={active?.kind !== 'value'}
          onClick={() => {
            void copy('value');
          }}
        >
          Copy value
        </button>
        <button
          type="button"
          className="md-button"
          disabled={active?.kind !== 'value'}
          onClick={() => {
            void copy('path');
          }}
        >
          Copy path
        </button>
        <SecretToggle />
        <span className="jt-path mono" title="The focused node">
          {activePath}
        </span>
      </div>
      <p className="md-status" role="status">
        {status}
      </p>
      <div role="tree" aria-label={label} className="jt-tree" onKeyDown={onKeyDown}>
        {rows.map((row) => (
          <TreeItem
            key={row.key}
            row={row}
            active={row.key === active?.key}
            full={fullStrings.has(row.key)}
            reveal={reveal}
            register={register}
            onActivate={onActivate}
            onShowAll={onShowAll}
            rootName={rootName}
          />
        ))}
      </div>
    </div>
  );
}

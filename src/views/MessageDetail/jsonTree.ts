/**
 * The JSON tree's model: which rows a value shows given what is expanded, as a flat list a
 * `role="tree"` renders with `aria-level` (so arrow keys simply walk the list). Only
 * expanded containers produce rows; big arrays and objects show a page of children at a
 * time, so a huge message costs what is on screen.
 */

export type JsonPath = readonly (string | number)[];

export type NodeType = 'object' | 'array' | 'string' | 'number' | 'boolean' | 'null' | 'other';

export interface ValueRow {
  readonly kind: 'value';
  /** Stable identity: {@link pathKey} of the path. */
  readonly key: string;
  readonly path: JsonPath;
  /** aria-level: the root is 1. */
  readonly level: number;
  /** The member name or index; undefined for the root. */
  readonly name: string | number | undefined;
  readonly type: NodeType;
  readonly value: unknown;
  /** Children of a container. */
  readonly size: number;
  readonly expanded: boolean;
  readonly parent: string | undefined;
  readonly posinset: number;
  readonly setsize: number;
}

/** "Show more": the next page of a container's children. */
export interface MoreRow {
  readonly kind: 'more';
  readonly key: string;
  readonly level: number;
  /** The container's key. */
  readonly parent: string;
  readonly shown: number;
  readonly total: number;
  readonly posinset: number;
  readonly setsize: number;
}

export type TreeRow = ValueRow | MoreRow;

export interface TreeState {
  readonly expanded: ReadonlySet<string>;
  /** Container key → children shown (default {@link PAGE_SIZE}). */
  readonly pages: ReadonlyMap<string, number>;
}

export const PAGE_SIZE = 100;
/** Strings longer than this are cut, with a "show all". */
export const STRING_PREVIEW = 200;
/** Rows "expand all" opens at most. */
export const EXPAND_ALL_BUDGET = 2000;
/**
 * "Expand all" opens containers at most this deep: each row's key is its whole path, so a
 * chain nested 100,000 levels deep (hostile but valid JSON) would cost the square of its depth.
 */
export const EXPAND_ALL_DEPTH = 100;

export function typeOf(value: unknown): NodeType {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  switch (typeof value) {
    case 'object':
      return 'object';
    case 'string':
      return 'string';
    case 'number':
      return 'number';
    case 'boolean':
      return 'boolean';
    default:
      return 'other';
  }
}

function isContainer(type: NodeType): boolean {
  return type === 'object' || type === 'array';
}

/** The children of a container as [name, value] pairs. */
export function childrenOf(value: unknown): readonly (readonly [string | number, unknown])[] {
  if (Array.isArray(value)) return value.map((v, k) => [k, v] as const);
  if (typeof value === 'object' && value !== null) return Object.entries(value);
  return [];
}

function sizeOf(value: unknown, type: NodeType): number {
  if (type === 'array') return (value as readonly unknown[]).length;
  if (type === 'object') return Object.keys(value as object).length;
  return 0;
}

/** A string identity for a path (unambiguous whatever the keys contain). */
export function pathKey(path: JsonPath): string {
  return JSON.stringify(path);
}

const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;

/**
 * A path as a JavaScript accessor, for pasting into a console.
 *
 * @example
 * pathText(['peers', 0, 'display name'], 'data'); // 'data.peers[0]["display name"]'
 */
export function pathText(path: JsonPath, root: string): string {
  let out = root;
  for (const p of path) {
    if (typeof p === 'number') out += `[${p}]`;
    else if (IDENTIFIER.test(p)) out += `.${p}`;
    else out += `[${JSON.stringify(p)}]`;
  }
  return out;
}

/** The value at `path`, or undefined. */
export function valueAt(root: unknown, path: JsonPath): unknown {
  let v: unknown = root;
  for (const p of path) {
    if (typeof v !== 'object' || v === null) return undefined;
    v = (v as Record<string | number, unknown>)[p];
  }
  return v;
}

/**
 * The rows to show, in order.
 *
 * @example
 * visibleRows({ a: 1 }, { expanded: new Set([pathKey([])]), pages: new Map() }).length; // 2
 */
export function visibleRows(root: unknown, state: TreeState): TreeRow[] {
  const out: TreeRow[] = [];
  const visit = (
    value: unknown,
    path: JsonPath,
    name: string | number | undefined,
    parent: string | undefined,
    posinset: number,
    setsize: number,
  ) => {
    const type = typeOf(value);
    const key = pathKey(path);
    const size = sizeOf(value, type);
    const expanded = isContainer(type) && state.expanded.has(key);
    out.push({
      kind: 'value',
      key,
      path,
      level: path.length + 1,
      name,
      type,
      value,
      size,
      expanded,
      parent,
      posinset,
      setsize,
    });
    if (!expanded) return;
    const children = childrenOf(value);
    const shown = Math.min(children.length, state.pages.get(key) ?? PAGE_SIZE);
    const siblings = shown < children.length ? shown + 1 : shown;
    for (let k = 0; k < shown; k++) {
      const child = children[k];
      if (child) visit(child[1], [...path, child[0]], child[0], key, k + 1, siblings);
    }
    if (shown < children.length) {
      out.push({
        kind: 'more',
        key: `${key}\u0000more`,
        level: path.length + 2,
        parent: key,
        shown,
        total: children.length,
        posinset: siblings,
        setsize: siblings,
      });
    }
  };
  visit(root, [], undefined, undefined, 1, 1);
  return out;
}

/** The containers open at first: the root and levels below it up to `depth`. */
export function initialExpanded(root: unknown, depth = 2): Set<string> {
  const out = new Set<string>();
  const visit = (value: unknown, path: JsonPath) => {
    if (!isContainer(typeOf(value)) || path.length >= depth) return;
    out.add(pathKey(path));
    const children = childrenOf(value);
    for (let k = 0; k < Math.min(children.length, PAGE_SIZE); k++) {
      const child = children[k];
      if (child) visit(child[1], [...path, child[0]]);
    }
  };
  visit(root, []);
  return out;
}

/**
 * Every container to open for "expand all", breadth first, until about `budget` rows would
 * show (first pages only) or {@link EXPAND_ALL_DEPTH} levels are open. `complete` is false
 * when the budget or the depth stopped it.
 */
export function expandAll(
  root: unknown,
  budget = EXPAND_ALL_BUDGET,
): { expanded: Set<string>; complete: boolean } {
  const expanded = new Set<string>();
  let rows = 1;
  const queue: { value: unknown; path: JsonPath }[] = [{ value: root, path: [] }];
  for (let q = 0; q < queue.length; q++) {
    const item = queue[q];
    if (!item || !isContainer(typeOf(item.value))) continue;
    if (item.path.length >= EXPAND_ALL_DEPTH) return { expanded, complete: false };
    const children = childrenOf(item.value);
    const shown = Math.min(children.length, PAGE_SIZE);
    if (rows + shown > budget) return { expanded, complete: false };
    rows += shown;
    expanded.add(pathKey(item.path));
    for (let k = 0; k < shown; k++) {
      const child = children[k];
      if (child) queue.push({ value: child[1], path: [...item.path, child[0]] });
    }
  }
  return { expanded, complete: true };
}

function previewOf(value: unknown): string {
  switch (typeOf(value)) {
    case 'string': {
      const s = value as string;
      return JSON.stringify(s.length > 24 ? `${s.slice(0, 23)}…` : s);
    }
    case 'object':
      return '{…}';
    case 'array':
      return `[${(value as unknown[]).length}]`;
    case 'other':
      return typeof value;
    default:
      return String(value);
  }
}

/**
 * A one-line summary of a closed container: `{id: "abc", kind: "audio", …}`, `[3] 1, 2, 3`.
 *
 * @example
 * containerPreview({ id: 'abc', n: 2 }); // '{id: "abc", n: 2}'
 */
export function containerPreview(value: unknown, max = 80): string {
  const type = typeOf(value);
  if (!isContainer(type)) return previewOf(value);
  const parts: string[] = [];
  let length = 0;
  const children = childrenOf(value);
  for (const [name, v] of children) {
    const part = type === 'array' ? previewOf(v) : `${String(name)}: ${previewOf(v)}`;
    if (length + part.length > max) {
      parts.push('…');
      break;
    }
    parts.push(part);
    length += part.length + 2;
  }
  return type === 'array' ? `[${parts.join(', ')}]` : `{${parts.join(', ')}}`;
}

function plural(n: number, word: string): string {
  return `${n.toLocaleString('en')} ${word}${n === 1 ? '' : 's'}`;
}

/**
 * A row's accessible name: its name and what it holds, in words.
 *
 * @example
 * rowLabel(peersRow, 'data'); // 'peers: array, 2 items'
 */
export function rowLabel(row: ValueRow, rootName: string): string {
  const name = row.name === undefined ? rootName : String(row.name);
  switch (row.type) {
    case 'object':
      return `${name}: object, ${plural(row.size, 'member')}`;
    case 'array':
      return `${name}: array, ${plural(row.size, 'item')}`;
    case 'string': {
      const s = row.value as string;
      return `${name}: "${s.length > STRING_PREVIEW ? `${s.slice(0, STRING_PREVIEW)}…` : s}"`;
    }
    case 'other':
      return `${name}: ${typeof row.value}`;
    default:
      return `${name}: ${String(row.value)}`;
  }
}

/** JSON of a node for the clipboard: strings as they are, everything else pretty JSON. */
export function copyText(value: unknown): string {
  if (typeof value === 'string') return value;
  try {
    // undefined, functions and symbols stringify to undefined.
    const json = JSON.stringify(value, null, 2) as string | undefined;
    return json ?? String(value);
  } catch {
    return String(value);
  }
}

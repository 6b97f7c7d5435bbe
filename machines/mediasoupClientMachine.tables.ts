/**
 * Tolerant readers and immutable-table helpers shared by the room reducer
 * (`mediasoupClientMachine.context.ts`) and its peer-connection mapping
 * (`mediasoupClientMachine.pcs.ts`). Nothing here throws, whatever it is given.
 *
 * A {@link Table} is a persistent map from string ids to entries: changing one entry copies
 * only the path to it (a hash trie 32 wide, at most 16 entries per leaf), not the whole
 * table, so feeding a room of thousands of consumers one event at a time stays linear, and
 * every older table (the stepper's checkpoints) stays as it was. Tables are frozen, iterate
 * as `[id, entry]` pairs and serialise (`JSON.stringify`, `toJSON()`) as the plain record
 * `{ [id]: entry }`, in the order a plain object would list its keys: ids that are array
 * indexes (`"0"`, `"17"`: protoo request ids) first in ascending order, then the others in
 * insertion order (replacing an entry keeps its place; removing and adding it again moves it
 * to the end). Read them only through the helpers below.
 */

type Obj = Readonly<Record<string, unknown>>;

export function obj(value: unknown): Obj | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Obj)
    : undefined;
}
export function field(value: unknown, key: string): unknown {
  const o = obj(value);
  return o !== undefined && Object.hasOwn(o, key) ? o[key] : undefined;
}
export function str(value: unknown): string | null {
  return typeof value === 'string' ? value : null;
}
export function num(value: unknown): number | null {
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
}
/** The first string among `keys` of `data`. */
export function idOf(data: unknown, ...keys: string[]): string | null {
  for (const key of keys) {
    const s = str(field(data, key));
    if (s !== null) return s;
  }
  return null;
}

// ── persistent table ─────────────────────────────────────────────────────

interface Entry<T> {
  readonly key: string;
  readonly value: T;
  /** Insertion number: the order of ids that are not array indexes. */
  readonly order: number;
}
type Leaf<T> = readonly Entry<T>[];
interface Branch<T> {
  readonly children: readonly (TrieNode<T> | undefined)[];
}
type TrieNode<T> = Leaf<T> | Branch<T>;

const BITS = 5;
const WIDTH = 1 << BITS;
const MASK = WIDTH - 1;
/** A leaf this full splits into a branch (while hash bits remain). */
const LEAF_MAX = 16;
/** The last shift at which a node can still index its children by 5 bits of the hash. */
const LAST_SHIFT = 30;
const EMPTY_LEAF: Leaf<never> = Object.freeze([]);

const isLeaf = <T>(node: TrieNode<T>): node is Leaf<T> => Array.isArray(node);

/** FNV-1a over the UTF-16 code units, then murmur3's finaliser so every bit mixes. */
function hashOf(key: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) {
    h ^= key.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** `key` as an array index (a canonical integer below 2³² − 1), or -1. */
function arrayIndexOf(key: string): number {
  const n = key.length;
  if (n === 0 || n > 10 || (n > 1 && key.charCodeAt(0) === 48)) return -1;
  for (let i = 0; i < n; i++) {
    const c = key.charCodeAt(i);
    if (c < 48 || c > 57) return -1;
  }
  const value = Number(key);
  return value < 4294967295 ? value : -1;
}

/** Plain-object key order: array indexes ascending, then insertion order. */
function inKeyOrder<T>(entries: readonly Entry<T>[]): Entry<T>[] {
  const keyed = entries.map((e) => ({ e, index: arrayIndexOf(e.key) }));
  keyed.sort((a, b) => {
    if (a.index >= 0) return b.index >= 0 ? a.index - b.index : -1;
    return b.index >= 0 ? 1 : a.e.order - b.e.order;
  });
  return keyed.map((k) => k.e);
}

function find<T>(root: TrieNode<T>, key: string, hash: number): Entry<T> | undefined {
  let node = root;
  let shift = 0;
  while (!isLeaf(node)) {
    const child = node.children[(hash >>> shift) & MASK];
    if (child === undefined) return undefined;
    node = child;
    shift += BITS;
  }
  for (const e of node) if (e.key === key) return e;
  return undefined;
}

// Nodes and entries are never frozen: only the table holds them, in a private field, and
// nothing changes them once made (freezing each one cost more than the rest of a change).

/** Where `key` is in `leaf`, or -1. */
function indexIn<T>(leaf: Leaf<T>, key: string): number {
  for (let j = 0; j < leaf.length; j++) if (leaf[j]?.key === key) return j;
  return -1;
}

/** `node` with `e` (whose key hashes to `hash`) in place of the entry of its key, or added. */
function assoc<T>(node: TrieNode<T>, shift: number, e: Entry<T>, hash: number): TrieNode<T> {
  if (isLeaf(node)) {
    const at = indexIn(node, e.key);
    const leaf = node.slice();
    if (at >= 0) {
      leaf[at] = e;
      return leaf;
    }
    if (node.length < LEAF_MAX || shift > LAST_SHIFT) {
      leaf.push(e);
      return leaf;
    }
    let split: TrieNode<T> = {
      children: new Array<TrieNode<T> | undefined>(WIDTH).fill(undefined),
    };
    for (const x of node) split = assoc(split, shift, x, hashOf(x.key));
    return assoc(split, shift, e, hash);
  }
  const i = (hash >>> shift) & MASK;
  const children = node.children.slice();
  children[i] = assoc(node.children[i] ?? EMPTY_LEAF, shift + BITS, e, hash);
  return { children };
}

/** `node` without the entry of `key` (the same node when it has none). */
function dissoc<T>(node: TrieNode<T>, shift: number, key: string, hash: number): TrieNode<T> {
  if (isLeaf(node)) {
    const at = indexIn(node, key);
    if (at < 0) return node;
    const leaf = node.slice();
    leaf.splice(at, 1);
    return leaf;
  }
  const i = (hash >>> shift) & MASK;
  const child = node.children[i];
  if (child === undefined) return node;
  const next = dissoc(child, shift + BITS, key, hash);
  if (next === child) return node;
  const children = node.children.slice();
  children[i] = isLeaf(next) && next.length === 0 ? undefined : next;
  return { children };
}

/** `node` with every value changed; unchanged parts are the same objects. */
function mapNode<T>(node: TrieNode<T>, change: (value: T) => T): TrieNode<T> {
  if (isLeaf(node)) {
    let out: Entry<T>[] | undefined;
    node.forEach((e, j) => {
      const value = change(e.value);
      if (value === e.value) return;
      out ??= node.slice();
      out[j] = { key: e.key, value, order: e.order };
    });
    return out ?? node;
  }
  let children: (TrieNode<T> | undefined)[] | undefined;
  node.children.forEach((child, j) => {
    if (child === undefined) return;
    const next = mapNode(child, change);
    if (next === child) return;
    children ??= node.children.slice();
    children[j] = next;
  });
  return children === undefined ? node : { children };
}

function collect<T>(node: TrieNode<T>, out: Entry<T>[]): void {
  if (isLeaf(node)) {
    for (const e of node) out.push(e);
    return;
  }
  for (const child of node.children) if (child !== undefined) collect(child, out);
}

class PersistentTable<T> implements Iterable<[string, T]> {
  /** How many entries (an own field: two tables of different sizes never look equal). */
  readonly size: number;
  readonly #root: TrieNode<T>;
  /** The next insertion number. */
  readonly #next: number;
  /** The entries in key order, computed on first need (the table itself never changes). */
  #ordered: readonly Entry<T>[] | undefined;

  constructor(root: TrieNode<T>, size: number, next: number) {
    this.#root = root;
    this.size = size;
    this.#next = next;
    this.#ordered = size === 0 ? EMPTY_LEAF : undefined;
    Object.freeze(this);
  }

  get(key: string): T | undefined {
    return find(this.#root, key, hashOf(key))?.value;
  }

  set(key: string, value: T): PersistentTable<T> {
    const hash = hashOf(key);
    const old = find(this.#root, key, hash);
    if (old !== undefined && old.value === value) return this;
    const e: Entry<T> = { key, value, order: old?.order ?? this.#next };
    const root = assoc(this.#root, 0, e, hash);
    return old === undefined
      ? new PersistentTable(root, this.size + 1, this.#next + 1)
      : new PersistentTable(root, this.size, this.#next);
  }

  delete(key: string): PersistentTable<T> {
    const root = dissoc(this.#root, 0, key, hashOf(key));
    return root === this.#root ? this : new PersistentTable(root, this.size - 1, this.#next);
  }

  map(change: (value: T) => T): PersistentTable<T> {
    const root = mapNode(this.#root, change);
    return root === this.#root ? this : new PersistentTable(root, this.size, this.#next);
  }

  /** Every entry in no particular order (the trie's), for order-free folds. */
  forEachUnordered(visit: (value: T, key: string) => void): void {
    const walk = (node: TrieNode<T>): void => {
      if (isLeaf(node)) {
        for (const e of node) visit(e.value, e.key);
      } else {
        for (const child of node.children) if (child !== undefined) walk(child);
      }
    };
    walk(this.#root);
  }

  ordered(): readonly Entry<T>[] {
    if (this.#ordered === undefined) {
      const out: Entry<T>[] = [];
      collect(this.#root, out);
      this.#ordered = Object.freeze(inKeyOrder(out));
    }
    return this.#ordered;
  }

  *[Symbol.iterator](): Iterator<[string, T]> {
    for (const e of this.ordered()) yield [e.key, e.value];
  }

  /** The plain record `{ [id]: entry }` (what `JSON.stringify` writes). */
  toJSON(): Record<string, T> {
    return Object.fromEntries(this.ordered().map((e) => [e.key, e.value]));
  }
}

/**
 * An immutable table of entries by id (see the module's description); read and change it
 * with {@link entry}, {@link put}, {@link without}, {@link update}, {@link mapAll},
 * {@link valuesOf}, {@link keysOf}, {@link entriesOf}, {@link sizeOf}, {@link recordOf}.
 */
export type Table<T> = PersistentTable<T>;

const EMPTY = new PersistentTable<never>(EMPTY_LEAF, 0, 0);

/**
 * The empty table.
 *
 * @example
 * sizeOf(emptyTable<number>()); // 0
 */
export function emptyTable<T>(): Table<T> {
  return EMPTY;
}

/**
 * A table of the entries of a plain record (or of `[id, entry]` pairs), in its key order.
 *
 * @example
 * valuesOf(tableOf({ b: 2, a: 1 })); // [2, 1]
 */
export function tableOf<T>(
  source: Readonly<Record<string, T>> | Iterable<readonly [string, T]>,
): Table<T> {
  let table = emptyTable<T>();
  const pairs: Iterable<readonly [string, T]> =
    Symbol.iterator in source ? source : Object.entries(source);
  for (const [key, value] of pairs) table = table.set(key, value);
  return table;
}

/** Whether `value` is a {@link Table}. */
export function isTable(value: unknown): value is Table<unknown> {
  return value instanceof PersistentTable;
}

/**
 * Own entry of a table (ids such as `__proto__` or `toString` stay plain keys).
 *
 * @example
 * entry(tableOf({ a: 1 }), 'toString'); // undefined
 */
export function entry<T>(table: Table<T>, key: string): T | undefined {
  return table.get(key);
}
/**
 * `table` with `value` as the entry of `key` (in the place of the old one, or last).
 *
 * @example
 * keysOf(put(tableOf({ a: 1, b: 2 }), 'a', 3)); // ['a', 'b']
 */
export function put<T>(table: Table<T>, key: string, value: T): Table<T> {
  return table.set(key, value);
}
/** `table` without the entry of `key` (`table` itself when it has none). */
export function without<T>(table: Table<T>, key: string): Table<T> {
  return table.delete(key);
}
/** `table` with the entry of `key` changed; `table` itself when `key` is null or absent. */
export function update<T>(table: Table<T>, key: string | null, change: (value: T) => T): Table<T> {
  if (key === null) return table;
  const value = table.get(key);
  return value === undefined ? table : table.set(key, change(value));
}
/** `table` with every entry changed (in place: the order stays). */
export function mapAll<T>(table: Table<T>, change: (value: T) => T): Table<T> {
  return table.map(change);
}
/** The entries of a table, in insertion order (array-index ids first); a fresh array. */
export function valuesOf<T>(table: Table<T>): T[] {
  return table.ordered().map((e) => e.value);
}
/** The ids of a table, in the order of {@link valuesOf}; a fresh array. */
export function keysOf(table: Table<unknown>): string[] {
  return table.ordered().map((e) => e.key);
}
/** The `[id, entry]` pairs of a table, in the order of {@link valuesOf}; a fresh array. */
export function entriesOf<T>(table: Table<T>): [string, T][] {
  return table.ordered().map((e) => [e.key, e.value]);
}
/** How many entries a table has. */
export function sizeOf(table: Table<unknown>): number {
  return table.size;
}
/**
 * Every entry in no particular order (deterministic, but not insertion order): for folds
 * whose result does not depend on order (a minimum, a count), without sorting.
 */
export function forEachUnordered<T>(table: Table<T>, visit: (value: T, key: string) => void): void {
  table.forEachUnordered(visit);
}
/**
 * The plain record of a table, in its order (what `JSON.stringify` writes).
 *
 * @example
 * recordOf(put(emptyTable<number>(), 'a', 1)); // { a: 1 }
 */
export function recordOf<T>(table: Table<T>): Record<string, T> {
  return table.toJSON();
}

/**
 * Tolerant readers and immutable-table helpers shared by the room reducer
 * (`mediasoupClientMachine.context.ts`) and its peer-connection mapping
 * (`mediasoupClientMachine.pcs.ts`). Nothing here throws, whatever it is given.
 */

export type Table<T> = Readonly<Record<string, T>>;

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

/**
 * Own entry of a table (ids such as `__proto__` or `toString` stay plain keys).
 *
 * @example
 * entry({ a: 1 }, 'toString'); // undefined
 */
export function entry<T>(table: Table<T>, key: string): T | undefined {
  return Object.hasOwn(table, key) ? table[key] : undefined;
}
export function put<T>(table: Table<T>, key: string, value: T): Table<T> {
  return { ...table, [key]: value };
}
export function without<T>(table: Table<T>, key: string): Table<T> {
  const out: Record<string, T> = {};
  for (const k of Object.keys(table)) if (k !== key) out[k] = table[k] as T;
  return out;
}
export function update<T>(table: Table<T>, key: string | null, change: (value: T) => T): Table<T> {
  if (key === null) return table;
  const value = entry(table, key);
  return value === undefined ? table : put(table, key, change(value));
}
export function mapAll<T>(table: Table<T>, change: (value: T) => T): Table<T> {
  const out: Record<string, T> = {};
  for (const k of Object.keys(table)) out[k] = change(table[k] as T);
  return out;
}
/** The entries of a table, in insertion order. */
export function valuesOf<T>(table: Table<T>): T[] {
  return Object.keys(table).map((k) => table[k] as T);
}

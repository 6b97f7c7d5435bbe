/**
 * Reading request data that came from a client: every field is checked where it is used, and a
 * missing or mistyped one becomes an error whose message names it (answered as a 500, as the
 * demo's thrown errors are).
 */

export type Obj = Readonly<Record<string, unknown>>;

/** An error with the protoo error code to answer with (500 unless said otherwise). */
export class RequestError extends Error {
  override readonly name = 'RequestError';
  readonly code: number;
  constructor(message: string, code = 500) {
    super(message);
    this.code = code;
  }
}

export function isObject(value: unknown): value is Obj {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The request's `data` as an object (protoo makes a missing one `{}`; anything else is bad). */
export function dataOf(value: unknown): Obj {
  if (value === undefined || value === null) return {};
  if (!isObject(value)) throw new RequestError('request data must be an object');
  return value;
}

export function str(data: Obj, name: string): string {
  const value = data[name];
  if (typeof value !== 'string') throw new RequestError(`missing or invalid "${name}"`);
  return value;
}

export function optStr(data: Obj, name: string): string | undefined {
  const value = data[name];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw new RequestError(`invalid "${name}": not a string`);
  return value;
}

export function obj(data: Obj, name: string): Obj {
  const value = data[name];
  if (!isObject(value)) throw new RequestError(`missing or invalid "${name}"`);
  return value;
}

export function optObj(data: Obj, name: string): Obj | undefined {
  const value = data[name];
  if (value === undefined || value === null) return undefined;
  if (!isObject(value)) throw new RequestError(`invalid "${name}": not an object`);
  return value;
}

export function optNumber(data: Obj, name: string): number | undefined {
  const value = data[name];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new RequestError(`invalid "${name}": not a number`);
  }
  return value;
}

/** The message of anything thrown. */
export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * Checks one decoded protoo message against the mediasoup-demo catalog (protocol.md §2) and
 * says, in plain words, what does not fit. It never throws: the data came from a socket.
 *
 * Members the catalog does not list are allowed (servers add fields over time); only the
 * listed ones are checked. A message that fits gets the shared, frozen `NO_WARNINGS`.
 */

import type { ProtooMessage } from './codec.ts';
import {
  lookupMethod,
  methodDirection,
  methodEntries,
  otherDialect,
  shapeSummary,
  valueTypes,
  type MediasoupDialect,
  type MethodEntry,
  type MethodKind,
  type ShapeSpec,
  type ValueType,
  type WireDirection,
} from './catalog.ts';
import type { Dialect } from './dialect.ts';

export type ValidationCode =
  | 'unknown-method'
  | 'other-dialect-method'
  | 'wrong-direction'
  | 'wrong-kind'
  | 'deprecated-method'
  | 'missing-field'
  | 'wrong-type'
  | 'wrong-value'
  | 'other-dialect-shape'
  | 'too-many-warnings'
  | 'unreadable';

export interface ValidationWarning {
  readonly code: ValidationCode;
  /** Plain English: what was expected and what was found. */
  readonly message: string;
  /** Path of the field concerned, such as `data.peers[0].peerId`. */
  readonly field?: string;
}

export interface ValidationContext {
  /** The connection's dialect; `unknown` checks against both, `generic` checks nothing. */
  readonly dialect: Dialect;
  /** `out` = client→server. */
  readonly dir: WireDirection;
  /** For a response: the method of the request it answers. */
  readonly requestMethod?: string;
}

/** Every warning code with what it means, for the user documentation. */
export const VALIDATION_CODES: Readonly<Record<ValidationCode, string>> = Object.freeze({
  'unknown-method':
    'The method is not part of the mediasoup-demo dialect the connection speaks (while the dialect is unknown: of neither dialect). Never reported on generic protoo connections.',
  'other-dialect-method':
    'The method exists only in the other mediasoup-demo dialect, e.g. downlinkBwe on a connection that speaks the new dialect.',
  'wrong-direction':
    'The message travels the wrong way: e.g. a client sending newConsumer, or a response coming from the side that sent the request.',
  'wrong-kind':
    'A request where the dialect expects a notification, or the other way round. closeProducer, pauseConsumer and the like are requests in legacy and notifications in the new demo.',
  'deprecated-method':
    'An old method name kept only so that old captures read well (setConsumerPreferedLayers).',
  'missing-field': 'A field the method requires is absent.',
  'wrong-type': 'A field, or the whole data, has the wrong JSON type.',
  'wrong-value':
    'A string field holds a value outside its allowed set, e.g. a kind other than audio or video.',
  'other-dialect-shape':
    "The data has the other dialect's shape for this method, e.g. {producerId} answering produce on a legacy connection.",
  'too-many-warnings': 'The message has more problems than the first 20 that are listed.',
  unreadable:
    'The message could not be read at all (only hand-built objects can do that); nothing was checked.',
});

/** The answer for a message that fits: shared and frozen, so checking allocates nothing. */
export const NO_WARNINGS: readonly ValidationWarning[] = Object.freeze([]);

const MAX_WARNINGS = 20;

type Data = Readonly<Record<string, unknown>>;

function isRecord(value: unknown): value is Data {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function present(o: Data, key: string): boolean {
  return Object.hasOwn(o, key) && o[key] !== undefined;
}

function fits(value: unknown, type: ValueType): boolean {
  switch (type) {
    case 'string':
      return typeof value === 'string';
    case 'number':
      return typeof value === 'number' && Number.isFinite(value);
    case 'integer':
      return Number.isInteger(value);
    case 'boolean':
      return typeof value === 'boolean';
    case 'null':
      return value === null;
    case 'object':
      return isRecord(value);
    case 'array':
      return Array.isArray(value);
    case 'any':
      return value !== undefined;
  }
}

/** The first value type of `spec` that `value` has, or `undefined`. */
function matchType(value: unknown, spec: ShapeSpec): ValueType | undefined {
  const type = spec.type;
  if (typeof type === 'string') return fits(value, type) ? type : undefined;
  for (const t of type) if (fits(value, t)) return t;
  return undefined;
}

// ── words ───────────────────────────────────────────────────────────────────

const TYPE_WORDS: Readonly<Record<ValueType, string>> = {
  string: 'a string',
  number: 'a number',
  integer: 'an integer',
  boolean: 'a boolean',
  null: 'null',
  object: 'an object',
  array: 'an array',
  any: 'a value',
};

function quote(text: string): string {
  const s = text.length > 40 ? `${text.slice(0, 37)}…` : text;
  return JSON.stringify(s);
}

function expected(spec: ShapeSpec): string {
  const words = valueTypes(spec.type).map((t) => {
    if (t === 'object' && spec.fields && spec.fields.length > 0) {
      return `an object ${shapeSummary(spec)}`;
    }
    if (t === 'string' && spec.values)
      return spec.values.map((v) => JSON.stringify(v)).join(' or ');
    return TYPE_WORDS[t];
  });
  return words.join(' or ');
}

function describeValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (Array.isArray(value)) {
    return value.length === 1 ? 'an array of 1 item' : `an array of ${value.length} items`;
  }
  switch (typeof value) {
    case 'string':
      return `a string (${quote(value)})`;
    case 'number':
      return `a number (${String(value)})`;
    case 'boolean':
      return `a boolean (${String(value)})`;
    case 'object':
      return 'an object';
    default:
      return `a ${typeof value}`;
  }
}

const DIRECTION_WORDS: Readonly<Record<WireDirection, string>> = {
  out: 'client→server',
  in: 'server→client',
};

function dialectWords(dialect: MediasoupDialect): string {
  return `the ${dialect} mediasoup-demo`;
}

// ── shape checking ──────────────────────────────────────────────────────────

interface Sink {
  readonly list: ValidationWarning[];
  full: boolean;
  /** e.g. `the legacy mediasoup-demo "produce" request`. */
  readonly where: string;
}

function push(sink: Sink, warning: ValidationWarning): void {
  if (sink.list.length < MAX_WARNINGS) sink.list.push(Object.freeze(warning));
  else sink.full = true;
}

/**
 * Whether `value` fits `spec`. Without a sink it stops at the first misfit and builds no
 * strings; with one it records every misfit (up to the cap). Recursion follows the spec, so
 * its depth is the catalog's, whatever the data's nesting.
 */
function check(value: unknown, spec: ShapeSpec, path: string, sink: Sink | null): boolean {
  if (sink?.full) return false;
  const matched = matchType(value, spec);
  if (matched === undefined) {
    if (sink) {
      push(sink, {
        code: 'wrong-type',
        field: path,
        message: `Expected ${path} to be ${expected(spec)} in ${sink.where}, but found ${describeValue(value)}.`,
      });
    }
    return false;
  }
  let ok = true;
  if (matched === 'object' && spec.fields) {
    const o = value as Data;
    for (const field of spec.fields) {
      if (!present(o, field.name)) {
        if (field.optional) continue;
        if (!sink) return false;
        ok = false;
        const at = `${path}.${field.name}`;
        push(sink, {
          code: 'missing-field',
          field: at,
          message: `Expected ${at} (${expected(field)}) in ${sink.where}, but it is missing.`,
        });
        continue;
      }
      const at = sink ? `${path}.${field.name}` : path;
      if (!check(o[field.name], field, at, sink)) {
        if (!sink) return false;
        ok = false;
      }
    }
  } else if (matched === 'array' && spec.items) {
    const items = value as readonly unknown[];
    for (let i = 0; i < items.length; i++) {
      if (!check(items[i], spec.items, sink ? `${path}[${i}]` : path, sink)) {
        if (!sink || sink.full) return false;
        ok = false;
      }
    }
  } else if (matched === 'string' && spec.values && !spec.values.includes(value as string)) {
    if (!sink) return false;
    ok = false;
    push(sink, {
      code: 'wrong-value',
      field: path,
      message: `Expected ${path} to be one of ${spec.values.map((v) => JSON.stringify(v)).join(', ')} in ${sink.where}, but found ${quote(value as string)}.`,
    });
  }
  return ok;
}

/** All misfits of `value` against `spec`, or `NO_WARNINGS`. */
function collect(value: unknown, spec: ShapeSpec, where: string): readonly ValidationWarning[] {
  if (check(value, spec, 'data', null)) return NO_WARNINGS;
  const sink: Sink = { list: [], full: false, where };
  check(value, spec, 'data', sink);
  if (sink.full) {
    sink.list.push(
      Object.freeze({
        code: 'too-many-warnings',
        message: `This message has more problems than the ${MAX_WARNINGS} listed.`,
      }),
    );
  }
  return Object.freeze(sink.list);
}

/**
 * Whether a value that fits `other` (and not `own`) shows something only `other` has: a
 * different root type, or a member `own` does not name. Without that, a message that merely
 * lacks a field would be blamed on the other dialect.
 */
function showsOtherShape(value: unknown, own: ShapeSpec, other: ShapeSpec): boolean {
  if (matchType(value, own) === undefined) return true;
  if (!isRecord(value) || !other.fields) return false;
  for (const field of other.fields) {
    if (present(value, field.name) && !own.fields?.some((f) => f.name === field.name)) return true;
  }
  return false;
}

function where(entry: MethodEntry, part: 'call' | 'response'): string {
  const d = dialectWords(entry.dialect);
  return part === 'response'
    ? `${d} answer to "${entry.method}"`
    : `${d} "${entry.method}" ${entry.kind}`;
}

/** Checks data against a known dialect's shape, blaming the other dialect when it fits that. */
function checkInDialect(
  value: unknown,
  entry: MethodEntry,
  own: ShapeSpec,
  other: ShapeSpec | undefined,
  part: 'call' | 'response',
): readonly ValidationWarning[] {
  if (check(value, own, 'data', null)) return NO_WARNINGS;
  if (other && check(value, other, 'data', null) && showsOtherShape(value, own, other)) {
    const subject =
      part === 'response' ? `the answer to "${entry.method}"` : `"${entry.method}" data`;
    return one({
      code: 'other-dialect-shape',
      field: 'data',
      message: `Expected ${subject} in ${dialectWords(entry.dialect)} shape ${shapeSummary(own)}, but found the ${otherDialect(entry.dialect)} shape ${shapeSummary(other)}.`,
    });
  }
  return collect(value, own, where(entry, part));
}

/** Checks data against several candidates (unknown dialect): the best fit wins. */
function checkInUnion(
  value: unknown,
  candidates: readonly { readonly entry: MethodEntry; readonly spec: ShapeSpec }[],
  part: 'call' | 'response',
): readonly ValidationWarning[] {
  for (const c of candidates) if (check(value, c.spec, 'data', null)) return NO_WARNINGS;
  let best: readonly ValidationWarning[] = NO_WARNINGS;
  for (const c of candidates) {
    const warnings = collect(value, c.spec, where(c.entry, part));
    if (best.length === 0 || warnings.length < best.length) best = warnings;
  }
  return best;
}

function one(warning: ValidationWarning): readonly ValidationWarning[] {
  return Object.freeze([warning]);
}

function join(
  head: readonly ValidationWarning[],
  tail: readonly ValidationWarning[],
): readonly ValidationWarning[] {
  if (head.length === 0) return tail.length === 0 ? NO_WARNINGS : Object.freeze(tail);
  return Object.freeze([...head, ...tail]);
}

// ── method-level warnings ───────────────────────────────────────────────────

function unknownMethod(
  method: string,
  kind: MethodKind,
  dir: WireDirection,
  dialect: MediasoupDialect | undefined,
): ValidationWarning {
  const of = dialect ? dialectWords(dialect) : 'either mediasoup-demo dialect';
  return Object.freeze({
    code: 'unknown-method',
    message: `Expected a method of ${of}, but found ${quote(method)} (a ${kind} sent ${DIRECTION_WORDS[dir]}).`,
  });
}

function otherDialectMethod(method: string, dialect: MediasoupDialect): ValidationWarning {
  return Object.freeze({
    code: 'other-dialect-method',
    message: `Expected a method of ${dialectWords(dialect)}, but found ${quote(method)}, which only ${dialectWords(otherDialect(dialect))} has.`,
  });
}

function wrongDirection(
  entry: MethodEntry,
  dir: WireDirection,
  response: boolean,
): ValidationWarning {
  const requestDir = entry.direction === 'c2s' ? 'out' : 'in';
  const expectedDir = response ? (requestDir === 'out' ? 'in' : 'out') : requestDir;
  const what = response ? `the answer to "${entry.method}"` : `"${entry.method}"`;
  return Object.freeze({
    code: 'wrong-direction',
    message: `Expected ${what} to travel ${DIRECTION_WORDS[expectedDir]}, but it was sent ${DIRECTION_WORDS[dir]}.`,
  });
}

function wrongKind(
  entry: MethodEntry,
  kind: MethodKind,
  dialect: MediasoupDialect | undefined,
): ValidationWarning {
  const inDialect = dialect ? ` in ${dialectWords(dialect)}` : '';
  const other = dialect ? lookupMethod(entry.method, otherDialect(dialect), kind) : undefined;
  const hint = other ? ` (${dialectWords(other.dialect)} sends it as a ${kind})` : '';
  return Object.freeze({
    code: 'wrong-kind',
    message: `Expected "${entry.method}" as a ${entry.kind}${inDialect}, but it was sent as a ${kind}${hint}.`,
  });
}

function deprecatedMethod(entry: MethodEntry): ValidationWarning {
  return Object.freeze({
    code: 'deprecated-method',
    message: `Expected a current method, but found "${entry.method}", an old name: ${entry.history ?? 'current servers no longer know it.'}`,
  });
}

// ── entry points ────────────────────────────────────────────────────────────

function validateCall(
  kind: MethodKind,
  method: unknown,
  data: unknown,
  dir: WireDirection,
  dialect: MediasoupDialect | undefined,
): readonly ValidationWarning[] {
  if (typeof method !== 'string') return NO_WARNINGS;
  const entries = methodEntries(method);
  const first = entries.at(0);
  if (!first) return one(unknownMethod(method, kind, dir, dialect));
  const direction = methodDirection(dir);

  if (dialect) {
    const entry = lookupMethod(method, dialect);
    if (!entry) return one(otherDialectMethod(method, dialect));
    if (entry.direction !== direction) return one(wrongDirection(entry, dir, false));
    let head: ValidationWarning[] | undefined;
    if (entry.kind !== kind) (head ??= []).push(wrongKind(entry, kind, dialect));
    if (entry.deprecated) (head ??= []).push(deprecatedMethod(entry));
    const other = lookupMethod(method, otherDialect(dialect));
    return join(head ?? NO_WARNINGS, checkInDialect(data, entry, entry.data, other?.data, 'call'));
  }

  // Fast path: a message that fits a dialect as it is costs no allocation.
  for (const e of entries) {
    if (e.direction === direction && e.kind === kind && !e.deprecated) {
      if (check(data, e.data, 'data', null)) return NO_WARNINGS;
    }
  }
  const sameWay = entries.filter((e) => e.direction === direction);
  if (sameWay.length === 0) return one(wrongDirection(first, dir, false));
  const head: ValidationWarning[] = [];
  let candidates = sameWay.filter((e) => e.kind === kind);
  if (candidates.length === 0) {
    head.push(wrongKind(sameWay.at(0) ?? first, kind, undefined));
    candidates = sameWay;
  }
  const deprecated = candidates.find((e) => e.deprecated);
  if (deprecated && candidates.every((e) => e.deprecated)) head.push(deprecatedMethod(deprecated));
  return join(
    head,
    checkInUnion(
      data,
      candidates.map((entry) => ({ entry, spec: entry.data })),
      'call',
    ),
  );
}

function validateResponse(
  data: unknown,
  requestMethod: unknown,
  dir: WireDirection,
  dialect: MediasoupDialect | undefined,
): readonly ValidationWarning[] {
  if (typeof requestMethod !== 'string') return NO_WARNINGS;
  const answered = (e: MethodEntry | undefined): e is MethodEntry & { response: ShapeSpec } =>
    e?.kind === 'request' && e.response !== undefined;
  const expectedDir = (e: MethodEntry): WireDirection => (e.direction === 'c2s' ? 'in' : 'out');

  if (dialect) {
    const entry = lookupMethod(requestMethod, dialect);
    if (!answered(entry)) return NO_WARNINGS;
    if (expectedDir(entry) !== dir) return one(wrongDirection(entry, dir, true));
    const other = lookupMethod(requestMethod, otherDialect(dialect));
    return checkInDialect(
      data,
      entry,
      entry.response,
      answered(other) ? other.response : undefined,
      'response',
    );
  }

  const entries = methodEntries(requestMethod);
  for (const e of entries) {
    if (answered(e) && expectedDir(e) === dir && check(data, e.response, 'data', null)) {
      return NO_WARNINGS;
    }
  }
  const candidates = entries.filter(answered);
  const first = candidates.at(0);
  if (!first) return NO_WARNINGS;
  if (expectedDir(first) !== dir) return one(wrongDirection(first, dir, true));
  return checkInUnion(
    data,
    candidates.map((entry) => ({ entry, spec: entry.response })),
    'response',
  );
}

function validateUnchecked(
  msg: ProtooMessage,
  ctx: ValidationContext,
): readonly ValidationWarning[] {
  const rawMsg: unknown = msg;
  const rawCtx: unknown = ctx;
  if (!isRecord(rawMsg) || !isRecord(rawCtx)) return NO_WARNINGS;
  const d: unknown = ctx.dialect;
  // A generic protoo connection has its own methods: the catalog says nothing about them.
  if (d === 'generic') return NO_WARNINGS;
  const dialect = d === 'legacy' || d === 'new' ? d : undefined;
  const dir: WireDirection = ctx.dir === 'in' ? 'in' : 'out';
  switch (msg.kind) {
    case 'request':
    case 'notification':
      return validateCall(msg.kind, msg.method, msg.data, dir, dialect);
    case 'success':
      return validateResponse(msg.data, ctx.requestMethod, dir, dialect);
    default:
      // Error answers carry no data to check; findings look at their codes.
      return NO_WARNINGS;
  }
}

/** The message of a thrown value, without trusting it: its getters may throw too. */
function errorText(error: unknown): string {
  try {
    if (error instanceof Error && typeof error.message === 'string') return error.message;
  } catch {
    // Fall through: the thrown value itself is hostile.
  }
  return 'an unreadable error';
}

/**
 * Checks one message against the catalog for the connection's dialect. Never throws; returns
 * the shared frozen `NO_WARNINGS` when everything fits.
 *
 * @example
 * validateMessage(
 *   { kind: 'success', id: 7, data: { producerId: 'p1' } },
 *   { dialect: 'legacy', dir: 'in', requestMethod: 'produce' },
 * )[0]?.code // 'other-dialect-shape'
 */
export function validateMessage(
  msg: ProtooMessage,
  ctx: ValidationContext,
): readonly ValidationWarning[] {
  try {
    return validateUnchecked(msg, ctx);
  } catch (error) {
    return one({
      code: 'unreadable',
      message: `Expected a message made of plain JSON values, but reading it failed: ${quote(errorText(error))}.`,
    });
  }
}

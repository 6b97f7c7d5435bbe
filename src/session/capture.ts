import type { ExtraFields, SessionEvent } from './events.ts';
import { stringifyJson } from './json.ts';
import { SessionLog } from './SessionLog.ts';

/** The capture format this code reads and writes (docs/capture-format.md). */
export const CAPTURE_FORMAT = 'signalscope-capture';
export const CAPTURE_VERSION = 1;

export interface CaptureSource {
  readonly kind: string;
  readonly [key: string]: unknown;
}

export interface CaptureHeader {
  readonly format: typeof CAPTURE_FORMAT;
  readonly version: typeof CAPTURE_VERSION;
  readonly created: string;
  readonly source: CaptureSource;
  readonly redacted?: boolean;
  readonly extra?: ExtraFields;
}

/**
 * A problem in a capture file, naming the line (1-based) and the field, with what was
 * expected and what was found.
 */
export class CaptureFormatError extends Error {
  override readonly name = 'CaptureFormatError';
  readonly line: number;
  readonly field: string | undefined;

  constructor(line: number, field: string | undefined, detail: string) {
    super(`line ${line}${field === undefined ? '' : `, field ${field}`}: ${detail}`);
    this.line = line;
    this.field = field;
  }
}

export function describeValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  let s: string;
  try {
    // JSON.stringify gives undefined for a function or a symbol.
    const json: string | undefined = JSON.stringify(value);
    // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition -- lib.d.ts says string; it is not always
    s = json ?? typeof value;
  } catch {
    s = 'an unprintable value';
  }
  return s.length > 60 ? `${s.slice(0, 57)}…` : s;
}

function expected(line: number, field: string, what: string, value: unknown): CaptureFormatError {
  return new CaptureFormatError(line, field, `expected ${what}, found ${describeValue(value)}`);
}

type Obj = Record<string, unknown>;

function isObject(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/** Fields of each known event type, in the order writers emit them. */
const FIELDS: Readonly<Record<string, readonly string[]>> = {
  'ws.open': ['conn', 'url', 'protocol'],
  'ws.frame': ['conn', 'dir', 'text', 'base64'],
  'ws.close': ['conn', 'code', 'reason'],
  'ws.error': ['conn', 'message'],
  pc: ['pc', 'event', 'value', 'conn'],
  note: ['text', 'conn'],
};
const BASE_FIELDS = ['seq', 't', 'type'];

function requireString(o: Obj, field: string, line: number): string {
  const v = o[field];
  if (typeof v !== 'string') throw expected(line, field, 'a string', v);
  return v;
}

function optionalString(o: Obj, field: string, line: number): string | undefined {
  const v = o[field];
  if (v === undefined) return undefined;
  if (typeof v !== 'string') throw expected(line, field, 'a string or no field', v);
  return v;
}

function extraOf(o: Obj, known: readonly string[]): ExtraFields | undefined {
  let extra: Record<string, unknown> | undefined;
  for (const key of Object.keys(o)) {
    if (BASE_FIELDS.includes(key) || known.includes(key)) continue;
    extra ??= {};
    // defineProperty keeps a key named __proto__ as data instead of changing the prototype.
    Object.defineProperty(extra, key, {
      value: o[key],
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  return extra;
}

/**
 * Checks one parsed event line and returns the typed event. Throws CaptureFormatError.
 * `previousSeq` is the seq of the event before (or -1).
 */
export function parseEvent(o: unknown, line: number, previousSeq: number): SessionEvent {
  if (!isObject(o))
    throw new CaptureFormatError(
      line,
      undefined,
      `expected a JSON object, found ${describeValue(o)}`,
    );
  const seq = o.seq;
  if (typeof seq !== 'number' || !Number.isInteger(seq) || seq < 0) {
    throw expected(line, 'seq', 'a non-negative integer', seq);
  }
  if (seq <= previousSeq) {
    throw expected(line, 'seq', `an integer greater than ${previousSeq} (the previous seq)`, seq);
  }
  const t = o.t;
  if (typeof t !== 'number' || !Number.isFinite(t) || t < 0) {
    throw expected(line, 't', 'a finite number of milliseconds ≥ 0', t);
  }
  const type = o.type;
  if (typeof type !== 'string' || type === '')
    throw expected(line, 'type', 'an event type string', type);
  const known = FIELDS[type];
  const extra = extraOf(o, known ?? ['conn']);
  const withExtra = <E extends object>(e: E): E => (extra ? { ...e, extra } : e);

  switch (type) {
    case 'ws.open': {
      const conn = requireString(o, 'conn', line);
      const url = requireString(o, 'url', line);
      const protocol = optionalString(o, 'protocol', line);
      return withExtra({
        seq,
        t,
        type,
        conn,
        url,
        ...(protocol === undefined ? {} : { protocol }),
      });
    }
    case 'ws.frame': {
      const conn = requireString(o, 'conn', line);
      const dir = o.dir;
      if (dir !== 'in' && dir !== 'out') throw expected(line, 'dir', '"in" or "out"', dir);
      const hasText = o.text !== undefined;
      const hasB64 = o.base64 !== undefined;
      if (hasText === hasB64) {
        throw new CaptureFormatError(
          line,
          'text',
          hasText
            ? 'expected exactly one of text and base64, found both'
            : 'expected exactly one of text (a text frame) and base64 (a binary frame), found neither',
        );
      }
      if (hasText) {
        const text = requireString(o, 'text', line);
        return withExtra({ seq, t, type, conn, dir, text });
      }
      const base64 = requireString(o, 'base64', line);
      if (base64.length % 4 !== 0 || !BASE64.test(base64)) {
        throw expected(line, 'base64', 'base64-encoded bytes', base64);
      }
      return withExtra({ seq, t, type, conn, dir, base64 });
    }
    case 'ws.close': {
      const conn = requireString(o, 'conn', line);
      const code = o.code;
      if (code !== undefined && (typeof code !== 'number' || !Number.isInteger(code))) {
        throw expected(line, 'code', 'an integer close code or no field', code);
      }
      const reason = optionalString(o, 'reason', line);
      return withExtra({
        seq,
        t,
        type,
        conn,
        ...(code === undefined ? {} : { code }),
        ...(reason === undefined ? {} : { reason }),
      });
    }
    case 'ws.error': {
      const conn = requireString(o, 'conn', line);
      const message = requireString(o, 'message', line);
      return withExtra({ seq, t, type, conn, message });
    }
    case 'pc': {
      const pc = requireString(o, 'pc', line);
      const event = requireString(o, 'event', line);
      const conn = optionalString(o, 'conn', line);
      return withExtra({
        seq,
        t,
        type,
        pc,
        event,
        ...('value' in o ? { value: o.value } : {}),
        ...(conn === undefined ? {} : { conn }),
      });
    }
    case 'note': {
      const text = requireString(o, 'text', line);
      const conn = optionalString(o, 'conn', line);
      return withExtra({ seq, t, type, text, ...(conn === undefined ? {} : { conn }) });
    }
    default: {
      const conn = optionalString(o, 'conn', line);
      return withExtra({
        seq,
        t,
        type: 'unknown' as const,
        originalType: type,
        ...(conn === undefined ? {} : { conn }),
      });
    }
  }
}

/** Checks the header line. Throws CaptureFormatError. */
export function parseHeader(o: unknown): CaptureHeader {
  const line = 1;
  if (!isObject(o)) {
    throw new CaptureFormatError(
      line,
      undefined,
      `expected the capture header object, found ${describeValue(o)}`,
    );
  }
  if (o.format !== CAPTURE_FORMAT) throw expected(line, 'format', `"${CAPTURE_FORMAT}"`, o.format);
  if (o.version !== CAPTURE_VERSION) {
    throw expected(
      line,
      'version',
      `${CAPTURE_VERSION} (this signalscope reads version ${CAPTURE_VERSION}; a newer signalscope may read it)`,
      o.version,
    );
  }
  const created = o.created;
  if (typeof created !== 'string' || Number.isNaN(Date.parse(created))) {
    throw expected(line, 'created', 'an ISO 8601 time string', created);
  }
  const source = o.source;
  if (!isObject(source) || typeof source.kind !== 'string') {
    throw expected(line, 'source', 'an object with a string "kind"', source);
  }
  const redacted = o.redacted;
  if (redacted !== undefined && typeof redacted !== 'boolean') {
    throw expected(line, 'redacted', 'true, false or no field', redacted);
  }
  const extra = extraOf(o, ['format', 'version', 'created', 'source', 'redacted']);
  return {
    format: CAPTURE_FORMAT,
    version: CAPTURE_VERSION,
    created,
    source: source as CaptureSource,
    ...(redacted === undefined ? {} : { redacted }),
    ...(extra ? { extra } : {}),
  };
}

export interface ReadResult {
  header: CaptureHeader | undefined;
  log: SessionLog;
  /** Every problem found; the lines with problems are not in the log. */
  errors: CaptureFormatError[];
  /** Lines read, including the header. */
  lines: number;
  /** True when any line could not be read: the log holds only the lines that could. */
  partial: boolean;
}

export interface ReaderOptions {
  /** Where to put the events (default: a new log). */
  log?: SessionLog;
  /** Stop collecting errors after this many (default 100); later bad lines still count. */
  maxErrors?: number;
}

/**
 * A streaming reader of capture text: push chunks as they arrive, then `end()`.
 * Nothing is dropped silently: every line that cannot be read becomes an error naming
 * its line and field, and a cut-off last line is reported as truncated.
 *
 * @example
 * const reader = new CaptureReader();
 * for await (const chunk of stream) reader.push(chunk);
 * const { header, log, errors } = reader.end();
 */
export class CaptureReader {
  private readonly log: SessionLog;
  private readonly maxErrors: number;
  private readonly errors: CaptureFormatError[] = [];
  private headerRead: CaptureHeader | undefined;
  private rest = '';
  private lineNo = 0;
  private previousSeq = -1;
  private errorCount = 0;
  private emptyLinePending = 0;

  constructor(options: ReaderOptions = {}) {
    this.log = options.log ?? new SessionLog();
    this.maxErrors = options.maxErrors ?? 100;
  }

  push(chunk: string): void {
    let start = 0;
    let text = chunk;
    if (this.rest !== '') {
      text = this.rest + chunk;
      this.rest = '';
    }
    for (;;) {
      const nl = text.indexOf('\n', start);
      if (nl === -1) break;
      let end = nl;
      if (end > start && text.charCodeAt(end - 1) === 13) end--;
      this.line(text.slice(start, end), false);
      start = nl + 1;
    }
    this.rest = start === 0 ? text : text.slice(start);
  }

  end(): ReadResult {
    if (this.rest !== '') {
      const last = this.rest.endsWith('\r') ? this.rest.slice(0, -1) : this.rest;
      this.rest = '';
      this.line(last, true);
    }
    // Empty lines only count as errors when something followed them.
    if (this.lineNo === 0) {
      this.report(
        new CaptureFormatError(1, undefined, 'the file is empty: expected the capture header line'),
      );
    }
    return {
      header: this.headerRead,
      log: this.log,
      errors: this.errors,
      lines: this.lineNo,
      partial: this.errorCount > 0,
    };
  }

  /** The header, once its line was read. */
  header(): CaptureHeader | undefined {
    return this.headerRead;
  }

  /** How many errors so far (also past maxErrors). */
  get problems(): number {
    return this.errorCount;
  }

  private report(error: CaptureFormatError): void {
    this.errorCount++;
    if (this.errors.length < this.maxErrors) this.errors.push(error);
  }

  private line(text: string, last: boolean): void {
    this.lineNo++;
    const n = this.lineNo;
    if (text === '') {
      this.emptyLinePending++;
      return;
    }
    if (this.emptyLinePending > 0) {
      for (let k = this.emptyLinePending; k > 0; k--) {
        this.report(
          new CaptureFormatError(n - k, undefined, 'empty line: expected one JSON object per line'),
        );
      }
      this.emptyLinePending = 0;
    }
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (error) {
      const why = error instanceof Error ? error.message : String(error);
      this.report(
        new CaptureFormatError(
          n,
          undefined,
          last
            ? `truncated: the last line has no newline and is not complete JSON (${why})`
            : `not JSON (${why})`,
        ),
      );
      return;
    }
    try {
      if (n === 1) {
        this.headerRead = parseHeader(value);
        return;
      }
      const event = parseEvent(value, n, this.previousSeq);
      this.previousSeq = event.seq;
      this.log.appendWithSeq(event);
    } catch (error) {
      if (error instanceof CaptureFormatError) this.report(error);
      else throw error;
    }
  }
}

/**
 * Reads a whole capture held in a string.
 *
 * @example
 * const { log, errors } = readCaptureText(text);
 */
export function readCaptureText(text: string, options?: ReaderOptions): ReadResult {
  const reader = new CaptureReader(options);
  reader.push(text);
  return reader.end();
}

/** Reads a capture, throwing the first CaptureFormatError if the file has any problem. */
export function readCaptureStrict(text: string): { header: CaptureHeader; log: SessionLog } {
  const result = readCaptureText(text, { maxErrors: 1 });
  const first = result.errors[0];
  if (first) throw first;
  if (!result.header) throw new CaptureFormatError(1, undefined, 'no header line');
  return { header: result.header, log: result.log };
}

function put(out: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(out, key, { value, enumerable: true, writable: true, configurable: true });
}

/** One event as its capture line (without the newline). */
export function eventToLine(event: SessionEvent): string {
  const type = event.type === 'unknown' ? event.originalType : event.type;
  const out: Record<string, unknown> = { seq: event.seq, t: event.t, type };
  const fields = event.type === 'unknown' ? ['conn'] : (FIELDS[event.type] ?? ['conn']);
  const record = event as unknown as Obj;
  for (const f of fields) if (record[f] !== undefined) put(out, f, record[f]);
  if (event.extra) for (const [k, v] of Object.entries(event.extra)) put(out, k, v);
  // A pc value or an unknown field may nest deeper than JSON.stringify's recursion goes.
  return stringifyJson(out) ?? '{}';
}

export function headerToLine(header: CaptureHeader): string {
  const out: Record<string, unknown> = {
    format: header.format,
    version: header.version,
    created: header.created,
    source: header.source,
  };
  if (header.redacted !== undefined) out.redacted = header.redacted;
  if (header.extra) for (const [k, v] of Object.entries(header.extra)) put(out, k, v);
  return stringifyJson(out) ?? '{}';
}

/**
 * The capture as lines (each ending with `\n`), header first. A generator, so a million
 * events can be written in chunks.
 */
export function* captureLines(
  header: CaptureHeader,
  events: Iterable<SessionEvent>,
): Generator<string> {
  yield headerToLine(header) + '\n';
  for (const e of events) yield eventToLine(e) + '\n';
}

/** The whole capture as one string. */
export function writeCapture(header: CaptureHeader, events: Iterable<SessionEvent>): string {
  let s = '';
  for (const line of captureLines(header, events)) s += line;
  return s;
}

export function newHeader(source: CaptureSource, created = new Date()): CaptureHeader {
  return {
    format: CAPTURE_FORMAT,
    version: CAPTURE_VERSION,
    created: created.toISOString(),
    source,
  };
}

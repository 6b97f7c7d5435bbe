/**
 * What the importers (HAR, webrtc-internals dumps) share: the imported session they return,
 * the problems they report, and a helper that finds the line of a JSON path in the file's
 * text so that a problem can name its line as well as its entry.
 *
 * An importer refuses a file it cannot read at all ({@link ImportRefusedError}) and drops
 * single entries it cannot read, each as an {@link ImportProblem}; a session with problems is
 * partial. Things that are read but uncertain (a time that could not be parsed, a time zone
 * that had to be assumed) are `warnings`: the session is complete, the warning says how far
 * to trust it.
 */
import { CaptureFormatError, type CaptureHeader } from './capture.ts';
import type { EventInput, SessionEvent } from './events.ts';

/** One entry an importer could not read and dropped; the rest of the file was read. */
export interface ImportProblem {
  /** Where, in words a person finds in the file: `HAR entry 3 (_webSocketMessages[7])`. */
  readonly where: string;
  /** The JSON field at fault, when there is one. */
  readonly field?: string;
  /** The whole sentence: `HAR entry 3 (_webSocketMessages[7]): "opcode" must be a number, found "1"`. */
  readonly message: string;
  /** The JSON path of the entry (or field), for locating its line. */
  readonly path: readonly (string | number)[];
  /** 1-based line of that path in the file, when the text was at hand. */
  readonly line?: number;
}

/** One WebRTC stats series of a webrtc-internals dump: `values[k]` sampled about once a second. */
export interface StatsSeries {
  /** The peer connection (the dump's key, or its renamed id after a merge). */
  readonly pc: string;
  /** The RTCStats id (`RTCOutboundRTPVideoStream_1234`, `Conn-0-1-0`, …). */
  readonly id: string;
  /** The stats field (`bytesSent`, `[bytesSent_in_bits/s]`, …). */
  readonly field: string;
  readonly statsType: string | undefined;
  /** Epoch ms of the first and last value, when the dump says. */
  readonly startMs: number | undefined;
  readonly endMs: number | undefined;
  readonly values: readonly unknown[];
}

/** What an importer found besides events, kept for views that come later (stats graphs). */
export interface ImportExtras {
  /** webrtc-internals stats series, per peer connection. */
  readonly stats?: readonly StatsSeries[];
  /** The pages the events came from (HAR pages, dump `url`s). */
  readonly pageUrls?: readonly string[];
  /** Per part of a merge: its kind, name, and how many events it gave. */
  readonly parts?: readonly ImportPart[];
  /** Things a merge noticed, in plain words (a HAR page that is the dump's page, …). */
  readonly matches?: readonly string[];
}

export interface ImportPart {
  readonly kind: string;
  readonly name: string;
  readonly events: number;
}

/** A session read from a file: a capture header and events with `seq` 0…n-1 and `t` ≥ 0. */
export interface ImportedSession {
  readonly name: string;
  /** `created` is the wall-clock time of t = 0 (see `clock`). */
  readonly header: CaptureHeader;
  /** In log order: `t` never decreases. */
  readonly events: readonly SessionEvent[];
  /** Entries dropped, each named; a session with any is partial. */
  readonly problems: readonly ImportProblem[];
  /** Things read with less than full certainty, in plain words. */
  readonly warnings: readonly string[];
  /**
   * `absolute`: `created` + `t` is wall-clock time, so the session can be merged with others.
   * `relative`: only the order and the gaps are known (a dump whose times did not parse).
   */
  readonly clock: 'absolute' | 'relative';
  readonly extras: ImportExtras;
}

/** The file cannot be imported at all (not JSON, not the shape of its format). */
export class ImportRefusedError extends Error {
  override readonly name = 'ImportRefusedError';
}

export type JsonPath = readonly (string | number)[];

/** `log.entries[3]._webSocketMessages[7]` */
export function pathText(path: JsonPath): string {
  let s = '';
  for (const p of path) {
    if (typeof p === 'number') s += `[${p}]`;
    else if (/^[A-Za-z_$][\w$]*$/.test(p)) s += s === '' ? p : `.${p}`;
    else s += `[${JSON.stringify(p)}]`;
  }
  return s;
}

/** How many located lines at most: each costs a scan of the text. */
const MAX_LOCATED = 200;

/**
 * The 1-based line where each path's value starts in `text` (undefined when not found), in
 * one scan. Only for problems: it walks the whole text character by character.
 *
 * @example
 * locateLines('{\n "a": [\n  1,\n  2\n ]\n}', [['a', 1]]); // [4]
 */
export function locateLines(text: string, paths: readonly JsonPath[]): (number | undefined)[] {
  const wanted = new Map<string, number[]>();
  let maxDepth = 0;
  paths.slice(0, MAX_LOCATED).forEach((p, k) => {
    const key = JSON.stringify(p);
    const list = wanted.get(key) ?? [];
    list.push(k);
    wanted.set(key, list);
    maxDepth = Math.max(maxDepth, p.length);
  });
  const out: (number | undefined)[] = paths.map(() => undefined);
  if (wanted.size === 0) return out;
  let remaining = wanted.size;

  // Containers on the way down: for an array, the index of the current element; for an
  // object, the key of the current member (undefined until its key is read).
  const stack: { array: boolean; index: number; key: string | undefined }[] = [];
  let line = 1;
  let i = 0;
  const n = text.length;
  let expectKey = false;

  const valueStarts = () => {
    if (stack.length === 0 || stack.length > maxDepth) return;
    const path = stack.map((s) => (s.array ? s.index : (s.key ?? '')));
    const hit = wanted.get(JSON.stringify(path));
    if (hit) {
      for (const k of hit) out[k] = line;
      wanted.delete(JSON.stringify(path));
      remaining--;
    }
  };

  while (i < n && remaining > 0) {
    const c = text.charCodeAt(i);
    if (c === 10) {
      line++;
      i++;
      continue;
    }
    if (c === 32 || c === 9 || c === 13 || c === 58 /* : */) {
      i++;
      continue;
    }
    const top = stack[stack.length - 1];
    if (c === 44 /* , */) {
      if (top) {
        if (top.array) top.index++;
        else {
          top.key = undefined;
          expectKey = true;
        }
      }
      i++;
      continue;
    }
    if (c === 93 /* ] */ || c === 125 /* } */) {
      stack.pop();
      expectKey = false;
      i++;
      continue;
    }
    if (c === 34 /* " */) {
      let j = i + 1;
      while (j < n) {
        const d = text.charCodeAt(j);
        if (d === 92) j += 2;
        else if (d === 34) break;
        else j++;
      }
      if (expectKey && top && !top.array) {
        try {
          top.key = JSON.parse(text.slice(i, j + 1)) as string;
        } catch {
          top.key = text.slice(i + 1, j);
        }
        expectKey = false;
      } else {
        valueStarts();
      }
      i = j + 1;
      continue;
    }
    if (c === 123 /* { */ || c === 91 /* [ */) {
      valueStarts();
      const array = c === 91;
      stack.push({ array, index: 0, key: undefined });
      expectKey = !array;
      i++;
      if (array) {
        // An empty array has no element 0.
        let j = i;
        while (j < n && /\s/.test(text[j] ?? '')) j++;
        if (text[j] === ']') {
          for (let k = i; k < j; k++) if (text.charCodeAt(k) === 10) line++;
          stack.pop();
          i = j + 1;
        }
      }
      continue;
    }
    // A number, true, false or null.
    valueStarts();
    while (i < n && !/[\s,\]}]/.test(text[i] ?? '')) i++;
  }
  return out;
}

/** Gives each problem its line in `text` (when the text is at hand). */
export function withLines(
  problems: readonly ImportProblem[],
  text: string | undefined,
): ImportProblem[] {
  if (text === undefined || problems.length === 0) return [...problems];
  const lines = locateLines(
    text,
    problems.map((p) => p.path),
  );
  // A missing field has no line: name the line of the entry that lacks it.
  const missing = problems.flatMap((p, k) =>
    lines[k] === undefined && p.path.length > 1 ? [k] : [],
  );
  if (missing.length > 0) {
    const parents = locateLines(
      text,
      missing.map((k) => problems[k]?.path.slice(0, -1) ?? []),
    );
    missing.forEach((k, j) => {
      lines[k] = parents[j];
    });
  }
  return problems.map((p, k) => {
    const line = lines[k];
    return line === undefined ? p : { ...p, line };
  });
}

/** Short description of a found value for messages: `"1"`, `null`, `an object`. */
export function found(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return 'an object';
  const s = JSON.stringify(value);
  return s.length > 40 ? `${s.slice(0, 37)}…` : s;
}

export type Obj = Record<string, unknown>;

export function isObject(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function lineCount(text: string): number {
  let n = 1;
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) n++;
  return n;
}

/** Parses the text of an import, refusing with a sentence that names the format and the line. */
export function parseJson(input: unknown, what: string): unknown {
  if (typeof input !== 'string') return input;
  const text = input.replace(/^\uFEFF/, '');
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    const why = error instanceof Error ? error.message : String(error);
    // V8 names the line of most syntax errors, not of an end that comes too soon.
    const where = /\bline \d+/.test(why) ? '' : `; the file ends at line ${lineCount(text)}`;
    const cut = /end of (JSON )?input|unterminated/i.test(why) ? ': it looks cut short' : '';
    throw new ImportRefusedError(`this ${what} is not valid JSON (${why}${where})${cut}`);
  }
}

/** An event read with its wall-clock time (epoch ms) and the order it was read in. */
export interface Timed {
  readonly abs: number;
  readonly order: number;
  readonly event: EventInput;
}

/**
 * Sorts timed events (by time, then by the order they were read), puts t = 0 at the whole
 * millisecond of the earliest, and numbers them.
 */
export function finishTimed(timed: readonly Timed[]): { created: number; events: SessionEvent[] } {
  const sorted = [...timed].sort((a, b) => a.abs - b.abs || a.order - b.order);
  const first = sorted[0];
  const created = first === undefined ? 0 : Math.floor(first.abs);
  const events = sorted.map((x, seq) => ({
    ...x.event,
    seq,
    t: Math.round((x.abs - created) * 1000) / 1000,
  }));
  return { created, events };
}

/**
 * The first `max` problems as CaptureFormatErrors (line and field named), as a capture's own
 * problems are reported. A line that could not be located reads as line 1.
 */
export function problemErrors(
  problems: readonly ImportProblem[],
  max = Number.POSITIVE_INFINITY,
): CaptureFormatError[] {
  return problems.slice(0, max).map((p) => {
    const line = p.line ?? 1;
    // A capture's own problem already says "line N, field F: " (after its file's name).
    const own = `line ${line}${p.field === undefined ? '' : `, field ${p.field}`}: `;
    return new CaptureFormatError(line, p.field, p.message.replace(own, ''));
  });
}

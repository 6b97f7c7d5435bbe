/**
 * Every-byte damage to small files of each format the app opens (issue 8 part 2): a
 * signalscope capture, a Chrome HAR and a webrtc-internals dump are cut after every byte and
 * have every byte replaced (a bit flip, 0xFF which is not UTF-8, a quote or a newline, in
 * turn), and each damaged file is opened as the app opens a picked file
 * (`readCaptureFile`, src/sources/captureFile.ts). Each must give either
 * - a refusal with a clear message (for a file that is no longer JSON: the line), or
 * - a result whose problems each name their line (the app then shows it as partial), or
 * - a correct result: for a capture, the events read are exactly the original's (a cut at a
 *   line end is a shorter capture: the format has no end marker), with at most the damaged
 *   line's event changed; nothing else may go missing without a problem that says so.
 */
import { readFileSync } from 'node:fs';
import { CaptureFormatError } from '../src/session/capture.ts';
import type { SessionEvent } from '../src/session/events.ts';
import { stringifyJson } from '../src/session/json.ts';
import {
  CaptureRefusedError,
  readCaptureFile,
  type LoadedCapture,
} from '../src/sources/captureFile.ts';

export interface FileCase {
  readonly name: string;
  readonly path: string;
  readonly format: 'capture' | 'har' | 'webrtc-internals';
}

/** The small files damaged at every byte: one or two of each format. */
export const FILE_CASES: readonly FileCase[] = [
  {
    name: 'two-party-full.sscap.jsonl',
    path: 'fixtures/two-party-full.sscap.jsonl',
    format: 'capture',
  },
  {
    name: 'observer-join.sscap.jsonl',
    path: 'fixtures/observer-join.sscap.jsonl',
    format: 'capture',
  },
  { name: 'sockets.har', path: 'fixtures/imports/sockets.har', format: 'har' },
  {
    name: 'old-style.webrtc_internals_dump.txt',
    path: 'fixtures/imports/old-style.webrtc_internals_dump.txt',
    format: 'webrtc-internals',
  },
];

export type Outcome =
  /** Refused, with a message that names a line (or says the file is empty / not JSON). */
  | 'refused'
  /** Read with problems, each naming its line: shown as partial. */
  | 'partial'
  /** Read without a problem, exactly the original's events (or a prefix of them, for a cut at a line end). */
  | 'exact'
  /** Read without a problem, one value changed by the damaged byte (undetectable without a checksum). */
  | 'changed-value';

export interface Violation {
  readonly file: string;
  readonly damage: string;
  readonly position: number;
  readonly why: string;
}

export interface FileReport {
  readonly file: string;
  readonly bytes: number;
  readonly positions: number;
  readonly outcomes: Record<'cut' | 'corrupt', Record<Outcome, number>>;
  readonly violations: readonly Violation[];
  readonly ms: number;
}

const REPLACEMENTS = [(b: number) => b ^ 0x01, () => 0xff, () => 0x22, () => 0x0a] as const;
const REPLACEMENT_NAMES = ['bit flip', '0xFF', 'quote', 'newline'] as const;

const ROOT = new URL('../', import.meta.url);

function eventKey(e: SessionEvent): string {
  return stringifyJson(e) ?? '';
}

async function open(bytes: Uint8Array, name: string): Promise<LoadedCapture | Error> {
  try {
    return await readCaptureFile(new File([bytes as Uint8Array<ArrayBuffer>], name));
  } catch (error) {
    return error instanceof Error ? error : new Error(String(error));
  }
}

/**
 * Damages one file at every byte and checks each outcome.
 *
 * @example
 * const report = await damageFile(FILE_CASES[0]);
 * report.violations; // []
 */
export async function damageFile(c: FileCase): Promise<FileReport> {
  const start = performance.now();
  const bytes = new Uint8Array(readFileSync(new URL(c.path, ROOT)));
  const original = await open(bytes, c.name);
  if (original instanceof Error || original.problems > 0) {
    throw new Error(
      `${c.path} does not read cleanly: ${String(original instanceof Error ? original.message : original.errors[0]?.message)}`,
    );
  }
  const originalEvents = [...original.log.events()].map(eventKey);
  const bySeq = new Map<number, string>();
  for (const e of original.log.events()) bySeq.set(e.seq, eventKey(e));
  const violations: Violation[] = [];
  const zero = (): Record<Outcome, number> => ({
    refused: 0,
    partial: 0,
    exact: 0,
    'changed-value': 0,
  });
  const outcomes = { cut: zero(), corrupt: zero() };

  const judge = (
    damage: 'cut' | 'corrupt',
    label: string,
    position: number,
    result: LoadedCapture | Error,
    damaged: Uint8Array,
  ): void => {
    const fail = (why: string) => violations.push({ file: c.name, damage: label, position, why });
    if (result instanceof Error) {
      if (!(result instanceof CaptureRefusedError)) {
        fail(`escaped: ${result.name}: ${result.message}`);
        return;
      }
      const m = result.message;
      const clear =
        /\bline \d+/.test(m) ||
        /"[\w.]+" must be/.test(m) ||
        /the file is empty/.test(m) ||
        /not JSON: it starts with/.test(m) ||
        /first line/.test(m);
      if (!clear) fail(`refusal names no line: ${m}`);
      outcomes[damage].refused++;
      return;
    }
    if (result.problems > 0) {
      for (const e of result.errors) {
        if (
          !(e instanceof CaptureFormatError) ||
          !(e.line >= 1) ||
          !e.message.startsWith(`line ${e.line}`)
        ) {
          fail(`a problem names no line: ${e.message}`);
        }
      }
      if (result.errors.length === 0) fail('problems counted but none listed');
    }
    const events = [...result.log.events()];
    if (c.format === 'capture') {
      // Every event read is the original event of that seq, except at most the damaged line's.
      let differing = 0;
      for (const e of events) if (bySeq.get(e.seq) !== eventKey(e)) differing++;
      if (differing > 1) fail(`${differing} events differ from the original`);
      const seqs = new Set(events.map((e) => e.seq));
      let missing = 0;
      for (const seq of bySeq.keys()) if (!seqs.has(seq)) missing++;
      if (damage === 'cut') {
        // The whole lines before the cut are read; a cut inside a line is a problem; a cut at
        // a line end (just before or after its newline) is a shorter, correct capture.
        let newlines = 0;
        for (const byte of damaged) if (byte === 0x0a) newlines++;
        const tailEmpty = damaged.length === 0 || damaged[damaged.length - 1] === 0x0a;
        const tailComplete = !tailEmpty && bytes[position] === 0x0a;
        const expected = tailComplete ? newlines : Math.max(0, newlines - 1);
        const expectProblem = !tailEmpty && !tailComplete;
        if (differing > 0) fail('a cut changed an event');
        if (events.length !== expected) {
          fail(`a cut after byte ${position} read ${events.length} events, expected ${expected}`);
        }
        if (expectProblem !== result.problems > 0) {
          fail(
            expectProblem
              ? 'a cut inside a line was read without a problem'
              : `a clean cut reported ${result.errors[0]?.message ?? ''}`,
          );
        }
      } else if (missing > result.problems + 1) {
        fail(`${missing} events missing but only ${result.problems} problems`);
      }
      // A cut without a problem is a correct prefix (checked above); a corrupted byte may
      // change one value and still be valid.
      const outcome: Outcome =
        result.problems > 0
          ? 'partial'
          : damage === 'corrupt' && (differing > 0 || missing > 0)
            ? 'changed-value'
            : 'exact';
      outcomes[damage][outcome]++;
      return;
    }
    // A HAR or a dump: the import reads or refuses; without a problem, the events are the
    // original's, or one value in them changed.
    const keys = events.map(eventKey);
    let differing = Math.abs(keys.length - originalEvents.length);
    for (let k = 0; k < Math.min(keys.length, originalEvents.length); k++) {
      if (keys[k] !== originalEvents[k]) differing++;
    }
    const outcome: Outcome =
      result.problems > 0 ? 'partial' : differing === 0 ? 'exact' : 'changed-value';
    if (damage === 'cut' && result.problems === 0 && position < bytes.length) {
      // A cut JSON document must never read as a whole one: only trailing whitespace may go.
      const rest = new TextDecoder().decode(bytes.subarray(position));
      if (rest.trim() !== '') fail('a cut HAR / dump was read without a problem');
    }
    outcomes[damage][outcome]++;
  };

  for (let p = 0; p < bytes.length; p++) {
    const cut = bytes.subarray(0, p);
    judge('cut', 'cut', p, await open(cut, c.name), cut);
    const r = p % REPLACEMENTS.length;
    const replace = REPLACEMENTS[r];
    const b = bytes[p] ?? 0;
    const v = replace ? replace(b) : b;
    if (v === b) continue;
    const corrupt = bytes.slice();
    corrupt[p] = v;
    judge('corrupt', REPLACEMENT_NAMES[r] ?? 'replace', p, await open(corrupt, c.name), corrupt);
  }
  return {
    file: c.name,
    bytes: bytes.length,
    positions: bytes.length,
    outcomes,
    violations,
    ms: Math.round(performance.now() - start),
  };
}

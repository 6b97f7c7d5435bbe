/**
 * The recording proxy's tap as a source: connects to `ws://…/__signalscope/tap`, reads the
 * capture it streams (one capture line per text frame: the header, then every event) and
 * appends each event to a session log with its own seq.
 *
 * Lines are checked by the capture format's own parsers (parseHeader, parseEvent), with the
 * CaptureReader's rules: a line that cannot be read becomes a CaptureFormatError naming its
 * line (1-based, as in the file: the header is line 1) and field, kept with its text in
 * `problems` and reported through `onProblem`; it never enters the log, and it is never
 * dropped silently.
 *
 * The tap replays the whole capture on every connection, so after a reconnect the events
 * whose seq the log already has are skipped. A tap that answers with another capture (the
 * proxy was restarted) cannot be merged into the same log: the source stops and says so.
 */
import {
  CaptureFormatError,
  parseEvent,
  parseHeader,
  type CaptureHeader,
} from '../session/capture.ts';
import type { SessionLog } from '../session/SessionLog.ts';

export type TapState =
  /** Opening the socket (attempt 1 is the first connection). */
  | 'connecting'
  /** Receiving the capture. */
  | 'open'
  /** The connection ended; the next attempt starts after `retryInMs`. */
  | 'waiting'
  /** Finished for good: closed by the caller, or `reason` says why. */
  | 'stopped';

export interface TapStatus {
  readonly state: TapState;
  readonly url: string;
  /** Connection attempts so far, counting the one under way. */
  readonly attempt: number;
  /** Events appended to the log by this source. */
  readonly events: number;
  /** Lines that could not be read, in all. */
  readonly problems: number;
  /** The close code of the connection that just ended, if any. */
  readonly code?: number;
  /** Why the connection ended or the source stopped, in plain words. */
  readonly reason?: string;
  /** For `waiting`: when the next attempt starts. */
  readonly retryInMs?: number;
}

/** A line the tap sent that could not be read. */
export interface TapProblem {
  readonly error: CaptureFormatError;
  /** The line as received (binary frames: a description). */
  readonly text: string;
}

export interface TapOptions {
  /** Where the events go (appendWithSeq). */
  readonly log: SessionLog;
  readonly onHeader?: (header: CaptureHeader) => void;
  readonly onStatus?: (status: TapStatus) => void;
  readonly onProblem?: (problem: TapProblem) => void;
  /** Aborting it closes the tap for good. */
  readonly signal?: AbortSignal;
  /** Delay before the first reconnect; doubles up to `maxRetryDelayMs`. Default 500. */
  readonly retryDelayMs?: number;
  /** Default 5000. */
  readonly maxRetryDelayMs?: number;
  /** Give up after this many failed attempts in a row. Default: never. */
  readonly maxAttempts?: number;
  /** Problems kept with their text in `problems()` (all are counted). Default 100. */
  readonly maxProblems?: number;
  /** The WebSocket constructor. Default: globalThis.WebSocket. */
  readonly WebSocket?: TapSocketConstructor;
}

/** The part of the WHATWG WebSocket this source uses. */
export interface TapSocket {
  binaryType: string;
  readonly readyState: number;
  addEventListener(type: string, listener: (event: Event) => void): void;
  close(code?: number, reason?: string): void;
}
export type TapSocketConstructor = new (url: string) => TapSocket;

export interface TapConnection {
  /** Closes the tap for good. */
  close(): void;
  /** The header of the capture being read (after the first line). */
  readonly header: () => CaptureHeader | undefined;
  /** The first `maxProblems` problems. */
  readonly problems: () => readonly TapProblem[];
  /** The last status reported, with the counts as they are now. */
  readonly status: () => TapStatus;
}

function lastSeq(log: SessionLog): number {
  return log.length === 0 ? -1 : log.seq(log.length - 1);
}

function sameCapture(a: CaptureHeader, b: CaptureHeader): boolean {
  return a.created === b.created && JSON.stringify(a.source) === JSON.stringify(b.source);
}

function describeClose(code: number | undefined, reason: string): string {
  if (reason !== '') return `closed by the proxy (${code ?? 'no code'}: ${reason})`;
  if (code === 1006 || code === undefined) return 'the connection to the proxy was lost';
  return `closed (${code})`;
}

/**
 * @example
 * const log = new SessionLog();
 * const tap = connectTap('ws://127.0.0.1:4444/__signalscope/tap', {
 *   log,
 *   onStatus: (s) => console.info(s.state, s.reason),
 * });
 * // … later
 * tap.close();
 */
export function connectTap(url: string, options: TapOptions): TapConnection {
  const { log } = options;
  const Impl =
    options.WebSocket ??
    (globalThis as { WebSocket?: TapSocketConstructor }).WebSocket ??
    undefined;
  const baseDelay = options.retryDelayMs ?? 500;
  const maxDelay = options.maxRetryDelayMs ?? 5000;
  const maxAttempts = options.maxAttempts ?? Number.POSITIVE_INFINITY;
  const maxProblems = options.maxProblems ?? 100;

  const kept: TapProblem[] = [];
  let problemCount = 0;
  let appended = 0;
  let attempt = 0;
  let failures = 0;
  let header: CaptureHeader | undefined;
  let socket: TapSocket | undefined;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let status: TapStatus = { state: 'connecting', url, attempt: 0, events: 0, problems: 0 };

  const setStatus = (next: Omit<TapStatus, 'url' | 'attempt' | 'events' | 'problems'>): void => {
    status = { ...next, url, attempt, events: appended, problems: problemCount };
    options.onStatus?.(status);
  };

  const report = (error: CaptureFormatError, text: string): void => {
    problemCount++;
    const problem = { error, text };
    if (kept.length < maxProblems) kept.push(problem);
    options.onProblem?.(problem);
  };

  const stop = (reason: string | undefined, code?: number): void => {
    if (status.state === 'stopped') return;
    if (timer !== undefined) clearTimeout(timer);
    timer = undefined;
    const s = socket;
    socket = undefined;
    if (s && s.readyState < 2) s.close(1000, 'signalscope tap closed');
    setStatus({
      state: 'stopped',
      ...(reason === undefined ? {} : { reason }),
      ...(code === undefined ? {} : { code }),
    });
  };

  const connect = (): void => {
    if (!Impl) {
      stop('this environment has no WebSocket');
      return;
    }
    attempt++;
    setStatus({ state: 'connecting' });
    let ws: TapSocket;
    try {
      ws = new Impl(url);
    } catch (error) {
      stop(`cannot connect to ${url}: ${error instanceof Error ? error.message : String(error)}`);
      return;
    }
    socket = ws;
    ws.binaryType = 'arraybuffer';
    /** Line number in this connection's stream (the header is 1). */
    let lineNo = 0;
    let previousSeq = -1;
    let ended = false;
    let opened = false;

    const line = (text: string): void => {
      lineNo++;
      if (text === '') {
        report(
          new CaptureFormatError(
            lineNo,
            undefined,
            'empty line: expected one JSON object per line',
          ),
          text,
        );
        return;
      }
      let value: unknown;
      try {
        value = JSON.parse(text);
      } catch (error) {
        const why = error instanceof Error ? error.message : String(error);
        report(new CaptureFormatError(lineNo, undefined, `not JSON (${why})`), text);
        return;
      }
      try {
        if (lineNo === 1) {
          const h = parseHeader(value);
          if (header !== undefined && !sameCapture(header, h)) {
            stop(
              `the proxy now sends another capture (started ${h.created}, this one ${header.created}): it was restarted; open its tap again to see the new session`,
            );
            return;
          }
          if (header === undefined) {
            header = h;
            options.onHeader?.(h);
          }
          return;
        }
        const event = parseEvent(value, lineNo, previousSeq);
        previousSeq = event.seq;
        if (event.seq <= lastSeq(log)) return;
        log.appendWithSeq(event);
        appended++;
      } catch (error) {
        if (error instanceof CaptureFormatError) report(error, text);
        else throw error;
      }
    };

    const end = (code: number | undefined, why: string): void => {
      if (ended) return;
      ended = true;
      if (socket !== ws || status.state === 'stopped') return;
      socket = undefined;
      if (opened && lineNo > 0) failures = 0;
      failures++;
      if (failures >= maxAttempts) {
        stop(`${why}; gave up after ${failures} attempts`, code);
        return;
      }
      const delay = Math.min(maxDelay, baseDelay * 2 ** Math.max(0, failures - 1));
      setStatus({
        state: 'waiting',
        reason: why,
        retryInMs: delay,
        ...(code === undefined ? {} : { code }),
      });
      timer = setTimeout(() => {
        timer = undefined;
        connect();
      }, delay);
    };

    ws.addEventListener('open', () => {
      if (socket !== ws) return;
      opened = true;
      setStatus({ state: 'open' });
    });
    ws.addEventListener('message', (event) => {
      if (socket !== ws) return;
      const data = (event as MessageEvent<unknown>).data;
      if (typeof data !== 'string') {
        lineNo++;
        report(
          new CaptureFormatError(
            lineNo,
            undefined,
            'expected a text frame with one capture line, found a binary frame',
          ),
          '(binary frame)',
        );
        return;
      }
      // One line per frame; a frame with several lines is read line by line all the same.
      const body = data.endsWith('\n') ? data.slice(0, data.endsWith('\r\n') ? -2 : -1) : data;
      if (!body.includes('\n')) {
        line(body);
        return;
      }
      for (const part of body.split('\n')) {
        if (status.state === 'stopped') return;
        line(part.endsWith('\r') ? part.slice(0, -1) : part);
      }
    });
    ws.addEventListener('close', (event) => {
      const e = event as CloseEvent;
      end(e.code, opened ? describeClose(e.code, e.reason) : `cannot connect to the tap at ${url}`);
    });
    // Node 22's WebSocket fires no close after a failed connection (nodejs/undici#3546).
    ws.addEventListener('error', () => {
      if (opened) return;
      setTimeout(() => {
        end(undefined, `cannot connect to the tap at ${url}`);
      }, 0);
    });
  };

  const onAbort = (): void => {
    stop('closed');
  };
  if (options.signal?.aborted) {
    setStatus({ state: 'stopped', reason: 'closed' });
  } else {
    options.signal?.addEventListener('abort', onAbort, { once: true });
    connect();
  }

  return {
    close(): void {
      options.signal?.removeEventListener('abort', onAbort);
      stop('closed');
    },
    header: () => header,
    problems: () => kept,
    status: () => ({ ...status, events: appended, problems: problemCount }),
  };
}

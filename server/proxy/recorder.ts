/**
 * The proxy's capture: one session log for every client connection, written to disk line by
 * line as events happen and kept as lines for the taps.
 *
 * Each line is written with a synchronous write on an open file descriptor before anything
 * else happens, so the file holds every event recorded so far whatever crashes next (the
 * server, the proxy, the machine's power excepted): the header first, then one complete
 * line per event, each ending with `\n`.
 */
import { closeSync, openSync, writeSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import {
  eventToLine,
  headerToLine,
  newHeader,
  type CaptureHeader,
  type CaptureSource,
} from '../../src/session/capture.ts';
import type { EventInput, SessionEvent } from '../../src/session/events.ts';
import { SessionLog } from '../../src/session/SessionLog.ts';

/** Distributive Omit, so that each event type keeps its own fields. */
type WithoutT<E> = E extends unknown ? Omit<E, 't'> : never;
/** An event without `seq` and `t`: the recorder adds both. */
export type RecordInput = WithoutT<EventInput>;

export type LineListener = (line: string, index: number) => void;

export interface RecorderOptions {
  readonly source: CaptureSource;
  /** Where to write the capture; created, never overwritten. Undefined: memory only. */
  readonly path?: string;
  /** The session's start (`t = 0`). Default: now. */
  readonly created?: Date;
}

/**
 * @example
 * const rec = new CaptureRecorder({ source: { kind: 'proxy' }, path: 'out.sscap.jsonl' });
 * rec.record({ type: 'ws.open', conn: 'c1', url: 'wss://h/' });
 * rec.close();
 */
export class CaptureRecorder {
  readonly header: CaptureHeader;
  readonly headerLine: string;
  /** Every event recorded so far, with its seq (0, 1, 2, …). */
  readonly log = new SessionLog();
  readonly path: string | undefined;
  /** Event lines (without `\n`), line k = event with seq k. */
  private readonly eventLines: string[] = [];
  private readonly listeners = new Set<LineListener>();
  private readonly start = performance.now();
  private fd: number | undefined;

  constructor(options: RecorderOptions) {
    this.header = newHeader(options.source, options.created);
    this.headerLine = headerToLine(this.header);
    this.path = options.path;
    if (options.path !== undefined) {
      // 'wx': refuse to overwrite an existing capture.
      this.fd = openSync(options.path, 'wx');
      writeSync(this.fd, this.headerLine + '\n');
    }
  }

  /** Milliseconds since the session started, to the microsecond. */
  now(): number {
    return Math.round((performance.now() - this.start) * 1000) / 1000;
  }

  /** Records one event now: appends it to the log, the file and every tap. Returns it. */
  record(input: RecordInput): SessionEvent {
    const index = this.log.append({ ...input, t: this.now() });
    const event = this.log.get(index);
    const line = eventToLine(event);
    this.eventLines.push(line);
    if (this.fd !== undefined) writeSync(this.fd, line + '\n');
    for (const listener of this.listeners) listener(line, index);
    return event;
  }

  get length(): number {
    return this.eventLines.length;
  }

  /** The event line at `index` (no `\n`). */
  line(index: number): string | undefined {
    return this.eventLines[index];
  }

  /** The whole capture as text, as the file has it. */
  text(): string {
    let s = this.headerLine + '\n';
    for (const line of this.eventLines) s += line + '\n';
    return s;
  }

  /** Called after each new event line; returns an unsubscribe function. */
  subscribe(listener: LineListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Closes the file. Later events are still kept in memory. */
  close(): void {
    if (this.fd === undefined) return;
    closeSync(this.fd);
    this.fd = undefined;
  }
}

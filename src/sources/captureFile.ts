/**
 * Capture I/O: reads a capture from a File or a URL into a session log, streaming. Bytes
 * are decoded chunk by chunk and pushed into the CaptureReader, so a 100 MB file never has
 * to exist as one string. The file's content, not its name, decides what it is: a Chrome
 * HAR or a webrtc-internals dump is read whole and imported (src/session/har.ts,
 * webrtcInternals.ts); anything else that is not a signalscope capture is refused before it
 * is parsed. Several files (`readCaptureFiles`) are merged onto one clock
 * (src/session/merge.ts).
 */
import { CaptureFormatError, CaptureReader, type CaptureHeader } from '../session/capture.ts';
import { importText, isImportFormat, sniffFormat, type FileFormat } from '../session/formats.ts';
import {
  ImportRefusedError,
  problemErrors,
  type ImportExtras,
  type ImportedSession,
} from '../session/formatsImport.ts';
import { mergeSessions, sessionFromCapture, type Renamed } from '../session/merge.ts';
import { SessionLog } from '../session/SessionLog.ts';

/** How much decoded text to look at before deciding what kind of file this is. */
const SNIFF_CHARS = 4096;
/** Chunk size when a Blob has no `stream()` (jsdom, old engines). */
const SLICE_BYTES = 1 << 20;
/** Progress is reported at most once per this many bytes (and at the end). */
const PROGRESS_STEP = 256 * 1024;

export interface LoadProgress {
  readonly bytesRead: number;
  /** From the file's size or the response's Content-Length; undefined when unknown. */
  readonly totalBytes: number | undefined;
}

export interface LoadOptions {
  readonly onProgress?: (progress: LoadProgress) => void;
  readonly signal?: AbortSignal;
  /** Errors kept with their text (the reader still counts the rest). Default 100. */
  readonly maxErrors?: number;
  /** The file's name, for the header of an imported HAR or dump. */
  readonly name?: string;
  /**
   * Called once a signalscope capture's first chunk is in: the log it fills as the rest is
   * read (and its header, once read), so a view can show the first events at once. Whether
   * the file is broken is only known when the read ends.
   */
  readonly onReading?: (reading: Reading) => void;
}

/** A capture still being read (`LoadOptions.onReading`). */
export interface Reading {
  readonly log: SessionLog;
  readonly header: () => CaptureHeader | undefined;
}

/** While reading for `onReading`, the reader yields to the page every this many characters. */
const YIELD_CHARS = 2 << 20;

/** A capture as read: the events that could be read, and every problem found. */
export interface LoadedCapture {
  /** The file name, or the URL's last path segment. */
  readonly name: string;
  /** Where it came from: a picked or dropped file, or a URL. */
  readonly origin: { readonly kind: 'file' } | { readonly kind: 'url'; readonly url: string };
  readonly header: CaptureHeader | undefined;
  readonly log: SessionLog;
  /** The first `maxErrors` problems, each naming its line and field. */
  readonly errors: readonly CaptureFormatError[];
  /** How many problems there were in all (may exceed `errors.length`). */
  readonly problems: number;
  /** Lines read, header included. */
  readonly lines: number;
  readonly bytes: number;
  /** Set when the events were imported (a HAR, a dump) or merged from several files. */
  readonly imported?: ImportedInfo;
}

/** What an import found besides the events: stats series, warnings, page matches. */
export interface ImportedInfo {
  /** `har`, `webrtc-internals`, or `merged` for several files. */
  readonly format: 'har' | 'webrtc-internals' | 'merged';
  /** Read with less than full certainty (assumed time zones, unreadable times), in words. */
  readonly warnings: readonly string[];
  /** webrtc-internals stats series, per peer connection (for a stats view). */
  readonly stats: NonNullable<ImportExtras['stats']>;
  /** Pages the events came from. */
  readonly pageUrls: readonly string[];
  /** For a merge: a HAR page that is a dump's page, … */
  readonly matches: readonly string[];
  /** For a merge: conn and pc ids renamed because two files used them. */
  readonly renamed: readonly Renamed[];
}

/** The file is not a signalscope capture (a HAR, a webrtc-internals dump, something else). */
export class CaptureRefusedError extends Error {
  override readonly name = 'CaptureRefusedError';
  readonly format: FileFormat;

  constructor(format: FileFormat, message: string) {
    super(message);
    this.format = format;
  }
}

/** The capture could not be fetched or read at all (network, HTTP status, I/O). */
export class CaptureLoadError extends Error {
  override readonly name = 'CaptureLoadError';
}

/**
 * What to tell a person whose file could not be opened: not a format signalscope reads, or a
 * HAR / dump that could not be imported (`detail` says why).
 */
export function refusalMessage(format: FileFormat, detail: string): string {
  switch (format) {
    case 'har':
      return `This HTTP Archive (HAR) file cannot be imported: ${detail}. Save it from Chrome's Network panel ("Save all as HAR with content") while the WebSocket connection is listed.`;
    case 'webrtc-internals':
      return `This chrome://webrtc-internals dump cannot be imported: ${detail}. Download it from chrome://webrtc-internals ("Create a WebRTC-Internals dump").`;
    case 'unknown':
    case 'signalscope-capture':
      return `This is not a signalscope capture: ${detail}. A capture is a JSON Lines file whose first line has "format":"signalscope-capture".`;
  }
}

type Read = Omit<LoadedCapture, 'name' | 'origin' | 'bytes'>;

/** How many text lines a whole file has (for `lines` of an import). */
function lineCount(text: string): number {
  let n = text === '' || text.endsWith('\n') ? 0 : 1;
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) n++;
  return n;
}

/** An imported or merged session as a loaded capture: its events in a log, problems as errors. */
function fromSession(
  session: ImportedSession,
  format: ImportedInfo['format'],
  lines: number,
  options: LoadOptions,
  renamed: readonly Renamed[] = [],
): Read {
  const log = new SessionLog();
  for (const e of session.events) log.appendWithSeq(e);
  const errors = problemErrors(session.problems, options.maxErrors ?? 100);
  return {
    header: session.header,
    log,
    errors,
    problems: session.problems.length,
    lines,
    imported: {
      format,
      warnings: session.warnings,
      stats: session.extras.stats ?? [],
      pageUrls: session.extras.pageUrls ?? [],
      matches: session.extras.matches ?? [],
      renamed,
    },
  };
}

/**
 * Reads decoded text chunks: sniffs the format on the first few kilobytes, then feeds the
 * reader, or (a HAR, a dump) collects the whole text and imports it. Throws
 * CaptureRefusedError for files it cannot read. `session` is the import (for merging).
 */
async function readTextChunks(
  chunks: AsyncIterable<string>,
  options: LoadOptions,
  name: string,
): Promise<{ read: Read; session: ImportedSession | undefined }> {
  const log = new SessionLog();
  const reader = new CaptureReader({
    log,
    ...(options.maxErrors === undefined ? {} : { maxErrors: options.maxErrors }),
  });
  let sinceYield = 0;
  /** Pushes to the reader; when someone watches the log, lets the page paint now and then. */
  const push = async (text: string) => {
    reader.push(text);
    if (!options.onReading) return;
    sinceYield += text.length;
    if (sinceYield >= YIELD_CHARS) {
      sinceYield = 0;
      await new Promise((resolve) => setTimeout(resolve, 0));
    }
  };
  let head = '';
  let sniffed: FileFormat | undefined;
  const whole: string[] = [];
  const sniff = (): FileFormat => {
    const { format, detail } = sniffFormat(head);
    if (format === 'signalscope-capture') {
      reader.push(head);
      options.onReading?.({ log, header: () => reader.header() });
    } else if (isImportFormat(format)) whole.push(head);
    else throw new CaptureRefusedError(format, refusalMessage(format, detail));
    head = '';
    return format;
  };
  for await (const chunk of chunks) {
    options.signal?.throwIfAborted();
    if (sniffed === 'signalscope-capture') await push(chunk);
    else if (sniffed !== undefined) whole.push(chunk);
    else {
      head += chunk;
      if (head.length >= SNIFF_CHARS) sniffed = sniff();
    }
  }
  sniffed ??= sniff();
  if (isImportFormat(sniffed)) {
    const text = whole.join('');
    let session: ImportedSession;
    try {
      session = importText(text, sniffed, name);
    } catch (error) {
      if (error instanceof ImportRefusedError) {
        throw new CaptureRefusedError(sniffed, refusalMessage(sniffed, error.message));
      }
      throw error;
    }
    if (session.events.length === 0 && session.problems.length === 0) {
      throw new CaptureRefusedError(
        sniffed,
        refusalMessage(sniffed, session.warnings[0] ?? 'it holds no event'),
      );
    }
    return { read: fromSession(session, sniffed, lineCount(text), options), session };
  }
  const result = reader.end();
  return {
    read: {
      header: result.header,
      log: result.log,
      errors: result.errors,
      problems: reader.problems,
      lines: result.lines,
    },
    session: undefined,
  };
}

function progressReporter(totalBytes: number | undefined, options: LoadOptions) {
  let bytesRead = 0;
  let reported = 0;
  return {
    add(n: number) {
      bytesRead += n;
      if (options.onProgress && bytesRead - reported >= PROGRESS_STEP) {
        reported = bytesRead;
        options.onProgress({ bytesRead, totalBytes });
      }
    },
    finish(): number {
      if (options.onProgress && reported !== bytesRead) {
        options.onProgress({ bytesRead, totalBytes });
      }
      return bytesRead;
    },
  };
}

/** Yields decoded text from a byte stream, counting bytes as they pass. */
async function* decodeStream(
  bytes: ReadableStream<Uint8Array>,
  count: (n: number) => void,
  signal: AbortSignal | undefined,
): AsyncGenerator<string> {
  const counter = new TransformStream<Uint8Array, Uint8Array>({
    transform(chunk, controller) {
      count(chunk.byteLength);
      controller.enqueue(chunk);
    },
  });
  // lib.dom types the decoder's writable side as BufferSource, wider than the bytes we pipe.
  const decoder = new TextDecoderStream() as ReadableWritablePair<string, Uint8Array>;
  const text = bytes.pipeThrough(counter).pipeThrough(decoder);
  const reader = text.getReader();
  try {
    for (;;) {
      signal?.throwIfAborted();
      const { done, value } = await reader.read();
      if (done) return;
      yield value;
    }
  } finally {
    // Stops reading a refused or aborted file instead of draining it.
    await reader.cancel().catch(() => undefined);
    reader.releaseLock();
  }
}

/** Yields decoded text from a Blob without `stream()`, one slice at a time. */
async function* decodeSlices(blob: Blob, count: (n: number) => void): AsyncGenerator<string> {
  const decoder = new TextDecoder();
  for (let start = 0; start < blob.size; start += SLICE_BYTES) {
    const buffer = await blob.slice(start, start + SLICE_BYTES).arrayBuffer();
    count(buffer.byteLength);
    yield decoder.decode(buffer, { stream: true });
  }
  const rest = decoder.decode();
  if (rest !== '') yield rest;
}

/** Reads a byte stream: the loaded capture, and the imported session when it was a HAR / dump. */
async function readStream(
  bytes: ReadableStream<Uint8Array>,
  totalBytes: number | undefined,
  options: LoadOptions,
): Promise<{ read: Omit<LoadedCapture, 'name' | 'origin'>; session: ImportedSession | undefined }> {
  const progress = progressReporter(totalBytes, options);
  const { read, session } = await readTextChunks(
    decodeStream(
      bytes,
      (n) => {
        progress.add(n);
      },
      options.signal,
    ),
    options,
    options.name ?? 'capture',
  );
  return { read: { ...read, bytes: progress.finish() }, session };
}

/**
 * Reads a capture from a byte stream (the body of a file or a response).
 *
 * @example
 * const capture = await readCaptureStream(response.body, undefined, { name: 'demo.sscap.jsonl' });
 */
export async function readCaptureStream(
  bytes: ReadableStream<Uint8Array>,
  totalBytes: number | undefined,
  options: LoadOptions = {},
): Promise<Omit<LoadedCapture, 'name' | 'origin'>> {
  return (await readStream(bytes, totalBytes, options)).read;
}

async function readFile(
  file: File,
  options: LoadOptions,
): Promise<{ read: LoadedCapture; session: ImportedSession | undefined }> {
  const origin = { kind: 'file' } as const;
  const named = { ...options, name: options.name ?? file.name };
  // jsdom's Blob has no stream(); slices keep the same chunk-by-chunk reading there.
  if (typeof (file as Partial<Blob>).stream === 'function') {
    const { read, session } = await readStream(file.stream(), file.size, named);
    return { read: { ...read, name: file.name, origin }, session };
  }
  const progress = progressReporter(file.size, options);
  const { read, session } = await readTextChunks(
    decodeSlices(file, (n) => {
      progress.add(n);
    }),
    options,
    named.name,
  );
  return { read: { ...read, bytes: progress.finish(), name: file.name, origin }, session };
}

/**
 * Reads a capture the user picked or dropped: a signalscope capture, a HAR or a dump.
 *
 * @example
 * input.onchange = async () => {
 *   const capture = await readCaptureFile(input.files[0], { onProgress: showProgress });
 *   if (capture.problems > 0) showErrors(capture.errors);
 * };
 */
export async function readCaptureFile(
  file: File,
  options: LoadOptions = {},
): Promise<LoadedCapture> {
  return (await readFile(file, options)).read;
}

/**
 * Reads several files, each by its content, and merges them onto one clock (a HAR's
 * signaling with a dump's peer connections, two captures, …). One file is read as by
 * `readCaptureFile`. A file that cannot be read refuses the whole set, naming the file.
 *
 * @example
 * const capture = await readCaptureFiles([...input.files]);
 * capture.imported?.matches; // ['room.har: the page https://… is the page of peer connection 1-1 of dump.txt']
 */
export async function readCaptureFiles(
  files: readonly File[],
  options: LoadOptions = {},
): Promise<LoadedCapture> {
  const [only] = files;
  if (only === undefined) throw new CaptureLoadError('no file to open');
  if (files.length === 1) return readCaptureFile(only, options);
  const total = files.reduce((n, f) => n + f.size, 0);
  let done = 0;
  const sessions: ImportedSession[] = [];
  let lines = 0;
  for (const file of files) {
    const onProgress = options.onProgress;
    // Merged files show when they are all read (each one's log is not the session's).
    const { onReading: _whole, ...rest } = options;
    const perFile: LoadOptions = {
      ...rest,
      name: file.name,
      // Every problem of every file counts: the merge keeps the first maxErrors of them all.
      maxErrors: Number.POSITIVE_INFINITY,
      ...(onProgress
        ? {
            onProgress: (p: LoadProgress) => {
              onProgress({ bytesRead: done + p.bytesRead, totalBytes: total });
            },
          }
        : {}),
    };
    let loaded: { read: LoadedCapture; session: ImportedSession | undefined };
    try {
      loaded = await readFile(file, perFile);
    } catch (error) {
      if (error instanceof CaptureRefusedError) {
        throw new CaptureRefusedError(error.format, `${file.name}: ${error.message}`);
      }
      throw error;
    }
    done += file.size;
    lines += loaded.read.lines;
    sessions.push(
      loaded.session ??
        sessionFromCapture(
          file.name,
          loaded.read.header,
          loaded.read.log.events(),
          loaded.read.errors,
        ),
    );
  }
  const merged = mergeSessions(sessions);
  const read = fromSession(merged, 'merged', lines, options, merged.renamed);
  return {
    ...read,
    name: merged.name,
    origin: { kind: 'file' },
    bytes: done,
  };
}

/** The last path segment of a URL, for display. */
export function nameFromUrl(url: string): string {
  try {
    const path = new URL(url, 'http://x/').pathname;
    const last = path
      .split('/')
      .filter((s) => s !== '')
      .pop();
    return last === undefined ? url : decodeURIComponent(last);
  } catch {
    return url;
  }
}

/**
 * Resolves a `?capture=` value against the page and allows only http(s) and blob URLs.
 * Throws CaptureLoadError otherwise.
 */
export function resolveCaptureUrl(value: string, base: string): string {
  let url: URL;
  try {
    url = new URL(value, base);
  } catch {
    throw new CaptureLoadError(`"${value}" is not a URL`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:' && url.protocol !== 'blob:') {
    throw new CaptureLoadError(
      `a capture URL must be http:, https: or blob:, found ${url.protocol.replace(/:$/, '')}:`,
    );
  }
  return url.href;
}

export type FetchLike = (url: string, init?: { signal?: AbortSignal }) => Promise<Response>;

/**
 * Fetches a capture by URL, streaming the body.
 *
 * @example
 * const capture = await readCaptureUrl('/fixtures/legacy-participant-join.sscap.jsonl');
 */
export async function readCaptureUrl(
  url: string,
  options: LoadOptions = {},
  fetchImpl: FetchLike = (u, init) => fetch(u, init),
): Promise<LoadedCapture> {
  let response: Response;
  try {
    response = await fetchImpl(url, options.signal ? { signal: options.signal } : {});
  } catch (error) {
    if (options.signal?.aborted) throw error;
    const why = error instanceof Error ? error.message : String(error);
    throw new CaptureLoadError(`could not fetch ${url}: ${why}`);
  }
  if (!response.ok) {
    const status = `${response.status} ${response.statusText}`.trim();
    throw new CaptureLoadError(`could not fetch ${url}: the server answered ${status}`);
  }
  const length = Number(response.headers.get('content-length') ?? Number.NaN);
  // A compressed response's Content-Length counts compressed bytes; the body is decoded.
  const encoded = (response.headers.get('content-encoding') ?? 'identity') !== 'identity';
  const total = Number.isFinite(length) && !encoded ? length : undefined;
  const origin = { kind: 'url', url } as const;
  const name = nameFromUrl(url);
  try {
    if (response.body) {
      const read = await readCaptureStream(response.body, total, { ...options, name });
      return { ...read, name, origin };
    }
    const blob = await response.blob();
    return { ...(await readCaptureFile(new File([blob], name), options)), origin };
  } catch (error) {
    // A wrong address often gets a web page back (a single-page app's fallback, a login).
    const type = response.headers.get('content-type') ?? '';
    if (
      error instanceof CaptureRefusedError &&
      error.format === 'unknown' &&
      /^text\/html\b/i.test(type)
    ) {
      throw new CaptureLoadError(
        `${url} answered with a web page (text/html), not a capture: check the address`,
      );
    }
    throw error;
  }
}

/**
 * Capture I/O: reads a capture from a File or a URL into a session log, streaming. Bytes
 * are decoded chunk by chunk and pushed into the CaptureReader, so a 100 MB file never has
 * to exist as one string. The file's content, not its name, decides what it is: anything
 * that is not a signalscope capture is refused before it is parsed.
 */
import { CaptureReader, type CaptureFormatError, type CaptureHeader } from '../session/capture.ts';
import { sniffFormat, type FileFormat } from '../session/formats.ts';
import type { SessionLog } from '../session/SessionLog.ts';

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
}

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

/** What to tell a person whose file was recognised as something else. */
export function refusalMessage(format: FileFormat, detail: string): string {
  switch (format) {
    case 'har':
      return 'This is an HTTP Archive (HAR) file, not a signalscope capture. signalscope cannot import HAR files yet: open a .sscap.jsonl capture instead.';
    case 'webrtc-internals':
      return 'This is a chrome://webrtc-internals dump, not a signalscope capture. signalscope cannot import webrtc-internals dumps yet: open a .sscap.jsonl capture instead.';
    case 'unknown':
    case 'signalscope-capture':
      return `This is not a signalscope capture: ${detail}. A capture is a JSON Lines file whose first line has "format":"signalscope-capture".`;
  }
}

/**
 * Reads decoded text chunks: sniffs the format on the first few kilobytes, then feeds the
 * reader. Throws CaptureRefusedError for other formats.
 */
async function readTextChunks(
  chunks: AsyncIterable<string>,
  options: LoadOptions,
): Promise<Omit<LoadedCapture, 'name' | 'origin' | 'bytes'>> {
  const reader = new CaptureReader(
    options.maxErrors === undefined ? {} : { maxErrors: options.maxErrors },
  );
  let head = '';
  let sniffed = false;
  const sniff = () => {
    const { format, detail } = sniffFormat(head);
    if (format !== 'signalscope-capture') {
      throw new CaptureRefusedError(format, refusalMessage(format, detail));
    }
    reader.push(head);
    head = '';
  };
  for await (const chunk of chunks) {
    options.signal?.throwIfAborted();
    if (sniffed) {
      reader.push(chunk);
    } else {
      head += chunk;
      if (head.length >= SNIFF_CHARS) {
        sniff();
        sniffed = true;
      }
    }
  }
  if (!sniffed) sniff();
  const result = reader.end();
  return {
    header: result.header,
    log: result.log,
    errors: result.errors,
    problems: reader.problems,
    lines: result.lines,
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

/**
 * Reads a capture from a byte stream (the body of a file or a response).
 *
 * @example
 * const capture = await readCaptureStream(response.body, 'demo.sscap.jsonl', undefined);
 */
export async function readCaptureStream(
  bytes: ReadableStream<Uint8Array>,
  totalBytes: number | undefined,
  options: LoadOptions = {},
): Promise<Omit<LoadedCapture, 'name' | 'origin'>> {
  const progress = progressReporter(totalBytes, options);
  const read = await readTextChunks(
    decodeStream(
      bytes,
      (n) => {
        progress.add(n);
      },
      options.signal,
    ),
    options,
  );
  return { ...read, bytes: progress.finish() };
}

/**
 * Reads a capture the user picked or dropped.
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
  const origin = { kind: 'file' } as const;
  // jsdom's Blob has no stream(); slices keep the same chunk-by-chunk reading there.
  if (typeof (file as Partial<Blob>).stream === 'function') {
    const read = await readCaptureStream(file.stream(), file.size, options);
    return { ...read, name: file.name, origin };
  }
  const progress = progressReporter(file.size, options);
  const read = await readTextChunks(
    decodeSlices(file, (n) => {
      progress.add(n);
    }),
    options,
  );
  return { ...read, bytes: progress.finish(), name: file.name, origin };
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
      const read = await readCaptureStream(response.body, total, options);
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

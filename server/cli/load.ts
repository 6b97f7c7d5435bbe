import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { basename } from 'node:path';
import { CaptureReader, type ReadResult } from '../../src/session/capture.ts';
import {
  importText,
  isImportFormat,
  sniffFormat,
  type ImportFormat,
  type SniffResult,
} from '../../src/session/formats.ts';
import {
  ImportRefusedError,
  problemErrors,
  type ImportedSession,
} from '../../src/session/formatsImport.ts';
import { mergeSessions, sessionFromCapture, type Renamed } from '../../src/session/merge.ts';
import { SessionLog } from '../../src/session/SessionLog.ts';

/** A file the CLI cannot use at all; the message is for the user, no stack trace. */
export class UserError extends Error {
  override readonly name = 'UserError';
}

export interface Loaded extends ReadResult {
  readonly path: string;
  readonly format: SniffResult;
  readonly bytes: number;
  /** Set for a HAR, a dump, or several files merged. */
  readonly imported?: {
    readonly format: ImportFormat | 'merged';
    readonly warnings: readonly string[];
    readonly matches: readonly string[];
    readonly renamed: readonly Renamed[];
  };
  /** The session as imported (for merging several files). */
  readonly session?: ImportedSession;
}

/** An imported or merged session as the CLI's Loaded. */
function fromSession(
  session: ImportedSession,
  path: string,
  format: SniffResult,
  importFormat: ImportFormat | 'merged',
  lines: number,
  bytes: number,
  renamed: readonly Renamed[] = [],
): Loaded {
  const log = new SessionLog();
  for (const e of session.events) log.appendWithSeq(e);
  return {
    header: session.header,
    log,
    errors: problemErrors(session.problems),
    lines,
    partial: session.problems.length > 0,
    path,
    format,
    bytes,
    imported: {
      format: importFormat,
      warnings: session.warnings,
      matches: session.extras.matches ?? [],
      renamed,
    },
    session,
  };
}

/**
 * Reads several files, each by its content, merged onto one clock (src/session/merge.ts).
 * One file is read as by loadSessionFile.
 */
export async function loadSessionFiles(
  paths: readonly string[],
  stdin?: Readable,
): Promise<Loaded> {
  const [first] = paths;
  if (first === undefined) throw new UserError('no FILE given');
  if (paths.length === 1) return loadSessionFile(first, stdin);
  if (paths.filter((p) => p === '-').length > 1) {
    throw new UserError('standard input (-) can be given only once');
  }
  const sessions: ImportedSession[] = [];
  let lines = 0;
  let bytes = 0;
  for (const path of paths) {
    const one = await loadSessionFile(path, stdin);
    lines += one.lines;
    bytes += one.bytes;
    sessions.push(
      one.session ??
        sessionFromCapture(
          path === '-' ? 'stdin' : basename(path),
          one.header,
          one.log.events(),
          one.errors,
        ),
    );
  }
  const merged = mergeSessions(sessions);
  return fromSession(
    merged,
    paths.join(' + '),
    { format: 'unknown', detail: 'several files merged' },
    'merged',
    lines,
    bytes,
    merged.renamed,
  );
}

/**
 * Streams a session file into a log, choosing the reader by the file's content.
 * `path` '-' reads standard input.
 */
export async function loadSessionFile(path: string, stdin?: Readable): Promise<Loaded> {
  let stream: Readable;
  if (path === '-') {
    if (!stdin) throw new UserError('no standard input to read');
    stream = stdin;
  } else {
    let info;
    try {
      info = await stat(path);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      throw new UserError(
        code === 'ENOENT'
          ? `${path}: no such file`
          : `${path}: cannot read it (${code ?? String(error)})`,
      );
    }
    if (info.isDirectory()) throw new UserError(`${path}: is a directory, expected a capture file`);
    stream = createReadStream(path, { highWaterMark: 1 << 20 });
  }
  stream.setEncoding('utf8');

  // A capture streams through its reader; a HAR or a dump is one JSON value, read whole.
  let reader: CaptureReader | undefined;
  let whole: string[] | undefined;
  let format: SniffResult | undefined;
  let head = '';
  let bytes = 0;
  const start = (): void => {
    format = sniffFormat(head);
    if (isImportFormat(format.format)) whole = [head];
    else {
      reader = startReader(path, format);
      reader.push(head);
    }
    head = '';
  };
  try {
    for await (const chunk of stream as AsyncIterable<string>) {
      bytes += Buffer.byteLength(chunk);
      if (reader) reader.push(chunk);
      else if (whole) whole.push(chunk);
      else {
        head += chunk;
        if (head.length < 4096 && head.indexOf('\n') === -1) continue;
        start();
      }
    }
  } catch (error) {
    if (error instanceof UserError) throw error;
    throw new UserError(
      `${path}: reading failed (${error instanceof Error ? error.message : String(error)})`,
    );
  }
  if (!reader && !whole) start();
  const sniffed = format ?? sniffFormat('');
  if (whole && isImportFormat(sniffed.format)) {
    const text = whole.join('');
    const name = path === '-' ? 'stdin' : basename(path);
    let session: ImportedSession;
    try {
      session = importText(text, sniffed.format, name);
    } catch (error) {
      if (error instanceof ImportRefusedError) {
        throw new UserError(
          `${path}: this is ${sniffed.detail}, but it cannot be imported: ${error.message}`,
        );
      }
      throw error;
    }
    if (session.events.length === 0 && session.problems.length === 0) {
      throw new UserError(
        `${path}: this is ${sniffed.detail}, but it holds no event: ${session.warnings[0] ?? 'nothing to show'}`,
      );
    }
    const lines = text.split('\n').length - (text.endsWith('\n') ? 1 : 0);
    return fromSession(session, path, sniffed, sniffed.format, lines, bytes);
  }
  if (!reader) throw new UserError(`${path}: could not be read`);
  return { ...reader.end(), path, format: sniffed, bytes };
}

function startReader(path: string, format: SniffResult): CaptureReader {
  switch (format.format) {
    case 'signalscope-capture':
      return new CaptureReader();
    case 'har':
    case 'webrtc-internals':
    case 'unknown':
      throw new UserError(`${path}: not a capture signalscope can read: ${format.detail}`);
  }
}

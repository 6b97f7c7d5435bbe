import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { CaptureReader, type ReadResult } from '../../src/session/capture.ts';
import { sniffFormat, type SniffResult } from '../../src/session/formats.ts';

/** A file the CLI cannot use at all; the message is for the user, no stack trace. */
export class UserError extends Error {
  override readonly name = 'UserError';
}

export interface Loaded extends ReadResult {
  readonly path: string;
  readonly format: SniffResult;
  readonly bytes: number;
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

  let reader: CaptureReader | undefined;
  let format: SniffResult | undefined;
  let head = '';
  let bytes = 0;
  try {
    for await (const chunk of stream as AsyncIterable<string>) {
      bytes += Buffer.byteLength(chunk);
      if (reader) {
        reader.push(chunk);
        continue;
      }
      head += chunk;
      if (head.length < 4096 && head.indexOf('\n') === -1) continue;
      format = sniffFormat(head);
      reader = startReader(path, format);
      reader.push(head);
      head = '';
    }
  } catch (error) {
    if (error instanceof UserError) throw error;
    throw new UserError(
      `${path}: reading failed (${error instanceof Error ? error.message : String(error)})`,
    );
  }
  if (!reader) {
    format = sniffFormat(head);
    reader = startReader(path, format);
    reader.push(head);
  }
  return { ...reader.end(), path, format: format ?? sniffFormat(''), bytes };
}

function startReader(path: string, format: SniffResult): CaptureReader {
  switch (format.format) {
    case 'signalscope-capture':
      return new CaptureReader();
    case 'har':
    case 'webrtc-internals':
      throw new UserError(
        `${path}: this is ${format.detail}; this version of signalscope reads only signalscope captures (docs/capture-format.md)`,
      );
    case 'unknown':
      throw new UserError(`${path}: not a capture signalscope can read: ${format.detail}`);
  }
}

/**
 * Which kind of file this is, judged by its content (not its name): signalscope captures,
 * and the formats the importers read (Chrome HAR, webrtc-internals dumps).
 */
import type { ImportedSession } from './formatsImport.ts';
import { importHar } from './har.ts';
import { importWebrtcInternals } from './webrtcInternals.ts';

export type FileFormat = 'signalscope-capture' | 'har' | 'webrtc-internals' | 'unknown';

export interface SniffResult {
  readonly format: FileFormat;
  /** For `unknown`: what the start of the file looks like, in plain words. */
  readonly detail: string;
}

/**
 * Looks at the first few kilobytes of a file.
 *
 * @example
 * sniffFormat('{"format":"signalscope-capture","version":1,…').format // 'signalscope-capture'
 */
export function sniffFormat(head: string): SniffResult {
  const text = head.replace(/^\uFEFF/, '').trimStart();
  if (text === '') return { format: 'unknown', detail: 'the file is empty' };
  const firstLine = text.slice(0, text.indexOf('\n') === -1 ? undefined : text.indexOf('\n'));
  if (
    /^\{\s*"format"\s*:\s*"signalscope-capture"/.test(firstLine) ||
    /"format"\s*:\s*"signalscope-capture"/.test(firstLine)
  ) {
    return { format: 'signalscope-capture', detail: 'signalscope capture' };
  }
  if (text.startsWith('{')) {
    const window = text.slice(0, 4096);
    if (/"log"\s*:\s*\{/.test(window) && /"(entries|creator|version|pages)"\s*:/.test(window)) {
      return { format: 'har', detail: 'an HTTP Archive (HAR)' };
    }
    if (/"PeerConnections"\s*:/.test(window) || /"getUserMedia"\s*:/.test(window)) {
      return { format: 'webrtc-internals', detail: 'a webrtc-internals dump' };
    }
    return {
      format: 'unknown',
      detail:
        'JSON, but neither a signalscope capture (its first line has no "format":"signalscope-capture"), a HAR nor a webrtc-internals dump',
    };
  }
  const printable = firstLine.slice(0, 40).replace(/[^\x20-\x7e]/g, '?');
  return { format: 'unknown', detail: `not JSON: it starts with "${printable}"` };
}

/** The formats read by an importer (the whole text at once) rather than line by line. */
export type ImportFormat = 'har' | 'webrtc-internals';

export function isImportFormat(format: FileFormat): format is ImportFormat {
  return format === 'har' || format === 'webrtc-internals';
}

/**
 * Imports the whole text of a HAR or a webrtc-internals dump. Throws ImportRefusedError when
 * the file cannot be read at all.
 *
 * @example
 * const session = importText(text, sniffFormat(text).format as ImportFormat, 'room.har');
 */
export function importText(text: string, format: ImportFormat, name: string): ImportedSession {
  return format === 'har' ? importHar(text, { name }) : importWebrtcInternals(text, { name });
}

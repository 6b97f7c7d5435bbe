/**
 * Imports a Chrome DevTools HAR ("Save all as HAR with content") as a session: every
 * WebSocket entry becomes one connection `har-1`, `har-2`, … (in the order of
 * `log.entries`), with
 * - `ws.open` at the entry's `startedDateTime`, `url` = `request.url`, `protocol` = the
 *   response's `Sec-WebSocket-Protocol` header;
 * - one `ws.frame` per `_webSocketMessages[k]`: `send` → `out`, `receive` → `in`; opcode 1
 *   is text, any other data opcode (2) is binary and its `data` is base64 already;
 * - `type: "error"` messages → `ws.error`; an opcode 8 message (close) → `ws.close` (its
 *   `code` when given); ping/pong (9, 10) are counted, not shown;
 * - a response status other than 101 with no message → `ws.error` (a failed handshake).
 * Other entries (documents, XHR, …) are ignored and counted. Message `time` is epoch seconds
 * (Chrome writes wall-clock seconds with a fraction); t = 0 is the earliest time in the file.
 *
 * Refused (ImportRefusedError): text that is not JSON, no `log` object, `log.entries` not an
 * array. Dropped with a problem (the session is partial): a WebSocket entry without a
 * string `request.url` or a parseable `startedDateTime` (the whole connection), a message
 * whose `type`, `time`, `opcode` or `data` is not what Chrome writes (that message only).
 * Pure: no DOM, no I/O.
 */
import { newHeader } from './capture.ts';
import type { EventInput } from './events.ts';
import {
  ImportRefusedError,
  finishTimed,
  found,
  isObject,
  parseJson,
  withLines,
  type ImportProblem,
  type ImportedSession,
  type JsonPath,
  type Obj,
  type Timed,
} from './formatsImport.ts';

export interface HarImport extends ImportedSession {
  /** WebSocket entries read (each one connection). */
  readonly connections: number;
  /** Entries that were not WebSockets, ignored. */
  readonly ignoredEntries: number;
  /** Ping and pong messages, not shown. */
  readonly controlFrames: number;
}

export interface HarImportOptions {
  /** The file name, for the header and messages. */
  readonly name?: string;
}

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;
/** Below this a message `time` is not epoch seconds (before 2001): read it relative to the entry. */
const EPOCH_SECONDS_FLOOR = 1e9;

function isWebSocketEntry(entry: Obj): boolean {
  if (entry._resourceType === 'websocket') return true;
  if (Array.isArray(entry._webSocketMessages)) return true;
  const request = entry.request;
  return isObject(request) && typeof request.url === 'string' && /^wss?:/i.test(request.url);
}

function header(headers: unknown, name: string): string | undefined {
  if (!Array.isArray(headers)) return undefined;
  for (const h of headers) {
    if (isObject(h) && typeof h.name === 'string' && h.name.toLowerCase() === name) {
      return typeof h.value === 'string' ? h.value : undefined;
    }
  }
  return undefined;
}

/**
 * Reads a HAR (its text, or the parsed object).
 *
 * @example
 * const har = importHar(text, { name: 'room.har' });
 * har.events[0]; // { seq: 0, t: 0, type: 'ws.open', conn: 'har-1', url: 'wss://…', protocol: 'protoo' }
 * har.problems; // [] — or each dropped entry, e.g. 'HAR entry 3 (_webSocketMessages[7]): "opcode" must be a number, found "1"'
 */
export function importHar(input: unknown, options: HarImportOptions = {}): HarImport {
  const name = options.name ?? 'HAR';
  const root = parseJson(input, 'HAR file');
  if (!isObject(root) || !isObject(root.log)) {
    throw new ImportRefusedError(
      `not a HAR file: expected an object with "log", found ${found(root)}`,
    );
  }
  const log = root.log;
  const entries = log.entries;
  if (!Array.isArray(entries)) {
    throw new ImportRefusedError(
      `not a HAR file: "log.entries" must be an array, found ${found(entries)}`,
    );
  }

  const problems: ImportProblem[] = [];
  const warnings: string[] = [];
  const timed: Timed[] = [];
  let order = 0;
  const push = (abs: number, event: EventInput) => timed.push({ abs, order: order++, event });
  const drop = (path: JsonPath, where: string, field: string | undefined, detail: string) => {
    problems.push({
      where,
      ...(field === undefined ? {} : { field }),
      message: `${where}: ${detail}`,
      path,
    });
  };

  let connections = 0;
  let ignored = 0;
  let control = 0;
  let relativeTimes = 0;
  entries.forEach((entry: unknown, k) => {
    const where = `HAR entry ${k}`;
    if (!isObject(entry)) {
      drop(['log', 'entries', k], where, undefined, `expected an object, found ${found(entry)}`);
      return;
    }
    if (!isWebSocketEntry(entry)) {
      ignored++;
      return;
    }
    const request = entry.request;
    const url = isObject(request) ? request.url : undefined;
    if (typeof url !== 'string') {
      drop(
        ['log', 'entries', k, 'request'],
        `${where} (request)`,
        'url',
        `"url" must be a string, found ${found(url)}; the WebSocket connection was dropped`,
      );
      return;
    }
    const started = entry.startedDateTime;
    const openAt = typeof started === 'string' ? Date.parse(started) : Number.NaN;
    if (Number.isNaN(openAt)) {
      drop(
        ['log', 'entries', k, 'startedDateTime'],
        where,
        'startedDateTime',
        `"startedDateTime" must be an ISO 8601 time, found ${found(started)}; the WebSocket connection to ${url} was dropped`,
      );
      return;
    }
    connections++;
    const conn = `har-${connections}`;
    const response = isObject(entry.response) ? entry.response : {};
    const status = typeof response.status === 'number' ? response.status : undefined;
    const protocol = header(response.headers, 'sec-websocket-protocol');
    const rawMessages: unknown = entry._webSocketMessages;
    let messages: unknown[] = [];
    if (Array.isArray(rawMessages)) messages = rawMessages;
    else if (rawMessages !== undefined) {
      drop(
        ['log', 'entries', k, '_webSocketMessages'],
        where,
        '_webSocketMessages',
        `"_webSocketMessages" must be an array, found ${found(rawMessages)}; the messages of the WebSocket connection to ${url} were dropped`,
      );
    } else if (status === 101 || status === undefined) {
      warnings.push(
        `${where}: the WebSocket connection to ${url} has no "_webSocketMessages": its messages were not saved (save the HAR "with content" while the connection is listed)`,
      );
    }

    const frames: Timed[] = [];
    const frameAt = (abs: number, event: EventInput) => {
      frames.push({ abs, order: 0, event });
    };
    messages.forEach((m, j) => {
      const at = `${where} (_webSocketMessages[${j}])`;
      const path = ['log', 'entries', k, '_webSocketMessages', j];
      if (!isObject(m)) {
        drop(path, at, undefined, `expected a message object, found ${found(m)}`);
        return;
      }
      const type = m.type;
      if (type !== 'send' && type !== 'receive' && type !== 'error') {
        drop(
          [...path, 'type'],
          at,
          'type',
          `"type" must be "send", "receive" or "error", found ${found(type)}`,
        );
        return;
      }
      const time = m.time;
      if (typeof time !== 'number' || !Number.isFinite(time) || time < 0) {
        drop(
          [...path, 'time'],
          at,
          'time',
          `"time" must be a number of seconds, found ${found(time)}`,
        );
        return;
      }
      let abs = time * 1000;
      if (time < EPOCH_SECONDS_FLOOR) {
        abs = openAt + time * 1000;
        relativeTimes++;
      }
      const data = m.data;
      if (type === 'error') {
        frameAt(abs, {
          t: 0,
          type: 'ws.error',
          conn,
          message: typeof data === 'string' && data !== '' ? data : 'WebSocket error',
        });
        return;
      }
      const opcode = m.opcode;
      if (typeof opcode !== 'number' || !Number.isInteger(opcode)) {
        drop(
          [...path, 'opcode'],
          at,
          'opcode',
          `"opcode" must be a number, found ${found(opcode)}`,
        );
        return;
      }
      if (opcode === 9 || opcode === 10) {
        control++;
        return;
      }
      if (opcode === 8) {
        const code = m.code;
        frameAt(abs, {
          t: 0,
          type: 'ws.close',
          conn,
          ...(typeof code === 'number' && Number.isInteger(code) ? { code } : {}),
          ...(typeof m.reason === 'string' && m.reason !== '' ? { reason: m.reason } : {}),
        });
        return;
      }
      if (typeof data !== 'string') {
        drop([...path, 'data'], at, 'data', `"data" must be a string, found ${found(data)}`);
        return;
      }
      const dir = type === 'send' ? 'out' : 'in';
      if (opcode === 1) {
        frameAt(abs, { t: 0, type: 'ws.frame', conn, dir, text: data });
        return;
      }
      const base64 = data.replace(/\s+/g, '');
      if (base64.length % 4 !== 0 || !BASE64.test(base64)) {
        drop(
          [...path, 'data'],
          at,
          'data',
          `"data" of a binary message (opcode ${opcode}) must be base64, found ${found(data)}`,
        );
        return;
      }
      frameAt(abs, { t: 0, type: 'ws.frame', conn, dir, base64 });
    });

    // The handshake's time and the frames' times come from different clocks in DevTools:
    // never let a frame come before its connection opened.
    const firstFrame = frames.reduce((min, f) => Math.min(min, f.abs), Number.POSITIVE_INFINITY);
    const openTime = Math.min(openAt, firstFrame);
    if (status === 101 || frames.length > 0) {
      push(openTime, {
        t: 0,
        type: 'ws.open',
        conn,
        url,
        ...(protocol === undefined || protocol === '' ? {} : { protocol }),
      });
    } else {
      const answered =
        status === undefined || status === 0
          ? 'there is no handshake response in the HAR'
          : `the server answered ${status}${typeof response.statusText === 'string' && response.statusText !== '' ? ` ${response.statusText}` : ''}`;
      push(openAt, {
        t: 0,
        type: 'ws.error',
        conn,
        message: `WebSocket connection to '${url}' failed: ${answered}`,
      });
    }
    for (const f of frames) push(f.abs, f.event);
  });

  if (relativeTimes > 0) {
    warnings.push(
      `${relativeTimes} WebSocket message time(s) were too small to be epoch seconds; they were read as seconds after their connection's startedDateTime`,
    );
  }
  if (connections === 0) {
    warnings.push(
      `the HAR has ${entries.length} entries and none is a WebSocket connection (Chrome saves WebSocket messages as "_webSocketMessages" when the connection was open while recording)`,
    );
  }
  const pageUrls = harPageUrls(log, entries);
  const { created, events } = finishTimed(timed);
  const creator = isObject(log.creator) ? log.creator : {};
  const source = {
    kind: 'har',
    name,
    title: `HAR: ${connections} WebSocket connection${connections === 1 ? '' : 's'} of ${entries.length} entries`,
    ...(typeof creator.name === 'string'
      ? {
          creator: `${creator.name}${typeof creator.version === 'string' ? ` ${creator.version}` : ''}`,
        }
      : {}),
    ...(pageUrls[0] === undefined ? {} : { url: pageUrls[0] }),
    connections,
    ignoredEntries: ignored,
  };
  return {
    name,
    header: newHeader(source, new Date(created)),
    events,
    problems: withLines(problems, typeof input === 'string' ? input : undefined),
    warnings,
    clock: 'absolute',
    extras: { pageUrls },
    connections,
    ignoredEntries: ignored,
    controlFrames: control,
  };
}

/** The page URLs of a HAR: its pages' titles that are URLs, and its document requests. */
function harPageUrls(log: Obj, entries: readonly unknown[]): string[] {
  const urls: string[] = [];
  const add = (u: unknown) => {
    if (typeof u === 'string' && /^https?:\/\//i.test(u) && !urls.includes(u)) urls.push(u);
  };
  if (Array.isArray(log.pages)) {
    for (const p of log.pages as unknown[]) if (isObject(p)) add(p.title);
  }
  for (const e of entries) {
    if (isObject(e) && e._resourceType === 'document' && isObject(e.request)) add(e.request.url);
  }
  return urls;
}

/**
 * Imports a chrome://webrtc-internals dump ("Create a WebRTC-Internals dump" → Download the
 * PeerConnection updates and stats data) as a session:
 * - each `PeerConnections[key].updateLog[k]` → a `pc` event `{ pc: key, event: type, value }`;
 *   a `create` event first, carrying the page `url`, `rtcConfiguration` and `constraints`;
 * - each `getUserMedia[k]` → a `note` (the whole entry kept in the note's `getUserMedia` field);
 * - each `stats` series → {@link StatsSeries} in `extras.stats` (not events: a stats view reads
 *   them; a capture written from the session does not carry them).
 *
 * Times: new dumps have `timestamp` (epoch ms). Old ones have `time`, the recording machine's
 * `toLocaleString()` — local time without a zone, to the second, in its locale's order. Those
 * are read as `M/D/Y` with AM/PM, `D.M.Y`, `D/M/Y` without AM/PM, or `Y/M/D`, in the time zone
 * given by `timeZoneOffsetMinutes` (default: this machine's), and the session says so in a
 * warning. A time that cannot be read takes the time of the entry before it, so the order is
 * kept; when none can be read, the clock is `relative` (one ms per entry, order only).
 *
 * Values: newer Chrome JSON-encodes some values (`"\"connected\""`); a value that is a JSON
 * string is decoded. Old Chrome's names are mapped to the spec names the pc machine knows
 * (`signalingStateChange` + `SignalingStateHaveLocalOffer` → `signalingstatechange` +
 * `have-local-offer`, …), the original name and value kept as `dumpType` / `dumpValue`.
 * SDP values stay webrtc-internals' text `type: offer, sdp: v=0…`, which the pc driver reads.
 *
 * Refused (ImportRefusedError): text that is not JSON, no `PeerConnections` object and no
 * `getUserMedia` array. Dropped with a problem (the session is partial): a peer connection
 * that is not an object or whose `updateLog` is not an array, an update without a string
 * `type`, a `getUserMedia` entry that is not an object, a stats series whose `values` is not a
 * JSON array. Pure: no DOM, no I/O.
 */
import { newHeader } from './capture.ts';
import type { EventInput } from './events.ts';
import { stringifyJson } from './json.ts';
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
  type StatsSeries,
  type Timed,
} from './formatsImport.ts';

export interface WebrtcInternalsImport extends ImportedSession {
  /** The dump's peer connection keys, in file order. */
  readonly peerConnections: readonly string[];
  readonly userAgent: string | undefined;
}

export interface WebrtcInternalsOptions {
  readonly name?: string;
  /**
   * For old dumps' local-time strings: the recording machine's offset from UTC in minutes
   * (+60 for UTC+1). Default: this machine's offset at that date.
   */
  readonly timeZoneOffsetMinutes?: number;
}

/** Old Chrome update names → spec names. */
const LEGACY_NAMES: Readonly<Record<string, string>> = {
  signalingStateChange: 'signalingstatechange',
  iceGatheringStateChange: 'icegatheringstatechange',
  iceConnectionStateChange: 'iceconnectionstatechange',
  connectionStateChange: 'connectionstatechange',
  onRenegotiationNeeded: 'negotiationneeded',
  onIceCandidate: 'icecandidate',
  onDataChannel: 'datachannel',
  onTrack: 'track',
  stop: 'close',
};

const STATE_EVENTS = new Set([
  'signalingstatechange',
  'icegatheringstatechange',
  'iceconnectionstatechange',
  'connectionstatechange',
]);

/**
 * An old Chrome enum state (`SignalingStateHaveLocalOffer`, `kICEConnectionStateConnected`,
 * `kIceGatheringComplete`) as the spec's (`have-local-offer`, `connected`, `complete`);
 * a spec value unchanged.
 */
export function specState(value: string): string {
  if (/^[a-z-]+$/.test(value)) return value;
  const bare = value
    .replace(/^k(?=[A-Z])/, '')
    .replace(
      /^(SignalingState|ICEConnectionState|IceConnectionState|ICEGatheringState|IceGatheringState|IceGathering|PeerConnectionState)/,
      '',
    );
  return bare.replace(/([a-z0-9])([A-Z])/g, '$1-$2').toLowerCase();
}

/** A value that is a JSON-encoded string (`"\"connected\""`) decoded; anything else as is. */
export function decodeValue(value: unknown): unknown {
  if (
    typeof value !== 'string' ||
    value.length < 2 ||
    !value.startsWith('"') ||
    !value.endsWith('"')
  ) {
    return value;
  }
  try {
    const decoded: unknown = JSON.parse(value);
    return typeof decoded === 'string' ? decoded : value;
  } catch {
    return value;
  }
}

/** How old dumps' local-time strings are ordered, judged from all of them. */
type DateOrder = 'mdy' | 'dmy';

const LOCAL_TIME =
  /^\s*(\d{1,4})([./-])\s*(\d{1,2})\2\s*(\d{1,4})\.?,?\s+(\d{1,2}):(\d{2})(?::(\d{2}))?\s*(?:([AaPp])\.?\s*[Mm]\.?)?\s*$/;

function guessOrder(times: readonly string[]): DateOrder {
  let ampm = false;
  let dot = false;
  for (const s of times) {
    const m = LOCAL_TIME.exec(s);
    if (!m || (m[1] ?? '').length === 4) continue;
    const a = Number(m[1]);
    const b = Number(m[3]);
    if (a > 12) return 'dmy';
    if (b > 12) return 'mdy';
    if (m[8] !== undefined) ampm = true;
    if (m[2] === '.') dot = true;
  }
  if (dot) return 'dmy';
  return ampm ? 'mdy' : 'dmy';
}

/**
 * Epoch ms of an old dump's `time`, or undefined. Numbers and numeric strings are epoch ms.
 *
 * @example
 * parseDumpTime('11/22/2026, 10:00:05 AM', 'mdy', 0); // 1795341605000
 */
export function parseDumpTime(
  value: unknown,
  order: DateOrder,
  offsetMinutes: number | undefined,
): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  if (typeof value !== 'string' || value.trim() === '') return undefined;
  if (/^\s*\d+(\.\d+)?\s*$/.test(value)) return Number(value);
  const m = LOCAL_TIME.exec(value);
  if (m) {
    const first = m[1] ?? '';
    let year: number;
    let month: number;
    let day: number;
    if (first.length === 4) {
      year = Number(first);
      month = Number(m[3]);
      day = Number(m[4]);
    } else {
      year = Number(m[4]);
      if (year < 100) year += 2000;
      month = Number(order === 'mdy' ? first : m[3]);
      day = Number(order === 'mdy' ? m[3] : first);
    }
    let hour = Number(m[5]);
    const ap = m[8]?.toLowerCase();
    if (ap === 'p' && hour < 12) hour += 12;
    if (ap === 'a' && hour === 12) hour = 0;
    const minute = Number(m[6]);
    const second = Number(m[7] ?? 0);
    if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 60) {
      return undefined;
    }
    if (offsetMinutes === undefined) {
      return new Date(year, month - 1, day, hour, minute, second).getTime();
    }
    return Date.UTC(year, month - 1, day, hour, minute, second) - offsetMinutes * 60_000;
  }
  // Date's own string forms ("Sun Nov 22 2026 10:00:00 GMT+0100", ISO 8601).
  const parsed = Date.parse(value);
  return Number.isNaN(parsed) ? undefined : parsed;
}

function earliest(items: readonly { abs: number | undefined }[]): number | undefined {
  let min: number | undefined;
  for (const { abs } of items) if (abs !== undefined && (min === undefined || abs < min)) min = abs;
  return min;
}

function pcWhere(key: string): string {
  return `PeerConnections[${JSON.stringify(key)}]`;
}

/** `RTCTransport_0_1-bytesSent` → [`RTCTransport_0_1`, `bytesSent`]; `X-[a/b]` → [`X`, `[a/b]`]. */
function splitStatsKey(key: string): [string, string] {
  const bracket = key.indexOf('-[');
  if (bracket > 0) return [key.slice(0, bracket), key.slice(bracket + 1)];
  const dash = key.lastIndexOf('-');
  return dash > 0 ? [key.slice(0, dash), key.slice(dash + 1)] : [key, ''];
}

function timeOf(v: unknown): number | undefined {
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  if (typeof v === 'string') {
    const n = Date.parse(v);
    return Number.isNaN(n) ? undefined : n;
  }
  return undefined;
}

function describeGum(entry: Obj): string {
  const kind = typeof entry.request_type === 'string' ? entry.request_type : 'getUserMedia';
  const rid = entry.request_id;
  const id = typeof rid === 'number' || typeof rid === 'string' ? ` request ${rid}` : '';
  const str = (v: unknown) => (typeof v === 'string' ? v : (stringifyJson(v) ?? ''));
  if (typeof entry.error === 'string' || typeof entry.error_message === 'string') {
    return `${kind}${id} failed: ${[entry.error, entry.error_message].filter((x) => typeof x === 'string' && x !== '').join(': ')}`;
  }
  const parts: string[] = [];
  for (const k of ['audio', 'video'] as const) {
    if (k in entry) parts.push(`${k}: ${str(entry[k]) || 'true'}`);
  }
  if (typeof entry.origin === 'string') {
    return `${kind}${id} from ${entry.origin}${parts.length ? ` (${parts.join('; ')})` : ''}`;
  }
  const tracks: string[] = [];
  for (const k of ['audio_track_info', 'video_track_info'] as const) {
    if (typeof entry[k] === 'string' && entry[k] !== '') tracks.push(entry[k]);
  }
  return `${kind}${id} answered${tracks.length ? `: ${tracks.join('; ')}` : ''}`;
}

/**
 * Reads a webrtc-internals dump (its text, or the parsed object).
 *
 * @example
 * const dump = importWebrtcInternals(text, { name: 'webrtc_internals_dump.txt' });
 * dump.events.filter((e) => e.type === 'pc' && e.event === 'connectionstatechange');
 * // [{ …, pc: '12345-1', event: 'connectionstatechange', value: 'connected' }]
 */
export function importWebrtcInternals(
  input: unknown,
  options: WebrtcInternalsOptions = {},
): WebrtcInternalsImport {
  const name = options.name ?? 'webrtc-internals dump';
  const root = parseJson(input, 'webrtc-internals dump');
  if (!isObject(root)) {
    throw new ImportRefusedError(
      `not a webrtc-internals dump: expected an object, found ${found(root)}`,
    );
  }
  const pcs = root.PeerConnections;
  const gum = root.getUserMedia;
  if (pcs !== undefined && !isObject(pcs)) {
    throw new ImportRefusedError(
      `not a webrtc-internals dump: "PeerConnections" must be an object, found ${found(pcs)}`,
    );
  }
  if (gum !== undefined && !Array.isArray(gum)) {
    throw new ImportRefusedError(
      `not a webrtc-internals dump: "getUserMedia" must be an array, found ${found(gum)}`,
    );
  }
  if (pcs === undefined && gum === undefined) {
    throw new ImportRefusedError(
      'not a webrtc-internals dump: it has neither "PeerConnections" nor "getUserMedia"',
    );
  }

  const problems: ImportProblem[] = [];
  const warnings: string[] = [];
  const drop = (path: JsonPath, where: string, field: string | undefined, detail: string) => {
    problems.push({
      where,
      ...(field === undefined ? {} : { field }),
      message: `${where}: ${detail}`,
      path,
    });
  };

  // Old dumps: judge the locale's date order from every time string first.
  const timeStrings: string[] = [];
  for (const rec of Object.values(pcs ?? {})) {
    if (isObject(rec) && Array.isArray(rec.updateLog)) {
      for (const u of rec.updateLog as unknown[]) {
        if (isObject(u) && u.timestamp === undefined && typeof u.time === 'string')
          timeStrings.push(u.time);
      }
    }
  }
  const order = guessOrder(timeStrings);
  const offset = options.timeZoneOffsetMinutes;

  /** Updates in file order, with their time when it could be read. */
  const pending: { abs: number | undefined; event: EventInput }[] = [];
  let localTimes = 0;
  let unreadTimes = 0;
  const stats: StatsSeries[] = [];
  const pageUrls: string[] = [];
  const keys: string[] = [];

  for (const [key, rec] of Object.entries(pcs ?? {})) {
    const where = pcWhere(key);
    if (!isObject(rec)) {
      drop(
        ['PeerConnections', key],
        where,
        undefined,
        `expected a peer connection object, found ${found(rec)}`,
      );
      continue;
    }
    const log = rec.updateLog ?? [];
    if (!Array.isArray(log)) {
      drop(
        ['PeerConnections', key, 'updateLog'],
        `${where}.updateLog`,
        'updateLog',
        `"updateLog" must be an array, found ${found(log)}; the peer connection was dropped`,
      );
      continue;
    }
    keys.push(key);
    if (typeof rec.url === 'string' && rec.url !== '' && !pageUrls.includes(rec.url))
      pageUrls.push(rec.url);

    let last: number | undefined;
    const first = pending.length;
    const hasSpecState = new Set(
      (log as unknown[]).flatMap((u) =>
        isObject(u) && typeof u.type === 'string' && STATE_EVENTS.has(u.type) ? [u.type] : [],
      ),
    );
    (log as unknown[]).forEach((u, k) => {
      const at = `${where}.updateLog[${k}]`;
      const path = ['PeerConnections', key, 'updateLog', k];
      if (!isObject(u)) {
        drop(path, at, undefined, `expected an update object, found ${found(u)}`);
        return;
      }
      if (typeof u.type !== 'string' || u.type === '') {
        drop(
          path,
          at,
          'type',
          u.type === undefined
            ? 'missing "type"'
            : `"type" must be a string, found ${found(u.type)}`,
        );
        return;
      }
      let abs: number | undefined;
      if (typeof u.timestamp === 'number' && Number.isFinite(u.timestamp)) abs = u.timestamp;
      else {
        abs = parseDumpTime(u.time, order, offset);
        if (abs !== undefined && typeof u.time === 'string' && LOCAL_TIME.test(u.time))
          localTimes++;
      }
      if (abs === undefined) {
        unreadTimes++;
        abs = last;
      } else last = abs;

      let event = u.type;
      let value = decodeValue(u.value);
      const mapped = LEGACY_NAMES[event];
      const extra: Record<string, unknown> = {};
      if (mapped !== undefined && !(STATE_EVENTS.has(mapped) && hasSpecState.has(mapped))) {
        extra.dumpType = event;
        event = mapped;
      }
      if (STATE_EVENTS.has(event) && typeof value === 'string') value = specState(value.trim());
      if (value !== u.value) extra.dumpValue = u.value;
      if (value === '') value = undefined;
      pending.push({
        abs,
        event: {
          t: 0,
          type: 'pc',
          pc: key,
          event,
          ...(value === undefined ? {} : { value }),
          ...(Object.keys(extra).length > 0 ? { extra } : {}),
        },
      });
    });
    // Times before the first readable one take that one: order is kept.
    const firstKnown = pending.slice(first).find((p) => p.abs !== undefined)?.abs;
    for (let k = first; k < pending.length; k++) {
      const p = pending[k];
      if (p && p.abs === undefined && firstKnown !== undefined)
        pending[k] = { ...p, abs: firstKnown };
    }
    const created = {
      t: 0,
      type: 'pc' as const,
      pc: key,
      event: 'create',
      value: {
        ...(typeof rec.url === 'string' ? { url: rec.url } : {}),
        ...(rec.rtcConfiguration === undefined ? {} : { rtcConfiguration: rec.rtcConfiguration }),
        ...(rec.constraints === undefined ? {} : { constraints: rec.constraints }),
        ...(rec.pid === undefined ? {} : { pid: rec.pid }),
      },
    };
    pending.splice(first, 0, { abs: firstKnown, event: created });

    if (rec.stats !== undefined && !isObject(rec.stats)) {
      drop(
        ['PeerConnections', key, 'stats'],
        `${where}.stats`,
        'stats',
        `"stats" must be an object, found ${found(rec.stats)}`,
      );
    } else {
      for (const [statKey, series] of Object.entries(rec.stats ?? {})) {
        const at = `${where}.stats[${JSON.stringify(statKey)}]`;
        const path = ['PeerConnections', key, 'stats', statKey];
        // Chrome writes {} for a series that has no point yet.
        if (isObject(series) && Object.keys(series).length === 0) continue;
        if (!isObject(series)) {
          drop(path, at, undefined, `expected a stats series object, found ${found(series)}`);
          continue;
        }
        let values: unknown = series.values;
        if (typeof values === 'string') {
          try {
            values = JSON.parse(values) as unknown;
          } catch {
            values = undefined;
          }
        }
        if (!Array.isArray(values)) {
          drop(
            [...path, 'values'],
            at,
            'values',
            `"values" must be a JSON array (as text), found ${found(series.values)}`,
          );
          continue;
        }
        const [id, field] = splitStatsKey(statKey);
        stats.push({
          pc: key,
          id,
          field,
          statsType: typeof series.statsType === 'string' ? series.statsType : undefined,
          startMs: timeOf(series.startTime),
          endMs: timeOf(series.endTime),
          values: values as unknown[],
        });
      }
    }
  }

  const dumpStart = earliest(pending);

  const gumEvents: { abs: number | undefined; event: EventInput }[] = [];
  let gumWithoutTime = 0;
  ((gum ?? []) as unknown[]).forEach((g, k) => {
    const at = `getUserMedia[${k}]`;
    if (!isObject(g)) {
      drop(['getUserMedia', k], at, undefined, `expected an object, found ${found(g)}`);
      return;
    }
    const abs = timeOf(g.timestamp);
    if (abs === undefined) gumWithoutTime++;
    gumEvents.push({
      abs,
      event: { t: 0, type: 'note', text: describeGum(g), extra: { getUserMedia: g } },
    });
  });

  const clock =
    dumpStart === undefined && gumEvents.every((g) => g.abs === undefined)
      ? 'relative'
      : 'absolute';
  const base = dumpStart ?? earliest(gumEvents) ?? 0;
  const timed: Timed[] = [];
  let n = 0;
  // getUserMedia without a time goes first: it comes before the peer connections it feeds.
  for (const g of gumEvents) timed.push({ abs: g.abs ?? base, order: n++, event: g.event });
  for (const p of pending) {
    timed.push({ abs: clock === 'relative' ? n : (p.abs ?? base), order: n++, event: p.event });
  }

  if (localTimes > 0) {
    warnings.push(
      `${localTimes} update time(s) are local times without a time zone (an old dump), read as ${order === 'mdy' ? 'month/day/year' : 'day/month/year'} in ${offset === undefined ? "this machine's time zone" : `UTC${offset >= 0 ? '+' : '-'}${String(Math.floor(Math.abs(offset) / 60)).padStart(2, '0')}:${String(Math.abs(offset) % 60).padStart(2, '0')}`}, to the second: events within one second keep their order per peer connection`,
    );
  }
  if (unreadTimes > 0) {
    warnings.push(
      clock === 'relative'
        ? `no update time could be read (${unreadTimes}): the events keep their order, one millisecond apart, and cannot be placed on another file's clock`
        : `${unreadTimes} update time(s) could not be read: each such update takes the time of the one before it, keeping the order`,
    );
  }
  if (gumWithoutTime > 0 && gumEvents.length > 0) {
    warnings.push(
      `${gumWithoutTime} getUserMedia entr${gumWithoutTime === 1 ? 'y has' : 'ies have'} no time: shown at the start of the dump`,
    );
  }
  if (keys.length === 0 && gumEvents.length === 0)
    warnings.push('the dump has no peer connection and no getUserMedia call');

  const { created, events } = finishTimed(timed);
  const userAgent = typeof root.UserAgent === 'string' ? root.UserAgent : undefined;
  const source = {
    kind: 'webrtc-internals',
    name,
    title: `webrtc-internals dump: ${keys.length} peer connection${keys.length === 1 ? '' : 's'}, ${gumEvents.length} getUserMedia`,
    ...(pageUrls[0] === undefined ? {} : { url: pageUrls[0] }),
    ...(userAgent === undefined ? {} : { userAgent }),
    ...(typeof root.version === 'string' ? { version: root.version } : {}),
  };
  return {
    name,
    header: newHeader(source, new Date(created)),
    events,
    problems: withLines(problems, typeof input === 'string' ? input : undefined),
    warnings,
    clock,
    extras: { stats, pageUrls },
    peerConnections: keys,
    userAgent,
  };
}

/**
 * Merges sessions read from several files onto one time axis: the wall clock. A capture's
 * events are at `created` + `t`, a HAR's at its messages' times, a dump's at its updates'
 * timestamps; t = 0 of the merge is the earliest of them all. Events at the same time keep
 * the order of the files given, then their own order.
 *
 * Ids: a `conn` or `pc` id that an earlier file already uses is renamed `<id>#<n>` (n = the
 * file's position, from 1), in every event of that file, and in its stats series; `renamed`
 * lists each. A session without a wall clock (a dump whose times did not parse) cannot be
 * placed: its events start at t = 0 of the merge, and a warning says so.
 *
 * Given a HAR and a webrtc-internals dump, the merge also says whether the HAR's page is the
 * page of the dump's peer connections (a `note` event at the first of them, and `matches`).
 * Pure: no DOM, no I/O.
 */
import { newHeader, type CaptureFormatError, type CaptureHeader } from './capture.ts';
import type { EventInput, SessionEvent } from './events.ts';
import type { ImportProblem, ImportedSession, StatsSeries, Timed } from './formatsImport.ts';
import { finishTimed, isObject } from './formatsImport.ts';

export interface Renamed {
  /** The file (session name) whose id was renamed. */
  readonly part: string;
  readonly kind: 'conn' | 'pc';
  readonly from: string;
  readonly to: string;
}

export interface MergedSession extends ImportedSession {
  readonly renamed: readonly Renamed[];
}

/**
 * A signalscope capture as an imported session, so it can be merged with imports.
 *
 * @example
 * const { header, log, errors } = readCaptureText(text);
 * const session = sessionFromCapture('a.sscap.jsonl', header, log.events(), errors);
 */
export function sessionFromCapture(
  name: string,
  header: CaptureHeader | undefined,
  events: Iterable<SessionEvent>,
  errors: readonly CaptureFormatError[] = [],
): ImportedSession {
  const created = header === undefined ? Number.NaN : Date.parse(header.created);
  return {
    name,
    header: header ?? newHeader({ kind: 'capture', name }, new Date(0)),
    events: [...events],
    problems: errors.map((e) => ({
      where: `line ${e.line}`,
      ...(e.field === undefined ? {} : { field: e.field }),
      message: e.message,
      path: [],
      line: e.line,
    })),
    warnings:
      header === undefined ? ['the capture has no readable header: its start time is unknown'] : [],
    clock: Number.isNaN(created) ? 'relative' : 'absolute',
    extras: {},
  };
}

function withoutSeq(e: SessionEvent): EventInput {
  const copy: Record<string, unknown> = { ...e };
  delete copy.seq;
  return copy as unknown as EventInput;
}

/** Files that are probably not one session: different pages, or times that do not overlap. */
function mismatchWarnings(parts: readonly ImportedSession[], matches: readonly string[]): string[] {
  const out: string[] = [];
  const hars = parts.filter(
    (p) => p.header.source.kind === 'har' && (p.extras.pageUrls ?? []).length > 0,
  );
  const dumps = parts.filter(
    (p) => p.header.source.kind === 'webrtc-internals' && (p.extras.pageUrls ?? []).length > 0,
  );
  if (hars.length > 0 && dumps.length > 0 && matches.length === 0) {
    out.push(
      `the HAR's pages (${hars.flatMap((h) => h.extras.pageUrls ?? []).join(', ')}) are not the dump's (${dumps.flatMap((d) => d.extras.pageUrls ?? []).join(', ')}): the files may come from different sessions`,
    );
  }
  const spans = parts.flatMap((p) => {
    const first = p.events[0];
    const last = p.events[p.events.length - 1];
    if (p.clock !== 'absolute' || !first || !last) return [];
    const base = Date.parse(p.header.created);
    return [{ name: p.name, from: base + first.t, to: base + last.t }];
  });
  for (let i = 0; i < spans.length; i++) {
    for (let j = i + 1; j < spans.length; j++) {
      const a = spans[i];
      const b = spans[j];
      if (!a || !b) continue;
      const gap = Math.max(b.from - a.to, a.from - b.to);
      if (gap > 60_000) {
        const [early, late] = a.from <= b.from ? [a, b] : [b, a];
        out.push(
          `${late.name} starts ${formatGap(gap)} after ${early.name} ends: the files may come from different sessions`,
        );
      }
    }
  }
  return out;
}

function formatGap(ms: number): string {
  const minutes = ms / 60_000;
  if (minutes < 120) return `${Math.round(minutes)} min`;
  const hours = minutes / 60;
  return hours < 48 ? `${Math.round(hours)} h` : `${Math.round(hours / 24)} days`;
}

function connOf(e: SessionEvent): string | undefined {
  return 'conn' in e && typeof e.conn === 'string' ? e.conn : undefined;
}

/** The page a URL names, for comparing: no fragment, no trailing slash. */
function pageKey(url: string): string {
  try {
    const u = new URL(url);
    u.hash = '';
    return u.href.replace(/\/$/, '');
  } catch {
    return url;
  }
}

/** The `url` of each dump peer connection, from its `create` event. */
function pcPages(events: readonly SessionEvent[]): Map<string, string[]> {
  const pages = new Map<string, string[]>();
  for (const e of events) {
    if (e.type !== 'pc' || e.event !== 'create' || !isObject(e.value)) continue;
    const url = e.value.url;
    if (typeof url !== 'string' || url === '') continue;
    const list = pages.get(pageKey(url)) ?? [];
    list.push(e.pc);
    pages.set(pageKey(url), list);
  }
  return pages;
}

/**
 * Merges sessions onto one wall clock (see the module comment).
 *
 * @example
 * const merged = mergeSessions([importHar(harText, { name: 'room.har' }), importWebrtcInternals(dumpText)]);
 * merged.extras.matches; // ['room.har: the page https://app.example/room is the page of peer connections 1-1, 1-2 of the dump']
 */
export function mergeSessions(
  parts: readonly ImportedSession[],
  options: { readonly name?: string } = {},
): MergedSession {
  const name = options.name ?? parts.map((p) => p.name).join(' + ');
  const usedConns = new Set<string>();
  const usedPcs = new Set<string>();
  const renamed: Renamed[] = [];
  const problems: ImportProblem[] = [];
  const warnings: string[] = [];
  const stats: StatsSeries[] = [];
  const pageUrls: string[] = [];
  const timed: Timed[] = [];
  const placed = parts.filter((p) => p.clock === 'absolute');
  let start = Number.POSITIVE_INFINITY;
  for (const p of placed) {
    const first = p.events[0];
    if (first) start = Math.min(start, Date.parse(p.header.created) + first.t);
  }
  if (!Number.isFinite(start)) start = 0;

  let order = 0;
  parts.forEach((part, k) => {
    const rename = (used: Set<string>, kind: 'conn' | 'pc', ids: Set<string>) => {
      const map = new Map<string, string>();
      for (const id of ids) {
        let to = id;
        for (let n = k + 1; used.has(to); n++) to = `${id}#${n}`;
        if (to !== id) {
          map.set(id, to);
          renamed.push({ part: part.name, kind, from: id, to });
        }
      }
      for (const id of ids) used.add(map.get(id) ?? id);
      return map;
    };
    const conns = new Set<string>();
    const pcs = new Set<string>();
    for (const e of part.events) {
      const c = connOf(e);
      if (c !== undefined) conns.add(c);
      if (e.type === 'pc') pcs.add(e.pc);
    }
    const connMap = rename(usedConns, 'conn', conns);
    const pcMap = rename(usedPcs, 'pc', pcs);

    const base = part.clock === 'absolute' ? Date.parse(part.header.created) : start;
    if (part.clock === 'relative' && parts.length > 1) {
      warnings.push(
        `${part.name}: its times are not wall-clock times, so its events were placed from the start of the merge; their order within the file is kept`,
      );
    }
    for (const e of part.events) {
      let event: SessionEvent = e;
      const c = connOf(e);
      const conn = c === undefined ? undefined : connMap.get(c);
      if (conn !== undefined) event = { ...event, conn };
      if (event.type === 'pc') {
        const pc = pcMap.get(event.pc);
        if (pc !== undefined) event = { ...event, pc };
      }
      timed.push({ abs: base + e.t, order: order++, event: withoutSeq(event) });
    }
    for (const p of part.problems) {
      problems.push({
        ...p,
        where: `${part.name}: ${p.where}`,
        message: `${part.name}: ${p.message}`,
      });
    }
    for (const w of part.warnings) warnings.push(`${part.name}: ${w}`);
    for (const s of part.extras.stats ?? []) stats.push({ ...s, pc: pcMap.get(s.pc) ?? s.pc });
    for (const u of part.extras.pageUrls ?? []) if (!pageUrls.includes(u)) pageUrls.push(u);
  });

  const matches = pageMatches(parts, renamed, timed, () => order++);
  warnings.push(...mismatchWarnings(parts, matches));
  const { created, events } = finishTimed(timed);
  const partsInfo = parts.map((p) => ({
    kind: p.header.source.kind,
    name: p.name,
    events: p.events.length,
  }));
  const header = newHeader(
    {
      kind: 'merged',
      name,
      title: parts.map((p) => `${p.name} (${p.header.source.kind})`).join(' + '),
      parts: partsInfo,
      ...(pageUrls[0] === undefined ? {} : { url: pageUrls[0] }),
    },
    new Date(created),
  );
  return {
    name,
    header,
    events,
    problems,
    warnings,
    clock: placed.length > 0 ? 'absolute' : 'relative',
    extras: { stats, pageUrls, parts: partsInfo, matches },
    renamed,
  };
}

/**
 * Whether a HAR's page is the page of a dump's peer connections. Adds a note at the first
 * such peer connection's `create` and returns the sentences.
 */
function pageMatches(
  parts: readonly ImportedSession[],
  renamed: readonly Renamed[],
  timed: Timed[],
  nextOrder: () => number,
): string[] {
  const matches: string[] = [];
  const hars = parts.filter((p) => p.header.source.kind === 'har');
  const dumps = parts.filter((p) => p.header.source.kind === 'webrtc-internals');
  for (const dump of dumps) {
    const pages = pcPages(dump.events);
    if (pages.size === 0) continue;
    for (const har of hars) {
      for (const url of har.extras.pageUrls ?? []) {
        const pcs = pages.get(pageKey(url));
        if (!pcs) continue;
        const names = pcs.map(
          (pc) =>
            renamed.find((r) => r.part === dump.name && r.kind === 'pc' && r.from === pc)?.to ?? pc,
        );
        const sentence = `${har.name}: the page ${url} is the page of peer connection${names.length === 1 ? '' : 's'} ${names.join(', ')} of ${dump.name}`;
        matches.push(sentence);
        const firstCreate = timed.find((x) => x.event.type === 'pc' && names.includes(x.event.pc));
        timed.push({
          abs: firstCreate?.abs ?? 0,
          order: firstCreate === undefined ? nextOrder() : firstCreate.order - 0.5,
          event: { t: 0, type: 'note', text: `Same page: ${sentence}` },
        });
      }
    }
  }
  return matches;
}

/**
 * The findings list's pure model: counts per severity and per code, the filter (severities,
 * one code, free text), the two orders (log order, or most severe first) and which finding
 * the cursor has reached. No React, no DOM.
 */
import { formatCount } from '../shared/format.ts';
import { FINDING_CODES, type Finding, type Severity } from '../../projections/findings.ts';

export const SEVERITIES: readonly Severity[] = ['error', 'warning', 'info'];

/** The icon beside each severity word (the word is always shown: never colour alone). */
export const SEVERITY_ICONS: Readonly<Record<Severity, string>> = {
  error: '✖',
  warning: '▲',
  info: 'ℹ',
};

const SEVERITY_RANK: Readonly<Record<Severity, number>> = { error: 0, warning: 1, info: 2 };

export type SortKey = 'seq' | 'severity';

export interface FindingsFilter {
  /** Severities shown. */
  readonly severities: Readonly<Record<Severity, boolean>>;
  /** Only this code, or every code. */
  readonly code: string | null;
  /** Free text: matched, case-insensitive, against code, message, connection, machine and seq. */
  readonly text: string;
  readonly sort: SortKey;
}

export const DEFAULT_FILTER: FindingsFilter = Object.freeze({
  severities: Object.freeze({ error: true, warning: true, info: true }),
  code: null,
  text: '',
  sort: 'seq',
});

/** Whether the filter hides anything (the sort aside). */
export function isFiltering(filter: FindingsFilter): boolean {
  return (
    filter.code !== null ||
    filter.text.trim() !== '' ||
    SEVERITIES.some((s) => !filter.severities[s])
  );
}

/**
 * How many findings of each severity.
 *
 * @example
 * severityCounts(findings); // { error: 4, warning: 2, info: 1 }
 */
export function severityCounts(findings: readonly Finding[]): Record<Severity, number> {
  const out: Record<Severity, number> = { error: 0, warning: 0, info: 0 };
  for (const f of findings) out[f.severity] += 1;
  return out;
}

export interface CodeCount {
  readonly code: string;
  readonly severity: Severity;
  readonly count: number;
}

/**
 * The codes present, most severe first, then the most frequent, then by name.
 *
 * @example
 * codeCounts(findings)[0]; // { code: 'request-timeout', severity: 'error', count: 4 }
 */
export function codeCounts(findings: readonly Finding[]): CodeCount[] {
  const byCode = new Map<string, { severity: Severity; count: number }>();
  for (const f of findings) {
    const c = byCode.get(f.code);
    if (c) c.count++;
    else byCode.set(f.code, { severity: f.severity, count: 1 });
  }
  return [...byCode]
    .map(([code, c]) => ({ code, severity: c.severity, count: c.count }))
    .sort(
      (a, b) =>
        SEVERITY_RANK[a.severity] - SEVERITY_RANK[b.severity] ||
        b.count - a.count ||
        a.code.localeCompare(b.code),
    );
}

/** What a finding code means (FINDING_CODES), or undefined for a code this version lacks. */
export function codeDescription(code: string): string | undefined {
  const entry = (FINDING_CODES as Readonly<Record<string, { description: string } | undefined>>)[
    code
  ];
  return entry?.description;
}

const haystacks = new WeakMap<readonly Finding[], string[]>();

/** Lower-case text of each finding, built once per list. */
function haystackOf(findings: readonly Finding[]): string[] {
  let h = haystacks.get(findings);
  if (!h) {
    h = findings.map((f) =>
      [
        f.code,
        f.severity,
        f.message,
        f.conn ?? '',
        f.machine ? `${f.machine.kind} ${f.machine.id}` : '',
        `seq ${String(f.seq)}`,
      ]
        .join('\n')
        .toLowerCase(),
    );
    haystacks.set(findings, h);
  }
  return h;
}

/**
 * Positions (into `findings`) of the findings the filter keeps, in the filter's order:
 * `seq` is log order, `severity` is errors first, then warnings, then info, each in log
 * order.
 *
 * @example
 * filterFindings(findings, { ...DEFAULT_FILTER, text: 'join' }); // Int32Array [0, 3]
 */
export function filterFindings(findings: readonly Finding[], filter: FindingsFilter): Int32Array {
  const needle = filter.text.trim().toLowerCase();
  const text = needle === '' ? undefined : haystackOf(findings);
  const kept: number[] = [];
  for (let k = 0; k < findings.length; k++) {
    const f = findings[k];
    if (f === undefined || !filter.severities[f.severity]) continue;
    if (filter.code !== null && f.code !== filter.code) continue;
    if (text !== undefined && !(text[k] ?? '').includes(needle)) continue;
    kept.push(k);
  }
  // Array.prototype.sort is stable: findings of one event keep their order.
  kept.sort((a, b) => {
    const x = findings[a];
    const y = findings[b];
    if (x === undefined || y === undefined) return 0;
    if (filter.sort === 'severity') {
      const bySeverity = SEVERITY_RANK[x.severity] - SEVERITY_RANK[y.severity];
      if (bySeverity !== 0) return bySeverity;
    }
    return x.index - y.index;
  });
  return Int32Array.from(kept);
}

/**
 * The findings' log indexes, ascending: what {@link cursorFindingIndex} searches.
 *
 * @example
 * const order = eventOrder(findings); // once per list
 */
export function eventOrder(findings: readonly Finding[]): Int32Array {
  const out = Int32Array.from(findings, (f) => f.index);
  for (let k = 1; k < out.length; k++) {
    if ((out[k] ?? 0) < (out[k - 1] ?? 0)) return out.sort();
  }
  return out;
}

/**
 * The log index of the last finding's event at or before the cursor, or -1: the finding
 * the cursor has reached (several findings may be about that event). Binary search of
 * {@link eventOrder}: cheap at every cursor move.
 *
 * @example
 * cursorFindingIndex(eventOrder(findings), 50); // 46: the request that timed out at seq 46
 */
export function cursorFindingIndex(order: Int32Array, cursor: number): number {
  let lo = 0;
  let hi = order.length - 1;
  let found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    const v = order[mid] ?? 0;
    if (v <= cursor) {
      found = v;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return found;
}

/** Where `index` sits in the filtered `rows` (positions into `findings`), or -1. */
export function rowOfEvent(findings: readonly Finding[], rows: Int32Array, index: number): number {
  for (let p = 0; p < rows.length; p++) if (findings[rows[p] ?? -1]?.index === index) return p;
  return -1;
}

/** "3 errors", "1 warning", "2 info". */
export function severityCountLabel(severity: Severity, n: number): string {
  const count = formatCount(n);
  if (severity === 'info') return `${count} info`;
  return `${count} ${severity}${n === 1 ? '' : 's'}`;
}

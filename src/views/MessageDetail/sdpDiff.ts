/**
 * A line diff of two SDPs, section by section: the session part with the session part, and
 * each m-section with the one of the same `mid` and media kind (by position when either has
 * no mid), so
 * that a renegotiation that adds a track shows one added section instead of a wall of
 * changed lines.
 */
import { sdpLines, sdpSections, type SdpLine } from './sdp.ts';

export type DiffOp = 'same' | 'add' | 'del';

export interface DiffLine {
  readonly op: DiffOp;
  readonly text: string;
}

export type SectionStatus = 'same' | 'changed' | 'added' | 'removed';

export interface SectionDiff {
  /** `session`, or `m=audio mid 0`. */
  readonly label: string;
  readonly status: SectionStatus;
  readonly lines: readonly DiffLine[];
  readonly added: number;
  readonly removed: number;
}

export interface SdpDiff {
  readonly sections: readonly SectionDiff[];
  readonly added: number;
  readonly removed: number;
  readonly identical: boolean;
}

/** Above this many cells the LCS table is not built; the diff falls back to set membership. */
const MAX_CELLS = 1_000_000;

function byMembership(a: readonly string[], b: readonly string[]): DiffLine[] {
  const inB = new Map<string, number>();
  for (const t of b) inB.set(t, (inB.get(t) ?? 0) + 1);
  const inA = new Map<string, number>();
  for (const t of a) inA.set(t, (inA.get(t) ?? 0) + 1);
  const out: DiffLine[] = [];
  for (const t of a) {
    const n = inB.get(t) ?? 0;
    if (n > 0) inB.set(t, n - 1);
    else out.push({ op: 'del', text: t });
  }
  for (const t of b) {
    const n = inA.get(t) ?? 0;
    if (n > 0) {
      inA.set(t, n - 1);
      out.push({ op: 'same', text: t });
    } else out.push({ op: 'add', text: t });
  }
  return out;
}

/**
 * The shortest edit between two lists of lines (longest common subsequence), in order;
 * removals come before additions where both happen at one place.
 *
 * @example
 * diffLines(['a', 'b', 'c'], ['a', 'c', 'd']);
 * // [same a, del b, same c, add d]
 */
export function diffLines(a: readonly string[], b: readonly string[]): DiffLine[] {
  let start = 0;
  while (start < a.length && start < b.length && a[start] === b[start]) start++;
  let endA = a.length;
  let endB = b.length;
  while (endA > start && endB > start && a[endA - 1] === b[endB - 1]) {
    endA--;
    endB--;
  }
  const head: DiffLine[] = a.slice(0, start).map((text) => ({ op: 'same', text }));
  const tail: DiffLine[] = a.slice(endA).map((text) => ({ op: 'same', text }));
  const x = a.slice(start, endA);
  const y = b.slice(start, endB);
  const n = x.length;
  const m = y.length;
  if ((n + 1) * (m + 1) > MAX_CELLS) return [...head, ...byMembership(x, y), ...tail];
  // lcs[i * (m + 1) + j] = length of the LCS of x[i..] and y[j..]
  const w = m + 1;
  const lcs = new Int32Array((n + 1) * w);
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--) {
      lcs[i * w + j] =
        x[i] === y[j]
          ? (lcs[(i + 1) * w + j + 1] ?? 0) + 1
          : Math.max(lcs[(i + 1) * w + j] ?? 0, lcs[i * w + j + 1] ?? 0);
    }
  }
  const middle: DiffLine[] = [];
  let i = 0;
  let j = 0;
  while (i < n && j < m) {
    const xi = x[i] ?? '';
    if (xi === y[j]) {
      middle.push({ op: 'same', text: xi });
      i++;
      j++;
    } else if ((lcs[(i + 1) * w + j] ?? 0) >= (lcs[i * w + j + 1] ?? 0)) {
      middle.push({ op: 'del', text: xi });
      i++;
    } else {
      middle.push({ op: 'add', text: y[j] ?? '' });
      j++;
    }
  }
  for (; i < n; i++) middle.push({ op: 'del', text: x[i] ?? '' });
  for (; j < m; j++) middle.push({ op: 'add', text: y[j] ?? '' });
  return [...head, ...middle, ...tail];
}

interface Section {
  readonly label: string;
  readonly kind: string;
  readonly mid: string | undefined;
  readonly lines: readonly string[];
}

function sectionsOf(sdp: string): Section[] {
  const { session, media } = sdpSections(sdpLines(sdp));
  const texts = (ls: readonly SdpLine[]) => ls.map((l) => l.text);
  const out: Section[] = [{ label: 'session', kind: '', mid: undefined, lines: texts(session) }];
  media.forEach((ls, k) => {
    const mid = ls.find((l) => l.text.startsWith('a=mid:'))?.text.slice('a=mid:'.length);
    const kind = (ls[0]?.text ?? 'm=?').slice(2).split(' ')[0] ?? '?';
    out.push({
      label: `m=${kind} ${mid === undefined ? `#${k}` : `mid ${mid}`}`,
      kind,
      mid,
      lines: texts(ls),
    });
  });
  return out;
}

function sectionDiff(label: string, before: Section | undefined, after: Section | undefined) {
  const lines = diffLines(before?.lines ?? [], after?.lines ?? []);
  let added = 0;
  let removed = 0;
  for (const l of lines) {
    if (l.op === 'add') added++;
    else if (l.op === 'del') removed++;
  }
  const status: SectionStatus =
    before === undefined
      ? 'added'
      : after === undefined
        ? 'removed'
        : added + removed === 0
          ? 'same'
          : 'changed';
  return { label, status, lines, added, removed };
}

/**
 * The diff from `before` to `after`, per section.
 *
 * @example
 * const d = diffSdp(offer1, offer2);
 * d.sections.filter((s) => s.status !== 'same').map((s) => s.label); // ['m=video mid 1']
 */
export function diffSdp(before: string, after: string): SdpDiff {
  const a = sectionsOf(before);
  const b = sectionsOf(after);
  const [aSession, ...aMedia] = a;
  const [bSession, ...bMedia] = b;
  const byMid =
    aMedia.every((s) => s.mid !== undefined) && bMedia.every((s) => s.mid !== undefined);
  const used = new Set<number>();
  const sections: SectionDiff[] = [sectionDiff('session', aSession, bSession)];
  bMedia.forEach((s, k) => {
    const match = byMid ? aMedia.findIndex((x, idx) => !used.has(idx) && x.mid === s.mid) : k;
    const candidate = match >= 0 && match < aMedia.length ? aMedia[match] : undefined;
    // A section whose media kind changed is another section, whatever its mid.
    const old = candidate?.kind === s.kind ? candidate : undefined;
    if (old) used.add(match);
    sections.push(sectionDiff(s.label, old, s));
  });
  aMedia.forEach((s, k) => {
    if (!used.has(k)) sections.push(sectionDiff(s.label, s, undefined));
  });
  let added = 0;
  let removed = 0;
  for (const s of sections) {
    added += s.added;
    removed += s.removed;
  }
  return { sections, added, removed, identical: added + removed === 0 };
}

export type FoldedLine = DiffLine | { readonly op: 'fold'; readonly count: number };

/**
 * Keeps `context` unchanged lines around each change and folds longer unchanged runs into
 * one `fold` entry, as a unified diff does.
 *
 * @example
 * foldContext(lines, 2); // [..., { op: 'fold', count: 14 }, ...]
 */
export function foldContext(lines: readonly DiffLine[], context = 2): FoldedLine[] {
  const keep = new Uint8Array(lines.length);
  lines.forEach((l, k) => {
    if (l.op === 'same') return;
    for (let d = Math.max(0, k - context); d <= Math.min(lines.length - 1, k + context); d++) {
      keep[d] = 1;
    }
  });
  const out: FoldedLine[] = [];
  let run = 0;
  lines.forEach((l, k) => {
    if (keep[k] === 1) {
      if (run > 0) out.push({ op: 'fold', count: run });
      run = 0;
      out.push(l);
    } else run++;
  });
  if (run > 0) out.push({ op: 'fold', count: run });
  return out;
}

/**
 * The part of the inspector's state a shared link carries: cursor, selection, filter, tabs and
 * the machine shown. Seqs, not log indexes, so a link means the same event in any reading of
 * the capture. Other parameters (`capture`, `connect`, …) are kept as they are.
 *
 * @example
 * parseInspectorUrl('?capture=x&cursor=12&q=join').cursorSeq; // 12
 * writeInspectorUrl('?capture=x', { ...state, selectedSeq: 3 }); // '?capture=x&sel=3'
 */
import { ALL_KINDS, KIND_GROUPS } from '../../views/EventList/rows.ts';
import type { KindGroup } from '../../views/EventList/types.ts';
import { NO_FILTER, type DirectionFilter, type InspectorFilter } from './filter.ts';

export interface InspectorUrlState {
  readonly cursorSeq: number | null;
  readonly selectedSeq: number | null;
  readonly filter: InspectorFilter;
  /** The main area's tab (`sequence`, `list`). */
  readonly view: string | null;
  /** The side panel's tab (`detail`, `room`, `machines`, `findings`). */
  readonly panel: string | null;
  /** The machine instance shown, `kind:id`. */
  readonly machine: string | null;
}

export const DEFAULT_URL_STATE: InspectorUrlState = Object.freeze({
  cursorSeq: null,
  selectedSeq: null,
  filter: NO_FILTER,
  view: null,
  panel: null,
  machine: null,
});

const KEYS = [
  'cursor',
  'sel',
  'q',
  'kinds',
  'problems',
  'methods',
  'dir',
  'conns',
  'mentions',
  'about',
  'view',
  'panel',
  'machine',
];

function seqParam(p: URLSearchParams, key: string): number | null {
  const v = p.get(key);
  if (v === null || !/^\d+$/.test(v)) return null;
  return Number(v);
}

/** A comma-separated list; `%` and `,` inside an item are written `%25` and `%2C`. */
function listParam(p: URLSearchParams, key: string): string[] | null {
  const v = p.get(key);
  if (v === null) return null;
  return v === ''
    ? []
    : v.split(',').map((s) => s.replace(/%2C|%25/gi, (m) => (m === '%25' ? '%' : ',')));
}

function joinList(items: Iterable<string>): string {
  return [...items].map((s) => s.replace(/%/g, '%25').replace(/,/g, '%2C')).join(',');
}

const GROUPS = new Set<string>(KIND_GROUPS.map((k) => k.group));

export function parseInspectorUrl(search: string): InspectorUrlState {
  const p = new URLSearchParams(search);
  const kinds = listParam(p, 'kinds');
  const methods = listParam(p, 'methods');
  const conns = listParam(p, 'conns');
  const mentions = listParam(p, 'mentions');
  const dir = p.get('dir');
  const filter: InspectorFilter = {
    text: p.get('q') ?? '',
    kinds: kinds === null ? ALL_KINDS : new Set(kinds.filter((k): k is KindGroup => GROUPS.has(k))),
    problemsOnly: p.get('problems') === '1',
    methods: methods === null ? null : new Set(methods),
    dir: dir === 'in' || dir === 'out' ? (dir satisfies DirectionFilter) : 'both',
    conns: conns === null ? null : new Set(conns),
    mentions:
      mentions === null || mentions.length === 0
        ? null
        : { ids: mentions, label: p.get('about') ?? mentions.join(', ') },
  };
  return {
    cursorSeq: seqParam(p, 'cursor'),
    selectedSeq: seqParam(p, 'sel'),
    filter,
    view: p.get('view'),
    panel: p.get('panel'),
    machine: p.get('machine'),
  };
}

/** `search` with the inspector's parameters replaced by `state`'s (defaults left out). */
export function writeInspectorUrl(search: string, state: InspectorUrlState): string {
  const p = new URLSearchParams(search);
  for (const k of KEYS) p.delete(k);
  const f = state.filter;
  if (state.cursorSeq !== null && state.cursorSeq !== state.selectedSeq) {
    p.set('cursor', String(state.cursorSeq));
  }
  if (state.selectedSeq !== null) p.set('sel', String(state.selectedSeq));
  if (f.text !== '') p.set('q', f.text);
  if (f.kinds.size !== ALL_KINDS.size) {
    p.set('kinds', joinList(KIND_GROUPS.map((k) => k.group).filter((g) => f.kinds.has(g))));
  }
  if (f.problemsOnly) p.set('problems', '1');
  if (f.methods !== null) p.set('methods', joinList([...f.methods].sort()));
  if (f.dir !== 'both') p.set('dir', f.dir);
  if (f.conns !== null) p.set('conns', joinList([...f.conns].sort()));
  if (f.mentions !== null) {
    p.set('mentions', joinList(f.mentions.ids));
    p.set('about', f.mentions.label);
  }
  if (state.view !== null) p.set('view', state.view);
  if (state.panel !== null) p.set('panel', state.panel);
  if (state.machine !== null) p.set('machine', state.machine);
  const s = p.toString();
  return s === '' ? '' : `?${s}`;
}

import { describe, expect, it } from 'vitest';
import {
  PAGE_SIZE,
  containerPreview,
  copyText,
  EXPAND_ALL_DEPTH,
  expandAll,
  initialExpanded,
  pathKey,
  pathText,
  rowLabel,
  valueAt,
  visibleRows,
  type TreeRow,
} from './jsonTree.ts';

const names = (rows: readonly TreeRow[]) =>
  rows.map((r) =>
    r.kind === 'more' ? `more ${r.shown}/${r.total}` : `${r.level}:${String(r.name)}`,
  );

describe('visibleRows()', () => {
  const value = { peers: [{ id: 'a' }, { id: 'b' }], n: 1 };

  it('shows the root only when nothing is expanded', () => {
    const rows = visibleRows(value, { expanded: new Set(), pages: new Map() });
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      kind: 'value',
      level: 1,
      type: 'object',
      size: 2,
      expanded: false,
    });
  });

  it('shows the children of expanded containers, depth first, with levels and positions', () => {
    const expanded = new Set([pathKey([]), pathKey(['peers'])]);
    const rows = visibleRows(value, { expanded, pages: new Map() });
    expect(names(rows)).toEqual(['1:undefined', '2:peers', '3:0', '3:1', '2:n']);
    const peer1 = rows[3];
    expect(peer1).toMatchObject({ posinset: 2, setsize: 2, parent: pathKey(['peers']) });
    expect(rows[4]).toMatchObject({ posinset: 2, setsize: 2, type: 'number', value: 1 });
  });

  it('pages big arrays: a "more" row after the first page, more pages on demand', () => {
    const big = Array.from({ length: 250 }, (_, k) => k);
    const open = new Set([pathKey([])]);
    const first = visibleRows(big, { expanded: open, pages: new Map() });
    expect(first).toHaveLength(1 + PAGE_SIZE + 1);
    expect(first.at(-1)).toMatchObject({
      kind: 'more',
      shown: 100,
      total: 250,
      posinset: 101,
      setsize: 101,
    });
    const all = visibleRows(big, { expanded: open, pages: new Map([[pathKey([]), 250]]) });
    expect(all).toHaveLength(251);
    expect(all.some((r) => r.kind === 'more')).toBe(false);
  });

  it('treats primitives as a single row', () => {
    expect(
      visibleRows('text', { expanded: new Set([pathKey([])]), pages: new Map() }),
    ).toMatchObject([{ type: 'string', value: 'text', size: 0, expanded: false }]);
  });
});

describe('initialExpanded() and expandAll()', () => {
  it('opens the root and its children at first', () => {
    const value = { a: { b: { c: 1 } }, d: [1] };
    expect([...initialExpanded(value)].sort()).toEqual(
      [pathKey([]), pathKey(['a']), pathKey(['d'])].sort(),
    );
  });

  it('opens every container when they fit the budget', () => {
    const value = { a: { b: { c: [1, 2] } } };
    const r = expandAll(value);
    expect(r.complete).toBe(true);
    expect(r.expanded.size).toBe(4);
  });

  it('stops at the budget and says so', () => {
    const value = Array.from({ length: 50 }, () => ({
      x: Array.from({ length: 50 }, (_, k) => k),
    }));
    const r = expandAll(value, 500);
    expect(r.complete).toBe(false);
    const rows = visibleRows(value, { expanded: r.expanded, pages: new Map() });
    expect(rows.length).toBeLessThanOrEqual(500);
  });

  it('stops at EXPAND_ALL_DEPTH levels on a chain nested 100,000 deep, quickly', () => {
    const value: unknown = JSON.parse('['.repeat(100_000) + ']'.repeat(100_000));
    const start = performance.now();
    const r = expandAll(value);
    const rows = visibleRows(value, { expanded: r.expanded, pages: new Map() });
    expect(r.complete).toBe(false);
    expect(r.expanded.size).toBe(EXPAND_ALL_DEPTH);
    expect(rows.length).toBe(EXPAND_ALL_DEPTH + 1);
    // Was ~100 ms per frame (a path key per level, each as long as its depth).
    expect(performance.now() - start).toBeLessThan(1000);
  });
});

describe('paths', () => {
  it('writes paths as JavaScript accessors', () => {
    expect(pathText(['peers', 0, 'displayName'], 'data')).toBe('data.peers[0].displayName');
    expect(pathText(['display name', '0x', '$ok'], 'data')).toBe('data["display name"]["0x"].$ok');
    expect(pathText([], 'frame')).toBe('frame');
  });

  it('keys paths unambiguously', () => {
    expect(pathKey(['a', 0])).not.toBe(pathKey(['a', '0']));
    expect(pathKey(['a.b'])).not.toBe(pathKey(['a', 'b']));
  });

  it('finds the value at a path', () => {
    expect(valueAt({ a: [{ b: 2 }] }, ['a', 0, 'b'])).toBe(2);
    expect(valueAt({ a: 1 }, ['a', 'b'])).toBeUndefined();
  });
});

describe('rowLabel()', () => {
  it('names a row by what it holds', () => {
    const value = { peers: [{}], n: 1, s: 'x', z: null, one: { a: 1 } };
    const rows = visibleRows(value, { expanded: new Set([pathKey([])]), pages: new Map() });
    expect(rows.map((r) => (r.kind === 'value' ? rowLabel(r, 'data') : r.kind))).toEqual([
      'data: object, 5 members',
      'peers: array, 1 item',
      'n: 1',
      's: "x"',
      'z: null',
      'one: object, 1 member',
    ]);
  });
});

describe('containerPreview() and copyText()', () => {
  it('summarises a closed container in one line', () => {
    expect(containerPreview({ id: 'abc', n: 2, ok: true, z: null })).toBe(
      '{id: "abc", n: 2, ok: true, z: null}',
    );
    expect(containerPreview([1, 'x', [1, 2], {}])).toBe('[1, "x", [2], {…}]');
    expect(containerPreview({ long: 'y'.repeat(100) })).toBe(`{long: "${'y'.repeat(23)}…"}`);
    expect(
      containerPreview(Object.fromEntries(Array.from({ length: 30 }, (_, k) => [`k${k}`, k]))),
    ).toMatch(/, …}$/);
  });

  it('copies strings as they are and the rest as pretty JSON', () => {
    expect(copyText('a"b')).toBe('a"b');
    expect(copyText({ a: 1 })).toBe('{\n  "a": 1\n}');
    expect(copyText(null)).toBe('null');
  });
});

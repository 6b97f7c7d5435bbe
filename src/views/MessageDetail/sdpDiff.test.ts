import { describe, expect, it } from 'vitest';
import { diffLines, diffSdp, foldContext, type DiffLine } from './sdpDiff.ts';
import { OFFER_1_SDP, OFFER_2_SDP } from './samples.ts';

const ops = (lines: readonly DiffLine[]) => lines.map((l) => `${l.op} ${l.text}`);

describe('diffLines()', () => {
  it('keeps common lines and marks the rest, removals first', () => {
    expect(ops(diffLines(['a', 'b', 'c'], ['a', 'c', 'd']))).toEqual([
      'same a',
      'del b',
      'same c',
      'add d',
    ]);
    expect(ops(diffLines(['a', 'x', 'c'], ['a', 'y', 'c']))).toEqual([
      'same a',
      'del x',
      'add y',
      'same c',
    ]);
  });

  it('handles empty sides', () => {
    expect(ops(diffLines([], ['a']))).toEqual(['add a']);
    expect(ops(diffLines(['a'], []))).toEqual(['del a']);
    expect(diffLines([], [])).toEqual([]);
  });

  it('finds the longest common subsequence, not just a prefix', () => {
    const out = diffLines(['1', '2', '3', '4', '5'], ['0', '2', '3', '5', '6']);
    expect(out.filter((l) => l.op === 'same').map((l) => l.text)).toEqual(['2', '3', '5']);
  });

  it('falls back to membership for huge inputs and still accounts for every line', () => {
    const a = Array.from({ length: 1500 }, (_, k) => `a${k}`);
    const b = Array.from({ length: 1500 }, (_, k) => (k % 2 === 0 ? `a${k}` : `b${k}`));
    const out = diffLines(a, b);
    expect(out.filter((l) => l.op !== 'add')).toHaveLength(1500);
    expect(out.filter((l) => l.op !== 'del')).toHaveLength(1500);
    expect(out.filter((l) => l.op === 'same')).toHaveLength(750);
  });
});

describe('diffSdp()', () => {
  it('matches m-sections by mid: the added video is one added section', () => {
    const d = diffSdp(OFFER_1_SDP, OFFER_2_SDP);
    expect(d.identical).toBe(false);
    const byLabel = Object.fromEntries(d.sections.map((s) => [s.label, s]));
    expect(d.sections.map((s) => s.label)).toEqual([
      'session',
      'm=audio mid 0',
      'm=application mid 1',
      'm=video mid 2',
    ]);
    expect(byLabel['m=video mid 2']?.status).toBe('added');
    expect(byLabel['m=video mid 2']?.removed).toBe(0);
    expect(byLabel['m=application mid 1']?.status).toBe('same');
    expect(byLabel['m=audio mid 0']?.status).toBe('changed');
    expect(ops(byLabel['m=audio mid 0']?.lines.filter((l) => l.op !== 'same') ?? [])).toEqual([
      'del a=sendrecv',
      'add a=sendonly',
    ]);
    expect(ops(byLabel.session?.lines.filter((l) => l.op !== 'same') ?? [])).toEqual([
      'del o=- 4611731400430051336 2 IN IP4 127.0.0.1',
      'add o=- 4611731400430051336 3 IN IP4 127.0.0.1',
      'del a=group:BUNDLE 0 1',
      'add a=group:BUNDLE 0 1 2',
    ]);
    expect(d.added).toBe(d.sections.reduce((n, s) => n + s.added, 0));
  });

  it('says identical for the same SDP', () => {
    const d = diffSdp(OFFER_1_SDP, OFFER_1_SDP);
    expect(d.identical).toBe(true);
    expect(d.sections.every((s) => s.status === 'same')).toBe(true);
  });

  it('treats a mid reused by another media kind as a removed and an added section', () => {
    const a = 'v=0\r\nm=audio 9 RTP/AVP 0\r\na=mid:0\r\n';
    const b = 'v=0\r\nm=video 9 RTP/AVP 96\r\na=mid:0\r\n';
    expect(diffSdp(a, b).sections.map((s) => [s.label, s.status])).toEqual([
      ['session', 'same'],
      ['m=video mid 0', 'added'],
      ['m=audio mid 0', 'removed'],
    ]);
  });

  it('matches by position when sections have no mid', () => {
    const a = 'v=0\r\nm=audio 9 RTP/AVP 0\r\na=sendrecv\r\n';
    const b = 'v=0\r\nm=audio 9 RTP/AVP 0\r\na=inactive\r\n';
    const d = diffSdp(a, b);
    expect(d.sections.map((s) => [s.label, s.status])).toEqual([
      ['session', 'same'],
      ['m=audio #0', 'changed'],
    ]);
  });
});

describe('foldContext()', () => {
  it('keeps two lines of context around changes and folds the rest', () => {
    const lines: DiffLine[] = [
      ...Array.from({ length: 10 }, (_, k) => ({ op: 'same' as const, text: `s${k}` })),
      { op: 'add', text: 'new' },
      ...Array.from({ length: 10 }, (_, k) => ({ op: 'same' as const, text: `t${k}` })),
    ];
    const out = foldContext(lines, 2);
    expect(out).toEqual([
      { op: 'fold', count: 8 },
      { op: 'same', text: 's8' },
      { op: 'same', text: 's9' },
      { op: 'add', text: 'new' },
      { op: 'same', text: 't0' },
      { op: 'same', text: 't1' },
      { op: 'fold', count: 8 },
    ]);
  });

  it('folds everything when nothing changed', () => {
    expect(foldContext([{ op: 'same', text: 'a' }])).toEqual([{ op: 'fold', count: 1 }]);
  });
});

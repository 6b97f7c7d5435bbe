import { describe, expect, it } from 'vitest';
import type { Finding, FindingCode, Severity } from '../../projections/findings.ts';
import { allFindings } from '../../projections/machineFindings.ts';
import { fixtureSession } from '../shared/sessions.ts';
import {
  DEFAULT_FILTER,
  codeCounts,
  codeDescription,
  cursorFindingIndex,
  eventOrder,
  filterFindings,
  isFiltering,
  rowOfEvent,
  severityCountLabel,
  severityCounts,
} from './model.ts';

function finding(
  index: number,
  code: FindingCode,
  severity: Severity,
  message: string,
  extra: Partial<Finding> = {},
): Finding {
  return { code, severity, seq: index + 100, index, conn: 'c1', message, ...extra };
}

const LIST: readonly Finding[] = [
  finding(2, 'invalid-frame', 'error', 'not JSON'),
  finding(5, 'error-response', 'warning', 'join (id 1) failed: 500 boom'),
  finding(5, 'consumer-not-accepted', 'warning', 'the client rejected it', { conn: 'c2' }),
  finding(9, 'binary-frame', 'info', 'binary frame: protoo ignores it'),
  finding(12, 'request-timeout', 'error', 'getTransportStats got no answer'),
  finding(20, 'model-mismatch', 'warning', 'pc p1: the browser reported …', {
    conn: undefined,
    machine: { kind: 'peer-connection', id: 'pc-Ω' },
  }),
];

const codesOf = (rows: Int32Array) => [...rows].map((k) => LIST[k]?.code);

describe('counts', () => {
  it('counts per severity and per code, most severe and frequent first', () => {
    expect(severityCounts(LIST)).toEqual({ error: 2, warning: 3, info: 1 });
    expect(severityCounts([])).toEqual({ error: 0, warning: 0, info: 0 });
    const twice = [...LIST, finding(30, 'error-response', 'warning', 'again')];
    expect(codeCounts(twice).map((c) => `${c.code}:${String(c.count)}`)).toEqual([
      'invalid-frame:1',
      'request-timeout:1',
      'error-response:2',
      'consumer-not-accepted:1',
      'model-mismatch:1',
      'binary-frame:1',
    ]);
  });

  it('says counts in words', () => {
    expect(severityCountLabel('error', 1)).toBe('1 error');
    expect(severityCountLabel('warning', 1200)).toBe('1,200 warnings');
    expect(severityCountLabel('info', 3)).toBe('3 info');
  });

  it('describes a code from the catalog, and nothing for an unknown one', () => {
    expect(codeDescription('request-timeout')).toMatch(/^A request got no answer/);
    expect(codeDescription('no-such-code')).toBeUndefined();
  });
});

describe('filterFindings', () => {
  it('keeps log order by default', () => {
    expect(codesOf(filterFindings(LIST, DEFAULT_FILTER))).toEqual(LIST.map((f) => f.code));
    expect(isFiltering(DEFAULT_FILTER)).toBe(false);
  });

  it('sorts errors first, then warnings, then info, each in log order', () => {
    const rows = filterFindings(LIST, { ...DEFAULT_FILTER, sort: 'severity' });
    expect(codesOf(rows)).toEqual([
      'invalid-frame',
      'request-timeout',
      'error-response',
      'consumer-not-accepted',
      'model-mismatch',
      'binary-frame',
    ]);
    expect(isFiltering({ ...DEFAULT_FILTER, sort: 'severity' })).toBe(false);
  });

  it('hides the severities switched off', () => {
    const filter = {
      ...DEFAULT_FILTER,
      severities: { error: false, warning: true, info: false },
    };
    expect(codesOf(filterFindings(LIST, filter))).toEqual([
      'error-response',
      'consumer-not-accepted',
      'model-mismatch',
    ]);
    expect(isFiltering(filter)).toBe(true);
  });

  it('keeps one code', () => {
    const rows = filterFindings(LIST, { ...DEFAULT_FILTER, code: 'request-timeout' });
    expect(codesOf(rows)).toEqual(['request-timeout']);
  });

  it('matches free text in message, code, connection, machine and seq, ignoring case', () => {
    const text = (t: string) => codesOf(filterFindings(LIST, { ...DEFAULT_FILTER, text: t }));
    expect(text('JOIN')).toEqual(['error-response']);
    expect(text('binary-fr')).toEqual(['binary-frame']);
    expect(text('c2')).toEqual(['consumer-not-accepted']);
    expect(text('pc-ω')).toEqual(['model-mismatch']);
    expect(text('seq 112')).toEqual(['request-timeout']);
    expect(text('  ')).toEqual(LIST.map((f) => f.code));
    expect(text('nothing like it')).toEqual([]);
  });
});

describe('the cursor', () => {
  it('reaches the last finding at or before it', () => {
    const order = eventOrder(LIST);
    expect([...order]).toEqual([2, 5, 5, 9, 12, 20]);
    expect(cursorFindingIndex(order, -1)).toBe(-1);
    expect(cursorFindingIndex(order, 1)).toBe(-1);
    expect(cursorFindingIndex(order, 2)).toBe(2);
    expect(cursorFindingIndex(order, 8)).toBe(5);
    expect(cursorFindingIndex(order, 1000)).toBe(20);
    expect(cursorFindingIndex(new Int32Array(0), 5)).toBe(-1);
  });

  it('orders a list that is not in log order', () => {
    const order = eventOrder([...LIST].reverse());
    expect([...order]).toEqual([2, 5, 5, 9, 12, 20]);
    expect(cursorFindingIndex(order, 10)).toBe(9);
  });

  it('finds the row of an event in the shown rows', () => {
    const rows = filterFindings(LIST, { ...DEFAULT_FILTER, sort: 'severity' });
    expect(rowOfEvent(LIST, rows, 12)).toBe(1);
    expect(rowOfEvent(LIST, rows, 5)).toBe(2);
    expect(rowOfEvent(LIST, rows, 3)).toBe(-1);
  });

  it('works on a real capture', () => {
    const a = fixtureSession('request-timeout');
    const f = allFindings(a);
    expect(cursorFindingIndex(eventOrder(f), a.log.indexOfSeq(50))).toBe(a.log.indexOfSeq(46));
    const errors = filterFindings(f, {
      ...DEFAULT_FILTER,
      severities: { error: true, warning: false, info: false },
    });
    expect([...errors].map((k) => f[k]?.code)).toEqual([
      'request-timeout',
      'request-timeout',
      'request-timeout',
      'request-timeout',
    ]);
  });
});

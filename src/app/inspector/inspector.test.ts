import { describe, expect, it } from 'vitest';
import { fixtureSession, hostileSession } from '../../views/shared/sessions.ts';
import { ALL_KINDS } from '../../views/EventList/rows.ts';
import { NO_FILTER, isNoFilter, methodCounts, visibleIndexes } from './filter.ts';
import { DEFAULT_URL_STATE, parseInspectorUrl, writeInspectorUrl } from './urlState.ts';
import { initialInspectorState, inspectorReducer, urlStateOf } from './useInspector.ts';

describe('visibleIndexes', () => {
  const a = fixtureSession('legacy-participant-join');

  it('keeps every event with no filter', () => {
    const all = visibleIndexes(a, NO_FILTER);
    expect(all.length).toBe(a.length);
    expect(all[a.length - 1]).toBe(a.length - 1);
  });

  it('keeps only the methods asked for, requests and their responses', () => {
    const v = [...visibleIndexes(a, { ...NO_FILTER, methods: new Set(['join']) })];
    expect(v.length).toBe(2);
    expect(v.map((i) => a.method(i))).toEqual(['join', 'join']);
    expect(v.map((i) => a.kind(i))).toEqual(['request', 'success']);
  });

  it('filters by direction and by kind together', () => {
    const v = visibleIndexes(a, { ...NO_FILTER, dir: 'in', kinds: new Set(['notification']) });
    expect(v.length).toBeGreaterThan(0);
    for (const i of v) {
      expect(a.log.dir(i)).toBe('in');
      expect(a.kind(i)).toBe('notification');
    }
  });

  it('keeps the events that mention an id, frames and pc events alike', () => {
    const consumer = [...visibleIndexes(a, NO_FILTER)].find(
      (i) => a.method(i) === 'newConsumer' && a.kind(i) === 'request',
    );
    expect(consumer).toBeDefined();
    const data = a.message(consumer ?? 0);
    const id = data?.kind === 'request' ? (data.data as { id: string }).id : '';
    expect(id).not.toBe('');
    const v = [...visibleIndexes(a, { ...NO_FILTER, mentions: { label: 'c', ids: [id] } })];
    expect(v).toContain(consumer);
    for (const i of v) expect(a.log.frameText(i) ?? JSON.stringify(a.log.get(i))).toContain(id);
    // The response to newConsumer does not name the consumer: not kept.
    expect(v.length).toBeLessThan(a.length);
  });

  it('matches free text in methods and numbers as seq or id', () => {
    const v = visibleIndexes(a, { ...NO_FILTER, text: 'PRODUCE' });
    expect(v.length).toBeGreaterThan(0);
    for (const i of v) expect(a.method(i)?.toLowerCase()).toContain('produce');
    expect([...visibleIndexes(a, { ...NO_FILTER, text: '3' })]).toContain(a.log.indexOfSeq(3));
  });

  it('filters by connection name and problems only', () => {
    const h = hostileSession();
    const conn = h.log.connName(0);
    expect(visibleIndexes(h, { ...NO_FILTER, conns: new Set([conn]) }).length).toBe(h.length);
    expect(visibleIndexes(h, { ...NO_FILTER, conns: new Set(['nobody']) }).length).toBe(0);
    const problems = [...visibleIndexes(h, { ...NO_FILTER, problemsOnly: true })];
    expect(problems.map((i) => h.kind(i))).toEqual(expect.arrayContaining(['invalid']));
  });

  it('puts mesh and two-party frames in their own kind, as the event list does', () => {
    const mesh = fixtureSession('mesh-room');
    const rooms = [...visibleIndexes(mesh, { ...NO_FILTER, kinds: new Set(['room']) })];
    expect(rooms.length).toBeGreaterThan(0);
    for (const i of rooms) expect(mesh.kind(i)).toBe('room');
    const notifications = visibleIndexes(mesh, { ...NO_FILTER, kinds: new Set(['notification']) });
    expect(notifications.length).toBe(0);
  });

  it('counts methods most frequent first', () => {
    const counts = methodCounts(a);
    expect(counts[0]?.count).toBeGreaterThanOrEqual(counts[1]?.count ?? 0);
    expect(counts.find((c) => c.method === 'join')?.count).toBe(2);
  });
});

describe('inspector URL state', () => {
  it('round-trips every field and keeps other parameters', () => {
    const state = {
      cursorSeq: 40,
      selectedSeq: 12,
      filter: {
        text: 'join, or not',
        kinds: new Set(['request', 'response'] as const),
        problemsOnly: true,
        methods: new Set(['join', 'a,b', '100%']),
        dir: 'out' as const,
        conns: new Set(['c1']),
        mentions: { label: 'consumer x', ids: ['x', 'y,z'] },
      },
      view: 'list',
      panel: 'room',
      machine: 'protoo-peer:c1',
    };
    const search = writeInspectorUrl('?capture=examples/a.jsonl&cursor=3', state);
    expect(search).toContain('capture=examples%2Fa.jsonl');
    const back = parseInspectorUrl(search);
    expect(back.cursorSeq).toBe(40);
    expect(back.selectedSeq).toBe(12);
    expect(back.filter.text).toBe('join, or not');
    expect([...back.filter.kinds].sort()).toEqual(['request', 'response']);
    expect(back.filter.problemsOnly).toBe(true);
    expect([...(back.filter.methods ?? [])].sort()).toEqual(['100%', 'a,b', 'join']);
    expect(back.filter.dir).toBe('out');
    expect([...(back.filter.conns ?? [])]).toEqual(['c1']);
    expect(back.filter.mentions).toEqual({ label: 'consumer x', ids: ['x', 'y,z'] });
    expect(back.view).toBe('list');
    expect(back.panel).toBe('room');
    expect(back.machine).toBe('protoo-peer:c1');
  });

  it('leaves defaults out and ignores nonsense', () => {
    expect(writeInspectorUrl('?capture=x', DEFAULT_URL_STATE)).toBe('?capture=x');
    const s = parseInspectorUrl('?cursor=-4&sel=abc&dir=sideways&kinds=request,bogus');
    expect(s.cursorSeq).toBeNull();
    expect(s.selectedSeq).toBeNull();
    expect(s.filter.dir).toBe('both');
    expect([...s.filter.kinds]).toEqual(['request']);
    expect(isNoFilter(parseInspectorUrl('').filter)).toBe(true);
    expect(parseInspectorUrl('').filter.kinds.size).toBe(ALL_KINDS.size);
  });

  it('writes the cursor only when it differs from the selection', () => {
    const s = writeInspectorUrl('', { ...DEFAULT_URL_STATE, cursorSeq: 5, selectedSeq: 5 });
    expect(s).toBe('?sel=5');
  });
});

describe('inspector state', () => {
  const a = fixtureSession('request-timeout');
  const last = a.length - 1;
  const base = initialInspectorState(a, parseInspectorUrl(''), false);

  it('opens at the end of the session with nothing selected', () => {
    expect(base.cursor).toBe(last);
    expect(base.selected).toBeNull();
    expect(base.view).toBe('sequence');
    expect(base.panel).toBe('detail');
    expect(base.following).toBe(false);
  });

  it('opens a link at its selection and cursor, by seq', () => {
    const seq = a.log.seq(3);
    const s = initialInspectorState(a, parseInspectorUrl(`?sel=${seq}&panel=room`), false);
    expect(s.selected).toBe(3);
    expect(s.cursor).toBe(3);
    expect(s.panel).toBe('room');
    const unknown = initialInspectorState(a, parseInspectorUrl('?sel=999999&view=nope'), false);
    expect(unknown.selected).toBeNull();
    expect(unknown.view).toBe('sequence');
  });

  it('selecting moves the cursor; stepping and following work at the edges', () => {
    let s = inspectorReducer(base, { type: 'select', index: 2 });
    expect(s.cursor).toBe(2);
    s = inspectorReducer(s, { type: 'step', by: -5, length: a.length });
    expect(s.cursor).toBe(-1);
    s = inspectorReducer(s, { type: 'step', by: 1e9, length: a.length });
    expect(s.cursor).toBe(last);
    s = inspectorReducer(s, { type: 'follow', length: a.length });
    expect(s.following).toBe(true);
    s = inspectorReducer(s, { type: 'grown', length: a.length + 5 });
    expect(s.cursor).toBe(last + 5);
    s = inspectorReducer(s, { type: 'cursor', index: 1, length: a.length + 5 });
    expect(s.following).toBe(false);
    s = inspectorReducer(s, { type: 'grown', length: a.length + 9 });
    expect(s.cursor).toBe(1);
  });

  it('follows a live session from the start unless a link pins a moment', () => {
    expect(initialInspectorState(a, parseInspectorUrl(''), true).following).toBe(true);
    expect(initialInspectorState(a, parseInspectorUrl('?cursor=2'), true).following).toBe(false);
  });

  it('writes back what it read', () => {
    const seq = a.log.seq(4);
    const search = `?capture=x&sel=${seq}&q=join&panel=findings`;
    const s = initialInspectorState(a, parseInspectorUrl(search), false);
    expect(writeInspectorUrl('?capture=x', urlStateOf(a, s))).toBe(search);
  });
});

describe('hostile values (found by fuzz/)', () => {
  it('"mentions" reads a pc event whose value is nested 20,000 deep', async () => {
    const { SessionLog } = await import('../../session/SessionLog.ts');
    const { SessionAnalysis } = await import('../../projections/analysis.ts');
    let value: unknown = { id: 'needle' };
    for (let k = 0; k < 20_000; k++) value = { a: value };
    const log = new SessionLog();
    log.append({ t: 0, type: 'pc', pc: 'p', event: 'create', value });
    log.append({ t: 1, type: 'note', text: 'other' });
    const a = new SessionAnalysis(log).update();
    const v = visibleIndexes(a, { ...NO_FILTER, mentions: { label: 'n', ids: ['needle'] } });
    expect([...v]).toEqual([0]);
  });
});

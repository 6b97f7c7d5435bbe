import { describe, expect, it } from 'vitest';
import { SessionLog, TYPE_CODE } from './SessionLog.ts';

describe('SessionLog', () => {
  it('assigns seq from 0 and materialises each event as appended', () => {
    const log = new SessionLog();
    log.append({ t: 0, type: 'ws.open', conn: 'c1', url: 'wss://h/' });
    log.append({ t: 5, type: 'ws.frame', conn: 'c1', dir: 'out', text: '{}' });
    log.append({ t: 6, type: 'ws.frame', conn: 'c1', dir: 'in', base64: 'AA==' });
    log.append({ t: 7, type: 'note', text: 'n' });
    expect(log.length).toBe(4);
    expect(log.get(0)).toEqual({ seq: 0, t: 0, type: 'ws.open', conn: 'c1', url: 'wss://h/' });
    expect(log.get(1)).toEqual({
      seq: 1,
      t: 5,
      type: 'ws.frame',
      conn: 'c1',
      dir: 'out',
      text: '{}',
    });
    expect(log.get(2)).toEqual({
      seq: 2,
      t: 6,
      type: 'ws.frame',
      conn: 'c1',
      dir: 'in',
      base64: 'AA==',
    });
    expect(log.get(3)).toEqual({ seq: 3, t: 7, type: 'note', text: 'n' });
    expect(log.frameText(1)).toBe('{}');
    expect(log.frameText(2)).toBeUndefined();
    expect(log.frameBase64(2)).toBe('AA==');
    expect(log.isBinaryFrame(2)).toBe(true);
    expect(log.typeCode(3)).toBe(TYPE_CODE.note);
    expect(log.dir(0)).toBeUndefined();
    expect(log.dir(2)).toBe('in');
  });

  it('indexes events by connection', () => {
    const log = new SessionLog();
    log.append({ t: 0, type: 'ws.open', conn: 'a', url: 'u' });
    log.append({ t: 0, type: 'ws.open', conn: 'b', url: 'u' });
    log.append({ t: 1, type: 'ws.frame', conn: 'a', dir: 'out', text: 'x' });
    log.append({ t: 2, type: 'note', text: 'no conn' });
    log.append({ t: 3, type: 'ws.close', conn: 'b', code: 1006 });
    expect(log.connections()).toEqual(['a', 'b']);
    expect([...log.eventsOfConn(0)]).toEqual([0, 2]);
    expect([...log.eventsOfConn(log.connIdOf('b') ?? -1)]).toEqual([1, 4]);
    expect(log.connId(3)).toBe(-1);
    expect([...log.eventsOfConn(99)]).toEqual([]);
  });

  it('keeps imported seqs with gaps and finds events by seq and by time', () => {
    const log = new SessionLog();
    log.appendWithSeq({ seq: 3, t: 10, type: 'note', text: 'a' });
    log.appendWithSeq({ seq: 7, t: 20, type: 'note', text: 'b' });
    log.appendWithSeq({ seq: 8, t: 20, type: 'note', text: 'c' });
    expect(log.indexOfSeq(7)).toBe(1);
    expect(log.indexOfSeq(5)).toBe(-1);
    expect(log.indexAtTime(5)).toBe(-1);
    expect(log.indexAtTime(15)).toBe(0);
    expect(log.indexAtTime(20)).toBe(2);
    expect(() => log.appendWithSeq({ seq: 8, t: 30, type: 'note', text: 'd' })).toThrow(RangeError);
    log.append({ t: 31, type: 'note', text: 'next' });
    expect(log.get(3).seq).toBe(9);
  });

  it('keeps extra fields of frames', () => {
    const log = new SessionLog();
    log.appendWithSeq({
      seq: 0,
      t: 0,
      type: 'ws.frame',
      conn: 'c',
      dir: 'in',
      text: 'x',
      extra: { client: 'k' },
    });
    expect(log.get(0)).toEqual({
      seq: 0,
      t: 0,
      type: 'ws.frame',
      conn: 'c',
      dir: 'in',
      text: 'x',
      extra: { client: 'k' },
    });
  });

  it('tells subscribers about every append until they unsubscribe', () => {
    const log = new SessionLog();
    const seen: number[] = [];
    const off = log.subscribe((i) => seen.push(i));
    log.append({ t: 0, type: 'note', text: 'a' });
    log.append({ t: 1, type: 'note', text: 'b' });
    off();
    log.append({ t: 2, type: 'note', text: 'c' });
    expect(seen).toEqual([0, 1]);
  });

  it('refuses indexes outside the log with a RangeError', () => {
    expect(() => new SessionLog().get(0)).toThrow('no event at index 0 (the log has 0)');
  });

  it('grows past its initial capacity (a million frames stay compact)', () => {
    const log = new SessionLog();
    for (let i = 0; i < 5000; i++)
      log.append({
        t: i,
        type: 'ws.frame',
        conn: `c${i % 3}`,
        dir: i % 2 ? 'in' : 'out',
        text: String(i),
      });
    expect(log.length).toBe(5000);
    expect(log.get(4999)).toMatchObject({
      seq: 4999,
      t: 4999,
      conn: 'c1',
      dir: 'in',
      text: '4999',
    });
    expect(log.eventsOfConn(0).length).toBe(1667);
    expect(log.endTime).toBe(4999);
  });
});

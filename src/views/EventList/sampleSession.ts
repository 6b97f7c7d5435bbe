/**
 * Small hand-made captures for the event list and app tests: one of every kind of row.
 * Builder functions return fresh frozen data, so tests cannot disturb each other.
 */
import { readCaptureText } from '../../session/capture.ts';
import { SessionAnalysis } from '../../projections/analysis.ts';

export const HOSTILE = '<img src=x onerror=alert(1)>';

const HEADER = {
  format: 'signalscope-capture',
  version: 1,
  created: '2026-11-22T10:00:00.000Z',
  source: { kind: 'fixture', title: 'every kind of row' },
};

type Line = Record<string, unknown>;

const req = (id: number, method: string, data: unknown = {}) =>
  JSON.stringify({ request: true, id, method, data });
const ok = (id: number, data: unknown = {}) =>
  JSON.stringify({ response: true, id, ok: true, data });
const fail = (id: number, errorCode: number, errorReason: string) =>
  JSON.stringify({ response: true, id, ok: false, errorCode, errorReason });
const notify = (method: string, data: unknown = {}) =>
  JSON.stringify({ notification: true, method, data });

/**
 * Every kind of row, by seq:
 * 0 ws.open · 1 request join (ok, 12.5 ms) · 2 its response · 3 request produce · 4 error 500 ·
 * 5 notification newPeer · 6 invalid (not JSON) · 7 binary · 8 request getTransportStats
 * (times out) · 9 orphan response id 99 · 10 pc · 11 note · 12 unknown type · 13 ws.error ·
 * 14 late response to 8 · 15 request pause (cut) · 16 ws.close 1006.
 */
export function sampleEvents(): readonly Line[] {
  const f = (seq: number, t: number, dir: 'in' | 'out', text: string): Line => ({
    seq,
    t,
    type: 'ws.frame',
    conn: 'c1',
    dir,
    text,
  });
  return Object.freeze([
    {
      seq: 0,
      t: 0,
      type: 'ws.open',
      conn: 'c1',
      url: 'wss://demo.example:4443/?roomId=r1&peerId=p1',
      protocol: 'protoo',
    },
    f(1, 12.5, 'out', req(1, 'join', { displayName: 'Ada', device: { name: 'Chrome' } })),
    f(2, 25, 'in', ok(1, { peers: [] })),
    f(3, 30, 'out', req(2, 'produce', { kind: 'audio' })),
    f(4, 45, 'in', fail(2, 500, 'boom: transport closed')),
    f(5, 50, 'in', notify('newPeer', { id: 'p2', displayName: 'Bob' })),
    f(6, 60, 'in', '{not json'),
    { seq: 7, t: 70, type: 'ws.frame', conn: 'c1', dir: 'in', base64: 'AAEC' },
    f(8, 80, 'out', req(3, 'getTransportStats', { transportId: 't1' })),
    f(9, 90, 'in', ok(99)),
    {
      seq: 10,
      t: 100,
      type: 'pc',
      pc: 'pc1',
      event: 'setLocalDescription',
      value: { type: 'offer', sdp: 'v=0\r\n' },
      conn: 'c1',
    },
    { seq: 11, t: 110, type: 'note', text: 'user clicked share screen' },
    { seq: 12, t: 120, type: 'custom.thing', conn: 'c1', payload: 1 },
    { seq: 13, t: 130, type: 'ws.error', conn: 'c1', message: 'connection refused' },
    f(14, 25_050, 'in', ok(3, {})),
    f(15, 25_060, 'out', req(4, 'pauseProducer', { producerId: 'x' })),
    { seq: 16, t: 25_100, type: 'ws.close', conn: 'c1', code: 1006, reason: '' },
  ]);
}

export function captureText(
  events: readonly Line[] = sampleEvents(),
  header: Line = HEADER,
): string {
  return [header, ...events].map((l) => JSON.stringify(l)).join('\n') + '\n';
}

/** The sample capture read and analysed. */
export function sampleAnalysis(events: readonly Line[] = sampleEvents()): SessionAnalysis {
  const { log, errors } = readCaptureText(captureText(events));
  if (errors.length > 0) throw new Error(`sample capture has errors: ${errors[0]?.message ?? ''}`);
  return new SessionAnalysis(log).update();
}

/** A request and an error response whose method and reason are HTML. */
export function hostileEvents(): readonly Line[] {
  return Object.freeze([
    { seq: 0, t: 0, type: 'ws.open', conn: HOSTILE, url: 'wss://h/' },
    {
      seq: 1,
      t: 1,
      type: 'ws.frame',
      conn: HOSTILE,
      dir: 'out',
      text: req(1, HOSTILE, { html: HOSTILE }),
    },
    { seq: 2, t: 2, type: 'ws.frame', conn: HOSTILE, dir: 'in', text: fail(1, 403, HOSTILE) },
    { seq: 3, t: 3, type: 'note', text: HOSTILE },
    { seq: 4, t: 4, type: 'ws.frame', conn: HOSTILE, dir: 'in', text: HOSTILE },
  ]);
}

/** `n` events: join then notifications, for virtualisation. */
export function manyEvents(n: number): readonly Line[] {
  const out: Line[] = [{ seq: 0, t: 0, type: 'ws.open', conn: 'c1', url: 'wss://h/' }];
  for (let seq = 1; seq < n; seq++) {
    out.push({
      seq,
      t: seq * 2,
      type: 'ws.frame',
      conn: 'c1',
      dir: 'in',
      text: notify('activeSpeaker', { peerId: `p${seq % 7}`, volume: -seq % 100 }),
    });
  }
  return out;
}

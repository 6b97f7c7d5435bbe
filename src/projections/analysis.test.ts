import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { FIXTURES, expectationsOf, fixtureFile, roomExpectationsOf } from '../../fixtures/index.ts';
import { encode } from '../protocol/codec.ts';
import { readCaptureText } from '../session/capture.ts';
import type { EventInput } from '../session/events.ts';
import { SessionLog } from '../session/SessionLog.ts';
import { describeRow, filterRows, kindGroupOf } from '../views/EventList/rows.ts';
import { SessionAnalysis } from './analysis.ts';
import { findings } from './findings.ts';
import { summarise } from './summary.ts';

function analyse(name: string): SessionAnalysis {
  const text = readFileSync(
    new URL(`../../fixtures/${fixtureFile(name)}`, import.meta.url),
    'utf8',
  );
  const { log, errors } = readCaptureText(text);
  expect(errors).toEqual([]);
  return new SessionAnalysis(log).update();
}

describe('SessionAnalysis on every fixture agrees with what the fixture meant', () => {
  for (const name of Object.keys(FIXTURES)) {
    it(`${name}: each frame decodes to its intended kind and each request ends as intended`, () => {
      const capture = FIXTURES[name]?.();
      if (!capture) throw new Error(name);
      const a = analyse(name);
      const log = a.log;
      const room = roomExpectationsOf(capture);
      if (room) {
        // A mesh / two-party capture: its own frame kind, never paired, never protoo.
        for (const f of room.frames) {
          const i = log.indexOfSeq(f.seq);
          expect(a.kind(i), `seq ${f.seq}`).toBe(f.valid ? 'room' : 'invalid');
          expect(a.method(i), `seq ${f.seq}`).toBe(f.type);
          expect(a.pairOf(i)).toBe(-1);
          expect(a.message(i)).toBeUndefined();
          expect(a.roomMessage(i)).toMatchObject({ protocol: f.protocol });
        }
        expect(a.connectionInfos().map((c) => c.protocol)).toEqual([
          ...new Set(room.frames.map((f) => f.protocol)),
        ]);
        return;
      }
      const intent = expectationsOf(capture);
      for (const f of intent.frames) {
        const i = log.indexOfSeq(f.seq);
        expect(a.kind(i), `seq ${f.seq}`).toBe(f.kind);
        if (f.okField) expect(a.errors.get(i)?.okField, `seq ${f.seq}`).toBe(f.okField);
      }
      for (const r of intent.requests) {
        const i = log.indexOfSeq(r.seq);
        expect(a.method(i)).toBe(r.method);
        expect(a.id(i)).toBe(r.id);
        const outcome = a.outcome(i);
        const pair = a.pairOf(i);
        switch (r.answer) {
          case 'once':
            expect(['ok', 'error'], `seq ${r.seq} ${r.method}`).toContain(outcome);
            expect(pair).toBeGreaterThan(i);
            expect(a.latency(i)).toBe(log.time(pair) - log.time(i));
            expect(a.method(pair)).toBe(r.method);
            break;
          case 'never':
            expect(['timeout', 'cut', 'pending'], `seq ${r.seq} ${r.method}`).toContain(outcome);
            expect(pair).toBe(-1);
            break;
          case 'late':
            expect(outcome).toBe('timeout');
            expect(a.isLate(pair)).toBe(true);
            break;
        }
        // protoo's timeout formula with the sender's in-flight count
        const base = r.from === 'client' ? 1500 : 2000;
        expect(a.correlator.deadlineOf(i) - log.time(i)).toBeCloseTo(
          base * (15 + 0.1 * r.pendingAtSend),
          6,
        );
      }
    });
  }
});

describe('summaries of the fixtures', () => {
  const expected: Record<string, Partial<ReturnType<typeof summarise>>> = {
    'legacy-participant-join': {
      events: 115,
      requests: 23,
      answered: 23,
      notifications: 64,
      unanswered: 0,
      dialect: 'legacy',
    },
    'new-participant-join': {
      events: 95,
      requests: 20,
      answered: 20,
      notifications: 50,
      dialect: 'new',
    },
    'observer-join': { requests: 2, notifications: 24, dialect: 'legacy' },
    'rejection-500': { requests: 13, errorResponses: 5, answered: 13 },
    'request-timeout': { requests: 19, timedOut: 4, lateResponses: 1, unanswered: 4, answered: 15 },
    reconnect: { requests: 29, cut: 1, unanswered: 1 },
    'close-4000': { requests: 15, cut: 1 },
    'broken-frames': { invalidFrames: 13, binaryFrames: 2, orphanResponses: 1, pendingAtEnd: 1 },
    'mesh-room': {
      requests: 0,
      notifications: 0,
      invalidFrames: 0,
      roomMessages: 31,
      protocol: 'mesh',
      protocols: { c1: 'mesh' },
      dialect: 'none',
      dialects: {},
      methods: {},
      roomTypes: { welcome: 2, online: 5, offline: 2, signal: 22 },
    },
    'two-party-room': {
      roomMessages: 13,
      protocol: 'two-party',
      dialect: 'none',
      roomTypes: { 'create or join': 1, created: 1, join: 1, ready: 1, message: 9 },
    },
    'two-party-full': { roomMessages: 2, textFrames: 2, protocol: 'two-party' },
    'legacy-participant-join#protocol': { protocol: 'protoo', roomMessages: 0, roomTypes: {} },
  };
  for (const [key, want] of Object.entries(expected)) {
    it(key, () => {
      expect(summarise(analyse(key.split('#')[0] ?? key))).toMatchObject(want);
    });
  }
});

describe('findings of the fixtures', () => {
  const codes = (name: string) => findings(analyse(name)).map((f) => f.code);

  it('a clean join has no warnings or errors', () => {
    for (const name of ['legacy-participant-join', 'new-participant-join', 'observer-join']) {
      expect(
        findings(analyse(name)).filter((f) => f.severity !== 'info'),
        name,
      ).toEqual([]);
    }
  });

  it('request-timeout shows timeouts, a late response and a consumer left paused', () => {
    const c = codes('request-timeout');
    expect(c.filter((x) => x === 'request-timeout')).toHaveLength(4);
    expect(c).toContain('late-response');
    expect(c).toContain('consumer-not-accepted');
  });

  it('rejection-500 shows the error responses and the rejected newConsumer', () => {
    const list = findings(analyse('rejection-500'));
    expect(list.filter((f) => f.code === 'error-response')).toHaveLength(5);
    expect(list.find((f) => f.code === 'consumer-not-accepted')?.message).toMatch(
      /^the client rejected it \(403 I do not want to consume\): the server keeps consumer \S+ \(video, producer \S+, of peer \S+\) paused$/,
    );
    expect(list.find((f) => f.code === 'deprecated-method')).toBeDefined();
  });

  it('reconnect and close-4000 show the cut request and how the socket closed', () => {
    expect(codes('reconnect')).toEqual(
      expect.arrayContaining(['request-cut', 'connection-dropped', 'ws-error']),
    );
    expect(codes('close-4000')).toEqual(
      expect.arrayContaining(['request-cut', 'closed-by-server']),
    );
    expect(codes('close-4000')).not.toContain('connection-dropped');
  });

  it('the room fixtures have no protoo findings; the mesh page’s own socket drop is one', () => {
    const list = findings(analyse('mesh-room'));
    expect(list.map((f) => [f.code, f.message])).toEqual([
      ['connection-dropped', 'the socket closed with 1006'],
    ]);
    expect(codes('two-party-room')).toEqual([]);
    expect(codes('two-party-full')).toEqual([]);
  });

  it('broken-frames shows every broken frame, the orphan, the reused id and the unknown event', () => {
    const c = codes('broken-frames');
    expect(c.filter((x) => x === 'invalid-frame')).toHaveLength(13);
    expect(c.filter((x) => x === 'binary-frame')).toHaveLength(2);
    expect(c).toEqual(
      expect.arrayContaining(['orphan-response', 'id-reused', 'unknown-event', 'ws-error']),
    );
  });
});

describe('SessionAnalysis', () => {
  function session() {
    const log = new SessionLog();
    log.append({ t: 0, type: 'ws.open', conn: 'c1', url: 'wss://h/?roomId=r&peerId=p' });
    log.append({
      t: 1,
      type: 'ws.frame',
      conn: 'c1',
      dir: 'out',
      text: encode({ kind: 'request', id: 1, method: 'join', data: {} }),
    });
    return log;
  }

  it('is incremental: update() after live appends gives the same as a fresh analysis', () => {
    const log = session();
    const live = new SessionAnalysis(log).update();
    expect(live.outcome(1)).toBe('pending');
    log.append({
      t: 30,
      type: 'ws.frame',
      conn: 'c1',
      dir: 'in',
      text: encode({ kind: 'success', id: 1, data: { peers: [] } }),
    });
    log.append({ t: 31, type: 'ws.frame', conn: 'c1', dir: 'in', text: '{oops' });
    live.update();
    const fresh = new SessionAnalysis(log).update();
    for (let i = 0; i < log.length; i++) {
      expect(live.kind(i)).toBe(fresh.kind(i));
      expect(live.pairOf(i)).toBe(fresh.pairOf(i));
      expect(live.outcome(i)).toBe(fresh.outcome(i));
    }
    expect(live.outcome(1)).toBe('ok');
    expect(live.latency(2)).toBe(29);
    expect(live.method(2)).toBe('join');
    expect(live.invalidReasons.get(3)).toMatch(/^not JSON/);
  });

  it('indexes events by method, responses included', () => {
    const a = analyse('legacy-participant-join');
    const joins = a.eventsOfMethod('join');
    expect([...joins].map((i) => a.kind(i))).toEqual(['request', 'success']);
    expect(a.eventsOfMethod('nope')).toHaveLength(0);
    expect(a.methodCounts().get('newConsumer')?.requests).toBeGreaterThan(0);
  });

  it('decodes a message again on demand, with its data', () => {
    const a = analyse('legacy-participant-join');
    const join = a.eventsOfMethod('join')[0] ?? -1;
    expect(a.message(join)).toMatchObject({
      kind: 'request',
      method: 'join',
      data: { displayName: expect.any(String) as unknown },
    });
    expect(a.message(0)).toBeUndefined();
  });

  it('reports each connection with its url, opens, closes and dialect', () => {
    const info = analyse('reconnect').connectionInfos();
    expect(info).toHaveLength(1);
    // failed attempts fire error + close without an open, as browsers do
    expect(info[0]).toMatchObject({ name: 'c1', dialect: 'legacy', opens: 2 });
    expect(info[0]?.closes.map((c) => c.code)).toEqual([1006, 1006, 1006, 1006]);
  });
});

describe('SessionAnalysis of mesh and two-party connections', () => {
  const frame = (t: number, conn: string, dir: 'in' | 'out', value: unknown): EventInput => ({
    t,
    type: 'ws.frame',
    conn,
    dir,
    text: typeof value === 'string' ? value : JSON.stringify(value),
  });
  const build = (events: readonly EventInput[]) => {
    const log = new SessionLog();
    for (const e of events) log.append(e);
    return log;
  };
  const OFFER = { type: 'offer', sdp: 'v=0\r\n' };

  function mixed(): SessionLog {
    return build([
      { t: 0, type: 'ws.open', conn: 'm', url: 'wss://h/mesh?roomId=r' },
      { t: 0, type: 'ws.open', conn: 'p', url: 'wss://h/?roomId=r&peerId=x', protocol: 'protoo' },
      frame(1, 'm', 'in', { type: 'welcome', id: 2, online: [1] }),
      frame(2, 'p', 'out', { request: true, id: 5, method: 'join', data: {} }),
      frame(3, 'm', 'in', { type: 'signal', from: 1, to: 2, description: OFFER }),
      // A mesh frame that also looks like a protoo response: still a mesh frame, not paired.
      frame(4, 'm', 'out', { type: 'signal', to: 1, description: OFFER, response: true, id: 5 }),
      frame(5, 'p', 'in', { response: true, id: 5, ok: true, data: {} }),
      frame(6, 'm', 'in', { type: 'signal', from: 1, to: 2 }),
      frame(7, 'm', 'in', '{"type":"welc'),
      frame(8, 'm', 'out', { type: 'welcome', id: 2, online: [] }),
      { t: 9, type: 'ws.frame', conn: 'm', dir: 'in', base64: 'AAE=' },
      { t: 10, type: 'ws.close', conn: 'm', code: 4000, reason: 'bye' },
    ]);
  }

  it('gives room frames their own kind and type, never protoo pairing, dialect or catalog checks', () => {
    const a = new SessionAnalysis(mixed()).update();
    expect([2, 4, 5].map((i) => [a.kind(i), a.method(i)])).toEqual([
      ['room', 'welcome'],
      ['room', 'signal'],
      ['room', 'signal'],
    ]);
    expect(a.pairOf(5)).toBe(-1);
    expect(a.id(5)).toBeUndefined();
    // The protoo connection beside it pairs as before.
    expect(a.kind(3)).toBe('request');
    expect(a.pairOf(3)).toBe(6);
    expect(a.outcome(3)).toBe('ok');
    expect(a.eventsOfMethod('signal')).toEqual(Int32Array.of(4, 5));
    expect(a.roomTypeCounts()).toEqual(
      new Map([
        ['welcome', 1],
        ['signal', 2],
      ]),
    );
    // Catalog warnings only on the protoo connection (its join lacks fields).
    expect([...a.warnings.keys()].map((i) => a.log.connName(a.log.connId(i)))).toEqual(['p', 'p']);
    expect(a.connectionInfos().map((c) => [c.name, c.protocol, c.dialect])).toEqual([
      ['m', 'mesh', 'unknown'],
      ['p', 'protoo', 'unknown'],
    ]);
    expect(a.message(2)).toBeUndefined();
    expect(a.roomMessage(2)).toEqual({
      kind: 'room',
      protocol: 'mesh',
      message: { type: 'welcome', id: 2, online: [1] },
    });
    expect(a.roomMessage(3)).toBeUndefined();
  });

  it('reports invalid room frames with the field at fault, and room-aware socket findings', () => {
    const a = new SessionAnalysis(mixed()).update();
    expect(a.kind(7)).toBe('invalid');
    expect(a.method(7)).toBe('signal');
    expect(a.invalidReasons.get(7)).toBe('mesh frame: signal without "description" or "candidate"');
    expect(a.invalidReasons.get(8)).toMatch(/^mesh frame: not JSON: /);
    expect(a.invalidReasons.get(9)).toBe(
      'mesh frame: "welcome" from the client: only the other side sends it',
    );
    expect(a.roomMessage(7)).toMatchObject({ kind: 'invalid', type: 'signal' });
    const list = findings(a).filter((f) => f.conn === 'm');
    expect(list.map((f) => [f.code, f.seq])).toEqual([
      ['invalid-frame', 7],
      ['invalid-frame', 8],
      ['invalid-frame', 9],
      ['binary-frame', 10],
      ['connection-dropped', 11],
    ]);
    expect(list[3]?.message).toBe(
      'binary frame on a mesh connection: the room speaks JSON text frames only',
    );
    expect(summarise(a)).toMatchObject({
      roomMessages: 3,
      invalidFrames: 3,
      requests: 1,
      responses: 1,
      protocol: 'mixed',
      protocols: { m: 'mesh', p: 'protoo' },
      dialects: { p: 'unknown' },
    });
  });

  it('learns the protocol from the first telling frame when the URL says nothing', () => {
    const log = build([
      { t: 0, type: 'ws.open', conn: 'c1', url: 'wss://h/' },
      frame(1, 'c1', 'in', 'not json'),
    ]);
    const live = new SessionAnalysis(log).update();
    expect(live.protocolOf(0)).toBe(undefined);
    expect(live.connection(0).protocol).toBe('protoo');
    log.append(frame(2, 'c1', 'out', { type: 'create or join', room: 'r' }));
    log.append(frame(3, 'c1', 'in', { type: 'created', room: 'r', id: 'a' }));
    log.append(frame(4, 'c1', 'in', { request: true, id: 1, method: 'x', data: {} }));
    // A connection with no ws.open: its first frame tells.
    log.append(frame(5, 'c2', 'in', { type: 'ready' }));
    live.update();
    const fresh = new SessionAnalysis(log).update();
    for (const a of [live, fresh]) {
      // Before the telling frame: decoded as protoo (invalid); after it: two-party.
      expect(a.kind(1)).toBe('invalid');
      expect(a.invalidReasons.get(1)).toMatch(/^not JSON/);
      expect([2, 3].map((i) => a.kind(i))).toEqual(['room', 'room']);
      expect(a.kind(4)).toBe('invalid');
      expect(a.invalidReasons.get(4)).toBe('two-party frame: frame without "type"');
      expect(a.protocolOf(0)).toBe('two-party');
      expect(a.kind(5)).toBe('room');
    }
    expect(new SessionAnalysis(build([])).update().protocolOf(0)).toBeUndefined();
  });

  it('shows room rows with the protocol as kind, the type as method, in the room filter group', () => {
    const a = new SessionAnalysis(mixed()).update();
    expect(describeRow(a, 2)).toMatchObject({
      kind: 'room',
      kindLabel: 'mesh',
      method: 'welcome',
      detail: 'id 2, online: 1',
      tone: 'none',
      label: 'seq 2, server to client, mesh message welcome, id 2, online: 1',
    });
    expect(describeRow(a, 4)).toMatchObject({ detail: 'offer from 1 to 2' });
    expect(describeRow(a, 5)).toMatchObject({ detail: 'offer to 1', pair: -1 });
    expect(describeRow(a, 7)).toMatchObject({
      kind: 'invalid',
      tone: 'error',
      detail: 'mesh frame: signal without "description" or "candidate"',
    });
    expect(describeRow(a, 10).detail).toBe('2 bytes: the mesh room speaks JSON text frames only');
    expect(describeRow(a, 11).detail).toBe('code 4000 · bye');
    expect(kindGroupOf('room')).toBe('room');
    const rooms = filterRows(a, { text: '', kinds: new Set(['room']), problemsOnly: false });
    expect([...rooms]).toEqual([2, 4, 5]);
    expect([
      ...filterRows(a, { text: 'offer from', kinds: new Set(['room']), problemsOnly: false }),
    ]).toEqual([4]);
  });
});

describe('large frames', () => {
  it('a frame over 1 MiB is a large-frame finding; one at the limit is not', async () => {
    const { LARGE_FRAME_CHARS } = await import('./findings.ts');
    const log = new SessionLog();
    const frame = (n: number) =>
      JSON.stringify({ notification: true, method: 'x', data: { s: '' } }).replace(
        '"s":""',
        `"s":"${'y'.repeat(n)}"`,
      );
    const base = frame(0).length;
    log.append({
      t: 0,
      type: 'ws.frame',
      conn: 'c1',
      dir: 'in',
      text: frame(LARGE_FRAME_CHARS - base),
    });
    log.append({
      t: 1,
      type: 'ws.frame',
      conn: 'c1',
      dir: 'in',
      text: frame(LARGE_FRAME_CHARS - base + 1),
    });
    const list = findings(new SessionAnalysis(log).update()).filter(
      (f) => f.code === 'large-frame',
    );
    expect(list.map((f) => f.seq)).toEqual([1]);
    expect(list[0]?.severity).toBe('warning');
    expect(list[0]?.message).toContain('1,048,577 characters');
  });
});

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { FIXTURES, expectationsOf, fixtureFile } from '../../fixtures/index.ts';
import { encode } from '../protocol/codec.ts';
import { readCaptureText } from '../session/capture.ts';
import { SessionLog } from '../session/SessionLog.ts';
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
      const intent = expectationsOf(capture);
      const a = analyse(name);
      const log = a.log;
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
  };
  for (const [name, want] of Object.entries(expected)) {
    it(name, () => {
      expect(summarise(analyse(name))).toMatchObject(want);
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

import { describe, expect, it } from 'vitest';
import { Correlator } from './correlate.ts';

/** A tiny script language: each step is one event at an index, in order. */
type Step =
  | ['req', number, 'in' | 'out', number, number] // conn, dir, id, t
  | ['res', number, 'in' | 'out', number, number, boolean] // conn, dir, id, t, ok
  | ['open', number, number]
  | ['close', number, number, number?]
  | ['tick', number];

function run(steps: Step[]): Correlator {
  const c = new Correlator();
  steps.forEach((s, i) => {
    switch (s[0]) {
      case 'req':
        c.request(i, s[1], s[2], s[3], s[4]);
        break;
      case 'res':
        c.response(i, s[1], s[2], s[3], s[4], s[5]);
        break;
      case 'open':
        c.open(i, s[1], s[2]);
        break;
      case 'close':
        c.close(i, s[1], s[2], s[3]);
        break;
      case 'tick':
        c.other(i, s[1]);
        break;
    }
  });
  return c;
}

describe('Correlator', () => {
  it('pairs a client request with the server response on the same connection', () => {
    const c = run([
      ['open', 0, 0],
      ['req', 0, 'out', 42, 10],
      ['res', 0, 'in', 42, 25, true],
    ]);
    expect(c.pair.get(1)).toBe(2);
    expect(c.pair.get(2)).toBe(1);
    expect(c.outcomeOf(1, 25)).toBe('ok');
    expect(c.orphans.size).toBe(0);
  });

  it('pairs a server request with the client response', () => {
    const c = run([
      ['req', 0, 'in', 7, 0],
      ['res', 0, 'out', 7, 3, false],
    ]);
    expect(c.pair.get(0)).toBe(1);
    expect(c.outcomeOf(0, 3)).toBe('error');
  });

  it('keeps the two directions in separate id spaces', () => {
    const c = run([
      ['req', 0, 'out', 5, 0], // client → server, id 5
      ['req', 0, 'in', 5, 1], // server → client, also id 5
      ['res', 0, 'out', 5, 2, true], // the client answers the server's request
      ['res', 0, 'in', 5, 3, true], // the server answers the client's request
    ]);
    expect(c.pair.get(1)).toBe(2);
    expect(c.pair.get(0)).toBe(3);
    expect(c.reusedId.size).toBe(0);
  });

  it('keeps connections apart', () => {
    const c = run([
      ['req', 0, 'out', 9, 0],
      ['req', 1, 'out', 9, 1],
      ['res', 1, 'in', 9, 2, true],
      ['res', 0, 'in', 9, 3, true],
    ]);
    expect(c.pair.get(1)).toBe(2);
    expect(c.pair.get(0)).toBe(3);
  });

  it('times a client request out after 1500·(15+0.1·pending) ms', () => {
    const c = run([
      ['req', 0, 'out', 1, 0],
      ['tick', 22_500], // exactly at the deadline: not yet
      ['tick', 22_501],
    ]);
    expect(c.deadlineOf(0)).toBe(22_500);
    expect(c.outcomeOf(0, 22_501)).toBe('timeout');
    expect(c.timedOutAt.get(0)).toBe(22_500);
  });

  it('counts the requests already in flight in the timeout, like protoo', () => {
    const c = run([
      ['req', 0, 'out', 1, 0],
      ['req', 0, 'out', 2, 0],
      ['req', 0, 'out', 3, 0],
      ['req', 0, 'out', 4, 100],
      ['res', 0, 'in', 1, 200, true],
      ['req', 0, 'out', 5, 300],
    ]);
    expect(c.deadlineOf(0)).toBe(22_500);
    expect(c.deadlineOf(1)).toBe(22_650);
    expect(c.deadlineOf(2)).toBeCloseTo(22_800);
    expect(c.deadlineOf(3)).toBeCloseTo(100 + 22_950);
    // request 1 was answered: 3 still in flight when request 5 is sent
    expect(c.deadlineOf(5)).toBeCloseTo(300 + 22_950);
  });

  it('times a server request out after 2000·(15+0.1·pending) ms', () => {
    const c = run([
      ['req', 0, 'in', 1, 0],
      ['req', 0, 'in', 2, 0],
      ['tick', 30_100],
    ]);
    expect(c.deadlineOf(0)).toBe(30_000);
    expect(c.deadlineOf(1)).toBe(30_200);
    expect(c.outcomeOf(0, 30_100)).toBe('timeout');
    expect(c.outcomeOf(1, 30_100)).toBe('pending');
    expect(c.outcomeOf(1, 40_000)).toBe('timeout');
  });

  it('marks a response after the timeout as late, and keeps the request timed out', () => {
    const c = run([
      ['req', 0, 'out', 1, 0],
      ['res', 0, 'in', 1, 23_000, true],
    ]);
    expect(c.outcomeOf(0, 23_000)).toBe('timeout');
    expect(c.orphans.get(1)).toEqual({ kind: 'late', request: 0, timedOutAt: 22_500 });
    expect(c.late.has(1)).toBe(true);
    expect(c.pair.get(0)).toBe(1);
  });

  it('leaves a request pending at the end when its timeout has not come', () => {
    const c = run([
      ['req', 0, 'out', 1, 0],
      ['tick', 1000],
    ]);
    expect(c.outcomeOf(0, 1000)).toBe('pending');
  });

  it('cuts requests pending in both directions when the socket closes', () => {
    const c = run([
      ['open', 0, 0],
      ['req', 0, 'out', 1, 10],
      ['req', 0, 'in', 2, 11],
      ['close', 0, 20],
      ['open', 0, 1000],
      ['res', 0, 'in', 1, 1001, true],
    ]);
    expect(c.outcomeOf(1, 2000)).toBe('cut');
    expect(c.outcomeOf(2, 2000)).toBe('cut');
    expect(c.cutBy.get(1)).toBe(3);
    expect(c.orphans.get(5)).toEqual({ kind: 'after-cut', request: 1 });
  });

  it("keeps cut client requests in protoo-client's in-flight count until their timeout", () => {
    const c = run([
      ['open', 0, 0],
      ['req', 0, 'out', 1, 0],
      ['req', 0, 'in', 9, 0],
      ['close', 0, 10],
      ['open', 0, 20],
      ['req', 0, 'out', 2, 30], // client peer still has request 1 in _sents
      ['req', 0, 'in', 3, 30], // the server side is a new peer: nothing in flight
      ['tick', 23_000],
      ['req', 0, 'out', 4, 23_000], // requests 1 and 2 timed out meanwhile
    ]);
    expect(c.deadlineOf(5)).toBeCloseTo(30 + 22_650);
    expect(c.deadlineOf(6)).toBe(30 + 30_000);
    expect(c.deadlineOf(8)).toBe(23_000 + 22_500);
    expect(c.timedOutAt.get(1)).toBe(22_500);
    expect(c.outcomeOf(1, 23_000)).toBe('cut');
  });

  it("stops counting the client's cut requests after a 4000 close, which closes its Peer", () => {
    const c = run([
      ['open', 0, 0],
      ['req', 0, 'out', 1, 0],
      ['close', 0, 10, 4000],
      ['open', 0, 20],
      ['req', 0, 'out', 2, 30],
    ]);
    expect(c.outcomeOf(1, 30)).toBe('cut');
    expect(c.deadlineOf(4)).toBe(30 + 22_500);
  });

  it('treats an open without a close as a reconnect that cuts pending requests', () => {
    const c = run([
      ['open', 0, 0],
      ['req', 0, 'out', 1, 1],
      ['open', 0, 2],
    ]);
    expect(c.outcomeOf(1, 3)).toBe('cut');
    expect(c.cutBy.get(1)).toBe(2);
  });

  it('reports a response to an unknown id as an orphan', () => {
    const c = run([['res', 0, 'in', 77, 0, true]]);
    expect(c.orphans.get(0)).toEqual({ kind: 'unknown-id' });
  });

  it('does not let a response answer a request sent the same way', () => {
    const c = run([
      ['req', 0, 'out', 5, 0],
      ['res', 0, 'out', 5, 1, true],
    ]);
    expect(c.orphans.get(1)).toEqual({ kind: 'unknown-id' });
    expect(c.outcomeOf(0, 1)).toBe('pending');
  });

  it('reports a second response to an answered request as a duplicate', () => {
    const c = run([
      ['req', 0, 'out', 5, 0],
      ['res', 0, 'in', 5, 1, true],
      ['res', 0, 'in', 5, 2, true],
    ]);
    expect(c.orphans.get(2)).toEqual({ kind: 'duplicate', request: 0, firstResponse: 1 });
  });

  it('reports an id reused while pending; the response goes to the newer request and the older one times out', () => {
    const c = run([
      ['req', 0, 'out', 5, 0],
      ['req', 0, 'out', 5, 10],
      ['res', 0, 'in', 5, 20, true],
      ['tick', 30_000],
    ]);
    expect(c.reusedId.get(1)).toBe(0);
    expect(c.pair.get(1)).toBe(2);
    expect(c.outcomeOf(1, 30_000)).toBe('ok');
    expect(c.outcomeOf(0, 30_000)).toBe('timeout');
  });

  it('does not call an id reused when the earlier request had already timed out', () => {
    const c = run([
      ['req', 0, 'out', 5, 0],
      ['req', 0, 'out', 5, 25_000],
    ]);
    expect(c.reusedId.size).toBe(0);
    expect(c.outcomeOf(0, 25_000)).toBe('timeout');
  });

  it('expires thousands of deadlines in order across connections', () => {
    const c = new Correlator();
    let i = 0;
    for (let k = 0; k < 5000; k++) c.request(i++, k % 7, 'out', k, k);
    c.other(i, 10_000_000);
    let timeouts = 0;
    for (let k = 0; k < 5000; k++) if (c.outcomeOf(k, 10_000_000) === 'timeout') timeouts++;
    expect(timeouts).toBe(5000);
    expect(c.timedOutAt.size).toBe(5000);
  });
});

import { describe, expect, it } from 'vitest';
import type { Finding } from '../../projections/findings.ts';
import { SessionAnalysis } from '../../projections/analysis.ts';
import type { EventInput } from '../../session/events.ts';
import { SessionLog } from '../../session/SessionLog.ts';
import { HOSTILE, fixtureSession, hostileSession } from '../shared/sessions.ts';
import {
  catalogInfo,
  closeMeaning,
  describeHeader,
  eventBody,
  findingsFor,
  pairInfo,
  prettyJson,
  rawText,
  treeSource,
  urlInfo,
  type Segment,
} from './model.ts';
import { meshSession, pcSession } from './samples.ts';

function analyse(events: readonly EventInput[]): SessionAnalysis {
  const log = new SessionLog();
  for (const e of events) log.append(e);
  return new SessionAnalysis(log).update();
}

/** A sentence with its links written as [label → index]. */
function sentence(segments: readonly Segment[] | undefined): string {
  return (segments ?? [])
    .map((s) => (typeof s === 'string' ? s : `[${s.label} → ${s.index}]`))
    .join('');
}

const legacy = fixtureSession('legacy-participant-join');

describe('describeHeader()', () => {
  it('names a request with its connection, dialect, direction, method and id', () => {
    expect(describeHeader(legacy, 8)).toMatchObject({
      seq: 8,
      time: '80 ms',
      kind: 'request',
      kindLabel: 'request',
      method: 'join',
      id: 5067731,
      conn: 'c1',
      protocol: 'protoo',
      dialect: 'legacy',
      dirText: 'client → server',
      title: 'request join',
    });
  });

  it('gives a response the method of its request', () => {
    expect(describeHeader(legacy, 9)).toMatchObject({ kind: 'success', title: 'response join' });
  });

  it('names pc events by their event and room frames by their protocol', () => {
    expect(describeHeader(pcSession(), 3)).toMatchObject({
      kind: 'pc',
      method: 'setLocalDescription',
      conn: undefined,
      dir: undefined,
    });
    expect(describeHeader(meshSession(), 3)).toMatchObject({
      kind: 'room',
      kindLabel: 'mesh message',
      method: 'signal',
      protocol: 'mesh',
      dialect: undefined,
    });
  });
});

describe('pairInfo()', () => {
  it('links a request to its answer, with the latency', () => {
    expect(sentence(pairInfo(legacy, 8, 100)?.segments)).toBe(
      'Answered ok by [the response, seq 9 → 9] after 13 ms.',
    );
    expect(pairInfo(legacy, 8, 100)?.tone).toBe('ok');
  });

  it('links a response to its request', () => {
    expect(sentence(pairInfo(legacy, 9, 100)?.segments)).toBe(
      'Answers [request join, seq 8 → 8], sent 13 ms earlier (at 80 ms).',
    );
  });

  it('says when the answer comes after the cursor', () => {
    const info = pairInfo(legacy, 8, 8);
    expect(sentence(info?.notes[0])).toBe(
      'At the cursor this answer has not come yet: it comes at [response join, seq 9 → 9] (93 ms).',
    );
    expect(pairInfo(legacy, 8, 9)?.notes).toEqual([]);
  });

  it('gives error code and reason', () => {
    const a = fixtureSession('rejection-500');
    expect(sentence(pairInfo(a, 9, 100)?.segments)).toMatch(
      /^Answered with error 500 “Peer not yet joined” by \[the error response, seq 10 → 10\] after /,
    );
  });

  it('says timeouts, late responses, cuts and pending requests in words', () => {
    const t = fixtureSession('request-timeout');
    expect(sentence(pairInfo(t, 46, 200)?.segments)).toBe(
      'No answer within 22.5 s: the sender gave up at 0:26.373 (request timeout).',
    );
    expect(sentence(pairInfo(t, 56, 200)?.segments)).toMatch(
      /A late response came at \[the response, seq 93 → 93\]; protoo dropped it\.$/,
    );
    expect(sentence(pairInfo(t, 93, 200)?.segments)).toBe(
      'Late: answers [request getConsumerStats, seq 56 → 56], which had timed out at 0:31.628. protoo drops it.',
    );
    const cut = fixtureSession('close-4000');
    expect(sentence(pairInfo(cut, 46, 100)?.segments)).toBe(
      'Cut: the socket closed ([the close, seq 47 → 47]) before an answer came; it cannot come any more.',
    );
    const pending = analyse([
      { t: 0, type: 'ws.open', conn: 'c', url: 'wss://h/' },
      {
        t: 10,
        type: 'ws.frame',
        conn: 'c',
        dir: 'out',
        text: '{"request":true,"id":1,"method":"x","data":{}}',
      },
    ]);
    expect(sentence(pairInfo(pending, 1, 1)?.segments)).toBe(
      'Pending: no answer by the end of the session. It would time out at 0:22.510 (22.5 s after it was sent).',
    );
  });

  it('explains orphan, duplicate and reused-id cases', () => {
    const b = fixtureSession('broken-frames');
    expect(sentence(pairInfo(b, 22, 100)?.segments)).toMatch(
      /^Answers no request: no request with id \d+ was sent the other way on this connection\. protoo drops it\.$/,
    );
    expect(sentence(pairInfo(b, 24, 100)?.notes[0])).toMatch(
      /^Its id was still waiting for an answer to \[request getRouterRtpCapabilities, seq 23 → 23\]: protoo forgets/,
    );
    const dup = analyse([
      { t: 0, type: 'ws.open', conn: 'c', url: 'wss://h/' },
      {
        t: 1,
        type: 'ws.frame',
        conn: 'c',
        dir: 'out',
        text: '{"request":true,"id":1,"method":"x","data":{}}',
      },
      {
        t: 2,
        type: 'ws.frame',
        conn: 'c',
        dir: 'in',
        text: '{"response":true,"id":1,"ok":true,"data":{}}',
      },
      {
        t: 3,
        type: 'ws.frame',
        conn: 'c',
        dir: 'in',
        text: '{"response":true,"id":1,"ok":true,"data":{}}',
      },
    ]);
    expect(sentence(pairInfo(dup, 3, 10)?.segments)).toBe(
      'Duplicate: [request x, seq 1 → 1] was already answered by [the first response, seq 2 → 2].',
    );
  });

  it('has nothing to say for notifications and other events', () => {
    expect(pairInfo(legacy, 1, 100)).toBeUndefined();
    expect(pairInfo(legacy, 0, 100)).toBeUndefined();
  });
});

describe('catalogInfo()', () => {
  it('looks the method up in the connection’s dialect', () => {
    const info = catalogInfo(legacy, 8);
    expect(info?.dialect).toBe('legacy');
    expect(info?.entries.map((e) => e.id)).toEqual(['legacy:join']);
    expect(info?.response).toBe(false);
    expect(catalogInfo(legacy, 9)?.response).toBe(true);
  });

  it('shows both dialects while the dialect is unknown, and says why', () => {
    const a = analyse([
      {
        t: 0,
        type: 'ws.frame',
        conn: 'c',
        dir: 'out',
        text: '{"request":true,"id":1,"method":"produce","data":{}}',
      },
    ]);
    const info = catalogInfo(a, 0);
    expect(info?.entries.map((e) => e.id)).toEqual(['legacy:produce', 'new:produce']);
    expect(info?.note).toMatch(/dialect is not known yet/);
  });

  it('says when a method is only in the other dialect or in neither', () => {
    const a = fixtureSession('new-participant-join');
    let downlink = -1;
    for (let i = 0; i < a.length; i++) if (a.method(i) === 'join') downlink = i;
    expect(catalogInfo(a, downlink)?.entries[0]?.dialect).toBe('new');
    const h = hostileSession();
    expect(catalogInfo(h, 4)?.entries).toEqual([]);
  });

  it('has no entry for frames without a protoo method', () => {
    expect(catalogInfo(legacy, 0)).toBeUndefined();
    expect(catalogInfo(meshSession(), 3)).toBeUndefined();
  });
});

describe('findingsFor()', () => {
  const f = (index: number, message: string, related?: number[]): Finding => ({
    code: 'error-response',
    severity: 'warning',
    seq: index,
    index,
    conn: 'c',
    message,
    ...(related ? { related } : {}),
  });

  it('keeps the findings on the event, minus repeats of its catalog warnings', () => {
    const all = [f(1, 'a'), f(2, 'b'), f(2, 'dup'), f(3, 'c', [2])];
    const out = findingsFor(all, 2, [{ code: 'missing-field', message: 'dup' }]);
    expect(out.own.map((x) => x.message)).toEqual(['b']);
    expect(out.related.map((x) => x.message)).toEqual(['c']);
  });
});

describe('closeMeaning() and urlInfo()', () => {
  it('explains close codes, 4000 only on protoo connections', () => {
    expect(closeMeaning(1000, 'protoo').meaning).toMatch(/^normal closure/);
    expect(closeMeaning(1006, 'protoo').meaning).toMatch(/^abnormal closure/);
    expect(closeMeaning(1006, 'protoo').next).toMatch(/reconnects/);
    expect(closeMeaning(4000, 'protoo').meaning).toMatch(/closed by the protoo server/);
    expect(closeMeaning(4000, 'protoo').next).toBe(
      'protoo-client does not reconnect after 4000: the peer is closed.',
    );
    expect(closeMeaning(4000, 'mesh')).toEqual({
      meaning: 'an application-defined code (4000–4999)',
      next: undefined,
    });
    expect(closeMeaning(3001, 'mesh').meaning).toMatch(/library or framework/);
    expect(closeMeaning(undefined, 'mesh').meaning).toBe('no close code recorded');
    expect(closeMeaning(42, 'mesh').meaning).toBe('not a code the WebSocket standard defines');
  });

  it('lists query parameters in order, decoded', () => {
    expect(urlInfo('wss://h:4443/room?roomId=a%20b&peerId=p&x=1&x=2')).toEqual({
      ok: true,
      origin: 'wss://h:4443',
      path: '/room',
      params: [
        ['roomId', 'a b'],
        ['peerId', 'p'],
        ['x', '1'],
        ['x', '2'],
      ],
    });
    expect(urlInfo('not a url?roomId=r')).toEqual({
      ok: false,
      params: [['roomId', 'r']],
      error: 'not a valid URL: shown as recorded',
    });
  });
});

describe('eventBody(), treeSource() and rawText()', () => {
  it('gives the data of protoo messages and the code and reason of errors', () => {
    const body = eventBody(legacy, 8);
    expect(body.type === 'message' && body.kind).toBe('request');
    expect(treeSource(legacy, 8, body).root).toBe('data');
    const h = hostileSession();
    expect(eventBody(h, 2)).toMatchObject({
      type: 'error-response',
      code: 500,
      reason: HOSTILE,
      okField: 'false',
    });
    const rejected = eventBody(fixtureSession('rejection-500'), 34);
    expect(rejected.type === 'error-response' && rejected.known?.id).toBe('unknown-method-legacy');
  });

  it('gives an invalid frame its reason and, when it is JSON, its value', () => {
    const b = fixtureSession('broken-frames');
    const notJson = eventBody(b, 5);
    expect(notJson).toMatchObject({ type: 'invalid', json: false });
    expect(notJson.type === 'invalid' && notJson.reason).toMatch(/^not JSON/);
    const array = eventBody(b, 12);
    expect(array).toMatchObject({ type: 'invalid', json: true });
    expect(array.type === 'invalid' && Array.isArray(array.parsed)).toBe(true);
    expect(rawText(b, 5).what).toBe('Frame text');
  });

  it('parses the URL of an open and explains a close', () => {
    expect(eventBody(legacy, 0)).toMatchObject({
      type: 'open',
      subprotocol: 'protoo',
      parsed: {
        params: [
          ['roomId', 'bnzsceer'],
          ['peerId', 'xc24fh03'],
          ['consumerReplicas', '0'],
        ],
      },
    });
    const cut = fixtureSession('close-4000');
    expect(eventBody(cut, 47)).toMatchObject({ type: 'close', code: 4000 });
    expect(rawText(cut, 47).what).toBe('Capture line');
    expect(rawText(cut, 47).text).toContain('"type":"ws.close"');
    expect(treeSource(cut, 47, eventBody(cut, 47)).root).toBe('event');
  });

  it('describes pc events and reads the candidate they carry', () => {
    const pc = pcSession();
    expect(eventBody(pc, 3)).toMatchObject({
      type: 'pc',
      pc: 'pc-1',
      event: 'setLocalDescription',
    });
    const ice = eventBody(pc, 5);
    expect(ice.type === 'pc' && ice.candidate).toMatchObject({
      ok: true,
      candidate: { type: 'host' },
    });
    const added = eventBody(pc, 7);
    expect(added.type === 'pc' && added.candidate).toMatchObject({
      ok: true,
      candidate: { type: 'srflx', relatedAddress: '10.0.0.2' },
    });
  });

  it('gives a room frame its parsed value, its meaning and its candidate', () => {
    const m = meshSession();
    expect(eventBody(m, 1)).toMatchObject({
      type: 'room',
      protocol: 'mesh',
      value: { type: 'welcome' },
    });
    const cand = eventBody(m, 5);
    expect(cand.type === 'room' && cand.candidate?.ok).toBe(true);
    expect(treeSource(m, 5, cand).root).toBe('frame');
  });

  it('describes a binary frame by its size', () => {
    const a = analyse([{ t: 0, type: 'ws.frame', conn: 'c', dir: 'in', base64: 'AAECAw==' }]);
    expect(eventBody(a, 0)).toEqual({ type: 'binary', bytes: 4 });
    expect(rawText(a, 0)).toEqual({ text: 'AAECAw==', what: 'Binary frame (base64)' });
  });
});

describe('prettyJson()', () => {
  it('pretty-prints JSON and leaves other text alone', () => {
    expect(prettyJson('{"a":[1]}')).toBe('{\n  "a": [\n    1\n  ]\n}');
    expect(prettyJson('nope')).toBeUndefined();
  });
});

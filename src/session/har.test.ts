import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { readCaptureStrict } from './capture.ts';
import type { SessionEvent } from './events.ts';
import { ImportRefusedError, locateLines } from './formatsImport.ts';
import { importHar } from './har.ts';

const read = (file: string) =>
  readFileSync(new URL(`../../fixtures/imports/${file}`, import.meta.url), 'utf8');

const START = Date.parse('2026-11-22T11:00:00.000Z');

function harOf(entries: unknown[]): string {
  return JSON.stringify(
    { log: { version: '1.2', creator: { name: 'WebInspector' }, entries } },
    null,
    2,
  );
}

function wsEntry(
  messages: unknown[],
  extra: Record<string, unknown> = {},
): Record<string, unknown> {
  return {
    _resourceType: 'websocket',
    startedDateTime: new Date(START).toISOString(),
    request: { method: 'GET', url: 'wss://h.example/?roomId=r&peerId=p', headers: [] },
    response: {
      status: 101,
      statusText: 'Switching Protocols',
      headers: [{ name: 'sec-websocket-protocol', value: 'protoo' }],
    },
    _webSocketMessages: messages,
    ...extra,
  };
}

const at = (ms: number) => (START + ms) / 1000;

describe('importHar', () => {
  it('gives the legacy join HAR the frames of the capture it was made from, in order and time', () => {
    const har = importHar(read('legacy-participant-join.har'), { name: 'join.har' });
    const capture = readCaptureStrict(
      readFileSync(
        new URL('../../fixtures/legacy-participant-join.sscap.jsonl', import.meta.url),
        'utf8',
      ),
    );
    const original = [...capture.log.events()].filter(
      (e) => e.type === 'ws.frame' || e.type === 'ws.open',
    );
    expect(har.problems).toEqual([]);
    expect(har.warnings).toEqual([]);
    expect(har.connections).toBe(1);
    expect(har.ignoredEntries).toBe(3);
    expect(har.header.created).toBe(capture.header.created);
    expect(har.header.source).toMatchObject({ kind: 'har', name: 'join.har', connections: 1 });
    expect(har.extras.pageUrls).toEqual([
      'https://demo.example.org/?roomId=bnzsceer&peerId=xc24fh03',
    ]);
    expect(har.events).toHaveLength(original.length);
    har.events.forEach((e, k) => {
      const o = original[k] as SessionEvent;
      expect(e.seq).toBe(k);
      expect(e.type).toBe(o.type);
      // The generator wrote frame times 0.4 ms after the capture's.
      expect(e.t).toBeCloseTo(o.type === 'ws.open' ? o.t : o.t + 0.4, 6);
      if (e.type === 'ws.frame' && o.type === 'ws.frame') {
        expect(e.conn).toBe('har-1');
        expect(e.dir).toBe(o.dir);
        expect(e.text).toBe(o.text);
      }
    });
    expect(har.events[0]).toEqual({
      seq: 0,
      t: 0,
      type: 'ws.open',
      conn: 'har-1',
      url: 'wss://demo.example.org:4443/?roomId=bnzsceer&peerId=xc24fh03&consumerReplicas=0',
      protocol: 'protoo',
    });
  });

  it('reads binary frames as base64, error messages, closes, and a failed handshake; skips ping/pong', () => {
    const har = importHar(read('sockets.har'));
    const brief = har.events.map((e) => {
      switch (e.type) {
        case 'ws.frame':
          return [e.t, e.conn, e.dir, e.text ?? `b64:${e.base64 ?? ''}`];
        case 'ws.error':
          return [e.t, e.conn, 'error', e.message];
        case 'ws.close':
          return [e.t, e.conn, 'close', e.code];
        default:
          return [e.t, 'conn' in e ? e.conn : undefined, e.type];
      }
    });
    expect(brief).toEqual([
      [0, 'har-1', 'ws.open'],
      [10, 'har-1', 'out', '{"request":true,"id":1,"method":"join","data":{}}'],
      [25, 'har-1', 'in', 'b64:AAECAwQ='],
      [40, 'har-1', 'error', 'net::ERR_CONNECTION_RESET'],
      [41, 'har-1', 'close', 1006],
      [
        500,
        'har-2',
        'error',
        "WebSocket connection to 'wss://demo.example.org:4443/?roomId=r&peerId=q' failed: the server answered 403 Forbidden",
      ],
    ]);
    expect(har.controlFrames).toBe(1);
    expect(har.connections).toBe(2);
  });

  it('puts t = 0 at the earliest time and sorts connections that interleave', () => {
    const text = harOf([
      wsEntry([{ type: 'receive', time: at(50), opcode: 1, data: 'b1' }], {
        startedDateTime: new Date(START + 20).toISOString(),
      }),
      wsEntry([
        { type: 'send', time: at(30), opcode: 1, data: 'a1' },
        { type: 'receive', time: at(60), opcode: 1, data: 'a2' },
      ]),
    ]);
    const har = importHar(text);
    expect(har.header.created).toBe(new Date(START).toISOString());
    expect(har.events.map((e) => [e.t, e.type, 'conn' in e ? e.conn : ''])).toEqual([
      [0, 'ws.open', 'har-2'],
      [20, 'ws.open', 'har-1'],
      [30, 'ws.frame', 'har-2'],
      [50, 'ws.frame', 'har-1'],
      [60, 'ws.frame', 'har-2'],
    ]);
  });

  it('never lets a frame come before its connection opens', () => {
    const har = importHar(
      harOf([wsEntry([{ type: 'send', time: at(-5), opcode: 1, data: 'early' }])]),
    );
    expect(har.events.map((e) => [e.t, e.type])).toEqual([
      [0, 'ws.open'],
      [0, 'ws.frame'],
    ]);
  });

  it('reads message times too small to be epoch seconds as seconds after the entry, and says so', () => {
    const har = importHar(harOf([wsEntry([{ type: 'send', time: 1.5, opcode: 1, data: 'x' }])]));
    expect(har.events[1]).toMatchObject({ t: 1500, type: 'ws.frame' });
    expect(har.warnings).toEqual([
      expect.stringContaining('1 WebSocket message time(s) were too small'),
    ]);
  });

  it('drops each malformed message or entry with a problem naming entry, field and line', () => {
    const text = read('malformed.har');
    const har = importHar(text);
    expect(har.problems.map((p) => [p.message, p.field, p.line])).toEqual([
      ['HAR entry 1 (_webSocketMessages[1]): "opcode" must be a number, found "1"', 'opcode', 94],
      [
        'HAR entry 1 (_webSocketMessages[2]): "type" must be "send", "receive" or "error", found "sent"',
        'type',
        98,
      ],
      [
        'HAR entry 1 (_webSocketMessages[3]): "time" must be a number of seconds, found nothing',
        'time',
        103,
      ],
      [
        'HAR entry 1 (_webSocketMessages[4]): "data" of a binary message (opcode 2) must be base64, found "not base64!"',
        'data',
        112,
      ],
      ['HAR entry 1 (_webSocketMessages[5]): "data" must be a string, found 42', 'data', 118],
      [
        'HAR entry 2: "startedDateTime" must be an ISO 8601 time, found "yesterday"; the WebSocket connection to wss://demo.example.org:4443/?roomId=m&peerId=2 was dropped',
        'startedDateTime',
        257,
      ],
      ['HAR entry 3: expected an object, found "not an entry"', undefined, 269],
    ]);
    // Each named line is where the file says so.
    const lines = text.split('\n');
    expect(lines[94 - 1]).toContain('"opcode": "1"');
    expect(lines[98 - 1]).toContain('"type": "sent"');
    expect(lines[257 - 1]).toContain('"startedDateTime": "yesterday"');
    // The good messages of entry 1 are kept.
    expect(har.events.map((e) => (e.type === 'ws.frame' ? e.text : e.type))).toEqual([
      'ws.open',
      '{"request":true,"id":1,"method":"a","data":{}}',
      '{"response":true,"id":1,"ok":true,"data":{}}',
    ]);
  });

  it('refuses what is not a HAR, saying why', () => {
    expect(() => importHar('{"log": ')).toThrow(ImportRefusedError);
    expect(() => importHar('{"log": ')).toThrow(/this HAR file is not valid JSON/);
    expect(() => importHar('[]')).toThrow(
      'not a HAR file: expected an object with "log", found an array',
    );
    expect(() => importHar({ log: { entries: 3 } })).toThrow(
      'not a HAR file: "log.entries" must be an array, found 3',
    );
  });

  it('says when a HAR has no WebSocket connection at all', () => {
    const har = importHar({
      log: { entries: [{ _resourceType: 'document', request: { url: 'https://x/' } }] },
    });
    expect(har.events).toEqual([]);
    expect(har.ignoredEntries).toBe(1);
    expect(har.warnings).toEqual([expect.stringContaining('none is a WebSocket connection')]);
  });

  it('takes a ws: URL without _resourceType as a WebSocket (other HAR writers)', () => {
    const har = importHar({
      log: {
        entries: [
          {
            startedDateTime: new Date(START).toISOString(),
            request: { url: 'ws://localhost:8080/' },
            response: { status: 101, headers: [] },
          },
        ],
      },
    });
    expect(har.events).toEqual([
      { seq: 0, t: 0, type: 'ws.open', conn: 'har-1', url: 'ws://localhost:8080/' },
    ]);
  });
});

describe('locateLines', () => {
  it('finds the line of nested array elements and object members', () => {
    const text = '{\n "a": [\n  1,\n  {"b": 2,\n   "c": []},\n  3\n ],\n "d": "x"\n}';
    expect(locateLines(text, [['a', 1], ['a', 2], ['a', 1, 'c'], ['d'], ['zz']])).toEqual([
      4,
      6,
      5,
      8,
      undefined,
    ]);
  });
});

describe('damaged HARs (found by fuzz/files.ts)', () => {
  const har = (entry: Record<string, unknown>) =>
    JSON.stringify({
      log: {
        version: '1.2',
        entries: [
          {
            startedDateTime: '2026-11-22T11:00:00.000Z',
            _resourceType: 'websocket',
            request: { url: 'wss://h/?roomId=r' },
            response: { status: 101 },
            ...entry,
          },
        ],
      },
    });

  it('"_webSocketMessages" that is not an array is a problem naming it, not an empty connection', () => {
    const r = importHar(har({ _webSocketMessages: { type: 'send' } }));
    expect(r.problems).toHaveLength(1);
    expect(r.problems[0]?.field).toBe('_webSocketMessages');
    expect(r.problems[0]?.message).toMatch(
      /"_webSocketMessages" must be an array, found an object/,
    );
  });

  it('a WebSocket entry without "_webSocketMessages" says its messages were not saved', () => {
    const r = importHar(har({}));
    expect(r.problems).toEqual([]);
    expect(r.warnings.join(' ')).toMatch(/no "_webSocketMessages": its messages were not saved/);
  });

  it('a HAR cut short is refused naming the line it ends at', () => {
    expect(() => importHar('{\n "log": {\n  "entries": [')).toThrow(
      /not valid JSON \(Unexpected end of JSON input; the file ends at line 3\): it looks cut short/,
    );
    expect(() => importHar('{\n "log": {\n  "entries": [{"x": "abc')).toThrow(
      /not valid JSON \(Unterminated string in JSON at position \d+ \(line 3 column \d+\)\): it looks cut short/,
    );
  });
});

import { describe, expect, it } from 'vitest';
import {
  CaptureFormatError,
  CaptureReader,
  newHeader,
  readCaptureStrict,
  readCaptureText,
  writeCapture,
} from './capture.ts';
import type { SessionEvent } from './events.ts';

function isJson(s: string): boolean {
  try {
    JSON.parse(s);
    return true;
  } catch {
    return false;
  }
}

const HEADER =
  '{"format":"signalscope-capture","version":1,"created":"2026-11-22T10:00:00.000Z","source":{"kind":"fixture"}}';

function file(...lines: string[]): string {
  return [HEADER, ...lines].join('\n') + '\n';
}

const ALL_KINDS: SessionEvent[] = [
  {
    seq: 0,
    t: 0,
    type: 'ws.open',
    conn: 'c1',
    url: 'wss://h:4443/?roomId=r&peerId=p',
    protocol: 'protoo',
  },
  {
    seq: 1,
    t: 12.5,
    type: 'ws.frame',
    conn: 'c1',
    dir: 'out',
    text: '{"request":true,"id":1,"method":"join","data":{}}',
  },
  { seq: 2, t: 13, type: 'ws.frame', conn: 'c1', dir: 'in', base64: 'AAEC/w==' },
  {
    seq: 3,
    t: 40,
    type: 'pc',
    pc: 'pc1',
    event: 'setLocalDescription',
    value: { type: 'offer', sdp: 'v=0\r\n' },
  },
  { seq: 4, t: 41, type: 'note', text: 'hello "world"' },
  { seq: 5, t: 42, type: 'ws.error', conn: 'c1', message: 'boom' },
  { seq: 7, t: 900, type: 'ws.close', conn: 'c1', code: 4000, reason: 'bye' },
  {
    seq: 8,
    t: 901,
    type: 'unknown',
    originalType: 'stats',
    conn: 'c1',
    extra: { bytes: 12, nested: { a: [1] } },
  },
  {
    seq: 9,
    t: 902,
    type: 'ws.frame',
    conn: 'c2',
    dir: 'in',
    text: 'not json',
    extra: { proxyClient: 'x' },
  },
  { seq: 10, t: 903, type: 'pc', pc: 'pc1', event: 'close' },
  { seq: 11, t: 904, type: 'ws.close', conn: 'c2' },
];

describe('capture format', () => {
  it('writing what was read gives the same events back, for every event shape', () => {
    const text = writeCapture(newHeader({ kind: 'fixture' }, new Date(0)), ALL_KINDS);
    const { log, errors, header } = readCaptureText(text);
    expect(errors).toEqual([]);
    expect(header?.source.kind).toBe('fixture');
    expect([...log.events()]).toEqual(ALL_KINDS);
    expect(writeCapture(header ?? newHeader({ kind: 'x' }), log.events())).toBe(text);
  });

  it('writes seq, t and type first, then the fields in the documented order', () => {
    const text = writeCapture(newHeader({ kind: 'fixture' }, new Date(0)), [
      ALL_KINDS[0] as SessionEvent,
    ]);
    expect(text.split('\n')[1]).toBe(
      '{"seq":0,"t":0,"type":"ws.open","conn":"c1","url":"wss://h:4443/?roomId=r&peerId=p","protocol":"protoo"}',
    );
  });

  it('keeps unknown header fields', () => {
    const { header } = readCaptureText(
      '{"format":"signalscope-capture","version":1,"created":"2026-01-01T00:00:00Z","source":{"kind":"live","url":"u"},"tool":"x"}\n',
    );
    expect(header?.extra).toEqual({ tool: 'x' });
    expect(header?.source).toEqual({ kind: 'live', url: 'u' });
  });

  it('reads a file fed in chunks of every size, including CRLF line ends', () => {
    const text = writeCapture(newHeader({ kind: 'fixture' }), ALL_KINDS).replace(/\n/g, '\r\n');
    for (const size of [1, 2, 7, 64, 1000]) {
      const reader = new CaptureReader();
      for (let k = 0; k < text.length; k += size) reader.push(text.slice(k, k + size));
      const r = reader.end();
      expect(r.errors).toEqual([]);
      expect([...r.log.events()]).toEqual(ALL_KINDS);
    }
  });

  it('reads a last line without a final newline', () => {
    const r = readCaptureText(`${HEADER}\n{"seq":0,"t":0,"type":"note","text":"x"}`);
    expect(r.errors).toEqual([]);
    expect(r.log.length).toBe(1);
  });

  it('keeps a key named __proto__ as data, without touching prototypes', () => {
    const r = readCaptureText(
      file('{"seq":0,"t":0,"type":"note","text":"x","__proto__":{"polluted":1}}'),
    );
    expect(r.errors).toEqual([]);
    const e = r.log.get(0);
    expect(Object.getOwnPropertyDescriptor(e.extra, '__proto__')?.value).toEqual({ polluted: 1 });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(writeCapture(newHeader({ kind: 'x' }), r.log.events())).toContain(
      '"__proto__":{"polluted":1}',
    );
  });
});

describe('capture reader errors name the line and the field', () => {
  const cases: [string, string, string][] = [
    ['an empty file', '', 'line 1: the file is empty: expected the capture header line'],
    ['a header that is not JSON', 'hello\n', 'line 1: not JSON'],
    [
      'a wrong format',
      '{"format":"pcap","version":1,"created":"2026-01-01T00:00:00Z","source":{"kind":"x"}}\n',
      'line 1, field format: expected "signalscope-capture", found "pcap"',
    ],
    [
      'an unknown version',
      '{"format":"signalscope-capture","version":2,"created":"2026-01-01T00:00:00Z","source":{"kind":"x"}}\n',
      'line 1, field version: expected 1 (this signalscope reads version 1; a newer signalscope may read it), found 2',
    ],
    [
      'a bad created',
      '{"format":"signalscope-capture","version":1,"created":"yesterday","source":{"kind":"x"}}\n',
      'line 1, field created: expected an ISO 8601 time string, found "yesterday"',
    ],
    [
      'a source without kind',
      '{"format":"signalscope-capture","version":1,"created":"2026-01-01T00:00:00Z","source":{}}\n',
      'line 1, field source: expected an object with a string "kind", found {}',
    ],
    ['a header that is an array', '[1]\n', 'line 1: expected the capture header object, found [1]'],
    ['an event that is not an object', file('7'), 'line 2: expected a JSON object, found 7'],
    [
      'a missing seq',
      file('{"t":0,"type":"note","text":"x"}'),
      'line 2, field seq: expected a non-negative integer, found nothing',
    ],
    [
      'a fractional seq',
      file('{"seq":1.5,"t":0,"type":"note","text":"x"}'),
      'line 2, field seq: expected a non-negative integer, found 1.5',
    ],
    [
      'a seq going back',
      file('{"seq":5,"t":0,"type":"note","text":"x"}', '{"seq":5,"t":0,"type":"note","text":"y"}'),
      'line 3, field seq: expected an integer greater than 5 (the previous seq), found 5',
    ],
    [
      'a negative t',
      file('{"seq":0,"t":-1,"type":"note","text":"x"}'),
      'line 2, field t: expected a finite number of milliseconds ≥ 0, found -1',
    ],
    [
      'a string t',
      file('{"seq":0,"t":"0","type":"note","text":"x"}'),
      'line 2, field t: expected a finite number of milliseconds ≥ 0, found "0"',
    ],
    [
      'a missing type',
      file('{"seq":0,"t":0}'),
      'line 2, field type: expected an event type string, found nothing',
    ],
    [
      'a ws.open without url',
      file('{"seq":0,"t":0,"type":"ws.open","conn":"c1"}'),
      'line 2, field url: expected a string, found nothing',
    ],
    [
      'a ws.open with a numeric protocol',
      file('{"seq":0,"t":0,"type":"ws.open","conn":"c1","url":"u","protocol":1}'),
      'line 2, field protocol: expected a string or no field, found 1',
    ],
    [
      'a frame without conn',
      file('{"seq":0,"t":0,"type":"ws.frame","dir":"in","text":"x"}'),
      'line 2, field conn: expected a string, found nothing',
    ],
    [
      'a frame with a bad dir',
      file('{"seq":0,"t":0,"type":"ws.frame","conn":"c","dir":"up","text":"x"}'),
      'line 2, field dir: expected "in" or "out", found "up"',
    ],
    [
      'a frame with neither text nor base64',
      file('{"seq":0,"t":0,"type":"ws.frame","conn":"c","dir":"in"}'),
      'line 2, field text: expected exactly one of text (a text frame) and base64 (a binary frame), found neither',
    ],
    [
      'a frame with both',
      file('{"seq":0,"t":0,"type":"ws.frame","conn":"c","dir":"in","text":"","base64":""}'),
      'line 2, field text: expected exactly one of text and base64, found both',
    ],
    [
      'a frame with a numeric text',
      file('{"seq":0,"t":0,"type":"ws.frame","conn":"c","dir":"in","text":5}'),
      'line 2, field text: expected a string, found 5',
    ],
    [
      'a frame with bad base64',
      file('{"seq":0,"t":0,"type":"ws.frame","conn":"c","dir":"in","base64":"ab$"}'),
      'line 2, field base64: expected base64-encoded bytes, found "ab$"',
    ],
    [
      'a close with a string code',
      file('{"seq":0,"t":0,"type":"ws.close","conn":"c","code":"4000"}'),
      'line 2, field code: expected an integer close code or no field, found "4000"',
    ],
    [
      'a close with a numeric reason',
      file('{"seq":0,"t":0,"type":"ws.close","conn":"c","reason":4}'),
      'line 2, field reason: expected a string or no field, found 4',
    ],
    [
      'an error without message',
      file('{"seq":0,"t":0,"type":"ws.error","conn":"c"}'),
      'line 2, field message: expected a string, found nothing',
    ],
    [
      'a pc event without pc',
      file('{"seq":0,"t":0,"type":"pc","event":"close"}'),
      'line 2, field pc: expected a string, found nothing',
    ],
    [
      'a pc event without event',
      file('{"seq":0,"t":0,"type":"pc","pc":"pc1"}'),
      'line 2, field event: expected a string, found nothing',
    ],
    [
      'a pc event with a numeric conn',
      file('{"seq":0,"t":0,"type":"pc","pc":"pc1","event":"close","conn":1}'),
      'line 2, field conn: expected a string or no field, found 1',
    ],
    [
      'a note without text',
      file('{"seq":0,"t":0,"type":"note"}'),
      'line 2, field text: expected a string, found nothing',
    ],
    [
      'an unknown event with a numeric conn',
      file('{"seq":0,"t":0,"type":"x","conn":2}'),
      'line 2, field conn: expected a string or no field, found 2',
    ],
    [
      'an empty line in the middle',
      `${HEADER}\n\n{"seq":0,"t":0,"type":"note","text":"x"}\n`,
      'line 2: empty line: expected one JSON object per line',
    ],
    [
      'a line that is not JSON',
      file('{"seq":0,"t":0,"type":"note","text":"x"} trailing'),
      'line 2: not JSON',
    ],
    [
      'a truncated last line',
      `${HEADER}\n{"seq":0,"t":0,"type":"note","text":"x"}\n{"seq":1,"t":0,"ty`,
      'line 3: truncated: the last line has no newline and is not complete JSON',
    ],
  ];

  it.each(cases)('%s', (_name, text, message) => {
    const r = readCaptureText(text);
    expect(r.partial).toBe(true);
    expect(r.errors.length).toBeGreaterThan(0);
    const first = r.errors[0];
    expect(first).toBeInstanceOf(CaptureFormatError);
    expect(first?.message.startsWith(message)).toBe(true);
  });

  it('reports every bad line and keeps every good one (a partial result)', () => {
    const r = readCaptureText(
      file(
        '{"seq":0,"t":0,"type":"note","text":"a"}',
        '{"seq":1,"t":0,"type":"ws.frame","conn":"c","dir":"sideways","text":"x"}',
        '{"seq":2,"t":1,"type":"note","text":"b"}',
        '{oops',
        '{"seq":3,"t":2,"type":"note","text":"c"}',
      ),
    );
    expect(r.errors.map((e) => [e.line, e.field])).toEqual([
      [3, 'dir'],
      [5, undefined],
    ]);
    expect([...r.log.events()].map((e) => e.seq)).toEqual([0, 2, 3]);
    expect(r.partial).toBe(true);
    expect(r.lines).toBe(6);
  });

  it('readCaptureStrict() throws the first CaptureFormatError', () => {
    expect(() => readCaptureStrict(file('{"seq":0,"t":0,"type":"note"}'))).toThrow(
      'line 2, field text: expected a string, found nothing',
    );
    expect(readCaptureStrict(file('{"seq":0,"t":0,"type":"note","text":"ok"}')).log.length).toBe(1);
  });

  it('reports the truncation at every cut position of a small file, never dropping silently', () => {
    const text = writeCapture(newHeader({ kind: 'fixture' }, new Date(0)), ALL_KINDS);
    const full = ALL_KINDS.length;
    for (let cut = 0; cut < text.length; cut++) {
      const part = text.slice(0, cut);
      const r = readCaptureText(part);
      // A cut just before a newline leaves a whole last line, which is valid on its own.
      const lastLine = part.slice(part.lastIndexOf('\n') + 1);
      const lastIsWhole = lastLine !== '' && isJson(lastLine);
      const wholeLines = part.split('\n').length - (lastIsWhole ? 0 : 1);
      const endsClean = cut > 0 && (lastLine === '' || lastIsWhole);
      if (endsClean) {
        expect(r.errors).toEqual([]);
        expect(r.log.length).toBe(wholeLines - 1);
      } else {
        expect(r.errors.length).toBeGreaterThan(0);
        if (cut > 0) expect(r.errors.at(-1)?.message).toMatch(/truncated/);
        expect(r.log.length).toBeLessThanOrEqual(full);
      }
    }
  });
});

/** `{a:{a:…{password:'deep-secret'}}}` `depth` levels deep, built without recursion. */
function deepValue(depth: number): unknown {
  let v: unknown = { password: 'deep-secret' };
  for (let k = 0; k < depth; k++) v = { a: v };
  return v;
}

describe('values nested deeper than JSON.stringify recurses (found by fuzz/)', () => {
  it('a pc value nested 50,000 deep is written and reads back the same', () => {
    const events: SessionEvent[] = [
      { seq: 0, t: 0, type: 'pc', pc: 'p', event: 'setLocalDescription', value: deepValue(50_000) },
    ];
    const text = writeCapture(newHeader({ kind: 'test' }), events);
    const back = readCaptureStrict(text);
    expect(back.log.length).toBe(1);
    let v = (back.log.get(0) as { value: unknown }).value as { a?: unknown; password?: string };
    for (let k = 0; k < 50_000; k++) v = v.a as typeof v;
    expect(v).toEqual({ password: 'deep-secret' });
  });
});

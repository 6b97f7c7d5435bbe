import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  CaptureLoadError,
  CaptureRefusedError,
  nameFromUrl,
  readCaptureFile,
  readCaptureFiles,
  readCaptureStream,
  readCaptureUrl,
  resolveCaptureUrl,
  type LoadProgress,
} from './captureFile.ts';

const HEADER =
  '{"format":"signalscope-capture","version":1,"created":"2026-11-22T10:00:00.000Z","source":{"kind":"fixture"}}';

function capture(events: number): string {
  const lines = [HEADER, '{"seq":0,"t":0,"type":"ws.open","conn":"c1","url":"wss://h/"}'];
  for (let seq = 1; seq < events; seq++) {
    lines.push(
      JSON.stringify({
        seq,
        t: seq,
        type: 'ws.frame',
        conn: 'c1',
        dir: 'in',
        text: JSON.stringify({
          notification: true,
          method: 'activeSpeaker',
          data: { peerId: 'p1', volume: -40 },
        }),
      }),
    );
  }
  return lines.join('\n') + '\n';
}

/** A byte stream that hands out `text` in chunks of `size` bytes, splitting characters. */
function chunked(text: string, size: number): ReadableStream<Uint8Array> {
  const bytes = new TextEncoder().encode(text);
  let at = 0;
  return new ReadableStream<Uint8Array>({
    pull(controller) {
      if (at >= bytes.length) {
        controller.close();
        return;
      }
      controller.enqueue(bytes.slice(at, at + size));
      at += size;
    },
  });
}

const fixture = (file: string) =>
  readFileSync(new URL(`../../fixtures/${file}`, import.meta.url), 'utf8');

/** A HAR with no WebSocket entry. */
const HAR = JSON.stringify(
  {
    log: {
      version: '1.2',
      creator: { name: 'WebInspector', version: '537.36' },
      pages: [],
      entries: [],
    },
  },
  null,
  2,
);

describe('readCaptureStream', () => {
  it('reads a capture chunk by chunk, even when a chunk ends inside a character', async () => {
    const text = capture(50).replace('"wss://h/"', '"wss://hé→/"');
    const result = await readCaptureStream(chunked(text, 7), undefined);
    expect(result.problems).toBe(0);
    expect(result.log.length).toBe(50);
    expect(result.header?.source.kind).toBe('fixture');
    expect(result.log.get(0)).toMatchObject({ url: 'wss://hé→/' });
    expect(result.bytes).toBe(new TextEncoder().encode(text).length);
  });

  it('reports progress in bytes as the file is read, ending with the total', async () => {
    const text = capture(8000);
    const total = new TextEncoder().encode(text).length;
    const seen: LoadProgress[] = [];
    await readCaptureStream(chunked(text, 64 * 1024), total, { onProgress: (p) => seen.push(p) });
    expect(total).toBeGreaterThan(512 * 1024);
    expect(seen.length).toBeGreaterThan(1);
    expect(seen.at(-1)).toEqual({ bytesRead: total, totalBytes: total });
    const reads = seen.map((p) => p.bytesRead);
    expect([...reads].sort((a, b) => a - b)).toEqual(reads);
  });

  it('keeps the events it could read and names the line and field of each problem', async () => {
    const lines = capture(4).trimEnd().split('\n');
    lines[2] = lines[2]?.replace('"dir":"in"', '"dir":"up"') ?? '';
    const result = await readCaptureStream(chunked(lines.join('\n') + '\n', 16), undefined);
    expect(result.problems).toBe(1);
    expect(result.errors[0]?.line).toBe(3);
    expect(result.errors[0]?.field).toBe('dir');
    expect(result.log.length).toBe(3);
  });

  it('imports a HAR: its WebSocket connection, frames and page, saying it was imported', async () => {
    const text = fixture('imports/legacy-participant-join.har');
    const result = await readCaptureStream(chunked(text, 4096), undefined, { name: 'join.har' });
    expect(result.problems).toBe(0);
    expect(result.header?.source).toMatchObject({ kind: 'har', name: 'join.har', connections: 1 });
    expect(result.header?.created).toBe('2026-11-22T10:00:00.000Z');
    expect(result.log.length).toBe(111);
    expect(result.log.get(0)).toMatchObject({ type: 'ws.open', conn: 'har-1', protocol: 'protoo' });
    expect(result.log.get(1)).toMatchObject({ type: 'ws.frame', dir: 'in', t: 3.4 });
    expect(result.imported).toMatchObject({
      format: 'har',
      warnings: [],
      pageUrls: ['https://demo.example.org/?roomId=bnzsceer&peerId=xc24fh03'],
    });
    expect(result.lines).toBe(text.split('\n').length - 1);
    expect(result.bytes).toBe(new TextEncoder().encode(text).length);
  });

  it('imports a webrtc-internals dump with its stats series', async () => {
    const text = fixture('imports/legacy-participant-join.webrtc_internals_dump.txt');
    const result = await readCaptureStream(chunked(text, 1000), undefined);
    expect(result.header?.source.kind).toBe('webrtc-internals');
    expect(result.imported?.format).toBe('webrtc-internals');
    expect(result.imported?.stats.map((s) => s.field)).toEqual([
      'bytesSent',
      'dtlsState',
      'currentRoundTripTime',
      '[bytesSent_in_bits/s]',
    ]);
    const last = result.log.get(result.log.length - 1);
    expect(last).toMatchObject({ type: 'pc', pc: '4242-1', value: 'connected' });
  });

  it('reads a malformed HAR as broken: each dropped entry an error with its line and field', async () => {
    const result = await readCaptureStream(
      chunked(fixture('imports/malformed.har'), 512),
      undefined,
      {
        maxErrors: 3,
      },
    );
    expect(result.problems).toBe(7);
    expect(result.errors.map((e) => [e.line, e.field, e.message])).toEqual([
      [
        94,
        'opcode',
        'line 94, field opcode: HAR entry 1 (_webSocketMessages[1]): "opcode" must be a number, found "1"',
      ],
      [
        98,
        'type',
        'line 98, field type: HAR entry 1 (_webSocketMessages[2]): "type" must be "send", "receive" or "error", found "sent"',
      ],
      [
        103,
        'time',
        'line 103, field time: HAR entry 1 (_webSocketMessages[3]): "time" must be a number of seconds, found nothing',
      ],
    ]);
    expect(result.log.length).toBe(3);
  });

  it('refuses a HAR without a WebSocket connection, saying what it is and why', async () => {
    const error = await readCaptureStream(chunked(HAR, 10), undefined).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CaptureRefusedError);
    expect((error as CaptureRefusedError).format).toBe('har');
    expect((error as Error).message).toMatch(
      /^This HTTP Archive \(HAR\) file cannot be imported: the HAR has 0 entries and none is a WebSocket connection/,
    );
  });

  it('refuses a dump that is cut off, and a file that is not JSON', async () => {
    const dump = await readCaptureStream(
      chunked('{"getUserMedia":[],"PeerConnections":{', 8),
      undefined,
    ).catch((e: unknown) => e);
    expect((dump as CaptureRefusedError).format).toBe('webrtc-internals');
    expect((dump as Error).message).toMatch(
      /^This chrome:\/\/webrtc-internals dump cannot be imported: this webrtc-internals dump is not valid JSON/,
    );
    const text = await readCaptureStream(chunked('hello world\n', 8), undefined).catch(
      (e: unknown) => e,
    );
    expect((text as CaptureRefusedError).format).toBe('unknown');
    expect((text as Error).message).toMatch(/not a signalscope capture: not JSON/);
  });

  it('stops reading a refused file after its first few kilobytes', async () => {
    let pulled = 0;
    const endless = new ReadableStream<Uint8Array>({
      pull(controller) {
        pulled++;
        controller.enqueue(new TextEncoder().encode(pulled === 1 ? 'hello ' : ' '.repeat(1024)));
      },
    });
    await expect(readCaptureStream(endless, undefined)).rejects.toBeInstanceOf(CaptureRefusedError);
    expect(pulled).toBeLessThan(10);
  });

  it('stops when aborted', async () => {
    const controller = new AbortController();
    controller.abort();
    await expect(
      readCaptureStream(chunked(capture(10), 16), undefined, { signal: controller.signal }),
    ).rejects.toThrow();
  });
});

describe('readCaptureFile', () => {
  it('reads a File through its stream', async () => {
    const file = new File([capture(20)], 'session.sscap.jsonl');
    const result = await readCaptureFile(file);
    expect(result.name).toBe('session.sscap.jsonl');
    expect(result.origin).toEqual({ kind: 'file' });
    expect(result.log.length).toBe(20);
    expect(result.bytes).toBe(file.size);
  });

  it('reads a Blob without stream() slice by slice', async () => {
    const file = new File([capture(20)], 'old.sscap.jsonl');
    Object.defineProperty(file, 'stream', { value: undefined });
    const result = await readCaptureFile(file);
    expect(result.log.length).toBe(20);
  });
});

describe('readCaptureFiles', () => {
  const harFile = () => new File([fixture('imports/legacy-participant-join.har')], 'join.har');
  const dumpFile = () =>
    new File(
      [fixture('imports/legacy-participant-join.webrtc_internals_dump.txt')],
      'webrtc_internals_dump.txt',
    );

  it('merges a HAR and a dump onto one clock, saying their page is the same', async () => {
    const seen: LoadProgress[] = [];
    const result = await readCaptureFiles([harFile(), dumpFile()], {
      onProgress: (p) => seen.push(p),
    });
    expect(result.name).toBe('join.har + webrtc_internals_dump.txt');
    expect(result.problems).toBe(0);
    expect(result.header?.source).toMatchObject({ kind: 'merged' });
    expect(result.log.length).toBe(111 + 34 + 1);
    expect(result.imported?.format).toBe('merged');
    expect(result.imported?.matches).toEqual([
      'join.har: the page https://demo.example.org/?roomId=bnzsceer&peerId=xc24fh03 is the page of peer connections 4242-2, 4242-1 of webrtc_internals_dump.txt',
    ]);
    expect(result.imported?.stats).toHaveLength(4);
    const total = harFile().size + dumpFile().size;
    expect(result.bytes).toBe(total);
    expect(seen.at(-1)).toEqual({ bytesRead: total, totalBytes: total });
  });

  it('merges a capture with its own format errors, naming the file in each', async () => {
    const lines = capture(4).trimEnd().split('\n');
    lines[2] = lines[2]?.replace('"dir":"in"', '"dir":"up"') ?? '';
    const broken = new File([lines.join('\n') + '\n'], 'a.sscap.jsonl');
    const result = await readCaptureFiles([broken, harFile()]);
    expect(result.problems).toBe(1);
    expect(result.errors[0]?.message).toBe(
      'line 3, field dir: a.sscap.jsonl: expected "in" or "out", found "up"',
    );
    expect(result.log.length).toBe(3 + 111);
  });

  it('refuses the set when one file cannot be read, naming it', async () => {
    const error = await readCaptureFiles([harFile(), new File(['hello'], 'notes.txt')]).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(CaptureRefusedError);
    expect((error as Error).message).toMatch(/^notes\.txt: This is not a signalscope capture/);
  });

  it('reads one file as readCaptureFile does', async () => {
    const result = await readCaptureFiles([harFile()]);
    expect(result.imported?.format).toBe('har');
    expect(result.name).toBe('join.har');
  });
});

describe('readCaptureUrl', () => {
  it('fetches and streams a capture', async () => {
    const body = capture(5);
    const result = await readCaptureUrl('https://example.org/caps/demo.sscap.jsonl', {}, (url) => {
      expect(url).toBe('https://example.org/caps/demo.sscap.jsonl');
      return Promise.resolve(
        new Response(body, { headers: { 'content-length': String(body.length) } }),
      );
    });
    expect(result.name).toBe('demo.sscap.jsonl');
    expect(result.origin).toEqual({
      kind: 'url',
      url: 'https://example.org/caps/demo.sscap.jsonl',
    });
    expect(result.log.length).toBe(5);
  });

  it('reports an HTTP error status plainly', async () => {
    const error = await readCaptureUrl('https://example.org/missing', {}, () =>
      Promise.resolve(new Response('nope', { status: 404, statusText: 'Not Found' })),
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CaptureLoadError);
    expect((error as Error).message).toBe(
      'could not fetch https://example.org/missing: the server answered 404 Not Found',
    );
  });

  it('says so when the address answers with a web page instead of a capture', async () => {
    const error = await readCaptureUrl('http://127.0.0.1:5173/fixtures/typo.sscap.jsonl', {}, () =>
      Promise.resolve(
        new Response('<!doctype html><html></html>', {
          headers: { 'content-type': 'text/html; charset=utf-8' },
        }),
      ),
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CaptureLoadError);
    expect((error as Error).message).toBe(
      'http://127.0.0.1:5173/fixtures/typo.sscap.jsonl answered with a web page (text/html), not a capture: check the address',
    );
  });

  it('reports a network failure plainly', async () => {
    const error = await readCaptureUrl('https://example.org/x', {}, () =>
      Promise.reject(new TypeError('Failed to fetch')),
    ).catch((e: unknown) => e);
    expect((error as Error).message).toBe('could not fetch https://example.org/x: Failed to fetch');
  });
});

describe('capture URLs', () => {
  it('resolveCaptureUrl() resolves against the page and allows http, https and blob only', () => {
    expect(resolveCaptureUrl('/fixtures/a.sscap.jsonl', 'http://127.0.0.1:5173/?capture=x')).toBe(
      'http://127.0.0.1:5173/fixtures/a.sscap.jsonl',
    );
    expect(() => resolveCaptureUrl('javascript:alert(1)', 'http://h/')).toThrow(
      /must be http:, https: or blob:, found javascript:/,
    );
    expect(() => resolveCaptureUrl('file:///etc/passwd', 'http://h/')).toThrow(CaptureLoadError);
  });

  it('nameFromUrl() gives the last path segment', () => {
    expect(nameFromUrl('/fixtures/legacy%20join.sscap.jsonl?x=1')).toBe('legacy join.sscap.jsonl');
    expect(nameFromUrl('https://example.org/')).toBe('https://example.org/');
  });
});

import { describe, expect, it } from 'vitest';
import { newHeader, readCaptureText, writeCapture } from './capture.ts';
import type { SessionEvent } from './events.ts';
import {
  REDACTED,
  exportCaptureLines,
  redactEvent,
  redactEvents,
  redactFrameText,
  redactHeader,
  redactString,
  redactUrl,
  redactValue,
  isSecretName,
} from './redact.ts';

describe('redaction', () => {
  it('replaces secret query parameters in URLs and keeps the others', () => {
    expect(redactUrl('wss://h:4443/?roomId=r&peerId=p&token=abc#x')).toBe(
      'wss://h:4443/?roomId=r&peerId=p&token=%5Bredacted%5D#x',
    );
    expect(redactUrl('https://h/?throttleSecret=s&e2eKey=k&Password=p&a=1')).toBe(
      'https://h/?throttleSecret=%5Bredacted%5D&e2eKey=%5Bredacted%5D&Password=%5Bredacted%5D&a=1',
    );
    expect(redactUrl('wss://h/?roomId=token')).toBe('wss://h/?roomId=token');
    expect(redactUrl('no query token=1')).toBe('no query token=1');
    expect(redactUrl('wss://h/?%E0%A4%A=1&secret')).toBe(
      'wss://h/?%E0%A4%A=1&secret=%5Bredacted%5D',
    );
  });

  it('replaces secret fields at any depth, case-insensitively', () => {
    expect(
      redactValue({
        secret: 's',
        options: { up: 1 },
        nested: [{ Token: 't', url: 'wss://x/?apiKey=1' }],
      }),
    ).toEqual({
      secret: REDACTED,
      options: { up: 1 },
      nested: [{ Token: REDACTED, url: 'wss://x/?apiKey=%5Bredacted%5D' }],
    });
  });

  it('redacts an applyNetworkThrottle secret in a frame, and leaves non-JSON frames alone', () => {
    const text =
      '{"request":true,"id":1,"method":"applyNetworkThrottle","data":{"secret":"hunter2","uplink":100}}';
    expect(redactFrameText(text)).toBe(
      '{"request":true,"id":1,"method":"applyNetworkThrottle","data":{"secret":"[redacted]","uplink":100}}',
    );
    expect(redactFrameText('{"secret": broken')).toBe('{"secret": broken');
    const plain = '{"request":true,"id":1,"method":"join","data":{}}';
    expect(redactFrameText(plain)).toBe(plain);
  });

  it('redacts every event type that can carry a secret, without changing the original', () => {
    const events: SessionEvent[] = [
      { seq: 0, t: 0, type: 'ws.open', conn: 'c', url: 'wss://h/?roomId=r&token=T0KEN' },
      {
        seq: 1,
        t: 1,
        type: 'ws.frame',
        conn: 'c',
        dir: 'out',
        text: '{"notification":true,"method":"x","data":{"password":"PW"}}',
      },
      {
        seq: 2,
        t: 2,
        type: 'pc',
        pc: 'p',
        event: 'setConfiguration',
        value: { iceServers: [{ urls: 'turn:x', credential: 'CRED' }] },
      },
      { seq: 3, t: 3, type: 'note', text: 'nothing secret' },
    ];
    const header = redactHeader(newHeader({ kind: 'live', url: 'wss://h/?secret=S3CRET' }));
    const text = writeCapture(header, redactEvents(events));
    for (const secret of ['T0KEN', 'PW', 'CRED', 'S3CRET']) expect(text).not.toContain(secret);
    expect(readCaptureText(text).header?.redacted).toBe(true);
    expect(events[0]).toMatchObject({ url: 'wss://h/?roomId=r&token=T0KEN' });
    expect(redactEvent(events[3] as SessionEvent)).toBe(events[3]);
  });

  it('exports redacted by default, and keeps secrets only when asked', () => {
    const header = newHeader({ kind: 'live', url: 'wss://h/?token=HEADERSECRET' });
    const events: SessionEvent[] = [
      { seq: 0, t: 0, type: 'ws.open', conn: 'c', url: 'wss://h/?peerId=p&e2eKey=URLSECRET' },
      {
        seq: 1,
        t: 1,
        type: 'ws.frame',
        conn: 'c',
        dir: 'out',
        text: '{"request":true,"id":1,"method":"applyNetworkThrottle","data":{"secret":"DATASECRET"}}',
      },
      { seq: 2, t: 2, type: 'note', text: 'n', extra: { apiKey: 'EXTRASECRET' } },
    ];
    const secrets = ['HEADERSECRET', 'URLSECRET', 'DATASECRET', 'EXTRASECRET'];
    const redacted = [...exportCaptureLines(header, events)].join('');
    for (const s of secrets) expect(redacted).not.toContain(s);
    const kept = [...exportCaptureLines(header, events, { keepSecrets: true })].join('');
    for (const s of secrets) expect(kept).toContain(s);
    expect(readCaptureText(redacted).log.length).toBe(3);
  });
});

describe('secrets at any depth (found by fuzz/)', () => {
  it('redacts a password 50,000 levels down, where the old copy stopped at 200', () => {
    let value: unknown = { password: 'deep-secret', url: 'wss://h/?token=deep-token' };
    for (let k = 0; k < 50_000; k++) value = { a: value };
    const text = JSON.stringify({ notification: true, method: 'x', data: 1 }).replace(
      '1',
      '{"a":'.repeat(50_000) + '{"password":"deep-secret"}' + '}'.repeat(50_000),
    );
    const redacted = redactFrameText(text);
    expect(redacted).not.toContain('deep-secret');
    expect(redacted).toContain(REDACTED);
    const copy = redactValue(value);
    let v = copy as { a?: unknown; password?: string; url?: string };
    for (let k = 0; k < 50_000; k++) v = v.a as typeof v;
    expect(v.password).toBe(REDACTED);
    expect(v.url).toBe(`wss://h/?token=${encodeURIComponent(REDACTED)}`);
  });
});

describe('what counts as a secret', () => {
  it('names: suffixes secret / token / password, auth…, api keys; not ufrag, fingerprints, ids', () => {
    for (const n of [
      'csrfToken',
      'clientSecret',
      'authToken',
      'Authorization',
      'x-api-key',
      'api_key',
      'ice-pwd',
      'Cookie',
    ]) {
      expect(isSecretName(n), n).toBe(true);
    }
    for (const n of [
      'tokenId',
      'usernameFragment',
      'fingerprint',
      'peerId',
      'username',
      'keyFrame',
    ]) {
      expect(isSecretName(n), n).toBe(false);
    }
  });

  it('strings: URLs inside free text and SDP a=ice-pwd values', () => {
    expect(redactString('joined wss://h/?roomId=r&token=abc ok')).toBe(
      'joined wss://h/?roomId=r&token=%5Bredacted%5D ok',
    );
    expect(redactString('a=ice-ufrag:u\r\na=ice-pwd:p4ss\r\n')).toBe(
      `a=ice-ufrag:u\r\na=ice-pwd:${REDACTED}\r\n`,
    );
  });

  it('a frame that is not JSON keeps its bytes but not its secret values', () => {
    expect(
      redactFrameText('{"request":true,"data":{"password":"hunter2","sdp":"a=ice-pwd:x\\r\\n'),
    ).toBe(`{"request":true,"data":{"password":"${REDACTED}","sdp":"a=ice-pwd:${REDACTED}\\r\\n`);
  });

  it('notes, socket errors and close reasons', () => {
    const note: SessionEvent = { seq: 0, t: 0, type: 'note', text: 'wss://h/?token=N' };
    const close: SessionEvent = {
      seq: 1,
      t: 1,
      type: 'ws.close',
      conn: 'c',
      reason: 'wss://h/?secret=C',
    };
    const error: SessionEvent = {
      seq: 2,
      t: 2,
      type: 'ws.error',
      conn: 'c',
      message: 'wss://h/?auth=E',
    };
    const text = [note, close, error].map((e) => JSON.stringify(redactEvent(e))).join('');
    for (const s of ['=N', '=C', '=E']) expect(text).not.toContain(s);
  });
});

describe('frames without secrets keep their bytes', () => {
  it('a frame that only looks like it might hold one is not rewritten', () => {
    // "key" and "\u" pass the cheap pre-check; nothing in it is a secret.
    const text =
      '{"request":true,"id":7,"method":"requestConsumerKeyFrame","data":{"consumerId":"c\\u0031","keyFrameRequestDelay":1.0, "n":1e3}}';
    expect(redactFrameText(text)).toBe(text);
  });

  it('a frame with a secret is rewritten with only that value replaced', () => {
    const text = '{"request":true,"id":7,"method":"join","data":{"token":"s3cr3t","n":1}}';
    const out = redactFrameText(text);
    expect(out).not.toContain('s3cr3t');
    expect(JSON.parse(out)).toEqual({
      request: true,
      id: 7,
      method: 'join',
      data: { token: '[redacted]', n: 1 },
    });
  });
});

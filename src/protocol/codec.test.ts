import { describe, expect, it } from 'vitest';
import { classify, decode, encode, generateRequestId, requestTimeoutMs } from './codec.ts';

describe('decode()', () => {
  it('decodes a request', () => {
    expect(decode('{"request":true,"id":12,"method":"join","data":{"displayName":"a"}}')).toEqual({
      kind: 'request',
      id: 12,
      method: 'join',
      data: { displayName: 'a' },
    });
  });

  it('decodes a success response', () => {
    expect(decode('{"response":true,"id":12,"ok":true,"data":{"peers":[]}}')).toEqual({
      kind: 'success',
      id: 12,
      data: { peers: [] },
    });
  });

  it('decodes an error response from protoo-client (ok:false)', () => {
    expect(
      decode(
        '{"response":true,"id":3,"ok":false,"errorCode":403,"errorReason":"I do not want to consume"}',
      ),
    ).toEqual({
      kind: 'error',
      id: 3,
      errorCode: 403,
      errorReason: 'I do not want to consume',
      okField: 'false',
    });
  });

  it('decodes an error response from protoo-server, which has no ok field', () => {
    expect(decode('{"response":true,"id":3,"errorCode":500,"errorReason":"boom"}')).toEqual({
      kind: 'error',
      id: 3,
      errorCode: 500,
      errorReason: 'boom',
      okField: 'absent',
    });
  });

  it('treats any falsy ok as an error (ok:0, ok:null)', () => {
    expect(decode('{"response":true,"id":3,"ok":0,"errorCode":1,"errorReason":"x"}').kind).toBe(
      'error',
    );
    expect(decode('{"response":true,"id":3,"ok":null}')).toMatchObject({
      kind: 'error',
      okField: 'other',
      errorReason: '',
    });
  });

  it('keeps a non-numeric errorCode out and stringifies a non-string errorReason', () => {
    expect(
      decode('{"response":true,"id":3,"errorCode":"500","errorReason":{"a":1}}'),
    ).toMatchObject({
      kind: 'error',
      errorCode: undefined,
      errorReason: '{"a":1}',
    });
  });

  it('decodes a notification', () => {
    expect(decode('{"notification":true,"method":"peerClosed","data":{"peerId":"p"}}')).toEqual({
      kind: 'notification',
      method: 'peerClosed',
      data: { peerId: 'p' },
    });
  });

  it('turns missing or falsy data into {} as protoo does, and passes arrays through', () => {
    expect(decode('{"notification":true,"method":"x"}')).toMatchObject({ data: {} });
    expect(decode('{"request":true,"id":1,"method":"x","data":null}')).toMatchObject({ data: {} });
    expect(decode('{"request":true,"id":1,"method":"x","data":0}')).toMatchObject({ data: {} });
    expect(
      decode('{"response":true,"id":1,"ok":true,"data":[{"type":"transport"}]}'),
    ).toMatchObject({
      data: [{ type: 'transport' }],
    });
  });

  it('checks request before response before notification, like protoo', () => {
    expect(
      decode('{"request":true,"response":true,"notification":true,"id":1,"method":"m"}').kind,
    ).toBe('request');
    expect(decode('{"response":true,"notification":true,"id":1,"ok":true,"method":"m"}').kind).toBe(
      'success',
    );
  });

  it('reports text that is not JSON as invalid, with the parser error', () => {
    const r = decode('{"request":true,');
    expect(r.kind).toBe('invalid');
    expect(r.kind === 'invalid' && r.reason).toMatch(/^not JSON: /);
  });

  it('reports an empty frame as invalid', () => {
    expect(decode('')).toEqual({ kind: 'invalid', reason: 'not JSON: the frame is empty' });
    expect(decode('   ')).toEqual({ kind: 'invalid', reason: 'not JSON: the frame is empty' });
  });

  it.each([
    ['42', 'not an object: the frame is a number'],
    ['"hello"', 'not an object: the frame is a string'],
    ['null', 'not an object: the frame is null'],
    ['true', 'not an object: the frame is a boolean'],
    ['[1,2]', 'not an object: the frame is an array'],
  ])('reports %s as invalid: %s', (text, reason) => {
    expect(decode(text)).toEqual({ kind: 'invalid', reason });
  });

  it('reports a request without id, keeping its method', () => {
    expect(decode('{"request":true,"method":"join","data":{}}')).toEqual({
      kind: 'invalid',
      reason: 'request "join" without id',
      method: 'join',
    });
  });

  it('reports a request with a non-numeric id', () => {
    expect(decode('{"request":true,"id":"7","method":"join"}')).toEqual({
      kind: 'invalid',
      reason: 'request "join" with a non-numeric id ("7")',
      method: 'join',
    });
  });

  it('reports a request without method, keeping its id', () => {
    expect(decode('{"request":true,"id":7}')).toEqual({
      kind: 'invalid',
      reason: 'request without method',
      id: 7,
    });
    expect(decode('{"request":true,"id":7,"method":5}')).toEqual({
      kind: 'invalid',
      reason: 'request with a method that is a number, not a string',
      id: 7,
    });
  });

  it('reports a response without id or with a non-numeric id', () => {
    expect(decode('{"response":true,"ok":true}')).toEqual({
      kind: 'invalid',
      reason: 'response without id',
    });
    expect(decode('{"response":true,"id":null,"ok":true}')).toEqual({
      kind: 'invalid',
      reason: 'response with a non-numeric id (null)',
    });
  });

  it('reports a notification without method', () => {
    expect(decode('{"notification":true,"data":{}}')).toEqual({
      kind: 'invalid',
      reason: 'notification without method',
    });
    expect(decode('{"notification":true,"method":[]}')).toEqual({
      kind: 'invalid',
      reason: 'notification with a method that is an array, not a string',
    });
  });

  it('reports an object with no kind flag', () => {
    expect(decode('{"id":1,"method":"join"}')).toEqual({
      kind: 'invalid',
      reason: 'no kind flag: none of request, response or notification is true',
      id: 1,
      method: 'join',
    });
    expect(decode('{"request":false,"method":"join"}').kind).toBe('invalid');
  });

  it('shortens a huge non-numeric id in the reason', () => {
    const r = decode(`{"response":true,"id":"${'x'.repeat(1000)}"}`);
    expect(r.kind === 'invalid' && r.reason.length).toBeLessThan(80);
  });

  it('never throws on hostile input', () => {
    const deep = '['.repeat(100_000) + ']'.repeat(100_000);
    expect(() => decode(deep)).not.toThrow();
    expect(decode('{"__proto__":{"request":true},"id":1}').kind).toBe('invalid');
    expect(decode('{"request":true,"id":1e400,"method":"m"}').kind).toBe('invalid');
  });
});

describe('classify()', () => {
  it('classifies parsed values without re-parsing', () => {
    expect(classify({ notification: true, method: 'm' })).toEqual({
      kind: 'notification',
      method: 'm',
      data: {},
    });
    expect(classify(undefined)).toEqual({
      kind: 'invalid',
      reason: 'not an object: the frame is a undefined',
    });
  });
});

describe('encode()', () => {
  it('encodes each kind as protoo puts it on the wire', () => {
    expect(encode({ kind: 'request', id: 5, method: 'join' })).toBe(
      '{"request":true,"id":5,"method":"join","data":{}}',
    );
    expect(encode({ kind: 'success', id: 5, data: { a: 1 } })).toBe(
      '{"response":true,"id":5,"ok":true,"data":{"a":1}}',
    );
    expect(encode({ kind: 'error', id: 5, errorCode: 403, errorReason: 'no' })).toBe(
      '{"response":true,"id":5,"ok":false,"errorCode":403,"errorReason":"no"}',
    );
    expect(encode({ kind: 'notification', method: 'x' })).toBe(
      '{"notification":true,"method":"x","data":{}}',
    );
  });

  it('round-trips through decode()', () => {
    const messages = [
      { kind: 'request', id: 1, method: 'produce', data: { kind: 'audio' } },
      { kind: 'success', id: 1, data: { id: 'p' } },
      { kind: 'notification', method: 'activeSpeaker', data: { peerId: null } },
    ] as const;
    for (const m of messages) expect(decode(encode(m))).toEqual(m);
    expect(decode(encode({ kind: 'error', id: 2, errorCode: 500, errorReason: 'x' }))).toEqual({
      kind: 'error',
      id: 2,
      errorCode: 500,
      errorReason: 'x',
      okField: 'false',
    });
  });
});

describe('generateRequestId()', () => {
  it('draws integers in 0..10,000,000 like protoo', () => {
    expect(generateRequestId(() => 0)).toBe(0);
    expect(generateRequestId(() => 0.9999999999)).toBe(10_000_000);
    expect(generateRequestId(() => 0.12345678)).toBe(1_234_568);
  });
});

describe('requestTimeoutMs()', () => {
  it("uses protoo-client's 1500·(15+0.1·pending) and protoo-server's 2000·(15+0.1·pending)", () => {
    expect(requestTimeoutMs('client', 0)).toBe(22_500);
    expect(requestTimeoutMs('client', 3)).toBeCloseTo(22_950);
    expect(requestTimeoutMs('server', 0)).toBe(30_000);
    expect(requestTimeoutMs('server', 2)).toBeCloseTo(30_400);
  });
});

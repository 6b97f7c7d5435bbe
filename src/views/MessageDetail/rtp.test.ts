import { describe, expect, it } from 'vitest';
import { fixtureSession } from '../shared/sessions.ts';
import { mediasoupBlocks, type RtpBlock } from './rtp.ts';
import { cell, valueText } from './table.ts';

const texts = (b: RtpBlock | undefined, table: number) =>
  b?.tables[table]?.rows.map((r) => r.map((c) => c.text)) ?? [];

describe('mediasoupBlocks()', () => {
  it('tabulates rtpParameters: codecs, header extensions, encodings with rtx, rtcp', () => {
    const data = {
      kind: 'video',
      rtpParameters: {
        mid: '1',
        codecs: [
          {
            mimeType: 'video/VP8',
            payloadType: 101,
            clockRate: 90000,
            parameters: {},
            rtcpFeedback: [
              { type: 'nack', parameter: '' },
              { type: 'nack', parameter: 'pli' },
            ],
          },
          { mimeType: 'video/rtx', payloadType: 102, clockRate: 90000, parameters: { apt: 101 } },
        ],
        headerExtensions: [{ uri: 'urn:ietf:params:rtp-hdrext:sdes:mid', id: 1, encrypt: false }],
        encodings: [
          {
            ssrc: 111,
            rtx: { ssrc: 112 },
            scalabilityMode: 'L1T3',
            maxBitrate: 500000,
            active: true,
          },
          { rid: 'h', dtx: true },
        ],
        rtcp: { cname: 'abc', reducedSize: true },
      },
    };
    const [b] = mediasoupBlocks(data);
    expect(b?.title).toBe('RTP parameters');
    expect(b?.path).toBe('data.rtpParameters');
    expect(b?.facts.map((f) => [f.label, f.value.text])).toEqual([
      ['mid', '1'],
      ['RTCP cname', 'abc'],
      ['RTCP reducedSize', 'true'],
    ]);
    expect(b?.tables.map((t) => t.caption)).toEqual([
      'Codecs (2)',
      'Header extensions (1)',
      'Encodings (2)',
    ]);
    expect(texts(b, 0)).toEqual([
      ['101', 'video/VP8', '90000', '—', '—', 'nack, nack pli'],
      ['102', 'video/rtx', '90000', '—', 'apt=101', '—'],
    ]);
    expect(texts(b, 1)).toEqual([['1', 'urn:ietf:params:rtp-hdrext:sdes:mid', 'false', '—']]);
    expect(texts(b, 2)).toEqual([
      ['111', '—', '112', 'L1T3', '500000', '—', 'active=true'],
      ['—', 'h', '—', '—', '—', 'true', '—'],
    ]);
  });

  it('finds rtpCapabilities of a join and the router capabilities of the new dialect', () => {
    const join = mediasoupBlocks({
      displayName: 'x',
      rtpCapabilities: {
        codecs: [
          {
            kind: 'audio',
            mimeType: 'audio/opus',
            clockRate: 48000,
            channels: 2,
            preferredPayloadType: 100,
          },
        ],
        headerExtensions: [{ kind: 'video', uri: 'urn:x', preferredId: 4, direction: 'sendrecv' }],
      },
      sctpCapabilities: { numStreams: { OS: 1024, MIS: 1024 } },
    });
    expect(join.map((b) => [b.title, b.path])).toEqual([
      ['RTP capabilities', 'data.rtpCapabilities'],
      ['SCTP capabilities', 'data.sctpCapabilities'],
    ]);
    expect(texts(join[0], 0)).toEqual([['audio', 'audio/opus', '48000', '2', '100', '—', '—']]);
    expect(texts(join[0], 1)).toEqual([['video', 'urn:x', '4', '—', 'sendrecv']]);
    expect(join[1]?.facts.map((f) => f.value.text)).toEqual(['1024', '1024']);
    const router = mediasoupBlocks({ routerRtpCapabilities: { codecs: [], headerExtensions: [] } });
    expect(router[0]?.path).toBe('data.routerRtpCapabilities');
  });

  it('recognises the legacy answers that are the object itself', () => {
    expect(mediasoupBlocks({ codecs: [], headerExtensions: [] })[0]?.kind).toBe('rtpCapabilities');
    expect(mediasoupBlocks({ codecs: [], headerExtensions: [], encodings: [] })[0]?.kind).toBe(
      'rtpParameters',
    );
    const ice = mediasoupBlocks({ usernameFragment: 'u', password: 'p', iceLite: true })[0];
    expect(ice?.kind).toBe('iceParameters');
    expect(ice?.facts.find((f) => f.label === 'password')?.value).toEqual({
      text: 'p',
      secret: true,
    });
  });

  it('tabulates a createWebRtcTransport answer from a fixture, password secret', () => {
    const a = fixtureSession('legacy-participant-join');
    const msg = a.message(5);
    if (msg?.kind !== 'success') throw new Error('expected the createWebRtcTransport answer');
    const blocks = mediasoupBlocks(msg.data);
    expect(blocks.map((b) => b.kind)).toEqual([
      'iceParameters',
      'iceCandidates',
      'dtlsParameters',
      'sctpParameters',
    ]);
    const ice = blocks[0];
    expect(ice?.facts.map((f) => [f.label, f.value.text, f.value.secret === true])).toEqual([
      ['usernameFragment', 'kv7sj6y7lx23fheq', false],
      ['password', '9dgeymesw5v2ujct2lbxgr7xbx7743nb', true],
      ['iceLite', 'true', false],
    ]);
    expect(texts(blocks[1], 0)).toEqual([
      ['udpcandidate', '1076302079', '127.0.0.1', 'udp', '44444', 'host', '—'],
      ['tcpcandidate', '1076276479', '127.0.0.1', 'tcp', '44444', 'host', 'passive'],
    ]);
    expect(blocks[2]?.facts[0]?.value.text).toBe('auto');
    expect(texts(blocks[2], 0)[0]?.[0]).toBe('sha-256');
  });

  it('says what is wrong instead of failing on misshapen values', () => {
    const blocks = mediasoupBlocks({
      rtpParameters: 'nope',
      iceCandidates: { a: 1 },
      dtlsParameters: { fingerprints: 'x', role: 'client' },
    });
    expect(blocks.map((b) => b.problem)).toEqual([
      'data.rtpParameters is a string, not an object',
      'data.iceCandidates is an object, not an array',
      'fingerprints is a string, not an array',
    ]);
    expect(mediasoupBlocks({ dtlsParameters: { fingerprints: [] } })[0]?.facts[0]?.value.text).toBe(
      'auto (not given)',
    );
    const odd = mediasoupBlocks({ rtpParameters: { codecs: [null, 7], headerExtensions: [] } })[0];
    expect(texts(odd, 0)).toEqual([
      ['null', '—', '—', '—', '—', '—'],
      ['7', '—', '—', '—', '—', '—'],
    ]);
  });

  it('looks a few levels deep, no deeper, and ignores non-objects', () => {
    expect(mediasoupBlocks({ a: { b: { rtpParameters: {} } } }).map((b) => b.path)).toEqual([
      'data.a.b.rtpParameters',
    ]);
    expect(mediasoupBlocks({ a: { b: { c: { rtpParameters: {} } } } })).toEqual([]);
    expect(mediasoupBlocks('x')).toEqual([]);
    expect(mediasoupBlocks([{ rtpParameters: {} }])).toEqual([]);
  });
});

describe('valueText() and cell()', () => {
  it('writes flat objects like fmtp, nested ones as JSON, and absent values as a dash', () => {
    expect(valueText({ apt: 101, 'profile-id': '0' })).toBe('apt=101; profile-id=0');
    expect(valueText({ a: { b: 1 } })).toBe('{"a":{"b":1}}');
    expect(valueText(undefined)).toBe('—');
    expect(cell('')).toEqual({ text: '—', missing: true });
    expect(cell(false)).toEqual({ text: 'false' });
    expect(valueText('x'.repeat(400))).toHaveLength(300);
  });
});

import { describe, expect, it } from 'vitest';
import { parseCandidate } from './candidate.ts';
import { maskSdpLine, parseSdp, sdpLines, type ParsedSdp } from './sdp.ts';
import { ANSWER_1_SDP, BROKEN_SDP, OFFER_1_SDP, OFFER_2_SDP } from './samples.ts';

function parsed(text: string): ParsedSdp {
  const r = parseSdp(text);
  if (!r.ok) throw new Error(r.error);
  return r.sdp;
}

describe('parseSdp()', () => {
  it('reads the session: origin, name, BUNDLE group, msid-semantic, extmap-allow-mixed', () => {
    const sdp = parsed(OFFER_2_SDP);
    expect(sdp.version).toBe(0);
    expect(sdp.origin).toEqual({
      username: '-',
      sessionId: '4611731400430051336',
      sessionVersion: '3',
      address: '127.0.0.1',
    });
    expect(sdp.groups).toEqual([{ semantics: 'BUNDLE', mids: ['0', '1', '2'] }]);
    expect(sdp.extmapAllowMixed).toBe(true);
    expect(sdp.iceLite).toBe(false);
    expect(sdp.problems).toEqual([]);
    expect(sdp.media.map((m) => [m.kind, m.mid, m.direction])).toEqual([
      ['audio', '0', 'sendonly'],
      ['application', '1', 'sendrecv'],
      ['video', '2', 'sendonly'],
    ]);
  });

  it('lists codecs in m-line order with clock rate, channels, fmtp and rtcp-fb', () => {
    const [audio, , video] = parsed(OFFER_2_SDP).media;
    expect(audio?.codecs.map((c) => [c.payloadType, c.name, c.clockRate, c.channels])).toEqual([
      [111, 'opus', 48000, 2],
      [63, 'red', 48000, 2],
      [0, 'PCMU', 8000, undefined],
    ]);
    expect(audio?.codecs[0]?.fmtp).toBe('minptime=10;useinbandfec=1');
    expect(audio?.codecs[0]?.rtcpFb).toEqual(['transport-cc']);
    expect(video?.codecs.find((c) => c.name === 'VP8')?.rtcpFb).toEqual([
      'goog-remb',
      'transport-cc',
      'ccm fir',
      'nack',
      'nack pli',
    ]);
    expect(video?.codecs.find((c) => c.name === 'rtx')?.fmtp).toBe('apt=96');
  });

  it('reads header extensions, transport attributes, ssrc, msid, rids and simulcast', () => {
    const [audio, data, video] = parsed(OFFER_2_SDP).media;
    expect(audio?.extensions.map((e) => [e.id, e.uri])).toContainEqual([
      4,
      'urn:ietf:params:rtp-hdrext:sdes:mid',
    ]);
    expect(audio?.iceUfrag).toEqual({ value: 'aB3x', from: 'media' });
    expect(audio?.icePwd?.value).toBe('Zq9w8e7r6t5y4u3i2o1p0lKj');
    expect(audio?.fingerprint?.value.hash).toBe('sha-256');
    expect(audio?.setup).toEqual({ value: 'actpass', from: 'media' });
    expect(audio?.ssrcs).toEqual([
      { ssrc: '1001', cname: 'Yq3lQ2vU7mZ1bJkE', msid: 'stream-1 track-audio-1', other: [] },
    ]);
    expect(audio?.msid).toEqual(['stream-1 track-audio-1']);
    expect(audio?.rtcpMux).toBe(true);
    expect(video?.rids.map((r) => r.id)).toEqual(['q', 'h', 'f']);
    expect(video?.simulcast).toBe('send q;h;f');
    expect(video?.rtcpRsize).toBe(true);
    expect(data?.codecs).toEqual([]);
    expect(data?.sctpPort).toBe(5000);
    expect(data?.maxMessageSize).toBe(262144);
  });

  it('reads candidates with related address and tcptype, and end-of-candidates', () => {
    const [audio] = parsed(ANSWER_1_SDP).media;
    expect(audio?.candidates.map((c) => [c.type, c.protocol, c.address, c.port])).toEqual([
      ['host', 'udp', '192.168.1.20', 51472],
      ['srflx', 'udp', '203.0.113.7', 51472],
      ['host', 'tcp', '192.168.1.20', 9],
      ['relay', 'udp', '198.51.100.4', 3478],
    ]);
    expect(audio?.candidates[1]?.relatedAddress).toBe('192.168.1.20');
    expect(audio?.candidates[1]?.relatedPort).toBe(51472);
    expect(audio?.candidates[2]?.tcpType).toBe('active');
    expect(audio?.endOfCandidates).toBe(true);
  });

  it('inherits session-level ICE, fingerprint, setup and direction, and says so', () => {
    const text = [
      'v=0',
      'o=- 1 1 IN IP4 0.0.0.0',
      's=-',
      't=0 0',
      'a=ice-lite',
      'a=ice-ufrag:sess',
      'a=ice-pwd:sessionpassword',
      'a=fingerprint:sha-256 AA:BB',
      'a=setup:passive',
      'a=recvonly',
      'm=audio 9 UDP/TLS/RTP/SAVPF 111',
      'a=rtpmap:111 opus/48000/2',
      '',
    ].join('\r\n');
    const sdp = parsed(text);
    const [m] = sdp.media;
    expect(sdp.iceLite).toBe(true);
    expect(m?.iceUfrag).toEqual({ value: 'sess', from: 'session' });
    expect(m?.fingerprint).toEqual({ value: { hash: 'sha-256', value: 'AA:BB' }, from: 'session' });
    expect(m?.setup).toEqual({ value: 'passive', from: 'session' });
    expect(m?.direction).toBe('recvonly');
    expect(m?.directionFrom).toBe('session');
    expect(m?.mid).toBeUndefined();
  });

  it('defaults the direction to sendrecv when nothing says it', () => {
    const sdp = parsed('v=0\no=- 1 1 IN IP4 0.0.0.0\ns=-\nt=0 0\nm=audio 9 RTP/AVP 0\n');
    expect(sdp.media[0]?.direction).toBe('sendrecv');
    expect(sdp.media[0]?.directionFrom).toBe('default');
    expect(sdp.media[0]?.codecs).toEqual([{ payloadType: 0, name: '?', rtcpFb: [] }]);
  });

  it('refuses what is not an SDP, naming what it found', () => {
    expect(parseSdp(42)).toEqual({ ok: false, error: 'the SDP is a number, not text' });
    expect(parseSdp(undefined)).toEqual({ ok: false, error: 'the SDP is missing, not text' });
    expect(parseSdp('  \r\n')).toEqual({ ok: false, error: 'the SDP is empty' });
    expect(parseSdp(BROKEN_SDP)).toEqual({
      ok: false,
      error: 'not an SDP: line 1 is "this is not an SDP", but an SDP starts with v=0',
    });
  });

  it('parses a damaged SDP and lists each problem with its line', () => {
    const text = [
      'v=0',
      'garbage here',
      't=0 0',
      'a=group:BUNDLE 0 7',
      'm=audio',
      'a=mid:0',
      'm=video 9 UDP/TLS/RTP/SAVPF 96 98',
      'a=mid:1',
      'a=rtpmap:98 VP9/90000',
      'a=candidate:1 1 udp',
      '',
    ].join('\n');
    const sdp = parsed(text);
    const messages = sdp.problems.map((p) => p.message);
    expect(messages).toContain(
      'line 2: "garbage here" is not a <letter>=<value> line; it is ignored',
    );
    expect(messages).toContain('no origin (o=) line before the first m= line');
    expect(messages).toContain('no session name (s=) line before the first m= line');
    expect(messages).toContain(
      'line 5: "m=audio" is not a valid m= line (expected m=<media> <port> <proto> <formats>)',
    );
    expect(messages).toContain('m-section 1 (mid 1): dynamic payload type 96 has no a=rtpmap');
    expect(messages).toContain('the BUNDLE group names mid 7, which no m-section has');
    expect(
      messages.some((m) => m.startsWith('line 10: candidate "a=candidate:1 1 udp" has 3 of the 8')),
    ).toBe(true);
    expect(sdp.media).toHaveLength(2);
    expect(sdp.media[1]?.lines.map((l) => l.line)).toEqual([7, 8, 9, 10]);
  });

  it('keeps attributes sdp-transform does not know', () => {
    const sdp = parsed('v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\ns=-\r\nt=0 0\r\na=x-custom:1\r\n');
    expect(sdp.otherAttributes).toEqual(['x-custom:1']);
  });

  it('parses the sample offer without problems', () => {
    expect(parsed(OFFER_1_SDP).problems).toEqual([]);
  });
});

describe('sdpLines() and maskSdpLine()', () => {
  it('numbers lines from 1 whatever the line ending, dropping the final empty line', () => {
    expect(sdpLines('v=0\r\ns=-\nt=0 0\r')).toEqual([
      { line: 1, text: 'v=0' },
      { line: 2, text: 's=-' },
      { line: 3, text: 't=0 0' },
    ]);
  });

  it('masks the ICE password and nothing else', () => {
    expect(maskSdpLine('a=ice-pwd:secret123')).toBe('a=ice-pwd:••••••••');
    expect(maskSdpLine('a=ice-ufrag:abc')).toBe('a=ice-ufrag:abc');
  });
});

describe('parseCandidate()', () => {
  it('reads a host candidate with extensions', () => {
    const r = parseCandidate(
      'candidate:1467250027 1 UDP 2122260223 192.168.1.20 51472 typ host generation 0 ufrag aB3x',
    );
    expect(r).toEqual({
      ok: true,
      candidate: {
        foundation: '1467250027',
        component: 1,
        protocol: 'udp',
        priority: 2122260223,
        address: '192.168.1.20',
        port: 51472,
        type: 'host',
        extensions: [
          ['generation', '0'],
          ['ufrag', 'aB3x'],
        ],
      },
    });
  });

  it('accepts the a= form and reads raddr / rport / tcptype', () => {
    const r = parseCandidate(
      'a=candidate:2 1 tcp 1 10.0.0.1 9 typ srflx raddr 1.2.3.4 rport 5 tcptype passive',
    );
    expect(r.ok && r.candidate).toMatchObject({
      relatedAddress: '1.2.3.4',
      relatedPort: 5,
      tcpType: 'passive',
    });
  });

  it('says which field is wrong', () => {
    expect(parseCandidate('candidate:1 x udp 1 a 1 typ host')).toEqual({
      ok: false,
      error: 'candidate component "x" is not a number',
    });
    expect(parseCandidate('candidate:1 1 udp 1 a 1 type host')).toEqual({
      ok: false,
      error: 'expected "typ" after the port, found "type"',
    });
    expect(parseCandidate('candidate:1 1 udp 1 a port typ host')).toEqual({
      ok: false,
      error: 'candidate port "port" is not a number',
    });
  });
});

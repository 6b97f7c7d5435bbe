import { describe, expect, it } from 'vitest';
import {
  MESH_TYPES,
  PARSE_FAILED,
  TWO_PARTY_TYPES,
  classifyMesh,
  classifyTwoParty,
  createProtocolDetector,
  decodeRoomFrame,
  detectRoomProtocol,
  protocolOfFrame,
  roomProtocolOfUrl,
} from './rooms.ts';

const SDP = 'v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n';
const CANDIDATE = {
  candidate: 'candidate:1 1 udp 2122260223 192.0.2.10 54400 typ host',
  sdpMid: '0',
  sdpMLineIndex: 0,
  usernameFragment: 'aB3d',
};

const mesh = (value: unknown, dir?: 'in' | 'out') => classifyMesh(value, dir);
const reasonOf = (r: { kind: string; reason?: string }) => (r.kind === 'invalid' ? r.reason : '');

describe('classifyMesh()', () => {
  it('reads every server message, as a new object without extra fields', () => {
    expect(mesh({ type: 'welcome', id: 3, online: [1, '2'], extra: true }, 'in')).toEqual({
      kind: 'room',
      protocol: 'mesh',
      message: { type: 'welcome', id: 3, online: [1, '2'] },
    });
    expect(mesh({ type: 'online', id: 'p4' }, 'in')).toMatchObject({
      message: { type: 'online', id: 'p4' },
    });
    expect(mesh({ type: 'offline', id: 4 }, 'in')).toMatchObject({
      message: { type: 'offline', id: 4 },
    });
    expect(
      mesh(
        { type: 'signal', from: 1, to: 3, description: { type: 'offer', sdp: SDP, x: 1 } },
        'in',
      ),
    ).toEqual({
      kind: 'room',
      protocol: 'mesh',
      message: { type: 'signal', from: 1, to: 3, description: { type: 'offer', sdp: SDP } },
    });
    expect(mesh({ type: 'signal', from: 1, to: 3, candidate: CANDIDATE }, 'in')).toMatchObject({
      message: { candidate: CANDIDATE },
    });
  });

  it('reads a client signal, which names only the receiver', () => {
    expect(
      mesh({ type: 'signal', to: 4, description: { type: 'answer', sdp: SDP } }, 'out'),
    ).toEqual({
      kind: 'room',
      protocol: 'mesh',
      message: { type: 'signal', to: 4, description: { type: 'answer', sdp: SDP } },
    });
    const nullMid = {
      candidate: 'candidate:2 1 tcp 1 192.0.2.1 9 typ host',
      sdpMid: null,
      sdpMLineIndex: 1,
    };
    expect(mesh({ type: 'signal', to: 4, candidate: nullMid }, 'out')).toMatchObject({
      kind: 'room',
      message: { candidate: nullMid },
    });
  });

  it('names the field at fault', () => {
    const cases: [unknown, 'in' | 'out' | undefined, string][] = [
      [42, 'in', 'not an object: the frame is a number'],
      [[1], 'in', 'not an object: the frame is an array'],
      [{ id: 1 }, 'in', 'frame without "type"'],
      [{ type: 7 }, 'in', 'frame "type" is a number, not a string'],
      [{ type: 'hello' }, 'in', 'unknown mesh type "hello"'],
      [{ type: 'welcome', online: [] }, 'in', 'welcome without "id"'],
      [{ type: 'welcome', id: 1, online: 2 }, 'in', 'welcome "online" is a number, not an array'],
      [
        { type: 'welcome', id: 1, online: [2, null] },
        'in',
        'welcome "online"[1] is null, not a peer id',
      ],
      [{ type: 'online', id: '' }, 'in', 'online "id" is an empty string, not a peer id'],
      [{ type: 'offline', id: {} }, 'in', 'offline "id" is an object, not a peer id'],
      [
        { type: 'welcome', id: 1, online: [] },
        'out',
        '"welcome" from the client: only the other side sends it',
      ],
      [
        { type: 'signal', from: 1, description: { type: 'offer', sdp: SDP } },
        'in',
        'signal without "to"',
      ],
      [
        { type: 'signal', to: 3, description: { type: 'offer', sdp: SDP } },
        'in',
        'signal without "from"',
      ],
      [{ type: 'signal', to: 3 }, 'out', 'signal without "description" or "candidate"'],
      [
        { type: 'signal', to: 3, description: { type: 'offer', sdp: SDP }, candidate: CANDIDATE },
        'out',
        'signal with both "description" and "candidate"',
      ],
      [
        { type: 'signal', to: 3, description: { type: 'pranswer', sdp: SDP } },
        'out',
        'signal "description" "type" is "pranswer", not offer or answer',
      ],
      [
        { type: 'signal', to: 3, description: { type: 'offer' } },
        'out',
        'signal "description" without "sdp"',
      ],
      [
        { type: 'signal', to: 3, candidate: { ...CANDIDATE, sdpMLineIndex: -1 } },
        'out',
        'signal "candidate" "sdpMLineIndex" is a number, not an index or null',
      ],
      [
        { type: 'signal', to: 3, candidate: { candidate: 'c', sdpMLineIndex: 0 } },
        'out',
        'signal "candidate" without "sdpMid"',
      ],
      [
        { type: 'signal', to: 3, candidate: 'candidate:1' },
        'out',
        'signal "candidate" is a string, not an object',
      ],
    ];
    for (const [value, dir, reason] of cases) {
      const r = mesh(value, dir);
      expect(r.kind, JSON.stringify(value)).toBe('invalid');
      expect(reasonOf(r)).toBe(reason);
    }
  });

  it('keeps the type of an invalid frame to place it', () => {
    expect(mesh({ type: 'signal', to: 3 }, 'out')).toMatchObject({
      kind: 'invalid',
      type: 'signal',
    });
    expect(mesh({ type: 3 })).not.toHaveProperty('type');
  });

  it('without a direction, accepts either side', () => {
    expect(mesh({ type: 'welcome', id: 1, online: [] }).kind).toBe('room');
    expect(mesh({ type: 'signal', to: 2, candidate: CANDIDATE }).kind).toBe('room');
  });
});

describe('classifyTwoParty()', () => {
  it('reads every client and server message', () => {
    const valid: [unknown, 'in' | 'out'][] = [
      [{ type: 'create or join', room: 'foo' }, 'out'],
      [{ type: 'message', message: 'got user media' }, 'out'],
      [{ type: 'message', message: 'bye' }, 'in'],
      [{ type: 'message', message: { type: 'offer', sdp: SDP } }, 'out'],
      [{ type: 'message', message: { type: 'answer', sdp: SDP } }, 'in'],
      [
        {
          type: 'message',
          message: { type: 'candidate', label: 0, id: '0', candidate: 'candidate:1' },
        },
        'in',
      ],
      [{ type: 'created', room: 'foo', id: 'sock1' }, 'in'],
      [{ type: 'joined', room: 'foo', id: 'sock2' }, 'in'],
      [{ type: 'full', room: 'foo' }, 'in'],
      [{ type: 'join', room: 'foo' }, 'in'],
      [{ type: 'ready' }, 'in'],
    ];
    for (const [value, dir] of valid) {
      const r = classifyTwoParty(value, dir);
      expect(r, JSON.stringify(value)).toEqual({
        kind: 'room',
        protocol: 'two-party',
        message: value,
      });
    }
    expect(
      TWO_PARTY_TYPES.every((t) => valid.some(([v]) => (v as { type: string }).type === t)),
    ).toBe(true);
  });

  it('names the field at fault', () => {
    const cases: [unknown, 'in' | 'out', string][] = [
      [{ type: 'create or join' }, 'out', 'create or join without "room"'],
      [{ type: 'created', room: 'foo' }, 'in', 'created without "id"'],
      [{ type: 'joined', room: 1, id: 'x' }, 'in', 'joined "room" is a number, not a string'],
      [
        { type: 'created', room: 'foo', id: 'a' },
        'out',
        '"created" from the client: only the other side sends it',
      ],
      [
        { type: 'create or join', room: 'foo' },
        'in',
        '"create or join" from the server: only the other side sends it',
      ],
      [{ type: 'message' }, 'out', 'message without "message"'],
      [
        { type: 'message', message: 'hello' },
        'out',
        'message "message" is "hello", not one of got user media, bye or an object',
      ],
      [
        { type: 'message', message: { type: 'candidate', label: '0', id: '0', candidate: 'c' } },
        'out',
        'message "message" "label" is a string, not an m-line index',
      ],
      [
        { type: 'message', message: { type: 'pranswer', sdp: SDP } },
        'out',
        'message "message" "type" is "pranswer", not offer, answer or candidate',
      ],
      [{ type: 'welcome', id: 1, online: [] }, 'in', 'unknown two-party type "welcome"'],
    ];
    for (const [value, dir, reason] of cases) {
      expect(reasonOf(classifyTwoParty(value, dir)), JSON.stringify(value)).toBe(reason);
    }
  });
});

describe('decodeRoomFrame()', () => {
  it('decodes text, and says why text that is not JSON is invalid', () => {
    expect(decodeRoomFrame('mesh', '{"type":"online","id":2}', 'in')).toMatchObject({
      kind: 'room',
      message: { type: 'online', id: 2 },
    });
    expect(decodeRoomFrame('two-party', '', 'in')).toEqual({
      kind: 'invalid',
      protocol: 'two-party',
      reason: 'not JSON: the frame is empty',
    });
    const truncated = decodeRoomFrame('mesh', '{"type":"welc', 'in');
    expect(truncated.kind).toBe('invalid');
    expect(reasonOf(truncated)).toMatch(/^not JSON: /);
  });

  it('never throws, whatever the text', () => {
    const texts = [
      'null',
      '[]',
      '"x"',
      '1e999',
      '{"type":null}',
      '{"__proto__":{"type":"welcome"}}',
      '\u0000',
      '{"type":"signal","to":{"toString":1}}',
    ];
    for (const text of texts) {
      for (const protocol of ['mesh', 'two-party'] as const) {
        for (const dir of ['in', 'out', undefined] as const) {
          expect(() => decodeRoomFrame(protocol, text, dir)).not.toThrow();
          expect(decodeRoomFrame(protocol, text, dir).kind).toBe('invalid');
        }
      }
    }
  });
});

describe('which protocol a connection speaks', () => {
  it('roomProtocolOfUrl() reads the path only', () => {
    expect(roomProtocolOfUrl('wss://demo.example.org:4443/mesh?roomId=r1')).toBe('mesh');
    expect(roomProtocolOfUrl('ws://127.0.0.1:4443/rooms/mesh/r1')).toBe('mesh');
    expect(roomProtocolOfUrl('wss://demo.example.org/two-party')).toBe('two-party');
    expect(roomProtocolOfUrl('wss://demo.example.org:4443/?roomId=mesh&peerId=two-party')).toBe(
      undefined,
    );
    expect(roomProtocolOfUrl('/mesh?x')).toBe('mesh');
    expect(roomProtocolOfUrl('not a url')).toBe(undefined);
  });

  it('protocolOfFrame() recognises protoo, mesh and two-party shapes, and nothing else', () => {
    expect(protocolOfFrame({ request: true, id: 1, method: 'join', data: {} })).toBe('protoo');
    expect(protocolOfFrame({ type: 'welcome', id: 1, online: [] })).toBe('mesh');
    expect(protocolOfFrame({ type: 'signal' })).toBe('mesh');
    expect(protocolOfFrame({ type: 'create or join', room: 'r' })).toBe('two-party');
    expect(protocolOfFrame({ type: 'ready' })).toBe('two-party');
    expect(protocolOfFrame({ type: 'stats' })).toBe(undefined);
    expect(protocolOfFrame({ notification: true, type: 'welcome' })).toBe(undefined);
    expect(protocolOfFrame('welcome')).toBe(undefined);
    expect(MESH_TYPES.some((t) => TWO_PARTY_TYPES.includes(t))).toBe(false);
  });

  it('detectRoomProtocol(): the subprotocol, then the URL, then the first telling frame', () => {
    expect(detectRoomProtocol({ url: 'wss://h/mesh?roomId=r' })).toBe('mesh');
    expect(
      detectRoomProtocol({
        url: 'wss://h/two-party',
        frames: ['{"request":true,"id":1,"method":"x"}'],
      }),
    ).toBe('two-party');
    expect(detectRoomProtocol({ url: 'wss://h/mesh', subprotocol: 'protoo' })).toBe('protoo');
    expect(detectRoomProtocol({ url: 'wss://h/?roomId=r&peerId=p' })).toBe(undefined);
    expect(
      detectRoomProtocol({
        url: 'wss://h/',
        frames: [
          'garbage',
          '{"type":"nope"}',
          '{"type":"created","room":"r","id":"1"}',
          '{"request":true,"id":1,"method":"x"}',
        ],
      }),
    ).toBe('two-party');
    expect(
      detectRoomProtocol({ frames: ['{"notification":true,"method":"x"}', '{"type":"welcome"}'] }),
    ).toBe('protoo');
    expect(detectRoomProtocol({})).toBe(undefined);
  });

  it('the detector keeps its first decision', () => {
    const d = createProtocolDetector();
    d.observeFrame(PARSE_FAILED);
    expect(d.protocol()).toBe(undefined);
    d.observeFrame({ type: 'online', id: 2 });
    expect(d.protocol()).toBe('mesh');
    d.observeOpen('wss://h/two-party', 'protoo');
    d.observeFrame({ request: true, id: 1, method: 'join' });
    expect(d.protocol()).toBe('mesh');
  });
});

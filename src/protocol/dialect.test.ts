import { describe, expect, it } from 'vitest';
import type { WireDirection } from './catalog.ts';
import type { ProtooMessage } from './codec.ts';
import {
  createDialectDetector,
  detectDialect,
  dialectFromUrl,
  dialectRules,
  type ObservedMessage,
} from './dialect.ts';

// ── fixtures (shapes from protocol.md §2) ───────────────────────────────────

const DEVICE = Object.freeze({ flag: 'firefox', name: 'Firefox', version: '133.0' });
const RTP_CAPABILITIES = Object.freeze({
  codecs: [
    {
      kind: 'audio',
      mimeType: 'audio/opus',
      clockRate: 48000,
      channels: 2,
      preferredPayloadType: 100,
    },
  ],
  headerExtensions: [{ kind: 'audio', uri: 'urn:ietf:params:rtp-hdrext:sdes:mid', preferredId: 1 }],
});
const ICE_PARAMETERS = Object.freeze({
  usernameFragment: 'ufrag1',
  password: 'pw1',
  iceLite: true,
});
const TRANSPORT = Object.freeze({
  iceParameters: ICE_PARAMETERS,
  iceCandidates: [{ foundation: 'udpcandidate', ip: '203.0.113.1', port: 40000, protocol: 'udp' }],
  dtlsParameters: { role: 'auto', fingerprints: [{ algorithm: 'sha-256', value: 'AB:CD' }] },
});

function request(method: string, data: unknown = {}, id = 1_234_567): ProtooMessage {
  return Object.freeze({ kind: 'request', id, method, data });
}

function notification(method: string, data: unknown = {}): ProtooMessage {
  return Object.freeze({ kind: 'notification', method, data });
}

function success(data: unknown, id = 1_234_567): ProtooMessage {
  return Object.freeze({ kind: 'success', id, data });
}

function failure(errorReason: string, errorCode = 500, id = 1_234_567): ProtooMessage {
  return Object.freeze({ kind: 'error', id, errorCode, errorReason, okField: 'absent' });
}

interface Step {
  readonly msg: ProtooMessage;
  readonly dir: WireDirection;
  readonly requestMethod?: string;
}

const out = (msg: ProtooMessage): Step => ({ msg, dir: 'out' });
const inn = (msg: ProtooMessage): Step => ({ msg, dir: 'in' });
const answer = (requestMethod: string, data: unknown): Step => ({
  msg: success(data),
  dir: 'in',
  requestMethod,
});

function run(steps: readonly Step[]) {
  const detector = createDialectDetector();
  steps.forEach((step, seq) => {
    detector.observe(
      step.msg,
      step.dir,
      seq,
      step.requestMethod === undefined ? undefined : { requestMethod: step.requestMethod },
    );
  });
  return detector.result();
}

interface RuleCase {
  readonly name: string;
  readonly rule: string;
  readonly legacy: Step;
  readonly new: Step;
}

const peer = { displayName: 'Alice', device: DEVICE };

const RULE_CASES: readonly RuleCase[] = [
  {
    name: 'mediasoup-version vs mediasoupVersion',
    rule: 'version-notification',
    legacy: inn(notification('mediasoup-version', { version: '3.14.6' })),
    new: inn(notification('mediasoupVersion', { version: '3.15.2' })),
  },
  {
    name: 'getRouterRtpCapabilities answered bare vs as {routerRtpCapabilities}',
    rule: 'router-capabilities-response',
    legacy: answer('getRouterRtpCapabilities', RTP_CAPABILITIES),
    new: answer('getRouterRtpCapabilities', { routerRtpCapabilities: RTP_CAPABILITIES }),
  },
  {
    name: 'createWebRtcTransport answered with id vs transportId',
    rule: 'transport-response',
    legacy: answer('createWebRtcTransport', { id: 't1', ...TRANSPORT }),
    new: answer('createWebRtcTransport', { transportId: 't1', ...TRANSPORT }),
  },
  {
    name: 'createWebRtcTransport asked with producing/consuming vs appData.direction',
    rule: 'transport-request',
    legacy: out(
      request('createWebRtcTransport', { forceTcp: false, producing: true, consuming: false }),
    ),
    new: out(
      request('createWebRtcTransport', { forceTcp: false, appData: { direction: 'producer' } }),
    ),
  },
  {
    name: 'produce answered with id vs producerId',
    rule: 'produce-response',
    legacy: answer('produce', { id: 'p1' }),
    new: answer('produce', { producerId: 'p1' }),
  },
  {
    name: 'produceData answered with id vs dataProducerId',
    rule: 'produce-data-response',
    legacy: answer('produceData', { id: 'dp1' }),
    new: answer('produceData', { dataProducerId: 'dp1' }),
  },
  {
    name: 'join answered with peers by id vs peerId',
    rule: 'join-response',
    legacy: answer('join', { peers: [{ id: 'bob', ...peer }] }),
    new: answer('join', { peers: [{ peerId: 'bob', remoteAddress: '198.51.100.4', ...peer }] }),
  },
  {
    name: 'restartIce answered bare vs as {iceParameters}',
    rule: 'restart-ice-response',
    legacy: answer('restartIce', ICE_PARAMETERS),
    new: answer('restartIce', { iceParameters: ICE_PARAMETERS }),
  },
  {
    name: 'stats answered as an array vs {stats}',
    rule: 'stats-response',
    legacy: answer('getTransportStats', [{ type: 'webrtc-transport', timestamp: 1 }]),
    new: answer('getConsumerStats', { stats: [{ type: 'outbound-rtp', timestamp: 1 }] }),
  },
  {
    name: 'newConsumer with id vs consumerId',
    rule: 'new-consumer',
    legacy: inn(
      request('newConsumer', {
        peerId: 'bob',
        producerId: 'p1',
        id: 'c1',
        kind: 'audio',
        rtpParameters: {},
        type: 'simple',
        appData: {},
        producerPaused: false,
      }),
    ),
    new: inn(
      request('newConsumer', {
        peerId: 'bob',
        transportId: 't2',
        consumerId: 'c1',
        producerId: 'p1',
        kind: 'audio',
        rtpParameters: {},
        type: 'simple',
        producerPaused: false,
        consumerScore: { score: 10, producerScore: 10, producerScores: [10] },
        appData: { peerId: 'bob', source: 'mic' },
      }),
    ),
  },
  {
    name: 'newDataConsumer with id vs dataConsumerId',
    rule: 'new-data-consumer',
    legacy: inn(
      request('newDataConsumer', {
        peerId: null,
        dataProducerId: 'dp1',
        id: 'dc1',
        sctpStreamParameters: { streamId: 1 },
        label: 'bot',
        protocol: '',
        appData: {},
      }),
    ),
    new: inn(
      request('newDataConsumer', {
        transportId: 't2',
        dataConsumerId: 'dc1',
        dataProducerId: 'dp1',
        sctpStreamParameters: { streamId: 1 },
        label: 'bot',
        protocol: '',
        appData: { channel: 'bot' },
      }),
    ),
  },
  {
    name: 'newPeer flat with id vs wrapped as {peer}',
    rule: 'new-peer',
    legacy: inn(notification('newPeer', { id: 'carol', ...peer })),
    new: inn(
      notification('newPeer', { peer: { peerId: 'carol', remoteAddress: '192.0.2.8', ...peer } }),
    ),
  },
  {
    name: 'activeSpeaker with volume vs without peerId',
    rule: 'active-speaker',
    legacy: inn(notification('activeSpeaker', { peerId: 'bob', volume: -40 })),
    new: inn(notification('activeSpeaker', {})),
  },
  {
    name: 'downlinkBwe vs speakingPeers',
    rule: 'downlink-bwe / speaking-peers',
    legacy: inn(
      notification('downlinkBwe', {
        desiredBitrate: 2e6,
        effectiveDesiredBitrate: 2.2e6,
        availableBitrate: 1.8e6,
      }),
    ),
    new: inn(notification('speakingPeers', { peerVolumes: [{ peerId: 'bob', volume: -30 }] })),
  },
  {
    name: 'resetNetworkThrottle vs stopNetworkThrottle',
    rule: 'throttle-stop',
    legacy: out(request('resetNetworkThrottle', { secret: 's' })),
    new: out(request('stopNetworkThrottle', { secret: 's' })),
  },
  {
    name: 'applyNetworkThrottle with uplink vs options',
    rule: 'throttle-request',
    legacy: out(request('applyNetworkThrottle', { secret: 's', uplink: 1e5, rtt: 50 })),
    new: out(request('applyNetworkThrottle', { secret: 's', options: { up: 100, rtt: 50 } })),
  },
  {
    name: 'an unknown-method error in legacy vs new wording',
    rule: 'unknown-method-reason',
    legacy: inn(failure('unknown request.method "fooBar"')),
    new: inn(failure("unknown request method 'fooBar'")),
  },
];

const SWITCHED: readonly [string, unknown][] = [
  ['closeProducer', { producerId: 'p1' }],
  ['pauseProducer', { producerId: 'p1' }],
  ['resumeProducer', { producerId: 'p1' }],
  ['pauseConsumer', { consumerId: 'c1' }],
  ['resumeConsumer', { consumerId: 'c1' }],
  ['requestConsumerKeyFrame', { consumerId: 'c1' }],
  ['setConsumerPreferredLayers', { consumerId: 'c1', spatialLayer: 2, temporalLayer: 1 }],
  ['setConsumerPriority', { consumerId: 'c1', priority: 2 }],
  ['changeDisplayName', { displayName: 'Alice B.' }],
];

// ── rules ───────────────────────────────────────────────────────────────────

describe('detectDialect() evidence rules', () => {
  it.each(RULE_CASES.map((c) => [c.name, c] as const))(
    'says legacy for the legacy side of %s',
    (_name, c) => {
      const result = run([c.legacy]);
      expect(result.dialect).toBe('legacy');
      expect(result.conflicts).toBe(false);
      expect(result.evidence).toEqual([
        expect.objectContaining({ seq: 0, dialect: 'legacy', strength: 'strong' }),
      ]);
    },
  );

  it.each(RULE_CASES.map((c) => [c.name, c] as const))(
    'says new for the new side of %s',
    (_name, c) => {
      const result = run([c.new]);
      expect(result.dialect).toBe('new');
      expect(result.conflicts).toBe(false);
      expect(result.evidence).toEqual([
        expect.objectContaining({ seq: 0, dialect: 'new', strength: 'strong' }),
      ]);
    },
  );

  it.each(RULE_CASES.map((c) => [c.name, c] as const))(
    'keeps the first and flags a conflict when both sides of %s appear',
    (_name, c) => {
      const result = run([c.legacy, c.new]);
      expect(result.dialect).toBe('legacy');
      expect(result.conflicts).toBe(true);
      expect(result.evidence.map((e) => [e.seq, e.dialect])).toEqual([
        [0, 'legacy'],
        [1, 'new'],
      ]);
    },
  );

  it.each(SWITCHED)('says legacy when the client sends %s as a request', (method, data) => {
    const result = run([out(request(method, data))]);
    expect(result.dialect).toBe('legacy');
    expect(result.evidence[0]?.reason).toContain(method);
  });

  it.each(SWITCHED)('says new when the client sends %s as a notification', (method, data) => {
    const result = run([out(notification(method, data))]);
    expect(result.dialect).toBe('new');
    expect(result.evidence[0]?.reason).toContain(method);
  });

  it('says legacy when it sees mediasoup-version', () => {
    expect(run([inn(notification('mediasoup-version', { version: '3.14.6' }))]).dialect).toBe(
      'legacy',
    );
  });

  it('says legacy when it sees the misspelt setConsumerPreferedLayers', () => {
    const msg = request('setConsumerPreferedLayers', { consumerId: 'c1', spatialLayer: 1 });
    expect(run([out(msg)]).dialect).toBe('legacy');
  });

  it('says legacy for activeSpeaker {peerId: null}', () => {
    expect(run([inn(notification('activeSpeaker', { peerId: null }))]).dialect).toBe('legacy');
  });

  it('learns nothing from activeSpeaker {peerId} alone, which both dialects send', () => {
    const result = run([inn(notification('activeSpeaker', { peerId: 'bob' }))]);
    expect(result.dialect).toBe('unknown');
    expect(result.evidence).toEqual([]);
  });

  it('says legacy for consumerLayersChanged with top-level spatialLayer, even null', () => {
    const msg = notification('consumerLayersChanged', {
      consumerId: 'c1',
      spatialLayer: null,
      temporalLayer: null,
    });
    expect(run([inn(msg)]).dialect).toBe('legacy');
  });

  it('ignores a request/notification switch seen in the server→client direction', () => {
    const result = run([inn(notification('closeProducer', { producerId: 'p1' }))]);
    expect(result.evidence).toEqual([]);
    expect(result.dialect).toBe('unknown');
  });

  it('ignores a response whose request method it is not told', () => {
    const result = run([inn(success({ producerId: 'p1' }))]);
    expect(result.evidence).toEqual([]);
    expect(result.dialect).toBe('generic');
  });

  it('learns nothing from join answered with no peers', () => {
    expect(run([answer('join', { peers: [] })]).evidence).toEqual([]);
  });
});

// ── weak evidence ───────────────────────────────────────────────────────────

describe('detectDialect() weak evidence', () => {
  const layers = inn(
    notification('consumerLayersChanged', {
      consumerId: 'c1',
      layers: { spatialLayer: 2, temporalLayer: 2 },
    }),
  );
  const legacyVersion = inn(notification('mediasoup-version', { version: '3.14.6' }));

  it('says new on consumerLayersChanged {layers} alone, as weak evidence', () => {
    const result = run([layers]);
    expect(result.dialect).toBe('new');
    expect(result.evidence).toEqual([
      expect.objectContaining({ rule: 'layers-changed', strength: 'weak', dialect: 'new' }),
    ]);
  });

  it('lets later strong evidence overrule weak evidence without a conflict', () => {
    const result = run([layers, legacyVersion]);
    expect(result.dialect).toBe('legacy');
    expect(result.conflicts).toBe(false);
    expect(result.evidence).toHaveLength(2);
  });

  it('keeps but does not count weak evidence against a decided dialect (2019-03 legacy)', () => {
    const result = run([legacyVersion, layers]);
    expect(result.dialect).toBe('legacy');
    expect(result.conflicts).toBe(false);
    expect(result.evidence.map((e) => e.strength)).toEqual(['strong', 'weak']);
  });
});

// ── generic and unknown ─────────────────────────────────────────────────────

describe('detectDialect() without mediasoup-demo evidence', () => {
  it('says unknown before any message', () => {
    const detector = createDialectDetector();
    expect(detector.result()).toEqual({ dialect: 'unknown', evidence: [], conflicts: false });
    expect(detectDialect([]).dialect).toBe('unknown');
  });

  it('says generic for protoo traffic with none of the mediasoup-demo methods', () => {
    const result = detectDialect([
      { msg: request('chatMessage', { text: 'hello' }, 10), dir: 'out' },
      { msg: success({}, 10), dir: 'in' },
      { msg: notification('typing', { who: 'bob' }), dir: 'in' },
    ]);
    expect(result).toEqual({ dialect: 'generic', evidence: [], conflicts: false });
  });

  it('says unknown once a mediasoup-demo method shows up that does not tell the dialects apart', () => {
    const detector = createDialectDetector();
    detector.observe(request('chatMessage'), 'out', 0);
    expect(detector.dialect()).toBe('generic');
    detector.observe(
      request('connectWebRtcTransport', { transportId: 't', dtlsParameters: {} }),
      'out',
      1,
    );
    expect(detector.dialect()).toBe('unknown');
    detector.observe(notification('peerClosed', { peerId: 'bob' }), 'in', 2);
    expect(detector.result()).toEqual({ dialect: 'unknown', evidence: [], conflicts: false });
  });

  it('says unknown for a join request, whose data both dialects share', () => {
    const msg = request('join', {
      displayName: 'Alice',
      device: DEVICE,
      rtpCapabilities: RTP_CAPABILITIES,
    });
    expect(run([out(msg)]).dialect).toBe('unknown');
  });

  it('says unknown for a response to a demo method that proves nothing', () => {
    expect(run([answer('connectWebRtcTransport', {})]).dialect).toBe('unknown');
  });
});

// ── the detector itself ─────────────────────────────────────────────────────

describe('createDialectDetector()', () => {
  it('records each rule once per dialect, however often it fires', () => {
    const detector = createDialectDetector();
    for (let seq = 0; seq < 10_000; seq++) {
      detector.observe(notification('pauseConsumer', { consumerId: `c${seq}` }), 'out', seq);
    }
    detector.observe(request('pauseConsumer', { consumerId: 'x' }), 'out', 10_000);
    detector.observe(request('pauseConsumer', { consumerId: 'y' }), 'out', 10_001);
    const result = detector.result();
    expect(result.evidence.map((e) => [e.seq, e.dialect])).toEqual([
      [0, 'new'],
      [10_000, 'legacy'],
    ]);
    expect(result.conflicts).toBe(true);
  });

  it('returns the same frozen result until it learns something', () => {
    const detector = createDialectDetector();
    detector.observe(inn(notification('mediasoupVersion', { version: '3.15.0' })).msg, 'in', 0);
    const first = detector.result();
    for (let seq = 1; seq < 1000; seq++) {
      detector.observe(notification('producerScore', { producerId: 'p', score: [] }), 'in', seq);
      detector.observe(notification('mediasoupVersion', { version: '3.15.0' }), 'in', seq);
    }
    expect(detector.result()).toBe(first);
    expect(Object.isFrozen(first)).toBe(true);
    expect(Object.isFrozen(first.evidence)).toBe(true);
    detector.observe(answer('produce', { producerId: 'p' }).msg, 'in', 1000, {
      requestMethod: 'produce',
    });
    expect(detector.result()).not.toBe(first);
    expect(detector.result().evidence).toHaveLength(2);
  });

  it('gives the dialect without building a result', () => {
    const detector = createDialectDetector();
    detector.observe(notification('speakingPeers', { peerVolumes: [] }), 'in', 0);
    expect(detector.dialect()).toBe('new');
  });

  it('learns from a URL with usePipeTransports', () => {
    const detector = createDialectDetector();
    detector.observeUrl(
      'wss://v3demo.mediasoup.org:4443/?roomId=r&peerId=p&usePipeTransports=false',
      0,
    );
    expect(detector.result()).toEqual({
      dialect: 'new',
      conflicts: false,
      evidence: [expect.objectContaining({ rule: 'url', seq: 0, dialect: 'new' })],
    });
    detector.observeUrl('wss://v3demo.mediasoup.org:4443/?roomId=r&peerId=p', 1);
    expect(detector.result().evidence).toHaveLength(1);
  });

  it('never throws on hostile messages', () => {
    const detector = createDialectDetector();
    const hostile: unknown[] = [
      null,
      undefined,
      42,
      'request',
      [],
      { kind: 'request' },
      { kind: 'request', method: 42, data: null },
      { kind: 'notification', method: 'newPeer', data: [1, 2] },
      {
        kind: 'notification',
        method: 'newPeer',
        data: JSON.parse('{"__proto__":{"peer":{}}}') as unknown,
      },
      { kind: 'success', id: 1, data: null },
      { kind: 'error', id: 1, errorCode: 500, errorReason: { not: 'a string' } },
    ];
    const methods = [
      'join',
      'produce',
      'getTransportStats',
      'getRouterRtpCapabilities',
      '__proto__',
      'toString',
    ];
    for (const msg of hostile) {
      for (const dir of ['in', 'out'] as const) {
        expect(() => {
          detector.observe(msg as ProtooMessage, dir, 0);
        }).not.toThrow();
        for (const requestMethod of methods) {
          expect(() => {
            detector.observe(msg as ProtooMessage, dir, 0, { requestMethod });
          }).not.toThrow();
          expect(() => {
            detector.observe(success(msg), dir, 0, { requestMethod });
            detector.observe(request(requestMethod, msg), dir, 0);
            detector.observe(notification(requestMethod, msg), dir, 0);
          }).not.toThrow();
        }
      }
    }
    expect(() => detector.result()).not.toThrow();
  });

  it('does not take inherited members as evidence', () => {
    const data: unknown = JSON.parse('{"__proto__":{"producerId":"p1","id":"p1"}}');
    expect(run([answer('produce', data)]).evidence).toEqual([]);
  });
});

// ── detectDialect() pairing ─────────────────────────────────────────────────

describe('detectDialect()', () => {
  it('pairs a response with the request sent the other way, by id', () => {
    const messages: ObservedMessage[] = [
      {
        msg: request(
          'produce',
          { transportId: 't', kind: 'audio', rtpParameters: {}, appData: {} },
          42,
        ),
        dir: 'out',
      },
      { msg: success({ producerId: 'p1' }, 42), dir: 'in' },
    ];
    const result = detectDialect(messages);
    expect(result.dialect).toBe('new');
    expect(result.evidence[0]).toMatchObject({ seq: 1, rule: 'produce-response' });
  });

  it('keeps the two id spaces apart', () => {
    // The server's newConsumer happens to reuse the id of the client's produce.
    const messages: ObservedMessage[] = [
      { msg: request('produce', {}, 42), dir: 'out' },
      { msg: request('newConsumer', { consumerId: 'c9' }, 42), dir: 'in' },
      { msg: success({}, 42), dir: 'out' },
      { msg: success({ id: 'p1' }, 42), dir: 'in' },
    ];
    const result = detectDialect(messages);
    expect(result.evidence.map((e) => [e.seq, e.rule, e.dialect])).toEqual([
      [1, 'new-consumer', 'new'],
      [3, 'produce-response', 'legacy'],
    ]);
    expect(result.conflicts).toBe(true);
  });

  it('uses a given requestMethod and seq over its own pairing and numbering', () => {
    const result = detectDialect([
      {
        msg: success({ dataProducerId: 'd1' }, 5),
        dir: 'in',
        seq: 900,
        requestMethod: 'produceData',
      },
    ]);
    expect(result.evidence).toEqual([
      expect.objectContaining({ seq: 900, rule: 'produce-data-response', dialect: 'new' }),
    ]);
  });

  it('takes the connection URL into account', () => {
    expect(
      detectDialect([], { url: 'wss://h/?roomId=r&peerId=p&usePipeTransports=true' }).dialect,
    ).toBe('new');
  });

  it('reads a whole legacy join sequence as legacy without conflicts', () => {
    const messages: ObservedMessage[] = [
      { msg: notification('mediasoup-version', { version: '3.14.6' }), dir: 'in' },
      { msg: request('getRouterRtpCapabilities', {}, 1), dir: 'out' },
      { msg: success(RTP_CAPABILITIES, 1), dir: 'in' },
      {
        msg: request(
          'createWebRtcTransport',
          { forceTcp: false, producing: true, consuming: false },
          2,
        ),
        dir: 'out',
      },
      { msg: success({ id: 't1', ...TRANSPORT }, 2), dir: 'in' },
      { msg: request('join', { displayName: 'Alice', device: DEVICE }, 3), dir: 'out' },
      { msg: success({ peers: [{ id: 'bob', ...peer }] }, 3), dir: 'in' },
      {
        msg: request(
          'produce',
          { transportId: 't1', kind: 'audio', rtpParameters: {}, appData: {} },
          4,
        ),
        dir: 'out',
      },
      { msg: success({ id: 'p1' }, 4), dir: 'in' },
      {
        msg: notification('downlinkBwe', {
          desiredBitrate: 1,
          effectiveDesiredBitrate: 1,
          availableBitrate: 1,
        }),
        dir: 'in',
      },
    ];
    const result = detectDialect(messages);
    expect(result.dialect).toBe('legacy');
    expect(result.conflicts).toBe(false);
    expect(result.evidence.every((e) => e.dialect === 'legacy')).toBe(true);
    expect(result.evidence[0]?.seq).toBe(0);
  });
});

// ── URL and rule list ───────────────────────────────────────────────────────

describe('dialectFromUrl()', () => {
  it.each([
    ['wss://demo:4443/?roomId=r&peerId=p&consumerReplicas=0&usePipeTransports=true', 'new'],
    ['wss://demo:4443/?usePipeTransports=false&roomId=r&peerId=p', 'new'],
    ['wss://demo:4443/?roomId=r&peerId=p&usePipeTransports', 'new'],
    ['wss://demo:4443/?roomId=r&peerId=p&consumerReplicas=2', 'unknown'],
    ['wss://demo:4443/?roomId=r#usePipeTransports=true', 'unknown'],
    ['wss://demo:4443/usePipeTransports', 'unknown'],
    ['not a url at all ?%E0%A4%A', 'unknown'],
    ['', 'unknown'],
  ])('reads %s as %s', (url, expected) => {
    expect(dialectFromUrl(url)).toBe(expected);
  });

  it('never throws on something that is not a string', () => {
    for (const bad of [null, undefined, 42, {}, []]) {
      expect(dialectFromUrl(bad as string)).toBe('unknown');
    }
  });
});

describe('dialectRules()', () => {
  it('lists every rule with a reason, and only layers-changed as weak', () => {
    const rules = dialectRules();
    expect(rules.length).toBeGreaterThan(30);
    for (const r of rules) {
      expect(r.reason.length).toBeGreaterThan(10);
      expect(['legacy', 'new']).toContain(r.dialect);
    }
    expect(rules.filter((r) => r.strength === 'weak').map((r) => r.id)).toEqual(['layers-changed']);
    expect(Object.isFrozen(rules)).toBe(true);
  });
});

describe('detectDialect() on hostile input', () => {
  it('skips entries that are not messages', () => {
    const items = [
      null,
      5,
      'x',
      [],
      { kind: 'notification', method: 'mediasoupVersion', data: {} },
    ];
    const result = detectDialect(
      items.map((msg) => ({ msg: msg as ProtooMessage, dir: 'in' as const })),
    );
    expect(result.dialect).toBe('new');
    expect(result.evidence[0]?.seq).toBe(4);
  });
});

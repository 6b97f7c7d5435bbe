import { describe, expect, it } from 'vitest';
import {
  KNOWN_ERRORS,
  UNKNOWN_METHOD_REASONS,
  catalogEntries,
  isCatalogMethod,
  lookupMethod,
  matchKnownError,
  methodDirection,
  methodEntries,
  otherDialect,
  parseUnknownMethodReason,
  shapeSummary,
  unknownMethodReason,
  valueTypes,
  type FieldSpec,
  type MediasoupDialect,
  type MethodEntry,
  type ShapeSpec,
} from './catalog.ts';

const ENTRIES = catalogEntries();
const VALUE_TYPES = ['string', 'number', 'integer', 'boolean', 'object', 'array', 'null', 'any'];

function entry(method: string, dialect: MediasoupDialect): MethodEntry {
  const e = lookupMethod(method, dialect);
  if (!e) throw new Error(`no ${dialect}:${method} in the catalog`);
  return e;
}

function fieldNames(spec: ShapeSpec | undefined): string[] {
  return (spec?.fields ?? []).map((f) => (f.optional ? `${f.name}?` : f.name));
}

function field(spec: ShapeSpec | undefined, name: string): FieldSpec {
  const f = spec?.fields?.find((x) => x.name === name);
  if (!f) throw new Error(`no field ${name}`);
  return f;
}

function methodsOf(dialect: MediasoupDialect): Set<string> {
  return new Set(ENTRIES.filter((e) => e.dialect === dialect).map((e) => e.method));
}

/** Every shape inside `spec`, itself included, with its path. */
function shapes(spec: ShapeSpec, path = 'data'): [string, ShapeSpec][] {
  const out: [string, ShapeSpec][] = [[path, spec]];
  for (const f of spec.fields ?? []) out.push(...shapes(f, `${path}.${f.name}`));
  if (spec.items) out.push(...shapes(spec.items, `${path}[]`));
  return out;
}

describe('catalogEntries()', () => {
  it('lists 81 entries (77 mediasoup-demo, 4 of the demo room server) with unique ids of the form dialect:method', () => {
    expect(ENTRIES).toHaveLength(81);
    expect(new Set(ENTRIES.map((e) => e.id)).size).toBe(ENTRIES.length);
    for (const e of ENTRIES) expect(e.id).toBe(`${e.dialect}:${e.method}`);
  });

  it.each(ENTRIES.map((e) => [e.id, e] as const))(
    '%s has a one- or two-sentence description',
    (_id, e) => {
      expect(e.description.length).toBeGreaterThan(30);
      expect(e.description.length).toBeLessThan(400);
      expect(e.description).toMatch(/\.$/);
      const sentences = e.description.replaceAll('e.g.', 'eg').match(/[.!?](\s|$)/g) ?? [];
      expect(sentences.length).toBeLessThanOrEqual(2);
    },
  );

  it.each(ENTRIES.map((e) => [e.id, e] as const))(
    '%s has a valid direction, kind, response and join rule',
    (_id, e) => {
      expect(['c2s', 's2c']).toContain(e.direction);
      expect(['request', 'notification']).toContain(e.kind);
      expect(['legacy', 'new']).toContain(e.dialect);
      if (e.kind === 'request') expect(e.response).toBeDefined();
      else expect(e.response).toBeUndefined();
      if (e.direction === 'c2s') expect(typeof e.needsJoin).toBe('boolean');
      else expect(e.needsJoin).toBeUndefined();
      expect(typeof e.deprecated).toBe('boolean');
    },
  );

  it.each(ENTRIES.map((e) => [e.id, e] as const))('%s has well-formed field specs', (_id, e) => {
    const all = [...shapes(e.data), ...(e.response ? shapes(e.response, 'response') : [])];
    for (const [path, spec] of all) {
      const types = valueTypes(spec.type);
      expect(types.length, path).toBeGreaterThan(0);
      for (const t of types) expect(VALUE_TYPES, path).toContain(t);
      if (spec.fields) expect(types, path).toContain('object');
      if (spec.items) expect(types, path).toContain('array');
      if (spec.values) expect(types, path).toContain('string');
      const names = (spec.fields ?? []).map((f) => f.name);
      expect(new Set(names).size, path).toBe(names.length);
      for (const f of spec.fields ?? [])
        expect(typeof f.optional, `${path}.${f.name}`).toBe('boolean');
    }
    expect(valueTypes(e.data.type)).toContain('object');
  });

  it('is deeply frozen', () => {
    expect(Object.isFrozen(ENTRIES)).toBe(true);
    for (const e of ENTRIES) {
      expect(Object.isFrozen(e)).toBe(true);
      for (const [, spec] of [...shapes(e.data), ...(e.response ? shapes(e.response) : [])]) {
        expect(Object.isFrozen(spec)).toBe(true);
        if (spec.fields) expect(Object.isFrozen(spec.fields)).toBe(true);
      }
      expect(Object.isFrozen(e.errors)).toBe(true);
    }
    const produce = entry('produce', 'legacy');
    expect(Reflect.set(produce, 'method', 'hijack')).toBe(false);
    expect(Reflect.set(produce.data.fields ?? [], 0, null)).toBe(false);
    expect(produce.method).toBe('produce');
  });

  it('lists methods legacy first within each method', () => {
    for (const method of new Set(ENTRIES.map((e) => e.method))) {
      const dialects = methodEntries(method).map((e) => e.dialect);
      expect(dialects).toEqual([...dialects].sort());
    }
  });
});

describe('lookupMethod()', () => {
  it('finds every entry by method and dialect, and by its own kind and direction', () => {
    for (const e of ENTRIES) {
      expect(lookupMethod(e.method, e.dialect)).toBe(e);
      expect(lookupMethod(e.method, e.dialect, e.kind)).toBe(e);
      expect(lookupMethod(e.method, e.dialect, e.kind, e.direction)).toBe(e);
      expect(lookupMethod(e.method, e.dialect, undefined, e.direction)).toBe(e);
    }
  });

  it('returns undefined for another kind or direction', () => {
    for (const e of ENTRIES) {
      const otherKind = e.kind === 'request' ? 'notification' : 'request';
      const otherDirection = e.direction === 'c2s' ? 's2c' : 'c2s';
      expect(lookupMethod(e.method, e.dialect, otherKind)).toBeUndefined();
      expect(lookupMethod(e.method, e.dialect, e.kind, otherDirection)).toBeUndefined();
    }
  });

  it('finds closeProducer as a legacy request and a new notification only', () => {
    expect(lookupMethod('closeProducer', 'legacy', 'request', 'c2s')).toBeDefined();
    expect(lookupMethod('closeProducer', 'new', 'request')).toBeUndefined();
    expect(lookupMethod('closeProducer', 'new', 'notification', 'c2s')).toBeDefined();
  });

  it('returns undefined for unknown methods and Object.prototype names', () => {
    for (const name of [
      'chatMessage',
      '',
      '__proto__',
      'constructor',
      'toString',
      'hasOwnProperty',
    ]) {
      expect(lookupMethod(name, 'legacy')).toBeUndefined();
      expect(lookupMethod(name, 'new')).toBeUndefined();
      expect(methodEntries(name)).toEqual([]);
      expect(isCatalogMethod(name)).toBe(false);
    }
  });

  it('returns undefined for a method of the other dialect only', () => {
    expect(lookupMethod('downlinkBwe', 'new')).toBeUndefined();
    expect(lookupMethod('speakingPeers', 'legacy')).toBeUndefined();
    expect(lookupMethod('mediasoup-version', 'new')).toBeUndefined();
    expect(lookupMethod('mediasoupVersion', 'legacy')).toBeUndefined();
  });
});

describe('the catalog against protocol.md §2.3', () => {
  it('has the client→server requests of both dialects, with their join rules', () => {
    const both = [
      'getRouterRtpCapabilities',
      'join',
      'createWebRtcTransport',
      'connectWebRtcTransport',
      'restartIce',
      'produce',
      'produceData',
      'getTransportStats',
      'getProducerStats',
      'getConsumerStats',
      'getDataProducerStats',
      'getDataConsumerStats',
      'applyNetworkThrottle',
    ];
    for (const dialect of ['legacy', 'new'] as const) {
      for (const method of both) {
        const e = entry(method, dialect);
        expect(e.kind, e.id).toBe('request');
        expect(e.direction, e.id).toBe('c2s');
        expect(e.needsJoin, e.id).toBe(method === 'produce' || method === 'produceData');
      }
    }
  });

  it('has getRouterRtpCapabilities answered bare in legacy and wrapped in new', () => {
    expect(fieldNames(entry('getRouterRtpCapabilities', 'legacy').response)).toEqual([
      'codecs',
      'headerExtensions',
    ]);
    expect(fieldNames(entry('getRouterRtpCapabilities', 'new').response)).toEqual([
      'routerRtpCapabilities',
    ]);
  });

  it('has join with the same request and peers[] items {id,…} vs {peerId,…,remoteAddress}', () => {
    for (const dialect of ['legacy', 'new'] as const) {
      expect(fieldNames(entry('join', dialect).data)).toEqual([
        'displayName',
        'device',
        'rtpCapabilities?',
        'sctpCapabilities?',
      ]);
      expect(fieldNames(field(entry('join', dialect).data, 'device'))).toEqual([
        'flag',
        'name',
        'version?',
      ]);
    }
    expect(fieldNames(field(entry('join', 'legacy').response, 'peers').items)).toEqual([
      'id',
      'displayName',
      'device',
    ]);
    expect(fieldNames(field(entry('join', 'new').response, 'peers').items)).toEqual([
      'peerId',
      'displayName',
      'device',
      'remoteAddress',
    ]);
    expect(entry('join', 'legacy').errors.map((e) => e.reason)).toContain('Peer already joined');
  });

  it('has createWebRtcTransport with producing/consuming vs appData.direction, id vs transportId', () => {
    expect(fieldNames(entry('createWebRtcTransport', 'legacy').data)).toEqual([
      'forceTcp',
      'producing',
      'consuming',
      'sctpCapabilities?',
    ]);
    const appData = field(entry('createWebRtcTransport', 'new').data, 'appData');
    expect(field(appData, 'direction').values).toEqual(['producer', 'consumer']);
    const rest = ['iceParameters', 'iceCandidates', 'dtlsParameters', 'sctpParameters?'];
    expect(fieldNames(entry('createWebRtcTransport', 'legacy').response)).toEqual(['id', ...rest]);
    expect(fieldNames(entry('createWebRtcTransport', 'new').response)).toEqual([
      'transportId',
      ...rest,
    ]);
  });

  it('has restartIce answered with ICE parameters vs {iceParameters}', () => {
    expect(fieldNames(entry('restartIce', 'legacy').response)).toEqual([
      'usernameFragment',
      'password',
      'iceLite?',
    ]);
    expect(fieldNames(entry('restartIce', 'new').response)).toEqual(['iceParameters']);
  });

  it('has produce / produceData answered {id} vs {producerId} / {dataProducerId}', () => {
    expect(fieldNames(entry('produce', 'legacy').response)).toEqual(['id']);
    expect(fieldNames(entry('produce', 'new').response)).toEqual(['producerId']);
    expect(fieldNames(entry('produceData', 'legacy').response)).toEqual(['id']);
    expect(fieldNames(entry('produceData', 'new').response)).toEqual(['dataProducerId']);
    expect(field(entry('produce', 'new').data, 'kind').values).toEqual(['audio', 'video']);
  });

  it('has stats answered as an array in legacy and as {stats} in new', () => {
    for (const method of ['getTransportStats', 'getDataConsumerStats']) {
      expect(entry(method, 'legacy').response?.type).toBe('array');
      expect(fieldNames(entry(method, 'new').response)).toEqual(['stats']);
    }
    expect(fieldNames(entry('getDataProducerStats', 'new').data)).toEqual(['dataProducerId']);
  });

  it('has applyNetworkThrottle flat with 403 in legacy, with options and 500 in new', () => {
    expect(fieldNames(entry('applyNetworkThrottle', 'legacy').data)).toEqual([
      'secret',
      'uplink?',
      'downlink?',
      'rtt?',
      'packetLoss?',
    ]);
    expect(fieldNames(field(entry('applyNetworkThrottle', 'new').data, 'options'))).toEqual([
      'up?',
      'down?',
      'rtt?',
      'packetLoss?',
      'localhost?',
    ]);
    expect(entry('applyNetworkThrottle', 'legacy').errors.map((e) => e.code)).toEqual([403]);
    expect(entry('applyNetworkThrottle', 'new').errors.map((e) => e.code)).toEqual([500]);
  });

  it('has resetNetworkThrottle in legacy only and stopNetworkThrottle in new only', () => {
    expect(methodEntries('resetNetworkThrottle').map((e) => e.dialect)).toEqual(['legacy']);
    expect(methodEntries('stopNetworkThrottle').map((e) => e.dialect)).toEqual(['new']);
  });

  it.each([
    ['closeProducer', ['producerId']],
    ['pauseProducer', ['producerId']],
    ['resumeProducer', ['producerId']],
    ['pauseConsumer', ['consumerId']],
    ['resumeConsumer', ['consumerId']],
    ['requestConsumerKeyFrame', ['consumerId']],
    ['setConsumerPreferredLayers', ['consumerId', 'spatialLayer', 'temporalLayer?']],
    ['setConsumerPriority', ['consumerId', 'priority']],
    ['changeDisplayName', ['displayName']],
  ])('has %s as a legacy request and a new notification', (method, fields) => {
    const old = entry(method, 'legacy');
    const now = entry(method, 'new');
    expect([old.kind, now.kind]).toEqual(['request', 'notification']);
    expect([old.direction, now.direction]).toEqual(['c2s', 'c2s']);
    expect(fieldNames(old.data)).toEqual(fields);
    expect(fieldNames(now.data)).toEqual(fields);
    expect(fieldNames(old.response)).toEqual([]);
    expect(old.needsJoin && now.needsJoin).toBe(true);
  });

  it('has the misspelt setConsumerPreferedLayers as deprecated legacy history', () => {
    const e = entry('setConsumerPreferedLayers', 'legacy');
    expect(e.deprecated).toBe(true);
    expect(e.history).toMatch(/2019/);
    expect(lookupMethod('setConsumerPreferedLayers', 'new')).toBeUndefined();
    expect(ENTRIES.filter((x) => x.deprecated).map((x) => x.id)).toEqual([
      'legacy:setConsumerPreferedLayers',
    ]);
  });
});

describe('the catalog against protocol.md §2.4 and §2.5', () => {
  it('has newConsumer with id in legacy and consumerId, transportId, consumerScore in new', () => {
    expect(fieldNames(entry('newConsumer', 'legacy').data)).toEqual([
      'peerId',
      'producerId',
      'id',
      'kind',
      'rtpParameters',
      'type',
      'appData',
      'producerPaused',
    ]);
    const data = entry('newConsumer', 'new').data;
    expect(fieldNames(data)).toEqual([
      'peerId',
      'transportId',
      'consumerId',
      'producerId',
      'kind',
      'rtpParameters',
      'type',
      'producerPaused',
      'consumerScore',
      'appData',
    ]);
    expect(fieldNames(field(data, 'appData'))).toEqual(['peerId', 'source']);
    expect(field(data, 'type').values).toEqual(['simple', 'simulcast', 'svc', 'pipe']);
    for (const dialect of ['legacy', 'new'] as const) {
      const e = entry('newConsumer', dialect);
      expect([e.kind, e.direction]).toEqual(['request', 's2c']);
      expect(e.errors).toEqual([
        expect.objectContaining({ code: 403, reason: 'I do not want to consume' }),
      ]);
    }
  });

  it('has newDataConsumer with a nullable peerId in legacy and an optional one in new', () => {
    expect(field(entry('newDataConsumer', 'legacy').data, 'peerId')).toMatchObject({
      type: ['string', 'null'],
      optional: false,
    });
    expect(field(entry('newDataConsumer', 'new').data, 'peerId')).toMatchObject({
      type: 'string',
      optional: true,
    });
    expect(fieldNames(field(entry('newDataConsumer', 'new').data, 'appData'))).toEqual([
      'peerId?',
      'channel',
    ]);
    expect(fieldNames(entry('newDataConsumer', 'legacy').data)).toContain('id');
    expect(fieldNames(entry('newDataConsumer', 'new').data)).toContain('dataConsumerId');
  });

  it('has the version notification as mediasoup-version in legacy and mediasoupVersion in new', () => {
    expect(methodEntries('mediasoup-version').map((e) => e.dialect)).toEqual(['legacy']);
    expect(methodEntries('mediasoupVersion').map((e) => e.dialect)).toEqual(['new']);
    expect(fieldNames(entry('mediasoupVersion', 'new').data)).toEqual(['version']);
  });

  it('has newPeer flat in legacy and wrapped as {peer} in new', () => {
    expect(fieldNames(entry('newPeer', 'legacy').data)).toEqual(['id', 'displayName', 'device']);
    expect(fieldNames(entry('newPeer', 'new').data)).toEqual(['peer']);
    expect(fieldNames(field(entry('newPeer', 'new').data, 'peer'))).toEqual([
      'peerId',
      'displayName',
      'device',
      'remoteAddress',
    ]);
  });

  it('has consumerLayersChanged with nullable layers in legacy and an optional layers object in new', () => {
    const old = entry('consumerLayersChanged', 'legacy').data;
    expect(field(old, 'spatialLayer').type).toEqual(['integer', 'null']);
    expect(field(old, 'temporalLayer').type).toEqual(['integer', 'null']);
    const now = entry('consumerLayersChanged', 'new').data;
    expect(fieldNames(now)).toEqual(['consumerId', 'layers?']);
    expect(fieldNames(field(now, 'layers'))).toEqual(['spatialLayer', 'temporalLayer?']);
  });

  it('has activeSpeaker {peerId|null, volume?} in legacy and {peerId?} in new', () => {
    expect(fieldNames(entry('activeSpeaker', 'legacy').data)).toEqual(['peerId', 'volume?']);
    expect(fieldNames(entry('activeSpeaker', 'new').data)).toEqual(['peerId?']);
  });

  it('has downlinkBwe in legacy only and speakingPeers in new only', () => {
    expect([...methodsOf('legacy')].filter((m) => !methodsOf('new').has(m)).sort()).toEqual([
      'downlinkBwe',
      'mediasoup-version',
      'resetNetworkThrottle',
      'setConsumerPreferedLayers',
    ]);
    expect([...methodsOf('new')].filter((m) => !methodsOf('legacy').has(m)).sort()).toEqual([
      'mediasoupVersion',
      'speakingPeers',
      'stopNetworkThrottle',
    ]);
    expect(fieldNames(field(entry('speakingPeers', 'new').data, 'peerVolumes').items)).toEqual([
      'peerId',
      'volume',
    ]);
  });

  it('has the same shape in both dialects for the shared server notifications', () => {
    for (const method of [
      'producerScore',
      'peerClosed',
      'peerDisplayNameChanged',
      'consumerClosed',
      'consumerPaused',
      'consumerResumed',
      'consumerScore',
      'dataConsumerClosed',
    ]) {
      const old = entry(method, 'legacy');
      const now = entry(method, 'new');
      expect(now.data, method).toEqual(old.data);
      expect([old.kind, old.direction], method).toEqual(['notification', 's2c']);
    }
    expect(fieldNames(field(entry('producerScore', 'legacy').data, 'score').items)).toEqual([
      'encodingIdx',
      'ssrc',
      'rid?',
      'score',
    ]);
  });
});

describe('catalog helpers', () => {
  it('otherDialect() swaps the dialects', () => {
    expect(otherDialect('legacy')).toBe('new');
    expect(otherDialect('new')).toBe('legacy');
  });

  it('methodDirection() maps out to c2s and in to s2c', () => {
    expect(methodDirection('out')).toBe('c2s');
    expect(methodDirection('in')).toBe('s2c');
  });

  it('shapeSummary() draws members, arrays and unions', () => {
    expect(shapeSummary(entry('activeSpeaker', 'legacy').data)).toBe('{peerId, volume?}');
    expect(shapeSummary(entry('getTransportStats', 'legacy').response ?? { type: 'any' })).toBe(
      '[…]',
    );
    expect(shapeSummary({ type: 'object' })).toBe('{…}');
    expect(shapeSummary({ type: ['string', 'null'] })).toBe('string or null');
  });

  it('isCatalogMethod() knows the methods of either dialect', () => {
    expect(isCatalogMethod('downlinkBwe')).toBe(true);
    expect(isCatalogMethod('speakingPeers')).toBe(true);
    expect(isCatalogMethod('setConsumerPreferedLayers')).toBe(true);
  });
});

describe('known errors', () => {
  it('parseUnknownMethodReason() reads both dialects and round-trips unknownMethodReason()', () => {
    expect(parseUnknownMethodReason('unknown request.method "fooBar"')).toEqual({
      dialect: 'legacy',
      method: 'fooBar',
    });
    expect(parseUnknownMethodReason("unknown request method 'fooBar'")).toEqual({
      dialect: 'new',
      method: 'fooBar',
    });
    for (const dialect of ['legacy', 'new'] as const) {
      for (const method of ['x', 'with "quotes"', "it's", '', 'line\nbreak']) {
        expect(parseUnknownMethodReason(unknownMethodReason(dialect, method))).toEqual({
          dialect,
          method,
        });
      }
    }
    expect(parseUnknownMethodReason('Peer not yet joined')).toBeUndefined();
  });

  it('UNKNOWN_METHOD_REASONS tell the two wordings apart', () => {
    expect(UNKNOWN_METHOD_REASONS.legacy.test("unknown request method 'x'")).toBe(false);
    expect(UNKNOWN_METHOD_REASONS.new.test('unknown request.method "x"')).toBe(false);
  });

  it.each([
    [403, 'I do not want to consume', 'newConsumer', 'consume-refused'],
    [403, 'I do not want to consume', 'newDataConsumer', 'consume-refused'],
    [500, 'Peer not yet joined', 'produce', 'not-joined'],
    [500, 'Peer already joined', 'join', 'already-joined'],
    [500, 'transport with id "t1" not found', 'connectWebRtcTransport', 'transport-not-found'],
    [500, 'unknown request.method "x"', 'x', 'unknown-method-legacy'],
    [500, "unknown request method 'x'", 'x', 'unknown-method-new'],
    [403, 'operation NOT allowed', 'applyNetworkThrottle', 'throttle-forbidden'],
    [500, 'something broke', 'produce', 'server-error'],
  ] as const)('matchKnownError(%i, %j, %s) is %s', (code, reason, method, id) => {
    expect(matchKnownError(code, reason, method)?.id).toBe(id);
  });

  it('matchKnownError() finds nothing for codes it does not know', () => {
    expect(matchKnownError(418, 'I am a teapot')).toBeUndefined();
    expect(matchKnownError(undefined, '')).toBeUndefined();
    expect(matchKnownError(403, 'I do not want to consume', 'produce')).toBeUndefined();
  });

  it('KNOWN_ERRORS are frozen and each has a description', () => {
    expect(Object.isFrozen(KNOWN_ERRORS)).toBe(true);
    for (const e of KNOWN_ERRORS) {
      expect(Object.isFrozen(e)).toBe(true);
      expect(e.description.length).toBeGreaterThan(10);
      expect([403, 500]).toContain(e.code);
    }
  });
});

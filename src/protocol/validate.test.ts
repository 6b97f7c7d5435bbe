import { describe, expect, it } from 'vitest';
import {
  catalogEntries,
  valueTypes,
  type MethodEntry,
  type ShapeSpec,
  type ValueType,
  type WireDirection,
} from './catalog.ts';
import type { ProtooMessage } from './codec.ts';
import type { Dialect } from './dialect.ts';
import {
  NO_WARNINGS,
  VALIDATION_CODES,
  validateMessage,
  type ValidationContext,
  type ValidationWarning,
} from './validate.ts';

// ── builders ────────────────────────────────────────────────────────────────

/** A value that fits `spec`, with every optional member present. */
function sample(spec: ShapeSpec): unknown {
  const type = valueTypes(spec.type).at(0);
  switch (type) {
    case 'string':
      return spec.values?.[0] ?? 'a1b2c3';
    case 'number':
      return 1.5;
    case 'integer':
      return 2;
    case 'boolean':
      return true;
    case 'null':
      return null;
    case 'any':
      return 'anything';
    case 'object':
      return Object.fromEntries((spec.fields ?? []).map((f) => [f.name, sample(f)]));
    case 'array':
      return spec.items ? [sample(spec.items)] : [];
    case undefined:
      throw new Error('a shape without a type');
  }
}

/** A value that fits `spec`, with only its required members. */
function sampleRequired(spec: ShapeSpec): unknown {
  const type = valueTypes(spec.type).at(0);
  if (type === 'object') {
    return Object.fromEntries(
      (spec.fields ?? []).filter((f) => !f.optional).map((f) => [f.name, sampleRequired(f)]),
    );
  }
  if (type === 'array') return spec.items ? [sampleRequired(spec.items)] : [];
  return sample(spec);
}

interface FieldPath {
  readonly segments: readonly (string | number)[];
  readonly path: string;
  readonly spec: ShapeSpec;
  readonly optional: boolean;
  readonly item: boolean;
}

/** Every member and array item `sample(spec)` builds, with its path. */
function fieldPaths(
  spec: ShapeSpec,
  segments: readonly (string | number)[] = [],
  path = 'data',
): FieldPath[] {
  const out: FieldPath[] = [];
  const type = valueTypes(spec.type).at(0);
  if (type === 'object') {
    for (const f of spec.fields ?? []) {
      const at = `${path}.${f.name}`;
      out.push({
        segments: [...segments, f.name],
        path: at,
        spec: f,
        optional: f.optional,
        item: false,
      });
      out.push(...fieldPaths(f, [...segments, f.name], at));
    }
  } else if (type === 'array' && spec.items) {
    const at = `${path}[0]`;
    out.push({
      segments: [...segments, 0],
      path: at,
      spec: spec.items,
      optional: false,
      item: true,
    });
    out.push(...fieldPaths(spec.items, [...segments, 0], at));
  }
  return out;
}

/** A copy of `root` with the value at `segments` replaced (or deleted with `remove`). */
function edit(
  root: unknown,
  segments: readonly (string | number)[],
  change: { readonly remove: true } | { readonly value: unknown },
): unknown {
  const copy: unknown = structuredClone(root);
  let parent: unknown = copy;
  for (const s of segments.slice(0, -1)) parent = (parent as Record<string | number, unknown>)[s];
  const last = segments.at(-1);
  if (last === undefined) return 'value' in change ? change.value : undefined;
  const container = parent as Record<string | number, unknown>;
  if ('remove' in change) Reflect.deleteProperty(container, last);
  else container[last] = change.value;
  return copy;
}

const WRONG_VALUES: readonly unknown[] = ['not-it', 42, 4.2, true, null, [], {}];

/** A value none of the spec's types admits, or `undefined` when it admits anything. */
function wrongValueFor(spec: ShapeSpec): unknown {
  const types = valueTypes(spec.type);
  if (types.includes('any')) return undefined;
  const fitsOne = (v: unknown, t: ValueType): boolean =>
    (t === 'string' && typeof v === 'string') ||
    (t === 'number' && typeof v === 'number') ||
    (t === 'integer' && Number.isInteger(v)) ||
    (t === 'boolean' && typeof v === 'boolean') ||
    (t === 'null' && v === null) ||
    (t === 'array' && Array.isArray(v)) ||
    (t === 'object' && typeof v === 'object' && v !== null && !Array.isArray(v));
  return WRONG_VALUES.find((v) => !types.some((t) => fitsOne(v, t)));
}

function callOf(entry: MethodEntry, data: unknown): ProtooMessage {
  return entry.kind === 'request'
    ? { kind: 'request', id: 4_711_000, method: entry.method, data }
    : { kind: 'notification', method: entry.method, data };
}

function callDir(entry: MethodEntry): WireDirection {
  return entry.direction === 'c2s' ? 'out' : 'in';
}

function responseDir(entry: MethodEntry): WireDirection {
  return entry.direction === 'c2s' ? 'in' : 'out';
}

function success(data: unknown): ProtooMessage {
  return { kind: 'success', id: 4_711_000, data };
}

function codes(warnings: readonly ValidationWarning[]): string[] {
  return warnings.map((w) => w.code);
}

/** Each part of an entry a test can build messages for. */
interface Part {
  readonly label: string;
  readonly entry: MethodEntry;
  /** The request or notification itself, not its response. */
  readonly call: boolean;
  readonly spec: ShapeSpec;
  readonly build: (data: unknown) => ProtooMessage;
  readonly ctx: (dialect: Dialect) => ValidationContext;
}

function partsOf(entry: MethodEntry): Part[] {
  const parts: Part[] = [
    {
      label: `${entry.id} ${entry.kind}`,
      entry,
      call: true,
      spec: entry.data,
      build: (data) => callOf(entry, data),
      ctx: (dialect) => ({ dialect, dir: callDir(entry) }),
    },
  ];
  if (entry.response) {
    parts.push({
      label: `${entry.id} response`,
      entry,
      call: false,
      spec: entry.response,
      build: success,
      ctx: (dialect) => ({ dialect, dir: responseDir(entry), requestMethod: entry.method }),
    });
  }
  return parts;
}

const PARTS = catalogEntries().flatMap(partsOf);

// ── every catalog entry ─────────────────────────────────────────────────────

describe('validateMessage() on every catalog entry', () => {
  it.each(PARTS.map((p) => [p.label, p] as const))(
    'accepts %s built from its field specs, in its dialect, while unknown and as generic',
    (_label, part) => {
      const full = part.build(sample(part.spec));
      const minimal = part.build(sampleRequired(part.spec));
      for (const dialect of [part.entry.dialect, 'unknown', 'generic'] as const) {
        // The request carries the deprecation warning; its response is not blamed again.
        const deprecated = part.call && part.entry.deprecated && dialect !== 'generic';
        const expected = deprecated ? ['deprecated-method'] : [];
        expect(codes(validateMessage(full, part.ctx(dialect)))).toEqual(expected);
        expect(codes(validateMessage(minimal, part.ctx(dialect)))).toEqual(expected);
      }
    },
  );

  it.each(PARTS.map((p) => [p.label, p] as const))(
    'reports exactly one missing-field, naming it, for each required field of %s',
    (_label, part) => {
      const base = sample(part.spec);
      const required = fieldPaths(part.spec).filter((f) => !f.optional && !f.item);
      for (const field of required) {
        const warnings = validateMessage(
          part.build(edit(base, field.segments, { remove: true })),
          part.ctx(part.entry.dialect),
        ).filter((w) => w.code !== 'deprecated-method');
        expect(warnings, field.path).toHaveLength(1);
        expect(warnings[0]).toMatchObject({ code: 'missing-field', field: field.path });
        expect(warnings[0]?.message).toContain(field.path);
        expect(warnings[0]?.message).toContain('missing');
      }
    },
  );

  it.each(PARTS.map((p) => [p.label, p] as const))(
    'reports exactly one wrong-type, naming it, for a wrongly typed field of %s',
    (_label, part) => {
      const base = sample(part.spec);
      const targets: FieldPath[] = [
        { segments: [], path: 'data', spec: part.spec, optional: false, item: false },
        ...fieldPaths(part.spec),
      ];
      for (const field of targets) {
        const wrong = wrongValueFor(field.spec);
        if (wrong === undefined) continue;
        const warnings = validateMessage(
          part.build(edit(base, field.segments, { value: wrong })),
          part.ctx(part.entry.dialect),
        ).filter((w) => w.code !== 'deprecated-method');
        expect(warnings, field.path).toHaveLength(1);
        expect(warnings[0]).toMatchObject({ code: 'wrong-type', field: field.path });
        expect(warnings[0]?.message).toContain(field.path);
      }
    },
  );

  it('reports wrong-value for every field with a fixed set of values', () => {
    let seen = 0;
    for (const part of PARTS) {
      const base = sample(part.spec);
      for (const field of fieldPaths(part.spec).filter((f) => f.spec.values)) {
        seen += 1;
        const warnings = validateMessage(
          part.build(edit(base, field.segments, { value: 'bogus' })),
          part.ctx(part.entry.dialect),
        );
        expect(codes(warnings), `${part.label} ${field.path}`).toEqual(['wrong-value']);
        expect(warnings[0]?.field).toBe(field.path);
        expect(warnings[0]?.message).toContain('"bogus"');
      }
    }
    expect(seen).toBeGreaterThanOrEqual(6);
  });
});

// ── fixtures from protocol.md ───────────────────────────────────────────────

const legacy = (dir: WireDirection, requestMethod?: string): ValidationContext =>
  requestMethod === undefined
    ? { dialect: 'legacy', dir }
    : { dialect: 'legacy', dir, requestMethod };
const fresh = (dir: WireDirection, requestMethod?: string): ValidationContext =>
  requestMethod === undefined ? { dialect: 'new', dir } : { dialect: 'new', dir, requestMethod };
const unknown = (dir: WireDirection, requestMethod?: string): ValidationContext =>
  requestMethod === undefined
    ? { dialect: 'unknown', dir }
    : { dialect: 'unknown', dir, requestMethod };

const DEVICE = Object.freeze({ flag: 'chrome', name: 'Chrome', version: '131.0.0.0' });

function newJoinResponse(peers: readonly unknown[]): ProtooMessage {
  return success({ peers });
}

function legacyNewConsumer(): ProtooMessage {
  return Object.freeze({
    kind: 'request',
    id: 5_133_270,
    method: 'newConsumer',
    data: {
      peerId: 'alice',
      producerId: '0a6ab1a5-7f0e-4d38-9b06-2c1b1c3f1e01',
      id: 'c5f1d3b2-2f55-4a4e-8c11-3cf1b1d0a901',
      kind: 'video',
      rtpParameters: { codecs: [], encodings: [{ ssrc: 1234 }] },
      type: 'simulcast',
      appData: {},
      producerPaused: false,
    },
  });
}

describe('validateMessage() on dialect differences', () => {
  it('returns the shared frozen NO_WARNINGS when a message fits', () => {
    const result = validateMessage(legacyNewConsumer(), legacy('in'));
    expect(result).toBe(NO_WARNINGS);
    expect(Object.isFrozen(result)).toBe(true);
  });

  it('reports other-dialect-shape for a produce response with producerId on a legacy connection', () => {
    const warnings = validateMessage(success({ producerId: 'p1' }), legacy('in', 'produce'));
    expect(warnings).toEqual([
      expect.objectContaining({ code: 'other-dialect-shape', field: 'data' }),
    ]);
    expect(warnings[0]?.message).toContain('{id}');
    expect(warnings[0]?.message).toContain('{producerId}');
  });

  it('reports other-dialect-shape for a produce response with id on a new connection', () => {
    expect(codes(validateMessage(success({ id: 'p1' }), fresh('in', 'produce')))).toEqual([
      'other-dialect-shape',
    ]);
  });

  it('reports other-dialect-shape for stats wrapped as {stats} on legacy and bare on new', () => {
    expect(
      codes(validateMessage(success({ stats: [] }), legacy('in', 'getTransportStats'))),
    ).toEqual(['other-dialect-shape']);
    expect(
      codes(
        validateMessage(success([{ type: 'webrtc-transport' }]), fresh('in', 'getConsumerStats')),
      ),
    ).toEqual(['other-dialect-shape']);
  });

  it('accepts a legacy stats array response, empty or not', () => {
    expect(validateMessage(success([]), legacy('in', 'getProducerStats'))).toBe(NO_WARNINGS);
    expect(
      validateMessage(
        success([{ type: 'inbound-rtp', timestamp: 1, ssrc: 1 }]),
        legacy('in', 'getProducerStats'),
      ),
    ).toBe(NO_WARNINGS);
  });

  it('reports other-dialect-shape for a legacy newPeer on a new connection', () => {
    const msg: ProtooMessage = {
      kind: 'notification',
      method: 'newPeer',
      data: { id: 'bob', displayName: 'Bob', device: DEVICE },
    };
    expect(codes(validateMessage(msg, fresh('in')))).toEqual(['other-dialect-shape']);
    expect(validateMessage(msg, legacy('in'))).toBe(NO_WARNINGS);
  });

  it('reports other-dialect-shape for the 2019-03 consumerLayersChanged {layers} on legacy', () => {
    const msg: ProtooMessage = {
      kind: 'notification',
      method: 'consumerLayersChanged',
      data: { consumerId: 'c1', layers: { spatialLayer: 1, temporalLayer: 2 } },
    };
    expect(codes(validateMessage(msg, legacy('in')))).toEqual(['other-dialect-shape']);
    expect(validateMessage(msg, fresh('in'))).toBe(NO_WARNINGS);
  });

  it('accepts legacy consumerLayersChanged with null layers', () => {
    const msg: ProtooMessage = {
      kind: 'notification',
      method: 'consumerLayersChanged',
      data: { consumerId: 'c1', spatialLayer: null, temporalLayer: null },
    };
    expect(validateMessage(msg, legacy('in'))).toBe(NO_WARNINGS);
  });

  it('accepts activeSpeaker {peerId: null} on legacy and {} on new, not the other way round', () => {
    const silence: ProtooMessage = {
      kind: 'notification',
      method: 'activeSpeaker',
      data: { peerId: null },
    };
    const nobody: ProtooMessage = { kind: 'notification', method: 'activeSpeaker', data: {} };
    expect(validateMessage(silence, legacy('in'))).toBe(NO_WARNINGS);
    expect(validateMessage(nobody, fresh('in'))).toBe(NO_WARNINGS);
    expect(codes(validateMessage(silence, fresh('in')))).toEqual(['wrong-type']);
    expect(codes(validateMessage(nobody, legacy('in')))).toEqual(['missing-field']);
  });

  it('reports wrong-kind for closeProducer sent as a request on a new connection', () => {
    const msg: ProtooMessage = {
      kind: 'request',
      id: 77,
      method: 'closeProducer',
      data: { producerId: 'p1' },
    };
    const warnings = validateMessage(msg, fresh('out'));
    expect(codes(warnings)).toEqual(['wrong-kind']);
    expect(warnings[0]?.message).toContain('notification');
    expect(warnings[0]?.message).toContain('legacy');
  });

  it('reports wrong-kind for pauseConsumer sent as a notification on a legacy connection', () => {
    const msg: ProtooMessage = {
      kind: 'notification',
      method: 'pauseConsumer',
      data: { consumerId: 'c1' },
    };
    expect(codes(validateMessage(msg, legacy('out')))).toEqual(['wrong-kind']);
  });

  it('reports wrong-kind and the missing field together', () => {
    const msg: ProtooMessage = { kind: 'notification', method: 'changeDisplayName', data: {} };
    expect(codes(validateMessage(msg, legacy('out')))).toEqual(['wrong-kind', 'missing-field']);
  });

  it('accepts closeProducer as request or notification while the dialect is unknown', () => {
    const data = { producerId: 'p1' };
    expect(
      validateMessage({ kind: 'request', id: 1, method: 'closeProducer', data }, unknown('out')),
    ).toBe(NO_WARNINGS);
    expect(
      validateMessage({ kind: 'notification', method: 'closeProducer', data }, unknown('out')),
    ).toBe(NO_WARNINGS);
  });

  it('reports wrong-kind while unknown only when neither dialect sends it that way', () => {
    const msg: ProtooMessage = {
      kind: 'notification',
      method: 'join',
      data: { displayName: 'x', device: DEVICE },
    };
    expect(codes(validateMessage(msg, unknown('out')))).toEqual(['wrong-kind']);
  });

  it('reports other-dialect-method for downlinkBwe on new and speakingPeers on legacy', () => {
    const bwe: ProtooMessage = {
      kind: 'notification',
      method: 'downlinkBwe',
      data: { desiredBitrate: 1e6, effectiveDesiredBitrate: 1.1e6, availableBitrate: 9e5 },
    };
    const speaking: ProtooMessage = {
      kind: 'notification',
      method: 'speakingPeers',
      data: { peerVolumes: [{ peerId: 'alice', volume: -35 }] },
    };
    expect(codes(validateMessage(bwe, fresh('in')))).toEqual(['other-dialect-method']);
    expect(validateMessage(bwe, fresh('in'))[0]?.message).toContain('legacy');
    expect(codes(validateMessage(speaking, legacy('in')))).toEqual(['other-dialect-method']);
    expect(validateMessage(bwe, unknown('in'))).toBe(NO_WARNINGS);
    expect(validateMessage(speaking, unknown('in'))).toBe(NO_WARNINGS);
  });

  it('reports other-dialect-method for resetNetworkThrottle on new and stopNetworkThrottle on legacy', () => {
    const data = { secret: 's3cr3t' };
    expect(
      codes(
        validateMessage(
          { kind: 'request', id: 1, method: 'resetNetworkThrottle', data },
          fresh('out'),
        ),
      ),
    ).toEqual(['other-dialect-method']);
    expect(
      codes(
        validateMessage(
          { kind: 'request', id: 1, method: 'stopNetworkThrottle', data },
          legacy('out'),
        ),
      ),
    ).toEqual(['other-dialect-method']);
  });

  it('reports mediasoup-version on a new connection as other-dialect-method', () => {
    const msg: ProtooMessage = {
      kind: 'notification',
      method: 'mediasoup-version',
      data: { version: '3.14.6' },
    };
    expect(codes(validateMessage(msg, fresh('in')))).toEqual(['other-dialect-method']);
  });

  it('reports deprecated-method for setConsumerPreferedLayers on legacy and while unknown', () => {
    const msg: ProtooMessage = {
      kind: 'request',
      id: 9,
      method: 'setConsumerPreferedLayers',
      data: { consumerId: 'c1', spatialLayer: 1, temporalLayer: 0 },
    };
    const warnings = validateMessage(msg, legacy('out'));
    expect(codes(warnings)).toEqual(['deprecated-method']);
    expect(warnings[0]?.message).toContain('setConsumerPreferredLayers');
    expect(codes(validateMessage(msg, unknown('out')))).toEqual(['deprecated-method']);
    expect(codes(validateMessage(msg, fresh('out')))).toEqual(['other-dialect-method']);
  });

  it('reports unknown-method in each dialect and while unknown, but not on generic protoo', () => {
    const msg: ProtooMessage = {
      kind: 'request',
      id: 3,
      method: 'chatMessage',
      data: { text: 'hi' },
    };
    for (const ctx of [legacy('out'), fresh('out'), unknown('out')]) {
      const warnings = validateMessage(msg, ctx);
      expect(codes(warnings)).toEqual(['unknown-method']);
      expect(warnings[0]?.message).toContain('"chatMessage"');
    }
    expect(validateMessage(msg, { dialect: 'generic', dir: 'out' })).toBe(NO_WARNINGS);
  });

  it('reports wrong-direction for a client sending newConsumer and a server sending join', () => {
    expect(codes(validateMessage(legacyNewConsumer(), legacy('out')))).toEqual(['wrong-direction']);
    const join: ProtooMessage = {
      kind: 'request',
      id: 1,
      method: 'join',
      data: { displayName: 'x', device: DEVICE },
    };
    expect(codes(validateMessage(join, fresh('in')))).toEqual(['wrong-direction']);
    expect(codes(validateMessage(join, unknown('in')))).toEqual(['wrong-direction']);
  });

  it('reports wrong-direction for a produce response sent by the client', () => {
    const warnings = validateMessage(success({ id: 'p1' }), legacy('out', 'produce'));
    expect(codes(warnings)).toEqual(['wrong-direction']);
    expect(warnings[0]?.message).toContain('server→client');
    expect(codes(validateMessage(success({}), unknown('in', 'newConsumer')))).toEqual([
      'wrong-direction',
    ]);
  });

  it('names nested array paths such as data.peers[1].peerId', () => {
    const peer = {
      peerId: 'alice',
      displayName: 'Alice',
      device: DEVICE,
      remoteAddress: '203.0.113.7',
    };
    const warnings = validateMessage(
      newJoinResponse([peer, { ...peer, peerId: undefined }]),
      fresh('in', 'join'),
    );
    expect(warnings).toEqual([
      expect.objectContaining({ code: 'missing-field', field: 'data.peers[1].peerId' }),
    ]);
  });

  it('names what it expected and what it found', () => {
    const warnings = validateMessage(
      {
        kind: 'request',
        id: 1,
        method: 'produce',
        data: { transportId: 42, kind: 'audio', rtpParameters: {}, appData: {} },
      },
      legacy('out'),
    );
    expect(warnings[0]?.message).toBe(
      'Expected data.transportId to be a string in the legacy mediasoup-demo "produce" request, but found a number (42).',
    );
  });

  it('validates a response against both dialects while unknown, keeping the closest', () => {
    const peerless = validateMessage(success({}), unknown('in', 'produce'));
    expect(codes(peerless)).toEqual(['missing-field']);
    expect(validateMessage(success({ id: 'p' }), unknown('in', 'produce'))).toBe(NO_WARNINGS);
    expect(validateMessage(success({ producerId: 'p' }), unknown('in', 'produce'))).toBe(
      NO_WARNINGS,
    );
  });

  it('picks the dialect with fewer problems for a call while unknown', () => {
    const data = {
      ...(legacyNewConsumer() as { data: Record<string, unknown> }).data,
      id: undefined,
    };
    const warnings = validateMessage(
      { kind: 'request', id: 1, method: 'newConsumer', data },
      unknown('in'),
    );
    expect(warnings).toEqual([
      expect.objectContaining({ code: 'missing-field', field: 'data.id' }),
    ]);
  });

  it('says nothing about responses without a request method, to notifications or error answers', () => {
    expect(validateMessage(success({ weird: 1 }), legacy('in'))).toBe(NO_WARNINGS);
    expect(validateMessage(success({}), fresh('in', 'closeProducer'))).toBe(NO_WARNINGS);
    expect(validateMessage(success({}), legacy('in', 'noSuchMethod'))).toBe(NO_WARNINGS);
    expect(
      validateMessage(
        { kind: 'error', id: 1, errorCode: 500, errorReason: 'boom', okField: 'absent' },
        legacy('in', 'produce'),
      ),
    ).toBe(NO_WARNINGS);
  });

  it('allows members the catalog does not list', () => {
    const msg: ProtooMessage = {
      kind: 'notification',
      method: 'peerClosed',
      data: { peerId: 'alice', reason: 'left', extra: { nested: [1, 2, 3] } },
    };
    expect(validateMessage(msg, legacy('in'))).toBe(NO_WARNINGS);
  });

  it('treats a member set to undefined as missing', () => {
    const msg: ProtooMessage = {
      kind: 'notification',
      method: 'peerClosed',
      data: { peerId: undefined },
    };
    expect(codes(validateMessage(msg, fresh('in')))).toEqual(['missing-field']);
  });

  it('stops after 20 warnings and says there are more', () => {
    const score = Array.from({ length: 500 }, () => 'bad');
    const warnings = validateMessage(
      { kind: 'notification', method: 'producerScore', data: { producerId: 'p', score } },
      legacy('in'),
    );
    expect(warnings).toHaveLength(21);
    expect(warnings.at(-1)?.code).toBe('too-many-warnings');
    expect(warnings[0]?.field).toBe('data.score[0]');
  });

  it('checks a long array of good items without a warning', () => {
    const score = Array.from({ length: 100_000 }, (_, i) => ({
      encodingIdx: i % 3,
      ssrc: i,
      score: 10,
    }));
    expect(
      validateMessage(
        { kind: 'notification', method: 'producerScore', data: { producerId: 'p', score } },
        fresh('in'),
      ),
    ).toBe(NO_WARNINGS);
  });

  it('returns frozen warning lists', () => {
    const warnings = validateMessage(success({}), legacy('in', 'produce'));
    expect(Object.isFrozen(warnings)).toBe(true);
    expect(warnings.every((w) => Object.isFrozen(w))).toBe(true);
  });
});

// ── hostile input ───────────────────────────────────────────────────────────

function deeplyNested(depth: number): unknown {
  let value: unknown = {};
  for (let i = 0; i < depth; i++) value = { peers: [value], id: value };
  return value;
}

describe('validateMessage() on hostile input', () => {
  const dialects: readonly Dialect[] = ['legacy', 'new', 'unknown', 'generic'];
  const datas: readonly unknown[] = [
    null,
    undefined,
    0,
    -1,
    Number.NaN,
    Infinity,
    'x'.repeat(100_000),
    [],
    [[[]]],
    [null, 1, 'a'],
    {},
    JSON.parse(
      '{"__proto__":{"id":"polluted","peerId":"polluted"},"constructor":{"prototype":{}}}',
    ),
    Object.create(null) as unknown,
    deeplyNested(100_000),
    { peers: 'not an array', peer: 5, layers: [], score: { length: 1e9 } },
  ];
  const methods = [
    ...new Set(catalogEntries().map((e) => e.method)),
    '__proto__',
    'constructor',
    'toString',
    'hasOwnProperty',
    '',
  ];

  it('never throws, whatever the data, method, dialect or direction', () => {
    for (const method of methods) {
      for (const data of datas) {
        for (const dialect of dialects) {
          for (const dir of ['in', 'out'] as const) {
            const messages: ProtooMessage[] = [
              { kind: 'request', id: 1, method, data },
              { kind: 'notification', method, data },
              { kind: 'success', id: 1, data },
            ];
            for (const msg of messages) {
              expect(() =>
                validateMessage(msg, { dialect, dir, requestMethod: method }),
              ).not.toThrow();
            }
          }
        }
      }
    }
    expect(({} as Record<string, unknown>).id).toBeUndefined();
  });

  it('does not read members through the prototype, even one a frame named __proto__', () => {
    const data: unknown = JSON.parse('{"__proto__":{"id":"p1"}}');
    expect(codes(validateMessage(success(data), legacy('in', 'produce')))).toEqual([
      'missing-field',
    ]);
    const inherited = Object.create({ id: 'p1' }) as unknown;
    expect(codes(validateMessage(success(inherited), legacy('in', 'produce')))).toEqual([
      'missing-field',
    ]);
  });

  it('survives null, arrays and numbers in place of the message and the context', () => {
    const bad: unknown[] = [
      null,
      undefined,
      7,
      'request',
      [],
      { kind: 'request' },
      { kind: 'nope' },
    ];
    for (const msg of bad) {
      for (const ctx of bad) {
        expect(() => validateMessage(msg as ProtooMessage, ctx as ValidationContext)).not.toThrow();
      }
    }
    expect(
      validateMessage(
        { kind: 'request', id: 1, method: 'produce', data: {} },
        { dialect: 'martian' as Dialect, dir: 'sideways' as WireDirection },
      ).length,
    ).toBeGreaterThan(0);
  });

  it('reports unreadable for data whose getters throw', () => {
    const data = {
      get transportId(): string {
        throw new Error('boom');
      },
    };
    const throwingProxy = new Proxy(
      {},
      {
        has: () => {
          throw new Error('trap');
        },
        get: () => {
          throw new Error('trap');
        },
        getOwnPropertyDescriptor: () => {
          throw new Error('trap');
        },
      },
    );
    expect(
      codes(validateMessage({ kind: 'request', id: 1, method: 'produce', data }, legacy('out'))),
    ).toEqual(['unreadable']);
    expect(
      codes(
        validateMessage(
          { kind: 'request', id: 1, method: 'produce', data: throwingProxy },
          fresh('out'),
        ),
      ),
    ).toEqual(['unreadable']);
  });
});

describe('VALIDATION_CODES', () => {
  it('describes every code the validator emits, in a sentence', () => {
    for (const [code, description] of Object.entries(VALIDATION_CODES)) {
      expect(code).toMatch(/^[a-z]+(-[a-z]+)*$/);
      expect(description.length).toBeGreaterThan(20);
      expect(description).toMatch(/\.$/);
    }
    expect(Object.isFrozen(VALIDATION_CODES)).toBe(true);
    expect(Object.keys(VALIDATION_CODES)).toEqual(
      expect.arrayContaining([
        'unknown-method',
        'missing-field',
        'wrong-type',
        'other-dialect-shape',
        'wrong-direction',
        'wrong-kind',
        'deprecated-method',
      ]),
    );
  });
});

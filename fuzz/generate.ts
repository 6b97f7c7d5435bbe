/**
 * A seeded, deterministic generator of hostile signaling traffic for the fuzz runs (issue 8
 * part 2). Nothing is downloaded and nothing is random between runs: the same seed and count
 * give the same events.
 *
 * It builds valid messages first — protoo requests, responses and notifications of every
 * catalog method in both mediasoup-demo dialects (src/protocol/catalog.ts, data built from the
 * method's shape), mesh and two-party room messages (src/protocol/rooms.ts) — and then mutates
 * most of them: random bytes (text and binary frames), JSON cut at a random point, deep nesting
 * (up to 100,000 levels), 10 MB strings, a wrong type in every field of every message shape,
 * reused ids, huge and odd numbers, unicode oddities. Socket opens, closes, errors, notes and
 * peer-connection events (with SDP, valid and mangled) are mixed in.
 *
 * Each event carries what the decoder must make of it (`expect`), so the fuzz test can check
 * that a broken frame is marked broken and a valid one is not.
 */
import { createRng, type Rng } from '../fixtures/build/random.ts';
import { endpoint, sdpOf } from '../fixtures/build/room-sdp.ts';
import {
  catalogEntries,
  valueTypes,
  type FieldSpec,
  type MethodEntry,
  type ShapeSpec,
} from '../src/protocol/catalog.ts';
import type { EventInput } from '../src/session/events.ts';

/** What the decoder must make of a frame. */
export type Expect =
  /** A valid message of its connection's protocol: not `invalid`. */
  | 'valid'
  /** Broken: `invalid` with a reason (text frames), or `binary`. */
  | 'invalid'
  /** Either: a mutation that may or may not keep the message valid. */
  | 'any';

export type Mutation =
  | 'valid'
  | 'random-text'
  | 'random-binary'
  | 'truncated'
  | 'deep-nesting'
  | 'huge-string'
  | 'wrong-type'
  | 'reused-id'
  | 'huge-number'
  | 'unicode'
  | 'not-frame';

export interface FuzzEvent {
  readonly event: EventInput;
  readonly mutation: Mutation;
  readonly expect: Expect;
}

export interface FuzzOptions {
  /** How many `ws.frame` events (other events come on top). */
  readonly frames: number;
  readonly seed?: string;
  /** How many frames carry a 10 MB string (default: one per 20,000 frames, at least 1). */
  readonly hugeStrings?: number;
  /** How many frames nest 100,000 levels deep (default: one per 10,000 frames, at least 1). */
  readonly deepest?: number;
}

/** The six JSON types put in place of every field: null, number, string, array, object, boolean. */
export const WRONG_VALUES: readonly unknown[] = Object.freeze([
  null,
  7,
  'wrong',
  [1, 'x'],
  { wrong: true },
  true,
]);

/** Numbers a decoder may mishandle (as JSON text: `1e400` parses to Infinity). */
const ODD_NUMBERS: readonly string[] = [
  '1e308',
  '-1e308',
  '1e400',
  '-0',
  '9007199254740993',
  '-9007199254740993',
  '0.5',
  '-1',
  '1e-400',
  '"NaN"',
  '"Infinity"',
  '"-0"',
  '"1e308"',
  '18446744073709551616',
];

/** Strings a view may mishandle: lone surrogates, direction overrides, NUL, BOM, separators. */
export const ODD_STRINGS: readonly string[] = [
  '\ud800',
  'a\udc00b',
  '\udfff\ud800',
  '\u202eevil\u202c',
  '\u2066rtl\u2069\u200f',
  'nul\u0000byte',
  '\ufeffbom',
  'line\u2028sep\u2029para',
  '\u0007\u001b[31mansi',
  '𝒻𝓊𝓏𝓏 🧪‍🔥',
  'e\u0301\u0301\u0301\u0301',
  '',
  ' ',
  '__proto__',
  'constructor',
  '<img src=x onerror=alert(1)>',
  '%s%n%x',
  '../../etc/passwd',
  'x'.repeat(5000),
];

export const CONN = {
  legacy: 'fz-legacy',
  new: 'fz-new',
  mesh: 'fz-mesh',
  twoParty: 'fz-two',
} as const;

const URLS: Readonly<Record<string, string>> = {
  [CONN.legacy]: 'wss://127.0.0.1:4443/?roomId=fuzz&peerId=fuzz-legacy',
  [CONN.new]: 'wss://127.0.0.1:4443/?roomId=fuzz&peerId=fuzz-new&dialect=new',
  [CONN.mesh]: 'ws://127.0.0.1:4443/mesh?roomId=fuzz',
  [CONN.twoParty]: 'ws://127.0.0.1:4443/two-party',
};

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

// ── valid values from the catalog's shapes ────────────────────────────────────

function stringFor(name: string, rng: Rng): string {
  if (/id$/i.test(name)) return rng.uuid();
  if (/sdp/i.test(name)) return sdpOf('offer', endpoint(rng));
  if (rng.chance(0.1)) return rng.pick(ODD_STRINGS);
  return rng.string(rng.int(1, 12));
}

function valueOf(spec: ShapeSpec, name: string, rng: Rng, depth = 0): Json {
  const types = valueTypes(spec.type);
  const type = types[0] === 'any' || types.length === 0 ? 'object' : rng.pick(types);
  switch (type) {
    case 'string':
      return spec.values && spec.values.length > 0 ? rng.pick(spec.values) : stringFor(name, rng);
    case 'number':
      return rng.range(0, 1000);
    case 'integer':
      return rng.int(0, 100_000);
    case 'boolean':
      return rng.chance(0.5);
    case 'null':
      return null;
    case 'array': {
      if (!spec.items || depth > 6) return [];
      const items: Json[] = [];
      const n = rng.int(0, 3);
      for (let k = 0; k < n; k++) items.push(valueOf(spec.items, name, rng, depth + 1));
      return items;
    }
    default: {
      const out: JsonObject = {};
      for (const f of spec.fields ?? []) {
        if (f.optional && rng.chance(0.5)) continue;
        out[f.name] = valueOf(f, f.name, rng, depth + 1);
      }
      return out;
    }
  }
}

/** Every field path of a shape (objects' fields, arrays' first item), depth first. */
function fieldPaths(
  spec: ShapeSpec,
  prefix: readonly (string | number)[] = [],
): (string | number)[][] {
  const out: (string | number)[][] = [];
  const walk = (s: ShapeSpec, path: readonly (string | number)[], depth: number) => {
    if (depth > 8) return;
    for (const f of s.fields ?? ([] as readonly FieldSpec[])) {
      const p = [...path, f.name];
      out.push(p);
      walk(f, p, depth + 1);
    }
    if (s.items) {
      const p = [...path, 0];
      out.push(p);
      walk(s.items, p, depth + 1);
    }
  };
  walk(spec, prefix, 0);
  return out;
}

/** Sets `value` at `path`, creating objects / arrays on the way (so every path exists). */
function setAt(root: JsonObject, path: readonly (string | number)[], value: Json): void {
  let node: Json = root;
  for (let k = 0; k < path.length - 1; k++) {
    const key = path[k];
    const nextKey = path[k + 1];
    if (key === undefined) return;
    const container = node as { [key: string]: Json } & Json[];
    let child: Json | undefined = container[key as never];
    if (typeof child !== 'object' || child === null) {
      child = typeof nextKey === 'number' ? [] : {};
      container[key as never] = child;
    }
    node = child;
  }
  const last = path[path.length - 1];
  if (last === undefined) return;
  (node as { [key: string]: Json })[last as never] = value;
}

// ── the message shapes ────────────────────────────────────────────────────────

type ShapeKind = 'request' | 'success' | 'error' | 'notification' | 'room';

/** One message shape: builds a valid message; its field paths get the wrong types. */
interface Shape {
  readonly name: string;
  readonly kind: ShapeKind;
  readonly conn: string;
  /** Direction of the message on `conn`. */
  readonly dir: 'in' | 'out';
  readonly build: (rng: Rng, id: number) => JsonObject;
  readonly paths: readonly (readonly (string | number)[])[];
}

function protooShapes(): Shape[] {
  const shapes: Shape[] = [];
  for (const entry of catalogEntries()) {
    const conn = entry.dialect === 'legacy' ? CONN.legacy : CONN.new;
    const dir = entry.direction === 'c2s' ? 'out' : 'in';
    const back = dir === 'out' ? 'in' : 'out';
    const dataPaths = fieldPaths(entry.data, ['data']);
    if (entry.kind === 'notification') {
      shapes.push({
        name: entry.id,
        kind: 'notification',
        conn,
        dir,
        build: (rng) => ({
          notification: true,
          method: entry.method,
          data: valueOf(entry.data, 'data', rng),
        }),
        paths: [['notification'], ['method'], ['data'], ...dataPaths],
      });
      continue;
    }
    shapes.push({
      name: entry.id,
      kind: 'request',
      conn,
      dir,
      build: (rng, id) => ({
        request: true,
        id,
        method: entry.method,
        data: valueOf(entry.data, 'data', rng),
      }),
      paths: [['request'], ['id'], ['method'], ['data'], ...dataPaths],
    });
    shapes.push(successShape(entry, conn, back));
    shapes.push({
      name: `${entry.id} error`,
      kind: 'error',
      conn,
      dir: back,
      build: (rng, id) => {
        const known = entry.errors.length > 0 ? rng.pick(entry.errors) : undefined;
        return {
          response: true,
          id,
          ok: false,
          errorCode: known?.code ?? 500,
          errorReason: known?.reason ?? rng.pick(['boom', ...ODD_STRINGS.slice(0, 8)]),
        };
      },
      paths: [['response'], ['id'], ['ok'], ['errorCode'], ['errorReason']],
    });
  }
  return shapes;
}

function successShape(entry: MethodEntry, conn: string, dir: 'in' | 'out'): Shape {
  const response = entry.response ?? { type: 'object' };
  return {
    name: `${entry.id} response`,
    kind: 'success',
    conn,
    dir,
    build: (rng, id) => ({ response: true, id, ok: true, data: valueOf(response, 'data', rng) }),
    paths: [['response'], ['id'], ['ok'], ['data'], ...fieldPaths(response, ['data'])],
  };
}

const DESCRIPTION_PATHS = [['description'], ['description', 'type'], ['description', 'sdp']];
const CANDIDATE_PATHS = [
  ['candidate'],
  ['candidate', 'candidate'],
  ['candidate', 'sdpMid'],
  ['candidate', 'sdpMLineIndex'],
  ['candidate', 'usernameFragment'],
];

function candidate(rng: Rng): JsonObject {
  return {
    candidate: `candidate:${rng.int(1, 1e9)} 1 udp 2122260223 192.0.2.${rng.int(1, 254)} ${rng.int(1024, 65535)} typ host generation 0`,
    sdpMid: '0',
    sdpMLineIndex: 0,
    usernameFragment: rng.string(4),
  };
}

function roomShapes(): Shape[] {
  const m = CONN.mesh;
  const t = CONN.twoParty;
  const peer = (rng: Rng): Json => (rng.chance(0.7) ? rng.int(1, 6) : String(rng.int(1, 6)));
  const description = (rng: Rng): JsonObject => {
    const type = rng.pick(['offer', 'answer'] as const);
    return { type, sdp: sdpOf(type, endpoint(rng)) };
  };
  return [
    {
      name: 'mesh welcome',
      kind: 'room',
      conn: m,
      dir: 'in',
      build: (rng) => ({ type: 'welcome', id: peer(rng), online: [peer(rng), peer(rng)] }),
      paths: [['type'], ['id'], ['online'], ['online', 0]],
    },
    {
      name: 'mesh online',
      kind: 'room',
      conn: m,
      dir: 'in',
      build: (rng) => ({ type: 'online', id: peer(rng) }),
      paths: [['type'], ['id']],
    },
    {
      name: 'mesh offline',
      kind: 'room',
      conn: m,
      dir: 'in',
      build: (rng) => ({ type: 'offline', id: peer(rng) }),
      paths: [['type'], ['id']],
    },
    {
      name: 'mesh signal out (description)',
      kind: 'room',
      conn: m,
      dir: 'out',
      build: (rng) => ({ type: 'signal', to: peer(rng), description: description(rng) }),
      paths: [['type'], ['to'], ...DESCRIPTION_PATHS],
    },
    {
      name: 'mesh signal out (candidate)',
      kind: 'room',
      conn: m,
      dir: 'out',
      build: (rng) => ({ type: 'signal', to: peer(rng), candidate: candidate(rng) }),
      paths: [['type'], ['to'], ...CANDIDATE_PATHS],
    },
    {
      name: 'mesh signal in (description)',
      kind: 'room',
      conn: m,
      dir: 'in',
      build: (rng) => ({
        type: 'signal',
        from: peer(rng),
        to: peer(rng),
        description: description(rng),
      }),
      paths: [['type'], ['from'], ['to'], ...DESCRIPTION_PATHS],
    },
    {
      name: 'mesh signal in (candidate)',
      kind: 'room',
      conn: m,
      dir: 'in',
      build: (rng) => ({
        type: 'signal',
        from: peer(rng),
        to: peer(rng),
        candidate: candidate(rng),
      }),
      paths: [['type'], ['from'], ['to'], ...CANDIDATE_PATHS],
    },
    {
      name: 'two-party create or join',
      kind: 'room',
      conn: t,
      dir: 'out',
      build: (rng) => ({ type: 'create or join', room: rng.string(5) }),
      paths: [['type'], ['room']],
    },
    ...(['created', 'joined'] as const).map((type): Shape => ({
      name: `two-party ${type}`,
      kind: 'room',
      conn: t,
      dir: 'in',
      build: (rng) => ({ type, room: rng.string(5), id: rng.string(8) }),
      paths: [['type'], ['room'], ['id']],
    })),
    ...(['full', 'join'] as const).map((type): Shape => ({
      name: `two-party ${type}`,
      kind: 'room',
      conn: t,
      dir: 'in',
      build: (rng) => ({ type, room: rng.string(5) }),
      paths: [['type'], ['room']],
    })),
    {
      name: 'two-party ready',
      kind: 'room',
      conn: t,
      dir: 'in',
      build: () => ({ type: 'ready' }),
      paths: [['type']],
    },
    ...(['out', 'in'] as const).map((dir): Shape => ({
      name: `two-party message ${dir}`,
      kind: 'room',
      conn: t,
      dir,
      build: (rng) => {
        const k = rng.int(0, 4);
        const message: Json =
          k === 0
            ? 'got user media'
            : k === 1
              ? 'bye'
              : k === 2
                ? {
                    type: 'candidate',
                    label: 0,
                    id: '0',
                    candidate: `candidate:${rng.int(1, 1e9)} 1 udp 2122260223 192.0.2.1 9 typ host`,
                  }
                : description(rng);
        return { type: 'message', message };
      },
      paths: [['type'], ['message'], ['message', 'type'], ['message', 'sdp']],
    })),
  ];
}

let shapesCache: readonly Shape[] | undefined;

/** Every message shape: the catalog's (both dialects) and the room protocols'. */
export function messageShapes(): readonly Shape[] {
  shapesCache ??= [...protooShapes(), ...roomShapes()];
  return shapesCache;
}

/** How many (shape, field, wrong type) cases there are: each is generated at least once per cycle. */
export function wrongTypeCaseCount(): number {
  return messageShapes().reduce((n, s) => n + s.paths.length * WRONG_VALUES.length, 0);
}

// ── mutations ──────────────────────────────────────────────────────────────────

function randomText(rng: Rng): string {
  const n = rng.int(0, 200);
  let s = '';
  for (let k = 0; k < n; k++) {
    const r = rng.next();
    // Mostly JSON punctuation and ASCII, some of everything else (lone surrogates included).
    s +=
      r < 0.3
        ? rng.pick(['{', '}', '[', ']', '"', ':', ',', '\\', 'true', 'null', '1e9', '-'])
        : r < 0.8
          ? String.fromCharCode(rng.int(32, 126))
          : String.fromCharCode(rng.int(0, 0xffff));
  }
  return s;
}

function randomBase64(rng: Rng): string {
  const bytes = new Uint8Array(rng.int(0, 300));
  for (let k = 0; k < bytes.length; k++) bytes[k] = rng.int(0, 255);
  return Buffer.from(bytes).toString('base64');
}

/** Nesting `depth` levels of arrays or objects, as JSON text (built without recursion). */
function nested(depth: number, rng: Rng): string {
  if (rng.chance(0.5)) return '['.repeat(depth) + ']'.repeat(depth);
  return '{"a":'.repeat(depth) + '"token=deep"' + '}'.repeat(depth);
}

const MB10 = 10 * 1024 * 1024;

/** A protoo frame text with `data` replaced by raw JSON text. */
function withRawData(message: JsonObject, dataText: string): string {
  const { data: _data, ...rest } = message;
  const head = JSON.stringify(rest);
  return `${head.slice(0, -1)}${head.length > 2 ? ',' : ''}"data":${dataText}}`;
}

interface ConnState {
  nextId: number;
  /** Requests sent and not answered yet: id, shape of the answer, direction of the answer. */
  pending: { id: number; success: Shape; error: Shape }[];
  /** Ids answered, for responses to the same id twice. */
  answered: number[];
}

/**
 * The fuzz traffic: `frames` frames (and other events among them), deterministic for a seed.
 *
 * @example
 * for (const { event, expect } of fuzzEvents({ frames: 1000 })) log.append(event);
 */
export function* fuzzEvents(options: FuzzOptions): Generator<FuzzEvent> {
  const rng = createRng(options.seed ?? 'signalscope-fuzz');
  const total = options.frames;
  const hugeEvery = Math.max(
    1,
    Math.floor(total / Math.max(1, options.hugeStrings ?? Math.max(1, Math.round(total / 20_000)))),
  );
  const deepEvery = Math.max(
    1,
    Math.floor(total / Math.max(1, options.deepest ?? Math.max(1, Math.round(total / 10_000)))),
  );
  const shapes = messageShapes();
  const byKind = (kind: ShapeKind) => shapes.filter((s) => s.kind === kind);
  const requests = byKind('request');
  const notifications = byKind('notification');
  const rooms = byKind('room');
  const answerOf = new Map<Shape, { success: Shape; error: Shape }>();
  for (const r of requests) {
    const success = shapes.find((s) => s.name === `${r.name} response`);
    const error = shapes.find((s) => s.name === `${r.name} error`);
    if (success && error) answerOf.set(r, { success, error });
  }
  const wrongCases: { shape: Shape; path: readonly (string | number)[]; value: unknown }[] = [];
  for (const shape of shapes) {
    for (const path of shape.paths)
      for (const value of WRONG_VALUES) wrongCases.push({ shape, path, value });
  }
  let wrongNext = 0;

  const conns = new Map<string, ConnState>();
  for (const c of Object.values(CONN)) conns.set(c, { nextId: 1, pending: [], answered: [] });
  let t = 0;
  const tick = () => {
    t += rng.chance(0.001) ? rng.range(5000, 40_000) : rng.range(0, 5);
    // Now and then time goes back a little (merged sources).
    return rng.chance(0.001) ? Math.max(0, t - rng.range(1, 50)) : t;
  };
  const open = (conn: string): FuzzEvent => ({
    event: {
      t: tick(),
      type: 'ws.open',
      conn,
      url: URLS[conn] ?? '',
      ...(conn === CONN.legacy || conn === CONN.new ? { protocol: 'protoo' } : {}),
    },
    mutation: 'not-frame',
    expect: 'any',
  });
  const frame = (
    conn: string,
    dir: 'in' | 'out',
    body: { text: string } | { base64: string },
    mutation: Mutation,
    expect: Expect,
  ): FuzzEvent => ({
    event: { t: tick(), type: 'ws.frame', conn, dir, ...body },
    mutation,
    expect,
  });

  for (const c of Object.values(CONN)) yield open(c);

  /** A valid message of `shape` (a request gets a fresh id and is remembered). */
  const build = (shape: Shape): JsonObject => {
    const st = conns.get(shape.conn);
    if (!st) throw new Error(`no connection ${shape.conn}`);
    if (shape.kind === 'request') {
      const id = rng.chance(0.9) ? st.nextId++ : Math.round(rng.next() * 1e7);
      const answer = answerOf.get(shape);
      if (answer) st.pending.push({ id, ...answer });
      if (st.pending.length > 64) st.pending.shift();
      return shape.build(rng, id);
    }
    return shape.build(rng, 0);
  };

  /** Answers a pending request (or returns undefined). */
  const answer = (conn: string): { shape: Shape; message: JsonObject } | undefined => {
    const st = conns.get(conn);
    const p = st?.pending.shift();
    if (!st || !p) return undefined;
    st.answered.push(p.id);
    if (st.answered.length > 64) st.answered.shift();
    const shape = rng.chance(0.8) ? p.success : p.error;
    return { shape, message: shape.build(rng, p.id) };
  };

  for (let n = 0; n < total; n++) {
    // Other events now and then.
    if (rng.chance(0.01)) yield* otherEvents(rng, tick, open);

    const hostProtoo = rng.chance(0.5) ? CONN.legacy : CONN.new;
    if (n % hugeEvery === hugeEvery - 1) {
      const shape = rng.pick(notifications.filter((s) => s.conn === hostProtoo));
      const message = build(shape);
      const big = rng.chance(0.5) ? 'x'.repeat(MB10) : 'token=' + 'é'.repeat(MB10 / 2);
      yield frame(
        shape.conn,
        shape.dir,
        {
          text: JSON.stringify({
            ...message,
            data: { displayName: big, [rng.pick(['a', 'sdp'])]: big },
          }),
        },
        'huge-string',
        'valid',
      );
      continue;
    }
    if (n % deepEvery === deepEvery - 1) {
      const shape = rng.pick(requests.filter((s) => s.conn === hostProtoo));
      yield frame(
        shape.conn,
        shape.dir,
        { text: withRawData(build(shape), nested(100_000, rng)) },
        'deep-nesting',
        'valid',
      );
      continue;
    }

    const r = rng.next();
    if (r < 0.3) {
      // Valid: an answer to a pending request, a request, a notification or a room message.
      const q = rng.next();
      const conn = rng.chance(0.5) ? CONN.legacy : CONN.new;
      const a = q < 0.35 ? answer(conn) : undefined;
      if (a) {
        yield frame(
          a.shape.conn,
          a.shape.dir,
          { text: JSON.stringify(a.message) },
          'valid',
          'valid',
        );
        continue;
      }
      const shape =
        q < 0.6
          ? rng.pick(requests.filter((s) => s.conn === conn))
          : q < 0.8
            ? rng.pick(notifications.filter((s) => s.conn === conn))
            : rng.pick(rooms);
      yield frame(shape.conn, shape.dir, { text: JSON.stringify(build(shape)) }, 'valid', 'valid');
    } else if (r < 0.37) {
      const conn = rng.pick(Object.values(CONN));
      yield frame(
        conn,
        rng.chance(0.5) ? 'in' : 'out',
        { text: randomText(rng) },
        'random-text',
        'any',
      );
    } else if (r < 0.42) {
      const conn = rng.pick(Object.values(CONN));
      yield frame(
        conn,
        rng.chance(0.5) ? 'in' : 'out',
        { base64: randomBase64(rng) },
        'random-binary',
        'invalid',
      );
    } else if (r < 0.52) {
      const shape = rng.pick(shapes);
      const text = JSON.stringify(build(shape));
      // Any proper prefix of a JSON object is not JSON.
      const cut = rng.int(0, text.length - 1);
      yield frame(shape.conn, shape.dir, { text: text.slice(0, cut) }, 'truncated', 'invalid');
    } else if (r < 0.55) {
      const shape = rng.pick(requests);
      const depth = rng.int(10, 5000);
      yield frame(
        shape.conn,
        shape.dir,
        { text: withRawData(build(shape), nested(depth, rng)) },
        'deep-nesting',
        'valid',
      );
    } else if (r < 0.8) {
      const c = wrongCases[wrongNext++ % wrongCases.length];
      if (!c) continue;
      const message =
        c.shape.kind === 'success' || c.shape.kind === 'error'
          ? (answer(c.shape.conn)?.message ?? c.shape.build(rng, rng.int(1, 1e6)))
          : build(c.shape);
      setAt(message, c.path, c.value as Json);
      yield frame(
        c.shape.conn,
        c.shape.dir,
        { text: JSON.stringify(message) },
        'wrong-type',
        'any',
      );
    } else if (r < 0.88) {
      // Reused ids: a second answer to an answered id, a request reusing an id, an answer to nobody.
      const conn = rng.chance(0.5) ? CONN.legacy : CONN.new;
      const st = conns.get(conn);
      const q = rng.next();
      if (st && q < 0.4 && st.answered.length > 0) {
        const id = rng.pick(st.answered);
        yield frame(
          conn,
          rng.chance(0.5) ? 'in' : 'out',
          { text: JSON.stringify({ response: true, id, ok: rng.chance(0.5), data: {} }) },
          'reused-id',
          'valid',
        );
      } else if (st && q < 0.8) {
        const shape = rng.pick(requests.filter((s) => s.conn === conn));
        const id =
          st.answered.length > 0 && rng.chance(0.5)
            ? rng.pick(st.answered)
            : Math.max(1, st.nextId - 1);
        yield frame(
          conn,
          shape.dir,
          { text: JSON.stringify(shape.build(rng, id)) },
          'reused-id',
          'valid',
        );
      } else {
        yield frame(
          conn,
          rng.chance(0.5) ? 'in' : 'out',
          {
            text: JSON.stringify({ response: true, id: rng.int(1e7 + 1, 2e7), ok: true, data: {} }),
          },
          'reused-id',
          'valid',
        );
      }
    } else if (r < 0.94) {
      const shape = rng.pick([...requests, ...byKind('success'), ...byKind('error')]);
      const text = JSON.stringify(build(shape));
      const number = rng.pick(ODD_NUMBERS);
      // Put the odd number in place of the id, or of the first number in the frame.
      const replaced = rng.chance(0.6)
        ? text.replace(/"id":-?[\d.e+-]+/, `"id":${number}`)
        : text.replace(/(:)-?\d+(\.\d+)?([eE][+-]?\d+)?(?=[,}\]])/, `$1${number}`);
      yield frame(shape.conn, shape.dir, { text: replaced }, 'huge-number', 'any');
    } else {
      const shape = rng.pick(shapes);
      const message = build(shape);
      // An odd string in every string field of the frame's data, and maybe as the method.
      const odd = rng.pick(ODD_STRINGS);
      const text = JSON.stringify(message, (key, value: unknown) =>
        typeof value === 'string' && key !== 'type' && key !== 'method' ? odd : value,
      );
      const oddMethod =
        shape.kind === 'request' || shape.kind === 'notification' ? rng.chance(0.3) : false;
      yield frame(
        shape.conn,
        shape.dir,
        {
          text: oddMethod
            ? text.replace(/"method":"[^"]*"/, `"method":${JSON.stringify(odd)}`)
            : text,
        },
        'unicode',
        'any',
      );
    }
  }
}

const PC_EVENTS = [
  'create',
  'createOffer',
  'createOfferOnSuccess',
  'createOfferOnFailure',
  'setLocalDescription',
  'setLocalDescriptionOnFailure',
  'addIceCandidateOnFailure',
  'setRemoteDescription',
  'icecandidate',
  'addIceCandidate',
  'signalingstatechange',
  'iceconnectionstatechange',
  'connectionstatechange',
  'icegatheringstatechange',
  'negotiationneeded',
  'close',
  'nonsense',
];

/** A socket event, a note or a peer-connection event (its value valid or mangled). */
function* otherEvents(
  rng: Rng,
  tick: () => number,
  open: (conn: string) => FuzzEvent,
): Generator<FuzzEvent> {
  const conn = rng.pick(Object.values(CONN));
  const k = rng.int(0, 5);
  const not = (event: EventInput): FuzzEvent => ({ event, mutation: 'not-frame', expect: 'any' });
  if (k === 0) {
    yield not({
      t: tick(),
      type: 'ws.close',
      conn,
      code: rng.pick([1000, 1006, 4000, 1011, -1, 65536]),
      reason: rng.pick(ODD_STRINGS),
    });
    if (rng.chance(0.8)) yield open(conn);
  } else if (k === 1) {
    yield not({ t: tick(), type: 'ws.error', conn, message: rng.pick(ODD_STRINGS) });
  } else if (k === 2) {
    yield not({ t: tick(), type: 'note', text: rng.pick(ODD_STRINGS), conn });
  } else {
    const pc = rng.pick(['pc-1', 'pc-2', 'send-pc', rng.pick(ODD_STRINGS)]);
    const event = rng.pick(PC_EVENTS);
    const sdp = sdpOf(rng.pick(['offer', 'answer'] as const), endpoint(rng));
    const values: unknown[] = [
      { type: 'offer', sdp },
      { type: 'answer', sdp: sdp.slice(0, rng.int(0, sdp.length)) },
      { type: 7, sdp: null },
      rng.pick(['stable', 'have-local-offer', 'connected', 'failed', 'closed', 'bogus']),
      { candidate: 'candidate:x 1 udp', sdpMid: null, sdpMLineIndex: 'x' },
      rng.pick(WRONG_VALUES),
      deepObject(rng.int(10, 20_000)),
      rng.pick(ODD_STRINGS),
      { remotePeerId: rng.pick([1, '2', null, {}]) },
    ];
    yield not({ t: tick(), type: 'pc', pc, event, value: rng.pick(values), conn });
  }
}

/** `{a:{a:{…}}}` `depth` levels deep, built without recursion. */
function deepObject(depth: number): unknown {
  let v: unknown = { password: 'deep-secret' };
  for (let k = 0; k < depth; k++) v = { a: v };
  return v;
}

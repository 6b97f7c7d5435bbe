import { describe, expect, it } from 'vitest';
import {
  INITIAL_ROOM,
  reduceRoom,
  roomFromJSON,
  type MediasoupClientEvent,
  type RoomModel,
  type RoomModelJSON,
} from './mediasoupClientMachine.context.ts';
import {
  emptyTable,
  entriesOf,
  entry,
  forEachUnordered,
  isTable,
  keysOf,
  mapAll,
  put,
  recordOf,
  sizeOf,
  tableOf,
  update,
  valuesOf,
  without,
  type Table,
} from './mediasoupClientMachine.tables.ts';

/** A deterministic generator (xorshift32), so a failure replays. */
function rng(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    return x / 2 ** 32;
  };
}

/** What the tables replaced, a plain record (own keys, any name), changed in place here. */
function plainPut<T>(record: Record<string, T>, key: string, value: T): void {
  Object.defineProperty(record, key, {
    value,
    enumerable: true,
    writable: true,
    configurable: true,
  });
}

describe('Table: the helpers', () => {
  it('put, entry, update and without leave the table they were given unchanged', () => {
    const a = put(put(emptyTable<number>(), 'x', 1), 'y', 2);
    const b = put(a, 'x', 10);
    const c = without(b, 'y');
    const d = update(c, 'x', (v) => v + 1);
    expect(recordOf(a)).toEqual({ x: 1, y: 2 });
    expect(recordOf(b)).toEqual({ x: 10, y: 2 });
    expect(recordOf(c)).toEqual({ x: 10 });
    expect(recordOf(d)).toEqual({ x: 11 });
    expect([a, b, c, d].map(sizeOf)).toEqual([2, 2, 1, 1]);
    expect(entry(a, 'x')).toBe(1);
    expect(entry(d, 'y')).toBeUndefined();
    expect(Object.isFrozen(d)).toBe(true);
  });

  it('update and without return the table itself when there is nothing to change', () => {
    const t = tableOf({ a: 1 });
    expect(update(t, null, (v) => v + 1)).toBe(t);
    expect(update(t, 'b', (v) => v + 1)).toBe(t);
    expect(without(t, 'b')).toBe(t);
    expect(put(t, 'a', 1)).toBe(t);
    expect(mapAll(t, (v) => v)).toBe(t);
  });

  it('ids named like Object.prototype members are plain entries', () => {
    let t = emptyTable<string>();
    for (const key of ['__proto__', 'toString', 'constructor', 'hasOwnProperty']) {
      expect(entry(t, key)).toBeUndefined();
      t = put(t, key, key.toUpperCase());
    }
    expect(entry(t, '__proto__')).toBe('__PROTO__');
    const record = recordOf(t);
    expect(Object.getPrototypeOf(record)).toBe(Object.prototype);
    expect(Object.keys(record)).toEqual(['__proto__', 'toString', 'constructor', 'hasOwnProperty']);
    expect(JSON.stringify(t)).toBe(
      '{"__proto__":"__PROTO__","toString":"TOSTRING","constructor":"CONSTRUCTOR","hasOwnProperty":"HASOWNPROPERTY"}',
    );
    expect(keysOf(without(t, '__proto__'))).toEqual(['toString', 'constructor', 'hasOwnProperty']);
  });

  it('mapAll keeps the order and leaves the table it was given as it was', () => {
    const t = tableOf(Object.fromEntries(Array.from({ length: 500 }, (_, i) => [`k${i}`, i])));
    const odd = mapAll(t, (v) => (v % 2 === 1 ? -v : v));
    expect(keysOf(odd)).toEqual(keysOf(t));
    expect(valuesOf(odd).slice(0, 4)).toEqual([0, -1, 2, -3]);
    expect(valuesOf(t).slice(0, 4)).toEqual([0, 1, 2, 3]);
  });

  it('valuesOf, keysOf and entriesOf give fresh arrays (callers sort them)', () => {
    const t = tableOf({ b: 2, a: 1 });
    const values = valuesOf(t);
    values.sort((x, y) => x - y);
    expect(values).toEqual([1, 2]);
    expect(valuesOf(t)).toEqual([2, 1]);
    expect(entriesOf(t)).toEqual([
      ['b', 2],
      ['a', 1],
    ]);
  });

  it('forEachUnordered visits every entry once', () => {
    const t = tableOf(Object.fromEntries(Array.from({ length: 300 }, (_, i) => [`id-${i}`, i])));
    const seen: number[] = [];
    forEachUnordered(t, (v, k) => {
      expect(k).toBe(`id-${v}`);
      seen.push(v);
    });
    expect(seen.sort((a, b) => a - b)).toEqual(Array.from({ length: 300 }, (_, i) => i));
  });

  it('tableOf takes a record or pairs; isTable tells a table from a record', () => {
    const pairs: [string, number][] = [
      ['x', 1],
      ['y', 2],
    ];
    expect(recordOf(tableOf(pairs))).toEqual({ x: 1, y: 2 });
    expect(isTable(tableOf(pairs))).toBe(true);
    expect(isTable({ x: 1 })).toBe(false);
  });

  it('compares in tests by content and order, never vacuously', () => {
    const a = without(put(tableOf({ a: 1, b: 2, c: 3 }), 'd', 4), 'c');
    const b = tableOf({ a: 1, b: 2, d: 4 });
    expect(a).toEqual(b);
    expect(a).not.toEqual(tableOf({ a: 1, b: 2, d: 5 }));
    expect(a).not.toEqual(tableOf({ b: 2, a: 1, d: 4 }));
    expect(emptyTable()).not.toEqual({});
    expect(a).not.toEqual({ a: 1, b: 2, d: 4 });
  });
});

describe('Table: the order and content of a plain record, whatever the operations', () => {
  it.each([1, 2, 3])('random puts, removals and updates (seed %i)', (seed) => {
    const random = rng(seed * 7919);
    const pool = [
      ...Array.from({ length: 1500 }, (_, i) => `consumer-${i.toString(36)}`),
      ...Array.from({ length: 200 }, (_, i) => String(i * 37)),
      ...['0', '007', '-1', '1.5', '4294967294', '4294967295', '1e3', ''],
      ...['__proto__', 'toString', 'constructor', 'valueOf'],
    ];
    let table = emptyTable<number>();
    const plain: Record<string, number> = {};
    let size = 0;
    const kept: [Table<number>, string][] = [];
    const wrong: string[] = [];
    for (let step = 0; step < 6000; step++) {
      const key = pool[Math.floor(random() * pool.length)] ?? '';
      const had = Object.hasOwn(plain, key);
      const roll = random();
      if (roll < 0.6) {
        table = put(table, key, step);
        plainPut(plain, key, step);
        if (!had) size++;
      } else if (roll < 0.85) {
        table = without(table, key);
        Reflect.deleteProperty(plain, key);
        if (had) size--;
      } else {
        table = update(table, key, (v) => v + 0.5);
        if (had) plainPut(plain, key, (plain[key] ?? 0) + 0.5);
      }
      if (step % 250 === 0) {
        expect(keysOf(table)).toEqual(Object.keys(plain));
        expect(valuesOf(table)).toEqual(Object.values(plain));
        kept.push([table, JSON.stringify(plain)]);
      }
      const expected = Object.hasOwn(plain, key) ? plain[key] : undefined;
      if (entry(table, key) !== expected || sizeOf(table) !== size) wrong.push(`${step} ${key}`);
    }
    expect(wrong).toEqual([]);
    expect(JSON.stringify(table)).toBe(JSON.stringify(plain));
    expect(sizeOf(table)).toBeGreaterThan(600);
    // every earlier table is as it was when it was made
    for (const [t, json] of kept) expect(JSON.stringify(t)).toBe(json);
  });
});

describe('roomFromJSON', () => {
  it('gives back the room model JSON wrote', () => {
    const events: MediasoupClientEvent[] = [
      { type: 'ws.open' },
      { type: 'ms.request', id: 1, method: 'join', data: { displayName: 'A' }, seq: 1, t: 0 },
      { type: 'ms.response', id: 1, ok: true, data: { peers: [{ id: 'p1' }] }, seq: 2 },
      { type: 'ms.request', id: 2, method: 'createWebRtcTransport', data: {}, seq: 3, t: 1 },
      {
        type: 'ms.serverRequest',
        id: 7,
        method: 'newConsumer',
        data: { id: 'c1', producerId: 'x', peerId: 'p1', kind: 'audio' },
        seq: 4,
        t: 2,
      },
      { type: 'pc.event', pc: 'send-pc', event: 'createOffer', seq: 5 },
    ];
    const room = events.reduce<RoomModel>((r, e) => reduceRoom(r, e), INITIAL_ROOM);
    expect(sizeOf(room.pending)).toBe(1);
    const json = JSON.parse(JSON.stringify(room)) as RoomModelJSON;
    expect(json.consumers.c1?.state).toBe('offered');
    const back = roomFromJSON(json);
    expect(back).toEqual(room);
    expect(roomFromJSON(JSON.parse(JSON.stringify(INITIAL_ROOM)) as RoomModelJSON)).toEqual(
      INITIAL_ROOM,
    );
  });
});

import { describe, expect, it } from 'vitest';
import { stringifyJson } from './json.ts';

function deepArrays(depth: number): unknown {
  return JSON.parse('['.repeat(depth) + '1' + ']'.repeat(depth));
}

describe('stringifyJson()', () => {
  it('gives what JSON.stringify gives for ordinary values', () => {
    const values: unknown[] = [
      { a: [1, 'x', null, true, { b: undefined, c: -0 }], d: Number.NaN, e: '\ud800\u202e' },
      [undefined, () => 1, Symbol('s')],
      'text',
      1e308,
      null,
      { date: new Date(0), nested: { toJSON: () => 'custom' } },
      {},
      [],
    ];
    for (const v of values) expect(stringifyJson(v)).toBe(JSON.stringify(v));
    expect(stringifyJson({ a: [1] }, 2)).toBe(JSON.stringify({ a: [1] }, null, 2));
    expect(stringifyJson(undefined)).toBeUndefined();
  });

  it('writes values nested 100,000 levels deep, where JSON.stringify overflows the stack', () => {
    const arrays = deepArrays(100_000);
    expect(() => JSON.stringify(arrays)).toThrow(RangeError);
    expect(stringifyJson(arrays)).toBe('['.repeat(100_000) + '1' + ']'.repeat(100_000));

    let objects: unknown = { leaf: [undefined, 'x'], skip: undefined };
    for (let k = 0; k < 100_000; k++) objects = { a: objects, n: k === 0 ? -0 : k };
    const text = stringifyJson(objects) ?? '';
    expect(text.startsWith('{"a":{"a":')).toBe(true);
    expect(text).toContain('{"leaf":[null,"x"]}');
    // What it wrote reads back as the same value.
    let back = JSON.parse(text) as { a?: unknown; n: number };
    for (let k = 0; k < 99_999; k++) back = back.a as { a?: unknown; n: number };
    expect(back).toEqual({ a: { leaf: [null, 'x'] }, n: 0 });
  });

  it('still refuses a cycle and a BigInt, as JSON.stringify does', () => {
    const cycle: Record<string, unknown> = {};
    cycle.self = cycle;
    expect(() => stringifyJson(cycle)).toThrow(TypeError);
    expect(() => stringifyJson({ n: 1n })).toThrow(TypeError);
  });
});

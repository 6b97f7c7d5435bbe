/**
 * The fuzz run inside the test command, at 10,000 frames (a seeded subset of `npm run fuzz`,
 * which runs 100,000): generated and mutated frames through the whole pipeline
 * (./pipeline.ts). Nothing may escape, every frame must be in the log, the counts must add
 * up, and every broken frame must be marked broken with a reason.
 */
import { describe, expect, it } from 'vitest';
import { stringifyJson } from '../src/session/json.ts';
import { fuzzEvents, messageShapes, wrongTypeCaseCount, type Mutation } from './generate.ts';
import { countsAddUp, runPipeline } from './pipeline.ts';

const FRAMES = 10_000;

describe('fuzz: 10,000 generated and mutated frames through the pipeline', () => {
  it('the generator is deterministic for a seed', () => {
    const first = (seed: string) =>
      stringifyJson([...take(fuzzEvents({ frames: 300, seed }), 300)].map((e) => e.event));
    expect(first('a')).toBe(first('a'));
    expect(first('a')).not.toBe(first('b'));
    expect(messageShapes().length).toBeGreaterThan(100);
    expect(wrongTypeCaseCount()).toBeGreaterThan(5000);
  });

  it('nothing escapes, nothing is lost, counts add up, broken frames say why', () => {
    const report = runPipeline(
      fuzzEvents({ frames: FRAMES, seed: 'ci', hugeStrings: 1, deepest: 1 }),
      { slice: 4096 },
    );
    expect(report.failures).toEqual([]);
    expect(report.frames).toBe(FRAMES);
    expect(report.summary?.frames).toBe(FRAMES);
    expect(countsAddUp(report)).toEqual([]);
    expect(report.mismatches).toEqual([]);
    expect(report.invalidWithoutReason).toBe(0);
    expect(report.roundTripLost).toBe(0);
    const mutations: Mutation[] = [
      'valid',
      'random-text',
      'random-binary',
      'truncated',
      'deep-nesting',
      'huge-string',
      'wrong-type',
      'reused-id',
      'huge-number',
      'unicode',
      'not-frame',
    ];
    for (const m of mutations) expect(report.byMutation[m], m).toBeGreaterThan(0);
    // Broken frames are a large share, and so are valid messages of every kind.
    for (const k of ['request', 'success', 'error', 'notification', 'invalid', 'binary', 'room']) {
      expect(report.byKind[k], k).toBeGreaterThan(100);
    }
    expect(report.findings).toBeGreaterThan(0);
    expect(report.machines).toBeGreaterThan(0);
  }, 120_000);
});

function* take<T>(items: Iterable<T>, n: number): Generator<T> {
  if (n <= 0) return;
  let k = 0;
  for (const item of items) {
    yield item;
    if (++k >= n) return;
  }
}

/**
 * Keeps the benchmarks from rotting: each script runs at a tiny size (BENCH_SCALE=0.001) and
 * must end with one JSON line carrying its figures. The figures themselves are not checked
 * against the targets here; `npm run bench` does that at full size.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { nodeBinary } from './lib/report.ts';

const run = promisify(execFile);
const here = (path: string): string => fileURLToPath(new URL(path, import.meta.url));
const TINY = { ...process.env, BENCH_SCALE: '0.001', BENCH_REPEATS: '2' };

async function lastJsonLine(args: string[]): Promise<Record<string, unknown>> {
  const { stdout } = await run(nodeBinary(), args, { env: TINY, timeout: 60_000 });
  const last = stdout.trimEnd().split('\n').at(-1) ?? '';
  const figures: unknown = JSON.parse(last);
  expect(typeof figures).toBe('object');
  return figures as Record<string, unknown>;
}

function expectNumbers(figures: Record<string, unknown>, keys: readonly string[]): void {
  for (const key of keys) {
    expect(figures, key).toHaveProperty(key);
    expect(Number.isFinite(figures[key]), `${key} is a finite number`).toBe(true);
  }
}

describe('benchmarks at a tiny size', () => {
  it('decode-correlate ends with its figures as one JSON line', async () => {
    const figures = await lastJsonLine(['--expose-gc', here('./decode-correlate.ts')]);
    expect(figures.bench).toBe('decode-correlate');
    expectNumbers(figures, [
      'frames',
      'events',
      'jsonParseMs',
      'decodeCorrelateMs',
      'fullAnalysisMs',
      'ratio',
      'fullAnalysisRatio',
      'jsonParseFramesPerSec',
      'decodeCorrelateFramesPerSec',
      'fullAnalysisFramesPerSec',
      'target',
    ]);
    expect(figures.frames).toBe(1000);
    expect(figures.target).toBe(2);
    expect(typeof figures.pass).toBe('boolean');
    expect(['fixtures', 'generated']).toContain(figures.mix);
  }, 60_000);

  it('read-capture ends with its figures as one JSON line and deletes its temp file', async () => {
    const figures = await lastJsonLine([here('./read-capture.ts')]);
    expect(figures.bench).toBe('read-capture');
    expectNumbers(figures, [
      'fileBytes',
      'events',
      'readMs',
      'mbPerSec',
      'peakRssBytes',
      'peakRssOverBaseline',
      'ratio',
      'target',
      'analysisMs',
      'analysisRetainedHeapBytes',
    ]);
    expect(figures.target).toBe(3);
    expect(figures.errors).toBe(0);
    expect(figures.bytesRead).toBe(figures.fileBytes);
    expect(typeof figures.pass).toBe('boolean');
    expect(typeof figures.file).toBe('string');
    expect(existsSync(figures.file as string)).toBe(false);
  }, 60_000);

  it('machine-stepper ends with its figures as one JSON line', async () => {
    const figures = await lastJsonLine([here('./machine-stepper.ts')]);
    expect(figures.bench).toBe('machine-stepper');
    expectNumbers(figures, [
      'events',
      'checkpoints',
      'buildMs',
      'snapshotAtP50Ms',
      'snapshotAtP95Ms',
      'snapshotAtMaxMs',
      'target',
    ]);
    expect(figures.events).toBe(1000);
    expect(figures.target).toBe(50);
    expect(typeof figures.pass).toBe('boolean');
  }, 60_000);

  it('run.mjs runs them all and ends with one JSON line combining their figures', async () => {
    const figures = await lastJsonLine([here('./run.mjs')]);
    expect(figures.bench).toBe('all');
    const results = figures.results as Record<string, Record<string, unknown>>;
    expect(Object.keys(results).sort()).toEqual([
      'decode-correlate',
      'machine-stepper',
      'read-capture',
    ]);
    expect(results).toHaveProperty(['decode-correlate', 'bench'], 'decode-correlate');
    expect(results).toHaveProperty(['read-capture', 'bench'], 'read-capture');
    expect(typeof figures.pass).toBe('boolean');
  }, 120_000);
});

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

async function lastJsonLine(args: string[], timeout = 60_000): Promise<Record<string, unknown>> {
  const { stdout } = await run(nodeBinary(), args, { env: TINY, timeout });
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

  it('simulate-mesh ends with its figures and checks the mesh with the inspector machines', async () => {
    const figures = await lastJsonLine([here('./simulate-mesh.ts')]);
    expect(figures.bench).toBe('simulate-mesh');
    expect(figures.peers).toBe(4);
    expect(figures.connections).toBe(6);
    expectNumbers(figures, ['steps', 'events', 'explainedMs', 'headlessMs']);
    expect(figures.allConnected).toBe(true);
    expect(typeof figures.pass).toBe('boolean');
  }, 60_000);

  it("machine-stepper ends with every machine's figures as one JSON line", async () => {
    const figures = await lastJsonLine([here('./machine-stepper.ts')]);
    expect(figures.bench).toBe('machine-stepper');
    expectNumbers(figures, ['indexes', 'lookups', 'target', 'buildMsTotal', 'snapshotAtMaxMs']);
    expect(figures.indexes).toBe(1000);
    expect(figures.target).toBe(50);
    expect(typeof figures.pass).toBe('boolean');
    const machines = figures.machines as Record<string, Record<string, unknown>>;
    expect(Object.keys(machines)).toEqual([
      'protooPeer',
      'peerConnection',
      'negotiation',
      'mediasoupClient',
      'meshRoom',
      'twoPartyRoom',
    ]);
    let worst = -Infinity;
    for (const [name, m] of Object.entries(machines)) {
      expectNumbers(m, [
        'indexes',
        'every',
        'checkpoints',
        'genMs',
        'buildMs',
        'transitions',
        'snapshotAtP50Ms',
        'snapshotAtP95Ms',
        'snapshotAtMaxMs',
      ]);
      expect(m.indexes, name).toBe(1000);
      expect(m.checkpoints, name).toBe(Math.ceil(1000 / (m.every as number)));
      expect(m.transitions as number, name).toBeGreaterThan(0);
      expect(m.pass, name).toBe((m.snapshotAtMaxMs as number) < 50);
      worst = Math.max(worst, m.snapshotAtMaxMs as number);
    }
    expect(figures.snapshotAtMaxMs).toBe(worst);
    expect(figures.pass).toBe(Object.values(machines).every((m) => m.pass === true));
    // The streams stay in legal traffic: the machines record no problem, mismatch or decision
    // of code that does not follow the protocol.
    expect(machines.peerConnection).toMatchObject({ mismatches: 0, illegalChanges: 0 });
    expect(machines.meshRoom).toMatchObject({ problems: 0, finalState: 'inRoom' });
    expect(machines.mediasoupClient).toMatchObject({ finalState: 'joined' });
    expect(machines.twoPartyRoom).toMatchObject({
      problems: 0,
      finalState: 'ended',
      status: 'done',
      finalAt: 999,
    });
    const kinds = machines.negotiation?.decisionKinds as Record<string, number>;
    expect(kinds).not.toHaveProperty('unexpected');
  }, 60_000);

  it('machine-stepper runs only the machines BENCH_MACHINES names', async () => {
    const { stdout } = await run(nodeBinary(), [here('./machine-stepper.ts')], {
      env: { ...TINY, BENCH_MACHINES: 'twoPartyRoom,meshRoom' },
      timeout: 60_000,
    });
    const figures = JSON.parse(stdout.trimEnd().split('\n').at(-1) ?? '') as {
      machines: Record<string, unknown>;
    };
    expect(Object.keys(figures.machines)).toEqual(['meshRoom', 'twoPartyRoom']);
  }, 60_000);

  it('run.mjs runs the ones named and ends with one JSON line combining their figures', async () => {
    // The browser benchmarks run on their own below (each needs Chromium, one a build).
    const figures = await lastJsonLine([
      here('./run.mjs'),
      'decode-correlate',
      'read-capture',
      'machine-stepper',
    ]);
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

  it('room-graph-layout lays out a room in Chromium and ends with its figures', async () => {
    const figures = await lastJsonLine([here('./room-graph-layout.ts')], 110_000);
    expect(figures.bench).toBe('room-graph-layout');
    expectNumbers(figures, [
      'peers',
      'consumers',
      'nodes',
      'edges',
      'layoutMedianMs',
      'layoutMaxMs',
      'incrementalMedianMs',
      'renderMs',
      'target',
    ]);
    expect(figures.nodes as number).toBeGreaterThan(figures.consumers as number);
    expect(typeof figures.pass).toBe('boolean');
  }, 120_000);

  it('inspector-open opens a generated capture in the built app and times it', async () => {
    const figures = await lastJsonLine([here('./inspector-open.ts')], 170_000);
    expect(figures.bench).toBe('inspector-open');
    expectNumbers(figures, [
      'messages',
      'fileBytes',
      'openMs',
      'completeMs',
      'readMs',
      'parseMs',
      'ratio',
    ]);
    expectNumbers(figures.url as Record<string, unknown>, [
      'openMs',
      'completeMs',
      'fetchParseMs',
      'ratioWithFetch',
    ]);
    // The diagram showed a row per message (runs of notifications collapse a few).
    expect(figures.rows as number).toBeGreaterThan((figures.messages as number) * 0.5);
    expect(figures.rows as number).toBeLessThanOrEqual(figures.messages as number);
    const scroll = figures.scrollMs as Record<string, unknown>;
    const cursor = figures.cursorMs as Record<string, unknown>;
    expectNumbers(scroll, ['p50', 'p95', 'max']);
    expectNumbers(cursor, ['p50', 'p95', 'max']);
    expect(typeof figures.pass).toBe('boolean');
  }, 180_000);

  it('live-flood floods a live page from the demo server and reads the recording back', async () => {
    const figures = await lastJsonLine([here('./live-flood.ts')], 170_000);
    expect(figures.bench).toBe('live-flood');
    expectNumbers(figures, ['sent', 'recorded', 'lost', 'maxBlockMs', 'recordMs', 'caughtUpMs']);
    // Even at this size the recording is checked frame by frame: nothing may be lost.
    expect(figures.sent).toBe(5000);
    expect(figures.recorded).toBe(figures.sent);
    expect(figures.lost).toBe(0);
    expect(figures.inOrder).toBe(true);
    expect(typeof figures.pass).toBe('boolean');
  }, 180_000);
});

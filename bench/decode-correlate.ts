/**
 * Benchmark: decode + correlate a million protoo frames in at most 2x the time JSON.parse
 * takes on the same frames, both measured in this run.
 *
 * Three measurements, each repeated (BENCH_REPEATS, default 5) in rotating order after a
 * warm-up, medians reported:
 *   - jsonParse: JSON.parse of every frame text (the floor: decoding must at least parse);
 *   - decodeCorrelate: decode() of every frame, fed to a Correlator exactly as
 *     SessionAnalysis feeds it (the target's subject);
 *   - fullAnalysis: new SessionAnalysis(log).update(), which adds the per-frame columns,
 *     method interning, dialect detection and catalog validation.
 * `ratio` (median over median) is the target's figure; `pairedRatio` (median of each pass's
 * own ratio) and `bestRatio` (fastest over fastest) say the same with less of the noise that
 * other load on the machine adds. The frames are built and held in memory (in a SessionLog,
 * as the app holds them) before any timing. The mix: see lib/traffic.ts (BENCH_MIX).
 *
 *   node --expose-gc bench/decode-correlate.ts     (BENCH_SCALE=0.01 for 10,000 frames)
 */
import { decode } from '../src/protocol/codec.ts';
import { SessionAnalysis } from '../src/projections/analysis.ts';
import { Correlator } from '../src/projections/correlate.ts';
import { SessionLog, TYPE_CODE } from '../src/session/SessionLog.ts';
import {
  benchScale,
  collectGarbage,
  envInt,
  gcExposed,
  median,
  printFigures,
  round,
  say,
} from './lib/report.ts';
import { benchTraffic } from './lib/traffic.ts';

const FULL_FRAMES = 1_000_000;
const TARGET_RATIO = 2;

/**
 * JSON.parse of every frame text, catching what is not JSON as decode() must (the fixtures
 * hold such frames); the count keeps the work observable.
 */
function jsonParseAll(texts: readonly string[]): number {
  let objects = 0;
  for (const text of texts) {
    try {
      if (typeof JSON.parse(text) === 'object') objects++;
    } catch {
      objects--;
    }
  }
  return objects;
}

/** decode() + Correlator over the whole log, as SessionAnalysis.step() drives them. */
function decodeCorrelate(log: SessionLog): Correlator {
  const correlator = new Correlator();
  const n = log.length;
  for (let i = 0; i < n; i++) {
    const t = log.time(i);
    const type = log.typeCode(i);
    if (type !== TYPE_CODE['ws.frame']) {
      const conn = log.connId(i);
      if (type === TYPE_CODE['ws.open'] && conn >= 0) correlator.open(i, conn, t);
      else if (type === TYPE_CODE['ws.close'] && conn >= 0) correlator.close(i, conn, t);
      else correlator.other(i, t);
      continue;
    }
    const text = log.frameText(i);
    if (text === undefined) {
      correlator.other(i, t);
      continue;
    }
    const msg = decode(text);
    switch (msg.kind) {
      case 'request':
        correlator.request(i, log.connId(i), log.dir(i) ?? 'in', msg.id, t);
        break;
      case 'success':
      case 'error':
        correlator.response(
          i,
          log.connId(i),
          log.dir(i) ?? 'in',
          msg.id,
          t,
          msg.kind === 'success',
        );
        break;
      default:
        correlator.other(i, t);
    }
  }
  return correlator;
}

function fullAnalysis(log: SessionLog): SessionAnalysis {
  return new SessionAnalysis(log).update();
}

function timed(run: () => void): number {
  collectGarbage();
  const start = performance.now();
  run();
  return performance.now() - start;
}

function main(): void {
  const scale = benchScale();
  const repeats = envInt('BENCH_REPEATS', 5);
  const frames = Math.max(100, Math.round(FULL_FRAMES * scale));

  const buildStart = performance.now();
  const traffic = benchTraffic({ frames });
  const log = new SessionLog();
  for (const event of traffic.events) log.appendWithSeq(event);
  const texts: string[] = [];
  let frameChars = 0;
  let frameEvents = 0;
  for (let i = 0; i < log.length; i++) {
    if (log.isFrame(i)) frameEvents++;
    const text = log.frameText(i);
    if (text === undefined) continue;
    texts.push(text);
    frameChars += text.length;
  }
  const buildMs = performance.now() - buildStart;
  say(
    `decode-correlate: ${texts.length} text frames (${log.length} events, ${traffic.mix} mix, ` +
      `${round(frameChars / 1048576, 1)} MiB of text) built in ${Math.round(buildMs)} ms`,
  );

  // Warm-up: one full pass of each, so that every measured pass runs optimised code.
  let sink = jsonParseAll(texts);
  sink += decodeCorrelate(log).pair.length;
  sink += fullAnalysis(log).length;

  const samples = {
    jsonParse: [] as number[],
    decodeCorrelate: [] as number[],
    fullAnalysis: [] as number[],
  };
  const runs: [keyof typeof samples, () => void][] = [
    ['jsonParse', () => (sink += jsonParseAll(texts))],
    ['decodeCorrelate', () => (sink += decodeCorrelate(log).pair.length)],
    ['fullAnalysis', () => (sink += fullAnalysis(log).length)],
  ];
  for (let r = 0; r < repeats; r++) {
    for (let k = 0; k < runs.length; k++) {
      const entry = runs.at((k + r) % runs.length);
      if (entry === undefined) continue;
      samples[entry[0]].push(timed(entry[1]));
    }
    say(
      `  pass ${r + 1}/${repeats}: JSON.parse ${Math.round(samples.jsonParse.at(-1) ?? 0)} ms, ` +
        `decode+correlate ${Math.round(samples.decodeCorrelate.at(-1) ?? 0)} ms, ` +
        `full analysis ${Math.round(samples.fullAnalysis.at(-1) ?? 0)} ms`,
    );
  }

  // What the work found, to show that it was done (and what the mix holds).
  const analysis = fullAnalysis(log);
  const kinds: Record<string, number> = {};
  for (let i = 0; i < analysis.length; i++) {
    const kind = analysis.kind(i) ?? 'other-event';
    kinds[kind] = (kinds[kind] ?? 0) + 1;
  }
  const correlator = decodeCorrelate(log);
  let paired = 0;
  for (let i = 0; i < correlator.pair.length; i++) if (correlator.pair.get(i) > i) paired++;

  const jsonParseMs = median(samples.jsonParse);
  const decodeCorrelateMs = median(samples.decodeCorrelate);
  const fullAnalysisMs = median(samples.fullAnalysis);
  const ratio = decodeCorrelateMs / jsonParseMs;
  const fullAnalysisRatio = fullAnalysisMs / jsonParseMs;
  // Other load on the machine drifts over a run: the ratio within each pass, and the ratio of
  // the fastest runs, show the cost relative to JSON.parse with less of that noise.
  const perPass = (xs: readonly number[]): number =>
    median(xs.map((v, k) => v / (samples.jsonParse[k] ?? Number.NaN)));
  const best = (xs: readonly number[]): number => Math.min(...xs) / Math.min(...samples.jsonParse);
  const perSec = (ms: number): number => Math.round(texts.length / (ms / 1000));

  process.stdout.write(
    `decode-correlate: ${texts.length} text frames — JSON.parse ${round(jsonParseMs, 1)} ms, ` +
      `decode+correlate ${round(decodeCorrelateMs, 1)} ms (${round(ratio)}x), ` +
      `full analysis ${round(fullAnalysisMs, 1)} ms (${round(fullAnalysisRatio)}x); target ≤ ${TARGET_RATIO}x: ` +
      `${ratio <= TARGET_RATIO ? 'met' : 'MISSED'}\n`,
  );
  printFigures({
    bench: 'decode-correlate',
    mix: traffic.mix,
    fixtures: traffic.fixtures.length,
    frames: frameEvents,
    textFrames: texts.length,
    events: log.length,
    connections: log.connections().length,
    frameBytes: frameChars,
    avgFrameBytes: round(frameChars / texts.length, 1),
    kinds,
    paired,
    orphans: correlator.orphans.size,
    warnings: analysis.warnings.size,
    repeats,
    gcBetweenRuns: gcExposed(),
    jsonParseMs: round(jsonParseMs),
    decodeCorrelateMs: round(decodeCorrelateMs),
    fullAnalysisMs: round(fullAnalysisMs),
    ratio: round(ratio, 3),
    fullAnalysisRatio: round(fullAnalysisRatio, 3),
    pairedRatio: round(perPass(samples.decodeCorrelate), 3),
    pairedFullAnalysisRatio: round(perPass(samples.fullAnalysis), 3),
    bestRatio: round(best(samples.decodeCorrelate), 3),
    bestFullAnalysisRatio: round(best(samples.fullAnalysis), 3),
    jsonParseFramesPerSec: perSec(jsonParseMs),
    decodeCorrelateFramesPerSec: perSec(decodeCorrelateMs),
    fullAnalysisFramesPerSec: perSec(fullAnalysisMs),
    samplesMs: {
      jsonParse: samples.jsonParse.map((v) => round(v, 1)),
      decodeCorrelate: samples.decodeCorrelate.map((v) => round(v, 1)),
      fullAnalysis: samples.fullAnalysis.map((v) => round(v, 1)),
    },
    checksum: sink,
    node: process.version,
    target: TARGET_RATIO,
    pass: ratio <= TARGET_RATIO,
  });
}

main();

/**
 * Benchmark: read a 100 MB capture with a peak memory under 3x the file size.
 *
 * The parent writes a ~100 MiB capture (BENCH_SCALE scales it) of realistic frames into the
 * system's temp folder with captureLines(), then starts a fresh node (--expose-gc) that
 * reads it with loadSessionFile(), as the CLI does, and measures:
 *   - the peak RSS over the process's own baseline taken just before reading (the larger of
 *     an RSS sample every 5 ms and the kernel's maxRSS at the end), and heap use;
 *   - then, as separate figures, new SessionAnalysis(log).update() on the log read: its time,
 *     the heap it keeps and the RSS it adds.
 * The temp file is deleted at the end, also on failure.
 *
 *   node bench/read-capture.ts          (child mode: node --expose-gc bench/read-capture.ts --child FILE)
 */
import { execFile } from 'node:child_process';
import { closeSync, openSync, rmSync, statSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { loadSessionFile } from '../server/cli/load.ts';
import { SessionAnalysis } from '../src/projections/analysis.ts';
import { captureLines, newHeader } from '../src/session/capture.ts';
import {
  benchScale,
  collectGarbage,
  gcExposed,
  nodeBinary,
  printFigures,
  round,
  say,
} from './lib/report.ts';
import { benchTraffic } from './lib/traffic.ts';

const FULL_BYTES = 100 * 1024 * 1024;
const TARGET_RATIO = 3;
const MiB = 1024 * 1024;

/** Writes a capture of at least `bytes` bytes (whole lines); returns what went in. */
function writeCaptureFile(
  path: string,
  bytes: number,
): { mix: string; fixtures: number; events: number } {
  const traffic = benchTraffic({ seed: 'signalscope-bench-read' });
  const header = newHeader({ kind: 'simulator', name: 'signalscope benchmark' }, new Date(0));
  const fd = openSync(path, 'w');
  let total = 0;
  let events = -1;
  let chunk = '';
  try {
    for (const line of captureLines(header, traffic.events)) {
      chunk += line;
      events++;
      total += Buffer.byteLength(line);
      if (chunk.length >= MiB) {
        writeSync(fd, chunk);
        chunk = '';
      }
      if (total >= bytes) break;
    }
    if (chunk !== '') writeSync(fd, chunk);
  } finally {
    closeSync(fd);
  }
  return { mix: traffic.mix, fixtures: traffic.fixtures.length, events };
}

/** The child: reads the file in a fresh process and reports its memory. */
async function child(path: string): Promise<void> {
  collectGarbage();
  const base = process.memoryUsage();
  let peakRss = base.rss;
  let peakHeapUsed = base.heapUsed;
  let samples = 0;
  const sampler = setInterval(() => {
    const m = process.memoryUsage();
    samples++;
    if (m.rss > peakRss) peakRss = m.rss;
    if (m.heapUsed > peakHeapUsed) peakHeapUsed = m.heapUsed;
  }, 5);

  const start = performance.now();
  const loaded = await loadSessionFile(path);
  const readMs = performance.now() - start;
  clearInterval(sampler);
  const end = process.memoryUsage();
  peakRss = Math.max(peakRss, end.rss, process.resourceUsage().maxRSS * 1024);
  peakHeapUsed = Math.max(peakHeapUsed, end.heapUsed);
  collectGarbage();
  const afterRead = process.memoryUsage();

  // The analysis of what was read, measured on its own.
  const analysisStart = performance.now();
  const analysis = new SessionAnalysis(loaded.log).update();
  const analysisMs = performance.now() - analysisStart;
  const afterAnalysisNoGc = process.memoryUsage();
  const maxRssAfterAnalysis = process.resourceUsage().maxRSS * 1024;
  collectGarbage();
  const afterAnalysis = process.memoryUsage();

  printFigures({
    bytes: loaded.bytes,
    events: loaded.log.length,
    lines: loaded.lines,
    errors: loaded.errors.length,
    readMs,
    baselineRssBytes: base.rss,
    baselineHeapUsedBytes: base.heapUsed,
    peakRssBytes: peakRss,
    peakHeapUsedBytes: peakHeapUsed,
    rssSamples: samples,
    rssAfterReadBytes: end.rss,
    retainedHeapAfterReadBytes: afterRead.heapUsed - base.heapUsed,
    analysisMs,
    analysisFrames: analysis.length,
    analysisWarnings: analysis.warnings.size,
    analysisRetainedHeapBytes: afterAnalysis.heapUsed - afterRead.heapUsed,
    analysisRssGrowthBytes: afterAnalysisNoGc.rss - afterRead.rss,
    peakRssAfterAnalysisBytes: Math.max(maxRssAfterAnalysis, afterAnalysisNoGc.rss),
    gcExposed: gcExposed(),
  });
}

interface ChildFigures {
  bytes: number;
  events: number;
  lines: number;
  errors: number;
  readMs: number;
  baselineRssBytes: number;
  baselineHeapUsedBytes: number;
  peakRssBytes: number;
  peakHeapUsedBytes: number;
  rssSamples: number;
  rssAfterReadBytes: number;
  retainedHeapAfterReadBytes: number;
  analysisMs: number;
  analysisFrames: number;
  analysisWarnings: number;
  analysisRetainedHeapBytes: number;
  analysisRssGrowthBytes: number;
  peakRssAfterAnalysisBytes: number;
  gcExposed: boolean;
}

function lastLine(text: string): string {
  const lines = text.trimEnd().split('\n');
  return lines.at(-1) ?? '';
}

async function parent(): Promise<void> {
  const scale = benchScale();
  const targetBytes = Math.max(64 * 1024, Math.round(FULL_BYTES * scale));
  const path = join(tmpdir(), `signalscope-bench-${process.pid}-${Date.now()}.sscap.jsonl`);
  try {
    const writeStart = performance.now();
    const written = writeCaptureFile(path, targetBytes);
    const writeMs = performance.now() - writeStart;
    const fileBytes = statSync(path).size;
    say(
      `read-capture: wrote ${round(fileBytes / MiB, 1)} MiB (${written.events} events, ${written.mix} mix) in ${Math.round(writeMs)} ms`,
    );

    const { stdout } = await promisify(execFile)(
      nodeBinary(),
      ['--expose-gc', fileURLToPath(import.meta.url), '--child', path],
      { maxBuffer: 16 * MiB },
    );
    const c = JSON.parse(lastLine(stdout)) as ChildFigures;
    const peakRssOverBaseline = c.peakRssBytes - c.baselineRssBytes;
    const ratio = peakRssOverBaseline / fileBytes;
    const pass = ratio < TARGET_RATIO && c.errors === 0 && c.events === written.events;

    process.stdout.write(
      `read-capture: ${round(fileBytes / MiB, 1)} MiB, ${c.events} events read in ${Math.round(c.readMs)} ms ` +
        `(${round(fileBytes / MiB / (c.readMs / 1000), 1)} MiB/s); peak RSS +${round(peakRssOverBaseline / MiB, 1)} MiB ` +
        `= ${round(ratio)}x the file (target < ${TARGET_RATIO}x: ${pass ? 'met' : 'MISSED'}); ` +
        `analysis ${Math.round(c.analysisMs)} ms, +${round(c.analysisRetainedHeapBytes / MiB, 1)} MiB heap\n`,
    );
    printFigures({
      bench: 'read-capture',
      mix: written.mix,
      fixtures: written.fixtures,
      file: path,
      fileBytes,
      bytesRead: c.bytes,
      events: c.events,
      lines: c.lines,
      errors: c.errors,
      writeMs: round(writeMs),
      readMs: round(c.readMs),
      mbPerSec: round(fileBytes / MiB / (c.readMs / 1000)),
      baselineRssBytes: c.baselineRssBytes,
      peakRssBytes: c.peakRssBytes,
      peakRssOverBaseline,
      peakHeapUsedOverBaseline: c.peakHeapUsedBytes - c.baselineHeapUsedBytes,
      retainedHeapAfterReadBytes: c.retainedHeapAfterReadBytes,
      rssSamples: c.rssSamples,
      analysisMs: round(c.analysisMs),
      analysisFramesPerSec: Math.round(c.analysisFrames / (c.analysisMs / 1000)),
      analysisWarnings: c.analysisWarnings,
      analysisRetainedHeapBytes: c.analysisRetainedHeapBytes,
      analysisRssGrowthBytes: c.analysisRssGrowthBytes,
      peakRssAfterAnalysisOverBaseline: c.peakRssAfterAnalysisBytes - c.baselineRssBytes,
      gcExposed: c.gcExposed,
      node: process.version,
      ratio: round(ratio, 3),
      target: TARGET_RATIO,
      pass,
    });
  } finally {
    rmSync(path, { force: true });
  }
}

const childAt = process.argv.indexOf('--child');
const childPath = childAt >= 0 ? process.argv[childAt + 1] : undefined;
if (childAt >= 0 && childPath === undefined) throw new Error('--child needs the capture path');
await (childPath === undefined ? parent() : child(childPath));

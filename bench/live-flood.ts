/**
 * Benchmark: the live source under a flood (issue 5). The built app in real Chromium joins
 * a room of the demo room server (server/demo) as an observer; the server's flood switch then
 * sends 5,000 `demoFlood` notifications per second for 60 s.
 *
 * Targets: no frame lost (every notification's `seq` 1..N recorded once, in order) and the
 * page never blocked for more than 50 ms at a time while the flood runs and the views catch
 * up (every `longtask` entry of the page from the flood's start to the catch-up, measured by a
 * PerformanceObserver installed before the app loads).
 *
 * How: the app is built for production (vite build), served by vite preview on 127.0.0.1;
 * the demo server runs in this process on 127.0.0.1. The page's live bar counts events; when
 * it stops growing after the flood, Record downloads the session and the capture is read back
 * and checked frame by frame. Record itself (writing the whole session as text) is timed
 * apart: it runs once, on demand, not while following.
 *
 *   node bench/live-flood.ts     (BENCH_SCALE=0.1: 6 s of flood instead of 60)
 * Ends with one JSON line.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { build, preview } from 'vite';
import { chromiumLaunchOptions } from '../scripts/chromium.ts';
import { startDemoServer } from '../server/demo/server.ts';
import { readCaptureText } from '../src/session/capture.ts';

const SCALE = Number(process.env.BENCH_SCALE ?? 1);
const RATE = 5000;
const SECONDS = Math.max(1, Math.round(60 * SCALE));
const BLOCK_TARGET_MS = 50;
const ROOM = 'flood';

const root = fileURLToPath(new URL('..', import.meta.url));
const log = (s: string) => process.stderr.write(`${s}\n`);
const round = (n: number) => Math.round(n * 10) / 10;

const LONGTASK_PROBE = `
(() => {
  window.__longtasks = [];
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) window.__longtasks.push([e.startTime, e.duration]);
  }).observe({ type: 'longtask', buffered: true });
})();
`;

async function main() {
  process.env.NODE_ENV = 'production';
  const outDir = mkdtempSync(join(tmpdir(), 'signalscope-flood-'));
  log('building the app (vite build)…');
  await build({ root, logLevel: 'error', build: { outDir, emptyOutDir: true } });
  const app = await preview({
    root,
    logLevel: 'error',
    build: { outDir },
    preview: { host: '127.0.0.1', port: 0, strictPort: false, open: false },
  });
  const address = app.httpServer.address();
  if (!address || typeof address !== 'object') throw new Error('no preview address');
  const base = `http://127.0.0.1:${String(address.port)}`;
  const demo = await startDemoServer({ port: 0, bots: 0, botIntervalMs: 0 });
  const browser = await chromium.launch(chromiumLaunchOptions());
  try {
    const page = await browser.newPage({
      viewport: { width: 1440, height: 900 },
      acceptDownloads: true,
    });
    await page.addInitScript(LONGTASK_PROBE);
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    const roomUrl = `${demo.url}/?roomId=${ROOM}`;
    await page.goto(`${base}/?connect=${encodeURIComponent(roomUrl)}&mode=observer`);
    const bar = page.getByRole('region', { name: 'Live connection' });
    await bar.getByRole('status').filter({ hasText: 'joined' }).waitFor({ timeout: 30_000 });
    const eventsShown = async () =>
      Number(
        ((await bar.getByText(/^[\d,]+ events$/).textContent()) ?? '0')
          .replace(/,/g, '')
          .replace(' events', ''),
      );
    const before = await eventsShown();
    const total = RATE * SECONDS;
    log(`flooding ${total.toLocaleString('en')} notifications at ${String(RATE)}/s…`);
    const floodStart = await page.evaluate(() => performance.now());
    const t0 = Date.now();
    demo.faults.set(ROOM, { flood: { perSecond: RATE, seconds: SECONDS } });
    // Follow the count; when the flood is over, wait for the views to show all of it.
    let shown = before;
    const samples: [number, number][] = [];
    for (;;) {
      await page.waitForTimeout(1000);
      shown = await eventsShown();
      samples.push([Date.now() - t0, shown - before]);
      log(
        `  ${String(Math.round((Date.now() - t0) / 1000))} s: ${shown.toLocaleString('en')} events shown`,
      );
      if (shown - before >= total) break;
      if (Date.now() - t0 > SECONDS * 1000 + 30_000) break;
    }
    const caughtUpMs = Date.now() - t0;
    const floodEnd = await page.evaluate(() => performance.now());
    const timed = await page.evaluate(
      ([from, to]) =>
        (window as unknown as { __longtasks: [number, number][] }).__longtasks
          .filter(([start]) => start >= from && start <= to)
          .map(([start, d]): [number, number] => [start - from, d]),
      [floodStart, floodEnd] as const,
    );
    const measures = await page.evaluate(() => {
      const max: Record<string, { n: number; max: number; total: number }> = {};
      for (const m of performance.getEntriesByType('measure')) {
        if (!m.name.startsWith('signalscope:')) continue;
        const e = (max[m.name] ??= { n: 0, max: 0, total: 0 });
        e.n++;
        e.max = Math.max(e.max, m.duration);
        e.total += m.duration;
      }
      return max;
    });
    log(`app work: ${JSON.stringify(measures)}`);
    log(
      `long tasks (ms after the flood's start: duration): ${timed.map(([at, d]) => `${String(Math.round(at))}: ${String(Math.round(d))}`).join(', ')}`,
    );
    const longtasks = timed.map(([, d]) => d);
    log('recording…');
    const r0 = Date.now();
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      bar.getByRole('button', { name: /^Record/ }).click(),
    ]);
    const path = await download.path();
    const recordMs = Date.now() - r0;
    const read = readCaptureText(readFileSync(path, 'utf8'));
    let flood = 0;
    let inOrder = true;
    let expected = 1;
    const seen = new Set<number>();
    let duplicates = 0;
    for (let i = 0; i < read.log.length; i++) {
      const text = read.log.frameText(i);
      if (text === undefined || !text.includes('"demoFlood"')) continue;
      const m = JSON.parse(text) as { data: { seq: number } };
      flood++;
      if (seen.has(m.data.seq)) duplicates++;
      seen.add(m.data.seq);
      if (m.data.seq !== expected) inOrder = false;
      expected = m.data.seq + 1;
    }
    const lost = total - seen.size;
    const maxBlock = longtasks.length === 0 ? 0 : Math.max(...longtasks);
    const figures = {
      bench: 'live-flood',
      perSecond: RATE,
      seconds: SECONDS,
      sent: total,
      recorded: flood,
      lost,
      duplicates,
      inOrder,
      captureErrors: read.errors.length,
      caughtUpMs,
      longTasks: longtasks.length,
      longTasksOver50: longtasks.filter((d) => d > BLOCK_TARGET_MS).length,
      maxBlockMs: round(maxBlock),
      recordMs,
      pageErrors: errors.length,
      targets: { lost: 0, maxBlockMs: BLOCK_TARGET_MS },
      pass:
        lost === 0 &&
        duplicates === 0 &&
        inOrder &&
        read.errors.length === 0 &&
        maxBlock <= BLOCK_TARGET_MS &&
        errors.length === 0,
    };
    if (errors.length > 0) log(`page errors: ${errors.join('; ')}`);
    console.log(JSON.stringify(figures));
  } finally {
    await browser.close();
    await demo.close();
    await app.close();
    rmSync(outDir, { recursive: true, force: true });
  }
}

await main();

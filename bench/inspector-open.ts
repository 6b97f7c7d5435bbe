/**
 * Benchmark: the inspector in real Chromium with a 100,000-message capture (issue 4).
 *
 * Targets:
 *   - the capture opens to a usable sequence diagram in under 1.5 s, and within 2x the time
 *     the same page takes to JSON.parse the file's lines;
 *   - scrolling and cursor moves cost under 16 ms per frame at p95 (frameWorkMs below).
 *
 * How: the app is built for production (vite build) and served by vite preview on 127.0.0.1
 * with the capture beside it (two simulated mediasoup-demo rooms, bench/lib/room.ts). The
 * capture is opened BENCH_REPEATS times in fresh pages, first by URL (`/?capture=…`), then
 * as a file picked in the top bar's input (what a user who drops or picks a file gets):
 *   - openMs: from the loader's start (`signalscope:load-start` mark, set when the page
 *     starts reading the capture) to the first frame in which the diagram shows rows of it
 *     (a MutationObserver and a requestAnimationFrame in the page). The app analyses the
 *     first slice of events before that frame and the rest in slices between frames, so the
 *     diagram scrolls and selects from then on;
 *   - completeMs: to the end of the analysis (`signalscope:session-analysed`): every row,
 *     findings and machines;
 *   - parseMs: then, in the same page, the file's text split into lines, each line
 *     JSON.parse'd (the text fetched beforehand, not timed); fetchParseMs adds the fetch;
 *   - ratio = openMs / parseMs of the file opens (neither side touches the network: the
 *     target); url.ratioWithFetch = openMs / fetchParseMs of the URL opens.
 * Then, on the open page (median load):
 *   - scroll: 200 jumps of the diagram's scroller (a page, then random positions), each timed
 *     from setting scrollTop to the end of the work it causes (its scroll handler, React's
 *     render and commit, style and layout, forced by reading layout after the task React
 *     schedules): p50 / p95 / max;
 *   - cursor: 200 ArrowDown presses on the diagram (the selection and cursor move, so every
 *     view at the cursor updates: detail, timeline), timed the same way;
 *   - frames: requestAnimationFrame intervals while scrolling one page per frame for 120
 *     frames (16.7 ms when no frame is dropped);
 *   - frameWorkMs (the targets): the renderer main thread's work per frame, from a Chromium
 *     trace, while ArrowDown is pressed every second frame, while the diagram scrolls a page
 *     per frame and while it jumps to random places every frame (see frameWork). The per-step
 *     figures above add up every frame a step causes (a cursor step's second frame is the
 *     side panel's, deferred), so they are the cost of a step, not of a frame.
 * Ends with one JSON line.
 *
 *   node bench/inspector-open.ts        (BENCH_SCALE=0.1 for 10,000 messages)
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { build, preview } from 'vite';
import { chromiumLaunchOptions } from '../scripts/chromium.ts';
import { newHeader, writeCapture } from '../src/session/capture.ts';
import type { SessionEvent } from '../src/session/events.ts';
import { roomTraffic } from './lib/room.ts';

const SCALE = Number(process.env.BENCH_SCALE ?? 1);
const MESSAGES = Math.max(1000, Math.round(100_000 * SCALE));
const REPEATS = Math.max(1, Number(process.env.BENCH_REPEATS ?? 5));
const OPEN_TARGET_MS = 1500;
const RATIO_TARGET = 2;
const FRAME_TARGET_MS = 16;

const root = fileURLToPath(new URL('..', import.meta.url));
const log = (s: string) => process.stderr.write(`${s}\n`);

function quantile(values: readonly number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN;
}
const round = (n: number) => Math.round(n * 10) / 10;

/**
 * Installed before the app runs: records when the diagram first shows rows of the bench's
 * capture (the page title names the open capture), after a frame. The diagram is usable
 * then: it scrolls and selects while the rest of the capture is analysed in slices.
 */
const USABLE_PROBE = `
(() => {
  const check = () => {
    if (!document.title.startsWith('bench-capture')) return false;
    const grid = document.querySelector('[role="grid"][aria-label="Sequence diagram"]');
    if (!grid || !grid.querySelector('[role="row"]')) return false;
    if (Number(grid.getAttribute('aria-rowcount')) < 1) return false;
    requestAnimationFrame(() => { window.__usable = performance.now(); });
    return true;
  };
  const observer = new MutationObserver(() => { if (check()) observer.disconnect(); });
  observer.observe(document, { childList: true, subtree: true, attributes: true });
})();
`;

interface OpenFigures {
  /** load-start → the first rows of the diagram painted (usable). */
  openMs: number;
  /** load-start → every event analysed, findings and machines included. */
  completeMs: number;
  readMs: number;
  parseMs: number;
  fetchParseMs: number;
  rows: number;
}

/**
 * Opens the bench capture in `page`, by URL (`?capture=`) or as a file picked in the
 * top bar's input, and times it with the app's performance marks.
 */
async function openOnce(
  page: Page,
  how: { url: string } | { base: string; file: string },
  captureUrl: string,
): Promise<OpenFigures> {
  if ('url' in how) {
    await page.goto(how.url);
  } else {
    await page.goto(how.base);
    await page.getByRole('grid', { name: 'Sequence diagram' }).waitFor({ timeout: 60_000 });
    await page.locator('input[type="file"]').first().setInputFiles(how.file);
  }
  await page.waitForFunction(() => (window as unknown as { __usable?: number }).__usable, null, {
    timeout: 60_000,
    polling: 50,
  });
  // Complete: the slices are done (or it was small enough to be analysed at once).
  await page.waitForFunction(
    () =>
      performance.getEntriesByName('signalscope:session-analysed').length > 0 ||
      document.querySelector('.summary-bar')?.textContent.includes('analysed (') === false,
    null,
    { timeout: 60_000, polling: 20 },
  );
  return page.evaluate(async (capture) => {
    const w = window as unknown as { __usable: number };
    const mark = (name: string) => performance.getEntriesByName(name).at(-1)?.startTime ?? NaN;
    const start = mark('signalscope:load-start');
    const read = mark('signalscope:capture-read');
    const analysed = mark('signalscope:session-analysed');
    const complete = Number.isNaN(analysed) ? mark('signalscope:session-open') : analysed;
    const grid = document.querySelector('[role="grid"][aria-label="Sequence diagram"]');
    const t0 = performance.now();
    const response = await fetch(capture, { cache: 'no-store' });
    const text = await response.text();
    const t1 = performance.now();
    let parsed = 0;
    for (const line of text.split('\n')) {
      if (line !== '') {
        JSON.parse(line);
        parsed++;
      }
    }
    const t2 = performance.now();
    if (parsed === 0) throw new Error('empty capture');
    return {
      openMs: w.__usable - start,
      completeMs: complete - start,
      readMs: read - start,
      parseMs: t2 - t1,
      fetchParseMs: t2 - t0,
      rows: Number(grid?.getAttribute('aria-rowcount') ?? 0),
    };
  }, captureUrl);
}

/** Times `steps` interactions in the page; each returns the ms of work it caused. */
async function interactions(page: Page) {
  return page.evaluate(async () => {
    const grid = document.querySelector<HTMLElement>(
      '[role="grid"][aria-label="Sequence diagram"]',
    );
    if (!grid) throw new Error('no diagram');
    // The element that scrolls: the grid or its nearest scrolling ancestor.
    let scroller: HTMLElement | null = grid;
    while (scroller && scroller.scrollHeight <= scroller.clientHeight + 1) {
      scroller = scroller.parentElement;
    }
    if (!scroller) throw new Error('nothing scrolls');
    const el = scroller;
    // After the task React schedules for the update, read layout so style and layout run.
    const settle = () =>
      new Promise<void>((resolve) => {
        setTimeout(() => {
          // Reading layout makes the browser run style and layout now.
          if (el.getBoundingClientRect().height + document.body.offsetHeight < 0) return;
          resolve();
        }, 0);
      });
    const frame = () => new Promise<number>((r) => requestAnimationFrame(r));
    let seed = 12345;
    const random = () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed / 2 ** 31;
    };

    const scroll: number[] = [];
    const max = el.scrollHeight - el.clientHeight;
    for (let k = 0; k < 200; k++) {
      await frame();
      const t0 = performance.now();
      el.scrollTop = k < 100 ? Math.min(max, el.scrollTop + el.clientHeight) : random() * max;
      el.dispatchEvent(new Event('scroll'));
      await settle();
      scroll.push(performance.now() - t0);
    }

    const frames: number[] = [];
    el.scrollTop = 0;
    let last = await frame();
    for (let k = 0; k < 120; k++) {
      el.scrollTop = el.scrollTop + el.clientHeight;
      const now = await frame();
      frames.push(now - last);
      last = now;
    }

    const cursor: number[] = [];
    el.scrollTop = 0;
    await frame();
    const first = grid.querySelector<HTMLElement>('[role="row"]');
    first?.click();
    await settle();
    grid.focus();
    for (let k = 0; k < 200; k++) {
      await frame();
      const t0 = performance.now();
      grid.dispatchEvent(new KeyboardEvent('keydown', { key: 'ArrowDown', bubbles: true }));
      await settle();
      cursor.push(performance.now() - t0);
    }
    const selected = grid.querySelector('[aria-selected="true"]')?.getAttribute('aria-label') ?? '';
    return { scroll, frames, cursor, selected };
  });
}

/**
 * Main-thread work per frame while the user scrolls or steps, from a Chromium trace: the
 * frames are cut at the end of each rendering update (`AnimationFrame::Render`) and each
 * frame gets the top-level tasks that started in it (script, style, layout, paint: all the
 * renderer's main thread did for that frame). Three runs, each in the page as the user
 * leaves it:
 *   - cursor: ArrowDown on the diagram every second frame (a held key repeats at ~30 Hz):
 *     each press costs a frame for the diagram and timeline, then one for the side panel,
 *     which follows in React's deferred lane;
 *   - scroll: the diagram scrolled by a page every frame (a fast wheel or a dragged thumb);
 *   - jump: the diagram's scroller set to a random place every frame.
 */
async function frameWork(browser: Browser, page: Page) {
  const run = async (what: 'cursor' | 'scroll' | 'jump') => {
    await browser.startTracing(page, {
      categories: ['devtools.timeline', 'toplevel', 'blink.user_timing'],
    });
    await page.evaluate(async (what) => {
      const grid = document.querySelector<HTMLElement>(
        '[role="grid"][aria-label="Sequence diagram"]',
      );
      if (!grid) throw new Error('no diagram');
      let el: HTMLElement | null = grid;
      while (el && el.scrollHeight <= el.clientHeight + 1) el = el.parentElement;
      if (!el) throw new Error('nothing scrolls');
      const scroller = el;
      const frame = () => new Promise<number>((r) => requestAnimationFrame(r));
      let seed = 777;
      const random = () => {
        seed = (seed * 1103515245 + 12345) % 2 ** 31;
        return seed / 2 ** 31;
      };
      if (what === 'cursor') {
        grid.querySelector<HTMLElement>('[role="row"]')?.click();
        grid.focus();
      }
      await frame();
      await frame();
      performance.mark('signalscope-bench:start');
      const max = scroller.scrollHeight - scroller.clientHeight;
      for (let k = 0; k < (what === 'cursor' ? 400 : 120); k++) {
        await frame();
        if (what === 'cursor') {
          if (k % 2 === 0) {
            grid.dispatchEvent(new KeyboardEvent('keydown', { key: 'ArrowDown', bubbles: true }));
          }
        } else {
          scroller.scrollTop =
            what === 'scroll'
              ? Math.min(max, scroller.scrollTop + scroller.clientHeight)
              : random() * max;
          scroller.dispatchEvent(new Event('scroll'));
        }
      }
      await frame();
      await frame();
      performance.mark('signalscope-bench:end');
    }, what);
    const trace = JSON.parse((await browser.stopTracing()).toString()) as {
      traceEvents: {
        name: string;
        ph: string;
        ts: number;
        dur?: number;
        pid: number;
        tid: number;
      }[];
    };
    const events = trace.traceEvents;
    const start = events.find((e) => e.name === 'signalscope-bench:start');
    const end = events.find((e) => e.name === 'signalscope-bench:end');
    if (!start || !end) throw new Error('the trace lacks the bench marks');
    const main = events.filter(
      (e) => e.pid === start.pid && e.tid === start.tid && e.ts >= start.ts && e.ts <= end.ts,
    );
    const cuts = main
      .filter((e) => e.name === 'AnimationFrame::Render' && e.ph === 'e')
      .map((e) => e.ts)
      .sort((a, b) => a - b);
    const tasks = main.filter((e) => e.name === 'ThreadControllerImpl::RunTask' && e.ph === 'X');
    const busy: number[] = [];
    let t = 0;
    for (let f = 1; f < cuts.length; f++) {
      const from = cuts[f - 1] ?? 0;
      const to = cuts[f] ?? 0;
      let sum = 0;
      while (t < tasks.length && (tasks[t]?.ts ?? 0) <= to) {
        const task = tasks[t];
        if (task && task.ts > from) sum += (task.dur ?? 0) / 1000;
        t++;
      }
      busy.push(sum);
    }
    if (busy.length === 0) throw new Error(`no frames traced for ${what}`);
    return {
      frames: busy.length,
      p50: round(quantile(busy, 0.5)),
      p95: round(quantile(busy, 0.95)),
      max: round(Math.max(...busy)),
    };
  };
  return { cursor: await run('cursor'), scroll: await run('scroll'), jump: await run('jump') };
}

async function main() {
  // A production build whatever the caller's NODE_ENV (vitest sets `test`, which makes the
  // React plugin emit the development JSX runtime).
  process.env.NODE_ENV = 'production';
  log(`generating ${MESSAGES.toLocaleString('en')} messages…`);
  const events: SessionEvent[] = [...roomTraffic({ frames: MESSAGES, seed: 'inspector-bench' })];
  const text = writeCapture(
    newHeader({ kind: 'bench', title: `${String(MESSAGES)} generated messages` }),
    events,
  );
  const outDir = mkdtempSync(join(tmpdir(), 'signalscope-bench-'));
  log('building the app (vite build)…');
  await build({ root, logLevel: 'error', build: { outDir, emptyOutDir: true } });
  writeFileSync(join(outDir, 'bench-capture.sscap.jsonl'), text);
  const server = await preview({
    root,
    logLevel: 'error',
    build: { outDir },
    preview: { host: '127.0.0.1', port: 0, strictPort: false, open: false },
  });
  const address = server.httpServer.address();
  if (!address || typeof address !== 'object') throw new Error('no preview address');
  const base = `http://127.0.0.1:${String(address.port)}`;
  const captureUrl = `${base}/bench-capture.sscap.jsonl`;
  const url = `${base}/?capture=${encodeURIComponent('/bench-capture.sscap.jsonl')}`;
  const browser = await chromium.launch(chromiumLaunchOptions());
  try {
    const file = join(outDir, 'bench-capture.sscap.jsonl');
    const run = async (how: 'url' | 'file') => {
      const opens: OpenFigures[] = [];
      let page: Page | undefined;
      for (let k = 0; k < REPEATS; k++) {
        await page?.close();
        page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
        await page.addInitScript(USABLE_PROBE);
        const errors: string[] = [];
        page.on('pageerror', (e) => errors.push(String(e)));
        const o = await openOnce(page, how === 'url' ? { url } : { base, file }, captureUrl);
        if (errors.length > 0) throw new Error(`the page failed: ${errors.join('; ')}`);
        opens.push(o);
        log(
          `${how} open ${String(k + 1)}: usable ${round(o.openMs)} ms, complete ${round(o.completeMs)} ms (read ${round(o.readMs)}), JSON.parse ${round(o.parseMs)} ms, fetch+parse ${round(o.fetchParseMs)} ms, rows ${String(o.rows)}`,
        );
      }
      if (!page) throw new Error('no page');
      const median = (key: keyof OpenFigures) =>
        quantile(
          opens.map((o) => o[key]),
          0.5,
        );
      return { opens, page, median };
    };
    const byUrl = await run('url');
    log('interactions on the last page opened by URL…');
    const iUrl = await interactions(byUrl.page);
    await byUrl.page.close();
    const byFile = await run('file');
    const page = byFile.page;
    log('interactions on the last page…');
    const i = await interactions(page);
    log('main-thread work per frame (traced)…');
    const perFrame = await frameWork(browser, page);
    log(`per frame: ${JSON.stringify(perFrame)}`);
    log(`last selected row: ${i.selected}`);
    // The target compares opening with the page's JSON.parse of the lines: both without
    // network, i.e. a file the user picked or dropped. By URL the fetch is on both sides.
    const openMs = byFile.median('openMs');
    const parseMs = byFile.median('parseMs');
    const ratio = openMs / parseMs;
    const urlOpenMs = byUrl.median('openMs');
    const figures = {
      bench: 'inspector-open',
      messages: MESSAGES,
      fileBytes: Buffer.byteLength(text),
      repeats: REPEATS,
      openMs: round(openMs),
      openMsAll: byFile.opens.map((o) => round(o.openMs)),
      completeMs: round(byFile.median('completeMs')),
      readMs: round(byFile.median('readMs')),
      parseMs: round(parseMs),
      ratio: Math.round(ratio * 100) / 100,
      url: {
        openMs: round(urlOpenMs),
        completeMs: round(byUrl.median('completeMs')),
        readMs: round(byUrl.median('readMs')),
        fetchParseMs: round(byUrl.median('fetchParseMs')),
        ratioWithFetch: Math.round((urlOpenMs / byUrl.median('fetchParseMs')) * 100) / 100,
        // The same interactions on that page (the targets are read off the file page's).
        scrollP95Ms: round(quantile(iUrl.scroll, 0.95)),
        cursorP95Ms: round(quantile(iUrl.cursor, 0.95)),
      },
      rows: byFile.opens[0]?.rows ?? 0,
      // Work per step (every frame it causes), for comparison with earlier runs.
      scrollMs: {
        p50: round(quantile(i.scroll, 0.5)),
        p95: round(quantile(i.scroll, 0.95)),
        max: round(Math.max(...i.scroll)),
      },
      cursorMs: {
        p50: round(quantile(i.cursor, 0.5)),
        p95: round(quantile(i.cursor, 0.95)),
        max: round(Math.max(...i.cursor)),
      },
      // The targets: main-thread work per frame while stepping and scrolling (frameWork).
      frameWorkMs: perFrame,
      frameIntervalMs: {
        p50: round(quantile(i.frames, 0.5)),
        p95: round(quantile(i.frames, 0.95)),
      },
      targets: {
        openMs: OPEN_TARGET_MS,
        ratio: RATIO_TARGET,
        scrollP95Ms: FRAME_TARGET_MS,
        cursorP95Ms: FRAME_TARGET_MS,
      },
      pass:
        openMs < OPEN_TARGET_MS &&
        urlOpenMs < OPEN_TARGET_MS &&
        ratio <= RATIO_TARGET &&
        Math.max(perFrame.scroll.p95, perFrame.jump.p95) < FRAME_TARGET_MS &&
        perFrame.cursor.p95 < FRAME_TARGET_MS,
    };
    console.log(JSON.stringify(figures));
  } finally {
    await browser.close();
    await server.close();
    rmSync(outDir, { recursive: true, force: true });
  }
}

await main();

/**
 * Benchmark: the inspector in real Chromium with a 100,000-message capture (issue 4).
 *
 * Targets:
 *   - the capture opens to a usable sequence diagram in under 1.5 s, and within 2x the time
 *     the same page takes to JSON.parse the file's lines;
 *   - scrolling and cursor moves cost under 16 ms per frame at p95.
 *
 * How: the app is built for production (vite build) and served by vite preview on 127.0.0.1
 * with the capture beside it (two simulated mediasoup-demo rooms, bench/lib/room.ts). For
 * each of BENCH_REPEATS fresh page loads of `/?capture=…`:
 *   - openMs: from the loader's start (`signalscope:load-start` mark, set when the page
 *     starts reading the capture) to the first frame in which the diagram's grid shows rows
 *     for every message (a MutationObserver and a requestAnimationFrame in the page);
 *   - parseMs: then, in the same page, the file's text split into lines, each line
 *     JSON.parse'd (the text fetched beforehand, not timed); fetchParseMs adds the fetch;
 *   - ratio = openMs / parseMs (the target); ratioWithFetch = openMs / fetchParseMs.
 * Then, on the open page (median load):
 *   - scroll: 200 jumps of the diagram's scroller (a page, then random positions), each timed
 *     from setting scrollTop to the end of the work it causes (its scroll handler, React's
 *     render and commit, style and layout, forced by reading layout after the task React
 *     schedules): p50 / p95 / max;
 *   - cursor: 200 ArrowDown presses on the diagram (the selection and cursor move, so every
 *     view at the cursor updates: detail, timeline), timed the same way;
 *   - frames: requestAnimationFrame intervals while scrolling one page per frame for 120
 *     frames (16.7 ms when no frame is dropped).
 * Ends with one JSON line.
 *
 *   node bench/inspector-open.ts        (BENCH_SCALE=0.1 for 10,000 messages)
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Page } from 'playwright-core';
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

/** Installed before the app runs: records when the diagram first shows rows, after a frame. */
const USABLE_PROBE = `
(() => {
  const want = ${String(MESSAGES)};
  const check = () => {
    const grid = document.querySelector('[role="grid"][aria-label="Sequence diagram"]');
    if (!grid || !grid.querySelector('[role="row"]')) return false;
    if (Number(grid.getAttribute('aria-rowcount')) < want * 0.5) return false;
    requestAnimationFrame(() => { window.__usable = performance.now(); });
    return true;
  };
  const observer = new MutationObserver(() => { if (check()) observer.disconnect(); });
  observer.observe(document, { childList: true, subtree: true, attributes: true });
})();
`;

interface OpenFigures {
  openMs: number;
  loadStartMs: number;
  readMs: number;
  analyseMs: number;
  parseMs: number;
  fetchParseMs: number;
  rows: number;
}

async function openOnce(page: Page, url: string, captureUrl: string): Promise<OpenFigures> {
  await page.goto(url);
  await page.waitForFunction(() => (window as unknown as { __usable?: number }).__usable, null, {
    timeout: 60_000,
    polling: 50,
  });
  return page.evaluate(async (capture) => {
    const w = window as unknown as { __usable: number };
    const mark = (name: string) => performance.getEntriesByName(name)[0]?.startTime ?? NaN;
    const start = mark('signalscope:load-start');
    const read = mark('signalscope:capture-read');
    const open = mark('signalscope:session-open');
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
      loadStartMs: start,
      readMs: read - start,
      analyseMs: open - read,
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
    const opens: OpenFigures[] = [];
    let page: Page | undefined;
    for (let k = 0; k < REPEATS; k++) {
      await page?.close();
      page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
      await page.addInitScript(USABLE_PROBE);
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(String(e)));
      const o = await openOnce(page, url, captureUrl);
      if (errors.length > 0) throw new Error(`the page failed: ${errors.join('; ')}`);
      opens.push(o);
      log(
        `open ${String(k + 1)}: ${round(o.openMs)} ms (read ${round(o.readMs)}, analyse ${round(o.analyseMs)}), JSON.parse ${round(o.parseMs)} ms, fetch+parse ${round(o.fetchParseMs)} ms, rows ${String(o.rows)}`,
      );
    }
    if (!page) throw new Error('no page');
    const median = (key: keyof OpenFigures) =>
      quantile(
        opens.map((o) => o[key]),
        0.5,
      );
    log('interactions on the last page…');
    const i = await interactions(page);
    log(`last selected row: ${i.selected}`);
    const openMs = median('openMs');
    const parseMs = median('parseMs');
    const fetchParseMs = median('fetchParseMs');
    const ratio = openMs / parseMs;
    const figures = {
      bench: 'inspector-open',
      messages: MESSAGES,
      fileBytes: Buffer.byteLength(text),
      repeats: REPEATS,
      openMs: round(openMs),
      openMsAll: opens.map((o) => round(o.openMs)),
      readMs: round(median('readMs')),
      analyseMs: round(median('analyseMs')),
      parseMs: round(parseMs),
      fetchParseMs: round(fetchParseMs),
      ratio: Math.round(ratio * 100) / 100,
      ratioWithFetch: Math.round((openMs / fetchParseMs) * 100) / 100,
      rows: opens[0]?.rows ?? 0,
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
        ratio <= RATIO_TARGET &&
        quantile(i.scroll, 0.95) < FRAME_TARGET_MS &&
        quantile(i.cursor, 0.95) < FRAME_TARGET_MS,
    };
    console.log(JSON.stringify(figures));
  } finally {
    await browser.close();
    await server.close();
    rmSync(outDir, { recursive: true, force: true });
  }
}

await main();

/**
 * A newcomer's path end to end (issue 8 §1): the README's app command (`npm start`, i.e.
 * scripts/start.mjs: the demo room server and Vite's dev server) in Debian's chromium. The
 * app opens connected to the live demo room; the room graph fills; a message is selected;
 * the timeline is scrubbed back and the room at that moment is smaller; Record exports the
 * session; the exported file reopens showing the same rows; a HAR dropped on the window
 * opens. (The demo server killed and restarted under a live page is e2e/live.e2e.test.ts;
 * running a simulation waits for the simulator, issue 6.)
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { createInterface } from 'node:readline';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumLaunchOptions } from '../scripts/chromium.ts';
import { readCaptureText } from '../src/session/capture.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
let start: ChildProcess;
let appUrl: string;
let browser: Browser;
const output: string[] = [];

/** Vite prints `Local:   http://127.0.0.1:PORT/` (coloured); the first such URL is the app. */
function waitForAppUrl(child: ChildProcess): Promise<string> {
  return new Promise((resolve, reject) => {
    const lines = createInterface({ input: child.stdout ?? process.stdin });
    lines.on('line', (raw) => {
      // eslint-disable-next-line no-control-regex
      const line = raw.replace(/\u001b\[[0-9;]*m/g, '');
      output.push(line);
      const m = /Local:\s+(http:\/\/127\.0\.0\.1:\d+\/)/.exec(line);
      if (m?.[1]) resolve(m[1]);
    });
    child.once('exit', (code) => {
      reject(new Error(`npm start ended (${String(code)}) before serving:\n${output.join('\n')}`));
    });
  });
}

beforeAll(async () => {
  // The README's command is `npm start`; its script is `node scripts/check-node.mjs && node
  // scripts/start.mjs`. Run the second directly (under this Node 22) with a free Vite port.
  start = spawn(process.execPath, ['scripts/start.mjs', '--port', '0', '--strictPort', 'false'], {
    cwd: root,
    env: { ...process.env, SIGNALSCOPE_NO_OPEN: '1' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  appUrl = await waitForAppUrl(start);
  browser = await chromium.launch(chromiumLaunchOptions());
}, 120_000);

afterAll(async () => {
  await browser.close();
  start.kill('SIGTERM');
  await new Promise((resolve) => {
    if (start.exitCode !== null) resolve(undefined);
    else start.once('exit', resolve);
  });
});

const grid = (page: Page) => page.getByRole('grid', { name: 'Sequence diagram' });
const status = (page: Page) =>
  page.getByRole('region', { name: 'Live connection' }).getByRole('status');
/** The labels of the diagram's first `n` rows, scrolled to the top. */
async function rowLabels(page: Page, n: number): Promise<string[]> {
  return grid(page).evaluate(async (el, n) => {
    let scroller: HTMLElement | null = el as HTMLElement;
    while (scroller && scroller.scrollHeight <= scroller.clientHeight + 1) {
      scroller = scroller.parentElement;
    }
    if (scroller) {
      scroller.scrollTop = 0;
      scroller.dispatchEvent(new Event('scroll'));
    }
    await new Promise((r) => requestAnimationFrame(r));
    return [...el.querySelectorAll('[role="row"][aria-rowindex]')]
      .map(
        (r) =>
          [Number(r.getAttribute('aria-rowindex')), r.getAttribute('aria-label') ?? ''] as const,
      )
      .filter(([i]) => i <= n)
      .sort((a, b) => a[0] - b[0])
      .map(([, label]) => label);
  }, n);
}

describe('a newcomer runs `npm start`', () => {
  it('sees the live demo room, watches the room fill, selects, scrubs, records, reopens, drops a HAR', async () => {
    const page = await browser.newPage({
      viewport: { width: 1440, height: 900 },
      acceptDownloads: true,
    });
    const problems: string[] = [];
    page.on('pageerror', (e) => problems.push(String(e)));
    await page.goto(appUrl);

    // 1. The app opens connected to the demo room as an observer.
    await expect
      .poll(() => status(page).textContent(), { timeout: 30_000 })
      .toMatch(/^Live · observer: joined \((legacy|new) dialect\)/);
    await grid(page).waitFor();

    // 2. The room graph fills: the bots of the demo room are peers in it.
    await page.getByRole('tab', { name: /^Room/ }).click();
    const nodes = page.locator('.react-flow__node');
    await expect.poll(() => nodes.count(), { timeout: 20_000 }).toBeGreaterThanOrEqual(3);
    const nodesAtEnd = await nodes.count();

    // 3. Select a message: the join request; the detail names its method.
    await page.getByRole('tab', { name: /^Detail/ }).click();
    await grid(page)
      .getByRole('row', { name: /request join/ })
      .first()
      .click();
    await expect
      .poll(() => page.locator('.inspector__side').textContent())
      .toMatch(/request\s*join/);

    // 4. Scrub: the timeline's cursor back to the start of the session; the room at that
    // moment has fewer nodes than at the end.
    const slider = page.getByRole('slider', { name: 'Cursor' });
    await slider.focus();
    await page.keyboard.press('Home');
    await expect.poll(() => slider.getAttribute('aria-valuenow')).toBe('0');
    await page.getByRole('tab', { name: /^Room/ }).click();
    await expect.poll(() => nodes.count(), { timeout: 10_000 }).toBeLessThan(nodesAtEnd);

    // 5. Export: Record downloads the session as a capture.
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: /^Record/ }).click(),
    ]);
    const file = await download.path();
    const text = readFileSync(file, 'utf8');
    const read = readCaptureText(text);
    expect(read.errors).toEqual([]);
    expect(read.log.length).toBeGreaterThanOrEqual(6); // open, capabilities, version, join

    // 6. Reopen it (a second page, as a newcomer would after sending it to a colleague): the
    // same events, the same first rows.
    const again = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    again.on('pageerror', (e) => problems.push(String(e)));
    await again.goto(appUrl);
    await grid(again).waitFor();
    await again
      .locator('input[type="file"]')
      .first()
      .setInputFiles({
        name: download.suggestedFilename(),
        mimeType: 'application/json',
        buffer: Buffer.from(text),
      });
    await expect
      .poll(() => again.title(), { timeout: 20_000 })
      .toContain(download.suggestedFilename());
    // Rows: one per event, except runs of score notifications, which collapse alike in both.
    // The live page kept growing after Record: compare the rows the export holds.
    const n = Math.min(12, read.log.length);
    const live = await rowLabels(page, n);
    expect(live).toHaveLength(n);
    await expect.poll(() => rowLabels(again, n), { timeout: 20_000 }).toEqual(live);

    // 7. Drop a HAR on the window: it opens as its connections' traffic.
    const har = readFileSync(
      new URL('../fixtures/imports/legacy-participant-join.har', import.meta.url),
      'utf8',
    );
    await again.evaluate((content) => {
      const data = new DataTransfer();
      data.items.add(
        new File([content], 'legacy-participant-join.har', { type: 'application/json' }),
      );
      window.dispatchEvent(new DragEvent('dragenter', { dataTransfer: data, bubbles: true }));
      window.dispatchEvent(
        new DragEvent('drop', { dataTransfer: data, bubbles: true, cancelable: true }),
      );
    }, har);
    await expect
      .poll(() => again.title(), { timeout: 20_000 })
      .toContain('legacy-participant-join.har');
    await expect
      .poll(() =>
        grid(again)
          .getByRole('row', { name: /request join/ })
          .count(),
      )
      .toBeGreaterThan(0);

    expect(problems).toEqual([]);
    await again.close();
    await page.close();
  }, 120_000);
});

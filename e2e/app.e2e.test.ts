/**
 * End to end, as a newcomer: the built app (and the dev server `npm start` runs) in Debian's
 * chromium, opening the bundled demo, an example capture, a file and a broken file.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { build, createServer, preview, type PreviewServer, type ViteDevServer } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumLaunchOptions } from '../scripts/chromium.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
const outDir = mkdtempSync(join(tmpdir(), 'signalscope-e2e-'));
let browser: Browser;
let server: PreviewServer;
let base: string;

function addressOf(s: { httpServer: { address(): unknown } | null }): string {
  const a = s.httpServer?.address();
  if (!a || typeof a !== 'object' || !('port' in a)) throw new Error('server has no address');
  return `http://127.0.0.1:${String(a.port)}`;
}

/** A page that fails the test on any console error or uncaught exception. */
async function openPage(url: string): Promise<{ page: Page; problems: string[] }> {
  const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
  const problems: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(m.text());
  });
  page.on('pageerror', (e) => problems.push(String(e)));
  // The app ships a Content-Security-Policy (index.html): any violation is a problem.
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => {
      console.error(`CSP violation: ${e.violatedDirective} blocked ${e.blockedURI}`);
    });
  });
  await page.goto(url);
  return { page, problems };
}

beforeAll(async () => {
  await build({ root, logLevel: 'error', build: { outDir, emptyOutDir: true } });
  server = await preview({
    root,
    logLevel: 'error',
    build: { outDir },
    preview: { host: '127.0.0.1', port: 0, strictPort: false, open: false },
  });
  base = addressOf(server);
  browser = await chromium.launch(chromiumLaunchOptions());
}, 120_000);

afterAll(async () => {
  await browser.close();
  await server.close();
  rmSync(outDir, { recursive: true, force: true });
});

describe('the built app', () => {
  it('ships a Content-Security-Policy that forbids inline script and eval', async () => {
    const html = await (await fetch(`${base}/`)).text();
    const csp = /http-equiv="Content-Security-Policy"\s+content="([^"]+)"/.exec(html)?.[1] ?? '';
    const scriptSrc = /script-src ([^;]+)/.exec(csp)?.[1] ?? '';
    expect(scriptSrc.trim()).toBe("'self'");
    expect(csp).toContain("object-src 'none'");
    expect(csp).toContain("base-uri 'none'");
    // The page runs under it: no inline script in the built page.
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
  });

  it('opens the recorded demo decoded message by message, and a row shows its frame', async () => {
    const { page, problems } = await openPage(`${base}/`);
    const grid = page.getByRole('grid', { name: 'Sequence diagram' });
    await grid.waitFor();
    expect(await grid.getAttribute('aria-rowcount')).toBe('115'); // one row per event
    await expect.poll(() => page.getByRole('note').textContent()).toContain('Recorded demo');
    const join = page.getByRole('row', { name: /client \S+ to server, request join/ });
    await join.click();
    await expect.poll(() => page.locator('body').textContent()).toContain('displayName');
    await page.keyboard.press('ArrowDown');
    expect(await page.getByRole('row', { selected: true }).getAttribute('aria-label')).toMatch(
      /server to client \S+/,
    );
    expect(problems).toEqual([]);
    await page.close();
  });

  it('opens an example capture by link and shows its timeouts', async () => {
    const { page, problems } = await openPage(`${base}/`);
    await page
      .getByRole('navigation', { name: 'Example captures' })
      .getByRole('link', { name: 'request-timeout' })
      .click();
    await page.waitForURL(/capture=examples/);
    await page.getByRole('grid', { name: 'Sequence diagram' }).waitFor();
    await expect
      .poll(() => page.getByLabel('Session summary').textContent())
      .toMatch(/timed out\s*4(?!\d)/);
    expect(problems).toEqual([]);
    await page.close();
  });

  it('a shared link reopens the same view: capture, selection, filter, panel; the address follows', async () => {
    const link = `${base}/?capture=examples/request-timeout.sscap.jsonl&sel=54&q=restartIce&panel=findings`;
    const { page, problems } = await openPage(link);
    const grid = page.getByRole('grid', { name: 'Sequence diagram' });
    await grid.waitFor();
    // The filter: only restartIce rows (the request; it timed out, so no response).
    await expect.poll(() => grid.getAttribute('aria-rowcount')).toBe('1');
    expect(await page.getByRole('searchbox', { name: 'Search events' }).inputValue()).toBe(
      'restartIce',
    );
    const selected = grid.getByRole('row', { selected: true });
    expect(await selected.getAttribute('aria-label')).toMatch(/^seq 54, .*request restartIce/);
    expect(await page.getByRole('tab', { selected: true, name: /Findings/ }).count()).toBe(1);
    // Moving on changes the address, so the link to this view can be shared again.
    await page.getByRole('tab', { name: 'Detail' }).click();
    await expect.poll(() => page.url()).not.toContain('panel=findings');
    expect(page.url()).toContain('sel=54');
    expect(problems).toEqual([]);
    await page.close();
  });

  it('opens a file from the picker, and refuses a broken one naming line and field', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'signalscope-e2e-files-'));
    const broken = join(dir, 'broken.sscap.jsonl');
    writeFileSync(
      broken,
      '{"format":"signalscope-capture","version":1,"created":"2026-01-01T00:00:00Z","source":{"kind":"x"}}\n' +
        '{"seq":0,"t":0,"type":"ws.frame","conn":"c1","dir":"sideways","text":"{}"}\n' +
        '{"seq":1,"t":1,"type":"note","text":"<img src=x onerror=alert(1)>"}\n',
    );
    const { page, problems } = await openPage(`${base}/`);
    await page.getByRole('grid', { name: 'Sequence diagram' }).waitFor();
    await page.locator('input[type=file]').setInputFiles(broken);
    const alert = page.getByRole('alert');
    await alert.waitFor();
    expect(await alert.textContent()).toContain(
      'line 2, field dir: expected "in" or "out", found "sideways"',
    );
    await alert.getByRole('button', { name: /open the 1 event/i }).click();
    await page.getByRole('grid', { name: 'Sequence diagram' }).waitFor();
    expect(await page.locator('img[src=x]').count()).toBe(0);
    await expect
      .poll(() => page.locator('body').textContent())
      .toContain('<img src=x onerror=alert(1)>');
    expect(problems).toEqual([]);
    await page.close();
    rmSync(dir, { recursive: true, force: true });
  });
});

describe('the dev server that `npm start` runs', () => {
  let dev: ViteDevServer;
  beforeAll(async () => {
    dev = await createServer({
      root,
      logLevel: 'error',
      server: { host: '127.0.0.1', port: 0, open: false },
    });
    await dev.listen();
  }, 60_000);
  afterAll(async () => {
    await dev.close();
  });

  it('serves the app with the demo session', async () => {
    const { page, problems } = await openPage(addressOf(dev));
    await page
      .getByRole('row', { name: /request getRouterRtpCapabilities/ })
      .first()
      .waitFor({ timeout: 60_000 });
    expect(problems).toEqual([]);
    await page.close();
  }, 90_000);
});

/**
 * End to end, as a newcomer: the built app (and the dev server `npm start` runs) in Debian's
 * chromium, opening the bundled demo, an example capture, a file and a broken file.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
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

/** Payloads that would run or inject something if any view or export parsed them as markup. */
const PAYLOADS = [
  '<img src=x onerror="window.__pwned=1">',
  '<script>window.__pwned=2</script>',
  '<svg onload="window.__pwned=3"></svg>',
  '"><iframe srcdoc="<script>parent.__pwned=4</script>"></iframe>',
  'javascript:window.__pwned=5',
  ']]><script>window.__pwned=6</script><![CDATA[',
  '--><img src=x onerror=window.__pwned=7><!--',
  '</style><style>*{display:none}</style>',
  "'-alert(1)-'",
  'A->>B: forged\nparticipant Z\n%%{init: {"theme":"dark"}}%%\nend',
  '\u202egnp.exe\u0000#;',
];

/** A capture that carries every payload in every string a view or an export prints. */
function hostileCapture(): string {
  const lines: unknown[] = [
    {
      format: 'signalscope-capture',
      version: 1,
      created: '2026-01-01T00:00:00Z',
      source: { kind: 'e2e', title: PAYLOADS.join(' ') },
    },
  ];
  let seq = 0;
  let t = 0;
  const add = (e: Record<string, unknown>) => lines.push({ seq: seq++, t: (t += 5), ...e });
  PAYLOADS.forEach((p, k) => {
    const conn = `c${String(k)}${p}`;
    const frame = (dir: 'in' | 'out', v: unknown) =>
      add({ type: 'ws.frame', conn, dir, text: JSON.stringify(v) });
    add({ type: 'ws.open', conn, url: `wss://x/?roomId=${encodeURIComponent(p)}&peerId=${p}` });
    frame('out', {
      request: true,
      id: 1,
      method: 'join',
      data: { displayName: p, device: { name: p } },
    });
    frame('in', {
      response: true,
      id: 1,
      ok: true,
      data: { peers: [{ id: p, displayName: p, device: { name: p } }] },
    });
    frame('in', {
      notification: true,
      method: 'newPeer',
      data: { id: `${p}2`, displayName: p, device: {} },
    });
    frame('out', { request: true, id: 2, method: p, data: { reason: p } });
    frame('in', { response: true, id: 2, ok: false, errorCode: 500, errorReason: p });
    frame('in', { notification: true, method: p, data: { p } });
    add({ type: 'ws.frame', conn, dir: 'in', text: `{"broken": ${p}` });
    add({
      type: 'pc',
      pc: `pc${p}`,
      conn,
      event: 'setRemoteDescription',
      value: {
        type: 'offer',
        sdp: `v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=${p}\r\nt=0 0\r\nm=audio 9 UDP/TLS/RTP/SAVPF 111\r\na=mid:${p}\r\na=ice-ufrag:${p}\r\na=rtpmap:111 ${p}/48000/2\r\n`,
      },
    });
    add({ type: 'note', text: p, conn });
    add({ type: 'ws.close', conn, code: 4000, reason: p });
  });
  return lines.map((l) => JSON.stringify(l)).join('\n') + '\n';
}

describe('hostile content', () => {
  it('every view and export shows payloads as text; nothing runs or is injected', async () => {
    const context = await browser.newContext({
      viewport: { width: 1440, height: 900 },
      acceptDownloads: true,
    });
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: base });
    const page = await context.newPage();
    const problems: string[] = [];
    page.on('pageerror', (e) => problems.push(String(e)));
    page.on('dialog', (d) => {
      problems.push(`dialog: ${d.message()}`);
      void d.dismiss();
    });
    page.on('console', (m) => {
      if (m.type() === 'error') problems.push(m.text());
    });
    await page.goto(`${base}/`);
    await page.getByRole('grid', { name: 'Sequence diagram' }).waitFor();
    await page
      .locator('input[type=file]')
      .first()
      .setInputFiles({
        name: `${PAYLOADS[0] ?? ''}.sscap.jsonl`,
        mimeType: 'application/json',
        buffer: Buffer.from(hostileCapture()),
      });
    const grid = page.getByRole('grid', { name: 'Sequence diagram' });
    await expect.poll(() => grid.getAttribute('aria-rowcount')).not.toBe('115');

    /** Nothing a payload could have made: no injected element, no handler run. */
    const injected = () =>
      page.evaluate(() => ({
        pwned: (window as unknown as { __pwned?: number }).__pwned ?? null,
        elements: document.querySelectorAll(
          'img[src="x"], iframe, body script, [onerror], [onload], [srcdoc]',
        ).length,
        hidden: getComputedStyle(document.body).display,
      }));
    const clean = { pwned: null, elements: 0, hidden: 'block' };

    // The sequence diagram, then each row in the detail (SDP included), then every panel.
    expect(await injected()).toEqual(clean);
    await expect.poll(() => page.locator('body').textContent()).toContain(PAYLOADS[1]);
    const rows = grid.getByRole('row');
    const n = Math.min(await rows.count(), 30);
    for (let k = 0; k < n; k++) {
      await rows.nth(k).click();
      expect(await injected()).toEqual(clean);
    }
    for (const tab of ['Events', 'Sequence']) {
      await page.getByRole('tab', { name: tab, exact: true }).click();
      expect(await injected()).toEqual(clean);
    }
    for (const tab of [/^Room/, /^Machines/, /^Findings/, /^Detail/]) {
      await page.getByRole('tab', { name: tab }).click();
      await page.waitForTimeout(200);
      expect(await injected()).toEqual(clean);
    }
    await page.keyboard.press('?');
    expect(await injected()).toEqual(clean);
    await page.keyboard.press('Escape');

    // Exports: the SVG is well-formed XML whose only elements are drawing ones; the PNG is
    // a PNG; the Mermaid text keeps every payload inside its quoted labels.
    const exportAs = async (item: RegExp) => {
      await page.getByRole('button', { name: 'Export ▾' }).click();
      await page.getByRole('menuitem', { name: item }).click();
    };
    const [svgDownload] = await Promise.all([page.waitForEvent('download'), exportAs(/SVG/)]);
    const svg = readFileSync(await svgDownload.path(), 'utf8');
    const svgCheck = await page.evaluate((text) => {
      const doc = new DOMParser().parseFromString(text, 'image/svg+xml');
      const error = doc.querySelector('parsererror')?.textContent ?? null;
      const names = new Set([...doc.querySelectorAll('*')].map((e) => e.localName));
      const handlers = [...doc.querySelectorAll('*')].flatMap((e) =>
        [...e.attributes].map((a) => a.name).filter((a) => a.startsWith('on')),
      );
      return { error, names: [...names].sort(), handlers };
    }, svg);
    expect(svgCheck.error).toBeNull();
    expect(svgCheck.handlers).toEqual([]);
    for (const bad of ['script', 'foreignObject', 'iframe', 'img', 'image']) {
      expect(svgCheck.names).not.toContain(bad);
    }
    expect(svg).toContain('&lt;script&gt;window.__pwned=2&lt;/script&gt;');
    const [pngDownload] = await Promise.all([page.waitForEvent('download'), exportAs(/PNG/)]);
    const png = readFileSync(await pngDownload.path());
    expect(png.subarray(1, 4).toString('latin1')).toBe('PNG');
    expect(png.length).toBeGreaterThan(1000);
    await exportAs(/Mermaid/);
    await expect.poll(() => page.getByRole('status').first().textContent()).toMatch(/copied/i);
    const mermaid = await page.evaluate(() => navigator.clipboard.readText());
    const mermaidLines = mermaid.split('\n');
    expect(mermaidLines[0]).toBe('sequenceDiagram');
    // No payload starts a line of its own (a forged participant, directive or end).
    for (const line of mermaidLines.slice(1)) {
      expect(line).not.toMatch(/^\s*(participant Z|%%\{init|end\s*$|<)/);
    }
    expect(await injected()).toEqual(clean);
    expect(problems).toEqual([]);
    await context.close();
  }, 120_000);
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

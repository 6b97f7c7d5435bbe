/**
 * The live source end to end: the built app in Debian's chromium connects by URL to the demo
 * room server (server/demo, real protoo-server) with the real protoo-client and, as a
 * participant, the real mediasoup-client; the session is recorded, downloaded with Record
 * and read back; the server is killed and restarted under it.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { build, preview, type PreviewServer } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumLaunchOptions } from '../scripts/chromium.ts';
import { startDemoServer, type DemoServer } from '../server/demo/server.ts';
import { startProxy } from '../server/proxy/proxy.ts';
import { SessionAnalysis } from '../src/projections/analysis.ts';
import { readCaptureText } from '../src/session/capture.ts';
import type { SessionEvent } from '../src/session/events.ts';
import { SessionLog } from '../src/session/SessionLog.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
const outDir = mkdtempSync(join(tmpdir(), 'signalscope-live-e2e-'));
let browser: Browser;
let app: PreviewServer;
let base: string;
let demo: DemoServer;

beforeAll(async () => {
  process.env.NODE_ENV = 'production';
  await build({ root, logLevel: 'error', build: { outDir, emptyOutDir: true } });
  app = await preview({
    root,
    logLevel: 'error',
    build: { outDir },
    preview: { host: '127.0.0.1', port: 0, strictPort: false, open: false },
  });
  const a = app.httpServer.address();
  if (!a || typeof a !== 'object') throw new Error('no preview address');
  base = `http://127.0.0.1:${String(a.port)}`;
  demo = await startDemoServer({ port: 0, botIntervalMs: 400, seed: 'e2e' });
  const options = chromiumLaunchOptions();
  browser = await chromium.launch({
    ...options,
    args: [...options.args, '--autoplay-policy=no-user-gesture-required'],
  });
}, 120_000);

afterAll(async () => {
  await browser.close();
  await app.close();
  await demo.close();
  rmSync(outDir, { recursive: true, force: true });
});

async function open(url: string, mode: string): Promise<{ page: Page; problems: string[] }> {
  const page = await browser.newPage({
    viewport: { width: 1440, height: 900 },
    acceptDownloads: true,
  });
  const problems: string[] = [];
  page.on('pageerror', (e) => problems.push(String(e)));
  await page.goto(`${base}/?connect=${encodeURIComponent(url)}&mode=${mode}`);
  return { page, problems };
}

const status = (page: Page) =>
  page.getByRole('region', { name: 'Live connection' }).getByRole('status');

/** Clicks Record and reads the downloaded capture. */
async function record(
  page: Page,
): Promise<{ name: string; events: SessionEvent[]; errors: number }> {
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('button', { name: /^Record/ }).click(),
  ]);
  const path = await download.path();
  const text = readFileSync(path, 'utf8');
  const read = readCaptureText(text);
  const events = Array.from({ length: read.log.length }, (_, i) => read.log.get(i));
  return { name: download.suggestedFilename(), events, errors: read.errors.length };
}

function methods(events: readonly SessionEvent[], dir: 'in' | 'out'): string[] {
  return events.flatMap((e) => {
    if (e.type !== 'ws.frame' || e.dir !== dir || e.text === undefined) return [];
    const m = JSON.parse(e.text) as { method?: string };
    return m.method === undefined ? [] : [m.method];
  });
}

describe('live rooms by URL', () => {
  it('joins the demo room as an observer, shows its peers, and records the session', async () => {
    const { page, problems } = await open(demo.demoUrl, 'observer');
    await expect
      .poll(() => status(page).textContent(), { timeout: 15_000 })
      .toMatch(/^Live · observer: joined \(legacy dialect\), 3 other peers$/);
    const grid = page.getByRole('grid', { name: 'Sequence diagram' });
    await grid.waitFor();
    // The bots are lifelines, learned from join's answer.
    // The client, the server and the three bots, learned from join's answer.
    const lifelines = page.getByRole('list', { name: 'Lifelines' }).getByRole('listitem');
    await expect.poll(() => lifelines.count(), { timeout: 15_000 }).toBe(5);
    const { name, events, errors } = await record(page);
    expect(errors).toBe(0);
    expect(name).toMatch(/^signalscope-127\.0\.0\.1-\d+-demo-.*\.sscap\.jsonl$/);
    const out = methods(events, 'out');
    expect(out.slice(0, 2)).toEqual(['getRouterRtpCapabilities', 'join']);
    const join = events.find(
      (e) => e.type === 'ws.frame' && e.dir === 'out' && e.text?.includes('"join"'),
    );
    expect(join?.type === 'ws.frame' && JSON.parse(join.text ?? '{}')).toMatchObject({
      data: { displayName: 'signalscope', device: { flag: 'signalscope' } },
    });
    expect(JSON.stringify(join)).not.toContain('rtpCapabilities');
    expect(methods(events, 'in')).toContain('mediasoup-version');
    expect(problems).toEqual([]);
    await page.close();
  });

  it('participates in a new-dialect room with a real mediasoup-client: produces, consumes, traces its pcs', async () => {
    const url = `${demo.url}/?roomId=e2e-new&dialect=new&bots=2`;
    const { page, problems } = await open(url, 'participant');
    await expect
      .poll(() => status(page).textContent(), { timeout: 20_000 })
      .toMatch(
        /^Live · participant \(new dialect\): 2 producing, [1-9]\d* consuming, 2 other peers$/,
      );
    const { events, errors } = await record(page);
    expect(errors).toBe(0);
    const out = methods(events, 'out');
    expect(out.filter((m) => m === 'createWebRtcTransport')).toHaveLength(2);
    expect(out.filter((m) => m === 'produce')).toHaveLength(2);
    // Every newConsumer was answered ok.
    const log = new SessionLog();
    for (const e of events) log.appendWithSeq(e);
    const analysis = new SessionAnalysis(log).update();
    let offered = 0;
    let accepted = 0;
    for (let i = 0; i < analysis.length; i++) {
      if (analysis.method(i) === 'newConsumer' && analysis.kind(i) === 'request') {
        offered++;
        if (analysis.outcome(i) === 'ok') accepted++;
      }
    }
    expect(offered).toBeGreaterThan(0);
    expect(accepted).toBe(offered);
    // The real RTCPeerConnections are traced, each tied to its transport.
    const pcs = events.flatMap((e) => (e.type === 'pc' ? [e] : []));
    const creates = pcs.filter((e) => e.event === 'create');
    expect(creates.map((e) => (e.value as { direction: string }).direction)).toEqual([
      'send',
      'recv',
    ]);
    const names = new Set(pcs.map((e) => e.event));
    for (const n of [
      'createOffer',
      'setLocalDescription',
      'setRemoteDescription',
      'signalingstatechange',
    ]) {
      expect(names).toContain(n);
    }
    expect(problems).toEqual([]);
    await page.close();
  });

  it('follows a recording proxy’s tap: every client that goes through the proxy gets its lifeline', async () => {
    const proxy = await startProxy({ target: demo.url, listen: '127.0.0.1:0' });
    const pages: Page[] = [];
    try {
      // Two observers whose URL points at the proxy instead of the server: no other change.
      for (const peer of ['tap-a', 'tap-b']) {
        const { page } = await open(`${proxy.url}/?roomId=tapped&peerId=${peer}`, 'observer');
        pages.push(page);
        await expect
          .poll(() => status(page).textContent(), { timeout: 15_000 })
          .toMatch(/^Live · observer: joined/);
      }
      const viewer = await browser.newPage({ viewport: { width: 1440, height: 900 } });
      pages.push(viewer);
      await viewer.goto(`${base}/?tap=${encodeURIComponent(proxy.tapUrl)}`);
      await expect
        .poll(() => status(viewer).textContent(), { timeout: 15_000 })
        .toBe('Live · tap: 2 client connections recorded by the proxy');
      // One lifeline per client, and the server; the tap has no composer.
      const lifelines = viewer.getByRole('list', { name: 'Lifelines' });
      await expect.poll(() => lifelines.textContent(), { timeout: 15_000 }).toMatch(/c1.*c2/);
      expect(await viewer.getByRole('button', { name: 'Send a request…' }).count()).toBe(0);
      // The tap shows what the proxy recorded, frame for frame.
      const shown = async () =>
        Number(
          (
            (await viewer
              .getByText(/^[\d,]+ events$/)
              .first()
              .textContent()) ?? ''
          ).replace(/\D/g, ''),
        );
      await expect.poll(shown, { timeout: 10_000 }).toBe(proxy.capture.length);
    } finally {
      for (const p of pages) await p.close();
      await proxy.close();
    }
  });

  it('survives the server being killed and restarted: reconnection shown, nothing recorded before lost', async () => {
    const port = await freePort();
    let server = await spawnDemoServer(port);
    const { page } = await open(`ws://127.0.0.1:${String(port)}/?roomId=demo`, 'observer');
    try {
      await expect
        .poll(() => status(page).textContent(), { timeout: 15_000 })
        .toMatch(/^Live · observer: joined/);
      const before = await record(page);
      // A crash: no close frame, the socket just dies.
      server.kill('SIGKILL');
      await expect
        .poll(() => status(page).textContent(), { timeout: 15_000 })
        .toMatch(/^Reconnecting: attempt \d+ of 11 failed, next in \d+ s$/);
      server = await spawnDemoServer(port);
      await expect
        .poll(() => status(page).textContent(), { timeout: 20_000 })
        .toMatch(/^Live · observer: joined/);
      const after = await record(page);
      expect(after.errors).toBe(0);
      // Everything recorded before the crash is still there, in order, and more came.
      expect(after.events.slice(0, before.events.length)).toEqual(before.events);
      expect(after.events.filter((e) => e.type === 'ws.open')).toHaveLength(2);
      expect(after.events.some((e) => e.type === 'ws.close' && e.code === 1006)).toBe(true);
      expect(after.events.some((e) => e.type === 'ws.error')).toBe(true);
      expect(methods(after.events, 'out').filter((m) => m === 'join')).toHaveLength(2);
    } finally {
      await page.close();
      server.kill('SIGKILL');
    }
  });
});

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const a = probe.address();
      probe.close(() => {
        resolve(typeof a === 'object' && a ? a.port : 0);
      });
    });
  });
}

/** The demo server as its own process (`npm run demo-server`), so that it can be killed. */
function spawnDemoServer(port: number): Promise<ChildProcess> {
  const child = spawn(
    process.execPath,
    [join(root, 'server/demo/demo-server.mjs'), '--port', String(port), '--bots', '1'],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes('demo room')) resolve(child);
    });
    child.stderr.on('data', (d: Buffer) => {
      out += d.toString();
    });
    child.once('exit', (code) => {
      reject(new Error(`the demo server exited (${String(code)}): ${out}`));
    });
  });
}

/**
 * End to end against a real SFU: two pages of the built app in Debian's chromium (fake camera
 * and microphone allowed) join one room of the mediasoup SFU in server/sfu as participants
 * (`?connect=<room url>&mode=participant`), each producing audio and video and consuming the
 * other's. The session one page records (its Record button's `.sscap.jsonl`) is read back with
 * the project's own capture reader and analysis, and must show the real outcome: both of the
 * page's transports connected, its producers scored above 0 by the SFU, and the consumers of
 * the other page's producers accepted, resumed (not paused) and scored above 0.
 *
 * Skipped, saying why, only where mediasoup's worker cannot be built on this machine.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { build, preview, type PreviewServer } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { valuesOf } from '../machines/mediasoupClientMachine.tables.ts';
import type { RoomModel } from '../machines/mediasoupClientMachine.ts';
import { chromiumLaunchOptions } from '../scripts/chromium.ts';
import { startSfuServer, type SfuServer } from '../server/sfu/sfuServer.ts';
import {
  mediasoupWorkerBin,
  workerBuildImpossibleReason,
  workerHome,
} from '../server/sfu/workerBin.ts';
import { SessionAnalysis } from '../src/projections/analysis.ts';
import { createMachineDrivers } from '../src/projections/machineStates.ts';
import { readCaptureText } from '../src/session/capture.ts';

const impossible = workerBuildImpossibleReason();
if (impossible !== undefined) {
  console.warn(
    `e2e/sfu.e2e.test.ts skipped: the mediasoup worker cannot be built here (${impossible})`,
  );
}

const FAKE_MEDIA = ['--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream'];
const ROOM = 'e2e-sfu';
/** How long the media may take to flow and be scored once both pages consume. */
const MEDIA_DEADLINE_MS = 40_000;

const root = fileURLToPath(new URL('..', import.meta.url));
const outDir = mkdtempSync(join(tmpdir(), 'signalscope-e2e-sfu-'));
let browser: Browser | undefined;
let server: PreviewServer | undefined;
let sfu: SfuServer | undefined;
let base: string;

function addressOf(s: { httpServer: { address(): unknown } | null }): string {
  const a = s.httpServer?.address();
  if (!a || typeof a !== 'object' || !('port' in a)) throw new Error('server has no address');
  return `http://127.0.0.1:${String(a.port)}`;
}

interface Participant {
  readonly peerId: string;
  readonly page: Page;
  readonly errors: string[];
}

async function openParticipant(peerId: string): Promise<Participant> {
  if (!browser || !sfu) throw new Error('not started');
  const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  const room = `${sfu.url}/?roomId=${ROOM}&peerId=${peerId}`;
  await page.goto(`${base}/?connect=${encodeURIComponent(room)}&mode=participant`);
  return { peerId, page, errors };
}

/** Clicks Record and returns the downloaded capture's text. */
async function record(p: Participant): Promise<{ name: string; text: string }> {
  const [download] = await Promise.all([
    p.page.waitForEvent('download'),
    p.page.getByRole('button', { name: /^Record/ }).click(),
  ]);
  const path = await download.path();
  return { name: download.suggestedFilename(), text: readFileSync(path, 'utf8') };
}

interface Outcome {
  readonly room: RoomModel;
  readonly transports: { id: string; direction: string; state: string }[];
  readonly producers: { id: string; kind: string | null; scores: readonly number[] }[];
  readonly consumers: {
    id: string;
    kind: string | null;
    peerId: string | null;
    producerId: string | null;
    state: string;
    paused: boolean;
    closed: boolean;
    score: number | null;
    producerScore: number | null;
  }[];
}

/** The page's mediasoup room model at the capture's last event, by the project's analysis. */
function outcomeOf(text: string): Outcome {
  const { log, errors } = readCaptureText(text);
  expect(errors.map((e) => e.message)).toEqual([]);
  const analysis = new SessionAnalysis(log).update();
  const drivers = createMachineDrivers(analysis);
  drivers.update();
  const tracks = drivers.mediasoup.tracks();
  expect(tracks).toHaveLength(1);
  const room = drivers.mediasoup.room(log.length - 1);
  if (!room) throw new Error('the capture has no mediasoup connection');
  return {
    room,
    transports: valuesOf(room.transports).map((t) => ({
      id: t.id,
      direction: t.direction,
      state: t.connectionState,
    })),
    producers: valuesOf(room.producers).map((p) => ({ id: p.id, kind: p.kind, scores: p.scores })),
    consumers: valuesOf(room.consumers).map((c) => ({
      id: c.id,
      kind: c.kind,
      peerId: c.peerId,
      producerId: c.producerId,
      state: c.state,
      paused: c.paused,
      closed: c.closed,
      score: c.score,
      producerScore: c.producerScore,
    })),
  };
}

function mediaFlows(o: Outcome, otherPeer: string): boolean {
  const consumers = o.consumers.filter((c) => c.peerId === otherPeer);
  return (
    o.transports.length === 2 &&
    o.transports.every((t) => t.state === 'connected') &&
    o.producers.length === 2 &&
    o.producers.every((p) => p.scores.some((s) => s > 0)) &&
    consumers.length === 2 &&
    consumers.every(
      (c) =>
        c.state === 'accepted' && !c.paused && (c.score ?? 0) > 0 && (c.producerScore ?? 0) > 0,
    )
  );
}

describe.skipIf(impossible !== undefined)('participants in a real mediasoup SFU room', () => {
  beforeAll(async () => {
    if (mediasoupWorkerBin() === undefined) {
      throw new Error(
        `no mediasoup worker in ${workerHome()}: this machine can build it, so build it first ` +
          'with `node scripts/build-mediasoup-worker.mjs` (the test command does)',
      );
    }
    sfu = await startSfuServer({ port: 0, rtcMinPort: 40300, rtcMaxPort: 40399 });
    await build({ root, logLevel: 'error', build: { outDir, emptyOutDir: true } });
    server = await preview({
      root,
      logLevel: 'error',
      build: { outDir },
      preview: { host: '127.0.0.1', port: 0, strictPort: false, open: false },
    });
    base = addressOf(server);
    browser = await chromium.launch(chromiumLaunchOptions(FAKE_MEDIA));
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await sfu?.close();
    rmSync(outDir, { recursive: true, force: true });
  });

  it('two pages join, each consumes the other, and the recorded capture shows media flowing', async () => {
    const alice = await openParticipant('alice');
    const bob = await openParticipant('bob');
    for (const p of [alice, bob]) {
      // The live bar describes the participant: what it produces and consumes.
      await expect
        .poll(() => p.page.getByRole('status').first().textContent(), { timeout: 30_000 })
        .toMatch(/2 producing, 2 consuming/);
    }
    expect(sfu?.rooms().map((r) => [r.roomId, r.dialect, [...r.peers].sort()])).toEqual([
      [ROOM, 'legacy', ['alice', 'bob']],
    ]);

    // Media takes a moment to flow and be scored: record until the capture shows it, or the
    // deadline passes (then the assertions below say what is missing).
    const deadline = Date.now() + MEDIA_DEADLINE_MS;
    let capture = await record(alice);
    let outcome = outcomeOf(capture.text);
    while (!mediaFlows(outcome, 'bob') && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 1000));
      capture = await record(alice);
      outcome = outcomeOf(capture.text);
    }
    expect(capture.name).toMatch(/\.sscap\.jsonl$/);

    // Both of Alice's transports reached `connected` (her pcs' connectionstatechange).
    expect(outcome.transports.map((t) => [t.direction, t.state]).sort()).toEqual([
      ['recv', 'connected'],
      ['send', 'connected'],
    ]);
    // Her producers: audio and video, each scored above 0 by the SFU (producerScore).
    expect(outcome.producers.map((p) => p.kind).sort()).toEqual(['audio', 'video']);
    expect(
      outcome.producers
        .map((p) => [
          p.kind,
          p.scores.some((score) => score > 0)
            ? 'scored'
            : `no producerScore above 0 (${JSON.stringify(p.scores)})`,
        ])
        .sort((a, b) => String(a[0]).localeCompare(String(b[0]))),
    ).toEqual([
      ['audio', 'scored'],
      ['video', 'scored'],
    ]);
    // The consumers of Bob's producers: accepted (newConsumer answered ok), resumed, scored
    // above 0, and Bob's producer behind each scored above 0 too (its media arrives).
    const fromBob = outcome.consumers.filter((c) => c.peerId === 'bob');
    expect(
      fromBob
        .map((c) => ({
          kind: c.kind,
          state: c.state,
          paused: c.paused,
          closed: c.closed,
          scoredAbove0: (c.score ?? 0) > 0,
          // consumerScore's producerScore: Bob's media reaches the SFU for this consumer
          producerScoredAbove0: (c.producerScore ?? 0) > 0,
        }))
        .sort((a, b) => String(a.kind).localeCompare(String(b.kind))),
    ).toEqual([
      {
        kind: 'audio',
        state: 'accepted',
        paused: false,
        closed: false,
        scoredAbove0: true,
        producerScoredAbove0: true,
      },
      {
        kind: 'video',
        state: 'accepted',
        paused: false,
        closed: false,
        scoredAbove0: true,
        producerScoredAbove0: true,
      },
    ]);

    // They are Bob's real producers: his own capture names the same ids.
    const bobs = outcomeOf((await record(bob)).text);
    expect(fromBob.map((c) => c.producerId).sort()).toEqual(bobs.producers.map((p) => p.id).sort());
    expect(
      bobs.consumers
        .filter((c) => c.peerId === 'alice')
        .map((c) => c.producerId)
        .sort(),
    ).toEqual(outcome.producers.map((p) => p.id).sort());

    expect(alice.errors).toEqual([]);
    expect(bob.errors).toEqual([]);
    await alice.page.close();
    await bob.page.close();
  }, 120_000);
});

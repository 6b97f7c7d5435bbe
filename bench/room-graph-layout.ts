/**
 * Benchmark: the room graph of a room of 50 peers and 2,000 consumers lays out in under 1 s,
 * in real Chromium.
 *
 * Builds the room model in node the way the driver does (the sample client's events fed
 * through `reduceRoom`: 50 peers, 2,000 `newConsumer`s, one in 97 rejected and one in 31
 * paused, 51 data consumers, both transports connected), bundles the view's model and layout
 * (`src/views/RoomGraph/model.ts`, `layout.ts`) with vite for the page, and in Chromium
 * times, BENCH_REPEATS times (default 5):
 *   - layoutMs: `roomGraph(room)` + `layoutGraph(graph)`, what the view computes when the
 *     cursor lands on the room (graphMs and positionsMs are the two parts). Target < 1000 ms
 *     (median and max reported; `pass` uses the max);
 *   - incrementalMs: the same for the room one `newConsumer` later, keeping the nodes in
 *     place (`layoutGraph(graph, previous.cache)`), what a step of the cursor costs;
 *   - renderMs: mounting the diagram (`RoomGraphCanvas`, xyflow) in a 1400×900 page until
 *     its nodes are painted (not part of the target).
 * With BENCH_COMPARE=1 it also times dagre and elkjs (layered) once each on the same nodes
 * and edges (the measurements behind choosing neither; see layout.ts).
 *
 *   node bench/room-graph-layout.ts        (BENCH_SCALE=0.01 for 1 peer and 20 consumers)
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { build, type Plugin } from 'vite';
import react from '@vitejs/plugin-react';
import {
  INITIAL_ROOM,
  reduceRoom,
  type RoomModel,
  type RoomModelJSON,
} from '../machines/mediasoupClientMachine.context.ts';
import { chromiumLaunchOptions } from '../scripts/chromium.ts';
import {
  sampleRoomEvents,
  withConnectionStates,
  type SampleRoomOptions,
} from '../src/views/RoomGraph/sampleRoom.ts';
import { benchScale, envInt, median, printFigures, round, say } from './lib/report.ts';

const FULL_PEERS = 50;
const FULL_CONSUMERS = 2000;
const TARGET_MS = 1000;

const root = fileURLToPath(new URL('..', import.meta.url));
const scale = benchScale();
const repeats = envInt('BENCH_REPEATS', 5);
const compare = process.env.BENCH_COMPARE === '1';
const options: SampleRoomOptions = {
  peers: Math.max(1, Math.round(FULL_PEERS * scale)),
  consumers: Math.max(2, Math.round(FULL_CONSUMERS * scale)),
  rejectEvery: 97,
  pauseEvery: 31,
};

/** The room after all the sample's events, and just before its last newConsumer. */
function rooms(): { before: RoomModel; after: RoomModel } {
  const events = sampleRoomEvents(options);
  let last = -1;
  events.forEach((e, i) => {
    if (e.type === 'ms.serverRequest' && e.method === 'newConsumer') last = i;
  });
  let room = INITIAL_ROOM;
  let before = INITIAL_ROOM;
  events.forEach((e, i) => {
    if (i === last) before = room;
    room = reduceRoom(room, e);
  });
  return {
    before: withConnectionStates(before, 'connected', 'connected'),
    after: withConnectionStates(room, 'connected', 'connected'),
  };
}

/** The page's code: model, layout, the diagram, and (BENCH_COMPARE) dagre and elkjs. */
const ENTRY = `
import { createElement } from 'react';
import { createRoot } from 'react-dom/client';
import { roomFromJSON } from '/machines/mediasoupClientMachine.context.ts';
import { roomGraph } from '/src/views/RoomGraph/model.ts';
import { layoutGraph } from '/src/views/RoomGraph/layout.ts';
import { RoomGraphCanvas } from '/src/views/RoomGraph/RoomGraphCanvas.tsx';
import { NODE_SIZE } from '/src/views/RoomGraph/layout.ts';

const frame = () => new Promise((resolve) => requestAnimationFrame(() => resolve()));

export function layout(roomJson, beforeJson, repeats) {
  const runs = [];
  for (let i = 0; i < repeats; i++) {
    // fresh tables every run: none has its entries' order cached yet
    const room = roomFromJSON(roomJson);
    const before = roomFromJSON(beforeJson);
    const t0 = performance.now();
    const graph = roomGraph(room);
    const t1 = performance.now();
    const positioned = layoutGraph(graph);
    const t2 = performance.now();
    const previous = layoutGraph(roomGraph(before));
    const t3 = performance.now();
    const next = layoutGraph(roomGraph(room), previous.cache);
    const t4 = performance.now();
    runs.push({
      graphMs: t1 - t0,
      positionsMs: t2 - t1,
      layoutMs: t2 - t0,
      incrementalMs: t4 - t3,
      kept: next.kept,
      nodes: graph.nodes.length,
      edges: graph.edges.length,
      placed: positioned.positions.size,
    });
  }
  return runs;
}

export async function render(roomJson) {
  const room = roomFromJSON(roomJson);
  const host = document.createElement('div');
  host.style.cssText = 'width:1400px;height:900px;display:flex';
  document.body.append(host);
  const graph = roomGraph(room);
  const t0 = performance.now();
  const reactRoot = createRoot(host);
  reactRoot.render(createElement(RoomGraphCanvas, {
    graph, resetKey: 'bench', selectedId: null, onActivate() {}, onClear() {},
  }));
  while (host.querySelectorAll('.react-flow__node').length === 0) await frame();
  await frame();
  await frame();
  const ms = performance.now() - t0;
  const rendered = host.querySelectorAll('.react-flow__node').length;
  reactRoot.unmount();
  host.remove();
  return { ms, rendered };
}

export async function others(roomJson) {
  const graph = roomGraph(roomFromJSON(roomJson));
  const { default: dagre } = await import('@dagrejs/dagre');
  const { default: ELK } = await import('elkjs/lib/elk.bundled.js');
  let t = performance.now();
  const g = new dagre.graphlib.Graph();
  g.setGraph({ rankdir: 'LR', nodesep: 16, ranksep: 80 });
  g.setDefaultEdgeLabel(() => ({}));
  for (const n of graph.nodes) g.setNode(n.id, { ...NODE_SIZE[n.data.type] });
  for (const e of graph.edges) g.setEdge(e.source, e.target);
  dagre.layout(g);
  const dagreMs = performance.now() - t;
  t = performance.now();
  await new ELK().layout({
    id: 'root',
    layoutOptions: { 'elk.algorithm': 'layered', 'elk.direction': 'RIGHT' },
    children: graph.nodes.map((n) => ({ id: n.id, ...NODE_SIZE[n.data.type] })),
    edges: graph.edges.map((e) => ({ id: e.id, sources: [e.source], targets: [e.target] })),
  });
  return { dagreMs, elkMs: performance.now() - t };
}
`;

function entryPlugin(): Plugin {
  const id = 'virtual:room-graph-bench';
  return {
    name: 'room-graph-bench-entry',
    enforce: 'pre',
    // vite resolves a lib entry against the root: `<root>/virtual:…`
    resolveId: (source) => (source.endsWith(id) ? `\0${id}` : undefined),
    load: (source) => (source === `\0${id}` ? ENTRY : undefined),
  };
}

interface Bundle {
  readonly js: string;
  readonly css: string;
}

async function bundle(): Promise<Bundle> {
  // A production build whatever the caller's NODE_ENV (vitest sets `test`, which makes the
  // React plugin emit the development JSX runtime).
  process.env.NODE_ENV = 'production';
  const outDir = mkdtempSync(join(tmpdir(), 'room-graph-bench-'));
  try {
    const result = await build({
      configFile: false,
      root,
      logLevel: 'silent',
      plugins: [react(), entryPlugin()],
      define: { 'process.env.NODE_ENV': JSON.stringify('production') },
      build: {
        outDir,
        write: false,
        minify: true,
        sourcemap: false,
        lib: {
          entry: 'virtual:room-graph-bench',
          formats: ['iife'],
          name: 'RoomGraphBench',
          fileName: 'bench',
        },
      },
    });
    const outputs = (Array.isArray(result) ? result : [result]).flatMap((r) =>
      'output' in r ? r.output : [],
    );
    let js = '';
    let css = '';
    for (const o of outputs) {
      if (o.type === 'chunk') js += o.code;
      else if (o.fileName.endsWith('.css')) css += String(o.source);
    }
    if (js === '') throw new Error('room-graph-layout: vite produced no script');
    return { js, css };
  } finally {
    rmSync(outDir, { recursive: true, force: true });
  }
}

interface Run {
  readonly graphMs: number;
  readonly positionsMs: number;
  readonly layoutMs: number;
  readonly incrementalMs: number;
  readonly kept: number;
  readonly nodes: number;
  readonly edges: number;
  readonly placed: number;
}

say(`room-graph-layout: ${options.peers} peers, ${options.consumers} consumers…`);
let started = performance.now();
const built = rooms();
const buildRoomMs = performance.now() - started;
say(`room model built in ${round(buildRoomMs)} ms`);
// the page gets plain data (Playwright copies own properties only): its tables as records
const before = JSON.parse(JSON.stringify(built.before)) as RoomModelJSON;
const after = JSON.parse(JSON.stringify(built.after)) as RoomModelJSON;

started = performance.now();
const code = await bundle();
say(
  `bundled in ${round(performance.now() - started)} ms (${Math.round(code.js.length / 1024)} KiB)`,
);

const browser = await chromium.launch(chromiumLaunchOptions());
try {
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  page.on('pageerror', (error) => {
    say(`page error: ${error.message}`);
  });
  await page.setContent('<!doctype html><html><head></head><body style="margin:0"></body></html>');
  await page.addStyleTag({ content: code.css });
  await page.addScriptTag({ content: code.js });
  const runs = await page.evaluate(
    ([room, previous, n]) =>
      (
        globalThis as unknown as {
          RoomGraphBench: { layout(r: unknown, b: unknown, n: number): Run[] };
        }
      ).RoomGraphBench.layout(room, previous, n),
    [after, before, repeats] as const,
  );
  const rendered = await page.evaluate(
    (room) =>
      (
        globalThis as unknown as {
          RoomGraphBench: { render(r: unknown): Promise<{ ms: number; rendered: number }> };
        }
      ).RoomGraphBench.render(room),
    after,
  );
  const others = compare
    ? await page.evaluate(
        (room) =>
          (
            globalThis as unknown as {
              RoomGraphBench: { others(r: unknown): Promise<{ dagreMs: number; elkMs: number }> };
            }
          ).RoomGraphBench.others(room),
        after,
      )
    : undefined;

  const layoutMs = runs.map((r) => r.layoutMs);
  const maxMs = Math.max(...layoutMs);
  const first = runs[0];
  for (const r of runs) {
    say(
      `layout ${round(r.layoutMs)} ms (graph ${round(r.graphMs)} + positions ${round(r.positionsMs)}), incremental ${round(r.incrementalMs)} ms`,
    );
  }
  say(`first render ${round(rendered.ms)} ms, ${rendered.rendered} nodes in the DOM`);
  if (others) say(`dagre ${round(others.dagreMs)} ms, elkjs ${round(others.elkMs)} ms`);
  printFigures({
    bench: 'room-graph-layout',
    browser: browser.version(),
    peers: options.peers,
    consumers: options.consumers,
    nodes: first?.nodes ?? 0,
    edges: first?.edges ?? 0,
    repeats,
    buildRoomMs: round(buildRoomMs),
    layoutMedianMs: round(median(layoutMs)),
    layoutMaxMs: round(maxMs),
    graphMedianMs: round(median(runs.map((r) => r.graphMs))),
    positionsMedianMs: round(median(runs.map((r) => r.positionsMs))),
    incrementalMedianMs: round(median(runs.map((r) => r.incrementalMs))),
    keptOnStep: first?.kept ?? 0,
    renderMs: round(rendered.ms),
    renderedNodes: rendered.rendered,
    ...(others ? { dagreMs: round(others.dagreMs), elkMs: round(others.elkMs) } : {}),
    target: TARGET_MS,
    pass: maxMs < TARGET_MS,
  });
} finally {
  await browser.close();
}

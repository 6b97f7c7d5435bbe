import { Profiler, useImperativeHandle, useState, type Ref } from 'react';
import { flushSync } from 'react-dom';
import { expect, test } from 'vitest';
import { render } from 'vitest-browser-react';
import { userEvent } from 'vitest/browser';
import '../../app/App.css';
import type { SessionAnalysis } from '../../projections/analysis.ts';
import type { Finding } from '../../projections/findings.ts';
import { allFindings } from '../../projections/machineFindings.ts';
import { generatedSession } from '../shared/sessions.ts';
import { Findings } from './Findings.tsx';

/** One finding per event: the most a session can throw at the list. */
function findingPerEvent(analysis: SessionAnalysis): Finding[] {
  const out: Finding[] = [];
  for (let i = 0; i < analysis.length; i++) {
    out.push({
      code: i % 5 === 0 ? 'request-timeout' : 'wrong-type',
      severity: i % 5 === 0 ? 'error' : 'warning',
      seq: analysis.log.seq(i),
      index: i,
      conn: 'c1',
      message: `finding number ${String(i)}`,
    });
  }
  return out;
}

/** React's render time of the list, summed over commits (the Profiler's actualDuration). */
const rendering = { ms: 0 };

function Host({
  analysis,
  findings,
  control,
}: {
  analysis: SessionAnalysis;
  findings: readonly Finding[];
  control: Ref<{ setCursor: (i: number) => void }>;
}) {
  const [cursor, setCursor] = useState(0);
  useImperativeHandle(control, () => ({ setCursor }));
  return (
    <div style={{ height: '600px', width: '700px', display: 'flex', flexDirection: 'column' }}>
      <Profiler
        id="findings"
        onRender={(_id, _phase, actual) => {
          rendering.ms += actual;
        }}
      >
        <Findings analysis={analysis} findings={findings} cursor={cursor} selected={null} />
      </Profiler>
    </div>
  );
}

function quantile(samples: number[], q: number): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * q))] ?? 0;
}
const p95 = (samples: number[]) => quantile(samples, 0.95);
/** "median 2.10 / p95 5.30 ms" */
const stats = (samples: number[]) =>
  `median ${quantile(samples, 0.5).toFixed(2)} / p95 ${p95(samples).toFixed(2)} ms`;

const analysis = generatedSession(100_000);
const findings = findingPerEvent(analysis);

type Control = { current: { setCursor: (i: number) => void } | null };

const frame = () => new Promise((r) => requestAnimationFrame(r));

/**
 * The blocking cost of each change made in a discrete input (a key, a click): React renders
 * and commits it at once (flushSync), then the browser lays the page out. One change per
 * frame; what React defers (the list following the cursor) runs between them, in slices it
 * can interrupt, and is measured apart ({@link renderTime}).
 */
async function blocking(el: HTMLElement, changes: (() => void)[]): Promise<number[]> {
  const out: number[] = [];
  for (const change of changes) {
    const t0 = performance.now();
    flushSync(change);
    el.getBoundingClientRect();
    out.push(performance.now() - t0);
    await frame();
    await frame();
  }
  return out;
}

/**
 * React's render time for each change whose update React schedules itself (a scroll event,
 * the deferred cursor): every commit it causes, summed, two frames later.
 */
async function renderTime(changes: (() => void)[]): Promise<number[]> {
  const out: number[] = [];
  for (const change of changes) {
    rendering.ms = 0;
    change();
    await frame();
    await frame();
    out.push(rendering.ms);
  }
  return out;
}

/** Random jumps (a click on the strip, a selection) and scrubbing steps (a drag). */
function cursorMoves(control: Control, length: number): (() => void)[] {
  const moves: (() => void)[] = [];
  let seed = 11;
  for (let k = 0; k < 80; k++) {
    seed = (seed * 48271) % 2147483647;
    const target = seed % length;
    moves.push(() => control.current?.setCursor(target));
  }
  // A drag across a 900 px strip in one second: 1/60 of the session per frame.
  const perFrame = Math.ceil(length / 60);
  for (let k = 1; k <= 60; k++) {
    const target = Math.min(length - 1, k * perFrame);
    moves.push(() => control.current?.setCursor(target));
  }
  return moves;
}

function scrolls(el: HTMLElement, tops: number[]): (() => void)[] {
  return tops.map((top) => () => {
    el.scrollTop = top;
    el.dispatchEvent(new Event('scroll'));
  });
}

function pageKeys(el: HTMLElement, keys: string[]): (() => void)[] {
  return keys.map((key) => () => {
    el.dispatchEvent(new KeyboardEvent('keydown', { key, bubbles: true }));
  });
}

// Timings are printed, not asserted: speed targets are checked by the benchmarks in bench/.
const PERF = { timeout: 180_000 };

test(
  'at 100,000 messages with their own findings, cursor moves and scrolling keep the list in step (timings printed)',
  PERF,
  async () => {
    const own = allFindings(analysis);
    const control: Control = { current: null };
    const screen = await render(<Host analysis={analysis} findings={own} control={control} />);
    const grid = screen.getByRole('grid', { name: 'Findings' });
    await expect.element(grid).toBeVisible();
    const el = grid.element() as HTMLElement;
    const moves = await blocking(el, cursorMoves(control, analysis.length));
    const deferred = await renderTime(cursorMoves(control, analysis.length));
    const wheel = await renderTime(
      scrolls(
        el,
        Array.from({ length: 40 }, (_, k) => k * 138),
      ),
    );
    el.focus();
    const keys = await blocking(
      el,
      pageKeys(el, [...Array<string>(20).fill('PageDown'), 'Home', 'End']),
    );
    console.info(
      `findings (${String(own.length)}) at 100,000 messages: cursor move ${stats(moves)} blocking, list catching up ${stats(deferred)} render; wheel scroll ${stats(wheel)} render; Page Down ${stats(keys)} blocking`,
    );
    // Home then End: the list ends scrolled to its last finding.
    const rows = el.querySelectorAll('[role="row"]');
    expect(rows.length).toBeGreaterThan(1);
    expect(moves.length + deferred.length + wheel.length + keys.length).toBeGreaterThan(0);
  },
);

test(
  'with 100,000 findings only the rows in view render while scrolling and moving the cursor (timings printed)',
  PERF,
  async () => {
    const control: Control = { current: null };
    const screen = await render(<Host analysis={analysis} findings={findings} control={control} />);
    const grid = screen.getByRole('grid', { name: 'Findings' });
    await expect.element(grid).toBeVisible();
    const el = grid.element() as HTMLElement;
    const moves = await blocking(el, cursorMoves(control, analysis.length));
    const deferred = await renderTime(cursorMoves(control, analysis.length));
    // A wheel or a trackpad, about three rows a frame; then the scrollbar's thumb dragged.
    const wheel = await renderTime(
      scrolls(
        el,
        Array.from({ length: 80 }, (_, k) => 40_000 * 46 + k * 138),
      ),
    );
    const thumb = await renderTime(
      scrolls(
        el,
        Array.from({ length: 40 }, (_, k) => ((k * 7919) % 100_000) * 46),
      ),
    );
    el.focus();
    const keys = await blocking(
      el,
      pageKeys(el, [...Array<string>(30).fill('PageDown'), 'End', 'Home']),
    );
    console.info(
      `100,000 findings: cursor move ${stats(moves)} blocking, list catching up ${stats(deferred)} render (interruptible); wheel scroll ${stats(wheel)}, thumb drag ${stats(thumb)} render; Page Down ${stats(keys)} blocking`,
    );
    expect(el.querySelectorAll('[role="row"]').length).toBeLessThan(60);
    expect(moves.length + wheel.length + thumb.length + keys.length).toBeGreaterThan(0);
  },
);

test('a cursor move scrolls the finding it reached into view', async () => {
  const control: { current: { setCursor: (i: number) => void } | null } = { current: null };
  const screen = await render(<Host analysis={analysis} findings={findings} control={control} />);
  control.current?.setCursor(70_000);
  const current = () =>
    screen.container.querySelector<HTMLElement>('[role="row"][aria-current="true"]');
  // The list follows the cursor in the background: wait for it.
  await expect.poll(() => current()?.textContent).toMatch(/finding number 70000$/);
  const row = current();
  if (!row) throw new Error('no row at the cursor');
  const box = (screen.getByRole('grid').element() as HTMLElement).getBoundingClientRect();
  const r = row.getBoundingClientRect();
  expect(r.top).toBeGreaterThanOrEqual(box.top);
  expect(r.bottom).toBeLessThanOrEqual(box.bottom + 1);
});

test('End reaches the last finding, in view, from the keyboard', async () => {
  const control: { current: { setCursor: (i: number) => void } | null } = { current: null };
  const screen = await render(<Host analysis={analysis} findings={findings} control={control} />);
  const grid = screen.getByRole('grid', { name: 'Findings' });
  await grid.click();
  await userEvent.keyboard('{End}');
  await expect.poll(() => grid.element().getAttribute('aria-activedescendant')).not.toBeNull();
  const id = grid.element().getAttribute('aria-activedescendant');
  const active = document.getElementById(id ?? '');
  expect(active?.textContent).toContain(`finding number ${String(analysis.length - 1)}`);
  await expect
    .element(screen.getByText(`finding number ${String(analysis.length - 1)}`).first())
    .toBeVisible();
});

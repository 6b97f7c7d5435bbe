import { expect, test } from 'vitest';
import { render } from 'vitest-browser-react';
import { userEvent } from 'vitest/browser';
import '../../app/App.css';
import { SessionAnalysis } from '../../projections/analysis.ts';
import { SessionLog } from '../../session/SessionLog.ts';
import { fixtureSession, generatedSession } from '../shared/sessions.ts';
import { describeEntry } from './describe.ts';
import { toSvg } from './export.ts';
import { buildSequenceModel, layoutRows } from './model.ts';
import { toPng } from './png.ts';
import { SequenceDiagram, type ExportFile } from './SequenceDiagram.tsx';

const frame = () =>
  new Promise<number>((resolve) => {
    requestAnimationFrame(resolve);
  });

function p95(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * 0.95))] ?? 0;
}

function box(children: React.ReactNode) {
  return (
    <div style={{ height: '700px', width: '1200px', display: 'flex', flexDirection: 'column' }}>
      {children}
    </div>
  );
}

test('a 100,000-message session: renders the rows in view, scrolls to the last row, and reports frame times', async () => {
  const t0 = performance.now();
  const analysis = generatedSession(100_000);
  const built = performance.now();
  const screen = await render(
    box(<SequenceDiagram analysis={analysis} cursor={analysis.length - 1} selected={null} />),
  );
  const grid = screen.getByRole('grid', { name: 'Sequence diagram' });
  await expect.element(screen.getByRole('row', { name: /^seq 0, / })).toBeVisible();
  const shown = performance.now();

  const model = buildSequenceModel(analysis);
  const layout = layoutRows(model, new Set());
  await expect.element(grid).toHaveAttribute('aria-rowcount', String(layout.length));
  expect(layout.length).toBeGreaterThan(90_000);
  const el = grid.element() as HTMLElement;
  const scroller = el.parentElement;
  if (!scroller) throw new Error('the grid has no scroll container');
  expect(el.querySelectorAll('[role="row"]').length).toBeLessThan(120);

  // Idle frames, for comparison: what this browser's frames take with nothing to do.
  const idle: number[] = [];
  let last = await frame();
  for (let k = 0; k < 60; k++) {
    const now = await frame();
    idle.push(now - last);
    last = now;
  }
  // Scrolling: one step per frame, 400 px at a time (a fast wheel), 150 frames.
  const deltas: number[] = [];
  last = await frame();
  for (let k = 0; k < 150; k++) {
    scroller.scrollTop += 400;
    const now = await frame();
    deltas.push(now - last);
    last = now;
  }
  // Jumps far apart (a scrollbar drag), 60 frames.
  const jumps: number[] = [];
  last = await frame();
  for (let k = 0; k < 60; k++) {
    scroller.scrollTop = ((k * 7919) % 100) * (layout.length * 28) * 0.01;
    const now = await frame();
    jumps.push(now - last);
    last = now;
  }

  // The bottom shows the last row.
  scroller.scrollTop = scroller.scrollHeight;
  const lastRow = describeEntry(model, layout, layout.entries[layout.length - 1] ?? 0);
  await expect.element(screen.getByRole('row', { name: lastRow.aria })).toBeVisible();
  expect(el.querySelectorAll('[role="row"]').length).toBeLessThan(120);

  // Cursor moves: ArrowDown selects the next row. Real key presses first (through the
  // driver), then key events dispatched in the page, timed from the key to the next frame.
  await screen.getByRole('row', { name: lastRow.aria }).click();
  await userEvent.keyboard('{Home}');
  await userEvent.keyboard('{ArrowDown}');
  const keys: number[] = [];
  for (let k = 0; k < 60; k++) {
    const start = performance.now();
    el.dispatchEvent(new KeyboardEvent('keydown', { key: 'ArrowDown', bubbles: true }));
    await frame();
    keys.push(performance.now() - start);
  }
  await expect
    .element(screen.getByRole('row', { selected: true }))
    .toHaveAttribute('aria-rowindex', '62');

  console.log(
    `[SequenceDiagram 100k] session built ${(built - t0).toFixed(0)} ms; first render to a visible row ${(shown - built).toFixed(0)} ms; ` +
      `idle frames p95 ${p95(idle).toFixed(1)} ms; scroll frames p95 ${p95(deltas).toFixed(1)} ms (max ${Math.max(...deltas).toFixed(1)}); ` +
      `jump frames p95 ${p95(jumps).toFixed(1)} ms; ArrowDown to next frame p95 ${p95(keys).toFixed(1)} ms`,
  );
});

test('the lifeline header stays on top while the rows scroll, and the rows line up with it', async () => {
  const analysis = fixtureSession('legacy-participant-join');
  const screen = await render(
    box(<SequenceDiagram analysis={analysis} cursor={analysis.length - 1} selected={null} />),
  );
  const grid = screen.getByRole('grid', { name: 'Sequence diagram' });
  await expect.element(grid).toBeVisible();
  const scroller = (grid.element() as HTMLElement).parentElement;
  if (!scroller) throw new Error('no scroller');
  scroller.scrollTop = 1000;
  scroller.dispatchEvent(new Event('scroll'));
  const header = screen.getByRole('list', { name: 'Lifelines' }).element();
  await expect
    .poll(() => header.getBoundingClientRect().top)
    .toBe(scroller.getBoundingClientRect().top);
  // The server's header box is centred on the server's lifeline in every row.
  const serverBox = screen.getByRole('listitem').nth(1).element().getBoundingClientRect();
  const lifeline = scroller.querySelector('.seq-lifeline--server');
  if (!lifeline) throw new Error('no server lifeline drawn');
  const line = lifeline.getBoundingClientRect();
  expect(
    Math.abs(line.left + line.width / 2 - (serverBox.left + serverBox.width / 2)),
  ).toBeLessThan(2);
  // Tabbing into the diagram keeps the scroll position (the grid is far taller than its view).
  const before = scroller.scrollTop;
  expect(before).toBeGreaterThan(500);
  // Tab order: Export, its "keep secrets" box, then the grid.
  await userEvent.tab();
  await expect.element(screen.getByRole('button', { name: 'Export ▾' })).toHaveFocus();
  await userEvent.tab();
  await expect.element(screen.getByRole('checkbox', { name: /keep secrets/ })).toHaveFocus();
  await userEvent.tab();
  await expect.element(grid).toHaveFocus();
  expect(scroller.scrollTop).toBe(before);
});

test('selecting a row far down (from elsewhere) scrolls it into view', async () => {
  const analysis = generatedSession(20_000);
  const target = analysis.log.indexOfSeq(15_000);
  const screen = await render(
    box(<SequenceDiagram analysis={analysis} cursor={target} selected={target} />),
  );
  const row = screen.getByRole('row', { name: /^seq 15000, / });
  await expect.element(row).toBeVisible();
  await expect.element(row).toHaveAttribute('aria-selected', 'true');
  await expect.element(row).toHaveAttribute('aria-current', 'step');
});

test('toPng() draws the SVG export to a PNG twice its size', async () => {
  const analysis = fixtureSession('broken-frames');
  const model = buildSequenceModel(analysis);
  const svg = toSvg(model, layoutRows(model, new Set()));
  const width = Number(/width="(\d+)"/.exec(svg)?.[1]);
  const height = Number(/height="(\d+)"/.exec(svg)?.[1]);
  const blob = await toPng(svg);
  expect(blob.type).toBe('image/png');
  const bytes = new Uint8Array(await blob.arrayBuffer());
  expect(Array.from(bytes.slice(0, 8))).toEqual([137, 80, 78, 71, 13, 10, 26, 10]);
  const image = await createImageBitmap(blob);
  expect([image.width, image.height]).toEqual([width * 2, height * 2]);
  // Not blank: the drawing has dark text pixels on the white background.
  const canvas = new OffscreenCanvas(image.width, image.height);
  const ctx = canvas.getContext('2d');
  if (!ctx) throw new Error('no 2D context');
  ctx.drawImage(image, 0, 0);
  const data = ctx.getImageData(0, 0, image.width, image.height).data;
  let dark = 0;
  for (let k = 0; k < data.length; k += 4) if ((data[k] ?? 255) < 100) dark++;
  expect(dark).toBeGreaterThan(1000);
});

test('the export menu gives a PNG of the diagram', async () => {
  const files: ExportFile[] = [];
  const analysis = fixtureSession('new-participant-join');
  const screen = await render(
    box(
      <SequenceDiagram
        analysis={analysis}
        cursor={-1}
        selected={null}
        onExport={(f) => files.push(f)}
      />,
    ),
  );
  await screen.getByRole('button', { name: 'Export ▾' }).click();
  await screen.getByRole('menuitem', { name: 'PNG' }).click();
  await expect
    .element(screen.getByRole('status'))
    .toHaveTextContent('Exported signalscope-sequence.png');
  const [file] = files;
  expect(file?.format).toBe('png');
  expect(file?.content instanceof Blob && file.content.type).toBe('image/png');
});

test('a live session that grows keeps its newest row in view until the user scrolls up', async () => {
  const log = new SessionLog();
  const analysis = new SessionAnalysis(log).update();
  const view = () => (
    <SequenceDiagram analysis={analysis} cursor={analysis.length - 1} selected={null} />
  );
  const screen = await render(box(view()));
  const grow = async (n: number) => {
    const from = log.length;
    if (from === 0)
      log.append({ t: 0, type: 'ws.open', conn: 'c1', url: 'wss://h/?roomId=r&peerId=me' });
    for (let k = 0; k < n; k++) {
      log.append({
        t: from + k + 1,
        type: 'ws.frame',
        conn: 'c1',
        dir: k % 2 === 0 ? 'out' : 'in',
        text: JSON.stringify({ notification: true, method: `m${(from + k) % 2}`, data: {} }),
      });
    }
    analysis.update();
    await screen.rerender(box(view()));
  };
  await grow(100);
  await expect
    .element(screen.getByRole('row', { name: new RegExp(`^seq ${log.length - 1}, `) }))
    .toBeVisible();
  await grow(100);
  await expect
    .element(screen.getByRole('row', { name: new RegExp(`^seq ${log.length - 1}, `) }))
    .toBeVisible();
  // Scrolled up, the view stays where the user put it.
  const scroller = screen.getByRole('grid').element().parentElement;
  if (!scroller) throw new Error('no scroller');
  scroller.scrollTop = 0;
  scroller.dispatchEvent(new Event('scroll'));
  await grow(100);
  await expect.element(screen.getByRole('row', { name: /^seq 0, / })).toBeVisible();
  expect(scroller.scrollTop).toBe(0);
});

import { expect, test } from 'vitest';
import { render } from 'vitest-browser-react';
import { page, userEvent } from 'vitest/browser';
import '../../app/App.css';
import type { SessionAnalysis } from '../../projections/analysis.ts';
import { SessionAnalysis as Analysis } from '../../projections/analysis.ts';
import { SessionLog } from '../../session/SessionLog.ts';
import { fixtureSession, generatedSession, hostileSession } from '../shared/sessions.ts';
import { MessageDetail } from './MessageDetail.tsx';
import { pcSession } from './samples.ts';

/** The inspector's side panel: a narrow column that scrolls vertically only. */
async function inPanel(analysis: SessionAnalysis, selected: number) {
  await page.viewport(1000, 800);
  const screen = await render(
    <div
      data-testid="panel"
      style={{ width: '420px', height: '780px', overflowY: 'auto', overflowX: 'auto' }}
    >
      <MessageDetail analysis={analysis} cursor={analysis.length - 1} selected={selected} />
    </div>,
  );
  const panel = screen.getByTestId('panel').element() as HTMLElement;
  return { screen, panel };
}

const cases: [string, () => SessionAnalysis, number][] = [
  ['a join request with wide RTP tables', () => fixtureSession('legacy-participant-join'), 8],
  ['a transport answer with long fingerprints', () => fixtureSession('legacy-participant-join'), 5],
  ['hostile strings in an SDP', () => hostileSession(), 6],
  ['a renegotiation offer', () => pcSession(), 8],
  ['a frame that is not JSON', () => fixtureSession('broken-frames'), 8],
];

for (const [what, build, selected] of cases) {
  test(`${what} never widens the side panel`, async () => {
    const { panel, screen } = await inPanel(build(), selected);
    await expect.element(screen.getByRole('region', { name: /^Message seq / })).toBeVisible();
    expect(panel.scrollWidth).toBeLessThanOrEqual(panel.clientWidth + 1);
    for (const tab of ['Diff', 'Raw SDP', 'Raw']) {
      const tabs = screen.getByRole('tab', { name: tab, exact: true }).elements();
      for (const t of tabs) {
        await userEvent.click(t);
        expect(panel.scrollWidth, `after opening ${tab}`).toBeLessThanOrEqual(
          panel.clientWidth + 1,
        );
      }
    }
  });
}

test('End in a long tree focuses the last row and scrolls it into view', async () => {
  const log = new SessionLog();
  const items = Array.from({ length: 100 }, (_, k) => ({ k, name: `item ${k}` }));
  log.append({
    t: 0,
    type: 'ws.frame',
    conn: 'c',
    dir: 'in',
    text: JSON.stringify({ notification: true, method: 'many', data: { items } }),
  });
  const { screen } = await inPanel(new Analysis(log).update(), 0);
  const tree = screen.getByRole('tree');
  const root = tree.getByRole('treeitem').first();
  await userEvent.click(root);
  // The click toggled the root closed; open it again, then go to the end.
  await userEvent.keyboard('{ArrowRight}{End}');
  const last = tree.getByRole('treeitem', { name: '99: object, 2 members' });
  await expect.element(last).toHaveFocus();
  const box = (tree.element() as HTMLElement).getBoundingClientRect();
  const row = (last.element() as HTMLElement).getBoundingClientRect();
  expect(row.bottom).toBeLessThanOrEqual(box.bottom + 1);
  expect(row.top).toBeGreaterThanOrEqual(box.top - 1);
  await userEvent.keyboard('{Home}');
  await expect.element(root).toHaveFocus();
});

test('a message of a 100,000-frame session shows at once', async () => {
  const analysis = generatedSession(100_000);
  const started = performance.now();
  const { screen } = await inPanel(analysis, 99_000);
  await expect.element(screen.getByRole('region', { name: /^Message seq / })).toBeVisible();
  console.info(`message detail at 100,000 frames: ${(performance.now() - started).toFixed(0)} ms`);
});

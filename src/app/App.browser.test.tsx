import { expect, test } from 'vitest';
import { render } from 'vitest-browser-react';
import { userEvent } from 'vitest/browser';
import { App } from './App.tsx';
import { EventList } from '../views/EventList/index.ts';
import { captureText, manyEvents, sampleAnalysis } from '../views/EventList/sampleSession.ts';

test('opens a capture from the file input, shows its rows, and ArrowDown moves the selection', async () => {
  const screen = await render(
    <div style={{ height: '800px' }}>
      <App search="" demoUrl={null} />
    </div>,
  );
  await userEvent.upload(
    screen.getByLabelText('Open capture…'),
    new File([captureText()], 'sample.sscap.jsonl'),
  );
  await expect.element(screen.getByRole('grid', { name: 'Sequence diagram' })).toBeVisible();
  const join = screen.getByRole('row', {
    name: /^seq 1, .*request join id 1, ok/,
  });
  await expect.element(join).toBeVisible();
  await expect
    .element(screen.getByRole('row', { name: /^seq 6, .*invalid.*not JSON/ }))
    .toBeVisible();

  await join.click();
  await expect.element(join).toHaveAttribute('aria-selected', 'true');
  await userEvent.keyboard('{ArrowDown}');
  const response = screen.getByRole('row', { name: /^seq 2, .*response join/ });
  await expect.element(response).toHaveAttribute('aria-selected', 'true');
  await expect.element(join).toHaveAttribute('aria-selected', 'false');
  // The side panel shows the selected message.
  await expect.element(screen.getByRole('region', { name: 'Message seq 2' })).toBeVisible();
});

test('scrolling a 100,000-event list renders the rows in view and no others', async () => {
  const analysis = sampleAnalysis(manyEvents(100_000));
  const screen = await render(
    <div style={{ height: '600px', display: 'flex', flexDirection: 'column' }}>
      <EventList analysis={analysis} />
    </div>,
  );
  const grid = screen.getByRole('grid', { name: 'Events' });
  await expect.element(grid).toHaveAttribute('aria-rowcount', '100001');
  const el = grid.element() as HTMLElement;
  el.scrollTop = 50_000 * 26;
  el.dispatchEvent(new Event('scroll'));
  await expect.element(screen.getByRole('row', { name: /^seq 50000,/ })).toBeInTheDocument();
  const rendered = el.querySelectorAll('[role="row"]').length;
  expect(rendered).toBeLessThan(200);
  expect(el.querySelector('[aria-label^="seq 100,"]')).toBeNull();
});

test('a jump renders only the rows in view, then the rows either side once scrolling settles', async () => {
  const analysis = sampleAnalysis(manyEvents(100_000));
  const screen = await render(
    <div style={{ height: '600px', display: 'flex', flexDirection: 'column' }}>
      <EventList analysis={analysis} />
    </div>,
  );
  const grid = screen.getByRole('grid', { name: 'Events' });
  await expect.element(grid).toHaveAttribute('aria-rowcount', '100001');
  const el = grid.element() as HTMLElement;
  const rows = () => el.querySelectorAll('[role="row"][aria-rowindex]').length;
  el.scrollTop = 60_000 * 26;
  el.dispatchEvent(new Event('scroll'));
  await expect.element(screen.getByRole('row', { name: /^seq 60000,/ })).toBeInTheDocument();
  const during = rows();
  // Nothing above the first row in view is rendered during the jump.
  expect(el.querySelector('[aria-label^="seq 59999,"]')).toBeNull();
  // 150 ms after the last jump the rows either side come back (the event list's overscan
  // is 10 rows).
  await expect.poll(rows, { timeout: 2000 }).toBe(during + 20);
  expect(el.querySelector('[aria-label^="seq 59990,"]')).not.toBeNull();
  // A step of a row is no jump: the rows either side stay.
  el.scrollTop = 60_001 * 26;
  el.dispatchEvent(new Event('scroll'));
  await expect.element(screen.getByRole('row', { name: /^seq 59991,/ })).toBeInTheDocument();
  expect(rows()).toBe(during + 20);
});

test('a list opened with a selection scrolls it into view', async () => {
  const analysis = sampleAnalysis(manyEvents(100_000));
  const screen = await render(
    <div style={{ height: '600px', display: 'flex', flexDirection: 'column' }}>
      <EventList analysis={analysis} initialSelected={70_000} />
    </div>,
  );
  const row = screen.getByRole('row', { name: /^seq 70000,/ });
  await expect.element(row).toBeVisible();
  await expect.element(row).toHaveAttribute('aria-selected', 'true');
});

test('opens the bundled demo capture when there is no ?capture=, and says it is a demo', async () => {
  const screen = await render(
    <div style={{ height: '800px' }}>
      <App search="" />
    </div>,
  );
  await expect.element(screen.getByRole('grid', { name: 'Sequence diagram' })).toBeVisible();
  await expect.element(screen.getByRole('row', { name: /^seq 0, .*socket opened/ })).toBeVisible();
  const note = screen.getByRole('note').element();
  expect(note.textContent).toMatch(/^Recorded demo: /);
});

test('the theme toggle switches the page to dark and back', async () => {
  const screen = await render(
    <div style={{ height: '800px' }}>
      <App search="" demoUrl={null} />
    </div>,
  );
  const toggle = screen.getByRole('button', { name: 'Dark theme' });
  const background = () => getComputedStyle(document.documentElement).backgroundColor;
  await toggle.click();
  await expect.element(toggle).toHaveAttribute('aria-pressed', 'true');
  const dark = background();
  await toggle.click();
  await expect.element(toggle).toHaveAttribute('aria-pressed', 'false');
  expect(background()).not.toBe(dark);
  expect(dark).toBe('rgb(15, 18, 22)');
});

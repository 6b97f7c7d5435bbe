import { cleanup, render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it } from 'vitest';
import { captureText, sampleEvents } from '../views/EventList/sampleSession.ts';
import { App } from './App.tsx';

afterEach(() => {
  cleanup();
  window.localStorage.clear();
  window.history.replaceState(null, '', '/');
});

async function openSample() {
  const user = userEvent.setup();
  render(<App search="" demoUrl={null} />);
  await user.upload(
    screen.getByLabelText('Open capture…'),
    new File([captureText()], 'sample.sscap.jsonl'),
  );
  const grid = await screen.findByRole('grid', { name: 'Sequence diagram' });
  return { user, grid };
}

describe('Inspector', () => {
  it('keyboard: ? shows the shortcuts, / searches, 2 and 1 switch the main view, F and D the panel', async () => {
    const { user } = await openSample();
    // Shortcuts stay out of text fields: start from the page, not the file input.
    await user.click(document.body);
    await user.keyboard('?');
    const dialog = screen.getByRole('dialog', { name: 'Keyboard shortcuts' });
    expect(within(dialog).getByText('Show or hide this list')).toBeDefined();
    await user.keyboard('{Escape}');
    await user.click(document.body);
    await user.keyboard('2');
    expect(screen.getByRole('tab', { name: 'Events', selected: true })).toBeDefined();
    expect(screen.getByRole('grid', { name: 'Events' })).toBeDefined();
    await user.keyboard('1');
    expect(screen.getByRole('grid', { name: 'Sequence diagram' })).toBeDefined();
    await user.keyboard('f');
    expect(screen.getByRole('tab', { name: /Findings/, selected: true })).toBeDefined();
    await user.keyboard('d');
    expect(screen.getByRole('tab', { name: 'Detail', selected: true })).toBeDefined();
    await user.keyboard('/');
    expect(document.activeElement).toBe(screen.getByRole('searchbox', { name: 'Search events' }));
  });

  it('[ and ] move the cursor one event; selecting a row moves it there', async () => {
    const { user, grid } = await openSample();
    const slider = screen.getByRole('slider', { name: 'Cursor' });
    const last = sampleEvents().length - 1;
    expect(slider.getAttribute('aria-valuenow')).toBe(String(last));
    await user.click(document.body);
    // `[[` is user-event's escape for one `[`.
    await user.keyboard('[[[[');
    expect(slider.getAttribute('aria-valuenow')).toBe(String(last - 2));
    await user.keyboard(']');
    expect(slider.getAttribute('aria-valuenow')).toBe(String(last - 1));
    await user.click(within(grid).getByRole('row', { name: /^seq 3,/ }));
    expect(slider.getAttribute('aria-valuenow')).toBe('3');
    expect(screen.getByRole('region', { name: 'Message seq 3' })).toBeDefined();
  });

  it('the filter bar narrows the diagram: free text, problems only, clear', async () => {
    const { user, grid } = await openSample();
    const total = Number(grid.getAttribute('aria-rowcount'));
    await user.type(screen.getByRole('searchbox', { name: 'Search events' }), 'join');
    await expect.poll(() => Number(grid.getAttribute('aria-rowcount'))).toBeLessThan(total);
    for (const row of within(grid).getAllByRole('row')) {
      expect(row.getAttribute('aria-label')).toMatch(/join/);
    }
    await user.click(screen.getByRole('button', { name: 'Clear filters' }));
    await expect.poll(() => Number(grid.getAttribute('aria-rowcount'))).toBe(total);
    await user.click(screen.getByRole('checkbox', { name: 'Problems only' }));
    await expect.poll(() => Number(grid.getAttribute('aria-rowcount'))).toBeLessThan(total);
    expect(screen.getByText(/of 17 events/)).toBeDefined();
  });
});

import { afterEach, describe, expect, it, vi } from 'vitest';
import { cleanup, createEvent, fireEvent, render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { App } from './App.tsx';
import { captureText, sampleEvents } from '../views/EventList/sampleSession.ts';
import type { FetchLike } from '../sources/captureFile.ts';
import joinHar from '../../fixtures/imports/legacy-participant-join.har?raw';
import joinDump from '../../fixtures/imports/legacy-participant-join.webrtc_internals_dump.txt?raw';
import malformedHar from '../../fixtures/imports/malformed.har?raw';

afterEach(() => {
  cleanup();
  delete document.documentElement.dataset.theme;
  window.localStorage.clear();
});

function file(text: string, name: string): File {
  return new File([text], name, { type: 'application/octet-stream' });
}

/** The sample capture with two broken lines: line 4 (seq 2) and line 7 (seq 5). */
function brokenText(): string {
  const lines = captureText().trimEnd().split('\n');
  lines[3] = (lines[3] ?? '').replace('"dir":"in"', '"dir":"up"');
  lines[6] = (lines[6] ?? '').replace('"seq":5', '"seq":1');
  return lines.join('\n') + '\n';
}

const IMPORTS: Record<string, string> = {
  'legacy-participant-join.har': joinHar,
  'legacy-participant-join.webrtc_internals_dump.txt': joinDump,
  'malformed.har': malformedHar,
};
const imported = (name: string) => IMPORTS[name] ?? '';

/** A HAR with no WebSocket entry. */
const HAR = JSON.stringify({
  log: { version: '1.2', creator: { name: 'WebInspector', version: '537.36' }, entries: [] },
});

function renderApp(props: Parameters<typeof App>[0] = {}) {
  const user = userEvent.setup();
  render(<App search="" demoUrl={null} {...props} />);
  return { user, input: screen.getByLabelText<HTMLInputElement>('Open capture…') };
}

describe('App', () => {
  it('says what to do when no capture is open', () => {
    renderApp();
    expect(
      screen.getByRole('heading', { name: 'Open a capture to inspect its signaling' }),
    ).toBeDefined();
    expect(screen.getByText(/drop a capture file anywhere on this window/)).toBeDefined();
  });

  it('opens a capture picked with Open capture…', async () => {
    const { user, input } = renderApp();
    await user.upload(input, file(captureText(), 'sample.sscap.jsonl'));
    const grid = await screen.findByRole('grid', { name: 'Sequence diagram' });
    expect(grid.getAttribute('aria-rowcount')).toBe(String(sampleEvents().length));
    expect(within(grid).getByRole('row', { name: /^seq 1, .*request join/ })).toBeDefined();

    expect(screen.getByText('sample.sscap.jsonl')).toBeDefined();
    expect(screen.getByText('fixture · every kind of row')).toBeDefined();
    expect(screen.getByText('2026-11-22 10:00:00 UTC')).toBeDefined();
    expect(document.title).toBe('sample.sscap.jsonl — signalscope');

    const s = within(screen.getByLabelText('Session summary'));
    expect(s.getByText('17')).toBeDefined();
    expect(s.getByText('requests (2 answered)')).toBeDefined();
    expect(s.getByText('timed out')).toBeDefined();
    expect(s.getByText('invalid frames')).toBeDefined();
  });

  it('refuses a broken file, naming line and field, and opens the events that could be read as partial', async () => {
    const { user, input } = renderApp();
    await user.upload(input, file(brokenText(), 'broken.sscap.jsonl'));
    const panel = await screen.findByRole('alert');
    expect(
      within(panel).getByRole('heading', { name: 'broken.sscap.jsonl has 2 problems' }),
    ).toBeDefined();
    const items = within(panel)
      .getAllByRole('listitem')
      .map((li) => li.textContent);
    expect(items[0]).toBe('line 4, field dir: expected "in" or "out", found "up"');
    expect(items[1]).toMatch(/^line 7, field seq: expected an integer greater than 4/);
    expect(screen.queryByRole('grid')).toBeNull();

    await user.click(
      within(panel).getByRole('button', { name: 'Open the 15 events that could be read' }),
    );
    const grid = await screen.findByRole('grid', { name: 'Sequence diagram' });
    expect(grid.getAttribute('aria-rowcount')).toBe('15');
    const banner = screen.getByText(/^Partial:/).closest('p') as HTMLElement;
    expect(banner.textContent).toMatch(
      /^Partial: showing the 15 events that could be read; 2 lines of broken\.sscap\.jsonl could not be read/,
    );
    expect(screen.getByText('partial')).toBeDefined();

    await user.click(within(banner).getByRole('button', { name: 'Show the problems' }));
    expect(screen.getByRole('alert')).toBeDefined();
  });

  it('refuses a HAR without a WebSocket connection, saying why', async () => {
    const { user, input } = renderApp();
    await user.upload(input, file(HAR, 'session.har'));
    const panel = await screen.findByRole('alert');
    expect(
      within(panel).getByRole('heading', { name: 'session.har: this HAR could not be imported' }),
    ).toBeDefined();
    expect(panel.textContent).toMatch(
      /This HTTP Archive \(HAR\) file cannot be imported: the HAR has 0 entries and none is a WebSocket connection/,
    );
    expect(screen.queryByRole('grid')).toBeNull();
  });

  it('opens a HAR and a webrtc-internals dump picked together, merged on one clock', async () => {
    const { user, input } = renderApp();
    await user.upload(input, [
      file(imported('legacy-participant-join.har'), 'join.har'),
      file(imported('legacy-participant-join.webrtc_internals_dump.txt'), 'dump.txt'),
    ]);
    const grid = await screen.findByRole('grid', { name: 'Sequence diagram' });
    expect(grid.getAttribute('aria-rowcount')).toBe('146');
    expect(screen.getByText('join.har + dump.txt')).toBeDefined();
    expect(screen.getByText('merged · join.har (har) + dump.txt (webrtc-internals)')).toBeDefined();
  });

  it('lists the dropped entries of a malformed HAR by entry, field and line', async () => {
    const { user, input } = renderApp();
    await user.upload(input, file(imported('malformed.har'), 'bad.har'));
    const panel = await screen.findByRole('alert');
    expect(panel.textContent).toContain(
      'line 94, field opcode: HAR entry 1 (_webSocketMessages[1]): "opcode" must be a number, found "1"',
    );
    expect(
      within(panel).getByRole('button', { name: /Open the 3 events that could be read/ }),
    ).toBeDefined();
  });

  it('opens ?capture=<url>', async () => {
    const fetchImpl = vi.fn<FetchLike>(() => Promise.resolve(new Response(captureText())));
    render(
      <App
        search="?capture=/caps/shared.sscap.jsonl"
        demoUrl="/demo.sscap.jsonl"
        fetchImpl={fetchImpl}
      />,
    );
    await screen.findByRole('grid', { name: 'Sequence diagram' });
    expect(fetchImpl).toHaveBeenCalledTimes(1);
    expect(fetchImpl.mock.calls[0]?.[0]).toBe(
      new URL('/caps/shared.sscap.jsonl', window.location.href).href,
    );
    expect(screen.getByText('shared.sscap.jsonl')).toBeDefined();
    expect(screen.queryByText(/Recorded demo/)).toBeNull();
  });

  it('keeps the view in the address, and a file opened afterwards stops naming the old capture', async () => {
    window.history.replaceState(null, '', '/?capture=/caps/shared.sscap.jsonl');
    const fetchImpl = vi.fn<FetchLike>(() => Promise.resolve(new Response(captureText())));
    const user = userEvent.setup();
    render(
      <App search="?capture=/caps/shared.sscap.jsonl&sel=3" demoUrl={null} fetchImpl={fetchImpl} />,
    );
    const grid = await screen.findByRole('grid', { name: 'Sequence diagram' });
    expect(within(grid).getByRole('row', { selected: true }).getAttribute('aria-label')).toMatch(
      /^seq 3,/,
    );
    await user.click(screen.getByRole('tab', { name: /Findings/ }));
    await vi.waitFor(() => {
      expect(window.location.search).toBe(
        '?capture=%2Fcaps%2Fshared.sscap.jsonl&sel=3&panel=findings',
      );
    });
    await user.upload(
      screen.getByLabelText('Open capture…'),
      file(captureText(), 'mine.sscap.jsonl'),
    );
    await screen.findByText('mine.sscap.jsonl');
    await vi.waitFor(() => {
      expect(window.location.search).not.toContain('capture=');
    });
    // The new file's view starts fresh: nothing selected.
    const fresh = await screen.findByRole('grid', { name: 'Sequence diagram' });
    expect(within(fresh).queryByRole('row', { selected: true })).toBeNull();
    window.history.replaceState(null, '', '/');
  });

  it('refuses a ?capture= URL that is not http, https or blob', async () => {
    const fetchImpl = vi.fn<FetchLike>();
    render(<App search="?capture=javascript:alert(1)" demoUrl={null} fetchImpl={fetchImpl} />);
    const panel = await screen.findByRole('alert');
    expect(panel.textContent).toMatch(
      /a capture URL must be http:, https: or blob:, found javascript:/,
    );
    expect(fetchImpl).not.toHaveBeenCalled();
  });

  it('opens the recorded demo when there is no ?capture=, and says so', async () => {
    const fetchImpl = vi.fn<FetchLike>(() => Promise.resolve(new Response(captureText())));
    render(<App search="" demoUrl="/demo.sscap.jsonl" fetchImpl={fetchImpl} />);
    await screen.findByRole('grid', { name: 'Sequence diagram' });
    const note = screen.getByRole('note');
    expect(note.textContent).toMatch(/^Recorded demo: /);
    expect(note.textContent).toMatch(/Open capture…/);
  });

  it('opens a file dropped anywhere on the window, showing an overlay while dragging', async () => {
    renderApp();
    const dropped = file(captureText(), 'dropped.sscap.jsonl');
    const dataTransfer = { types: ['Files'], files: [dropped], dropEffect: 'none' };
    fireEvent(window, Object.assign(createEvent.dragEnter(window), { dataTransfer }));
    expect(screen.getByText('Drop a capture to open it')).toBeDefined();
    fireEvent(window, Object.assign(createEvent.drop(window), { dataTransfer }));
    expect(screen.queryByText('Drop a capture to open it')).toBeNull();
    await screen.findByRole('grid', { name: 'Sequence diagram' });
    expect(screen.getByText('dropped.sscap.jsonl')).toBeDefined();
  });

  it('opens every file dropped together', async () => {
    renderApp();
    const files = [
      file(imported('legacy-participant-join.webrtc_internals_dump.txt'), 'dump.txt'),
      file(imported('legacy-participant-join.har'), 'join.har'),
    ];
    const dataTransfer = { types: ['Files'], files, dropEffect: 'none' };
    fireEvent(window, Object.assign(createEvent.dragEnter(window), { dataTransfer }));
    fireEvent(window, Object.assign(createEvent.drop(window), { dataTransfer }));
    const grid = await screen.findByRole('grid', { name: 'Sequence diagram' });
    expect(grid.getAttribute('aria-rowcount')).toBe('146');
    expect(screen.getByText('dump.txt + join.har')).toBeDefined();
  });

  it('switches between light and dark', async () => {
    const { user } = renderApp();
    const toggle = screen.getByRole('button', { name: 'Dark theme' });
    expect(toggle.getAttribute('aria-pressed')).toBe('false');
    await user.click(toggle);
    expect(toggle.getAttribute('aria-pressed')).toBe('true');
    expect(document.documentElement.dataset.theme).toBe('dark');
    await user.click(toggle);
    expect(document.documentElement.dataset.theme).toBe('light');
  });
});

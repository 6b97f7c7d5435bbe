import { afterEach, describe, expect, it } from 'vitest';
import { cleanup, render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { EventList } from './EventList.tsx';
import {
  HOSTILE,
  hostileEvents,
  manyEvents,
  sampleAnalysis,
  sampleEvents,
} from './sampleSession.ts';

afterEach(cleanup);

function renderList(events = sampleEvents()) {
  const analysis = sampleAnalysis(events);
  const user = userEvent.setup();
  const view = render(<EventList analysis={analysis} />);
  const grid = screen.getByRole('grid', { name: 'Events' });
  return { analysis, user, view, grid };
}

/** The data row whose accessible name starts with `seq N,`. */
function row(seq: number): HTMLElement {
  return screen.getByRole('row', { name: new RegExp(`^seq ${seq},`) });
}

function selectedRow(): HTMLElement {
  const selected = screen
    .getAllByRole('row')
    .filter((r) => r.getAttribute('aria-selected') === 'true');
  expect(selected).toHaveLength(1);
  const [first] = selected;
  if (!first) throw new Error('no row is selected');
  return first;
}

describe('EventList rows', () => {
  it('renders one row per event, with the kind of each', () => {
    renderList();
    const kinds: [number, string][] = [
      [0, 'ws.open'],
      [1, 'request'],
      [2, 'response'],
      [4, 'error response'],
      [5, 'notification'],
      [6, 'invalid'],
      [7, 'binary'],
      [10, 'pc'],
      [11, 'note'],
      [12, 'unknown type'],
      [13, 'ws.error'],
      [16, 'ws.close'],
    ];
    for (const [seq, kind] of kinds) {
      expect(within(row(seq)).getByText(kind, { exact: true })).toBeDefined();
    }
    // 17 events and the header row.
    expect(screen.getAllByRole('row')).toHaveLength(18);
  });

  it('labels a row with seq, direction, kind and method', () => {
    renderList();
    expect(row(1).getAttribute('aria-label')).toBe('seq 1, client to server, request join, ok');
    expect(row(5).getAttribute('aria-label')).toBe('seq 5, server to client, notification newPeer');
    expect(within(row(1)).getByText('C→S')).toBeDefined();
    expect(within(row(5)).getByText('S→C')).toBeDefined();
    expect(within(row(1)).getByRole('button', { name: /^12\.5 ms/ })).toBeDefined();
  });

  it('shows the connection, protoo id and a non-frame event in plain words', () => {
    renderList();
    expect(within(row(1)).getByText('c1')).toBeDefined();
    expect(within(row(1)).getByText('1', { exact: true })).toBeDefined();
    expect(within(row(16)).getByText('code 1006 · dropped')).toBeDefined();
    expect(within(row(13)).getByText('connection refused')).toBeDefined();
    expect(within(row(10)).getByText('setLocalDescription')).toBeDefined();
    expect(within(row(12)).getByText('custom.thing')).toBeDefined();
    expect(within(row(11)).getByText('user clicked share screen')).toBeDefined();
  });

  it('shows the latency of a pair on both rows, and a click goes to the partner', async () => {
    const { user } = renderList();
    const toResponse = within(row(1)).getByRole('button', {
      name: /12\.5 ms, go to the response \(seq 2\)/,
    });
    expect(
      within(row(2)).getByRole('button', { name: /12\.5 ms, go to the request \(seq 1\)/ }),
    ).toBeDefined();
    await user.click(toResponse);
    expect(selectedRow().getAttribute('aria-label')).toMatch(/^seq 2,/);
    expect(screen.getByRole('grid')).toBe(document.activeElement);
  });

  it("shows each request's outcome: ok, error code and reason, timed out, cut", () => {
    renderList();
    expect(within(row(1)).getByText('ok')).toBeDefined();
    expect(within(row(3)).getByText('error 500 boom: transport closed')).toBeDefined();
    expect(within(row(8)).getByText('timed out after 22.5 s')).toBeDefined();
    expect(within(row(15)).getByText('cut by a disconnect (seq 16)')).toBeDefined();
  });

  it('shows a request still waiting at the end as pending', () => {
    renderList([
      { seq: 0, t: 0, type: 'ws.open', conn: 'c1', url: 'wss://h/' },
      {
        seq: 1,
        t: 5,
        type: 'ws.frame',
        conn: 'c1',
        dir: 'out',
        text: '{"request":true,"id":7,"method":"join","data":{}}',
      },
    ]);
    expect(within(row(1)).getByText('pending')).toBeDefined();
  });

  it('marks orphan and late responses', () => {
    renderList();
    expect(within(row(9)).getByText('orphan: no request with this id')).toBeDefined();
    expect(within(row(14)).getByText('late: request seq 8 timed out at 0:22.580')).toBeDefined();
  });

  it('makes errors, timeouts and invalid frames stand out', () => {
    renderList();
    for (const seq of [3, 4, 6, 8, 13]) expect(row(seq).className).toContain('event-row--error');
    for (const seq of [9, 14, 15, 16]) expect(row(seq).className).toContain('event-row--warning');
    for (const seq of [1, 2, 5]) expect(row(seq).className).not.toMatch(/--(error|warning)/);
  });

  it("gives a broken frame's reason in plain words", () => {
    renderList([
      {
        seq: 0,
        t: 0,
        type: 'ws.frame',
        conn: 'c1',
        dir: 'out',
        text: '{"request":true,"method":"join"}',
      },
      { seq: 1, t: 1, type: 'ws.frame', conn: 'c1', dir: 'in', text: '{not json' },
    ]);
    expect(within(row(0)).getByText('request "join" without id')).toBeDefined();
    expect(within(row(1)).getByText(/^not JSON: /)).toBeDefined();
  });
});

describe('EventList selection', () => {
  it('moves the selection with the arrow keys, Home and End', async () => {
    const { user } = renderList();
    await user.click(row(1));
    expect(selectedRow()).toBe(row(1));
    await user.keyboard('{ArrowDown}');
    expect(selectedRow()).toBe(row(2));
    await user.keyboard('{ArrowDown}{ArrowDown}');
    expect(selectedRow()).toBe(row(4));
    await user.keyboard('{ArrowUp}');
    expect(selectedRow()).toBe(row(3));
    await user.keyboard('{End}');
    expect(selectedRow()).toBe(row(16));
    await user.keyboard('{Home}');
    expect(selectedRow()).toBe(row(0));
    await user.keyboard('{ArrowUp}');
    expect(selectedRow()).toBe(row(0));
  });

  it('points the grid at the selected row for assistive technology', async () => {
    const { user, grid } = renderList();
    grid.focus();
    await user.keyboard('{ArrowDown}');
    expect(grid.getAttribute('aria-activedescendant')).toBe(row(0).id);
  });

  it('Enter goes to the paired request or response', async () => {
    const { user } = renderList();
    await user.click(row(3));
    await user.keyboard('{Enter}');
    expect(selectedRow()).toBe(row(4));
  });

  it('shows the selected frame pretty-printed and its decoded message as a tree', async () => {
    const { user } = renderList();
    await user.click(row(1));
    const detail = screen.getByRole('region', { name: 'Event seq 1' });
    const raw = within(detail).getByLabelText('Raw frame');
    expect(raw.textContent).toContain('"method": "join"');
    expect(raw.textContent).toContain('\n  "id": 1,');
    const tree = within(detail).getByRole('list', { name: 'Decoded message' });
    expect(within(tree).getByText('"Ada"')).toBeDefined();
    // Deeper levels are closed and not rendered until opened.
    expect(within(tree).queryByText('"Chrome"')).toBeNull();
    await user.click(within(tree).getByText('device'));
    expect(within(tree).getByText('"Chrome"')).toBeDefined();
  });

  it('shows a frame that is not JSON exactly as received', async () => {
    const { user } = renderList();
    await user.click(row(6));
    const detail = screen.getByRole('region', { name: 'Event seq 6' });
    expect(within(detail).getByLabelText('Raw frame').textContent).toBe('{not json');
    expect(within(detail).getByText('not JSON: shown exactly as received')).toBeDefined();
    expect(within(detail).getByText('Why it is broken')).toBeDefined();
  });

  it('shows the capture line of an event that is not a frame', async () => {
    const { user } = renderList();
    await user.click(row(16));
    const detail = screen.getByRole('region', { name: 'Event seq 16' });
    expect(within(detail).getByLabelText('Capture line').textContent).toContain('"code": 1006');
  });
});

describe('EventList filter', () => {
  it('keeps the rows whose method, connection or reason contains the text', async () => {
    const { user, grid } = renderList();
    await user.type(screen.getByRole('searchbox', { name: 'Filter events' }), 'produce');
    const rows = within(grid).getAllByRole('row').slice(1);
    // produce, its error response, and pauseProducer.
    expect(rows.map((r) => r.getAttribute('aria-label')?.split(',')[0])).toEqual([
      'seq 3',
      'seq 4',
      'seq 15',
    ]);
    expect(grid.getAttribute('aria-rowcount')).toBe('4');
    expect(screen.getByText('3 of 17 events')).toBeDefined();

    await user.clear(screen.getByRole('searchbox', { name: 'Filter events' }));
    await user.type(screen.getByRole('searchbox', { name: 'Filter events' }), 'REFUSED');
    expect(within(grid).getAllByRole('row').slice(1)).toEqual([row(13)]);
  });

  it('hides the kinds whose box is unchecked', async () => {
    const { user, grid } = renderList();
    await user.type(screen.getByRole('searchbox', { name: 'Filter events' }), 'produce');
    await user.click(screen.getByRole('checkbox', { name: 'Responses' }));
    expect(within(grid).getAllByRole('row').slice(1)).toEqual([row(3), row(15)]);
    await user.click(screen.getByRole('checkbox', { name: 'Requests' }));
    expect(screen.getByText('No event matches the filter.')).toBeDefined();
  });

  it('shows only the rows that stand out with Problems only', async () => {
    const { user, grid } = renderList();
    await user.click(screen.getByRole('checkbox', { name: 'Problems only' }));
    const seqs = within(grid)
      .getAllByRole('row')
      .slice(1)
      .map((r) => Number(/^seq (\d+)/.exec(r.getAttribute('aria-label') ?? '')?.[1]));
    expect(seqs).toEqual([3, 4, 6, 8, 9, 13, 14, 15, 16]);
  });

  it('says so when nothing matches', async () => {
    const { user } = renderList();
    await user.type(screen.getByRole('searchbox', { name: 'Filter events' }), 'no such thing');
    expect(screen.getByText('No event matches the filter.')).toBeDefined();
  });
});

describe('EventList and untrusted strings', () => {
  it('renders HTML in a method, reason, connection or note as text', async () => {
    const { user, view } = renderList(hostileEvents());
    expect(view.container.querySelector('img')).toBeNull();
    expect(screen.getAllByText(HOSTILE).length).toBeGreaterThanOrEqual(4);
    expect(within(row(2)).getByText(`error 403 ${HOSTILE}`)).toBeDefined();
    for (const seq of [4, 2, 1]) {
      await user.click(row(seq));
      expect(document.querySelector('img')).toBeNull();
    }
    await user.click(
      within(screen.getByRole('list', { name: 'Decoded message' })).getByText('data'),
    );
    expect(document.querySelector('img')).toBeNull();
  });
});

describe('EventList virtualisation', () => {
  it('renders only the rows in view of a 100,000-event session', async () => {
    const { user, grid } = renderList(manyEvents(100_000));
    expect(grid.getAttribute('aria-rowcount')).toBe('100001');
    const rendered = within(grid).getAllByRole('row');
    expect(rendered.length).toBeGreaterThan(10);
    expect(rendered.length).toBeLessThan(200);
    expect(screen.getByText('100,000 events')).toBeDefined();

    grid.focus();
    await user.keyboard('{End}');
    expect(selectedRow().getAttribute('aria-label')).toMatch(/^seq 99999,/);
    expect(selectedRow().getAttribute('aria-rowindex')).toBe('100001');
    expect(within(grid).getAllByRole('row').length).toBeLessThan(200);
  });
});

import { afterEach, describe, expect, it, vi } from 'vitest';
import { cleanup, render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { useState } from 'react';
import { SessionAnalysis } from '../../projections/analysis.ts';
import type { EventInput } from '../../session/events.ts';
import { SessionLog } from '../../session/SessionLog.ts';
import {
  HOSTILE,
  emptySession,
  fixtureSession,
  generatedSession,
  hostileSession,
} from '../shared/sessions.ts';
import { SequenceDiagram, type ExportFile, type SequenceDiagramProps } from './SequenceDiagram.tsx';

afterEach(cleanup);

type Props = Partial<SequenceDiagramProps> & { analysis: SessionAnalysis };

/** The diagram in a page that answers `onSelect` as the app does (selection follows). */
function Harness(props: Props & { onPick?: (i: number) => void }) {
  const [selected, setSelected] = useState<number | null>(props.selected ?? null);
  return (
    <SequenceDiagram
      cursor={props.cursor ?? props.analysis.length - 1}
      {...props}
      selected={selected}
      onSelect={(i) => {
        setSelected(i);
        props.onPick?.(i);
      }}
    />
  );
}

function setup(props: Props & { onPick?: (i: number) => void }) {
  const user = userEvent.setup();
  const view = render(<Harness {...props} />);
  const grid = screen.getByRole('grid', { name: 'Sequence diagram' });
  return { user, view, grid };
}

function row(seq: number): HTMLElement {
  return screen.getByRole('row', { name: new RegExp(`^seq ${seq}[, ]`) });
}

function selectedRow(): HTMLElement {
  const rows = screen.getAllByRole('row').filter((r) => r.getAttribute('aria-selected') === 'true');
  expect(rows).toHaveLength(1);
  const [only] = rows;
  if (!only) throw new Error('nothing selected');
  return only;
}

function session(events: readonly EventInput[]): SessionAnalysis {
  const log = new SessionLog();
  for (const e of events) log.append(e);
  return new SessionAnalysis(log).update();
}

/** open, 24 consumerScores, a request and its response. */
function runSession(): SessionAnalysis {
  const json = (v: unknown) => JSON.stringify(v);
  return session([
    { t: 0, type: 'ws.open', conn: 'c1', url: 'wss://h/?roomId=r&peerId=me' },
    ...Array.from({ length: 24 }, (_, k) => ({
      t: 1 + k,
      type: 'ws.frame' as const,
      conn: 'c1',
      dir: 'in' as const,
      text: json({ notification: true, method: 'consumerScore', data: {} }),
    })),
    {
      t: 30,
      type: 'ws.frame',
      conn: 'c1',
      dir: 'out',
      text: json({ request: true, id: 7, method: 'getTransportStats', data: {} }),
    },
    {
      t: 42.5,
      type: 'ws.frame',
      conn: 'c1',
      dir: 'in',
      text: json({ response: true, id: 7, ok: true, data: {} }),
    },
  ]);
}

describe('SequenceDiagram grid', () => {
  it('is a grid labelled "Sequence diagram" with one row per event, each labelled', () => {
    const { grid } = setup({ analysis: fixtureSession('legacy-participant-join') });
    expect(grid.getAttribute('aria-rowcount')).toBe('115');
    expect(row(8).getAttribute('aria-label')).toBe(
      'seq 8, client xc24fh03 to server, request join id 5067731, ok in 13 ms',
    );
    expect(row(8).getAttribute('aria-rowindex')).toBe('9');
    expect(within(row(8)).getByText('join')).toBeDefined();
    expect(within(row(8)).getByText('ok in 13 ms')).toBeDefined();
    // The lifelines' names in the header.
    const lifelines = screen.getByRole('list', { name: 'Lifelines' });
    expect(
      within(lifelines)
        .getAllByRole('listitem')
        .map((li) => li.textContent),
    ).toEqual([
      'xc24fh03c1 · room bnzsceer',
      'serverdemo.example.org:4443',
      'Grace8xmzs6t6',
      'Linus6tlflhsh',
      'Margaret840uvi0n',
    ]);
  });

  it('draws only the visible rows the app passes', () => {
    const analysis = fixtureSession('legacy-participant-join');
    const { grid } = setup({ analysis, visible: Int32Array.from([8, 9, 80]) });
    expect(grid.getAttribute('aria-rowcount')).toBe('3');
    expect(
      within(grid)
        .getAllByRole('row')
        .map((r) => r.getAttribute('aria-label')),
    ).toEqual([
      'seq 8, client xc24fh03 to server, request join id 5067731, ok in 13 ms',
      'seq 9, server to client xc24fh03, response join, ok · 13 ms, about peer Grace, peer Linus',
      'seq 80, server to client xc24fh03, notification newPeer, about peer Margaret',
    ]);
  });

  it('says what to do when there is nothing to draw', () => {
    setup({ analysis: emptySession() });
    expect(screen.getByText(/This session has no events yet/)).toBeDefined();
    cleanup();
    const { grid } = setup({ analysis: fixtureSession('observer-join'), visible: [] });
    expect(grid.getAttribute('aria-rowcount')).toBe('0');
    expect(screen.getByText(/No event matches the filter/)).toBeDefined();
    expect(screen.getByRole('button', { name: 'Export ▾' })).toHaveProperty('disabled', true);
  });
});

describe('SequenceDiagram selection and keys', () => {
  it('selects on click, steps with the arrow keys, Home / End / PageDown', async () => {
    const onPick = vi.fn();
    const { user, grid } = setup({ analysis: fixtureSession('legacy-participant-join'), onPick });
    await user.click(row(8));
    expect(onPick).toHaveBeenLastCalledWith(8);
    expect(selectedRow()).toBe(row(8));
    expect(document.activeElement).toBe(grid);
    await user.keyboard('{ArrowDown}');
    expect(onPick).toHaveBeenLastCalledWith(9);
    await user.keyboard('{ArrowUp}{ArrowUp}');
    expect(onPick).toHaveBeenLastCalledWith(7);
    await user.keyboard('{Home}');
    expect(onPick).toHaveBeenLastCalledWith(0);
    await user.keyboard('{PageDown}');
    const paged = onPick.mock.lastCall?.[0] as number;
    expect(paged).toBeGreaterThan(5);
    await user.keyboard('{End}');
    expect(onPick).toHaveBeenLastCalledWith(114);
    expect(selectedRow().getAttribute('aria-rowindex')).toBe('115');
    expect(grid.getAttribute('aria-activedescendant')).toBe(selectedRow().id);
  });

  it('links a request and its response: Enter goes to the pair, the other row is highlighted', async () => {
    const onPick = vi.fn();
    const { user } = setup({ analysis: fixtureSession('legacy-participant-join'), onPick });
    await user.click(row(8));
    expect(row(9).className).toContain('seq-row--paired');
    expect(document.querySelector('.seq-bracket')).not.toBeNull();
    await user.keyboard('{Enter}');
    expect(onPick).toHaveBeenLastCalledWith(9);
    expect(row(8).className).toContain('seq-row--paired');
    await user.click(within(row(9)).getByRole('button', { name: 'Go to the request seq 8' }));
    expect(onPick).toHaveBeenLastCalledWith(8);
  });

  it('marks the cursor row and dims the rows after it', () => {
    setup({ analysis: fixtureSession('legacy-participant-join'), cursor: 9 });
    const current = screen.getAllByRole('row').filter((r) => r.getAttribute('aria-current'));
    expect(current).toEqual([row(9)]);
    expect(row(10).className).toContain('seq-row--future');
    expect(row(9).className).not.toContain('seq-row--future');
  });

  it('scrolls a selection made elsewhere into view', () => {
    const analysis = generatedSession(5000);
    const view = render(<SequenceDiagram analysis={analysis} cursor={-1} selected={null} />);
    expect(screen.queryByRole('row', { name: /^seq 4000, / })).toBeNull();
    const target = analysis.log.indexOfSeq(4000);
    view.rerender(<SequenceDiagram analysis={analysis} cursor={-1} selected={target} />);
    expect(row(4000).getAttribute('aria-selected')).toBe('true');
  });
});

describe('SequenceDiagram runs', () => {
  it('collapses 24 consumerScores into one row that opens with a click, → and Enter', async () => {
    const onPick = vi.fn();
    const { user, grid } = setup({ analysis: runSession(), onPick });
    expect(grid.getAttribute('aria-rowcount')).toBe('4');
    const run = screen.getByRole('row', { name: /24 notifications consumerScore, collapsed$/ });
    expect(run.getAttribute('aria-expanded')).toBe('false');
    expect(within(run).getByText('consumerScore × 24')).toBeDefined();

    await user.click(run);
    expect(onPick).toHaveBeenLastCalledWith(1);
    expect(grid.getAttribute('aria-rowcount')).toBe('28');
    const header = screen.getByRole('row', { name: /consumerScore, expanded$/ });
    expect(header.getAttribute('aria-selected')).toBe('true');

    await user.keyboard('{ArrowDown}{ArrowDown}');
    expect(onPick).toHaveBeenLastCalledWith(2);
    await user.keyboard('{ArrowLeft}');
    expect(grid.getAttribute('aria-rowcount')).toBe('4');
    expect(selectedRow().getAttribute('aria-expanded')).toBe('false');
    await user.keyboard('{ArrowRight}');
    expect(grid.getAttribute('aria-rowcount')).toBe('28');
    await user.keyboard('{Enter}');
    expect(grid.getAttribute('aria-rowcount')).toBe('4');
    await user.click(screen.getByRole('button', { name: 'Expand all runs' }));
    expect(grid.getAttribute('aria-rowcount')).toBe('28');
  });

  it('opens the run of an event selected elsewhere', () => {
    const analysis = runSession();
    const view = render(<SequenceDiagram analysis={analysis} cursor={-1} selected={null} />);
    expect(screen.queryByRole('row', { name: /^seq 12, / })).toBeNull();
    view.rerender(<SequenceDiagram analysis={analysis} cursor={-1} selected={12} />);
    expect(row(12).getAttribute('aria-selected')).toBe('true');
  });
});

describe('SequenceDiagram strings and export', () => {
  it('renders hostile strings from the capture as text, never as elements', () => {
    setup({ analysis: hostileSession() });
    expect(screen.getAllByText(HOSTILE).length).toBeGreaterThan(2);
    expect(document.querySelector('img, script:not([src])')).toBeNull();
    expect(document.querySelector('.seq script, .seq img')).toBeNull();
  });

  it('exports the rows as SVG and Mermaid through onExport', async () => {
    const files: ExportFile[] = [];
    const { user } = setup({
      analysis: hostileSession(),
      onExport: (f) => files.push(f),
      exportName: 'hostile',
    });
    await user.click(screen.getByRole('button', { name: 'Export ▾' }));
    await user.click(screen.getByRole('menuitem', { name: 'SVG' }));
    await user.click(screen.getByRole('button', { name: 'Export ▾' }));
    await user.keyboard('{ArrowDown}{ArrowDown}{Enter}');
    expect(files.map((f) => [f.format, f.filename])).toEqual([
      ['svg', 'hostile.svg'],
      ['mermaid', 'hostile.mmd'],
    ]);
    expect(screen.getByRole('status').textContent).toBe('Exported hostile.mmd');
    const svg = files[0]?.content;
    if (typeof svg !== 'string') throw new Error('the SVG is text');
    const doc = new DOMParser().parseFromString(svg, 'image/svg+xml');
    expect(doc.querySelector('parsererror')).toBeNull();
    expect(doc.querySelector('img, script')).toBeNull();
    const texts = Array.from(doc.querySelectorAll('text'), (t) => t.textContent);
    // The hostile strings are the text of the lifelines, labels and details, cut to fit.
    expect(texts.filter((t) => t.includes('<img src=x')).length).toBeGreaterThan(3);
    const mermaid = files[1]?.content;
    expect(typeof mermaid === 'string' && mermaid.startsWith('sequenceDiagram\n')).toBe(true);
  });
});

import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { cleanup, render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { createMachineDrivers } from '../../projections/machineStates.ts';
import type { SessionAnalysis } from '../../projections/analysis.ts';
import { HOSTILE, emptySession, fixtureSession, hostileSession } from '../shared/sessions.ts';
import { MachineView, type MachineViewComponentProps } from './MachineView.tsx';
import type { MachineInstanceRef } from './instances.ts';

// xyflow measures its container and nodes: jsdom has neither ResizeObserver nor DOMMatrix.
beforeAll(() => {
  class ResizeObserverStub {
    observe() {}
    unobserve() {}
    disconnect() {}
  }
  class DOMMatrixStub {
    m22 = 1;
    constructor(transform?: string) {
      const scale = /scale\(([\d.]+)\)/.exec(transform ?? '');
      this.m22 = scale ? Number(scale[1]) : 1;
    }
  }
  vi.stubGlobal('ResizeObserver', ResizeObserverStub);
  vi.stubGlobal('DOMMatrixReadOnly', DOMMatrixStub);
});

afterEach(cleanup);

function renderView(
  analysis: SessionAnalysis,
  props: Partial<MachineViewComponentProps> = {},
): {
  onSelect: ReturnType<typeof vi.fn<(index: number) => void>>;
  onInstanceChange: ReturnType<typeof vi.fn<(ref: MachineInstanceRef) => void>>;
  rerender: (next: Partial<MachineViewComponentProps>) => void;
} {
  const drivers = createMachineDrivers(analysis);
  const onSelect = vi.fn<(index: number) => void>();
  const onInstanceChange = vi.fn<(ref: MachineInstanceRef) => void>();
  const base = {
    analysis,
    drivers,
    cursor: analysis.log.length - 1,
    selected: null,
    onSelect,
    onInstanceChange,
  };
  const view = render(<MachineView {...base} {...props} />);
  return {
    onSelect,
    onInstanceChange,
    rerender: (next) => {
      view.rerender(<MachineView {...base} {...props} {...next} />);
    },
  };
}

const picker = () => screen.getByRole<HTMLSelectElement>('combobox', { name: 'Machine' });
const historyList = () => within(screen.getByRole('region', { name: 'History' }));
const context = () => within(screen.getByRole('region', { name: 'Context' }));

function contextValue(key: string): string | null {
  const dt = context().getByText(key, { selector: 'dt' });
  return dt.nextElementSibling?.textContent ?? null;
}

describe('MachineView', () => {
  it('says so when the capture has no machine', () => {
    renderView(emptySession(), { cursor: -1 });
    expect(screen.getByRole('status').textContent).toMatch(/^No machine in this capture\./);
    expect(screen.queryByRole('combobox')).toBeNull();
  });

  it('lists every instance of the session, grouped by kind, with its number of changes', () => {
    renderView(fixtureSession('reconnect'));
    const groups = [...picker().querySelectorAll('optgroup')].map((g) => g.label);
    expect(groups).toEqual([
      'protoo peer',
      'mediasoup room client',
      'peer connection',
      'negotiation',
    ]);
    const options = [...picker().options].map((o) => o.textContent);
    expect(options).toContain('protoo peer c1 — 8 changes');
    expect(options).toContain('peer connection send-pc-2 — 2 changes');
    expect(options).toHaveLength(10);
    expect(screen.getByText('10 machines')).toBeDefined();
  });

  it('shows the chosen instance and reports the choice', async () => {
    const user = userEvent.setup();
    const analysis = fixtureSession('legacy-participant-join');
    const { onInstanceChange } = renderView(analysis, { cursor: 40 });
    const seq = analysis.log.seq(40);
    expect(
      screen.getByRole('group', { name: `State machine protoo peer c1 at seq ${seq}` }),
    ).toBeDefined();
    await user.selectOptions(picker(), 'peer-connection:send-pc');
    expect(onInstanceChange).toHaveBeenCalledWith({ kind: 'peer-connection', id: 'send-pc' });
    expect(
      screen.getByRole('group', { name: `State machine peer connection send-pc at seq ${seq}` }),
    ).toBeDefined();
    expect(contextValue('connectionState')).toBe('connected');
  });

  it('follows the instance it is given', () => {
    const analysis = fixtureSession('legacy-participant-join');
    const { rerender } = renderView(analysis, { instance: { kind: 'mediasoup-room', id: 'c1' } });
    expect(picker().value).toBe('mediasoup-room:c1');
    expect(contextValue('joined')).toBe('yes');
    rerender({ instance: { kind: 'negotiation', id: 'recv-pc' } });
    expect(picker().value).toBe('negotiation:recv-pc');
    expect(contextValue('polite')).toBe('no');
    expect(contextValue('makingOffer')).toBe('false');
  });

  it('tells the state at the cursor and the event that led there', () => {
    const analysis = fixtureSession('legacy-participant-join');
    renderView(analysis, { cursor: 9, instance: { kind: 'mediasoup-room', id: 'c1' } });
    const status = screen.getByText((_, el) => el?.classList.contains('mv-status') === true);
    expect(status.textContent).toBe(
      `joined — since seq ${analysis.log.seq(9)}: received response join (from joining)`,
    );
    expect(contextValue('transports')).toBe('2');
    expect(contextValue('producers')).toBe('0');
  });

  it('lists the past states; a click selects the event that caused one', async () => {
    const user = userEvent.setup();
    const analysis = fixtureSession('legacy-participant-join');
    const { onSelect } = renderView(analysis, {
      cursor: 9,
      instance: { kind: 'mediasoup-room', id: 'c1' },
    });
    const items = historyList().getAllByRole('listitem');
    expect(items.map((li) => li.querySelector('.mv-history__state')?.textContent)).toEqual([
      'idle',
      'connected',
      'gettingCapabilities',
      'ready',
      'joining',
      'joined',
    ]);
    expect(items.at(-1)?.getAttribute('aria-current')).toBe('step');
    await user.click(historyList().getByRole('button', { name: /: gettingCapabilities/ }));
    expect(onSelect).toHaveBeenCalledWith(2);
  });

  it('moves through the history with the arrow keys, one tab stop for the list', async () => {
    const user = userEvent.setup();
    const analysis = fixtureSession('legacy-participant-join');
    const { onSelect } = renderView(analysis, {
      cursor: 9,
      instance: { kind: 'mediasoup-room', id: 'c1' },
    });
    const buttons = historyList().getAllByRole('button');
    expect(buttons.map((b) => b.tabIndex)).toEqual([-1, -1, -1, -1, 0]);
    buttons[4]?.focus();
    await user.keyboard('{ArrowUp}{ArrowUp}');
    expect(document.activeElement).toBe(buttons[2]);
    await user.keyboard('{Home}');
    expect(document.activeElement).toBe(buttons[0]);
    await user.keyboard('{Enter}');
    expect(onSelect).toHaveBeenLastCalledWith(0);
    await user.keyboard('{End}');
    expect(document.activeElement).toBe(buttons[4]);
  });

  it('says when the instance has not started yet, and offers its first event', async () => {
    const user = userEvent.setup();
    const analysis = fixtureSession('legacy-participant-join');
    const { onSelect } = renderView(analysis, {
      cursor: 5,
      instance: { kind: 'peer-connection', id: 'send-pc' },
    });
    const seq = analysis.log.seq(5);
    expect(screen.getByText(`Not started at seq ${seq}`)).toBeDefined();
    await user.click(screen.getByRole('button', { name: 'Go to seq 34' }));
    expect(onSelect).toHaveBeenCalledWith(34);
    // Only the initial state is listed.
    expect(historyList().getAllByRole('listitem')).toHaveLength(1);
  });

  it('draws the diagram once laid out, with the active state named', async () => {
    const analysis = fixtureSession('reconnect');
    renderView(analysis, { instance: { kind: 'protoo-peer', id: 'c1' } });
    await waitFor(
      () => {
        expect(screen.queryByText('Laying out the diagram…')).toBeNull();
      },
      {
        timeout: 10_000,
      },
    );
    const diagram = screen.getByRole('group', { name: /^State machine protoo peer c1 at seq/ });
    expect(within(diagram).getByLabelText('state open, active, just entered')).toBeDefined();
    expect(within(diagram).getByLabelText('state failed, just left')).toBeDefined();
    expect(within(diagram).getByLabelText('state connecting')).toBeDefined();
    expect(within(diagram).getByLabelText('final state closed')).toBeDefined();
    expect(within(diagram).getByRole('button', { name: 'Zoom to the active state' })).toBeDefined();
  });

  it('renders hostile ids, reasons and methods as text', async () => {
    const analysis = hostileSession();
    const { container } = render(
      <MachineView
        analysis={analysis}
        drivers={createMachineDrivers(analysis)}
        cursor={analysis.log.length - 1}
        selected={null}
      />,
    );
    const options = [...picker().options].map((o) => o.value);
    expect(options).toContain(`protoo-peer:c${HOSTILE}`);
    expect(options).toContain(`peer-connection:${HOSTILE}`);
    await userEvent.setup().selectOptions(picker(), `protoo-peer:c${HOSTILE}`);
    expect(contextValue('close reason')).toBe(HOSTILE);
    expect(
      screen.getByRole('group', { name: new RegExp(`protoo peer c${escape(HOSTILE)}`) }),
    ).toBeDefined();
    await userEvent.setup().selectOptions(picker(), `peer-connection:${HOSTILE}`);
    expect(historyList().getAllByRole('listitem').length).toBeGreaterThan(0);
    expect(container.querySelector('img')).toBeNull();
    expect(container.querySelector('script')).toBeNull();
  });
});

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

import { afterEach, describe, expect, it, vi } from 'vitest';
import { cleanup, render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { createMachineDrivers } from '../../projections/machineStates.ts';
import type { SessionAnalysis } from '../../projections/analysis.ts';
import { emptySession, fixtureSession } from '../shared/sessions.ts';
import { RoomGraph } from './RoomGraph.tsx';

afterEach(cleanup);

const text = (el: Element | null) => (el?.textContent ?? '').replace(/\s+/g, ' ').trim();
/** The sentence of the "not in a room yet" status (without its button). */
const statusText = () => text(screen.getByRole('status').querySelector('p'));

// These states draw no diagram, so they need no real browser (the diagram's tests are in
// RoomGraph.browser.test.tsx).
function show(analysis: SessionAnalysis, cursor: number, onCursorChange = vi.fn()) {
  const drivers = createMachineDrivers(analysis);
  render(
    <RoomGraph
      analysis={analysis}
      drivers={drivers}
      cursor={cursor}
      selected={null}
      onCursorChange={onCursorChange}
    />,
  );
  return { onCursorChange };
}

describe('RoomGraph empty states', () => {
  it('says what it shows when the capture has no mediasoup room client', () => {
    show(emptySession(), -1);
    expect(text(screen.getByRole('region', { name: 'Room graph at the start' }))).toBe(
      'This capture has no mediasoup-demo room client: the room graph shows mediasoup-demo and mesh rooms.',
    );
  });

  it('before the socket opens: not in a room yet, and a way to its first event', async () => {
    const { onCursorChange } = show(fixtureSession('legacy-participant-join'), -1);
    expect(statusText()).toBe(
      'Not in a room yet at the start: connection c1’s WebSocket opens at seq 0.',
    );
    await userEvent.click(screen.getByRole('button', { name: 'Go to seq 0' }));
    expect(onCursorChange).toHaveBeenCalledWith(0);
  });

  it('after the socket opened but before anything was set up: points at the join', async () => {
    const analysis = fixtureSession('legacy-participant-join');
    const { onCursorChange } = show(analysis, 1);
    expect(statusText()).toMatch(
      /^Not in a room yet at seq 1: connection c1 joins at seq (\d+)\.$/,
    );
    const joinSeq = Number(/joins at seq (\d+)/.exec(statusText())?.[1]);
    // the join's response is where the client machine turns `joined`
    const drivers = createMachineDrivers(analysis);
    const join = analysis.log.indexOfSeq(joinSeq);
    expect(drivers.mediasoup.room(join)?.joined).toBe(true);
    expect(drivers.mediasoup.room(join - 1)?.joined).toBe(false);
    await userEvent.click(screen.getByRole('button', { name: `Go to the join (seq ${joinSeq})` }));
    expect(onCursorChange).toHaveBeenCalledWith(join);
  });

  it('offers every mediasoup connection in the room picker, and following the cursor first', () => {
    show(fixtureSession('legacy-participant-join'), -1);
    const picker = screen.getByRole('combobox', { name: 'Room' });
    expect([...picker.querySelectorAll('option')].map((o) => o.textContent)).toEqual([
      'Follow the cursor',
      'c1',
    ]);
  });
});

import { act, cleanup, fireEvent, render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { SessionAnalysis } from '../../projections/analysis.ts';
import { allFindings } from '../../projections/machineFindings.ts';
import { SessionLog } from '../../session/SessionLog.ts';
import { HOSTILE, emptySession, fixtureSession, hostileSession } from '../shared/sessions.ts';
import { fixtureEvents, useHarnessState } from './harness.tsx';
import { buildAxis, indexAtFraction } from './model.ts';
import { Timeline, type TimelineProps } from './Timeline.tsx';

/** Animation frames run by hand: `frames.run(ms)` runs the queued ones `ms` later. */
function manualFrames() {
  let now = 1000;
  let queue: { id: number; cb: FrameRequestCallback }[] = [];
  let next = 1;
  vi.spyOn(performance, 'now').mockImplementation(() => now);
  vi.stubGlobal('requestAnimationFrame', (cb: FrameRequestCallback) => {
    queue.push({ id: next, cb });
    return next++;
  });
  vi.stubGlobal('cancelAnimationFrame', (id: number) => {
    queue = queue.filter((f) => f.id !== id);
  });
  return {
    run(ms: number) {
      now += ms;
      const due = queue;
      queue = [];
      act(() => {
        for (const f of due) f.cb(now);
      });
    },
    get pending() {
      return queue.length;
    },
  };
}

beforeEach(() => {
  // jsdom has no pointer capture.
  HTMLElement.prototype.setPointerCapture = vi.fn();
  HTMLElement.prototype.releasePointerCapture = vi.fn();
  HTMLElement.prototype.hasPointerCapture = vi.fn(() => true);
});

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
  vi.restoreAllMocks();
});

function Controlled(props: Omit<TimelineProps, 'cursor' | 'selected'> & { start?: number }) {
  const { start, analysis, ...rest } = props;
  const state = useHarnessState(analysis, {
    ...(start === undefined ? {} : { cursor: start }),
    ...(rest.following === undefined ? {} : { following: rest.following }),
  });
  return (
    <Timeline
      {...rest}
      analysis={analysis}
      cursor={state.cursor}
      selected={state.selected}
      following={state.following}
      onSelect={(i) => {
        state.onSelect(i);
        rest.onSelect?.(i);
      }}
      onCursorChange={(i) => {
        state.onCursorChange(i);
        rest.onCursorChange?.(i);
      }}
      onFollowChange={(f) => {
        state.onFollowChange(f);
        rest.onFollowChange?.(f);
      }}
    />
  );
}

const handle = () => screen.getByRole('slider', { name: 'Cursor' });

describe('Timeline handle', () => {
  it('is a slider in seq, with the cursor said in words', () => {
    const analysis = fixtureSession('request-timeout');
    render(<Timeline analysis={analysis} cursor={46} selected={null} />);
    const h = handle();
    expect(h.getAttribute('aria-valuemin')).toBe(String(analysis.log.seq(0)));
    expect(h.getAttribute('aria-valuemax')).toBe(String(analysis.log.seq(analysis.length - 1)));
    expect(h.getAttribute('aria-valuenow')).toBe('46');
    expect(h.getAttribute('aria-valuetext')).toMatch(/^seq 46 of 102, \d+\.\d s$/);
    const time = (analysis.log.time(46) / 1000).toFixed(3);
    expect(screen.getByText(`${time} s · seq 46 / 102`)).toBeDefined();
  });

  it('steps one event, a tenth, and to the ends from the keyboard', async () => {
    const analysis = fixtureSession('request-timeout');
    const onCursorChange = vi.fn();
    render(
      <Timeline analysis={analysis} cursor={46} selected={null} onCursorChange={onCursorChange} />,
    );
    const user = userEvent.setup();
    handle().focus();
    for (const key of ['ArrowRight', 'ArrowLeft', 'PageUp', 'PageDown', 'Home', 'End']) {
      await user.keyboard(`{${key}}`);
    }
    // 103 events: a tenth is 10.
    expect(onCursorChange.mock.calls.map((c) => c[0] as number)).toEqual([47, 45, 56, 36, -1, 102]);
  });

  it('moves with the keys under the app rules and stops at the ends', async () => {
    const analysis = fixtureSession('close-4000');
    render(<Controlled analysis={analysis} start={0} />);
    const user = userEvent.setup();
    handle().focus();
    await user.keyboard('{ArrowLeft}{ArrowLeft}');
    expect(handle().getAttribute('aria-valuetext')).toMatch(/^before the first event/);
    expect(screen.getByRole('button', { name: 'Step back one event' })).toHaveProperty(
      'disabled',
      true,
    );
    await user.keyboard('{End}');
    expect(handle().getAttribute('aria-valuenow')).toBe(String(analysis.length - 1));
    expect(screen.getByRole('button', { name: 'Step forward one event' })).toHaveProperty(
      'disabled',
      true,
    );
    await user.click(screen.getByRole('button', { name: 'Step back one event' }));
    expect(handle().getAttribute('aria-valuenow')).toBe(String(analysis.length - 2));
  });
});

describe('Timeline markers', () => {
  it('draws the 4000 close and the findings, and a click selects the event', async () => {
    const analysis = fixtureSession('close-4000');
    const onSelect = vi.fn();
    render(
      <Timeline
        analysis={analysis}
        findings={allFindings(analysis)}
        cursor={10}
        selected={null}
        onSelect={onSelect}
      />,
    );
    const group = screen.getByRole('group', { name: /^Markers/ });
    const close = within(group).getByRole('button', { name: /^closed by the server: 4000/ });
    await userEvent.setup().click(close);
    expect(onSelect).toHaveBeenCalledTimes(1);
    const index = onSelect.mock.calls[0]?.[0] as number;
    expect(analysis.log.get(index)).toMatchObject({ type: 'ws.close', code: 4000 });
    // The cut request (seq 46) and the 4000 finding (seq 47) are one pixel apart: one group,
    // drawn as its most severe finding.
    const findings = within(group).getByRole('button', {
      name: /^1 warning finding, 1 info finding between seq 46 and seq 47; goes to warning request-cut: /,
    });
    expect(findings.textContent).toBe('▲2');
  });

  it('is one tab stop; the arrow keys walk the markers left to right', async () => {
    const analysis = fixtureSession('reconnect');
    render(<Timeline analysis={analysis} cursor={10} selected={null} />);
    const buttons = within(screen.getByRole('group', { name: /^Markers/ })).getAllByRole('button');
    expect(buttons.filter((b) => b.tabIndex === 0)).toHaveLength(1);
    // Tab reaches the cursor before the markers.
    const group = screen.getByRole('group', { name: /^Markers/ });
    expect(handle().compareDocumentPosition(group) & Node.DOCUMENT_POSITION_FOLLOWING).toBeTruthy();
    const user = userEvent.setup();
    buttons[0]?.focus();
    await user.keyboard('{ArrowRight}');
    expect(document.activeElement).toBe(buttons[1]);
    await user.keyboard('{End}');
    expect(document.activeElement).toBe(buttons[buttons.length - 1]);
    expect(buttons[buttons.length - 1]?.tabIndex).toBe(0);
    expect(buttons[0]?.tabIndex).toBe(-1);
  });

  it('shows hostile strings as text and injects no element', () => {
    const analysis = hostileSession();
    const { container } = render(
      <Timeline analysis={analysis} findings={allFindings(analysis)} cursor={3} selected={null} />,
    );
    const titles = [...container.querySelectorAll('[title]')].map((e) => e.getAttribute('title'));
    expect(titles.some((t) => t?.includes(HOSTILE))).toBe(true);
    expect(container.querySelector('img')).toBeNull();
    expect(container.querySelector('script')).toBeNull();
  });
});

describe('Timeline scrubbing', () => {
  it('jumps to the event under a click and follows a drag, once per animation frame', () => {
    const frames = manualFrames();
    const analysis = fixtureSession('request-timeout');
    const onCursorChange = vi.fn();
    const { container } = render(
      <Timeline analysis={analysis} cursor={0} selected={null} onCursorChange={onCursorChange} />,
    );
    const strip = container.querySelector<HTMLElement>('.timeline__strip');
    if (!strip) throw new Error('no strip');
    vi.spyOn(strip, 'getBoundingClientRect').mockReturnValue(
      DOMRect.fromRect({ x: 100, y: 0, width: 1000, height: 40 }),
    );
    const axis = buildAxis(analysis.log, false);
    fireEvent.pointerDown(strip, { button: 0, pointerId: 1, clientX: 600 });
    expect(onCursorChange).not.toHaveBeenCalled();
    frames.run(16);
    expect(onCursorChange).toHaveBeenLastCalledWith(indexAtFraction(axis, 0.5));
    expect(document.activeElement).toBe(handle());
    // Three moves in one frame: one change, to the last position.
    fireEvent.pointerMove(strip, { pointerId: 1, clientX: 700 });
    fireEvent.pointerMove(strip, { pointerId: 1, clientX: 800 });
    fireEvent.pointerMove(strip, { pointerId: 1, clientX: 1000 });
    frames.run(16);
    expect(onCursorChange).toHaveBeenCalledTimes(2);
    expect(onCursorChange).toHaveBeenLastCalledWith(indexAtFraction(axis, 0.9));
    fireEvent.pointerUp(strip, { pointerId: 1, clientX: 1000 });
    fireEvent.pointerMove(strip, { pointerId: 1, clientX: 200 });
    frames.run(16);
    expect(onCursorChange).toHaveBeenCalledTimes(2);
  });
});

describe('Timeline replay', () => {
  it('plays forward in capture time × speed and pauses', async () => {
    const frames = manualFrames();
    const analysis = fixtureSession('request-timeout');
    render(<Controlled analysis={analysis} start={-1} speed={1} />);
    const user = userEvent.setup({ advanceTimers: () => undefined });
    await user.click(screen.getByRole('button', { name: 'Play' }));
    const start = analysis.log.time(0);
    frames.run(16); // first frame: the clock starts
    for (let k = 0; k < 20; k++) frames.run(50); // 1 s of capture time
    const now = Number(handle().getAttribute('aria-valuenow'));
    expect(analysis.log.time(now)).toBeLessThanOrEqual(start + 1016);
    expect(analysis.log.time(now + 1)).toBeGreaterThan(start + 1016);
    await user.click(screen.getByRole('button', { name: 'Pause' }));
    expect(frames.pending).toBe(0);
    expect(screen.getByRole('button', { name: 'Play' })).toBeDefined();
  });

  it('plays 16x faster at 16x, and stops at the end', async () => {
    const frames = manualFrames();
    const analysis = fixtureSession('close-4000');
    render(<Controlled analysis={analysis} start={-1} />);
    const user = userEvent.setup();
    await user.selectOptions(screen.getByRole('combobox', { name: 'Replay speed' }), '16');
    await user.click(screen.getByRole('button', { name: 'Play' }));
    const end = analysis.log.time(analysis.length - 1);
    const framesNeeded = Math.ceil(end / (16 * 100));
    for (let k = 0; k <= framesNeeded + 1; k++) frames.run(100);
    expect(handle().getAttribute('aria-valuenow')).toBe(String(analysis.length - 1));
    expect(screen.getByRole('button', { name: 'Play' })).toBeDefined();
    expect(frames.pending).toBe(0);
  });

  it('starts over from the beginning when played at the end', async () => {
    const frames = manualFrames();
    const analysis = fixtureSession('close-4000');
    const onCursorChange = vi.fn();
    render(
      <Controlled
        analysis={analysis}
        start={analysis.length - 1}
        onCursorChange={onCursorChange}
      />,
    );
    await userEvent.setup().click(screen.getByRole('button', { name: 'Play' }));
    expect(onCursorChange).toHaveBeenCalledWith(-1);
    frames.run(16);
    frames.run(16);
    const now = Number(handle().getAttribute('aria-valuenow'));
    expect(now).toBeLessThan(5);
  });

  it('carries on from where the user moves the cursor while playing', async () => {
    const frames = manualFrames();
    const analysis = fixtureSession('request-timeout');
    render(<Controlled analysis={analysis} start={-1} />);
    const user = userEvent.setup();
    await user.click(screen.getByRole('button', { name: 'Play' }));
    frames.run(16);
    handle().focus();
    await user.keyboard('{PageUp}{PageUp}{PageUp}{PageUp}{PageUp}');
    const moved = Number(handle().getAttribute('aria-valuenow'));
    expect(moved).toBeGreaterThanOrEqual(50);
    frames.run(16);
    expect(Number(handle().getAttribute('aria-valuenow'))).toBeGreaterThanOrEqual(moved);
  });
});

describe('Timeline live', () => {
  it('shows following as a pressed "● Live" button; a scrub back stops it', async () => {
    const analysis = fixtureSession('reconnect');
    const onFollowChange = vi.fn();
    render(<Controlled analysis={analysis} live following onFollowChange={onFollowChange} />);
    const live = screen.getByRole('button', { name: 'Follow live' });
    expect(live.getAttribute('aria-pressed')).toBe('true');
    expect(live.textContent).toBe('● Live');
    const user = userEvent.setup();
    handle().focus();
    await user.keyboard('{ArrowLeft}');
    expect(onFollowChange).toHaveBeenLastCalledWith(false);
    expect(live.getAttribute('aria-pressed')).toBe('false');
    expect(live.textContent).toBe('Follow live');
    await user.click(live);
    expect(onFollowChange).toHaveBeenLastCalledWith(true);
    expect(handle().getAttribute('aria-valuenow')).toBe(String(analysis.length - 1));
  });

  it('keeps the cursor at the end as the session grows when it keeps following itself', () => {
    const events = fixtureEvents('reconnect');
    const log = new SessionLog();
    for (const e of events.slice(0, 10)) log.appendWithSeq(e);
    const analysis = new SessionAnalysis(log).update();
    const onCursorChange = vi.fn();
    const { rerender } = render(
      <Timeline
        analysis={analysis}
        cursor={9}
        selected={null}
        live
        onCursorChange={onCursorChange}
      />,
    );
    expect(screen.getByRole('button', { name: 'Follow live' }).getAttribute('aria-pressed')).toBe(
      'true',
    );
    for (const e of events.slice(10, 15)) log.appendWithSeq(e);
    analysis.update();
    rerender(
      <Timeline
        analysis={analysis}
        cursor={9}
        selected={null}
        live
        onCursorChange={onCursorChange}
      />,
    );
    expect(onCursorChange).toHaveBeenLastCalledWith(14);
  });

  it('says it waits for the first event of an empty live session', () => {
    render(<Timeline analysis={emptySession()} cursor={-1} selected={null} live />);
    expect(screen.getByText('Waiting for the first event of the live session…')).toBeDefined();
    expect(screen.queryByRole('slider')).toBeNull();
  });

  it('says what to do with an empty capture', () => {
    render(<Timeline analysis={emptySession()} cursor={-1} selected={null} />);
    expect(screen.getByText(/^This session has no events: open a capture/)).toBeDefined();
    expect(screen.getByRole('button', { name: 'Play' })).toHaveProperty('disabled', true);
  });

  it('replay that catches up with a live session follows it', async () => {
    const frames = manualFrames();
    const analysis = fixtureSession('close-4000');
    const onFollowChange = vi.fn();
    render(
      <Controlled
        analysis={analysis}
        start={analysis.length - 3}
        live
        following={false}
        speed={16}
        onFollowChange={onFollowChange}
      />,
    );
    await userEvent.setup().click(screen.getByRole('button', { name: 'Play' }));
    for (let k = 0; k < 200 && frames.pending > 0; k++) frames.run(100);
    expect(onFollowChange).toHaveBeenLastCalledWith(true);
    expect(screen.getByRole('button', { name: 'Follow live' }).getAttribute('aria-pressed')).toBe(
      'true',
    );
  });
});

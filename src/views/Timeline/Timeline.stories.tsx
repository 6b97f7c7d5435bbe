import type { Meta, StoryObj } from '@storybook/react-vite';
import { useMemo } from 'react';
import { expect, fn, userEvent, waitFor } from 'storybook/test';
import { SessionAnalysis } from '../../projections/analysis.ts';
import type { Finding } from '../../projections/findings.ts';
import { allFindings } from '../../projections/machineFindings.ts';
import {
  HOSTILE,
  emptySession,
  fixtureSession,
  generatedSession,
  hostileSession,
} from '../shared/sessions.ts';
import { fixtureEvents, useGrowingSession, useHarnessState } from './harness.tsx';
import { Timeline, type TimelineProps } from './Timeline.tsx';

/**
 * The session and its findings come from a loader, not from args: args are serialised to
 * the manager, which a 100,000-event analysis has no business in. A loader also builds the
 * session only when its story is opened.
 */
const session = (build: () => SessionAnalysis) => [
  () => {
    const analysis = build();
    return { analysis, findings: allFindings(analysis) };
  },
];

function loadedSession(loaded: Readonly<Record<string, unknown>>): {
  analysis: SessionAnalysis;
  findings: readonly Finding[];
} {
  const { analysis, findings } = loaded;
  if (analysis instanceof SessionAnalysis && Array.isArray(findings)) {
    return { analysis, findings: findings as Finding[] };
  }
  throw new Error('this story has no session loader');
}

/** The timeline under the app's state rules: `cursor` and `following` are where it starts. */
function Harnessed(props: Partial<TimelineProps> & { analysis: SessionAnalysis }) {
  const { analysis, cursor, following, selected, ...rest } = props;
  const state = useHarnessState(analysis, {
    ...(cursor === undefined ? {} : { cursor }),
    ...(following === undefined ? {} : { following }),
    ...(selected === undefined ? {} : { selected }),
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

/** A live session fed from a fixture, one event every `intervalMs`. */
function LiveTimeline({
  fixture,
  following,
  intervalMs,
}: {
  fixture: string;
  following: boolean;
  intervalMs: number;
}) {
  const events = useMemo(() => fixtureEvents(fixture), [fixture]);
  const live = useGrowingSession(events, { intervalMs, initial: 20 });
  return (
    <>
      <Harnessed
        analysis={live.analysis}
        findings={live.findings}
        live={!live.done}
        following={following}
        cursor={following ? undefined : 5}
      />
      <p className="muted" style={{ padding: '0 14px' }}>
        {live.done
          ? `All ${String(live.appended)} events are in: the session is no longer live.`
          : `${String(live.appended)} events so far; one more every ${String(intervalMs)} ms.`}
      </p>
    </>
  );
}

const meta = {
  title: 'Views/Timeline',
  component: Timeline,
  parameters: { layout: 'fullscreen' },
  args: { onSelect: fn(), onCursorChange: fn(), onFollowChange: fn() },
  argTypes: {
    analysis: { control: false, table: { disable: true } },
    findings: { control: false, table: { disable: true } },
  },
  decorators: [
    (Story) => (
      <div className="app" style={{ minHeight: '100vh' }}>
        <main className="app__main">
          <Story />
        </main>
      </div>
    ),
  ],
  render: (args, { loaded }) => {
    const { analysis, findings } = loadedSession(loaded);
    return (
      <Harnessed
        key={`${String(args.cursor)}:${String(args.following)}`}
        {...args}
        analysis={analysis}
        findings={findings}
      />
    );
  },
} satisfies Meta<typeof Timeline>;

export default meta;

type Story = StoryObj<typeof Timeline>;

/** Requests that time out (error findings) and a late response, the cursor mid-session. */
export const RequestTimeout: Story = {
  name: 'Request timeouts',
  loaders: session(() => fixtureSession('request-timeout')),
  args: { cursor: 46 },
  play: async ({ canvas }) => {
    const handle = await canvas.findByRole('slider', { name: 'Cursor' });
    await expect(handle).toHaveAttribute('aria-valuenow', '46');
    await expect(
      canvas.getAllByRole('button', { name: /^error request-timeout: / }).length,
    ).toBeGreaterThan(0);
    handle.focus();
    await userEvent.keyboard('{ArrowRight}');
    await expect(handle).toHaveAttribute('aria-valuenow', '47');
  },
};

/** Error responses from the server and a consumer the client refused. */
export const Rejection500: Story = {
  name: 'Rejections (500, 403)',
  loaders: session(() => fixtureSession('rejection-500')),
  args: { cursor: 20 },
};

/** Frames that are not protoo messages, binary frames, a dropped socket. */
export const BrokenFrames: Story = {
  name: 'Broken frames',
  loaders: session(() => fixtureSession('broken-frames')),
  args: { cursor: 12 },
  play: async ({ canvas, args }) => {
    const broken = await canvas.findAllByRole('button', { name: /broken frame/ });
    await userEvent.click(broken[0] ?? document.body);
    await expect(args.onSelect).toHaveBeenCalled();
  },
};

/** A dropped socket, three failed attempts and the reconnect. */
export const Reconnect: Story = {
  loaders: session(() => fixtureSession('reconnect')),
  args: { cursor: 60 },
  play: async ({ canvas }) => {
    await expect(
      await canvas.findByRole('button', { name: /^reconnect: the socket opened again/ }),
    ).toBeVisible();
  },
};

/** The server closes with 4000: a marker of its own, no reconnect. */
export const Close4000: Story = {
  name: 'Closed by the server (4000)',
  loaders: session(() => fixtureSession('close-4000')),
  args: { cursor: 47 },
};

/** Before the first event: the handle at the start, nothing played. */
export const CursorAtStart: Story = {
  name: 'Cursor before the first event',
  loaders: session(() => fixtureSession('legacy-participant-join')),
  args: { cursor: -1 },
  play: async ({ canvas }) => {
    const handle = await canvas.findByRole('slider', { name: 'Cursor' });
    await expect(handle.getAttribute('aria-valuetext')).toMatch(/^before the first event/);
    await expect(canvas.getByRole('button', { name: 'Step back one event' })).toBeDisabled();
  },
};

/** At the last event: play starts over from the beginning. */
export const CursorAtEnd: Story = {
  name: 'Cursor at the end',
  loaders: session(() => fixtureSession('legacy-participant-join')),
  args: { cursor: 114 },
};

/** Replay at 16x from the start (press Play). */
export const Replay16x: Story = {
  name: 'Replay at 16x',
  loaders: session(() => fixtureSession('new-participant-join')),
  args: { cursor: -1, speed: 16 },
  play: async ({ canvas }) => {
    const handle = await canvas.findByRole('slider', { name: 'Cursor' });
    await userEvent.click(canvas.getByRole('button', { name: 'Play' }));
    await waitFor(
      async () => {
        await expect(Number(handle.getAttribute('aria-valuenow'))).toBeGreaterThan(5);
      },
      { timeout: 4000 },
    );
    await userEvent.click(canvas.getByRole('button', { name: 'Pause' }));
  },
};

/** A session with long idle stretches, gaps skipped. */
export const SkipGaps: Story = {
  name: 'Long gaps skipped',
  loaders: session(() => generatedSession(3000)),
  args: { cursor: 1500, skipGaps: true },
};

/** A capture with a header and no events. */
export const Empty: Story = {
  loaders: session(() => emptySession()),
  args: { cursor: -1 },
  play: async ({ canvas }) => {
    await expect(await canvas.findByText(/This session has no events/)).toBeVisible();
    await expect(canvas.getByRole('button', { name: 'Play' })).toBeDisabled();
  },
};

/** 100,000 messages of two simulated rooms: one histogram path, markers grouped by pixel. */
export const Huge: Story = {
  name: 'Huge (100,000 messages)',
  loaders: session(() => generatedSession(100_000)),
  args: { cursor: 50_000 },
  play: async ({ canvas, canvasElement }) => {
    const handle = await canvas.findByRole('slider', { name: 'Cursor' });
    await expect(Number(handle.getAttribute('aria-valuemax'))).toBeGreaterThanOrEqual(99_999);
    await expect(canvasElement.querySelectorAll('.timeline-marker').length).toBeLessThan(400);
  },
};

/** Reasons, peer ids and connection names are HTML: tooltips show them as text. */
export const HostileStrings: Story = {
  name: 'Hostile strings',
  loaders: session(() => hostileSession()),
  args: { cursor: 4 },
  play: async ({ canvas, canvasElement }) => {
    const close = await canvas.findByRole('button', { name: /^closed by the server: 4000/ });
    await expect(close.getAttribute('title')).toContain(HOSTILE);
    await expect(canvasElement.querySelector('img, script:not([src])')).toBeNull();
  },
};

/** A live session (reconnect fixture, one event every 400 ms), following the end. */
export const LiveFollowing: Story = {
  name: 'Live, following',
  loaders: [],
  render: () => <LiveTimeline fixture="reconnect" following intervalMs={400} />,
  play: async ({ canvas }) => {
    const live = await canvas.findByRole('button', { name: 'Follow live' });
    await expect(live).toHaveAttribute('aria-pressed', 'true');
    const handle = canvas.getByRole('slider', { name: 'Cursor' });
    const before = Number(handle.getAttribute('aria-valuenow'));
    await waitFor(
      async () => {
        await expect(Number(handle.getAttribute('aria-valuenow'))).toBeGreaterThan(before);
      },
      { timeout: 3000 },
    );
  },
};

/** The same live session, the user scrubbed back: the cursor stays, "Follow live" returns. */
export const LiveNotFollowing: Story = {
  name: 'Live, scrubbed back',
  loaders: [],
  render: () => <LiveTimeline fixture="reconnect" following={false} intervalMs={400} />,
  play: async ({ canvas }) => {
    const live = await canvas.findByRole('button', { name: 'Follow live' });
    await expect(live).toHaveAttribute('aria-pressed', 'false');
    await expect(canvas.getByRole('slider', { name: 'Cursor' })).toHaveAttribute(
      'aria-valuenow',
      '5',
    );
  },
};

/** The request-timeout capture in the dark theme. */
export const DarkTheme: Story = {
  name: 'Dark theme',
  loaders: session(() => fixtureSession('request-timeout')),
  args: { cursor: 60 },
  globals: { theme: 'dark' },
};

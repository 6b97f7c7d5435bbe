import type { Meta, StoryObj } from '@storybook/react-vite';
import { useMemo } from 'react';
import { expect, fn, userEvent, waitFor, within } from 'storybook/test';
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
import { fixtureEvents, useGrowingSession, useHarnessState } from '../Timeline/harness.tsx';
import { Timeline } from '../Timeline/Timeline.tsx';
import { Findings, NO_FINDINGS_TEXT, type FindingsProps } from './Findings.tsx';

/**
 * The session and its findings come from a loader, not from args (args are serialised to
 * the manager); a loader also builds the session only when its story is opened.
 */
const session = (build: () => SessionAnalysis, findingsOf = allFindings) => [
  () => {
    const analysis = build();
    return { analysis, findings: findingsOf(analysis) };
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

/** One finding per event of a huge session: enough rows to need windowing. */
function findingPerEvent(analysis: SessionAnalysis): Finding[] {
  const out: Finding[] = [];
  const log = analysis.log;
  for (let i = 0; i < analysis.length; i++) {
    const conn = log.connId(i);
    out.push({
      code: i % 7 === 0 ? 'request-timeout' : i % 3 === 0 ? 'deprecated-method' : 'wrong-type',
      severity: i % 7 === 0 ? 'error' : i % 3 === 0 ? 'info' : 'warning',
      seq: log.seq(i),
      index: i,
      conn: conn >= 0 ? log.connName(conn) : undefined,
      message: `generated finding about seq ${String(log.seq(i))} (${analysis.kind(i) ?? log.get(i).type})`,
      ...(i > 0 ? { related: [i - 1] } : {}),
    });
  }
  return out;
}

/** The list under the app's state rules: a click selects the event and moves the cursor. */
function Harnessed(
  props: Partial<FindingsProps> & { analysis: SessionAnalysis; findings: readonly Finding[] },
) {
  const { analysis, cursor, selected, ...rest } = props;
  const state = useHarnessState(analysis, {
    ...(cursor === undefined ? {} : { cursor }),
    ...(selected === undefined ? {} : { selected }),
  });
  return (
    <div style={{ height: '100vh', display: 'flex', flexDirection: 'column', maxWidth: 720 }}>
      <Findings
        {...rest}
        analysis={analysis}
        cursor={state.cursor}
        selected={state.selected}
        onSelect={(i) => {
          state.onSelect(i);
          rest.onSelect?.(i);
        }}
      />
    </div>
  );
}

/** A live session (request-timeout fixture) with the timeline above the findings. */
function LiveFindings({ following }: { following: boolean }) {
  const events = useMemo(() => fixtureEvents('request-timeout'), []);
  const live = useGrowingSession(events, {
    intervalMs: 250,
    perTick: 2,
    initial: 40,
  });
  const state = useHarnessState(live.analysis, {
    following,
    ...(following ? {} : { cursor: 10 }),
  });
  return (
    <div style={{ height: '100vh', display: 'flex', flexDirection: 'column', maxWidth: 900 }}>
      <Timeline {...state} analysis={live.analysis} findings={live.findings} live={!live.done} />
      <Findings {...state} analysis={live.analysis} findings={live.findings} />
    </div>
  );
}

const meta = {
  title: 'Views/Findings',
  component: Findings,
  parameters: { layout: 'fullscreen' },
  args: { onSelect: fn() },
  argTypes: {
    analysis: { control: false, table: { disable: true } },
    findings: { control: false, table: { disable: true } },
  },
  decorators: [
    (Story) => (
      <div className="app">
        <Story />
      </div>
    ),
  ],
  render: (args, { loaded }) => {
    const { analysis, findings } = loadedSession(loaded);
    return (
      <Harnessed
        key={`${String(args.cursor)}:${String(args.selected)}`}
        {...args}
        analysis={analysis}
        findings={findings}
      />
    );
  },
} satisfies Meta<typeof Findings>;

export default meta;

type Story = StoryObj<typeof Findings>;

/** Requests that time out, a consumer left paused, a late response; cursor after the first. */
export const RequestTimeout: Story = {
  name: 'Request timeouts',
  loaders: session(() => fixtureSession('request-timeout')),
  args: { cursor: 50 },
  play: async ({ canvas, args }) => {
    const grid = await canvas.findByRole('grid', { name: 'Findings' });
    const current = within(grid).getAllByRole('row', { current: true });
    await expect(current[0]).toHaveTextContent('request-timeout');
    await userEvent.click(current[0] ?? grid);
    await expect(args.onSelect).toHaveBeenCalledWith(46);
  },
};

/** Error responses (500, 403) and a deprecated method. */
export const Rejection500: Story = {
  name: 'Rejections (500, 403)',
  loaders: session(() => fixtureSession('rejection-500')),
  args: { cursor: 20 },
};

/** 22 findings of every severity: invalid frames, binary frames, an orphan, a dropped socket. */
export const BrokenFrames: Story = {
  name: 'Broken frames',
  loaders: session(() => fixtureSession('broken-frames')),
  args: { cursor: 12 },
  play: async ({ canvas }) => {
    await userEvent.click(await canvas.findByRole('button', { name: /^\d+ errors$/ }));
    const grid = canvas.getByRole('grid', { name: 'Findings' });
    // The list applies a filter as a deferred value: wait for it.
    await waitFor(async () => {
      await expect(within(grid).queryAllByText('invalid-frame')).toHaveLength(0);
    });
    await userEvent.click(canvas.getByRole('button', { name: /^\d+ errors$/ }));
  },
};

/** Sorted most severe first. */
export const BySeverity: Story = {
  name: 'Broken frames, by severity',
  loaders: session(() => fixtureSession('broken-frames')),
  args: { cursor: 36, initialFilter: { sort: 'severity' } },
};

/** A dropped socket, failed attempts and their errors. */
export const Reconnect: Story = {
  loaders: session(() => fixtureSession('reconnect')),
  args: { cursor: 50 },
};

/** Closed by the server with 4000, a request cut by it. */
export const Close4000: Story = {
  name: 'Closed by the server (4000)',
  loaders: session(() => fixtureSession('close-4000')),
  args: { cursor: 47, selected: 47 },
};

/** Before the first event: no finding is marked. */
export const CursorAtStart: Story = {
  name: 'Cursor before the first event',
  loaders: session(() => fixtureSession('request-timeout')),
  args: { cursor: -1 },
  play: async ({ canvas }) => {
    const grid = await canvas.findByRole('grid', { name: 'Findings' });
    await expect(within(grid).queryAllByRole('row', { current: true })).toHaveLength(0);
  },
};

/** A clean session. */
export const NoFindings: Story = {
  name: 'No findings',
  loaders: session(
    () => fixtureSession('legacy-participant-join'),
    () => [],
  ),
  play: async ({ canvas }) => {
    await expect(await canvas.findByText(NO_FINDINGS_TEXT)).toBeVisible();
  },
};

/** A capture with no events. */
export const Empty: Story = {
  loaders: session(() => emptySession()),
  args: { cursor: -1 },
};

/** 100,000 messages with a finding each: only the rows in view are rendered. */
export const Huge: Story = {
  name: 'Huge (100,000 findings)',
  loaders: session(() => generatedSession(100_000), findingPerEvent),
  args: { cursor: 50_000 },
  play: async ({ canvas }) => {
    const grid = await canvas.findByRole('grid', { name: 'Findings' });
    await expect(Number(grid.getAttribute('aria-rowcount'))).toBeGreaterThan(100_000);
    await expect(within(grid).getAllByRole('row').length).toBeLessThan(80);
  },
};

/** The huge room's real findings (error responses, drops, refused consumers). */
export const HugeRealFindings: Story = {
  name: 'Huge room, its own findings',
  loaders: session(() => generatedSession(100_000)),
  args: { initialFilter: { sort: 'severity' } },
};

/** Reasons, peer ids, connection names and pc ids are HTML: they show as text. */
export const HostileStrings: Story = {
  name: 'Hostile strings',
  loaders: session(() => hostileSession()),
  args: { cursor: 8 },
  play: async ({ canvasElement }) => {
    await waitFor(async () => {
      await expect(canvasElement.textContent).toContain(HOSTILE);
    });
    await expect(canvasElement.querySelector('img, script:not([src])')).toBeNull();
  },
};

/** A live session under the timeline, following the end: findings appear as events come. */
export const LiveFollowing: Story = {
  name: 'Live, following',
  loaders: [],
  render: () => <LiveFindings following />,
};

/** The same live session, the cursor held back at seq 10. */
export const LiveNotFollowing: Story = {
  name: 'Live, not following',
  loaders: [],
  render: () => <LiveFindings following={false} />,
};

/** Broken frames in the dark theme. */
export const DarkTheme: Story = {
  name: 'Dark theme',
  loaders: session(() => fixtureSession('broken-frames')),
  args: { cursor: 20 },
  globals: { theme: 'dark' },
};

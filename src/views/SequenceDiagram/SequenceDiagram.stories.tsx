import type { Meta, StoryObj } from '@storybook/react-vite';
import { useState } from 'react';
import { expect, fn, userEvent } from 'storybook/test';
import { SessionAnalysis } from '../../projections/analysis.ts';
import {
  HOSTILE,
  emptySession,
  fixtureSession,
  generatedSession,
  hostileSession,
} from '../shared/sessions.ts';
import { SequenceDiagram, type SequenceDiagramProps } from './SequenceDiagram.tsx';

/**
 * The session comes from a loader, not from args: args are serialised to the manager, which
 * a 100,000-event analysis has no business in. A loader also builds it only when its story
 * is opened.
 */
const session = (build: () => SessionAnalysis) => [() => ({ analysis: build() })];

function loadedAnalysis(loaded: Readonly<Record<string, unknown>>): SessionAnalysis {
  const analysis = loaded.analysis;
  if (analysis instanceof SessionAnalysis) return analysis;
  throw new Error('this story has no session loader');
}

type HarnessProps = Omit<SequenceDiagramProps, 'analysis' | 'cursor' | 'selected'> & {
  readonly analysis: SessionAnalysis;
  /** Where the cursor starts (default: the end, as for a closed capture). */
  readonly cursor?: number;
  readonly selected?: number | null;
};

/** The diagram under the app's rule: selecting an event also moves the cursor to it. */
function Harnessed({ analysis, cursor, selected = null, onSelect, ...rest }: HarnessProps) {
  const [state, setState] = useState({
    selected,
    cursor: cursor ?? selected ?? analysis.length - 1,
  });
  return (
    <SequenceDiagram
      {...rest}
      analysis={analysis}
      cursor={state.cursor}
      selected={state.selected}
      onSelect={(i) => {
        setState({ selected: i, cursor: i });
        onSelect?.(i);
      }}
    />
  );
}

const meta = {
  title: 'Views/SequenceDiagram',
  component: Harnessed,
  parameters: { layout: 'fullscreen' },
  args: { onSelect: fn(), onExport: fn() },
  argTypes: {
    analysis: { control: false, table: { disable: true } },
    visible: { control: false },
  },
  // The app's frame: the diagram fills the main area.
  decorators: [
    (Story) => (
      <div className="app" style={{ height: '100vh' }}>
        <main className="app__main">
          <Story />
        </main>
      </div>
    ),
  ],
  // Keyed by the starting point, so that changing it in Controls shows it.
  render: (args, { loaded }) => (
    <Harnessed
      key={`${String(args.selected)}/${String(args.cursor)}`}
      {...args}
      analysis={loadedAnalysis(loaded)}
    />
  ),
} satisfies Meta<typeof Harnessed>;

export default meta;

// Every prop optional: `analysis` is supplied by the loader, never by args.
type Story = StoryObj<typeof Harnessed>;

/** A legacy mediasoup-demo participant joins a room of two: join selected, its response linked. */
export const LegacyJoin: Story = {
  name: 'Legacy demo join',
  loaders: session(() => fixtureSession('legacy-participant-join')),
  args: { selected: 8 },
  play: async ({ canvas }) => {
    const grid = await canvas.findByRole('grid', { name: 'Sequence diagram' });
    await expect(grid).toHaveAttribute('aria-rowcount', '115');
    const join = await canvas.findByRole('row', { selected: true });
    await expect(join).toHaveAccessibleName(/^seq 8, client xc24fh03 to server, request join/);
    const lifelines = canvas.getByRole('list', { name: 'Lifelines' });
    await expect(lifelines.querySelectorAll('[role="listitem"]')).toHaveLength(5);
  },
};

/** The TypeScript rewrite of mediasoup-demo (new dialect). */
export const NewDialect: Story = {
  name: 'New dialect join',
  loaders: session(() => fixtureSession('new-participant-join')),
};

/** One page of a four-peer mesh: the server relays signals between the peers' lifelines. */
export const MeshRoom: Story = {
  name: 'Mesh room',
  loaders: session(() => fixtureSession('mesh-room')),
  args: { selected: 5 },
};

/** A two-party (codelab) room: the other client is a lifeline of its own. */
export const TwoPartyRoom: Story = {
  name: 'Two-party room',
  loaders: session(() => fixtureSession('two-party-room')),
};

/** Frames protoo drops, an orphan response, a reused id, binary frames, a dropped socket. */
export const BrokenFrames: Story = {
  name: 'Broken frames',
  loaders: session(() => fixtureSession('broken-frames')),
  args: { selected: 2 },
  play: async ({ canvas }) => {
    const empty = await canvas.findByRole('row', { selected: true });
    await expect(empty).toHaveAccessibleName(
      'seq 2, server to client sfpiz303, invalid, not JSON: the frame is empty',
    );
  },
};

/** Requests that time out (amber) and a response that comes after the client gave up. */
export const Timeouts: Story = {
  loaders: session(() => fixtureSession('request-timeout')),
  args: { selected: 46 },
  play: async ({ canvas }) => {
    const row = await canvas.findByRole('row', { selected: true });
    await expect(row).toHaveAccessibleName(
      /request getTransportStats id \d+, timed out after 22.5 s$/,
    );
  },
};

/** The socket drops with a request in flight (cut by close), then reconnects. */
export const Reconnect: Story = {
  loaders: session(() => fixtureSession('reconnect')),
  args: { selected: 44 },
};

/** Peer ids, methods, reasons and notes that are HTML: they must show as text. */
export const HostileStrings: Story = {
  name: 'Hostile strings',
  loaders: session(hostileSession),
  play: async ({ canvas, canvasElement }) => {
    await expect((await canvas.findAllByText(HOSTILE)).length).toBeGreaterThan(2);
    await expect(canvasElement.querySelector('img, script')).toBeNull();
  },
};

/** A capture with no events. */
export const EmptySession: Story = {
  name: 'Empty session',
  loaders: session(emptySession),
  play: async ({ canvas }) => {
    await expect(await canvas.findByText(/This session has no events yet/)).toBeVisible();
  },
};

/** The app's filter keeps nothing. */
export const NothingMatches: Story = {
  name: 'Nothing matches the filter',
  loaders: session(() => fixtureSession('observer-join')),
  args: { visible: [] },
  play: async ({ canvas }) => {
    await expect(await canvas.findByText(/No event matches the filter/)).toBeVisible();
  },
};

/** A multi-client capture with runs of score notifications, collapsed until opened. */
export const Runs: Story = {
  name: 'Runs of notifications',
  loaders: session(() => generatedSession(3000)),
  play: async ({ canvas }) => {
    const grid = await canvas.findByRole('grid', { name: 'Sequence diagram' });
    const before = Number(grid.getAttribute('aria-rowcount'));
    await userEvent.click(canvas.getByRole('button', { name: 'Expand all runs' }));
    await expect(Number(grid.getAttribute('aria-rowcount'))).toBeGreaterThan(before);
  },
};

/** 100,000 messages: only the rows in view are in the DOM. */
export const Huge: Story = {
  name: 'Huge (100,000 messages)',
  loaders: session(() => generatedSession(100_000)),
  play: async ({ canvas }) => {
    const grid = await canvas.findByRole('grid', { name: 'Sequence diagram' });
    await expect(Number(grid.getAttribute('aria-rowcount'))).toBeGreaterThan(90_000);
    await expect(canvas.getAllByRole('row').length).toBeLessThan(200);
  },
};

/** The cursor before the first event: every row is still to come. */
export const CursorAtStart: Story = {
  name: 'Cursor before the first event',
  loaders: session(() => fixtureSession('legacy-participant-join')),
  args: { cursor: -1 },
};

/** The cursor in the middle of the join: rows after it are dimmed. */
export const CursorMidway: Story = {
  name: 'Cursor midway',
  loaders: session(() => fixtureSession('legacy-participant-join')),
  args: { cursor: 20 },
  play: async ({ canvas }) => {
    const rows = await canvas.findAllByRole('row');
    const current = rows.filter((r) => r.getAttribute('aria-current') === 'step');
    await expect(current).toHaveLength(1);
    await expect(current[0]).toHaveAccessibleName(/^seq 20, /);
  },
};

/** The cursor at the last event, as for a finished capture. */
export const CursorAtEnd: Story = {
  name: 'Cursor at the end',
  loaders: session(() => fixtureSession('close-4000')),
};

/** The legacy join in the dark theme. */
export const DarkTheme: Story = {
  name: 'Dark theme',
  loaders: session(() => fixtureSession('broken-frames')),
  args: { selected: 26 },
  globals: { theme: 'dark' },
};

import type { Meta, StoryObj } from '@storybook/react-vite';
import { expect, fn, userEvent } from 'storybook/test';
import legacyJoin from '../../../fixtures/legacy-participant-join.sscap.jsonl?raw';
import newJoin from '../../../fixtures/new-participant-join.sscap.jsonl?raw';
import brokenFrames from '../../../fixtures/broken-frames.sscap.jsonl?raw';
import requestTimeout from '../../../fixtures/request-timeout.sscap.jsonl?raw';
import { SessionAnalysis } from '../../projections/analysis.ts';
import { readCaptureText } from '../../session/capture.ts';
import { EventList } from './EventList.tsx';
import { HOSTILE, hostileEvents, manyEvents, sampleAnalysis } from './sampleSession.ts';

/** A committed capture through the app's own reader and analysis. */
function analyseCapture(text: string): SessionAnalysis {
  const { log, errors } = readCaptureText(text);
  const first = errors[0];
  if (first) throw new Error(`the fixture does not read cleanly: ${first.message}`);
  return new SessionAnalysis(log).update();
}

/**
 * The session comes from a loader, not from args: args are sent to the manager (serialised
 * with telejson) and edited through controls, which a 100,000-event analysis has no business
 * in. A loader also builds it only when its story is opened.
 */
const session = (build: () => SessionAnalysis) => [() => ({ analysis: build() })];

function loadedAnalysis(loaded: Readonly<Record<string, unknown>>): SessionAnalysis {
  const analysis = loaded.analysis;
  if (analysis instanceof SessionAnalysis) return analysis;
  throw new Error('this story has no session loader');
}

const meta = {
  title: 'Views/EventList',
  component: EventList,
  parameters: { layout: 'fullscreen' },
  args: { onSelectedChange: fn() },
  argTypes: { analysis: { control: false, table: { disable: true } } },
  // The app's frame (App.tsx): the list fills the main area under the top bar.
  decorators: [
    (Story) => (
      <div className="app" style={{ height: '100vh' }}>
        <main className="app__main">
          <Story />
        </main>
      </div>
    ),
  ],
  // Keyed by the initial selection, so that changing it in Controls shows it.
  render: (args, { loaded }) => (
    <EventList key={String(args.initialSelected)} {...args} analysis={loadedAnalysis(loaded)} />
  ),
} satisfies Meta<typeof EventList>;

export default meta;

// Every prop optional: `analysis` is supplied by the loader, never by args.
type Story = StoryObj<typeof EventList>;

/** The bundled demo: a legacy mediasoup-demo participant joins, with the join selected. */
export const Default: Story = {
  name: 'Legacy demo join',
  loaders: session(() => analyseCapture(legacyJoin)),
  args: { initialSelected: 8 },
  play: async ({ canvas }) => {
    const selected = await canvas.findByRole('row', { selected: true });
    await expect(selected).toHaveAccessibleName(/request join, ok/);
    await expect(canvas.getByText('115 events')).toBeVisible();
  },
};

/** The TypeScript rewrite of mediasoup-demo (new dialect), join selected. */
export const NewDialect: Story = {
  name: 'New dialect join',
  loaders: session(() => analyseCapture(newJoin)),
  args: { initialSelected: 8 },
};

/** Frames that are not protoo messages, an orphan response, a reused id, a dropped socket. */
export const BrokenFrames: Story = {
  name: 'Broken frames',
  loaders: session(() => analyseCapture(brokenFrames)),
  args: { initialSelected: 5 },
};

/** Method, reason, connection and note are HTML: they must show as text. */
export const HostileStrings: Story = {
  name: 'Hostile strings',
  loaders: session(() => sampleAnalysis(hostileEvents())),
  args: { initialSelected: 1 },
  play: async ({ canvas, canvasElement }) => {
    await expect((await canvas.findAllByText(HOSTILE)).length).toBeGreaterThan(0);
    await expect(canvasElement.querySelector('img')).toBeNull();
  },
};

/**
 * Requests that never get an answer, and a response that arrives after its timeout. They sit
 * below the first screen and the list does not scroll to `initialSelected`, so the story
 * does what a user would: it ticks "Problems only".
 */
export const Timeouts: Story = {
  loaders: session(() => analyseCapture(requestTimeout)),
  args: { initialSelected: 46 },
  play: async ({ canvas }) => {
    await userEvent.click(await canvas.findByRole('checkbox', { name: 'Problems only' }));
    const selected = await canvas.findByRole('row', { selected: true });
    await expect(selected).toHaveAccessibleName(/request getTransportStats, timed out after/);
  },
};

/** A capture with a header and no events. */
export const EmptySession: Story = {
  name: 'Empty session',
  loaders: session(() => sampleAnalysis([])),
  play: async ({ canvas }) => {
    await expect(await canvas.findByText('This session has no events.')).toBeVisible();
  },
};

/** 100,000 events: only the rows in view are rendered. */
export const Huge: Story = {
  name: 'Huge (100,000 events)',
  loaders: session(() => sampleAnalysis(manyEvents(100_000))),
  play: async ({ canvas }) => {
    await expect(await canvas.findByText('100,000 events')).toBeVisible();
    await expect(canvas.getAllByRole('row').length).toBeLessThan(200);
  },
};

/** The legacy demo join in the dark theme. */
export const DarkTheme: Story = {
  name: 'Dark theme',
  loaders: session(() => analyseCapture(legacyJoin)),
  args: { initialSelected: 8 },
  globals: { theme: 'dark' },
};

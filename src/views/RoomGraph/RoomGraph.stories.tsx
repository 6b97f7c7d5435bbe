import type { Meta, StoryObj } from '@storybook/react-vite';
import { useState } from 'react';
import { expect, fn, waitFor } from 'storybook/test';
import type { MeshRoomContext } from '../../../machines/meshRoomMachine.ts';
import { SessionAnalysis } from '../../projections/analysis.ts';
import { createMachineDrivers, type MachineDrivers } from '../../projections/machineStates.ts';
import {
  HOSTILE,
  emptySession,
  fixtureSession,
  generatedSession,
  hostileSession,
  sessionOf,
} from '../shared/sessions.ts';
import type { MeshPage } from './model.ts';
import { RoomGraph, type RoomGraphProps } from './RoomGraph.tsx';
import { sampleRoomCapture } from './sampleRoom.ts';

/**
 * The session and its drivers come from a loader, not from args: args are serialised to the
 * manager, and a loader builds the session only when its story is opened.
 */
const session = (build: () => SessionAnalysis) => [
  () => {
    const analysis = build();
    return { analysis, drivers: createMachineDrivers(analysis) };
  },
];

function loadedSession(loaded: Readonly<Record<string, unknown>>): {
  analysis: SessionAnalysis;
  drivers: MachineDrivers;
} {
  const { analysis, drivers } = loaded;
  if (analysis instanceof SessionAnalysis && typeof drivers === 'object' && drivers !== null) {
    return { analysis, drivers: drivers as MachineDrivers };
  }
  throw new Error('this story has no session loader');
}

/**
 * The graph under a cursor slider, as the app moves it: `cursor` in args is where it starts
 * (-1: before the first event; unset: the last event). Drag it to see nodes come and go.
 */
function Harness(
  props: Partial<RoomGraphProps> & { analysis: SessionAnalysis; drivers: MachineDrivers },
) {
  const { analysis, drivers, cursor: start, ...rest } = props;
  const last = analysis.log.length - 1;
  const [cursor, setCursor] = useState(start ?? last);
  return (
    <div className="app" style={{ height: '100vh', display: 'flex', flexDirection: 'column' }}>
      <label style={{ padding: '6px 10px', display: 'flex', gap: 8, alignItems: 'center' }}>
        Cursor
        <input
          type="range"
          min={-1}
          max={last}
          value={cursor}
          onChange={(e) => {
            setCursor(Number(e.target.value));
          }}
          style={{ flex: 1 }}
        />
        <output>{cursor < 0 ? 'start' : `seq ${analysis.log.seq(cursor)}`}</output>
      </label>
      <main className="app__main">
        <RoomGraph
          {...rest}
          analysis={analysis}
          drivers={drivers}
          cursor={cursor}
          selected={null}
          onCursorChange={(i) => {
            setCursor(i);
            rest.onCursorChange?.(i);
          }}
        />
      </main>
    </div>
  );
}

const meta = {
  title: 'Views/RoomGraph',
  component: RoomGraph,
  parameters: { layout: 'fullscreen' },
  args: { onFilterTo: fn(), onSelect: fn(), onCursorChange: fn() },
  argTypes: {
    analysis: { control: false, table: { disable: true } },
    drivers: { control: false, table: { disable: true } },
  },
  render: (args, { loaded }) => {
    const { analysis, drivers } = loadedSession(loaded);
    return <Harness key={String(args.cursor)} {...args} analysis={analysis} drivers={drivers} />;
  },
} satisfies Meta<typeof RoomGraph>;

export default meta;

// Every prop optional: the session and drivers come from the loader, the cursor from args.
type Story = StoryObj<typeof RoomGraph>;

/** The legacy demo at its end: two peers (one left), the bot, chat, simulcast layers. */
export const LegacyJoin: Story = {
  name: 'Legacy demo join',
  loaders: session(() => fixtureSession('legacy-participant-join')),
  play: async ({ canvas }) => {
    await expect(await canvas.findByRole('group', { name: /^This client Ada L\./ })).toBeVisible();
    await expect(await canvas.findByRole('group', { name: /^Peer Grace/ })).toBeVisible();
  },
};

/** The same capture just after the first newConsumer: offered, not yet accepted. */
export const LegacyFirstConsumer: Story = {
  name: 'Legacy demo, first consumer offered',
  loaders: session(() => fixtureSession('legacy-participant-join')),
  args: { cursor: 10 },
  play: async ({ canvas }) => {
    await expect(await canvas.findByRole('group', { name: /offered, waiting/ })).toBeVisible();
  },
};

/** Before anything: not in a room yet, with a way to the first event. */
export const BeforeTheRoom: Story = {
  name: 'Before the room',
  loaders: session(() => fixtureSession('legacy-participant-join')),
  args: { cursor: -1 },
  play: async ({ canvas }) => {
    await expect(await canvas.findByText(/Not in a room yet at the start/)).toBeVisible();
  },
};

/** The TypeScript rewrite of the demo (new dialect: consumers name their transport). */
export const NewDialect: Story = {
  name: 'New dialect join',
  loaders: session(() => fixtureSession('new-participant-join')),
};

/** A consumer the client refused: the server keeps it paused. */
export const LeftPaused: Story = {
  name: 'Consumer left paused',
  loaders: session(() => fixtureSession('rejection-500')),
  play: async ({ canvas }) => {
    await expect(await canvas.findByText('Left paused: rejected')).toBeVisible();
  },
};

/** The socket dropped and protoo-client reconnected: a new server-side peer, new transports. */
export const Reconnect: Story = {
  loaders: session(() => fixtureSession('reconnect')),
};

/** The server closed the peer (4000): everything is closed. */
export const ClosedByServer: Story = {
  name: 'Closed by the server (4000)',
  loaders: session(() => fixtureSession('close-4000')),
};

/** An observer: peers come and go, no transports. */
export const Observer: Story = {
  loaders: session(() => fixtureSession('observer-join')),
};

/** Broken frames next to good ones: what can be read is drawn. */
export const BrokenFrames: Story = {
  name: 'Broken frames',
  loaders: session(() => fixtureSession('broken-frames')),
};

/** Display names and ids are HTML: they must show as text. */
export const HostileStrings: Story = {
  name: 'Hostile strings',
  loaders: session(hostileSession),
  // the note just before the socket closes: after the close, the peers are behind "Show closed"
  args: { cursor: 7 },
  play: async ({ canvas, canvasElement }) => {
    await expect((await canvas.findAllByText(HOSTILE)).length).toBeGreaterThan(0);
    await expect(canvasElement.querySelector('img')).toBeNull();
  },
};

/** A capture with no events. */
export const EmptySession: Story = {
  name: 'Empty session',
  loaders: session(emptySession),
  play: async ({ canvas }) => {
    await expect(
      await canvas.findByText(/This capture has no mediasoup-demo room client/),
    ).toBeVisible();
  },
};

/** 100,000 frames of two simulated rooms (eight clients): the picker chooses the client. */
export const Huge: Story = {
  name: 'Huge (100,000 messages)',
  loaders: session(() => generatedSession(100_000)),
};

/** One client in a room of 20 peers and 600 consumers: only the nodes in view are drawn. */
export const BigRoom: Story = {
  name: 'Big room (20 peers, 600 consumers)',
  loaders: session(() =>
    sessionOf(sampleRoomCapture({ peers: 20, consumers: 600, rejectEvery: 50, pauseEvery: 7 })),
  ),
  play: async ({ canvasElement }) => {
    await waitFor(async () => {
      const rendered = canvasElement.querySelectorAll('.react-flow__node').length;
      await expect(rendered).toBeGreaterThan(5);
      await expect(rendered).toBeLessThan(400);
    });
  },
};

const MESH: MeshRoomContext = {
  selfId: '2',
  online: ['1', '3', '4'],
  links: {
    '1': { peerId: '1', role: 'passive', state: 'connected', generation: 1 },
    '3': { peerId: '3', role: 'initiator', state: 'offering', generation: 1 },
    '4': { peerId: '4', role: 'initiator', state: 'connected', generation: 1 },
    '5': { peerId: '5', role: 'initiator', state: 'dead', generation: 2 },
  },
  problems: [],
};
const meshPages = (): readonly MeshPage[] => [{ context: MESH, state: 'inRoom', conn: 'mesh-2' }];

/** A mesh room seen from page 2 (the pages come from the mesh room driver in the app). */
export const MeshRoom: Story = {
  name: 'Mesh room',
  loaders: session(emptySession),
  args: { meshPages, initialRoom: 'mesh' },
  play: async ({ canvas, canvasElement }) => {
    await expect(
      await canvas.findByRole('group', { name: /^Mesh peer 2: recorded page/ }),
    ).toBeVisible();
    await waitFor(async () => {
      await expect(canvasElement.querySelectorAll('.react-flow__edge.rg-edge--link')).toHaveLength(
        4,
      );
    });
  },
};

/** The legacy demo in the dark theme. */
export const DarkTheme: Story = {
  name: 'Dark theme',
  loaders: session(() => fixtureSession('legacy-participant-join')),
  globals: { theme: 'dark' },
};

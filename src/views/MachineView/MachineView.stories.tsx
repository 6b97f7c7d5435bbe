import { useState } from 'react';
import type { Meta, StoryObj } from '@storybook/react-vite';
import { expect, fn, userEvent, waitFor, within } from 'storybook/test';
import { SessionAnalysis } from '../../projections/analysis.ts';
import { createMachineDrivers, type MachineDrivers } from '../../projections/machineStates.ts';
import {
  HOSTILE,
  emptySession,
  fixtureSession,
  generatedSession,
  hostileSession,
} from '../shared/sessions.ts';
import type { MachineInstanceRef } from './instances.ts';
import { MachineView } from './MachineView.tsx';

/**
 * The session and its drivers come from a loader, not from args: args are serialised to the
 * manager, which a 100,000-event analysis has no business in. A loader also builds the
 * session only when its story is opened.
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

interface HarnessProps {
  /** Where the cursor starts (log index; default: the last event). */
  readonly cursor?: number;
  /** The instance shown first (default: the first of the session). */
  readonly instance?: MachineInstanceRef;
  readonly onSelect?: (index: number) => void;
  readonly onInstanceChange?: (instance: MachineInstanceRef) => void;
}

/** The view under the app's rules: selecting an event moves the cursor to it. */
function Harness(props: HarnessProps & { analysis: SessionAnalysis; drivers: MachineDrivers }) {
  const { analysis, drivers } = props;
  const [cursor, setCursor] = useState(props.cursor ?? analysis.log.length - 1);
  const [selected, setSelected] = useState<number | null>(null);
  const [instance, setInstance] = useState<MachineInstanceRef | null>(props.instance ?? null);
  return (
    <MachineView
      analysis={analysis}
      drivers={drivers}
      cursor={cursor}
      selected={selected}
      instance={instance}
      onSelect={(i) => {
        setCursor(i);
        setSelected(i);
        props.onSelect?.(i);
      }}
      onCursorChange={setCursor}
      onInstanceChange={(ref) => {
        setInstance(ref);
        props.onInstanceChange?.(ref);
      }}
    />
  );
}

const meta = {
  title: 'Views/MachineView',
  parameters: { layout: 'fullscreen' },
  args: { onSelect: fn(), onInstanceChange: fn() },
  decorators: [
    (Story) => (
      <div style={{ height: '100vh', display: 'flex', flexDirection: 'column' }}>
        <Story />
      </div>
    ),
  ],
  // Keyed by the starting point, so that changing it in Controls shows it.
  render: (args, { loaded }) => (
    <Harness
      key={`${String(args.cursor)} ${args.instance?.kind ?? ''} ${args.instance?.id ?? ''}`}
      {...args}
      {...loadedSession(loaded)}
    />
  ),
} satisfies Meta<HarnessProps>;

export default meta;

type Story = StoryObj<typeof meta>;

const diagramReady = async (canvasElement: HTMLElement) => {
  const canvas = within(canvasElement);
  await waitFor(() => expect(canvas.queryByText('Laying out the diagram…')).toBeNull(), {
    timeout: 10_000,
  });
  return canvas;
};

/** A protoo peer through a drop and its retries: open again after the third attempt. */
export const ProtooReconnect: Story = {
  name: 'Protoo peer: reconnect',
  loaders: session(() => fixtureSession('reconnect')),
  args: { instance: { kind: 'protoo-peer', id: 'c1' } },
  play: async ({ canvasElement }) => {
    const canvas = await diagramReady(canvasElement);
    await expect(canvas.getByLabelText('state open, active, just entered')).toBeVisible();
    // Both steps of the last change: the retry tick, then ws.open.
    await expect(canvas.getByText('clock.tick [retryDue]')).toBeVisible();
  },
};

/** The same peer between two attempts (cursor at seq 49): failed, waiting for its retry. */
export const ProtooFailed: Story = {
  name: 'Protoo peer: between attempts',
  loaders: session(() => fixtureSession('reconnect')),
  args: { instance: { kind: 'protoo-peer', id: 'c1' }, cursor: 49 },
  play: async ({ canvasElement }) => {
    const canvas = await diagramReady(canvasElement);
    await expect(canvas.getByLabelText(/^state failed, active/)).toBeVisible();
    await expect(canvas.getByText('next attempt at')).toBeVisible();
  },
};

/** Every fixture has a protoo peer: the legacy join's, open from the first event. */
export const ProtooLegacyJoin: Story = {
  name: 'Protoo peer: legacy join',
  loaders: session(() => fixtureSession('legacy-participant-join')),
  args: { instance: { kind: 'protoo-peer', id: 'c1' }, cursor: 20 },
};

/** The send transport's peer connection once connected (four parallel regions). */
export const PeerConnection: Story = {
  name: 'Peer connection: legacy join, connected',
  loaders: session(() => fixtureSession('legacy-participant-join')),
  args: { instance: { kind: 'peer-connection', id: 'send-pc' }, cursor: 40 },
  play: async ({ canvasElement }) => {
    const canvas = await diagramReady(canvasElement);
    await expect(canvas.getByLabelText(/^state connection\.connected, active/)).toBeVisible();
    await expect(canvas.getByLabelText(/^state signaling\.stable, active/)).toBeVisible();
  },
};

/** Cursor on the event that made it `connecting`. */
export const PeerConnectionConnecting: Story = {
  name: 'Peer connection: connecting',
  loaders: session(() => fixtureSession('legacy-participant-join')),
  args: { instance: { kind: 'peer-connection', id: 'send-pc' }, cursor: 34 },
};

/** Before the peer connection's first event: not started, with a way to its first event. */
export const PeerConnectionNotStarted: Story = {
  name: 'Peer connection: not started yet',
  loaders: session(() => fixtureSession('legacy-participant-join')),
  args: { instance: { kind: 'peer-connection', id: 'send-pc' }, cursor: 5 },
  play: async ({ canvasElement, args }) => {
    const canvas = within(canvasElement);
    await expect(canvas.getByText('Not started at seq 5')).toBeVisible();
    await userEvent.click(canvas.getByRole('button', { name: 'Go to seq 34' }));
    await expect(args.onSelect).toHaveBeenCalledWith(34);
    await expect(canvas.getByText(/^connection\.connecting/)).toBeVisible();
  },
};

/** The second send transport after the reconnection. */
export const PeerConnectionReconnect: Story = {
  name: 'Peer connection: after reconnect',
  loaders: session(() => fixtureSession('reconnect')),
  args: { instance: { kind: 'peer-connection', id: 'send-pc-2' } },
};

/** A two-party call's peer connection: offer, answer, ICE, connected. */
export const PeerConnectionTwoParty: Story = {
  name: 'Peer connection: two-party call',
  loaders: session(() => fixtureSession('two-party-room')),
  args: { instance: { kind: 'peer-connection', id: 'pc1' } },
};

/** The mediasoup room client while its join request is in flight. */
export const MediasoupJoining: Story = {
  name: 'Mediasoup room client: joining',
  loaders: session(() => fixtureSession('legacy-participant-join')),
  args: { instance: { kind: 'mediasoup-room', id: 'c1' }, cursor: 8 },
  play: async ({ canvasElement }) => {
    const canvas = await diagramReady(canvasElement);
    await expect(canvas.getByLabelText(/^state joining, active/)).toBeVisible();
  },
};

/** Joined, producing and consuming: the history lists the join sequence. */
export const MediasoupJoined: Story = {
  name: 'Mediasoup room client: joined',
  loaders: session(() => fixtureSession('legacy-participant-join')),
  args: { instance: { kind: 'mediasoup-room', id: 'c1' } },
  play: async ({ canvasElement, args }) => {
    const canvas = await diagramReady(canvasElement);
    const history = within(canvas.getByRole('region', { name: 'History' }));
    await userEvent.click(history.getByRole('button', { name: /: ready/ }));
    await expect(args.onSelect).toHaveBeenCalledWith(3);
    await expect(canvas.getByLabelText(/^state ready, active/)).toBeVisible();
  },
};

/** The new dialect's client. */
export const MediasoupNewDialect: Story = {
  name: 'Mediasoup room client: new dialect',
  loaders: session(() => fixtureSession('new-participant-join')),
  args: { instance: { kind: 'mediasoup-room', id: 'c1' } },
};

/** A mesh room page: in the room, its links to the other pages in the context. */
export const MeshRoom: Story = {
  name: 'Mesh room page',
  loaders: session(() => fixtureSession('mesh-room')),
  args: { instance: { kind: 'mesh-room', id: 'c1' } },
  play: async ({ canvasElement }) => {
    const canvas = await diagramReady(canvasElement);
    await expect(canvas.getByLabelText(/^state inRoom, active/)).toBeVisible();
    await expect(canvas.getByText('links')).toBeVisible();
  },
};

/** A two-party room client mid-call: a compound state (inRoom) with its own steps. */
export const TwoPartyRoom: Story = {
  name: 'Two-party room client',
  loaders: session(() => fixtureSession('two-party-room')),
  args: { instance: { kind: 'two-party-room', id: 'c1' }, cursor: 20 },
  play: async ({ canvasElement }) => {
    const canvas = await diagramReady(canvasElement);
    await expect(canvas.getByLabelText(/^compound state inRoom, active/)).toBeVisible();
  },
};

/** A two-party room that was full: a final state. */
export const TwoPartyFull: Story = {
  name: 'Two-party room client: room full',
  loaders: session(() => fixtureSession('two-party-full')),
  args: { instance: { kind: 'two-party-room', id: 'c1' } },
  play: async ({ canvasElement }) => {
    const canvas = await diagramReady(canvasElement);
    await expect(canvas.getByLabelText(/^final state full, active/)).toBeVisible();
  },
};

/** Perfect negotiation of a mesh room link: an answer just sent. */
export const Negotiation: Story = {
  name: 'Negotiation: mesh room',
  loaders: session(() => fixtureSession('mesh-room')),
  args: { instance: { kind: 'negotiation', id: 'pc-1' }, cursor: 14 },
  play: async ({ canvasElement }) => {
    const canvas = await diagramReady(canvasElement);
    await expect(canvas.getByText('isSettingRemoteAnswerPending')).toBeVisible();
    await expect(canvas.getByLabelText(/^state handler\.idle, active/)).toBeVisible();
  },
};

/** Frames that are not protoo messages, an orphan response, a dropped socket. */
export const BrokenFrames: Story = {
  name: 'Broken frames',
  loaders: session(() => fixtureSession('broken-frames')),
  args: { instance: { kind: 'protoo-peer', id: 'c1' } },
};

/** A capture with no events. */
export const Empty: Story = {
  name: 'Empty session',
  loaders: session(() => emptySession()),
  play: async ({ canvasElement }) => {
    const canvas = within(canvasElement);
    await expect(await canvas.findByText('No machine in this capture.')).toBeVisible();
  },
};

/** 100,000 messages of two simulated rooms: 16 machines, their histories capped. */
export const Huge: Story = {
  name: 'Huge (100,000 messages)',
  loaders: session(() => generatedSession(100_000)),
  args: { instance: { kind: 'mediasoup-room', id: 'c1' }, cursor: 50_000 },
  play: async ({ canvasElement }) => {
    const canvas = await diagramReady(canvasElement);
    await expect(canvas.getByText('16 machines')).toBeVisible();
  },
};

/** Connection, pc id, close reason and methods are HTML: they must show as text. */
export const HostileStrings: Story = {
  name: 'Hostile strings',
  loaders: session(() => hostileSession()),
  args: { instance: { kind: 'protoo-peer', id: `c${HOSTILE}` } },
  play: async ({ canvasElement }) => {
    const canvas = await diagramReady(canvasElement);
    await expect(canvas.getByText(HOSTILE, { selector: 'dd' })).toBeVisible();
    await expect(canvasElement.querySelector('img')).toBeNull();
    await expect(canvasElement.querySelector('script')).toBeNull();
  },
};

/** The peer connection in the dark theme. */
export const DarkTheme: Story = {
  name: 'Dark theme',
  loaders: session(() => fixtureSession('legacy-participant-join')),
  args: { instance: { kind: 'peer-connection', id: 'send-pc' }, cursor: 40 },
  globals: { theme: 'dark' },
};

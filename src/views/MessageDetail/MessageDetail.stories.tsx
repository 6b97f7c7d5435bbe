import type { Meta, StoryObj } from '@storybook/react-vite';
import { expect, fn, userEvent, within } from 'storybook/test';
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
import { MessageDetail } from './MessageDetail.tsx';
import { meshSession, otherEventsSession, pcSession, twoPartySession } from './samples.ts';

interface Loaded {
  readonly analysis: SessionAnalysis;
  readonly findings: readonly Finding[] | undefined;
}

/**
 * The session comes from a loader, not from args: args are serialised to the manager, which
 * a 100,000-event analysis has no business in; a loader also builds it only when its story is
 * opened. Findings are computed once, as the app does.
 */
const session = (build: () => SessionAnalysis, withFindings = true) => [
  (): Loaded => {
    const analysis = build();
    return { analysis, findings: withFindings ? allFindings(analysis) : undefined };
  },
];

function loadedSession(loaded: Readonly<Record<string, unknown>>): Loaded {
  const analysis = loaded.analysis;
  if (!(analysis instanceof SessionAnalysis)) throw new Error('this story has no session loader');
  const findings = loaded.findings;
  return { analysis, findings: Array.isArray(findings) ? (findings as Finding[]) : undefined };
}

const meta = {
  title: 'Views/MessageDetail',
  component: MessageDetail,
  parameters: { layout: 'fullscreen' },
  args: { onSelect: fn(), onCursorChange: fn(), cursor: 1_000_000, selected: null },
  argTypes: {
    analysis: { control: false, table: { disable: true } },
    findings: { control: false, table: { disable: true } },
  },
  // The inspector's side panel: a column of about 480 px that scrolls.
  decorators: [
    (Story) => (
      <div
        style={{
          width: 'min(100vw, 520px)',
          height: '100vh',
          overflow: 'auto',
          background: 'var(--bg)',
          borderLeft: '1px solid var(--border)',
        }}
      >
        <Story />
      </div>
    ),
  ],
  // Keyed by the selection, as the app re-renders the panel per event.
  render: (args, { loaded }) => {
    const { analysis, findings } = loadedSession(loaded);
    return (
      <MessageDetail
        key={String(args.selected)}
        {...args}
        analysis={analysis}
        cursor={Math.min(args.cursor, analysis.length - 1)}
        {...(findings ? { findings } : {})}
      />
    );
  },
} satisfies Meta<typeof MessageDetail>;

export default meta;

type Story = StoryObj<typeof MessageDetail>;

/** A legacy join request: catalog entry, answer link, RTP capabilities, data tree. */
export const Request: Story = {
  loaders: session(() => fixtureSession('legacy-participant-join')),
  args: { selected: 8 },
  play: async ({ canvas, args }) => {
    await expect(await canvas.findByRole('region', { name: 'Message seq 8' })).toBeVisible();
    await userEvent.click(canvas.getByRole('button', { name: 'the response, seq 9' }));
    await expect(args.onSelect).toHaveBeenCalledWith(9);
    await expect(canvas.getByRole('region', { name: 'RTP capabilities' })).toBeVisible();
  },
};

/** The same join while the cursor is on it: its answer has not come yet. */
export const RequestBeforeItsAnswer: Story = {
  name: 'Request, cursor before the answer',
  loaders: session(() => fixtureSession('legacy-participant-join')),
  args: { selected: 8, cursor: 8 },
  play: async ({ canvas }) => {
    await expect(
      await canvas.findByText(/At the cursor this answer has not come yet/),
    ).toBeVisible();
  },
};

/** The answer to join (new dialect): peers with peerId and remoteAddress. */
export const ResponseOk: Story = {
  name: 'Response (ok)',
  loaders: session(() => fixtureSession('new-participant-join')),
  args: { selected: 9 },
};

/** createWebRtcTransport's answer: ICE parameters (password masked), candidates, DTLS, SCTP. */
export const TransportParameters: Story = {
  name: 'Response with transport parameters',
  loaders: session(() => fixtureSession('legacy-participant-join')),
  args: { selected: 5 },
  play: async ({ canvas }) => {
    const ice = await canvas.findByRole('region', { name: 'ICE parameters' });
    await expect(within(ice).getByText('••••••••')).toBeVisible();
  },
};

/** An error answer the catalog knows (legacy server, unknown method). */
export const ErrorResponse: Story = {
  name: 'Error response',
  loaders: session(() => fixtureSession('rejection-500')),
  args: { selected: 34 },
};

/** A request that got no answer within protoo's timeout, with its finding. */
export const Timeout: Story = {
  name: 'Request timeout',
  loaders: session(() => fixtureSession('request-timeout')),
  args: { selected: 46 },
  play: async ({ canvas }) => {
    await expect(await canvas.findByText(/No answer within 22\.5 s/)).toBeVisible();
  },
};

/** A response that came after its request had timed out. */
export const LateResponse: Story = {
  name: 'Late response',
  loaders: session(() => fixtureSession('request-timeout')),
  args: { selected: 93 },
};

/** produce with rtpParameters: codecs, header extensions, encodings (simulcast), RTCP. */
export const ProduceRtpParameters: Story = {
  name: 'Produce with rtpParameters',
  loaders: session(() => fixtureSession('legacy-participant-join')),
  args: { selected: 42 },
  play: async ({ canvas }) => {
    const params = await canvas.findByRole('region', { name: 'RTP parameters' });
    await expect(within(params).getByRole('table', { name: /^Encodings/ })).toBeVisible();
  },
};

/** A notification: the server's mediasoup-version, first thing on a legacy connection. */
export const Notification: Story = {
  loaders: session(() => fixtureSession('legacy-participant-join')),
  args: { selected: 1 },
};

/** A mesh room signal received from peer 2: its SDP answer, structured. */
export const NotificationWithSdp: Story = {
  name: 'Room message with SDP (mesh)',
  loaders: session(() => meshSession(), false),
  args: { selected: 4 },
  play: async ({ canvas }) => {
    await expect(await canvas.findByRole('region', { name: 'SDP answer (remote)' })).toBeVisible();
  },
};

/** A mesh renegotiation offer diffed against the first offer to the same peer. */
export const MeshRenegotiationDiff: Story = {
  name: 'Room message: renegotiation diff (mesh)',
  loaders: session(() => meshSession(), false),
  args: { selected: 6 },
  play: async ({ canvas }) => {
    await userEvent.click(await canvas.findByRole('tab', { name: 'Diff' }));
    await expect(canvas.getByLabelText('m=video mid 2: added: +30 −0')).toBeVisible();
  },
};

/** A two-party room answer, compared with the offer it answers. */
export const TwoPartyAnswer: Story = {
  name: 'Room message with SDP (two-party)',
  loaders: session(() => twoPartySession(), false),
  args: { selected: 5 },
};

/** setLocalDescription of the renegotiation offer: structured SDP. */
export const PcEventWithSdp: Story = {
  name: 'pc event with SDP',
  loaders: session(() => pcSession()),
  args: { selected: 8 },
};

/** The same offer's diff against the previous local description: video added, audio sendonly. */
export const PcEventSdpDiff: Story = {
  name: 'pc event with SDP: diff',
  loaders: session(() => pcSession()),
  args: { selected: 8 },
  play: async ({ canvas }) => {
    await userEvent.click(await canvas.findByRole('tab', { name: 'Diff' }));
    await expect(canvas.getByText(/lines in 3 of 4/)).toBeVisible();
  },
};

/** A remote answer as webrtc-internals writes it (`type: answer, sdp: …`), with candidates. */
export const PcEventInternalsText: Story = {
  name: 'pc event with SDP (webrtc-internals text)',
  loaders: session(() => pcSession()),
  args: { selected: 9 },
};

/** A trickled candidate on addIceCandidate. */
export const PcCandidate: Story = {
  name: 'pc event with a candidate',
  loaders: session(() => pcSession()),
  args: { selected: 7 },
};

/** setRemoteDescription with something that is not an SDP: a clear message, no crash. */
export const BrokenSdp: Story = {
  name: 'Broken SDP',
  loaders: session(() => pcSession()),
  args: { selected: 10 },
  play: async ({ canvas }) => {
    await expect(await canvas.findByRole('alert')).toHaveTextContent(/^Could not read this SDP/);
  },
};

/** A frame that is not JSON (broken-frames fixture): reason and exact text. */
export const BrokenFrame: Story = {
  name: 'Broken frame',
  loaders: session(() => fixtureSession('broken-frames')),
  args: { selected: 5 },
};

/** A socket open: the URL and its query parameters. */
export const SocketOpen: Story = {
  name: 'Socket open',
  loaders: session(() => fixtureSession('legacy-participant-join')),
  args: { selected: 0 },
};

/** A close with 4000: the protoo server closed the peer; no reconnection. */
export const SocketClose4000: Story = {
  name: 'Socket close 4000',
  loaders: session(() => fixtureSession('close-4000')),
  args: { selected: 47 },
};

/** A binary frame: its size and base64. */
export const BinaryFrame: Story = {
  name: 'Binary frame',
  loaders: session(() => otherEventsSession()),
  args: { selected: 1 },
};

/** An event type this version does not know, kept as recorded. */
export const UnknownEvent: Story = {
  name: 'Unknown event type',
  loaders: session(() => otherEventsSession()),
  args: { selected: 3 },
};

/** HTML and script in every string: all of it must show as text. */
export const HostileStrings: Story = {
  name: 'Hostile strings',
  loaders: session(() => hostileSession()),
  args: { selected: 6 },
  play: async ({ canvas, canvasElement }) => {
    await expect((await canvas.findAllByText(HOSTILE)).length).toBeGreaterThan(0);
    await expect(canvasElement.querySelector('img, script')).toBeNull();
  },
};

/** Hostile strings in an error answer. */
export const HostileError: Story = {
  name: 'Hostile strings: error reason',
  loaders: session(() => hostileSession()),
  args: { selected: 2 },
};

/** Nothing selected yet. */
export const Empty: Story = {
  name: 'Nothing selected',
  loaders: session(() => emptySession()),
  args: { selected: null },
  play: async ({ canvas }) => {
    await expect(
      await canvas.findByText('Select a message in the sequence diagram or the list.'),
    ).toBeVisible();
  },
};

/** One message of a 100,000-frame session: only that message is decoded. */
export const Huge: Story = {
  name: 'Huge (100,000 messages)',
  loaders: session(() => generatedSession(100_000), false),
  args: { selected: 99_000 },
  play: async ({ canvas }) => {
    await expect(await canvas.findByRole('region', { name: /^Message seq / })).toBeVisible();
  },
};

/** The SDP diff in the dark theme. */
export const DarkTheme: Story = {
  name: 'Dark theme',
  loaders: session(() => pcSession()),
  args: { selected: 8 },
  globals: { theme: 'dark' },
  play: async ({ canvas }) => {
    await userEvent.click(await canvas.findByRole('tab', { name: 'Diff' }));
  },
};

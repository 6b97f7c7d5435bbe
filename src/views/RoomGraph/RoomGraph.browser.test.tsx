/**
 * The room graph in real Chromium (xyflow needs layout, ResizeObserver and SVG): nodes come
 * and go with the cursor and keep their place, clicks and Enter filter, hostile strings stay
 * text, a big room renders only what is in view.
 */
import '../../app/App.css';
import { describe, expect, test, vi } from 'vitest';
import { render } from 'vitest-browser-react';
import { userEvent } from 'vitest/browser';
import type { RoomModel } from '../../../machines/mediasoupClientMachine.context.ts';
import { valuesOf } from '../../../machines/mediasoupClientMachine.tables.ts';
import type { MeshRoomContext } from '../../../machines/meshRoomMachine.ts';
import { createMachineDrivers } from '../../projections/machineStates.ts';
import type { SessionAnalysis } from '../../projections/analysis.ts';
import { fixtureSession, HOSTILE, hostileSession, sessionOf } from '../shared/sessions.ts';
import { RoomGraph, type RoomGraphProps } from './RoomGraph.tsx';
import { sampleRoomCapture } from './sampleRoom.ts';
import { shortId } from './text.ts';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function Frame(props: RoomGraphProps) {
  return (
    <div className="app" style={{ height: '700px', width: '1200px', display: 'flex' }}>
      <RoomGraph {...props} />
    </div>
  );
}

function setup(analysis: SessionAnalysis) {
  const drivers = createMachineDrivers(analysis);
  const onFilterTo = vi.fn();
  const props = (cursor: number): RoomGraphProps => ({
    analysis,
    drivers,
    cursor,
    selected: null,
    onFilterTo,
  });
  const end = analysis.log.length - 1;
  const room = (at: number): RoomModel => {
    const r = drivers.mediasoup.room(at);
    if (r === undefined) throw new Error('no mediasoup connection');
    return r;
  };
  return { drivers, onFilterTo, props, end, room };
}

/** The xyflow node element of a graph node id, if rendered. */
const nodeEl = (id: string) =>
  document.querySelector<HTMLElement>(`.react-flow__node[data-id="${CSS.escape(id)}"]`);

async function until(what: string, done: () => boolean, ms = 5000): Promise<void> {
  const deadline = performance.now() + ms;
  while (!done()) {
    if (performance.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

describe('RoomGraph in Chromium', () => {
  test('nodes come and go as the cursor moves, and those that stay keep their place', async () => {
    const analysis = fixtureSession('legacy-participant-join');
    const { props, end, room } = setup(analysis);
    const final = room(end);
    const open = valuesOf(final.consumers).find((c) => !c.closed && c.seq > 20);
    const gone = valuesOf(final.consumers).find((c) => c.closed);
    if (open === undefined || gone === undefined) throw new Error('fixture shape changed');
    const early = valuesOf(final.consumers).find((c) => !c.closed && c.seq < gone.seq);
    if (early === undefined) throw new Error('fixture shape changed');

    // just after the closed consumer was offered: it is there, the later one is not
    const screen = await render(<Frame {...props(gone.seq)} />);
    await expect
      .element(
        screen.getByRole('region', { name: `Room graph at seq ${analysis.log.seq(gone.seq)}` }),
      )
      .toBeVisible();
    const goneNode = screen.getByRole('group', {
      name: new RegExp(`^Consumer ${shortId(gone.id)} `),
    });
    await expect.element(goneNode).toBeVisible();
    expect(nodeEl(`consumer:${open.id}`)).toBeNull();
    await until('the early consumer', () => nodeEl(`consumer:${early.id}`) !== null);
    const earlyTransform = nodeEl(`consumer:${early.id}`)?.style.transform;
    expect(earlyTransform).toMatch(/translate/);

    // at the end: the closed one has gone, the late one has come, the early one has not moved
    await screen.rerender(<Frame {...props(end)} />);
    await expect
      .element(screen.getByRole('group', { name: new RegExp(`^Consumer ${shortId(open.id)} `) }))
      .toBeVisible();
    await until('the closed consumer to go', () => nodeEl(`consumer:${gone.id}`) === null);
    expect(nodeEl(`consumer:${early.id}`)?.style.transform).toBe(earlyTransform);

    // "Show closed" brings it back, dimmed
    await screen.getByRole('checkbox', { name: 'Show closed' }).click();
    await until('the closed consumer to come back', () => nodeEl(`consumer:${gone.id}`) !== null);
    expect(nodeEl(`consumer:${gone.id}`)?.querySelector('.rg-node--closed')).not.toBeNull();

    // back to the start: not in a room yet
    await screen.rerender(<Frame {...props(-1)} />);
    await expect
      .element(screen.getByRole('status'))
      .toMatchTextContent(/Not in a room yet at the start/);
  });

  test('draws transports with their connection state, and an edge from each consumer to its producer', async () => {
    const analysis = fixtureSession('legacy-participant-join');
    const { props, end, room } = setup(analysis);
    const screen = await render(<Frame {...props(end)} />);
    const recv = valuesOf(room(end).transports).find((t) => t.direction === 'recv');
    if (recv === undefined) throw new Error('fixture shape changed');
    const transport = screen.getByRole('group', {
      name: new RegExp(`^Receive transport ${shortId(recv.id)}: connection connected`),
    });
    await expect.element(transport).toBeVisible();
    await expect.element(transport).toMatchTextContent(/connected/);
    const consumers = valuesOf(room(end).consumers).filter((c) => !c.closed);
    await until(
      'the edges',
      () =>
        document.querySelectorAll('.react-flow__edge.rg-edge--consumes').length >= consumers.length,
    );
    for (const c of consumers) {
      const edge = document.querySelector(
        `.react-flow__edge[data-id="${CSS.escape(`consumes:consumer:${c.id}>producer:${c.producerId}`)}"]`,
      );
      expect(edge, c.id).not.toBeNull();
    }
  });

  test('clicking a node, or Enter on it, filters the messages to its ids', async () => {
    const analysis = fixtureSession('legacy-participant-join');
    const { props, end, room, onFilterTo } = setup(analysis);
    const screen = await render(<Frame {...props(end)} />);
    const [c1, c2] = valuesOf(room(end).consumers).filter((c) => !c.closed);
    if (c1 === undefined || c2 === undefined) throw new Error('fixture shape changed');

    await screen.getByRole('group', { name: new RegExp(`^Consumer ${shortId(c1.id)} `) }).click();
    expect(onFilterTo).toHaveBeenLastCalledWith({
      conn: 'c1',
      ids: [c1.id],
      label: `consumer ${shortId(c1.id)}`,
    });
    await expect
      .element(screen.getByRole('group', { name: 'Selected node' }))
      .toMatchTextContent(shortId(c1.id));

    const second = nodeEl(`consumer:${c2.id}`);
    if (second === null) throw new Error('second consumer not rendered');
    second.focus();
    await userEvent.keyboard('{Enter}');
    expect(onFilterTo).toHaveBeenLastCalledWith({
      conn: 'c1',
      ids: [c2.id],
      label: `consumer ${shortId(c2.id)}`,
    });

    // a peer filters to its peer id
    const peer = valuesOf(room(end).peers).find((p) => p.present);
    if (peer === undefined) throw new Error('fixture shape changed');
    await screen
      .getByRole('group', { name: new RegExp(`^Peer ${peer.displayName ?? ''}`) })
      .click();
    expect(onFilterTo).toHaveBeenLastCalledWith({
      conn: 'c1',
      ids: [peer.id],
      label: `peer ${peer.displayName}`,
    });
  });

  test('calls out a consumer the client rejected', async () => {
    const analysis = fixtureSession('rejection-500');
    const { props, end, room } = setup(analysis);
    const rejected = valuesOf(room(end).consumers).find((c) => c.state === 'rejected');
    if (rejected === undefined) throw new Error('fixture shape changed');
    const screen = await render(<Frame {...props(end)} />);
    const node = screen.getByRole('group', {
      name: new RegExp(`^Consumer ${shortId(rejected.id)} `),
    });
    await expect.element(node).toMatchTextContent('Left paused: rejected');
  });

  test('after the server closed the peer: the client, closed, and what it had behind "Show closed"', async () => {
    const analysis = fixtureSession('close-4000');
    const { props, end } = setup(analysis);
    const screen = await render(<Frame {...props(end)} />);
    await expect
      .element(screen.getByRole('group', { name: /^This client .*socket closed with code 4000/ }))
      .toBeVisible();
    expect(document.querySelector('[role="status"]')).toBeNull();
    await expect.element(screen.getByText(/closed hidden/)).toBeVisible();
    const before = document.querySelectorAll('.react-flow__node').length;
    await screen.getByRole('checkbox', { name: 'Show closed' }).click();
    await until(
      'the closed nodes',
      () => document.querySelectorAll('.react-flow__node').length > before,
    );
  });

  test('hostile display names and ids show as text, and nothing is injected', async () => {
    const analysis = hostileSession();
    const { props, end } = setup(analysis);
    // before the socket closes: after it, its peers are behind "Show closed"
    const screen = await render(<Frame {...props(end - 1)} />);
    const peer = screen.getByRole('group', { name: /^Peer </ });
    await expect.element(peer).toBeVisible();
    await expect.element(peer).toMatchTextContent(HOSTILE);
    const root = screen.container;
    expect(root.querySelector('img')).toBeNull();
    expect(root.querySelector('script')).toBeNull();
    expect(root.querySelector('[onerror]')).toBeNull();
  });

  test('a mesh room: the pages and their links, coloured by state', async () => {
    const analysis = fixtureSession('legacy-participant-join');
    const { props } = setup(analysis);
    const context: MeshRoomContext = {
      selfId: '1',
      online: ['2', '3'],
      links: {
        '2': { peerId: '2', role: 'initiator', state: 'connected', generation: 1 },
        '3': { peerId: '3', role: 'initiator', state: 'dead', generation: 2 },
      },
      problems: [],
    };
    const screen = await render(
      <Frame
        {...props(0)}
        initialRoom="mesh"
        meshPages={() => [{ context, state: 'inRoom', conn: 'm1' }]}
      />,
    );
    await expect
      .element(screen.getByRole('group', { name: /^Mesh peer 1: recorded page/ }))
      .toBeVisible();
    await until(
      'the links',
      () => document.querySelectorAll('.react-flow__edge.rg-edge--link').length === 2,
    );
    expect(document.querySelector('.react-flow__edge.rg-edge--link.rg-tone--ok')).not.toBeNull();
    expect(document.querySelector('.react-flow__edge.rg-edge--link.rg-tone--bad')).not.toBeNull();
  });

  test('a room of 20 peers and 600 consumers renders only the nodes in view', async () => {
    const analysis = sessionOf(sampleRoomCapture({ peers: 20, consumers: 600, rejectEvery: 50 }));
    const { props, end } = setup(analysis);
    const started = performance.now();
    const screen = await render(<Frame {...props(end)} />);
    await expect
      .element(screen.getByRole('group', { name: /^This client Bench client/ }))
      .toBeVisible();
    const ms = performance.now() - started;
    const rendered = document.querySelectorAll('.react-flow__node').length;
    expect(rendered).toBeGreaterThan(5);
    expect(rendered).toBeLessThan(300);
    console.info(`room graph first render: ${ms.toFixed(0)} ms`);
    await expect.element(screen.getByText(/600 consumers/)).toBeVisible();
  });
});

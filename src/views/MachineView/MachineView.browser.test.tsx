import { expect, test } from 'vitest';
import { render } from 'vitest-browser-react';
import { page, userEvent } from 'vitest/browser';
import { machineGraph } from '../../../machines/lib/graph.ts';
import { mediasoupClientMachine } from '../../../machines/mediasoupClientMachine.ts';
import { meshRoomGraph } from '../../../machines/meshRoomMachine.ts';
import { negotiationGraph } from '../../../machines/negotiationMachine.ts';
import { peerConnectionGraph } from '../../../machines/peerConnectionMachine.ts';
import { protooPeerMachine } from '../../../machines/protooPeerMachine.ts';
import { twoPartyRoomGraph } from '../../../machines/twoPartyRoomMachine.ts';
import { createMachineDrivers } from '../../projections/machineStates.ts';
import { fixtureSession } from '../shared/sessions.ts';
import '../../app/App.css';
import { MachineView } from './MachineView.tsx';
import { machineDiagram } from './diagram.ts';
import { findInstance, listInstances } from './instances.ts';
import { layoutDiagram } from './layout.ts';

/** The ids of the highlighted states and the animated arrows in the drawn diagram. */
function highlighted(root: Element) {
  const nodes = [...root.querySelectorAll('.react-flow__node.is-active[data-id]')]
    .map((n) => n.getAttribute('data-id') ?? '')
    .filter((id) => !id.includes('#'))
    .filter((id) => root.querySelector(`[data-id="${id}"] .mv-state`) !== null);
  const edges = [...root.querySelectorAll('.react-flow__edge.animated')].map(
    (e) => e.getAttribute('data-id') ?? '',
  );
  return { nodes, edges };
}

test('the peer connection machine (parallel regions) follows the cursor', async () => {
  const analysis = fixtureSession('two-party-room');
  const drivers = createMachineDrivers(analysis);
  const instance = findInstance(listInstances(drivers, analysis), {
    kind: 'peer-connection',
    id: 'pc1',
  });
  if (instance === undefined) throw new Error('two-party-room has no pc1');
  const changes = instance.changes().map((c) => instance.indexes[c.index] ?? -1);
  expect(changes.length).toBeGreaterThanOrEqual(4);

  await page.viewport(1280, 800);
  const view = (cursor: number) => (
    <div style={{ height: '760px', width: '1260px' }}>
      <MachineView
        analysis={analysis}
        drivers={drivers}
        cursor={cursor}
        selected={null}
        instance={{ kind: 'peer-connection', id: 'pc1' }}
      />
    </div>
  );
  const screen = await render(view(-1));
  const diagram = screen.getByRole('group', {
    name: 'State machine peer connection pc1 at before the first event',
  });
  await expect.element(diagram).toBeVisible();
  await expect.element(screen.getByText(/^Not started at before the first event/)).toBeVisible();
  // The four regions are drawn, side by side or in rows, and nothing is highlighted yet.
  await expect
    .element(screen.getByRole('group', { name: /^region signaling/ }))
    .toBeInTheDocument();
  expect(highlighted(diagram.element()).nodes).toEqual([]);

  const seen: string[][] = [];
  for (const index of changes) {
    await screen.rerender(view(index));
    const label = `State machine peer connection pc1 at seq ${analysis.log.seq(index)}`;
    const el = screen.getByRole('group', { name: label });
    await expect.element(el).toBeVisible();
    const at = highlighted(el.element());
    // One active state per region; the arrow that led there animated.
    expect(at.nodes).toHaveLength(4);
    expect(at.nodes.map((id) => id.split('.')[1])).toEqual([
      'signaling',
      'iceGathering',
      'iceConnection',
      'connection',
    ]);
    // Edges are drawn once xyflow has measured the nodes: wait for the frame that draws them.
    await expect.poll(() => highlighted(el.element()).edges.length).toBeGreaterThan(0);
    seen.push(at.nodes);
    // The highlighted state is visibly marked (accent border, bold).
    const active = el.element().querySelector('.mv-state.is-active');
    if (!(active instanceof HTMLElement)) throw new Error('no active state drawn');
    const style = getComputedStyle(active);
    expect(Number(style.fontWeight)).toBeGreaterThanOrEqual(700);
    const plain = el.element().querySelector('.mv-state:not(.is-active):not(.is-left)');
    if (!(plain instanceof HTMLElement)) throw new Error('no plain state drawn');
    expect(style.backgroundColor).not.toBe(getComputedStyle(plain).backgroundColor);
    expect(style.borderTopColor).not.toBe(getComputedStyle(plain).borderTopColor);
  }
  // Each change moved the highlight.
  for (let i = 1; i < seen.length; i++) expect(seen[i]).not.toEqual(seen[i - 1]);
});

test('zooms to the active state and keeps the diagram keyboard reachable', async () => {
  const analysis = fixtureSession('legacy-participant-join');
  const drivers = createMachineDrivers(analysis);
  await page.viewport(1000, 700);
  const screen = await render(
    <div style={{ height: '680px', width: '980px' }}>
      <MachineView
        analysis={analysis}
        drivers={drivers}
        cursor={analysis.log.length - 1}
        selected={null}
        instance={{ kind: 'mediasoup-room', id: 'c1' }}
      />
    </div>,
  );
  const node = screen.getByLabelText(/^state joined, active/);
  await expect.element(node).toBeVisible();
  const before = node.element().getBoundingClientRect().width;
  await screen.getByRole('button', { name: 'Zoom to the active state' }).click();
  await expect
    .poll(() => node.element().getBoundingClientRect().width, { timeout: 3000 })
    .toBeGreaterThan(before * 1.2);
  // Tab reaches the picker, then the states of the diagram.
  (screen.getByRole('combobox', { name: 'Machine' }).element() as HTMLElement).focus();
  const focusable = [...document.querySelectorAll('.react-flow__node[tabindex="0"]')];
  expect(focusable.length).toBeGreaterThan(5);
  for (let i = 0; i < 40 && !document.activeElement?.classList.contains('react-flow__node'); i++) {
    await userEvent.keyboard('{Tab}');
  }
  expect(document.activeElement?.getAttribute('aria-label')).toMatch(/^(state|final state) /);
});

test('the history keeps the current state in view, scrolling the list only', async () => {
  const analysis = fixtureSession('reconnect');
  const drivers = createMachineDrivers(analysis);
  await page.viewport(1000, 700);
  const view = (cursor: number) => (
    <div style={{ height: '480px', width: '900px' }}>
      <MachineView
        analysis={analysis}
        drivers={drivers}
        cursor={cursor}
        selected={null}
        instance={{ kind: 'mediasoup-room', id: 'c1' }}
      />
    </div>
  );
  const screen = await render(view(analysis.log.length - 1));
  const list = document.querySelector('.mv-history__list');
  if (!(list instanceof HTMLElement)) throw new Error('no history list');
  const inView = () => {
    const current = list.querySelector('[aria-current="step"]');
    if (!(current instanceof HTMLElement)) return false;
    const a = current.getBoundingClientRect();
    const b = list.getBoundingClientRect();
    return a.top >= b.top - 1 && a.bottom <= b.bottom + 1;
  };
  expect(list.scrollHeight).toBeGreaterThan(list.clientHeight);
  await expect.poll(inView).toBe(true);
  expect(list.scrollTop).toBeGreaterThan(0);
  const scrolled = list.scrollTop;
  await screen.rerender(view(3));
  await expect.poll(inView).toBe(true);
  expect(list.scrollTop).toBeLessThan(scrolled);
  expect(document.scrollingElement?.scrollTop ?? 0).toBe(0);
});

test('lays out every machine definition (timed in Chromium)', async () => {
  const graphs = [
    machineGraph(protooPeerMachine),
    machineGraph(mediasoupClientMachine),
    peerConnectionGraph,
    negotiationGraph,
    meshRoomGraph,
    twoPartyRoomGraph,
  ];
  const times: string[] = [];
  for (const graph of graphs) {
    const layout = await layoutDiagram(machineDiagram(graph));
    times.push(`${graph.id} ${layout.ms.toFixed(0)} ms`);
    expect(layout.nodes.size).toBeGreaterThan(0);
  }
  console.info(`layout times (chromium): ${times.join(', ')}`);
});

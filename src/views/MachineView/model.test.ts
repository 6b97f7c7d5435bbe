import { createMachine } from 'xstate';
import { describe, expect, it } from 'vitest';
import { machineGraph } from '../../../machines/lib/graph.ts';
import { mediasoupClientMachine } from '../../../machines/mediasoupClientMachine.ts';
import { meshRoomGraph } from '../../../machines/meshRoomMachine.ts';
import { negotiationGraph } from '../../../machines/negotiationMachine.ts';
import { peerConnectionGraph } from '../../../machines/peerConnectionMachine.ts';
import { protooPeerMachine } from '../../../machines/protooPeerMachine.ts';
import { twoPartyRoomGraph } from '../../../machines/twoPartyRoomMachine.ts';
import { createMachineDrivers, machineStates } from '../../projections/machineStates.ts';
import { fixtureSession, hostileSession, HOSTILE, emptySession } from '../shared/sessions.ts';
import {
  activeAt,
  activeLeaves,
  describeEvent,
  explainStep,
  history,
  stateName,
} from './active.ts';
import { eventText, machineDiagram, transitionText, type MachineDiagram } from './diagram.ts';
import { routePath, toFlow } from './flow.ts';
import {
  MACHINE_KINDS,
  findInstance,
  instanceKey,
  listInstances,
  parseInstanceKey,
  type MachineInstance,
} from './instances.ts';
import { arrangeRegions, layoutDiagram, layoutMachine, type MachineLayout } from './layout.ts';

const protooGraph = machineGraph(protooPeerMachine);
const mediasoupGraph = machineGraph(mediasoupClientMachine);

function edge(diagram: MachineDiagram, source: string, target: string) {
  const found = diagram.edges.find((e) => e.source === source && e.target === target);
  if (found === undefined) throw new Error(`no edge ${source} -> ${target}`);
  return found;
}

function instancesOf(fixture: string) {
  const analysis = fixtureSession(fixture);
  const drivers = createMachineDrivers(analysis);
  return { analysis, drivers, instances: listInstances(drivers, analysis) };
}

function pick(instances: readonly MachineInstance[], kind: string, id: string): MachineInstance {
  const found = findInstance(instances, { kind, id });
  if (found === undefined) throw new Error(`no instance ${kind} ${id}`);
  return found;
}

describe('machineDiagram', () => {
  it('draws the protoo peer: states, initial marker, final state, merged arrows', () => {
    const d = machineDiagram(protooGraph);
    expect(d.parallelRoot).toBe(false);
    expect(d.nodes.map((n) => `${n.id}:${n.kind}`)).toEqual([
      'protooPeer#initial:initial',
      'protooPeer#any:any',
      'protooPeer.connecting:state',
      'protooPeer.open:state',
      'protooPeer.reconnecting:state',
      'protooPeer.failed:state',
      'protooPeer.closed:final',
    ]);
    expect(d.nodes.every((n) => n.parent === null)).toBe(true);
    expect(edge(d, 'protooPeer#initial', 'protooPeer.connecting').kind).toBe('initial');
    // Two guarded ws.close transitions share one arrow, one line each.
    expect(edge(d, 'protooPeer.connecting', 'protooPeer.closed').lines.map((l) => l.text)).toEqual([
      'ws.close [isServerClose]',
      'ws.close [isLastAttempt]',
    ]);
    // The root's peer.close leaves from "any state".
    expect(edge(d, 'protooPeer#any', 'protooPeer.closed').lines.map((l) => l.text)).toEqual([
      'peer.close',
    ]);
    // Targetless root transitions are a caption, not arrows.
    expect(d.rootInternal).toEqual([
      'clock.tick',
      'protoo.request.sent',
      'protoo.response.received',
      'ws.error',
    ]);
    expect(d.edges.some((e) => e.source === e.target)).toBe(false);
  });

  it('gives every drawn transition an arrow, and no arrow to an internal one', () => {
    for (const graph of [
      protooGraph,
      mediasoupGraph,
      peerConnectionGraph,
      negotiationGraph,
      meshRoomGraph,
      twoPartyRoomGraph,
    ]) {
      const d = machineDiagram(graph);
      graph.transitions.forEach((t, i) => {
        const id = d.edgeOfTransition.get(i);
        if (t.internal === true) expect(id).toBeUndefined();
        else expect(d.edges.some((e) => e.id === id)).toBe(true);
      });
      const ids = new Set(d.nodes.map((n) => n.id));
      for (const e of d.edges) {
        expect(ids.has(e.source) && ids.has(e.target)).toBe(true);
      }
      // Parents come before their children (xyflow needs them so).
      const seen = new Set<string>();
      for (const n of d.nodes) {
        if (n.parent !== null) expect(seen.has(n.parent)).toBe(true);
        seen.add(n.id);
      }
    }
  });

  it('draws a parallel machine as regions, each with its initial marker and "any state"', () => {
    const d = machineDiagram(peerConnectionGraph);
    expect(d.parallelRoot).toBe(true);
    const regions = d.nodes.filter((n) => n.kind === 'region');
    expect(regions.map((r) => r.label)).toEqual([
      'signaling',
      'iceGathering',
      'iceConnection',
      'connection',
    ]);
    expect(regions.every((r) => r.parent === null)).toBe(true);
    for (const r of regions) {
      expect(d.nodes.find((n) => n.id === `${r.id}#initial`)?.parent).toBe(r.id);
    }
    expect(
      edge(d, 'peerConnection.iceConnection#initial', 'peerConnection.iceConnection.new'),
    ).toBeDefined();
    // The derived regions follow the reports from "any state"; what every arrow carries is
    // written once on the marker.
    const any = d.nodes.find((n) => n.id === 'peerConnection.iceConnection#any');
    expect(any?.parent).toBe('peerConnection.iceConnection');
    expect(any?.shared).toEqual([
      'pc.iceConnectionReported [becomes]',
      'pc.transportIce [becomes]',
    ]);
    const toClosed = edge(
      d,
      'peerConnection.iceConnection#any',
      'peerConnection.iceConnection.closed',
    );
    expect(toClosed.lines.filter((l) => l.shared !== true).map((l) => l.text)).toEqual([
      'pc.close [becomes]',
    ]);
    // A self-transition that re-enters its state is a loop.
    expect(
      edge(
        d,
        'peerConnection.signaling.have-local-offer',
        'peerConnection.signaling.have-local-offer',
      ).kind,
    ).toBe('self');
    // The signaling region's own targetless events are listed on it.
    expect(d.nodes.find((n) => n.id === 'peerConnection.signaling')?.internal).toContain(
      'pc.setLocalDescription',
    );
  });

  it('nests compound states and lets arrows leave a group from its border', () => {
    const d = machineDiagram(twoPartyRoomGraph);
    const inRoom = d.nodes.find((n) => n.id === 'twoPartyRoom.inRoom');
    expect(inRoom?.kind).toBe('compound');
    expect(d.nodes.find((n) => n.id === 'twoPartyRoom.inRoom.connected')?.parent).toBe(
      'twoPartyRoom.inRoom',
    );
    expect(edge(d, 'twoPartyRoom.inRoom', 'twoPartyRoom.ended').lines.map((l) => l.text)).toEqual([
      'room.message.out [isBye]',
      'room.message.in [isBye]',
    ]);
    expect(edge(d, 'twoPartyRoom.joining', 'twoPartyRoom.inRoom.initiator').lines[0]?.text).toBe(
      'room.created',
    );
    expect(d.nodes.filter((n) => n.kind === 'final').map((n) => n.label)).toEqual([
      'full',
      'ended',
    ]);
  });

  it('names eventless, delayed and wildcard transitions', () => {
    expect(eventText('')).toBe('always');
    expect(eventText('xstate.after.1000.m.a.y')).toBe('after 1000 ms');
    expect(eventText('*')).toBe('any event');
    expect(transitionText({ event: 'GO', guard: 'ok && !late' })).toBe('GO [ok && !late]');
    const machine = createMachine({
      id: 'm',
      initial: 'x',
      states: { x: { always: { target: 'y', guard: () => true } }, y: { after: { 1000: 'x' } } },
    });
    const d = machineDiagram(machineGraph(machine));
    expect(edge(d, 'm.x', 'm.y').lines[0]?.text).toBe('always [guard]');
    expect(edge(d, 'm.y', 'm.x').lines[0]?.text).toBe('after 1000 ms');
  });
});

describe('layout', () => {
  const allGraphs = [
    protooGraph,
    mediasoupGraph,
    peerConnectionGraph,
    negotiationGraph,
    meshRoomGraph,
    twoPartyRoomGraph,
  ];

  function absolute(layout: MachineLayout, d: MachineDiagram, id: string) {
    let x = 0;
    let y = 0;
    let at: string | null = id;
    while (at !== null) {
      const box = layout.nodes.get(at);
      if (box === undefined) throw new Error(`no box for ${at}`);
      x += box.x;
      y += box.y;
      at = d.nodes.find((n) => n.id === at)?.parent ?? null;
    }
    const own = layout.nodes.get(id);
    return { x, y, width: own?.width ?? 0, height: own?.height ?? 0 };
  }

  it('places every node inside its group and routes every arrow, for every machine', async () => {
    for (const graph of allGraphs) {
      const d = machineDiagram(graph);
      const layout = await layoutDiagram(d);
      for (const n of d.nodes) {
        const box = layout.nodes.get(n.id);
        expect(box, n.id).toBeDefined();
        if (n.parent === null) continue;
        const parent = layout.nodes.get(n.parent);
        if (box === undefined || parent === undefined) throw new Error(n.id);
        expect(box.x).toBeGreaterThanOrEqual(0);
        expect(box.y).toBeGreaterThanOrEqual(0);
        expect(box.x + box.width).toBeLessThanOrEqual(parent.width + 0.5);
        expect(box.y + box.height).toBeLessThanOrEqual(parent.height + 0.5);
      }
      for (const e of d.edges) {
        expect(layout.edges.get(e.id)?.points.length ?? 0, e.id).toBeGreaterThanOrEqual(2);
      }
      expect(layout.width).toBeGreaterThan(0);
      expect(layout.height).toBeGreaterThan(0);
    }
  });

  it('keeps the regions of a parallel machine apart', async () => {
    const d = machineDiagram(peerConnectionGraph);
    const layout = await layoutDiagram(d);
    const boxes = d.nodes.filter((n) => n.kind === 'region').map((r) => absolute(layout, d, r.id));
    expect(boxes).toHaveLength(4);
    for (let i = 0; i < boxes.length; i++) {
      for (let j = i + 1; j < boxes.length; j++) {
        const a = boxes[i];
        const b = boxes[j];
        if (a === undefined || b === undefined) continue;
        const apart =
          a.x + a.width <= b.x ||
          b.x + b.width <= a.x ||
          a.y + a.height <= b.y ||
          b.y + b.height <= a.y;
        expect(apart).toBe(true);
      }
    }
  });

  it('is deterministic, and cached by machine id', async () => {
    const d = machineDiagram(negotiationGraph);
    const a = await layoutDiagram(d);
    const b = await layoutDiagram(machineDiagram(negotiationGraph));
    expect([...b.nodes]).toEqual([...a.nodes]);
    expect([...b.edges]).toEqual([...a.edges]);
    const first = layoutMachine(d);
    expect(layoutMachine(machineDiagram(negotiationGraph))).toBe(first);
    expect((await first).nodes).toEqual(a.nodes);
  });

  it('measures the layout of each machine definition', async () => {
    const times: string[] = [];
    for (const graph of allGraphs) {
      const layout = await layoutDiagram(machineDiagram(graph));
      times.push(
        `${graph.id}: ${layout.ms.toFixed(0)} ms (${layout.width.toFixed(0)}×${layout.height.toFixed(0)})`,
      );
      expect(layout.nodes.size).toBeGreaterThan(0);
    }
    console.info(`layout times (node): ${times.join(', ')}`);
  });

  it('arranges regions in rows near the target shape', () => {
    const two = arrangeRegions([
      { width: 500, height: 400 },
      { width: 500, height: 400 },
    ]);
    expect(two.positions).toEqual([
      { x: 0, y: 0 },
      { x: 548, y: 0 },
    ]);
    const four = arrangeRegions(Array.from({ length: 4 }, () => ({ width: 400, height: 400 })));
    // Four squares: three then one (1296 × 848, 1.53) is nearer 1.6 than one row of four
    // (4.4) or two rows of two (1.0).
    expect(four.positions).toEqual([
      { x: 0, y: 0 },
      { x: 448, y: 0 },
      { x: 896, y: 0 },
      { x: 0, y: 448 },
    ]);
    expect(four.width).toBe(1296);
    expect(four.height).toBe(848);
  });
});

describe('instances', () => {
  it('lists every machine of the session, kind by kind', () => {
    const { instances } = instancesOf('legacy-participant-join');
    expect(instances.map((i) => `${i.kindLabel} ${i.id}`)).toEqual([
      'protoo peer c1',
      'mediasoup room client c1',
      'peer connection recv-pc',
      'peer connection send-pc',
      'negotiation recv-pc',
      'negotiation send-pc',
    ]);
    expect(MACHINE_KINDS.map((k) => k.kind)).toEqual([
      'protoo-peer',
      'mediasoup-room',
      'mesh-room',
      'two-party-room',
      'peer-connection',
      'negotiation',
    ]);
  });

  it('has no instance in an empty session', () => {
    const analysis = emptySession();
    expect(listInstances(createMachineDrivers(analysis), analysis)).toEqual([]);
  });

  it('names an instance by a key that survives any id', () => {
    for (const ref of [
      { kind: 'peer-connection', id: 'send-pc' },
      { kind: 'protoo-peer', id: 'a:b:c' },
      { kind: 'peer-connection', id: HOSTILE },
      { kind: 'negotiation', id: '' },
    ]) {
      expect(parseInstanceKey(instanceKey(ref))).toEqual(ref);
    }
    expect(parseInstanceKey('no-kind')).toBeUndefined();
    expect(parseInstanceKey(':x')).toBeUndefined();
  });

  it('gives the context of each kind', () => {
    const { analysis, instances } = instancesOf('legacy-participant-join');
    const end = analysis.log.length - 1;
    const fields = (kind: string, id: string) =>
      Object.fromEntries(
        pick(instances, kind, id)
          .stateAt(end)
          .fields.map((f) => [f.key, f.value]),
      );
    expect(fields('protoo-peer', 'c1')).toMatchObject({ cycle: '1', attempt: '1', pending: '0' });
    expect(fields('peer-connection', 'send-pc')).toMatchObject({ connectionState: 'connected' });
    const ms = fields('mediasoup-room', 'c1');
    expect(ms).toMatchObject({ joined: 'yes', transports: '2', producers: '2' });
    expect(Number(ms.consumers)).toBeGreaterThan(0);
    expect(fields('negotiation', 'send-pc')).toMatchObject({
      polite: 'no',
      makingOffer: 'false',
      ignoreOffer: 'false',
      isSettingRemoteAnswerPending: 'false',
    });
  });
});

describe('activeAt', () => {
  it('agrees with machineStates() at every peer connection change (a parallel machine)', () => {
    for (const fixture of ['legacy-participant-join', 'reconnect', 'mesh-room']) {
      const { analysis, drivers, instances } = instancesOf(fixture);
      const entries = machineStates(analysis, drivers).machines.filter(
        (m) => m.kind === 'peer-connection',
      );
      expect(entries.length).toBeGreaterThan(0);
      for (const entry of entries) {
        const instance = pick(instances, 'peer-connection', entry.id);
        for (const change of entry.changes) {
          const at = activeAt(instance, change.index);
          const state = change.state;
          expect(at.leaves).toEqual([
            `peerConnection.signaling.${state.signalingState}`,
            `peerConnection.iceGathering.${state.iceGatheringState}`,
            `peerConnection.iceConnection.${state.iceConnectionState}`,
            `peerConnection.connection.${state.connectionState}`,
          ]);
          expect(at.step?.seq).toBe(change.seq);
          // Every change is explained by at least one arrow of the diagram.
          expect(at.step?.transitions.length ?? 0).toBeGreaterThan(0);
        }
      }
    }
  });

  it('agrees with machineStates() for the protoo peer, and explains a retry in one event', () => {
    const { analysis, drivers, instances } = instancesOf('reconnect');
    const instance = pick(instances, 'protoo-peer', 'c1');
    const entry = machineStates(analysis, drivers).machines.find((m) => m.kind === 'protoo-peer');
    if (entry === undefined) throw new Error('no protoo entry');
    for (const change of entry.changes) {
      const at = activeAt(instance, change.index);
      expect(at.leaves).toEqual([`protooPeer.${change.state.state}`]);
    }
    // The last open: the retry tick takes failed → reconnecting, then ws.open → open, both
    // from one log event.
    const last = instance.changes().at(-1);
    const index = instance.indexes[last?.index ?? -1] ?? -1;
    const at = activeAt(instance, index);
    expect(at.leaves).toEqual(['protooPeer.open']);
    const step = at.step;
    expect(step?.from).toEqual(['protooPeer.failed']);
    expect(step?.events).toEqual(['clock.tick', 'ws.open']);
    const fired = (step?.transitions ?? []).map((t) => protooGraph.transitions[t]);
    expect(fired).toEqual([
      {
        source: 'protooPeer.failed',
        target: 'protooPeer.reconnecting',
        event: 'clock.tick',
        guard: 'retryDue',
      },
      { source: 'protooPeer.reconnecting', target: 'protooPeer.open', event: 'ws.open' },
    ]);
  });

  it('agrees with machineStates() for mesh pages and two-party clients', () => {
    for (const [fixture, kind, root] of [
      ['mesh-room', 'mesh-room', 'meshRoom'],
      ['two-party-room', 'two-party-room', 'twoPartyRoom'],
      ['two-party-full', 'two-party-room', 'twoPartyRoom'],
    ] as const) {
      const { analysis, drivers, instances } = instancesOf(fixture);
      const entries = machineStates(analysis, drivers).machines.filter((m) => m.kind === kind);
      expect(entries.length, fixture).toBeGreaterThan(0);
      for (const entry of entries) {
        const instance = pick(instances, kind, entry.id);
        let changed = 0;
        for (const change of entry.changes) {
          const at = activeAt(instance, change.index);
          expect(at.leaves).toEqual([
            `${root}.${(change.state as { readonly state: string }).state}`,
          ]);
          if (at.step?.index === change.index) {
            changed++;
            expect(at.step.transitions.length).toBeGreaterThan(0);
          }
        }
        expect(changed, `${fixture} ${entry.id}`).toBe(instance.changes().length);
      }
    }
  });

  it('keeps the last transition highlighted until the next change', () => {
    const { analysis, instances } = instancesOf('legacy-participant-join');
    const ms = pick(instances, 'mediasoup-room', 'c1');
    const joinedAt = ms.indexes[ms.changes().at(-1)?.index ?? -1] ?? -1;
    expect(describeEvent(analysis, joinedAt)).toBe('received response join');
    for (const cursor of [joinedAt, joinedAt + 10, analysis.log.length - 1]) {
      const at = activeAt(ms, cursor);
      expect(at.leaves).toEqual(['mediasoupClient.joined']);
      expect(at.step?.index).toBe(joinedAt);
      expect(at.step?.transitions.map((t) => mediasoupGraph.transitions[t]?.guard)).toEqual([
        'joinAccepted',
      ]);
    }
    const before = activeAt(ms, joinedAt - 1);
    expect(before.leaves).toEqual(['mediasoupClient.joining']);
    expect(before.step?.cause).toBe('sent request join');
  });

  it("is not started before the instance's first event", () => {
    const { instances } = instancesOf('legacy-participant-join');
    const pc = pick(instances, 'peer-connection', 'send-pc');
    const first = pc.indexes[0] ?? -1;
    expect(first).toBeGreaterThan(0);
    const before = activeAt(pc, first - 1);
    expect(before.started).toBe(false);
    expect(before.firstIndex).toBe(first);
    expect(before.step).toBeNull();
    expect(activeAt(pc, -1).started).toBe(false);
    expect(activeAt(pc, first).started).toBe(true);
  });

  it('explains a negotiation step that goes through a state in one event', () => {
    const { instances } = instancesOf('mesh-room');
    const n = pick(instances, 'negotiation', 'pc-1');
    // Find the change into handler.idle from settingAnswer (sld.done then send.description).
    const change = n.changes().find((c, i) => {
      const before = n.changes()[i - 1]?.state ?? n.initialValue;
      return (
        activeLeaves(negotiationGraph, before).includes('negotiation.handler.settingAnswer') &&
        activeLeaves(negotiationGraph, c.state).includes('negotiation.handler.idle')
      );
    });
    if (change === undefined) throw new Error('no answer sent in mesh-room pc-1');
    const at = activeAt(n, n.indexes[change.index] ?? -1);
    const fired = (at.step?.transitions ?? []).map((t) => negotiationGraph.transitions[t]?.event);
    expect(fired).toEqual(['sld.done', 'send.description']);
  });

  it('falls back to matching source and target when the events are not known', () => {
    expect(
      explainStep(protooGraph, ['protooPeer.connecting'], ['protooPeer.open'], undefined).map(
        (t) => protooGraph.transitions[t]?.event,
      ),
    ).toEqual(['ws.open']);
    // With the events given, only those transitions count.
    expect(
      explainStep(
        protooGraph,
        ['protooPeer.connecting'],
        ['protooPeer.closed'],
        ['peer.close'],
      ).map((t) => protooGraph.transitions[t]?.source),
    ).toEqual(['protooPeer']);
  });
});

describe('history', () => {
  it('lists the changes up to the cursor with their cause', () => {
    const { analysis, instances } = instancesOf('legacy-participant-join');
    const ms = pick(instances, 'mediasoup-room', 'c1');
    const all = history(ms, analysis.log.length - 1);
    expect(all.omitted).toBe(0);
    expect(all.entries.map((e) => e.state)).toEqual([
      'idle',
      'connected',
      'gettingCapabilities',
      'ready',
      'joining',
      'joined',
    ]);
    expect(all.entries[0]).toMatchObject({ index: -1, cause: '' });
    expect(all.entries[1]).toMatchObject({ seq: 0, cause: 'ws.open', from: 'idle' });
    expect(all.entries[2]?.cause).toBe('sent request getRouterRtpCapabilities');
    const early = history(ms, all.entries[3]?.index ?? -1);
    expect(early.entries.map((e) => e.state)).toEqual([
      'idle',
      'connected',
      'gettingCapabilities',
      'ready',
    ]);
    const limited = history(ms, analysis.log.length - 1, 2);
    expect(limited.omitted).toBe(4);
    expect(limited.entries.map((e) => e.state)).toEqual(['joining', 'joined']);
  });

  it('names the regions of a parallel machine that changed', () => {
    const { analysis, instances } = instancesOf('two-party-room');
    const pc = pick(instances, 'peer-connection', 'pc1');
    const { entries } = history(pc, analysis.log.length - 1);
    expect(entries[0]?.state).toBe(
      'signaling.stable, iceGathering.new, iceConnection.new, connection.new',
    );
    for (const e of entries.slice(1)) {
      expect(e.state).toMatch(/^(signaling|iceGathering|iceConnection|connection)\./);
      expect(e.cause).toMatch(/^pc pc1 /);
    }
  });
});

describe('describeEvent', () => {
  it('says what each kind of event was, hostile strings kept as they are', () => {
    const analysis = hostileSession();
    const texts = Array.from({ length: analysis.log.length }, (_, i) => describeEvent(analysis, i));
    expect(texts[0]).toBe('ws.open');
    expect(texts[1]).toBe('sent request join');
    expect(texts[2]).toBe('received error response join');
    expect(texts[4]).toBe(`received notification ${HOSTILE}`);
    expect(texts[5]).toBe('received invalid frame');
    expect(texts[6]).toBe(`pc ${HOSTILE} setRemoteDescription: offer`);
    expect(texts[7]).toBe('note');
    expect(texts[8]).toBe(`ws.close 4000 ${HOSTILE}`);
    expect(describeEvent(analysis, 99)).toBe('');
  });

  it('names states by their path below the root', () => {
    expect(stateName(twoPartyRoomGraph, 'twoPartyRoom.inRoom.connected')).toBe('inRoom.connected');
    expect(stateName(protooGraph, 'protooPeer')).toBe('protooPeer');
  });
});

describe('toFlow', () => {
  it('marks the active states and the last transition, parents before children', async () => {
    const { analysis, instances } = instancesOf('legacy-participant-join');
    const pc = pick(instances, 'peer-connection', 'send-pc');
    const diagram = machineDiagram(peerConnectionGraph);
    const layout = await layoutMachine(diagram);
    const at = activeAt(pc, analysis.log.length - 1);
    const { nodes, edges } = toFlow(peerConnectionGraph, diagram, layout, at);
    const active = nodes.filter((n) => n.data.active && n.type === 'mvState').map((n) => n.id);
    expect(active).toEqual(at.leaves);
    expect(nodes.find((n) => n.id === 'peerConnection.connection.connected')?.ariaLabel).toBe(
      'state connection.connected, active, just entered',
    );
    const animated = edges.filter((e) => e.animated === true).map((e) => e.id);
    expect(animated).toEqual([
      'peerConnection.connection#any->peerConnection.connection.connected',
    ]);
    const marker = nodes.find((n) => n.id === 'peerConnection.connection#any');
    expect(marker?.data.shared.filter((l) => l.active).map((l) => l.text)).toEqual([
      'pc.connectionReported [becomes]',
    ]);
    const index = new Map(nodes.map((n, i) => [n.id, i]));
    for (const n of nodes) {
      if (n.parentId !== undefined)
        expect(index.get(n.parentId) ?? Infinity).toBeLessThan(index.get(n.id) ?? -1);
    }
    // Before the instance started, nothing is highlighted.
    const idle = toFlow(peerConnectionGraph, diagram, layout, activeAt(pc, -1));
    expect(idle.nodes.some((n) => n.data.active)).toBe(false);
    expect(idle.edges.some((e) => e.animated === true)).toBe(false);
  });

  it('draws routes with rounded corners', () => {
    expect(routePath([])).toBe('');
    expect(
      routePath([
        { x: 0, y: 0 },
        { x: 10, y: 0 },
      ]),
    ).toBe('M0,0 L10,0');
    expect(
      routePath([
        { x: 0, y: 0 },
        { x: 20, y: 0 },
        { x: 20, y: 20 },
      ]),
    ).toBe('M0,0 L14,0 Q20,0 20,6 L20,20');
  });
});

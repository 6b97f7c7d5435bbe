import { describe, expect, it } from 'vitest';
import {
  INITIAL_ROOM,
  reduceRoom,
  type MediasoupClientEvent,
  type RoomModel,
} from '../../../machines/mediasoupClientMachine.context.ts';
import { keysOf, valuesOf } from '../../../machines/mediasoupClientMachine.tables.ts';
import type { MeshRoomContext } from '../../../machines/meshRoomMachine.ts';
import { createMediasoupClientDriver } from '../../projections/drivers/mediasoupClientDriver.ts';
import { fixtureSession, HOSTILE, hostileSession } from '../shared/sessions.ts';
import { meshGraph, roomGraph } from './model.ts';
import { sampleRoom, withConnectionStates } from './sampleRoom.ts';
import type { RoomGraph, RoomGraphNode } from './types.ts';

function fixtureRoom(name: string, at?: number): RoomModel {
  const analysis = fixtureSession(name);
  const room = createMediasoupClientDriver(analysis).room(at ?? analysis.log.length - 1);
  if (room === undefined) throw new Error(`${name} has no mediasoup connection`);
  return room;
}

const byId = (graph: RoomGraph, id: string): RoomGraphNode | undefined =>
  graph.nodes.find((n) => n.id === id);
const ofType = (graph: RoomGraph, type: string) => graph.nodes.filter((n) => n.data.type === type);

function roomOf(events: MediasoupClientEvent[]): RoomModel {
  return events.reduce(reduceRoom, INITIAL_ROOM);
}

describe('roomGraph() on a mediasoup-demo room', () => {
  const room = fixtureRoom('legacy-participant-join');
  const graph = roomGraph(room, { conn: 'c1' });

  it('draws the client, its transports, producers and data producers', () => {
    expect(byId(graph, 'client')?.data).toMatchObject({
      type: 'client',
      displayName: 'Ada L.',
      joined: true,
    });
    const transports = ofType(graph, 'transport').map((n) => n.data);
    expect(transports.map((t) => t.type === 'transport' && t.direction).sort()).toEqual([
      'recv',
      'send',
    ]);
    for (const p of valuesOf(room.producers)) {
      expect(byId(graph, `producer:${p.id}`)?.data).toMatchObject({ local: true, kind: p.kind });
      expect(graph.edges).toContainEqual(
        expect.objectContaining({
          kind: 'contains',
          source: `transport:${p.transportId}`,
          target: `producer:${p.id}`,
        }),
      );
    }
    expect(
      ofType(graph, 'dataProducer').filter((n) => n.data.type === 'dataProducer' && n.data.local),
    ).toHaveLength(keysOf(room.dataProducers).length);
  });

  it('hangs legacy consumers (no transportId) off the receive transport', () => {
    const recv = valuesOf(room.transports).find((t) => t.direction === 'recv');
    const open = valuesOf(room.consumers).filter((c) => !c.closed);
    expect(open.length).toBeGreaterThan(0);
    for (const c of open) {
      expect(c.transportId).toBeNull();
      expect(graph.edges).toContainEqual(
        expect.objectContaining({
          kind: 'contains',
          source: `transport:${recv?.id}`,
          target: `consumer:${c.id}`,
        }),
      );
    }
  });

  it('draws one remote producer per distinct producerId, an edge from each consumer to it, and one to its peer', () => {
    const open = valuesOf(room.consumers).filter((c) => !c.closed);
    const producerIds = new Set(open.map((c) => c.producerId));
    const remote = ofType(graph, 'producer').filter(
      (n) => n.data.type === 'producer' && !n.data.local,
    );
    expect(new Set(remote.map((n) => n.id))).toEqual(
      new Set([...producerIds].map((id) => `producer:${id}`)),
    );
    for (const c of open) {
      expect(graph.edges).toContainEqual(
        expect.objectContaining({
          kind: 'consumes',
          source: `consumer:${c.id}`,
          target: `producer:${c.producerId}`,
        }),
      );
      expect(graph.edges).toContainEqual(
        expect.objectContaining({
          kind: 'owns',
          source: `producer:${c.producerId}`,
          target: `peer:${c.peerId}`,
        }),
      );
    }
  });

  it('shows consumers with their score, layers and state', () => {
    const video = valuesOf(room.consumers).find((c) => !c.closed && c.layers !== null);
    if (video === undefined) throw new Error('the fixture has a video consumer with layers');
    const data = byId(graph, `consumer:${video.id}`)?.data;
    expect(data).toMatchObject({
      type: 'consumer',
      state: 'accepted',
      score: video.score,
      layers: video.layers,
      tone: 'ok',
    });
    expect(data?.summary).toMatch(/resumed, score \d+, producer score \d+, layers S\d T\d$/);
  });

  it('leaves closed consumers and departed peers out unless showClosed, and counts them', () => {
    const closed = valuesOf(room.consumers).filter((c) => c.closed);
    expect(closed.length).toBeGreaterThan(0);
    const departed = valuesOf(room.peers).filter((p) => !p.present);
    expect(departed.length).toBeGreaterThan(0);
    for (const c of closed) expect(byId(graph, `consumer:${c.id}`)).toBeUndefined();
    for (const p of departed) expect(byId(graph, `peer:${p.id}`)).toBeUndefined();
    expect(graph.counts.hiddenClosed).toBeGreaterThanOrEqual(closed.length + departed.length);

    const all = roomGraph(room, { showClosed: true });
    for (const c of closed)
      expect(byId(all, `consumer:${c.id}`)?.data).toMatchObject({ closed: true, tone: 'off' });
    for (const p of departed)
      expect(byId(all, `peer:${p.id}`)?.data).toMatchObject({ present: false, tone: 'off' });
    expect(all.counts.hiddenClosed).toBe(0);
  });

  it('draws the bot for data consumers with no peer', () => {
    const bot = valuesOf(room.dataConsumers).find((d) => d.peerId === null);
    expect(bot).toBeDefined();
    expect(byId(graph, 'bot')?.data).toMatchObject({ type: 'peer', bot: true });
    expect(graph.edges).toContainEqual(
      expect.objectContaining({
        kind: 'owns',
        source: `dataProducer:${bot?.dataProducerId}`,
        target: 'bot',
      }),
    );
  });

  it('gives every node a unique id and every edge ends that exist', () => {
    const ids = new Set(graph.nodes.map((n) => n.id));
    expect(ids.size).toBe(graph.nodes.length);
    expect(new Set(graph.edges.map((e) => e.id)).size).toBe(graph.edges.length);
    for (const e of graph.edges) {
      expect(ids.has(e.source), e.id).toBe(true);
      expect(ids.has(e.target), e.id).toBe(true);
    }
  });

  it('keeps node ids across cursors: a consumer is the same node when it first appears and at the end', () => {
    const analysis = fixtureSession('legacy-participant-join');
    const driver = createMediasoupClientDriver(analysis);
    const c = valuesOf(room.consumers).find((x) => !x.closed);
    if (c === undefined) throw new Error('an open consumer');
    expect(
      byId(roomGraph(driver.room(c.seq - 1) ?? INITIAL_ROOM), `consumer:${c.id}`),
    ).toBeUndefined();
    expect(
      byId(roomGraph(driver.room(c.seq) ?? INITIAL_ROOM), `consumer:${c.id}`)?.data,
    ).toMatchObject({ state: 'offered', tone: 'pending' });
    expect(byId(graph, `consumer:${c.id}`)?.data).toMatchObject({ state: 'accepted' });
  });

  it('emits the ids to filter on: a consumer its own, a remote producer its and its consumers’', () => {
    const c = valuesOf(room.consumers).find((x) => !x.closed);
    if (c === undefined || c.producerId === null) throw new Error('an open consumer');
    expect(byId(graph, `consumer:${c.id}`)?.data.filterIds).toEqual([c.id]);
    expect(byId(graph, `producer:${c.producerId}`)?.data.filterIds).toEqual([c.producerId, c.id]);
    const send = valuesOf(room.transports).find((t) => t.direction === 'send');
    expect(byId(graph, `transport:${send?.id}`)?.data.filterIds).toContain(send?.id);
  });
});

describe('roomGraph() states and problems', () => {
  it('calls out a consumer the client rejected: left paused, red, with the problem', () => {
    const room = fixtureRoom('rejection-500');
    const rejected = valuesOf(room.consumers).find((c) => c.state === 'rejected');
    if (rejected === undefined) throw new Error('rejection-500 rejects a consumer');
    const data = byId(roomGraph(room), `consumer:${rejected.id}`)?.data;
    expect(data).toMatchObject({ type: 'consumer', leftPaused: true, paused: true, tone: 'bad' });
    expect(data?.summary).toContain('rejected by the client: the server keeps it paused');
    expect(data?.problems.join(' ')).toMatch(/keeps it paused/);
  });

  it('colours transports by their peer connection state, else by signaling', () => {
    const base = sampleRoom({ peers: 1, consumers: 1 });
    const tone = (room: RoomModel, dir: string) =>
      ofType(roomGraph(room), 'transport').find(
        (n) => n.data.type === 'transport' && n.data.direction === dir,
      )?.data;
    expect(tone(withConnectionStates(base, 'connected', 'failed'), 'send')).toMatchObject({
      tone: 'ok',
      connectionState: 'connected',
    });
    expect(tone(withConnectionStates(base, 'connected', 'failed'), 'recv')).toMatchObject({
      tone: 'bad',
      connectionState: 'failed',
    });
    expect(tone(withConnectionStates(base, 'connecting', 'disconnected'), 'send')?.tone).toBe(
      'pending',
    );
    expect(tone(withConnectionStates(base, 'connecting', 'disconnected'), 'recv')?.tone).toBe(
      'warn',
    );
    // no pc events: the signaling side (connectWebRtcTransport answered) decides, as pending
    const bare = roomOf([
      { type: 'ws.open' },
      {
        type: 'ms.request',
        id: 1,
        method: 'createWebRtcTransport',
        data: { producing: true },
        seq: 1,
      },
      { type: 'ms.response', id: 1, ok: true, data: { id: 't1' }, seq: 2 },
    ]);
    expect(byId(roomGraph(bare), 'transport:t1')?.data).toMatchObject({
      connectionState: null,
      connect: 'new',
      tone: 'neutral',
    });
  });

  it('dims paused consumers and those whose producer is paused', () => {
    const room = sampleRoom({ peers: 2, consumers: 8, pauseEvery: 4, producerPausedEvery: 3 });
    const consumers = ofType(roomGraph(room), 'consumer').map((n) => n.data);
    const paused = consumers.filter((d) => d.type === 'consumer' && (d.paused || d.producerPaused));
    expect(paused.length).toBeGreaterThan(0);
    for (const d of paused) expect(d.tone).toBe('paused');
  });

  it('draws a producer consumed twice once, with both consumers', () => {
    const room = roomOf([
      { type: 'ws.open' },
      {
        type: 'ms.serverRequest',
        id: 1,
        method: 'newConsumer',
        data: { id: 'c1', producerId: 'p1', peerId: 'x', kind: 'audio' },
        seq: 1,
      },
      { type: 'ms.clientAnswer', id: 1, ok: true, seq: 2 },
      {
        type: 'ms.serverRequest',
        id: 2,
        method: 'newConsumer',
        data: { id: 'c2', producerId: 'p1', peerId: 'x', kind: 'audio' },
        seq: 3,
      },
    ]);
    const graph = roomGraph(room);
    expect(graph.nodes.filter((n) => n.id === 'producer:p1')).toHaveLength(1);
    expect(byId(graph, 'producer:p1')?.data).toMatchObject({
      local: false,
      consumers: 2,
      peerId: 'x',
    });
    // peer x was never announced (no join, no newPeer): it is drawn from its consumers
    expect(byId(graph, 'peer:x')?.data.summary).toMatch(/never announced/);
    expect(byId(graph, 'consumer:c2')?.data).toMatchObject({ state: 'offered', tone: 'pending' });
  });

  it('keeps hostile strings as they are: display names are data, not markup', () => {
    const analysis = hostileSession();
    const driver = createMediasoupClientDriver(analysis);
    // before its socket closes (after it, the room's peers are no longer current)
    const room = driver.room(analysis.log.length - 2);
    if (room === undefined) throw new Error('the hostile session speaks mediasoup');
    const graph = roomGraph(room);
    expect(byId(graph, `peer:${HOSTILE}`)?.data).toMatchObject({
      displayName: HOSTILE,
      peerId: HOSTILE,
    });
  });

  it('after the socket closed, nothing of the room is current: the client alone, the rest behind showClosed', () => {
    const room = fixtureRoom('close-4000');
    expect(room.open).toBe(false);
    const graph = roomGraph(room);
    expect(graph.nodes.map((n) => n.id)).toEqual(['client']);
    expect(byId(graph, 'client')?.data.summary).toMatch(/socket closed with code 4000/);
    const all = roomGraph(room, { showClosed: true });
    const peers = ofType(all, 'peer');
    expect(peers.length).toBeGreaterThan(0);
    for (const p of peers)
      expect(p.data).toMatchObject({ present: false, closed: true, tone: 'off' });
  });

  it('an empty room is just the client', () => {
    const graph = roomGraph(INITIAL_ROOM);
    expect(graph.nodes.map((n) => n.id)).toEqual(['client']);
    expect(byId(graph, 'client')?.data).toMatchObject({
      joined: false,
      open: false,
      tone: 'neutral',
    });
  });
});

describe('meshGraph()', () => {
  const context: MeshRoomContext = {
    selfId: '2',
    online: ['1', '5'],
    links: {
      '1': { peerId: '1', role: 'passive', state: 'connected', generation: 1 },
      '5': { peerId: '5', role: 'initiator', state: 'offering', generation: 1 },
      '7': { peerId: '7', role: 'initiator', state: 'dead', generation: 2 },
    },
    problems: [],
  };

  it('draws the page and a link per peer, from the initiator, coloured by state', () => {
    const graph = meshGraph(context);
    expect(graph.kind).toBe('mesh');
    expect(graph.nodes.map((n) => n.id)).toEqual(['mesh:1', 'mesh:2', 'mesh:5', 'mesh:7']);
    expect(byId(graph, 'mesh:2')?.data).toMatchObject({ self: true });
    expect(byId(graph, 'mesh:7')?.data).toMatchObject({ online: false, tone: 'off' });
    const edge = (id: string) => graph.edges.find((e) => e.id === id);
    expect(edge('link:1~2')).toMatchObject({ source: 'mesh:1', target: 'mesh:2', tone: 'ok' });
    expect(edge('link:2~5')).toMatchObject({ source: 'mesh:2', target: 'mesh:5', tone: 'pending' });
    expect(edge('link:2~7')).toMatchObject({ tone: 'bad' });
  });

  it('merges the pages of one room: one edge per pair, the worse state wins', () => {
    const other: MeshRoomContext = {
      selfId: '1',
      online: ['2'],
      links: { '2': { peerId: '2', role: 'initiator', state: 'dead', generation: 1 } },
      problems: [],
    };
    const graph = meshGraph([
      { context, state: 'inRoom' },
      { context: other, state: 'disconnected' },
    ]);
    const links = graph.edges.filter((e) => e.id === 'link:1~2');
    expect(links).toHaveLength(1);
    expect(links[0]?.tone).toBe('bad');
    expect(links[0]?.link?.views).toHaveLength(2);
    expect(byId(graph, 'mesh:1')?.data).toMatchObject({
      self: true,
      state: 'disconnected',
      tone: 'warn',
    });
  });

  it('orders numeric ids numerically', () => {
    const graph = meshGraph({
      ...context,
      links: {
        '10': { peerId: '10', role: 'initiator', state: 'waiting', generation: 1 },
        '9': { peerId: '9', role: 'initiator', state: 'waiting', generation: 1 },
      },
    });
    expect(graph.nodes.map((n) => n.id)).toEqual(['mesh:2', 'mesh:9', 'mesh:10']);
  });
});

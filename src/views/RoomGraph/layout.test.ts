import { describe, expect, it } from 'vitest';
import type { MeshRoomContext } from '../../../machines/meshRoomMachine.ts';
import { layoutGraph, NODE_SIZE, ROW_PITCH, type GraphLayout } from './layout.ts';
import { meshGraph, roomGraph } from './model.ts';
import { sampleRoom, sampleRoomSteps } from './sampleRoom.ts';
import type { RoomGraph } from './types.ts';

function expectNoOverlap(graph: RoomGraph, layout: GraphLayout): void {
  const boxes = graph.nodes.map((n) => {
    const p = layout.positions.get(n.id);
    if (p === undefined) throw new Error(`${n.id} has no position`);
    return { id: n.id, ...p, ...NODE_SIZE[n.data.type] };
  });
  boxes.sort((a, b) => a.x - b.x || a.y - b.y);
  for (let i = 0; i < boxes.length; i++) {
    const a = boxes[i];
    if (a === undefined) continue;
    for (let j = i + 1; j < boxes.length; j++) {
      const b = boxes[j];
      if (b === undefined || b.x >= a.x + a.width) break;
      const overlap =
        a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;
      expect(overlap, `${a.id} overlaps ${b.id}`).toBe(false);
    }
  }
}

describe('layoutGraph() of a mediasoup room', () => {
  const room = sampleRoom({ peers: 5, consumers: 30, rejectEvery: 7 });
  const graph = roomGraph(room);
  const layout = layoutGraph(graph);

  it('places every node, without overlaps, in the column of its kind', () => {
    expect(layout.positions.size).toBe(graph.nodes.length);
    expectNoOverlap(graph, layout);
    const x = (id: string) => layout.positions.get(id)?.x;
    expect(x('client')).toBeLessThan(x('transport:send-transport-0001') ?? 0);
    expect(x('transport:recv-transport-0001')).toBeLessThan(x('consumer:consumer-0000') ?? 0);
    expect(x('consumer:consumer-0000')).toBeLessThan(x('producer:producer-0000-0000') ?? 0);
    expect(x('producer:producer-0000-0000')).toBeLessThan(x('peer:peer-0000') ?? 0);
  });

  it('is deterministic', () => {
    expect([...layoutGraph(roomGraph(room)).positions]).toEqual([...layout.positions]);
  });

  it('puts each remote producer beside its consumer and each peer beside its first producer', () => {
    for (const e of graph.edges) {
      if (e.kind !== 'consumes' && e.kind !== 'owns') continue;
      const from = layout.positions.get(e.source);
      const to = layout.positions.get(e.target);
      if (e.kind === 'consumes') expect(to?.y, e.id).toBe(from?.y);
    }
    for (const peer of graph.nodes.filter((n) => n.data.type === 'peer' && !n.data.bot)) {
      const rows = graph.edges
        .filter((e) => e.kind === 'owns' && e.target === peer.id)
        .map((e) => layout.positions.get(e.source)?.y ?? Infinity);
      expect(layout.positions.get(peer.id)?.y, peer.id).toBe(Math.min(...rows));
    }
  });

  it('groups a peer’s consumers together, in the order its producers appeared', () => {
    const ys = graph.nodes
      .filter((n) => n.data.type === 'consumer' && n.data.peerId === 'peer-0001')
      .map((n) => layout.positions.get(n.id)?.y ?? NaN);
    const sorted = [...ys].sort((a, b) => a - b);
    expect(ys).toEqual(sorted);
    // contiguous rows: the peer's media consumers, then its chat
    expect((sorted.at(-1) ?? 0) - (sorted[0] ?? 0)).toBe((sorted.length - 1) * ROW_PITCH);
  });
});

describe('layoutGraph() keeps nodes where they were', () => {
  const steps = sampleRoomSteps({ peers: 4, consumers: 24, rejectEvery: 5, closeEvery: 6 });

  it('as the cursor moves forward one event at a time', () => {
    let previous: { graph: RoomGraph; layout: GraphLayout } | undefined;
    let moved = 0;
    let compared = 0;
    for (const room of steps) {
      const graph = roomGraph(room);
      const layout = layoutGraph(graph, previous?.layout.cache);
      expectNoOverlap(graph, layout);
      if (previous !== undefined) {
        for (const [id, p] of previous.layout.positions) {
          const now = layout.positions.get(id);
          if (now === undefined) continue;
          compared++;
          if (now.x !== p.x || now.y !== p.y) moved++;
        }
      }
      previous = { graph, layout };
    }
    expect(compared).toBeGreaterThan(500);
    expect(moved).toBe(0);
  });

  it('when the cursor jumps back and forth', () => {
    const at = (i: number) =>
      roomGraph(steps[i] ?? steps[0] ?? sampleRoom({ peers: 0, consumers: 0 }));
    const end = steps.length - 1;
    const first = layoutGraph(at(end));
    const back = layoutGraph(at(Math.floor(end / 2)), first.cache);
    const again = layoutGraph(at(end), back.cache);
    let both = 0;
    for (const [id, p] of back.positions) {
      const atEnd = first.positions.get(id);
      if (atEnd === undefined) continue; // closed by the end: not drawn there
      both++;
      expect(p, id).toEqual(atEnd);
      expect(again.positions.get(id), id).toEqual(p);
    }
    expect(both).toBeGreaterThan(10);
    expect(back.kept).toBe(both);
  });

  it('a new node takes a free row and never one in use', () => {
    const before = roomGraph(sampleRoom({ peers: 2, consumers: 4 }));
    const layout = layoutGraph(before);
    const after = roomGraph(sampleRoom({ peers: 2, consumers: 6 }));
    const next = layoutGraph(after, layout.cache);
    expectNoOverlap(after, next);
    for (const [id, p] of layout.positions) expect(next.positions.get(id)).toEqual(p);
    expect(next.kept).toBe(before.nodes.length);
  });

  it('"tidy": no cache gives the compact layout again', () => {
    const big = roomGraph(sampleRoom({ peers: 3, consumers: 12 }));
    const small = roomGraph(sampleRoom({ peers: 3, consumers: 3 }));
    const viaBig = layoutGraph(small, layoutGraph(big).cache);
    const fresh = layoutGraph(small);
    const height = (l: GraphLayout) => Math.max(...[...l.positions.values()].map((p) => p.y));
    expect(height(fresh)).toBeLessThanOrEqual(height(viaBig));
    expect(fresh.kept).toBe(0);
  });
});

describe('layoutGraph() of a mesh room', () => {
  const context = (peers: string[]): MeshRoomContext => ({
    selfId: '1',
    online: peers,
    links: Object.fromEntries(
      peers.map((id) => [
        id,
        { peerId: id, role: 'initiator' as const, state: 'connected' as const, generation: 1 },
      ]),
    ),
    problems: [],
  });

  it('puts the peers on a circle without overlaps, and keeps them there as peers arrive', () => {
    const three = meshGraph(context(['2', '3']));
    const first = layoutGraph(three);
    expectNoOverlap(three, first);
    const four = meshGraph(context(['2', '3', '4']));
    const next = layoutGraph(four, first.cache);
    expectNoOverlap(four, next);
    for (const [id, p] of first.positions) expect(next.positions.get(id)).toEqual(p);
    expect(next.positions.get('mesh:4')).toBeDefined();
  });
});

import { describe, expect, it } from 'vitest';
import { toFlow } from './flow.ts';
import { layoutGraph, NODE_SIZE } from './layout.ts';
import { roomGraph } from './model.ts';
import { sampleRoom } from './sampleRoom.ts';

describe('toFlow()', () => {
  const graph = roomGraph(sampleRoom({ peers: 2, consumers: 4 }));
  const layout = layoutGraph(graph);

  it('gives every node its position, size, handles and summary, so xyflow needs no measuring', () => {
    const { nodes } = toFlow(graph, layout, null);
    expect(nodes).toHaveLength(graph.nodes.length);
    for (const n of nodes) {
      const size = NODE_SIZE[n.data.type];
      expect(n.position).toEqual(layout.positions.get(n.id));
      expect(n.measured).toEqual(size);
      expect(n.ariaLabel).toBe(n.data.summary);
      expect(n.handles?.map((h) => h.type).sort()).toEqual(['source', 'target']);
    }
  });

  it('marks the selected node', () => {
    const { nodes } = toFlow(graph, layout, 'consumer:consumer-0001');
    expect(nodes.filter((n) => n.selected).map((n) => n.id)).toEqual(['consumer:consumer-0001']);
  });

  it('without containment keeps the consumes edges and only the selected node’s others', () => {
    const all = toFlow(graph, layout, null).edges;
    expect(all).toHaveLength(graph.edges.length);
    const bare = toFlow(graph, layout, null, { containment: false }).edges;
    expect(bare.length).toBeGreaterThan(0);
    expect(bare.every((e) => e.className?.includes('rg-edge--consumes'))).toBe(true);
    const selected = toFlow(graph, layout, 'consumer:consumer-0001', { containment: false }).edges;
    expect(selected.map((e) => e.id)).toContain(
      'contains:transport:recv-transport-0001>consumer:consumer-0001',
    );
    expect(selected.length).toBe(bare.length + 1);
  });

  it('points consumes edges with an arrow in the colour of their tone', () => {
    const edge = toFlow(graph, layout, null).edges.find((e) => e.id.startsWith('consumes:'));
    expect(edge?.markerEnd).toMatchObject({ color: 'var(--rg-ok)' });
  });
});

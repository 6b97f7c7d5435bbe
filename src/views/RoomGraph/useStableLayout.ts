/**
 * The layout of the graph shown now, keeping the nodes of the previous render where they
 * were (`layoutGraph` with the previous cache). A new `resetKey` (another room, "Tidy
 * layout") starts from an empty grid.
 */
import { useState } from 'react';
import { layoutGraph, type GraphLayout } from './layout.ts';
import type { RoomGraph } from './types.ts';

interface Held {
  readonly graph: RoomGraph;
  readonly resetKey: string;
  readonly layout: GraphLayout;
}

export function useStableLayout(graph: RoomGraph, resetKey: string): GraphLayout {
  const [held, setHeld] = useState<Held>(() => ({ graph, resetKey, layout: layoutGraph(graph) }));
  if (held.graph === graph && held.resetKey === resetKey) return held.layout;
  // React's "adjust state while rendering" pattern: the new layout depends on the last one.
  const previous = held.resetKey === resetKey ? held.layout.cache : undefined;
  const layout = layoutGraph(graph, previous);
  setHeld({ graph, resetKey, layout });
  return layout;
}

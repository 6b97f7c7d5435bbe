import { useEffect, useState } from 'react';
import type { MachineGraph } from '../../../machines/lib/graph.ts';
import { machineDiagram, type MachineDiagram } from './diagram.ts';
import { layoutMachine, resolvedLayout, type MachineLayout } from './layout.ts';

const diagrams = new WeakMap<MachineGraph, MachineDiagram>();

/** The diagram of a machine definition, built once per graph object. */
export function diagramOf(graph: MachineGraph): MachineDiagram {
  let diagram = diagrams.get(graph);
  if (diagram === undefined) {
    diagram = machineDiagram(graph);
    diagrams.set(graph, diagram);
  }
  return diagram;
}

export type LayoutState =
  | { readonly status: 'pending' }
  | { readonly status: 'ready'; readonly layout: MachineLayout }
  | { readonly status: 'failed'; readonly error: string };

/**
 * The cached layout of a machine's diagram: ready at once when it was laid out before,
 * else pending until ELK is done.
 */
export function useMachineLayout(diagram: MachineDiagram): LayoutState {
  const [state, setState] = useState<{ id: string; value: LayoutState } | null>(null);
  const known = resolvedLayout(diagram.machineId);
  useEffect(() => {
    if (resolvedLayout(diagram.machineId) !== undefined) return;
    let live = true;
    layoutMachine(diagram).then(
      (layout) => {
        if (live) setState({ id: diagram.machineId, value: { status: 'ready', layout } });
      },
      (error: unknown) => {
        if (live) {
          setState({
            id: diagram.machineId,
            value: {
              status: 'failed',
              error: error instanceof Error ? error.message : String(error),
            },
          });
        }
      },
    );
    return () => {
      live = false;
    };
  }, [diagram]);
  if (known !== undefined) return { status: 'ready', layout: known };
  if (state?.id === diagram.machineId) return state.value;
  return { status: 'pending' };
}

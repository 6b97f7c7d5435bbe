/**
 * A machine's definition as plain data, for the views (state diagrams) and for tests.
 *
 * STABLE API (other machines and views import it; change only by adding):
 * - `machineGraph(machine)` → {@link MachineGraph}; `describeGuard(guard)` → string | undefined
 *   `{ id, states: [{ id, path, key, type, initial?, final? }], transitions: [{ source, target, event, guard? }] }`
 *   State ids are XState's node ids (`'protooPeer.open'`); the root is listed first.
 *   A targetless (internal/self) transition has `target === source` and `internal: true`.
 */
import type { AnyStateMachine } from 'xstate';

export type GraphStateType = 'atomic' | 'compound' | 'parallel' | 'final' | 'history';

export interface GraphState {
  /** XState node id, e.g. `'protooPeer.connecting'`. */
  readonly id: string;
  /** Keys from the root, e.g. `['connecting']`; `[]` for the root. */
  readonly path: readonly string[];
  readonly key: string;
  readonly type: GraphStateType;
  /** For compound states: the id of the initial child. */
  readonly initial?: string;
  /** True for final states. */
  readonly final?: boolean;
  /** The parent's id (absent for the root). */
  readonly parent?: string;
}

export interface GraphTransition {
  /** Id of the state node that declares the transition. */
  readonly source: string;
  /** Id of the target state (the source itself for a targetless transition). */
  readonly target: string;
  /** Event type; `''` for an eventless (`always`) transition. */
  readonly event: string;
  /** Guard name when the transition is guarded. */
  readonly guard?: string;
  /** True when the transition has no target (stays in the source, runs actions only). */
  readonly internal?: boolean;
}

export interface MachineGraph {
  readonly id: string;
  readonly states: readonly GraphState[];
  readonly transitions: readonly GraphTransition[];
}

interface NodeLike {
  readonly id: string;
  readonly key: string;
  readonly path: readonly string[];
  readonly type: GraphStateType;
  readonly parent?: NodeLike;
  readonly states: Readonly<Record<string, NodeLike>>;
  readonly initial?: { readonly target: readonly NodeLike[] };
  readonly transitions: ReadonlyMap<string, readonly TransitionLike[]>;
  readonly always?: readonly TransitionLike[];
}

interface TransitionLike {
  readonly eventType: string;
  readonly target: readonly NodeLike[] | undefined;
  readonly guard?: unknown;
}

/**
 * A readable name for a transition guard: its name, or `a && b` / `a || b` / `!a` for
 * xstate's `and()` / `or()` / `not()`; undefined when there is none.
 *
 * @example
 * describeGuard('retryDue'); // 'retryDue'
 */
export function describeGuard(guard: unknown): string | undefined {
  if (guard === undefined || guard === null) return undefined;
  if (typeof guard === 'string') return guard;
  if (typeof guard === 'function') {
    // xstate's and() / or() / not() are functions named so, carrying their operands.
    const parts: unknown = (guard as { guards?: unknown }).guards;
    if (Array.isArray(parts)) {
      const names = parts.map((g) => describeGuard(g) ?? 'inline');
      if (guard.name === 'not') return `!${names[0] ?? 'inline'}`;
      return names.join(guard.name === 'or' ? ' || ' : ' && ');
    }
    return guard.name || 'inline';
  }
  if (typeof guard === 'object' && 'type' in guard && typeof guard.type === 'string') {
    return guard.type;
  }
  return 'inline';
}

/**
 * Lists the states and transitions of a machine's definition, depth first in document order.
 *
 * @example
 * const graph = machineGraph(protooPeerMachine);
 * graph.states.map((s) => s.id); // ['protooPeer', 'protooPeer.connecting', …]
 * graph.transitions.find((t) => t.event === 'ws.open'); // { source, target, event, guard? }
 */
export function machineGraph(machine: AnyStateMachine): MachineGraph {
  const states: GraphState[] = [];
  const transitions: GraphTransition[] = [];

  const push = (source: string, t: TransitionLike): void => {
    const guard = describeGuard(t.guard);
    const targets = t.target ?? [];
    if (targets.length === 0) {
      transitions.push({
        source,
        target: source,
        event: t.eventType,
        ...(guard === undefined ? {} : { guard }),
        internal: true,
      });
      return;
    }
    for (const target of targets) {
      transitions.push({
        source,
        target: target.id,
        event: t.eventType,
        ...(guard === undefined ? {} : { guard }),
      });
    }
  };

  const visit = (node: NodeLike): void => {
    const initial = node.type === 'compound' ? node.initial?.target[0]?.id : undefined;
    states.push({
      id: node.id,
      path: [...node.path],
      key: node.key,
      type: node.type,
      ...(initial === undefined ? {} : { initial }),
      ...(node.type === 'final' ? { final: true } : {}),
      ...(node.parent === undefined ? {} : { parent: node.parent.id }),
    });
    for (const list of node.transitions.values()) {
      for (const t of list) push(node.id, t);
    }
    for (const t of node.always ?? []) push(node.id, { ...t, eventType: '' });
    for (const child of Object.values(node.states)) visit(child);
  };

  visit(machine.root);
  return { id: machine.id, states, transitions };
}

/**
 * A pure, checkpointed stepper for any XState v5 machine.
 *
 * STABLE API (other machines and drivers import it; change only by adding):
 * - `createStepper(machine, eventsAt, count, { every?, initial? })` → {@link Stepper};
 *   `eventsAt(index, before)` gets the snapshot the events will be applied to
 * - `Stepper.snapshotAt(i)`: the snapshot after the events of indexes 0..i (i = -1: initial)
 * - `Stepper.changes()`: `{ index, state }` for every index whose events changed the state value
 * - `Stepper.extend(count)`: step on when the log grows (earlier indexes must not change)
 * - `Stepper.count`, `Stepper.initial`, `Stepper.final`, `Stepper.checkpointCount`
 * - `Stepper.stats()`: how many events were fed, skipped, and stepped (added)
 * - `stateKey(value)`: a string that is equal for equal state values
 * - `createPureStep(machine)`: the stepper's own single step, `(snapshot, event) => snapshot`
 *   (added)
 * - `Stepper.scan(visit, from?, to?)`: every snapshot in order, in linear time (added)
 *
 * Replays never run an actor: every step is XState's pure transition, so no timers, no
 * actions executed, and the same log always gives the same snapshots. Like a running actor,
 * a snapshot whose status is not `'active'` (final state reached, or error) ignores events. A
 * snapshot is kept every `every` indexes; `snapshotAt(i)` restarts from the nearest one at or
 * below `i`, so it costs at most `every` steps whatever the length of the log.
 *
 * What a step costs (profiled with `node --cpu-prof` on bench/machine-stepper.ts): XState's
 * `transition(machine, snapshot, event)` builds a throw-away actor for its scope on every
 * call, and that actor computes the machine's initial snapshot: about half the time of a step
 * and most of its garbage. A step here calls `machine.transition(snapshot, event, scope)` with
 * one inert scope per stepper instead (the same snapshot comes out: the scope only receives
 * the actions to execute, which a replay drops anyway). Machines that invoke or spawn actors
 * get a fresh scope per step, as `transition()` gives them, so that children registered in
 * one step's actor system cannot collide with the next step's. An event that no state node of
 * the current configuration handles (no transition for its type, no wildcard, no eventless
 * transition) leaves the snapshot as it is without calling XState at all: XState would return
 * the same snapshot object for it.
 */
import {
  createActor,
  initialTransition,
  transition,
  type AnyStateMachine,
  type EventFromLogic,
  type EventObject,
  type SnapshotFrom,
  type StateValue,
} from 'xstate';

/** What a log index feeds the machine: nothing, one event, or several in order. */
export type StepInput<TEvent> = TEvent | readonly TEvent[] | undefined;

/** An index whose events changed the machine's state value, and the value after them. */
export interface StateChange {
  readonly index: number;
  readonly state: StateValue;
}

export interface StepperOptions<TSnapshot> {
  /** Keep a snapshot every this many indexes (default 4096). */
  readonly every?: number;
  /** Start from this snapshot instead of `getInitialSnapshot(machine)` (e.g. with input). */
  readonly initial?: TSnapshot;
}

/** Counters over everything a stepper fed the machine (building and replays alike). */
export interface StepperStats {
  /** Machine events handed to the step function. */
  readonly events: number;
  /** Events left out without calling XState: no state handles them, or the machine is done. */
  readonly skipped: number;
  /** Events stepped by XState's transition. */
  readonly transitions: number;
}

export interface Stepper<TSnapshot> {
  /** How many indexes have been stepped. */
  readonly count: number;
  /** The snapshot before any event. */
  readonly initial: TSnapshot;
  /** The snapshot after every stepped event (= `snapshotAt(count - 1)`). */
  readonly final: TSnapshot;
  /** How many snapshots are kept. */
  readonly checkpointCount: number;
  /** The snapshot after the events of indexes 0..i; `-1` gives the initial snapshot. */
  snapshotAt(index: number): TSnapshot;
  /** The indexes whose events changed the state value, in order. */
  changes(): readonly StateChange[];
  /**
   * Visits the snapshot after every index from `from` to `to` (inclusive; default: all), in
   * order, in linear time (one step per index, from the checkpoint before `from`).
   */
  scan(visit: (index: number, snapshot: TSnapshot) => void, from?: number, to?: number): void;
  /** Steps on to `count` indexes (no-op when not larger than the current count). */
  extend(count: number): void;
  /** What the steps so far cost: events fed, skipped, and stepped by XState. */
  stats(): StepperStats;
}

/**
 * A string equal for equal state values (`'open'`, or JSON for nested values).
 *
 * @example
 * stateKey('open'); // 'open'
 * stateKey({ connecting: 'attempt' }); // '{"connecting":"attempt"}'
 */
export function stateKey(value: StateValue): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/** The scope `StateMachine.transition()` takes. */
type MachineScope = Parameters<AnyStateMachine['transition']>[2];

/** What the stepper reads of a machine snapshot beyond its public fields. */
interface SnapshotInternals {
  readonly status: string;
  readonly value: StateValue;
  readonly children: Readonly<Record<string, unknown>>;
  /** Every active state node, root included (XState keeps one array per configuration). */
  readonly _nodes: readonly StateNodeInternals[];
}

interface StateNodeInternals {
  readonly transitions: ReadonlyMap<string, unknown>;
  readonly always?: readonly unknown[] | undefined;
  readonly invoke: readonly unknown[];
  readonly states: Readonly<Record<string, StateNodeInternals>>;
}

/** One pure step with counters: the stepper's inner loop, usable on its own. */
export interface PureStep<TSnapshot, TEvent> {
  (snapshot: TSnapshot, event: TEvent): TSnapshot;
  /** Events fed / skipped without XState / stepped by XState, since creation. */
  stats(): StepperStats;
}

function hasInvocations(node: StateNodeInternals): boolean {
  if (node.invoke.length > 0) return true;
  for (const key in node.states) {
    const child = node.states[key];
    if (child !== undefined && hasInvocations(child)) return true;
  }
  return false;
}

/**
 * The event types a configuration can react to, or null when any event might matter (a
 * wildcard or partial descriptor such as `'*'` / `'pc.*'`, or an eventless transition, whose
 * guards see the event).
 */
function handledTypes(nodes: readonly StateNodeInternals[]): ReadonlySet<string> | null {
  const types = new Set<string>();
  for (const node of nodes) {
    if (node.always !== undefined && node.always.length > 0) return null;
    for (const descriptor of node.transitions.keys()) {
      if (descriptor.includes('*')) return null;
      types.add(descriptor);
    }
  }
  return types;
}

/**
 * The pure step the stepper uses: `machine.transition(snapshot, event, scope)` with one inert
 * actor scope for all steps (XState's `transition()` builds a new actor, and computes the
 * machine's initial snapshot, on every call), a snapshot that is not `'active'` returned as it
 * is (an actor ignores events once done), and events no active state node handles returned
 * as they are without calling XState. Gives the same snapshots as `transition(...)[0]`.
 *
 * Machines that invoke actors, or snapshots that hold children (spawned actors), get a
 * fresh scope per step from XState's own `transition()`.
 *
 * @example
 * const step = createPureStep(protooPeerMachine);
 * let s = initialTransition(protooPeerMachine)[0];
 * s = step(s, { type: 'ws.open' }); // s.value === 'open'
 */
export function createPureStep<TMachine extends AnyStateMachine>(
  machine: TMachine,
): PureStep<SnapshotFrom<TMachine>, EventFromLogic<TMachine>> {
  type Snap = SnapshotFrom<TMachine>;
  type Event = EventFromLogic<TMachine>;
  // The actor is only a holder for `self` and its system, as in XState's own inert scope; it
  // is never started.
  let scope: MachineScope | undefined;
  const sharedScope = (): MachineScope => {
    if (scope !== undefined) return scope;
    const self = createActor(machine);
    scope = {
      self,
      id: '',
      sessionId: '',
      logger: () => {},
      defer: () => {},
      emit: () => {},
      system: self.system,
      stopChild: () => {},
      actionExecutor: () => {},
    };
    return scope;
  };
  let isolated = hasInvocations((machine as unknown as { root: StateNodeInternals }).root);
  let lastNodes: readonly StateNodeInternals[] | undefined;
  let lastChildren: SnapshotInternals['children'] | undefined;
  let lastTypes: ReadonlySet<string> | null = null;
  let events = 0;
  let skipped = 0;
  let transitions = 0;

  const step = (snapshot: Snap, event: Event): Snap => {
    events++;
    const s = snapshot as unknown as SnapshotInternals;
    if (s.status !== 'active') {
      skipped++;
      return snapshot;
    }
    const type = (event as EventObject).type;
    if (s._nodes !== lastNodes) {
      lastNodes = s._nodes;
      lastTypes = handledTypes(s._nodes);
    }
    // XState's own events (errors, stop, done, delays) keep their special handling.
    if (lastTypes !== null && !lastTypes.has(type) && !type.startsWith('xstate.')) {
      skipped++;
      return snapshot;
    }
    transitions++;
    if (isolated) return transition(machine, snapshot, event)[0];
    const next = machine.transition(snapshot, event, sharedScope()) as Snap;
    const { children } = next as unknown as SnapshotInternals;
    // XState keeps the same children object while nothing is spawned or stopped.
    if (children !== lastChildren) {
      lastChildren = children;
      // A child appeared (spawned): isolate every later step, as transition() would.
      if (Object.keys(children).length > 0) isolated = true;
    }
    return next;
  };
  return Object.assign(step, {
    stats: (): StepperStats => ({ events, skipped, transitions }),
  });
}

/**
 * Builds a checkpointed stepper over `count` log indexes.
 *
 * `eventsAt(i, before)` must be deterministic: it is called again for indexes after a
 * checkpoint whenever `snapshotAt` replays them. `before` is the snapshot the events will be
 * applied to, so a driver can leave out events that cannot change it (a clock tick before
 * any deadline), which is most of the cost of a long log.
 *
 * @example
 * const stepper = createStepper(protooPeerMachine, (i) => events[i], events.length);
 * stepper.snapshotAt(123_456).value; // state after event 123,456
 * stepper.changes(); // [{ index: 0, state: 'open' }, …]
 */
export function createStepper<TMachine extends AnyStateMachine>(
  machine: TMachine,
  eventsAt: (index: number, before: SnapshotFrom<TMachine>) => StepInput<EventFromLogic<TMachine>>,
  count: number,
  options: StepperOptions<SnapshotFrom<TMachine>> = {},
): Stepper<SnapshotFrom<TMachine>> {
  type Snap = SnapshotFrom<TMachine>;
  type Event = EventFromLogic<TMachine>;
  const every = Math.max(1, Math.floor(options.every ?? 4096));
  const start = options.initial;
  const initial: Snap =
    // SnapshotFrom<TMachine> is opaque to the linter while TMachine is generic.
    // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition
    start !== undefined
      ? start
      : ((initialTransition as (logic: AnyStateMachine) => readonly unknown[])(machine)[0] as Snap);
  /** checkpoints[k] = the snapshot before index k * every. */
  const checkpoints: Snap[] = [initial];
  const changeList: StateChange[] = [];
  let stepped = 0;
  let current: Snap = initial;
  let currentKey = stateKey((initial as unknown as SnapshotInternals).value);
  let currentNodes = (initial as unknown as SnapshotInternals)._nodes;

  const send = createPureStep(machine);
  const apply = (snapshot: Snap, index: number): Snap => {
    const input = eventsAt(index, snapshot);
    if (input === undefined) return snapshot;
    if (Array.isArray(input)) {
      let next = snapshot;
      for (const event of input as readonly Event[]) next = send(next, event);
      return next;
    }
    return send(snapshot, input as Event);
  };

  const extend = (to: number): void => {
    const target = Math.floor(to);
    for (let i = stepped; i < target; i++) {
      if (i > 0 && i % every === 0) checkpoints.push(current);
      const next = apply(current, i);
      if (next !== current) {
        const s = next as unknown as SnapshotInternals;
        // Same configuration array: same state value, no need to serialise it.
        if (s._nodes !== currentNodes) {
          currentNodes = s._nodes;
          const key = stateKey(s.value);
          if (key !== currentKey) {
            changeList.push({ index: i, state: s.value });
            currentKey = key;
          }
        }
        current = next;
      }
      stepped = i + 1;
    }
  };

  extend(count);

  return {
    get count() {
      return stepped;
    },
    initial,
    get final() {
      return current;
    },
    get checkpointCount() {
      return checkpoints.length;
    },
    snapshotAt(index: number): Snap {
      if (!Number.isInteger(index) || index < -1 || index >= stepped) {
        throw new RangeError(
          `snapshotAt() expects an integer index in -1..${stepped - 1}, got ${index}`,
        );
      }
      if (index === stepped - 1) return current;
      const k = Math.floor((index + 1) / every);
      const checkpoint: Snap | undefined = checkpoints[Math.min(k, checkpoints.length - 1)];
      // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition
      let snapshot: Snap = checkpoint === undefined ? initial : checkpoint;
      for (let i = k * every; i <= index; i++) snapshot = apply(snapshot, i);
      return snapshot;
    },
    changes(): readonly StateChange[] {
      return changeList;
    },
    scan(visit: (index: number, snapshot: Snap) => void, from = 0, to = stepped - 1): void {
      const first = Math.max(0, Math.floor(from));
      const last = Math.min(stepped - 1, Math.floor(to));
      if (first > last) return;
      let snapshot = first === 0 ? initial : this.snapshotAt(first - 1);
      for (let i = first; i <= last; i++) {
        snapshot = apply(snapshot, i);
        visit(i, snapshot);
      }
    },
    extend,
    stats: () => send.stats(),
  };
}

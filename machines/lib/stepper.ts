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
 * - `stateKey(value)`: a string that is equal for equal state values
 *
 * Replays never run an actor: every step is XState's pure `transition()`, so no timers, no
 * actions executed, and the same log always gives the same snapshots. Like a running actor,
 * a snapshot whose status is not `'active'` (final state reached, or error) ignores events. A snapshot is kept every
 * `every` indexes; `snapshotAt(i)` restarts from the nearest one at or below `i`, so it costs at
 * most `every` steps whatever the length of the log.
 */
import {
  initialTransition,
  transition,
  type AnyStateMachine,
  type EventFromLogic,
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
  /** Steps on to `count` indexes (no-op when not larger than the current count). */
  extend(count: number): void;
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
  let currentKey = stateKey((initial as { value: StateValue }).value);

  // Pure transition() still processes events on a done snapshot (a running actor would not):
  // once the machine is done, or errored, events are ignored as an actor ignores them.
  const send = (snapshot: Snap, event: EventFromLogic<TMachine>): Snap =>
    (snapshot as { status: string }).status === 'active'
      ? transition(machine, snapshot, event)[0]
      : snapshot;
  const apply = (snapshot: Snap, index: number): Snap => {
    const input = eventsAt(index, snapshot);
    if (input === undefined) return snapshot;
    if (Array.isArray(input)) {
      let next = snapshot;
      for (const event of input as readonly EventFromLogic<TMachine>[]) next = send(next, event);
      return next;
    }
    return send(snapshot, input as EventFromLogic<TMachine>);
  };

  const extend = (to: number): void => {
    const target = Math.floor(to);
    for (let i = stepped; i < target; i++) {
      if (i > 0 && i % every === 0) checkpoints.push(current);
      const next = apply(current, i);
      if (next !== current) {
        const value = (next as { value: StateValue }).value;
        const key = stateKey(value);
        if (key !== currentKey) {
          changeList.push({ index: i, state: value });
          currentKey = key;
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
    extend,
  };
}

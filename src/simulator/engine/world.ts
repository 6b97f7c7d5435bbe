/**
 * The simulator's core: a simulated clock, a queue of things due (message deliveries, timers,
 * the actors' own moves), seeded randomness, and the session log every step appends to.
 *
 * A step is one task taken from the queue in (time, order) order. Its handler buffers the
 * events it causes and says what happened; the world then appends one `note` (the step's
 * summary and explanation, `extra.sim` naming step, kind, actor and fault) followed by those
 * events. So a capture of a simulation carries its own lesson and replays identically.
 *
 * Messages on their way are tasks carrying a {@link PendingMessage}; message faults (drop,
 * delay, duplicate, reorder) act on those tasks before they run, request faults (reject,
 * timeout) are asked for by the server code through {@link World.requestFault}, and actor
 * faults (close, close-4000, ice-fail, reload) are handed to the scenario's actors.
 *
 * Deterministic: no wall clock and no `Math.random`; ties in time keep scheduling order.
 */
import type { EventInput } from '../../session/events.ts';
import type { SessionLog } from '../../session/SessionLog.ts';
import { createRng, type Rng } from '../../../fixtures/build/random.ts';
import type { FaultKind, FaultSpec, PendingMessage, SimStep } from '../api.ts';

/** What a handler says about its step. */
export interface StepText {
  readonly summary: string;
  readonly explanation: string;
  /** The step kind, when it differs from the task's (e.g. a delivery that was refused). */
  readonly kind?: string;
}

/** A message on its way, as a task carries it. */
export interface Message extends PendingMessage {
  /** What faults match against: a protoo method or a room message type. */
  readonly method: string;
}

export interface TaskSpec {
  readonly kind: string;
  readonly actor: string;
  /** The connection the step's note is written on (a client's), if any. */
  readonly conn?: string;
  readonly msg?: Message;
  /** Runs the step; `undefined` means nothing happened (no step is recorded). */
  readonly run: () => StepText | undefined;
}

export interface Task extends TaskSpec {
  t: number;
  readonly order: number;
  cancelled: boolean;
}

/** Actor faults go to the scenario: it knows what closing a socket or failing ICE means. */
export interface FaultHandler {
  /** Carries out `fault` now (a step's handler); undefined if it does not apply. */
  actorFault(fault: FaultSpec): StepText | undefined;
  /** Targets the scenario accepts for actor faults (peer ids, pc / transport ids). */
  targets(kind: FaultKind): readonly string[];
}

const MESSAGE_FAULTS: ReadonlySet<FaultKind> = new Set(['drop', 'delay', 'duplicate', 'reorder']);
const REQUEST_FAULTS: ReadonlySet<FaultKind> = new Set(['reject', 'timeout']);
export const ACTOR_FAULTS: ReadonlySet<FaultKind> = new Set([
  'close',
  'close-4000',
  'ice-fail',
  'reload',
]);

export function isMessageFault(kind: FaultKind): boolean {
  return MESSAGE_FAULTS.has(kind);
}
export function isRequestFault(kind: FaultKind): boolean {
  return REQUEST_FAULTS.has(kind);
}

function matches(fault: FaultSpec, msg: Message): boolean {
  if (fault.messageId !== undefined) return fault.messageId === msg.id;
  const m = fault.match;
  if (m === undefined) return true;
  if (m.method !== undefined && m.method !== msg.method) return false;
  if (m.from !== undefined && m.from !== msg.from) return false;
  if (m.to !== undefined && m.to !== msg.to) return false;
  return true;
}

export class World {
  readonly log: SessionLog;
  readonly rng: Rng;
  readonly steps: SimStep[] = [];
  /** The current simulated time (ms). */
  t = 0;
  handler: FaultHandler | undefined;
  readonly #queue: Task[] = [];
  #order = 0;
  #buffer: EventInput[] = [];
  #messageIds = 0;
  readonly #faults: FaultSpec[] = [];
  readonly #maxSteps: number;

  constructor(log: SessionLog, seed: number, maxSteps = 200_000) {
    this.log = log;
    this.rng = createRng(seed);
    this.#maxSteps = maxSteps;
  }

  // ── scheduling ────────────────────────────────────────────────────────────────────────

  /** Queues a task `delay` ms from now. */
  schedule(delay: number, spec: TaskSpec): Task {
    const task: Task = {
      ...spec,
      t: this.t + Math.max(0, delay),
      order: this.#order++,
      cancelled: false,
    };
    this.#insert(task);
    return task;
  }

  #insert(task: Task): void {
    const q = this.#queue;
    // Binary search for the first task later than this one (queues stay small to medium).
    let lo = 0;
    let hi = q.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      const m = q[mid] as Task;
      if (m.t < task.t || (m.t === task.t && m.order < task.order)) lo = mid + 1;
      else hi = mid;
    }
    q.splice(lo, 0, task);
  }

  readonly #paths = new Map<string, number>();

  /**
   * The delay for a message on `path` (e.g. `peer-1>server`) that would take `delay` ms: a
   * WebSocket keeps order, so it never arrives before the previous message on that path.
   */
  fifo(path: string, delay: number): number {
    const at = Math.max(this.t + delay, this.#paths.get(path) ?? 0);
    this.#paths.set(path, at);
    return at - this.t;
  }

  /** A fresh message id (`m1`, `m2`, …). */
  messageId(): string {
    return `m${++this.#messageIds}`;
  }

  /** Messages on their way, oldest delivery first. */
  pending(): PendingMessage[] {
    const out: PendingMessage[] = [];
    for (const task of this.#queue) {
      if (task.cancelled || task.msg === undefined) continue;
      const { id, from, to, label, isRequest } = task.msg;
      out.push({ id, from, to, label, isRequest });
    }
    return out;
  }

  get idle(): boolean {
    return this.#queue.every((t) => t.cancelled) && this.#dueActorFault() === undefined;
  }

  // ── events of the current step ────────────────────────────────────────────────────────

  /** Buffers an event of the current step at the current time. */
  emit(event: EventInput): void {
    this.#buffer.push({ ...event, t: this.t });
  }

  /** Moves the clock on inside a step (a browser API call takes a little while). */
  advance(ms: number): void {
    this.t += Math.max(0, ms);
  }

  frame(conn: string, dir: 'in' | 'out', message: unknown): void {
    this.emit({ t: 0, type: 'ws.frame', conn, dir, text: JSON.stringify(message) });
  }

  pc(pc: string, event: string, value: unknown, conn: string): void {
    this.emit(
      value === undefined
        ? { t: 0, type: 'pc', pc, event, conn }
        : { t: 0, type: 'pc', pc, event, value, conn },
    );
  }

  open(conn: string, url: string, protocol?: string): void {
    this.emit(
      protocol === undefined
        ? { t: 0, type: 'ws.open', conn, url }
        : { t: 0, type: 'ws.open', conn, url, protocol },
    );
  }

  close(conn: string, code: number, reason?: string): void {
    this.emit(
      reason === undefined
        ? { t: 0, type: 'ws.close', conn, code }
        : { t: 0, type: 'ws.close', conn, code, reason },
    );
  }

  // ── faults ────────────────────────────────────────────────────────────────────────────

  /** Queues a fault (validated by the simulation). */
  addFault(fault: FaultSpec): void {
    this.#faults.push(fault);
  }

  get faults(): readonly FaultSpec[] {
    return this.#faults;
  }

  #due(fault: FaultSpec): boolean {
    return fault.atStep === undefined || fault.atStep <= this.steps.length;
  }

  #dueActorFault(): FaultSpec | undefined {
    return this.#faults.find((f) => ACTOR_FAULTS.has(f.kind) && this.#due(f));
  }

  #take(fault: FaultSpec): void {
    const i = this.#faults.indexOf(fault);
    if (i >= 0) this.#faults.splice(i, 1);
  }

  /**
   * The server code asks whether a request it received must be rejected or left unanswered;
   * the fault is used up. `undefined`: handle it normally.
   */
  requestFault(msg: Message): FaultSpec | undefined {
    const fault = this.#faults.find(
      (f) => REQUEST_FAULTS.has(f.kind) && this.#due(f) && matches(f, msg),
    );
    if (fault) this.#take(fault);
    return fault;
  }

  // ── stepping ──────────────────────────────────────────────────────────────────────────

  /** Runs the next step; undefined when nothing is left to do. */
  step(): SimStep | undefined {
    while (this.steps.length < this.#maxSteps) {
      const actorFault = this.#dueActorFault();
      if (actorFault !== undefined && this.handler !== undefined) {
        this.#take(actorFault);
        const stepT = this.t;
        const text = this.handler.actorFault(actorFault);
        if (text === undefined) continue;
        return this.#record(
          text,
          'fault',
          actorFault.target ?? 'world',
          undefined,
          stepT,
          actorFault.kind,
        );
      }
      const task = this.#queue.shift();
      if (task === undefined) return undefined;
      if (task.cancelled) continue;
      this.t = Math.max(this.t, task.t);
      const stepT = this.t;
      const fault = task.msg ? this.#messageFault(task.msg) : undefined;
      if (fault !== undefined && task.msg !== undefined) {
        const text = this.#applyMessageFault(fault, task);
        return this.#record(text, 'fault', task.actor, task.conn, stepT, fault.kind);
      }
      const text = task.run();
      if (text === undefined) {
        this.#buffer = [];
        continue;
      }
      return this.#record(text, text.kind ?? task.kind, task.actor, task.conn, stepT, undefined);
    }
    return undefined;
  }

  #messageFault(msg: Message): FaultSpec | undefined {
    const fault = this.#faults.find(
      (f) => MESSAGE_FAULTS.has(f.kind) && this.#due(f) && matches(f, msg),
    );
    if (fault) this.#take(fault);
    return fault;
  }

  #applyMessageFault(fault: FaultSpec, task: Task): StepText {
    const msg = task.msg as Message;
    const what = `${msg.label} (${msg.from} → ${msg.to})`;
    switch (fault.kind) {
      case 'drop':
        return {
          summary: `${what} is lost`,
          explanation: `Fault injected: drop. The message never arrives, so ${msg.to} never reacts to it. Signaling has no acknowledgements or retransmission: whoever waits for it keeps waiting${msg.isRequest ? ' until the request times out' : ''}.`,
        };
      case 'delay': {
        const ms = fault.delayMs ?? 2000;
        this.#insert({ ...task, t: this.t + ms, order: this.#order++, cancelled: false });
        return {
          summary: `${what} is held up ${ms} ms`,
          explanation: `Fault injected: delay. The message will arrive ${ms} ms later than it would have; messages sent after it may overtake it.`,
        };
      }
      case 'duplicate': {
        const copy: Task = { ...task, order: this.#order++, cancelled: false };
        this.#insert({ ...task, order: this.#order++, cancelled: false });
        this.#insert({ ...copy, t: task.t + 1 });
        return {
          summary: `${what} will arrive twice`,
          explanation: `Fault injected: duplicate. ${msg.to} gets the same message twice; watch how it copes with the second copy.`,
        };
      }
      default: {
        // reorder: swap places with the next message on the same path.
        const next = this.#queue.find(
          (q) =>
            !q.cancelled && q.msg !== undefined && q.msg.from === msg.from && q.msg.to === msg.to,
        );
        if (next === undefined) {
          this.#insert({ ...task, order: this.#order++, cancelled: false });
          return {
            summary: `${what} cannot be reordered`,
            explanation:
              'Fault injected: reorder. No later message travels the same path yet, so the order stays as it was.',
          };
        }
        const later = next.t;
        this.#queue.splice(this.#queue.indexOf(next), 1);
        this.#insert({ ...next, t: this.t, order: this.#order++, cancelled: false });
        this.#insert({ ...task, t: later, order: this.#order++, cancelled: false });
        return {
          summary: `${what} swaps places with ${next.msg?.label ?? 'the next message'}`,
          explanation: `Fault injected: reorder. ${next.msg?.label ?? 'The next message'} now arrives first. Signaling over one WebSocket keeps order, so this models a relay or a server that reorders.`,
        };
      }
    }
  }

  #record(
    text: StepText,
    kind: string,
    actor: string,
    conn: string | undefined,
    stepT: number,
    fault: FaultKind | undefined,
  ): SimStep {
    const index = this.steps.length;
    const firstIndex = this.log.length;
    const sim: Record<string, unknown> = { step: index, kind, actor };
    if (fault !== undefined) sim.fault = fault;
    const note: EventInput = {
      t: stepT,
      type: 'note',
      text: `${text.summary}\n${text.explanation}`,
      ...(conn === undefined ? {} : { conn }),
      extra: { sim },
    };
    this.log.append(note);
    // Times never go back: a buffered event keeps its time unless the note is later.
    let last = stepT;
    for (const e of this.#buffer) {
      last = Math.max(last, e.t);
      this.log.append({ ...e, t: last });
    }
    this.#buffer = [];
    this.t = Math.max(this.t, last);
    const step: SimStep = {
      index,
      kind,
      actor,
      summary: text.summary,
      explanation: text.explanation,
      firstIndex,
      endIndex: this.log.length,
      t: stepT,
      ...(fault === undefined ? {} : { fault }),
    };
    this.steps.push(step);
    return step;
  }
}

/**
 * protooPeerMachine: one protoo-client `Peer` and its `WebSocketTransport`, as seen from a
 * capture. Pure: no I/O, no timers; time comes in as `clock.tick { t }` events and every timed
 * behaviour is a guard comparing `t` with a deadline kept in the context.
 *
 * Behaviour, from protoo-client 4.0.8 (`lib/transports/WebSocketTransport.js`, `lib/Peer.js`)
 * and `retry` (`lib/retry.js`, `lib/retry_operation.js`):
 *
 * - A retry cycle is one `retry.operation({ retries: 10, factor: 2, minTimeout: 1000,
 *   maxTimeout: 8000 })`: attempt 1 starts at once; after failed attempt k (k ≤ 10) the next
 *   starts `min(1000 · 2^(k-1), 8000)` ms later (1, 2, 4, 8, 8, 8, 8, 8, 8, 8 s; no
 *   randomisation). 11 attempts in all.
 * - An attempt that closes before opening (any code but 4000) emits `failed(attempt)`, also
 *   for the 11th attempt; then, with no delay left, `close` (terminal). → `failed`, or
 *   `closed` with `closedBy: 'retries'` after the 11th.
 * - Close code 4000 ends everything with no retry, whether the socket had opened or not, and
 *   without `failed` or `disconnected`. → `closed`, `closedBy: 'server'`.
 * - A socket that had opened and closes (code ≠ 4000) emits `disconnected` and immediately
 *   starts a **new** cycle at attempt 1 (no delay). → `reconnecting` (cycle + 1, attempt 1).
 *   Attempts of a cycle that follows a disconnect stay in `reconnecting` / `failed`; only
 *   cycle 1 uses `connecting`.
 * - `open` fires on every (re)connection. WebSocket `error` only logs (a `close` follows).
 * - `Peer.request()` times out after `1500 · (15 + 0.1 · pending)` ms, `pending` being the
 *   requests already in flight ({@link requestTimeoutMs}); a response settles it; a response
 *   with an unknown id is dropped. A disconnect does **not** reject pending requests: they
 *   survive reconnection and run out their own timers.
 * - A local `peer.close()` rejects every pending request (`peer closed`) → `closed`,
 *   `closedBy: 'local'`, no pending left. When the transport closes by itself (4000, retries
 *   exhausted) the Peer does **not** reject them; they would still time out later, but this
 *   machine is final there, so they stay listed with their deadlines.
 *
 * An attempt event (`ws.open` / `ws.close`) arriving in `failed` before the retry delay has
 * elapsed by the capture's clock is taken as the next attempt (clock skew), not dropped.
 */
import { and, assign, raise, setup } from 'xstate';
import {
  ATTEMPTS_PER_CYCLE,
  CLOSE_BY_SERVER,
  requestTimeoutMs,
  retryDelayMs,
} from '../src/protocol/codec.ts';

// protoo-client's retry schedule and close code are protocol facts (src/protocol/codec.ts);
// re-exported here for the machine's users.
export {
  ATTEMPTS_PER_CYCLE,
  CLOSE_BY_SERVER,
  PROTOO_RETRY,
  retryDelayMs,
} from '../src/protocol/codec.ts';

export interface PendingRequest {
  readonly method: string;
  readonly sentAt: number;
  readonly deadline: number;
}

export interface SettledRequest extends PendingRequest {
  readonly id: number;
}

export type ClosedBy = 'server' | 'retries' | 'local';

export interface ProtooPeerContext {
  /** Latest time seen (ms), from `clock.tick`. */
  readonly now: number;
  /** Retry cycle, 1-based; a disconnect after open starts the next one. */
  readonly cycle: number;
  /** Attempt within the cycle, 1-based (the one in flight, or the one that just failed). */
  readonly attempt: number;
  /** When the next attempt starts (in `failed`), else null. */
  readonly nextAttemptAt: number | null;
  /** How many times the socket opened. */
  readonly opens: number;
  /** How many times an open socket dropped (protoo `disconnected`). */
  readonly disconnects: number;
  /** Attempts that failed before opening, over all cycles (protoo `failed`). */
  readonly failures: number;
  /** Code and reason of the last WebSocket close. */
  readonly closeCode: number | null;
  readonly closeReason: string | null;
  readonly closedBy: ClosedBy | null;
  /** Requests sent and not settled, by protoo id (as a string key). */
  readonly pending: Readonly<Record<string, PendingRequest>>;
  readonly pendingCount: number;
  /** Earliest deadline among `pending` (Infinity when none). */
  readonly nextDeadline: number;
  readonly answered: number;
  readonly timedOut: number;
  readonly lastTimedOut: SettledRequest | null;
  /** Pending requests rejected by a local `close()`. */
  readonly rejectedOnClose: number;
  readonly errors: number;
}

export type ProtooPeerEvent =
  | { readonly type: 'ws.open' }
  | { readonly type: 'ws.close'; readonly code?: number; readonly reason?: string }
  | { readonly type: 'ws.error'; readonly message?: string }
  | { readonly type: 'protoo.request.sent'; readonly id: number; readonly method: string }
  | { readonly type: 'protoo.response.received'; readonly id: number; readonly ok?: boolean }
  | { readonly type: 'clock.tick'; readonly t: number }
  | { readonly type: 'peer.close' };

const INITIAL_CONTEXT: ProtooPeerContext = {
  now: 0,
  cycle: 1,
  attempt: 1,
  nextAttemptAt: null,
  opens: 0,
  disconnects: 0,
  failures: 0,
  closeCode: null,
  closeReason: null,
  closedBy: null,
  pending: {},
  pendingCount: 0,
  nextDeadline: Infinity,
  answered: 0,
  timedOut: 0,
  lastTimedOut: null,
  rejectedOnClose: 0,
  errors: 0,
};

function earliest(pending: Readonly<Record<string, PendingRequest>>): number {
  let min = Infinity;
  for (const key in pending) {
    const deadline = pending[key]?.deadline ?? Infinity;
    if (deadline < min) min = deadline;
  }
  return min;
}

function tickTime(context: ProtooPeerContext, event: ProtooPeerEvent): number {
  return event.type === 'clock.tick' ? Math.max(context.now, event.t) : context.now;
}

/** Context changes for a close that ends the peer. */
function closing(event: ProtooPeerEvent, closedBy: ClosedBy): Partial<ProtooPeerContext> {
  return {
    closedBy,
    nextAttemptAt: null,
    ...(event.type === 'ws.close'
      ? { closeCode: event.code ?? null, closeReason: event.reason ?? null }
      : {}),
  };
}

const attemptOutcomes = {
  'ws.open': { target: 'open', actions: 'markOpen' },
  'ws.close': [
    { guard: 'isServerClose', target: 'closed', actions: 'closeByServer' },
    { guard: 'isLastAttempt', target: 'closed', actions: 'closeRetriesExhausted' },
    { target: 'failed', actions: 'scheduleRetry' },
  ],
} as const;

export const protooPeerMachine = setup({
  types: {
    context: {} as ProtooPeerContext,
    events: {} as ProtooPeerEvent,
  },
  guards: {
    isServerClose: ({ event }) => event.type === 'ws.close' && event.code === CLOSE_BY_SERVER,
    isLastAttempt: ({ context }) => context.attempt >= ATTEMPTS_PER_CYCLE,
    isFirstCycle: ({ context }) => context.cycle === 1,
    retryDue: ({ context, event }) =>
      event.type === 'clock.tick' &&
      context.nextAttemptAt !== null &&
      event.t >= context.nextAttemptAt,
    requestDue: ({ context, event }) =>
      event.type === 'clock.tick' && event.t >= context.nextDeadline,
    isPendingResponse: ({ context, event }) =>
      event.type === 'protoo.response.received' && String(event.id) in context.pending,
  },
  actions: {
    advanceClock: assign(({ context, event }) => ({ now: tickTime(context, event) })),
    expireRequests: assign(({ context, event }) => {
      const now = tickTime(context, event);
      const pending: Record<string, PendingRequest> = {};
      let count = 0;
      let timedOut = context.timedOut;
      let lastTimedOut = context.lastTimedOut;
      for (const key in context.pending) {
        const request = context.pending[key];
        if (request === undefined) continue;
        if (request.deadline <= now) {
          timedOut++;
          if (lastTimedOut === null || request.deadline >= lastTimedOut.deadline) {
            lastTimedOut = { id: Number(key), ...request };
          }
        } else {
          pending[key] = request;
          count++;
        }
      }
      return {
        now,
        pending,
        pendingCount: count,
        nextDeadline: earliest(pending),
        timedOut,
        lastTimedOut,
      };
    }),
    addPending: assign(({ context, event }) => {
      if (event.type !== 'protoo.request.sent') return {};
      const key = String(event.id);
      // Map.set semantics: a reused id replaces the earlier entry (the count is taken before).
      const replaced = key in context.pending;
      const deadline = context.now + requestTimeoutMs('client', context.pendingCount);
      const pending = {
        ...context.pending,
        [key]: { method: event.method, sentAt: context.now, deadline },
      };
      return {
        pending,
        pendingCount: context.pendingCount + (replaced ? 0 : 1),
        nextDeadline: replaced ? earliest(pending) : Math.min(context.nextDeadline, deadline),
      };
    }),
    resolvePending: assign(({ context, event }) => {
      if (event.type !== 'protoo.response.received') return {};
      const key = String(event.id);
      const pending: Record<string, PendingRequest> = {};
      for (const k in context.pending) {
        const request = context.pending[k];
        if (k !== key && request !== undefined) pending[k] = request;
      }
      return {
        pending,
        pendingCount: context.pendingCount - 1,
        nextDeadline: earliest(pending),
        answered: context.answered + 1,
      };
    }),
    countError: assign(({ context }) => ({ errors: context.errors + 1 })),
    markOpen: assign(({ context }) => ({ opens: context.opens + 1, nextAttemptAt: null })),
    scheduleRetry: assign(({ context }) => ({
      failures: context.failures + 1,
      nextAttemptAt: context.now + retryDelayMs(context.attempt),
    })),
    startNextAttempt: assign(({ context }) => ({
      attempt: context.attempt + 1,
      nextAttemptAt: null,
    })),
    startNewCycle: assign(({ context, event }) => ({
      cycle: context.cycle + 1,
      attempt: 1,
      disconnects: context.disconnects + 1,
      ...(event.type === 'ws.close'
        ? { closeCode: event.code ?? null, closeReason: event.reason ?? null }
        : {}),
    })),
    closeByServer: assign(({ event }) => closing(event, 'server')),
    closeRetriesExhausted: assign(({ context, event }) => ({
      ...closing(event, 'retries'),
      failures: context.failures + 1,
    })),
    closeLocally: assign(({ context, event }) => ({
      ...closing(event, 'local'),
      pending: {},
      pendingCount: 0,
      nextDeadline: Infinity,
      rejectedOnClose: context.rejectedOnClose + context.pendingCount,
    })),
    // The attempt that the capture shows started before its delay ran out: handle the event
    // again in the attempt state.
    reraise: raise(({ event }) => event),
  },
}).createMachine({
  id: 'protooPeer',
  initial: 'connecting',
  context: INITIAL_CONTEXT,
  on: {
    'clock.tick': [{ guard: 'requestDue', actions: 'expireRequests' }, { actions: 'advanceClock' }],
    'protoo.request.sent': { actions: 'addPending' },
    'protoo.response.received': { guard: 'isPendingResponse', actions: 'resolvePending' },
    'ws.error': { actions: 'countError' },
    'peer.close': { target: '.closed', actions: 'closeLocally' },
  },
  states: {
    /** Attempt `attempt` of the first cycle is in flight. */
    connecting: { on: attemptOutcomes },
    /** Connected; protoo `open` fired. */
    open: {
      on: {
        'ws.close': [
          { guard: 'isServerClose', target: 'closed', actions: 'closeByServer' },
          { target: 'reconnecting', actions: 'startNewCycle' },
        ],
      },
    },
    /** After a disconnect: attempt `attempt` of cycle `cycle` ≥ 2 is in flight. */
    reconnecting: { on: attemptOutcomes },
    /** Attempt `attempt` failed; the next one starts at `nextAttemptAt`. */
    failed: {
      on: {
        'clock.tick': [
          {
            guard: and(['retryDue', 'isFirstCycle']),
            target: 'connecting',
            actions: ['expireRequests', 'startNextAttempt'],
          },
          {
            guard: 'retryDue',
            target: 'reconnecting',
            actions: ['expireRequests', 'startNextAttempt'],
          },
        ],
        'ws.open': [
          { guard: 'isFirstCycle', target: 'connecting', actions: ['startNextAttempt', 'reraise'] },
          { target: 'reconnecting', actions: ['startNextAttempt', 'reraise'] },
        ],
        'ws.close': [
          { guard: 'isFirstCycle', target: 'connecting', actions: ['startNextAttempt', 'reraise'] },
          { target: 'reconnecting', actions: ['startNextAttempt', 'reraise'] },
        ],
      },
    },
    /** Terminal: closed by the server (4000), retries exhausted, or local `close()`. */
    closed: { type: 'final' },
  },
});

export type ProtooPeerMachine = typeof protooPeerMachine;

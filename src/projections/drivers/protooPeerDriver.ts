/**
 * Drives {@link protooPeerMachine} from a session: one machine per signaling connection,
 * stepped purely with checkpoints ({@link createStepper}).
 *
 * Every event of a connection first feeds `clock.tick { t }` (its time), then:
 * - `ws.open` → `ws.open`; `ws.close` → `ws.close { code, reason }`; `ws.error` → `ws.error`
 * - a request frame the client sent (`dir: 'out'`) → `protoo.request.sent { id, method }`
 * - a response frame the client received (`dir: 'in'`) → `protoo.response.received { id, ok }`
 * - anything else (notifications, requests from the server, pc / note events) → the tick
 *   only, and only when a request deadline or the next retry time has come (so a snapshot's
 *   `context.now` is the time of the last event that mattered to the connection)
 *
 * Stepper index k of a connection is its k-th event, log index `indexes[k]`.
 */
import type { SnapshotFrom } from 'xstate';
import {
  protooPeerMachine,
  type ProtooPeerEvent,
  type ProtooPeerMachine,
} from '../../../machines/protooPeerMachine.ts';
import { createStepper, type Stepper } from '../../../machines/lib/stepper.ts';
import type { SessionAnalysis } from '../analysis.ts';
import { lastAtOrBefore } from './positions.ts';

export type ProtooPeerSnapshot = SnapshotFrom<ProtooPeerMachine>;

export interface ProtooPeerTrack {
  readonly conn: string;
  readonly connId: number;
  /** Log indexes of the connection's events, in order (stepper index k ↔ `indexes[k]`). */
  readonly indexes: Int32Array;
  readonly stepper: Stepper<ProtooPeerSnapshot>;
  /** The snapshot after every event of this connection at or before log index `logIndex`. */
  snapshotAtLogIndex(logIndex: number): ProtooPeerSnapshot;
}

export interface ProtooPeerDriver {
  /** One track per connection, in the log's connection order. */
  tracks(): readonly ProtooPeerTrack[];
  track(conn: string): ProtooPeerTrack | undefined;
  /** Takes in events appended since the last call (call `analysis.update()` first). */
  update(): void;
}

export interface ProtooPeerDriverOptions {
  /** Checkpoint spacing of each stepper (default 128: replaying up to 128 events of XState transitions stays well under 50 ms). */
  readonly every?: number;
}

/**
 * The machine events one log event feeds, or undefined for an event of no connection.
 *
 * @example
 * protooPeerEventsAt(analysis, 0); // [{ type: 'clock.tick', t: 0 }, { type: 'ws.open' }]
 */
export function protooPeerEventsAt(
  analysis: SessionAnalysis,
  index: number,
): ProtooPeerEvent[] | undefined {
  const log = analysis.log;
  const tick: ProtooPeerEvent = { type: 'clock.tick', t: log.time(index) };
  if (log.isFrame(index)) {
    const kind = analysis.kind(index);
    const id = analysis.id(index);
    const dir = log.dir(index);
    if (kind === 'request' && dir === 'out' && id !== undefined) {
      return [tick, { type: 'protoo.request.sent', id, method: analysis.method(index) ?? '' }];
    }
    if ((kind === 'success' || kind === 'error') && dir === 'in' && id !== undefined) {
      return [tick, { type: 'protoo.response.received', id, ok: kind === 'success' }];
    }
    return [tick];
  }
  const event = log.get(index);
  switch (event.type) {
    case 'ws.open':
      return [tick, { type: 'ws.open' }];
    case 'ws.close':
      return [
        tick,
        {
          type: 'ws.close',
          ...(event.code === undefined ? {} : { code: event.code }),
          ...(event.reason === undefined ? {} : { reason: event.reason }),
        },
      ];
    case 'ws.error':
      return [tick, { type: 'ws.error', message: event.message }];
    default:
      return event.conn === undefined ? undefined : [tick];
  }
}

/**
 * Builds one checkpointed protoo peer machine per connection of an analysed session.
 *
 * @example
 * const driver = createProtooPeerDriver(new SessionAnalysis(log).update());
 * const track = driver.track('c1');
 * track?.stepper.final.value; // 'open'
 * track?.snapshotAtLogIndex(50).context.attempt; // 2
 */
export function createProtooPeerDriver(
  analysis: SessionAnalysis,
  options: ProtooPeerDriverOptions = {},
): ProtooPeerDriver {
  const log = analysis.log;
  const byConn = new Map<string, { track: ProtooPeerTrack; indexes: Int32Array }>();
  const list: ProtooPeerTrack[] = [];

  const makeTrack = (conn: string, connId: number): ProtooPeerTrack => {
    const state = { indexes: log.eventsOfConn(connId) };
    const eventsAt = (k: number, before: ProtooPeerSnapshot): ProtooPeerEvent[] | undefined => {
      const logIndex = state.indexes[k];
      if (logIndex === undefined) return undefined;
      const events = protooPeerEventsAt(analysis, logIndex);
      // Most events of a connection (notifications, server requests) only let time pass. A
      // tick before any deadline or retry time changes nothing but `now`, and every event
      // that uses `now` brings its own tick first, so those ticks are left out.
      if (events?.length === 1) {
        const t = log.time(logIndex);
        const { nextDeadline, nextAttemptAt } = before.context;
        if (t < nextDeadline && (nextAttemptAt === null || t < nextAttemptAt)) return undefined;
      }
      return events;
    };
    const stepper = createStepper(protooPeerMachine, eventsAt, state.indexes.length, {
      every: options.every ?? 128,
    });
    const track: ProtooPeerTrack = {
      conn,
      connId,
      get indexes() {
        return state.indexes;
      },
      stepper,
      snapshotAtLogIndex(logIndex: number) {
        return stepper.snapshotAt(lastAtOrBefore(state.indexes, logIndex));
      },
    };
    byConn.set(conn, {
      track,
      get indexes() {
        return state.indexes;
      },
      set indexes(value: Int32Array) {
        state.indexes = value;
      },
    });
    return track;
  };

  const update = (): void => {
    for (const conn of log.connections()) {
      const connId = log.connIdOf(conn);
      if (connId === undefined) continue;
      // Mesh and two-party rooms are not protoo: their machines are the room drivers'. A
      // connection recognised as one late (live) loses the track it had while undecided.
      const protocol = analysis.protocolOf(connId);
      if (protocol === 'mesh' || protocol === 'two-party') {
        if (byConn.delete(conn))
          list.splice(
            list.findIndex((t) => t.conn === conn),
            1,
          );
        continue;
      }
      const known = byConn.get(conn);
      if (known === undefined) {
        list.push(makeTrack(conn, connId));
        continue;
      }
      known.indexes = log.eventsOfConn(connId);
      known.track.stepper.extend(known.indexes.length);
    }
  };

  update();
  return {
    tracks: () => list,
    track: (conn) => byConn.get(conn)?.track,
    update,
  };
}

/**
 * Drives {@link mediasoupClientMachine} from a session: one machine per connection that
 * speaks mediasoup-demo (dialect `legacy` or `new`, or `unknown` with at least one catalog
 * method), stepped purely with checkpoints ({@link createStepper}).
 *
 * Each event of such a connection becomes (the machine's events are dialect-neutral):
 * - `ws.open` → `ws.open`; `ws.close` → `ws.close { code }`
 * - a request the client sent (`dir: 'out'`) → `ms.request { id, method, data, t, deadline }`
 *   (`deadline`: when protoo-client gives up, the analysis' own, so both agree on timeouts)
 * - a notification the client sent → `ms.clientNotification` (new-dialect pause/resume/…)
 * - a response the client received → `ms.response { id, method, ok, data, errorCode?,
 *   errorReason?, late? }` (`method` is the paired request's, from the analysis; `late` when
 *   the analysis found its request timed out)
 * - a request from the server → `ms.serverRequest { id, method, data, t }`
 * - the client's response to it → `ms.clientAnswer { id, ok }`
 * - `mediasoup-version` / `mediasoupVersion` → `ms.version`; other notifications →
 *   `ms.notification { method, data }`
 * - a `pc` event with this `conn` → `pc.event { pc, event, value }`: the transports'
 *   connection states (pc events without `conn` belong to no connection and are not fed)
 * - `seq` is the log index. A `clock.tick { t }` goes first whenever a deadline has come (a
 *   server request's or a client request's), so unanswered `newConsumer`s and client
 *   requests time out at the right event.
 *
 * Stepper index k of a connection is its k-th event, log index `indexes[k]`. Reading at a
 * log index (`snapshotAtLogIndex`, `room`) also lets time pass to that index's time, so a
 * deadline that falls between two events of the connection shows at the cursor (before the
 * deadline: pending; after: timed out), whatever event the cursor is on.
 */
import { transition, type SnapshotFrom } from 'xstate';
import {
  mediasoupClientMachine,
  type MediasoupClientEvent,
  type MediasoupClientMachine,
  type RoomModel,
} from '../../../machines/mediasoupClientMachine.ts';
import { createStepper, type Stepper } from '../../../machines/lib/stepper.ts';
import { isCatalogMethod } from '../../protocol/catalog.ts';
import type { SessionAnalysis } from '../analysis.ts';
import { lastAtOrBefore } from './positions.ts';

export type MediasoupClientSnapshot = SnapshotFrom<MediasoupClientMachine>;

export interface MediasoupClientTrack {
  readonly conn: string;
  readonly connId: number;
  /** Log indexes of the connection's events, in order (stepper index k ↔ `indexes[k]`). */
  readonly indexes: Int32Array;
  readonly stepper: Stepper<MediasoupClientSnapshot>;
  /**
   * The snapshot after every event of this connection at or before log index `logIndex`,
   * with time let pass to that index's time (deadlines up to then have expired).
   */
  snapshotAtLogIndex(logIndex: number): MediasoupClientSnapshot;
  /** The room model at log index `logIndex`. */
  room(logIndex: number): RoomModel;
}

export interface MediasoupClientDriver {
  /** One track per mediasoup connection, in the log's connection order. */
  tracks(): readonly MediasoupClientTrack[];
  track(conn: string): MediasoupClientTrack | undefined;
  /** The room model of `conn` (default: the first track) at log index `logIndex`. */
  room(logIndex: number, conn?: string): RoomModel | undefined;
  /** Takes in events appended since the last call (call `analysis.update()` first). */
  update(): void;
}

export interface MediasoupClientDriverOptions {
  /** Checkpoint spacing of each stepper (default 128). */
  readonly every?: number;
}

const VERSION_METHODS = new Set(['mediasoup-version', 'mediasoupVersion']);

/**
 * The machine event one log event feeds (without the clock tick), or undefined when it feeds
 * none (pc events, notes, invalid or binary frames).
 *
 * @example
 * mediasoupClientEventAt(analysis, 2);
 * // { type: 'ms.request', id: 4628248, method: 'getRouterRtpCapabilities', data: {}, seq: 2 }
 */
export function mediasoupClientEventAt(
  analysis: SessionAnalysis,
  index: number,
): MediasoupClientEvent | undefined {
  const log = analysis.log;
  if (!log.isFrame(index)) {
    const event = log.get(index);
    if (event.type === 'ws.open') return { type: 'ws.open' };
    if (event.type === 'ws.close') {
      return event.code === undefined
        ? { type: 'ws.close' }
        : { type: 'ws.close', code: event.code };
    }
    if (event.type === 'pc') {
      return event.value === undefined
        ? { type: 'pc.event', pc: event.pc, event: event.event, seq: index }
        : { type: 'pc.event', pc: event.pc, event: event.event, value: event.value, seq: index };
    }
    return undefined;
  }
  const message = analysis.message(index);
  if (message === undefined) return undefined;
  const out = log.dir(index) === 'out';
  const seq = index;
  switch (message.kind) {
    case 'request': {
      if (out) {
        const deadline = analysis.correlator.deadlineOf(index);
        return {
          type: 'ms.request',
          id: message.id,
          method: message.method,
          data: message.data,
          seq,
          t: log.time(index),
          ...(Number.isFinite(deadline) ? { deadline } : {}),
        };
      }
      return {
        type: 'ms.serverRequest',
        id: message.id,
        method: message.method,
        data: message.data,
        seq,
        t: log.time(index),
      };
    }
    case 'success':
    case 'error': {
      const ok = message.kind === 'success';
      if (out) return { type: 'ms.clientAnswer', id: message.id, ok, seq };
      const method = analysis.method(index);
      return {
        type: 'ms.response',
        id: message.id,
        ...(method === undefined ? {} : { method }),
        ok,
        data: message.kind === 'success' ? message.data : {},
        ...(message.kind === 'error' && message.errorCode !== undefined
          ? { errorCode: message.errorCode }
          : {}),
        ...(message.kind === 'error' ? { errorReason: message.errorReason } : {}),
        seq,
        ...(analysis.isLate(index) ? { late: true } : {}),
      };
    }
    case 'notification':
      if (out) {
        return { type: 'ms.clientNotification', method: message.method, data: message.data, seq };
      }
      if (VERSION_METHODS.has(message.method)) {
        const version: unknown = (message.data as { version?: unknown } | null)?.version;
        return { type: 'ms.version', version, seq };
      }
      return { type: 'ms.notification', method: message.method, data: message.data, seq };
    default:
      return undefined;
  }
}

/**
 * Whether a connection speaks mediasoup-demo: its dialect, or a catalog method in a protoo
 * request or notification on it (a mesh or two-party room's `join` message is no such thing).
 */
function speaksMediasoup(analysis: SessionAnalysis, connId: number, indexes: Int32Array): boolean {
  const dialect = analysis.connection(connId).dialect;
  if (dialect === 'legacy' || dialect === 'new') return true;
  if (dialect !== 'unknown') return false;
  for (const i of indexes) {
    const kind = analysis.kind(i);
    if (kind !== 'request' && kind !== 'notification') continue;
    const method = analysis.method(i);
    if (method !== undefined && isCatalogMethod(method)) return true;
  }
  return false;
}

/**
 * Builds one checkpointed mediasoup room client machine per mediasoup connection.
 *
 * @example
 * const driver = createMediasoupClientDriver(new SessionAnalysis(log).update());
 * driver.track('c1')?.stepper.final.value; // 'joined'
 * driver.room(120)?.consumers; // the consumers known at log index 120
 */
export function createMediasoupClientDriver(
  analysis: SessionAnalysis,
  options: MediasoupClientDriverOptions = {},
): MediasoupClientDriver {
  const log = analysis.log;
  const byConn = new Map<
    string,
    { track: MediasoupClientTrack; setIndexes(v: Int32Array): void }
  >();
  const list: MediasoupClientTrack[] = [];

  const makeTrack = (conn: string, connId: number, initial: Int32Array): MediasoupClientTrack => {
    let indexes = initial;
    const eventsAt = (
      k: number,
      before: MediasoupClientSnapshot,
    ): MediasoupClientEvent[] | MediasoupClientEvent | undefined => {
      const logIndex = indexes[k];
      if (logIndex === undefined) return undefined;
      const event = mediasoupClientEventAt(analysis, logIndex);
      const t = log.time(logIndex);
      if (t < before.context.room.nextDeadline) return event;
      const tick: MediasoupClientEvent = { type: 'clock.tick', t };
      return event === undefined ? tick : [tick, event];
    };
    const stepper = createStepper(mediasoupClientMachine, eventsAt, indexes.length, {
      every: options.every ?? 128,
    });
    const snapshotAtLogIndex = (logIndex: number): MediasoupClientSnapshot => {
      const snapshot = stepper.snapshotAt(lastAtOrBefore(indexes, logIndex));
      if (logIndex < 0 || logIndex >= log.length || snapshot.status !== 'active') return snapshot;
      const t = log.time(logIndex);
      if (t < snapshot.context.room.nextDeadline) return snapshot;
      return transition(mediasoupClientMachine, snapshot, { type: 'clock.tick', t })[0];
    };
    const track: MediasoupClientTrack = {
      conn,
      connId,
      get indexes() {
        return indexes;
      },
      stepper,
      snapshotAtLogIndex,
      room: (logIndex) => snapshotAtLogIndex(logIndex).context.room,
    };
    byConn.set(conn, {
      track,
      setIndexes(value) {
        indexes = value;
      },
    });
    return track;
  };

  const update = (): void => {
    for (const conn of log.connections()) {
      const connId = log.connIdOf(conn);
      if (connId === undefined) continue;
      const indexes = log.eventsOfConn(connId);
      const known = byConn.get(conn);
      if (known === undefined) {
        if (speaksMediasoup(analysis, connId, indexes)) list.push(makeTrack(conn, connId, indexes));
        continue;
      }
      known.setIndexes(indexes);
      known.track.stepper.extend(indexes.length);
    }
  };

  update();
  return {
    tracks: () => list,
    track: (conn) => byConn.get(conn)?.track,
    room(logIndex, conn) {
      const track = conn === undefined ? list[0] : byConn.get(conn)?.track;
      return track?.room(logIndex);
    },
    update,
  };
}

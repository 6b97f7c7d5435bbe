/**
 * Drives {@link twoPartyRoomMachine} from a session: one machine per two-party connection
 * (analysis protocol `two-party`, src/protocol/rooms.ts), stepped purely with checkpoints
 * ({@link createStepper}). The machine models ONE client of the room: the one captured.
 *
 * Valid frames → machine events (invalid frames feed nothing; the analysis reports them):
 * - out `create or join { room }` → `room.createOrJoin { room }`
 * - in `created` / `joined { room, id }` → `room.created` / `room.joined`; in `full` / `join
 *   { room }` → `room.full` / `room.join`; in `ready` → `room.ready`
 * - out `message { message }` → `room.message.out { message }`; in → `room.message.in`
 * - a frame type only the other side sends is invalid (rooms.ts checks the direction)
 *
 * `ws.open` / `ws.close`, notes and `pc` events of the connection are in the track (so
 * positions map) but feed nothing: the codelab client has no reconnection the machine models.
 *
 * Stepper index k of a track is its k-th event, log index `indexes[k]`.
 */
import type { SnapshotFrom } from 'xstate';
import {
  twoPartyRoomMachine,
  type TwoPartyRoomEvent,
  type TwoPartyRoomMachine,
} from '../../../machines/twoPartyRoomMachine.ts';
import { createStepper, type Stepper } from '../../../machines/lib/stepper.ts';
import type { SessionAnalysis } from '../analysis.ts';
import { lastAtOrBefore } from './positions.ts';

export type TwoPartyRoomSnapshot = SnapshotFrom<TwoPartyRoomMachine>;

export interface TwoPartyRoomTrack {
  readonly conn: string;
  readonly connId: number;
  /** Log indexes of the connection's events, in order (stepper index k ↔ `indexes[k]`). */
  readonly indexes: Int32Array;
  readonly stepper: Stepper<TwoPartyRoomSnapshot>;
  /** The snapshot after every event of this connection at or before log index `logIndex`. */
  snapshotAtLogIndex(logIndex: number): TwoPartyRoomSnapshot;
}

export interface TwoPartyRoomDriver {
  /** One track per two-party connection, in the order they were recognised. */
  tracks(): readonly TwoPartyRoomTrack[];
  track(conn: string): TwoPartyRoomTrack | undefined;
  /** Takes in events appended since the last call (call `analysis.update()` first). */
  update(): void;
}

export interface TwoPartyRoomDriverOptions {
  /** Checkpoint spacing of each stepper (default 128). */
  readonly every?: number;
}

/**
 * The machine event one log event feeds, or undefined (not a valid two-party frame).
 *
 * @example
 * twoPartyRoomEventAt(analysis, 1); // { type: 'room.createOrJoin', room: 'foo' }
 */
export function twoPartyRoomEventAt(
  analysis: SessionAnalysis,
  index: number,
): TwoPartyRoomEvent | undefined {
  const decoded = analysis.roomMessage(index);
  if (decoded?.kind !== 'room' || decoded.protocol !== 'two-party') return undefined;
  const m = decoded.message;
  switch (m.type) {
    case 'create or join':
      return { type: 'room.createOrJoin', room: m.room };
    case 'created':
      return { type: 'room.created', room: m.room, id: m.id };
    case 'joined':
      return { type: 'room.joined', room: m.room, id: m.id };
    case 'full':
      return { type: 'room.full', room: m.room };
    case 'join':
      return { type: 'room.join', room: m.room };
    case 'ready':
      return { type: 'room.ready' };
    case 'message':
      return analysis.log.dir(index) === 'out'
        ? { type: 'room.message.out', message: m.message }
        : { type: 'room.message.in', message: m.message };
  }
}

/**
 * Builds one checkpointed two-party room machine per two-party connection.
 *
 * @example
 * const driver = createTwoPartyRoomDriver(new SessionAnalysis(log).update());
 * driver.track('c1')?.stepper.final.value; // 'ended'
 */
export function createTwoPartyRoomDriver(
  analysis: SessionAnalysis,
  options: TwoPartyRoomDriverOptions = {},
): TwoPartyRoomDriver {
  const log = analysis.log;
  const byConn = new Map<
    string,
    { track: TwoPartyRoomTrack; setIndexes(value: Int32Array): void }
  >();
  const list: TwoPartyRoomTrack[] = [];

  const makeTrack = (conn: string, connId: number, initial: Int32Array): TwoPartyRoomTrack => {
    let indexes = initial;
    const eventsAt = (k: number): TwoPartyRoomEvent | undefined => {
      const logIndex = indexes[k];
      return logIndex === undefined ? undefined : twoPartyRoomEventAt(analysis, logIndex);
    };
    const stepper = createStepper(twoPartyRoomMachine, eventsAt, indexes.length, {
      every: options.every ?? 128,
    });
    const track: TwoPartyRoomTrack = {
      conn,
      connId,
      get indexes() {
        return indexes;
      },
      stepper,
      snapshotAtLogIndex: (logIndex) => stepper.snapshotAt(lastAtOrBefore(indexes, logIndex)),
    };
    byConn.set(conn, {
      track,
      setIndexes(value) {
        indexes = value;
      },
    });
    return track;
  };

  /** The connection's events the analysis has taken in (a step never sees a later one). */
  const analysed = (connId: number): Int32Array => {
    const all = log.eventsOfConn(connId);
    return all.subarray(0, lastAtOrBefore(all, analysis.length - 1) + 1);
  };

  const update = (): void => {
    for (const conn of log.connections()) {
      const connId = log.connIdOf(conn);
      if (connId === undefined) continue;
      const known = byConn.get(conn);
      if (known === undefined) {
        if (analysis.protocolOf(connId) === 'two-party') {
          list.push(makeTrack(conn, connId, analysed(connId)));
        }
        continue;
      }
      const indexes = analysed(connId);
      known.setIndexes(indexes);
      known.track.stepper.extend(indexes.length);
    }
  };

  update();
  return {
    tracks: () => list,
    track: (conn) => byConn.get(conn)?.track,
    update,
  };
}

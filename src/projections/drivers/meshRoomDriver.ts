/**
 * Drives {@link meshRoomMachine} from a session: one machine per mesh connection (analysis
 * protocol `mesh`, src/protocol/rooms.ts), stepped purely with checkpoints ({@link createStepper}).
 * The machine models ONE page of the room, so a track is that page: its WebSocket and its
 * RTCPeerConnections.
 *
 * Log events → machine events:
 * - `ws.open` → `ws.open`; `ws.close` → `ws.close` (`ws.error` feeds nothing: a close follows)
 * - a valid frame in: `welcome` → `mesh.welcome { id, online }`, `online` / `offline` →
 *   `mesh.online` / `mesh.offline { id }`, `signal` → `mesh.signal.in { from, kind }`
 * - a valid `signal` frame out → `mesh.signal.out { to, kind }` (`kind`: the description's
 *   type, or `candidate`)
 * - invalid frames feed nothing (the analysis reports them: `invalid-frame`)
 * - a `pc` `connectionstatechange` (value: a connectionState) → `mesh.link.state { peerId,
 *   state }`, for the peer its RTCPeerConnection links to (rule below)
 *
 * Which `pc` events belong to the page: those whose `conn` is the mesh connection, and those
 * with no `conn` when it is the first mesh connection of the log.
 *
 * Which peer a `pc` links to ({@link pcPeerId}): a `pc` `create` event whose value is an
 * object with `remotePeerId` (or else `peerId`), a string or a number, names it; otherwise
 * the pc id does, as `pc-<peerId>` with an optional `#<n>` generation suffix (`pc-7`,
 * `pc-7#2`), from the pc's first event. A pc that names no peer feeds nothing. The page keeps
 * one RTCPeerConnection per peer: the pc most recently bound to a peer is its link, and the
 * state changes of an older pc of the same peer (one the page replaced) feed nothing.
 *
 * Stepper index k of a track is its k-th event, log index `indexes[k]`.
 */
import type { SnapshotFrom } from 'xstate';
import {
  meshRoomMachine,
  type MeshPcState,
  type MeshRoomEvent,
  type MeshRoomMachine,
} from '../../../machines/meshRoomMachine.ts';
import { createStepper, type Stepper } from '../../../machines/lib/stepper.ts';
import type { PcEvent } from '../../session/events.ts';
import { TYPE_CODE } from '../../session/SessionLog.ts';
import type { SessionAnalysis } from '../analysis.ts';
import { lastAtOrBefore } from './positions.ts';

export type MeshRoomSnapshot = SnapshotFrom<MeshRoomMachine>;

export interface MeshRoomTrack {
  readonly conn: string;
  readonly connId: number;
  /** Log indexes of the page's events (its connection's and its pcs'), in order. */
  readonly indexes: readonly number[];
  readonly stepper: Stepper<MeshRoomSnapshot>;
  /** The snapshot after every event of this page at or before log index `logIndex`. */
  snapshotAtLogIndex(logIndex: number): MeshRoomSnapshot;
  /** The peer a pc of this page links to, as bound so far (undefined: none). */
  peerOfPc(pc: string): string | undefined;
}

export interface MeshRoomDriver {
  /** One track per mesh connection, in the order they were recognised. */
  tracks(): readonly MeshRoomTrack[];
  track(conn: string): MeshRoomTrack | undefined;
  /** Takes in events appended since the last call (call `analysis.update()` first). */
  update(): void;
}

export interface MeshRoomDriverOptions {
  /** Checkpoint spacing of each stepper (default 128). */
  readonly every?: number;
}

const PC_STATES: readonly string[] = [
  'new',
  'connecting',
  'connected',
  'disconnected',
  'failed',
  'closed',
] satisfies readonly MeshPcState[];

const PC_ID = /^pc-(.+?)(?:#\d+)?$/;

function idOf(value: unknown): string | undefined {
  if (typeof value === 'string' && value !== '') return value;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return undefined;
}

/**
 * The peer a `pc` links to: from a `create` event's value (`remotePeerId`, else `peerId`),
 * else from the pc id `pc-<peerId>` or `pc-<peerId>#<n>`; undefined when neither names one.
 *
 * @example
 * pcPeerId('pc-1', { remotePeerId: 7 }); // '7'
 * pcPeerId('pc-7#2'); // '7'
 * pcPeerId('send-pc'); // undefined
 */
export function pcPeerId(pc: string, createValue?: unknown): string | undefined {
  if (typeof createValue === 'object' && createValue !== null) {
    const v = createValue as { remotePeerId?: unknown; peerId?: unknown };
    const named = idOf(v.remotePeerId) ?? idOf(v.peerId);
    if (named !== undefined) return named;
  }
  return PC_ID.exec(pc)?.[1];
}

/**
 * The machine event of a `ws.open` / `ws.close` / frame of a mesh connection, or undefined
 * (any other event, an invalid frame, a frame of another protocol). `pc` events need the
 * page's pc → peer binding: the driver maps them.
 *
 * @example
 * meshRoomEventAt(analysis, 1); // { type: 'mesh.welcome', id: 3, online: [1, 2] }
 */
export function meshRoomEventAt(
  analysis: SessionAnalysis,
  index: number,
): MeshRoomEvent | undefined {
  const log = analysis.log;
  if (!log.isFrame(index)) {
    const type = log.typeCode(index);
    if (type === TYPE_CODE['ws.open']) return { type: 'ws.open' };
    if (type === TYPE_CODE['ws.close']) return { type: 'ws.close' };
    return undefined;
  }
  const decoded = analysis.roomMessage(index);
  if (decoded?.kind !== 'room' || decoded.protocol !== 'mesh') return undefined;
  const m = decoded.message;
  switch (m.type) {
    case 'welcome':
      return { type: 'mesh.welcome', id: m.id, online: m.online };
    case 'online':
      return { type: 'mesh.online', id: m.id };
    case 'offline':
      return { type: 'mesh.offline', id: m.id };
    case 'signal': {
      const kind = 'description' in m ? m.description.type : 'candidate';
      if (log.dir(index) === 'out') return { type: 'mesh.signal.out', to: m.to, kind };
      return 'from' in m ? { type: 'mesh.signal.in', from: m.from, kind } : undefined;
    }
  }
}

interface TrackState {
  readonly track: MeshRoomTrack;
  readonly indexes: number[];
  /** Stepper index → the `mesh.link.state` a pc event feeds (bound when it was taken in). */
  readonly linkEvents: Map<number, MeshRoomEvent>;
  readonly peerOfPc: Map<string, string>;
  readonly pcOfPeer: Map<string, string>;
  /** How many of `indexes` have had their pc events mapped. */
  mapped: number;
}

/**
 * Builds one checkpointed mesh room machine per mesh connection of an analysed session.
 *
 * @example
 * const driver = createMeshRoomDriver(new SessionAnalysis(log).update());
 * const page = driver.track('c1');
 * page?.stepper.final.value; // 'inRoom'
 * page?.snapshotAtLogIndex(40).context.links['1']?.state; // 'answering'
 */
export function createMeshRoomDriver(
  analysis: SessionAnalysis,
  options: MeshRoomDriverOptions = {},
): MeshRoomDriver {
  const log = analysis.log;
  const byConn = new Map<string, TrackState>();
  const list: TrackState[] = [];
  const tracks: MeshRoomTrack[] = [];
  /** Log indexes of `pc` events without `conn`: the first mesh track's. */
  const unowned: number[] = [];
  let scanned = 0;

  const makeTrack = (conn: string, connId: number, indexes: number[]): TrackState => {
    const linkEvents = new Map<number, MeshRoomEvent>();
    const eventsAt = (k: number): MeshRoomEvent | undefined => {
      const logIndex = indexes[k];
      if (logIndex === undefined) return undefined;
      return log.typeCode(logIndex) === TYPE_CODE.pc
        ? linkEvents.get(k)
        : meshRoomEventAt(analysis, logIndex);
    };
    const stepper = createStepper(meshRoomMachine, eventsAt, 0, { every: options.every ?? 128 });
    const peerOfPc = new Map<string, string>();
    const state: TrackState = {
      track: {
        conn,
        connId,
        indexes,
        stepper,
        snapshotAtLogIndex: (logIndex) => stepper.snapshotAt(lastAtOrBefore(indexes, logIndex)),
        peerOfPc: (pc) => peerOfPc.get(pc),
      },
      indexes,
      linkEvents,
      peerOfPc,
      pcOfPeer: new Map(),
      mapped: 0,
    };
    return state;
  };

  /** Binds the pcs of newly taken events and records the link states they feed. */
  const mapPcs = (s: TrackState): void => {
    for (let k = s.mapped; k < s.indexes.length; k++) {
      const i = s.indexes[k] ?? -1;
      if (log.typeCode(i) !== TYPE_CODE.pc) continue;
      const e = log.get(i) as PcEvent;
      const bind = (peer: string | undefined) => {
        if (peer === undefined) return;
        s.peerOfPc.set(e.pc, peer);
        s.pcOfPeer.set(peer, e.pc);
      };
      if (e.event === 'create') bind(pcPeerId(e.pc, e.value));
      else if (!s.peerOfPc.has(e.pc)) bind(pcPeerId(e.pc));
      if (e.event !== 'connectionstatechange' || typeof e.value !== 'string') continue;
      if (!PC_STATES.includes(e.value)) continue;
      const peer = s.peerOfPc.get(e.pc);
      if (peer === undefined || s.pcOfPeer.get(peer) !== e.pc) continue;
      s.linkEvents.set(k, {
        type: 'mesh.link.state',
        peerId: peer,
        state: e.value as MeshPcState,
      });
    }
    s.mapped = s.indexes.length;
  };

  const update = (): void => {
    // Events appended since the last call go to the tracks that exist already…
    // Only what the analysis has taken in: a step never sees a frame it has not decoded.
    const end = analysis.length;
    for (let i = scanned; i < end; i++) {
      const connId = log.connId(i);
      if (connId >= 0) {
        byConn.get(log.connName(connId))?.indexes.push(i);
      } else if (log.typeCode(i) === TYPE_CODE.pc) {
        unowned.push(i);
        list[0]?.indexes.push(i);
      }
    }
    scanned = end;
    // …and a connection just recognised as mesh gets a track with its whole history.
    for (const conn of log.connections()) {
      if (byConn.has(conn)) continue;
      const connId = log.connIdOf(conn);
      if (connId === undefined || analysis.protocolOf(connId) !== 'mesh') continue;
      const own = Array.from(log.eventsOfConn(connId)).filter((i) => i < end);
      const indexes = list.length === 0 ? merge(own, unowned) : own;
      const s = makeTrack(conn, connId, indexes);
      byConn.set(conn, s);
      list.push(s);
      tracks.push(s.track);
    }
    for (const s of list) {
      mapPcs(s);
      s.track.stepper.extend(s.indexes.length);
    }
  };

  update();
  return {
    tracks: () => tracks,
    track: (conn) => byConn.get(conn)?.track,
    update,
  };
}

/** Two ascending index lists as one. */
function merge(a: readonly number[], b: readonly number[]): number[] {
  const out: number[] = [];
  let x = 0;
  let y = 0;
  while (x < a.length || y < b.length) {
    const u = a[x] ?? Infinity;
    const v = b[y] ?? Infinity;
    if (u <= v) {
      out.push(u);
      x++;
    } else {
      out.push(v);
      y++;
    }
  }
  return out;
}

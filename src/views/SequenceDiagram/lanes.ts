/**
 * The lifelines of a session (pure): one per client connection, one server per URL host, and
 * one per remote peer learned from the traffic. A remote peer that is also a client of the
 * capture (same host, room and peer id: a multi-client capture) is that client's lifeline,
 * not a second one.
 *
 * Learned from the whole log, so the columns do not move when the filter changes (the model
 * hides the lifelines no visible row touches). Only the frames that can name a peer are
 * decoded again (a few percent of a mediasoup session).
 *
 * @example
 * const lanes = buildLanes(fixtureSession('legacy-participant-join'));
 * lanes.lanes.map((l) => l.name); // ['client xc24fh03', 'server', 'peer Grace', …]
 */
import { KIND_CODE, type SessionAnalysis } from '../../projections/analysis.ts';
import type { ConnectionProtocol } from '../../protocol/rooms.ts';
import { TYPE_CODE } from '../../session/SessionLog.ts';

export type LaneKind = 'client' | 'server' | 'peer';

export interface Lane {
  readonly kind: LaneKind;
  /** Stable identity (server key, room, peer id…). */
  readonly key: string;
  /** The header's first line: peer id, display name, `server`, the connection name. */
  readonly label: string;
  /** The header's second line: connection and room, host, peer id. */
  readonly detail: string;
  /** How row texts name the lane: `client c1`, `server`, `peer Grace`. */
  readonly name: string;
}

export interface LaneIndex {
  readonly lanes: readonly Lane[];
  /** The client lifeline of connection `connId`, or -1 (no such connection). */
  clientLane(connId: number): number;
  /** The server lifeline connection `connId` talks to, or -1. */
  serverLane(connId: number): number;
  /** The server lifeline a lifeline belongs to (a server: itself). */
  serverOf(lane: number): number;
  /** The remote peers (lifelines) the event at `index` is about; empty for most events. */
  peersOf(index: number): readonly number[];
  /** Number of log events this index was built from. */
  readonly length: number;
}

const NONE: readonly number[] = [];

/**
 * Methods whose data introduces or names remote peers (protocol.md §2.4, §2.5), and `join`'s
 * response: rare, decoded while the lifelines are learned.
 */
const INTRODUCING: ReadonlySet<string> = new Set([
  'newPeer',
  'peerClosed',
  'peerDisplayNameChanged',
  'newConsumer',
  'newDataConsumer',
  'join',
]);

/**
 * Methods that name peers already introduced, sent many times a second: decoded only when
 * their row is drawn (`peersOf`), so a 100,000-message session opens without decoding them.
 */
const FREQUENT: ReadonlySet<string> = new Set(['activeSpeaker', 'speakingPeers']);

interface ParsedUrl {
  readonly host: string;
  readonly roomId: string | undefined;
  readonly peerId: string | undefined;
}

function parseUrl(url: string | undefined): ParsedUrl | undefined {
  if (url === undefined) return undefined;
  try {
    const u = new URL(url);
    const param = (name: string) => {
      const v = u.searchParams.get(name);
      return v === null || v === '' ? undefined : v;
    };
    return { host: u.host, roomId: param('roomId'), peerId: param('peerId') };
  } catch {
    return undefined;
  }
}

type Obj = Readonly<Record<string, unknown>>;

function obj(value: unknown): Obj | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Obj)
    : undefined;
}

/** A peer id as the wire carries it: a non-empty string or a finite number. */
function peerId(value: unknown): string | undefined {
  if (typeof value === 'string') return value === '' ? undefined : value;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return undefined;
}

function str(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

interface Mention {
  readonly id: string;
  readonly displayName?: string | undefined;
}

/** The peers a mediasoup-demo message names (both dialects). */
export function peersInProtoo(method: string, kind: string, data: unknown): Mention[] {
  const d = obj(data);
  if (!d) return [];
  const one = (id: unknown, displayName?: unknown): Mention[] => {
    const p = peerId(id);
    return p === undefined ? [] : [{ id: p, displayName: str(displayName) }];
  };
  if (kind === 'success') {
    if (method !== 'join' || !Array.isArray(d.peers)) return [];
    return (d.peers as readonly unknown[]).flatMap((p) => {
      const o = obj(p);
      return o ? one(o.peerId ?? o.id, o.displayName) : [];
    });
  }
  switch (method) {
    case 'newPeer': {
      const peer = obj(d.peer);
      return peer ? one(peer.peerId, peer.displayName) : one(d.id, d.displayName);
    }
    case 'peerDisplayNameChanged':
      return one(d.peerId, d.displayName);
    case 'peerClosed':
    case 'activeSpeaker':
      return one(d.peerId);
    case 'newConsumer':
    case 'newDataConsumer':
      return one(d.peerId ?? obj(d.appData)?.peerId);
    case 'speakingPeers':
      return Array.isArray(d.peerVolumes)
        ? (d.peerVolumes as readonly unknown[]).flatMap((v) => one(obj(v)?.peerId))
        : [];
    default:
      return [];
  }
}

interface ConnFacts {
  readonly name: string;
  readonly protocol: ConnectionProtocol;
  /** The peerId of the ws.open URL. */
  readonly urlPeerId: string | undefined;
  server: string;
  room: string;
  /** Ids this client goes by: its URL peerId, its mesh `welcome` ids. */
  readonly selfIds: Set<string>;
  /** Two-party: the connection was let into its room (`created` / `joined`). */
  admitted: boolean;
}

interface PendingMention {
  readonly index: number;
  readonly conn: number;
  readonly ids: readonly string[];
}

const SEP = '\u0000';

function peerKey(server: string, room: string, id: string): string {
  return `${server}${SEP}${room}${SEP}${id}`;
}

/**
 * Builds the lifelines of the whole session.
 *
 * @example
 * const index = buildLanes(analysis);
 * index.clientLane(0); // 0
 * index.serverLane(0); // 1
 */
export function buildLanes(analysis: SessionAnalysis): LaneIndex {
  const log = analysis.log;
  const length = analysis.length;
  const infos = analysis.connectionInfos();
  const conns: ConnFacts[] = infos.map((info) => {
    const url = parseUrl(info.url);
    const selfIds = new Set<string>();
    if (url?.peerId !== undefined) selfIds.add(url.peerId);
    return {
      name: info.name,
      protocol: info.protocol,
      urlPeerId: url?.peerId,
      server: url?.host ?? '',
      room: url?.roomId ?? '',
      selfIds,
      admitted: false,
    };
  });
  const hosts = [...new Set(conns.map((c) => c.server).filter((h) => h !== ''))];
  // A connection without an open (the capture began mid-session) talks to the one server
  // there is, when there is one.
  if (hosts.length === 1) {
    const only = hosts[0] ?? '';
    for (const c of conns) if (c.server === '') c.server = only;
  }

  const mentions: PendingMention[] = [];
  const names = new Map<string, string>();
  for (let i = 0; i < length; i++) {
    const type = log.typeCode(i);
    const conn = log.connId(i);
    const facts = conns[conn];
    if (type === TYPE_CODE.pc && facts) {
      // A mesh page names the remote peer of each RTCPeerConnection it creates.
      const ev = log.get(i);
      if (ev.type === 'pc' && ev.event === 'create') {
        const id = peerId(obj(ev.value)?.remotePeerId);
        if (id !== undefined) mentions.push({ index: i, conn, ids: [id] });
      }
      continue;
    }
    if (type !== TYPE_CODE['ws.frame'] || !facts) continue;
    const code = analysis.kindCode(i);
    if (code === KIND_CODE.room) {
      collectRoom(analysis, i, conn, facts, mentions);
      continue;
    }
    if (
      code !== KIND_CODE.notification &&
      code !== KIND_CODE.request &&
      code !== KIND_CODE.success
    ) {
      continue;
    }
    const method = analysis.method(i);
    if (method === undefined || !INTRODUCING.has(method)) continue;
    const msg = analysis.message(i);
    if (msg === undefined || msg.kind === 'invalid' || msg.kind === 'error') continue;
    if (method === 'join' && msg.kind === 'request') continue;
    const found = peersInProtoo(method, msg.kind, msg.data);
    if (found.length === 0) continue;
    mentions.push({ index: i, conn, ids: found.map((m) => m.id) });
    for (const m of found) {
      if (m.displayName !== undefined)
        names.set(peerKey(facts.server, facts.room, m.id), m.displayName);
    }
  }

  // Two-party rooms of exactly two admitted clients in the capture: each is the other's peer.
  const twoPartyOther = new Map<number, number>();
  const byRoom = new Map<string, number[]>();
  conns.forEach((c, id) => {
    if (c.protocol !== 'two-party' || !c.admitted) return;
    const key = `${c.server}${SEP}${c.room}`;
    byRoom.set(key, [...(byRoom.get(key) ?? []), id]);
  });
  for (const ids of byRoom.values()) {
    const [a, b] = ids;
    if (ids.length === 2 && a !== undefined && b !== undefined) {
      twoPartyOther.set(a, b);
      twoPartyOther.set(b, a);
    }
  }

  // Clients known by their peer ids, to merge a remote peer with the client it is.
  const clientByPeer = new Map<string, number>();
  conns.forEach((c, id) => {
    clientByPeer.set(clientKey(id), id);
    for (const self of c.selfIds) clientByPeer.set(peerKey(c.server, c.room, self), id);
  });

  // Remote peers in order of first mention, per server.
  const peerOrder = new Map<string, string[]>();
  const seen = new Set<string>();
  const meshKeys = new Set<string>();
  const resolved: { index: number; keys: string[] }[] = [];
  for (const m of mentions) {
    const facts = conns[m.conn];
    if (!facts) continue;
    const keys: string[] = [];
    for (const id of m.ids) {
      if (facts.selfIds.has(id)) continue;
      const key =
        id === TWO_PARTY_OTHER
          ? twoPartyKey(facts, m.conn, twoPartyOther)
          : peerKey(facts.server, facts.room, id);
      keys.push(key);
      if (!clientByPeer.has(key) && !seen.has(key)) {
        seen.add(key);
        peerOrder.set(facts.server, [...(peerOrder.get(facts.server) ?? []), key]);
      }
    }
    if (keys.length > 0) resolved.push({ index: m.index, keys });
    if (facts.protocol === 'mesh') for (const k of keys) meshKeys.add(k);
  }

  // Lanes: per server (hosts in order of first connection), its clients, the server, its peers.
  const servers = [...new Set(conns.map((c) => c.server))];
  const many = servers.length > 1;
  const lanes: Lane[] = [];
  const clientLaneOf = new Int32Array(conns.length).fill(-1);
  const serverLaneOf = new Int32Array(conns.length).fill(-1);
  const laneOfPeer = new Map<string, number>();
  const laneServer: number[] = [];
  // Clients of one room side by side (rooms in order of their first client).
  const rooms = [...new Set(conns.map((c) => c.room))];
  const byRoomOrder = conns
    .map((c, id) => ({ c, id }))
    .sort((x, y) => rooms.indexOf(x.c.room) - rooms.indexOf(y.c.room) || x.id - y.id);
  for (const server of servers) {
    const mine = byRoomOrder.filter(({ c }) => c.server === server);
    const serverLane = lanes.length + mine.length;
    for (const { c, id } of mine) {
      clientLaneOf[id] = lanes.length;
      laneServer.push(serverLane);
      lanes.push(clientLaneFor(c));
    }
    laneServer.push(serverLane);
    lanes.push({
      kind: 'server',
      key: `server${SEP}${server}`,
      label: many && server !== '' ? server : 'server',
      detail: server === '' ? 'host unknown' : server,
      name: many ? `server ${server === '' ? '(host unknown)' : server}` : 'server',
    });
    conns.forEach((c, id) => {
      if (c.server === server) serverLaneOf[id] = serverLane;
    });
    for (const key of peerOrder.get(server) ?? []) {
      laneOfPeer.set(key, lanes.length);
      laneServer.push(serverLane);
      lanes.push(peerLaneFor(key, names.get(key), meshKeys.has(key)));
    }
  }
  for (const [key, conn] of clientByPeer) laneOfPeer.set(key, clientLaneOf[conn] ?? -1);

  const toLanes = (keys: readonly string[]): readonly number[] => {
    const ids = [...new Set(keys.map((k) => laneOfPeer.get(k) ?? -1))].filter((l) => l >= 0);
    return ids.length === 0 ? NONE : ids;
  };
  const peersAt = new Map<number, readonly number[]>();
  for (const { index, keys } of resolved) {
    const laneIds = toLanes(keys);
    if (laneIds.length > 0) peersAt.set(index, laneIds);
  }
  const peersOf = (index: number): readonly number[] => {
    const known = peersAt.get(index);
    if (known !== undefined) return known;
    if (index >= length || analysis.kindCode(index) !== KIND_CODE.notification) return NONE;
    const method = analysis.method(index);
    if (method === undefined || !FREQUENT.has(method)) return NONE;
    const facts = conns[log.connId(index)];
    const msg = analysis.message(index);
    if (!facts || msg?.kind !== 'notification') return NONE;
    const keys = peersInProtoo(method, msg.kind, msg.data)
      .filter((m) => !facts.selfIds.has(m.id))
      .map((m) => peerKey(facts.server, facts.room, m.id));
    const laneIds = toLanes(keys);
    peersAt.set(index, laneIds);
    return laneIds;
  };

  return {
    lanes,
    length,
    clientLane: (connId) => clientLaneOf[connId] ?? -1,
    serverLane: (connId) => serverLaneOf[connId] ?? -1,
    serverOf: (lane) => laneServer[lane] ?? -1,
    peersOf,
  };
}

/** The stand-in id of a two-party room's other client (never a real wire id: has a NUL). */
const TWO_PARTY_OTHER = `${SEP}other`;

function clientKey(conn: number): string {
  return `${SEP}client${SEP}${conn}`;
}

/** The other client of a two-party room: a client of the capture, or a lifeline of its own. */
function twoPartyKey(facts: ConnFacts, conn: number, other: ReadonlyMap<number, number>): string {
  const o = other.get(conn);
  if (o !== undefined) return clientKey(o);
  return `${facts.server}${SEP}two-party${SEP}${facts.room}${SEP}${conn}`;
}

function collectRoom(
  analysis: SessionAnalysis,
  i: number,
  conn: number,
  facts: ConnFacts,
  mentions: PendingMention[],
): void {
  const frame = analysis.roomMessage(i);
  if (frame?.kind !== 'room') return;
  if (frame.protocol === 'mesh') {
    const m = frame.message;
    switch (m.type) {
      case 'welcome': {
        facts.selfIds.add(String(m.id));
        const ids = m.online.map(String).filter((id) => id !== String(m.id));
        if (ids.length > 0) mentions.push({ index: i, conn, ids });
        return;
      }
      case 'online':
      case 'offline':
        mentions.push({ index: i, conn, ids: [String(m.id)] });
        return;
      case 'signal': {
        const id = 'from' in m && analysis.log.dir(i) === 'in' ? m.from : m.to;
        mentions.push({ index: i, conn, ids: [String(id)] });
        return;
      }
      default:
        return;
    }
  }
  const m = frame.message;
  switch (m.type) {
    case 'create or join':
      facts.room = m.room;
      return;
    case 'created':
    case 'joined':
      facts.room = m.room;
      facts.admitted = true;
      return;
    case 'join':
    case 'message':
      mentions.push({ index: i, conn, ids: [TWO_PARTY_OTHER] });
      return;
    default:
      return;
  }
}

function clientLaneFor(c: ConnFacts): Lane {
  const label = c.urlPeerId ?? c.name;
  const [meshId] = c.protocol === 'mesh' ? c.selfIds : [];
  const parts = [
    c.name === label ? undefined : c.name,
    meshId === undefined ? undefined : `id ${meshId}`,
    c.room === '' ? undefined : `room ${c.room}`,
  ];
  const detail = parts.filter((p) => p !== undefined).join(' · ');
  return {
    kind: 'client',
    key: `client${SEP}${c.name}`,
    label,
    detail: detail === '' ? 'client' : detail,
    name: `client ${label}`,
  };
}

function peerLaneFor(key: string, displayName: string | undefined, mesh: boolean): Lane {
  const parts = key.split(SEP);
  if (parts[1] === 'two-party') {
    const room = parts[2] ?? '';
    return {
      kind: 'peer',
      key,
      label: 'other client',
      detail: room === '' ? 'two-party room' : `room ${room}`,
      name: 'the other client',
    };
  }
  const id = parts[2] ?? '';
  if (mesh)
    return { kind: 'peer', key, label: `peer ${id}`, detail: 'mesh peer', name: `peer ${id}` };
  const label = displayName === undefined || displayName === '' ? id : displayName;
  return {
    kind: 'peer',
    key,
    label,
    detail: label === id ? 'remote peer' : id,
    name: `peer ${label}`,
  };
}

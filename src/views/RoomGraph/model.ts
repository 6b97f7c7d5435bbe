/**
 * The room at the cursor as a graph (pure): `roomGraph()` for a mediasoup-demo client's
 * room model, `meshGraph()` for the pages of a full-mesh room.
 *
 * A mediasoup client sees its own transports, producers and consumers; a remote producer is
 * known only through the consumers that consume it (`producerId` + `peerId` in
 * `newConsumer`), so there is one remote-producer node per distinct `producerId`, owned by
 * its peer. Legacy-dialect consumers name no transport: they hang off the client's receive
 * transport. Node ids are stable (`consumer:<id>` is the same node at every cursor), and
 * each node carries a `sort` key for the layered layout (`layout.ts`).
 */
import type {
  RoomConsumer,
  RoomDataConsumer,
  RoomModel,
  RoomTransport,
  TransportDirection,
} from '../../../machines/mediasoupClientMachine.context.ts';
import { entry, valuesOf } from '../../../machines/mediasoupClientMachine.tables.ts';
import {
  compareMeshIds,
  type MeshLink,
  type MeshLinkState,
  type MeshRoomContext,
} from '../../../machines/meshRoomMachine.ts';
import { deviceText, kindWord, layersText, peerName, shortId } from './text.ts';
import type {
  ConsumerNodeData,
  MeshEdgeInfo,
  RoomColumn,
  RoomEdgeKind,
  RoomGraph,
  RoomGraphEdge,
  RoomGraphNode,
  RoomNodeData,
  Tone,
  TransportNodeData,
} from './types.ts';

export interface RoomGraphOptions {
  /** Also draw closed transports, producers, consumers and departed peers (default false). */
  readonly showClosed?: boolean;
  /** The connection this room client is on (for the client node and the filter). */
  readonly conn?: string | null;
  /** This client's own peer id (from its WebSocket URL), when known. */
  readonly selfPeerId?: string | null;
  /** The room client machine's state value at the cursor (`joined`, `disconnected`, …). */
  readonly state?: string | null;
}

/** Sorts after everything real (items with no transport, peers never announced). */
const LAST = 1e9;

export const CLIENT_ID = 'client';
export const BOT_ID = 'bot';
export const nodeId = {
  peer: (id: string) => `peer:${id}`,
  transport: (id: string) => `transport:${id}`,
  producer: (id: string) => `producer:${id}`,
  consumer: (id: string) => `consumer:${id}`,
  dataProducer: (id: string) => `dataProducer:${id}`,
  dataConsumer: (id: string) => `dataConsumer:${id}`,
  mesh: (id: string) => `mesh:${id}`,
} as const;

function edge(kind: RoomEdgeKind, source: string, target: string, tone: Tone, summary: string) {
  return { id: `${kind}:${source}>${target}`, kind, source, target, tone, summary };
}

/** Tone of a transport: the peer connection's state when one is tied to it, else signaling. */
export function transportTone(t: RoomTransport): Tone {
  if (t.closed) return 'off';
  switch (t.connectionState) {
    case 'connected':
      return 'ok';
    case 'connecting':
      return 'pending';
    case 'disconnected':
      return 'warn';
    case 'failed':
      return 'bad';
    case 'closed':
      return 'off';
    case 'new':
      break;
  }
  if (t.connect === 'failed') return 'bad';
  if (t.connect === 'connecting' || t.connect === 'connected') return 'pending';
  return 'neutral';
}

/** Tone of a consumer: closed, left paused, waiting for the answer, paused, weak, flowing. */
export function consumerTone(c: RoomConsumer): Tone {
  if (c.closed) return 'off';
  if (c.state === 'rejected' || c.state === 'unanswered') return 'bad';
  if (c.state === 'offered') return 'pending';
  if (c.paused || c.producerPaused) return 'paused';
  if (c.score !== null && c.score < 5) return 'warn';
  return 'ok';
}

function dataConsumerTone(d: RoomDataConsumer): Tone {
  if (d.closed) return 'off';
  if (d.state === 'rejected' || d.state === 'unanswered') return 'bad';
  if (d.state === 'offered') return 'pending';
  return 'ok';
}

const DIRECTION_WORD: Record<TransportDirection, string> = {
  send: 'Send',
  recv: 'Receive',
  unknown: 'Unknown-direction',
};

function transportSummary(t: RoomTransport, hasPc: boolean): string {
  const media = hasPc ? `connection ${t.connectionState}` : 'no peer connection events';
  const closed = t.closed ? ', closed' : '';
  return `${DIRECTION_WORD[t.direction]} transport ${shortId(t.id)}: ${media}, signaling ${t.connect}${closed}`;
}

function consumerState(c: RoomConsumer): string {
  switch (c.state) {
    case 'offered':
      return 'offered, waiting for the client to accept';
    case 'rejected':
      return 'rejected by the client: the server keeps it paused';
    case 'unanswered':
      return 'newConsumer never answered: the server keeps it paused';
    case 'accepted':
      if (c.paused && c.producerPaused) return 'paused, and its producer is paused';
      if (c.paused) return 'paused';
      if (c.producerPaused) return 'its producer is paused';
      return 'resumed';
  }
}

function consumerSummary(c: RoomConsumer, peer: string): string {
  const parts = [consumerState(c)];
  if (c.score !== null) parts.push(`score ${c.score}`);
  if (c.producerScore !== null) parts.push(`producer score ${c.producerScore}`);
  const layers = layersText(c.layers);
  if (layers !== null) parts.push(`layers ${layers}`);
  if (c.closed) parts.push('closed');
  const type = c.type === null ? '' : `, ${c.type}`;
  const of = c.producerId === null ? '' : ` of producer ${shortId(c.producerId)}`;
  return `Consumer ${shortId(c.id)} (${kindWord(c.kind)}${type})${of} from ${peer}: ${parts.join(', ')}`;
}

/** Problems of the room model by subject (a transport, consumer or method). */
function problemsBySubject(room: RoomModel): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const p of room.problems) {
    if (p.subject === undefined) continue;
    const list = out.get(p.subject);
    if (list === undefined) out.set(p.subject, [p.message]);
    else list.push(p.message);
  }
  return out;
}

interface RemoteProducer {
  readonly id: string;
  kind: string | null;
  peerId: string | null;
  paused: boolean;
  score: number | null;
  latestSeq: number;
  firstSeq: number;
  open: number;
  readonly consumers: string[];
}

interface RemoteDataProducer {
  readonly id: string;
  label: string | null;
  peerId: string | null;
  firstSeq: number;
  open: number;
  readonly consumers: string[];
}

/**
 * The graph of a mediasoup-demo client's room model: the client, its transports (with their
 * connection state), its producers and data producers, its consumers and data consumers, the
 * remote producers they consume, and the peers that own those (plus every peer in the room).
 * Closed things are left out unless `showClosed`; the room model forgets everything of an
 * earlier socket (each socket is a new server-side peer).
 *
 * @example
 * const graph = roomGraph(drivers.mediasoup.room(cursor)!, { conn: 'c1' });
 * graph.nodes.find((n) => n.id === 'consumer:c717d802-…')?.data.tone; // 'ok'
 * graph.edges.filter((e) => e.kind === 'consumes').length; // one per consumer with a producerId
 */
export function roomGraph(room: RoomModel, options: RoomGraphOptions = {}): RoomGraph {
  const showClosed = options.showClosed === true;
  const problems = problemsBySubject(room);
  const problemsOf = (id: string): readonly string[] => problems.get(id) ?? [];
  const nodes: RoomGraphNode[] = [];
  const edges: RoomGraphEdge[] = [];
  let hiddenClosed = 0;
  const visible = (closed: boolean): boolean => {
    if (closed && !showClosed) hiddenClosed++;
    return !closed || showClosed;
  };
  const shown = new Set<string>();
  const add = (id: string, column: RoomColumn, sort: readonly number[], data: RoomNodeData) => {
    nodes.push({ id, column, sort, data });
    shown.add(id);
  };

  // ── peers: order by arrival (the order index keeps departed peers' places) ──
  const peers = valuesOf(room.peers).sort(
    (a, b) => a.joinedSeq - b.joinedSeq || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0),
  );
  const peerOrder = new Map<string, number>();
  peers.forEach((p, i) => peerOrder.set(p.id, i));
  const peerById = new Map(peers.map((p) => [p.id, p]));
  const orderOfPeer = (peerId: string | null, firstSeq: number): number =>
    peerId === null ? LAST : (peerOrder.get(peerId) ?? LAST / 2 + firstSeq);
  const ownerName = (peerId: string | null): string | null => {
    if (peerId === null) return null;
    const name = peerById.get(peerId)?.displayName;
    return name === undefined || name === null || name === '' ? shortId(peerId) : name;
  };
  const nameOf = (peerId: string | null): string =>
    peerName(peerId, peerId === null ? null : (peerById.get(peerId)?.displayName ?? null));

  // ── client ──
  const clientTone: Tone = room.open
    ? room.joined
      ? 'ok'
      : 'pending'
    : room.epoch === 0
      ? 'neutral'
      : room.closeCode === 4000
        ? 'off'
        : 'bad';
  const stateWord =
    options.state ??
    (room.open ? (room.joined ? 'joined' : 'not joined') : room.epoch === 0 ? 'idle' : 'closed');
  const clientName = room.displayName ?? options.selfPeerId ?? null;
  add(CLIENT_ID, 0, [0], {
    type: 'client',
    conn: options.conn ?? null,
    peerId: options.selfPeerId ?? null,
    displayName: room.displayName,
    state: options.state ?? null,
    joined: room.joined,
    open: room.open,
    epoch: room.epoch,
    closeCode: room.closeCode,
    version: room.version,
    summary: [
      `This client${clientName === null ? '' : ` ${clientName}`}`,
      options.conn ? ` on connection ${options.conn}` : '',
      `: ${stateWord}`,
      room.closeCode !== null && !room.open ? `, socket closed with code ${room.closeCode}` : '',
      room.epoch > 1 ? `, socket ${room.epoch}` : '',
      room.version === null ? '' : `, mediasoup ${room.version}`,
    ].join(''),
    tone: clientTone,
    filterIds: options.selfPeerId ? [options.selfPeerId] : [],
    filterLabel: clientName === null ? 'this client' : `this client ${clientName}`,
    seq: null,
    problems: [],
    closed: !room.open && room.epoch > 0,
  });

  // ── transports ──
  const transports = valuesOf(room.transports).sort((a, b) => a.seq - b.seq);
  const transportOrder = new Map<string, number>();
  transports.forEach((t, i) => transportOrder.set(t.id, i));
  const shownTransports = new Set<string>();
  for (const t of transports) {
    if (!visible(t.closed)) continue;
    shownTransports.add(t.id);
    const hasPc = t.pc !== null || t.connectionState !== 'new';
    const id = nodeId.transport(t.id);
    const tone = transportTone(t);
    const data: TransportNodeData = {
      type: 'transport',
      transportId: t.id,
      direction: t.direction,
      connect: t.connect,
      connectionState: hasPc ? t.connectionState : null,
      iceConnectionState: t.iceConnectionState,
      pc: t.pc,
      summary: transportSummary(t, hasPc),
      tone,
      filterIds: t.pc === null ? [t.id] : [t.id, t.pc],
      filterLabel: `${t.direction === 'unknown' ? '' : `${t.direction} `}transport ${shortId(t.id)}`,
      seq: t.seq,
      problems: problemsOf(t.id),
      closed: t.closed,
    };
    add(id, 1, [transportOrder.get(t.id) ?? LAST], data);
    edges.push(
      edge(
        'contains',
        CLIENT_ID,
        id,
        t.closed ? 'off' : 'neutral',
        `This client has ${data.filterLabel}`,
      ),
    );
  }
  /** The open transport of a direction the legacy dialect leaves implicit (the latest one). */
  const implicit = (direction: TransportDirection): string | null => {
    let found: string | null = null;
    for (const t of transports) if (t.direction === direction && !t.closed) found = t.id;
    if (found === null) for (const t of transports) if (t.direction === direction) found = t.id;
    return found;
  };
  const sendTransport = implicit('send');
  const recvTransport = implicit('recv');
  /** The node an item hangs off: its transport when drawn, else the client. */
  const parentOf = (transportId: string | null, fallback: string | null): string => {
    const known = transportId !== null && entry(room.transports, transportId) !== undefined;
    const tid = known ? transportId : fallback;
    return tid !== null && shownTransports.has(tid) ? nodeId.transport(tid) : CLIENT_ID;
  };
  const groupOf = (parent: string): number =>
    parent === CLIENT_ID ? LAST : (transportOrder.get(parent.slice('transport:'.length)) ?? LAST);

  // ── local producers and data producers ──
  const localProducers = new Set<string>();
  for (const p of valuesOf(room.producers)) {
    localProducers.add(p.id);
    if (!visible(p.closed)) continue;
    const parent = parentOf(p.transportId, sendTransport);
    const id = nodeId.producer(p.id);
    const low = p.scores.length > 0 && Math.min(...p.scores) < 5;
    const tone: Tone = p.closed ? 'off' : p.paused ? 'paused' : low ? 'warn' : 'ok';
    const scores = p.scores.length === 0 ? '' : `, scores ${p.scores.join(' ')}`;
    add(id, 2, [groupOf(parent), 0, 0, p.seq], {
      type: 'producer',
      producerId: p.id,
      local: true,
      kind: p.kind,
      peerId: null,
      owner: null,
      paused: p.paused,
      scores: p.scores,
      consumers: 0,
      summary: `Producer ${shortId(p.id)} (${kindWord(p.kind)}) of this client: ${p.paused ? 'paused' : 'producing'}${scores}${p.closed ? ', closed' : ''}`,
      tone,
      filterIds: [p.id],
      filterLabel: `producer ${shortId(p.id)}`,
      seq: p.seq,
      problems: problemsOf(p.id),
      closed: p.closed,
    });
    edges.push(
      edge(
        'contains',
        parent,
        id,
        p.closed ? 'off' : 'neutral',
        `Producer ${shortId(p.id)} runs on ${parent === CLIENT_ID ? 'no known transport' : 'its transport'}`,
      ),
    );
  }
  const localDataProducers = new Set<string>();
  for (const d of valuesOf(room.dataProducers)) {
    localDataProducers.add(d.id);
    if (!visible(d.closed)) continue;
    const parent = parentOf(d.transportId, sendTransport);
    const id = nodeId.dataProducer(d.id);
    add(id, 2, [groupOf(parent), 1, 0, d.seq], {
      type: 'dataProducer',
      dataProducerId: d.id,
      local: true,
      label: d.label,
      peerId: null,
      owner: null,
      summary: `Data producer ${shortId(d.id)}${d.label === null ? '' : ` "${d.label}"`} of this client${d.closed ? ', closed' : ''}`,
      tone: d.closed ? 'off' : 'ok',
      filterIds: [d.id],
      filterLabel: `data producer ${shortId(d.id)}`,
      seq: d.seq,
      problems: problemsOf(d.id),
      closed: d.closed,
    });
    edges.push(
      edge(
        'contains',
        parent,
        id,
        d.closed ? 'off' : 'neutral',
        `Data producer ${shortId(d.id)} runs on its transport`,
      ),
    );
  }

  // ── consumers, and the remote producers they reveal ──
  const remote = new Map<string, RemoteProducer>();
  const consumers = valuesOf(room.consumers).sort((a, b) => a.seq - b.seq);
  for (const c of consumers) {
    if (!visible(c.closed) || c.producerId === null || localProducers.has(c.producerId)) continue;
    let r = remote.get(c.producerId);
    if (r === undefined) {
      r = {
        id: c.producerId,
        kind: c.kind,
        peerId: c.peerId,
        paused: c.producerPaused,
        score: c.producerScore,
        latestSeq: c.seq,
        firstSeq: c.seq,
        open: 0,
        consumers: [],
      };
      remote.set(c.producerId, r);
    }
    r.consumers.push(c.id);
    if (!c.closed) r.open++;
    if (c.seq >= r.latestSeq) {
      r.latestSeq = c.seq;
      r.paused = c.producerPaused;
      r.score = c.producerScore ?? r.score;
      r.kind = c.kind ?? r.kind;
      r.peerId = c.peerId ?? r.peerId;
    }
  }
  for (const c of consumers) {
    if (c.closed && !showClosed) continue; // counted above
    const parent = parentOf(c.transportId, recvTransport);
    const id = nodeId.consumer(c.id);
    const firstSeq = c.producerId === null ? c.seq : (remote.get(c.producerId)?.firstSeq ?? c.seq);
    const leftPaused = c.state === 'rejected' || c.state === 'unanswered';
    const peer = nameOf(c.peerId);
    const data: ConsumerNodeData = {
      type: 'consumer',
      consumerId: c.id,
      producerId: c.producerId,
      peerId: c.peerId,
      kind: c.kind,
      consumerType: c.type,
      state: c.state,
      paused: c.paused,
      producerPaused: c.producerPaused,
      score: c.score,
      producerScore: c.producerScore,
      layers: c.layers,
      leftPaused,
      summary: consumerSummary(c, peer),
      tone: consumerTone(c),
      filterIds: [c.id],
      filterLabel: `consumer ${shortId(c.id)}`,
      seq: c.seq,
      problems: problemsOf(c.id),
      closed: c.closed,
    };
    add(id, 2, [groupOf(parent), 2, orderOfPeer(c.peerId, firstSeq), firstSeq, c.seq], data);
    edges.push(
      edge(
        'contains',
        parent,
        id,
        c.closed ? 'off' : 'neutral',
        `Consumer ${shortId(c.id)} runs on its transport`,
      ),
    );
    if (c.producerId !== null) {
      const target = nodeId.producer(c.producerId);
      const local = localProducers.has(c.producerId);
      if (!local || shown.has(target)) {
        edges.push(
          edge(
            'consumes',
            id,
            target,
            data.tone,
            `Consumer ${shortId(c.id)} consumes producer ${shortId(c.producerId)}`,
          ),
        );
      }
    }
  }

  // ── data consumers, and the remote data producers they reveal ──
  const remoteData = new Map<string, RemoteDataProducer>();
  const dataConsumers = valuesOf(room.dataConsumers).sort((a, b) => a.seq - b.seq);
  for (const d of dataConsumers) {
    if (!visible(d.closed)) continue;
    const parent = parentOf(d.transportId, recvTransport);
    const id = nodeId.dataConsumer(d.id);
    const leftPaused = d.state === 'rejected' || d.state === 'unanswered';
    const from = nameOf(d.peerId);
    const label = d.label === null ? '' : ` "${d.label}"`;
    const state =
      d.state === 'offered'
        ? 'offered, waiting for the client to accept'
        : d.state === 'accepted'
          ? 'open'
          : d.state === 'rejected'
            ? 'rejected by the client'
            : 'newDataConsumer never answered';
    // after the peer's media consumers, so a peer's producers and data producers stay together
    add(id, 2, [groupOf(parent), 2, orderOfPeer(d.peerId, d.seq), LAST, d.seq], {
      type: 'dataConsumer',
      dataConsumerId: d.id,
      dataProducerId: d.dataProducerId,
      peerId: d.peerId,
      label: d.label,
      state: d.state,
      leftPaused,
      summary: `Data consumer ${shortId(d.id)}${label} from ${from}: ${state}${d.closed ? ', closed' : ''}`,
      tone: dataConsumerTone(d),
      filterIds: [d.id],
      filterLabel: `data consumer ${shortId(d.id)}`,
      seq: d.seq,
      problems: problemsOf(d.id),
      closed: d.closed,
    });
    edges.push(
      edge(
        'contains',
        parent,
        id,
        d.closed ? 'off' : 'neutral',
        `Data consumer ${shortId(d.id)} runs on its transport`,
      ),
    );
    if (d.dataProducerId === null) continue;
    if (localDataProducers.has(d.dataProducerId)) {
      const target = nodeId.dataProducer(d.dataProducerId);
      if (shown.has(target))
        edges.push(
          edge(
            'consumes',
            id,
            target,
            dataConsumerTone(d),
            `Data consumer ${shortId(d.id)} reads data producer ${shortId(d.dataProducerId)}`,
          ),
        );
      continue;
    }
    let r = remoteData.get(d.dataProducerId);
    if (r === undefined) {
      r = {
        id: d.dataProducerId,
        label: d.label,
        peerId: d.peerId,
        firstSeq: d.seq,
        open: 0,
        consumers: [],
      };
      remoteData.set(d.dataProducerId, r);
    }
    r.consumers.push(d.id);
    if (!d.closed) r.open++;
    edges.push(
      edge(
        'consumes',
        id,
        nodeId.dataProducer(d.dataProducerId),
        dataConsumerTone(d),
        `Data consumer ${shortId(d.id)} reads data producer ${shortId(d.dataProducerId)}`,
      ),
    );
  }

  // ── remote producers and data producers, owned by their peers ──
  const referenced = new Set<string | null>();
  for (const r of remote.values()) {
    const id = nodeId.producer(r.id);
    const closed = r.open === 0;
    const tone: Tone = closed
      ? 'off'
      : r.paused
        ? 'paused'
        : r.score !== null && r.score < 5
          ? 'warn'
          : 'ok';
    const owner = nameOf(r.peerId);
    const count = `${r.consumers.length} consumer${r.consumers.length === 1 ? '' : 's'} here`;
    add(id, 3, [orderOfPeer(r.peerId, r.firstSeq), r.firstSeq], {
      type: 'producer',
      producerId: r.id,
      local: false,
      kind: r.kind,
      peerId: r.peerId,
      owner: ownerName(r.peerId),
      paused: r.paused,
      scores: r.score === null ? [] : [r.score],
      consumers: r.consumers.length,
      summary: `Producer ${shortId(r.id)} (${kindWord(r.kind)}) of ${r.peerId === null ? 'an unknown peer' : owner}: ${r.paused ? 'paused' : 'producing'}${r.score === null ? '' : `, score ${r.score}`}, ${count}${closed ? ', closed' : ''}`,
      tone,
      filterIds: [r.id, ...r.consumers],
      filterLabel: `producer ${shortId(r.id)}`,
      seq: r.firstSeq,
      problems: problemsOf(r.id),
      closed,
    });
    if (r.peerId !== null) {
      referenced.add(r.peerId);
      edges.push(
        edge(
          'owns',
          id,
          nodeId.peer(r.peerId),
          closed ? 'off' : 'neutral',
          `Producer ${shortId(r.id)} belongs to ${owner}`,
        ),
      );
    }
  }
  for (const r of remoteData.values()) {
    const id = nodeId.dataProducer(r.id);
    const closed = r.open === 0;
    const owner = nameOf(r.peerId);
    add(id, 3, [orderOfPeer(r.peerId, r.firstSeq), r.firstSeq], {
      type: 'dataProducer',
      dataProducerId: r.id,
      local: false,
      label: r.label,
      peerId: r.peerId,
      owner: r.peerId === null ? 'the bot' : ownerName(r.peerId),
      summary: `Data producer ${shortId(r.id)}${r.label === null ? '' : ` "${r.label}"`} of ${owner}${closed ? ', closed' : ''}`,
      tone: closed ? 'off' : 'ok',
      filterIds: [r.id, ...r.consumers],
      filterLabel: `data producer ${shortId(r.id)}`,
      seq: r.firstSeq,
      problems: problemsOf(r.id),
      closed,
    });
    referenced.add(r.peerId);
    const peerNode = r.peerId === null ? BOT_ID : nodeId.peer(r.peerId);
    edges.push(
      edge(
        'owns',
        id,
        peerNode,
        closed ? 'off' : 'neutral',
        `Data producer ${shortId(r.id)} belongs to ${owner}`,
      ),
    );
  }

  // ── peers: every peer in the room, and any a producer names ──
  const speaker = room.activeSpeaker;
  let peerCount = 0;
  // After the socket closed the client no longer sees the room: its peers count as gone.
  const cutOff = !room.open && room.epoch > 0;
  for (const p of peers) {
    const present = p.present && !cutOff;
    if (!present && !referenced.has(p.id) && !visible(true)) continue;
    peerCount++;
    const speaking = present && speaker?.peerId === p.id;
    const device = deviceText(p.device);
    const name = p.displayName === null || p.displayName === '' ? shortId(p.id) : p.displayName;
    const where = present
      ? 'in the room'
      : p.present
        ? 'in the room when the socket closed'
        : 'left the room';
    add(nodeId.peer(p.id), 4, [peerOrder.get(p.id) ?? LAST], {
      type: 'peer',
      peerId: p.id,
      displayName: p.displayName,
      device,
      present,
      bot: false,
      speaking,
      volume: speaking ? speaker.volume : null,
      summary: `Peer ${name}${device === null ? '' : ` (${device})`}: ${where}${speaking ? ', active speaker' : ''}`,
      tone: present ? 'neutral' : 'off',
      filterIds: [p.id],
      filterLabel: peerName(p.id, p.displayName),
      seq: p.joinedSeq,
      problems: problemsOf(p.id),
      closed: !present,
    });
  }
  for (const peerId of referenced) {
    if (peerId === null) {
      const bots = [...remoteData.values()].filter((r) => r.peerId === null);
      const dataIds = bots.map((r) => r.id);
      const open = !cutOff && bots.some((r) => r.open > 0);
      add(BOT_ID, 4, [LAST], {
        type: 'peer',
        peerId: null,
        displayName: null,
        device: null,
        present: open,
        bot: true,
        speaking: false,
        volume: null,
        summary: 'The mediasoup-demo bot (data consumers with no peer)',
        tone: open ? 'neutral' : 'off',
        filterIds: dataIds,
        filterLabel: 'the bot',
        seq: null,
        problems: [],
        closed: !open,
      });
      continue;
    }
    if (peerById.has(peerId)) continue;
    peerCount++;
    const first = [...remote.values()].find((r) => r.peerId === peerId)?.firstSeq ?? 0;
    add(nodeId.peer(peerId), 4, [orderOfPeer(peerId, first)], {
      type: 'peer',
      peerId,
      displayName: null,
      device: null,
      present: true,
      bot: false,
      speaking: false,
      volume: null,
      summary: `Peer ${shortId(peerId)}: never announced (known only from its consumers)`,
      tone: 'neutral',
      filterIds: [peerId],
      filterLabel: `peer ${shortId(peerId)}`,
      seq: null,
      problems: [],
      closed: false,
    });
  }

  const count = (type: RoomNodeData['type'], local?: boolean) =>
    nodes.filter(
      (n) =>
        n.data.type === type &&
        (local === undefined || !('local' in n.data) || n.data.local === local),
    ).length;
  return {
    kind: 'mediasoup',
    nodes,
    edges,
    counts: {
      peers: peerCount,
      transports: shownTransports.size,
      producers: count('producer', true),
      consumers: count('consumer'),
      dataProducers: count('dataProducer', true),
      dataConsumers: count('dataConsumer'),
      hiddenClosed,
    },
  };
}

// ── mesh ────────────────────────────────────────────────────────────────

/** One recorded page of a mesh room at the cursor. */
export interface MeshPage {
  readonly context: MeshRoomContext;
  /** The page machine's state value (`connecting`, `inRoom`, `disconnected`). */
  readonly state?: string | null;
  /** Its connection name. */
  readonly conn?: string | null;
}

const LINK_RANK: Record<MeshLinkState, number> = {
  connected: 0,
  waiting: 1,
  offering: 1,
  answering: 1,
  dead: 2,
};

function linkTone(state: MeshLinkState): Tone {
  return state === 'connected' ? 'ok' : state === 'dead' ? 'bad' : 'pending';
}

function isPage(value: MeshRoomContext | MeshPage): value is MeshPage {
  return Object.hasOwn(value, 'context');
}

/**
 * The graph of a full-mesh room from its recorded pages (one page: its links to every other
 * peer; several pages of one room: the mesh between them). A node per peer (`mesh:<id>`);
 * an edge per pair with a link (`link:<a>~<b>`, from the initiator to the passive side),
 * coloured by the link's state — when both pages have the link, by the worse of the two.
 *
 * @example
 * meshGraph(snapshot.context).edges.map((e) => e.tone); // ['ok', 'pending']
 * meshGraph([{ context: a, state: 'inRoom' }, { context: b }]);
 */
export function meshGraph(input: MeshRoomContext | MeshPage | readonly MeshPage[]): RoomGraph {
  const pages: readonly MeshPage[] = Array.isArray(input)
    ? (input as readonly MeshPage[])
    : isPage(input as MeshRoomContext | MeshPage)
      ? [input as MeshPage]
      : [{ context: input as MeshRoomContext }];
  const selves = new Map<string, MeshPage>();
  const online = new Set<string>();
  const seen = new Set<string>();
  for (const page of pages) {
    const self = page.context.selfId;
    if (self === null) continue;
    selves.set(self, page);
    seen.add(self);
    for (const id of page.context.online) online.add(id);
    for (const id of Object.keys(page.context.links)) seen.add(id);
  }
  const ids = [...seen].sort(compareMeshIds);
  const rank = new Map(ids.map((id, i) => [id, i]));

  const links = new Map<string, { a: string; b: string; info: MeshEdgeInfo }>();
  for (const [self, page] of selves) {
    for (const link of Object.values<MeshLink>(page.context.links)) {
      const [a, b] =
        compareMeshIds(self, link.peerId) <= 0 ? [self, link.peerId] : [link.peerId, self];
      const key = `${a}~${b}`;
      const initiator = link.role === 'initiator' ? self : link.peerId;
      const passive = link.role === 'initiator' ? link.peerId : self;
      const view = { page: self, role: link.role, state: link.state, generation: link.generation };
      const known = links.get(key);
      if (known === undefined) {
        links.set(key, { a, b, info: { initiator, passive, views: [view] } });
      } else {
        known.info = { ...known.info, views: [...known.info.views, view] };
      }
    }
  }

  const nodes: RoomGraphNode[] = ids.map((id) => {
    const page = selves.get(id);
    const self = page !== undefined;
    const state = page?.state ?? null;
    const isOnline = self ? state !== 'disconnected' : online.has(id);
    const tone: Tone = self
      ? state === 'disconnected'
        ? 'warn'
        : state === 'inRoom' || state === null
          ? 'ok'
          : 'pending'
      : isOnline
        ? 'neutral'
        : 'off';
    const where = self
      ? `recorded page${page.conn ? ` on connection ${page.conn}` : ''}${state === null ? '' : `, ${state}`}`
      : isOnline
        ? 'online'
        : 'offline (its WebSocket is gone; the peer connection may live on)';
    return {
      id: nodeId.mesh(id),
      column: 0,
      sort: [rank.get(id) ?? LAST],
      data: {
        type: 'meshPeer',
        peerId: id,
        self,
        online: isOnline,
        state,
        summary: `Mesh peer ${shortId(id)}: ${where}`,
        tone,
        filterIds: [id],
        filterLabel: `mesh peer ${shortId(id)}`,
        seq: null,
        problems: (page?.context.problems ?? []).map((p) => p.detail),
        closed: !isOnline,
      },
    };
  });
  const edges: RoomGraphEdge[] = [...links.values()].map(({ a, b, info }) => {
    const worst = info.views.reduce((w, v) => (LINK_RANK[v.state] > LINK_RANK[w.state] ? v : w));
    const states = info.views.map(
      (v) => `${shortId(v.page)} says ${v.state} (generation ${v.generation})`,
    );
    return {
      id: `link:${a}~${b}`,
      kind: 'link',
      source: nodeId.mesh(info.initiator),
      target: nodeId.mesh(info.passive),
      tone: linkTone(worst.state),
      summary: `Peer connection ${shortId(info.initiator)} to ${shortId(info.passive)}: ${states.join('; ')}`,
      link: info,
    };
  });
  return {
    kind: 'mesh',
    nodes,
    edges,
    counts: {
      peers: nodes.length,
      transports: 0,
      producers: 0,
      consumers: 0,
      dataProducers: 0,
      dataConsumers: 0,
      hiddenClosed: 0,
    },
  };
}

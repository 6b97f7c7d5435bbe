/**
 * Transport connection states from `pc` events: which RTCPeerConnection is which
 * mediasoup-client transport, and what its `connectionstatechange` /
 * `iceconnectionstatechange` / `close` events do to the room model.
 *
 * mediasoup-client runs one RTCPeerConnection per transport (protocol.md §3) and reports its
 * `connectionState` as the transport's. A capture names peer connections by `pc` id only, so
 * each `pc` id of the connection is tied to a transport by the first of these rules that
 * decides (the rule is kept as `RoomTransport.pcRule` / `RoomPc.rule`):
 *
 * 1. `create`: a `pc` `create` event whose value carries `{ transportId }` names it. A pc
 *    with such a claim is tied by this rule only (it waits for that transport to be created).
 * 2. `ice-ufrag`: the `a=ice-ufrag` of a remote SDP it was given (`setRemoteDescription`
 *    value `{ type, sdp }`) equals the transport's `iceParameters.usernameFragment` from the
 *    `createWebRtcTransport` (or `restartIce`) response — the server's ICE credentials are
 *    what mediasoup-client puts in the remote SDP. A ufrag that some transport already owns
 *    ties nothing else, and a pc with a remote ufrag is never tied by direction to a
 *    transport whose known ufrag differs (it waits for its own transport).
 * 3. By direction, only when exactly one open, untied transport has that direction:
 *    `offer-direction` — a pc that makes the offer (`createOffer`, a local offer or a remote
 *    answer) is the send transport's, one that receives the remote offer (a remote offer or a
 *    local answer) is the recv transport's; else `pc-name` — a pc id starting with `send-pc`
 *    or `recv-pc` (the fixtures' names).
 *
 * Rules 1 and 2 are also tried when a transport is created, for pcs that appeared first.
 * A pc none of the rules ties is left alone (its states are kept on the pc and copied to the
 * transport if it is tied later). A transport has at most one pc.
 *
 * A tied pc's `connectionstatechange` sets the transport's `connectionState` (`closed` is
 * final, as for RTCPeerConnection); its `close` closes the transport as
 * `transport.close()` does in mediasoup-client, with the producers, consumers and data
 * producers / consumers on it. A transport that turns `failed` is a `transport-failed`
 * problem: ICE or DTLS failed, no media flows until an ICE restart, and the demo server
 * closes the peer when its side of the transport fails (protocol.md §2.6).
 */
import type {
  MediasoupClientEvent,
  PcMappingRule,
  RoomModel,
  RoomPc,
  RoomProblem,
  RoomTransport,
  TransportConnectionState,
} from './mediasoupClientMachine.context.ts';
import {
  entry,
  field,
  idOf,
  mapAll,
  put,
  str,
  update,
  valuesOf,
} from './mediasoupClientMachine.tables.ts';

type PcEvent = Extract<MediasoupClientEvent, { type: 'pc.event' }>;

const CONNECTION_STATES: ReadonlySet<string> = new Set<TransportConnectionState>([
  'new',
  'connecting',
  'connected',
  'disconnected',
  'failed',
  'closed',
]);

function connectionStateOf(value: unknown): TransportConnectionState | null {
  return typeof value === 'string' && CONNECTION_STATES.has(value)
    ? (value as TransportConnectionState)
    : null;
}

/**
 * The first `a=ice-ufrag` of an SDP, or null.
 *
 * @example
 * iceUfragOf('v=0\r\na=ice-ufrag:h3hk1iz6\r\n'); // 'h3hk1iz6'
 */
export function iceUfragOf(sdp: string): string | null {
  const match = /^a=ice-ufrag:([^\s]+)/m.exec(sdp);
  return match?.[1] ?? null;
}

/** What one pc event tells about the pc itself. */
function observe(pc: RoomPc, name: string, value: unknown): RoomPc {
  switch (name) {
    case 'create': {
      const claim = idOf(value, 'transportId');
      return claim === null ? pc : { ...pc, claimedTransportId: claim };
    }
    case 'createOffer':
      return { ...pc, offers: 'local' };
    case 'setLocalDescription':
    case 'setRemoteDescription': {
      const type = str(field(value, 'type'));
      const local = name === 'setLocalDescription';
      let next = pc;
      if (type === 'offer') next = { ...next, offers: local ? 'local' : 'remote' };
      if (type === 'answer') next = { ...next, offers: local ? 'remote' : 'local' };
      const sdp = str(field(value, 'sdp'));
      const ufrag = !local && sdp !== null ? iceUfragOf(sdp) : null;
      return ufrag === null ? next : { ...next, remoteUfrag: ufrag };
    }
    case 'connectionstatechange': {
      const state = connectionStateOf(value);
      return state === null || pc.connectionState === 'closed'
        ? pc
        : { ...pc, connectionState: state };
    }
    case 'iceconnectionstatechange': {
      const state = str(value);
      return state === null ? pc : { ...pc, iceConnectionState: state };
    }
    case 'close':
      return { ...pc, connectionState: 'closed' };
    default:
      return pc;
  }
}

const isFree = (t: RoomTransport): boolean => t.pc === null;

/** The transport the rules tie `pc` to, and the rule that decided; null when none decides. */
function ruleFor(room: RoomModel, pc: RoomPc): [string, PcMappingRule] | null {
  if (pc.claimedTransportId !== null) {
    const t = entry(room.transports, pc.claimedTransportId);
    return t !== undefined && isFree(t) ? [t.id, 'create'] : null;
  }
  const transports = valuesOf(room.transports);
  if (pc.remoteUfrag !== null) {
    const owners = transports.filter((t) => t.usernameFragment === pc.remoteUfrag);
    const free = owners.filter(isFree);
    if (free.length === 1 && free[0] !== undefined) return [free[0].id, 'ice-ufrag'];
    if (owners.length > 0) return null;
  }
  let direction: 'send' | 'recv';
  let rule: PcMappingRule;
  if (pc.offers !== null) {
    direction = pc.offers === 'local' ? 'send' : 'recv';
    rule = 'offer-direction';
  } else if (/^send-pc/i.test(pc.id)) {
    direction = 'send';
    rule = 'pc-name';
  } else if (/^recv-pc/i.test(pc.id)) {
    direction = 'recv';
    rule = 'pc-name';
  } else {
    return null;
  }
  // a remote ufrag rules out every transport whose own ufrag is known (and differs)
  const open = transports.filter(
    (t) =>
      isFree(t) &&
      !t.closed &&
      t.direction === direction &&
      (pc.remoteUfrag === null || t.usernameFragment === null),
  );
  return open.length === 1 && open[0] !== undefined ? [open[0].id, rule] : null;
}

/** Closes what `transport.close()` closes in mediasoup-client: everything on the transport. */
function closeContents(room: RoomModel, transport: RoomTransport): RoomModel {
  const id = transport.id;
  const recv = transport.direction === 'recv';
  const onIt = (transportId: string | null): boolean =>
    transportId === id || (transportId === null && recv);
  return {
    ...room,
    producers: mapAll(room.producers, (p) =>
      p.transportId === id && !p.closed ? { ...p, closed: true } : p,
    ),
    dataProducers: mapAll(room.dataProducers, (d) =>
      d.transportId === id && !d.closed ? { ...d, closed: true } : d,
    ),
    consumers: mapAll(room.consumers, (c) =>
      onIt(c.transportId) && !c.closed ? { ...c, closed: true } : c,
    ),
    dataConsumers: mapAll(room.dataConsumers, (d) =>
      onIt(d.transportId) && !d.closed ? { ...d, closed: true } : d,
    ),
  };
}

/** Copies a tied pc's states to its transport. */
function sync(room: RoomModel, pc: RoomPc, seq: number): RoomModel {
  const transport = pc.transportId === null ? undefined : entry(room.transports, pc.transportId);
  if (transport === undefined || transport.connectionState === 'closed') return room;
  let next: RoomTransport = transport;
  if (pc.iceConnectionState !== null && pc.iceConnectionState !== next.iceConnectionState) {
    next = { ...next, iceConnectionState: pc.iceConnectionState };
  }
  const state = pc.connectionState;
  const changed = state !== null && state !== transport.connectionState;
  if (changed)
    next = { ...next, connectionState: state, closed: next.closed || state === 'closed' };
  if (next === transport) return room;
  let out: RoomModel = { ...room, transports: put(room.transports, transport.id, next) };
  if (changed && state === 'closed') out = closeContents(out, next);
  if (changed && state === 'failed') {
    const p: RoomProblem = {
      seq,
      code: 'transport-failed',
      message: `transport ${transport.id} (${transport.direction}) failed: its peer connection ${pc.id} reports connectionState failed`,
      subject: transport.id,
    };
    out = { ...out, problems: [...out.problems, p] };
  }
  return out;
}

function tie(
  room: RoomModel,
  pc: RoomPc,
  transportId: string,
  rule: PcMappingRule,
  seq: number,
): RoomModel {
  const tied: RoomPc = { ...pc, transportId, rule };
  const next: RoomModel = {
    ...room,
    pcs: put(room.pcs, pc.id, tied),
    transports: update(room.transports, transportId, (t) => ({ ...t, pc: pc.id, pcRule: rule })),
  };
  return sync(next, tied, seq);
}

/**
 * The room model after a `pc` event of this connection: the pc is remembered, tied to a
 * transport when a rule decides, and a tied pc's states go to its transport.
 *
 * @example
 * onPcEvent(room, { type: 'pc.event', pc: 'send-pc', event: 'connectionstatechange', value: 'connected', seq: 9 });
 */
export function onPcEvent(room: RoomModel, event: PcEvent): RoomModel {
  const known = entry(room.pcs, event.pc);
  const before: RoomPc = known ?? {
    id: event.pc,
    transportId: null,
    rule: null,
    claimedTransportId: null,
    remoteUfrag: null,
    offers: null,
    connectionState: null,
    iceConnectionState: null,
    seq: event.seq,
  };
  const pc = observe(before, event.event, event.value);
  const next: RoomModel = pc === known ? room : { ...room, pcs: put(room.pcs, pc.id, pc) };
  if (pc.transportId !== null) return pc === known ? room : sync(next, pc, event.seq);
  const decided = ruleFor(next, pc);
  return decided === null ? next : tie(next, pc, decided[0], decided[1], event.seq);
}

/**
 * After transport `transportId` was created: ties the first waiting pc that names it
 * (`create`) or carries its ICE ufrag (`ice-ufrag`).
 */
export function tieWaitingPc(room: RoomModel, transportId: string, seq: number): RoomModel {
  const transport = entry(room.transports, transportId);
  if (transport === undefined || !isFree(transport)) return room;
  for (const pc of valuesOf(room.pcs)) {
    if (pc.transportId !== null) continue;
    if (pc.claimedTransportId === transportId) return tie(room, pc, transportId, 'create', seq);
    if (
      pc.claimedTransportId === null &&
      pc.remoteUfrag !== null &&
      pc.remoteUfrag === transport.usernameFragment
    ) {
      return tie(room, pc, transportId, 'ice-ufrag', seq);
    }
  }
  return room;
}

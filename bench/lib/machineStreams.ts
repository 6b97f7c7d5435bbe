/**
 * Long event streams for the machine-stepper benchmark: one per machine, `count` log indexes
 * (1,000,000 at full size), generated deterministically from a seed, shaped like real
 * sessions, and fed to the stepper through its `eventsAt`. Each stream is generated up front
 * (one event, or none, per index, so that replays from a checkpoint see the same events), then
 * `build()` makes the checkpointed stepper, which is what the benchmark times.
 *
 * The generators keep every machine in legal traffic (no problem, mismatch or unexpected
 * decision is made on purpose, besides the rare ones a real session has): those lists only
 * grow, and a machine's context copies them on every append (see the README).
 */
import {
  initialTransition,
  type AnyStateMachine,
  type EventFromLogic,
  type SnapshotFrom,
} from 'xstate';
import {
  createStepper,
  type StepInput,
  type Stepper,
  type StepperStats,
} from '../../machines/lib/stepper.ts';
import {
  mediasoupClientMachine,
  type MediasoupClientEvent,
} from '../../machines/mediasoupClientMachine.ts';
import { sizeOf } from '../../machines/mediasoupClientMachine.tables.ts';
import { meshRoomMachine, type MeshRoomEvent } from '../../machines/meshRoomMachine.ts';
import { negotiationMachine, type NegotiationEvent } from '../../machines/negotiationMachine.ts';
import {
  runNegotiationPair,
  type PairStep,
  type PeerRole,
} from '../../machines/negotiationPair.ts';
import {
  aggregateConnectionState,
  aggregateIceConnectionState,
  aggregateIceGatheringState,
  peerConnectionMachine,
  type DtlsTransportState,
  type IceGathererState,
  type IceTransportState,
  type PeerConnectionEvent,
  type SdpType,
  type SignalingState,
} from '../../machines/peerConnectionMachine.ts';
import type { TwoPartyPayload } from '../../src/protocol/roomProtocols.ts';
import { twoPartyRoomMachine, type TwoPartyRoomEvent } from '../../machines/twoPartyRoomMachine.ts';
import { createRng } from './rng.ts';

/** A generated stream, ready to be stepped. */
export interface PreparedStream {
  /** What the stream holds (how many of each kind of round, peers, …). */
  readonly shape: Readonly<Record<string, number | string>>;
  /** Builds the checkpointed stepper over every index (the part the benchmark times). */
  build(): Stepper<unknown>;
  /** Figures read from the built stepper (final state, problems recorded, …). */
  summary(): Record<string, unknown>;
  /** What stepping cost so far: events fed, skipped, stepped by XState. */
  stats(): StepperStats;
}

/** Counts things by name, for `shape`. */
class Tally {
  readonly counts: Record<string, number> = {};
  add(name: string, n = 1): void {
    this.counts[name] = (this.counts[name] ?? 0) + n;
  }
}

function prepared<M extends AnyStateMachine>(
  machine: M,
  count: number,
  every: number,
  eventsAt: (index: number, before: SnapshotFrom<M>) => StepInput<EventFromLogic<M>>,
  shape: Record<string, number | string>,
  summary: (stepper: Stepper<SnapshotFrom<M>>) => Record<string, unknown>,
  initial?: SnapshotFrom<M>,
): PreparedStream {
  let stepper: Stepper<SnapshotFrom<M>> | undefined;
  const built = (): Stepper<SnapshotFrom<M>> => {
    if (stepper === undefined) throw new Error('build() first');
    return stepper;
  };
  return {
    shape,
    build() {
      stepper = createStepper(machine, eventsAt, count, { every, initial });
      return stepper;
    },
    summary: () => summary(built()),
    stats: () => built().stats(),
  };
}

/** The events of a fully generated stream by index (one event per index). */
function fromArray<E>(events: readonly E[]): (index: number) => E | undefined {
  return (index) => events[index];
}

// ---------------------------------------------------------------------------------------------
// peerConnection: one RTCPeerConnection of a long call (one bundled transport)
// ---------------------------------------------------------------------------------------------

/**
 * A call set up once (offer/answer, gathering, ICE and DTLS), then renegotiated over and over:
 * local and remote offers (argument-less SLD as the perfect-negotiation code calls it), glare
 * resolved by an implicit rollback, explicit rollbacks, pranswers, a failed SRD retried, ICE
 * restarts and ICE blips (disconnected → connected), with the browser's signaling / ICE /
 * connection reports after each change, as a recorder captures them.
 */
export function peerConnectionStream(count: number, seed: string): PreparedStream {
  const rng = createRng(seed);
  const events: PeerConnectionEvent[] = [];
  const tally = new Tally();
  let signaling: SignalingState = 'stable';
  let ice: IceTransportState = 'new';
  let dtls: DtlsTransportState = 'new';
  let gatherer: IceGathererState = 'new';
  const T = 't0';
  const push = (e: PeerConnectionEvent): void => {
    events.push({ ...e, seq: events.length });
  };
  const call = (side: 'local' | 'remote', sdpType: SdpType | undefined, to: SignalingState) => {
    push({
      type: side === 'local' ? 'pc.setLocalDescription' : 'pc.setRemoteDescription',
      sdpType,
    });
    if (to !== signaling) push({ type: 'pc.signalingReported', state: to });
    push({
      type:
        side === 'local' ? 'pc.setLocalDescriptionOnSuccess' : 'pc.setRemoteDescriptionOnSuccess',
    });
    signaling = to;
  };
  const reportIce = (): void => {
    push({ type: 'pc.iceConnectionReported', state: aggregateIceConnectionState([ice], false) });
  };
  const reportConnection = (): void => {
    push({ type: 'pc.connectionReported', state: aggregateConnectionState([ice], [dtls], false) });
  };
  const setIce = (state: IceTransportState): void => {
    ice = state;
    push({ type: 'pc.transportIce', transport: T, state });
    reportIce();
    if (dtls !== 'new') reportConnection();
  };
  const setDtls = (state: DtlsTransportState): void => {
    dtls = state;
    push({ type: 'pc.transportDtls', transport: T, state });
    reportConnection();
  };
  const gather = (state: IceGathererState): void => {
    gatherer = state;
    push({ type: 'pc.transportGathering', transport: T, state });
    push({ type: 'pc.iceGatheringReported', state: aggregateIceGatheringState([gatherer]) });
  };

  // Set-up: offer, gathering, answer, ICE checks, DTLS.
  call('local', 'offer', 'have-local-offer');
  gather('gathering');
  call('remote', 'answer', 'stable');
  setIce('checking');
  gather('complete');
  setIce('connected');
  setDtls('connecting');
  setDtls('connected');
  tally.add('setup');

  while (events.length < count) {
    const roll = rng.next();
    if (roll < 0.35) {
      tally.add('localOffer');
      call('local', undefined, 'have-local-offer');
      call('remote', 'answer', 'stable');
    } else if (roll < 0.7) {
      tally.add('remoteOffer');
      call('remote', 'offer', 'have-remote-offer');
      call('local', undefined, 'stable');
    } else if (roll < 0.8) {
      // Glare: our offer is out when theirs arrives; SRD(offer) rolls ours back first.
      tally.add('glareImplicitRollback');
      call('local', 'offer', 'have-local-offer');
      push({ type: 'pc.setRemoteDescription', sdpType: 'offer' });
      push({ type: 'pc.signalingReported', state: 'stable' });
      push({ type: 'pc.signalingReported', state: 'have-remote-offer' });
      push({ type: 'pc.setRemoteDescriptionOnSuccess' });
      signaling = 'have-remote-offer';
      call('local', 'answer', 'stable');
    } else if (roll < 0.85) {
      tally.add('explicitRollback');
      call('local', 'offer', 'have-local-offer');
      call('local', 'rollback', 'stable');
    } else if (roll < 0.88) {
      tally.add('pranswer');
      call('remote', 'offer', 'have-remote-offer');
      call('local', 'pranswer', 'have-local-pranswer');
      call('local', 'answer', 'stable');
    } else if (roll < 0.91) {
      tally.add('failedSrdRetried');
      call('local', 'offer', 'have-local-offer');
      push({ type: 'pc.setRemoteDescription', sdpType: 'answer' });
      push({
        type: 'pc.setRemoteDescriptionOnFailure',
        error: 'OperationError: Failed to set remote answer sdp: Failed to apply the description',
      });
      call('remote', 'answer', 'stable');
    } else if (roll < 0.96) {
      tally.add('iceRestart');
      gather('gathering');
      call('local', 'offer', 'have-local-offer');
      setIce('checking');
      call('remote', 'answer', 'stable');
      setIce('connected');
      gather('complete');
    } else {
      tally.add('iceBlip');
      setIce('disconnected');
      setIce('connected');
    }
  }
  events.length = count;
  return prepared(
    peerConnectionMachine,
    count,
    256,
    fromArray(events),
    { events: events.length, ...tally.counts },
    (stepper) => {
      const c = stepper.final.context;
      return {
        finalState: stepper.final.value,
        mismatches: c.mismatches.length,
        illegalChanges: c.illegalChanges.length,
      };
    },
  );
}

// ---------------------------------------------------------------------------------------------
// negotiation: the polite side of perfect negotiation, glare rounds between trickled candidates
// ---------------------------------------------------------------------------------------------

const nn = (peer: PeerRole): PairStep => ({ peer, do: 'negotiationneeded' });
const step = (peer: PeerRole): PairStep => ({ peer, do: 'step' });
const deliver = (peer: PeerRole): PairStep => ({ peer, do: 'deliver' });
const gatherStep = (peer: PeerRole): PairStep => ({ peer, do: 'gather' });
const SETTLE: PairStep = { do: 'settle' };
const CROSSED: readonly PairStep[] = [
  nn('polite'),
  nn('impolite'),
  step('polite'),
  step('polite'),
  step('polite'),
  step('impolite'),
  step('impolite'),
  step('impolite'),
];

/**
 * The polite side's machine events for one round played by a negotiation pair, or undefined
 * when the round does not end with both sides stable and idle (it could not be repeated).
 */
function politeRound(script: readonly PairStep[]): NegotiationEvent[] | undefined {
  const end = runNegotiationPair([...script, SETTLE]);
  for (const side of [end.polite, end.impolite]) {
    const c = side.context;
    const idle = c.offerer === 'idle' && c.handler === 'idle' && c.chain.length === 0;
    if (!idle || c.signalingState !== 'stable' || c.candidatesPending !== 0) return undefined;
  }
  return end.trace.filter((t) => t.peer === 'polite').map((t) => t.event);
}

/**
 * Rounds played out by {@link runNegotiationPair} (the W3C example on both sides): either side
 * offering alone, glare with the offers crossing in both orders, glare while one SLD() runs,
 * candidates overtaking or trailing their description, and random interleavings of both
 * sides' steps; the polite side's events of each round, with fresh description ids, separated
 * by trickled candidates (received and added) as a long call has them.
 */
export function negotiationStream(count: number, seed: string): PreparedStream {
  const rng = createRng(seed);
  const fixed: readonly (readonly PairStep[])[] = [
    [nn('polite')],
    [nn('impolite')],
    [nn('impolite'), step('impolite'), step('impolite'), step('impolite'), gatherStep('impolite')],
    [...CROSSED, deliver('polite'), deliver('impolite')],
    [...CROSSED, deliver('impolite'), deliver('polite')],
    [
      ...CROSSED,
      gatherStep('polite'),
      gatherStep('impolite'),
      deliver('impolite'),
      deliver('impolite'),
    ],
    [
      nn('polite'),
      step('polite'),
      step('polite'),
      step('polite'),
      nn('impolite'),
      step('impolite'),
      deliver('impolite'),
    ],
    [
      nn('polite'),
      step('polite'),
      nn('impolite'),
      step('impolite'),
      step('impolite'),
      step('impolite'),
      deliver('polite'),
    ],
  ];
  const random: PairStep[][] = [];
  const moves: readonly PairStep[] = (['polite', 'impolite'] as const).flatMap((p) => [
    step(p),
    step(p),
    deliver(p),
    gatherStep(p),
  ]);
  for (let k = 0; k < 24; k++) {
    const script: PairStep[] = [];
    if (rng.chance(0.7)) script.push(nn('polite'));
    if (script.length === 0 || rng.chance(0.7)) script.push(nn('impolite'));
    for (let n = rng.int(0, 10); n > 0; n--) script.push(rng.pick(moves));
    random.push(script);
  }
  const rounds = [...fixed, ...random].map(politeRound).filter((r) => r !== undefined);
  const candidateReceived: NegotiationEvent = { type: 'candidate.received' };
  const candidateAdded: NegotiationEvent = { type: 'candidate.added' };
  const events: NegotiationEvent[] = [];
  let played = 0;
  while (events.length < count) {
    const template = rounds[rng.int(0, rounds.length - 1)] ?? [];
    played++;
    for (const e of template) {
      const seq = events.length;
      events.push(
        e.type === 'description.received' && e.id !== undefined
          ? { ...e, id: `${e.id}#${played}`, seq }
          : { ...e, seq },
      );
    }
    // Trickle ICE between renegotiations.
    for (let n = rng.int(50, 450); n > 0; n--) events.push(candidateReceived, candidateAdded);
  }
  events.length = count;
  return prepared(
    negotiationMachine,
    count,
    256,
    fromArray(events),
    { events: events.length, rounds: played, roundTemplates: rounds.length },
    (stepper) => {
      const c = stepper.final.context;
      const kinds: Record<string, number> = {};
      for (const d of c.decisions) kinds[d.kind] = (kinds[d.kind] ?? 0) + 1;
      return {
        finalState: stepper.final.value,
        decisions: c.decisions.length,
        decisionKinds: kinds,
      };
    },
    initialTransition(negotiationMachine, { polite: true })[0],
  );
}

// ---------------------------------------------------------------------------------------------
// mediasoupClient: a room client that joins, produces, consumes, and reconnects
// ---------------------------------------------------------------------------------------------

interface RemotePeer {
  readonly id: string;
  readonly producers: readonly { readonly id: string; readonly kind: 'audio' | 'video' }[];
}

/**
 * One mediasoup-demo client (legacy dialect) of a room whose other peers come and go: the join
 * sequence (capabilities, two transports, join, connect, produce audio and video), a
 * `newConsumer` server request (answered) for each producer of each other peer, then the
 * server's score, layer, speaker and pause notifications on many consumers, the client's stats
 * polling, pause / resume of consumers and producers, peers leaving (consumers closed) and
 * joining (new consumers), and every 20,000 indexes or so a dropped socket and the whole join
 * sequence again. One `newConsumer` in ~40,000 is never answered and times out (the tick that
 * brings its deadline comes from `eventsAt`, as in the driver).
 */
export function mediasoupStream(count: number, seed: string): PreparedStream {
  const rng = createRng(seed);
  const events: MediasoupClientEvent[] = [];
  const times: number[] = [];
  const tally = new Tally();
  let t = 0;
  let nextId = rng.int(1_000_000, 9_000_000);
  let peerSerial = 0;
  let objectSerial = 0;
  /** Appends `e` at time `at` (default: a few ms after the previous event). */
  const push = (e: MediasoupClientEvent, at = t + rng.int(1, 40)): void => {
    t = at;
    events.push(e);
    times.push(t);
  };
  const seq = (): number => events.length;
  const request = (method: string, data: unknown, response: unknown): void => {
    const id = nextId++;
    const at = t + rng.int(1, 40);
    push({ type: 'ms.request', id, method, data, seq: seq(), t: at }, at);
    push({ type: 'ms.response', id, ok: true, data: response, seq: seq() });
  };
  const newPeer = (): RemotePeer => {
    peerSerial++;
    const p = (kind: 'audio' | 'video') => ({ id: `prod-${peerSerial}-${kind}`, kind });
    return { id: `peer-${peerSerial}`, producers: [p('audio'), p('video')] };
  };
  let present: RemotePeer[] = [newPeer(), newPeer(), newPeer(), newPeer()];
  /** Live consumers of this connection. */
  let consumers: { id: string; peerId: string; kind: 'audio' | 'video' }[] = [];
  let own: string[] = [];
  let sendTransport = '';
  let recvTransport = '';
  const consume = (peer: RemotePeer): void => {
    for (const producer of peer.producers) {
      const id = `cons-${++objectSerial}`;
      const rid = nextId++;
      const at = t + rng.int(1, 40);
      push(
        {
          type: 'ms.serverRequest',
          id: rid,
          method: 'newConsumer',
          data: {
            peerId: peer.id,
            producerId: producer.id,
            id,
            kind: producer.kind,
            rtpParameters: {},
            type: producer.kind === 'video' ? 'simulcast' : 'simple',
            appData: {},
            producerPaused: false,
          },
          seq: seq(),
          t: at,
        },
        at,
      );
      if (rng.chance(1 / 40_000)) {
        tally.add('newConsumerUnanswered');
        continue;
      }
      push({ type: 'ms.clientAnswer', id: rid, ok: true, seq: seq() });
      consumers.push({ id, peerId: peer.id, kind: producer.kind });
    }
  };
  const join = (): void => {
    tally.add('joins');
    push({ type: 'ws.open' });
    push({ type: 'ms.version', version: '3.14.6', seq: seq() });
    request('getRouterRtpCapabilities', {}, { codecs: [], headerExtensions: [] });
    sendTransport = `tr-${++objectSerial}`;
    recvTransport = `tr-${++objectSerial}`;
    request(
      'createWebRtcTransport',
      { forceTcp: false, producing: true, consuming: false, sctpCapabilities: {} },
      { id: sendTransport, iceParameters: {}, iceCandidates: [], dtlsParameters: {} },
    );
    request(
      'createWebRtcTransport',
      { forceTcp: false, producing: false, consuming: true, sctpCapabilities: {} },
      { id: recvTransport, iceParameters: {}, iceCandidates: [], dtlsParameters: {} },
    );
    request(
      'join',
      {
        displayName: 'Bench',
        device: { flag: 'chrome', name: 'Chrome', version: '120.0' },
        rtpCapabilities: {},
        sctpCapabilities: {},
      },
      { peers: present.map((p) => ({ id: p.id, displayName: p.id, device: { flag: 'firefox' } })) },
    );
    consumers = [];
    for (const peer of present) consume(peer);
    request('connectWebRtcTransport', { transportId: recvTransport, dtlsParameters: {} }, {});
    request('connectWebRtcTransport', { transportId: sendTransport, dtlsParameters: {} }, {});
    own = [];
    for (const kind of ['audio', 'video'] as const) {
      const id = `own-${++objectSerial}`;
      request(
        'produce',
        { transportId: sendTransport, kind, rtpParameters: {}, appData: {} },
        { id },
      );
      own.push(id);
    }
  };

  join();
  let nextDrop = events.length + rng.int(15_000, 25_000);
  while (events.length < count) {
    if (events.length >= nextDrop) {
      tally.add('reconnects');
      push({ type: 'ws.close', code: 1006 });
      join();
      nextDrop = events.length + rng.int(15_000, 25_000);
      continue;
    }
    const roll = rng.next();
    const consumer = consumers.length > 0 ? rng.pick(consumers) : undefined;
    if (roll < 0.3 && consumer !== undefined) {
      push({
        type: 'ms.notification',
        method: 'consumerScore',
        data: { consumerId: consumer.id, score: { score: rng.int(7, 10), producerScore: 10 } },
        seq: seq(),
      });
    } else if (roll < 0.4) {
      const producerId = rng.pick(own);
      push({
        type: 'ms.notification',
        method: 'producerScore',
        data: { producerId, score: [{ ssrc: 1111, score: rng.int(8, 10) }] },
        seq: seq(),
      });
    } else if (roll < 0.55 && present.length > 0) {
      push({
        type: 'ms.notification',
        method: 'activeSpeaker',
        data: { peerId: rng.pick(present).id, volume: -rng.int(20, 60) },
        seq: seq(),
      });
    } else if (roll < 0.6 && consumer !== undefined && consumer.kind === 'video') {
      push({
        type: 'ms.notification',
        method: 'consumerLayersChanged',
        data: {
          consumerId: consumer.id,
          spatialLayer: rng.int(0, 2),
          temporalLayer: rng.int(0, 2),
        },
        seq: seq(),
      });
    } else if (roll < 0.7) {
      tally.add('statsPolls');
      request('getTransportStats', { transportId: rng.pick([sendTransport, recvTransport]) }, [
        { type: 'webrtc-transport', bytesReceived: rng.int(0, 1e9) },
      ]);
    } else if (roll < 0.73 && consumer !== undefined) {
      tally.add('consumerPauseResume');
      request('pauseConsumer', { consumerId: consumer.id }, {});
      request('resumeConsumer', { consumerId: consumer.id }, {});
    } else if (roll < 0.76 && consumer !== undefined) {
      push({
        type: 'ms.notification',
        method: 'consumerPaused',
        data: { consumerId: consumer.id },
        seq: seq(),
      });
      push({
        type: 'ms.notification',
        method: 'consumerResumed',
        data: { consumerId: consumer.id },
        seq: seq(),
      });
    } else if (roll < 0.77) {
      tally.add('producerPauseResume');
      const producerId = rng.pick(own);
      request('pauseProducer', { producerId }, {});
      request('resumeProducer', { producerId }, {});
    } else if (roll < 0.773 && present.length > 2) {
      tally.add('peersLeft');
      const peer = rng.pick(present);
      for (const c of consumers.filter((x) => x.peerId === peer.id)) {
        push({
          type: 'ms.notification',
          method: 'consumerClosed',
          data: { consumerId: c.id },
          seq: seq(),
        });
      }
      push({
        type: 'ms.notification',
        method: 'peerClosed',
        data: { peerId: peer.id },
        seq: seq(),
      });
      present = present.filter((p) => p !== peer);
      consumers = consumers.filter((c) => c.peerId !== peer.id);
    } else if (roll < 0.776 && present.length < 10) {
      tally.add('peersJoined');
      const peer = newPeer();
      push({
        type: 'ms.notification',
        method: 'newPeer',
        data: { id: peer.id, displayName: peer.id, device: { flag: 'safari' } },
        seq: seq(),
      });
      present.push(peer);
      consume(peer);
    } else {
      // Keep-alive traffic the room model ignores (a server request it does not track).
      push({
        type: 'ms.notification',
        method: 'downlinkBwe',
        data: { desiredBitrate: 1e6 },
        seq: seq(),
      });
    }
  }
  events.length = count;
  const eventsAt = (
    index: number,
    before: SnapshotFrom<typeof mediasoupClientMachine>,
  ): StepInput<MediasoupClientEvent> => {
    const event = events[index];
    const time = times[index] ?? 0;
    // As the driver does: a tick only when a server request's deadline has come.
    if (time < before.context.room.nextDeadline) return event;
    const tick: MediasoupClientEvent = { type: 'clock.tick', t: time };
    return event === undefined ? tick : [tick, event];
  };
  return prepared(
    mediasoupClientMachine,
    count,
    128,
    eventsAt,
    { events: events.length, peers: peerSerial, ...tally.counts },
    (stepper) => {
      const room = stepper.final.context.room;
      return {
        finalState: stepper.final.value,
        consumers: sizeOf(room.consumers),
        problems: room.problems.length,
        epoch: room.epoch,
      };
    },
  );
}

// ---------------------------------------------------------------------------------------------
// meshRoom: one page of a full-mesh room, peers coming and going
// ---------------------------------------------------------------------------------------------

type LinkModel = 'waiting' | 'offering' | 'answering' | 'connected' | 'dead';

/**
 * One page (id 50) of a mesh room: welcomed with four peers online, then links negotiated
 * (offers, answers, candidates both ways, the connection state), with several links in flight
 * at once; peers leave (offline, their connection closes) and come back with the same id
 * (reload: the link is renewed), newcomers arrive with larger ids (this page initiates toward
 * them), a peer's WebSocket alone blips (offline / online, the link stays), ICE blips, links
 * fail and are restarted by a fresh offer, and every ~10,000 indexes this page's own WebSocket
 * drops and it rejoins with the same id.
 */
export function meshStream(count: number, seed: string): PreparedStream {
  const rng = createRng(seed);
  const SELF = 50;
  const events: MeshRoomEvent[] = [];
  const tally = new Tally();
  const links = new Map<number, { state: LinkModel; queue: MeshRoomEvent[] }>();
  const present = new Set<number>([12, 23, 31, 44]);
  let nextNewcomer = SELF + 1;
  let welcomed = false;

  const script = (peer: number): MeshRoomEvent[] => {
    const cand = (dir: 'in' | 'out'): MeshRoomEvent =>
      dir === 'in'
        ? { type: 'mesh.signal.in', from: peer, kind: 'candidate' }
        : { type: 'mesh.signal.out', to: peer, kind: 'candidate' };
    const connected: MeshRoomEvent = { type: 'mesh.link.state', peerId: peer, state: 'connected' };
    const connecting: MeshRoomEvent = {
      type: 'mesh.link.state',
      peerId: peer,
      state: 'connecting',
    };
    return peer > SELF
      ? [
          { type: 'mesh.signal.out', to: peer, kind: 'offer' },
          cand('out'),
          cand('out'),
          { type: 'mesh.signal.in', from: peer, kind: 'answer' },
          cand('in'),
          connecting,
          cand('in'),
          connected,
        ]
      : [
          { type: 'mesh.signal.in', from: peer, kind: 'offer' },
          { type: 'mesh.signal.out', to: peer, kind: 'answer' },
          cand('out'),
          cand('in'),
          connecting,
          cand('in'),
          cand('out'),
          connected,
        ];
  };
  /** Peers whose link has events queued (kept so that no step scans every link ever made). */
  const queued = new Set<number>();
  const setQueue = (peer: number, queue: MeshRoomEvent[]): void => {
    const link = links.get(peer);
    if (link === undefined) return;
    link.queue = queue;
    if (queue.length > 0) queued.add(peer);
    else queued.delete(peer);
  };
  const renew = (peer: number): void => {
    links.set(peer, { state: 'waiting', queue: [] });
    setQueue(peer, script(peer));
  };
  /** Emits the next event of a link's queue and follows it in the model. */
  const pop = (peer: number): void => {
    const link = links.get(peer);
    const e = link?.queue.shift();
    if (link === undefined || e === undefined) return;
    if (link.queue.length === 0) queued.delete(peer);
    events.push(e);
    if (e.type === 'mesh.signal.out' && e.kind === 'offer') link.state = 'offering';
    if (e.type === 'mesh.signal.in' && e.kind === 'offer') link.state = 'answering';
    if (e.type === 'mesh.link.state' && e.state === 'connected') link.state = 'connected';
    if (e.type === 'mesh.link.state' && (e.state === 'closed' || e.state === 'failed')) {
      link.state = 'dead';
    }
  };
  const busy = (): number[] => [...queued];
  const idle = (state: LinkModel, inRoom: boolean): number[] =>
    (inRoom ? [...present] : [...links.keys()].filter((p) => !present.has(p))).filter((p) => {
      const link = links.get(p);
      return link !== undefined && link.state === state && link.queue.length === 0;
    });
  let nextDrop = rng.int(5_000, 15_000);

  while (events.length < count) {
    if (!welcomed) {
      tally.add('welcomes');
      events.push({ type: 'mesh.welcome', id: SELF, online: [...present] });
      welcomed = true;
      for (const peer of present) if (links.get(peer)?.state !== 'connected') renew(peer);
      for (const [peer, link] of links) {
        // Peers that left while this page was away: their connections close.
        if (!present.has(peer) && link.state !== 'dead') {
          setQueue(peer, [{ type: 'mesh.link.state', peerId: peer, state: 'closed' }]);
        }
      }
      continue;
    }
    if (events.length >= nextDrop) {
      tally.add('ownReconnects');
      events.push({ type: 'ws.close' });
      // While this page is away, only its RTCPeerConnections report.
      for (const peer of busy()) {
        if (links.get(peer)?.queue[0]?.type === 'mesh.link.state') pop(peer);
      }
      events.push({ type: 'ws.open' });
      welcomed = false;
      nextDrop = events.length + rng.int(5_000, 15_000);
      continue;
    }
    const roll = rng.next();
    const inFlight = busy();
    /** Traffic on a live link: trickled candidates (network changes), now and then an ICE blip. */
    const chatter = (): void => {
      const live = idle('connected', true);
      const peer = live.length > 0 ? rng.pick(live) : undefined;
      if (peer === undefined) {
        if (inFlight.length > 0) pop(rng.pick(inFlight));
        // Nothing connected, nothing in flight: a connection state that changes nothing.
        else
          events.push({
            type: 'mesh.link.state',
            peerId: rng.pick([...links.keys()]),
            state: 'new',
          });
      } else if (rng.chance(0.02)) {
        tally.add('iceBlips');
        events.push(
          { type: 'mesh.link.state', peerId: peer, state: 'disconnected' },
          { type: 'mesh.link.state', peerId: peer, state: 'connected' },
        );
      } else {
        events.push(
          rng.chance(0.5)
            ? { type: 'mesh.signal.in', from: peer, kind: 'candidate' }
            : { type: 'mesh.signal.out', to: peer, kind: 'candidate' },
        );
      }
    };
    if (roll < 0.75) {
      if (inFlight.length > 0) pop(rng.pick(inFlight));
      else chatter();
    } else if (roll < 0.752) {
      // Membership: about one peer in ten leaves or arrives at a time (a mesh stays small).
      const back = idle('dead', false);
      if (rng.chance(present.size / 10) && present.size > 3) {
        tally.add('peersLeft');
        const peer = rng.pick([...present]);
        events.push({ type: 'mesh.offline', id: peer });
        present.delete(peer);
        setQueue(peer, [
          { type: 'mesh.link.state', peerId: peer, state: rng.chance(0.5) ? 'closed' : 'failed' },
        ]);
      } else if (back.length > 0 && rng.chance(0.8)) {
        // A reload: the same id comes back, the dead link is renewed.
        tally.add('peersCameBack');
        const peer = rng.pick(back);
        events.push({ type: 'mesh.online', id: peer });
        present.add(peer);
        renew(peer);
      } else {
        tally.add('newcomers');
        const peer = nextNewcomer++;
        events.push({ type: 'mesh.online', id: peer });
        present.add(peer);
        renew(peer);
      }
    } else if (roll < 0.753) {
      const live = idle('connected', true);
      if (live.length === 0) {
        chatter();
        continue;
      }
      tally.add('peerWebSocketBlips');
      const peer = rng.pick(live);
      events.push({ type: 'mesh.offline', id: peer }, { type: 'mesh.online', id: peer });
    } else if (roll < 0.7535) {
      const live = idle('connected', true);
      if (live.length === 0) {
        chatter();
        continue;
      }
      tally.add('linkFailures');
      const peer = rng.pick(live);
      events.push({ type: 'mesh.link.state', peerId: peer, state: 'failed' });
      const link = links.get(peer);
      if (link !== undefined) {
        // The initiator restarts it with a fresh offer.
        link.state = 'dead';
        setQueue(peer, script(peer));
      }
    } else {
      chatter();
    }
  }
  events.length = count;
  return prepared(
    meshRoomMachine,
    count,
    256,
    fromArray(events),
    { events: events.length, peersEver: links.size, ...tally.counts },
    (stepper) => {
      const c = stepper.final.context;
      const states: Record<string, number> = {};
      for (const link of Object.values(c.links)) states[link.state] = (states[link.state] ?? 0) + 1;
      return {
        finalState: stepper.final.value,
        problems: c.problems.length,
        online: c.online.length,
        links: states,
      };
    },
  );
}

// ---------------------------------------------------------------------------------------------
// twoPartyRoom: one codelab call, kept going until a bye at the last index
// ---------------------------------------------------------------------------------------------

/**
 * One client of the codelab's two-party room, the initiator: `create or join`, `created`, its
 * media, the other client joining, the offer, candidates, the answer, the first remote
 * candidate (→ `connected`); then the call goes on with candidates trickling both ways (ICE
 * restarts, network changes) until the remote `bye` at the very last index, which ends the
 * machine (final state `ended`). A machine instance holds one call; the benchmark's figures
 * say where the final state is reached (`finalAt`).
 */
export function twoPartyStream(count: number, seed: string): PreparedStream {
  const rng = createRng(seed);
  const ROOM = 'bench';
  const candidates: TwoPartyPayload[] = Array.from({ length: 64 }, (_, k) => ({
    type: 'candidate',
    label: k % 2,
    id: String(k % 2),
    candidate: `candidate:${rng.int(1, 4e9)} 1 udp ${rng.int(1, 2 ** 31)} 192.0.2.${k} ${rng.int(1024, 65535)} typ host`,
  }));
  const outbound: TwoPartyRoomEvent[] = candidates.map((message) => ({
    type: 'room.message.out',
    message,
  }));
  const inbound: TwoPartyRoomEvent[] = candidates.map((message) => ({
    type: 'room.message.in',
    message,
  }));
  const events: TwoPartyRoomEvent[] = [
    { type: 'room.createOrJoin', room: ROOM },
    { type: 'room.created', room: ROOM, id: 'a1' },
    { type: 'room.message.out', message: 'got user media' },
    { type: 'room.join', room: ROOM },
    { type: 'room.ready' },
    { type: 'room.message.in', message: 'got user media' },
    { type: 'room.message.out', message: { type: 'offer', sdp: 'v=0 offer' } },
    rng.pick(outbound),
    rng.pick(outbound),
    { type: 'room.message.in', message: { type: 'answer', sdp: 'v=0 answer' } },
    rng.pick(inbound),
  ];
  while (events.length < count - 1) events.push(rng.pick(rng.chance(0.5) ? inbound : outbound));
  events.length = Math.max(0, count - 1);
  events.push({ type: 'room.message.in', message: 'bye' });
  return prepared(
    twoPartyRoomMachine,
    count,
    256,
    fromArray(events),
    { events: events.length },
    (stepper) => {
      const c = stepper.final.context;
      const ended = stepper.changes().find((change) => change.state === 'ended');
      return {
        finalState: stepper.final.value,
        status: stepper.final.status,
        finalAt: ended?.index ?? null,
        localCandidates: c.localCandidates,
        remoteCandidates: c.remoteCandidates,
        problems: c.problems.length,
      };
    },
  );
}

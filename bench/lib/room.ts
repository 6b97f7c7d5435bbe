/**
 * Generated signaling traffic: a discrete-event simulation of mediasoup-demo rooms (one per
 * dialect) whose peers join, produce, consume, poll stats, mute, rename and reconnect, while
 * the server streams scores, speaker and bandwidth notifications. Each peer is one
 * connection; the frames are what protoo-client and protoo-server would put on the wire
 * (protocol.md §1–§2), with protoo's random request ids, unique among the sender's pending
 * requests. Deterministic for a given seed.
 */
import { encode, type OutgoingMessage } from '../../src/protocol/codec.ts';
import type { SessionEvent } from '../../src/session/events.ts';
import {
  clientDtlsParameters,
  clientRtpCapabilities,
  consumerRtpParameters,
  device,
  displayName,
  encodings,
  iceParameters,
  producerRtpParameters,
  routerRtpCapabilities,
  statsResponse,
  transportParameters,
  type Encoding,
  type MediaKind,
} from './mediasoup.ts';
import { createRng, type Rng } from './rng.ts';

export interface RoomTrafficOptions {
  /** Stop after this many ws.frame events (default: never; the caller stops iterating). */
  readonly frames?: number;
  readonly seed?: string;
  /** Peers (= connections) in each of the two rooms (default 4: 8 connections). */
  readonly peersPerRoom?: number;
}

type Dialect = 'legacy' | 'new';

interface Producer {
  readonly id: string;
  readonly kind: MediaKind;
  readonly encodings: Encoding[];
  paused: boolean;
}

interface Consumer {
  readonly id: string;
  readonly producerId: string;
  readonly peerId: string;
  readonly kind: MediaKind;
  readonly encodings: Encoding[];
}

interface Peer {
  readonly conn: string;
  readonly peerId: string;
  readonly room: Room;
  readonly rng: Rng;
  readonly device: Record<string, unknown>;
  displayName: string;
  /** Bumped on every (re)connection: timers and answers of an older socket stop. */
  epoch: number;
  connected: boolean;
  joined: boolean;
  sendTransportId: string;
  recvTransportId: string;
  recvConnected: boolean;
  recvConnecting: boolean;
  waitingForRecv: (() => void)[];
  producers: Producer[];
  chatDataProducerId: string | undefined;
  readonly consumers: Map<string, Consumer>;
  readonly dataConsumers: Map<string, string>;
  /** Ids of requests the client / the server sent on this connection and still awaits. */
  readonly pendingOut: Set<number>;
  readonly pendingIn: Set<number>;
  readonly statsPanel: boolean;
  mid: number;
}

interface Room {
  readonly id: string;
  readonly dialect: Dialect;
  readonly peers: Peer[];
  readonly botDataProducerId: string;
  readonly version: string;
}

interface Task {
  readonly t: number;
  readonly order: number;
  readonly run: () => void;
}

/** A min-heap of tasks by (time, order). */
class Agenda {
  private readonly items: Task[] = [];
  private order = 0;

  get size(): number {
    return this.items.length;
  }

  add(t: number, run: () => void): void {
    const task: Task = { t, order: this.order++, run };
    const a = this.items;
    let i = a.length;
    a.push(task);
    while (i > 0) {
      const p = (i - 1) >> 1;
      const parent = a.at(p);
      if (parent === undefined || before(parent, task)) break;
      a[i] = parent;
      i = p;
    }
    a[i] = task;
  }

  pop(): Task | undefined {
    const a = this.items;
    const top = a.at(0);
    const last = a.pop();
    if (!last || a.length === 0) return top;
    let i = 0;
    for (;;) {
      const left = a.at(2 * i + 1);
      if (left === undefined) break;
      const right = a.at(2 * i + 2);
      const [c, child] =
        right !== undefined && before(right, left) ? [2 * i + 2, right] : [2 * i + 1, left];
      if (before(last, child)) break;
      a[i] = child;
      i = c;
    }
    a[i] = last;
    return top;
  }
}

function before(a: Task, b: Task): boolean {
  return a.t < b.t || (a.t === b.t && a.order < b.order);
}

const CLIENT_TIMEOUT_MS = 22_500;
const SERVER_TIMEOUT_MS = 30_000;

/** protoo-server's error answer: no `ok` field (protocol.md §1). */
function serverError(id: number, errorCode: number, errorReason: string): string {
  return JSON.stringify({ response: true, id, errorCode, errorReason });
}

type Answer = { data: unknown } | { error: readonly [number, string] };

class Simulation {
  private readonly agenda = new Agenda();
  private readonly rng: Rng;
  private readonly rooms: Room[] = [];
  private now = 0;
  private seq = 0;
  readonly out: SessionEvent[] = [];

  constructor(seed: string, peersPerRoom: number) {
    this.rng = createRng(`${seed}|sim`);
    let connNo = 0;
    for (const dialect of ['legacy', 'new'] as const) {
      const room: Room = {
        id: this.rng.string(8),
        dialect,
        peers: [],
        botDataProducerId: this.rng.uuid(),
        version: dialect === 'legacy' ? '3.14.6' : '3.15.2',
      };
      this.rooms.push(room);
      for (let k = 0; k < peersPerRoom; k++) {
        connNo++;
        const rng = createRng(`${seed}|peer|${connNo}`);
        room.peers.push({
          conn: `c${connNo}`,
          peerId: rng.string(8),
          room,
          rng,
          device: device(rng),
          displayName: displayName(rng),
          epoch: 0,
          connected: false,
          joined: false,
          sendTransportId: '',
          recvTransportId: '',
          recvConnected: false,
          recvConnecting: false,
          waitingForRecv: [],
          producers: [],
          chatDataProducerId: undefined,
          consumers: new Map(),
          dataConsumers: new Map(),
          pendingOut: new Set(),
          pendingIn: new Set(),
          statsPanel: k % 3 === 0,
          mid: 0,
        });
      }
    }
    for (const room of this.rooms) {
      room.peers.forEach((p, k) => {
        // Peers arrive a few seconds apart.
        this.at(k * 2500 + this.rng.range(0, 500), () => {
          this.connect(p);
        });
      });
      this.speakerLoop(room);
    }
  }

  /** Runs tasks until at least one event is out; false when nothing is left to do. */
  step(): boolean {
    while (this.out.length === 0) {
      const task = this.agenda.pop();
      if (!task) return false;
      this.now = task.t;
      task.run();
    }
    return true;
  }

  // ── plumbing ──────────────────────────────────────────────────────────────

  private at(delay: number, run: () => void): void {
    this.agenda.add(this.now + delay, run);
  }

  /** Runs `run` after `delay` only while `p` is still on the same socket. */
  private later(p: Peer, delay: number, run: () => void): void {
    const epoch = p.epoch;
    this.at(delay, () => {
      if (p.epoch === epoch && p.connected) run();
    });
  }

  /** Runs `run` every `min`..`max` ms while `p` stays on the same socket and `alive()` holds. */
  private every(
    p: Peer,
    min: number,
    max: number,
    run: () => void,
    alive: () => boolean = () => true,
  ): void {
    const tick = (): void => {
      if (!alive()) return;
      run();
      this.later(p, p.rng.range(min, max), tick);
    };
    this.later(p, p.rng.range(min, max), tick);
  }

  private push(event: Record<string, unknown>): void {
    this.out.push({
      seq: this.seq++,
      t: Math.round(this.now * 1000) / 1000,
      ...event,
    } as unknown as SessionEvent);
  }

  private frame(p: Peer, dir: 'in' | 'out', text: string): void {
    this.push({ type: 'ws.frame', conn: p.conn, dir, text });
  }

  private drawId(pending: Set<number>, rng: Rng): number {
    for (;;) {
      const id = Math.round(rng.next() * 1e7);
      if (!pending.has(id)) {
        pending.add(id);
        return id;
      }
    }
  }

  private notify(p: Peer, method: string, data: unknown): void {
    if (!p.connected) return;
    this.frame(p, 'in', encode({ kind: 'notification', method, data }));
  }

  /** Every other joined peer of the room. */
  private others(p: Peer): Peer[] {
    return p.room.peers.filter((q) => q !== p && q.connected && q.joined);
  }

  private latency(p: Peer): number {
    return p.rng.range(2, 18) + (p.rng.chance(0.02) ? p.rng.range(50, 400) : 0);
  }

  /** The client sends a request; the server answers after a latency (unless the socket dies). */
  private clientRequest(
    p: Peer,
    method: string,
    data: unknown,
    answer: () => Answer,
    then?: (ok: boolean) => void,
  ): void {
    if (!p.connected) return;
    const id = this.drawId(p.pendingOut, p.rng);
    this.frame(p, 'out', encode({ kind: 'request', id, method, data }));
    this.later(p, this.latency(p), () => {
      p.pendingOut.delete(id);
      const a = answer();
      if ('error' in a) this.frame(p, 'in', serverError(id, a.error[0], a.error[1]));
      else this.frame(p, 'in', encode({ kind: 'success', id, data: a.data }));
      then?.(!('error' in a));
    });
  }

  /** Legacy asks, the new demo notifies (protocol.md §2.3). */
  private clientCall(p: Peer, method: string, data: unknown, then?: () => void): void {
    if (p.room.dialect === 'legacy') {
      this.clientRequest(p, method, data, () => ({ data: {} }), then);
    } else {
      this.frame(p, 'out', encode({ kind: 'notification', method, data }));
      then?.();
    }
  }

  /** The server sends a request; the client answers via `respond` (it may delay). */
  private serverRequest(
    p: Peer,
    method: string,
    data: unknown,
    respond: (reply: (message: OutgoingMessage) => void, id: number) => void,
  ): void {
    if (!p.connected) return;
    const id = this.drawId(p.pendingIn, p.rng);
    this.frame(p, 'in', encode({ kind: 'request', id, method, data }));
    const epoch = p.epoch;
    respond((message) => {
      if (p.epoch !== epoch || !p.connected) return;
      p.pendingIn.delete(id);
      this.frame(p, 'out', encode(message));
    }, id);
  }

  // ── a peer's life ─────────────────────────────────────────────────────────

  private connect(p: Peer): void {
    const rng = p.rng;
    const { room } = p;
    p.epoch++;
    p.connected = true;
    p.joined = false;
    p.recvConnected = false;
    p.recvConnecting = false;
    p.waitingForRecv = [];
    p.producers = [];
    p.chatDataProducerId = undefined;
    p.consumers.clear();
    p.dataConsumers.clear();
    const url =
      `wss://v3demo.mediasoup.org:4443/?roomId=${room.id}&peerId=${p.peerId}&consumerReplicas=0` +
      (room.dialect === 'new' ? '&usePipeTransports=false' : '');
    this.push({ type: 'ws.open', conn: p.conn, url, protocol: 'protoo' });
    this.later(p, rng.range(0.5, 3), () => {
      this.notify(p, room.dialect === 'legacy' ? 'mediasoup-version' : 'mediasoupVersion', {
        version: room.version,
      });
    });
    this.later(p, rng.range(3, 10), () => {
      this.clientRequest(
        p,
        'getRouterRtpCapabilities',
        {},
        () => ({
          data:
            room.dialect === 'legacy'
              ? routerRtpCapabilities()
              : { routerRtpCapabilities: routerRtpCapabilities() },
        }),
        () => {
          this.createTransport(p, 'producer', () => {
            this.createTransport(p, 'consumer', () => {
              this.join(p);
            });
          });
        },
      );
    });
    this.every(p, 120_000, 600_000, () => {
      this.disconnect(p);
    });
  }

  private createTransport(p: Peer, direction: 'producer' | 'consumer', then: () => void): void {
    const legacy = p.room.dialect === 'legacy';
    const sctpCapabilities = { numStreams: { OS: 1024, MIS: 1024 } };
    const data = legacy
      ? {
          forceTcp: false,
          producing: direction === 'producer',
          consuming: direction === 'consumer',
          sctpCapabilities,
        }
      : { forceTcp: false, sctpCapabilities, appData: { direction } };
    const transportId = p.rng.uuid();
    this.clientRequest(
      p,
      'createWebRtcTransport',
      data,
      () => ({
        data: {
          [legacy ? 'id' : 'transportId']: transportId,
          ...transportParameters(p.rng, '203.0.113.10'),
        },
      }),
      () => {
        if (direction === 'producer') p.sendTransportId = transportId;
        else p.recvTransportId = transportId;
        then();
      },
    );
  }

  private peerInfo(q: Peer): Record<string, unknown> {
    return q.room.dialect === 'legacy'
      ? { id: q.peerId, displayName: q.displayName, device: q.device }
      : {
          peerId: q.peerId,
          displayName: q.displayName,
          device: q.device,
          remoteAddress: '198.51.100.23',
        };
  }

  private join(p: Peer): void {
    const legacy = p.room.dialect === 'legacy';
    this.clientRequest(
      p,
      'join',
      {
        displayName: p.displayName,
        device: p.device,
        rtpCapabilities: clientRtpCapabilities(),
        sctpCapabilities: { numStreams: { OS: 1024, MIS: 1024 } },
      },
      () => ({ data: { peers: this.others(p).map((q) => this.peerInfo(q)) } }),
      () => {
        p.joined = true;
        // The server: consumers of everything already there, then tell the others.
        let delay = 0.3;
        this.later(p, delay, () => {
          this.newDataConsumer(p, undefined, p.room.botDataProducerId);
        });
        for (const q of this.others(p)) {
          for (const producer of q.producers) {
            delay += p.rng.range(0.2, 1.5);
            this.later(p, delay, () => {
              this.newConsumer(p, q, producer);
            });
          }
          const chat = q.chatDataProducerId;
          if (chat !== undefined) {
            this.later(p, delay + 0.5, () => {
              this.newDataConsumer(p, q, chat);
            });
          }
          this.notify(q, 'newPeer', legacy ? this.peerInfo(p) : { peer: this.peerInfo(p) });
        }
        this.later(p, p.rng.range(5, 30), () => {
          this.startProducing(p);
        });
        this.steady(p);
      },
    );
  }

  private startProducing(p: Peer): void {
    const sendId = p.sendTransportId;
    this.clientRequest(
      p,
      'connectWebRtcTransport',
      { transportId: sendId, dtlsParameters: clientDtlsParameters(p.rng) },
      () => ({ data: {} }),
      () => {
        this.produce(p, 'audio', () => {
          this.produce(p, 'video', () => {
            this.produceChat(p);
          });
        });
      },
    );
  }

  private produce(p: Peer, kind: MediaKind, then: () => void): void {
    const encs = encodings(p.rng, kind);
    const producerId = p.rng.uuid();
    const legacy = p.room.dialect === 'legacy';
    this.clientRequest(
      p,
      'produce',
      {
        transportId: p.sendTransportId,
        kind,
        rtpParameters: producerRtpParameters(p.rng, kind, encs, p.mid++),
        appData: { source: kind === 'audio' ? 'mic' : 'webcam' },
      },
      () => ({ data: legacy ? { id: producerId } : { producerId } }),
      () => {
        const producer: Producer = { id: producerId, kind, encodings: encs, paused: false };
        p.producers.push(producer);
        for (const q of this.others(p)) {
          this.later(q, q.rng.range(0.5, 3), () => {
            this.newConsumer(q, p, producer);
          });
        }
        this.every(
          p,
          1000,
          3500,
          () => {
            this.notify(p, 'producerScore', {
              producerId,
              score: encs.map((e, encodingIdx) => ({
                encodingIdx,
                ssrc: e.ssrc,
                ...(e.rid === undefined ? {} : { rid: e.rid }),
                score: p.rng.chance(0.8) ? 10 : p.rng.int(4, 9),
              })),
            });
          },
          () => p.producers.includes(producer),
        );
        then();
      },
    );
  }

  private produceChat(p: Peer): void {
    const legacy = p.room.dialect === 'legacy';
    const id = p.rng.uuid();
    this.clientRequest(
      p,
      'produceData',
      {
        transportId: p.sendTransportId,
        sctpStreamParameters: { streamId: 0, ordered: false, maxRetransmits: 1 },
        label: 'chat',
        protocol: '',
        appData: { info: 'my-chat-DataProducer' },
      },
      () => ({ data: legacy ? { id } : { dataProducerId: id } }),
      () => {
        p.chatDataProducerId = id;
        for (const q of this.others(p)) {
          this.later(q, q.rng.range(0.5, 3), () => {
            this.newDataConsumer(q, p, id);
          });
        }
      },
    );
  }

  /** The client answers a server request once its receive transport is connected. */
  private whenRecvConnected(p: Peer, run: () => void): void {
    if (p.recvConnected) {
      this.later(p, p.rng.range(1, 6), run);
      return;
    }
    p.waitingForRecv.push(run);
    if (p.recvConnecting) return;
    p.recvConnecting = true;
    this.clientRequest(
      p,
      'connectWebRtcTransport',
      { transportId: p.recvTransportId, dtlsParameters: clientDtlsParameters(p.rng) },
      () => ({ data: {} }),
      () => {
        p.recvConnected = true;
        const waiting = p.waitingForRecv;
        p.waitingForRecv = [];
        for (const w of waiting) w();
      },
    );
  }

  private newConsumer(p: Peer, owner: Peer, producer: Producer): void {
    if (!p.connected || !p.joined || !owner.producers.includes(producer)) return;
    const rng = p.rng;
    const consumerId = rng.uuid();
    const kind = producer.kind;
    const type = kind === 'audio' ? 'simple' : 'simulcast';
    const rtpParameters = consumerRtpParameters(rng, kind, p.mid++);
    const source = kind === 'audio' ? 'mic' : 'webcam';
    const data =
      p.room.dialect === 'legacy'
        ? {
            peerId: owner.peerId,
            producerId: producer.id,
            id: consumerId,
            kind,
            rtpParameters,
            type,
            appData: { source },
            producerPaused: producer.paused,
          }
        : {
            peerId: owner.peerId,
            transportId: p.recvTransportId,
            consumerId,
            producerId: producer.id,
            kind,
            rtpParameters,
            type,
            producerPaused: producer.paused,
            consumerScore: {
              score: 10,
              producerScore: 0,
              producerScores: kind === 'audio' ? [0] : [0, 0, 0],
            },
            appData: { peerId: owner.peerId, source },
          };
    this.serverRequest(p, 'newConsumer', data, (reply, id) => {
      this.whenRecvConnected(p, () => {
        if (rng.chance(0.01)) {
          reply({ kind: 'error', id, errorCode: 403, errorReason: 'I do not want to consume' });
          return;
        }
        reply({ kind: 'success', id });
        const consumer: Consumer = {
          id: consumerId,
          producerId: producer.id,
          peerId: owner.peerId,
          kind,
          encodings: [{ ssrc: rng.int(1e8, 4e9) }],
        };
        p.consumers.set(consumerId, consumer);
        const scores = (): unknown => ({
          consumerId,
          score: {
            score: rng.chance(0.85) ? 10 : rng.int(3, 9),
            producerScore: rng.chance(0.9) ? 10 : rng.int(5, 9),
            producerScores: kind === 'audio' ? [10] : [10, rng.chance(0.9) ? 10 : 7, 10],
          },
        });
        if (p.room.dialect === 'legacy') {
          this.later(p, rng.range(1, 5), () => {
            this.notify(p, 'consumerScore', scores());
          });
        }
        const alive = (): boolean => p.consumers.has(consumerId);
        this.every(
          p,
          1500,
          4500,
          () => {
            this.notify(p, 'consumerScore', scores());
          },
          alive,
        );
        if (kind === 'video') {
          this.every(
            p,
            5000,
            40_000,
            () => {
              const spatialLayer = rng.int(0, 2);
              const temporalLayer = rng.int(0, 2);
              this.notify(
                p,
                'consumerLayersChanged',
                p.room.dialect === 'legacy'
                  ? { consumerId, spatialLayer, temporalLayer }
                  : { consumerId, layers: { spatialLayer, temporalLayer } },
              );
            },
            alive,
          );
        }
      });
    });
  }

  private newDataConsumer(p: Peer, owner: Peer | undefined, dataProducerId: string): void {
    if (!p.connected || !p.joined) return;
    const legacy = p.room.dialect === 'legacy';
    const id = p.rng.uuid();
    const label = owner ? 'chat' : 'bot';
    const sctpStreamParameters = { streamId: p.rng.int(1, 1023), ordered: true };
    const data = legacy
      ? {
          peerId: owner ? owner.peerId : null,
          dataProducerId,
          id,
          sctpStreamParameters,
          label,
          protocol: '',
          appData: {},
        }
      : {
          ...(owner ? { peerId: owner.peerId } : {}),
          transportId: p.recvTransportId,
          dataConsumerId: id,
          dataProducerId,
          sctpStreamParameters,
          label,
          protocol: '',
          appData: owner ? { peerId: owner.peerId, channel: label } : { channel: label },
        };
    this.serverRequest(p, 'newDataConsumer', data, (reply, reqId) => {
      this.whenRecvConnected(p, () => {
        reply({ kind: 'success', id: reqId });
        p.dataConsumers.set(id, dataProducerId);
      });
    });
  }

  /** What a joined peer does and receives until its socket goes. */
  private steady(p: Peer): void {
    const { room, rng } = p;
    const legacy = room.dialect === 'legacy';
    if (legacy) {
      this.every(p, 1000, 3000, () => {
        const desired = rng.int(200_000, 3_000_000);
        this.notify(p, 'downlinkBwe', {
          desiredBitrate: desired,
          effectiveDesiredBitrate: desired,
          availableBitrate: rng.int(300_000, 5_000_000),
        });
      });
    }
    if (p.statsPanel) {
      this.every(p, 2400, 2600, () => {
        this.pollStats(p);
      });
    }
    this.every(p, 20_000, 90_000, () => {
      this.userAction(p);
    });
  }

  private pollStats(p: Peer): void {
    const { rng } = p;
    const dialect = p.room.dialect;
    const ask = (
      method: string,
      field: string,
      subject: { id: string; kind: MediaKind; encodings: readonly Encoding[] },
      fail = false,
    ): void => {
      this.clientRequest(p, method, { [field]: subject.id }, () =>
        fail
          ? {
              error: [
                500,
                `${method === 'getConsumerStats' ? 'Consumer' : 'Producer'} with id "${subject.id}" not found`,
              ] as const,
            }
          : { data: statsResponse(rng, dialect, method, subject, this.now) },
      );
    };
    ask('getTransportStats', 'transportId', {
      id: p.sendTransportId,
      kind: 'video',
      encodings: [],
    });
    ask('getTransportStats', 'transportId', {
      id: p.recvTransportId,
      kind: 'video',
      encodings: [],
    });
    for (const producer of p.producers) ask('getProducerStats', 'producerId', producer);
    const consumers = [...p.consumers.values()];
    if (consumers.length > 0) {
      const peerId = rng.pick(consumers).peerId;
      for (const c of consumers) {
        if (c.peerId === peerId) ask('getConsumerStats', 'consumerId', c, rng.chance(0.01));
      }
    }
  }

  private userAction(p: Peer): void {
    const { rng } = p;
    const roll = rng.next();
    const consumers = [...p.consumers.values()];
    const video = consumers.filter((c) => c.kind === 'video');
    if (roll < 0.4 && p.producers.length > 0) {
      const producer = rng.pick(p.producers);
      producer.paused = !producer.paused;
      this.clientCall(
        p,
        producer.paused ? 'pauseProducer' : 'resumeProducer',
        { producerId: producer.id },
        () => {
          for (const q of this.others(p)) {
            for (const c of q.consumers.values()) {
              if (c.producerId === producer.id) {
                this.notify(q, producer.paused ? 'consumerPaused' : 'consumerResumed', {
                  consumerId: c.id,
                });
              }
            }
          }
        },
      );
    } else if (roll < 0.6 && video.length > 0) {
      this.clientCall(p, 'requestConsumerKeyFrame', { consumerId: rng.pick(video).id });
    } else if (roll < 0.75 && video.length > 0) {
      this.clientCall(p, 'setConsumerPreferredLayers', {
        consumerId: rng.pick(video).id,
        spatialLayer: rng.int(0, 2),
        temporalLayer: rng.int(0, 2),
      });
    } else if (roll < 0.85) {
      const old = p.displayName;
      const name = displayName(rng);
      this.clientCall(p, 'changeDisplayName', { displayName: name }, () => {
        p.displayName = name;
        for (const q of this.others(p)) {
          this.notify(q, 'peerDisplayNameChanged', {
            peerId: p.peerId,
            displayName: name,
            oldDisplayName: old,
          });
        }
      });
    } else if (roll < 0.93) {
      const legacy = p.room.dialect === 'legacy';
      this.clientRequest(p, 'restartIce', { transportId: p.sendTransportId }, () => ({
        data: legacy ? iceParameters(rng) : { iceParameters: iceParameters(rng) },
      }));
    } else {
      // Someone tries the throttle without the secret: the demo refuses it.
      const legacy = p.room.dialect === 'legacy';
      this.clientRequest(
        p,
        'applyNetworkThrottle',
        legacy
          ? { secret: 'foo', uplink: 100000, downlink: 100000, rtt: 100, packetLoss: 2 }
          : { secret: 'foo', options: { up: 100000, down: 100000, rtt: 100, packetLoss: 2 } },
        () => ({
          error: legacy
            ? ([403, 'operation NOT allowed, modda fuckaa'] as const)
            : ([500, 'operation not allowed'] as const),
        }),
      );
    }
  }

  private disconnect(p: Peer): void {
    p.connected = false;
    p.joined = false;
    p.epoch++;
    this.push({ type: 'ws.close', conn: p.conn, code: 1006, reason: '' });
    // Requests in flight keep their ids until they time out (protocol.md §1).
    const out = [...p.pendingOut];
    const inn = [...p.pendingIn];
    this.at(CLIENT_TIMEOUT_MS, () => {
      for (const id of out) p.pendingOut.delete(id);
    });
    this.at(SERVER_TIMEOUT_MS, () => {
      for (const id of inn) p.pendingIn.delete(id);
    });
    const producerIds = new Set(p.producers.map((x) => x.id));
    p.producers = [];
    const chat = p.chatDataProducerId;
    p.chatDataProducerId = undefined;
    for (const q of this.others(p)) {
      for (const c of [...q.consumers.values()]) {
        if (!producerIds.has(c.producerId)) continue;
        q.consumers.delete(c.id);
        this.notify(q, 'consumerClosed', { consumerId: c.id });
      }
      for (const [dcId, dpId] of [...q.dataConsumers]) {
        if (dpId !== chat) continue;
        q.dataConsumers.delete(dcId);
        this.notify(q, 'dataConsumerClosed', { dataConsumerId: dcId });
      }
      this.notify(q, 'peerClosed', { peerId: p.peerId });
    }
    // protoo-client retries after 1 s.
    this.at(1000 + p.rng.range(0, 50), () => {
      this.connect(p);
    });
  }

  private speakerLoop(room: Room): void {
    const rng = createRng(`${room.id}|speaker`);
    const joined = (): Peer[] => room.peers.filter((q) => q.connected && q.joined);
    if (room.dialect === 'legacy') {
      const tick = (): void => {
        const peers = joined();
        const speaker = peers.length > 0 && rng.chance(0.9) ? rng.pick(peers) : undefined;
        const data = speaker
          ? { peerId: speaker.peerId, volume: -rng.int(20, 60) }
          : { peerId: null };
        for (const q of peers) this.notify(q, 'activeSpeaker', data);
        this.at(rng.range(300, 1500), tick);
      };
      this.at(1000, tick);
      return;
    }
    const dominant = (): void => {
      const peers = joined();
      const speaker = peers.length > 0 && rng.chance(0.95) ? rng.pick(peers) : undefined;
      for (const q of peers)
        this.notify(q, 'activeSpeaker', speaker ? { peerId: speaker.peerId } : {});
      this.at(rng.range(2000, 6000), dominant);
    };
    const volumes = (): void => {
      const peers = joined();
      const speaking = peers.filter(() => rng.chance(0.4));
      if (speaking.length > 0) {
        const data = {
          peerVolumes: speaking.map((q) => ({ peerId: q.peerId, volume: -rng.int(20, 60) })),
        };
        for (const q of peers) this.notify(q, 'speakingPeers', data);
      }
      this.at(rng.range(700, 1100), volumes);
    };
    this.at(1000, dominant);
    this.at(1200, volumes);
  }
}

/**
 * Generated mediasoup-demo traffic: two rooms (legacy and new dialect), `peersPerRoom`
 * connections each. Events come in time order with consecutive `seq`.
 *
 * @example
 * const events = [...roomTraffic({ frames: 1000 })];
 */
export function* roomTraffic(options: RoomTrafficOptions = {}): Generator<SessionEvent> {
  const limit = options.frames ?? Number.POSITIVE_INFINITY;
  const sim = new Simulation(options.seed ?? 'signalscope-bench', options.peersPerRoom ?? 4);
  let frames = 0;
  while (frames < limit && sim.step()) {
    for (const event of sim.out) {
      if (event.type === 'ws.frame') {
        if (frames >= limit) break;
        frames++;
      }
      yield event;
    }
    sim.out.length = 0;
  }
}

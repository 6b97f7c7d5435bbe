/**
 * Simulated peers ("bots") that keep a demo room lively: they join, produce audio, video and a
 * chat DataProducer, pause and resume, rename themselves, speak, send scores, turn the webcam
 * off and on, leave and come back. One step per tick; every choice comes from a generator
 * seeded per room, so the same seed and the same client actions give the same room.
 */
import {
  DEVICES,
  audioProducerRtpParameters,
  chatStreamParameters,
  videoProducerRtpParameters,
  type Device,
  type IdFactory,
} from '../../fixtures/build/mediasoup-data.ts';
import { createRng, type Rng } from '../../fixtures/build/random.ts';
import type { Dialect, Json } from './dialect.ts';
import type { Obj } from './payload.ts';

/** What the bots need from their room (implemented by MediasoupRoom). */
export interface BotStage {
  readonly ids: IdFactory;
  readonly dialectName: Dialect;
  addBot(card: { id: string; displayName: string; device: Device }): BotPeer;
  addProducer(peer: BotPeer, producer: NewProducer): BotProducer;
  spreadProducer(peer: BotPeer, producer: BotProducer): void;
  addDataProducer(peer: BotPeer, label: string, sctpStreamParameters: Obj): void;
  setProducerPaused(producer: BotProducer, paused: boolean): void;
  closeProducer(owner: BotPeer, producer: BotProducer): void;
  rename(peer: BotPeer, displayName: string): void;
  removePeer(peer: BotPeer): void;
  joinedRealPeers(): BotPeer[];
  notify(peer: BotPeer, method: string, data: unknown): void;
  notifyJoined(method: string, data: unknown): void;
  consumersOfProducer(producerId: string): { peer: BotPeer; consumer: BotConsumer }[];
  hasConnectedRecvTransport(peer: BotPeer): boolean;
  producerScoreData(producer: BotProducer, scores: readonly number[]): unknown;
  consumerScoreData(consumer: BotConsumer, score: number, producerScores: number[]): unknown;
  layersData(consumer: BotConsumer, spatialLayer: number, temporalLayer: number): Json;
}

/** The parts of a room peer the bots look at. */
export interface BotPeer {
  readonly id: string;
  displayName: string;
  readonly producers: ReadonlyMap<string, BotProducer>;
}

export interface BotProducer {
  readonly id: string;
  readonly kind: 'audio' | 'video';
  readonly encodings: readonly { ssrc: number; rid?: string }[];
  paused: boolean;
}

export interface BotConsumer {
  readonly id: string;
  readonly kind: 'audio' | 'video';
  readonly paused: boolean;
}

export interface NewProducer {
  readonly kind: 'audio' | 'video';
  readonly transportId: string;
  readonly rtpParameters: unknown;
  readonly appData: Obj;
  readonly source: string;
  readonly cname: string;
  readonly encodings: readonly { ssrc: number; rid?: string }[];
}

export interface BotOptions {
  readonly count: number;
  readonly seed: string;
  /** 0: no timer, only explicit ticks. */
  readonly tickMs: number;
}

/** Names of the bots, in order (computing pioneers). */
export const BOT_NAMES: readonly string[] = [
  'Ada',
  'Grace',
  'Margaret',
  'Alan',
  'Edsger',
  'Barbara',
  'Donald',
  'Radia',
  'Frances',
  'Vint',
];

const DEVICE_CYCLE: readonly Device[] = [
  DEVICES.chrome,
  DEVICES.firefox,
  DEVICES.safari,
  DEVICES.edge,
];

const NICKNAMES: readonly string[] = ['(away)', '(presenting)', '(on mobile)', '(muted)', ''];

type Action =
  | 'speak'
  | 'silence'
  | 'toggleVideo'
  | 'toggleAudio'
  | 'rename'
  | 'layers'
  | 'scores'
  | 'webcam'
  | 'leave';

const WEIGHTS: readonly (readonly [Action, number])[] = [
  ['speak', 30],
  ['silence', 6],
  ['toggleVideo', 14],
  ['toggleAudio', 10],
  ['rename', 8],
  ['layers', 10],
  ['scores', 10],
  ['webcam', 6],
  ['leave', 6],
];

interface Bot {
  readonly id: string;
  readonly name: string;
  readonly device: Device;
  readonly streamId: string;
  peer: BotPeer | undefined;
  audio: BotProducer | undefined;
  video: BotProducer | undefined;
  awayTicks: number;
  midCounter: number;
}

export class BotDirector {
  readonly #stage: BotStage;
  readonly #rng: Rng;
  readonly #bots: Bot[];
  readonly #tickMs: number;
  #timer: ReturnType<typeof setInterval> | undefined;
  #ticks = 0;
  #dominant: string | undefined;

  constructor(stage: BotStage, options: BotOptions) {
    this.#stage = stage;
    this.#rng = createRng(options.seed);
    this.#tickMs = options.tickMs;
    this.#bots = Array.from({ length: options.count }, (_, i) => ({
      id: `bot${String(i + 1)}-${this.#rng.string(4)}`,
      name: BOT_NAMES[i % BOT_NAMES.length] ?? 'Bot',
      device: DEVICE_CYCLE[i % DEVICE_CYCLE.length] ?? DEVICES.chrome,
      streamId: this.#rng.uuid(),
      peer: undefined,
      audio: undefined,
      video: undefined,
      awayTicks: 0,
      midCounter: 0,
    }));
  }

  /** Every bot joins now; the schedule runs every `tickMs` (when not 0). */
  start(): void {
    for (const bot of this.#bots) this.#join(bot);
    if (this.#tickMs > 0 && this.#bots.length > 0) {
      this.#timer = setInterval(() => {
        this.tick();
      }, this.#tickMs);
    }
  }

  stop(): void {
    if (this.#timer !== undefined) clearInterval(this.#timer);
    this.#timer = undefined;
  }

  /** One step of the schedule: one bot acts, and one round of background reports goes out. */
  tick(): void {
    this.#ticks++;
    if (this.#bots.length > 0) {
      const bot = this.#rng.pick(this.#bots);
      if (bot.peer === undefined) {
        bot.awayTicks--;
        if (bot.awayTicks <= 0) this.#join(bot);
      } else {
        this.#act(bot, bot.peer, this.#pickAction());
      }
    }
    this.#background();
  }

  #pickAction(): Action {
    const total = WEIGHTS.reduce((sum, [, w]) => sum + w, 0);
    let roll = this.#rng.int(1, total);
    for (const [action, weight] of WEIGHTS) {
      roll -= weight;
      if (roll <= 0) return action;
    }
    return 'speak';
  }

  #join(bot: Bot): void {
    const stage = this.#stage;
    const peer = stage.addBot({ id: bot.id, displayName: bot.name, device: bot.device });
    bot.peer = peer;
    bot.audio = this.#produce(bot, peer, 'audio');
    bot.video = this.#produce(bot, peer, 'video');
    stage.addDataProducer(peer, 'chat', { ...chatStreamParameters(1) });
  }

  #produce(bot: Bot, peer: BotPeer, kind: 'audio' | 'video'): BotProducer {
    const ids = this.#stage.ids;
    const mid = String(bot.midCounter++);
    const rtpParameters =
      kind === 'audio'
        ? audioProducerRtpParameters(ids, { mid, streamId: bot.streamId, ssrc: ids.ssrc() })
        : videoProducerRtpParameters(ids, { mid, streamId: bot.streamId });
    const rtcp = rtpParameters.rtcp as { cname: string };
    const encodings =
      kind === 'audio'
        ? [{ ssrc: (rtpParameters.encodings as { ssrc: number }[])[0]?.ssrc ?? ids.ssrc() }]
        : ['r0', 'r1', 'r2'].map((rid) => ({ ssrc: ids.ssrc(), rid }));
    const producer = this.#stage.addProducer(peer, {
      kind,
      transportId: `${bot.id}-send`,
      rtpParameters,
      appData: kind === 'audio' ? { source: 'mic' } : { source: 'webcam' },
      source: kind === 'audio' ? 'mic' : 'webcam',
      cname: rtcp.cname,
      encodings,
    });
    this.#stage.spreadProducer(peer, producer);
    return producer;
  }

  #act(bot: Bot, peer: BotPeer, action: Action): void {
    const stage = this.#stage;
    const rng = this.#rng;
    switch (action) {
      case 'speak': {
        if (bot.audio === undefined || bot.audio.paused) return;
        const volume = rng.int(-50, -20);
        if (stage.dialectName === 'legacy') {
          stage.notifyJoined('activeSpeaker', { peerId: bot.id, volume });
        } else {
          stage.notifyJoined('speakingPeers', { peerVolumes: [{ peerId: bot.id, volume }] });
          if (this.#dominant !== bot.id) {
            this.#dominant = bot.id;
            stage.notifyJoined('activeSpeaker', { peerId: bot.id });
          }
        }
        return;
      }
      case 'silence':
        if (stage.dialectName === 'legacy') stage.notifyJoined('activeSpeaker', { peerId: null });
        else stage.notifyJoined('speakingPeers', { peerVolumes: [] });
        return;
      case 'toggleVideo':
        if (bot.video) stage.setProducerPaused(bot.video, !bot.video.paused);
        return;
      case 'toggleAudio':
        if (bot.audio) stage.setProducerPaused(bot.audio, !bot.audio.paused);
        return;
      case 'rename': {
        const suffix = rng.pick(NICKNAMES);
        const name = suffix === '' ? bot.name : `${bot.name} ${suffix}`;
        if (name !== peer.displayName) stage.rename(peer, name);
        return;
      }
      case 'layers':
        if (bot.video === undefined) return;
        for (const { peer: to, consumer } of stage.consumersOfProducer(bot.video.id)) {
          if (consumer.paused) continue;
          stage.notify(
            to,
            'consumerLayersChanged',
            stage.layersData(consumer, rng.int(0, 2), rng.int(0, 2)),
          );
        }
        return;
      case 'scores':
        for (const producer of [bot.audio, bot.video]) {
          if (producer === undefined) continue;
          for (const { peer: to, consumer } of stage.consumersOfProducer(producer.id)) {
            const producerScores = producer.encodings.map(() => rng.int(6, 10));
            stage.notify(
              to,
              'consumerScore',
              stage.consumerScoreData(consumer, rng.int(5, 10), producerScores),
            );
          }
        }
        return;
      case 'webcam':
        if (bot.video) {
          stage.closeProducer(peer, bot.video);
          bot.video = undefined;
        } else {
          bot.video = this.#produce(bot, peer, 'video');
        }
        return;
      case 'leave':
        stage.removePeer(peer);
        bot.peer = undefined;
        bot.audio = undefined;
        bot.video = undefined;
        bot.awayTicks = rng.int(2, 4);
        if (stage.dialectName === 'new' && this.#dominant === bot.id) {
          this.#dominant = undefined;
          stage.notifyJoined('activeSpeaker', {});
        }
        return;
    }
  }

  /** What mediasoup reports on its own: producer scores to their owner, downlink BWE. */
  #background(): void {
    const stage = this.#stage;
    const rng = this.#rng;
    if (this.#ticks % 2 === 1) {
      for (const peer of stage.joinedRealPeers()) {
        for (const producer of peer.producers.values()) {
          const scores = producer.encodings.map(() => rng.int(7, 10));
          stage.notify(peer, 'producerScore', stage.producerScoreData(producer, scores));
        }
      }
    } else if (stage.dialectName === 'legacy') {
      for (const peer of stage.joinedRealPeers()) {
        if (!stage.hasConnectedRecvTransport(peer)) continue;
        const availableBitrate = rng.int(300_000, 3_000_000);
        const desiredBitrate = rng.int(200_000, 2_500_000);
        stage.notify(peer, 'downlinkBwe', {
          desiredBitrate,
          effectiveDesiredBitrate: Math.min(desiredBitrate, availableBitrate),
          availableBitrate,
        });
      }
    }
  }
}

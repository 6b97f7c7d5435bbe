/**
 * Participant mode: a real mediasoup-client Device joins the room the way mediasoup-demo's
 * client does (protocol.md §2.2): load the router's capabilities, create a send and a receive
 * WebRtcTransport, join with the Device's capabilities, produce synthetic audio and video (and
 * a `chat` data producer when the room has SCTP), consume what the server offers, answer
 * `newConsumer` / `newDataConsumer`, follow pause / resume / close notifications.
 *
 * What the peer connections do is recorded as `pc` events: in a browser every transport's
 * RTCPeerConnection is traced call by call (`tapPeerConnection`); elsewhere (a FakeHandler in
 * tests) the transport's own state events are. Each transport's first event is `create`
 * `{transportId, direction}`, which ties the pc to its transport in the room model.
 */
import { Device, type types } from 'mediasoup-client';
import type { Peer } from 'protoo-client';
import type { MediasoupDialect } from '../../protocol/catalog.ts';
import { capturePeerConnections, tapPeerConnection } from '../pcRecorder.ts';
import type { LiveRole, RoleContext } from './liveSource.ts';
import {
  isRecord,
  joinedPeerIds,
  PeerRoster,
  readRouterCapabilities,
  SIGNALSCOPE_DEVICE,
} from './roles.ts';

/** The tracks a participant produces. */
export interface ParticipantMedia {
  readonly tracks: () => Promise<MediaStreamTrack[]>;
  readonly stop: () => void;
}

export interface ParticipantOptions {
  readonly displayName?: string;
  /** Makes the Device (tests pass a FakeHandler factory). */
  readonly createDevice?: () => Device | Promise<Device>;
  /** Synthetic tracks by default (an oscillator and a canvas). */
  readonly media?: ParticipantMedia;
  /** Produce a `chat` data producer when the room offers SCTP (default true). */
  readonly data?: boolean;
}

/** The microphone, when the page may not start audio by itself (no user gesture yet). */
async function microphone(): Promise<MediaStream | undefined> {
  if (typeof navigator === 'undefined' || !('mediaDevices' in navigator)) return undefined;
  try {
    return await navigator.mediaDevices.getUserMedia({ audio: true });
  } catch {
    return undefined;
  }
}

/**
 * An oscillator through WebAudio and a canvas with a moving bar, both live tracks. A page
 * opened without a user gesture cannot start WebAudio: then the microphone stands in (the
 * browser asks), or, refused, the oscillator starts on the first click.
 */
export function syntheticMedia(label = 'signalscope'): ParticipantMedia {
  let audio: AudioContext | undefined;
  let timer: ReturnType<typeof setInterval> | undefined;
  const tracks: MediaStreamTrack[] = [];
  return {
    tracks: async () => {
      if (tracks.length > 0) return tracks;
      if (typeof AudioContext === 'function') {
        const ctx = new AudioContext();
        audio = ctx;
        const osc = ctx.createOscillator();
        const gain = ctx.createGain();
        gain.gain.value = 0.05;
        const dest = ctx.createMediaStreamDestination();
        osc.frequency.value = 440;
        osc.connect(gain).connect(dest);
        osc.start();
        // Without a user gesture the context stays suspended and its track sends no RTP
        // (the SFU never scores it); resume() only settles after a gesture, so wait briefly.
        await Promise.race([
          ctx.resume().catch(() => undefined),
          new Promise((r) => setTimeout(r, 300)),
        ]);
        const mic = (ctx.state as string) === 'running' ? undefined : await microphone();
        if (mic) {
          tracks.push(...mic.getAudioTracks());
        } else {
          tracks.push(...dest.stream.getAudioTracks());
          if ((ctx.state as string) !== 'running') {
            // Silent until the first click or key press on the page.
            const wake = () => void ctx.resume().catch(() => undefined);
            window.addEventListener('pointerdown', wake, { once: true });
            window.addEventListener('keydown', wake, { once: true });
          }
        }
      }
      if (typeof document !== 'undefined') {
        const canvas = document.createElement('canvas');
        canvas.width = 320;
        canvas.height = 180;
        const g = canvas.getContext('2d');
        let frame = 0;
        const draw = () => {
          if (!g) return;
          frame += 1;
          g.fillStyle = '#1d3557';
          g.fillRect(0, 0, 320, 180);
          g.fillStyle = '#e9c46a';
          g.fillRect((frame * 4) % 320, 60, 40, 60);
          g.fillStyle = '#ffffff';
          g.font = '16px sans-serif';
          g.fillText(`${label} ${String(frame)}`, 10, 24);
        };
        draw();
        timer = setInterval(draw, 1000 / 15);
        tracks.push(...canvas.captureStream(15).getVideoTracks());
      }
      return tracks;
    },
    stop: () => {
      if (timer !== undefined) clearInterval(timer);
      for (const t of tracks) t.stop();
      void audio?.close().catch(() => undefined);
    },
  };
}

/**
 * What the demo clients send as `sctpCapabilities` (protocol.md §2.3): mediasoup-client 3.24
 * no longer offers `device.sctpCapabilities`; these are the values its Devices gave.
 */
export const SCTP_CAPABILITIES = { numStreams: { OS: 1024, MIS: 1024 } };

/** Transport parameters from a `createWebRtcTransport` answer (legacy `id`, new `transportId`). */
function transportOptions(answer: unknown): types.TransportOptions {
  if (!isRecord(answer)) throw new Error('createWebRtcTransport answered a non-object');
  const id = answer.transportId ?? answer.id;
  if (typeof id !== 'string') throw new Error('createWebRtcTransport answered no transport id');
  return {
    id,
    iceParameters: answer.iceParameters as types.IceParameters,
    iceCandidates: answer.iceCandidates as types.IceCandidate[],
    dtlsParameters: answer.dtlsParameters as types.DtlsParameters,
    ...(isRecord(answer.sctpParameters)
      ? { sctpParameters: answer.sctpParameters as unknown as types.SctpParameters }
      : {}),
  };
}

function idFrom(answer: unknown, ...keys: string[]): string {
  if (isRecord(answer)) {
    for (const k of keys) {
      const v = answer[k];
      if (typeof v === 'string') return v;
    }
  }
  throw new Error(`the answer has no ${keys.join(' / ')}`);
}

/** One connection's worth of mediasoup-client objects (rebuilt on every reconnection). */
interface Joined {
  readonly device: Device;
  readonly send: types.Transport | undefined;
  readonly recv: types.Transport | undefined;
  readonly consumers: Map<string, types.Consumer>;
  readonly dataConsumers: Map<string, types.DataConsumer>;
  readonly producers: Map<string, types.Producer>;
}

export function participantRole(options: ParticipantOptions = {}): LiveRole {
  const displayName = options.displayName ?? 'signalscope participant';
  const createDevice = options.createDevice ?? (() => new Device());
  const media = options.media ?? syntheticMedia(displayName);
  const roster = new PeerRoster();
  let current: Joined | undefined;
  let pcCount = 0;
  let dialect: MediasoupDialect = 'legacy';
  let ctx: RoleContext | undefined;

  const describe = () => {
    if (!ctx || !current) return;
    ctx.setRole(
      `participant (${dialect} dialect): ${String(current.producers.size)} producing, ${String(current.consumers.size)} consuming, ${roster.describe()}`,
    );
  };

  async function createTransport(
    peer: Peer,
    context: RoleContext,
    device: Device,
    direction: 'send' | 'recv',
  ): Promise<{ transport: types.Transport; sctp: boolean }> {
    const sctpCapabilities = SCTP_CAPABILITIES;
    const data =
      dialect === 'new'
        ? {
            forceTcp: false,
            sctpCapabilities,
            appData: { direction: direction === 'send' ? 'producer' : 'consumer' },
          }
        : {
            forceTcp: false,
            producing: direction === 'send',
            consuming: direction === 'recv',
            sctpCapabilities,
          };
    const params = transportOptions(await peer.request('createWebRtcTransport', data));
    pcCount += 1;
    const pcName = `${direction}-pc-${String(pcCount)}`;
    const recordOptions = { conn: context.conn, now: context.now, origin: 0 };
    const { result: transport, created } = capturePeerConnections(() =>
      direction === 'send'
        ? device.createSendTransport(params)
        : device.createRecvTransport(params),
    );
    context.log.append({
      t: context.now(),
      type: 'pc',
      pc: pcName,
      event: 'create',
      value: { transportId: transport.id, direction },
      conn: context.conn,
    });
    const pc = created[0];
    if (pc) {
      tapPeerConnection(context.log, pcName, pc, recordOptions);
    } else {
      // No RTCPeerConnection here (a FakeHandler): the transport's own states stand in.
      transport.on('connectionstatechange', (state) => {
        context.log.append({
          t: context.now(),
          type: 'pc',
          pc: pcName,
          event: 'connectionstatechange',
          value: state,
          conn: context.conn,
        });
      });
    }
    transport.on('connect', ({ dtlsParameters }, callback, errback) => {
      peer
        .request('connectWebRtcTransport', { transportId: transport.id, dtlsParameters })
        .then(() => {
          callback();
        }, errback);
    });
    if (direction === 'send') {
      transport.on('produce', ({ kind, rtpParameters, appData }, callback, errback) => {
        peer
          .request('produce', { transportId: transport.id, kind, rtpParameters, appData })
          .then((answer: unknown) => {
            callback({ id: idFrom(answer, 'producerId', 'id') });
          }, errback);
      });
      transport.on(
        'producedata',
        ({ sctpStreamParameters, label, protocol, appData }, callback, errback) => {
          peer
            .request('produceData', {
              transportId: transport.id,
              sctpStreamParameters,
              label,
              protocol,
              appData,
            })
            .then((answer: unknown) => {
              callback({ id: idFrom(answer, 'dataProducerId', 'id') });
            }, errback);
        },
      );
    }
    return { transport, sctp: params.sctpParameters !== undefined };
  }

  function closeAll() {
    if (!current) return;
    current.send?.close();
    current.recv?.close();
    current = undefined;
  }

  return {
    name: 'participant',
    async onOpen(peer, context) {
      ctx = context;
      closeAll();
      context.setRole('participant: joining…');
      const routerCaps = readRouterCapabilities(await peer.request('getRouterRtpCapabilities'));
      dialect = routerCaps.dialect;
      const device = await createDevice();
      await device.load({
        routerRtpCapabilities: routerCaps.capabilities,
      });
      const { transport: send, sctp } = await createTransport(peer, context, device, 'send');
      const { transport: recv } = await createTransport(peer, context, device, 'recv');
      const joined: Joined = {
        device,
        send,
        recv,
        consumers: new Map(),
        dataConsumers: new Map(),
        producers: new Map(),
      };
      current = joined;
      roster.joining();
      const answer = await peer.request('join', {
        displayName,
        device: SIGNALSCOPE_DEVICE,
        rtpCapabilities: device.recvRtpCapabilities,
        sctpCapabilities: SCTP_CAPABILITIES,
      });
      roster.reset(joinedPeerIds(answer));
      describe();
      for (const track of await media.tracks()) {
        if (current !== joined) return;
        if (!device.canProduce(track.kind as types.MediaKind)) {
          context.note(`participant: this Device cannot produce ${track.kind}`);
          continue;
        }
        const producer = await send.produce({
          track: track.clone(),
          appData: { source: track.kind === 'audio' ? 'mic' : 'webcam' },
        });
        joined.producers.set(producer.id, producer);
        describe();
      }
      if (options.data !== false && current === joined && sctp) {
        const chat = await send.produceData({ ordered: false, label: 'chat', protocol: '' });
        chat.on('open', () => {
          chat.send(`hello from ${displayName}`);
        });
      }
    },
    onRequest({ method, data }, accept, reject) {
      const joined = current;
      if (!joined?.recv || !isRecord(data)) {
        reject(500, 'signalscope participant: not ready');
        return;
      }
      const recv = joined.recv;
      if (method === 'newConsumer') {
        const id = data.consumerId ?? data.id;
        recv
          .consume({
            id: String(id),
            producerId: String(data.producerId),
            kind: data.kind as types.MediaKind,
            rtpParameters: data.rtpParameters as types.RtpParameters,
            appData: isRecord(data.appData) ? data.appData : {},
          })
          .then(
            (consumer) => {
              joined.consumers.set(consumer.id, consumer);
              consumer.on('transportclose', () => joined.consumers.delete(consumer.id));
              accept();
              describe();
            },
            (error: unknown) => {
              reject(500, error instanceof Error ? error.message : String(error));
            },
          );
        return;
      }
      if (method === 'newDataConsumer') {
        const id = data.dataConsumerId ?? data.id;
        recv
          .consumeData({
            id: String(id),
            dataProducerId: String(data.dataProducerId),
            sctpStreamParameters: data.sctpStreamParameters as types.SctpStreamParameters,
            label: typeof data.label === 'string' ? data.label : '',
            protocol: typeof data.protocol === 'string' ? data.protocol : '',
            appData: isRecord(data.appData) ? data.appData : {},
          })
          .then(
            (dataConsumer) => {
              joined.dataConsumers.set(dataConsumer.id, dataConsumer);
              accept();
            },
            (error: unknown) => {
              reject(500, error instanceof Error ? error.message : String(error));
            },
          );
        return;
      }
      reject(500, `signalscope participant does not handle ${method}`);
    },
    onNotification({ method, data }) {
      if (roster.notification(method, data)) describe();
      const joined = current;
      if (!joined || !isRecord(data)) return;
      const consumer =
        typeof data.consumerId === 'string' ? joined.consumers.get(data.consumerId) : undefined;
      if (method === 'consumerClosed' && consumer) {
        consumer.close();
        joined.consumers.delete(consumer.id);
        describe();
      } else if (method === 'consumerPaused' && consumer) consumer.pause();
      else if (method === 'consumerResumed' && consumer) consumer.resume();
      else if (method === 'dataConsumerClosed' && typeof data.dataConsumerId === 'string') {
        joined.dataConsumers.get(data.dataConsumerId)?.close();
        joined.dataConsumers.delete(data.dataConsumerId);
      }
    },
    onDown() {
      // mediasoup-demo's client closes its transports when the socket goes down.
      closeAll();
    },
    close() {
      closeAll();
      media.stop();
    },
  };
}

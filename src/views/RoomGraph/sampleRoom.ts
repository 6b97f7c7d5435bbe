/**
 * Room models for the room graph's tests, stories and benchmark: a mediasoup-demo client
 * (legacy dialect) that joins a room of `peers` peers and is offered `consumers` consumers,
 * built by feeding the events through the room reducer the driver uses (`reduceRoom`), so
 * the model has the shape real captures give it.
 *
 * @example
 * const room = sampleRoom({ peers: 50, consumers: 2000 });
 * sizeOf(room.consumers); // 2000
 * const steps = sampleRoomSteps({ peers: 3, consumers: 6 }); // the model after every event
 */
import {
  INITIAL_ROOM,
  reduceRoom,
  type MediasoupClientEvent,
  type RoomModel,
  type TransportConnectionState,
} from '../../../machines/mediasoupClientMachine.context.ts';
import { mapAll } from '../../../machines/mediasoupClientMachine.tables.ts';
import type { EventInput, SessionEvent } from '../../session/events.ts';

export interface SampleRoomOptions {
  readonly peers: number;
  readonly consumers: number;
  /** Every n-th consumer is rejected by the client (left paused); 0: none (default 0). */
  readonly rejectEvery?: number;
  /** Every n-th consumer is paused by the client after it was accepted; 0: none (default 0). */
  readonly pauseEvery?: number;
  /** Every n-th consumer's producer is paused (`consumerPaused`); 0: none (default 0). */
  readonly producerPausedEvery?: number;
  /** Every n-th consumer is closed by the server after a while (`consumerClosed`); 0: none. */
  readonly closeEvery?: number;
  /** Data consumers: one "chat" per peer, plus the bot's (default true). */
  readonly data?: boolean;
}

export const SEND_TRANSPORT = 'send-transport-0001';
export const RECV_TRANSPORT = 'recv-transport-0001';

const pad = (n: number) => String(n).padStart(4, '0');
export const samplePeerId = (i: number) => `peer-${pad(i)}`;
export const sampleProducerId = (peer: number, k: number) => `producer-${pad(peer)}-${pad(k)}`;
export const sampleConsumerId = (j: number) => `consumer-${pad(j)}`;

/** The events of the sample room, in order (each with its `seq`). */
export function sampleRoomEvents(options: SampleRoomOptions): MediasoupClientEvent[] {
  const { peers, consumers } = options;
  const events: MediasoupClientEvent[] = [];
  let seq = 0;
  let id = 1;
  const t = () => seq * 10;
  const request = (method: string, data: unknown, answer: unknown) => {
    const rid = id++;
    events.push({ type: 'ms.request', id: rid, method, data, seq: seq++, t: t() });
    events.push({ type: 'ms.response', id: rid, method, ok: true, data: answer, seq: seq++ });
  };
  const every = (n: number | undefined, j: number) => n !== undefined && n > 0 && j % n === n - 1;

  events.push({ type: 'ws.open' });
  seq++;
  events.push({ type: 'ms.version', version: '3.14.16', seq: seq++ });
  request('getRouterRtpCapabilities', {}, { codecs: [] });
  request(
    'createWebRtcTransport',
    { producing: true, consuming: false },
    { id: SEND_TRANSPORT, iceParameters: { usernameFragment: 'send' } },
  );
  request(
    'createWebRtcTransport',
    { producing: false, consuming: true },
    { id: RECV_TRANSPORT, iceParameters: { usernameFragment: 'recv' } },
  );
  const roomPeers = Array.from({ length: peers }, (_, i) => ({
    id: samplePeerId(i),
    displayName: `Peer ${i + 1}`,
    device: {
      flag: i % 2 === 0 ? 'chrome' : 'firefox',
      name: i % 2 === 0 ? 'Chrome' : 'Firefox',
      version: '130',
    },
  }));
  request(
    'join',
    { displayName: 'Bench client', device: { name: 'Chrome' } },
    { peers: roomPeers },
  );
  request('connectWebRtcTransport', { transportId: SEND_TRANSPORT, dtlsParameters: {} }, {});
  request(
    'produce',
    { transportId: SEND_TRANSPORT, kind: 'audio', rtpParameters: {} },
    { id: 'own-audio' },
  );
  request(
    'produce',
    { transportId: SEND_TRANSPORT, kind: 'video', rtpParameters: {} },
    { id: 'own-video' },
  );
  request('produceData', { transportId: SEND_TRANSPORT, label: 'chat' }, { id: 'own-chat' });
  request('connectWebRtcTransport', { transportId: RECV_TRANSPORT, dtlsParameters: {} }, {});

  const serverRequest = (method: string, data: unknown, ok: boolean) => {
    const rid = 1_000_000 + id++;
    events.push({ type: 'ms.serverRequest', id: rid, method, data, seq: seq++, t: t() });
    events.push({ type: 'ms.clientAnswer', id: rid, ok, seq: seq++ });
  };
  for (let j = 0; j < consumers; j++) {
    // round robin over the peers, as their producers appear
    const peer = peers === 0 ? 0 : j % peers;
    const k = peers === 0 ? j : Math.floor(j / peers);
    const kind = k % 2 === 0 ? 'audio' : 'video';
    const consumerId = sampleConsumerId(j);
    const rejected = every(options.rejectEvery, j);
    serverRequest(
      'newConsumer',
      {
        peerId: samplePeerId(peer),
        producerId: sampleProducerId(peer, k),
        id: consumerId,
        kind,
        type: kind === 'video' ? 'simulcast' : 'simple',
        producerPaused: false,
      },
      !rejected,
    );
    if (rejected) continue;
    events.push({
      type: 'ms.notification',
      method: 'consumerScore',
      data: { consumerId, score: { score: 6 + (j % 5), producerScore: 10 - (j % 4) } },
      seq: seq++,
    });
    if (kind === 'video') {
      events.push({
        type: 'ms.notification',
        method: 'consumerLayersChanged',
        data: { consumerId, spatialLayer: j % 3, temporalLayer: 2 },
        seq: seq++,
      });
    }
    if (every(options.pauseEvery, j)) request('pauseConsumer', { consumerId }, {});
    if (every(options.producerPausedEvery, j)) {
      events.push({
        type: 'ms.notification',
        method: 'consumerPaused',
        data: { consumerId },
        seq: seq++,
      });
    }
  }
  if (options.data !== false) {
    for (let i = 0; i < peers; i++) {
      serverRequest(
        'newDataConsumer',
        {
          peerId: samplePeerId(i),
          dataProducerId: `chat-${pad(i)}`,
          id: `data-consumer-${pad(i)}`,
          label: 'chat',
        },
        true,
      );
    }
    serverRequest(
      'newDataConsumer',
      { peerId: null, dataProducerId: 'bot-producer', id: 'data-consumer-bot', label: 'bot' },
      true,
    );
  }
  for (let j = 0; j < consumers; j++) {
    if (every(options.closeEvery, j)) {
      events.push({
        type: 'ms.notification',
        method: 'consumerClosed',
        data: { consumerId: sampleConsumerId(j) },
        seq: seq++,
      });
    }
  }
  if (peers > 0) {
    events.push({
      type: 'ms.notification',
      method: 'activeSpeaker',
      data: { peerId: samplePeerId(0), volume: -40 },
      seq: seq++,
    });
  }
  return events;
}

/** The transports as their peer connections report them (the sample has no `pc` events). */
export function withConnectionStates(
  room: RoomModel,
  send: TransportConnectionState,
  recv: TransportConnectionState,
): RoomModel {
  const transports = mapAll(room.transports, (t) => ({
    ...t,
    connectionState: t.direction === 'send' ? send : recv,
    pc: `${t.direction}-pc`,
  }));
  return { ...room, transports };
}

/** The sample room after all its events, its transports connected. */
export function sampleRoom(options: SampleRoomOptions): RoomModel {
  let room = INITIAL_ROOM;
  for (const event of sampleRoomEvents(options)) room = reduceRoom(room, event);
  return withConnectionStates(room, 'connected', 'connected');
}

/** The sample room's model after each of its events (`steps[0]` after the first). */
export function sampleRoomSteps(options: SampleRoomOptions): RoomModel[] {
  const steps: RoomModel[] = [];
  let room = INITIAL_ROOM;
  for (const event of sampleRoomEvents(options)) {
    room = reduceRoom(room, event);
    steps.push(room);
  }
  return steps;
}

/**
 * The sample room as a capture: the client's WebSocket frames (legacy protoo messages) on
 * connection `conn`, and its two peer connections turning `connected`, so the whole pipeline
 * (analysis, driver, view) runs on it.
 *
 * @example
 * const analysis = sessionOf(sampleRoomCapture({ peers: 50, consumers: 2000 }));
 */
export function sampleRoomCapture(options: SampleRoomOptions, conn = 'c1'): SessionEvent[] {
  const out: SessionEvent[] = [];
  const push = (e: EventInput) => out.push({ ...e, seq: out.length });
  const frame = (dir: 'in' | 'out', message: unknown) =>
    push({ t: out.length * 10, type: 'ws.frame', conn, dir, text: JSON.stringify(message) });
  const pcState = (pc: string, value: string) =>
    push({ t: out.length * 10, type: 'pc', pc, conn, event: 'connectionstatechange', value });
  for (const e of sampleRoomEvents(options)) {
    switch (e.type) {
      case 'ws.open':
        push({
          t: 0,
          type: 'ws.open',
          conn,
          url: `wss://demo.example/?roomId=sample&peerId=self-0001`,
        });
        break;
      case 'ms.version':
        frame('in', {
          notification: true,
          method: 'mediasoup-version',
          data: { version: e.version },
        });
        break;
      case 'ms.request':
        frame('out', { request: true, id: e.id, method: e.method, data: e.data });
        break;
      case 'ms.response':
        frame('in', { response: true, id: e.id, ok: true, data: e.data });
        if (e.method === 'connectWebRtcTransport') {
          const pc = out.some((x) => x.type === 'pc') ? 'recv-pc' : 'send-pc';
          pcState(pc, 'connecting');
          pcState(pc, 'connected');
        }
        break;
      case 'ms.serverRequest':
        frame('in', { request: true, id: e.id, method: e.method, data: e.data });
        break;
      case 'ms.clientAnswer':
        frame(
          'out',
          e.ok
            ? { response: true, id: e.id, ok: true, data: {} }
            : {
                response: true,
                id: e.id,
                ok: false,
                errorCode: 403,
                errorReason: 'I do not want to consume',
              },
        );
        break;
      case 'ms.notification':
        frame('in', { notification: true, method: e.method, data: e.data });
        break;
      default:
        break;
    }
  }
  return out;
}

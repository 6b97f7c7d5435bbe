/**
 * A mediasoup-demo room seen by one participant (protocol.md §2), in either dialect: the
 * protoo join sequence, remote peers' producers consumed through `newConsumer` server
 * requests, own microphone and camera produced, transports' RTCPeerConnections. Three lessons
 * use it: the join itself (`mediasoup-join`), ICE failing on a transport and `restartIce`
 * repairing it (`ice-restart`), and a server restart the client reconnects through with
 * protoo-client's retry schedule and joins again (`protoo-reconnect`).
 */
import {
  DEVICES,
  IdFactory,
  MEDIASOUP_VERSION_LEGACY,
  MEDIASOUP_VERSION_NEW,
  audioProducerRtpParameters,
  clientDtlsParameters,
  consumerRtpParameters,
  consumerScore,
  deviceRtpCapabilities,
  routerRtpCapabilities,
  serverIdentity,
  transportInfo,
  videoProducerRtpParameters,
  type ServerIdentity,
  type TransportInfo,
} from '../../../fixtures/build/mediasoup-data.ts';
import { sdpOf, type Endpoint } from '../../../fixtures/build/room-sdp.ts';
import { ATTEMPTS_PER_CYCLE, retryDelayMs, requestTimeoutMs } from '../../protocol/codec.ts';
import type { FaultKind, FaultSpec } from '../api.ts';
import type { Message, StepText, Task, FaultHandler, World } from './world.ts';

export interface MediasoupOptions {
  readonly dialect: 'legacy' | 'new';
  readonly remotePeers: number;
  readonly roomId: string;
  /** After joining: ICE fails on the send transport, and the client restarts ICE. */
  readonly iceRestart: boolean;
  /** After joining: the server restarts and is down this long (ms; 0: no restart). */
  readonly serverDownMs: number;
}

type Dir = 'send' | 'recv';

interface Transport {
  readonly dir: Dir;
  readonly info: TransportInfo;
  readonly pc: string;
  connected: boolean;
  connecting: boolean;
  state: 'new' | 'connecting' | 'connected' | 'disconnected' | 'failed';
  broken: boolean;
  /** Consumers waiting for this transport's connect to finish. */
  readonly waiting: (() => void)[];
}

interface RemotePeer {
  readonly id: string;
  readonly displayName: string;
  readonly producers: readonly { id: string; kind: 'audio' | 'video'; cname: string }[];
}

const ME = 'participant';

export class MediasoupRoom implements FaultHandler {
  readonly #w: World;
  readonly #o: MediasoupOptions;
  readonly #ids: IdFactory;
  readonly #server: ServerIdentity;
  readonly #peerId: string;
  readonly #remote: RemotePeer[] = [];
  /** The client's state. */
  #up = false;
  #joined = false;
  #cycle = 0;
  #attempt = 0;
  #generation = 0;
  #transports = new Map<Dir, Transport>();
  #pending = new Map<number, Task>();
  #produced = 0;
  /** The server's state. */
  #serverUp = true;
  #serverBackAt = 0;
  #closedFor = false;

  constructor(world: World, options: MediasoupOptions) {
    this.#w = world;
    this.#o = options;
    this.#ids = new IdFactory(`mediasoup|${world.rng.int(0, 1e9)}`);
    this.#server = serverIdentity(
      this.#ids,
      options.dialect === 'legacy' ? MEDIASOUP_VERSION_LEGACY : MEDIASOUP_VERSION_NEW,
    );
    this.#peerId = this.#ids.shortId();
    const names = ['Grace', 'Linus', 'Barbara', 'Ken', 'Frances', 'Dennis', 'Radia', 'Edsger'];
    for (let i = 0; i < options.remotePeers; i++) {
      const cname = this.#ids.cname();
      this.#remote.push({
        id: this.#ids.shortId(),
        displayName: `${names[i % names.length] ?? 'Peer'}${i >= names.length ? ` ${Math.floor(i / names.length) + 1}` : ''}`,
        producers: [
          { id: this.#ids.uuid(), kind: 'audio', cname },
          { id: this.#ids.uuid(), kind: 'video', cname },
        ],
      });
    }
  }

  get url(): string {
    const base = `ws://127.0.0.1:4443/?roomId=${this.#o.roomId}&peerId=${this.#peerId}&consumerReplicas=0`;
    return this.#o.dialect === 'new' ? `${base}&usePipeTransports=false` : base;
  }

  get #legacy(): boolean {
    return this.#o.dialect === 'legacy';
  }

  start(): void {
    this.#w.schedule(0, { kind: 'join', actor: ME, conn: ME, run: () => this.#connect() });
  }

  // ── connection ──────────────────────────────────────────────────────────────────────────

  #connect(): StepText {
    this.#cycle++;
    this.#attempt = 1;
    return this.#tryOpen();
  }

  #tryOpen(): StepText {
    const w = this.#w;
    if (!this.#serverUp) {
      w.emit({
        t: 0,
        type: 'ws.error',
        conn: ME,
        message: `WebSocket connection to '${this.url}' failed`,
      });
      w.close(ME, 1006);
      const attempt = this.#attempt;
      if (attempt < ATTEMPTS_PER_CYCLE) {
        const delay = retryDelayMs(attempt);
        w.schedule(delay, {
          kind: 'ws-retry',
          actor: ME,
          conn: ME,
          run: () => {
            this.#attempt++;
            return this.#tryOpen();
          },
        });
        return {
          summary: `attempt ${attempt} to reconnect fails; the next in ${delay / 1000} s`,
          explanation: `Nothing listens at the server's address yet, so the WebSocket fails at once. protoo-client retries on its schedule: 1, 2, 4, 8, 8, … s between attempts, 11 attempts per cycle; it emits failed(${attempt}).`,
          kind: 'ws-retry',
        };
      }
      return {
        summary: `attempt ${attempt} fails: protoo-client gives up`,
        explanation: 'The 11 attempts of the cycle are used up: the Peer closes for good.',
        kind: 'ws-retry',
      };
    }
    this.#up = true;
    this.#generation++;
    this.#joined = false;
    this.#transports = new Map();
    w.open(ME, this.url, 'protoo');
    this.#notify(this.#legacy ? 'mediasoup-version' : 'mediasoupVersion', {
      version: this.#server.version,
    });
    w.schedule(w.rng.int(2, 8), {
      kind: 'client-request',
      actor: ME,
      conn: ME,
      run: () => this.#getCaps(),
    });
    const again = this.#generation > 1;
    return {
      summary: again
        ? `the participant reconnects (cycle ${this.#cycle}, attempt ${this.#attempt})`
        : 'the participant opens its protoo WebSocket',
      explanation: again
        ? 'The server accepts: protoo emits open again. The server side is a new Peer that knows nothing of the old transports, producers or consumers, so the client joins again from scratch — new transports, new ids.'
        : `protoo-client connects to ${this.url} with the WebSocket subprotocol "protoo" (the server refuses a handshake without it). Then the mediasoup-demo join sequence begins.`,
      kind: 'ws-open',
    };
  }

  // ── protoo plumbing ─────────────────────────────────────────────────────────────────────

  /** A server notification to the client. */
  #notify(method: string, data: unknown, then?: () => void): void {
    const w = this.#w;
    const generation = this.#generation;
    w.schedule(w.fifo('server>participant', w.rng.int(1, 10)), {
      kind: 'notification',
      actor: ME,
      conn: ME,
      msg: { id: w.messageId(), from: 'server', to: ME, label: method, isRequest: false, method },
      run: () => {
        if (!this.#up || generation !== this.#generation) return undefined;
        w.frame(ME, 'in', { notification: true, method, data });
        then?.();
        return {
          summary: `the server notifies ${method}`,
          explanation: NOTE_TEXT[method] ?? 'A server notification: no reply is expected.',
        };
      },
    });
  }

  /**
   * A client request: out now, handled by the server after a short latency (a step), the
   * response back after another (a step, which runs `onOk`). Faults: reject, timeout, drop.
   */
  #request(
    method: string,
    data: unknown,
    respond: () => unknown,
    onOk: (data: unknown) => StepText,
  ): number {
    const w = this.#w;
    const id = w.rng.int(0, 10_000_000);
    const generation = this.#generation;
    w.frame(ME, 'out', { request: true, id, method, data });
    // Timers fire at or after their time: 1 ms after the deadline.
    const timer = w.schedule(requestTimeoutMs('client', this.#pending.size) + 1, {
      kind: 'request-timeout',
      actor: ME,
      conn: ME,
      run: () => {
        this.#pending.delete(id);
        return {
          summary: `request ${method} #${id} times out`,
          explanation: `No response came within protoo-client's timeout (22.5 s plus 150 ms per other pending request): the request rejects with "request timeout". The mediasoup-demo client does not retry: ${method === 'join' || method === 'getRouterRtpCapabilities' || method === 'createWebRtcTransport' ? 'the join is stuck — the room stays empty for this participant' : 'what it was for does not happen'}.`,
        };
      },
    });
    this.#pending.set(id, timer);
    const msg: Message = {
      id: w.messageId(),
      from: ME,
      to: 'server',
      label: `request ${method} #${id}`,
      isRequest: true,
      method,
    };
    w.schedule(w.fifo('participant>server', w.rng.int(3, 12)), {
      kind: 'server-handle',
      actor: 'server',
      msg,
      run: () => {
        if (!this.#up || generation !== this.#generation || !this.#serverUp) return undefined;
        const fault = w.requestFault(msg);
        if (fault?.kind === 'timeout') {
          return {
            summary: `the server never answers ${method} #${id}`,
            explanation:
              'Fault injected: timeout. The server received the request but sends no response (an async handler that rejected sends nothing). The client will wait out its request timeout.',
            kind: 'fault',
          };
        }
        const rejected = fault?.kind === 'reject';
        const reason = fault?.reason ?? `${method} failed (injected)`;
        const response = rejected ? undefined : respond();
        w.schedule(w.fifo('server>participant', w.rng.int(3, 15)), {
          kind: 'response',
          actor: ME,
          conn: ME,
          msg: {
            id: w.messageId(),
            from: 'server',
            to: ME,
            label: `response ${method} #${id}`,
            isRequest: false,
            method,
          },
          run: () => {
            if (!this.#up || generation !== this.#generation) return undefined;
            timer.cancelled = true;
            this.#pending.delete(id);
            if (rejected) {
              w.frame(ME, 'in', { response: true, id, errorCode: 500, errorReason: reason });
              return {
                summary: `${method} #${id} is rejected: ${reason}`,
                explanation: `protoo-server writes an error response with errorCode and errorReason and no ok field. The client's request promise rejects with that reason; the demo client shows an error and does not go on with what needed it.`,
              };
            }
            w.frame(ME, 'in', { response: true, id, ok: true, data: response ?? {} });
            return onOk(response);
          },
        });
        return {
          summary: rejected
            ? `the server rejects ${method} #${id}`
            : `the server handles ${method} #${id}`,
          explanation: rejected
            ? `Fault injected: reject. The server answers with an error: 500 "${reason}".`
            : (SERVER_TEXT[method] ?? 'The server handles the request and answers.'),
          ...(rejected ? { kind: 'fault' } : {}),
        };
      },
    });
    return id;
  }

  // ── the join sequence ───────────────────────────────────────────────────────────────────

  #getCaps(): StepText {
    this.#request(
      'getRouterRtpCapabilities',
      {},
      () =>
        this.#legacy ? routerRtpCapabilities() : { routerRtpCapabilities: routerRtpCapabilities() },
      () => {
        this.#createTransport('send');
        return {
          summary: "the participant has the router's RTP capabilities",
          explanation:
            'mediasoup-client loads its Device with them: now it knows which codecs it can send and receive in this room. Next it asks for a send transport.',
        };
      },
    );
    return {
      summary: "the participant asks for the router's RTP capabilities",
      explanation:
        'Step 2 of the join: getRouterRtpCapabilities, needed by device.load() before any transport can be made.',
    };
  }

  #createTransport(dir: Dir): void {
    const request = this.#legacy
      ? {
          forceTcp: false,
          producing: dir === 'send',
          consuming: dir === 'recv',
          sctpCapabilities: undefined,
        }
      : { forceTcp: false, appData: { direction: dir === 'send' ? 'producer' : 'consumer' } };
    let info: TransportInfo | undefined;
    this.#request(
      'createWebRtcTransport',
      request,
      () => {
        info = transportInfo(this.#ids, this.#server, false);
        const { id, ...rest } = info;
        return this.#legacy ? info : { transportId: id, ...rest };
      },
      () => {
        const t = info as TransportInfo;
        const pc = `${dir}-pc${this.#generation > 1 ? `-${this.#generation}` : ''}`;
        this.#transports.set(dir, {
          dir,
          info: t,
          pc,
          connected: false,
          connecting: false,
          state: 'new',
          broken: false,
          waiting: [],
        });
        this.#w.pc(pc, 'create', { transportId: t.id, direction: dir, iceServers: [] }, ME);
        if (dir === 'send') this.#createTransport('recv');
        else this.#join();
        return {
          summary: `the ${dir} transport ${t.id.slice(0, 8)} exists`,
          explanation: `mediasoup-client creates a ${dir === 'send' ? 'send' : 'receive'} transport from the server's ICE and DTLS parameters: one RTCPeerConnection${dir === 'send' ? '' : ', for every consumer of the room'}. It does not connect yet: that happens on the first ${dir === 'send' ? 'produce' : 'consume'}.`,
        };
      },
    );
  }

  #join(): void {
    this.#request(
      'join',
      {
        displayName: 'Ada',
        device: DEVICES.chrome,
        rtpCapabilities: deviceRtpCapabilities(),
        sctpCapabilities: undefined,
      },
      () => {
        const peers = this.#remote.map((p) =>
          this.#legacy
            ? { id: p.id, displayName: p.displayName, device: DEVICES.chrome }
            : {
                peerId: p.id,
                displayName: p.displayName,
                device: DEVICES.chrome,
                remoteAddress: '198.51.100.23',
              },
        );
        // The server offers a consumer for every producer already in the room.
        for (const peer of this.#remote)
          for (const producer of peer.producers) this.#newConsumer(peer, producer);
        return { peers };
      },
      () => {
        this.#joined = true;
        this.#w.schedule(this.#w.rng.int(20, 60), {
          kind: 'produce',
          actor: ME,
          conn: ME,
          run: () => this.#produce('audio'),
        });
        return {
          summary: `the participant has joined: ${this.#remote.length} peer${this.#remote.length === 1 ? '' : 's'} in the room`,
          explanation:
            'The join response lists the peers already there. Right after it, the server sends a newConsumer request for each of their producers (every consumer starts paused on the server), and the participant starts producing its microphone and camera.',
        };
      },
    );
  }

  /** A server request newConsumer for `producer`. */
  #newConsumer(peer: RemotePeer, producer: RemotePeer['producers'][number]): void {
    const w = this.#w;
    const id = w.rng.int(0, 10_000_000);
    const consumerId = this.#ids.uuid();
    const recv = this.#transports.get('recv');
    const rtpParameters = consumerRtpParameters(this.#ids, {
      kind: producer.kind,
      mid: String(this.#produced + 1),
      cname: producer.cname,
    });
    const type = producer.kind === 'audio' ? 'simple' : 'simulcast';
    const data = this.#legacy
      ? {
          peerId: peer.id,
          producerId: producer.id,
          id: consumerId,
          kind: producer.kind,
          rtpParameters,
          type,
          appData: { peerId: peer.id },
          producerPaused: false,
        }
      : {
          peerId: peer.id,
          transportId: recv?.info.id ?? '',
          consumerId,
          producerId: producer.id,
          kind: producer.kind,
          rtpParameters,
          type,
          producerPaused: false,
          consumerScore: {
            score: 10,
            producerScore: 0,
            producerScores: producer.kind === 'audio' ? [0] : [0, 0, 0],
          },
          appData: { peerId: peer.id, source: producer.kind === 'audio' ? 'mic' : 'webcam' },
        };
    const generation = this.#generation;
    w.schedule(w.fifo('server>participant', w.rng.int(5, 30)), {
      kind: 'server-request',
      actor: ME,
      conn: ME,
      msg: {
        id: w.messageId(),
        from: 'server',
        to: ME,
        label: `request newConsumer #${id}`,
        isRequest: false,
        method: 'newConsumer',
      },
      run: () => {
        if (!this.#up || generation !== this.#generation) return undefined;
        w.frame(ME, 'in', { request: true, id, method: 'newConsumer', data });
        const t = this.#transports.get('recv');
        const accept = () => {
          w.schedule(w.rng.int(2, 8), {
            kind: 'consume',
            actor: ME,
            conn: ME,
            run: () => this.#accept(id, consumerId, peer, producer.kind),
          });
        };
        if (t === undefined)
          return { summary: 'newConsumer before a receive transport', explanation: 'Ignored.' };
        if (t.connected) accept();
        else {
          t.waiting.push(accept);
          if (!t.connecting) this.#connectTransport(t, 'consume');
        }
        return {
          summary: `the server asks the participant to consume ${peer.displayName}'s ${producer.kind}`,
          explanation: `newConsumer is a request from the server: the client must answer. mediasoup-client's consume() adds a receiving m-section to the receive transport's RTCPeerConnection (a remote offer made locally from the consumer's rtpParameters — SDP never crosses the wire in mediasoup). The consumer stays paused on the server until the client accepts.`,
        };
      },
    });
  }

  #accept(
    id: number,
    consumerId: string,
    peer: RemotePeer,
    kind: 'audio' | 'video',
  ): StepText | undefined {
    if (!this.#up) return undefined;
    const w = this.#w;
    w.frame(ME, 'out', { response: true, id, ok: true, data: {} });
    if (this.#legacy) {
      this.#notify(
        'consumerScore',
        consumerScore(consumerId, 10, kind === 'audio' ? [10] : [10, 10, 10]),
      );
    }
    return {
      summary: `the participant accepts the ${kind} consumer of ${peer.displayName}`,
      explanation: `The accept ({}) tells the server the consumer is ready: the server resumes it and media flows.${this.#legacy ? ' The legacy server then sends its score at once.' : ''} Had the client refused or not answered, the consumer would stay paused for good.`,
    };
  }

  /** mediasoup-client's transport 'connect' event: connectWebRtcTransport. */
  #connectTransport(t: Transport, why: 'produce' | 'consume'): void {
    const w = this.#w;
    t.connecting = true;
    const remote: Endpoint = {
      sessionId: '1',
      ufrag: t.info.iceParameters.usernameFragment,
      pwd: t.info.iceParameters.password,
      fingerprint: t.info.dtlsParameters.fingerprints[0]?.value ?? '',
      ip: '127.0.0.1',
      publicIp: '127.0.0.1',
      streamId: this.#ids.uuid(),
    };
    if (t.dir === 'recv') {
      w.pc(t.pc, 'setRemoteDescription', { type: 'offer', sdp: sdpOf('offer', remote) }, ME);
      w.pc(t.pc, 'signalingstatechange', 'have-remote-offer', ME);
      w.pc(t.pc, 'setRemoteDescriptionOnSuccess', undefined, ME);
      w.pc(t.pc, 'createAnswer', undefined, ME);
      w.pc(t.pc, 'setLocalDescription', { type: 'answer', sdp: '(answer)' }, ME);
      w.pc(t.pc, 'signalingstatechange', 'stable', ME);
      w.pc(t.pc, 'setLocalDescriptionOnSuccess', undefined, ME);
    } else {
      w.pc(t.pc, 'createOffer', undefined, ME);
      w.pc(t.pc, 'setLocalDescription', { type: 'offer', sdp: '(offer)' }, ME);
      w.pc(t.pc, 'signalingstatechange', 'have-local-offer', ME);
      w.pc(t.pc, 'setLocalDescriptionOnSuccess', undefined, ME);
      w.pc(t.pc, 'setRemoteDescription', { type: 'answer', sdp: sdpOf('answer', remote) }, ME);
      w.pc(t.pc, 'signalingstatechange', 'stable', ME);
      w.pc(t.pc, 'setRemoteDescriptionOnSuccess', undefined, ME);
    }
    this.#request(
      'connectWebRtcTransport',
      { transportId: t.info.id, dtlsParameters: clientDtlsParameters(this.#ids) },
      () => ({}),
      () => {
        t.connected = true;
        this.#iceUp(t);
        for (const go of t.waiting.splice(0)) go();
        return {
          summary: `the ${t.dir} transport is connected on the server`,
          explanation: `connectWebRtcTransport gave the server the client's DTLS parameters; the callback of mediasoup-client's connect event runs, and the pending ${why === 'produce' ? 'produce' : 'consumes'} can go on.`,
        };
      },
    );
  }

  #iceUp(t: Transport): void {
    const w = this.#w;
    w.schedule(w.rng.int(10, 40), {
      kind: 'ice-connected',
      actor: ME,
      conn: ME,
      run: () => {
        if (!this.#up) return undefined;
        w.pc(t.pc, 'iceconnectionstatechange', 'checking', ME);
        w.pc(t.pc, 'connectionstatechange', 'connecting', ME);
        w.advance(w.rng.int(10, 40));
        w.pc(t.pc, 'iceconnectionstatechange', 'connected', ME);
        w.pc(t.pc, 'connectionstatechange', 'connected', ME);
        t.state = 'connected';
        return {
          summary: `the ${t.dir} transport's RTCPeerConnection connects`,
          explanation:
            'ICE reaches the server (mediasoup is ICE-lite: it only answers checks), DTLS completes, and the transport reports connectionstatechange connected.',
        };
      },
    });
  }

  #produce(kind: 'audio' | 'video'): StepText | undefined {
    if (!this.#up) return undefined;
    const t = this.#transports.get('send');
    if (t === undefined) return undefined;
    const go = () => {
      const mid = String(this.#produced++);
      const streamId = this.#ids.uuid();
      const rtpParameters =
        kind === 'audio'
          ? audioProducerRtpParameters(this.#ids, { mid, streamId, ssrc: this.#ids.ssrc() })
          : videoProducerRtpParameters(this.#ids, { mid, streamId });
      let producerId = '';
      this.#request(
        'produce',
        {
          transportId: t.info.id,
          kind,
          rtpParameters,
          appData: this.#legacy ? {} : { source: kind === 'audio' ? 'mic' : 'webcam' },
        },
        () => {
          producerId = this.#ids.uuid();
          return this.#legacy ? { id: producerId } : { producerId };
        },
        () => {
          if (kind === 'audio') {
            this.#w.schedule(this.#w.rng.int(20, 60), {
              kind: 'produce',
              actor: ME,
              conn: ME,
              run: () => this.#produce('video'),
            });
          } else {
            this.#afterJoin();
          }
          return {
            summary: `the participant's ${kind === 'audio' ? 'microphone' : 'camera'} is a producer (${producerId.slice(0, 8)})`,
            explanation: `The produce response carries the server's producer id; mediasoup-client's produce() resolves. Every other peer in the room now gets a newConsumer for it.`,
          };
        },
      );
    };
    if (t.connected) go();
    else {
      t.waiting.push(go);
      if (!t.connecting) this.#connectTransport(t, 'produce');
    }
    return {
      summary: `the participant starts producing its ${kind === 'audio' ? 'microphone' : 'camera'}`,
      explanation: t.connected
        ? "transport.produce(): the client sends produce with the track's rtpParameters."
        : 'transport.produce() on a transport that is not connected yet: mediasoup-client first emits connect, so connectWebRtcTransport goes out before produce (produce waits for its response).',
    };
  }

  /** What happens once the participant is in and producing: the lessons' second halves. */
  #afterJoin(): void {
    const w = this.#w;
    if (this.#o.iceRestart && this.#generation === 1) {
      w.schedule(3000, {
        kind: 'ice-failed',
        actor: ME,
        conn: ME,
        run: () => this.#breakTransport('send'),
      });
    }
    if (this.#o.serverDownMs > 0 && this.#generation === 1) {
      w.schedule(4000, {
        kind: 'server-restart',
        actor: 'server',
        run: () => this.#serverRestarts(),
      });
    }
  }

  #breakTransport(dir: Dir): StepText | undefined {
    const t = this.#transports.get(dir);
    if (t === undefined || !this.#up) return undefined;
    const w = this.#w;
    t.broken = true;
    w.pc(t.pc, 'iceconnectionstatechange', 'disconnected', ME);
    w.pc(t.pc, 'connectionstatechange', 'disconnected', ME);
    w.schedule(w.rng.int(4000, 6000), {
      kind: 'ice-failed',
      actor: ME,
      conn: ME,
      run: () => {
        if (!this.#up || !t.broken) return undefined;
        w.pc(t.pc, 'iceconnectionstatechange', 'failed', ME);
        w.pc(t.pc, 'connectionstatechange', 'failed', ME);
        t.state = 'failed';
        this.#restartIce(t);
        return {
          summary: `the ${dir} transport fails`,
          explanation: `Consent checks went unanswered for several seconds: ICE failed, so the transport's connectionState is failed and no media flows. The mediasoup-demo client reacts to failed by asking the server for new ICE parameters: restartIce.`,
        };
      },
    });
    return {
      summary: `the network path of the ${dir} transport breaks`,
      explanation: `The participant's network changes (say, Wi-Fi to mobile): the ${dir} transport's RTCPeerConnection stops getting answers and goes disconnected.`,
    };
  }

  #restartIce(t: Transport): void {
    let params: unknown;
    this.#request(
      'restartIce',
      { transportId: t.info.id },
      () => {
        params = this.#ids.iceParameters();
        return this.#legacy ? params : { iceParameters: params };
      },
      () => {
        const w = this.#w;
        w.pc(t.pc, 'restartIce', undefined, ME);
        w.pc(t.pc, 'createOffer', { iceRestart: true }, ME);
        w.pc(t.pc, 'setLocalDescription', { type: 'offer', sdp: '(offer, new ufrag)' }, ME);
        w.pc(t.pc, 'signalingstatechange', 'have-local-offer', ME);
        w.pc(t.pc, 'setLocalDescriptionOnSuccess', undefined, ME);
        w.pc(
          t.pc,
          'setRemoteDescription',
          { type: 'answer', sdp: '(answer with the new ICE parameters)' },
          ME,
        );
        w.pc(t.pc, 'signalingstatechange', 'stable', ME);
        w.pc(t.pc, 'setRemoteDescriptionOnSuccess', undefined, ME);
        t.broken = false;
        this.#iceUp(t);
        return {
          summary: 'the participant restarts ICE with the new parameters',
          explanation: `transport.restartIce({iceParameters}) renegotiates locally with the server's new username fragment and password (${(params as { usernameFragment?: string } | undefined)?.usernameFragment ?? ''}): new candidate pairs are checked and the transport comes back without losing its producers or consumers.`,
        };
      },
    );
  }

  #serverRestarts(): StepText | undefined {
    if (!this.#up) return undefined;
    const w = this.#w;
    this.#serverUp = false;
    this.#serverBackAt = w.t + this.#o.serverDownMs;
    this.#up = false;
    w.close(ME, 1006);
    for (const t of this.#transports.values()) w.pc(t.pc, 'close', undefined, ME);
    w.schedule(this.#o.serverDownMs, {
      kind: 'server-restart',
      actor: 'server',
      run: () => {
        this.#serverUp = true;
        return {
          summary: 'the server is back',
          explanation:
            'The server process listens again. It has no memory of the room: the next connection is a new Peer.',
        };
      },
    });
    w.schedule(0, {
      kind: 'ws-retry',
      actor: ME,
      conn: ME,
      run: () => this.#connect(),
    });
    return {
      summary: 'the server process restarts: every socket drops (1006)',
      explanation: `The server goes away for ${this.#o.serverDownMs / 1000} s. The client sees its WebSocket close abnormally (1006): protoo emits disconnected and starts a new retry cycle at once. Pending requests are not rejected: they run out their timeouts. The demo client closes its transports.`,
    };
  }

  // ── faults ──────────────────────────────────────────────────────────────────────────────

  targets(kind: FaultKind): readonly string[] {
    if (kind === 'ice-fail') return [...this.#transports.values()].map((t) => t.pc);
    return this.#up ? [ME] : [];
  }

  actorFault(fault: FaultSpec): StepText | undefined {
    if (fault.kind === 'ice-fail') {
      const t = [...this.#transports.values()].find(
        (x) => x.pc === fault.target || x.info.id === fault.target || x.dir === fault.target,
      );
      return t ? this.#breakTransport(t.dir) : undefined;
    }
    if (!this.#up || this.#closedFor) return undefined;
    const w = this.#w;
    this.#up = false;
    for (const t of this.#transports.values()) w.pc(t.pc, 'close', undefined, ME);
    if (fault.kind === 'close-4000') {
      this.#closedFor = true;
      w.close(ME, 4000, 'closed by server');
      return {
        summary: "the server closes the participant's socket with 4000",
        explanation:
          'Code 4000 means "closed by server" (the demo server does it when the same peerId connects again, or when a peer did not join in time). protoo-client does not reconnect after 4000: the Peer is closed.',
      };
    }
    const reload = fault.kind === 'reload';
    w.close(ME, reload ? 1001 : 1006, reload ? 'page reload' : undefined);
    w.schedule(reload ? w.rng.int(1500, 3000) : 0, {
      kind: 'ws-retry',
      actor: ME,
      conn: ME,
      run: () => this.#connect(),
    });
    return {
      summary: reload
        ? 'the participant reloads the page'
        : "the participant's socket drops (1006)",
      explanation: reload
        ? 'A reload is a new page: new protoo Peer, new Device, new transports. The server sees the old socket close and tells the others peerClosed.'
        : 'The WebSocket closed abnormally. protoo-client starts a new retry cycle at once and, once connected, the demo client joins again from scratch.',
    };
  }

  get joined(): boolean {
    return this.#joined;
  }

  get serverBackAt(): number {
    return this.#serverBackAt;
  }
}

const NOTE_TEXT: Readonly<Record<string, string>> = {
  'mediasoup-version':
    'Right after accepting the socket the (legacy) server announces its mediasoup version.',
  mediasoupVersion:
    'Right after accepting the socket the (new) server announces its mediasoup version.',
  consumerScore:
    "The consumer's score (0–10) tells how well media reaches this participant; the legacy server sends one as soon as it resumes a consumer.",
};

const SERVER_TEXT: Readonly<Record<string, string>> = {
  getRouterRtpCapabilities:
    "The server answers with its router's RTP capabilities: the codecs and header extensions the room uses.",
  createWebRtcTransport:
    'The server creates a WebRtcTransport on its router and returns its ICE candidates, ICE parameters and DTLS parameters.',
  join: 'The server marks the peer joined and answers with the peers already in the room; it will tell them newPeer.',
  connectWebRtcTransport:
    "The server gives the transport the client's DTLS parameters; DTLS can now complete.",
  produce:
    'The server creates a Producer on the send transport and, for every other joined peer, a paused Consumer of it (newConsumer).',
  restartIce: 'The server makes new ICE credentials for the transport and returns them.',
};

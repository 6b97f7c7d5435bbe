/**
 * The two-party room of the WebRTC codelab (protocol.md §5): `create or join`, `created` /
 * `joined` / `full`, `got user media`, the initiator's offer, the answer, candidates as
 * `{type: 'candidate', label, id, candidate}`, a data channel, and `bye`.
 */
import type { FaultKind, FaultSpec } from '../api.ts';
import { PcSide, type Candidate } from './p2p.ts';
import { relay, type RelayEnd } from './relay.ts';
import type { FaultHandler, StepText, World } from './world.ts';

export interface TwoPartyOptions {
  readonly roomId: string;
  /** A third client tries the room and is told `full`. */
  readonly thirdClient: boolean;
  /** The initiator opens a data channel. */
  readonly dataChannel: boolean;
  /** ms after connecting when the initiator hangs up (0: never). */
  readonly hangUpAfterMs: number;
}

interface Client {
  readonly name: string;
  conn: string;
  up: boolean;
  initiator: boolean;
  hasMedia: boolean;
  remoteMedia: boolean;
  channelReady: boolean;
  started: boolean;
  pc: PcSide | undefined;
  reloads: number;
}

const URL = 'ws://127.0.0.1:4443/two-party';

export class TwoPartyRoom implements FaultHandler {
  readonly #w: World;
  readonly #o: TwoPartyOptions;
  readonly #clients: Client[] = [];
  /** Who is in the room, as the server sees it. */
  readonly #inRoom: Client[] = [];

  constructor(world: World, options: TwoPartyOptions) {
    this.#w = world;
    this.#o = options;
  }

  start(): void {
    const names = ['alice', 'bob', ...(this.#o.thirdClient ? ['carol'] : [])];
    names.forEach((name, i) => {
      const c: Client = {
        name,
        conn: name,
        up: false,
        initiator: false,
        hasMedia: false,
        remoteMedia: false,
        channelReady: false,
        started: false,
        pc: undefined,
        reloads: 0,
      };
      this.#clients.push(c);
      this.#w.schedule(i === 0 ? 0 : 3000 + (i - 1) * 6000 + this.#w.rng.int(0, 500), {
        kind: 'join',
        actor: name,
        conn: name,
        run: () => this.#join(c),
      });
    });
  }

  #end(c: Client): RelayEnd {
    return { name: c.name, conn: c.conn };
  }

  #other(c: Client): Client | undefined {
    return this.#inRoom.find((x) => x !== c);
  }

  /** A server frame to a client (a message the user can fault). */
  #serverSends(
    c: Client,
    frame: { readonly type: string; readonly [key: string]: unknown },
    react: () => StepText | undefined,
  ): void {
    const conn = c.conn;
    this.#w.schedule(this.#w.fifo(`server>${conn}`, this.#w.rng.int(3, 15)), {
      kind: 'deliver',
      actor: c.name,
      conn,
      msg: {
        id: this.#w.messageId(),
        from: 'server',
        to: c.name,
        label: frame.type,
        isRequest: false,
        method: frame.type,
      },
      run: () => {
        if (!c.up || c.conn !== conn) return undefined;
        this.#w.frame(conn, 'in', frame);
        return react();
      },
    });
  }

  #join(c: Client): StepText {
    const w = this.#w;
    c.up = true;
    w.open(c.conn, URL);
    const room = this.#o.roomId;
    // The client's create or join is a message to the server.
    w.frame(c.conn, 'out', { type: 'create or join', room });
    w.schedule(w.fifo(`${c.conn}>server`, w.rng.int(4, 20)), {
      kind: 'server-room',
      actor: 'server',
      msg: {
        id: w.messageId(),
        from: c.name,
        to: 'server',
        label: 'create or join',
        isRequest: false,
        method: 'create or join',
      },
      run: () => this.#serverJoin(c),
    });
    return {
      summary: `${c.name} opens the page and asks to create or join room ${room}`,
      explanation: `The codelab client connects to the signaling server and sends "create or join" with the room name. The server decides: the first client creates the room (and will be the initiator), the second joins it, any further one is told the room is full.`,
    };
  }

  #serverJoin(c: Client): StepText | undefined {
    if (!c.up) return undefined;
    const room = this.#o.roomId;
    const id = `${c.name}-${this.#w.rng.string(6)}`;
    if (this.#inRoom.length === 0) {
      this.#inRoom.push(c);
      c.initiator = true;
      this.#serverSends(c, { type: 'created', room, id }, () => this.#created(c));
      return {
        summary: `the server creates room ${room} for ${c.name}`,
        explanation: `The room was empty: ${c.name} is its first client, so the server answers created. In the codelab, the creator is the initiator: it will make the offer.`,
      };
    }
    if (this.#inRoom.length >= 2) {
      this.#serverSends(c, { type: 'full', room }, () => ({
        summary: `${c.name} is told the room is full`,
        explanation:
          'A two-party room holds two clients. The third gets full and stays out: no peer connection is made for it.',
      }));
      return {
        summary: `the server refuses ${c.name}: room ${room} is full`,
        explanation: 'Two clients are in the room already.',
      };
    }
    const first = this.#inRoom[0] as Client;
    this.#inRoom.push(c);
    this.#serverSends(first, { type: 'join', room }, () => this.#peerArrives(first));
    this.#serverSends(c, { type: 'joined', room, id }, () => this.#joined(c));
    this.#serverSends(first, { type: 'ready' }, () => this.#ready(first));
    this.#serverSends(c, { type: 'ready' }, () => this.#ready(c));
    return {
      summary: `the server puts ${c.name} in room ${room} with ${first.name}`,
      explanation: `${c.name} is the second client: the server tells ${first.name} join (someone arrived), tells ${c.name} joined, then ready to both.`,
    };
  }

  #created(c: Client): StepText {
    this.#w.schedule(this.#w.rng.int(300, 700), {
      kind: 'local-media',
      actor: c.name,
      conn: c.conn,
      run: () => this.#gotMedia(c),
    });
    return {
      summary: `${c.name} created the room: it is the initiator`,
      explanation: `${c.name} waits for its camera (getUserMedia) and for a second client.`,
    };
  }

  #joined(c: Client): StepText {
    c.channelReady = true;
    this.#w.schedule(this.#w.rng.int(300, 700), {
      kind: 'local-media',
      actor: c.name,
      conn: c.conn,
      run: () => this.#gotMedia(c),
    });
    return {
      summary: `${c.name} joined the room`,
      explanation: `${c.name} is not the initiator: it will answer the offer. The channel is ready (both clients are there).`,
    };
  }

  #peerArrives(c: Client): StepText {
    c.channelReady = true;
    return {
      summary: `${c.name} hears that a second client joined`,
      explanation: 'isChannelReady becomes true: once both have media, the initiator calls.',
    };
  }

  #ready(c: Client): StepText {
    c.channelReady = true;
    return {
      summary: `${c.name} receives ready`,
      explanation: 'Both clients are in the room.',
    };
  }

  #gotMedia(c: Client): StepText | undefined {
    if (!c.up) return undefined;
    c.hasMedia = true;
    this.#message(c, 'got user media', 'got user media');
    this.#maybeStart(c);
    return {
      summary: `${c.name} has its camera and says "got user media"`,
      explanation: `getUserMedia resolved. The codelab broadcasts "got user media" to the other client, which is its cue to start the call.`,
    };
  }

  /** The codelab's maybeStart(): the initiator calls once it has media and a ready channel. */
  #maybeStart(c: Client): void {
    if (c.started || !c.hasMedia || !c.channelReady || !c.initiator) return;
    const other = this.#other(c);
    if (other === undefined) return;
    c.started = true;
    this.#w.schedule(this.#w.rng.int(1, 3), {
      kind: 'call',
      actor: c.name,
      conn: c.conn,
      run: () => {
        const pc = this.#makePc(c, other.name);
        const offer = pc.makeOffer();
        this.#message(c, offer, 'offer');
        return {
          summary: `${c.name} creates its RTCPeerConnection and sends an offer`,
          explanation: `maybeStart(): ${c.name} is the initiator, has media and the channel is ready, so it creates the RTCPeerConnection${this.#o.dataChannel ? ', opens a data channel "chat"' : ''}, makes an offer and sends it through the server. setLocalDescription(offer) puts it in have-local-offer.`,
        };
      },
    });
  }

  #makePc(c: Client, remote: string): PcSide {
    const pc = new PcSide(
      this.#w,
      {
        id: `pc-${c.name}${c.reloads > 0 ? `-reload${c.reloads}` : ''}`,
        conn: c.conn,
        owner: c.name,
        remote,
      },
      {
        sendCandidate: (_side, cand: Candidate) => {
          this.#message(
            c,
            {
              type: 'candidate',
              label: cand.sdpMLineIndex,
              id: cand.sdpMid,
              candidate: cand.candidate,
            },
            'candidate',
          );
        },
      },
    );
    pc.create({ iceServers: [{ urls: 'stun:stun.l.google.com:19302' }] });
    c.pc = pc;
    return pc;
  }

  #message(c: Client, payload: unknown, label: string): void {
    const other = this.#other(c);
    const frame = { type: 'message', message: payload };
    if (other === undefined) {
      this.#w.frame(c.conn, 'out', frame);
      return;
    }
    relay({
      world: this.#w,
      from: this.#end(c),
      to: () => (other.up ? this.#end(other) : undefined),
      toName: other.name,
      label,
      method: label,
      out: frame,
      in: frame,
      deliver: () => this.#onMessage(other, payload, c.name),
    });
  }

  #onMessage(c: Client, payload: unknown, from: string): StepText {
    if (payload === 'got user media') {
      c.remoteMedia = true;
      this.#maybeStart(c);
      return {
        summary: `${c.name} learns that ${from} has media`,
        explanation: c.initiator
          ? `${c.name} is the initiator: with both cameras on it can call now.`
          : `${c.name} waits for the offer.`,
      };
    }
    if (payload === 'bye') {
      c.pc?.close();
      return {
        summary: `${c.name} gets bye and hangs up`,
        explanation: `The other side left: the codelab's handleRemoteHangup() closes the RTCPeerConnection. ${c.name} becomes the initiator of any next call.`,
      };
    }
    const p = payload as { type: string; sdp?: string } & {
      label?: number;
      id?: string;
      candidate?: string;
    };
    if (p.type === 'offer') {
      if (!c.started) c.started = true;
      const pc = c.pc && !c.pc.closed ? c.pc : this.#makePc(c, from);
      pc.applyRemote({ type: 'offer', sdp: p.sdp ?? '' });
      const answer = pc.makeAnswer();
      this.#message(c, answer, 'answer');
      if (this.#o.dataChannel) this.#scheduleDataChannel(c, pc);
      return {
        summary: `${c.name} answers ${from}'s offer`,
        explanation: `${c.name} creates its RTCPeerConnection on the offer, applies it (have-remote-offer), makes the answer (stable) and sends it back.`,
      };
    }
    if (p.type === 'answer') {
      const ok = c.pc?.applyRemote({ type: 'answer', sdp: p.sdp ?? '' }) ?? false;
      return {
        summary: `${c.name} applies ${from}'s answer${ok ? '' : ' (refused)'}`,
        explanation: ok
          ? `setRemoteDescription(answer): back to stable. The SDP exchange is complete.`
          : `The answer does not fit the connection's state: setRemoteDescription fails.`,
      };
    }
    const pc = c.pc;
    if (pc === undefined || pc.closed) {
      return {
        summary: `${c.name} gets a candidate before it has a connection`,
        explanation:
          'The codelab adds candidates to its RTCPeerConnection; there is none yet, so the candidate is lost.',
      };
    }
    const ok = pc.addCandidate({
      candidate: p.candidate ?? '',
      sdpMid: p.id ?? '0',
      sdpMLineIndex: p.label ?? 0,
      usernameFragment: /ufrag (\S+)/.exec(p.candidate ?? '')?.[1] ?? '',
    });
    return {
      summary: `${c.name} adds a candidate from ${from}${ok ? '' : ' (it fails)'}`,
      explanation: ok
        ? `The codelab turns {label, id, candidate} into an RTCIceCandidate (label = sdpMLineIndex, id = sdpMid) and adds it.`
        : `addIceCandidate fails: the remote description is not set yet (the candidate overtook the offer).`,
    };
  }

  #scheduleDataChannel(c: Client, pc: PcSide): void {
    this.#w.schedule(this.#w.rng.int(150, 300), {
      kind: 'data-channel',
      actor: c.name,
      conn: c.conn,
      run: () => {
        if (pc.closed || pc.ice !== 'connected') return undefined;
        this.#w.pc(pc.id, 'datachannel', { label: 'chat', id: 1, protocol: '' }, c.conn);
        if (this.#o.hangUpAfterMs > 0) this.#scheduleHangUp();
        return {
          summary: `${c.name} receives the data channel "chat"`,
          explanation:
            'The initiator opened the channel before its offer (an m=application section). Once DTLS and SCTP are up, the answering side gets a datachannel event: text can flow peer to peer, without the server.',
        };
      },
    });
  }

  #scheduleHangUp(): void {
    const alice = this.#clients[0] as Client;
    this.#w.schedule(this.#o.hangUpAfterMs, {
      kind: 'hang-up',
      actor: alice.name,
      conn: alice.conn,
      run: () => {
        if (!alice.up) return undefined;
        this.#message(alice, 'bye', 'bye');
        alice.pc?.close();
        return {
          summary: `${alice.name} hangs up`,
          explanation: `hangup(): ${alice.name} closes its RTCPeerConnection and sends bye; the other side closes its own when bye arrives.`,
        };
      },
    });
  }

  targets(kind: FaultKind): readonly string[] {
    if (kind === 'ice-fail')
      return this.#clients.flatMap((c) => (c.pc && !c.pc.closed ? [c.pc.id] : []));
    return this.#clients.filter((c) => c.up).map((c) => c.name);
  }

  actorFault(fault: FaultSpec): StepText | undefined {
    const target = fault.target ?? '';
    if (fault.kind === 'ice-fail') {
      const c = this.#clients.find((x) => x.pc?.id === target);
      if (c?.pc === undefined) return undefined;
      c.pc.breakIce();
      const other = this.#other(c);
      other?.pc?.breakIce();
      return {
        summary: `the network path between ${c.name} and ${other?.name ?? 'its peer'} breaks`,
        explanation:
          'Fault injected: ice-fail. Both connections go disconnected, then failed. The codelab has no ICE restart, so the call is over.',
      };
    }
    const c = this.#clients.find((x) => x.name === target);
    if (c === undefined || !c.up) return undefined;
    const w = this.#w;
    const code = fault.kind === 'close-4000' ? 4000 : fault.kind === 'reload' ? 1001 : 1006;
    c.up = false;
    w.close(c.conn, code, fault.kind === 'reload' ? 'page reload' : undefined);
    const i = this.#inRoom.indexOf(c);
    if (i >= 0) this.#inRoom.splice(i, 1);
    const other = this.#inRoom[0];
    if (fault.kind === 'reload') {
      c.pc?.close();
      other?.pc?.lostRemote();
      w.schedule(w.rng.int(3000, 5000), {
        kind: 'ws-open',
        actor: c.name,
        conn: c.name,
        run: () => {
          c.reloads++;
          c.conn = `${c.name}-reload${c.reloads}`;
          Object.assign(c, {
            initiator: false,
            hasMedia: false,
            remoteMedia: false,
            channelReady: false,
            started: false,
            pc: undefined,
          });
          return this.#join(c);
        },
      });
    }
    return {
      summary: `${c.name}'s socket closes (${code})${fault.kind === 'reload' ? ': the page reloads' : ''}`,
      explanation:
        fault.kind === 'reload'
          ? `The old page and its RTCPeerConnection are gone; the new page will ask to create or join again. The codelab's maybeStart() runs once per page: the other client already started a call, so it will not call again — the two-party protocol has no way to renegotiate.`
          : `The signaling socket is gone. The RTCPeerConnection does not depend on it and stays up, but nothing more can be signaled: this simple client does not reconnect${code === 4000 ? ', and 4000 says the server closed it on purpose' : ''}.`,
    };
  }
}

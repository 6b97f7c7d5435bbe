/**
 * One side of a browser-to-browser RTCPeerConnection, as a simulated page drives it: every
 * API call and state change is written as the `pc` events webrtc-internals would show
 * (createOffer, setLocalDescription, signalingstatechange, icecandidate, …), so the
 * inspector's peer-connection machine follows it. ICE is modelled simply: a side starts its
 * checks once it has both descriptions and a remote candidate, and connects a little later
 * unless ICE was made to fail.
 */
import { candidateLine, endpoint, sdpOf, type Endpoint } from '../../../fixtures/build/room-sdp.ts';
import type { World } from './world.ts';

export interface Description {
  readonly type: 'offer' | 'answer';
  readonly sdp: string;
}

export interface Candidate {
  readonly candidate: string;
  readonly sdpMid: string;
  readonly sdpMLineIndex: number;
  readonly usernameFragment: string;
}

type Signaling = 'stable' | 'have-local-offer' | 'have-remote-offer' | 'closed';
type Ice = 'new' | 'checking' | 'connected' | 'disconnected' | 'failed' | 'closed';

/** How a side's page sends what its peer connection produces (the room's protocol). */
export interface Signaler {
  sendCandidate(side: PcSide, candidate: Candidate): void;
}

export class PcSide {
  readonly world: World;
  readonly id: string;
  readonly conn: string;
  /** The page that owns it, and the peer it talks to. */
  readonly owner: string;
  readonly remote: string;
  partner: PcSide | undefined;
  signaling: Signaling = 'stable';
  ice: Ice = 'new';
  gathering: 'new' | 'gathering' | 'complete' = 'new';
  local: Endpoint;
  hasLocal = false;
  hasRemote = false;
  remoteCandidates = 0;
  /** ICE is set to fail on this link (fault `ice-fail`) until an ICE restart. */
  iceBroken = false;
  #iceScheduled = false;
  #port: number;
  readonly #signaler: Signaler;

  constructor(
    world: World,
    ids: { id: string; conn: string; owner: string; remote: string },
    signaler: Signaler,
  ) {
    this.world = world;
    this.id = ids.id;
    this.conn = ids.conn;
    this.owner = ids.owner;
    this.remote = ids.remote;
    this.#signaler = signaler;
    this.local = endpoint(world.rng);
    this.#port = world.rng.int(50_000, 60_000);
  }

  get closed(): boolean {
    return this.signaling === 'closed';
  }

  #pc(event: string, value?: unknown): void {
    this.world.pc(this.id, event, value, this.conn);
  }

  create(value: Record<string, unknown>): void {
    this.#pc('create', value);
  }

  #signalingTo(state: Signaling): void {
    if (this.signaling === state) return;
    this.signaling = state;
    this.#pc('signalingstatechange', state);
  }

  #startGathering(): void {
    if (this.gathering !== 'new') return;
    this.gathering = 'gathering';
    this.#pc('icegatheringstatechange', 'gathering');
    const count = 2;
    for (let k = 0; k < count; k++) {
      this.world.schedule(this.world.rng.int(5, 20) + k * 25, {
        kind: 'gather',
        actor: this.owner,
        conn: this.conn,
        run: () => {
          if (this.closed) return undefined;
          this.#port += this.world.rng.int(3, 40);
          const candidate: Candidate = {
            candidate: candidateLine(this.local, k, this.#port),
            sdpMid: '0',
            sdpMLineIndex: 0,
            usernameFragment: this.local.ufrag,
          };
          this.#pc('icecandidate', candidate);
          this.#signaler.sendCandidate(this, candidate);
          return {
            summary: `${this.owner} gathers a ${k === 0 ? 'host' : 'server-reflexive'} candidate for ${this.remote}`,
            explanation: `The ICE agent of ${this.id} found an address ${this.remote} may reach it at (${k === 0 ? 'its LAN address' : 'its public address, learned from a STUN server'}). Trickle ICE: the page sends each candidate through the signaling server as soon as it is found, instead of waiting for all of them.`,
          };
        },
      });
    }
  }

  /** negotiationneeded → createOffer → setLocalDescription(offer). */
  makeOffer(restart = false): Description {
    if (restart) {
      this.#pc('restartIce');
      // New credentials mean new candidate pairs (e.g. through TURN): the broken path is left behind.
      this.iceBroken = false;
      const fingerprint = this.local.fingerprint;
      this.local = { ...endpoint(this.world.rng), fingerprint };
      this.gathering = 'new';
      this.remoteCandidates = 0;
      this.#iceScheduled = false;
    }
    this.#pc('negotiationneeded');
    this.#pc('createOffer', restart ? { iceRestart: true } : undefined);
    this.world.advance(this.world.rng.int(1, 3));
    const offer: Description = { type: 'offer', sdp: sdpOf('offer', this.local) };
    this.#pc('createOfferOnSuccess', offer);
    this.#pc('setLocalDescription', offer);
    this.#signalingTo('have-local-offer');
    this.hasLocal = true;
    this.#startGathering();
    this.#pc('setLocalDescriptionOnSuccess');
    return offer;
  }

  /** setLocalDescription({type: 'rollback'}): back to stable (perfect negotiation). */
  rollback(): void {
    this.#pc('setLocalDescription', { type: 'rollback' });
    this.#signalingTo('stable');
    this.#pc('setLocalDescriptionOnSuccess');
  }

  /** setRemoteDescription(desc); an offer in have-local-offer rolls back implicitly. */
  applyRemote(desc: Description): boolean {
    this.#pc('setRemoteDescription', desc);
    const ok =
      desc.type === 'offer'
        ? this.signaling === 'stable' || this.signaling === 'have-local-offer'
        : this.signaling === 'have-local-offer';
    if (!ok) {
      this.#pc(
        'setRemoteDescriptionOnFailure',
        `InvalidStateError: Failed to set remote ${desc.type} sdp: Called in wrong state: ${this.signaling}`,
      );
      return false;
    }
    if (desc.type === 'offer') {
      const restart = this.hasRemote && this.#ufragOf(desc.sdp) !== this.#remoteUfrag;
      if (restart) {
        this.iceBroken = false;
        const fingerprint = this.local.fingerprint;
        this.local = { ...endpoint(this.world.rng), fingerprint };
        this.gathering = 'new';
        this.remoteCandidates = 0;
        this.#iceScheduled = false;
      }
    }
    this.#remoteUfrag = this.#ufragOf(desc.sdp);
    this.#signalingTo(desc.type === 'offer' ? 'have-remote-offer' : 'stable');
    this.hasRemote = true;
    this.#pc('setRemoteDescriptionOnSuccess');
    this.maybeConnect();
    return true;
  }

  #remoteUfrag = '';
  #ufragOf(sdp: string): string {
    return /a=ice-ufrag:(\S+)/.exec(sdp)?.[1] ?? '';
  }

  /** createAnswer → setLocalDescription(answer). */
  makeAnswer(): Description {
    this.#pc('createAnswer');
    this.world.advance(this.world.rng.int(1, 3));
    const answer: Description = { type: 'answer', sdp: sdpOf('answer', this.local) };
    this.#pc('createAnswerOnSuccess', answer);
    this.#pc('setLocalDescription', answer);
    this.#signalingTo('stable');
    this.hasLocal = true;
    this.#startGathering();
    this.#pc('setLocalDescriptionOnSuccess');
    this.maybeConnect();
    return answer;
  }

  /** addIceCandidate: fails without a remote description (as in a browser). */
  addCandidate(candidate: Candidate): boolean {
    this.#pc('addIceCandidate', candidate);
    if (!this.hasRemote || candidate.usernameFragment !== this.#remoteUfrag) {
      this.#pc(
        'addIceCandidateOnFailure',
        this.hasRemote
          ? 'OperationError: Error processing ICE candidate: the candidate belongs to another ICE generation'
          : 'InvalidStateError: Failed to execute addIceCandidate: The remote description was null',
      );
      return false;
    }
    this.remoteCandidates++;
    this.#pc('addIceCandidateOnSuccess');
    this.maybeConnect();
    return true;
  }

  /** Starts ICE checks once both descriptions and a remote candidate are there. */
  maybeConnect(): void {
    if (this.#iceScheduled || this.closed) return;
    if (!this.hasLocal || !this.hasRemote || this.remoteCandidates === 0) return;
    if (this.signaling !== 'stable') return;
    this.#iceScheduled = true;
    const generation = this.local.ufrag;
    this.world.schedule(this.world.rng.int(2, 10), {
      kind: 'ice-checking',
      actor: this.owner,
      conn: this.conn,
      run: () => {
        if (this.closed || this.local.ufrag !== generation) return undefined;
        this.#setIce('checking');
        this.#setConnection('connecting');
        this.world.schedule(this.world.rng.int(20, 60), {
          kind: this.iceBroken ? 'ice-failed' : 'ice-connected',
          actor: this.owner,
          conn: this.conn,
          run: () => this.#finishChecks(generation),
        });
        return {
          summary: `${this.owner} starts ICE checks toward ${this.remote}`,
          explanation: `${this.id} now has both descriptions and at least one of ${this.remote}'s candidates, so its ICE agent pairs local and remote candidates and sends STUN connectivity checks. iceConnectionState becomes checking and connectionState connecting.`,
        };
      },
    });
  }

  #finishChecks(generation: string) {
    if (this.closed || this.local.ufrag !== generation) return undefined;
    if (this.iceBroken) {
      this.#setIce('failed');
      this.#setConnection('failed');
      return {
        summary: `ICE fails on ${this.id}`,
        explanation: `No candidate pair answered the connectivity checks (a firewall, a NAT that needs TURN, or the injected ice-fail). iceConnectionState and connectionState become failed; only an ICE restart (new ufrag and password, a new offer/answer) can bring the connection back.`,
        kind: 'ice-failed',
      };
    }
    this.#setIce('connected');
    this.world.advance(this.world.rng.int(5, 25));
    this.#setConnection('connected');
    if (this.gathering === 'gathering') {
      this.gathering = 'complete';
      this.#pc('icegatheringstatechange', 'complete');
      this.#pc('icecandidate', null);
    }
    return {
      summary: `${this.id} connects (${this.owner} ↔ ${this.remote})`,
      explanation: `A candidate pair answered: iceConnectionState becomes connected; then the DTLS handshake over it completes and connectionState becomes connected. Media and data channels can flow. Gathering is complete, signalled by a null candidate.`,
    };
  }

  #setIce(state: Ice): void {
    if (this.ice === state) return;
    this.ice = state;
    this.#pc('iceconnectionstatechange', state);
  }

  #setConnection(state: string): void {
    this.#pc('connectionstatechange', state);
  }

  /** The path to the peer breaks: disconnected now, failed a few seconds later. */
  breakIce(): void {
    this.iceBroken = true;
    if (this.ice !== 'connected') return;
    this.#setIce('disconnected');
    this.#setConnection('disconnected');
    const generation = this.local.ufrag;
    this.world.schedule(this.world.rng.int(4000, 6000), {
      kind: 'ice-failed',
      actor: this.owner,
      conn: this.conn,
      run: () => {
        if (this.closed || this.local.ufrag !== generation || this.ice !== 'disconnected')
          return undefined;
        this.#setIce('failed');
        this.#setConnection('failed');
        return {
          summary: `ICE fails on ${this.id}`,
          explanation: `${this.id} got no answer to its consent checks for several seconds after going disconnected, so iceConnectionState and connectionState become failed. Nothing recovers by itself now: the application must restart ICE (new credentials through a new offer/answer) or build a new connection.`,
        };
      },
    });
  }

  /** The network path works again (after a restart). */
  heal(): void {
    this.iceBroken = false;
  }

  /** The remote page vanished (reload or close): no more consent answers. */
  lostRemote(): void {
    this.breakIce();
  }

  close(): void {
    if (this.closed) return;
    this.#pc('close');
    this.signaling = 'closed';
    this.ice = 'closed';
  }
}

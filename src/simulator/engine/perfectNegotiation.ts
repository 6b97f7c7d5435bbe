/**
 * Perfect negotiation with glare (protocol.md §4): a polite and an impolite peer both want to
 * negotiate at about the same moment. Each peer's code IS the inspector's negotiation machine:
 * what the W3C example does next on a side is `nextOwnEvent` of that side's machine context,
 * and what arrives is fed to it. Every machine event is written as the `pc` trace the
 * inspector's negotiation driver reads back, so the Machines panel replays the same decisions.
 * Signaling goes through the mesh relay (`signal` messages).
 */
import { initialTransition, transition } from 'xstate';
import {
  negotiationMachine,
  localDescriptionOf,
  type NegotiationContext,
  type NegotiationEvent,
} from '../../../machines/negotiationMachine.ts';
import {
  nextOwnEvent,
  remoteAfterChain,
  type NegotiationSnapshot,
} from '../../../machines/negotiationPair.ts';
import { candidateLine, endpoint, sdpOf, type Endpoint } from '../../../fixtures/build/room-sdp.ts';
import type { FaultKind, FaultSpec } from '../api.ts';
import { relay, type RelayEnd } from './relay.ts';
import type { FaultHandler, StepText, World } from './world.ts';

export interface PerfectNegotiationOptions {
  readonly roomId: string;
  /** Both sides want to negotiate within a few ms (glare); else only the impolite one. */
  readonly glare: boolean;
}

interface Side {
  readonly role: 'polite' | 'impolite';
  readonly name: string;
  readonly conn: string;
  readonly pc: string;
  snapshot: NegotiationSnapshot;
  endpoint: Endpoint;
  codeScheduled: boolean;
  gatheredFor: Set<string>;
  candidatesAdded: number;
  ice: 'new' | 'checking' | 'connected' | 'failed';
  iceBroken: boolean;
  port: number;
  up: boolean;
}

const EVENT_TEXT: Record<NegotiationEvent['type'], string> = {
  negotiationneeded: 'negotiationneeded fires: makingOffer = true',
  'sld.start': 'calls setLocalDescription()',
  'sld.done': 'setLocalDescription() resolved',
  'sld.failed': 'setLocalDescription() failed',
  'description.received': 'receives a description',
  'srd.start': 'calls setRemoteDescription()',
  'srd.done': 'setRemoteDescription() resolved',
  'srd.failed': 'setRemoteDescription() failed',
  'send.description': 'sends its local description',
  'candidate.received': 'receives a candidate',
  'candidate.added': 'added the candidate',
  'candidate.failed': 'could not add the candidate',
};

export class PerfectNegotiation implements FaultHandler {
  readonly #w: World;
  readonly #o: PerfectNegotiationOptions;
  readonly #sides: Side[];

  constructor(world: World, options: PerfectNegotiationOptions) {
    this.#w = world;
    this.#o = options;
    const make = (role: 'polite' | 'impolite'): Side => ({
      role,
      name: role,
      conn: role,
      pc: `pc-${role}`,
      snapshot: initialTransition(negotiationMachine, { polite: role === 'polite', name: role })[0],
      endpoint: endpoint(world.rng),
      codeScheduled: false,
      gatheredFor: new Set(),
      candidatesAdded: 0,
      ice: 'new',
      iceBroken: false,
      port: world.rng.int(50_000, 60_000),
      up: false,
    });
    this.#sides = [make('impolite'), make('polite')];
  }

  get url(): string {
    return `ws://127.0.0.1:4443/mesh?roomId=${this.#o.roomId}`;
  }

  /** The machine snapshots of both sides (tests compare them with the inspector's). */
  snapshots(): Readonly<Record<'polite' | 'impolite', NegotiationSnapshot>> {
    const [impolite, polite] = this.#sides as [Side, Side];
    return { polite: polite.snapshot, impolite: impolite.snapshot };
  }

  #other(s: Side): Side {
    return this.#sides[0] === s ? (this.#sides[1] as Side) : (this.#sides[0] as Side);
  }

  #end(s: Side): RelayEnd {
    return { name: s.name, conn: s.conn };
  }

  start(): void {
    const w = this.#w;
    this.#sides.forEach((s, i) => {
      w.schedule(i * 5, {
        kind: 'join',
        actor: s.name,
        conn: s.conn,
        run: () => {
          s.up = true;
          w.open(s.conn, this.url);
          w.pc(
            s.pc,
            'create',
            { remotePeerId: this.#other(s).name, polite: s.role === 'polite' },
            s.conn,
          );
          // The mesh relay welcomes the page and tells the other one it is online.
          const other = this.#other(s);
          const online = other.up ? [other.name] : [];
          w.schedule(w.fifo(`server>${s.conn}`, w.rng.int(2, 8)), {
            kind: 'deliver',
            actor: s.name,
            conn: s.conn,
            msg: {
              id: w.messageId(),
              from: 'server',
              to: s.name,
              label: 'welcome',
              isRequest: false,
              method: 'welcome',
            },
            run: () => {
              w.frame(s.conn, 'in', { type: 'welcome', id: s.name, online });
              return {
                summary: `${s.name} is welcomed by the relay`,
                explanation: `The relay gives ${s.name} its id and the ids online. This lesson uses the mesh relay only as a message channel: perfect negotiation, not the smaller-id rule, decides who offers — so the mesh page model will flag the polite peer's offer as one "from the passive side".`,
              };
            },
          });
          if (other.up) {
            w.schedule(w.fifo(`server>${other.conn}`, w.rng.int(2, 8)), {
              kind: 'deliver',
              actor: other.name,
              conn: other.conn,
              msg: {
                id: w.messageId(),
                from: 'server',
                to: other.name,
                label: `online(${s.name})`,
                isRequest: false,
                method: 'online',
              },
              run: () => {
                w.frame(other.conn, 'in', { type: 'online', id: s.name });
                return {
                  summary: `${other.name} learns that ${s.name} is online`,
                  explanation: 'The relay announces the other peer.',
                };
              },
            });
          }
          return {
            summary: `${s.name} opens its page and its RTCPeerConnection`,
            explanation: `${s.name} is the ${s.role} peer. In perfect negotiation both sides run the same code; the only difference is that on an offer collision the polite peer gives way (rolls back and takes the other's offer) and the impolite one ignores the other's offer.`,
          };
        },
      });
    });
    const at = 400;
    w.schedule(at, {
      kind: 'negotiationneeded',
      actor: 'impolite',
      conn: 'impolite',
      run: () => this.#apply(this.#sides[0] as Side, { type: 'negotiationneeded' }),
    });
    if (this.#o.glare) {
      w.schedule(at + 2, {
        kind: 'negotiationneeded',
        actor: 'polite',
        conn: 'polite',
        run: () => this.#apply(this.#sides[1] as Side, { type: 'negotiationneeded' }),
      });
    }
  }

  #ctx(s: Side): NegotiationContext {
    return s.snapshot.context;
  }

  #description(
    s: Side,
    d: { type: string; id: string },
  ): { type: 'offer' | 'answer'; sdp: string } {
    const type = d.type === 'answer' ? 'answer' : 'offer';
    return { type, sdp: sdpOf(type, s.endpoint) };
  }

  /** Feeds one event to the side's machine and writes what the browser would log. */
  #apply(s: Side, event: NegotiationEvent): StepText | undefined {
    if (!s.up) return undefined;
    const w = this.#w;
    const before = this.#ctx(s);
    s.snapshot = transition(negotiationMachine, s.snapshot, event)[0];
    const after = this.#ctx(s);
    let extra = '';
    switch (event.type) {
      case 'negotiationneeded':
        w.pc(s.pc, 'negotiationneeded', undefined, s.conn);
        extra = ` The example sets makingOffer = true and calls setLocalDescription() with no argument, which makes an offer.`;
        break;
      case 'sld.start':
        w.pc(s.pc, 'setLocalDescription', undefined, s.conn);
        break;
      case 'sld.done': {
        if (after.signalingState !== before.signalingState) {
          w.pc(s.pc, 'signalingstatechange', after.signalingState, s.conn);
        }
        w.pc(s.pc, 'setLocalDescriptionOnSuccess', undefined, s.conn);
        this.#gather(s);
        break;
      }
      case 'send.description': {
        const sent = after.sent;
        if (sent !== null) {
          const desc = this.#description(s, sent);
          const other = this.#other(s);
          relay({
            world: w,
            from: this.#end(s),
            to: () => (other.up ? this.#end(other) : undefined),
            toName: other.name,
            label: desc.type,
            method: 'signal',
            out: { type: 'signal', to: other.name, description: desc },
            in: { type: 'signal', from: s.name, to: other.name, description: desc },
            deliver: () =>
              this.#apply(other, {
                type: 'description.received',
                sdpType: desc.type,
                id: sent.id,
              }) ?? {
                summary: `${other.name} gets a ${desc.type}`,
                explanation: '',
              },
          });
          extra = ` makingOffer goes back to false once the ${desc.type} is sent.`;
        }
        break;
      }
      case 'description.received': {
        if (after.ignoreOffer) {
          extra = ` Offer collision: ${s.name} is making an offer itself (or is not stable), and being impolite it ignores the incoming offer. Nothing is called on its RTCPeerConnection; it waits for the answer to its own offer.`;
        } else if (event.sdpType === 'offer' && before.signalingState !== 'stable') {
          extra = ` Offer collision, and ${s.name} is polite: it will apply the offer anyway — setRemoteDescription(offer) rolls back its own offer implicitly — and answer.`;
        }
        break;
      }
      case 'srd.start': {
        const received = after.received ?? before.received;
        const desc = this.#description(this.#other(s), {
          type: received?.type ?? 'offer',
          id: received?.id ?? '',
        });
        w.pc(s.pc, 'setRemoteDescription', desc, s.conn);
        break;
      }
      case 'srd.done':
        if (after.signalingState !== before.signalingState) {
          w.pc(s.pc, 'signalingstatechange', after.signalingState, s.conn);
        }
        w.pc(s.pc, 'setRemoteDescriptionOnSuccess', undefined, s.conn);
        this.#maybeConnect(s);
        break;
      default:
        break;
    }
    this.#scheduleCode(s);
    return {
      summary: `${s.name} ${EVENT_TEXT[event.type]}`,
      explanation: `${describeContext(after)}.${extra}`,
      kind: `pn-${event.type}`,
    };
  }

  /** What the W3C example does next on this side, as a step of its own. */
  #scheduleCode(s: Side): void {
    if (s.codeScheduled || nextOwnEvent(this.#ctx(s)) === undefined) return;
    s.codeScheduled = true;
    this.#w.schedule(this.#w.rng.int(1, 4), {
      kind: 'pn-code',
      actor: s.name,
      conn: s.conn,
      run: () => {
        s.codeScheduled = false;
        const next = nextOwnEvent(this.#ctx(s));
        return next === undefined ? undefined : this.#apply(s, next);
      },
    });
  }

  #gather(s: Side): void {
    const local = localDescriptionOf(this.#ctx(s));
    if (local === null || s.gatheredFor.has(local.id)) return;
    s.gatheredFor.add(local.id);
    const w = this.#w;
    w.schedule(w.rng.int(5, 30), {
      kind: 'gather',
      actor: s.name,
      conn: s.conn,
      run: () => {
        if (!s.up) return undefined;
        s.port += w.rng.int(3, 40);
        const candidate = {
          candidate: candidateLine(s.endpoint, 0, s.port),
          sdpMid: '0',
          sdpMLineIndex: 0,
          usernameFragment: s.endpoint.ufrag,
        };
        w.pc(s.pc, 'icecandidate', candidate, s.conn);
        const other = this.#other(s);
        relay({
          world: w,
          from: this.#end(s),
          to: () => (other.up ? this.#end(other) : undefined),
          toName: other.name,
          label: 'candidate',
          method: 'signal',
          out: { type: 'signal', to: other.name, candidate },
          in: { type: 'signal', from: s.name, to: other.name, candidate },
          deliver: () => this.#candidateArrives(other, local.id, candidate),
        });
        return {
          summary: `${s.name} gathers a candidate and sends it`,
          explanation: `The candidate belongs to ${s.name}'s local description ${local.id}.`,
          kind: 'gather',
        };
      },
    });
  }

  #candidateArrives(s: Side, of: string, candidate: unknown): StepText {
    const w = this.#w;
    s.snapshot = transition(negotiationMachine, s.snapshot, { type: 'candidate.received' })[0];
    w.pc(s.pc, 'addIceCandidate', candidate, s.conn);
    const ok = remoteAfterChain(this.#ctx(s))?.id === of;
    s.snapshot = transition(
      negotiationMachine,
      s.snapshot,
      ok
        ? { type: 'candidate.added' }
        : { type: 'candidate.failed', error: 'OperationError: Error processing ICE candidate' },
    )[0];
    if (ok) {
      w.pc(s.pc, 'addIceCandidateOnSuccess', undefined, s.conn);
      s.candidatesAdded++;
      this.#maybeConnect(s);
    } else {
      w.pc(
        s.pc,
        'addIceCandidateOnFailure',
        'OperationError: Error processing ICE candidate',
        s.conn,
      );
    }
    this.#scheduleCode(s);
    return {
      summary: `${s.name} adds a candidate${ok ? '' : ' — it fails'}`,
      explanation: ok
        ? 'The candidate belongs to the remote description this side has: addIceCandidate succeeds.'
        : s.role === 'impolite'
          ? 'The candidate belongs to the offer this impolite side ignored, so addIceCandidate fails. The W3C example swallows this error when ignoreOffer is true: it is expected.'
          : 'The candidate belongs to a description this side does not have: addIceCandidate fails.',
      kind: 'pn-candidate',
    };
  }

  #maybeConnect(s: Side): void {
    const c = this.#ctx(s);
    if (
      s.ice !== 'new' ||
      c.signalingState !== 'stable' ||
      c.currentRemote === null ||
      c.currentLocal === null ||
      s.candidatesAdded === 0
    ) {
      return;
    }
    s.ice = 'checking';
    const w = this.#w;
    w.schedule(w.rng.int(2, 10), {
      kind: 'ice-checking',
      actor: s.name,
      conn: s.conn,
      run: () => {
        w.pc(s.pc, 'iceconnectionstatechange', 'checking', s.conn);
        w.pc(s.pc, 'connectionstatechange', 'connecting', s.conn);
        w.schedule(w.rng.int(20, 60), {
          kind: s.iceBroken ? 'ice-failed' : 'ice-connected',
          actor: s.name,
          conn: s.conn,
          run: () => {
            s.ice = s.iceBroken ? 'failed' : 'connected';
            w.pc(s.pc, 'iceconnectionstatechange', s.ice, s.conn);
            w.pc(s.pc, 'connectionstatechange', s.ice, s.conn);
            return {
              summary: `${s.pc} ${s.ice === 'connected' ? 'connects' : 'fails'}`,
              explanation:
                s.ice === 'connected'
                  ? 'Glare resolved: one offer won, the other side answered it, and ICE connected over the candidates of the winning descriptions.'
                  : 'ICE failed (injected fault).',
            };
          },
        });
        return {
          summary: `${s.name} starts ICE checks`,
          explanation:
            'Both descriptions are applied and a remote candidate is in: connectivity checks start.',
        };
      },
    });
  }

  targets(kind: FaultKind): readonly string[] {
    return kind === 'ice-fail'
      ? this.#sides.map((s) => s.pc)
      : this.#sides.filter((s) => s.up).map((s) => s.name);
  }

  actorFault(fault: FaultSpec): StepText | undefined {
    const s = this.#sides.find((x) => x.name === fault.target || x.pc === fault.target);
    if (s === undefined) return undefined;
    if (fault.kind === 'ice-fail') {
      for (const x of this.#sides) x.iceBroken = true;
      return {
        summary: 'the network path between the peers breaks',
        explanation: 'Fault injected: ice-fail. Connectivity checks from now on get no answer.',
      };
    }
    if (!s.up) return undefined;
    s.up = false;
    const code = fault.kind === 'close-4000' ? 4000 : fault.kind === 'reload' ? 1001 : 1006;
    this.#w.close(s.conn, code, fault.kind === 'reload' ? 'page reload' : undefined);
    return {
      summary: `${s.name}'s page ${fault.kind === 'reload' ? 'reloads' : 'loses its socket'} (${code})`,
      explanation:
        'The peer stops taking part: messages to it are dropped by the server, and it sends nothing more. (This lesson does not bring it back.)',
    };
  }
}

function describeContext(c: NegotiationContext): string {
  return `Now: signalingState ${c.signalingState}, makingOffer ${c.makingOffer}, ignoreOffer ${c.ignoreOffer}, isSettingRemoteAnswerPending ${c.isSettingRemoteAnswerPending}`;
}

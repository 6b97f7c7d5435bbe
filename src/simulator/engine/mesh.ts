/**
 * A full-mesh room (protocol.md §5): N pages join one after another; the server gives each
 * its id and the ids online and tells the others; the smaller id of every pair offers. Each
 * page decides from its own mesh-room machine — the inspector's, read through the observer —
 * which links it initiates and which it waits for. Options: a WebSocket-only reconnect of one
 * peer, and a reload of another (a new page with the same id: the links to it are rebuilt).
 */
import type { MeshRoomSnapshot } from '../../projections/drivers/meshRoomDriver.ts';
import type { FaultKind, FaultSpec } from '../api.ts';
import type { Observer } from './observer.ts';
import { PcSide, type Candidate, type Description } from './p2p.ts';
import { relay, type RelayEnd } from './relay.ts';
import type { FaultHandler, StepText, World } from './world.ts';

export interface MeshOptions {
  readonly peers: number;
  /** ms between two joins. */
  readonly joinEveryMs: number;
  /** A peer that reconnects only its WebSocket once everyone is in (0: none). */
  readonly reconnectPeer: number;
  /** A peer that reloads its page once everyone is in (0: none). */
  readonly reloadPeer: number;
  readonly roomId: string;
}

interface Page {
  readonly id: number;
  readonly name: string;
  /** The page's connection name: a reload is a new page, so a new connection. */
  conn: string;
  reloads: number;
  up: boolean;
  /** Its peer connections by remote id, and the link generation each serves. */
  readonly pcs: Map<number, PcSide>;
  readonly gens: Map<number, number>;
}

export class MeshRoom implements FaultHandler {
  readonly #world: World;
  readonly #observer: Observer;
  readonly #o: MeshOptions;
  readonly #pages = new Map<number, Page>();
  /** Ids whose socket is up, as the server sees them. */
  readonly #online = new Set<number>();

  constructor(world: World, observer: Observer, options: MeshOptions) {
    this.#world = world;
    this.#observer = observer;
    this.#o = options;
  }

  get url(): string {
    return `ws://127.0.0.1:4443/mesh?roomId=${this.#o.roomId}`;
  }

  start(): void {
    const n = this.#o.peers;
    for (let id = 1; id <= n; id++) {
      this.#world.schedule((id - 1) * this.#o.joinEveryMs + this.#world.rng.int(0, 20), {
        kind: 'join',
        actor: `peer ${id}`,
        conn: `peer-${id}`,
        run: () => this.#join(id),
      });
    }
    const settled = n * this.#o.joinEveryMs + 3000;
    const { reconnectPeer, reloadPeer } = this.#o;
    if (reconnectPeer > 0 && reconnectPeer <= n) {
      this.#world.schedule(settled, {
        kind: 'ws-close',
        actor: `peer ${reconnectPeer}`,
        run: () => this.#socketDrops(reconnectPeer, 1006, true),
      });
    }
    if (reloadPeer > 0 && reloadPeer <= n) {
      this.#world.schedule(settled + 6000, {
        kind: 'reload',
        actor: `peer ${reloadPeer}`,
        run: () => this.#reload(reloadPeer),
      });
    }
  }

  #end(page: Page): RelayEnd {
    return { name: page.name, conn: page.conn };
  }

  #pageOf(id: number): Page | undefined {
    return this.#pages.get(id);
  }

  /** The page's own machine (the inspector's mesh-room machine for its connection). */
  #machine(page: Page): MeshRoomSnapshot | undefined {
    return this.#observer.sync().drivers.mesh.track(page.conn)?.stepper.final;
  }

  #join(id: number): StepText {
    const existing = this.#pages.get(id);
    const page: Page = existing ?? {
      id,
      name: `peer ${id}`,
      conn: `peer-${id}`,
      reloads: 0,
      up: false,
      pcs: new Map(),
      gens: new Map(),
    };
    this.#pages.set(id, page);
    return this.#connect(page, 'join');
  }

  /** The page opens its WebSocket; the server welcomes it and tells the others. */
  #connect(page: Page, why: 'join' | 'reconnect' | 'reload'): StepText {
    const w = this.#world;
    page.up = true;
    w.open(page.conn, this.url);
    const others = [...this.#online].filter((x) => x !== page.id).sort((a, b) => a - b);
    this.#online.add(page.id);
    this.#serverSends(page, { type: 'welcome', id: page.id, online: others }, 'welcome', () =>
      this.#welcomed(page, others),
    );
    for (const other of others) {
      const p = this.#pageOf(other);
      if (p?.up) {
        this.#serverSends(p, { type: 'online', id: page.id }, `online(${page.id})`, () =>
          this.#reconcileStep(p, `online(${page.id})`),
        );
      }
    }
    const verb =
      why === 'join'
        ? 'joins'
        : why === 'reload'
          ? 'comes back after its reload'
          : 'reconnects its WebSocket';
    return {
      summary: `${page.name} ${verb}`,
      explanation: `${page.name} opens a WebSocket to the mesh server (${this.url}). The server keeps only a list of who is online: it will send ${page.name} a welcome with its id and the ${others.length} id${others.length === 1 ? '' : 's'} online, and send online(${page.id}) to ${others.length === 0 ? 'nobody yet' : 'each of them'}.`,
    };
  }

  /** A frame from the server to a page: one message the user can fault. */
  #serverSends(page: Page, frame: unknown, label: string, react: () => StepText): void {
    const w = this.#world;
    const conn = page.conn;
    w.schedule(w.fifo(`server>${conn}`, w.rng.int(3, 15)), {
      kind: 'deliver',
      actor: page.name,
      conn,
      msg: {
        id: w.messageId(),
        from: 'server',
        to: page.name,
        label,
        isRequest: false,
        method: (frame as { type: string }).type,
      },
      run: () => {
        if (!page.up || page.conn !== conn) return undefined;
        w.frame(conn, 'in', frame);
        return react();
      },
    });
  }

  #welcomed(page: Page, online: readonly number[]): StepText {
    this.#scheduleReconcile(page);
    return {
      summary: `${page.name} is welcomed: id ${page.id}, online [${online.join(', ')}]`,
      explanation: `The welcome tells ${page.name} who is already there. The rule of the mesh room: of every pair, the smaller id makes the offer. So ${page.name} will offer to larger ids and wait for the offers of smaller ones${online.length === 0 ? ' (nobody yet)' : ''}.`,
    };
  }

  #reconcileStep(page: Page, what: string): StepText {
    this.#scheduleReconcile(page);
    return {
      summary: `${page.name} receives ${what}`,
      explanation: `The server announces a peer. ${page.name}'s code will look at its links again: a new or renewed link gets a peer connection, offered to if ${page.name} has the smaller id.`,
    };
  }

  #scheduleReconcile(page: Page): void {
    const conn = page.conn;
    this.#world.schedule(this.#world.rng.int(1, 3), {
      kind: 'mesh-decide',
      actor: page.name,
      conn,
      run: () => (page.up && page.conn === conn ? this.#reconcile(page) : undefined),
    });
  }

  /** The page acts on its mesh-room machine's links: create passive pcs, make offers. */
  #reconcile(page: Page): StepText | undefined {
    const snapshot = this.#machine(page);
    if (snapshot === undefined) return undefined;
    const offers: number[] = [];
    const waits: number[] = [];
    for (const link of Object.values(snapshot.context.links)) {
      const peer = Number(link.peerId);
      if (!this.#online.has(peer) || link.state === 'connected') continue;
      const current = page.pcs.get(peer);
      const gen = page.gens.get(peer) ?? 0;
      if (link.role === 'passive') {
        if (
          link.state === 'waiting' &&
          (current === undefined || current.closed || gen < link.generation)
        ) {
          this.#newPc(page, peer, link.generation);
          waits.push(peer);
        }
        continue;
      }
      // Initiator: a waiting link gets an offer; a dead one a new connection and an offer.
      const stale =
        current === undefined || current.closed || gen < link.generation || link.state === 'dead';
      if ((link.state === 'waiting' || link.state === 'dead') && (stale || !current.hasLocal)) {
        const next = link.state === 'dead' ? link.generation + 1 : link.generation;
        const pc = stale ? this.#newPc(page, peer, next) : current;
        this.#offer(page, peer, pc);
        offers.push(peer);
      }
    }
    if (offers.length === 0 && waits.length === 0) return undefined;
    const parts: string[] = [];
    if (offers.length > 0) parts.push(`offers to ${offers.join(', ')} (its id is smaller)`);
    if (waits.length > 0)
      parts.push(
        `prepares a passive connection for ${waits.join(', ')} and waits for their offers`,
      );
    return {
      summary: `${page.name} ${parts.join('; ')}`,
      explanation: `${page.name}'s mesh-room model (the same machine the Machines panel shows) lists each link with its role: initiator when ${page.name}'s id is the smaller, passive otherwise. Initiator links get an RTCPeerConnection and an offer now; passive ones get an RTCPeerConnection that waits for the offer. Each page ends up with one connection per other peer: n-1 of them.`,
    };
  }

  #newPc(page: Page, peer: number, generation: number): PcSide {
    page.pcs.get(peer)?.close();
    const id = `pc-${page.id}-${peer}${generation > 1 ? `#${generation}` : ''}${page.reloads > 0 ? `r${page.reloads}` : ''}`;
    const pc = new PcSide(
      this.#world,
      { id, conn: page.conn, owner: page.name, remote: `peer ${peer}` },
      {
        sendCandidate: (side, c) => {
          this.#signal(page, peer, 'candidate', { candidate: c }, side);
        },
      },
    );
    pc.create({ remotePeerId: peer, iceServers: [] });
    page.pcs.set(peer, pc);
    page.gens.set(peer, generation);
    return pc;
  }

  #offer(page: Page, peer: number, pc: PcSide, restart = false): void {
    const offer = pc.makeOffer(restart);
    this.#signal(page, peer, 'offer', { description: offer }, pc);
  }

  /** A signal from `page` to `peer` through the server. */
  #signal(
    page: Page,
    peer: number,
    label: 'offer' | 'answer' | 'candidate',
    body: { description: Description } | { candidate: Candidate },
    _side: PcSide,
  ): void {
    relay({
      world: this.#world,
      from: this.#end(page),
      to: () => {
        const p = this.#pageOf(peer);
        return p?.up ? this.#end(p) : undefined;
      },
      toName: `peer ${peer}`,
      label,
      method: 'signal',
      out: { type: 'signal', to: peer, ...body },
      in: { type: 'signal', from: page.id, to: peer, ...body },
      deliver: (to) => this.#onSignal(this.#pageOf(peer) as Page, page.id, body, to),
    });
  }

  #onSignal(
    page: Page,
    from: number,
    body: { description: Description } | { candidate: Candidate },
    _to: RelayEnd,
  ): StepText {
    if ('candidate' in body) {
      const pc = page.pcs.get(from);
      if (pc === undefined || pc.closed) {
        return {
          summary: `${page.name} has no connection for the candidate from ${from}`,
          explanation: `A candidate for a connection ${page.name} does not have (it was replaced or never made): it is ignored.`,
        };
      }
      const ok = pc.addCandidate(body.candidate);
      return {
        summary: `${page.name} adds a candidate from peer ${from}${ok ? '' : ' (it fails)'}`,
        explanation: ok
          ? `addIceCandidate gives ${pc.id}'s ICE agent one more address of peer ${from} to check.`
          : `addIceCandidate fails: the candidate came before the description it belongs to (or belongs to an older ICE generation). Real pages queue early candidates; this one shows what happens when they do not.`,
      };
    }
    const d = body.description;
    if (d.type === 'offer') {
      let pc = page.pcs.get(from);
      const gen = page.gens.get(from) ?? 0;
      if (pc === undefined || pc.closed || pc.hasRemote) {
        // A new offer on an existing link: a reloaded peer, or a renewed link.
        pc =
          pc !== undefined &&
          !pc.closed &&
          pc.hasRemote &&
          pc.ice !== 'failed' &&
          pc.ice !== 'disconnected'
            ? pc
            : this.#newPc(page, from, Math.max(gen + (pc ? 1 : 0), 1));
      }
      pc.applyRemote(d);
      const answer = pc.makeAnswer();
      this.#signal(page, from, 'answer', { description: answer }, pc);
      return {
        summary: `${page.name} answers peer ${from}'s offer`,
        explanation: `${page.name} is the passive side of this pair (larger id). setRemoteDescription(offer) puts ${pc.id} in have-remote-offer; createAnswer and setLocalDescription(answer) bring it back to stable; the answer goes back through the server. Its ICE agent starts gathering candidates.`,
      };
    }
    const pc = page.pcs.get(from);
    if (pc === undefined || pc.closed) {
      return {
        summary: `${page.name} gets an answer from ${from} for a connection it no longer has`,
        explanation: 'The answer is ignored.',
      };
    }
    const ok = pc.applyRemote(d);
    return {
      summary: `${page.name} applies peer ${from}'s answer${ok ? '' : ' (refused)'}`,
      explanation: ok
        ? `setRemoteDescription(answer): ${pc.id} goes from have-local-offer to stable. Offer and answer are done; ICE now decides whether the connection comes up.`
        : `The answer does not fit ${pc.id}'s signaling state (${pc.signaling}): setRemoteDescription fails, as a browser's would (a duplicated or reordered answer).`,
    };
  }

  /** The page's socket drops; with `reconnect` it comes back 1–2 s later (same page). */
  #socketDrops(id: number, code: number, reconnect: boolean): StepText | undefined {
    const page = this.#pageOf(id);
    if (page === undefined || !page.up) return undefined;
    const w = this.#world;
    page.up = false;
    w.close(page.conn, code, code === 4000 ? 'closed by server' : undefined);
    this.#online.delete(id);
    this.#tellOffline(id);
    if (reconnect) {
      w.schedule(w.rng.int(1000, 2000), {
        kind: 'ws-open',
        actor: page.name,
        conn: page.conn,
        run: () => this.#connect(page, 'reconnect'),
      });
    }
    return {
      summary: `${page.name}'s WebSocket closes (${code})${reconnect ? '; it will reconnect' : ''}`,
      explanation: `Only the signaling socket is gone: ${page.name}'s RTCPeerConnections are not tied to it and stay connected. The server tells the others offline(${id}).${reconnect ? ` When ${page.name} is back, online(${id}) with a known id and a still connected link means nothing to renegotiate.` : code === 4000 ? ' Code 4000 means the server closed it on purpose: the page does not reconnect.' : ''}`,
    };
  }

  #tellOffline(id: number): void {
    for (const other of this.#online) {
      const p = this.#pageOf(other);
      if (p?.up) {
        this.#serverSends(p, { type: 'offline', id }, `offline(${id})`, () => ({
          summary: `${p.name} receives offline(${id})`,
          explanation: `Peer ${id}'s socket closed. That alone says nothing about the peer connection to it: it may live on (a WebSocket-only reconnect) or die (a reload). ${p.name} keeps the link and waits.`,
        }));
      }
    }
  }

  /** A reload: the old page is gone with its connections; a new page with the same id comes. */
  #reload(id: number): StepText | undefined {
    const page = this.#pageOf(id);
    if (page === undefined || !page.up) return undefined;
    const w = this.#world;
    page.up = false;
    w.close(page.conn, 1001, 'page reload');
    this.#online.delete(id);
    this.#tellOffline(id);
    // The peers' connections to the old page lose their partner.
    for (const [peer, pc] of page.pcs) {
      pc.signaling = 'closed';
      this.#pageOf(peer)?.pcs.get(id)?.lostRemote();
    }
    page.pcs.clear();
    page.gens.clear();
    w.schedule(w.rng.int(8000, 12_000), {
      kind: 'ws-open',
      actor: page.name,
      conn: `peer-${id}`,
      run: () => {
        page.reloads++;
        page.conn = `peer-${id}-reload${page.reloads}`;
        return this.#connect(page, 'reload');
      },
    });
    return {
      summary: `${page.name} reloads its page`,
      explanation: `A reload throws the page away: its WebSocket closes (1001) and its RTCPeerConnections vanish without a word. The other peers notice twice: the server says offline(${id}), and their connections to ${id} stop getting consent answers, go disconnected, then failed. The new page will come back with the same id.`,
    };
  }

  // ── faults ──────────────────────────────────────────────────────────────────────────────

  targets(kind: FaultKind): readonly string[] {
    if (kind === 'ice-fail') {
      const out: string[] = [];
      for (const page of this.#pages.values()) {
        for (const pc of page.pcs.values()) if (!pc.closed) out.push(pc.id);
      }
      return out;
    }
    return [...this.#pages.values()].filter((p) => p.up).map((p) => String(p.id));
  }

  actorFault(fault: FaultSpec): StepText | undefined {
    const target = (fault.target ?? '').replace(/^peer /, '');
    switch (fault.kind) {
      case 'close':
        return this.#socketDrops(Number(target), 1006, true);
      case 'close-4000':
        return this.#socketDrops(Number(target), 4000, false);
      case 'reload':
        return this.#reload(Number(target));
      case 'ice-fail': {
        for (const page of this.#pages.values()) {
          for (const [peer, pc] of page.pcs) {
            if (pc.id !== target) continue;
            pc.breakIce();
            this.#pageOf(peer)?.pcs.get(page.id)?.breakIce();
            return {
              summary: `the network path of ${pc.id} breaks`,
              explanation: `Fault injected: ice-fail. Packets between ${page.name} and peer ${peer} stop getting through. Both ends see their connection go disconnected, then failed a few seconds later. The mesh room has no ICE restart of its own: the link stays failed.`,
            };
          }
        }
        return undefined;
      }
      default:
        return undefined;
    }
  }

  /** Every pair of pages has a connected connection (each side sees it connected). */
  allConnected(): boolean {
    const pages = [...this.#pages.values()];
    if (pages.length < this.#o.peers) return false;
    for (const page of pages) {
      for (const other of pages) {
        if (other.id === page.id) continue;
        if (page.pcs.get(other.id)?.ice !== 'connected') return false;
      }
    }
    return true;
  }
}

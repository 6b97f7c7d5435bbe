/**
 * The mesh-room relay (protocol.md §5, wire shapes in src/protocol/roomProtocols.ts): the
 * server numbers the peers (1, 2, 3, …: the smaller id initiates), tells a newcomer its id and
 * who is online, tells everyone who comes and goes, and relays signals, stamping `from`.
 * A page that reloads may ask for its old id back with `?id=`; the newest connection wins.
 *
 * Optional bots (`bots=N` in the first peer's URL) are online peers without a socket: each
 * sends a synthetic offer and two candidates (fixtures/build/room-sdp.ts) to every newcomer,
 * and answers any offer sent to it.
 */
import type { RawData, WebSocket } from 'ws';
import { candidateLine, endpoint, sdpOf } from '../../fixtures/build/room-sdp.ts';
import { createRng, type Rng } from '../../fixtures/build/random.ts';
import { classifyMesh } from '../../src/protocol/rooms.ts';
import type {
  MeshCandidate,
  MeshDescription,
  MeshPeerId,
  MeshServerMessage,
} from '../../src/protocol/roomProtocols.ts';

export interface MeshRoomOptions {
  readonly roomId: string;
  readonly seed: string;
  readonly bots: number;
  readonly log: (line: string) => void;
  readonly onClose: () => void;
}

/** Close code for a connection replaced by a newer one with the same id. */
export const MESH_REPLACED_CODE = 4000;

/**
 * The peer id a URL asks for: a decimal string becomes a number (ids compare numerically),
 * anything else non-empty stays a string.
 *
 * @example
 * requestedMeshId('3'); // 3
 * requestedMeshId('alice'); // 'alice'
 * requestedMeshId(null); // undefined
 */
export function requestedMeshId(value: string | null): MeshPeerId | undefined {
  if (value === null || value === '') return undefined;
  return /^\d{1,15}$/.test(value) ? Number(value) : value;
}

export class MeshRoom {
  readonly id: string;
  readonly #options: MeshRoomOptions;
  readonly #rng: Rng;
  readonly #sockets = new Map<MeshPeerId, WebSocket>();
  readonly #bots: MeshPeerId[] = [];
  #nextId = 1;
  #closed = false;

  constructor(options: MeshRoomOptions) {
    this.#options = options;
    this.id = options.roomId;
    this.#rng = createRng(`${options.seed}:mesh`);
    for (let i = 0; i < options.bots; i++) this.#bots.push(this.#nextId++);
  }

  /** Ids online, bots included, in order. */
  online(): MeshPeerId[] {
    return [...this.#bots, ...this.#sockets.keys()].sort(compareIds);
  }

  get botIds(): readonly MeshPeerId[] {
    return this.#bots;
  }

  connect(socket: WebSocket, asked: MeshPeerId | undefined): MeshPeerId {
    const id = asked !== undefined && !this.#bots.includes(asked) ? asked : this.#nextId++;
    if (typeof id === 'number' && id >= this.#nextId) this.#nextId = id + 1;
    const old = this.#sockets.get(id);
    if (old !== undefined) {
      this.#sockets.delete(id);
      old.close(MESH_REPLACED_CODE, 'replaced by a newer connection');
    }
    const others = this.online();
    this.#sockets.set(id, socket);
    this.#send(socket, { type: 'welcome', id, online: others });
    for (const [otherId, other] of this.#sockets) {
      if (otherId !== id) this.#send(other, { type: 'online', id });
    }
    socket.on('message', (raw, isBinary) => {
      if (isBinary) return;
      this.#onFrame(id, textOf(raw));
    });
    socket.on('close', () => {
      if (this.#sockets.get(id) !== socket) return;
      this.#sockets.delete(id);
      for (const other of this.#sockets.values()) this.#send(other, { type: 'offline', id });
      if (this.#sockets.size === 0) this.close();
    });
    for (const bot of this.#bots) this.#botOffers(bot, id);
    return id;
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    for (const socket of this.#sockets.values()) socket.close(1001, 'server closing');
    this.#sockets.clear();
    this.#options.onClose();
  }

  #send(socket: WebSocket, message: MeshServerMessage): void {
    if (socket.readyState === socket.OPEN) socket.send(JSON.stringify(message));
  }

  #onFrame(from: MeshPeerId, text: string): void {
    let value: unknown;
    try {
      value = JSON.parse(text) as unknown;
    } catch {
      this.#options.log(`mesh ${this.id}: ${String(from)} sent a frame that is not JSON`);
      return;
    }
    const decoded = classifyMesh(value, 'out');
    if (decoded.kind === 'invalid') {
      this.#options.log(
        `mesh ${this.id}: ${String(from)} sent an invalid frame: ${decoded.reason}`,
      );
      return;
    }
    const message = decoded.message;
    if (message.type !== 'signal' || 'from' in message) return;
    const to = message.to;
    if ('description' in message) {
      this.#relay(from, to, { description: message.description });
    } else {
      this.#relay(from, to, { candidate: message.candidate });
    }
  }

  #relay(
    from: MeshPeerId,
    to: MeshPeerId,
    body: { description: MeshDescription } | { candidate: MeshCandidate },
  ): void {
    const target = this.#sockets.get(to);
    if (target !== undefined) {
      this.#send(target, { type: 'signal', from, to, ...body });
      return;
    }
    if (this.#bots.includes(to) && 'description' in body && body.description.type === 'offer') {
      this.#botAnswer(to, from);
    }
  }

  /** A bot (an earlier id) initiates towards a newcomer: offer, then two candidates. */
  #botOffers(bot: MeshPeerId, to: MeshPeerId): void {
    if (compareIds(bot, to) >= 0) return;
    this.#botSignals(bot, to, 'offer');
  }

  #botAnswer(bot: MeshPeerId, to: MeshPeerId): void {
    this.#botSignals(bot, to, 'answer');
  }

  #botSignals(bot: MeshPeerId, to: MeshPeerId, type: 'offer' | 'answer'): void {
    const socket = this.#sockets.get(to);
    if (socket === undefined) return;
    const e = endpoint(this.#rng);
    this.#send(socket, {
      type: 'signal',
      from: bot,
      to,
      description: { type, sdp: sdpOf(type, e) },
    });
    for (let k = 0; k < 2; k++) {
      const candidate = {
        candidate: candidateLine(e, k, 50_000 + k),
        sdpMid: '0',
        sdpMLineIndex: 0,
      };
      this.#send(socket, { type: 'signal', from: bot, to, candidate });
    }
  }
}

const DECIMAL = /^\d+$/;

/** The order of `compareMeshIds` (machines/meshRoomMachine.ts): decimal ids numerically, else by code units. */
function compareIds(a: MeshPeerId, b: MeshPeerId): number {
  const x = String(a);
  const y = String(b);
  if (DECIMAL.test(x) && DECIMAL.test(y)) {
    const d = Number(x) - Number(y);
    if (d !== 0) return d;
  }
  return x < y ? -1 : x > y ? 1 : 0;
}

/** A text frame's content (ws hands it over as a Buffer, fragments or an ArrayBuffer). */
export function textOf(raw: RawData): string {
  if (Buffer.isBuffer(raw)) return raw.toString('utf8');
  if (Array.isArray(raw)) return Buffer.concat(raw).toString('utf8');
  return Buffer.from(raw).toString('utf8');
}

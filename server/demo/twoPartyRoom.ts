/**
 * The two-party room (protocol.md §5, wire shapes in src/protocol/roomProtocols.ts), the
 * WebRTC codelab's socket.io server as one JSON frame per event: `create or join` →
 * `created` (first client, the initiator) / `join` to the initiator + `joined` + `ready` to
 * both (second) / `full` (any other); `message` frames go to the other client of the room.
 */
import type { WebSocket } from 'ws';
import { textOf } from './meshRoom.ts';
import { ALPHABETS, createRng, type Rng } from '../../fixtures/build/random.ts';
import { classifyTwoParty } from '../../src/protocol/rooms.ts';
import type { TwoPartyServerMessage } from '../../src/protocol/roomProtocols.ts';

export interface TwoPartyHubOptions {
  readonly seed: string;
  readonly log: (line: string) => void;
}

interface Client {
  readonly id: string;
  readonly socket: WebSocket;
  room: string | undefined;
}

/** Every two-party room of the server, by the name clients give in `create or join`. */
export class TwoPartyHub {
  readonly #options: TwoPartyHubOptions;
  readonly #rng: Rng;
  readonly #rooms = new Map<string, Client[]>();
  readonly #clients = new Set<Client>();

  constructor(options: TwoPartyHubOptions) {
    this.#options = options;
    this.#rng = createRng(`${options.seed}:two-party`);
  }

  /** Room name → socket ids of its clients, initiator first. */
  rooms(): Map<string, string[]> {
    return new Map([...this.#rooms].map(([name, clients]) => [name, clients.map((c) => c.id)]));
  }

  connect(socket: WebSocket): void {
    const client: Client = { id: this.#rng.string(20, ALPHABETS.BASE62), socket, room: undefined };
    this.#clients.add(client);
    socket.on('message', (raw, isBinary) => {
      if (!isBinary) this.#onFrame(client, textOf(raw));
    });
    socket.on('close', () => {
      this.#clients.delete(client);
      this.#leave(client);
    });
  }

  close(): void {
    for (const client of this.#clients) client.socket.close(1001, 'server closing');
    this.#clients.clear();
    this.#rooms.clear();
  }

  #send(client: Client, message: TwoPartyServerMessage): void {
    if (client.socket.readyState === client.socket.OPEN) {
      client.socket.send(JSON.stringify(message));
    }
  }

  #leave(client: Client): void {
    const name = client.room;
    if (name === undefined) return;
    client.room = undefined;
    const left = (this.#rooms.get(name) ?? []).filter((c) => c !== client);
    if (left.length === 0) this.#rooms.delete(name);
    else this.#rooms.set(name, left);
  }

  #onFrame(client: Client, text: string): void {
    let value: unknown;
    try {
      value = JSON.parse(text) as unknown;
    } catch {
      this.#options.log(`two-party: ${client.id} sent a frame that is not JSON`);
      return;
    }
    const decoded = classifyTwoParty(value, 'out');
    if (decoded.kind === 'invalid') {
      this.#options.log(`two-party: ${client.id} sent an invalid frame: ${decoded.reason}`);
      return;
    }
    const message = decoded.message;
    if (message.type === 'create or join') {
      this.#createOrJoin(client, message.room);
    } else if (message.type === 'message' && client.room !== undefined) {
      for (const other of this.#rooms.get(client.room) ?? []) {
        if (other !== client) this.#send(other, { type: 'message', message: message.message });
      }
    }
  }

  #createOrJoin(client: Client, room: string): void {
    if (client.room === room) return;
    this.#leave(client);
    const members = this.#rooms.get(room) ?? [];
    if (members.length === 0) {
      client.room = room;
      this.#rooms.set(room, [client]);
      this.#send(client, { type: 'created', room, id: client.id });
    } else if (members.length === 1) {
      const [initiator] = members;
      if (initiator) this.#send(initiator, { type: 'join', room });
      client.room = room;
      this.#rooms.set(room, [...members, client]);
      this.#send(client, { type: 'joined', room, id: client.id });
      for (const c of [...members, client]) this.#send(c, { type: 'ready' });
    } else {
      this.#send(client, { type: 'full', room });
    }
  }
}

/**
 * A message from one page to another through a relaying signaling server (mesh room,
 * two-party room): the sender's frame goes out on its socket now; the server gets it a few ms
 * later (a step: it forwards or drops it); the receiver's frame comes in a few ms after that
 * (a step: the page reacts). Both hops are messages the user can drop, delay, duplicate or
 * reorder.
 */
import type { StepText, World } from './world.ts';

export interface RelayEnd {
  /** The actor name, e.g. `peer 3`. */
  readonly name: string;
  readonly conn: string;
}

export interface RelayOptions {
  readonly world: World;
  readonly from: RelayEnd;
  /** Looked up when the server forwards: the receiver may have reconnected or left since. */
  readonly to: () => RelayEnd | undefined;
  readonly toName: string;
  /** e.g. `offer`, `candidate`, `got user media`. */
  readonly label: string;
  /** The frame's type, for fault matching. */
  readonly method: string;
  /** The sender's frame (out) and the receiver's frame (in). */
  readonly out: unknown;
  readonly in: unknown;
  /** The receiver reacts (in the delivery step, after its frame is written). */
  readonly deliver: (to: RelayEnd) => StepText;
  /** Why the server may not forward (receiver offline…); undefined: it forwards. */
  readonly refuse?: () => string | undefined;
}

export function latency(world: World): number {
  return world.rng.int(4, 25);
}

export function relay(o: RelayOptions): void {
  const { world } = o;
  world.frame(o.from.conn, 'out', o.out);
  world.schedule(world.fifo(`${o.from.conn}>server`, latency(world)), {
    kind: 'server-relay',
    actor: 'server',
    msg: {
      id: world.messageId(),
      from: o.from.name,
      to: 'server',
      label: `${o.label} for ${o.toName}`,
      isRequest: false,
      method: o.method,
    },
    run: () => {
      const refused = o.refuse?.();
      const to = refused === undefined ? o.to() : undefined;
      if (to === undefined) {
        return {
          summary: `the server cannot forward ${o.label} from ${o.from.name} to ${o.toName}`,
          explanation: `${refused ?? `${o.toName} is not connected`}: the server drops the message. Signaling servers like this one keep no queue for absent peers.`,
        };
      }
      world.schedule(world.fifo(`server>${to.conn}`, latency(world)), {
        kind: 'deliver',
        actor: to.name,
        conn: to.conn,
        msg: {
          id: world.messageId(),
          from: 'server',
          to: to.name,
          label: `${o.label} from ${o.from.name}`,
          isRequest: false,
          method: o.method,
        },
        run: () => {
          const now = o.to();
          if (now === undefined || now.conn !== to.conn) {
            return {
              summary: `${o.label} from ${o.from.name} is lost: ${o.toName}'s socket closed`,
              explanation: `The socket to ${o.toName} closed while the message was on its way, so it is lost.`,
            };
          }
          world.frame(to.conn, 'in', o.in);
          return o.deliver(to);
        },
      });
      return {
        summary: `the server relays ${o.label} from ${o.from.name} to ${o.toName}`,
        explanation: `The server does not read the ${o.label}: it only looks up ${o.toName}'s socket and forwards the message (stamping who it is from).`,
      };
    },
  });
}

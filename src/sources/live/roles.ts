/**
 * What the observer and participant modes do on a mediasoup-demo room (protocol.md §2), in
 * either dialect: the dialect is read off the `getRouterRtpCapabilities` answer (the new demo
 * wraps it as `{routerRtpCapabilities}`).
 */
import type { Peer } from 'protoo-client';
import type { MediasoupDialect } from '../../protocol/catalog.ts';
import type { LiveRole, RoleContext } from './liveSource.ts';

/** The `device` a signalscope peer announces in `join`. */
export const SIGNALSCOPE_DEVICE = { flag: 'signalscope', name: 'signalscope', version: '0.1.0' };

export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The router capabilities and the dialect, from the answer to `getRouterRtpCapabilities`. */
export function readRouterCapabilities(answer: unknown): {
  dialect: MediasoupDialect;
  capabilities: Record<string, unknown>;
} {
  if (isRecord(answer) && isRecord(answer.routerRtpCapabilities)) {
    return { dialect: 'new', capabilities: answer.routerRtpCapabilities };
  }
  if (isRecord(answer) && Array.isArray(answer.codecs)) {
    return { dialect: 'legacy', capabilities: answer };
  }
  throw new Error('getRouterRtpCapabilities answered something that is not RTP capabilities');
}

/** Peer ids from a `join` answer (legacy `{peers:[{id}]}`, new `{peers:[{peerId}]}`). */
export function joinedPeerIds(answer: unknown): string[] {
  if (!isRecord(answer) || !Array.isArray(answer.peers)) return [];
  return answer.peers.flatMap((p: unknown) => {
    if (!isRecord(p)) return [];
    const id = p.peerId ?? p.id;
    return typeof id === 'string' ? [id] : [];
  });
}

/** The peer id a `newPeer` notification announces, in either dialect. */
export function newPeerId(data: unknown): string | undefined {
  if (!isRecord(data)) return undefined;
  const p = isRecord(data.peer) ? data.peer : data;
  const id = p.peerId ?? p.id;
  return typeof id === 'string' ? id : undefined;
}

/**
 * Keeps the set of peers in the room from join's answer and newPeer / peerClosed. A
 * notification can be handled before the code awaiting join's answer runs (both may arrive
 * in one task), so changes seen since `joining()` are applied again on top of the answer.
 */
export class PeerRoster {
  readonly ids = new Set<string>();
  private sinceJoin: [boolean, string][] = [];

  /** Call when `join` is sent. */
  joining(): void {
    this.sinceJoin = [];
  }

  /** The peers join's answer listed. */
  reset(ids: readonly string[]): void {
    this.ids.clear();
    for (const id of ids) this.ids.add(id);
    for (const [added, id] of this.sinceJoin) {
      if (added) this.ids.add(id);
      else this.ids.delete(id);
    }
    this.sinceJoin = [];
  }

  notification(method: string, data: unknown): boolean {
    if (method === 'newPeer') {
      const id = newPeerId(data);
      if (id !== undefined) {
        this.ids.add(id);
        this.sinceJoin.push([true, id]);
      }
      return true;
    }
    if (method === 'peerClosed' && isRecord(data) && typeof data.peerId === 'string') {
      this.ids.delete(data.peerId);
      this.sinceJoin.push([false, data.peerId]);
      return true;
    }
    return false;
  }

  describe(): string {
    const n = this.ids.size;
    return `${String(n)} other ${n === 1 ? 'peer' : 'peers'}`;
  }
}

/** Joins without rtpCapabilities: sees the room, consumes nothing. */
export function observerRole(displayName = 'signalscope'): LiveRole {
  const roster = new PeerRoster();
  let dialect: MediasoupDialect | undefined;
  let setRole: RoleContext['setRole'] = () => undefined;
  return {
    name: 'observer',
    async onOpen(peer: Peer, context: RoleContext) {
      setRole = context.setRole;
      context.setRole('observer: joining…');
      const caps: unknown = await peer.request('getRouterRtpCapabilities');
      dialect = readRouterCapabilities(caps).dialect;
      roster.joining();
      const answer: unknown = await peer.request('join', {
        displayName,
        device: SIGNALSCOPE_DEVICE,
      });
      roster.reset(joinedPeerIds(answer));
      context.setRole(`observer: joined (${dialect} dialect), ${roster.describe()}`);
    },
    onRequest(request, _accept, reject) {
      // A server should not offer consumers to a peer that joined without capabilities.
      reject(403, 'signalscope observer consumes nothing');
    },
    onNotification({ method, data }) {
      if (roster.notification(method, data) && dialect !== undefined) {
        setRole(`observer: joined (${dialect} dialect), ${roster.describe()}`);
      }
    },
  };
}

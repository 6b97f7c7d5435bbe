/**
 * For browser tests: the W3C perfect-negotiation example (webrtc-pc §10.7) wired between two
 * recorded RTCPeerConnections over a simulated signaling channel. Each side handles its
 * messages one at a time, in order (a FIFO channel, as the example assumes), and every message
 * takes the same delay, so offers sent at once cross on the wire (glare).
 *
 * An error escaping the example's message handler is collected in `errors` (a test asserts
 * none) until `stop()`; after it, late messages to closed connections are dropped.
 */
import type { RecordedPeerConnection } from '../../sources/pcRecorder.ts';

interface Message {
  readonly description?: RTCSessionDescriptionInit;
  readonly candidate?: RTCIceCandidateInit;
}

export interface PerfectNegotiation {
  readonly errors: readonly string[];
  stop(): void;
}

function localDescription(p: RecordedPeerConnection): RTCSessionDescriptionInit | null {
  const d = p.pc.localDescription;
  return d === null ? null : { type: d.type, sdp: d.sdp };
}

/** `impolite` and `polite` run the example toward each other; messages take `delayMs`. */
export function perfectNegotiation(
  impolite: RecordedPeerConnection,
  polite: RecordedPeerConnection,
  delayMs = 20,
): PerfectNegotiation {
  const inboxes = new Map<RecordedPeerConnection, (m: Message) => Promise<void>>();
  const chains = new Map<RecordedPeerConnection, Promise<void>>();
  const errors: string[] = [];
  let stopped = false;
  const send = (to: RecordedPeerConnection, m: Message): void => {
    setTimeout(() => {
      if (stopped) return;
      const next = (chains.get(to) ?? Promise.resolve())
        .then(() => inboxes.get(to)?.(m))
        .catch((error: unknown) => {
          if (!stopped) errors.push(String(error));
        });
      chains.set(to, next);
    }, delayMs);
  };
  const wire = (self: RecordedPeerConnection, other: RecordedPeerConnection, isPolite: boolean) => {
    const { pc } = self;
    let makingOffer = false;
    let ignoreOffer = false;
    let isSettingRemoteAnswerPending = false;
    pc.addEventListener('negotiationneeded', () => {
      void (async () => {
        try {
          makingOffer = true;
          await self.setLocalDescription();
          const d = localDescription(self);
          if (d) send(other, { description: d });
        } finally {
          makingOffer = false;
        }
      })().catch((error: unknown) => {
        if (!stopped) errors.push(String(error));
      });
    });
    pc.addEventListener('icecandidate', ({ candidate }) => {
      if (candidate !== null) send(other, { candidate: candidate.toJSON() });
    });
    inboxes.set(self, async ({ description, candidate }) => {
      if (description) {
        const readyForOffer =
          !makingOffer && (pc.signalingState === 'stable' || isSettingRemoteAnswerPending);
        const offerCollision = description.type === 'offer' && !readyForOffer;
        ignoreOffer = !isPolite && offerCollision;
        if (ignoreOffer) return;
        isSettingRemoteAnswerPending = description.type === 'answer';
        await self.setRemoteDescription(description);
        isSettingRemoteAnswerPending = false;
        if (description.type === 'offer') {
          await self.setLocalDescription();
          const d = localDescription(self);
          if (d) send(other, { description: d });
        }
      } else if (candidate) {
        try {
          await self.addIceCandidate(candidate);
        } catch (error) {
          if (!ignoreOffer) throw error;
        }
      }
    });
  };
  wire(impolite, polite, false);
  wire(polite, impolite, true);
  return {
    errors,
    stop() {
      stopped = true;
    },
  };
}

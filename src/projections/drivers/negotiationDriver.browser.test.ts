/**
 * negotiationDriver against the real thing: the W3C perfect-negotiation code runs on two real
 * RTCPeerConnections in Chromium (A impolite, B polite), both sides need negotiation at once
 * and their offers cross; the recorded `pc` events are replayed through
 * {@link createNegotiationDriver}. The model must see what the code did: B's collision and
 * implicit rollback, A ignoring B's offer (deduced from B's candidates) and swallowing their
 * errors, both ending stable as Chromium does, with no step outside the example.
 */
import { describe, it } from 'vitest';
import { SessionLog } from '../../session/SessionLog.ts';
import { createNegotiationDriver } from './negotiationDriver.ts';
import { perfectNegotiation } from './perfectNegotiation.testkit.ts';
import { recordPeerConnection } from '../../sources/pcRecorder.ts';

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

async function until(what: string, done: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!done()) {
    if (performance.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(10);
  }
}

describe('negotiationDriver on a real Chromium glare', () => {
  it('polite B rolls back and answers, impolite A ignores and swallows, both stable', async ({
    expect,
    onTestFinished,
  }) => {
    const log = new SessionLog();
    const a = recordPeerConnection(log, 'A', new RTCPeerConnection());
    const b = recordPeerConnection(log, 'B', new RTCPeerConnection());
    onTestFinished(() => {
      for (const p of [a, b]) {
        p.detach();
        p.pc.close();
      }
    });
    const glare = perfectNegotiation(a, b);
    onTestFinished(() => {
      glare.stop();
    });
    a.pc.createDataChannel('from-a');
    b.pc.createDataChannel('from-b');
    await until(
      'connected and stable',
      () =>
        [a, b].every((p) => p.pc.connectionState === 'connected') &&
        [a, b].every((p) => p.pc.signalingState === 'stable'),
    );
    await sleep(100);

    const driver = createNegotiationDriver(log, { polite: (pc) => pc === 'B' });
    const trackA = driver.track('A');
    const trackB = driver.track('B');
    if (!trackA || !trackB) throw new Error('no tracks');
    const kindsA = trackA.decisions().map((d) => d.kind);
    const kindsB = trackB.decisions().map((d) => d.kind);
    const failedA = [...log.events()].filter(
      (e) => e.type === 'pc' && e.pc === 'A' && e.event === 'addIceCandidateOnFailure',
    ).length;

    expect(kindsB.slice(0, 4)).toEqual([
      'offer-sent',
      'offer-collision',
      'rolled-back',
      'answered',
    ]);
    expect(kindsA.slice(0, 1)).toEqual(['offer-sent']);
    expect(kindsA).toContain('answer-applied');
    expect(kindsA.filter((k) => k === 'swallowed-candidate-error')).toHaveLength(failedA);
    if (failedA > 0) expect(kindsA).toContain('ignored-offer');
    for (const kinds of [kindsA, kindsB]) {
      expect(kinds).not.toContain('unexpected');
      expect(kinds).not.toContain('candidate-error');
      expect(kinds).not.toContain('overlapping-description');
    }
    for (const track of [trackA, trackB]) {
      const final = track.stepper.final;
      expect(final.context.signalingState, track.pc).toBe('stable');
      expect(final.value, track.pc).toEqual({ offerer: 'idle', handler: 'idle' });
      expect(final.context.makingOffer, track.pc).toBe(false);
    }
  });
});

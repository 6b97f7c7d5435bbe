/**
 * Perfect negotiation between a polite and an impolite negotiationMachine (negotiationPair):
 * glare in every order the messages can arrive, candidates of an ignored offer, and the offer
 * that arrives while an answer is being applied — with the outcomes the W3C example gives.
 */
import { describe, expect, it } from 'vitest';
import {
  runNegotiationPair,
  stepNegotiationPair,
  type NegotiationPairState,
  type PairStep,
  type PeerRole,
} from './negotiationPair.ts';

const nn = (peer: PeerRole): PairStep => ({ peer, do: 'negotiationneeded' });
const steps = (peer: PeerRole, n: number): PairStep[] =>
  Array.from({ length: n }, () => ({ peer, do: 'step' as const }));
const deliver = (peer: PeerRole): PairStep => ({ peer, do: 'deliver' });
const gather = (peer: PeerRole): PairStep => ({ peer, do: 'gather' });
const SETTLE: PairStep = { do: 'settle' };

const kinds = (s: NegotiationPairState, peer: PeerRole) =>
  s[peer].context.decisions.map((d) => d.kind);

/** The machine events a side was fed, in order. */
const eventTypes = (s: NegotiationPairState, peer: PeerRole) =>
  s.trace.filter((t) => t.peer === peer).map((t) => t.event.type);

/** Both sides stable and idle, each side's local description the other's remote one. */
function expectAgreed(s: NegotiationPairState): void {
  for (const peer of ['polite', 'impolite'] as const) {
    const c = s[peer].context;
    expect(c.signalingState, peer).toBe('stable');
    expect(s[peer].value, peer).toEqual({ offerer: 'idle', handler: 'idle' });
    expect([c.makingOffer, c.isSettingRemoteAnswerPending, c.chain.length], peer).toEqual([
      false,
      false,
      0,
    ]);
  }
  const p = s.polite.context;
  const i = s.impolite.context;
  expect(p.currentLocal).not.toBeNull();
  expect(p.currentLocal).toEqual(i.currentRemote);
  expect(p.currentRemote).toEqual(i.currentLocal);
  expect([p.currentLocal?.type, p.currentRemote?.type].sort()).toEqual(['answer', 'offer']);
  expect(s.inbox).toEqual({ polite: [], impolite: [] });
}

/** Both sides make and send an offer before either arrives (the messages cross). */
const CROSSED: PairStep[] = [
  nn('polite'),
  nn('impolite'),
  ...steps('polite', 3),
  ...steps('impolite', 3),
];

describe('negotiationPair', () => {
  it('without glare: the impolite side offers, the polite one answers', () => {
    const s = runNegotiationPair([nn('impolite'), SETTLE]);
    expectAgreed(s);
    expect(s.impolite.context.currentLocal?.id).toBe('impolite:offer:1');
    expect(s.polite.context.currentLocal?.id).toBe('polite:answer:1');
    expect(kinds(s, 'impolite')).toEqual(['offer-sent', 'answer-applied']);
    expect(kinds(s, 'polite')).toEqual(['answered']);
  });

  it.each([
    ['polite', 'impolite'],
    ['impolite', 'polite'],
  ] as const)(
    'glare, crossed offers, %s receives first: polite rolls back and answers, impolite ignores',
    (first, second) => {
      const s = runNegotiationPair([...CROSSED, deliver(first), deliver(second), SETTLE]);
      expectAgreed(s);
      // One agreed offer/answer: the impolite side's offer, the polite side's answer.
      expect(s.impolite.context.currentLocal?.id).toBe('impolite:offer:1');
      expect(s.polite.context.currentLocal?.id).toBe('polite:answer:2');
      expect(kinds(s, 'polite')).toEqual([
        'offer-sent',
        'offer-collision',
        'rolled-back',
        'answered',
      ]);
      expect(kinds(s, 'impolite')).toEqual(['offer-sent', 'ignored-offer', 'answer-applied']);
      const ignored = s.impolite.context.decisions.find((d) => d.kind === 'ignored-offer');
      expect(ignored?.description?.id).toBe('polite:offer:1');
      const rolledBack = s.polite.context.decisions.find((d) => d.kind === 'rolled-back');
      expect(rolledBack?.description?.id).toBe('impolite:offer:1');
      // The ignored offer leaves ignoreOffer set until the next description: the answer.
      expect(s.impolite.context.ignoreOffer).toBe(false);
    },
  );

  it('glare while the impolite SLD() is still running: its makingOffer makes the collision', () => {
    const mid = runNegotiationPair([
      nn('polite'),
      ...steps('polite', 3),
      nn('impolite'),
      ...steps('impolite', 1),
      deliver('impolite'),
    ]);
    expect(mid.impolite.value).toEqual({ offerer: 'settingOffer', handler: 'ignoringOffer' });
    expect(mid.impolite.context.signalingState).toBe('stable');
    expect(mid.impolite.context.ignoreOffer).toBe(true);
    const end = stepNegotiationPair(mid, SETTLE);
    expectAgreed(end);
    expect(end.impolite.context.currentLocal?.id).toBe('impolite:offer:1');
    expect(kinds(end, 'polite')).toEqual([
      'offer-sent',
      'offer-collision',
      'rolled-back',
      'answered',
    ]);
  });

  it('glare while the polite SLD() is running: its SRD(offer) queues behind, then rolls back', () => {
    const script: PairStep[] = [
      nn('polite'),
      ...steps('polite', 1),
      nn('impolite'),
      ...steps('impolite', 3),
      deliver('polite'),
    ];
    const mid = runNegotiationPair(script);
    expect(mid.polite.value).toEqual({ offerer: 'settingOffer', handler: 'handlingRemoteOffer' });
    expect(mid.polite.context.makingOffer).toBe(true);
    expect(kinds(mid, 'polite')).toEqual(['offer-collision']);
    const afterSrd = runNegotiationPair([...script, ...steps('polite', 1)]);
    expect(afterSrd.polite.context.chain.map((c) => `${c.side}:${c.by}`)).toEqual([
      'local:offerer',
      'remote:handler',
    ]);
    const s = runNegotiationPair([...script, SETTLE]);
    expectAgreed(s);
    // The polite offer still went out (and was ignored); the polite side answered after rollback.
    expect(kinds(s, 'polite')).toEqual([
      'offer-collision',
      'offer-sent',
      'rolled-back',
      'answered',
    ]);
    expect(kinds(s, 'impolite')).toEqual(['offer-sent', 'ignored-offer', 'answer-applied']);
  });

  it('candidates of the ignored offer fail at the impolite side and are swallowed', () => {
    const s = runNegotiationPair([
      ...CROSSED,
      gather('polite'),
      gather('impolite'),
      deliver('impolite'), // the polite offer: ignored
      deliver('impolite'), // its candidate: no remote description → error, swallowed
      SETTLE,
      gather('polite'), // a candidate of the agreed answer
      gather('impolite'),
      SETTLE,
    ]);
    expectAgreed(s);
    expect(kinds(s, 'impolite')).toEqual([
      'offer-sent',
      'ignored-offer',
      'swallowed-candidate-error',
      'answer-applied',
    ]);
    // The polite side took the impolite candidate (of the offer it answered) without error.
    expect(kinds(s, 'polite')).not.toContain('candidate-error');
    expect(s.polite.context.candidatesPending + s.impolite.context.candidatesPending).toBe(0);
  });

  it('a candidate error when no offer was ignored is a real error (also at the polite side)', () => {
    const s = runNegotiationPair([
      nn('impolite'),
      ...steps('impolite', 2), // SLD() done, the offer not yet sent
      gather('impolite'), // its candidate overtakes the offer on the wire
      ...steps('impolite', 1),
      SETTLE,
    ]);
    expect(kinds(s, 'polite')).toEqual(['candidate-error', 'answered']);
    expectAgreed(s);
  });

  it('after glare the polite side renegotiates what was rolled back, without a collision', () => {
    const s = runNegotiationPair([...CROSSED, SETTLE, nn('polite'), SETTLE]);
    expectAgreed(s);
    expect(s.polite.context.currentLocal?.id).toBe('polite:offer:3');
    expect(s.impolite.context.currentLocal?.id).toBe('impolite:answer:2');
    expect(kinds(s, 'impolite').slice(-1)).toEqual(['answered']);
    expect(kinds(s, 'polite').slice(-2)).toEqual(['offer-sent', 'answer-applied']);
  });

  it('an offer behind the answer being applied is not a collision (isSettingRemoteAnswerPending)', () => {
    const s = runNegotiationPair([
      nn('impolite'),
      ...steps('impolite', 3),
      deliver('polite'),
      ...steps('polite', 5), // answered
      nn('polite'),
      ...steps('polite', 3), // and offers at once
      deliver('impolite'), // the answer
      ...steps('impolite', 1), // SRD(answer) running: have-local-offer still
      deliver('impolite'), // the polite offer
    ]);
    const c = s.impolite.context;
    expect(c.signalingState).toBe('have-local-offer');
    expect(c.decisions.map((d) => d.kind)).toEqual(['offer-sent']);
    expect(c.followUp?.ignored).toBe(false);
    const end = runNegotiationPair([
      nn('impolite'),
      ...steps('impolite', 3),
      deliver('polite'),
      ...steps('polite', 5),
      nn('polite'),
      ...steps('polite', 3),
      deliver('impolite'),
      ...steps('impolite', 1),
      deliver('impolite'),
      SETTLE,
    ]);
    expectAgreed(end);
    expect(kinds(end, 'impolite')).toEqual(['offer-sent', 'answer-applied', 'answered']);
    expect(kinds(end, 'polite')).toEqual(['answered', 'offer-sent', 'answer-applied']);
    expect(end.polite.context.currentLocal?.id).toBe('polite:offer:2');
  });

  it('the trace numbers every machine event of the run', () => {
    const s = runNegotiationPair([...CROSSED, SETTLE]);
    expect(s.trace.map((t) => t.seq)).toEqual(s.trace.map((_, i) => i));
    expect(eventTypes(s, 'polite').slice(0, 4)).toEqual([
      'negotiationneeded',
      'sld.start',
      'sld.done',
      'send.description',
    ]);
  });
});

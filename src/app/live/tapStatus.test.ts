import { describe, expect, it } from 'vitest';
import { liveStatusOfTap } from './useLiveSession.ts';

describe('a tap in the live bar', () => {
  const base = { url: 'ws://127.0.0.1:4444/__signalscope/tap', events: 10, problems: 0 };
  it('counts the proxy’s client connections while open', () => {
    expect(liveStatusOfTap({ ...base, state: 'open', attempt: 1 }, 2)).toEqual({
      phase: 'open',
      opens: 1,
      role: 'tap: 2 client connections recorded by the proxy',
    });
  });
  it('says when it tries again after the proxy went away, and why it stopped', () => {
    const waiting = liveStatusOfTap(
      { ...base, state: 'waiting', attempt: 2, code: 1006, retryInMs: 1500 },
      1,
    );
    expect(waiting).toMatchObject({ phase: 'reconnecting', attempt: 2, nextInMs: 1500 });
    if (waiting.phase !== 'reconnecting') throw new Error('not reconnecting');
    expect(waiting.explanation.title).toBe('The tap closed (1006): trying again in 1.5 s');
    expect(
      liveStatusOfTap({ ...base, state: 'stopped', attempt: 3, reason: 'gave up' }, 1),
    ).toEqual({
      phase: 'closed',
      byServer: true,
      explanation: { title: 'The tap stopped', detail: 'gave up' },
    });
  });
});

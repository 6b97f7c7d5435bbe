/**
 * Stand-ins for the app's state, for the Timeline and Findings stories and tests: the
 * inspector's cursor / selection / follow rules (src/app/inspector/useInspector.ts, kept in
 * step by hand), and a session that grows while it is shown, the way a live source feeds
 * one (`SessionLog.append` then `analysis.update()`).
 */
import { useCallback, useEffect, useMemo, useState } from 'react';
import { FIXTURES } from '../../../fixtures/index.ts';
import { SessionAnalysis } from '../../projections/analysis.ts';
import type { Finding } from '../../projections/findings.ts';
import { allFindings } from '../../projections/machineFindings.ts';
import type { SessionEvent } from '../../session/events.ts';
import { SessionLog } from '../../session/SessionLog.ts';

export interface HarnessState {
  readonly cursor: number;
  readonly selected: number | null;
  readonly following: boolean;
  readonly onSelect: (index: number) => void;
  readonly onCursorChange: (index: number) => void;
  readonly onFollowChange: (following: boolean) => void;
}

/**
 * The inspector's rules: selecting moves the cursor there and stops following; moving the
 * cursor off the end stops following; following puts the cursor on the last event and
 * keeps it there as the session grows.
 *
 * @example
 * const view = useHarnessState(analysis, { cursor: 10 });
 * <Timeline analysis={analysis} {...view} />
 */
export function useHarnessState(
  analysis: SessionAnalysis,
  initial: { cursor?: number; selected?: number | null; following?: boolean } = {},
): HarnessState {
  const length = analysis.length;
  const [state, setState] = useState(() => ({
    cursor: initial.cursor ?? length - 1,
    selected: initial.selected ?? null,
    following: initial.following ?? false,
  }));
  const [seenLength, setSeenLength] = useState(length);
  if (seenLength !== length) {
    setSeenLength(length);
    if (state.following) setState({ ...state, cursor: length - 1 });
  }
  const onSelect = useCallback((index: number) => {
    setState((s) => ({ ...s, selected: index, cursor: index, following: false }));
  }, []);
  const onCursorChange = useCallback(
    (index: number) => {
      const last = analysis.length - 1;
      const cursor = Math.max(-1, Math.min(last, index));
      setState((s) => ({ ...s, cursor, following: s.following && cursor === last }));
    },
    [analysis],
  );
  const onFollowChange = useCallback(
    (following: boolean) => {
      setState((s) => ({
        ...s,
        following,
        cursor: following ? analysis.length - 1 : s.cursor,
      }));
    },
    [analysis],
  );
  return { ...state, onSelect, onCursorChange, onFollowChange };
}

/** The events of a fixture (fixtures/index.json), for a session that grows. */
export function fixtureEvents(name: string): readonly SessionEvent[] {
  const build = FIXTURES[name];
  if (build === undefined) throw new Error(`no fixture named ${name}`);
  return build().events;
}

export interface GrowingSession {
  readonly analysis: SessionAnalysis;
  readonly findings: readonly Finding[];
  /** Events appended so far. */
  readonly appended: number;
  /** Every event is in. */
  readonly done: boolean;
}

/**
 * A session that receives `events` `perTick` at a time every `intervalMs`, as a live source
 * appends them: each tick appends to the log, updates the analysis and the findings.
 * `events` must keep its identity between renders (a new list starts a new session).
 *
 * @example
 * const events = useMemo(() => fixtureEvents('reconnect'), []);
 * const live = useGrowingSession(events, { intervalMs: 300 });
 */
export function useGrowingSession(
  events: readonly SessionEvent[],
  {
    intervalMs = 400,
    perTick = 1,
    initial = 0,
  }: { intervalMs?: number; perTick?: number; initial?: number } = {},
): GrowingSession {
  const analysis = useMemo(() => {
    const log = new SessionLog();
    for (const e of events.slice(0, initial)) log.appendWithSeq(e);
    return new SessionAnalysis(log).update();
  }, [events, initial]);
  const [appended, setAppended] = useState(Math.min(initial, events.length));
  const done = appended >= events.length;

  useEffect(() => {
    if (done) return;
    const timer = setInterval(() => {
      const log = analysis.log;
      const end = Math.min(events.length, log.length + perTick);
      for (let i = log.length; i < end; i++) {
        const e = events[i];
        if (e) log.appendWithSeq(e);
      }
      analysis.update();
      setAppended(log.length);
    }, intervalMs);
    return () => {
      clearInterval(timer);
    };
  }, [analysis, events, intervalMs, perTick, done]);

  // Findings of what is in so far ("now" is the latest event: nothing is judged early).
  const findings = useMemo(
    () => allFindings(analysis),
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [analysis, appended],
  );
  return { analysis, findings, appended, done };
}

import {
  memo,
  useCallback,
  useEffect,
  useId,
  useMemo,
  useRef,
  type KeyboardEvent,
  type PointerEvent,
} from 'react';
import type { Finding } from '../../projections/findings.ts';
import type { InspectorViewProps } from '../shared/types.ts';
import { clusterMarkers, collectMarkers } from './markers.ts';
import { MarkerLayer } from './MarkerLayer.tsx';
import {
  GAP_THRESHOLD_MS,
  HISTOGRAM_BINS,
  SPEEDS,
  axisTicks,
  binEvents,
  buildAxis,
  formatClock,
  formatDurationShort,
  fractionOf,
  histogramPath,
  indexAtFraction,
  positionText,
  sliderKeyTarget,
  sliderValueText,
  type Speed,
  type TimeAxis,
} from './model.ts';
import { useControllable } from './useControllable.ts';
import { useElementWidth } from './useElementWidth.ts';
import { useReplay } from './useReplay.ts';
import './Timeline.css';

export interface TimelineProps extends InspectorViewProps {
  /** Every finding (`allFindings`), drawn as markers by severity. */
  readonly findings?: readonly Finding[];
  /** The session is still growing (a live source): shows the "Follow live" button. */
  readonly live?: boolean;
  /**
   * Live mode: the cursor follows the end. Controlled when given; otherwise the timeline
   * keeps it (starting at `live`) and moves the cursor to the end as the session grows.
   */
  readonly following?: boolean;
  /** Following stops when the user scrubs, steps or plays; the live button starts it again. */
  readonly onFollowChange?: (following: boolean) => void;
  /** Replay running. Controlled when given, else the timeline's own state. */
  readonly playing?: boolean;
  readonly onPlayingChange?: (playing: boolean) => void;
  /** Replay speed (0.25x–16x). Controlled when given, else the timeline's own (1x). */
  readonly speed?: Speed;
  readonly onSpeedChange?: (speed: Speed) => void;
  /** Idle gaps over 2 s shortened on the strip and in replay. Controlled when given. */
  readonly skipGaps?: boolean;
  readonly onSkipGapsChange?: (skip: boolean) => void;
}

const NO_FINDINGS: readonly Finding[] = [];
/** Markers closer than this are drawn as one (room for the count beside it). */
const MARKER_GAP_PX = 12;

/** Button icons as SVG: the media-control characters are missing from many fonts. */
function Icon({ name }: { name: 'back' | 'forward' | 'play' | 'pause' }) {
  const d = {
    back: 'M3 2h2v12H3zM13 2v12L6 8z',
    forward: 'M11 2h2v12h-2zM3 2v12l7-6z',
    play: 'M4 2v12l10-6z',
    pause: 'M3 2h4v12H3zM9 2h4v12H9z',
  }[name];
  return (
    <svg className="timeline__icon" viewBox="0 0 16 16" aria-hidden="true" focusable="false">
      <path d={d} />
    </svg>
  );
}

/** What each glyph on the strip means. */
const LEGEND: readonly { glyph: string; tone: string; text: string }[] = [
  { glyph: '✖', tone: 'finding-error', text: 'error finding' },
  { glyph: '▲', tone: 'finding-warning', text: 'warning finding' },
  { glyph: 'ℹ', tone: 'finding-info', text: 'info finding' },
  { glyph: '▼', tone: 'disconnect', text: 'disconnect' },
  { glyph: '■', tone: 'server-close', text: 'closed by the server (4000)' },
  { glyph: '▽', tone: 'failed-attempt', text: 'failed connection attempt' },
  { glyph: '!', tone: 'ws-error', text: 'socket error' },
  { glyph: '▲', tone: 'reconnect', text: 'reconnect' },
  { glyph: '◆', tone: 'join', text: 'join' },
  { glyph: '✖', tone: 'error-response', text: 'error response' },
  { glyph: '⚠', tone: 'invalid-frame', text: 'broken frame' },
];

const Histogram = memo(function Histogram({ path }: { path: string }) {
  return (
    <svg
      className="timeline__histogram"
      viewBox={`0 0 ${String(HISTOGRAM_BINS)} 100`}
      preserveAspectRatio="none"
      aria-hidden="true"
      focusable="false"
    >
      {path !== '' && <path d={path} />}
    </svg>
  );
});

const Axis = memo(function Axis({ axis, width }: { axis: TimeAxis; width: number }) {
  const ticks = axisTicks(axis, width);
  return (
    <div className="timeline__axis" aria-hidden="true">
      {ticks.length === 0 ? (
        <>
          <span className="timeline__tick timeline__tick--start">{formatClock(axis.start)}</span>
          <span className="timeline__tick timeline__tick--end">
            {axis.mode === 'index'
              ? 'every event at the same time: spaced evenly'
              : formatClock(axis.end)}
          </span>
        </>
      ) : (
        ticks.map((t) => (
          <span
            key={t.label}
            className="timeline__tick"
            style={{ left: `${String(t.fraction * 100)}%` }}
          >
            {t.label}
          </span>
        ))
      )}
    </div>
  );
});

const Gaps = memo(function Gaps({ axis }: { axis: TimeAxis }) {
  if (axis.gaps.length === 0 || axis.span <= 0) return null;
  return (
    <>
      {axis.gaps.map((g) => (
        <div
          key={g.index}
          className="timeline__gap"
          style={{ left: `${String((g.at / axis.span) * 100)}%` }}
          title={`${formatDurationShort(g.ms)} without events, shortened`}
        />
      ))}
    </>
  );
});

/**
 * The session as a strip: a density histogram of its events by time, markers for joins,
 * errors, disconnects, reconnects and findings, and the cursor as a handle to drag (or a
 * slider to drive from the keyboard). Replay plays the capture forward at 0.25x–16x; in a
 * live session the cursor follows the end until the user scrubs back.
 *
 * Pure rendering: it reads the analysis, and reports what the user asks for through
 * `onCursorChange`, `onSelect` and `onFollowChange`.
 *
 * @example
 * <Timeline analysis={analysis} cursor={cursor} selected={null} findings={findings}
 *   onCursorChange={setCursor} onSelect={select} />
 */
export function Timeline({
  analysis,
  cursor,
  onSelect,
  onCursorChange,
  findings = NO_FINDINGS,
  live = false,
  following: followingProp,
  onFollowChange,
  playing: playingProp,
  onPlayingChange,
  speed: speedProp,
  onSpeedChange,
  skipGaps: skipGapsProp,
  onSkipGapsChange,
}: TimelineProps) {
  const log = analysis.log;
  const length = analysis.length;
  const last = length - 1;
  const [following, setFollowing] = useControllable(followingProp, onFollowChange, live);
  const [playing, setPlaying] = useControllable(playingProp, onPlayingChange, false);
  const [speed, setSpeed] = useControllable<Speed>(speedProp, onSpeedChange, 1);
  const [skipGaps, setSkipGaps] = useControllable(skipGapsProp, onSkipGapsChange, false);
  const followOwn = followingProp === undefined;

  // Everything drawn from the whole session is computed once per length, not per cursor.
  const axis = useMemo(
    () => buildAxis(log, skipGaps),
    // The log grows in place: its length is part of the key.
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [log, length, skipGaps],
  );
  const path = useMemo(() => histogramPath(binEvents(axis)), [axis]);
  const markers = useMemo(
    () => collectMarkers(analysis, findings),
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [analysis, length, findings],
  );
  const stripRef = useRef<HTMLDivElement>(null);
  const handleRef = useRef<HTMLDivElement>(null);
  const width = useElementWidth(stripRef);
  const clusters = useMemo(
    () => clusterMarkers(markers, axis, log, width, MARKER_GAP_PX),
    [markers, axis, log, width],
  );
  const regressions = analysis.timeRegressions().length;

  const moveCursor = useCallback(
    (index: number) => {
      if (following) setFollowing(false);
      onCursorChange?.(index);
    },
    [following, setFollowing, onCursorChange],
  );

  // Following kept here (no parent state): the cursor goes to the end as the session grows.
  useEffect(() => {
    if (followOwn && following && length > 0 && cursor !== length - 1) onCursorChange?.(length - 1);
  }, [followOwn, following, length, cursor, onCursorChange]);

  const onReplayCursor = useCallback((index: number) => onCursorChange?.(index), [onCursorChange]);
  const onReplayEnd = useCallback(() => {
    setPlaying(false);
    // Replay caught up with a live session: carry on following it.
    if (live) setFollowing(true);
  }, [setPlaying, live, setFollowing]);
  const replay = useReplay({
    axis,
    cursor,
    playing: playing && length > 0,
    speed,
    onCursor: onReplayCursor,
    onEnd: onReplayEnd,
  });

  const togglePlay = () => {
    if (playing) {
      setPlaying(false);
      return;
    }
    if (length === 0) return;
    if (following) setFollowing(false);
    // At the end, play starts over.
    if (cursor >= last) replay.startFrom(-1, cursor);
    setPlaying(true);
  };

  // ── scrubbing: pointer events, at most one cursor change per animation frame ──
  const pending = useRef<number | null>(null);
  const frame = useRef(0);
  const dragging = useRef(false);
  const flush = useCallback(() => {
    frame.current = 0;
    const f = pending.current;
    pending.current = null;
    if (f === null) return;
    const index = indexAtFraction(axis, f);
    if (index !== cursor || following) moveCursor(index);
  }, [axis, cursor, following, moveCursor]);
  const flushRef = useRef(flush);
  useEffect(() => {
    flushRef.current = flush;
  }, [flush]);
  useEffect(
    () => () => {
      if (frame.current !== 0) cancelAnimationFrame(frame.current);
    },
    [],
  );
  const schedule = (clientX: number) => {
    const rect = stripRef.current?.getBoundingClientRect();
    if (!rect || rect.width <= 0) return;
    pending.current = (clientX - rect.left) / rect.width;
    if (frame.current === 0) {
      frame.current = requestAnimationFrame(() => {
        flushRef.current();
      });
    }
  };
  const onPointerDown = (e: PointerEvent<HTMLDivElement>) => {
    if (e.button !== 0 || length === 0) return;
    e.preventDefault();
    dragging.current = true;
    try {
      e.currentTarget.setPointerCapture(e.pointerId);
    } catch {
      // A pointer that is no longer active (a synthetic event): drag without capture.
    }
    handleRef.current?.focus({ preventScroll: true });
    schedule(e.clientX);
  };
  const onPointerMove = (e: PointerEvent<HTMLDivElement>) => {
    if (dragging.current) schedule(e.clientX);
  };
  const endDrag = (e: PointerEvent<HTMLDivElement>) => {
    if (!dragging.current) return;
    dragging.current = false;
    if (e.currentTarget.hasPointerCapture(e.pointerId)) {
      e.currentTarget.releasePointerCapture(e.pointerId);
    }
  };

  const onHandleKey = (e: KeyboardEvent<HTMLDivElement>) => {
    if (e.key === ' ' || e.key === 'k') {
      e.preventDefault();
      togglePlay();
      return;
    }
    const target = sliderKeyTarget(e.key, cursor, length);
    if (target === undefined) return;
    e.preventDefault();
    if (e.key === 'End' && live) {
      setFollowing(true);
      onCursorChange?.(target);
    } else if (target !== cursor) {
      moveCursor(target);
    }
  };

  const step = (by: number) => {
    if (length === 0) return;
    const target = Math.max(-1, Math.min(last, cursor + by));
    if (target !== cursor) moveCursor(target);
  };

  const follow = () => {
    setPlaying(false);
    setFollowing(true);
    if (length > 0) onCursorChange?.(last);
  };

  const shown = Math.max(-1, Math.min(cursor, last));
  const percent = `${String(fractionOf(axis, shown) * 100)}%`;
  const helpId = useId();
  const empty = length === 0;

  return (
    <section className="timeline" aria-label="Timeline">
      <div className="timeline__controls">
        <div className="timeline__buttons" role="group" aria-label="Replay">
          <button
            type="button"
            className="timeline__button"
            onClick={() => {
              step(-1);
            }}
            disabled={empty || cursor < 0}
            aria-label="Step back one event"
            title="Step back one event ([)"
          >
            <Icon name="back" />
          </button>
          <button
            type="button"
            className="timeline__button timeline__button--play"
            onClick={togglePlay}
            disabled={empty}
            aria-label={playing ? 'Pause' : 'Play'}
            title={playing ? 'Pause replay' : 'Replay from the cursor at the chosen speed'}
          >
            <Icon name={playing ? 'pause' : 'play'} />
          </button>
          <button
            type="button"
            className="timeline__button"
            onClick={() => {
              step(1);
            }}
            disabled={empty || cursor >= last}
            aria-label="Step forward one event"
            title="Step forward one event (])"
          >
            <Icon name="forward" />
          </button>
          <label className="timeline__speed">
            <span className="visually-hidden">Replay speed</span>
            <select
              value={speed}
              onChange={(e) => {
                const s = SPEEDS.find((v) => String(v) === e.target.value);
                if (s !== undefined) setSpeed(s);
              }}
            >
              {SPEEDS.map((s) => (
                <option key={s} value={s}>
                  {s}x
                </option>
              ))}
            </select>
          </label>
          <label
            className="timeline__skip"
            title={`Idle stretches over ${String(GAP_THRESHOLD_MS / 1000)} s are shortened on the strip and in replay`}
          >
            <input
              type="checkbox"
              checked={skipGaps}
              onChange={(e) => {
                setSkipGaps(e.target.checked);
              }}
            />
            Skip gaps &gt; {GAP_THRESHOLD_MS / 1000} s
          </label>
        </div>
        <span className="timeline__position">{positionText(log, shown)}</span>
        <details className="timeline__legend">
          <summary>Legend</summary>
          <div className="timeline__legend-body">
            <p>
              Lanes, top to bottom: findings, connections, messages. The histogram below shows how
              many events happened when; a number beside a marker counts the markers grouped there.
            </p>
            <ul>
              {LEGEND.map((l) => (
                <li key={l.tone}>
                  <span className={`timeline-marker--${l.tone}`} aria-hidden="true">
                    {l.glyph}
                  </span>{' '}
                  {l.text}
                </li>
              ))}
            </ul>
          </div>
        </details>
        {regressions > 0 && (
          <span
            className="timeline__warning"
            title="Events earlier than one before them (merged sources out of order) are drawn at the latest time before them"
          >
            ⚠ {regressions.toLocaleString('en')} time{' '}
            {regressions === 1 ? 'regression' : 'regressions'}
          </span>
        )}
        {live && (
          <button
            type="button"
            className={`timeline__live${following ? ' timeline__live--on' : ''}`}
            aria-pressed={following}
            aria-label="Follow live"
            title={
              following
                ? 'Following the end of the live session; scrub back to stop'
                : 'Follow the end of the live session (L)'
            }
            onClick={follow}
          >
            {following ? '● Live' : 'Follow live'}
          </button>
        )}
      </div>
      <div
        ref={stripRef}
        className={`timeline__strip${empty ? ' timeline__strip--empty' : ''}`}
        onPointerDown={onPointerDown}
        onPointerMove={onPointerMove}
        onPointerUp={endDrag}
        onPointerCancel={endDrag}
      >
        {empty ? (
          <p className="timeline__empty">
            {live
              ? 'Waiting for the first event of the live session…'
              : 'This session has no events: open a capture or connect to a room to see its timeline.'}
          </p>
        ) : (
          <>
            <Histogram path={path} />
            <Gaps axis={axis} />
            <div className="timeline__played" style={{ width: percent }} />
            <div
              ref={handleRef}
              className="timeline__handle"
              style={{ left: percent }}
              role="slider"
              tabIndex={0}
              aria-label="Cursor"
              aria-describedby={helpId}
              aria-orientation="horizontal"
              aria-valuemin={log.seq(0)}
              aria-valuemax={log.seq(last)}
              aria-valuenow={log.seq(Math.max(0, shown))}
              aria-valuetext={sliderValueText(log, shown)}
              onKeyDown={onHandleKey}
            />
            <span id={helpId} className="visually-hidden">
              Left and Right step one event, Page Up and Page Down a tenth of the session, Home and
              End go to the start and the end, Space plays or pauses.
            </span>
            {/* After the handle: Tab reaches the cursor first, then the markers. */}
            <MarkerLayer clusters={clusters} onSelect={onSelect} />
          </>
        )}
      </div>
      {!empty && <Axis axis={axis} width={width} />}
    </section>
  );
}

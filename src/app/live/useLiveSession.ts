import { startTransition, useCallback, useEffect, useRef, useState } from 'react';
import { SessionAnalysis } from '../../projections/analysis.ts';
import { countBySeverity, findings as basicFindings } from '../../projections/findings.ts';
import { createMachineDrivers } from '../../projections/machineStates.ts';
import { allFindings } from '../../projections/machineFindings.ts';
import { summarise } from '../../projections/summary.ts';
import { newHeader, type CaptureHeader } from '../../session/capture.ts';
import { exportCaptureLines, type ExportOptions } from '../../session/redact.ts';
import { SessionLog } from '../../session/SessionLog.ts';
import {
  startLive,
  withPeerId,
  type LiveMode,
  type LiveSource,
  type LiveStatus,
  type RequestOutcome,
} from '../../sources/live/liveSource.ts';
import { participantRole } from '../../sources/live/participant.ts';
import { connectTap, type TapStatus } from '../../sources/tap.ts';
import { observerRole } from '../../sources/live/roles.ts';
import { downloadBlob } from '../../views/shared/download.ts';
import { MACHINE_CHECK_LIMIT, type OpenSession } from '../useCaptureLoader.ts';

/** How often the views catch up with a growing log (ms). */
const VIEW_INTERVAL_MS = 100;
/**
 * How often findings are recomputed over the whole session (ms). They are a pure function
 * of the whole log, so the cost grows with it; the interval grows too (see `findingsDue`).
 */
const FINDINGS_INTERVAL_MS = 1000;

/** A room to join (`?connect=`), or a recording proxy's tap to follow (`?tap=`). */
export interface LiveRequest {
  readonly url: string;
  readonly mode: LiveMode | 'tap';
}

/** What the live bar needs of a source. */
export interface LiveHandle {
  readonly url: string;
  readonly close: () => void;
  readonly request: LiveSource['request'];
  readonly notify: LiveSource['notify'];
}

export interface LiveSession {
  readonly session: OpenSession;
  readonly status: LiveStatus;
  readonly source: LiveHandle;
  /** The session so far as a capture file's text. */
  /** The session so far as a capture file, secrets redacted unless `keepSecrets`. */
  readonly capture: (options?: ExportOptions) => { name: string; text: string };
  readonly send: (
    kind: 'request' | 'notification',
    method: string,
    data: unknown,
  ) => Promise<RequestOutcome>;
}

let liveKey = 1_000_000;

function startRoom(
  url: string,
  mode: LiveMode,
  log: SessionLog,
  onStatus: (s: LiveStatus) => void,
): LiveHandle {
  const role =
    mode === 'observer' ? observerRole() : mode === 'participant' ? participantRole() : undefined;
  return startLive({ url, log, mode, ...(role ? { role } : {}), onStatus });
}

const READ_ONLY: RequestOutcome = {
  ok: false,
  error: 'a tap only shows what the proxy records: send requests from the clients',
};

/** Follows a recording proxy's tap: every client connection it records, live. */
function startTap(url: string, log: SessionLog, onStatus: (s: LiveStatus) => void): LiveHandle {
  const clients = () => log.connections().length;
  const tap = connectTap(url, {
    log,
    onStatus: (t: TapStatus) => {
      onStatus(liveStatusOfTap(t, clients()));
    },
  });
  return {
    url,
    close: () => {
      tap.close();
    },
    request: () => Promise.resolve(READ_ONLY),
    notify: () => Promise.resolve(READ_ONLY),
  };
}

function tapRole(clients: number): string {
  return `tap: ${String(clients)} client ${clients === 1 ? 'connection' : 'connections'} recorded by the proxy`;
}

/** A tap's state in the live bar's words. */
export function liveStatusOfTap(t: TapStatus, clients: number): LiveStatus {
  switch (t.state) {
    case 'connecting':
      return { phase: 'connecting', attempt: t.attempt };
    case 'open':
      return {
        phase: 'open',
        opens: t.attempt,
        role: tapRole(clients),
      };
    case 'waiting':
      return {
        phase: 'reconnecting',
        attempt: t.attempt,
        nextInMs: t.retryInMs ?? 0,
        explanation: {
          title: `The tap closed${t.code === undefined ? '' : ` (${String(t.code)})`}: trying again in ${String(Math.round((t.retryInMs ?? 0) / 100) / 10)} s`,
          detail: t.reason ?? 'Is the proxy still running?',
        },
      };
    case 'stopped':
      return {
        phase: 'closed',
        byServer: t.reason !== undefined,
        explanation: { title: 'The tap stopped', detail: t.reason ?? 'You closed it.' },
      };
  }
}

function roomLabel(url: string): string {
  try {
    const u = new URL(url);
    const room = u.searchParams.get('roomId') ?? u.searchParams.get('room');
    return `${u.host}${u.pathname === '/' ? '' : u.pathname}${room ? ` · ${room}` : ''}`;
  } catch {
    return url;
  }
}

function fileStamp(d: Date): string {
  return d.toISOString().slice(0, 19).replace(/[:T]/g, '-');
}

/**
 * Connects a live source and keeps an OpenSession of it that grows: the analysis follows the
 * log every 100 ms, findings and the summary every second or so. A new request (URL or mode)
 * closes the old connection; the old log is dropped with it.
 */
export function useLiveSession(request: LiveRequest | undefined): LiveSession | undefined {
  const [state, setState] = useState<LiveSession | undefined>(undefined);
  const requestKey = request ? `${request.mode} ${request.url}` : '';
  const requestRef = useRef(request);
  requestRef.current = request;

  useEffect(() => {
    const r = requestRef.current;
    if (!r) {
      setState(undefined);
      return undefined;
    }
    const url = r.mode === 'tap' ? r.url : withPeerId(r.url);
    const log = new SessionLog();
    const header: CaptureHeader = newHeader({
      kind: 'live',
      url,
      mode: r.mode,
      title: roomLabel(url),
    });
    const analysis = new SessionAnalysis(log);
    const key = liveKey++;
    const name = `live ${roomLabel(url)}`;
    const capture = {
      name,
      origin: { kind: 'url' as const, url },
      header,
      log,
      errors: [],
      problems: 0,
      lines: 0,
      bytes: 0,
    };
    const drivers = createMachineDrivers(analysis);
    let list = basicFindings(analysis);
    let machineChecks = true;
    let lastFindings = 0;
    let findingsCost = 0;
    let status: LiveStatus = { phase: 'connecting', attempt: 1 };
    let disposed = false;

    const onStatus = (s: LiveStatus) => {
      status = s;
      schedule();
    };
    // Started after the commit: React's StrictMode mounts, unmounts and mounts again at
    // once in development, and a socket opened by the first mount would reach the server
    // (which, for a fixed peerId, then closes the older connection).
    let started: LiveHandle | undefined;
    const startTimer = setTimeout(() => {
      if (disposed) return;
      started =
        r.mode === 'tap' ? startTap(url, log, onStatus) : startRoom(url, r.mode, log, onStatus);
    }, 0);
    const notYet = (): Promise<RequestOutcome> =>
      Promise.resolve({ ok: false, error: 'not connected yet' });
    const source: LiveHandle = {
      url,
      close: () => started?.close(),
      request: (method, data) => (started ? started.request(method, data) : notYet()),
      notify: (method, data) => (started ? started.notify(method, data) : notYet()),
    };

    const snapshot = (): LiveSession => {
      const session: OpenSession = {
        capture,
        analysis,
        summary: summarise(analysis),
        findings: countBySeverity(list),
        findingList: list,
        drivers: machineChecks ? drivers : undefined,
        machineChecks,
        partial: false,
        demo: false,
        key,
      };
      return {
        session,
        // A tap's count of client connections grows with the log, not with its status.
        status:
          r.mode === 'tap' && status.phase === 'open'
            ? { ...status, role: tapRole(log.connections().length) }
            : status,
        source,
        capture: (options = {}) => ({
          name: `signalscope-${roomLabel(url).replace(/[^\w.-]+/g, '-')}-${fileStamp(new Date())}.sscap.jsonl`,
          text: [...exportCaptureLines(header, log.events(), options)].join(''),
        }),
        send: (kind, method, data) =>
          kind === 'request' ? source.request(method, data) : source.notify(method, data),
      };
    };

    const refresh = () => {
      timer = undefined;
      if (disposed) return;
      const r0 = performance.now();
      analysis.update();
      const now = performance.now();
      // Findings cost O(session): wait at least ten times what they took last time.
      if (now - lastFindings >= Math.max(FINDINGS_INTERVAL_MS, findingsCost * 10)) {
        const t0 = performance.now();
        machineChecks = analysis.length <= MACHINE_CHECK_LIMIT;
        if (machineChecks) drivers.update();
        list = machineChecks
          ? allFindings(analysis, analysis.log.endTime, drivers)
          : basicFindings(analysis);
        lastFindings = performance.now();
        findingsCost = lastFindings - t0;
        performance.measure('signalscope:live-findings', { start: t0, end: lastFindings });
      }
      const next = snapshot();
      performance.measure('signalscope:live-refresh', { start: r0 });
      // A transition: React renders the grown session in slices that yield to the page, so
      // a big session's views never hold the main thread for long at once.
      startTransition(() => {
        setState(next);
      });
    };
    let timer: ReturnType<typeof setTimeout> | undefined;
    function schedule() {
      if (timer === undefined && !disposed) timer = setTimeout(refresh, VIEW_INTERVAL_MS);
    }
    const unsubscribe = log.subscribe(schedule);
    setState(snapshot());

    return () => {
      disposed = true;
      clearTimeout(startTimer);
      if (timer !== undefined) clearTimeout(timer);
      unsubscribe();
      source.close();
    };
  }, [requestKey]);

  return state;
}

/** A stable callback that downloads the live session as a capture (redacted unless asked). */
export function useRecord(live: LiveSession | undefined): (options?: ExportOptions) => void {
  return useCallback(
    (options: ExportOptions = {}) => {
      if (!live) return;
      const { name, text } = live.capture(options);
      downloadBlob(name, new Blob([text], { type: 'application/x-ndjson' }));
    },
    [live],
  );
}

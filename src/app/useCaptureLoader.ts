import { startTransition, useCallback, useEffect, useRef, useState } from 'react';
import { SessionAnalysis } from '../projections/analysis.ts';
import { countBySeverity, findings, type Finding, type Severity } from '../projections/findings.ts';
import { createMachineDrivers, type MachineDrivers } from '../projections/machineStates.ts';
import { allFindings } from '../projections/machineFindings.ts';
import { summarise, type SessionSummary } from '../projections/summary.ts';
import {
  CaptureLoadError,
  CaptureRefusedError,
  readCaptureFiles,
  readCaptureUrl,
  resolveCaptureUrl,
  type FetchLike,
  type LoadedCapture,
  type LoadProgress,
} from '../sources/captureFile.ts';

/** A capture on screen, with everything derived from it. */
export interface OpenSession {
  readonly capture: LoadedCapture;
  readonly analysis: SessionAnalysis;
  readonly summary: SessionSummary;
  readonly findings: Record<Severity, number>;
  /** Every finding, in log order (the machines' only with `machineChecks`). */
  readonly findingList: readonly Finding[];
  /** The machine drivers, built once when `machineChecks`; else the views build them lazily. */
  readonly drivers: MachineDrivers | undefined;
  /** Whether the machines' findings are included (skipped for very large sessions). */
  readonly machineChecks: boolean;
  /** Some lines could not be read; only the others are shown. */
  readonly partial: boolean;
  readonly demo: boolean;
  /** Changes with every opened capture, to reset views. */
  readonly key: number;
  /**
   * While a big capture is still being analysed a slice at a time: how far it got. Findings
   * and machines come when it is done.
   */
  readonly analysing?: { readonly done: number; readonly total: number };
}

export type LoaderState =
  | { readonly status: 'idle' }
  | {
      readonly status: 'loading';
      readonly name: string;
      readonly progress: LoadProgress | undefined;
    }
  | { readonly status: 'open'; readonly session: OpenSession }
  /** The file has format errors: refused, with the option to open what could be read. */
  | { readonly status: 'broken'; readonly capture: LoadedCapture; readonly demo: boolean }
  /** Not a capture, or not readable at all. */
  | {
      readonly status: 'failed';
      readonly name: string;
      readonly title: string;
      readonly message: string;
    };

let nextKey = 1;

/** The cursor and selection a shared link names (`cursor=`, `sel=` seqs). */
function mustReachSeqs(): number[] {
  if (typeof window === 'undefined') return [];
  const p = new URLSearchParams(window.location.search);
  return ['cursor', 'sel'].flatMap((k) => {
    const v = Number(p.get(k) ?? NaN);
    return Number.isInteger(v) && v >= 0 ? [v] : [];
  });
}

/**
 * Above this many events the app leaves the machines' findings to `signalscope check`:
 * building every machine of a 230,000-event session took about 5 s, on the main thread.
 */
export const MACHINE_CHECK_LIMIT = 50_000;

/** Events analysed before the first paint of a capture; the rest follows in slices. */
export const FIRST_SLICE = 4000;
/** Work per slice (ms), and how often the views catch up while slices run (ms). */
const SLICE_MS = 12;
const PUBLISH_MS = 120;

/** The session while its analysis is still under way: no findings or machines yet. */
function partialSession(
  capture: LoadedCapture,
  analysis: SessionAnalysis,
  demo: boolean,
  key: number,
): OpenSession {
  return {
    capture,
    analysis,
    summary: summarise(analysis),
    findings: countBySeverity([]),
    findingList: [],
    drivers: undefined,
    machineChecks: false,
    partial: capture.problems > 0,
    demo,
    key,
    analysing: { done: analysis.length, total: capture.log.length },
  };
}

/**
 * Opens a capture so that its first rows show at once: the first slice is analysed now
 * (and as far as the address's cursor / selection, so a shared link lands where it
 * points), the rest in slices of about 12 ms between frames; `publish` gets the session
 * every ~120 ms and when it is complete. Returns a function that stops the work.
 */
function openProgressively(
  capture: LoadedCapture,
  demo: boolean,
  publish: (session: OpenSession) => void,
  mustReachSeqs: readonly number[] = [],
): () => void {
  const log = capture.log;
  const analysis = new SessionAnalysis(log);
  let reach = FIRST_SLICE;
  for (const seq of mustReachSeqs) {
    const i = log.indexOfSeq(seq);
    if (i >= 0) reach = Math.max(reach, i + 1);
  }
  analysis.update(reach);
  if (analysis.length >= log.length) {
    publish(openSession(capture, demo, analysis));
    return () => undefined;
  }
  const key = nextKey++;
  publish(partialSession(capture, analysis, demo, key));
  let stopped = false;
  let lastPublish = performance.now();
  const channel = new MessageChannel();
  const slice = () => {
    if (stopped) return;
    const t0 = performance.now();
    while (analysis.length < log.length && performance.now() - t0 < SLICE_MS) {
      analysis.update(1000);
    }
    if (analysis.length >= log.length) {
      channel.port1.close();
      publish({ ...openSession(capture, demo, analysis), key });
      performance.mark('signalscope:session-analysed');
      return;
    }
    if (performance.now() - lastPublish >= PUBLISH_MS) {
      lastPublish = performance.now();
      publish(partialSession(capture, analysis, demo, key));
      // Lets the browser paint what was published before the next slice.
      setTimeout(slice, 0);
      return;
    }
    channel.port2.postMessage(null);
  };
  channel.port1.onmessage = slice;
  setTimeout(slice, 0);
  return () => {
    stopped = true;
    channel.port1.close();
  };
}

function openSession(
  capture: LoadedCapture,
  demo: boolean,
  analysed?: SessionAnalysis,
): OpenSession {
  const analysis = (analysed ?? new SessionAnalysis(capture.log)).update();
  const machineChecks = capture.log.length <= MACHINE_CHECK_LIMIT;
  const drivers = machineChecks ? createMachineDrivers(analysis) : undefined;
  const list = drivers ? allFindings(analysis, analysis.log.endTime, drivers) : findings(analysis);
  return {
    capture,
    analysis,
    summary: summarise(analysis),
    findings: countBySeverity(list),
    findingList: list,
    drivers,
    machineChecks,
    partial: capture.problems > 0,
    demo,
    key: nextKey++,
  };
}

function failure(name: string, error: unknown): LoaderState {
  if (error instanceof CaptureRefusedError) {
    // A HAR or a dump was recognised but could not be imported: say that, not "not a capture".
    const what =
      error.format === 'har'
        ? 'HAR'
        : error.format === 'webrtc-internals'
          ? 'webrtc-internals dump'
          : undefined;
    return {
      status: 'failed',
      name,
      title:
        what === undefined
          ? `${name} is not a signalscope capture`
          : `${name}: this ${what} could not be imported`,
      message: error.message,
    };
  }
  const message =
    error instanceof CaptureLoadError || error instanceof Error ? error.message : String(error);
  return { status: 'failed', name, title: `Could not open ${name}`, message };
}

export interface CaptureLoader {
  readonly state: LoaderState;
  /** The last broken capture, while its readable part is open as partial. */
  readonly brokenCapture: LoadedCapture | undefined;
  /** Opens a capture, a HAR or a webrtc-internals dump; several files merge onto one clock. */
  readonly openFile: (files: File | readonly File[]) => void;
  /**
   * Opens a URL as given in `?capture=` (resolved against the page; http, https, blob).
   * Returns a function that cancels this load if it is still under way.
   */
  readonly openUrl: (url: string, name: string, options?: { demo?: boolean }) => () => void;
  /** Opens the events a broken capture could read, labelled partial. */
  readonly openPartial: () => void;
  /** Back from a partial view to the list of problems. */
  readonly showProblems: () => void;
}

/**
 * Loads captures from files and URLs one at a time: a new load cancels the one under way.
 * A capture with format errors is not opened until the user asks for its readable part.
 */
export function useCaptureLoader(fetchImpl?: FetchLike): CaptureLoader {
  const [state, setState] = useState<LoaderState>({ status: 'idle' });
  const [brokenCapture, setBroken] = useState<LoadedCapture | undefined>(undefined);
  const [brokenIsDemo, setBrokenIsDemo] = useState(false);
  const current = useRef<AbortController | undefined>(undefined);

  useEffect(() => () => current.current?.abort(), []);

  const run = useCallback(
    (
      name: string,
      demo: boolean,
      load: (options: {
        signal: AbortSignal;
        onProgress: (p: LoadProgress) => void;
      }) => Promise<LoadedCapture>,
    ): (() => void) => {
      current.current?.abort();
      const controller = new AbortController();
      current.current = controller;
      // Timings for bench/inspector-open.ts (and the browser's performance panel).
      performance.mark('signalscope:load-start');
      setState({ status: 'loading', name, progress: undefined });
      setBroken(undefined);
      const onProgress = (progress: LoadProgress) => {
        if (!controller.signal.aborted) setState({ status: 'loading', name, progress });
      };
      load({ signal: controller.signal, onProgress }).then(
        (capture) => {
          if (controller.signal.aborted) return;
          performance.mark('signalscope:capture-read');
          if (capture.problems > 0) {
            setBroken(capture);
            setBrokenIsDemo(demo);
            setState({ status: 'broken', capture, demo });
          } else {
            let first = true;
            const stop = openProgressively(
              capture,
              demo,
              (session) => {
                if (controller.signal.aborted) return;
                if (first) {
                  setState({ status: 'open', session });
                  performance.mark('signalscope:session-open');
                  first = false;
                } else {
                  // The rest of the analysis shows in a transition: rendered in slices that
                  // yield, so scrolling and selecting go on meanwhile.
                  startTransition(() => {
                    setState({ status: 'open', session });
                  });
                }
              },
              mustReachSeqs(),
            );
            controller.signal.addEventListener('abort', stop);
          }
        },
        (error: unknown) => {
          if (controller.signal.aborted) return;
          setState(failure(name, error));
        },
      );
      return () => {
        controller.abort();
      };
    },
    [],
  );

  const openFile = useCallback(
    (files: File | readonly File[]) => {
      const list = files instanceof File ? [files] : files;
      if (list.length === 0) return;
      const name = list.map((f) => f.name).join(' + ');
      run(name, false, (options) => readCaptureFiles(list, options));
    },
    [run],
  );

  const openUrl = useCallback(
    (url: string, name: string, options: { demo?: boolean } = {}) =>
      run(name, options.demo ?? false, async (o) => {
        const capture = await readCaptureUrl(
          resolveCaptureUrl(url, window.location.href),
          o,
          fetchImpl,
        );
        // The caller's name wins: a bundled demo's URL carries a content hash.
        return { ...capture, name };
      }),
    [run, fetchImpl],
  );

  const openPartial = useCallback(() => {
    if (!brokenCapture) return;
    setState({ status: 'open', session: openSession(brokenCapture, brokenIsDemo) });
  }, [brokenCapture, brokenIsDemo]);

  const showProblems = useCallback(() => {
    if (brokenCapture) setState({ status: 'broken', capture: brokenCapture, demo: brokenIsDemo });
  }, [brokenCapture, brokenIsDemo]);

  return { state, brokenCapture, openFile, openUrl, openPartial, showProblems };
}

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
  type Reading,
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
  readonly analysing?: {
    readonly done: number;
    readonly total: number;
    /** The file is still being read: `total` grows. */
    readonly reading?: boolean;
  };
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

/** A capture opened a slice at a time (`openGrowing`). */
interface Growing {
  /** The read is over and nothing was wrong: analyse the rest, then everything. */
  finish(capture: LoadedCapture): void;
  stop(): void;
}

/**
 * Opens a capture so that its first rows show at once, even while the file is still being
 * read: once the log holds the first slice (and the link's cursor / selection, so a shared
 * link lands where it points), the first slice is analysed and published; the rest is
 * analysed in slices of about 12 ms between frames as the log grows, `publish` getting the
 * session every ~120 ms; after `finish`, findings and machines come with the last one.
 */
function openGrowing(
  provisional: () => LoadedCapture,
  demo: boolean,
  publish: (session: OpenSession) => void,
  mustReachSeqs: readonly number[] = [],
): Growing {
  const log = provisional().log;
  const analysis = new SessionAnalysis(log);
  const key = nextKey++;
  let final: LoadedCapture | undefined;
  let published = false;
  let stopped = false;
  let lastPublish = 0;
  let waiting: ReturnType<typeof setTimeout> | undefined;
  const channel = new MessageChannel();
  const current = () => final ?? provisional();
  const partial = (): OpenSession => {
    const session = partialSession(current(), analysis, demo, key);
    if (final) return session;
    return {
      ...session,
      analysing: { done: analysis.length, total: log.length, reading: true },
    };
  };
  /** How far the first paint must reach, or undefined while the log is too short. */
  const firstReach = (): number | undefined => {
    let reach = FIRST_SLICE;
    for (const seq of mustReachSeqs) {
      const i = log.indexOfSeq(seq);
      if (i >= 0) reach = Math.max(reach, i + 1);
      else if (!final) return undefined; // not read yet
    }
    if (!final && log.length < reach) return undefined;
    return reach;
  };
  const later = (ms: number) => {
    if (waiting === undefined) {
      waiting = setTimeout(() => {
        waiting = undefined;
        tick();
      }, ms);
    }
  };
  const tick = () => {
    if (stopped) return;
    if (!published) {
      const reach = firstReach();
      if (reach === undefined) {
        // Checked again at the reader's next yield: a longer wait could miss it and leave
        // the first paint a whole read slice later.
        later(0);
        return;
      }
      analysis.update(reach);
      published = true;
      lastPublish = performance.now();
      if (final && analysis.length >= log.length) {
        publish({ ...openSession(final, demo, analysis), key });
        return;
      }
      publish(partial());
      later(0);
      return;
    }
    const t0 = performance.now();
    while (analysis.length < log.length && performance.now() - t0 < SLICE_MS) {
      analysis.update(1000);
    }
    if (final && analysis.length >= log.length) {
      channel.port1.close();
      publish({ ...openSession(final, demo, analysis), key });
      performance.mark('signalscope:session-analysed');
      return;
    }
    if (performance.now() - lastPublish >= PUBLISH_MS) {
      lastPublish = performance.now();
      publish(partial());
      // Lets the browser paint what was published before the next slice.
      later(0);
      return;
    }
    // Caught up with a log still being read: look again shortly.
    if (analysis.length >= log.length) later(16);
    else channel.port2.postMessage(null);
  };
  channel.port1.onmessage = tick;
  tick();
  return {
    finish: (capture) => {
      final = capture;
      if (waiting !== undefined) clearTimeout(waiting);
      waiting = undefined;
      tick();
    },
    stop: () => {
      stopped = true;
      if (waiting !== undefined) clearTimeout(waiting);
      channel.port1.close();
    },
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
      origin: LoadedCapture['origin'],
      load: (options: {
        signal: AbortSignal;
        onProgress: (p: LoadProgress) => void;
        onReading: (reading: Reading) => void;
      }) => Promise<LoadedCapture>,
    ): (() => void) => {
      current.current?.abort();
      const controller = new AbortController();
      current.current = controller;
      // Timings for bench/inspector-open.ts (and the browser's performance panel).
      performance.mark('signalscope:load-start');
      setState({ status: 'loading', name, progress: undefined });
      setBroken(undefined);
      let shown = false;
      const publish = (session: OpenSession) => {
        if (controller.signal.aborted) return;
        if (!shown) {
          shown = true;
          setState({ status: 'open', session });
          performance.mark('signalscope:session-open');
        } else {
          // The rest shows in a transition: rendered in slices that yield, so scrolling
          // and selecting go on meanwhile.
          startTransition(() => {
            setState({ status: 'open', session });
          });
        }
      };
      let growing: Growing | undefined;
      controller.signal.addEventListener('abort', () => growing?.stop());
      const onProgress = (progress: LoadProgress) => {
        if (!controller.signal.aborted && !shown) {
          setState({ status: 'loading', name, progress });
        }
      };
      // The first rows show while the rest of the file is still being read.
      const onReading = (reading: Reading) => {
        growing = openGrowing(
          () => {
            const header = reading.header();
            return {
              name,
              origin,
              header,
              log: reading.log,
              errors: [],
              problems: 0,
              lines: reading.log.length + 1,
              bytes: 0,
            };
          },
          demo,
          publish,
          mustReachSeqs(),
        );
      };
      load({ signal: controller.signal, onProgress, onReading }).then(
        (capture) => {
          if (controller.signal.aborted) return;
          performance.mark('signalscope:capture-read');
          if (capture.problems > 0) {
            growing?.stop();
            setBroken(capture);
            setBrokenIsDemo(demo);
            setState({ status: 'broken', capture, demo });
          } else {
            growing ??= openGrowing(() => capture, demo, publish, mustReachSeqs());
            growing.finish(capture);
          }
        },
        (error: unknown) => {
          growing?.stop();
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
      run(name, false, { kind: 'file' }, (options) => readCaptureFiles(list, options));
    },
    [run],
  );

  const openUrl = useCallback(
    (url: string, name: string, options: { demo?: boolean } = {}) =>
      run(name, options.demo ?? false, { kind: 'url', url }, async (o) => {
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

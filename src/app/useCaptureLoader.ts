import { useCallback, useEffect, useRef, useState } from 'react';
import { SessionAnalysis } from '../projections/analysis.ts';
import { countBySeverity, findings, type Finding, type Severity } from '../projections/findings.ts';
import { createMachineDrivers, type MachineDrivers } from '../projections/machineStates.ts';
import { allFindings } from '../projections/machineFindings.ts';
import { summarise, type SessionSummary } from '../projections/summary.ts';
import {
  CaptureLoadError,
  CaptureRefusedError,
  readCaptureFile,
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

/**
 * Above this many events the app leaves the machines' findings to `signalscope check`:
 * building every machine of a 230,000-event session took about 5 s, on the main thread.
 */
export const MACHINE_CHECK_LIMIT = 50_000;

function openSession(capture: LoadedCapture, demo: boolean): OpenSession {
  const analysis = new SessionAnalysis(capture.log).update();
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
    return {
      status: 'failed',
      name,
      title: `${name} is not a signalscope capture`,
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
  readonly openFile: (file: File) => void;
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
            const session = openSession(capture, demo);
            performance.mark('signalscope:session-open');
            setState({ status: 'open', session });
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
    (file: File) => {
      run(file.name, false, (options) => readCaptureFile(file, options));
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

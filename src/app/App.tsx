import { useCallback, useEffect, useMemo, useState, type ReactNode } from 'react';
import { nameFromUrl, type FetchLike } from '../sources/captureFile.ts';
import { formatBytes } from '../views/EventList/format.ts';
import { DEMO_CAPTURE_URL, DEMO_DESCRIPTION, DEMO_NAME } from './demo.ts';
import { EXAMPLES } from './examples.ts';
import { BrokenCapturePanel, LoadFailurePanel } from './ErrorPanel.tsx';
import { Inspector } from './Inspector.tsx';
import { SummaryBar } from './SummaryBar.tsx';
import { TopBar, type FileInfo } from './TopBar.tsx';
import { useCaptureLoader, type LoaderState, type OpenSession } from './useCaptureLoader.ts';
import { useFileDrop } from './useFileDrop.ts';
import { useTheme } from './useTheme.ts';
import { ConnectForm, LiveBar } from './live/LiveBar.tsx';
import { useLiveSession, useRecord, type LiveRequest } from './live/useLiveSession.ts';
import { LIVE_MODES, type LiveMode } from '../sources/live/liveSource.ts';
import './App.css';

/**
 * The embedded demo room `npm start` runs beside the app (scripts/start.mjs); absent in a
 * plain build, where the recorded demo opens instead.
 */
const DEMO_ROOM_URL: string | undefined =
  (import.meta.env.VITE_SIGNALSCOPE_DEMO_URL as string | undefined) || undefined;

/**
 * What the address asks to connect to: `?connect=<url>&mode=raw|observer|participant`, or a
 * recording proxy's tap, `?tap=<url>`.
 */
export function liveRequestFrom(search: string): LiveRequest | undefined {
  const params = new URLSearchParams(search);
  const tap = params.get('tap');
  if (tap !== null && tap !== '') return { url: tap, mode: 'tap' };
  const url = params.get('connect');
  if (url === null || url === '') return undefined;
  const m = params.get('mode');
  const mode: LiveMode = LIVE_MODES.includes(m as LiveMode) ? (m as LiveMode) : 'observer';
  return { url, mode };
}

export interface AppProps {
  /** The page's query string (default: `window.location.search`). */
  readonly search?: string;
  /** The capture opened when there is no `?capture=`; `null` for none (the empty state). */
  readonly demoUrl?: string | null;
  /** Injected in tests; the browser's fetch otherwise. */
  readonly fetchImpl?: FetchLike;
  /** The live demo room to connect to when the address names nothing (`npm start`'s). */
  readonly demoRoomUrl?: string | null;
}

function fileInfo(state: LoaderState): FileInfo | undefined {
  switch (state.status) {
    case 'open':
      return {
        name: state.session.capture.name,
        header: state.session.capture.header,
        partial: state.session.partial,
      };
    case 'broken':
      return { name: state.capture.name, header: state.capture.header, partial: false };
    default:
      return undefined;
  }
}

/** Whether the page shows one of the example captures. */
function isExample(search: string | undefined): boolean {
  const capture = new URLSearchParams(search ?? window.location.search).get('capture');
  return capture !== null && capture.startsWith('examples/');
}

/** The demo's own description from its header, as one sentence. */
function demoDescription(session: OpenSession): string {
  const d = session.capture.header?.source.description;
  const text = typeof d === 'string' && d !== '' ? d : DEMO_DESCRIPTION;
  return /[.!?]$/.test(text) ? text : `${text}.`;
}

/** An information banner the user can hide. */
function ClosableNote({ children, onClose }: { children: ReactNode; onClose: () => void }) {
  return (
    <p className="banner banner--info banner--closable" role="note">
      <span>{children}</span>
      <button type="button" className="banner__close" aria-label="Hide this note" onClick={onClose}>
        ×
      </button>
    </p>
  );
}

function EmptyState() {
  return (
    <section className="empty-state" aria-labelledby="empty-title">
      <h2 id="empty-title">Open a capture to inspect its signaling</h2>
      <ul>
        <li>
          Choose <strong>Open capture…</strong> above and pick a <code>.sscap.jsonl</code> file,
        </li>
        <li>drop a capture file anywhere on this window, or</li>
        <li>
          link to one: add <code>?capture=&lt;url of a capture&gt;</code> to this page's address.
        </li>
      </ul>
      <p className="muted">
        Every frame is decoded as protoo, requests are paired with their responses, and broken
        frames, errors and timeouts stand out.
      </p>
    </section>
  );
}

function Loading({
  name,
  bytesRead,
  totalBytes,
}: {
  name: string;
  bytesRead: number;
  totalBytes: number | undefined;
}) {
  return (
    <section className="loading" aria-live="polite">
      <p>
        Reading {name}…{' '}
        {bytesRead > 0 &&
          (totalBytes === undefined
            ? formatBytes(bytesRead)
            : `${formatBytes(bytesRead)} of ${formatBytes(totalBytes)}`)}
      </p>
      <progress
        aria-label={`Reading ${name}`}
        {...(totalBytes === undefined ? {} : { max: totalBytes, value: bytesRead })}
      />
    </section>
  );
}

/**
 * The composition root: the top bar, the open session and the list of its events. Opens
 * `?capture=<url>`, else the recorded demo, else shows what to do.
 */
export function App({
  search,
  demoUrl = DEMO_CAPTURE_URL ?? null,
  fetchImpl,
  demoRoomUrl = DEMO_ROOM_URL ?? null,
}: AppProps) {
  const { theme, toggle } = useTheme();
  const pageSearch = search ?? window.location.search;
  const [liveRequest, setLiveRequest] = useState<LiveRequest | undefined>(() => {
    const asked = liveRequestFrom(pageSearch);
    if (asked) return asked;
    const params = new URLSearchParams(pageSearch);
    if (params.get('capture') || demoRoomUrl === null) return undefined;
    return { url: demoRoomUrl, mode: 'observer' };
  });
  const [liveStopped, setLiveStopped] = useState(false);
  const live = useLiveSession(liveStopped ? undefined : liveRequest);
  const record = useRecord(live);
  const liveDemo = liveRequest !== undefined && liveRequest.url === demoRoomUrl;
  const loader = useCaptureLoader(fetchImpl);
  const { state, openUrl, openFile: loadFile } = loader;
  // A file the user opened replaces what the address named: its view starts fresh and the
  // address stops naming the old capture.
  const [fromFile, setFromFile] = useState(false);
  const openFile = useCallback(
    (file: File | readonly File[]) => {
      setFromFile(true);
      setLiveRequest(undefined);
      loadFile(file);
    },
    [loadFile],
  );
  const connect = useCallback((url: string, mode: LiveMode) => {
    setLiveStopped(false);
    setLiveRequest({ url, mode });
    const params = new URLSearchParams();
    params.set('connect', url);
    params.set('mode', mode);
    window.history.replaceState(null, '', `?${params.toString()}`);
  }, []);
  const [connectOpen, setConnectOpen] = useState(false);
  const dragging = useFileDrop(openFile);
  const [help, setHelp] = useState(false);
  const [demoNoteClosed, setDemoNoteClosed] = useState(false);

  // Opens what the address asks for; the cleanup cancels that load (StrictMode's remount
  // cancels and restarts it), never a file the user opened since.
  const liveAtStart = liveRequest !== undefined;
  useEffect(() => {
    if (liveAtStart) return undefined;
    const params = new URLSearchParams(search ?? window.location.search);
    const capture = params.get('capture');
    if (capture !== null && capture !== '') return openUrl(capture, nameFromUrl(capture));
    if (demoUrl !== null) return openUrl(demoUrl, DEMO_NAME, { demo: true });
    return undefined;
    // Only what the address said at the start: a live session replaces it later.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [search, demoUrl, openUrl]);

  const liveCapture = live?.session.capture;
  const info = useMemo(
    () =>
      liveCapture
        ? { name: liveCapture.name, header: liveCapture.header, partial: false }
        : fileInfo(state),
    [liveCapture, state],
  );
  const shown = live ? { status: 'open' as const, session: live.session } : state;
  useEffect(() => {
    document.title = info ? `${info.name} — signalscope` : 'signalscope';
  }, [info?.name, info]);

  return (
    <div className="app">
      <TopBar
        file={info}
        theme={theme}
        onToggleTheme={toggle}
        onOpenFile={openFile}
        onConnect={() => {
          setConnectOpen(!connectOpen);
        }}
        {...(shown.status === 'open'
          ? {
              onHelp: () => {
                setHelp(true);
              },
            }
          : {})}
      />
      {connectOpen && (
        <ConnectForm
          initialUrl={liveRequest?.url ?? demoRoomUrl ?? ''}
          onConnect={(url, mode) => {
            setConnectOpen(false);
            connect(url, mode);
          }}
        />
      )}
      {live && liveRequest && (
        <LiveBar
          url={live.source.url}
          mode={liveRequest.mode}
          status={live.status}
          events={live.session.analysis.length}
          onModeChange={(mode) => {
            connect(liveRequest.url, mode);
          }}
          onRecord={record}
          onDisconnect={() => {
            live.source.close();
          }}
          onReconnect={() => {
            setLiveStopped(true);
            setTimeout(() => {
              setLiveStopped(false);
            }, 0);
          }}
          onSend={live.send}
        />
      )}
      {live && liveDemo && !demoNoteClosed && (
        <ClosableNote
          onClose={() => {
            setDemoNoteClosed(true);
          }}
        >
          <strong>Live demo room:</strong> signalscope is connected as an observer to the demo room
          server <code>npm start</code> runs beside the app; simulated peers join, produce, speak
          and leave. Switch the mode to <strong>participant</strong> to produce and consume, use{' '}
          <strong>Send a request…</strong> to talk to the server, or <strong>Record</strong> the
          session.
        </ClosableNote>
      )}
      {shown.status === 'open' && (
        <SummaryBar
          summary={shown.session.summary}
          findings={shown.session.findings}
          machineChecks={shown.session.machineChecks}
          analysing={shown.session.analysing}
        />
      )}
      {shown.status === 'open' && shown.session.demo && !demoNoteClosed && (
        <ClosableNote
          onClose={() => {
            setDemoNoteClosed(true);
          }}
        >
          <strong>Recorded demo:</strong> {demoDescription(shown.session)} To look at your own
          session, choose <strong>Open capture…</strong>, drop a capture file anywhere on this
          window, or add <code>?capture=&lt;url&gt;</code> to the address.
        </ClosableNote>
      )}
      {shown.status === 'open' && (shown.session.demo || isExample(search)) && (
        <nav className="banner banner--examples" aria-label="Example captures">
          <strong>Examples:</strong>{' '}
          {EXAMPLES.map((e, k) => (
            <span key={e.name}>
              {k > 0 && ' · '}
              <a href={e.href} title={`${e.title}: ${e.description}`}>
                {e.name}
              </a>
            </span>
          ))}
        </nav>
      )}
      {shown.status === 'open' && shown.session.partial && (
        <p className="banner banner--warning" role="status">
          <strong>Partial:</strong> showing the{' '}
          {shown.session.capture.log.length.toLocaleString('en')} events that could be read;{' '}
          {shown.session.capture.problems.toLocaleString('en')}{' '}
          {shown.session.capture.problems === 1 ? 'line' : 'lines'} of {shown.session.capture.name}{' '}
          could not be read and {shown.session.capture.problems === 1 ? 'is' : 'are'} missing.{' '}
          <button type="button" className="link-button" onClick={loader.showProblems}>
            Show the problems
          </button>
        </p>
      )}
      <main className="app__main">
        {!live && state.status === 'idle' && <EmptyState />}
        {!live && state.status === 'loading' && (
          <Loading
            name={state.name}
            bytesRead={state.progress?.bytesRead ?? 0}
            totalBytes={state.progress?.totalBytes}
          />
        )}
        {!live && state.status === 'broken' && (
          <BrokenCapturePanel capture={state.capture} onOpenPartial={loader.openPartial} />
        )}
        {!live && state.status === 'failed' && (
          <LoadFailurePanel title={state.title} message={state.message} />
        )}
        {shown.status === 'open' && (
          <Inspector
            key={shown.session.key}
            session={shown.session}
            live={
              live !== undefined && live.status.phase !== 'closed' && live.status.phase !== 'failed'
            }
            {...(fromFile ? { search: '' } : search === undefined ? {} : { search })}
            helpOpen={help}
            onHelpOpenChange={setHelp}
          />
        )}
      </main>
      {dragging && (
        <div className="drop-overlay" aria-hidden="true">
          <div className="drop-overlay__box">Drop a capture to open it</div>
        </div>
      )}
    </div>
  );
}

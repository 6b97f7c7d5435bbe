import { useCallback, useEffect, useState } from 'react';
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
import './App.css';

export interface AppProps {
  /** The page's query string (default: `window.location.search`). */
  readonly search?: string;
  /** The capture opened when there is no `?capture=`; `null` for none (the empty state). */
  readonly demoUrl?: string | null;
  /** Injected in tests; the browser's fetch otherwise. */
  readonly fetchImpl?: FetchLike;
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
export function App({ search, demoUrl = DEMO_CAPTURE_URL ?? null, fetchImpl }: AppProps) {
  const { theme, toggle } = useTheme();
  const loader = useCaptureLoader(fetchImpl);
  const { state, openUrl, openFile: loadFile } = loader;
  // A file the user opened replaces what the address named: its view starts fresh and the
  // address stops naming the old capture.
  const [fromFile, setFromFile] = useState(false);
  const openFile = useCallback(
    (file: File) => {
      setFromFile(true);
      loadFile(file);
    },
    [loadFile],
  );
  const dragging = useFileDrop(openFile);
  const [help, setHelp] = useState(false);
  const [demoNoteClosed, setDemoNoteClosed] = useState(false);

  // Opens what the address asks for; the cleanup cancels that load (StrictMode's remount
  // cancels and restarts it), never a file the user opened since.
  useEffect(() => {
    const params = new URLSearchParams(search ?? window.location.search);
    const capture = params.get('capture');
    if (capture !== null && capture !== '') return openUrl(capture, nameFromUrl(capture));
    if (demoUrl !== null) return openUrl(demoUrl, DEMO_NAME, { demo: true });
    return undefined;
  }, [search, demoUrl, openUrl]);

  const info = fileInfo(state);
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
        {...(state.status === 'open'
          ? {
              onHelp: () => {
                setHelp(true);
              },
            }
          : {})}
      />
      {state.status === 'open' && (
        <SummaryBar
          summary={state.session.summary}
          findings={state.session.findings}
          machineChecks={state.session.machineChecks}
        />
      )}
      {state.status === 'open' && state.session.demo && !demoNoteClosed && (
        <p className="banner banner--info banner--closable" role="note">
          <span>
            <strong>Recorded demo:</strong> {demoDescription(state.session)} To look at your own
            session, choose <strong>Open capture…</strong>, drop a capture file anywhere on this
            window, or add <code>?capture=&lt;url&gt;</code> to the address.
          </span>
          <button
            type="button"
            className="banner__close"
            aria-label="Hide this note"
            onClick={() => {
              setDemoNoteClosed(true);
            }}
          >
            ×
          </button>
        </p>
      )}
      {state.status === 'open' && (state.session.demo || isExample(search)) && (
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
      {state.status === 'open' && state.session.partial && (
        <p className="banner banner--warning" role="status">
          <strong>Partial:</strong> showing the{' '}
          {state.session.capture.log.length.toLocaleString('en')} events that could be read;{' '}
          {state.session.capture.problems.toLocaleString('en')}{' '}
          {state.session.capture.problems === 1 ? 'line' : 'lines'} of {state.session.capture.name}{' '}
          could not be read and {state.session.capture.problems === 1 ? 'is' : 'are'} missing.{' '}
          <button type="button" className="link-button" onClick={loader.showProblems}>
            Show the problems
          </button>
        </p>
      )}
      <main className="app__main">
        {state.status === 'idle' && <EmptyState />}
        {state.status === 'loading' && (
          <Loading
            name={state.name}
            bytesRead={state.progress?.bytesRead ?? 0}
            totalBytes={state.progress?.totalBytes}
          />
        )}
        {state.status === 'broken' && (
          <BrokenCapturePanel capture={state.capture} onOpenPartial={loader.openPartial} />
        )}
        {state.status === 'failed' && (
          <LoadFailurePanel title={state.title} message={state.message} />
        )}
        {state.status === 'open' && (
          <Inspector
            key={state.session.key}
            session={state.session}
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

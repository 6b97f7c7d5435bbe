import type { CaptureHeader } from '../session/capture.ts';
import type { Theme } from './useTheme.ts';

/** `2026-11-22 10:00:00 UTC`, or the text as found when it is not a date. */
export function formatCreated(created: string): string {
  const d = new Date(created);
  if (Number.isNaN(d.getTime())) return created;
  return `${d.toISOString().slice(0, 19).replace('T', ' ')} UTC`;
}

/** What the header says about where the events came from, in one line. */
export function describeSource(header: CaptureHeader | undefined): string | undefined {
  if (!header) return undefined;
  const s = header.source;
  const detail = [s.title, s.description, s.url].find(
    (v): v is string => typeof v === 'string' && v !== '',
  );
  return detail === undefined ? s.kind : `${s.kind} · ${detail}`;
}

export interface FileInfo {
  readonly name: string;
  readonly header: CaptureHeader | undefined;
  readonly partial: boolean;
}

export interface TopBarProps {
  readonly file: FileInfo | undefined;
  readonly theme: Theme;
  readonly onToggleTheme: () => void;
  /** One file, or several picked together (merged onto one clock). */
  readonly onOpenFile: (files: readonly File[]) => void;
  /** Shows the keyboard shortcuts (the inspector's help dialog). */
  readonly onHelp?: () => void;
  /** Opens the form to connect to a live room. */
  readonly onConnect?: () => void;
}

export function TopBar({ file, theme, onToggleTheme, onOpenFile, onHelp, onConnect }: TopBarProps) {
  const source = describeSource(file?.header);
  return (
    <header className="top-bar">
      <div className="top-bar__brand">
        <span className="top-bar__logo" aria-hidden="true">
          ◉
        </span>
        <span className="top-bar__name">signalscope</span>
      </div>
      <label className="button button--primary">
        Open capture…
        {/* No accept filter: the content decides what a file is, not its name (captures,
            HARs, webrtc-internals dumps saved as .txt, …). Several files open merged. */}
        <input
          type="file"
          multiple
          className="visually-hidden"
          onChange={(e) => {
            const files = [...(e.currentTarget.files ?? [])];
            if (files.length > 0) onOpenFile(files);
            // Lets the same file be picked again after it changed on disk.
            e.currentTarget.value = '';
          }}
        />
      </label>
      {onConnect && (
        <button type="button" className="button" onClick={onConnect}>
          Connect…
        </button>
      )}
      {file && (
        <dl className="file-info" aria-label="Open capture">
          <div>
            <dt className="visually-hidden">File</dt>
            <dd className="file-info__name">
              <span className="file-info__file" title={file.name}>
                {file.name}
              </span>
              {file.partial && <span className="tag tag--warning">partial</span>}
            </dd>
          </div>
          {source !== undefined && (
            <div className="file-info__source">
              <dt>Source</dt>
              <dd title={source}>{source}</dd>
            </div>
          )}
          {file.header && (
            <div>
              <dt>Created</dt>
              <dd>
                <time dateTime={file.header.created}>{formatCreated(file.header.created)}</time>
              </dd>
            </div>
          )}
        </dl>
      )}
      <button
        type="button"
        className="button button--quiet top-bar__theme"
        aria-pressed={theme === 'dark'}
        onClick={onToggleTheme}
        title={theme === 'dark' ? 'Switch to the light theme' : 'Switch to the dark theme'}
      >
        <span aria-hidden="true">{theme === 'dark' ? '☾' : '☀'}</span> Dark theme
      </button>
      {onHelp && (
        <button
          type="button"
          className="button button--quiet top-bar__help"
          onClick={onHelp}
          title="Keyboard shortcuts (?)"
          aria-keyshortcuts="?"
        >
          <span aria-hidden="true">?</span>
          <span className="visually-hidden">Keyboard shortcuts</span>
        </button>
      )}
    </header>
  );
}

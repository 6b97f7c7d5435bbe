import { useId, useMemo, useState, type SyntheticEvent } from 'react';
import './LiveBar.css';
import { catalogEntries } from '../../protocol/catalog.ts';
import type { Explanation } from '../../sources/live/explain.ts';
import { urlProblems } from '../../sources/live/explain.ts';
import {
  LIVE_MODES,
  type LiveMode,
  type LiveStatus,
  type RequestOutcome,
} from '../../sources/live/liveSource.ts';

const MODE_TITLES: Record<LiveMode, string> = {
  raw: 'raw: connect only and show everything (requests from the server are not answered)',
  observer: 'observer: join as "signalscope" without media; see peers come and go, consume nothing',
  participant:
    'participant: a mediasoup-client Device sends synthetic audio and video and consumes the others',
};

/** The live mode picker, each mode explained in its option's title. */
function ModeSelect({
  value,
  onChange,
  className,
}: {
  value: LiveMode;
  onChange: (mode: LiveMode) => void;
  className?: string;
}) {
  return (
    <label className={className}>
      Mode{' '}
      <select
        value={value}
        onChange={(e) => {
          onChange(e.currentTarget.value as LiveMode);
        }}
      >
        {LIVE_MODES.map((m) => (
          <option key={m} value={m} title={MODE_TITLES[m]}>
            {m}
          </option>
        ))}
      </select>
    </label>
  );
}

/** The status line: what the connection does, in words. */
function statusText(status: LiveStatus): { label: string; tone: string; why?: Explanation } {
  switch (status.phase) {
    case 'connecting':
      return { label: 'Connecting…', tone: 'pending' };
    case 'open':
      return { label: `Live · ${status.role}`, tone: 'live' };
    case 'reconnecting':
      return { label: status.explanation.title, tone: 'warn', why: status.explanation };
    case 'closed':
      return {
        label: status.explanation.title,
        tone: status.byServer ? 'error' : 'idle',
        why: status.explanation,
      };
    case 'failed':
      return { label: status.explanation.title, tone: 'error', why: status.explanation };
  }
}

/** Only http(s) links are ever rendered (the URL came from the user or the address). */
function safeHref(href: string): string | undefined {
  try {
    const u = new URL(href);
    return u.protocol === 'https:' || u.protocol === 'http:' ? u.toString() : undefined;
  } catch {
    return undefined;
  }
}

export interface LiveBarProps {
  readonly url: string;
  /** `tap`: a recording proxy's tap, read-only (no mode, no composer). */
  readonly mode: LiveMode | 'tap';
  readonly status: LiveStatus;
  readonly onModeChange: (mode: LiveMode) => void;
  /** Downloads the session; `keepSecrets` when the "keep secrets" box is checked. */
  readonly onRecord: (options: { keepSecrets: boolean }) => void;
  readonly onDisconnect: () => void;
  readonly onReconnect: () => void;
  readonly onSend: (
    kind: 'request' | 'notification',
    method: string,
    data: unknown,
  ) => Promise<RequestOutcome>;
  readonly events: number;
}

/** The live connection's bar: status, mode, record, disconnect, and the request composer. */
export function LiveBar({
  url,
  mode,
  status,
  onModeChange,
  onRecord,
  onDisconnect,
  onReconnect,
  onSend,
  events,
}: LiveBarProps) {
  const [composer, setComposer] = useState(false);
  const [keepSecrets, setKeepSecrets] = useState(false);
  const s = statusText(status);
  const down = status.phase === 'closed' || status.phase === 'failed';
  const link = s.why?.link ? safeHref(s.why.link.href) : undefined;
  return (
    <section className={`live-bar live-bar--${s.tone}`} aria-label="Live connection">
      <div className="live-bar__row">
        <span className="live-bar__dot" aria-hidden="true" />
        <strong className="live-bar__status" role="status">
          {s.label}
        </strong>
        <code className="live-bar__url" title={url}>
          {url}
        </code>
        <span className="muted">{events.toLocaleString('en')} events</span>
        {mode === 'tap' ? (
          <span className="muted">recording proxy tap</span>
        ) : (
          <ModeSelect className="live-bar__mode" value={mode} onChange={onModeChange} />
        )}
        <button
          type="button"
          className="button"
          onClick={() => {
            onRecord({ keepSecrets });
          }}
          title="Download the session so far as a capture file (tokens, passwords and ICE passwords redacted unless “keep secrets” is checked)"
        >
          Record ⤓
        </button>
        <label
          className="muted"
          title="Record keeps tokens, passwords and ICE passwords as they are"
        >
          <input
            type="checkbox"
            checked={keepSecrets}
            onChange={(e) => {
              setKeepSecrets(e.target.checked);
            }}
          />{' '}
          keep secrets
        </label>
        {mode !== 'tap' && (
          <button
            type="button"
            className="button"
            aria-expanded={composer}
            onClick={() => {
              setComposer(!composer);
            }}
          >
            Send a request…
          </button>
        )}
        {down ? (
          <button type="button" className="button" onClick={onReconnect}>
            Reconnect
          </button>
        ) : (
          <button type="button" className="button" onClick={onDisconnect}>
            Disconnect
          </button>
        )}
      </div>
      {s.why && (
        <p className="live-bar__why">
          {s.why.detail}{' '}
          {link && s.why.link && (
            <a href={link} target="_blank" rel="noreferrer noopener">
              {s.why.link.label}
            </a>
          )}
        </p>
      )}
      {composer && <RequestComposer onSend={onSend} disabled={status.phase !== 'open'} />}
    </section>
  );
}

interface Sent {
  readonly n: number;
  readonly kind: 'request' | 'notification';
  readonly method: string;
  readonly outcome: RequestOutcome | undefined;
}

/** Parses the composer's JSON, naming where it is wrong. */
export function parseComposerData(text: string): { data: unknown } | { error: string } {
  if (text.trim() === '') return { data: {} };
  try {
    const data: unknown = JSON.parse(text);
    if (typeof data !== 'object' || data === null) {
      return { error: 'data must be a JSON object (or an array), like {"producerId": "…"}' };
    }
    return { data };
  } catch (e) {
    return { error: `data is not JSON: ${e instanceof Error ? e.message : String(e)}` };
  }
}

/** Sends any request or notification with JSON data; method names come from the catalog. */
export function RequestComposer({
  onSend,
  disabled,
}: {
  onSend: LiveBarProps['onSend'];
  disabled: boolean;
}) {
  const listId = useId();
  const [method, setMethod] = useState('');
  const [kind, setKind] = useState<'request' | 'notification'>('request');
  const [text, setText] = useState('{}');
  const [error, setError] = useState<string | undefined>(undefined);
  const [sent, setSent] = useState<Sent[]>([]);
  const methods = useMemo(() => {
    const byName = new Map<string, string>();
    for (const e of catalogEntries()) {
      if (e.direction !== 'c2s') continue;
      const had = byName.get(e.method);
      const label = `${e.kind} (${e.dialect})`;
      byName.set(e.method, had && !had.includes(label) ? `${had}, ${label}` : label);
    }
    return [...byName].sort(([a], [b]) => a.localeCompare(b));
  }, []);

  const submit = (e: SyntheticEvent) => {
    e.preventDefault();
    const m = method.trim();
    if (m === '') {
      setError('name the method to send');
      return;
    }
    const parsed = parseComposerData(text);
    if ('error' in parsed) {
      setError(parsed.error);
      return;
    }
    setError(undefined);
    const n = (sent[0]?.n ?? 0) + 1;
    setSent((s) => [{ n, kind, method: m, outcome: undefined }, ...s].slice(0, 20));
    void onSend(kind, m, parsed.data).then((outcome) => {
      setSent((s) => s.map((x) => (x.n === n ? { ...x, outcome } : x)));
    });
  };

  return (
    <form className="composer" onSubmit={submit} aria-label="Request composer">
      <div className="composer__row">
        <label>
          Method{' '}
          <input
            list={listId}
            value={method}
            onChange={(e) => {
              setMethod(e.currentTarget.value);
            }}
            placeholder="getRouterRtpCapabilities"
            spellCheck={false}
          />
        </label>
        <datalist id={listId}>
          {methods.map(([m, label]) => (
            <option key={m} value={m}>
              {label}
            </option>
          ))}
        </datalist>
        <label>
          <input
            type="radio"
            name={`${listId}-kind`}
            checked={kind === 'request'}
            onChange={() => {
              setKind('request');
            }}
          />{' '}
          request
        </label>
        <label>
          <input
            type="radio"
            name={`${listId}-kind`}
            checked={kind === 'notification'}
            onChange={() => {
              setKind('notification');
            }}
          />{' '}
          notification
        </label>
        <button type="submit" className="button button--primary" disabled={disabled}>
          Send
        </button>
      </div>
      <label className="composer__data">
        Data (JSON)
        <textarea
          value={text}
          rows={3}
          spellCheck={false}
          onChange={(e) => {
            setText(e.currentTarget.value);
          }}
        />
      </label>
      {error && (
        <p className="composer__error" role="alert">
          {error}
        </p>
      )}
      {sent.length > 0 && (
        <ol className="composer__answers" aria-label="Answers">
          {sent.map((x) => (
            <li key={x.n}>
              <strong>
                {x.kind} {x.method}
              </strong>
              {': '}
              {x.outcome === undefined ? (
                <span className="muted">waiting…</span>
              ) : x.outcome.ok ? (
                <code>{x.kind === 'notification' ? 'sent' : JSON.stringify(x.outcome.data)}</code>
              ) : (
                <span className="composer__error">
                  {x.outcome.code === undefined ? '' : `${String(x.outcome.code)} `}
                  {x.outcome.error}
                </span>
              )}
            </li>
          ))}
        </ol>
      )}
    </form>
  );
}

/** A form to connect to a room URL. */
export function ConnectForm({
  initialUrl = '',
  onConnect,
}: {
  initialUrl?: string;
  onConnect: (url: string, mode: LiveMode) => void;
}) {
  const [url, setUrl] = useState(initialUrl);
  const [mode, setMode] = useState<LiveMode>('observer');
  const [problems, setProblems] = useState<string[]>([]);
  return (
    <form
      className="connect-form"
      aria-label="Connect to a live room"
      onSubmit={(e) => {
        e.preventDefault();
        const p = urlProblems(url.trim());
        setProblems(p);
        if (p.length === 0) onConnect(url.trim(), mode);
      }}
    >
      <label className="connect-form__url">
        Room URL{' '}
        <input
          type="text"
          value={url}
          placeholder="wss://host:4443/?roomId=…&peerId=…"
          spellCheck={false}
          onChange={(e) => {
            setUrl(e.currentTarget.value);
          }}
        />
      </label>
      <ModeSelect value={mode} onChange={setMode} />
      <button type="submit" className="button button--primary">
        Connect
      </button>
      <span className="muted connect-form__hint">{MODE_TITLES[mode]}</span>
      {problems.length > 0 && (
        <p className="composer__error" role="alert">
          {problems.join('; ')}
        </p>
      )}
    </form>
  );
}

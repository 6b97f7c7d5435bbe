import { Fragment, memo, useMemo } from 'react';
import type { SessionAnalysis } from '../../projections/analysis.ts';
import { eventToLine } from '../../session/capture.ts';
import { formatDuration } from './format.ts';
import { JsonTree } from './JsonTree.tsx';
import { describeRow } from './rows.ts';

/** Raw text longer than this is cut in the pane (the whole text stays in the log). */
const MAX_RAW_CHARS = 200_000;

interface RawView {
  readonly text: string;
  readonly note: string | undefined;
  /** The parsed JSON, when the raw text is JSON. */
  readonly parsed: { readonly value: unknown } | undefined;
}

/** Pretty-prints JSON text; leaves anything else exactly as it is. */
export function prettyRaw(raw: string): RawView {
  let parsed: { value: unknown } | undefined;
  let text = raw;
  try {
    const value: unknown = JSON.parse(raw);
    parsed = { value };
    text = JSON.stringify(value, null, 2);
  } catch {
    parsed = undefined;
  }
  if (text.length > MAX_RAW_CHARS) {
    return {
      text: text.slice(0, MAX_RAW_CHARS),
      note: `showing the first ${MAX_RAW_CHARS.toLocaleString('en')} of ${text.length.toLocaleString('en')} characters`,
      parsed,
    };
  }
  return { text, note: parsed ? undefined : 'not JSON: shown exactly as received', parsed };
}

export interface EventDetailProps {
  readonly analysis: SessionAnalysis;
  readonly index: number;
  readonly onJump: (index: number) => void;
}

/** The selected event: what it is, its raw frame and its decoded message. */
export const EventDetail = memo(function EventDetail({
  analysis,
  index,
  onJump,
}: EventDetailProps) {
  const log = analysis.log;
  const row = describeRow(analysis, index);
  const isFrame = log.isFrame(index);
  const base64 = log.frameBase64(index);
  const raw = useMemo(() => {
    if (!isFrame) return prettyRaw(eventToLine(log.get(index)));
    const text = log.frameText(index);
    return text === undefined ? undefined : prettyRaw(text);
  }, [log, index, isFrame]);
  const decoded = isFrame ? analysis.message(index) : undefined;
  const warnings = analysis.warnings.get(index) ?? [];
  const partner = row.pair >= 0 ? describeRow(analysis, row.pair) : undefined;

  const title = [row.kindLabel, row.method].filter((s) => s !== undefined).join(' ');
  return (
    <section className="event-detail" aria-label={`Event seq ${row.seq}`}>
      <h2 className="event-detail__title">
        <span className={`kind-badge kind-badge--${row.kind}`}>{title}</span>
        <span className="event-detail__seq">seq {row.seq}</span>
        <span className="event-detail__time">{row.time}</span>
      </h2>
      <dl className="facts">
        {row.conn !== undefined && (
          <>
            <dt>Connection</dt>
            <dd>{row.conn}</dd>
          </>
        )}
        {row.dir !== undefined && (
          <>
            <dt>Direction</dt>
            <dd>{row.dir === 'out' ? 'client → server' : 'server → client'}</dd>
          </>
        )}
        {row.id !== undefined && (
          <>
            <dt>protoo id</dt>
            <dd className="mono">{row.id}</dd>
          </>
        )}
        {partner && (
          <>
            <dt>{row.kind === 'request' ? 'Answered by' : 'Answers'}</dt>
            <dd>
              <button
                type="button"
                className="link-button"
                onClick={() => {
                  onJump(partner.index);
                }}
              >
                {partner.kindLabel} seq {partner.seq}
              </button>
              {row.latency !== undefined && <> after {formatDuration(row.latency)}</>}
            </dd>
          </>
        )}
        {row.outcome && (
          <>
            <dt>Outcome</dt>
            <dd className={`outcome outcome--${row.outcome.outcome}`}>{row.outcome.text}</dd>
          </>
        )}
        {row.detail !== undefined && (
          <>
            <dt>{row.kind === 'invalid' ? 'Why it is broken' : 'Details'}</dt>
            <dd>{row.detail}</dd>
          </>
        )}
        {row.marks.map((m) => (
          <Fragment key={m}>
            <dt>Note</dt>
            <dd>{m}</dd>
          </Fragment>
        ))}
      </dl>
      {warnings.length > 0 && (
        <div className="detail-block">
          <h3>Catalog warnings</h3>
          <ul className="warnings">
            {warnings.map((w, k) => (
              <li key={k}>
                {w.message}
                {w.field !== undefined && <span className="mono"> ({w.field})</span>}
              </li>
            ))}
          </ul>
        </div>
      )}
      {decoded && decoded.kind !== 'invalid' && (
        <div className="detail-block">
          <h3>Decoded message</h3>
          <JsonTree value={decoded} label="Decoded message" />
        </div>
      )}
      {!isFrame && raw?.parsed && (
        <div className="detail-block">
          <h3>Event</h3>
          <JsonTree value={raw.parsed.value} label="Event" />
        </div>
      )}
      <div className="detail-block">
        <h3>
          {isFrame
            ? base64 === undefined
              ? 'Raw frame'
              : 'Binary frame (base64)'
            : 'Capture line'}
        </h3>
        {raw?.note !== undefined && <p className="detail-note">{raw.note}</p>}
        <pre className="raw" aria-label={isFrame ? 'Raw frame' : 'Capture line'}>
          {base64 ?? raw?.text ?? ''}
        </pre>
      </div>
    </section>
  );
});

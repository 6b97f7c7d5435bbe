/**
 * The sections of the message detail below its header: findings, the paired request or
 * response, the event's own facts by type, mediasoup parameter tables and the catalog entry.
 * Every string from the capture is rendered as text.
 */
import { Fragment, useId, type ReactNode } from 'react';
import type { Finding } from '../../projections/findings.ts';
import {
  shapeSummary,
  valueTypes,
  type FieldSpec,
  type MethodEntry,
} from '../../protocol/catalog.ts';
import type { ValidationWarning } from '../../protocol/validate.ts';
import { DataTable, Facts } from './DataTable.tsx';
import type { CatalogInfo, EventBody, PairInfo, Segment } from './model.ts';
import type { RtpBlock } from './rtp.ts';
import { candidateTable } from './SdpView.tsx';
import { isSecretField, Secret } from './secrets.tsx';
import { cell, type Fact } from './table.ts';

type OnSelect = ((index: number) => void) | undefined;

/** A titled section of the view. */
export function Block({
  title,
  className,
  children,
}: {
  title: string;
  className?: string;
  children: ReactNode;
}) {
  const id = useId();
  return (
    <section className={`md-block${className ? ` ${className}` : ''}`} aria-labelledby={id}>
      <h3 id={id}>{title}</h3>
      {children}
    </section>
  );
}

/** A sentence whose links select other events. */
export function Sentence({
  segments,
  onSelect,
}: {
  segments: readonly Segment[];
  onSelect: OnSelect;
}) {
  return (
    <>
      {segments.map((s, k) =>
        typeof s === 'string' ? (
          <Fragment key={k}>{s}</Fragment>
        ) : (
          <button
            key={k}
            type="button"
            className="md-link"
            disabled={!onSelect}
            onClick={() => {
              onSelect?.(s.index);
            }}
          >
            {s.label}
          </button>
        ),
      )}
    </>
  );
}

export function PairBlock({ pair, onSelect }: { pair: PairInfo; onSelect: OnSelect }) {
  return (
    <Block title={pair.heading} className={`md-pair md-tone--${pair.tone}`}>
      <p>
        <Sentence segments={pair.segments} onSelect={onSelect} />
      </p>
      {pair.notes.map((n, k) => (
        <p key={k} className="md-note">
          <Sentence segments={n} onSelect={onSelect} />
        </p>
      ))}
    </Block>
  );
}

function FindingItem({
  f,
  onSelect,
  seqOf,
}: {
  f: Finding;
  onSelect: OnSelect;
  seqOf: (index: number) => number;
}) {
  return (
    <li className={`md-finding md-finding--${f.severity}`}>
      <span className="md-finding__severity">{f.severity}</span>{' '}
      <span className="mono">{f.code}</span>: {f.message}
      {f.machine && (
        <span className="md-muted">
          {' '}
          ({f.machine.kind} {f.machine.id})
        </span>
      )}
      {f.related && f.related.length > 0 && (
        <>
          {' '}
          See{' '}
          {f.related.map((r, k) => (
            <Fragment key={r}>
              {k > 0 && ', '}
              <button
                type="button"
                className="md-link"
                disabled={!onSelect}
                onClick={() => {
                  onSelect?.(r);
                }}
              >
                seq {seqOf(r)}
              </button>
            </Fragment>
          ))}
          .
        </>
      )}
    </li>
  );
}

export function FindingsBlock({
  own,
  related,
  onSelect,
  seqOf,
}: {
  own: readonly Finding[];
  related: readonly Finding[];
  onSelect: OnSelect;
  seqOf: (index: number) => number;
}) {
  if (own.length === 0 && related.length === 0) return null;
  return (
    <Block title={`Findings (${own.length + related.length})`} className="md-findings">
      {own.length > 0 && (
        <ul>
          {own.map((f, k) => (
            <FindingItem key={k} f={f} onSelect={onSelect} seqOf={seqOf} />
          ))}
        </ul>
      )}
      {related.length > 0 && (
        <>
          <p className="md-muted">About other events that involve this one:</p>
          <ul>
            {related.map((f, k) => (
              <li key={k} className={`md-finding md-finding--${f.severity}`}>
                <span className="md-finding__severity">{f.severity}</span>{' '}
                <span className="mono">{f.code}</span> on{' '}
                <button
                  type="button"
                  className="md-link"
                  disabled={!onSelect}
                  onClick={() => {
                    onSelect?.(f.index);
                  }}
                >
                  seq {seqOf(f.index)}
                </button>
                : {f.message}
              </li>
            ))}
          </ul>
        </>
      )}
    </Block>
  );
}

function fieldType(f: FieldSpec): string {
  if (f.values) return f.values.map((v) => JSON.stringify(v)).join(' | ');
  if (f.fields && f.fields.length > 0) return shapeSummary(f);
  return valueTypes(f.type).join(' | ');
}

function ShapeTable({ caption, fields }: { caption: string; fields: readonly FieldSpec[] }) {
  return (
    <DataTable
      table={{
        caption,
        columns: ['field', 'type', 'required'],
        rows: fields.map((f) => [
          cell(f.name),
          cell(fieldType(f)),
          cell(f.optional ? 'optional' : 'yes'),
        ]),
      }}
    />
  );
}

const DIRECTIONS = { c2s: 'client → server', s2c: 'server → client' } as const;

function Entry({
  entry,
  response,
  describe,
}: {
  entry: MethodEntry;
  response: boolean;
  describe: boolean;
}) {
  const facts: Fact[] = [
    {
      label: 'dialect',
      value: cell(
        entry.dialect === 'legacy' ? 'legacy (v3 JavaScript demo)' : 'new (TypeScript demo)',
      ),
    },
    { label: 'direction', value: cell(DIRECTIONS[entry.direction]) },
    { label: 'kind', value: cell(entry.kind) },
  ];
  if (entry.needsJoin !== undefined) {
    facts.push({ label: 'needs join', value: cell(entry.needsJoin ? 'yes' : 'no') });
  }
  if (entry.deprecated)
    facts.push({ label: 'deprecated', value: cell('yes: kept for old captures') });
  if (entry.history !== undefined) facts.push({ label: 'history', value: cell(entry.history) });
  const dataFields = entry.data.fields ?? [];
  const responseFields = entry.response?.fields ?? [];
  return (
    <div className="md-entry">
      {describe && <p>{entry.description}</p>}
      <Facts facts={facts} label={`${entry.id}: facts`} />
      {dataFields.length > 0 ? (
        <ShapeTable
          caption={`${entry.kind === 'request' ? 'Request' : 'Notification'} data`}
          fields={dataFields}
        />
      ) : (
        <p className="md-muted">
          Data: {entry.data.fields ? 'an empty object' : shapeSummary(entry.data)}
        </p>
      )}
      {entry.response &&
        (responseFields.length > 0 ? (
          <ShapeTable
            caption={`Response data${response ? ' (this message)' : ''}`}
            fields={responseFields}
          />
        ) : (
          <p className="md-muted">
            Response data:{' '}
            {entry.response.fields ? 'an empty object' : shapeSummary(entry.response)}
          </p>
        ))}
      {entry.errors.length > 0 && (
        <DataTable
          table={{
            caption: 'Known error answers',
            columns: ['code', 'reason', 'when'],
            rows: entry.errors.map((e) => [cell(e.code), cell(e.reason), cell(e.when)]),
          }}
        />
      )}
    </div>
  );
}

/** The catalog entries of the method; a single entry's description is shown above, once. */
export function CatalogBlock({
  info,
  warnings,
}: {
  info: CatalogInfo;
  warnings: readonly ValidationWarning[];
}) {
  return (
    <Block title="Catalog" className="md-catalog">
      {warnings.length > 0 && (
        <div className="md-warnings">
          <p>
            <strong>Does not fit the catalog</strong>
          </p>
          <ul>
            {warnings.map((w, k) => (
              <li key={k}>
                {w.message}
                {w.field !== undefined && <span className="mono"> ({w.field})</span>}
              </li>
            ))}
          </ul>
        </div>
      )}
      {info.note !== undefined && <p className="md-muted">{info.note}</p>}
      {info.entries.map((e) => (
        <details key={e.id} className="md-catalog__entry" open={info.entries.length === 1}>
          <summary>
            <span className="mono">{e.method}</span> in the {e.dialect} dialect
          </summary>
          <Entry entry={e} response={info.response} describe={info.entries.length > 1} />
        </details>
      ))}
    </Block>
  );
}

export function RtpBlocks({ blocks }: { blocks: readonly RtpBlock[] }) {
  return (
    <>
      {blocks.map((b) => (
        <Block key={b.path} title={b.title} className="md-rtp">
          <p className="md-muted mono">{b.path}</p>
          {b.problem !== undefined && <p className="md-error">{b.problem}</p>}
          <Facts facts={b.facts} label={`${b.title}: facts`} />
          {b.tables.map((t) => (
            <DataTable key={t.caption} table={t} />
          ))}
        </Block>
      ))}
    </>
  );
}

function valueLine(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return undefined;
}

/** The facts an event carries by its type (the socket's URL, a close code, a candidate…). */
export function BodyBlock({ body }: { body: EventBody }) {
  switch (body.type) {
    case 'error-response':
      return (
        <Block title="Error" className="md-tone--error">
          <Facts
            facts={[
              { label: 'code', value: cell(body.code ?? 'none') },
              { label: 'reason', value: cell(body.reason === '' ? undefined : body.reason) },
              {
                label: 'ok field',
                value: cell(
                  body.okField === 'false'
                    ? 'false (protoo-client style)'
                    : body.okField === 'absent'
                      ? 'absent (protoo-server style)'
                      : 'neither true nor false',
                ),
              },
            ]}
          />
          {body.known && <p>{body.known.description}</p>}
        </Block>
      );
    case 'invalid':
      return (
        <Block title="Why it is broken" className="md-tone--error">
          <p className="md-error">{body.reason}</p>
          <p className="md-muted">
            The receiver drops this frame. Its exact text is under Data
            {body.json ? '; it is JSON, shown as a tree' : ''}.
          </p>
        </Block>
      );
    case 'binary':
      return (
        <Block title="Binary frame">
          <p>
            {body.bytes.toLocaleString('en')} byte{body.bytes === 1 ? '' : 's'}. protoo and the room
            protocols speak JSON text frames only: this frame is ignored. Its base64 is under Data.
          </p>
        </Block>
      );
    case 'room':
      return (
        <>
          {body.about !== undefined && <p className="md-about">{body.about}</p>}
          {body.candidate && <CandidateBlock candidate={body.candidate} />}
        </>
      );
    case 'open':
      return (
        <Block title="Socket open">
          <Facts
            facts={[
              { label: 'URL', value: cell(body.url) },
              ...(body.parsed.origin === undefined
                ? []
                : [{ label: 'origin', value: cell(body.parsed.origin) }]),
              ...(body.parsed.path === undefined
                ? []
                : [{ label: 'path', value: cell(body.parsed.path) }]),
              { label: 'subprotocol', value: cell(body.subprotocol ?? 'none') },
            ]}
          />
          {body.parsed.error !== undefined && <p className="md-error">{body.parsed.error}</p>}
          {body.parsed.params.length > 0 ? (
            <div className="md-table-wrap">
              <table className="md-table">
                <caption>Query parameters ({body.parsed.params.length})</caption>
                <thead>
                  <tr>
                    <th scope="col">name</th>
                    <th scope="col">value</th>
                  </tr>
                </thead>
                <tbody>
                  {body.parsed.params.map(([name, value], k) => (
                    <tr key={k}>
                      <th scope="row">{name}</th>
                      <td>{isSecretField(name) ? <Secret text={value} label={name} /> : value}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          ) : (
            <p className="md-muted">No query parameters.</p>
          )}
        </Block>
      );
    case 'close':
      return (
        <Block title="Socket close" className={body.code === 1000 ? undefined : 'md-tone--warning'}>
          <Facts
            facts={[
              {
                label: 'code',
                value: cell(body.code === undefined ? 'none' : `${body.code}: ${body.meaning}`),
              },
              { label: 'reason', value: cell(body.reason) },
            ]}
          />
          {body.next !== undefined && <p>{body.next}</p>}
        </Block>
      );
    case 'ws-error':
      return (
        <Block title="Socket error" className="md-tone--error">
          <p>{body.message}</p>
          <p className="md-muted">
            Browsers give no detail on WebSocket errors; the close that follows usually has code
            1006.
          </p>
        </Block>
      );
    case 'pc': {
      const line = valueLine(body.value);
      return (
        <Block title="Peer connection event">
          {body.about !== undefined ? (
            <p className="md-about">{body.about}</p>
          ) : (
            <p className="md-muted">Not a webrtc-internals update-log name: kept as recorded.</p>
          )}
          {line !== undefined && <Facts facts={[{ label: 'value', value: cell(line) }]} />}
          {body.candidate && <CandidateBlock candidate={body.candidate} />}
        </Block>
      );
    }
    case 'note':
      return (
        <Block title="Note">
          <p className="md-note-text">{body.text}</p>
        </Block>
      );
    case 'unknown':
      return (
        <Block title="Unknown event type" className="md-tone--warning">
          <p>
            “{body.originalType}” is an event type this version does not know. It is kept as
            recorded (its fields are under Data) and written back when the capture is saved.
          </p>
        </Block>
      );
    case 'message':
    case 'frame':
      return null;
  }
}

function CandidateBlock({
  candidate,
}: {
  candidate: NonNullable<Extract<EventBody, { type: 'pc' }>['candidate']>;
}) {
  if (!candidate.ok)
    return <p className="md-error">Could not read the candidate: {candidate.error}</p>;
  return <DataTable table={candidateTable('ICE candidate', [candidate.candidate])} />;
}

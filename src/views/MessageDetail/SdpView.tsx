import { memo, useId, useMemo, useState } from 'react';
import type { SessionLog } from '../../session/SessionLog.ts';
import { candidateTypeText, type IceCandidate } from './candidate.ts';
import { DataTable, Facts } from './DataTable.tsx';
import {
  DIRECTION_WORDS,
  SETUP_ROLES,
  maskSdpLine,
  parseSdp,
  sdpLines,
  type ParsedSdp,
  type SdpMediaSection,
  type Sourced,
} from './sdp.ts';
import { diffSdp, foldContext, type SectionDiff } from './sdpDiff.ts';
import { counterpartSdp, previousSdp, type SdpRef } from './sdpLocate.ts';
import { SecretToggle, useSecrets } from './secrets.tsx';
import { cell, type Fact, type TableModel } from './table.ts';
import { Tabs } from './Tabs.tsx';

type SdpTab = 'structured' | 'diff' | 'raw';

const SDP_TABS = [
  { id: 'structured', label: 'Structured' },
  { id: 'diff', label: 'Diff' },
  { id: 'raw', label: 'Raw SDP' },
] as const;

function from<T>(s: Sourced<T> | undefined): string {
  return s?.from === 'session' ? ' (session level)' : '';
}

/** A table of candidates, from SDP lines or trickled ones. */
export function candidateTable(caption: string, candidates: readonly IceCandidate[]): TableModel {
  return {
    caption,
    columns: [
      'foundation',
      'component',
      'protocol',
      'priority',
      'address',
      'port',
      'type',
      'related address',
      'tcptype',
    ],
    rows: candidates.map((c) => [
      cell(c.foundation),
      cell(c.component),
      cell(c.protocol),
      cell(c.priority),
      cell(c.address),
      cell(c.port),
      cell(candidateTypeText(c.type)),
      cell(
        c.relatedAddress === undefined
          ? undefined
          : `${c.relatedAddress}${c.relatedPort === undefined ? '' : `:${c.relatedPort}`}`,
      ),
      cell(c.tcpType),
    ]),
  };
}

function sectionFacts(m: SdpMediaSection): Fact[] {
  const facts: Fact[] = [
    { label: 'mid', value: cell(m.mid ?? 'none') },
    {
      label: 'direction',
      value: {
        text: `${m.direction} (${DIRECTION_WORDS[m.direction]}${m.directionFrom === 'default' ? ', by default' : m.directionFrom === 'session' ? ', session level' : ''})`,
      },
    },
    {
      label: 'port / proto',
      value: cell(`${m.port ?? '?'} ${m.proto ?? '?'}${m.bundleOnly ? ' (bundle-only)' : ''}`),
    },
  ];
  if (m.iceUfrag) {
    facts.push({ label: 'ICE ufrag', value: cell(`${m.iceUfrag.value}${from(m.iceUfrag)}`) });
  }
  if (m.icePwd) {
    facts.push({ label: 'ICE pwd', value: { text: m.icePwd.value, secret: true } });
  }
  if (m.iceOptions) facts.push({ label: 'ICE options', value: cell(m.iceOptions.value) });
  if (m.fingerprint) {
    facts.push({
      label: 'DTLS fingerprint',
      value: cell(`${m.fingerprint.value.hash} ${m.fingerprint.value.value}${from(m.fingerprint)}`),
    });
  }
  if (m.setup) {
    const role = SETUP_ROLES[m.setup.value];
    facts.push({
      label: 'DTLS setup',
      value: cell(`${m.setup.value}${role ? `: ${role}` : ''}${from(m.setup)}`),
    });
  }
  if (m.rtcpMux || m.rtcpRsize) {
    facts.push({
      label: 'RTCP',
      value: cell([m.rtcpMux ? 'rtcp-mux' : '', m.rtcpRsize ? 'rtcp-rsize' : ''].join(' ').trim()),
    });
  }
  if (m.msid.length > 0) facts.push({ label: 'msid', value: cell(m.msid.join(', ')) });
  if (m.simulcast !== undefined) facts.push({ label: 'simulcast', value: cell(m.simulcast) });
  if (m.sctpPort !== undefined) facts.push({ label: 'SCTP port', value: cell(m.sctpPort) });
  if (m.maxMessageSize !== undefined) {
    facts.push({ label: 'max message size', value: cell(m.maxMessageSize) });
  }
  if (m.connection !== undefined) facts.push({ label: 'connection', value: cell(m.connection) });
  return facts;
}

function sectionTables(m: SdpMediaSection): TableModel[] {
  const tables: TableModel[] = [];
  if (m.codecs.length > 0) {
    tables.push({
      caption: `Codecs (${m.codecs.length})`,
      columns: ['PT', 'name', 'clock rate', 'channels', 'fmtp', 'rtcp-fb'],
      rows: m.codecs.map((c) => [
        cell(c.payloadType),
        cell(c.name),
        cell(c.clockRate),
        cell(c.channels),
        cell(c.fmtp),
        cell(c.rtcpFb.join(', ')),
      ]),
    });
  }
  if (m.extensions.length > 0) {
    tables.push({
      caption: `Header extensions (${m.extensions.length})`,
      columns: ['id', 'uri', 'direction', 'encrypted'],
      rows: m.extensions.map((e) => [
        cell(e.id),
        cell(e.uri),
        cell(e.direction),
        cell(e.encrypt ? 'yes' : undefined),
      ]),
    });
  }
  if (m.candidates.length > 0 || m.endOfCandidates) {
    tables.push(
      candidateTable(
        `Candidates (${m.candidates.length}${m.endOfCandidates ? ', end-of-candidates' : ''})`,
        m.candidates,
      ),
    );
  }
  if (m.ssrcs.length > 0) {
    tables.push({
      caption: `SSRCs (${m.ssrcs.length})`,
      columns: ['ssrc', 'cname', 'msid', 'other'],
      rows: m.ssrcs.map((s) => [
        cell(s.ssrc),
        cell(s.cname),
        cell(s.msid),
        cell(s.other.map(([k, v]) => `${k}:${v}`).join(' ')),
      ]),
    });
  }
  if (m.ssrcGroups.length > 0) {
    tables.push({
      caption: 'SSRC groups',
      columns: ['semantics', 'ssrcs'],
      rows: m.ssrcGroups.map((g) => [cell(g.semantics), cell(g.ssrcs)]),
    });
  }
  if (m.rids.length > 0) {
    tables.push({
      caption: `RIDs (${m.rids.length})`,
      columns: ['rid', 'direction', 'params'],
      rows: m.rids.map((r) => [cell(r.id), cell(r.direction), cell(r.params)]),
    });
  }
  if (m.otherAttributes.length > 0) {
    tables.push({
      caption: 'Other attributes',
      columns: ['attribute'],
      rows: m.otherAttributes.map((a) => [cell(`a=${a}`)]),
    });
  }
  return tables;
}

const MediaSection = memo(function MediaSection({ m }: { m: SdpMediaSection }) {
  const title = `m=${m.kind || '?'}${m.mid === undefined ? '' : ` · mid ${m.mid}`} · ${m.direction}`;
  return (
    <details className="md-msection" open>
      <summary>
        <span className="md-msection__title">{title}</span>
        {m.codecs.length > 0 && (
          <span className="md-muted">
            {' '}
            {m.codecs
              .slice(0, 4)
              .map((c) => c.name)
              .join(', ')}
            {m.codecs.length > 4 ? ', …' : ''}
          </span>
        )}
      </summary>
      <Facts facts={sectionFacts(m)} label={`${title}: facts`} />
      {sectionTables(m).map((t) => (
        <DataTable key={t.caption} table={t} />
      ))}
    </details>
  );
});

function Structured({ sdp }: { sdp: ParsedSdp }) {
  const session: Fact[] = [];
  if (sdp.origin) {
    session.push({
      label: 'origin',
      value: cell(
        `${sdp.origin.username} ${sdp.origin.sessionId} v${sdp.origin.sessionVersion} ${sdp.origin.address}`,
      ),
    });
  }
  if (sdp.name !== undefined) session.push({ label: 'session name', value: cell(sdp.name) });
  session.push({
    label: 'bundle',
    value: cell(
      sdp.groups.length === 0
        ? 'no groups'
        : sdp.groups.map((g) => `${g.semantics}: ${g.mids.join(' ')}`).join('; '),
    ),
  });
  if (sdp.iceLite)
    session.push({ label: 'ICE lite', value: cell('yes (a server such as mediasoup)') });
  if (sdp.msidSemantic !== undefined) {
    session.push({ label: 'msid-semantic', value: cell(sdp.msidSemantic) });
  }
  if (sdp.extmapAllowMixed) session.push({ label: 'extmap-allow-mixed', value: cell('yes') });
  session.push({
    label: 'size',
    value: cell(`${sdp.lineCount} lines, ${sdp.media.length} m-sections`),
  });
  return (
    <div className="md-sdp-structured">
      {sdp.problems.length > 0 && (
        <div className="md-problems">
          <p>
            <strong>What does not read well</strong> (the rest is shown as parsed):
          </p>
          <ul>
            {sdp.problems.map((p, k) => (
              <li key={k}>{p.message}</li>
            ))}
          </ul>
        </div>
      )}
      <Facts facts={session} label="Session" />
      {sdp.otherAttributes.length > 0 && (
        <DataTable
          table={{
            caption: 'Other session attributes',
            columns: ['attribute'],
            rows: sdp.otherAttributes.map((a) => [cell(`a=${a}`)]),
          }}
        />
      )}
      {sdp.media.map((m) => (
        <MediaSection key={m.index} m={m} />
      ))}
    </div>
  );
}

/** SDP text with line numbers; ICE passwords masked unless revealed. */
export function RawSdp({ text, label }: { text: string; label: string }) {
  const { reveal } = useSecrets();
  const lines = useMemo(() => sdpLines(text), [text]);
  return (
    <pre className="md-raw md-raw--numbered" aria-label={label}>
      <code>
        {lines.map((l) => (
          <span key={l.line} className="md-raw__line">
            {reveal ? l.text : maskSdpLine(l.text)}
            {'\n'}
          </span>
        ))}
      </code>
    </pre>
  );
}

const SIGN = { add: '+', del: '−', same: ' ' } as const;

function SectionDiffView({ section, reveal }: { section: SectionDiff; reveal: boolean }) {
  const folded = useMemo(() => foldContext(section.lines, 2), [section.lines]);
  const counts =
    section.status === 'same'
      ? 'unchanged'
      : `${section.status}: +${section.added} −${section.removed}`;
  return (
    <details
      className={`md-diff-section md-diff-section--${section.status}`}
      open={section.status !== 'same'}
    >
      <summary>
        <span className="md-msection__title">{section.label}</span>{' '}
        <span className={`md-badge md-badge--${section.status}`}>{counts}</span>
      </summary>
      <pre className="md-diff" aria-label={`${section.label}: ${counts}`}>
        <code>
          {folded.map((l, k) =>
            l.op === 'fold' ? (
              <span key={k} className="md-diff__fold">
                {`… ${l.count} unchanged line${l.count === 1 ? '' : 's'}\n`}
              </span>
            ) : (
              <span key={k} className={`md-diff__line md-diff__line--${l.op}`}>
                <span className="md-diff__sign" aria-hidden="true">
                  {SIGN[l.op]}{' '}
                </span>
                {l.op !== 'same' && (
                  <span className="visually-hidden">
                    {l.op === 'add' ? 'added: ' : 'removed: '}
                  </span>
                )}
                {reveal ? l.text : maskSdpLine(l.text)}
                {'\n'}
              </span>
            ),
          )}
        </code>
      </pre>
    </details>
  );
}

type Base = 'previous' | 'counterpart';

function sideWords(ref: SdpRef): string {
  return `${ref.side} ${ref.type ?? 'description'}`;
}

function DiffView({
  log,
  current,
  onSelect,
}: {
  log: SessionLog;
  current: SdpRef;
  onSelect: ((index: number) => void) | undefined;
}) {
  const { reveal } = useSecrets();
  const previous = useMemo(() => previousSdp(log, current), [log, current]);
  const counterpart = useMemo(() => counterpartSdp(log, current), [log, current]);
  const [base, setBase] = useState<Base>('previous');
  const [showSame, setShowSame] = useState(false);
  const name = useId();
  const other = base === 'counterpart' ? counterpart : previous;
  const diff = useMemo(
    () => (other ? diffSdp(other.sdp, current.sdp) : undefined),
    [other, current],
  );
  const choices: { id: Base; ref: SdpRef | undefined; label: string }[] = [
    { id: 'previous', ref: previous, label: `the previous ${current.side} description` },
    {
      id: 'counterpart',
      ref: counterpart,
      label: current.type === 'offer' ? 'the answer to this offer' : 'the offer this answers',
    },
  ];
  return (
    <div className="md-sdp-diff">
      <fieldset className="md-choice">
        <legend>Compare with</legend>
        {choices.map((c) => (
          <label key={c.id} className={c.ref ? undefined : 'md-muted'}>
            <input
              type="radio"
              name={name}
              value={c.id}
              checked={base === c.id}
              disabled={!c.ref}
              onChange={() => {
                setBase(c.id);
              }}
            />{' '}
            {c.label}
            {c.ref ? ` (seq ${log.seq(c.ref.index)})` : ' (none)'}
          </label>
        ))}
      </fieldset>
      {!other || !diff ? (
        <p className="md-empty">
          {base === 'previous'
            ? `This is the first ${current.side} description of ${current.connection}: there is nothing earlier to compare it with.`
            : `No ${current.type === 'offer' ? 'answer follows this offer' : 'offer comes before this answer'} on ${current.connection}.`}
        </p>
      ) : (
        <>
          <p className="md-diff-summary">
            From{' '}
            <button
              type="button"
              className="md-link"
              onClick={() => {
                onSelect?.(other.index);
              }}
            >
              {sideWords(other)}, {other.via}, seq {log.seq(other.index)}
            </button>{' '}
            to this {sideWords(current)}:{' '}
            {diff.identical ? (
              <strong>identical</strong>
            ) : (
              <>
                <span className="md-diff-count md-diff-count--add">+{diff.added}</span>{' '}
                <span className="md-diff-count md-diff-count--del">−{diff.removed}</span> lines in{' '}
                {diff.sections.filter((s) => s.status !== 'same').length} of {diff.sections.length}{' '}
                sections
              </>
            )}
          </p>
          <label className="md-check">
            <input
              type="checkbox"
              checked={showSame}
              onChange={(e) => {
                setShowSame(e.currentTarget.checked);
              }}
            />{' '}
            Show unchanged sections
          </label>
          {diff.sections
            .filter((s) => showSame || s.status !== 'same')
            .map((s) => (
              <SectionDiffView key={`${s.label}:${s.status}`} section={s} reveal={reveal} />
            ))}
        </>
      )}
    </div>
  );
}

export interface SdpPanelProps {
  readonly log: SessionLog;
  readonly sdpRef: SdpRef;
  readonly onSelect?: (index: number) => void;
}

/**
 * One SDP: structured (session, bundle, m-sections with codecs, extensions, ICE, DTLS,
 * candidates, SSRCs, simulcast), a diff against the previous description of the same
 * connection and side (or the offer / answer it pairs with), and the raw text.
 */
export function SdpPanel({ log, sdpRef, onSelect }: SdpPanelProps) {
  const [tab, setTab] = useState<SdpTab>('structured');
  const parsed = useMemo(() => parseSdp(sdpRef.sdp), [sdpRef.sdp]);
  const headingId = useId();
  return (
    <section className="md-block md-sdp" aria-labelledby={headingId}>
      <h3 id={headingId}>
        SDP {sdpRef.type ?? ''} ({sdpRef.side})
      </h3>
      <p className="md-muted">
        {sdpRef.via} · {sdpRef.connection} · <span className="mono">{sdpRef.path}</span>
      </p>
      <div className="md-toolbar">
        <SecretToggle />
      </div>
      <Tabs label="SDP as" tabs={SDP_TABS} value={tab} onChange={setTab}>
        {tab === 'structured' &&
          (parsed.ok ? (
            <Structured sdp={parsed.sdp} />
          ) : (
            <p className="md-error" role="alert">
              Could not read this SDP: {parsed.error}. The Raw SDP tab shows it as recorded.
            </p>
          ))}
        {tab === 'diff' && <DiffView log={log} current={sdpRef} onSelect={onSelect} />}
        {tab === 'raw' && <RawSdp text={sdpRef.sdp} label="SDP text" />}
      </Tabs>
    </section>
  );
}

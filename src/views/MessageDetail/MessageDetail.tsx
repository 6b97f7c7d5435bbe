import { memo, useId, useMemo, useState } from 'react';
import type { SessionAnalysis } from '../../projections/analysis.ts';
import { LARGE_FRAME_CHARS, type Finding } from '../../projections/findings.ts';
import { downloadBlob } from '../shared/download.ts';
import { BodyBlock, CatalogBlock, FindingsBlock, PairBlock, RtpBlocks } from './Blocks.tsx';
import { JsonTree } from './JsonTree.tsx';
import {
  catalogInfo,
  describeHeader,
  eventBody,
  findingsFor,
  pairInfo,
  prettyJson,
  rawText,
  treeSource,
  type DetailHeader,
} from './model.ts';
import { mediasoupBlocks } from './rtp.ts';
import { SdpPanel } from './SdpView.tsx';
import { sdpOfEvent } from './sdpLocate.ts';
import { SecretsContext, useSecrets, type SecretsState } from './secrets.tsx';
import { redactFrameText } from '../../session/redact.ts';
import { Tabs } from './Tabs.tsx';
import type { DataTab, MessageDetailProps } from './types.ts';
import './MessageDetail.css';

/** Raw text longer than this is cut in the view (the log keeps all of it). */
const MAX_RAW_CHARS = 200_000;

const DATA_TABS = [
  { id: 'tree', label: 'Tree' },
  { id: 'raw', label: 'Raw' },
] as const;

function Header({ h, pcId }: { h: DetailHeader; pcId: string | undefined }) {
  const facts: [string, string][] = [];
  if (h.conn !== undefined) {
    const about = [h.protocol, h.dialect === undefined ? undefined : `${h.dialect} dialect`]
      .filter((s) => s !== undefined)
      .join(', ');
    facts.push(['Connection', about === '' ? h.conn : `${h.conn} (${about})`]);
  }
  if (pcId !== undefined) facts.push(['Peer connection', pcId]);
  if (h.dirText !== undefined) facts.push(['Direction', h.dirText]);
  facts.push(['Kind', h.kindLabel]);
  if (h.method !== undefined)
    facts.push([h.kind === 'pc' ? 'Event' : h.kind === 'room' ? 'Type' : 'Method', h.method]);
  if (h.id !== undefined) facts.push(['protoo id', String(h.id)]);
  return (
    <header className="md-header">
      <h2 className="md-title">
        <span className={`md-kind md-kind--${h.kind.replace('.', '-')}`}>{h.kindLabel}</span>
        {h.method !== undefined && <span className="md-method">{h.method}</span>}
      </h2>
      <p className="md-when">
        seq {h.seq} · {h.time}
      </p>
      <dl className="md-facts md-facts--header">
        {facts.map(([label, value]) => (
          <div key={label} className="md-facts__row">
            <dt>{label}</dt>
            <dd>{value}</dd>
          </div>
        ))}
      </dl>
    </header>
  );
}

function RawView({ text, what }: { text: string; what: string }) {
  // A frame over the limit is shown as received (parsing and printing tens of MB again
  // would hold the page); it downloads whole.
  const large = text.length > LARGE_FRAME_CHARS;
  const pretty = useMemo(() => (large ? undefined : prettyJson(text)), [text, large]);
  const { reveal } = useSecrets();
  const [prettyOn, setPrettyOn] = useState(true);
  const shown = prettyOn && pretty !== undefined ? pretty : text;
  const cut = shown.length > MAX_RAW_CHARS;
  return (
    <div className="md-rawview">
      <div className="md-toolbar">
        {pretty !== undefined ? (
          <label className="md-check">
            <input
              type="checkbox"
              checked={prettyOn}
              onChange={(e) => {
                setPrettyOn(e.currentTarget.checked);
              }}
            />{' '}
            Pretty-print
          </label>
        ) : large ? (
          <span className="md-muted">Over 1 MiB: shown exactly as received.</span>
        ) : (
          <span className="md-muted">Not JSON: shown exactly as received.</span>
        )}
        <span className="md-muted">
          {text.length.toLocaleString('en')} character{text.length === 1 ? '' : 's'}
        </span>
      </div>
      {cut && (
        <p className="md-note">
          Showing the first {MAX_RAW_CHARS.toLocaleString('en')} of{' '}
          {shown.length.toLocaleString('en')} characters.{' '}
          <button
            type="button"
            className="md-button"
            onClick={() => {
              // An export: secrets redacted unless the detail shows them.
              const whole = reveal ? text : redactFrameText(text);
              downloadBlob(`${what.replace(/[^\w.-]+/g, '-')}.txt`, new Blob([whole]));
            }}
          >
            Download it whole{reveal ? '' : ' (secrets redacted)'}
          </button>
        </p>
      )}
      <pre className="md-raw" aria-label={what}>
        {cut ? shown.slice(0, MAX_RAW_CHARS) : shown}
      </pre>
    </div>
  );
}

interface EventViewProps {
  readonly analysis: SessionAnalysis;
  readonly index: number;
  readonly cursor: number;
  /** Changes when the analysis grew (live sessions): recomputes pairs and outcomes. */
  readonly length: number;
  readonly findings: readonly Finding[] | undefined;
  readonly dataTab: DataTab;
  readonly onDataTab: (tab: DataTab) => void;
  readonly onSelect: ((index: number) => void) | undefined;
}

const EventView = memo(function EventView({
  analysis,
  index,
  cursor,
  length,
  findings,
  dataTab,
  onDataTab,
  onSelect,
}: EventViewProps) {
  const log = analysis.log;
  const model = useMemo(() => {
    const header = describeHeader(analysis, index);
    const body = eventBody(analysis, index);
    const warnings = analysis.warnings.get(index) ?? [];
    return {
      header,
      body,
      warnings,
      catalog: catalogInfo(analysis, index),
      tree: treeSource(analysis, index, body),
      raw: rawText(analysis, index),
      sdp: sdpOfEvent(log, index),
      rtp: body.type === 'message' ? mediasoupBlocks(body.data) : [],
    };
    // `length`: a live session's new events change outcomes and dialects.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [analysis, log, index, length]);
  const pair = useMemo(
    () => pairInfo(analysis, index, cursor),
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [analysis, index, cursor, length],
  );
  const found = useMemo(
    () => (findings ? findingsFor(findings, index, model.warnings) : undefined),
    [findings, index, model.warnings],
  );
  const { header, body, catalog, tree, raw, sdp, rtp, warnings } = model;
  const description = catalog?.entries.length === 1 ? catalog.entries[0]?.description : undefined;
  const hasTree = tree.value !== undefined;
  return (
    <>
      <Header h={header} pcId={body.type === 'pc' ? body.pc : undefined} />
      {description !== undefined && <p className="md-about">{description}</p>}
      {found && (
        <FindingsBlock
          own={found.own}
          related={found.related}
          onSelect={onSelect}
          seqOf={(i) => log.seq(i)}
        />
      )}
      {pair && <PairBlock pair={pair} onSelect={onSelect} />}
      <BodyBlock body={body} />
      {sdp && <SdpPanel key={sdp.index} log={log} sdpRef={sdp} onSelect={onSelect} />}
      {rtp.length > 0 && <RtpBlocks blocks={rtp} />}
      {catalog && <CatalogBlock info={catalog} warnings={warnings} />}
      <section className="md-block md-data" aria-label="Data">
        <h3>Data</h3>
        {hasTree ? (
          <Tabs label="Data as" tabs={DATA_TABS} value={dataTab} onChange={onDataTab}>
            {dataTab === 'tree' ? (
              <JsonTree
                value={tree.value}
                rootName={tree.root}
                label={`${header.title}: ${tree.root}`}
              />
            ) : (
              <RawView key={index} text={raw.text} what={raw.what} />
            )}
          </Tabs>
        ) : (
          <RawView key={index} text={raw.text} what={raw.what} />
        )}
      </section>
    </>
  );
});

/**
 * The selected event in full: what it is (header, catalog entry, findings), what answered it
 * (or what it answers), its own facts by type, its SDP as a structured view with a diff
 * against the previous description of the same connection, mediasoup parameter tables, and
 * its data as a keyboard-navigable tree or as the exact raw text.
 *
 * @example
 * <MessageDetail analysis={analysis} cursor={cursor} selected={12} onSelect={select} findings={allFindings(analysis)} />
 */
export function MessageDetail({
  analysis,
  cursor,
  selected,
  onSelect,
  findings,
  initialDataTab = 'tree',
}: MessageDetailProps) {
  const [reveal, setReveal] = useState(false);
  const [dataTab, setDataTab] = useState<DataTab>(initialDataTab);
  const secrets = useMemo<SecretsState>(() => ({ reveal, setReveal }), [reveal]);
  const headingId = useId();
  if (selected === null) {
    return (
      <div className="message-detail message-detail--empty">
        <p className="md-empty">Select a message in the sequence diagram or the list.</p>
        <p className="md-muted">
          Its decoded data, its catalog entry, the request or response it pairs with, its findings
          and any SDP it carries show here.
        </p>
      </div>
    );
  }
  if (selected < 0 || selected >= analysis.length) {
    return (
      <div className="message-detail message-detail--empty">
        <p className="md-empty" role="alert">
          Event {selected} is not in this session ({analysis.length.toLocaleString('en')} events).
          Select another one.
        </p>
      </div>
    );
  }
  return (
    <SecretsContext value={secrets}>
      <section
        className="message-detail"
        aria-labelledby={headingId}
        data-reveal={reveal ? 'true' : undefined}
      >
        <span id={headingId} className="visually-hidden">
          Message seq {analysis.log.seq(selected)}
        </span>
        {/* Not keyed by the selection: the next message updates this DOM in place (its
            stateful parts reset themselves: the tree on a new value, the raw view and the SDP
            panel by key). */}
        <EventView
          analysis={analysis}
          index={selected}
          cursor={cursor}
          length={analysis.length}
          findings={findings}
          dataTab={dataTab}
          onDataTab={setDataTab}
          onSelect={onSelect}
        />
      </section>
    </SecretsContext>
  );
}

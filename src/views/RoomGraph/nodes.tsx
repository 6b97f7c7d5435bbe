/**
 * The room graph's xyflow node components, one per node type. Every string from the capture
 * (ids, display names, labels, device names) is rendered as React text, never as markup.
 */
import { Handle, Position, type Node, type NodeProps, type NodeTypes } from '@xyflow/react';
import { memo, type ReactNode } from 'react';
import { capitalised, kindWord, layersText, scoreFraction, shortId } from './text.ts';
import type {
  ClientNodeData,
  ConsumerNodeData,
  DataConsumerNodeData,
  DataProducerNodeData,
  MeshPeerNodeData,
  PeerNodeData,
  ProducerNodeData,
  RoomNodeData,
  Tone,
  TransportNodeData,
} from './types.ts';

// xyflow's node data must be a Record; the room node data are closed interfaces.
type Flow<T extends RoomNodeData> = Node<T & Record<string, unknown>, T['type']>;
export type RoomFlowNode = Flow<RoomNodeData>;

/** A small inline icon per kind (decorative: the text next to it says the kind). */
function KindIcon({ kind }: { kind: string | null }) {
  const path =
    kind === 'audio'
      ? 'M8 1a2 2 0 0 0-2 2v5a2 2 0 0 0 4 0V3a2 2 0 0 0-2-2zM4 7v1a4 4 0 0 0 8 0V7h-1v1a3 3 0 0 1-6 0V7zm3.5 6v2h1v-2z'
      : kind === 'video'
        ? 'M1 4h9a1 1 0 0 1 1 1v6a1 1 0 0 1-1 1H1a1 1 0 0 1-1-1V5a1 1 0 0 1 1-1zm11 2.5 4-2.5v8l-4-2.5z'
        : kind === 'data'
          ? 'M2 3h12v2H2zm0 4h12v2H2zm0 4h8v2H2z'
          : 'M8 2a6 6 0 1 0 0 12A6 6 0 0 0 8 2zm0 2a4 4 0 1 1 0 8 4 4 0 0 1 0-8z';
  return (
    <svg className="rg-icon" viewBox="0 0 16 16" width="14" height="14" aria-hidden="true">
      <path d={path} fill="currentColor" />
    </svg>
  );
}

function Badge({ tone, children }: { tone: Tone; children: ReactNode }) {
  return <span className={`rg-badge rg-badge--${tone}`}>{children}</span>;
}

function ScoreBar({ score, label }: { score: number | null; label: string }) {
  if (score === null) return null;
  return (
    <span className="rg-score" title={`${label} ${score}/10`}>
      <span className="rg-score__bar">
        <span className="rg-score__fill" style={{ width: `${scoreFraction(score) * 100}%` }} />
      </span>
      <span className="rg-score__value">{score}</span>
    </span>
  );
}

function Shell({
  data,
  className,
  children,
  handles = 'sides',
}: {
  data: RoomNodeData;
  className?: string;
  children: ReactNode;
  handles?: 'sides' | 'centre';
}) {
  const problems = data.problems.length > 0;
  return (
    <div
      className={[
        'rg-node',
        `rg-node--${data.type}`,
        `rg-tone--${data.tone}`,
        data.closed ? 'rg-node--closed' : '',
        className ?? '',
      ].join(' ')}
      title={data.summary}
    >
      {handles === 'sides' ? (
        <>
          <Handle type="target" position={Position.Left} isConnectable={false} />
          <Handle type="source" position={Position.Right} isConnectable={false} />
        </>
      ) : (
        <>
          <Handle
            className="rg-handle--centre"
            type="target"
            position={Position.Top}
            isConnectable={false}
          />
          <Handle
            className="rg-handle--centre"
            type="source"
            position={Position.Top}
            isConnectable={false}
          />
        </>
      )}
      {children}
      {problems && (
        <span className="rg-node__problem" title={data.problems.join('\n')}>
          !
        </span>
      )}
    </div>
  );
}

function Id({ id }: { id: string }) {
  return (
    <span className="rg-node__id mono" title={id}>
      {shortId(id)}
    </span>
  );
}

const CONNECTION_TONE: Readonly<Record<string, Tone>> = {
  connected: 'ok',
  connecting: 'pending',
  new: 'neutral',
  disconnected: 'warn',
  failed: 'bad',
  closed: 'off',
};

export const ClientNode = memo(function ClientNode({ data }: NodeProps<Flow<ClientNodeData>>) {
  const state = data.state ?? (data.joined ? 'joined' : data.open ? 'not joined' : 'closed');
  return (
    <Shell data={data}>
      <div className="rg-node__head">
        <span className="rg-node__kind">This client</span>
        <Badge tone={data.tone}>{state}</Badge>
      </div>
      <div className="rg-node__title">{data.displayName ?? data.peerId ?? 'no display name'}</div>
      <div className="rg-node__meta">
        {data.conn !== null && <span className="mono">{data.conn}</span>}
        {data.epoch > 1 && <span>socket {data.epoch}</span>}
        {!data.open && data.closeCode !== null && <span>closed {data.closeCode}</span>}
        {data.version !== null && <span>mediasoup {data.version}</span>}
      </div>
    </Shell>
  );
});

export const PeerNode = memo(function PeerNode({ data }: NodeProps<Flow<PeerNodeData>>) {
  if (data.bot) {
    return (
      <Shell data={data}>
        <div className="rg-node__head">
          <span className="rg-node__kind">Bot</span>
        </div>
        <div className="rg-node__title">mediasoup-demo bot</div>
      </Shell>
    );
  }
  return (
    <Shell data={data} className={data.speaking ? 'rg-node--speaking' : undefined}>
      <div className="rg-node__head">
        <span className="rg-node__kind">Peer</span>
        {data.peerId !== null && <Id id={data.peerId} />}
      </div>
      <div className="rg-node__title">{data.displayName ?? '(no display name)'}</div>
      <div className="rg-node__meta">
        {!data.present && <Badge tone="off">left</Badge>}
        {data.speaking && (
          <Badge tone="ok">speaking{data.volume === null ? '' : ` ${data.volume} dB`}</Badge>
        )}
        {data.device !== null && <span>{data.device}</span>}
      </div>
    </Shell>
  );
});

export const TransportNode = memo(function TransportNode({
  data,
}: NodeProps<Flow<TransportNodeData>>) {
  const direction =
    data.direction === 'send' ? 'Send' : data.direction === 'recv' ? 'Receive' : 'Transport';
  return (
    <Shell data={data}>
      <div className="rg-node__head">
        <span className="rg-node__kind">{direction} transport</span>
        <Id id={data.transportId} />
      </div>
      <div className="rg-node__row">
        {data.connectionState === null ? (
          <Badge tone="neutral">no pc events</Badge>
        ) : (
          <Badge tone={CONNECTION_TONE[data.connectionState] ?? 'neutral'}>
            {data.connectionState}
          </Badge>
        )}
        {data.closed && <Badge tone="off">closed</Badge>}
      </div>
      <div className="rg-node__meta">
        <span>signaling {data.connect}</span>
        {data.pc !== null && (
          <span className="mono" title={data.pc}>
            pc {shortId(data.pc)}
          </span>
        )}
      </div>
    </Shell>
  );
});

export const ProducerNode = memo(function ProducerNode({
  data,
}: NodeProps<Flow<ProducerNodeData>>) {
  return (
    <Shell data={data} className={data.local ? 'rg-node--local' : 'rg-node--remote'}>
      <div className="rg-node__head">
        <KindIcon kind={data.kind} />
        <span className="rg-node__kind">{capitalised(kindWord(data.kind))} producer</span>
        <Id id={data.producerId} />
      </div>
      <div className="rg-node__row">
        {data.paused ? <Badge tone="paused">paused</Badge> : <Badge tone="ok">producing</Badge>}
        {!data.local && data.owner !== null && (
          <span className="rg-node__owner" title={data.owner}>
            of {data.owner}
          </span>
        )}
        {!data.local && data.consumers > 1 && (
          <span className="muted" title={`${data.consumers} consumers here`}>
            ×{data.consumers}
          </span>
        )}
        {data.closed && <Badge tone="off">closed</Badge>}
      </div>
      <div className="rg-node__scores">
        {data.scores.map((s, i) => (
          <ScoreBar
            key={i}
            score={s}
            label={data.local ? `encoding ${i + 1} score` : 'producer score'}
          />
        ))}
      </div>
    </Shell>
  );
});

const OFFER_WORD: Readonly<Record<ConsumerNodeData['state'], string>> = {
  offered: 'offered',
  accepted: 'accepted',
  rejected: 'rejected',
  unanswered: 'unanswered',
};

export const ConsumerNode = memo(function ConsumerNode({
  data,
}: NodeProps<Flow<ConsumerNodeData>>) {
  const layers = layersText(data.layers);
  const paused = data.state === 'accepted' && (data.paused || data.producerPaused);
  return (
    <Shell data={data} className={paused ? 'rg-node--paused' : undefined}>
      <div className="rg-node__head">
        <KindIcon kind={data.kind} />
        <span className="rg-node__kind">{capitalised(kindWord(data.kind))} consumer</span>
        <Id id={data.consumerId} />
      </div>
      {data.leftPaused ? (
        <div className="rg-node__callout">
          Left paused: {data.state === 'rejected' ? 'rejected' : 'never answered'}
        </div>
      ) : (
        <div className="rg-node__row">
          {data.state !== 'accepted' ? (
            <Badge tone={data.tone}>{OFFER_WORD[data.state]}</Badge>
          ) : paused ? (
            <Badge tone="paused">
              {data.paused ? 'paused' : 'producer paused'}
              {data.paused && data.producerPaused ? ' (and producer)' : ''}
            </Badge>
          ) : (
            <Badge tone="ok">resumed</Badge>
          )}
          {layers !== null && <span className="rg-layers mono">{layers}</span>}
          {data.consumerType !== null && <span className="muted">{data.consumerType}</span>}
        </div>
      )}
      <div className="rg-node__scores">
        <ScoreBar score={data.score} label="score" />
        {data.closed && <Badge tone="off">closed</Badge>}
      </div>
    </Shell>
  );
});

export const DataProducerNode = memo(function DataProducerNode({
  data,
}: NodeProps<Flow<DataProducerNodeData>>) {
  return (
    <Shell data={data}>
      <div className="rg-node__head">
        <KindIcon kind="data" />
        <span className="rg-node__kind">Data producer</span>
        <Id id={data.dataProducerId} />
      </div>
      <div className="rg-node__row">
        <span className="rg-node__label">{data.label ?? '(no label)'}</span>
        {!data.local && data.owner !== null && (
          <span className="rg-node__owner" title={data.owner}>
            of {data.owner}
          </span>
        )}
        {data.closed && <Badge tone="off">closed</Badge>}
      </div>
    </Shell>
  );
});

export const DataConsumerNode = memo(function DataConsumerNode({
  data,
}: NodeProps<Flow<DataConsumerNodeData>>) {
  return (
    <Shell data={data}>
      <div className="rg-node__head">
        <KindIcon kind="data" />
        <span className="rg-node__kind">Data consumer</span>
        <Id id={data.dataConsumerId} />
      </div>
      <div className="rg-node__row">
        <span className="rg-node__label">{data.label ?? '(no label)'}</span>
        {data.state !== 'accepted' && <Badge tone={data.tone}>{OFFER_WORD[data.state]}</Badge>}
        {data.closed && <Badge tone="off">closed</Badge>}
      </div>
    </Shell>
  );
});

export const MeshPeerNode = memo(function MeshPeerNode({
  data,
}: NodeProps<Flow<MeshPeerNodeData>>) {
  return (
    <Shell data={data} handles="centre">
      <div className="rg-node__head">
        <span className="rg-node__kind">{data.self ? 'This page' : 'Peer'}</span>
        <Badge tone={data.online ? 'ok' : 'off'}>{data.online ? 'online' : 'offline'}</Badge>
      </div>
      <div className="rg-node__title mono">{data.peerId}</div>
      {data.state !== null && <div className="rg-node__meta">{data.state}</div>}
    </Shell>
  );
});

/** Hoisted: xyflow re-mounts every node when this object changes identity. */
export const NODE_TYPES: NodeTypes = {
  client: ClientNode,
  peer: PeerNode,
  transport: TransportNode,
  producer: ProducerNode,
  consumer: ConsumerNode,
  dataProducer: DataProducerNode,
  dataConsumer: DataConsumerNode,
  meshPeer: MeshPeerNode,
};

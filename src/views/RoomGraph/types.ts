/**
 * The room graph as plain data: what `roomGraph()` / `meshGraph()` produce, `layoutGraph()`
 * places, and the xyflow node components draw. Nothing here knows React or xyflow.
 */
import type {
  ConsumerLayers,
  OfferState,
  TransportConnectState,
  TransportConnectionState,
  TransportDirection,
} from '../../../machines/mediasoupClientMachine.context.ts';
import type { MeshLinkState, MeshRole } from '../../../machines/meshRoomMachine.ts';

/**
 * How a node or edge is coloured:
 * - `ok` connected, accepted and flowing (green);
 * - `pending` connecting, offered, waiting (amber);
 * - `warn` disconnected, low score, the producer paused;
 * - `bad` failed, rejected, left paused by an unanswered `newConsumer` (red);
 * - `paused` paused on purpose (dimmed, striped);
 * - `off` closed or gone (grey);
 * - `neutral` nothing to say (new, unknown).
 */
export type Tone = 'ok' | 'pending' | 'warn' | 'bad' | 'paused' | 'off' | 'neutral';

interface NodeDataBase {
  /** Everything the node shows, as one sentence: the node's accessible name. */
  readonly summary: string;
  readonly tone: Tone;
  /** The ids whose messages "filter to this node" keeps (empty: the node filters nothing). */
  readonly filterIds: readonly string[];
  /** What the filter chip says: `consumer 7f3c…`. */
  readonly filterLabel: string;
  /** The log index of the event that made it (its first event), or null. */
  readonly seq: number | null;
  /** Problems the room model reports about it (messages), oldest first. */
  readonly problems: readonly string[];
  /** Closed / departed (shown only with "show closed"). */
  readonly closed: boolean;
}

/** The capture's own client (one per mediasoup connection). */
export interface ClientNodeData extends NodeDataBase {
  readonly type: 'client';
  readonly conn: string | null;
  readonly peerId: string | null;
  readonly displayName: string | null;
  /** The room client machine's state (`joined`, `disconnected`, …), when known. */
  readonly state: string | null;
  readonly joined: boolean;
  readonly open: boolean;
  readonly epoch: number;
  readonly closeCode: number | null;
  readonly version: string | null;
}

export interface PeerNodeData extends NodeDataBase {
  readonly type: 'peer';
  /** Null for the mediasoup-demo bot (data consumers with no peer). */
  readonly peerId: string | null;
  readonly displayName: string | null;
  /** `Firefox 133.0`, or null. */
  readonly device: string | null;
  readonly present: boolean;
  readonly bot: boolean;
  /** Active speaker now (with its volume in dBov when known). */
  readonly speaking: boolean;
  readonly volume: number | null;
}

export interface TransportNodeData extends NodeDataBase {
  readonly type: 'transport';
  readonly transportId: string;
  readonly direction: TransportDirection;
  /** Signaling side: connectWebRtcTransport. */
  readonly connect: TransportConnectState;
  /** Media side: the peer connection's connectionState; null when no pc is tied to it. */
  readonly connectionState: TransportConnectionState | null;
  readonly iceConnectionState: string | null;
  readonly pc: string | null;
}

export interface ProducerNodeData extends NodeDataBase {
  readonly type: 'producer';
  readonly producerId: string;
  /** This client's producer (on its send transport), or a remote one known from consumers. */
  readonly local: boolean;
  readonly kind: string | null;
  /** Remote producers: the peer that owns it (from its consumers), when known. */
  readonly peerId: string | null;
  /** Remote producers: the owner's display name (or short id); null for local ones. */
  readonly owner: string | null;
  readonly paused: boolean;
  /** Local: `producerScore` per encoding; remote: the consumers' latest `producerScore`. */
  readonly scores: readonly number[];
  /** Remote: how many of this client's consumers consume it. */
  readonly consumers: number;
}

export interface ConsumerNodeData extends NodeDataBase {
  readonly type: 'consumer';
  readonly consumerId: string;
  readonly producerId: string | null;
  readonly peerId: string | null;
  readonly kind: string | null;
  /** `simple`, `simulcast`, `svc`, `pipe`, when the server said. */
  readonly consumerType: string | null;
  readonly state: OfferState;
  readonly paused: boolean;
  readonly producerPaused: boolean;
  readonly score: number | null;
  readonly producerScore: number | null;
  readonly layers: ConsumerLayers | null;
  /** Rejected or never answered: the server keeps it paused (protocol.md §2.4). */
  readonly leftPaused: boolean;
}

export interface DataProducerNodeData extends NodeDataBase {
  readonly type: 'dataProducer';
  readonly dataProducerId: string;
  readonly local: boolean;
  /** The SCTP stream label (`chat`, `bot`). */
  readonly label: string | null;
  readonly peerId: string | null;
  /** Remote ones: the owner's display name (or short id, or `the bot`); null for local ones. */
  readonly owner: string | null;
}

export interface DataConsumerNodeData extends NodeDataBase {
  readonly type: 'dataConsumer';
  readonly dataConsumerId: string;
  readonly dataProducerId: string | null;
  readonly peerId: string | null;
  /** The SCTP stream label (`chat`, `bot`). */
  readonly label: string | null;
  readonly state: OfferState;
  readonly leftPaused: boolean;
}

/** A page of a full-mesh room, or a peer one of the recorded pages links to. */
export interface MeshPeerNodeData extends NodeDataBase {
  readonly type: 'meshPeer';
  readonly peerId: string;
  /** One of the recorded pages (its own client). */
  readonly self: boolean;
  /** The server lists it online (or, for a recorded page, it is welcomed and connected). */
  readonly online: boolean;
  /** The recorded page's state (`inRoom`, `disconnected`, …), when it is one. */
  readonly state: string | null;
}

export type RoomNodeData =
  | ClientNodeData
  | PeerNodeData
  | TransportNodeData
  | ProducerNodeData
  | ConsumerNodeData
  | DataProducerNodeData
  | DataConsumerNodeData
  | MeshPeerNodeData;

export type RoomNodeType = RoomNodeData['type'];

/**
 * Columns of the layered layout, left to right: the client, its transports, what it
 * produces and consumes, the remote producers it consumes, the peers that own them.
 */
export type RoomColumn = 0 | 1 | 2 | 3 | 4;

export interface RoomGraphNode {
  /** Stable: `client`, `peer:<id>`, `bot`, `transport:<id>`, `producer:<id>`, `consumer:<id>`, `dataProducer:<id>`, `dataConsumer:<id>`, `mesh:<id>`. */
  readonly id: string;
  readonly data: RoomNodeData;
  readonly column: RoomColumn;
  /** Ideal order within the column (compared element by element). */
  readonly sort: readonly number[];
}

/**
 * - `contains`: client → transport, transport → what runs on it;
 * - `consumes`: consumer → the producer it consumes (data consumer → data producer);
 * - `owns`: a remote producer → the peer it belongs to (drawn left to right);
 * - `link`: a mesh peer connection (from the initiator to the passive side).
 */
export type RoomEdgeKind = 'contains' | 'consumes' | 'owns' | 'link';

export interface RoomGraphEdge {
  /** Stable: `<kind>:<source>><target>` (`link:<a>~<b>` for mesh links). */
  readonly id: string;
  readonly kind: RoomEdgeKind;
  readonly source: string;
  readonly target: string;
  readonly tone: Tone;
  /** The edge in words (its accessible name). */
  readonly summary: string;
  /** Mesh links: their state and generation as each side sees it. */
  readonly link?: MeshEdgeInfo;
}

export interface MeshEdgeInfo {
  readonly initiator: string;
  readonly passive: string;
  /** What each recorded page that has this link says about it. */
  readonly views: readonly {
    readonly page: string;
    readonly role: MeshRole;
    readonly state: MeshLinkState;
    readonly generation: number;
  }[];
}

export interface RoomGraphCounts {
  readonly peers: number;
  readonly transports: number;
  readonly producers: number;
  readonly consumers: number;
  readonly dataProducers: number;
  readonly dataConsumers: number;
  /** Left out because closed (shown with `showClosed`). */
  readonly hiddenClosed: number;
}

export interface RoomGraph {
  readonly kind: 'mediasoup' | 'mesh';
  readonly nodes: readonly RoomGraphNode[];
  readonly edges: readonly RoomGraphEdge[];
  readonly counts: RoomGraphCounts;
}

/**
 * Wire shapes assumed for the two non-mediasoup signaling styles of protocol.md §5, so that
 * the demo server, `rooms.ts` and the drivers of `meshRoomMachine` / `twoPartyRoomMachine` speak
 * the same thing. Every frame is one JSON text frame over a WebSocket, an object with a
 * literal `type`. Types only: nothing here validates; a driver must check frames at the
 * boundary before it turns them into machine events.
 */

// ---------------------------------------------------------------------------------------------
// Mesh room: the server assigns ids and only relays; every page holds n-1 RTCPeerConnections.
// ---------------------------------------------------------------------------------------------

/**
 * A peer id as the mesh server sends it. Ids are ordered (the smaller one initiates): two ids
 * compare numerically when both are numbers or decimal strings, otherwise as strings by UTF-16
 * code units (see `compareMeshIds` in `meshRoomMachine.ts`). A peer that reloads comes back
 * with the same id (§5: "comes back online with an id already known").
 */
export type MeshPeerId = number | string;

/** An SDP description as `RTCSessionDescriptionInit` serialises it. */
export interface MeshDescription {
  readonly type: 'offer' | 'answer';
  readonly sdp: string;
}

/** An ICE candidate as `RTCIceCandidate.toJSON()` gives it. */
export interface MeshCandidate {
  readonly candidate: string;
  readonly sdpMid: string | null;
  readonly sdpMLineIndex: number | null;
  readonly usernameFragment?: string | null;
}

/** Server → newcomer, once per WebSocket connection: its id and the ids already online. */
export interface MeshWelcomeMessage {
  readonly type: 'welcome';
  readonly id: MeshPeerId;
  /** May or may not list the newcomer itself; receivers ignore their own id. */
  readonly online: readonly MeshPeerId[];
}

/** Server → everyone (the newcomer may get it too): `id` is online. */
export interface MeshOnlineMessage {
  readonly type: 'online';
  readonly id: MeshPeerId;
}

/** Server → everyone: `id`'s WebSocket closed. Its RTCPeerConnections may live on. */
export interface MeshOfflineMessage {
  readonly type: 'offline';
  readonly id: MeshPeerId;
}

/** Client → server: a description or a candidate for peer `to` (the server stamps `from`). */
export type MeshSignalRequest =
  | { readonly type: 'signal'; readonly to: MeshPeerId; readonly description: MeshDescription }
  | { readonly type: 'signal'; readonly to: MeshPeerId; readonly candidate: MeshCandidate };

/** Server → peer `to`: a relayed signal, `from` set by the server. */
export type MeshSignalMessage =
  | {
      readonly type: 'signal';
      readonly from: MeshPeerId;
      readonly to: MeshPeerId;
      readonly description: MeshDescription;
    }
  | {
      readonly type: 'signal';
      readonly from: MeshPeerId;
      readonly to: MeshPeerId;
      readonly candidate: MeshCandidate;
    };

/** Every frame a mesh client sends. */
export type MeshClientMessage = MeshSignalRequest;

/** Every frame a mesh server sends. */
export type MeshServerMessage =
  MeshWelcomeMessage | MeshOnlineMessage | MeshOfflineMessage | MeshSignalMessage;

/** What a signal carries, as the machine sees it: `description.type`, or `'candidate'`. */
export type MeshSignalKind = 'offer' | 'answer' | 'candidate';

// ---------------------------------------------------------------------------------------------
// Two-party room: the WebRTC codelab's socket.io server, one JSON frame per socket.io event.
// A socket.io `emit(name, ...args)` becomes `{ type: name, ...named args }`.
// ---------------------------------------------------------------------------------------------

/** The codelab's candidate message: `label` = sdpMLineIndex, `id` = sdpMid. */
export interface TwoPartyCandidate {
  readonly type: 'candidate';
  readonly label: number;
  readonly id: string;
  readonly candidate: string;
}

/** The payload of a `message` frame, exactly as the codelab clients broadcast it. */
export type TwoPartyPayload =
  | 'got user media'
  | 'bye'
  | { readonly type: 'offer'; readonly sdp: string }
  | { readonly type: 'answer'; readonly sdp: string }
  | TwoPartyCandidate;

/** Client → server: `create or join` (socket.io event name with spaces, as in the codelab). */
export interface TwoPartyCreateOrJoin {
  readonly type: 'create or join';
  readonly room: string;
}

/** Client → server: broadcast `message` to the other client of the room. */
export interface TwoPartyMessageFrame {
  readonly type: 'message';
  readonly message: TwoPartyPayload;
}

/** Every frame a two-party client sends. */
export type TwoPartyClientMessage = TwoPartyCreateOrJoin | TwoPartyMessageFrame;

/**
 * Every frame a two-party server sends:
 * - `created` to the first client (the initiator), `joined` to the second, `full` to any other;
 * - `join` to the initiator when the second client arrives (sent before `joined`);
 * - `ready` to both once the second has joined;
 * - `message` relayed from the other client of the room.
 */
export type TwoPartyServerMessage =
  | { readonly type: 'created'; readonly room: string; readonly id: string }
  | { readonly type: 'joined'; readonly room: string; readonly id: string }
  | { readonly type: 'full'; readonly room: string }
  | { readonly type: 'join'; readonly room: string }
  | { readonly type: 'ready' }
  | TwoPartyMessageFrame;

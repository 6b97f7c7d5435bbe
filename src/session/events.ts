/**
 * The raw events a source appends to a session (DESIGN.md). Nothing here is decoded or
 * interpreted: a frame is the text (or bytes) that crossed the socket.
 *
 * `dir` is seen from the inspected client: `out` = client→server, `in` = server→client.
 */

export type Direction = 'in' | 'out';

/** Fields a reader did not know; kept so that writing what was read gives them back. */
export type ExtraFields = Readonly<Record<string, unknown>>;

interface EventBase {
  /** Position in the log, 0-based, strictly increasing. */
  readonly seq: number;
  /** Milliseconds since the session started. */
  readonly t: number;
  readonly extra?: ExtraFields;
}

export interface WsOpenEvent extends EventBase {
  readonly type: 'ws.open';
  readonly conn: string;
  readonly url: string;
  readonly protocol?: string;
}

export interface WsFrameEvent extends EventBase {
  readonly type: 'ws.frame';
  readonly conn: string;
  readonly dir: Direction;
  /** A text frame. Exactly one of `text` and `base64` is set. */
  readonly text?: string;
  /** A binary frame, base64-encoded. */
  readonly base64?: string;
}

export interface WsCloseEvent extends EventBase {
  readonly type: 'ws.close';
  readonly conn: string;
  readonly code?: number;
  readonly reason?: string;
}

export interface WsErrorEvent extends EventBase {
  readonly type: 'ws.error';
  readonly conn: string;
  readonly message: string;
}

/**
 * One entry of an RTCPeerConnection API trace. `event` uses webrtc-internals' update-log
 * names (createOffer, setLocalDescription, icecandidate, signalingstatechange, …).
 */
export interface PcEvent extends EventBase {
  readonly type: 'pc';
  readonly pc: string;
  readonly event: string;
  readonly value?: unknown;
  /** The signaling connection this peer connection belongs to, when known. */
  readonly conn?: string;
}

export interface NoteEvent extends EventBase {
  readonly type: 'note';
  readonly text: string;
  readonly conn?: string;
}

/**
 * An event type this version does not know. Kept whole and shown as such: `originalType`
 * is the type written in the file (writers put it back), its other fields are in `extra`.
 */
export interface UnknownEvent extends EventBase {
  readonly type: 'unknown';
  readonly originalType: string;
  readonly conn?: string;
}

export type KnownEvent =
  WsOpenEvent | WsFrameEvent | WsCloseEvent | WsErrorEvent | PcEvent | NoteEvent;

export type SessionEvent = KnownEvent | UnknownEvent;

export type KnownEventType = KnownEvent['type'];

export const KNOWN_EVENT_TYPES: readonly KnownEventType[] = [
  'ws.open',
  'ws.frame',
  'ws.close',
  'ws.error',
  'pc',
  'note',
];

/** What a source hands to `SessionLog.append()`: the log assigns `seq`. */
export type EventInput =
  | Omit<WsOpenEvent, 'seq'>
  | Omit<WsFrameEvent, 'seq'>
  | Omit<WsCloseEvent, 'seq'>
  | Omit<WsErrorEvent, 'seq'>
  | Omit<PcEvent, 'seq'>
  | Omit<NoteEvent, 'seq'>
  | Omit<UnknownEvent, 'seq'>;

export function isUnknownEvent(e: SessionEvent): e is UnknownEvent {
  return e.type === 'unknown';
}

/** The WebRTC update-log names webrtc-internals uses; others are kept but flagged. */
export const PC_EVENT_NAMES: readonly string[] = [
  'createOffer',
  'createOfferOnSuccess',
  'createOfferOnFailure',
  'createAnswer',
  'createAnswerOnSuccess',
  'createAnswerOnFailure',
  'setLocalDescription',
  'setLocalDescriptionOnSuccess',
  'setLocalDescriptionOnFailure',
  'setRemoteDescription',
  'setRemoteDescriptionOnSuccess',
  'setRemoteDescriptionOnFailure',
  'addIceCandidate',
  'addIceCandidateOnSuccess',
  'addIceCandidateOnFailure',
  'icecandidate',
  'icecandidateerror',
  'signalingstatechange',
  'icegatheringstatechange',
  'iceconnectionstatechange',
  'connectionstatechange',
  'negotiationneeded',
  'datachannel',
  'track',
  'addTrack',
  'removeTrack',
  'addTransceiver',
  'restartIce',
  'setConfiguration',
  'create',
  'close',
];

/**
 * Browser-only: records a real RTCPeerConnection as `pc` events of a {@link SessionLog}, with
 * webrtc-internals' update-log names (capture-format.md, the `pc` event), so that what a
 * browser does can be replayed through the peerConnectionMachine.
 *
 * Calls go through the recorder: `createOffer` / `createAnswer` / `setLocalDescription` /
 * `setRemoteDescription` / `addIceCandidate` are logged when called, then `…OnSuccess` (value:
 * the description for createOffer / createAnswer) or `…OnFailure` (value: `"Name: message"`)
 * when their promise settles; `close` and `restartIce` when called. Every state event is
 * logged when it fires, with the state the peer connection has at that moment as `value`:
 * `signalingstatechange`, `icegatheringstatechange`, `iceconnectionstatechange`,
 * `connectionstatechange`; `icecandidate` (the candidate's JSON, null at the end),
 * `negotiationneeded`, `datachannel` (the channel's label).
 *
 * The result of a call is logged by the first reaction to its promise, so a state event the
 * browser fires before resolving (the W3C "set the description" steps) comes first in the log.
 */
import type { SessionLog } from '../session/SessionLog.ts';

/** A description as logged: `{ type, sdp }`. */
export interface LoggedDescription {
  readonly type: RTCSdpType;
  readonly sdp: string;
}

export interface RecordedPeerConnection {
  /** The `pc` id of the logged events. */
  readonly name: string;
  /** The real peer connection (calls made on it directly are not logged). */
  readonly pc: RTCPeerConnection;
  createOffer(options?: RTCOfferOptions): Promise<RTCSessionDescriptionInit>;
  createAnswer(): Promise<RTCSessionDescriptionInit>;
  /** Without a description: the argument-less form (the browser picks offer or answer). */
  setLocalDescription(description?: RTCSessionDescriptionInit): Promise<void>;
  setRemoteDescription(description: RTCSessionDescriptionInit): Promise<void>;
  addIceCandidate(candidate: RTCIceCandidateInit | null): Promise<void>;
  restartIce(): void;
  close(): void;
  /** Removes the event listeners (the log keeps what was recorded). */
  detach(): void;
}

export interface RecorderOptions {
  /** The clock for `t` (default: `performance.now()`). */
  readonly now?: () => number;
  /** The `conn` field of every event. */
  readonly conn?: string;
  /**
   * The clock reading that is `t = 0` (default: the clock when recording starts). A source
   * that records into a running session passes 0 with the session's own clock.
   */
  readonly origin?: number;
}

function logged(description: RTCSessionDescriptionInit | null): LoggedDescription | undefined {
  if (description === null) return undefined;
  return { type: description.type, sdp: description.sdp ?? '' };
}

function errorValue(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message}`;
  return String(error);
}

/**
 * Wraps `pc` and records every call, its result and every state event into `log` as the
 * peer connection `name`.
 *
 * @example
 * const log = new SessionLog();
 * const a = recordPeerConnection(log, 'pc1', new RTCPeerConnection());
 * a.pc.createDataChannel('chat');
 * await a.setLocalDescription(); // logs setLocalDescription, signalingstatechange, …OnSuccess
 */
export function recordPeerConnection(
  log: SessionLog,
  name: string,
  pc: RTCPeerConnection,
  options: RecorderOptions = {},
): RecordedPeerConnection {
  const now = options.now ?? (() => performance.now());
  const start = options.origin ?? now();
  const append = (event: string, value?: unknown): void => {
    log.append({
      t: Math.max(0, now() - start),
      type: 'pc',
      pc: name,
      event,
      ...(value === undefined ? {} : { value }),
      ...(options.conn === undefined ? {} : { conn: options.conn }),
    });
  };

  // Each state event logs the state the peer connection has while the event is dispatched.
  const states: Readonly<Record<string, () => string>> = {
    signalingstatechange: () => pc.signalingState,
    icegatheringstatechange: () => pc.iceGatheringState,
    iceconnectionstatechange: () => pc.iceConnectionState,
    connectionstatechange: () => pc.connectionState,
  };
  const listeners: [string, EventListener][] = [
    ...Object.entries(states).map(([type, read]): [string, EventListener] => [
      type,
      () => {
        append(type, read());
      },
    ]),
    [
      'icecandidate',
      (e) => {
        append('icecandidate', (e as RTCPeerConnectionIceEvent).candidate?.toJSON() ?? null);
      },
    ],
    [
      'negotiationneeded',
      () => {
        append('negotiationneeded');
      },
    ],
    [
      'datachannel',
      (e) => {
        append('datachannel', (e as RTCDataChannelEvent).channel.label);
      },
    ],
  ];
  for (const [type, listener] of listeners) pc.addEventListener(type, listener);

  // The real methods, bound now: `tapPeerConnection` replaces them on the instance. (The
  // deprecation is that of the legacy callback overloads; the promise forms are called.)
  /* eslint-disable @typescript-eslint/no-deprecated */
  const real = {
    createOffer: pc.createOffer.bind(pc) as (
      o?: RTCOfferOptions,
    ) => Promise<RTCSessionDescriptionInit>,
    createAnswer: pc.createAnswer.bind(pc) as () => Promise<RTCSessionDescriptionInit>,
    setLocalDescription: pc.setLocalDescription.bind(pc),
    setRemoteDescription: pc.setRemoteDescription.bind(pc),
    addIceCandidate: pc.addIceCandidate.bind(pc),
    restartIce: pc.restartIce.bind(pc),
    close: pc.close.bind(pc),
  };
  /* eslint-enable @typescript-eslint/no-deprecated */

  /** Logs `call` now, runs it, and logs its result when its promise settles. */
  function traced<T>(
    call: string,
    value: unknown,
    run: () => Promise<T>,
    successValue: (result: T) => unknown = () => undefined,
  ): Promise<T> {
    append(call, value);
    let promise: Promise<T>;
    try {
      promise = run();
    } catch (error) {
      promise = Promise.reject(error instanceof Error ? error : new Error(String(error)));
    }
    return promise.then(
      (result) => {
        append(`${call}OnSuccess`, successValue(result));
        return result;
      },
      (error: unknown) => {
        append(`${call}OnFailure`, errorValue(error));
        throw error;
      },
    );
  }

  return {
    name,
    pc,
    createOffer: (offerOptions) =>
      traced('createOffer', offerOptions, () => real.createOffer(offerOptions), logged),
    createAnswer: () => traced('createAnswer', undefined, () => real.createAnswer(), logged),
    setLocalDescription: (description) =>
      traced('setLocalDescription', description && logged(description), () =>
        description === undefined
          ? real.setLocalDescription()
          : real.setLocalDescription(description),
      ),
    setRemoteDescription: (description) =>
      traced('setRemoteDescription', logged(description), () =>
        real.setRemoteDescription(description),
      ),
    addIceCandidate: (candidate) =>
      traced('addIceCandidate', candidate, () =>
        candidate === null ? real.addIceCandidate() : real.addIceCandidate(candidate),
      ),
    restartIce: () => {
      append('restartIce');
      real.restartIce();
    },
    close: () => {
      append('close');
      real.close();
    },
    detach: () => {
      for (const [type, listener] of listeners) pc.removeEventListener(type, listener);
    },
  };
}

/**
 * Records `pc` in place: its own methods are replaced by the logging ones, so code that holds
 * the peer connection (mediasoup-client's handler, say) is traced without knowing it.
 */
export function tapPeerConnection(
  log: SessionLog,
  name: string,
  pc: RTCPeerConnection,
  options: RecorderOptions = {},
): RecordedPeerConnection {
  const recorded = recordPeerConnection(log, name, pc, options);
  Object.assign(pc, {
    createOffer: (o?: RTCOfferOptions) => recorded.createOffer(o),
    createAnswer: () => recorded.createAnswer(),
    setLocalDescription: (d?: RTCSessionDescriptionInit) => recorded.setLocalDescription(d),
    setRemoteDescription: (d: RTCSessionDescriptionInit) => recorded.setRemoteDescription(d),
    addIceCandidate: (c?: RTCIceCandidateInit | null) => recorded.addIceCandidate(c ?? null),
    restartIce: () => {
      recorded.restartIce();
    },
    close: () => {
      recorded.close();
    },
  });
  return recorded;
}

/**
 * Runs `create` and returns the RTCPeerConnections it constructed (mediasoup-client makes its
 * transport's peer connection synchronously inside `createSendTransport`). Outside a browser
 * (no RTCPeerConnection) it just runs `create`.
 */
export function capturePeerConnections<T>(create: () => T): {
  result: T;
  created: RTCPeerConnection[];
} {
  const g = globalThis as { RTCPeerConnection?: typeof RTCPeerConnection };
  const Native = g.RTCPeerConnection;
  const created: RTCPeerConnection[] = [];
  if (typeof Native !== 'function') return { result: create(), created };
  class Captured extends Native {
    constructor(configuration?: RTCConfiguration) {
      super(configuration);
      created.push(this);
    }
  }
  g.RTCPeerConnection = Captured;
  try {
    return { result: create(), created };
  } finally {
    g.RTCPeerConnection = Native;
  }
}

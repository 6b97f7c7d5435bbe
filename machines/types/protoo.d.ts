/**
 * Minimal typings for the parts of protoo-client / protoo-server 4.0.8 that the machine
 * proofs use (`machines/*.real.test.ts`). Neither package ships types.
 */
declare module 'protoo-client' {
  /** `retry` module options (protoo's defaults: 10 retries, factor 2, 1 s .. 8 s). */
  export interface RetryOptions {
    readonly retries?: number;
    readonly factor?: number;
    readonly minTimeout?: number;
    readonly maxTimeout?: number;
    readonly randomize?: boolean;
  }

  export interface WebSocketTransportOptions {
    readonly retry?: RetryOptions;
  }

  export class WebSocketTransport {
    constructor(url: string, options?: WebSocketTransportOptions);
    readonly closed: boolean;
    close(): void;
  }

  export interface PeerRequest {
    readonly request: true;
    readonly id: number;
    readonly method: string;
    readonly data: unknown;
  }

  export interface PeerNotification {
    readonly notification: true;
    readonly method: string;
    readonly data: unknown;
  }

  export class Peer {
    constructor(transport: WebSocketTransport);
    readonly closed: boolean;
    readonly connected: boolean;
    close(): void;
    request(method: string, data?: unknown): Promise<unknown>;
    notify(method: string, data?: unknown): Promise<void>;
    on(event: 'open' | 'disconnected' | 'close', listener: () => void): this;
    on(event: 'failed', listener: (currentAttempt: number) => void): this;
    on(
      event: 'request',
      listener: (
        request: PeerRequest,
        accept: (data?: unknown) => void,
        reject: (code: number | Error, reason?: string) => void,
      ) => void,
    ): this;
    on(event: 'notification', listener: (notification: PeerNotification) => void): this;
  }

  const protooClient: {
    readonly version: string;
    readonly Peer: typeof Peer;
    readonly WebSocketTransport: typeof WebSocketTransport;
  };
  export default protooClient;
}

declare module 'protoo-server' {
  import type { IncomingMessage, Server } from 'node:http';
  import type { Socket } from 'node:net';

  export interface ConnectionRequestInfo {
    readonly request: IncomingMessage;
    readonly origin: string | undefined;
    readonly socket: Socket;
  }

  export class WebSocketTransport {
    readonly closed: boolean;
    close(): void;
  }

  /** Options go to WebSocket-Node's `WebSocketServer` (e.g. `keepalive`). */
  export interface WebSocketServerOptions {
    readonly keepalive?: boolean;
    readonly keepaliveInterval?: number;
    readonly maxReceivedFrameSize?: number;
    readonly maxReceivedMessageSize?: number;
  }

  export class WebSocketServer {
    constructor(httpServer: Server, options?: WebSocketServerOptions);
    /** Unmounts the WebSocket server; does not close the HTTP server. */
    stop(): void;
    on(
      event: 'connectionrequest',
      listener: (
        info: ConnectionRequestInfo,
        accept: () => WebSocketTransport,
        reject: (code?: number, reason?: string) => void,
      ) => void,
    ): this;
  }

  export interface ServerRequest {
    readonly request: true;
    readonly id: number;
    readonly method: string;
    readonly data: unknown;
  }

  export class Peer {
    readonly id: string;
    readonly closed: boolean;
    /** Closes the peer's transport with code 4000. */
    close(): void;
    request(method: string, data?: unknown): Promise<unknown>;
    notify(method: string, data?: unknown): Promise<void>;
    on(event: 'close', listener: () => void): this;
    on(
      event: 'request',
      listener: (
        request: ServerRequest,
        accept: (data?: unknown) => void,
        reject: (code: number | Error, reason?: string) => void,
      ) => void,
    ): this;
  }

  export class Room {
    constructor();
    readonly closed: boolean;
    readonly peers: Peer[];
    close(): void;
    createPeer(peerId: string, transport: WebSocketTransport): Peer;
    hasPeer(peerId: string): boolean;
    getPeer(peerId: string): Peer | undefined;
  }

  const protooServer: {
    readonly version: string;
    readonly Room: typeof Room;
    readonly WebSocketServer: typeof WebSocketServer;
  };
  export default protooServer;
}

/**
 * The proxy's tap: a WebSocket on the proxy's own port (path `/__signalscope/tap`) that sends
 * the capture as it is being recorded, one capture line per text frame: the header line, every
 * event recorded so far, then each new event as it happens — exactly the lines of the file.
 *
 * Every tap reads the recorder's shared lines through its own cursor, so a tap holds no copy
 * of them. At most `highWaterBytes` are handed to a tap's socket at a time; the rest wait for
 * the socket to drain. Forwarding never waits for a tap. A tap that falls more than `maxLag`
 * lines behind the live edge is closed with code 1013 and a reason saying so: it never misses
 * a line silently, and on reconnecting it gets the whole capture again from the start.
 */
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import type { CaptureRecorder } from './recorder.ts';

export const TAP_PATH = '/__signalscope/tap';
/** "Try again later": the tap could not keep up. */
export const TAP_TOO_SLOW = 1013;

export interface TapOptions {
  /** Bytes handed to a tap's socket before waiting for it to drain. Default 1 MiB. */
  readonly highWaterBytes?: number;
  /** Lines recorded since the tap connected that it may lag behind. Default 20 000. */
  readonly maxLag?: number;
  /** How long a closed slow tap gets to say goodbye before it is cut. Default 2000 ms. */
  readonly closeGraceMs?: number;
}

interface Tap {
  readonly socket: WebSocket;
  /** Next event index to send; -1 = the header. */
  cursor: number;
  /** The number of events when the tap connected: its history. */
  readonly history: number;
  /** A send is waiting for the socket to drain. */
  waiting: boolean;
  done: boolean;
}

/**
 * @example
 * const taps = new TapServer(recorder);
 * httpServer.on('upgrade', (req, socket, head) => taps.handleUpgrade(req, socket, head));
 */
export class TapServer {
  private readonly recorder: CaptureRecorder;
  private readonly wss = new WebSocketServer({ noServer: true, perMessageDeflate: false });
  private readonly taps = new Set<Tap>();
  private readonly highWater: number;
  private readonly maxLag: number;
  private readonly closeGraceMs: number;
  private readonly unsubscribe: () => void;

  constructor(recorder: CaptureRecorder, options: TapOptions = {}) {
    this.recorder = recorder;
    this.highWater = options.highWaterBytes ?? 1 << 20;
    this.maxLag = options.maxLag ?? 20_000;
    this.closeGraceMs = options.closeGraceMs ?? 2000;
    this.unsubscribe = recorder.subscribe(() => {
      for (const tap of this.taps) this.pump(tap);
    });
  }

  /** Taps connected now. */
  get count(): number {
    return this.taps.size;
  }

  handleUpgrade(request: IncomingMessage, socket: Duplex, head: Buffer): void {
    this.wss.handleUpgrade(request, socket, head, (ws) => {
      const tap: Tap = {
        socket: ws,
        cursor: -1,
        history: this.recorder.length,
        waiting: false,
        done: false,
      };
      this.taps.add(tap);
      const forget = (): void => {
        tap.done = true;
        this.taps.delete(tap);
      };
      ws.on('close', forget);
      ws.on('error', forget);
      // A tap only listens; whatever it sends is ignored.
      this.pump(tap);
    });
  }

  /** Closes every tap (1001, going away) and stops listening to the recorder. */
  close(): void {
    this.unsubscribe();
    for (const tap of this.taps) {
      tap.done = true;
      tap.socket.close(1001, 'the signalscope proxy stopped');
      setTimeout(() => {
        tap.socket.terminate();
      }, this.closeGraceMs).unref();
    }
    this.taps.clear();
  }

  private pump(tap: Tap): void {
    if (tap.done) return;
    if (!tap.waiting) {
      const socket = tap.socket;
      while (tap.cursor < this.recorder.length) {
        const line = tap.cursor === -1 ? this.recorder.headerLine : this.recorder.line(tap.cursor);
        tap.cursor++;
        if (line === undefined) break;
        socket.send(line, (error) => {
          this.sent(tap, error);
        });
        if (socket.bufferedAmount >= this.highWater) {
          tap.waiting = true;
          break;
        }
      }
    }
    this.checkLag(tap);
  }

  /** A send reached the socket: resume once the socket has drained to half the limit. */
  private sent(tap: Tap, error: Error | undefined): void {
    if (error || !tap.waiting || tap.socket.bufferedAmount > this.highWater / 2) return;
    tap.waiting = false;
    this.pump(tap);
  }

  private checkLag(tap: Tap): void {
    if (tap.done) return;
    const behind = this.recorder.length - Math.max(tap.cursor, tap.history);
    if (behind <= this.maxLag) return;
    tap.done = true;
    this.taps.delete(tap);
    const sent = Math.max(tap.cursor, 0);
    tap.socket.close(
      TAP_TOO_SLOW,
      `tap too slow: ${behind} lines behind after ${sent} events; reconnect to replay`,
    );
    setTimeout(() => {
      tap.socket.terminate();
    }, this.closeGraceMs).unref();
  }
}

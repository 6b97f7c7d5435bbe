/**
 * The protoo wire codec (protocol.md §1). `decode()` never throws: anything a socket can
 * carry comes back either as a typed message or as an `invalid` result with a reason a
 * person understands. The kind is chosen the way protoo's own parser does: `request`,
 * then `response`, then `notification`.
 */

export interface ProtooRequest {
  readonly kind: 'request';
  readonly id: number;
  readonly method: string;
  readonly data: unknown;
}

export interface ProtooSuccessResponse {
  readonly kind: 'success';
  readonly id: number;
  readonly data: unknown;
}

/** protoo-client sends `ok:false`; protoo-server sends no `ok` field at all. Both are errors. */
export interface ProtooErrorResponse {
  readonly kind: 'error';
  readonly id: number;
  readonly errorCode: number | undefined;
  readonly errorReason: string;
  /** Whether the frame carried `ok:false` (protoo-client) or no `ok` field (protoo-server). */
  readonly okField: 'false' | 'absent' | 'other';
}

export interface ProtooNotification {
  readonly kind: 'notification';
  readonly method: string;
  readonly data: unknown;
}

export interface InvalidFrame {
  readonly kind: 'invalid';
  /** Why protoo would drop this frame, in plain words. */
  readonly reason: string;
  /** What could still be read, to help a person place the frame. */
  readonly id?: number;
  readonly method?: string;
}

export type ProtooMessage =
  ProtooRequest | ProtooSuccessResponse | ProtooErrorResponse | ProtooNotification;

export type DecodeResult = ProtooMessage | InvalidFrame;

export type ProtooKind = ProtooMessage['kind'];

function describeType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'number' && Number.isNaN(value)) return 'NaN';
  const t = typeof value;
  return t === 'object' ? 'an object' : `a ${t}`;
}

function shortJson(value: unknown): string {
  let s: string;
  try {
    // undefined, functions and symbols stringify to undefined.
    const json = JSON.stringify(value) as string | undefined;
    s = json ?? String(value);
  } catch {
    // A cycle or a BigInt; String() can throw too (no prototype, hostile toString).
    try {
      s = String(value);
    } catch {
      s = describeType(value);
    }
  }
  return s.length > 40 ? `${s.slice(0, 37)}…` : s;
}

function invalid(reason: string, id?: unknown, method?: unknown): InvalidFrame {
  const out: { kind: 'invalid'; reason: string; id?: number; method?: string } = {
    kind: 'invalid',
    reason,
  };
  if (typeof id === 'number' && Number.isFinite(id)) out.id = id;
  if (typeof method === 'string') out.method = method;
  return out;
}

function jsonErrorReason(text: string, error: unknown): string {
  if (text.trim() === '') return 'not JSON: the frame is empty';
  const detail = error instanceof Error ? error.message : String(error);
  return `not JSON: ${detail}`;
}

/**
 * Classifies an already parsed JSON value as a protoo message.
 *
 * @example
 * classify({ request: true, id: 1, method: 'join', data: {} }).kind // 'request'
 */
export function classify(value: unknown): DecodeResult {
  if (typeof value !== 'object' || value === null) {
    return invalid(`not an object: the frame is ${describeType(value)}`);
  }
  if (Array.isArray(value)) return invalid('not an object: the frame is an array');
  const o = value as Record<string, unknown>;
  // protoo does `object.data || {}`: any falsy data becomes an empty object.
  const data: unknown = o.data ? o.data : {};

  if (o.request) {
    if (typeof o.method !== 'string') {
      return invalid(
        o.method === undefined
          ? 'request without method'
          : `request with a method that is ${describeType(o.method)}, not a string`,
        o.id,
      );
    }
    if (typeof o.id !== 'number' || !Number.isFinite(o.id)) {
      return invalid(
        o.id === undefined
          ? `request "${o.method}" without id`
          : `request "${o.method}" with a non-numeric id (${shortJson(o.id)})`,
        undefined,
        o.method,
      );
    }
    return { kind: 'request', id: o.id, method: o.method, data };
  }

  if (o.response) {
    if (typeof o.id !== 'number' || !Number.isFinite(o.id)) {
      return invalid(
        o.id === undefined
          ? 'response without id'
          : `response with a non-numeric id (${shortJson(o.id)})`,
      );
    }
    if (o.ok) return { kind: 'success', id: o.id, data };
    const code = typeof o.errorCode === 'number' ? o.errorCode : undefined;
    const reason =
      typeof o.errorReason === 'string'
        ? o.errorReason
        : o.errorReason === undefined
          ? ''
          : shortJson(o.errorReason);
    return {
      kind: 'error',
      id: o.id,
      errorCode: code,
      errorReason: reason,
      okField: o.ok === false ? 'false' : o.ok === undefined ? 'absent' : 'other',
    };
  }

  if (o.notification) {
    if (typeof o.method !== 'string') {
      return invalid(
        o.method === undefined
          ? 'notification without method'
          : `notification with a method that is ${describeType(o.method)}, not a string`,
      );
    }
    return { kind: 'notification', method: o.method, data };
  }

  return invalid('no kind flag: none of request, response or notification is true', o.id, o.method);
}

/**
 * Decodes one protoo text frame. Never throws.
 *
 * @example
 * decode('{"response":true,"id":7,"errorCode":500,"errorReason":"boom"}')
 * // { kind: 'error', id: 7, errorCode: 500, errorReason: 'boom', okField: 'absent' }
 */
export function decode(text: string): DecodeResult {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return invalid(jsonErrorReason(text, error));
  }
  return classify(value);
}

/** A message as the live source sends it; `data` defaults to `{}` like protoo does. */
export type OutgoingMessage =
  | { kind: 'request'; id: number; method: string; data?: unknown }
  | { kind: 'success'; id: number; data?: unknown }
  | { kind: 'error'; id: number; errorCode: number; errorReason: string }
  | { kind: 'notification'; method: string; data?: unknown };

/**
 * Encodes a message exactly as protoo-client puts it on the wire.
 *
 * @example
 * encode({ kind: 'notification', method: 'changeDisplayName', data: { displayName: 'x' } })
 * // '{"notification":true,"method":"changeDisplayName","data":{"displayName":"x"}}'
 */
export function encode(message: OutgoingMessage): string {
  switch (message.kind) {
    case 'request':
      return JSON.stringify({
        request: true,
        id: message.id,
        method: message.method,
        data: message.data ?? {},
      });
    case 'success':
      return JSON.stringify({ response: true, id: message.id, ok: true, data: message.data ?? {} });
    case 'error':
      return JSON.stringify({
        response: true,
        id: message.id,
        ok: false,
        errorCode: message.errorCode,
        errorReason: message.errorReason,
      });
    case 'notification':
      return JSON.stringify({
        notification: true,
        method: message.method,
        data: message.data ?? {},
      });
  }
}

/** protoo's request id: a random integer in 0..10,000,000, as `Math.round(Math.random()*1e7)`. */
export function generateRequestId(random: () => number = Math.random): number {
  return Math.round(random() * 10_000_000);
}

/** protoo-client's default retry options (`DEFAULT_RETRY_OPTIONS`). */
export const PROTOO_RETRY = Object.freeze({
  retries: 10,
  factor: 2,
  minTimeout: 1000,
  maxTimeout: 8000,
});

/** Attempts in one cycle: the first plus `retries`. */
export const ATTEMPTS_PER_CYCLE = PROTOO_RETRY.retries + 1;

/** Close code with which protoo-server closes a peer; the client never retries after it. */
export const CLOSE_BY_SERVER = 4000;

/**
 * The wait after failed attempt `attempt` (1-based) before the next one, in ms.
 *
 * @example
 * retryDelayMs(1); // 1000
 * retryDelayMs(4); // 8000
 * retryDelayMs(10); // 8000
 */
export function retryDelayMs(attempt: number): number {
  const { minTimeout, factor, maxTimeout } = PROTOO_RETRY;
  return Math.min(Math.round(minTimeout * factor ** (attempt - 1)), maxTimeout);
}

/**
 * The time after which the sender of a request gives up (protocol.md §1):
 * protoo-client `1500 * (15 + 0.1 * pending)`, protoo-server `2000 * (15 + 0.1 * pending)`,
 * where `pending` is the number of requests the sender already had in flight.
 */
export function requestTimeoutMs(sender: 'client' | 'server', pending: number): number {
  return (sender === 'client' ? 1500 : 2000) * (15 + 0.1 * pending);
}

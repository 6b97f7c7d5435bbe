/**
 * Fault switches of the demo room server (docs/demo-server.md): per room, rules that change
 * how the server answers protoo requests (delay, drop, reject) and one-shot actions on peers
 * (close with 4000, drop the TCP socket, flood notifications). The body is the same for the
 * HTTP API (`POST /api/rooms/:roomId/faults`) and the protoo request `signalscope.fault`.
 *
 * Everything here is pure data handling: parsing a body nobody vouched for, and deciding what
 * to do with one request. The room carries the decision out.
 */

/** The protoo method that sets faults from a client; never affected by a fault itself. */
export const FAULT_METHOD = 'signalscope.fault';

/** `method: '*'` in a rule matches every request method. */
export const ANY_METHOD = '*';

export interface DelayRule {
  readonly method: string;
  readonly ms: number;
  /** How many matching requests it affects; absent = every one until cleared. */
  readonly times?: number;
}

export interface DropRule {
  readonly method: string;
  readonly times?: number;
}

export interface RejectRule {
  readonly method: string;
  readonly code: number;
  readonly reason: string;
  readonly times?: number;
}

export interface PeerAction {
  /** Absent: every real peer of the room (HTTP) or the peer that asked (protoo request). */
  readonly peerId?: string;
}

export interface FloodAction {
  readonly perSecond: number;
  readonly seconds: number;
  readonly peerId?: string;
}

/** What a fault body may hold; every key is optional and several may come together. */
export interface FaultBody {
  readonly delay?: DelayRule;
  readonly drop?: DropRule;
  readonly reject?: RejectRule;
  readonly close?: PeerAction;
  readonly dropSocket?: PeerAction;
  readonly flood?: FloodAction;
  /** Clears the room's rules before applying this body. */
  readonly clear?: boolean;
}

export type FaultRule =
  | ({ readonly kind: 'delay' } & DelayRule)
  | ({ readonly kind: 'drop' } & DropRule)
  | ({ readonly kind: 'reject' } & RejectRule);

/** What the server does with one request. */
export type FaultDecision =
  | { readonly kind: 'none' }
  | { readonly kind: 'delay'; readonly ms: number }
  | { readonly kind: 'drop' }
  | { readonly kind: 'reject'; readonly code: number; readonly reason: string };

export class FaultBodyError extends Error {
  override readonly name = 'FaultBodyError';
}

const MAX_DELAY_MS = 120_000;
const MAX_FLOOD_PER_SECOND = 5_000;
const MAX_FLOOD_SECONDS = 60;
const KEYS = ['delay', 'drop', 'reject', 'close', 'dropSocket', 'flood', 'clear'];

type Obj = Readonly<Record<string, unknown>>;

function isObject(value: unknown): value is Obj {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function bad(message: string): never {
  throw new FaultBodyError(message);
}

function objectAt(body: Obj, key: string): Obj | undefined {
  const value = body[key];
  if (value === undefined) return undefined;
  if (!isObject(value)) bad(`"${key}" must be an object`);
  return value;
}

function methodOf(rule: Obj, key: string): string {
  const method = rule.method;
  if (typeof method !== 'string' || method === '') bad(`"${key}.method" must be a method name`);
  if (method === FAULT_METHOD) bad(`"${key}.method" cannot be ${FAULT_METHOD}`);
  return method;
}

function intIn(rule: Obj, key: string, name: string, min: number, max: number): number {
  const value = rule[name];
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    bad(`"${key}.${name}" must be an integer from ${min} to ${max}`);
  }
  return value;
}

function timesOf(rule: Obj, key: string): { times?: number } {
  return rule.times === undefined ? {} : { times: intIn(rule, key, 'times', 1, 1_000_000) };
}

function peerOf(rule: Obj, key: string): { peerId?: string } {
  const peerId = rule.peerId;
  if (peerId === undefined) return {};
  if (typeof peerId !== 'string' || peerId === '') bad(`"${key}.peerId" must be a peer id`);
  return { peerId };
}

/**
 * Checks a fault body that came from outside. Throws {@link FaultBodyError} naming the field.
 *
 * @example
 * parseFaultBody({ delay: { method: 'join', ms: 500 } }); // { delay: { method: 'join', ms: 500 } }
 * parseFaultBody({ drop: {} }); // throws: "drop.method" must be a method name
 */
export function parseFaultBody(value: unknown): FaultBody {
  if (!isObject(value)) bad('the body must be a JSON object');
  const unknown = Object.keys(value).filter((k) => !KEYS.includes(k));
  if (unknown.length > 0) bad(`unknown key "${unknown[0] ?? ''}" (known: ${KEYS.join(', ')})`);
  const out: {
    -readonly [K in keyof FaultBody]: FaultBody[K];
  } = {};
  if (value.clear !== undefined) {
    if (typeof value.clear !== 'boolean') bad('"clear" must be true or false');
    out.clear = value.clear;
  }
  const delay = objectAt(value, 'delay');
  if (delay) {
    out.delay = {
      method: methodOf(delay, 'delay'),
      ms: intIn(delay, 'delay', 'ms', 0, MAX_DELAY_MS),
      ...timesOf(delay, 'delay'),
    };
  }
  const drop = objectAt(value, 'drop');
  if (drop) out.drop = { method: methodOf(drop, 'drop'), ...timesOf(drop, 'drop') };
  const reject = objectAt(value, 'reject');
  if (reject) {
    const reason = reject.reason;
    if (reason !== undefined && typeof reason !== 'string') bad('"reject.reason" must be a string');
    const method = methodOf(reject, 'reject');
    out.reject = {
      method,
      code: reject.code === undefined ? 500 : intIn(reject, 'reject', 'code', 400, 599),
      reason: reason ?? `signalscope fault: ${method} rejected`,
      ...timesOf(reject, 'reject'),
    };
  }
  const close = objectAt(value, 'close');
  if (close) out.close = peerOf(close, 'close');
  const dropSocket = objectAt(value, 'dropSocket');
  if (dropSocket) out.dropSocket = peerOf(dropSocket, 'dropSocket');
  const flood = objectAt(value, 'flood');
  if (flood) {
    out.flood = {
      perSecond: intIn(flood, 'flood', 'perSecond', 1, MAX_FLOOD_PER_SECOND),
      seconds: intIn(flood, 'flood', 'seconds', 1, MAX_FLOOD_SECONDS),
      ...peerOf(flood, 'flood'),
    };
  }
  return out;
}

interface LiveRule {
  rule: FaultRule;
  /** Requests it may still affect; Infinity when it has no `times`. */
  left: number;
}

/**
 * The request rules of one room. A request meets the rules in the order reject, drop, delay
 * (at most one applies); a rule with `times` is used up after that many requests.
 */
export class FaultRules {
  #rules: LiveRule[] = [];

  /** Adds the rules of `body` (replacing a rule of the same kind and method). */
  apply(body: FaultBody): void {
    if (body.clear) this.clear();
    const add = (rule: FaultRule): void => {
      this.#rules = this.#rules.filter(
        (r) => !(r.rule.kind === rule.kind && r.rule.method === rule.method),
      );
      this.#rules.push({ rule, left: rule.times ?? Number.POSITIVE_INFINITY });
    };
    if (body.reject) add({ kind: 'reject', ...body.reject });
    if (body.drop) add({ kind: 'drop', ...body.drop });
    if (body.delay) add({ kind: 'delay', ...body.delay });
  }

  clear(): void {
    this.#rules = [];
  }

  /** The rules in force, with what is left of each (`times` counts down). */
  list(): FaultRule[] {
    return this.#rules.map(({ rule, left }) =>
      Number.isFinite(left) ? { ...rule, times: left } : rule,
    );
  }

  /**
   * What to do with a request for `method`; uses up one `times` of the rule that applies.
   *
   * @example
   * const rules = new FaultRules();
   * rules.apply({ drop: { method: 'join', times: 1 } });
   * rules.decide('join'); // { kind: 'drop' }
   * rules.decide('join'); // { kind: 'none' }
   */
  decide(method: string): FaultDecision {
    if (method === FAULT_METHOD) return { kind: 'none' };
    for (const kind of ['reject', 'drop', 'delay'] as const) {
      const live = this.#rules.find(
        (r) => r.rule.kind === kind && (r.rule.method === method || r.rule.method === ANY_METHOD),
      );
      if (live === undefined) continue;
      live.left--;
      if (live.left <= 0) this.#rules = this.#rules.filter((r) => r !== live);
      const rule = live.rule;
      switch (rule.kind) {
        case 'reject':
          return { kind: 'reject', code: rule.code, reason: rule.reason };
        case 'drop':
          return { kind: 'drop' };
        case 'delay':
          return { kind: 'delay', ms: rule.ms };
      }
    }
    return { kind: 'none' };
  }
}

import { captureLines, type CaptureHeader } from './capture.ts';
import type { SessionEvent } from './events.ts';
import { stringifyJson } from './json.ts';

/** Field and query-parameter names whose values never leave in an export unless asked. */
export const SECRET_NAMES: readonly string[] = [
  'secret',
  'token',
  'accesstoken',
  'password',
  'passwd',
  'throttlesecret',
  'e2ekey',
  'apikey',
  'key',
  'credential',
  'authorization',
];

export const REDACTED = '[redacted]';

const SECRET_SET = new Set(SECRET_NAMES);
/** Cheap pre-check so that frames without any secret-looking name are not re-parsed. */
const MAYBE_SECRET = new RegExp(
  SECRET_NAMES.map((n) => n.replace(/[^a-z0-9]/g, '')).join('|'),
  'i',
);

export function isSecretName(name: string): boolean {
  return SECRET_SET.has(name.toLowerCase());
}

/**
 * Replaces the values of secret query parameters in a URL. Strings that are not URLs come
 * back unchanged.
 *
 * @example
 * redactUrl('wss://h/?roomId=r&token=abc') // 'wss://h/?roomId=r&token=%5Bredacted%5D'
 */
export function redactUrl(value: string): string {
  const q = value.indexOf('?');
  if (q === -1 || !MAYBE_SECRET.test(value)) return value;
  const hashAt = value.indexOf('#', q);
  const query = value.slice(q + 1, hashAt === -1 ? undefined : hashAt);
  const parts = query.split('&').map((part) => {
    const eq = part.indexOf('=');
    const rawName = eq === -1 ? part : part.slice(0, eq);
    let name = rawName;
    try {
      name = decodeURIComponent(rawName.replace(/\+/g, ' '));
    } catch {
      // A malformed escape: compare the raw name.
    }
    return isSecretName(name) ? `${rawName}=${encodeURIComponent(REDACTED)}` : part;
  });
  return value.slice(0, q + 1) + parts.join('&') + (hashAt === -1 ? '' : value.slice(hashAt));
}

function put(target: Record<string, unknown>, key: string, value: unknown): void {
  // defineProperty keeps a key named __proto__ as data instead of changing the prototype.
  Object.defineProperty(target, key, {
    value,
    enumerable: true,
    writable: true,
    configurable: true,
  });
}

/**
 * Deep copy of a JSON value with secret fields and secret URL parameters replaced, at any
 * depth: it walks with an explicit stack, so a value nested 100,000 levels deep neither
 * overflows the stack nor keeps a secret below some depth.
 */
export function redactValue(value: unknown): unknown {
  const pending: [source: object, target: Record<string, unknown> | unknown[]][] = [];
  const copy = (v: unknown): unknown => {
    if (typeof v === 'string') return redactUrl(v);
    if (typeof v !== 'object' || v === null) return v;
    const target: Record<string, unknown> | unknown[] = Array.isArray(v)
      ? new Array<unknown>(v.length)
      : {};
    pending.push([v, target]);
    return target;
  };
  const root = copy(value);
  for (let item = pending.pop(); item !== undefined; item = pending.pop()) {
    const [source, target] = item;
    if (Array.isArray(target)) {
      const items = source as readonly unknown[];
      for (let k = 0; k < items.length; k++) target[k] = copy(items[k]);
      continue;
    }
    for (const [k, v] of Object.entries(source)) {
      put(target, k, isSecretName(k) ? REDACTED : copy(v));
    }
  }
  return root;
}

/** A frame's text with secrets replaced; text that is not JSON comes back as it was. */
export function redactFrameText(text: string): string {
  if (!MAYBE_SECRET.test(text)) return text;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return text;
  }
  return stringifyJson(redactValue(parsed)) ?? text;
}

/** One event with its secrets replaced (the original is not changed). */
export function redactEvent(event: SessionEvent): SessionEvent {
  const redacted = redactKnownFields(event);
  if (!redacted.extra) return redacted;
  return { ...redacted, extra: redactValue(redacted.extra) as typeof redacted.extra };
}

function redactKnownFields(event: SessionEvent): SessionEvent {
  switch (event.type) {
    case 'ws.open':
      if ('url' in event && typeof event.url === 'string') {
        return { ...event, url: redactUrl(event.url) };
      }
      return event;
    case 'ws.frame':
      if ('text' in event && typeof event.text === 'string') {
        const text = redactFrameText(event.text);
        return text === event.text ? event : { ...event, text };
      }
      return event;
    case 'pc':
      if ('value' in event && event.value !== undefined) {
        return { ...event, value: redactValue(event.value) };
      }
      return event;
    default:
      return event;
  }
}

export function redactHeader(header: CaptureHeader): CaptureHeader {
  return {
    ...header,
    source: redactValue(header.source) as CaptureHeader['source'],
    redacted: true,
  };
}

export function* redactEvents(events: Iterable<SessionEvent>): Generator<SessionEvent> {
  for (const e of events) yield redactEvent(e);
}

export interface ExportOptions {
  /** Keep secrets in URLs and data as they are (default false: they are redacted). */
  readonly keepSecrets?: boolean;
}

/**
 * The capture lines to export: redacted unless `keepSecrets` is asked for.
 *
 * @example
 * for (const line of exportCaptureLines(header, log.events())) stream.write(line);
 */
export function* exportCaptureLines(
  header: CaptureHeader,
  events: Iterable<SessionEvent>,
  options: ExportOptions = {},
): Generator<string> {
  if (options.keepSecrets) {
    yield* captureLines(header, events);
    return;
  }
  yield* captureLines(redactHeader(header), redactEvents(events));
}

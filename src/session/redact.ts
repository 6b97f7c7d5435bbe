import { captureLines, type CaptureHeader } from './capture.ts';
import type { SessionEvent } from './events.ts';
import { stringifyJson } from './json.ts';

/**
 * Field and query-parameter names whose values never leave in an export unless asked
 * (compared without case and without `-`, `_` and other punctuation: `x-api-key` is `xapikey`).
 * Besides these, any name that ends with `secret`, `token`, `password` or `passwd`, or starts
 * with `auth`, is a secret (`csrfToken`, `clientSecret`, `authToken`, `Authorization`).
 *
 * Not secrets, on purpose: ICE `usernameFragment` / `a=ice-ufrag` (sent in the clear in every
 * STUN check, and needed to tie candidates to their transport), DTLS fingerprints (the hash of
 * a public certificate, needed to check the handshake), TURN `username`s, peer and room ids.
 */
export const SECRET_NAMES: readonly string[] = [
  'secret',
  'token',
  'accesstoken',
  'password',
  'passwd',
  'pwd',
  'icepwd',
  'throttlesecret',
  'e2ekey',
  'apikey',
  'xapikey',
  'key',
  'privatekey',
  'credential',
  'credentials',
  'authorization',
  'auth',
  'cookie',
  'setcookie',
];

export const REDACTED = '[redacted]';

const SECRET_SET = new Set(SECRET_NAMES);
const SECRET_SUFFIX = /(?:secret|token|password|passwd)$/;
/**
 * Cheap pre-check: text without any of these cannot hold a secret name, an `a=ice-pwd` line,
 * a JSON escape that could spell one (`\u0074oken`) or a percent-encoded query name.
 */
const MAYBE_SECRET = /secret|token|passw|pwd|auth|key|credential|cookie|\\u|%[0-9a-f]{2}/i;

/**
 * Whether a field or query parameter of this name holds a secret.
 *
 * @example
 * isSecretName('X-Api-Key'); // true
 * isSecretName('tokenId'); // false
 */
export function isSecretName(name: string): boolean {
  const n = name.toLowerCase().replace(/[^a-z0-9]/g, '');
  return SECRET_SET.has(n) || SECRET_SUFFIX.test(n) || n.startsWith('auth');
}

/** SDP `a=ice-pwd:` values (the ICE password of a description). */
const ICE_PWD = /(a=ice-pwd:)[^\r\n\\"]*/g;
/** A URL with a query inside free text. */
const URL_WITH_QUERY = /[^\s"'<>()]*\?[^\s"'<>()]+/g;

/**
 * A string with its secrets replaced: secret query parameters of the URL it is or the URLs it
 * holds, and SDP `a=ice-pwd` values.
 *
 * @example
 * redactString('joined wss://h/?roomId=r&token=abc ok'); // 'joined wss://h/?roomId=r&token=%5Bredacted%5D ok'
 * redactString('a=ice-pwd:s3cr3t\r\n'); // 'a=ice-pwd:[redacted]\r\n'
 */
export function redactString(value: string): string {
  if (!MAYBE_SECRET.test(value)) return value;
  let out = value.includes('a=ice-pwd:') ? value.replace(ICE_PWD, `$1${REDACTED}`) : value;
  if (!out.includes('?')) return out;
  out = /\s/.test(out) ? out.replace(URL_WITH_QUERY, (url) => redactUrl(url)) : redactUrl(out);
  return out;
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
  return redactTracked(value).value;
}

/** `redactValue`, and whether anything was replaced. */
function redactTracked(value: unknown): { value: unknown; changed: boolean } {
  let changed = false;
  const pending: [source: object, target: Record<string, unknown> | unknown[]][] = [];
  const copy = (v: unknown): unknown => {
    if (typeof v === 'string') {
      const r = redactString(v);
      if (r !== v) changed = true;
      return r;
    }
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
      if (isSecretName(k)) {
        changed = true;
        put(target, k, REDACTED);
      } else {
        put(target, k, copy(v));
      }
    }
  }
  return { value: root, changed };
}

/** `"name": "value` pairs in text that is not JSON (a cut or broken frame). */
const LOOSE_PAIR = /"((?:[^"\\]|\\.){1,80})"(\s*:\s*)"(?:[^"\\]|\\.)*("?)/g;

/**
 * A frame's text with secrets replaced. JSON is parsed and written again; text that is not
 * JSON (a frame cut short, garbage) keeps its bytes except that the string value of any
 * `"secret name": "…"` pair, secret URL parameters and `a=ice-pwd` values are replaced.
 */
export function redactFrameText(text: string): string {
  if (!MAYBE_SECRET.test(text)) return text;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    const pairs = text.replace(LOOSE_PAIR, (pair, name: string, colon: string, close: string) => {
      let key = name;
      try {
        key = JSON.parse(`"${name}"`) as string;
      } catch {
        // A broken escape: compare the raw name.
      }
      return isSecretName(key) ? `"${name}"${colon}"${REDACTED}${close}` : pair;
    });
    return redactString(pairs);
  }
  // A frame with nothing to replace keeps its bytes (parsing and writing it again could
  // change its spacing or number forms).
  const redacted = redactTracked(parsed);
  if (!redacted.changed) return text;
  return stringifyJson(redacted.value) ?? text;
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
    case 'note': {
      const text = redactString(event.text);
      return text === event.text ? event : { ...event, text };
    }
    case 'ws.error': {
      const message = redactString(event.message);
      return message === event.message ? event : { ...event, message };
    }
    case 'ws.close': {
      if (event.reason === undefined) return event;
      const reason = redactString(event.reason);
      return reason === event.reason ? event : { ...event, reason };
    }
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

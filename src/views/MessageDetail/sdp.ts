/**
 * SDP as a person reads it: session facts, BUNDLE groups and, per m-section, codecs, header
 * extensions, ICE credentials, candidates, DTLS fingerprint and setup role, SSRCs, msid and
 * simulcast. Attributes are parsed with sdp-transform; lines are counted here so that a
 * problem names its line. Never throws: an SDP comes from a capture.
 */
import { parse } from 'sdp-transform';
import { parseCandidate, type IceCandidate } from './candidate.ts';

/** One line of the SDP, numbered from 1 as an editor would. */
export interface SdpLine {
  readonly line: number;
  readonly text: string;
}

export interface SdpProblem {
  /** The 1-based line at fault, when there is one. */
  readonly line?: number;
  readonly message: string;
}

export interface SdpCodec {
  readonly payloadType: number;
  /** e.g. `opus`, `VP8`, `rtx`; `?` when the payload type has no `a=rtpmap`. */
  readonly name: string;
  readonly clockRate?: number;
  readonly channels?: number;
  /** The `a=fmtp` parameters, as written. */
  readonly fmtp?: string;
  /** `a=rtcp-fb` values for this payload type (and `*`), e.g. `nack pli`. */
  readonly rtcpFb: readonly string[];
}

export interface SdpExtension {
  readonly id: number;
  readonly uri: string;
  readonly direction?: string;
  readonly encrypt: boolean;
}

export interface SdpSsrc {
  readonly ssrc: string;
  readonly cname?: string;
  readonly msid?: string;
  /** Other `a=ssrc` attributes (label, mslabel…). */
  readonly other: readonly (readonly [string, string])[];
}

export type SdpDirection = 'sendrecv' | 'sendonly' | 'recvonly' | 'inactive';

/** Where a transport attribute of an m-section came from. */
export type AttributeSource = 'media' | 'session';

export interface Sourced<T> {
  readonly value: T;
  readonly from: AttributeSource;
}

export interface SdpMediaSection {
  /** Position among the m-sections, from 0 (the m-line index of candidates). */
  readonly index: number;
  readonly mid?: string;
  /** `audio`, `video`, `application`… */
  readonly kind: string;
  readonly port?: number;
  readonly proto?: string;
  /** The formats of the m= line, as written. */
  readonly formats: string;
  /** The effective direction: the section's own, else the session's, else sendrecv. */
  readonly direction: SdpDirection;
  readonly directionFrom: AttributeSource | 'default';
  readonly codecs: readonly SdpCodec[];
  readonly extensions: readonly SdpExtension[];
  readonly iceUfrag?: Sourced<string>;
  readonly icePwd?: Sourced<string>;
  readonly iceOptions?: Sourced<string>;
  readonly fingerprint?: Sourced<{ readonly hash: string; readonly value: string }>;
  readonly setup?: Sourced<string>;
  readonly candidates: readonly IceCandidate[];
  /** Candidate lines that could not be read, with why. */
  readonly badCandidates: readonly SdpProblem[];
  readonly endOfCandidates: boolean;
  readonly msid: readonly string[];
  readonly ssrcs: readonly SdpSsrc[];
  readonly ssrcGroups: readonly { readonly semantics: string; readonly ssrcs: string }[];
  readonly rids: readonly {
    readonly id: string;
    readonly direction: string;
    readonly params?: string;
  }[];
  /** The `a=simulcast` value, as written. */
  readonly simulcast?: string;
  readonly rtcpMux: boolean;
  readonly rtcpRsize: boolean;
  readonly bundleOnly: boolean;
  readonly sctpPort?: number;
  readonly maxMessageSize?: number;
  /** The address of the section's `c=` line. */
  readonly connection?: string;
  /** Attributes sdp-transform does not know, as written (without `a=`). */
  readonly otherAttributes: readonly string[];
  /** Every line of the section, the m= line first. */
  readonly lines: readonly SdpLine[];
}

export interface ParsedSdp {
  readonly version?: number;
  readonly origin?: {
    readonly username: string;
    readonly sessionId: string;
    readonly sessionVersion: string;
    readonly address: string;
  };
  readonly name?: string;
  readonly groups: readonly { readonly semantics: string; readonly mids: readonly string[] }[];
  readonly iceLite: boolean;
  readonly msidSemantic?: string;
  readonly extmapAllowMixed: boolean;
  readonly media: readonly SdpMediaSection[];
  /** The lines before the first m= line. */
  readonly sessionLines: readonly SdpLine[];
  readonly lineCount: number;
  /** What does not read well; the SDP is still shown. */
  readonly problems: readonly SdpProblem[];
  /** Session-level attributes sdp-transform does not know. */
  readonly otherAttributes: readonly string[];
}

export type SdpParseResult =
  { readonly ok: true; readonly sdp: ParsedSdp } | { readonly ok: false; readonly error: string };

/** `a=ice-pwd` and the like: what a person must not paste into a bug report by accident. */
export const MASK = '••••••••';

const LINE = /^[a-z]=/;

function describeType(value: unknown): string {
  if (value === null) return 'null';
  if (value === undefined) return 'missing';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}

function clip(text: string, max = 60): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

function str(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return undefined;
}

function num(value: unknown): number | undefined {
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  if (typeof value === 'string' && /^\d+$/.test(value)) return Number(value);
  return undefined;
}

function isDirection(value: unknown): value is SdpDirection {
  return (
    value === 'sendrecv' || value === 'sendonly' || value === 'recvonly' || value === 'inactive'
  );
}

/** The lines of an SDP, numbered; a trailing empty line (after the last CRLF) is dropped. */
export function sdpLines(text: string): SdpLine[] {
  const parts = text.split(/\r\n|\r|\n/);
  if (parts.length > 0 && parts[parts.length - 1] === '') parts.pop();
  return parts.map((t, k) => ({ line: k + 1, text: t }));
}

/** Splits numbered lines into the session part and one part per m-section. */
export function sdpSections(lines: readonly SdpLine[]): {
  session: SdpLine[];
  media: SdpLine[][];
} {
  const session: SdpLine[] = [];
  const media: SdpLine[][] = [];
  for (const l of lines) {
    if (l.text.startsWith('m=')) media.push([l]);
    else (media[media.length - 1] ?? session).push(l);
  }
  return { session, media };
}

/**
 * Replaces the value of `a=ice-pwd` lines with {@link MASK}.
 *
 * @example
 * maskSdpLine('a=ice-pwd:abc'); // 'a=ice-pwd:••••••••'
 */
export function maskSdpLine(text: string): string {
  return text.startsWith('a=ice-pwd:') ? `a=ice-pwd:${MASK}` : text;
}

/**
 * sdp-transform's output read as what it is at run time: its typings say strings where it
 * gives numbers (`a=mid:0` comes back as the number 0), and any field may be absent.
 */
type Loose = Readonly<Record<string, unknown>>;

function loose(value: unknown): Loose {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Loose)
    : {};
}

function looseList(value: unknown): Loose[] {
  return Array.isArray(value) ? value.map(loose) : [];
}

function otherOf(location: Loose): string[] {
  return looseList(location.invalid).map((i) => str(i.value) ?? '');
}

function codecsOf(m: Loose, formats: readonly string[]): SdpCodec[] {
  const rtpmap = new Map<number, Loose>();
  for (const r of looseList(m.rtp)) {
    const pt = num(r.payload);
    if (pt !== undefined) rtpmap.set(pt, r);
  }
  const fmtp = new Map<number, string>();
  for (const f of looseList(m.fmtp)) {
    const pt = num(f.payload);
    if (pt !== undefined) fmtp.set(pt, str(f.config) ?? '');
  }
  const feedback = new Map<string, string[]>();
  for (const fb of looseList(m.rtcpFb)) {
    const key = str(fb.payload) ?? '';
    const list = feedback.get(key) ?? [];
    const subtype = str(fb.subtype);
    const type = str(fb.type) ?? '';
    list.push(subtype === undefined ? type : `${type} ${subtype}`);
    feedback.set(key, list);
  }
  const wildcard = feedback.get('*') ?? [];
  const order = formats.filter((f) => /^\d+$/.test(f)).map(Number);
  for (const pt of rtpmap.keys()) if (!order.includes(pt)) order.push(pt);
  return order.map((pt) => {
    const r = rtpmap.get(pt);
    const rate = num(r?.rate);
    const channels = num(r?.encoding);
    const f = fmtp.get(pt);
    return {
      payloadType: pt,
      name: (r && str(r.codec)) ?? '?',
      ...(rate === undefined ? {} : { clockRate: rate }),
      ...(channels === undefined ? {} : { channels }),
      ...(f === undefined ? {} : { fmtp: f }),
      rtcpFb: [...(feedback.get(String(pt)) ?? []), ...wildcard],
    };
  });
}

function ssrcsOf(m: Loose): SdpSsrc[] {
  const by = new Map<string, { cname?: string; msid?: string; other: [string, string][] }>();
  for (const s of looseList(m.ssrcs)) {
    const id = str(s.id) ?? '?';
    const entry = by.get(id) ?? { other: [] };
    const value = str(s.value) ?? '';
    const attribute = str(s.attribute) ?? '';
    if (attribute === 'cname') entry.cname = value;
    else if (attribute === 'msid') entry.msid = value;
    else entry.other.push([attribute, value]);
    by.set(id, entry);
  }
  return [...by].map(([ssrc, e]) => ({ ssrc, ...e }));
}

function sourced<T>(own: T | undefined, session: T | undefined): Sourced<T> | undefined {
  if (own !== undefined) return { value: own, from: 'media' };
  if (session !== undefined) return { value: session, from: 'session' };
  return undefined;
}

function fingerprintOf(f: unknown): { hash: string; value: string } | undefined {
  if (f === undefined) return undefined;
  const o = loose(f);
  return { hash: str(o.type) ?? '?', value: str(o.hash) ?? '' };
}

function mediaSection(
  m: Loose,
  lines: readonly SdpLine[],
  index: number,
  session: Loose,
  problems: SdpProblem[],
): SdpMediaSection {
  const first = lines[0];
  const kind = str(m.type) ?? '';
  const port = num(m.port);
  const proto = str(m.protocol);
  const mid = str(m.mid);
  if (kind === '' || port === undefined || proto === undefined || proto === '') {
    problems.push({
      line: first?.line,
      message: `line ${first?.line ?? '?'}: "${clip(first?.text ?? '')}" is not a valid m= line (expected m=<media> <port> <proto> <formats>)`,
    });
  }
  const formats = str(m.payloads) ?? '';
  const formatList = formats.split(' ').filter((f) => f !== '');
  const codecs = kind === 'application' ? [] : codecsOf(m, formatList);
  for (const c of codecs) {
    if (c.name === '?' && c.payloadType >= 96) {
      problems.push({
        line: first?.line,
        message: `m-section ${index}${mid === undefined ? '' : ` (mid ${mid})`}: dynamic payload type ${c.payloadType} has no a=rtpmap`,
      });
    }
  }

  const candidates: IceCandidate[] = [];
  const badCandidates: SdpProblem[] = [];
  for (const l of lines) {
    if (!l.text.startsWith('a=candidate:')) continue;
    const c = parseCandidate(l.text);
    if (c.ok) candidates.push(c.candidate);
    else badCandidates.push({ line: l.line, message: `line ${l.line}: ${c.error}` });
  }
  problems.push(...badCandidates);

  const own = m.direction;
  const direction: SdpDirection = isDirection(own)
    ? own
    : isDirection(session.direction)
      ? session.direction
      : 'sendrecv';
  const directionFrom = isDirection(own)
    ? 'media'
    : isDirection(session.direction)
      ? 'session'
      : 'default';

  const iceUfrag = sourced(str(m.iceUfrag), str(session.iceUfrag));
  const icePwd = sourced(str(m.icePwd), str(session.icePwd));
  const iceOptions = sourced(str(m.iceOptions), str(session.iceOptions));
  const fingerprint = sourced(fingerprintOf(m.fingerprint), fingerprintOf(session.fingerprint));
  const setup = sourced(str(m.setup), str(session.setup));
  const sim = m.simulcast === undefined ? undefined : loose(m.simulcast);
  const simulcast = sim
    ? [sim.dir1, sim.list1, sim.dir2, sim.list2]
        .map(str)
        .filter((x) => x !== undefined)
        .join(' ')
    : undefined;
  const sctpPort = num(m.sctpPort) ?? num(loose(m.sctpmap).sctpmapNumber);
  const maxMessageSize = num(m.maxMessageSize);
  const connection = str(loose(m.connection).ip);
  return {
    index,
    ...(mid === undefined ? {} : { mid }),
    kind,
    ...(port === undefined ? {} : { port }),
    ...(proto === undefined ? {} : { proto }),
    formats,
    direction,
    directionFrom,
    codecs,
    extensions: looseList(m.ext).map((e) => {
      const dir = str(e.direction);
      return {
        id: num(e.value) ?? -1,
        uri: str(e.uri) ?? '',
        ...(dir === undefined ? {} : { direction: dir }),
        encrypt: e['encrypt-uri'] !== undefined,
      };
    }),
    ...(iceUfrag ? { iceUfrag } : {}),
    ...(icePwd ? { icePwd } : {}),
    ...(iceOptions ? { iceOptions } : {}),
    ...(fingerprint ? { fingerprint } : {}),
    ...(setup ? { setup } : {}),
    candidates,
    badCandidates,
    endOfCandidates: m.endOfCandidates !== undefined,
    msid: looseList(m.msid).map((x) => {
      const appdata = str(x.appdata);
      const id = str(x.id) ?? '';
      return appdata === undefined ? id : `${id} ${appdata}`;
    }),
    ssrcs: ssrcsOf(m),
    ssrcGroups: looseList(m.ssrcGroups).map((g) => ({
      semantics: str(g.semantics) ?? '',
      ssrcs: str(g.ssrcs) ?? '',
    })),
    rids: looseList(m.rids).map((r) => {
      const params = str(r.params);
      return {
        id: str(r.id) ?? '',
        direction: str(r.direction) ?? '',
        ...(params === undefined ? {} : { params }),
      };
    }),
    ...(simulcast === undefined ? {} : { simulcast }),
    rtcpMux: m.rtcpMux !== undefined,
    rtcpRsize: m.rtcpRsize !== undefined,
    bundleOnly: m.bundleOnly !== undefined,
    ...(sctpPort === undefined ? {} : { sctpPort }),
    ...(maxMessageSize === undefined ? {} : { maxMessageSize }),
    ...(connection === undefined ? {} : { connection }),
    otherAttributes: otherOf(m),
    lines,
  };
}

/**
 * Parses an SDP for display. A value that is not an SDP at all (not a string, empty, no
 * `v=` first line) is an error naming what was found; anything else parses, with what does
 * not read well listed in `problems`.
 *
 * @example
 * const r = parseSdp('v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\nm=audio 9 UDP/TLS/RTP/SAVPF 111\r\na=rtpmap:111 opus/48000/2\r\n');
 * r.ok && r.sdp.media[0]?.codecs[0]?.name; // 'opus'
 * parseSdp(42); // { ok: false, error: 'the SDP is a number, not text' }
 */
export function parseSdp(text: unknown): SdpParseResult {
  if (typeof text !== 'string') {
    return { ok: false, error: `the SDP is ${describeType(text)}, not text` };
  }
  if (text.trim() === '') return { ok: false, error: 'the SDP is empty' };
  const lines = sdpLines(text);
  const firstText = lines.find((l) => l.text.trim() !== '');
  if (!firstText || !firstText.text.startsWith('v=')) {
    return {
      ok: false,
      error: `not an SDP: line ${firstText?.line ?? 1} is "${clip(firstText?.text ?? '')}", but an SDP starts with v=0`,
    };
  }
  let parsed: Loose;
  try {
    parsed = loose(parse(text));
  } catch (error) {
    return {
      ok: false,
      error: `sdp-transform could not read it: ${error instanceof Error ? error.message : String(error)}`,
    };
  }

  const problems: SdpProblem[] = [];
  for (const l of lines) {
    if (l.text === '' || LINE.test(l.text)) continue;
    problems.push({
      line: l.line,
      message: `line ${l.line}: "${clip(l.text)}" is not a <letter>=<value> line; it is ignored`,
    });
  }
  const sections = sdpSections(lines.filter((l) => LINE.test(l.text)));
  const sessionLines = sdpSections(lines).session;
  for (const [letter, what] of [
    ['o', 'origin (o=)'],
    ['s', 'session name (s=)'],
    ['t', 'timing (t=)'],
  ] as const) {
    if (!sections.session.some((l) => l.text.startsWith(`${letter}=`))) {
      problems.push({ message: `no ${what} line before the first m= line` });
    }
  }
  const version = num(parsed.version);
  if (version !== 0) {
    problems.push({
      line: firstText.line,
      message: `line ${firstText.line}: the version is not 0`,
    });
  }

  const media = looseList(parsed.media);
  const all = sdpSections(lines);
  const out: SdpMediaSection[] = media.map((m, k) =>
    mediaSection(m, all.media[k] ?? [], k, parsed, problems),
  );

  const groups = looseList(parsed.groups).map((g) => ({
    semantics: str(g.type) ?? '',
    mids: (str(g.mids) ?? '').split(' ').filter((x) => x !== ''),
  }));
  const mids = new Set(out.map((m) => m.mid).filter((m) => m !== undefined));
  for (const g of groups) {
    for (const mid of g.mids) {
      if (!mids.has(mid)) {
        problems.push({
          message: `the ${g.semantics} group names mid ${mid}, which no m-section has`,
        });
      }
    }
  }
  const o = parsed.origin === undefined ? undefined : loose(parsed.origin);
  const origin =
    o === undefined
      ? undefined
      : {
          username: str(o.username) ?? '',
          sessionId: str(o.sessionId) ?? '',
          sessionVersion: str(o.sessionVersion) ?? '',
          address: str(o.address) ?? '',
        };
  const semantic = parsed.msidSemantic === undefined ? undefined : loose(parsed.msidSemantic);
  const name = str(parsed.name);
  return {
    ok: true,
    sdp: {
      ...(version === undefined ? {} : { version }),
      ...(origin === undefined ? {} : { origin }),
      ...(name === undefined ? {} : { name }),
      groups,
      iceLite: parsed.icelite !== undefined,
      ...(semantic
        ? { msidSemantic: `${str(semantic.semantic) ?? ''} ${str(semantic.token) ?? ''}`.trim() }
        : {}),
      extmapAllowMixed: parsed.extmapAllowMixed !== undefined,
      media: out,
      sessionLines,
      lineCount: lines.length,
      problems,
      otherAttributes: otherOf(parsed),
    },
  };
}

/** What each DTLS `a=setup` value means for the side that wrote it (RFC 5763, 8842). */
export const SETUP_ROLES: Readonly<Record<string, string>> = {
  actpass: 'either role: the answerer chooses (offers must say this)',
  active: 'DTLS client: starts the handshake',
  passive: 'DTLS server: waits for the handshake',
  holdconn: 'no DTLS connection yet',
};

/** What each direction means for the side that wrote it. */
export const DIRECTION_WORDS: Readonly<Record<SdpDirection, string>> = {
  sendrecv: 'sends and receives',
  sendonly: 'sends only',
  recvonly: 'receives only',
  inactive: 'neither sends nor receives',
};

/**
 * One ICE candidate line (RFC 8839 §5.1), as SDP, trickle ICE and webrtc-internals carry it:
 * `candidate:<foundation> <component> <transport> <priority> <address> <port> typ <type>
 * [raddr <a> rport <p>] [tcptype <t>] [<name> <value>]…`. Never throws.
 */

export interface IceCandidate {
  readonly foundation: string;
  readonly component: number;
  /** `udp`, `tcp` (lower-cased). */
  readonly protocol: string;
  readonly priority: number;
  readonly address: string;
  readonly port: number;
  /** `host`, `srflx`, `prflx`, `relay`. */
  readonly type: string;
  readonly relatedAddress?: string;
  readonly relatedPort?: number;
  readonly tcpType?: string;
  /** The other name/value pairs (generation, ufrag, network-id, network-cost…). */
  readonly extensions: readonly (readonly [string, string])[];
}

export type CandidateParseResult =
  | { readonly ok: true; readonly candidate: IceCandidate }
  | { readonly ok: false; readonly error: string };

function clip(text: string): string {
  return text.length > 60 ? `${text.slice(0, 59)}…` : text;
}

/**
 * Reads a candidate line, with or without `a=` and `candidate:` in front.
 *
 * @example
 * parseCandidate('candidate:1 1 udp 2122260223 192.168.1.2 50000 typ host').ok; // true
 * parseCandidate('candidate:1 1 udp').ok; // false: 'candidate "…" has 3 of the 8 required fields'
 */
export function parseCandidate(line: string): CandidateParseResult {
  const body = line
    .trim()
    .replace(/^a=/, '')
    .replace(/^candidate:/i, '');
  const tokens = body.split(/\s+/).filter((t) => t !== '');
  if (tokens.length < 8) {
    return {
      ok: false,
      error: `candidate "${clip(line)}" has ${tokens.length} of the 8 required fields (foundation component transport priority address port typ type)`,
    };
  }
  const [foundation = '', componentText = '', transport = '', priorityText = ''] = tokens;
  const [address = '', portText = '', typ = '', type = ''] = tokens.slice(4);
  const component = Number(componentText);
  const priority = Number(priorityText);
  const port = Number(portText);
  if (!/^\d+$/.test(componentText)) {
    return { ok: false, error: `candidate component "${clip(componentText)}" is not a number` };
  }
  if (!/^\d+$/.test(priorityText)) {
    return { ok: false, error: `candidate priority "${clip(priorityText)}" is not a number` };
  }
  if (!/^\d+$/.test(portText)) {
    return { ok: false, error: `candidate port "${clip(portText)}" is not a number` };
  }
  if (typ !== 'typ') {
    return { ok: false, error: `expected "typ" after the port, found "${clip(typ)}"` };
  }
  let relatedAddress: string | undefined;
  let relatedPort: number | undefined;
  let tcpType: string | undefined;
  const extensions: [string, string][] = [];
  const rest = tokens.slice(8);
  for (let k = 0; k < rest.length; k += 2) {
    const name = rest[k] ?? '';
    const value = rest[k + 1] ?? '';
    if (name === 'raddr') relatedAddress = value;
    else if (name === 'rport' && /^\d+$/.test(value)) relatedPort = Number(value);
    else if (name === 'tcptype') tcpType = value;
    else extensions.push([name, value]);
  }
  return {
    ok: true,
    candidate: {
      foundation,
      component,
      protocol: transport.toLowerCase(),
      priority,
      address,
      port,
      type,
      ...(relatedAddress === undefined ? {} : { relatedAddress }),
      ...(relatedPort === undefined ? {} : { relatedPort }),
      ...(tcpType === undefined ? {} : { tcpType }),
      extensions,
    },
  };
}

/** What the candidate types mean, for people. */
export const CANDIDATE_TYPES: Readonly<Record<string, string>> = {
  host: 'local interface',
  srflx: 'server reflexive',
  prflx: 'peer reflexive',
  relay: 'TURN relay',
};

/**
 * A candidate type with its meaning.
 *
 * @example
 * candidateTypeText('srflx'); // 'srflx (server reflexive)'
 */
export function candidateTypeText(type: string): string {
  const words = Object.hasOwn(CANDIDATE_TYPES, type) ? CANDIDATE_TYPES[type] : undefined;
  return words === undefined ? type : `${type} (${words})`;
}

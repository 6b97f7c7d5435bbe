/**
 * Words for the room graph: short ids, kinds, states and scores, shared by the model (which
 * writes each node's accessible summary) and the node components (which show the parts).
 */
import type { ConsumerLayers } from '../../../machines/mediasoupClientMachine.context.ts';

/**
 * A long id cut to its first 8 characters and an ellipsis (mediasoup ids are UUIDs).
 *
 * @example
 * shortId('c717d802-5b62-4a5c-bad6-02dd3b419ec7'); // 'c717d802…'
 * shortId('8xmzs6t6'); // '8xmzs6t6'
 */
export function shortId(id: string): string {
  return id.length > 12 ? `${id.slice(0, 8)}…` : id;
}

/**
 * `audio`, `video`, or `media` when the kind is unknown.
 *
 * @example
 * kindWord(null); // 'media'
 */
export function kindWord(kind: string | null): string {
  return kind === null || kind === '' ? 'media' : kind;
}

/**
 * Spatial and temporal layer as `S2 T1` (`S2` when only the spatial layer is known).
 *
 * @example
 * layersText({ spatialLayer: 2, temporalLayer: null }); // 'S2'
 */
export function layersText(layers: ConsumerLayers | null): string | null {
  if (layers === null) return null;
  const parts: string[] = [];
  if (layers.spatialLayer !== null) parts.push(`S${layers.spatialLayer}`);
  if (layers.temporalLayer !== null) parts.push(`T${layers.temporalLayer}`);
  return parts.length === 0 ? null : parts.join(' ');
}

/**
 * A mediasoup score (0–10) as a fraction of the bar, clamped.
 *
 * @example
 * scoreFraction(7); // 0.7
 */
export function scoreFraction(score: number | null): number {
  if (score === null) return 0;
  return Math.min(1, Math.max(0, score / 10));
}

/**
 * A device as `Firefox 133.0`, or null when nothing is known.
 *
 * @example
 * deviceText({ flag: 'firefox', name: 'Firefox', version: '133.0' }); // 'Firefox 133.0'
 */
export function deviceText(
  device: { flag: string | null; name: string | null; version: string | null } | null,
): string | null {
  if (device === null) return null;
  const name = device.name ?? device.flag;
  if (name === null) return null;
  return device.version === null ? name : `${name} ${device.version}`;
}

/** `peer Grace` or `peer 8xmzs6t6`: how a peer is named in sentences. */
export function peerName(peerId: string | null, displayName: string | null): string {
  if (peerId === null) return 'the bot';
  return displayName !== null && displayName !== ''
    ? `peer ${displayName}`
    : `peer ${shortId(peerId)}`;
}

/**
 * The first letter in upper case.
 *
 * @example
 * capitalised('audio'); // 'Audio'
 */
export function capitalised(word: string): string {
  return word.charAt(0).toUpperCase() + word.slice(1);
}

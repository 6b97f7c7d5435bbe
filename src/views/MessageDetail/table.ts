/**
 * A plain table model: what the SDP and mediasoup views show as tables. Cells are text; a
 * secret cell (an ICE password) is masked until the user reveals secrets.
 */

export interface Cell {
  readonly text: string;
  /** Shown masked unless secrets are revealed. */
  readonly secret?: boolean;
  /** No value: shown as a dash, read as "none". */
  readonly missing?: boolean;
}

export interface TableModel {
  readonly caption: string;
  readonly columns: readonly string[];
  readonly rows: readonly (readonly Cell[])[];
}

export interface Fact {
  readonly label: string;
  readonly value: Cell;
}

export const MISSING: Cell = Object.freeze({ text: '—', missing: true });

const MAX_CELL = 300;

function clip(text: string): string {
  return text.length > MAX_CELL ? `${text.slice(0, MAX_CELL - 1)}…` : text;
}

function safeJson(value: unknown): string {
  try {
    // undefined, functions and symbols stringify to undefined.
    const json = JSON.stringify(value) as string | undefined;
    return json ?? String(value);
  } catch {
    return '(unreadable)';
  }
}

/**
 * A value as one short line: strings as they are, numbers and booleans in words, flat
 * objects as `key=value; key=value` (as an fmtp line reads), anything else as JSON.
 *
 * @example
 * valueText({ apt: 101, 'x-google-start-bitrate': 1000 }); // 'apt=101; x-google-start-bitrate=1000'
 */
export function valueText(value: unknown): string {
  if (value === undefined) return '—';
  if (typeof value === 'string') return clip(value);
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (value === null) return 'null';
  if (typeof value === 'object' && !Array.isArray(value)) {
    const entries = Object.entries(value as Record<string, unknown>);
    if (entries.length === 0) return '—';
    if (entries.every(([, v]) => v === null || typeof v !== 'object')) {
      return clip(
        entries.map(([k, v]) => `${k}=${typeof v === 'string' ? v : String(v)}`).join('; '),
      );
    }
  }
  return clip(safeJson(value));
}

/** A cell for any value (a dash when it is absent or empty). */
export function cell(value: unknown, secret = false): Cell {
  const text = valueText(value);
  if (text === '—' || text === '') return MISSING;
  return secret ? { text, secret: true } : { text };
}

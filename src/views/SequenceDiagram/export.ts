/**
 * The diagram as text (pure): Mermaid `sequenceDiagram` source and a standalone SVG
 * document, of every row of a layout (not only those on screen), capped so a huge session
 * still gives a file a viewer can open.
 *
 * Every string from the capture goes through `mermaidText` or `xmlEscape`: a peer id,
 * method or close reason can never end a Mermaid statement, start a directive, or become
 * SVG markup.
 */
import { redactString } from '../../session/redact.ts';
import { describeAll, type RowTone, type SeqRow } from './describe.ts';
import type { RowLayout, SequenceModel } from './model.ts';

/** At most this many rows go into an export; a note says how many were left out. */
export const EXPORT_ROW_CAP = 5000;

export interface ExportOptions {
  /** Row cap (default `EXPORT_ROW_CAP`). */
  readonly maxRows?: number;
  /** A title for the document (SVG `<title>`, Mermaid `title`). */
  readonly title?: string;
  /** Colours of the SVG (default light). */
  readonly theme?: 'light' | 'dark';
  /**
   * Keep secrets (URL query tokens, `a=ice-pwd` values) in the rows' texts as they are.
   * Default false: an export is redacted (src/session/redact.ts).
   */
  readonly keepSecrets?: boolean;
}

/** The rows an export draws: redacted unless `keepSecrets`. */
function exportRows(
  model: SequenceModel,
  layout: RowLayout,
  max: number,
  options: ExportOptions,
): SeqRow[] {
  const rows = describeAll(model, layout, max);
  if (options.keepSecrets) return rows;
  return rows.map((row) => ({
    ...row,
    label: redactString(row.label),
    detail: redactString(row.detail),
    aria: redactString(row.aria),
  }));
}

// ── Mermaid ────────────────────────────────────────────────────────────────

/** Characters that mean nothing to Mermaid's sequence grammar; all others become entities. */
const MERMAID_SAFE = /[A-Za-z0-9 .,_()/=+?!'*-]/;

/**
 * A capture string as Mermaid text: one line, at most `max` characters, every character
 * that could matter to Mermaid (`;` `#` `:` `%` `<` `>` `{` `"` `@` …, and all non-ASCII)
 * written as a numeric entity `#NN;`, which Mermaid shows as the character.
 *
 * @example
 * mermaidText('a;b #c'); // 'a#59;b #35;c'
 */
export function mermaidText(text: string, max = 160): string {
  // eslint-disable-next-line no-control-regex
  const flat = text.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]+/g, ' ').trim();
  const chars = Array.from(flat);
  const cut = chars.length > max ? [...chars.slice(0, max - 1), '…'] : chars;
  let out = '';
  for (const ch of cut) {
    out += MERMAID_SAFE.test(ch) ? ch : `#${ch.codePointAt(0) ?? 63};`;
  }
  return out === '' ? '#160;' : out;
}

function mermaidArrow(row: SeqRow): string {
  switch (row.style) {
    case 'request':
      return '->>';
    case 'response':
      return '-->>';
    case 'error':
      return '--x';
    case 'invalid':
      return '-x';
    case 'notification':
    case 'run':
      return '-)';
    default:
      return '->>';
  }
}

function mermaidLabel(row: SeqRow): string {
  const detail = row.detail === '' ? '' : ` (${row.detail})`;
  return mermaidText(`${row.label}${detail}`, 200);
}

/**
 * The rows of `layout` as Mermaid `sequenceDiagram` text: participants with safe aliases
 * (`P0`, `P1`…), `->>` requests, `-->>` responses (`--x` errors), `-)` notifications, `-x`
 * broken frames, notes for socket and peer-connection events.
 *
 * @example
 * toMermaid(model, layoutRows(model, new Set())).split('\n')[0]; // 'sequenceDiagram'
 */
export function toMermaid(
  model: SequenceModel,
  layout: RowLayout,
  options: ExportOptions = {},
): string {
  const max = options.maxRows ?? EXPORT_ROW_CAP;
  const rows = exportRows(model, layout, max, options);
  const p = (col: number) => `P${Math.max(0, col)}`;
  const lines = ['sequenceDiagram'];
  if (options.title !== undefined) lines.push(`  title ${mermaidText(options.title)}`);
  model.columns.forEach((lane, col) => {
    const what = lane.detail === '' ? lane.label : `${lane.label} (${lane.detail})`;
    lines.push(`  participant ${p(col)} as ${mermaidText(what, 80)}`);
  });
  for (const row of rows) {
    switch (row.shape) {
      case 'arrow':
        lines.push(`  ${p(row.from)}${mermaidArrow(row)}${p(row.to)}: ${mermaidLabel(row)}`);
        break;
      case 'socket': {
        const span = row.from === row.to ? p(row.from) : `${p(row.from)},${p(row.to)}`;
        lines.push(`  Note over ${span}: ${mermaidLabel(row)}`);
        break;
      }
      case 'self':
        lines.push(`  Note right of ${p(row.from)}: ${mermaidLabel(row)}`);
        break;
      case 'wide':
        lines.push(`  Note over ${p(row.from)},${p(row.to)}: ${mermaidLabel(row)}`);
        break;
    }
    if (row.peers.length > 0) {
      const lo = Math.min(...row.peers);
      const hi = Math.max(...row.peers);
      const span = lo === hi ? p(lo) : `${p(lo)},${p(hi)}`;
      lines.push(`  Note over ${span}: ${mermaidText(`about: ${row.label}`, 120)}`);
    }
  }
  if (layout.length > rows.length) {
    lines.push(
      `  Note over ${p(0)}: ${mermaidText(`${(layout.length - rows.length).toLocaleString('en')} more rows not exported (cap ${max.toLocaleString('en')})`)}`,
    );
  }
  return `${lines.join('\n')}\n`;
}

// ── SVG ────────────────────────────────────────────────────────────────────

/** Characters XML 1.0 does not allow, and lone surrogates. */
const XML_INVALID =
  // eslint-disable-next-line no-control-regex
  /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/**
 * Text for an XML document: `& < > " '` as entities, characters XML cannot hold as U+FFFD.
 *
 * @example
 * xmlEscape('<b a="1">'); // '&lt;b a=&quot;1&quot;&gt;'
 */
export function xmlEscape(text: string): string {
  return text
    .replace(XML_INVALID, '\ufffd')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

/** Geometry shared by the SVG export. */
export const SVG_GEOMETRY = {
  pad: 12,
  head: 52,
  row: 28,
  time: 84,
  lane: 150,
  detail: 340,
} as const;

interface Palette {
  readonly bg: string;
  readonly surface: string;
  readonly border: string;
  readonly text: string;
  readonly muted: string;
  readonly accent: string;
  readonly error: string;
  readonly warning: string;
  readonly ok: string;
  readonly info: string;
  readonly noteBg: string;
}

const PALETTES: Readonly<Record<'light' | 'dark', Palette>> = {
  light: {
    bg: '#ffffff',
    surface: '#eef0f3',
    border: '#b9c0ca',
    text: '#1a1e24',
    muted: '#5a6472',
    accent: '#2354c4',
    error: '#b42318',
    warning: '#925400',
    ok: '#17773a',
    info: '#6b4fbb',
    noteBg: '#fff8e1',
  },
  dark: {
    bg: '#161a20',
    surface: '#1d222a',
    border: '#3b4452',
    text: '#e4e8ee',
    muted: '#98a2b0',
    accent: '#7ca6ff',
    error: '#ff8078',
    warning: '#e8b34b',
    ok: '#5cd17a',
    info: '#b9a4ff',
    noteBg: '#2f2610',
  },
};

function toneColor(pal: Palette, tone: RowTone, fallback: string): string {
  switch (tone) {
    case 'error':
      return pal.error;
    case 'warning':
      return pal.warning;
    case 'ok':
      return pal.ok;
    case 'muted':
      return pal.muted;
    default:
      return fallback;
  }
}

/** Cuts `text` to about `width` px of 11 px sans text. */
function fit(text: string, width: number): string {
  const chars = Array.from(text);
  const n = Math.max(4, Math.floor(width / 6.2));
  return chars.length > n ? `${chars.slice(0, n - 1).join('')}…` : text;
}

function strokeColor(pal: Palette, row: SeqRow): string {
  switch (row.style) {
    case 'error':
    case 'invalid':
    case 'socket-error':
      return pal.error;
    case 'notification':
    case 'run':
      return pal.info;
    case 'binary':
      return pal.muted;
    case 'request':
      return row.tone === 'warning' ? pal.warning : pal.accent;
    default:
      return pal.text;
  }
}

/**
 * A standalone SVG document of the rows of `layout` (all of them up to the cap, not only
 * those on screen), with the lifelines' header. Every capture string is escaped.
 *
 * @example
 * const svg = toSvg(model, layoutRows(model, new Set()));
 * svg.startsWith('<?xml'); // true
 */
export function toSvg(
  model: SequenceModel,
  layout: RowLayout,
  options: ExportOptions = {},
): string {
  const g = SVG_GEOMETRY;
  const pal = PALETTES[options.theme ?? 'light'];
  const max = options.maxRows ?? EXPORT_ROW_CAP;
  const rows = exportRows(model, layout, max, options);
  const cols = Math.max(1, model.columns.length);
  const capped = layout.length > rows.length;
  const left = g.pad + g.time;
  const lanesWidth = cols * g.lane;
  const width = left + lanesWidth + g.detail + g.pad;
  const bodyTop = g.head + g.pad;
  const height = bodyTop + Math.max(1, rows.length) * g.row + (capped ? g.row : 0) + g.pad;
  const cx = (col: number) => left + col * g.lane + g.lane / 2;
  const out: string[] = [];
  const push = (s: string) => out.push(s);
  const title = options.title ?? 'Sequence diagram';

  push('<?xml version="1.0" encoding="UTF-8"?>');
  push(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="system-ui, -apple-system, 'Segoe UI', 'Liberation Sans', Roboto, sans-serif" font-size="11">`,
  );
  push(`<title>${xmlEscape(title)}</title>`);
  push(`<rect width="${width}" height="${height}" fill="${pal.bg}"/>`);

  // Lifelines and their header.
  model.columns.forEach((lane, col) => {
    const x = cx(col);
    const dash = lane.kind === 'peer' ? ' stroke-dasharray="2 4"' : '';
    push(
      `<line x1="${x}" y1="${g.head}" x2="${x}" y2="${height - g.pad}" stroke="${pal.border}"${dash}/>`,
    );
    const boxX = left + col * g.lane + 6;
    const fill = lane.kind === 'server' ? pal.surface : pal.bg;
    push(
      `<rect x="${boxX}" y="${g.pad}" width="${g.lane - 12}" height="${g.head - g.pad - 6}" rx="5" fill="${fill}" stroke="${pal.border}"/>`,
    );
    push(
      `<text x="${x}" y="${g.pad + 15}" text-anchor="middle" font-weight="600" font-size="12" fill="${pal.text}">${xmlEscape(fit(lane.label, g.lane - 20))}</text>`,
    );
    push(
      `<text x="${x}" y="${g.pad + 29}" text-anchor="middle" fill="${pal.muted}">${xmlEscape(fit(lane.detail, g.lane - 20))}</text>`,
    );
  });

  rows.forEach((row, k) => {
    const top = bodyTop + k * g.row;
    const y = top + 19;
    push(
      `<text x="${g.pad}" y="${top + 17}" fill="${pal.muted}" font-family="ui-monospace, monospace" font-size="10">${xmlEscape(row.timeText)}</text>`,
    );
    const color = strokeColor(pal, row);
    // Remote peers the message is about: a dotted relay leg and a dot on each lifeline.
    if (row.peers.length > 0) {
      const server = row.shape === 'arrow' ? (row.relay === 'out' ? row.to : row.from) : row.from;
      for (const peer of row.peers) {
        push(
          `<line x1="${cx(server)}" y1="${y}" x2="${cx(peer)}" y2="${y}" stroke="${pal.muted}" stroke-dasharray="1 3"/>`,
        );
        push(`<circle cx="${cx(peer)}" cy="${y}" r="3.5" fill="${pal.info}"/>`);
      }
    }
    switch (row.shape) {
      case 'arrow': {
        const x1 = cx(row.from);
        const x2 = cx(row.to);
        const dirSign = x2 >= x1 ? 1 : -1;
        const dash =
          row.style === 'response' || row.style === 'error'
            ? ' stroke-dasharray="5 3"'
            : row.style === 'binary'
              ? ' stroke-dasharray="2 2"'
              : '';
        const widthAttr = row.style === 'run' ? 3 : 1.5;
        push(
          `<line x1="${x1}" y1="${y}" x2="${x2 - dirSign * 2}" y2="${y}" stroke="${color}" stroke-width="${widthAttr}"${dash}/>`,
        );
        const tip = x2;
        const back = x2 - dirSign * 8;
        if (row.style === 'invalid') {
          push(
            `<path d="M${tip - 4} ${y - 4} L${tip + 4} ${y + 4} M${tip - 4} ${y + 4} L${tip + 4} ${y - 4}" stroke="${color}" stroke-width="2"/>`,
          );
        } else if (row.style === 'request' || row.style === 'message') {
          push(`<path d="M${tip} ${y} L${back} ${y - 4} L${back} ${y + 4} Z" fill="${color}"/>`);
        } else {
          push(
            `<path d="M${back} ${y - 4} L${tip} ${y} L${back} ${y + 4}" fill="none" stroke="${color}" stroke-width="1.5"/>`,
          );
        }
        const span = Math.abs(x2 - x1);
        const labelX = Math.min(x1, x2) + 6;
        push(
          `<text x="${labelX}" y="${top + 12}" fill="${toneColor(pal, row.tone === 'ok' ? 'none' : row.tone, pal.text)}">${xmlEscape(fit(row.label, Math.max(span - 12, 120)))}</text>`,
        );
        break;
      }
      case 'socket': {
        const x1 = cx(row.from);
        const x2 = row.to === row.from ? x1 + g.lane / 2 : cx(row.to);
        push(
          `<line x1="${x1}" y1="${y}" x2="${x2}" y2="${y}" stroke="${toneColor(pal, row.tone, pal.muted)}" stroke-width="4" stroke-linecap="round" opacity="0.55"/>`,
        );
        push(
          `<line x1="${x1 - 10}" y1="${top + 6}" x2="${x1 + 10}" y2="${top + 6}" stroke="${toneColor(pal, row.tone, pal.muted)}" stroke-width="2"/>`,
        );
        push(
          `<text x="${Math.min(x1, x2) + 14}" y="${top + 12}" fill="${toneColor(pal, row.tone, pal.text)}" font-weight="600">${xmlEscape(fit(row.label, lanesWidth))}</text>`,
        );
        break;
      }
      case 'self':
      case 'wide': {
        const x1 = row.shape === 'wide' ? left + 4 : cx(row.from) - 6;
        const w =
          row.shape === 'wide' ? lanesWidth - 8 : Math.min(lanesWidth - (x1 - left), 2 * g.lane);
        push(
          `<rect x="${x1}" y="${top + 4}" width="${w}" height="${g.row - 8}" rx="3" fill="${row.style === 'note' ? pal.noteBg : pal.surface}" stroke="${toneColor(pal, row.tone, pal.border)}"/>`,
        );
        push(
          `<text x="${x1 + 6}" y="${top + 18}" fill="${toneColor(pal, row.tone === 'ok' ? 'none' : row.tone, pal.text)}">${xmlEscape(fit(row.label, w - 12))}</text>`,
        );
        break;
      }
    }
    if (row.detail !== '') {
      push(
        `<text x="${left + lanesWidth + 8}" y="${top + 17}" fill="${toneColor(pal, row.tone, pal.muted)}">${xmlEscape(fit(row.detail, g.detail - 12))}</text>`,
      );
    }
  });
  if (capped) {
    const top = bodyTop + rows.length * g.row;
    push(
      `<text x="${left}" y="${top + 17}" fill="${pal.warning}" font-weight="600">${xmlEscape(`${(layout.length - rows.length).toLocaleString('en')} more rows not exported (cap ${max.toLocaleString('en')}): filter the session to export them.`)}</text>`,
    );
  }
  if (rows.length === 0) {
    push(
      `<text x="${left}" y="${bodyTop + 17}" fill="${pal.muted}">No rows: nothing matches the filter.</text>`,
    );
  }
  push('</svg>');
  return `${out.join('\n')}\n`;
}

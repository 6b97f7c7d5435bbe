import { describe, expect, it } from 'vitest';
import { HOSTILE, fixtureSession, generatedSession, hostileSession } from '../shared/sessions.ts';
import { EXPORT_ROW_CAP, mermaidText, toMermaid, toSvg, xmlEscape } from './export.ts';
import { buildSequenceModel, layoutRows } from './model.ts';

/** Text Mermaid reads as plain characters: safe ones, and numeric entities. */
const SAFE_TEXT = String.raw`(?:[A-Za-z0-9 .,_()/=+?!'*-]|#\d+;)+`;
const MERMAID_LINE = new RegExp(
  [
    String.raw`^sequenceDiagram$`,
    String.raw`^  title ${SAFE_TEXT}$`,
    String.raw`^  participant P\d+ as ${SAFE_TEXT}$`,
    String.raw`^  P\d+(?:->>|-->>|--x|-x|-\))P\d+: ${SAFE_TEXT}$`,
    String.raw`^  Note (?:over|right of) P\d+(?:,P\d+)?: ${SAFE_TEXT}$`,
  ].join('|'),
);

describe('mermaidText()', () => {
  it('writes every character that could mean something to Mermaid as an entity', () => {
    expect(mermaidText('a;b #c')).toBe('a#59;b #35;c');
    expect(mermaidText('%%{init: {"theme":"dark"}}%%')).not.toMatch(/[%{}:"]/);
    expect(mermaidText('x<br>y')).toBe('x#60;br#62;y');
    expect(mermaidText('ok: done')).toBe('ok#58; done');
  });

  it('keeps one line and cuts long text by characters, not code units', () => {
    expect(mermaidText('a\nb\r\nc\u2028d')).toBe('a b c d');
    const cut = mermaidText('😀'.repeat(10), 4);
    expect(cut).toBe('#128512;#128512;#128512;#8230;');
    expect(mermaidText('   ')).toBe('#160;');
  });
});

describe('toMermaid()', () => {
  it('writes participants with safe aliases and one arrow per message of a legacy join', () => {
    const model = buildSequenceModel(fixtureSession('legacy-participant-join'));
    const text = toMermaid(model, layoutRows(model, new Set()));
    const lines = text.trimEnd().split('\n');
    expect(lines[0]).toBe('sequenceDiagram');
    expect(lines[1]).toBe('  participant P0 as xc24fh03 (c1 #183; room bnzsceer)');
    expect(lines[2]).toBe('  participant P1 as server (demo.example.org#58;4443)');
    expect(lines).toContain('  P0->>P1: join (ok in 13 ms)');
    expect(lines).toContain('  P1-->>P0: join (ok #183; 13 ms)');
    expect(lines).toContain('  P1-)P0: consumerScore');
    expect(lines).toContain(
      '  Note over P0,P1: socket opened (wss#58;//demo.example.org#58;4443/?roomId=bnzsceer#38;peerId=xc24fh03#38;consumerReplicas=0)',
    );
    expect(lines).toContain(
      '  Note right of P0: pc recv-pc#58; connectionstatechange #8594; connected',
    );
    // The peers a message is about get a note on their lifelines.
    expect(lines).toContain('  Note over P2,P3: about#58; join');
  });

  it('marks broken frames and error responses with crosses', () => {
    const model = buildSequenceModel(fixtureSession('broken-frames'));
    const lines = toMermaid(model, layoutRows(model, new Set())).split('\n');
    expect(lines).toContain('  P1-xP0: invalid frame (not JSON#58; the frame is empty)');
    expect(lines.some((l) => l.startsWith('  P1--xP0: getProducerStats (error 500#58; '))).toBe(
      true,
    );
  });

  it('cannot be broken or steered by hostile strings: every line stays in the grammar', () => {
    for (const analysis of [hostileSession(), fixtureSession('broken-frames')]) {
      const model = buildSequenceModel(analysis);
      const text = toMermaid(model, layoutRows(model, new Set()), { title: HOSTILE });
      for (const line of text.trimEnd().split('\n')) expect(line).toMatch(MERMAID_LINE);
      expect(text).not.toContain('<');
      expect(text).not.toContain('%%');
    }
  });

  it('draws a collapsed run as one async arrow', () => {
    const model = buildSequenceModel(generatedSession(3000));
    const layout = layoutRows(model, new Set());
    const text = toMermaid(model, layout);
    expect(model.runs.length).toBeGreaterThan(0);
    expect(text).toMatch(/^ {2}P\d+-\)P\d+: \w+ #215; \d+ \(seq \d+ #8211; \d+, over /m);
  });
});

describe('xmlEscape()', () => {
  it('escapes markup and drops characters XML cannot hold', () => {
    expect(xmlEscape(`<a href="x" t='y'>&</a>`)).toBe(
      '&lt;a href=&quot;x&quot; t=&apos;y&apos;&gt;&amp;&lt;/a&gt;',
    );
    expect(xmlEscape('a\u0000b\u001fc\ud800d')).toBe('a\ufffdb\ufffdc\ufffdd');
    expect(xmlEscape('😀')).toBe('😀');
  });
});

describe('toSvg()', () => {
  it('is a standalone SVG document of every row, not only those on screen', () => {
    const model = buildSequenceModel(fixtureSession('legacy-participant-join'));
    const layout = layoutRows(model, new Set());
    const svg = toSvg(model, layout, { title: 'join' });
    expect(
      svg.startsWith(
        '<?xml version="1.0" encoding="UTF-8"?>\n<svg xmlns="http://www.w3.org/2000/svg"',
      ),
    ).toBe(true);
    expect(svg.trimEnd().endsWith('</svg>')).toBe(true);
    // One time label per row (115 events), each lifeline in the header.
    expect(svg.match(/font-family="ui-monospace, monospace"/g)?.length).toBe(115);
    for (const name of ['xc24fh03', 'server', 'Grace', 'Linus', 'Margaret']) {
      expect(svg).toContain(`>${name}</text>`);
    }
    expect(svg).toContain('>consumerScore</text>');
  });

  it('escapes every capture string: hostile text is characters, never elements', () => {
    const model = buildSequenceModel(hostileSession());
    const svg = toSvg(model, layoutRows(model, new Set()), { title: HOSTILE });
    expect(svg).not.toMatch(/<(?:img|script)\b/i);
    expect(svg).toContain('&lt;img src=x onerror=alert(1)&gt;');
    // Only the elements the export writes.
    const written = new Set(['circle', 'line', 'path', 'rect', 'svg', 'text', 'title']);
    const tags = Array.from(svg.matchAll(/<([a-zA-Z][\w:-]*)/g), (m) => m[1] ?? '');
    expect(tags.length).toBeGreaterThan(20);
    expect(tags.filter((t) => !written.has(t))).toEqual([]);
  });

  it(`stops at ${EXPORT_ROW_CAP.toLocaleString('en')} rows and says how many were left out`, () => {
    const model = buildSequenceModel(generatedSession(EXPORT_ROW_CAP + 1500));
    const layout = layoutRows(model, new Set());
    const svg = toSvg(model, layout);
    expect(svg.match(/font-family="ui-monospace, monospace"/g)?.length).toBe(EXPORT_ROW_CAP);
    expect(svg).toContain(
      `${(layout.length - EXPORT_ROW_CAP).toLocaleString('en')} more rows not exported`,
    );
    const small = toSvg(model, layout, { maxRows: 10 });
    expect(small.match(/font-family="ui-monospace, monospace"/g)?.length).toBe(10);
  });
});

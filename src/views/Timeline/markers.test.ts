import { describe, expect, it } from 'vitest';
import { allFindings } from '../../projections/machineFindings.ts';
import { fixtureSession, generatedSession, hostileSession, HOSTILE } from '../shared/sessions.ts';
import { SessionAnalysis } from '../../projections/analysis.ts';
import { SessionLog } from '../../session/SessionLog.ts';
import { FIXTURES } from '../../../fixtures/index.ts';
import { buildAxis } from './model.ts';
import { clusterMarkers, collectMarkers, markerGlyph, type Marker } from './markers.ts';

const kinds = (ms: readonly Marker[]) => ms.map((m) => `${m.kind}@${m.index}`);

describe('collectMarkers', () => {
  it('marks the 4000 close apart from a dropped socket, and the cut request as a finding', () => {
    const a = fixtureSession('close-4000');
    const markers = collectMarkers(a, allFindings(a));
    const close = markers.filter((m) => m.lane === 'connection');
    expect(close).toHaveLength(1);
    expect(close[0]?.kind).toBe('server-close');
    expect(close[0]?.label).toMatch(/^closed by the server: 4000 "closed by protoo-server"/);
    expect(a.log.typeCode(close[0]?.index ?? -1)).toBe(2);
    const findings = markers.filter((m) => m.kind === 'finding');
    expect(findings.map((m) => m.severity)).toEqual(['warning', 'info']);
    expect(findings[0]?.label).toMatch(/^warning request-cut: /);
  });

  it('tells a disconnect, failed attempts and the reconnect apart', () => {
    const a = fixtureSession('reconnect');
    const conn = collectMarkers(a).filter((m) => m.lane === 'connection');
    expect(conn.map((m) => m.kind)).toEqual([
      'disconnect',
      'ws-error',
      'failed-attempt',
      'ws-error',
      'failed-attempt',
      'ws-error',
      'failed-attempt',
      'reconnect',
    ]);
    expect(conn[0]?.label).toMatch(/^disconnect: close 1006 \(seq 45, connection c1\)$/);
    const joins = collectMarkers(a).filter((m) => m.kind === 'join');
    // The first join and the one after the reconnect.
    expect(joins).toHaveLength(2);
    expect(joins.every((m) => a.method(m.index) === 'join')).toBe(true);
  });

  it('marks error responses with their code and the request they answer', () => {
    const a = fixtureSession('rejection-500');
    const errors = collectMarkers(a).filter((m) => m.kind === 'error-response');
    expect(errors).toHaveLength(a.errors.size);
    expect(errors[0]?.label).toMatch(/^error response 500 "Peer not yet joined" to produce \(seq/);
  });

  it('marks broken frames with why they are broken', () => {
    const a = fixtureSession('broken-frames');
    const broken = collectMarkers(a).filter((m) => m.kind === 'invalid-frame');
    expect(broken.length).toBe(a.invalidReasons.size);
    expect(broken[0]?.label).toContain(a.invalidReasons.get(broken[0]?.index ?? -1) ?? '?');
  });

  it("marks a mesh room's welcome and a two-party room's create or join as joins", () => {
    const mesh = fixtureSession('mesh-room');
    const joins = collectMarkers(mesh).filter((m) => m.kind === 'join');
    expect(joins.length).toBeGreaterThan(0);
    expect(joins.every((m) => mesh.method(m.index) === 'welcome')).toBe(true);
    const two = fixtureSession('two-party-room');
    const twoJoins = collectMarkers(two).filter((m) => m.kind === 'join');
    expect(twoJoins.map((m) => two.method(m.index))).toContain('create or join');
  });

  it('keeps log order, with findings after their event, even from an unsorted list', () => {
    const a = fixtureSession('broken-frames');
    const f = allFindings(a);
    const markers = collectMarkers(a, [...f].reverse());
    for (let k = 1; k < markers.length; k++) {
      expect(markers[k]?.index).toBeGreaterThanOrEqual(markers[k - 1]?.index ?? 0);
    }
    expect(markers.filter((m) => m.kind === 'finding')).toHaveLength(f.length);
  });

  it('carries on as a live log grows, with the same markers as a fresh scan', () => {
    const events = FIXTURES.reconnect?.().events ?? [];
    const log = new SessionLog();
    for (const e of events.slice(0, 46)) log.appendWithSeq(e);
    const live = new SessionAnalysis(log).update();
    // Scanned while the socket is open, before its disconnect (seq 45) and attempts.
    const before = collectMarkers(live).length;
    for (const e of events.slice(46)) log.appendWithSeq(e);
    live.update();
    const grown = collectMarkers(live, allFindings(live));
    const fresh = fixtureSession('reconnect');
    expect(grown).toEqual(collectMarkers(fresh, allFindings(fresh)));
    expect(grown.filter((m) => m.kind !== 'finding').length).toBeGreaterThan(before);
    expect(kinds(grown)).toContain(`reconnect@${String(fresh.log.indexOfSeq(54))}`);
  });

  it('keeps hostile strings as plain text in the labels', () => {
    const a = hostileSession();
    const markers = collectMarkers(a, allFindings(a));
    expect(markers.some((m) => m.label.includes(HOSTILE))).toBe(true);
    expect(kinds(markers)).toContain('server-close@8');
  });
});

describe('clusterMarkers', () => {
  it('groups markers closer than the gap, per lane, and draws the most important', () => {
    const a = fixtureSession('broken-frames');
    const markers = collectMarkers(a, allFindings(a));
    const axis = buildAxis(a.log, false);
    const wide = clusterMarkers(markers, axis, a.log, 1_000_000, 1);
    // On a huge strip nothing at distinct times is grouped.
    expect(wide.reduce((n, c) => n + c.count, 0)).toBe(markers.length);
    const narrow = clusterMarkers(markers, axis, a.log, 40, 8);
    expect(narrow.reduce((n, c) => n + c.count, 0)).toBe(markers.length);
    expect(narrow.length).toBeLessThanOrEqual(3 * 6);
    const findingGroups = narrow.filter((c) => c.lane === 'findings');
    // Errors outrank warnings and info: the first group's errors are what is drawn.
    const big = findingGroups.find((c) => c.count > 1);
    expect(big?.top.severity).toBe('error');
    expect(big?.label).toMatch(
      /^\d+ error findings?,.* between seq \d+ and seq \d+; goes to error /,
    );
    for (const c of narrow) {
      expect(c.first).toBeLessThanOrEqual(c.top.index);
      expect(c.top.index).toBeLessThanOrEqual(c.last);
    }
  });

  it('stays within width / gap groups per lane at 100,000 events', () => {
    const a = generatedSession(100_000);
    const markers = collectMarkers(a, allFindings(a));
    const axis = buildAxis(a.log, false);
    const groups = clusterMarkers(markers, axis, a.log, 800, 8);
    for (const lane of ['findings', 'connection', 'messages'] as const) {
      expect(groups.filter((g) => g.lane === lane).length).toBeLessThanOrEqual(100);
    }
    expect(groups.reduce((n, c) => n + c.count, 0)).toBe(markers.length);
  }, 60_000);

  it('gives every kind a glyph', () => {
    const base = { index: 0, lane: 'messages' as const, label: '' };
    expect(markerGlyph({ ...base, kind: 'finding', severity: 'error' })).toBe('✖');
    expect(markerGlyph({ ...base, kind: 'finding', severity: 'warning' })).toBe('▲');
    expect(markerGlyph({ ...base, kind: 'finding', severity: 'info' })).toBe('ℹ');
    expect(markerGlyph({ ...base, kind: 'reconnect' })).toBe('▲');
    expect(markerGlyph({ ...base, kind: 'server-close' })).toBe('■');
  });
});

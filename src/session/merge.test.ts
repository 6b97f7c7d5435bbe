import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { SessionAnalysis } from '../projections/analysis.ts';
import {
  createMachineDrivers,
  peerConnectionStateOf,
  protooPeerStateOf,
} from '../projections/machineStates.ts';
import { readCaptureStrict } from './capture.ts';
import type { SessionEvent } from './events.ts';
import { importHar } from './har.ts';
import { mergeSessions, sessionFromCapture } from './merge.ts';
import { SessionLog } from './SessionLog.ts';
import { importWebrtcInternals } from './webrtcInternals.ts';

const read = (file: string) =>
  readFileSync(new URL(`../../fixtures/imports/${file}`, import.meta.url), 'utf8');

const har = () => importHar(read('legacy-participant-join.har'), { name: 'join.har' });
const dump = () =>
  importWebrtcInternals(read('legacy-participant-join.webrtc_internals_dump.txt'), {
    name: 'dump.txt',
  });

function logOf(events: readonly SessionEvent[]): SessionLog {
  const log = new SessionLog();
  for (const e of events) log.appendWithSeq(e);
  return log;
}

describe('mergeSessions', () => {
  it("puts the HAR's signaling and the dump's peer connections on one time axis", () => {
    const merged = mergeSessions([har(), dump()]);
    expect(merged.problems).toEqual([]);
    expect(merged.warnings).toEqual([]);
    expect(merged.clock).toBe('absolute');
    // t = 0 is the HAR's socket opening (10:00:00.000); the dump starts 96.6 ms later.
    expect(merged.header.created).toBe('2026-11-22T10:00:00.000Z');
    expect(merged.header.source).toMatchObject({
      kind: 'merged',
      name: 'join.har + dump.txt',
      parts: [
        { kind: 'har', name: 'join.har', events: 111 },
        { kind: 'webrtc-internals', name: 'dump.txt', events: 34 },
      ],
    });
    const at = (pred: (e: SessionEvent) => boolean) => merged.events.find(pred)?.t;
    expect(
      at((e) => e.type === 'pc' && e.pc === '4242-2' && e.event === 'setRemoteDescription'),
    ).toBeCloseTo(96.6, 6);
    expect(
      at(
        (e) =>
          e.type === 'pc' &&
          e.pc === '4242-1' &&
          e.event === 'connectionstatechange' &&
          e.value === 'connected',
      ),
    ).toBeCloseTo(306.2, 6);
    // The recv transport's connect request (capture t = 100, +0.4 in the HAR) comes after
    // the recv pc answered (98.3) and before it reports connecting (120.2).
    const seqOf = (pred: (e: SessionEvent) => boolean) => merged.events.find(pred)?.seq ?? -1;
    const connect = seqOf(
      (e) => e.type === 'ws.frame' && (e.text ?? '').includes('"connectWebRtcTransport"'),
    );
    const answered = seqOf(
      (e) => e.type === 'pc' && e.pc === '4242-2' && e.event === 'setLocalDescription',
    );
    const connecting = seqOf(
      (e) => e.type === 'pc' && e.pc === '4242-2' && e.event === 'connectionstatechange',
    );
    expect(answered).toBeLessThan(connect);
    expect(connect).toBeLessThan(connecting);
    expect(merged.events).toHaveLength(111 + 34 + 1);
    merged.events.forEach((e, k) => {
      expect(e.seq).toBe(k);
      if (k > 0) expect(e.t).toBeGreaterThanOrEqual(merged.events[k - 1]?.t ?? 0);
    });
  });

  it("says that the HAR's page is the dump's page, in the result and in a note", () => {
    const merged = mergeSessions([har(), dump()]);
    const sentence =
      'join.har: the page https://demo.example.org/?roomId=bnzsceer&peerId=xc24fh03 is the page of peer connections 4242-2, 4242-1 of dump.txt';
    expect(merged.extras.matches).toEqual([sentence]);
    const note = merged.events.find((e) => e.type === 'note' && e.text.startsWith('Same page'));
    expect(note).toMatchObject({ type: 'note', text: `Same page: ${sentence}` });
    // Just before the first peer connection's create.
    expect(merged.events[(note?.seq ?? 0) + 1]).toMatchObject({
      type: 'pc',
      pc: '4242-2',
      event: 'create',
    });
  });

  it('gives the machines the protoo connection of the HAR and the connection states of the dump', () => {
    const merged = mergeSessions([har(), dump()]);
    const drivers = createMachineDrivers(new SessionAnalysis(logOf(merged.events)).update());
    const pcs = Object.fromEntries(
      drivers.pc
        .tracks()
        .map((t) => [t.pc, peerConnectionStateOf(t.stepper.final.value).connectionState]),
    );
    expect(pcs).toEqual({ '4242-2': 'connected', '4242-1': 'connected' });
    const changes = drivers.pc.track('4242-1')?.changes() ?? [];
    const connectedAt = changes.find(
      (c) => (c.state as { connection?: string }).connection === 'connected',
    )?.seq;
    expect(merged.events[connectedAt ?? -1]).toMatchObject({
      event: 'connectionstatechange',
      value: 'connected',
    });
    expect(
      drivers.protoo.tracks().map((t) => [t.conn, protooPeerStateOf(t.stepper.final).state]),
    ).toEqual([['har-1', 'open']]);
  });

  it('renames conn and pc ids that collide, everywhere in that file, and lists each', () => {
    const merged = mergeSessions([har(), dump(), har(), dump()]);
    expect(merged.renamed).toEqual([
      { part: 'join.har', kind: 'conn', from: 'har-1', to: 'har-1#3' },
      { part: 'dump.txt', kind: 'pc', from: '4242-2', to: '4242-2#4' },
      { part: 'dump.txt', kind: 'pc', from: '4242-1', to: '4242-1#4' },
    ]);
    const conns = new Set(merged.events.flatMap((e) => ('conn' in e && e.conn ? [e.conn] : [])));
    expect([...conns].sort()).toEqual(['har-1', 'har-1#3']);
    const pcs = new Set(merged.events.flatMap((e) => (e.type === 'pc' ? [e.pc] : [])));
    expect([...pcs].sort()).toEqual(['4242-1', '4242-1#4', '4242-2', '4242-2#4']);
    expect(merged.events.filter((e) => e.type === 'ws.frame' && e.conn === 'har-1#3')).toHaveLength(
      110,
    );
    expect(merged.extras.stats?.map((s) => s.pc)).toEqual([
      '4242-1',
      '4242-1',
      '4242-1',
      '4242-1',
      '4242-1#4',
      '4242-1#4',
      '4242-1#4',
      '4242-1#4',
    ]);
  });

  it('merges a signalscope capture by its created time, keeping its conn apart from the HAR', () => {
    const text = readFileSync(
      new URL('../../fixtures/legacy-participant-join.sscap.jsonl', import.meta.url),
      'utf8',
    );
    const { header, log } = readCaptureStrict(text);
    const capture = sessionFromCapture('join.sscap.jsonl', header, log.events());
    const merged = mergeSessions([capture, har()]);
    expect(merged.renamed).toEqual([]);
    const firstFrames = merged.events
      .filter((e) => e.type === 'ws.frame')
      .slice(0, 4)
      .map((e) => [e.t, 'conn' in e ? e.conn : '']);
    expect(firstFrames).toEqual([
      [3, 'c1'],
      [3.4, 'har-1'],
      [5, 'c1'],
      [5.4, 'har-1'],
    ]);
  });

  it('places a session without wall-clock times at the start, and says so', () => {
    const relative = importWebrtcInternals({
      PeerConnections: { '1-1': { updateLog: [{ time: '?', type: 'createOffer', value: '' }] } },
    });
    const merged = mergeSessions([har(), { ...relative, name: 'odd.txt' }]);
    expect(merged.warnings).toContain(
      'odd.txt: its times are not wall-clock times, so its events were placed from the start of the merge; their order within the file is kept',
    );
    expect(merged.events.filter((e) => e.type === 'pc').map((e) => e.t)).toEqual([0, 1]);
  });

  it('warns when the files look like different sessions: other pages, hours apart', () => {
    const old = importWebrtcInternals(read('old-style.webrtc_internals_dump.txt'), {
      name: 'old.txt',
      timeZoneOffsetMinutes: 0,
    });
    const merged = mergeSessions([har(), old]);
    expect(merged.extras.matches).toEqual([]);
    expect(merged.warnings).toEqual(
      expect.arrayContaining([
        "the HAR's pages (https://demo.example.org/?roomId=bnzsceer&peerId=xc24fh03) are not the dump's (https://appr.tc/r/123456789): the files may come from different sessions",
        expect.stringMatching(/^join\.har starts \d+ days after old\.txt ends/),
      ]),
    );
  });

  it("names each file's problems with the file", () => {
    const broken = importHar(read('malformed.har'), { name: 'bad.har' });
    const merged = mergeSessions([har(), broken]);
    expect(merged.problems).toHaveLength(7);
    expect(merged.problems[0]).toMatchObject({
      where: 'bad.har: HAR entry 1 (_webSocketMessages[1])',
      message: 'bad.har: HAR entry 1 (_webSocketMessages[1]): "opcode" must be a number, found "1"',
      line: 94,
    });
  });
});

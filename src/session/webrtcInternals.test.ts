import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { SessionAnalysis } from '../projections/analysis.ts';
import { createMachineDrivers, peerConnectionStateOf } from '../projections/machineStates.ts';
import type { NoteEvent, PcEvent, SessionEvent } from './events.ts';
import { ImportRefusedError } from './formatsImport.ts';
import { SessionLog } from './SessionLog.ts';
import { decodeValue, importWebrtcInternals, parseDumpTime, specState } from './webrtcInternals.ts';

const read = (file: string) =>
  readFileSync(new URL(`../../fixtures/imports/${file}`, import.meta.url), 'utf8');

const START = Date.parse('2026-11-22T10:00:00.000Z');

function pcEvents(events: readonly SessionEvent[], pc: string): PcEvent[] {
  return events.filter((e): e is PcEvent => e.type === 'pc' && e.pc === pc);
}

function finalPcStates(events: readonly SessionEvent[]) {
  const log = new SessionLog();
  for (const e of events) log.appendWithSeq(e);
  const drivers = createMachineDrivers(new SessionAnalysis(log).update());
  return Object.fromEntries(
    drivers.pc.tracks().map((t) => [t.pc, peerConnectionStateOf(t.stepper.final.value)]),
  );
}

describe('importWebrtcInternals: a new-style dump', () => {
  const dump = importWebrtcInternals(read('legacy-participant-join.webrtc_internals_dump.txt'), {
    name: 'dump.txt',
  });

  it('reads every update of every peer connection, on the timestamps of the dump', () => {
    expect(dump.problems).toEqual([]);
    expect(dump.warnings).toEqual([]);
    expect(dump.clock).toBe('absolute');
    expect(dump.peerConnections).toEqual(['4242-1', '4242-2']);
    expect(dump.userAgent).toContain('Chrome/131');
    // t = 0 at the first update (96.6 ms after the capture started), whole ms.
    expect(dump.header.created).toBe(new Date(START + 96).toISOString());
    expect(dump.header.source).toMatchObject({ kind: 'webrtc-internals', name: 'dump.txt' });
    const recv = pcEvents(dump.events, '4242-2');
    expect(recv.map((e) => e.event)).toEqual([
      'create',
      'setRemoteDescription',
      'signalingstatechange',
      'setRemoteDescriptionOnSuccess',
      'createAnswer',
      'createAnswerOnSuccess',
      'setLocalDescription',
      'signalingstatechange',
      'setLocalDescriptionOnSuccess',
      'icegatheringstatechange',
      'icecandidate',
      'iceconnectionstatechange',
      'connectionstatechange',
      'icegatheringstatechange',
      'iceconnectionstatechange',
      'connectionstatechange',
    ]);
    const connected = recv.at(-1);
    expect(connected?.t).toBeCloseTo(191.4 - 96, 6);
    expect(pcEvents(dump.events, '4242-1').at(-1)?.t).toBeCloseTo(306.2 - 96, 6);
    // seq is the position; t never decreases.
    dump.events.forEach((e, k) => {
      expect(e.seq).toBe(k);
      if (k > 0) expect(e.t).toBeGreaterThanOrEqual(dump.events[k - 1]?.t ?? 0);
    });
  });

  it('decodes JSON-encoded state values and keeps the value as written', () => {
    const states = pcEvents(dump.events, '4242-2').filter((e) => e.event.endsWith('statechange'));
    expect(states.map((e) => e.value)).toEqual([
      'have-remote-offer',
      'stable',
      'gathering',
      'checking',
      'connecting',
      'complete',
      'connected',
      'connected',
    ]);
    expect(states[0]?.extra).toEqual({ dumpValue: '"have-remote-offer"' });
    const sld = pcEvents(dump.events, '4242-2').find((e) => e.event === 'setLocalDescription');
    expect(String(sld?.value)).toMatch(/^type: answer, sdp: v=0\r\n/);
    expect(sld?.extra).toBeUndefined();
  });

  it('starts each peer connection with a create event carrying its page and configuration', () => {
    const create = pcEvents(dump.events, '4242-1')[0];
    expect(create?.event).toBe('create');
    expect(create?.value).toMatchObject({
      url: 'https://demo.example.org/?roomId=bnzsceer&peerId=xc24fh03',
      rtcConfiguration: { bundlePolicy: 'max-bundle' },
      pid: 4242,
    });
    expect(dump.extras.pageUrls).toEqual([
      'https://demo.example.org/?roomId=bnzsceer&peerId=xc24fh03',
    ]);
  });

  it('gives the pc machines the connection states of the dump', () => {
    expect(finalPcStates(dump.events)).toEqual({
      '4242-2': {
        signalingState: 'stable',
        iceGatheringState: 'complete',
        iceConnectionState: 'connected',
        connectionState: 'connected',
      },
      '4242-1': {
        signalingState: 'stable',
        iceGatheringState: 'complete',
        iceConnectionState: 'connected',
        connectionState: 'connected',
      },
    });
  });

  it('turns getUserMedia calls and answers into notes at their times', () => {
    const notes = dump.events.filter((e): e is NoteEvent => e.type === 'note');
    expect(notes.map((e) => [e.t, e.text])).toEqual([
      [
        54.4,
        'getUserMedia request 0 from https://demo.example.org (audio: true; video: {width: {ideal: 1280}, height: {ideal: 720}})',
      ],
      [
        86.9,
        'getUserMedia request 0 answered: Default - Built-in Microphone; Integrated Camera (04f2:b6dd)',
      ],
    ]);
    expect(notes[0]?.extra?.getUserMedia).toMatchObject({
      request_id: 0,
      origin: 'https://demo.example.org',
    });
  });

  it('keeps the stats series, values parsed, ids and fields split', () => {
    const stats = dump.extras.stats ?? [];
    expect(stats.map((s) => [s.pc, s.id, s.field, s.statsType, s.values.length])).toEqual([
      ['4242-1', 'ST01', 'bytesSent', 'transport', 4],
      ['4242-1', 'ST01', 'dtlsState', 'transport', 4],
      ['4242-1', 'SCP01', 'currentRoundTripTime', 'candidate-pair', 4],
      ['4242-1', 'SOT01V', '[bytesSent_in_bits/s]', 'outbound-rtp', 4],
    ]);
    expect(stats[0]?.values).toEqual([1200, 48000, 96500, 151000]);
    expect(stats[0]?.startMs).toBe(START + 1200);
    expect(stats[0]?.endMs).toBe(START + 4200);
  });
});

describe('importWebrtcInternals: an old-style dump', () => {
  const dump = importWebrtcInternals(read('old-style.webrtc_internals_dump.txt'), {
    timeZoneOffsetMinutes: 0,
  });

  it('reads en-US local times (to the second) in the given zone and says so', () => {
    expect(dump.clock).toBe('absolute');
    expect(dump.header.created).toBe('2016-03-09T14:59:58.000Z');
    const updates = pcEvents(dump.events, '77-1').slice(1);
    expect(updates.map((e) => e.t)).toEqual([0, 0, 0, 0, 0, 0, 0, 1000, 1000, 1000, 2000, 2000]);
    expect(dump.warnings).toEqual([
      '12 update time(s) are local times without a time zone (an old dump), read as month/day/year in UTC+00:00, to the second: events within one second keep their order per peer connection',
      '1 getUserMedia entry has no time: shown at the start of the dump',
    ]);
  });

  it('maps old Chrome names and enum values to the spec names, keeping both', () => {
    const updates = pcEvents(dump.events, '77-1').slice(1);
    expect(
      updates.map((e) => [e.event, typeof e.value === 'string' ? e.value.slice(0, 11) : e.value]),
    ).toEqual([
      ['createOffer', 'offerToRece'],
      ['createOfferOnSuccess', 'type: offer'],
      ['setLocalDescription', 'type: offer'],
      ['signalingstatechange', 'have-local-'],
      ['setLocalDescriptionOnSuccess', undefined],
      ['icegatheringstatechange', 'gathering'],
      ['setRemoteDescription', 'type: answe'],
      ['signalingstatechange', 'stable'],
      ['setRemoteDescriptionOnSuccess', undefined],
      ['iceconnectionstatechange', 'checking'],
      ['iceconnectionstatechange', 'connected'],
      ['icegatheringstatechange', 'complete'],
    ]);
    expect(updates[3]?.extra).toEqual({
      dumpType: 'signalingStateChange',
      dumpValue: 'SignalingStateHaveLocalOffer',
    });
    expect(finalPcStates(dump.events)['77-1']).toMatchObject({
      signalingState: 'stable',
      iceGatheringState: 'complete',
      iceConnectionState: 'connected',
    });
  });

  it('keeps stats series whose times are Date strings', () => {
    expect(dump.extras.stats).toEqual([
      {
        pc: '77-1',
        id: 'Conn-audio-1-0',
        field: 'googRtt',
        statsType: undefined,
        startMs: Date.parse('2016-03-09T15:00:01.000Z'),
        endMs: Date.parse('2016-03-09T15:00:03.000Z'),
        values: [41, 39, 40],
      },
    ]);
  });
});

describe('importWebrtcInternals: times', () => {
  const dumpWith = (times: unknown[]) => ({
    PeerConnections: {
      '1-1': {
        updateLog: times.map((time, k) => ({ time, type: `u${k}`, value: '' })),
      },
    },
  });

  it('reads day-first locales (dots, or a first number above 12) and 24-hour clocks', () => {
    const dots = importWebrtcInternals(dumpWith(['9.3.2016, 15:00:01', '9.3.2016, 15:00:03']), {
      timeZoneOffsetMinutes: 60,
    });
    expect(dots.header.created).toBe('2016-03-09T14:00:01.000Z');
    expect(dots.events.map((e) => e.t)).toEqual([0, 0, 2000]);
    const slashes = importWebrtcInternals(dumpWith(['1/3/2016, 10:00:00', '13/3/2016, 10:00:00']), {
      timeZoneOffsetMinutes: 0,
    });
    expect(slashes.header.created).toBe('2016-03-01T10:00:00.000Z');
    expect(slashes.events.at(-1)?.t).toBe(12 * 86_400_000);
  });

  it('gives an unreadable time the time of the update before it, keeping the order', () => {
    const dump = importWebrtcInternals(
      dumpWith(['3/9/2016, 2:59:58 PM', 'sometime', '3/9/2016, 3:00:00 PM']),
      { timeZoneOffsetMinutes: 0 },
    );
    expect(dump.events.map((e) => (e.type === 'pc' ? [e.event, e.t] : []))).toEqual([
      ['create', 0],
      ['u0', 0],
      ['u1', 0],
      ['u2', 2000],
    ]);
    expect(dump.warnings).toContain(
      '1 update time(s) could not be read: each such update takes the time of the one before it, keeping the order',
    );
  });

  it('keeps the order of a dump with no readable time, on a relative clock, and says so', () => {
    const dump = importWebrtcInternals(dumpWith(['?', '??']));
    expect(dump.clock).toBe('relative');
    expect(dump.events.map((e) => (e.type === 'pc' ? e.event : e.type))).toEqual([
      'create',
      'u0',
      'u1',
    ]);
    expect(dump.events.map((e) => e.t)).toEqual([0, 1, 2]);
    expect(dump.warnings.join('\n')).toMatch(/no update time could be read \(2\)/);
  });

  it('parseDumpTime reads numbers, AM/PM and the year first', () => {
    expect(parseDumpTime(1795341600000, 'mdy', 0)).toBe(1795341600000);
    expect(parseDumpTime('1795341600000', 'mdy', 0)).toBe(1795341600000);
    expect(parseDumpTime('11/22/2026, 12:00:05 AM', 'mdy', 0)).toBe(
      Date.parse('2026-11-22T00:00:05Z'),
    );
    expect(parseDumpTime('11/22/2026, 1:00:05 PM', 'mdy', -300)).toBe(
      Date.parse('2026-11-22T18:00:05Z'),
    );
    expect(parseDumpTime('2026/11/22 10:00:00', 'dmy', 0)).toBe(Date.parse('2026-11-22T10:00:00Z'));
    expect(parseDumpTime('Sun Nov 22 2026 10:00:00 GMT+0100', 'dmy', 0)).toBe(
      Date.parse('2026-11-22T09:00:00Z'),
    );
    expect(parseDumpTime('13/13/2026, 10:00:00', 'mdy', 0)).toBeUndefined();
    expect(parseDumpTime('', 'mdy', 0)).toBeUndefined();
  });
});

describe('importWebrtcInternals: problems', () => {
  it('drops each malformed entry with a problem naming the peer connection, entry and field', () => {
    const dump = importWebrtcInternals(read('malformed.webrtc_internals_dump.txt'));
    expect(dump.problems.map((p) => [p.message, p.field])).toEqual([
      ['PeerConnections["12-1"].updateLog[3]: missing "type"', 'type'],
      ['PeerConnections["12-1"].updateLog[4]: "type" must be a string, found 42', 'type'],
      [
        'PeerConnections["12-1"].stats["T01-bytesReceived"]: "values" must be a JSON array (as text), found "not json"',
        'values',
      ],
      [
        'PeerConnections["12-2"].updateLog: "updateLog" must be an array, found "nothing here"; the peer connection was dropped',
        'updateLog',
      ],
      ['PeerConnections["12-3"]: expected a peer connection object, found null', undefined],
      ['getUserMedia[0]: expected an object, found 7', undefined],
    ]);
    // The dump is one line: every problem is on line 1.
    expect(dump.problems.every((p) => p.line === 1)).toBe(true);
    expect(pcEvents(dump.events, '12-1').map((e) => [e.event, e.value])).toEqual([
      ['create', { url: 'https://demo.example.org/?roomId=bnzsceer&peerId=xc24fh03', pid: 12 }],
      ['createOffer', undefined],
      ['signalingstatechange', 'have-local-offer'],
      ['connectionstatechange', 'connecting'],
      ['connectionstatechange', 'connected'],
    ]);
    expect(dump.peerConnections).toEqual(['12-1']);
    expect(dump.extras.stats?.map((s) => s.field)).toEqual(['bytesSent']);
  });

  it('refuses what is not a dump, saying why', () => {
    expect(() => importWebrtcInternals('{"PeerConnections": {')).toThrow(ImportRefusedError);
    expect(() => importWebrtcInternals('{"PeerConnections": {')).toThrow(
      /this webrtc-internals dump is not valid JSON/,
    );
    expect(() => importWebrtcInternals({ UserAgent: 'x' })).toThrow(
      'not a webrtc-internals dump: it has neither "PeerConnections" nor "getUserMedia"',
    );
    expect(() => importWebrtcInternals({ PeerConnections: [] })).toThrow(
      'not a webrtc-internals dump: "PeerConnections" must be an object, found an array',
    );
    expect(() => importWebrtcInternals({ getUserMedia: {} })).toThrow(
      'not a webrtc-internals dump: "getUserMedia" must be an array, found an object',
    );
  });
});

describe('value helpers', () => {
  it('decodeValue decodes only JSON-encoded strings', () => {
    expect(decodeValue('"connected"')).toBe('connected');
    expect(decodeValue('connected')).toBe('connected');
    expect(decodeValue('"a" + "b"')).toBe('"a" + "b"');
    expect(decodeValue('{"type":"offer"}')).toBe('{"type":"offer"}');
    expect(decodeValue(3)).toBe(3);
  });

  it('specState turns old enum names into spec states', () => {
    expect(specState('SignalingStateHaveRemotePrAnswer')).toBe('have-remote-pr-answer');
    expect(specState('kICEConnectionStateDisconnected')).toBe('disconnected');
    expect(specState('ICEConnectionStateCompleted')).toBe('completed');
    expect(specState('kIceGatheringNew')).toBe('new');
    expect(specState('have-local-offer')).toBe('have-local-offer');
  });
});

describe('hostile dumps (found by fuzz/)', () => {
  it('a getUserMedia constraint nested 50,000 deep becomes a note, not a stack overflow', () => {
    const deep = '['.repeat(50_000) + ']'.repeat(50_000);
    const text = `{"getUserMedia":[{"request_id":1,"origin":"https://x","audio":${deep}}],"PeerConnections":{}}`;
    const dump = importWebrtcInternals(text, {});
    const note = dump.events.find((e): e is NoteEvent => e.type === 'note');
    expect(note?.text.startsWith('getUserMedia request 1 from https://x (audio: [[[')).toBe(true);
  });
});

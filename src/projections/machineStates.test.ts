import { readFileSync, readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { readCaptureText } from '../session/capture.ts';
import type { EventInput } from '../session/events.ts';
import { SessionLog } from '../session/SessionLog.ts';
import { SessionAnalysis } from './analysis.ts';
import {
  createMachineDrivers,
  machineStates,
  peerConnectionStateOf,
  type MachineEntry,
  type PeerConnectionEntry,
  type ProtooPeerEntry,
} from './machineStates.ts';

const FIXTURE_DIR = new URL('../../fixtures/', import.meta.url);
const FIXTURE_FILES = readdirSync(FIXTURE_DIR)
  .filter((f) => f.endsWith('.sscap.jsonl'))
  .sort();

function analyseFixture(file: string): SessionAnalysis {
  const { log, errors } = readCaptureText(readFileSync(new URL(file, FIXTURE_DIR), 'utf8'));
  expect(errors).toEqual([]);
  return new SessionAnalysis(log).update();
}

function analyse(events: readonly EventInput[]): SessionAnalysis {
  const log = new SessionLog();
  for (const e of events) log.append(e);
  return new SessionAnalysis(log).update();
}

function protoo(machines: readonly MachineEntry[], id = 'c1'): ProtooPeerEntry {
  const m = machines.find((x) => x.kind === 'protoo-peer' && x.id === id);
  if (m?.kind !== 'protoo-peer') throw new Error(`no protoo-peer ${id}`);
  return m;
}

function pc(machines: readonly MachineEntry[], id: string): PeerConnectionEntry {
  const m = machines.find((x) => x.kind === 'peer-connection' && x.id === id);
  if (m?.kind !== 'peer-connection') throw new Error(`no peer-connection ${id}`);
  return m;
}

const SIGNALING = [
  'stable',
  'have-local-offer',
  'have-remote-offer',
  'have-local-pranswer',
  'have-remote-pranswer',
  'closed',
];

describe('machineStates on every fixture', () => {
  it('finds the fixtures', () => {
    expect(FIXTURE_FILES.length).toBeGreaterThanOrEqual(8);
  });

  for (const file of FIXTURE_FILES) {
    it(`${file}: one protoo peer per protoo connection, one peer connection per pc, consistent changes`, () => {
      const a = analyseFixture(file);
      const log = a.log;
      const { machines } = machineStates(a);
      const pcIds = new Set<string>();
      for (let i = 0; i < log.length; i++) {
        const e = log.get(i);
        if (e.type === 'pc') pcIds.add(e.pc);
      }
      const protooConns = log.connections().filter((_, id) => {
        const p = a.protocolOf(id);
        return p !== 'mesh' && p !== 'two-party';
      });
      expect(machines.filter((m) => m.kind === 'protoo-peer').map((m) => m.id)).toEqual(
        protooConns,
      );
      expect(
        machines
          .filter((m) => m.kind === 'peer-connection')
          .map((m) => m.id)
          .sort(),
      ).toEqual([...pcIds].sort());
      // In kind order: protoo peers, peer connections, negotiation, rooms.
      const ORDER = [
        'protoo-peer',
        'peer-connection',
        'negotiation',
        'mediasoup-room',
        'mesh-room',
        'two-party-room',
      ];
      const kinds = machines.map((m) => m.kind);
      expect(kinds).toEqual([...kinds].sort((x, y) => ORDER.indexOf(x) - ORDER.indexOf(y)));

      for (const m of machines) {
        let lastSeq = -1;
        for (const c of m.changes) {
          expect(c.seq).toBeGreaterThan(lastSeq);
          lastSeq = c.seq;
          expect(log.seq(c.index)).toBe(c.seq);
          expect(log.time(c.index)).toBe(c.t);
        }
        const last = m.changes.at(-1)?.state ?? m.initial;
        if (m.kind !== 'protoo-peer' && m.kind !== 'peer-connection') {
          // Every view change is listed: the last one is the final view.
          expect(m.final).toEqual(last);
        } else if (m.kind === 'peer-connection') {
          expect(m.final).toEqual(last);
          expect(Object.keys(m.final).sort()).toEqual([
            'connectionState',
            'iceConnectionState',
            'iceGatheringState',
            'signalingState',
          ]);
          expect(SIGNALING).toContain(m.final.signalingState);
        } else {
          expect(m.final.state).toBe((last as typeof m.final).state);
          expect(m.initial).toEqual({ state: 'connecting', cycle: 1, attempt: 1, pending: 0 });
          expect(m.final.attempt).toBeGreaterThanOrEqual(1);
          expect(m.final.attempt).toBeLessThanOrEqual(11);
        }
      }
      // The result is plain data: JSON keeps it whole.
      expect(JSON.parse(JSON.stringify(machines))).toEqual(machines);
    });
  }

  it('reconnect: the protoo peer drops, fails three attempts of cycle 2, then opens again', () => {
    const { machines } = machineStates(analyseFixture('reconnect.sscap.jsonl'));
    const peer = protoo(machines);
    expect(peer.changes.map((c) => c.state.state)).toEqual([
      'open',
      'reconnecting',
      'failed',
      'reconnecting',
      'failed',
      'reconnecting',
      'failed',
      'open',
    ]);
    const failed = peer.changes.filter((c) => c.state.state === 'failed');
    expect(failed.map((c) => [c.state.cycle, c.state.attempt])).toEqual([
      [2, 1],
      [2, 2],
      [2, 3],
    ]);
    // protoo's backoff: 1, 2, 4 s after each failed attempt.
    expect(failed.map((c) => (c.state.nextAttemptAt ?? 0) - c.t)).toEqual([1000, 2000, 4000]);
    expect(peer.final).toMatchObject({ state: 'open', cycle: 2, attempt: 4 });
    expect(peer.final.closedBy).toBeUndefined();
    // The pcs were closed with the socket.
    expect(pc(machines, 'send-pc').changes.find((c) => c.seq === 46)?.state).toEqual({
      signalingState: 'closed',
      iceGatheringState: 'new',
      iceConnectionState: 'closed',
      connectionState: 'closed',
    });
  });

  it('close-4000: the protoo peer ends closed by the server', () => {
    const { machines } = machineStates(analyseFixture('close-4000.sscap.jsonl'));
    const peer = protoo(machines);
    expect(peer.changes.map((c) => c.state.state)).toEqual(['open', 'closed']);
    expect(peer.final).toMatchObject({
      state: 'closed',
      closedBy: 'server',
      closeCode: 4000,
      closeReason: 'closed by protoo-server',
      cycle: 1,
    });
    expect(peer.changes.at(-1)?.seq).toBe(47);
  });

  it('legacy-participant-join: both peer connections end connected, the peer open', () => {
    const { machines } = machineStates(analyseFixture('legacy-participant-join.sscap.jsonl'));
    expect(protoo(machines).final.state).toBe('open');
    for (const id of ['send-pc', 'recv-pc']) {
      const m = pc(machines, id);
      expect(m.changes.map((c) => c.state.connectionState)).toEqual(['connecting', 'connected']);
      expect(m.final).toEqual({
        signalingState: 'stable',
        iceGatheringState: 'new',
        iceConnectionState: 'new',
        connectionState: 'connected',
      });
    }
  });

  it('observer-join: a protoo peer and no peer connection', () => {
    const { machines } = machineStates(analyseFixture('observer-join.sscap.jsonl'));
    expect(machines.map((m) => m.kind)).toEqual(['protoo-peer', 'mediasoup-room']);
  });
});

describe('machineStates on hand-built logs', () => {
  const SDP = 'v=0\r\n';

  it('follows an offer/answer exchange and the ICE and connection reports', () => {
    const a = analyse([
      {
        t: 0,
        type: 'pc',
        pc: 'p1',
        event: 'setLocalDescription',
        value: { type: 'offer', sdp: SDP },
      },
      { t: 1, type: 'pc', pc: 'p1', event: 'setLocalDescriptionOnSuccess' },
      { t: 2, type: 'pc', pc: 'p1', event: 'signalingstatechange', value: 'have-local-offer' },
      { t: 3, type: 'pc', pc: 'p1', event: 'icegatheringstatechange', value: 'gathering' },
      {
        t: 4,
        type: 'pc',
        pc: 'p1',
        event: 'setRemoteDescription',
        value: { type: 'answer', sdp: SDP },
      },
      { t: 5, type: 'pc', pc: 'p1', event: 'setRemoteDescriptionOnSuccess' },
      { t: 6, type: 'pc', pc: 'p1', event: 'iceconnectionstatechange', value: 'checking' },
      { t: 7, type: 'pc', pc: 'p1', event: 'iceconnectionstatechange', value: 'connected' },
      { t: 8, type: 'pc', pc: 'p1', event: 'connectionstatechange', value: 'connecting' },
      { t: 9, type: 'pc', pc: 'p1', event: 'connectionstatechange', value: 'connected' },
    ]);
    const { machines } = machineStates(a);
    // Not a mediasoup transport's pc: its perfect-negotiation model is listed too.
    expect(machines.map((m) => [m.kind, m.id])).toEqual([
      ['peer-connection', 'p1'],
      ['negotiation', 'p1'],
    ]);
    const m = pc(machines, 'p1');
    expect(m.changes.map((c) => [c.seq, c.state])).toEqual([
      [
        1,
        {
          signalingState: 'have-local-offer',
          iceGatheringState: 'new',
          iceConnectionState: 'new',
          connectionState: 'new',
        },
      ],
      [
        3,
        {
          signalingState: 'have-local-offer',
          iceGatheringState: 'gathering',
          iceConnectionState: 'new',
          connectionState: 'new',
        },
      ],
      [
        5,
        {
          signalingState: 'stable',
          iceGatheringState: 'gathering',
          iceConnectionState: 'new',
          connectionState: 'new',
        },
      ],
      [
        6,
        {
          signalingState: 'stable',
          iceGatheringState: 'gathering',
          iceConnectionState: 'checking',
          connectionState: 'new',
        },
      ],
      [
        7,
        {
          signalingState: 'stable',
          iceGatheringState: 'gathering',
          iceConnectionState: 'connected',
          connectionState: 'new',
        },
      ],
      [
        8,
        {
          signalingState: 'stable',
          iceGatheringState: 'gathering',
          iceConnectionState: 'connected',
          connectionState: 'connecting',
        },
      ],
      [
        9,
        {
          signalingState: 'stable',
          iceGatheringState: 'gathering',
          iceConnectionState: 'connected',
          connectionState: 'connected',
        },
      ],
    ]);
  });

  it('a protoo peer whose retries run out ends closed by retries, with the failed attempts', () => {
    const events: EventInput[] = [];
    let t = 0;
    for (let attempt = 1; attempt <= 11; attempt++) {
      events.push({ t, type: 'ws.close', conn: 'c1', code: 1006 });
      t += 10_000;
    }
    const { machines } = machineStates(analyse(events));
    const peer = protoo(machines);
    expect(peer.changes.filter((c) => c.state.state === 'failed')).toHaveLength(10);
    expect(peer.final).toEqual({
      state: 'closed',
      cycle: 1,
      attempt: 11,
      pending: 0,
      closedBy: 'retries',
      closeCode: 1006,
    });
  });

  it('shares drivers, and gives no machine for an empty log', () => {
    const a = analyse([]);
    expect(machineStates(a, createMachineDrivers(a))).toEqual({ machines: [] });
  });
});

describe('peerConnectionStateOf', () => {
  it('names the four attributes, defaulting what a value lacks', () => {
    expect(peerConnectionStateOf({ signaling: 'have-remote-offer', connection: 'failed' })).toEqual(
      {
        signalingState: 'have-remote-offer',
        iceGatheringState: 'new',
        iceConnectionState: 'new',
        connectionState: 'failed',
      },
    );
  });
});

describe('machineStates of the room machines', () => {
  const states = (file: string) => machineStates(analyseFixture(file)).machines;

  it('follows a mediasoup-demo client through its join to the room it ends in', () => {
    const machines = states('legacy-participant-join.sscap.jsonl');
    const room = machines.find((m) => m.kind === 'mediasoup-room');
    expect(room?.id).toBe('c1');
    if (room?.kind !== 'mediasoup-room') throw new Error('no room');
    const names = room.changes.map((c) => c.state.state).filter((n, i, all) => n !== all[i - 1]);
    expect(names).toEqual(['connected', 'gettingCapabilities', 'ready', 'joining', 'joined']);
    // The room's growth is listed as changes of its counts, not only of its state.
    expect(room.changes.length).toBeGreaterThan(names.length);
    expect(names).toContain('joined');
    expect(room.final.joined).toBe(true);
    // Its pcs are transports: no negotiation model for them.
    expect(machines.filter((m) => m.kind === 'negotiation')).toEqual([]);
    // A transport's connection state shows once its pc connects.
    expect(room.changes.some((c) => Object.values(c.state.transports).includes('connected'))).toBe(
      true,
    );
  });

  it('gives a mesh page its links and a negotiation model per pc', () => {
    const machines = states('mesh-room.sscap.jsonl');
    expect(machines.filter((m) => m.kind === 'protoo-peer')).toEqual([]);
    const mesh = machines.find((m) => m.kind === 'mesh-room');
    if (mesh?.kind !== 'mesh-room') throw new Error('no mesh page');
    expect(mesh.final.selfId).toBe('3');
    expect(Object.keys(mesh.final.links).sort()).toEqual(['1', '2', '4']);
    expect(mesh.final.links['1']).toMatch(/connected #2$/);
    expect(mesh.final.problems).toBe(0);
    expect(machines.filter((m) => m.kind === 'negotiation').length).toBeGreaterThan(0);
  });

  it('follows a two-party client to the end of the call, and a third one to full', () => {
    const room = states('two-party-room.sscap.jsonl').find((m) => m.kind === 'two-party-room');
    if (room?.kind !== 'two-party-room') throw new Error('no two-party client');
    const names = room.changes.map((c) => c.state.state).filter((n, i, all) => n !== all[i - 1]);
    expect(names).toEqual([
      'joining',
      'inRoom.initiator',
      'inRoom.gotMedia',
      'inRoom.channelReady',
      'inRoom.offering',
      'inRoom.connected',
      'ended',
    ]);
    const full = states('two-party-full.sscap.jsonl').find((m) => m.kind === 'two-party-room');
    expect(full?.final).toMatchObject({ state: 'full' });
  });
});

import { readFileSync, readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { readCaptureText } from '../session/capture.ts';
import type { EventInput } from '../session/events.ts';
import { SessionLog } from '../session/SessionLog.ts';
import { SessionAnalysis } from './analysis.ts';
import { FINDING_CODES, findings, type Finding } from './findings.ts';
import { RECONNECT_STORM, allFindings, machineFindings } from './machineFindings.ts';
import { createMachineDrivers } from './machineStates.ts';

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

const SDP = 'v=0\r\n';
let clock = 0;
/** A `pc` event of peer connection p1, one ms after the previous one. */
const pcEvent = (event: string, value?: unknown, pc = 'p1'): EventInput => ({
  t: clock++,
  type: 'pc',
  pc,
  event,
  ...(value === undefined ? {} : { value }),
});

const only = (list: readonly Finding[], code: string) => list.filter((f) => f.code === code);

describe('peer connection findings', () => {
  it('model-mismatch: a signaling report the model did not predict, with the call before it', () => {
    clock = 0;
    const list = machineFindings(
      analyse([
        pcEvent('signalingstatechange', 'have-remote-offer'),
        pcEvent('setLocalDescription', { type: 'offer', sdp: SDP }),
        pcEvent('setLocalDescriptionOnSuccess'),
        pcEvent('signalingstatechange', 'have-remote-offer'),
      ]),
    );
    expect(list.map((f) => [f.code, f.severity, f.seq])).toEqual([
      ['model-mismatch', 'warning', 0],
      ['model-mismatch', 'warning', 3],
    ]);
    expect(list[0]?.message).toBe(
      'pc p1: the browser reported signalingState "have-remote-offer", the model predicted "stable" with no call before it',
    );
    expect(list[1]?.message).toBe(
      'pc p1: the browser reported signalingState "have-remote-offer", the model predicted "have-local-offer" after setLocalDescriptionOnSuccess at seq 2',
    );
    expect(list[1]?.related).toEqual([2]);
    expect(list[1]?.machine).toEqual({ kind: 'peer-connection', id: 'p1' });
  });

  it('model-mismatch: a pending call allows both the state before and after it', () => {
    clock = 0;
    const list = machineFindings(
      analyse([
        pcEvent('setRemoteDescription', { type: 'offer', sdp: SDP }),
        pcEvent('signalingstatechange', 'have-remote-offer'),
        pcEvent('setRemoteDescriptionOnSuccess'),
        pcEvent('signalingstatechange', 'have-local-offer'),
      ]),
    );
    expect(only(list, 'model-mismatch').map((f) => f.seq)).toEqual([3]);
    expect(list[0]?.message).toContain(
      'reported signalingState "have-local-offer", the model predicted "have-remote-offer" after setRemoteDescriptionOnSuccess at seq 2',
    );
  });

  it('illegal-state-change: a connection state change after close()', () => {
    clock = 0;
    const list = machineFindings(
      analyse([
        pcEvent('connectionstatechange', 'connecting'),
        pcEvent('connectionstatechange', 'connected'),
        pcEvent('close'),
        pcEvent('connectionstatechange', 'connecting'),
      ]),
    );
    expect(list.map((f) => [f.code, f.severity, f.seq])).toEqual([
      ['illegal-state-change', 'warning', 3],
    ]);
    expect(list[0]?.message).toBe(
      'pc p1: connectionState changed from "closed" to "connecting", which the W3C rules do not allow (closed is final: a reused pc id?)',
    );
  });

  it('illegal-state-change: ICE and gathering changes that skip a state', () => {
    clock = 0;
    const list = machineFindings(
      analyse([
        pcEvent('iceconnectionstatechange', 'connected'),
        pcEvent('icegatheringstatechange', 'complete'),
      ]),
    );
    expect(list.map((f) => [f.code, f.seq])).toEqual([
      ['illegal-state-change', 0],
      ['illegal-state-change', 1],
    ]);
    expect(list[0]?.message).toContain('iceConnectionState changed from "new" to "connected"');
    expect(list[1]?.message).toContain('iceGatheringState changed from "new" to "complete"');
  });

  it('invalid-pc-call: an answer in stable and a call after close(), at the call', () => {
    clock = 0;
    const list = machineFindings(
      analyse([
        pcEvent('setRemoteDescription', { type: 'answer', sdp: SDP }),
        pcEvent('setRemoteDescriptionOnFailure', 'InvalidStateError: wrong state: stable'),
        pcEvent('setLocalDescription', { type: 'offer', sdp: SDP }),
        pcEvent('setLocalDescriptionOnSuccess'),
        pcEvent('close'),
        pcEvent('setLocalDescription', { type: 'offer', sdp: SDP }, 'p1'),
      ]),
    );
    expect(list.map((f) => [f.code, f.severity, f.seq])).toEqual([
      ['invalid-pc-call', 'warning', 0],
      ['invalid-pc-call', 'warning', 5],
    ]);
    expect(list[0]?.message).toMatch(
      /^pc p1: setRemoteDescription\(answer\) in signaling state stable: the browser must reject it with InvalidStateError/,
    );
    expect(list[1]?.message).toMatch(
      /^pc p1: setLocalDescription\(offer\) after close\(\): the browser must reject it with InvalidStateError/,
    );
  });

  it('a clean exchange gives nothing; findings are per pc', () => {
    clock = 0;
    const list = machineFindings(
      analyse([
        pcEvent('setLocalDescription', { type: 'offer', sdp: SDP }),
        pcEvent('setLocalDescriptionOnSuccess'),
        pcEvent('signalingstatechange', 'have-local-offer'),
        pcEvent('setRemoteDescription', { type: 'answer', sdp: SDP }),
        pcEvent('setRemoteDescriptionOnSuccess'),
        pcEvent('signalingstatechange', 'stable'),
        pcEvent('signalingstatechange', 'have-local-offer', 'p2'),
      ]),
    );
    expect(list.map((f) => [f.code, f.machine?.id])).toEqual([['model-mismatch', 'p2']]);
  });
});

describe('protoo peer findings', () => {
  /** Opens and drops c1 at each time. */
  const drops = (times: readonly number[]): EventInput[] =>
    times.flatMap((t) => [
      { t, type: 'ws.open' as const, conn: 'c1', url: 'wss://h/?roomId=r&peerId=p' },
      { t: t + 1, type: 'ws.close' as const, conn: 'c1', code: 1006 },
    ]);

  it(`reconnect-storm: more than ${RECONNECT_STORM.cycles} new cycles within ${RECONNECT_STORM.windowMs} ms, once per storm`, () => {
    const a = analyse(drops([0, 5_000, 10_000, 15_000, 20_000, 25_000]));
    const list = machineFindings(a);
    expect(list.map((f) => [f.code, f.severity])).toEqual([['reconnect-storm', 'warning']]);
    const storm = list[0];
    // At the 4th disconnect (the close of the 4th open), naming all six.
    expect(storm?.seq).toBe(7);
    expect(storm?.message).toBe(
      '6 disconnects, each starting a new retry cycle, between seq 1 and seq 11 (25.0 s): more than 3 within 60.0 s',
    );
    expect(storm?.related).toEqual([1, 3, 5, 9, 11]);
    expect(storm?.machine).toEqual({ kind: 'protoo-peer', id: 'c1' });
  });

  it('no storm for 3 quick disconnects, nor for slow ones; two storms when they are apart', () => {
    expect(machineFindings(analyse(drops([0, 1_000, 2_000])))).toEqual([]);
    expect(machineFindings(analyse(drops([0, 30_000, 60_000, 90_000, 120_000])))).toEqual([]);
    const two = machineFindings(
      analyse(drops([0, 1_000, 2_000, 3_000, 200_000, 201_000, 202_000, 203_000, 204_000])),
    );
    expect(two.map((f) => [f.code, f.seq])).toEqual([
      ['reconnect-storm', 7],
      ['reconnect-storm', 15],
    ]);
    expect(two[1]?.message).toMatch(/^5 disconnects/);
  });

  it('retries-exhausted: all 11 attempts of the first cycle failed', () => {
    const events: EventInput[] = [];
    for (let k = 0; k < 11; k++)
      events.push({ t: k * 10_000, type: 'ws.close', conn: 'c1', code: 1006 });
    const list = machineFindings(analyse(events));
    expect(list.map((f) => [f.code, f.severity, f.seq])).toEqual([
      ['retries-exhausted', 'error', 10],
    ]);
    expect(list[0]?.message).toBe(
      'attempt 11 of 11 failed too (close 1006): the connection never opened; protoo-client gives up and the peer is closed',
    );
    expect(list[0]?.related).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });

  it('retries-exhausted after a disconnect names it', () => {
    const events: EventInput[] = [
      { t: 0, type: 'ws.open', conn: 'c1', url: 'wss://h/?roomId=r&peerId=p' },
      { t: 5, type: 'ws.close', conn: 'c1', code: 1006 },
    ];
    for (let k = 0; k < 11; k++) {
      events.push({ t: 10 + k * 10_000, type: 'ws.close', conn: 'c1', code: 1006 });
    }
    const list = machineFindings(analyse(events));
    expect(list.map((f) => f.code)).toEqual(['retries-exhausted']);
    expect(list[0]?.message).toContain(
      'after the disconnect at seq 1 (retry cycle 2) it never opened again',
    );
  });

  it('a 4000 close is not exhausted retries', () => {
    const list = machineFindings(
      analyse([
        { t: 0, type: 'ws.open', conn: 'c1', url: 'wss://h/?roomId=r&peerId=p' },
        { t: 5, type: 'ws.close', conn: 'c1', code: 4000 },
      ]),
    );
    expect(list).toEqual([]);
  });
});

describe('allFindings', () => {
  it('merges the event findings and the machine findings in log order', () => {
    clock = 0;
    const a = analyse([
      { t: 0, type: 'ws.open', conn: 'c1', url: 'wss://h/?roomId=r&peerId=p' },
      { t: 1, type: 'pc', pc: 'p1', event: 'signalingstatechange', value: 'have-local-offer' },
      { t: 2, type: 'ws.close', conn: 'c1', code: 1006 },
      { t: 3, type: 'pc', pc: 'p1', event: 'bogusEvent' },
      { t: 4, type: 'pc', pc: 'p1', event: 'connectionstatechange', value: 'connected' },
    ]);
    const list = allFindings(a);
    expect(list.map((f) => [f.seq, f.code])).toEqual([
      [1, 'model-mismatch'],
      [2, 'connection-dropped'],
      [3, 'unknown-pc-event'],
      [4, 'illegal-state-change'],
    ]);
    expect(findings(a).map((f) => f.code)).toEqual(['connection-dropped', 'unknown-pc-event']);
    // Shared drivers give the same result.
    expect(allFindings(a, a.log.endTime, createMachineDrivers(a))).toEqual(list);
    for (const f of list) expect(f.severity).toBe(FINDING_CODES[f.code].severity);
  });
});

describe('machine findings of the fixtures', () => {
  for (const file of FIXTURE_FILES) {
    it(`${file}: every finding is well formed and allFindings stays in log order`, () => {
      const a = analyseFixture(file);
      const list = allFindings(a);
      const machine = machineFindings(a);
      expect(list).toHaveLength(findings(a).length + machine.length);
      for (let k = 1; k < list.length; k++) {
        expect(list[k]?.index).toBeGreaterThanOrEqual(list[k - 1]?.index ?? 0);
      }
      for (const f of machine) {
        expect(a.log.seq(f.index)).toBe(f.seq);
        expect(f.machine).toBeDefined();
      }
      // No fixture shows a storm, exhausted retries, or a call the browser must reject.
      expect(
        machine.filter((f) =>
          ['reconnect-storm', 'retries-exhausted', 'invalid-pc-call', 'model-mismatch'].includes(
            f.code,
          ),
        ),
      ).toEqual([]);
    });
  }

  it('the clean joins and close-4000 have no machine finding', () => {
    for (const file of [
      'legacy-participant-join.sscap.jsonl',
      'new-participant-join.sscap.jsonl',
      'observer-join.sscap.jsonl',
      'close-4000.sscap.jsonl',
    ]) {
      expect(machineFindings(analyseFixture(file)), file).toEqual([]);
    }
  });

  it('reconnect gives the new transports new pc ids: no illegal changes, no storm', () => {
    const list = machineFindings(analyseFixture('reconnect.sscap.jsonl'));
    expect(list).toEqual([]);
  });
});

describe('room machine findings', () => {
  const frame = (t: number, dir: 'in' | 'out', value: unknown, conn = 'c1'): EventInput => ({
    t,
    type: 'ws.frame',
    conn,
    dir,
    text: JSON.stringify(value),
  });
  const codes = (a: SessionAnalysis) => machineFindings(a).map((f) => f.code);

  it('reports produce before join, at the request, as call-before-join', () => {
    const a = analyse([
      { t: 0, type: 'ws.open', conn: 'c1', url: 'wss://x/?roomId=r&peerId=p', protocol: 'protoo' },
      frame(1, 'out', { request: true, id: 1, method: 'getRouterRtpCapabilities', data: {} }),
      frame(2, 'in', {
        response: true,
        id: 1,
        ok: true,
        data: { codecs: [], headerExtensions: [] },
      }),
      frame(3, 'out', {
        request: true,
        id: 2,
        method: 'produce',
        data: { transportId: 't1', kind: 'audio', rtpParameters: {}, appData: {} },
      }),
    ]);
    const f = machineFindings(a).find((x) => x.code === 'call-before-join');
    expect(f?.index).toBe(3);
    expect(f?.machine).toEqual({ kind: 'mediasoup-room', id: 'c1' });
    expect(f?.message).toMatch(/produce/);
  });

  it('reports a failed transport at the pc event that says so', () => {
    const a = analyseFixture('legacy-participant-join.sscap.jsonl');
    expect(codes(a)).not.toContain('transport-failed');
    const log = new SessionLog();
    for (const e of a.log.events()) log.appendWithSeq(e);
    const pcEvent = [...a.log.events()].find((e) => e.type === 'pc');
    if (pcEvent?.type !== 'pc') throw new Error('the fixture has pc events');
    const index = log.append({
      t: log.endTime + 1,
      type: 'pc',
      pc: pcEvent.pc,
      conn: 'c1',
      event: 'connectionstatechange',
      value: 'failed',
    });
    const failed = machineFindings(new SessionAnalysis(log).update()).filter(
      (f) => f.code === 'transport-failed',
    );
    expect(failed.map((f) => f.index)).toEqual([index]);
    expect(failed[0]?.severity).toBe('error');
  });

  it('reports an offer from the passive side of a mesh link at that frame', () => {
    const a = analyse([
      { t: 0, type: 'ws.open', conn: 'm1', url: 'ws://127.0.0.1/mesh?room=a' },
      frame(1, 'in', { type: 'welcome', id: 5, online: [2] }, 'm1'),
      // Peer 2 < 5 initiates; an offer *from* 5 toward 2 breaks the rule.
      frame(
        2,
        'out',
        { type: 'signal', to: 2, description: { type: 'offer', sdp: 'v=0\r\n' } },
        'm1',
      ),
    ]);
    const f = machineFindings(a).filter((x) => x.code === 'mesh-rule-broken');
    expect(f.map((x) => x.index)).toEqual([2]);
    expect(f[0]?.message).toMatch(/^offer-from-passive/);
    expect(f[0]?.machine).toEqual({ kind: 'mesh-room', id: 'm1' });
  });

  it('reports a two-party message before the room was joined', () => {
    const a = analyse([
      { t: 0, type: 'ws.open', conn: 'c1', url: 'ws://127.0.0.1/two-party' },
      frame(1, 'out', { type: 'message', message: 'got user media' }),
      frame(2, 'out', { type: 'create or join', room: 'r' }),
    ]);
    const f = machineFindings(a).filter((x) => x.code === 'two-party-rule-broken');
    expect(f.map((x) => x.index)).toEqual([1]);
    expect(f[0]?.message).toMatch(/^before-join/);
  });

  it('finds no room finding on the clean fixtures', () => {
    for (const file of [
      'legacy-participant-join.sscap.jsonl',
      'new-participant-join.sscap.jsonl',
      'mesh-room.sscap.jsonl',
      'two-party-room.sscap.jsonl',
      'two-party-full.sscap.jsonl',
    ]) {
      expect(machineFindings(analyseFixture(file)), file).toEqual([]);
    }
  });
});

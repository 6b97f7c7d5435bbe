import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { createRng } from '../../../fixtures/build/random.ts';
import type { MeshProblemKind } from '../../../machines/meshRoomMachine.ts';
import { stateKey } from '../../../machines/lib/stepper.ts';
import { readCaptureText } from '../../session/capture.ts';
import type { EventInput } from '../../session/events.ts';
import { SessionLog } from '../../session/SessionLog.ts';
import { SessionAnalysis } from '../analysis.ts';
import { findings } from '../findings.ts';
import {
  createMeshRoomDriver,
  meshRoomEventAt,
  pcPeerId,
  type MeshRoomTrack,
} from './meshRoomDriver.ts';

function loadFixture(name: string) {
  const file = fileURLToPath(new URL(`../../../fixtures/${name}.sscap.jsonl`, import.meta.url));
  const { log, errors } = readCaptureText(readFileSync(file, 'utf8'));
  expect(errors).toEqual([]);
  const analysis = new SessionAnalysis(log).update();
  return { log, analysis, driver: createMeshRoomDriver(analysis, { every: 8 }) };
}

function trackOf(driver: ReturnType<typeof createMeshRoomDriver>, conn = 'c1'): MeshRoomTrack {
  const track = driver.track(conn);
  if (track === undefined) throw new Error(`no mesh track ${conn}`);
  return track;
}

/** Each peer's link as `state/generation`, every time it changes, in order. */
function linkHistory(track: MeshRoomTrack): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (let k = 0; k < track.indexes.length; k++) {
    for (const link of Object.values(track.stepper.snapshotAt(k).context.links)) {
      const list = (out[link.peerId] ??= []);
      const now = `${link.state}/${link.generation}`;
      if (list.at(-1) !== now) list.push(now);
    }
  }
  return out;
}

const problemKinds = (track: MeshRoomTrack): MeshProblemKind[] =>
  track.stepper.final.context.problems.map((p) => p.kind);

let clock = 0;
const at = (): number => clock++;
const open = (conn = 'c1', url = 'wss://h/mesh?roomId=r'): EventInput => ({
  t: at(),
  type: 'ws.open',
  conn,
  url,
});
const frame = (dir: 'in' | 'out', value: unknown, conn = 'c1'): EventInput => ({
  t: at(),
  type: 'ws.frame',
  conn,
  dir,
  text: typeof value === 'string' ? value : JSON.stringify(value),
});
const pcEvent = (pc: string, event: string, value?: unknown, conn?: string): EventInput => ({
  t: at(),
  type: 'pc',
  pc,
  event,
  ...(value === undefined ? {} : { value }),
  ...(conn === undefined ? {} : { conn }),
});
const OFFER = { type: 'offer', sdp: 'v=0\r\n' };
const ANSWER = { type: 'answer', sdp: 'v=0\r\n' };
const CANDIDATE = {
  candidate: 'candidate:1 1 udp 1 192.0.2.1 9 typ host',
  sdpMid: '0',
  sdpMLineIndex: 0,
};

function session(events: readonly EventInput[]) {
  const log = new SessionLog();
  for (const e of events) log.append(e);
  const analysis = new SessionAnalysis(log).update();
  return { log, analysis, driver: createMeshRoomDriver(analysis, { every: 4 }) };
}

describe('createMeshRoomDriver on mesh-room', () => {
  it('follows the page into the room, out with its socket, and back', () => {
    const { driver, log } = loadFixture('mesh-room');
    const track = trackOf(driver);
    expect(driver.tracks()).toEqual([track]);
    expect(
      track.stepper
        .changes()
        .map((c) => [log.seq(track.indexes[c.index] ?? -1), stateKey(c.state)]),
    ).toEqual([
      [1, 'inRoom'],
      [121, 'disconnected'],
      [122, 'connecting'],
      [123, 'inRoom'],
    ]);
    // Every event of the capture is the page's: one connection, its pcs name conn c1.
    expect(track.indexes).toHaveLength(log.length);
  });

  it('negotiates each link in its role, survives the reconnects, renews the reloaded peer', () => {
    const { driver } = loadFixture('mesh-room');
    const track = trackOf(driver);
    expect(linkHistory(track)).toEqual({
      // Reloaded: its old link fails, online(1) renews it (generation 2), 1 offers again.
      '1': [
        'waiting/1',
        'answering/1',
        'connected/1',
        'dead/1',
        'waiting/2',
        'answering/2',
        'connected/2',
      ],
      // Only its WebSocket reconnected: the link is untouched.
      '2': ['waiting/1', 'answering/1', 'connected/1'],
      '4': ['waiting/1', 'offering/1', 'connected/1'],
    });
    const final = track.stepper.final.context;
    expect(final.selfId).toBe('3');
    expect(final.online).toEqual(['1', '2', '4']);
    expect(Object.values(final.links).map((l) => [l.peerId, l.role])).toEqual([
      ['1', 'passive'],
      ['2', 'passive'],
      ['4', 'initiator'],
    ]);
  });

  it('raises no problem anywhere on the clean capture, and the analysis no invalid frame', () => {
    const { driver, analysis } = loadFixture('mesh-room');
    const track = trackOf(driver);
    for (let k = 0; k < track.indexes.length; k++) {
      expect(track.stepper.snapshotAt(k).context.problems, `k ${k}`).toEqual([]);
    }
    expect(findings(analysis).filter((f) => f.code === 'invalid-frame')).toEqual([]);
  });

  it('maps pcs to peers: create {remotePeerId}, the replaced pc-1 no longer drives link 1', () => {
    const { driver, log, analysis } = loadFixture('mesh-room');
    const track = trackOf(driver);
    expect(['pc-1', 'pc-2', 'pc-4', 'pc-1#2'].map((pc) => track.peerOfPc(pc))).toEqual([
      '1',
      '2',
      '4',
      '1',
    ]);
    // Log positions: the WebSocket-only reconnect of 2, then online(1) after the failure.
    const online2 = [...analysis.eventsOfMethod('online')].filter((i) =>
      log.frameText(i)?.includes('"id":2'),
    );
    expect(online2).toHaveLength(1);
    const at2 = track.snapshotAtLogIndex(online2[0] ?? -1).context;
    expect(at2.online).toContain('2');
    expect(at2.links['2']).toMatchObject({ state: 'connected', generation: 1 });
    expect(meshRoomEventAt(analysis, online2[0] ?? -1)).toEqual({ type: 'mesh.online', id: 2 });
    expect(meshRoomEventAt(analysis, 0)).toEqual({ type: 'ws.open' });
    expect(meshRoomEventAt(analysis, 3)).toBeUndefined(); // a pc event: the driver maps those
  });

  it('snapshots at any index equal a replay without checkpoints', () => {
    const { analysis } = loadFixture('mesh-room');
    const sparse = trackOf(createMeshRoomDriver(analysis, { every: 5 }));
    const dense = trackOf(createMeshRoomDriver(analysis, { every: 100_000 }));
    for (let k = -1; k < dense.indexes.length; k += 7) {
      expect(sparse.stepper.snapshotAt(k).context).toEqual(dense.stepper.snapshotAt(k).context);
    }
  });
});

describe('createMeshRoomDriver on crafted captures', () => {
  it('an offer from the passive side and a candidate before any offer are problems, not throws', () => {
    clock = 0;
    const { driver } = session([
      open(),
      frame('in', { type: 'welcome', id: 3, online: [1] }),
      frame('in', { type: 'online', id: 4 }),
      // 4 > 3: 4 should wait for this page's offer.
      frame('in', { type: 'signal', from: 4, to: 3, description: OFFER }),
      // 1 < 3: this page must wait, and candidates come after an offer.
      frame('out', { type: 'signal', to: 1, candidate: CANDIDATE }),
      frame('in', { type: 'signal', from: 1, to: 3, candidate: CANDIDATE }),
      // An answer to a link that offered nothing; a signal to a stranger.
      frame('out', { type: 'signal', to: 1, description: ANSWER }),
      frame('out', { type: 'signal', to: 9, description: OFFER }),
    ]);
    const track = trackOf(driver);
    expect(problemKinds(track)).toEqual([
      'offer-from-passive',
      'candidate-before-offer',
      'candidate-before-offer',
      'unexpected-answer',
      'link-missing',
    ]);
    expect(track.stepper.final.value).toBe('inRoom');
  });

  it('unknown frame types and frames that are not JSON are invalid frames and feed nothing', () => {
    clock = 0;
    const { driver, analysis } = session([
      open(),
      frame('in', { type: 'hello', id: 3 }),
      frame('in', '{"type":"welcome","id":3,'),
      frame('in', { type: 'welcome', id: 3 }),
      frame('out', { type: 'online', id: 3 }),
      { t: at(), type: 'ws.frame', conn: 'c1', dir: 'in', base64: 'AAEC' },
      frame('in', { type: 'signal', from: 1, to: 3, description: OFFER }),
    ]);
    expect([1, 2, 3, 4].map((i) => analysis.kind(i))).toEqual([
      'invalid',
      'invalid',
      'invalid',
      'invalid',
    ]);
    expect(analysis.invalidReasons.get(1)).toBe('mesh frame: unknown mesh type "hello"');
    expect(analysis.invalidReasons.get(3)).toBe('mesh frame: welcome without "online"');
    for (const i of [1, 2, 3, 4, 5]) expect(meshRoomEventAt(analysis, i)).toBeUndefined();
    const track = trackOf(driver);
    // No welcome got through: the signal is outside the room.
    expect(track.stepper.final.value).toBe('connecting');
    expect(problemKinds(track)).toEqual(['not-in-room']);
    expect(findings(analysis).map((f) => f.code)).toEqual([
      'invalid-frame',
      'invalid-frame',
      'invalid-frame',
      'invalid-frame',
      'binary-frame',
    ]);
  });

  it('a welcome without a new connection, and a rejoin under another id', () => {
    clock = 0;
    const { driver } = session([
      open(),
      frame('in', { type: 'welcome', id: 3, online: [1, 1] }),
      frame('in', { type: 'welcome', id: 3, online: [1] }),
      { t: at(), type: 'ws.close', conn: 'c1', code: 1006 },
      open(),
      frame('in', { type: 'welcome', id: 5, online: [1] }),
    ]);
    expect(problemKinds(trackOf(driver))).toEqual([
      'duplicate-link',
      'unexpected-welcome',
      'id-changed',
    ]);
  });

  it('pc rule: create names the peer, else pc-<id>[#n]; pcs without conn are the first page’s', () => {
    expect(pcPeerId('x', { remotePeerId: 7, peerId: 3 })).toBe('7');
    expect(pcPeerId('x', { peerId: 'bob' })).toBe('bob');
    expect(pcPeerId('pc-9', { iceServers: [] })).toBe('9');
    expect(pcPeerId('pc-a#b')).toBe('a#b');
    expect(pcPeerId('pc-7#12')).toBe('7');
    expect(pcPeerId('pc-')).toBeUndefined();
    expect(pcPeerId('send-pc', { remotePeerId: '' })).toBeUndefined();
    clock = 0;
    const { driver } = session([
      open(),
      frame('in', { type: 'welcome', id: 3, online: [1, 2] }),
      // No create: the pc id names peer 2. No conn: the page's pc.
      pcEvent('pc-2', 'connectionstatechange', 'connected'),
      pcEvent('a', 'create', { remotePeerId: 1 }, 'c1'),
      pcEvent('a', 'connectionstatechange', 'connected', 'c1'),
      pcEvent('b', 'create', { remotePeerId: 1 }, 'c1'),
      // The replaced pc `a` fails late: link 1 belongs to `b` now.
      pcEvent('a', 'connectionstatechange', 'failed', 'c1'),
      pcEvent('b', 'connectionstatechange', 'connected', 'c1'),
      // A pc naming no peer, and one naming a peer this page has no link to.
      pcEvent('send-pc', 'connectionstatechange', 'failed'),
      pcEvent('pc-8', 'connectionstatechange', 'connected'),
      // `disconnected` is not a link state the machine changes on; odd values are ignored.
      pcEvent('pc-2', 'connectionstatechange', 'disconnected'),
      pcEvent('pc-2', 'connectionstatechange', 'bogus'),
    ]);
    const track = trackOf(driver);
    expect(linkHistory(track)).toEqual({
      // `a` failing after `b` took over changes nothing.
      '1': ['waiting/1', 'connected/1'],
      '2': ['waiting/1', 'connected/1'],
    });
    expect(problemKinds(track)).toEqual(['link-missing']);
    expect(track.peerOfPc('send-pc')).toBeUndefined();
  });

  it('only mesh connections get a track; pcs of another page go nowhere', () => {
    clock = 0;
    const { driver } = session([
      open('p', 'wss://h/?roomId=r&peerId=x'),
      frame('out', { request: true, id: 1, method: 'join', data: {} }, 'p'),
      open('t', 'wss://h/two-party'),
      open('m1'),
      open('m2'),
      frame('in', { type: 'welcome', id: 1, online: [] }, 'm1'),
      frame('in', { type: 'welcome', id: 2, online: [1] }, 'm2'),
      pcEvent('pc-1', 'connectionstatechange', 'connected', 'm2'),
      pcEvent('pc-2', 'connectionstatechange', 'connected'),
    ]);
    expect(driver.tracks().map((t) => t.conn)).toEqual(['m1', 'm2']);
    // pc-2 has no conn: it goes to m1, the first page, which has no link to 2.
    expect(problemKinds(trackOf(driver, 'm1'))).toEqual(['link-missing']);
    expect(linkHistory(trackOf(driver, 'm2'))).toEqual({ '1': ['waiting/1', 'connected/1'] });
  });

  it('update() takes in live appends, recognising a connection from its first frame', () => {
    clock = 0;
    const log = new SessionLog();
    // No /mesh in the path: only the welcome will tell.
    log.append(open('c1', 'wss://h/rooms/r'));
    log.append(pcEvent('pc-1', 'create', { remotePeerId: 1 }));
    const analysis = new SessionAnalysis(log).update();
    const driver = createMeshRoomDriver(analysis, { every: 2 });
    expect(driver.tracks()).toEqual([]);
    const rest = [
      frame('in', { type: 'welcome', id: 3, online: [1] }),
      frame('in', { type: 'signal', from: 1, to: 3, description: OFFER }),
      frame('out', { type: 'signal', to: 1, description: ANSWER }),
      pcEvent('pc-1', 'connectionstatechange', 'connected'),
      frame('in', { type: 'online', id: 4 }),
    ];
    for (const e of rest) {
      log.append(e);
      // An append the analysis has not taken in yet is left for the next update().
      driver.update();
      analysis.update();
      driver.update();
    }
    const live = trackOf(driver);
    const fresh = trackOf(createMeshRoomDriver(new SessionAnalysis(log).update()));
    expect(live.indexes).toEqual(fresh.indexes);
    expect(live.indexes).toHaveLength(log.length);
    expect(live.stepper.final.context).toEqual(fresh.stepper.final.context);
    expect(linkHistory(live)).toEqual({
      '1': ['waiting/1', 'answering/1', 'connected/1'],
      '4': ['waiting/1'],
    });
    expect(live.snapshotAtLogIndex(1).value).toBe('connecting');
  });

  it('never throws on random mixes of valid, invalid and out-of-place events', () => {
    const rng = createRng('meshRoomDriver.test.ts');
    const ids = [1, 2, 3, 4, '5', 'x'];
    const pick = <T>(list: readonly T[]): T => rng.pick(list);
    const makers: (() => EventInput)[] = [
      () => open(),
      () => ({ t: clock++, type: 'ws.close', conn: 'c1', code: 1006 }),
      () => frame('in', { type: 'welcome', id: pick(ids), online: [pick(ids), pick(ids)] }),
      () => frame('in', { type: pick(['online', 'offline']), id: pick(ids) }),
      () =>
        frame('in', { type: 'signal', from: pick(ids), to: 3, description: pick([OFFER, ANSWER]) }),
      () => frame('out', { type: 'signal', to: pick(ids), description: pick([OFFER, ANSWER]) }),
      () =>
        frame(pick(['in', 'out'] as const), {
          type: 'signal',
          from: 1,
          to: pick(ids),
          candidate: CANDIDATE,
        }),
      () =>
        frame(
          pick(['in', 'out'] as const),
          pick(['{', '[]', 'null', '{"type":"x"}', '{"type":"signal"}']),
        ),
      () =>
        pcEvent(
          pick(['pc-1', 'pc-2', 'pc-4#2', 'q']),
          pick(['create', 'connectionstatechange']),
          pick(['connected', 'failed', { remotePeerId: pick(ids) }, null]),
        ),
    ];
    for (let run = 0; run < 30; run++) {
      clock = 0;
      const events: EventInput[] = [open()];
      for (let n = 0; n < 60; n++) events.push(pick(makers)());
      const { driver } = session(events);
      const track = trackOf(driver);
      for (let k = -1; k < track.indexes.length; k++) {
        expect(() => track.stepper.snapshotAt(k)).not.toThrow();
      }
      for (const p of track.stepper.final.context.problems) expect(p.detail).toBeTypeOf('string');
    }
  });
});

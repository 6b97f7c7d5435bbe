import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { createRng } from '../../../fixtures/build/random.ts';
import { stateKey } from '../../../machines/lib/stepper.ts';
import type { TwoPartyProblemKind } from '../../../machines/twoPartyRoomMachine.ts';
import { readCaptureText } from '../../session/capture.ts';
import type { EventInput } from '../../session/events.ts';
import { SessionLog } from '../../session/SessionLog.ts';
import { SessionAnalysis } from '../analysis.ts';
import {
  createTwoPartyRoomDriver,
  twoPartyRoomEventAt,
  type TwoPartyRoomTrack,
} from './twoPartyRoomDriver.ts';

function loadFixture(name: string) {
  const file = fileURLToPath(new URL(`../../../fixtures/${name}.sscap.jsonl`, import.meta.url));
  const { log, errors } = readCaptureText(readFileSync(file, 'utf8'));
  expect(errors).toEqual([]);
  const analysis = new SessionAnalysis(log).update();
  return { log, analysis, driver: createTwoPartyRoomDriver(analysis, { every: 4 }) };
}

function trackOf(
  driver: ReturnType<typeof createTwoPartyRoomDriver>,
  conn = 'c1',
): TwoPartyRoomTrack {
  const track = driver.track(conn);
  if (track === undefined) throw new Error(`no two-party track ${conn}`);
  return track;
}

/** The state after each change, with the type of the frame that caused it. */
function stateSequence(track: TwoPartyRoomTrack, analysis: SessionAnalysis): string[] {
  return track.stepper.changes().map((c) => {
    const i = track.indexes[c.index] ?? -1;
    return `${analysis.method(i) ?? '?'} → ${stateKey(c.state)}`;
  });
}

const problemKinds = (track: TwoPartyRoomTrack): TwoPartyProblemKind[] =>
  track.stepper.final.context.problems.map((p) => p.kind);

let clock = 0;
const open = (conn = 'c1', url = 'wss://h/two-party'): EventInput => ({
  t: clock++,
  type: 'ws.open',
  conn,
  url,
});
const frame = (dir: 'in' | 'out', value: unknown, conn = 'c1'): EventInput => ({
  t: clock++,
  type: 'ws.frame',
  conn,
  dir,
  text: typeof value === 'string' ? value : JSON.stringify(value),
});
const msg = (dir: 'in' | 'out', message: unknown, conn = 'c1') =>
  frame(dir, { type: 'message', message }, conn);
const OFFER = { type: 'offer', sdp: 'v=0\r\n' };
const ANSWER = { type: 'answer', sdp: 'v=0\r\n' };
const CANDIDATE = {
  type: 'candidate',
  label: 0,
  id: '0',
  candidate: 'candidate:1 1 udp 1 192.0.2.1 9 typ host',
};

function session(events: readonly EventInput[]) {
  const log = new SessionLog();
  for (const e of events) log.append(e);
  const analysis = new SessionAnalysis(log).update();
  return { log, analysis, driver: createTwoPartyRoomDriver(analysis, { every: 3 }) };
}

describe('createTwoPartyRoomDriver on the fixtures', () => {
  it('two-party-room: the initiator from create or join to the remote bye', () => {
    const { driver, analysis, log } = loadFixture('two-party-room');
    const track = trackOf(driver);
    expect(driver.tracks()).toEqual([track]);
    expect(stateSequence(track, analysis)).toEqual([
      'create or join → joining',
      'created → {"inRoom":"initiator"}',
      'message → {"inRoom":"gotMedia"}',
      'join → {"inRoom":"channelReady"}',
      'message → {"inRoom":"offering"}',
      'message → {"inRoom":"connected"}',
      'message → ended',
    ]);
    const final = track.stepper.final;
    expect(final.status).toBe('done');
    expect(final.context).toMatchObject({
      isInitiator: true,
      hasMedia: true,
      remoteMedia: true,
      peerPresent: true,
      answered: true,
      localCandidates: 2,
      remoteCandidates: 2,
      endedBy: 'remote',
      problems: [],
    });
    expect(final.context.clientId).toMatch(/^[\w-]{20}$/);
    // Connected at the first remote candidate after the answer, not before.
    const answerAt = [...analysis.eventsOfMethod('message')].find((i) =>
      log.frameText(i)?.includes('"type":"answer"'),
    );
    expect(track.snapshotAtLogIndex(answerAt ?? -1).value).toEqual({ inRoom: 'offering' });
    expect(track.snapshotAtLogIndex(answerAt ?? -1).context.answered).toBe(true);
    expect(track.indexes).toHaveLength(log.length);
  });

  it('two-party-full: full, a final state, and no problem', () => {
    const { driver, analysis } = loadFixture('two-party-full');
    const track = trackOf(driver);
    expect(stateSequence(track, analysis)).toEqual(['create or join → joining', 'full → full']);
    expect(track.stepper.final.status).toBe('done');
    expect(track.stepper.final.context.problems).toEqual([]);
    expect(twoPartyRoomEventAt(analysis, 2)).toEqual({
      type: 'room.full',
      room: track.stepper.final.context.room,
    });
  });

  it('raises no problem at any point of the clean captures', () => {
    for (const name of ['two-party-room', 'two-party-full']) {
      const track = trackOf(loadFixture(name).driver);
      for (let k = 0; k < track.indexes.length; k++) {
        expect(track.stepper.snapshotAt(k).context.problems, `${name} k ${k}`).toEqual([]);
      }
    }
  });

  it('other fixtures have no two-party track', () => {
    expect(loadFixture('mesh-room').driver.tracks()).toEqual([]);
    expect(loadFixture('legacy-participant-join').driver.tracks()).toEqual([]);
  });
});

describe('createTwoPartyRoomDriver on crafted captures', () => {
  it('a message before joining, an offer from the joiner, a candidate before the offer', () => {
    clock = 0;
    const { driver } = session([
      open(),
      msg('out', 'got user media'),
      frame('out', { type: 'create or join', room: 'r' }),
      frame('in', { type: 'joined', room: 'r', id: 'b' }),
      msg('in', CANDIDATE),
      msg('out', OFFER),
      msg('out', 'got user media'),
      msg('in', ANSWER),
      frame('out', { type: 'create or join', room: 'r' }),
      frame('in', { type: 'ready' }),
    ]);
    const track = trackOf(driver);
    expect(problemKinds(track)).toEqual([
      'before-join',
      'candidate-before-offer',
      'offer-from-joiner',
      'answer-from-initiator',
      'duplicate-create-or-join',
    ]);
    expect(track.stepper.final.value).toEqual({ inRoom: 'channelReady' });
  });

  it('unknown types, frames that are not JSON and frames in the wrong direction feed nothing', () => {
    clock = 0;
    const { driver, analysis } = session([
      open(),
      frame('out', { type: 'create or join' }),
      frame('out', { type: 'leave', room: 'r' }),
      frame('in', '{"type":"created",'),
      frame('out', { type: 'created', room: 'r', id: 'a' }),
      msg('out', 'hello'),
      frame('out', { type: 'create or join', room: 'r' }),
    ]);
    expect([1, 2, 3, 4, 5].map((i) => analysis.kind(i))).toEqual([
      'invalid',
      'invalid',
      'invalid',
      'invalid',
      'invalid',
    ]);
    expect(analysis.invalidReasons.get(2)).toBe('two-party frame: unknown two-party type "leave"');
    expect(analysis.invalidReasons.get(5)).toBe(
      'two-party frame: message "message" is "hello", not one of got user media, bye or an object',
    );
    for (const i of [0, 1, 2, 3, 4, 5]) expect(twoPartyRoomEventAt(analysis, i)).toBeUndefined();
    const track = trackOf(driver);
    expect(track.stepper.final.value).toBe('joining');
    expect(problemKinds(track)).toEqual([]);
  });

  it('a server reply nobody asked for, and messages after the call ended', () => {
    clock = 0;
    const { driver } = session([
      open(),
      frame('in', { type: 'created', room: 'r', id: 'a' }),
      frame('out', { type: 'create or join', room: 'r' }),
      frame('in', { type: 'full', room: 'r' }),
      msg('out', 'got user media'),
    ]);
    const track = trackOf(driver);
    expect(problemKinds(track)).toEqual(['unexpected-reply']);
    // `full` is final: what comes after it is ignored, as a stopped actor ignores events.
    expect(track.stepper.final.value).toBe('full');
  });

  it('update() takes in live appends and gives what a fresh driver gives', () => {
    clock = 0;
    const log = new SessionLog();
    log.append(open('c1', 'wss://h/'));
    const analysis = new SessionAnalysis(log).update();
    const driver = createTwoPartyRoomDriver(analysis, { every: 2 });
    expect(driver.tracks()).toEqual([]);
    const rest = [
      frame('out', { type: 'create or join', room: 'r' }),
      frame('in', { type: 'joined', room: 'r', id: 'b' }),
      msg('out', 'got user media'),
      msg('in', OFFER),
      msg('out', ANSWER),
      msg('in', CANDIDATE),
      msg('out', 'bye'),
    ];
    for (const e of rest) {
      log.append(e);
      driver.update();
      analysis.update();
      driver.update();
    }
    const live = trackOf(driver);
    const fresh = trackOf(createTwoPartyRoomDriver(new SessionAnalysis(log).update()));
    expect([...live.indexes]).toEqual([...fresh.indexes]);
    expect(live.stepper.changes()).toEqual(fresh.stepper.changes());
    expect(stateSequence(live, analysis)).toEqual([
      'create or join → joining',
      'joined → {"inRoom":"joinedRoom"}',
      'message → {"inRoom":"channelReady"}',
      'message → {"inRoom":"answering"}',
      'message → {"inRoom":"connected"}',
      'message → ended',
    ]);
    expect(live.stepper.final.context.endedBy).toBe('local');
  });

  it('never throws on random mixes of valid, invalid and out-of-place frames', () => {
    const rng = createRng('twoPartyRoomDriver.test.ts');
    const pick = <T>(list: readonly T[]): T => rng.pick(list);
    const dir = () => pick(['in', 'out'] as const);
    const makers: (() => EventInput)[] = [
      () => frame(dir(), { type: 'create or join', room: 'r' }),
      () => frame(dir(), { type: pick(['created', 'joined']), room: 'r', id: 'a' }),
      () => frame(dir(), { type: pick(['full', 'join']), room: 'r' }),
      () => frame(dir(), { type: 'ready' }),
      () => msg(dir(), pick(['got user media', 'bye', OFFER, ANSWER, CANDIDATE, 'nope', 3])),
      () => frame(dir(), pick(['{', '[]', 'null', '{"type":"x"}', '{"type":"message"}'])),
      () => ({ t: clock++, type: 'ws.close', conn: 'c1', code: 1006 }),
    ];
    let finals = 0;
    for (let run = 0; run < 40; run++) {
      clock = 0;
      const events: EventInput[] = [open()];
      for (let n = 0; n < 40; n++) events.push(pick(makers)());
      const { driver } = session(events);
      const track = trackOf(driver);
      for (let k = -1; k < track.indexes.length; k++) {
        expect(() => track.stepper.snapshotAt(k)).not.toThrow();
      }
      if (track.stepper.final.status === 'done') finals++;
    }
    // Some runs reach full or ended: the random frames do drive the machine.
    expect(finals).toBeGreaterThan(0);
  });
});

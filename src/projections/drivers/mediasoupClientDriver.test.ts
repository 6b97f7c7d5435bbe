import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  entry,
  keysOf,
  sizeOf,
  valuesOf as values,
} from '../../../machines/mediasoupClientMachine.tables.ts';
import { requestTimeoutMs } from '../../protocol/codec.ts';
import { readCaptureText } from '../../session/capture.ts';
import { SessionLog } from '../../session/SessionLog.ts';
import { SessionAnalysis } from '../analysis.ts';
import { createMediasoupClientDriver, mediasoupClientEventAt } from './mediasoupClientDriver.ts';

const fixturePath = (file: string): string =>
  fileURLToPath(new URL(`../../../fixtures/${file}`, import.meta.url));
const FIXTURES = (
  JSON.parse(readFileSync(fixturePath('index.json'), 'utf8')) as { name: string }[]
).map((f) => f.name);

/** A fixture through the analysis and the driver (which may find no mediasoup connection). */
function open(name: string) {
  const file = fixturePath(`${name}.sscap.jsonl`);
  const { log } = readCaptureText(readFileSync(file, 'utf8'));
  const analysis = new SessionAnalysis(log).update();
  return { log, analysis, driver: createMediasoupClientDriver(analysis, { every: 8 }) };
}

function load(name: string) {
  const { log, analysis, driver } = open(name);
  const track = driver.track('c1');
  if (track === undefined) throw new Error(`no mediasoup track in ${name}`);
  return { log, analysis, driver, track, final: track.stepper.final };
}

describe('createMediasoupClientDriver on the fixtures', () => {
  it('legacy-participant-join: joined, connected transports, producers, consumers, peers', () => {
    const { final, track, driver } = load('legacy-participant-join');
    expect(final.value).toBe('joined');
    expect(track.stepper.changes().map((c) => c.state)).toEqual([
      'connected',
      'gettingCapabilities',
      'ready',
      'joining',
      'joined',
    ]);
    const room = final.context.room;
    expect(room).toMatchObject({ version: '3.14.16', joined: true, displayName: 'Ada L.' });
    expect(values(room.transports).map((t) => [t.direction, t.connect, t.connectRequests])).toEqual(
      [
        ['send', 'connected', 1],
        ['recv', 'connected', 1],
      ],
    );
    expect(values(room.producers).map((p) => [p.kind, p.paused, p.closed])).toEqual([
      ['audio', false, false],
      ['video', false, false],
    ]);
    const consumers = values(room.consumers);
    expect(consumers).toHaveLength(6);
    for (const c of consumers) {
      expect(c).toMatchObject({ state: 'accepted', paused: false, producerPaused: false });
    }
    // Linus (6tlflhsh) left: his two consumers and his chat data consumer closed
    expect(consumers.filter((c) => c.closed).map((c) => [c.peerId, c.kind])).toEqual([
      ['6tlflhsh', 'audio'],
      ['6tlflhsh', 'video'],
    ]);
    expect(entry(room.consumers, 'd6c4fb20-99d6-40d2-9163-377c50ac9feb')).toMatchObject({
      layers: { spatialLayer: 2, temporalLayer: 2 },
      score: 9,
    });
    expect(values(room.dataProducers).map((d) => d.label)).toEqual(['chat', 'bot']);
    expect(values(room.dataConsumers).map((d) => [d.peerId, d.label, d.state, d.closed])).toEqual([
      ['8xmzs6t6', 'chat', 'accepted', false],
      ['6tlflhsh', 'chat', 'accepted', true],
      [null, 'bot', 'accepted', false],
      ['840uvi0n', 'chat', 'accepted', false],
    ]);
    expect(values(room.peers).map((p) => [p.id, p.displayName, p.present])).toEqual([
      ['8xmzs6t6', 'Grace', true],
      ['6tlflhsh', 'Linus', false],
      ['840uvi0n', 'Margaret', true],
    ]);
    expect(room.activeSpeaker).toEqual({ peerId: '840uvi0n', volume: -28 });
    expect(room.problems).toEqual([]);

    // history: at seq 10 the first consumer is offered, paused; the transport is not connected
    const early = driver.room(10);
    if (early === undefined) throw new Error('no room at seq 10');
    expect(entry(early.consumers, 'c717d802-5b62-4a5c-bad6-02dd3b419ec7')).toMatchObject({
      state: 'offered',
      paused: true,
    });
    expect(values(early.transports).map((t) => t.connect)).toEqual(['new', 'new']);
    expect(entry(track.room(11).transports, 'f69489d2-c135-431b-b546-8e465273bfd7')?.connect).toBe(
      'connecting',
    );
    // webcam of Grace paused by its producer at seq 98, resumed at 101
    const webcam = 'd6c4fb20-99d6-40d2-9163-377c50ac9feb';
    expect(entry(track.room(98).consumers, webcam)?.producerPaused).toBe(true);
    expect(entry(track.room(101).consumers, webcam)?.producerPaused).toBe(false);
    // pauseProducer at 61, resumeProducer at 70 (legacy requests)
    expect(entry(track.room(61).producers, 'b97b6ca0-4faf-476f-8663-8578aecff1ee')?.paused).toBe(
      true,
    );
    expect(entry(track.room(70).producers, 'b97b6ca0-4faf-476f-8663-8578aecff1ee')?.paused).toBe(
      false,
    );
    expect(track.room(105).activeSpeaker).toBeNull();
  });

  it('new-participant-join: the same in the new dialect', () => {
    const { final, track } = load('new-participant-join');
    expect(final.value).toBe('joined');
    const room = final.context.room;
    expect(room).toMatchObject({ version: '3.15.7', joined: true, displayName: 'Barbara L.' });
    expect(values(room.transports).map((t) => [t.direction, t.connect])).toEqual([
      ['send', 'connected'],
      ['recv', 'connected'],
    ]);
    expect(values(room.producers).map((p) => [p.kind, p.paused])).toEqual([
      ['audio', false],
      ['video', false],
    ]);
    const consumers = values(room.consumers);
    expect(consumers).toHaveLength(6);
    for (const c of consumers) {
      expect(c).toMatchObject({
        state: 'accepted',
        paused: false,
        transportId: '467eb5ec-5815-4d73-9f86-7fd609958500',
      });
    }
    expect(consumers.filter((c) => c.closed).map((c) => [c.peerId, c.kind])).toEqual([
      ['q85bq46v', 'audio'],
      ['q85bq46v', 'video'],
    ]);
    // layers {…}, then a notification without layers, then layers again
    const c2a8 = 'c2a8ef1c-b008-4635-bd46-5435af57c017';
    expect(entry(track.room(84).consumers, c2a8)?.layers).toBeNull();
    expect(entry(room.consumers, c2a8)?.layers).toEqual({ spatialLayer: 1, temporalLayer: 2 });
    expect(values(room.dataProducers).map((d) => d.label)).toEqual(['chat', 'bot']);
    expect(values(room.dataConsumers).map((d) => [d.peerId, d.label, d.closed])).toEqual([
      ['7a26q7de', 'chat', false],
      ['q85bq46v', 'chat', true],
      [null, 'bot', false],
      ['4pt1vb98', 'chat', false],
    ]);
    expect(values(room.peers).map((p) => [p.id, p.displayName, p.present])).toEqual([
      ['7a26q7de', 'Hedy', true],
      ['q85bq46v', 'Alan T.', false],
      ['4pt1vb98', 'Grace', true],
    ]);
    // pauseProducer / resumeProducer are client notifications in the new dialect
    expect(entry(track.room(58).producers, 'b8c0ac04-763f-4fb9-add8-34b3c720f35c')?.paused).toBe(
      true,
    );
    expect(entry(track.room(65).producers, 'b8c0ac04-763f-4fb9-add8-34b3c720f35c')?.paused).toBe(
      false,
    );
    expect(track.room(56).activeSpeaker).toEqual({ peerId: 'q85bq46v', volume: null });
    expect(room.activeSpeaker).toBeNull(); // activeSpeaker {} at seq 87
    expect(room.speaking).toEqual([{ peerId: '4pt1vb98', volume: -56 }]);
    expect(room.problems).toEqual([]);
  });

  it('observer-join: joined with no transports and no consumers, peers seen', () => {
    const { final } = load('observer-join');
    expect(final.value).toBe('joined');
    const room = final.context.room;
    expect(room.joined).toBe(true);
    const tables = [room.transports, room.consumers, room.dataConsumers, room.producers];
    expect(tables.map(sizeOf)).toEqual([0, 0, 0, 0]);
    expect(values(room.peers).map((p) => [p.id, p.displayName, p.present])).toEqual([
      ['x7qwym54', 'Grace H.', true],
      ['kqocama9', 'Linus T.', true],
      ['g0dtdtoz', 'Margaret', false],
      ['zp8istfm', 'Hedy', false],
      ['b1v010no', 'Alan', true],
    ]);
    expect(room.problems).toEqual([]);
  });

  it('rejection-500: before-join, consumer-left-paused, join-twice, unknown-transport', () => {
    const { final } = load('rejection-500');
    expect(final.value).toBe('joined');
    const room = final.context.room;
    expect(room.problems.map((p) => [p.seq, p.code, p.subject])).toEqual([
      [9, 'before-join', 'produce'],
      [19, 'consumer-left-paused', '3aaebea4-a97c-4015-b358-d197d2d9dbb9'],
      [25, 'join-twice', 'join'],
      [30, 'unknown-transport', '757dff72-4563-40cb-92c0-1908a0c1b306'],
    ]);
    expect(entry(room.consumers, '3aaebea4-a97c-4015-b358-d197d2d9dbb9')).toMatchObject({
      state: 'rejected',
      paused: true,
      score: null,
    });
    expect(entry(room.consumers, 'b58451ba-013b-4e8c-b7ee-b7b09f6a82c2')).toMatchObject({
      state: 'accepted',
      paused: false,
    });
    // the produce rejected before join made no producer; the one after connect did
    expect(values(room.producers).map((p) => p.id)).toEqual([
      '9773e4b5-424a-46d1-8010-0b63155910bd',
    ]);
    expect(values(room.transports).map((t) => t.connect)).toEqual(['connected', 'connected']);
  });

  it('request-timeout: the unanswered newConsumer times out and stays paused', () => {
    const { final, track } = load('request-timeout');
    const room = final.context.room;
    const id = '2698aca6-72b3-45c1-b859-e71321551fae';
    expect(entry(room.consumers, id)).toMatchObject({ state: 'unanswered', paused: true });
    // in the order they happen: three client requests time out (22.5 s after 3873, 6828,
    // 8828 ms), the stats response comes late at 32228 ms, the consumer at 35828 ms
    expect(room.problems.map((p) => [p.seq, p.code, p.subject])).toEqual([
      [46, 'request-timeout', 'getTransportStats'],
      [54, 'request-timeout', 'restartIce'],
      [56, 'request-timeout', 'getConsumerStats'],
      [93, 'late-response', 'getConsumerStats'],
      [52, 'consumer-left-paused', id],
    ]);
    // offered at 5828 ms with nothing else pending: the server gives up at 35828 ms
    const last = track.indexes[track.indexes.length - 1] ?? 0;
    expect(sizeOf(room.serverPending)).toBe(0);
    expect(entry(track.room(52).serverPending, '7052761')?.deadline).toBe(5828 + 30_000);
    expect(entry(track.room(90).consumers, id)?.state).toBe('offered');
    expect(last).toBeGreaterThan(90);
    expect(values(room.consumers).filter((c) => c.state === 'accepted')).toHaveLength(3);
  });

  it('reconnect: disconnected, then rejoins with fresh ids', () => {
    const { final, track } = load('reconnect');
    expect(final.value).toBe('joined');
    expect(track.stepper.changes().map((c) => c.state)).toEqual([
      'connected',
      'gettingCapabilities',
      'ready',
      'joining',
      'joined',
      'disconnected',
      'rejoining',
      'gettingCapabilities',
      'ready',
      'joining',
      'joined',
    ]);
    const before = track.room(44);
    const during = track.snapshotAtLogIndex(50);
    expect(during.value).toBe('disconnected');
    expect(values(during.context.room.transports).every((t) => t.closed)).toBe(true);
    const room = final.context.room;
    expect(room.epoch).toBe(2);
    expect(keysOf(room.transports)).toEqual([
      '0d53fde0-e995-4a03-acbe-6f2c0e81f414',
      '097c9de4-9ef3-4d31-bb11-b02bf4ef29c6',
    ]);
    for (const key of ['transports', 'producers', 'consumers', 'dataProducers'] as const) {
      const old = keysOf(before[key]);
      expect(old.length).toBeGreaterThan(0);
      expect(keysOf(room[key]).filter((k) => old.includes(k))).toEqual([]);
      expect(keysOf(room[key])).toHaveLength(old.length);
    }
    expect(values(room.transports).map((t) => t.connect)).toEqual(['connected', 'connected']);
    expect(values(room.consumers).every((c) => c.state === 'accepted' && !c.paused)).toBe(true);
    expect(room.problems).toEqual([]);
  });

  it('close-4000: closed by the server, everything closed', () => {
    const { final, track } = load('close-4000');
    expect(final.value).toBe('closed');
    expect(final.status).toBe('done');
    expect(final.context.room).toMatchObject({ closeCode: 4000, joined: false, open: false });
    expect(values(final.context.room.consumers).every((c) => c.closed)).toBe(true);
    expect(track.snapshotAtLogIndex(46).value).toBe('joined');
  });

  it('maps frames to dialect-neutral events', () => {
    const { analysis } = load('legacy-participant-join');
    expect(mediasoupClientEventAt(analysis, 0)).toEqual({ type: 'ws.open' });
    expect(mediasoupClientEventAt(analysis, 1)).toEqual({
      type: 'ms.version',
      version: '3.14.16',
      seq: 1,
    });
    expect(mediasoupClientEventAt(analysis, 2)).toMatchObject({
      type: 'ms.request',
      id: 4628248,
      method: 'getRouterRtpCapabilities',
      seq: 2,
    });
    expect(mediasoupClientEventAt(analysis, 3)).toMatchObject({
      type: 'ms.response',
      id: 4628248,
      method: 'getRouterRtpCapabilities',
      ok: true,
    });
    expect(mediasoupClientEventAt(analysis, 10)).toMatchObject({
      type: 'ms.serverRequest',
      method: 'newConsumer',
      t: 96,
    });
    expect(mediasoupClientEventAt(analysis, 20)).toEqual({
      type: 'ms.clientAnswer',
      id: 686848,
      ok: true,
      seq: 20,
    });
    expect(mediasoupClientEventAt(analysis, 19)).toEqual({
      type: 'pc.event',
      pc: 'recv-pc',
      event: 'connectionstatechange',
      value: 'connecting',
      seq: 19,
    });
    expect(mediasoupClientEventAt(analysis, 2)).toMatchObject({
      t: 5,
      deadline: 5 + requestTimeoutMs('client', 0),
    });
    const rejected = load('rejection-500').analysis;
    expect(mediasoupClientEventAt(rejected, 10)).toMatchObject({
      type: 'ms.response',
      method: 'produce',
      ok: false,
      errorCode: 500,
      errorReason: 'Peer not yet joined',
    });
    expect(mediasoupClientEventAt(rejected, 19)).toMatchObject({
      type: 'ms.clientAnswer',
      ok: false,
    });
  });

  it('snapshots at any index equal a straight replay (checkpoints every 8)', () => {
    const { track, log, analysis } = load('legacy-participant-join');
    const straight = createMediasoupClientDriver(analysis, { every: 100_000 }).track('c1');
    for (let i = 0; i < log.length; i += 7) {
      expect(track.room(i)).toEqual(straight?.room(i));
    }
  });

  it('mesh and two-party rooms are not mediasoup, even with a join message', () => {
    for (const name of FIXTURES.filter((n) => n.startsWith('mesh') || n.startsWith('two-party'))) {
      expect(open(name).driver.tracks(), name).toEqual([]);
    }
    expect(FIXTURES).toContain('two-party-room');
  });

  it('broken-frames: tolerant, no crash', () => {
    const { final } = load('broken-frames');
    expect(final.value).toBe('disconnected');
    expect(values(final.context.room.peers)).toHaveLength(3);
  });
});

describe('client request timeouts, as the analysis sees them', () => {
  it.each(FIXTURES)(
    '%s: request-timeout where the analysis says timeout, late-response where late',
    (name) => {
      const { analysis, driver, log } = open(name);
      for (const track of driver.tracks()) {
        const problems = track.stepper.final.context.room.problems;
        const timedOut: number[] = [];
        const late: number[] = [];
        for (const i of track.indexes) {
          if (log.dir(i) === 'out' && analysis.outcome(i) === 'timeout') timedOut.push(i);
          if (log.dir(i) === 'in' && analysis.isLate(i)) late.push(i);
        }
        const seqs = (code: string) =>
          problems
            .filter((p) => p.code === code)
            .map((p) => p.seq)
            .sort((a, b) => a - b);
        expect(seqs('request-timeout')).toEqual(timedOut);
        expect(seqs('late-response')).toEqual(late);
      }
    },
  );

  it('request-timeout fixture: a request is pending up to its deadline and timed out after it', () => {
    const { analysis, track, log } = load('request-timeout');
    const deadline = analysis.correlator.deadlineOf(46);
    // getTransportStats at 3873 ms, with no other client request in flight
    expect(deadline).toBe(3873 + requestTimeoutMs('client', 0));
    const indexes = [...track.indexes];
    const before = indexes.filter((i) => log.time(i) <= deadline).pop() ?? -1;
    const after = indexes.find((i) => log.time(i) > deadline) ?? -1;
    expect(entry(track.room(before).pending, '8941937')?.method).toBe('getTransportStats');
    expect(track.room(before).problems.some((p) => p.seq === 46)).toBe(false);
    expect(entry(track.room(after).pending, '8941937')).toBeUndefined();
    expect(track.room(after).problems.filter((p) => p.seq === 46)).toEqual([
      expect.objectContaining({ code: 'request-timeout', subject: 'getTransportStats' }),
    ]);
  });

  it('the cursor on another connection’s event shows the timeout as of that event’s time', () => {
    const log = new SessionLog();
    const encode = (o: unknown) => JSON.stringify(o);
    log.append({ t: 0, type: 'ws.open', conn: 'c1', url: 'wss://h/?roomId=r&peerId=p' });
    log.append({
      t: 1,
      type: 'ws.frame',
      conn: 'c1',
      dir: 'in',
      text: encode({ notification: true, method: 'mediasoup-version', data: { version: '3' } }),
    });
    log.append({
      t: 10,
      type: 'ws.frame',
      conn: 'c1',
      dir: 'out',
      text: encode({ request: true, id: 5, method: 'join', data: { displayName: 'A' } }),
    });
    const deadline = 10 + requestTimeoutMs('client', 0);
    const at = log.append({ t: deadline, type: 'note', text: 'at the deadline' });
    const past = log.append({ t: deadline + 1, type: 'note', text: 'just after' });
    const late = log.append({
      t: deadline + 50,
      type: 'ws.frame',
      conn: 'c1',
      dir: 'in',
      text: encode({ response: true, id: 5, ok: true, data: { peers: [] } }),
    });
    const analysis = new SessionAnalysis(log).update();
    const track = createMediasoupClientDriver(analysis).track('c1');
    if (track === undefined) throw new Error('no mediasoup track');
    expect(track.indexes.length).toBe(4);
    expect(track.snapshotAtLogIndex(at).value).toBe('joining');
    expect(entry(track.room(at).pending, '5')?.method).toBe('join');
    expect(track.snapshotAtLogIndex(past).value).toBe('connected');
    expect(track.room(past).problems.map((p) => p.code)).toEqual(['request-timeout']);
    // the stepper itself only moves at the connection's own events
    expect(track.stepper.snapshotAt(2).value).toBe('joining');
    const end = track.snapshotAtLogIndex(late);
    expect(end.value).toBe('connected');
    expect(end.context.room.joined).toBe(false);
    expect(end.context.room.problems.map((p) => p.code)).toEqual([
      'request-timeout',
      'late-response',
    ]);
    expect(analysis.isLate(late)).toBe(true);
  });
});

describe('transport connection states from pc events on the fixtures', () => {
  it.each(FIXTURES)('%s: every pc’s transport ends in the state its pc events say', (name) => {
    const { log, driver } = open(name);
    /** pc id → [log index, state] of its last state event. */
    const last = new Map<string, [number, string]>();
    for (let i = 0; i < log.length; i++) {
      const e = log.get(i);
      if (e.type !== 'pc' || e.conn === undefined) continue;
      if (e.event === 'connectionstatechange' && typeof e.value === 'string') {
        last.set(e.pc, [i, e.value]);
      }
      if (e.event === 'close') last.set(e.pc, [i, 'closed']);
    }
    for (const track of driver.tracks()) {
      const final = track.stepper.final.context.room;
      for (const [pc, [index, expected]] of last) {
        // right after its last state event, the transport it is tied to is in that state
        const at = values(track.room(index).transports).filter((t) => t.pc === pc);
        expect(
          at.map((t) => t.connectionState),
          `${pc} at ${index}`,
        ).toEqual([expected]);
        // and stays in it to the end (if it is still in the room: a reconnection empties it)
        for (const t of values(final.transports).filter((tr) => tr.pc === pc)) {
          expect(t.connectionState, pc).toBe(expected);
        }
      }
      if (last.size > 0) {
        for (const t of values(final.transports)) expect(t.pc, t.id).not.toBeNull();
      }
    }
  });

  it('the fixtures name their pcs send-pc / recv-pc: the pc-name rule ties them', () => {
    const { final } = load('reconnect');
    expect(values(final.context.room.transports).map((t) => [t.direction, t.pc, t.pcRule])).toEqual(
      [
        ['send', 'send-pc-2', 'pc-name'],
        ['recv', 'recv-pc-2', 'pc-name'],
      ],
    );
    expect(entry(final.context.room.pcs, 'send-pc')?.transportId).not.toBeNull();
  });

  it('history: connecting, then connected; closed when the demo client closes them', () => {
    const { track } = load('close-4000');
    const recv = () => values(track.room(16).transports).find((t) => t.pc === 'recv-pc');
    expect(recv()?.connectionState).toBe('connecting');
    expect(values(track.room(15).transports).map((t) => t.connectionState)).toEqual(['new', 'new']);
    expect(values(track.room(29).transports).map((t) => t.connectionState)).toEqual([
      'connected',
      'connected',
    ]);
    expect(values(track.room(49).transports).map((t) => t.connectionState)).toEqual([
      'closed',
      'closed',
    ]);
  });
});

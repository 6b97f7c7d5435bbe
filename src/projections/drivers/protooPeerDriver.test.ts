import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { readCaptureText } from '../../session/capture.ts';
import { SessionLog } from '../../session/SessionLog.ts';
import { SessionAnalysis } from '../analysis.ts';
import { createProtooPeerDriver, protooPeerEventsAt } from './protooPeerDriver.ts';

function load(name: string) {
  const file = fileURLToPath(new URL(`../../../fixtures/${name}.sscap.jsonl`, import.meta.url));
  const { log } = readCaptureText(readFileSync(file, 'utf8'));
  const analysis = new SessionAnalysis(log).update();
  return { log, analysis, driver: createProtooPeerDriver(analysis, { every: 8 }) };
}

describe('createProtooPeerDriver on the fixtures', () => {
  it('reconnect: 3 failed attempts in cycle 2, then open again', () => {
    const { driver } = load('reconnect');
    const track = driver.track('c1');
    expect(track).toBeDefined();
    if (track === undefined) return;
    expect(track.stepper.final.value).toBe('open');
    expect(track.stepper.final.context).toMatchObject({
      cycle: 2,
      attempt: 4,
      failures: 3,
      disconnects: 1,
      opens: 2,
      // getTransportStats was pending at the drop and times out after the reconnection
      timedOut: 1,
      lastTimedOut: { method: 'getTransportStats', sentAt: 5069, deadline: 5069 + 22_500 },
    });
    expect(track.stepper.changes().map((c) => c.state)).toEqual([
      'open',
      'reconnecting',
      'failed',
      'reconnecting',
      'failed',
      'reconnecting',
      'failed',
      'open',
    ]);
    // right after the drop the request is still pending
    const afterDrop = track.snapshotAtLogIndex(45);
    expect(afterDrop.value).toBe('reconnecting');
    expect(afterDrop.context.pendingCount).toBe(1);
    expect(track.snapshotAtLogIndex(51).context).toMatchObject({ attempt: 2 });
  });

  it('close-4000: closed by the server, no retry', () => {
    const { driver } = load('close-4000');
    const final = driver.track('c1')?.stepper.final;
    expect(final?.value).toBe('closed');
    expect(final?.status).toBe('done');
    expect(final?.context).toMatchObject({
      closedBy: 'server',
      closeCode: 4000,
      failures: 0,
      disconnects: 0,
      pendingCount: 1,
    });
  });

  it('request-timeout: client requests time out after 22.5 s + 150 ms per pending', () => {
    const { driver, log, analysis } = load('request-timeout');
    const track = driver.track('c1');
    if (track === undefined) throw new Error('no c1');
    expect(track.stepper.final.value).toBe('open');
    expect(track.stepper.final.context.timedOut).toBe(3);
    // every deadline follows the formula with the pending count at send time
    let checked = 0;
    for (let k = 0; k < track.indexes.length; k++) {
      const i = track.indexes[k] ?? -1;
      if (analysis.kind(i) !== 'request' || log.dir(i) !== 'out') continue;
      const before = track.stepper.snapshotAt(k - 1).context;
      const after = track.stepper.snapshotAt(k).context;
      const entry = after.pending[String(analysis.id(i))];
      expect(entry?.deadline).toBe(log.time(i) + 1500 * (15 + 0.1 * before.pendingCount));
      checked++;
    }
    expect(checked).toBeGreaterThan(3);
  });

  it('legacy-participant-join: open all along', () => {
    const { driver } = load('legacy-participant-join');
    const track = driver.track('c1');
    expect(track?.stepper.changes()).toEqual([{ index: 0, state: 'open' }]);
    expect(track?.stepper.final.context).toMatchObject({ timedOut: 0, pendingCount: 0 });
  });

  it('update() takes in appended events', () => {
    const log = new SessionLog();
    log.append({ t: 0, type: 'ws.open', conn: 'c1', url: 'wss://h/?roomId=r&peerId=p' });
    const analysis = new SessionAnalysis(log).update();
    const driver = createProtooPeerDriver(analysis);
    expect(driver.track('c1')?.stepper.final.value).toBe('open');
    log.append({ t: 10, type: 'ws.close', conn: 'c1', code: 1006 });
    log.append({ t: 12, type: 'ws.close', conn: 'c1', code: 1006 });
    log.append({ t: 0, type: 'ws.open', conn: 'c2', url: 'wss://h/?roomId=r&peerId=q' });
    analysis.update();
    driver.update();
    expect(driver.track('c1')?.stepper.final.value).toBe('failed');
    expect(driver.track('c1')?.stepper.count).toBe(3);
    expect(driver.tracks().map((t) => t.conn)).toEqual(['c1', 'c2']);
    expect(protooPeerEventsAt(analysis, 1)).toEqual([
      { type: 'clock.tick', t: 10 },
      { type: 'ws.close', code: 1006 },
    ]);
  });
});

import { initialTransition, transition } from 'xstate';
import { describe, expect, it } from 'vitest';
import { protooPeerMachine, type ProtooPeerEvent } from '../protooPeerMachine.ts';
import { createStepper, stateKey } from './stepper.ts';

/** A deterministic session: open, requests, drops, failed attempts, ticks. */
function eventsAt(i: number): ProtooPeerEvent | ProtooPeerEvent[] | undefined {
  const t = i * 37;
  switch (i % 50) {
    case 0:
      return [{ type: 'clock.tick', t }, { type: 'ws.open' }];
    case 10:
      return { type: 'protoo.request.sent', id: i, method: 'getStats' };
    case 11:
      return { type: 'protoo.response.received', id: i - 1, ok: true };
    case 20:
      return { type: 'protoo.request.sent', id: i, method: 'join' };
    case 30:
      return { type: 'ws.close', code: 1006 };
    case 31:
      return [
        { type: 'clock.tick', t },
        { type: 'ws.close', code: 1006 },
      ];
    case 40:
      return undefined;
    default:
      return { type: 'clock.tick', t };
  }
}

function fromZero(index: number) {
  let s = initialTransition(protooPeerMachine)[0];
  for (let i = 0; i <= index; i++) {
    const input = eventsAt(i);
    const list = input === undefined ? [] : Array.isArray(input) ? input : [input];
    for (const e of list) s = transition(protooPeerMachine, s, e)[0];
  }
  return s;
}

describe('createStepper', () => {
  const count = 2000;
  const stepper = createStepper(protooPeerMachine, eventsAt, count, { every: 64 });

  it('snapshotAt(i) from a checkpoint equals stepping from 0, at many indexes', () => {
    for (const i of [0, 1, 62, 63, 64, 65, 127, 128, 500, 1023, 1024, 1500, 1998, 1999]) {
      const expected = fromZero(i);
      const got = stepper.snapshotAt(i);
      expect(got.value, `index ${i}`).toEqual(expected.value);
      expect(got.context, `index ${i}`).toEqual(expected.context);
    }
    expect(stepper.snapshotAt(-1)).toBe(stepper.initial);
    expect(stepper.snapshotAt(count - 1)).toBe(stepper.final);
    expect(stepper.checkpointCount).toBe(Math.ceil(count / 64));
  });

  it('snapshotAt() rejects indexes outside -1..count-1', () => {
    expect(() => stepper.snapshotAt(count)).toThrow(RangeError);
    expect(() => stepper.snapshotAt(-2)).toThrow(RangeError);
    expect(() => stepper.snapshotAt(1.5)).toThrow(RangeError);
  });

  it('changes() lists exactly the indexes where the state value changed', () => {
    const changes = stepper.changes();
    let previous = stateKey(stepper.initial.value);
    const expected: { index: number; state: string }[] = [];
    for (let i = 0; i < 200; i++) {
      const key = stateKey(stepper.snapshotAt(i).value);
      if (key !== previous) expected.push({ index: i, state: key });
      previous = key;
    }
    expect(changes.filter((c) => c.index < 200)).toEqual(expected);
    expect(changes.slice(0, 3)).toEqual([
      { index: 0, state: 'open' },
      { index: 30, state: 'reconnecting' },
      { index: 31, state: 'failed' },
    ]);
  });

  it('extend() steps on incrementally and gives the same result as a full build', () => {
    const grown = createStepper(protooPeerMachine, eventsAt, 100, { every: 64 });
    grown.extend(64);
    expect(grown.count).toBe(100);
    grown.extend(128);
    grown.extend(1000);
    grown.extend(count);
    expect(grown.count).toBe(count);
    expect(grown.checkpointCount).toBe(stepper.checkpointCount);
    expect(grown.changes()).toEqual(stepper.changes());
    for (const i of [99, 100, 128, 999, 1000, count - 1]) {
      expect(grown.snapshotAt(i).context).toEqual(stepper.snapshotAt(i).context);
    }
  });

  it('a done machine ignores further events, as an actor would', () => {
    const closed = createStepper(
      protooPeerMachine,
      (i): ProtooPeerEvent =>
        i === 0
          ? { type: 'ws.close', code: 4000 }
          : { type: 'protoo.request.sent', id: i, method: 'x' },
      5,
    );
    expect(closed.final.value).toBe('closed');
    expect(closed.final.context).toEqual(closed.snapshotAt(0).context);
    expect(closed.final.context.pendingCount).toBe(0);
  });
});

describe('stateKey', () => {
  it('is the string itself or JSON for nested values', () => {
    expect(stateKey('open')).toBe('open');
    expect(stateKey({ a: 'b' })).toBe('{"a":"b"}');
  });
});

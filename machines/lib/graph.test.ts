import { and, createMachine, not, setup } from 'xstate';
import { describe, expect, it } from 'vitest';
import { protooPeerMachine } from '../protooPeerMachine.ts';
import { describeGuard, machineGraph } from './graph.ts';

describe('machineGraph', () => {
  it('lists the protoo peer states, root first, with initial and final marked', () => {
    const graph = machineGraph(protooPeerMachine);
    expect(graph.id).toBe('protooPeer');
    expect(graph.states.map((s) => s.id)).toEqual([
      'protooPeer',
      'protooPeer.connecting',
      'protooPeer.open',
      'protooPeer.reconnecting',
      'protooPeer.failed',
      'protooPeer.closed',
    ]);
    expect(graph.states[0]).toMatchObject({ type: 'compound', initial: 'protooPeer.connecting' });
    expect(graph.states.find((s) => s.key === 'closed')).toMatchObject({
      type: 'final',
      final: true,
      parent: 'protooPeer',
      path: ['closed'],
    });
  });

  it('lists transitions with source, target, event and guard', () => {
    const { transitions } = machineGraph(protooPeerMachine);
    expect(transitions).toContainEqual({
      source: 'protooPeer.open',
      target: 'protooPeer.closed',
      event: 'ws.close',
      guard: 'isServerClose',
    });
    expect(transitions).toContainEqual({
      source: 'protooPeer.failed',
      target: 'protooPeer.connecting',
      event: 'clock.tick',
      guard: 'retryDue && isFirstCycle',
    });
    expect(transitions).toContainEqual({
      source: 'protooPeer',
      target: 'protooPeer',
      event: 'ws.error',
      internal: true,
    });
    expect(transitions).toContainEqual({
      source: 'protooPeer',
      target: 'protooPeer.closed',
      event: 'peer.close',
    });
    expect(transitions).toHaveLength(22);
  });

  it('handles nested, parallel, eventless and delayed transitions', () => {
    const machine = createMachine({
      id: 'm',
      type: 'parallel',
      states: {
        a: {
          initial: 'x',
          states: {
            x: { always: { target: 'y', guard: () => true } },
            y: { after: { 1000: 'x' } },
          },
        },
        b: { initial: 'z', states: { z: { on: { GO: '#m.a.x' } } } },
      },
    });
    const graph = machineGraph(machine);
    expect(graph.states.map((s) => `${s.id}:${s.type}`)).toEqual([
      'm:parallel',
      'm.a:compound',
      'm.a.x:atomic',
      'm.a.y:atomic',
      'm.b:compound',
      'm.b.z:atomic',
    ]);
    expect(graph.transitions).toContainEqual({
      source: 'm.a.x',
      target: 'm.a.y',
      event: '',
      guard: 'guard',
    });
    expect(graph.transitions.find((t) => t.source === 'm.a.y')?.event).toMatch(/^xstate\.after/);
    expect(graph.transitions).toContainEqual({ source: 'm.b.z', target: 'm.a.x', event: 'GO' });
  });
});

describe('describeGuard', () => {
  it('names plain, combined and missing guards', () => {
    const m = setup({ guards: { a: () => true, b: () => false } }).createMachine({});
    expect(m.id).toBeDefined();
    expect(describeGuard(undefined)).toBeUndefined();
    expect(describeGuard('a')).toBe('a');
    expect(describeGuard({ type: 'b' })).toBe('b');
    expect(describeGuard(and(['a', not('b')]))).toBe('a && !b');
  });
});

/** Every aggregation rule and legality rule of protocol.md §4, one by one. */
import { describe, expect, it } from 'vitest';
import {
  isLegalConnectionChange,
  isLegalDtlsTransportChange,
  isLegalGathererChange,
  isLegalIceConnectionChange,
  isLegalIceGatheringChange,
  isLegalIceTransportChange,
  legalAggregateChanges,
} from './peerConnectionMachine.legality.ts';
import {
  aggregateConnectionState,
  aggregateIceConnectionState,
  aggregateIceGatheringState,
  resolveSdpType,
  signalingRule,
} from './peerConnectionMachine.states.ts';

describe('aggregateIceConnectionState (top-down)', () => {
  const cases = [
    // closed: the pc is closed, whatever the transports
    [['connected'], true, 'closed'],
    [['failed'], true, 'closed'],
    // failed: any failed (beats disconnected)
    [['connected', 'failed'], false, 'failed'],
    [['disconnected', 'failed'], false, 'failed'],
    // disconnected: any disconnected (beats new/checking)
    [['checking', 'disconnected'], false, 'disconnected'],
    // new: all new or closed (and no transports)
    [[], false, 'new'],
    [['new', 'closed'], false, 'new'],
    [['closed'], false, 'new'],
    // checking: any new or checking
    [['checking'], false, 'checking'],
    [['new', 'connected'], false, 'checking'],
    [['completed', 'checking'], false, 'checking'],
    // completed: all completed or closed
    [['completed', 'closed'], false, 'completed'],
    // else connected
    [['connected', 'completed'], false, 'connected'],
    [['connected', 'closed'], false, 'connected'],
  ] as const;
  for (const [ts, closed, want] of cases) {
    it(`${JSON.stringify(ts)}${closed ? ' (pc closed)' : ''} → ${want}`, () => {
      expect(aggregateIceConnectionState(ts, closed)).toBe(want);
    });
  }
});

describe('aggregateConnectionState (top-down)', () => {
  const cases = [
    [['connected'], ['connected'], true, 'closed'],
    // failed: ICE failed or any DTLS failed
    [['failed'], ['new'], false, 'failed'],
    [['connected'], ['failed'], false, 'failed'],
    [['disconnected'], ['failed'], false, 'failed'],
    // disconnected: any ICE disconnected
    [['disconnected', 'connected'], ['connected', 'connected'], false, 'disconnected'],
    // new: all ICE and DTLS new or closed, or none
    [[], [], false, 'new'],
    [['new', 'closed'], ['new', 'closed'], false, 'new'],
    // connected: ICE connected/completed/closed and all DTLS connected/closed
    [['connected', 'completed'], ['connected', 'closed'], false, 'connected'],
    // else connecting
    [['checking'], ['new'], false, 'connecting'],
    [['connected'], ['connecting'], false, 'connecting'],
    [['connected', 'new'], ['connected', 'new'], false, 'connecting'],
  ] as const;
  for (const [ice, dtls, closed, want] of cases) {
    it(`ice ${JSON.stringify(ice)} dtls ${JSON.stringify(dtls)}${closed ? ' (closed)' : ''} → ${want}`, () => {
      expect(aggregateConnectionState(ice, dtls, closed)).toBe(want);
    });
  }
});

describe('aggregateIceGatheringState', () => {
  const cases = [
    [['complete', 'gathering'], 'gathering'],
    [['new', 'gathering'], 'gathering'],
    [['complete', 'complete'], 'complete'],
    [['complete', 'new'], 'new'],
    [['new'], 'new'],
    [[], 'new'],
  ] as const;
  for (const [ts, want] of cases) {
    it(`${JSON.stringify(ts)} → ${want}`, () => {
      expect(aggregateIceGatheringState(ts)).toBe(want);
    });
  }
});

describe('signaling helpers', () => {
  it('argument-less SLD: offer in stable / have-local-offer / have-remote-pranswer, else answer', () => {
    expect(resolveSdpType('stable', 'local', undefined)).toBe('offer');
    expect(resolveSdpType('have-local-offer', 'local', undefined)).toBe('offer');
    expect(resolveSdpType('have-remote-pranswer', 'local', undefined)).toBe('offer');
    expect(resolveSdpType('have-remote-offer', 'local', undefined)).toBe('answer');
    expect(resolveSdpType('have-local-pranswer', 'local', undefined)).toBe('answer');
    expect(resolveSdpType('stable', 'remote', undefined)).toBeUndefined();
    expect(resolveSdpType('stable', 'local', 'rollback')).toBe('rollback');
  });

  it('rollback is an InvalidStateError in stable and the pranswer states', () => {
    for (const from of ['stable', 'have-local-pranswer', 'have-remote-pranswer'] as const) {
      for (const side of ['local', 'remote'] as const) {
        expect(signalingRule(from, side, 'rollback')).toBeUndefined();
      }
    }
    expect(signalingRule('have-local-offer', 'remote', 'offer')?.implicitRollback).toBe(true);
    expect(signalingRule('closed', 'local', 'offer')).toBeUndefined();
  });
});

describe('per-transport legality', () => {
  it('ICE: new → checking → connected → completed, checking → completed/failed/disconnected', () => {
    for (const [a, b] of [
      ['new', 'checking'],
      ['checking', 'connected'],
      ['connected', 'completed'],
      ['checking', 'completed'],
      ['checking', 'failed'],
      ['checking', 'disconnected'],
      ['disconnected', 'checking'],
      ['disconnected', 'connected'],
      ['failed', 'checking'], // ICE restart
      ['connected', 'closed'],
    ] as const) {
      expect(isLegalIceTransportChange(a, b), `${a} → ${b}`).toBe(true);
    }
    for (const [a, b] of [
      ['new', 'connected'],
      ['new', 'failed'],
      ['failed', 'connected'], // terminal until ICE restart
      ['failed', 'disconnected'],
      ['closed', 'new'],
    ] as const) {
      expect(isLegalIceTransportChange(a, b), `${a} → ${b}`).toBe(false);
    }
  });

  it('DTLS and gatherer', () => {
    expect(isLegalDtlsTransportChange('new', 'connecting')).toBe(true);
    expect(isLegalDtlsTransportChange('connecting', 'connected')).toBe(true);
    expect(isLegalDtlsTransportChange('new', 'connected')).toBe(false);
    expect(isLegalDtlsTransportChange('closed', 'connecting')).toBe(false);
    expect(isLegalGathererChange('new', 'gathering')).toBe(true);
    expect(isLegalGathererChange('gathering', 'complete')).toBe(true);
    expect(isLegalGathererChange('new', 'complete')).toBe(false);
  });
});

describe('aggregate legality', () => {
  it('ICE connection: the usual path is legal, skipping checking or leaving closed is not', () => {
    for (const [a, b] of [
      ['new', 'checking'],
      ['checking', 'connected'],
      ['connected', 'completed'],
      ['connected', 'disconnected'],
      ['disconnected', 'connected'],
      ['disconnected', 'failed'],
      ['failed', 'checking'],
      ['connected', 'checking'], // a new transport
      ['connected', 'closed'],
    ] as const) {
      expect(isLegalIceConnectionChange(a, b), `${a} → ${b}`).toBe(true);
    }
    for (const [a, b] of [
      ['new', 'connected'],
      ['new', 'failed'],
      ['connected', 'failed'],
      ['closed', 'new'],
      ['closed', 'checking'],
    ] as const) {
      expect(isLegalIceConnectionChange(a, b), `${a} → ${b}`).toBe(false);
    }
  });

  it('connection: new → connecting → connected; never new → connected; nothing leaves closed', () => {
    expect(isLegalConnectionChange('new', 'connecting')).toBe(true);
    expect(isLegalConnectionChange('connecting', 'connected')).toBe(true);
    expect(isLegalConnectionChange('connected', 'disconnected')).toBe(true);
    expect(isLegalConnectionChange('disconnected', 'connected')).toBe(true);
    expect(isLegalConnectionChange('connecting', 'failed')).toBe(true);
    expect(isLegalConnectionChange('new', 'connected')).toBe(false);
    expect(isLegalConnectionChange('new', 'failed')).toBe(false);
    expect(isLegalConnectionChange('closed', 'connecting')).toBe(false);
    expect(isLegalConnectionChange('failed', 'closed')).toBe(true);
  });

  it('gathering: everything but new → complete', () => {
    expect(legalAggregateChanges('iceGathering').map(([a, b]) => `${a}>${b}`)).toEqual([
      'new>gathering',
      'gathering>new',
      'gathering>complete',
      'complete>new',
      'complete>gathering',
    ]);
    expect(isLegalIceGatheringChange('new', 'complete')).toBe(false);
  });
});

import { describe, expect, it } from 'vitest';
import { SessionAnalysis } from '../../projections/analysis.ts';
import type { EventInput } from '../../session/events.ts';
import { SessionLog } from '../../session/SessionLog.ts';
import { fixtureSession } from '../shared/sessions.ts';
import { describeEntry, type SeqRow } from './describe.ts';
import { buildLanes } from './lanes.ts';
import {
  buildSequenceModel,
  indexOfEntry,
  layoutRows,
  rowOfIndex,
  type RowLayout,
  type SequenceModel,
} from './model.ts';

function session(events: readonly EventInput[]): SessionAnalysis {
  const log = new SessionLog();
  for (const e of events) log.append(e);
  return new SessionAnalysis(log).update();
}

const json = (v: unknown) => JSON.stringify(v);
const open = (t: number, conn: string, url: string): EventInput => ({
  t,
  type: 'ws.open',
  conn,
  url,
});
const frame = (t: number, conn: string, dir: 'in' | 'out', v: unknown): EventInput => ({
  t,
  type: 'ws.frame',
  conn,
  dir,
  text: json(v),
});
const note = (t: number, conn: string, method: string, data: unknown = {}) =>
  frame(t, conn, 'in', { notification: true, method, data });

function rowsOf(model: SequenceModel, layout: RowLayout = layoutRows(model, new Set())): SeqRow[] {
  return Array.from(layout.entries, (e) => describeEntry(model, layout, e));
}

/** The row of the event with this seq (the sessions here have seq = index). */
function rowAt(model: SequenceModel, seq: number): SeqRow {
  const layout = layoutRows(model, new Set(model.runs.map((r) => r.id)));
  const row = rowsOf(model, layout).find((r) => r.seq === seq && r.run === undefined);
  if (!row) throw new Error(`no row for seq ${seq}`);
  return row;
}

describe('buildLanes()', () => {
  it('gives the client, the server and the remote peers of a legacy join, named as the traffic names them', () => {
    const lanes = buildLanes(fixtureSession('legacy-participant-join')).lanes;
    expect(lanes.map((l) => l.kind)).toEqual(['client', 'server', 'peer', 'peer', 'peer']);
    const [client, server, ...peers] = lanes;
    // The client is labelled with the peerId of its ws.open URL, its conn and room below.
    expect(client?.label).toBe('xc24fh03');
    expect(client?.detail).toBe('c1 · room bnzsceer');
    expect(server?.name).toBe('server');
    expect(server?.detail).toBe('demo.example.org:4443');
    // Peers in order of first mention (the join response, then newPeer), by display name.
    expect(peers.map((p) => p.label)).toEqual(['Grace', 'Linus', 'Margaret']);
    expect(peers.map((p) => p.detail)).toEqual(['8xmzs6t6', '6tlflhsh', '840uvi0n']);
  });

  it('makes a remote peer that is also a client of the capture that client’s lifeline', () => {
    const url = (peer: string) => `wss://h:4443/?roomId=r1&peerId=${peer}`;
    const a = session([
      open(0, 'c1', url('alice')),
      open(1, 'c2', url('bob')),
      note(2, 'c1', 'newPeer', { id: 'bob', displayName: 'Bob', device: {} }),
      note(3, 'c2', 'activeSpeaker', { peerId: 'alice', volume: -20 }),
      note(4, 'c2', 'newPeer', { id: 'carol', displayName: 'Carol', device: {} }),
    ]);
    const index = buildLanes(a);
    expect(index.lanes.map((l) => l.name)).toEqual([
      'client alice',
      'client bob',
      'server',
      'peer Carol',
    ]);
    expect(index.peersOf(2)).toEqual([1]);
    expect(index.peersOf(3)).toEqual([0]);
    expect(index.peersOf(4)).toEqual([3]);
  });

  it('gives each URL host its own server, and a connection without an open the only server there is', () => {
    const two = session([
      open(0, 'c1', 'wss://a.example:4443/?roomId=r&peerId=p1'),
      open(1, 'c2', 'wss://b.example:4443/?roomId=r&peerId=p2'),
    ]);
    expect(buildLanes(two).lanes.map((l) => l.name)).toEqual([
      'client p1',
      'server a.example:4443',
      'client p2',
      'server b.example:4443',
    ]);
    const late = session([
      open(0, 'c1', 'wss://a.example/?roomId=r&peerId=p1'),
      note(1, 'c2', 'downlinkBwe'),
    ]);
    const lanes = buildLanes(late);
    expect(lanes.lanes.map((l) => l.name)).toEqual(['client p1', 'client c2', 'server']);
    expect(lanes.serverLane(1)).toBe(2);
  });

  it('learns mesh peers from welcome, online and signals, and not the page itself', () => {
    const index = buildLanes(fixtureSession('mesh-room'));
    expect(index.lanes.map((l) => l.name)).toEqual([
      'client c1',
      'server',
      'peer 1',
      'peer 2',
      'peer 4',
    ]);
    expect(index.lanes[0]?.detail).toBe('id 3 · room 3tpqn9mk');
  });

  it('gives a lone two-party client “the other client”, and pairs two clients of one room', () => {
    expect(buildLanes(fixtureSession('two-party-room')).lanes.map((l) => l.name)).toEqual([
      'client c1',
      'server',
      'the other client',
    ]);
    const url = 'wss://h/two-party';
    const a = session([
      open(0, 'c1', url),
      open(1, 'c2', url),
      frame(2, 'c1', 'out', { type: 'create or join', room: 'r' }),
      frame(3, 'c1', 'in', { type: 'created', room: 'r', id: 'x' }),
      frame(4, 'c2', 'out', { type: 'create or join', room: 'r' }),
      frame(5, 'c1', 'in', { type: 'join', room: 'r' }),
      frame(6, 'c2', 'in', { type: 'joined', room: 'r', id: 'y' }),
      frame(7, 'c2', 'out', { type: 'message', message: 'got user media' }),
      frame(8, 'c1', 'in', { type: 'message', message: 'got user media' }),
    ]);
    const index = buildLanes(a);
    expect(index.lanes.map((l) => l.name)).toEqual(['client c1', 'client c2', 'server']);
    expect(index.peersOf(7)).toEqual([0]);
    expect(index.peersOf(8)).toEqual([1]);
  });
});

describe('buildSequenceModel() runs', () => {
  const url = 'wss://h/?roomId=r&peerId=me';
  const scores = (from: number, n: number, conn = 'c1') =>
    Array.from({ length: n }, (_, k) => note(from + k, conn, 'consumerScore'));

  it('collapses ≥ 3 consecutive notifications of one method on one connection into one row', () => {
    const a = session([
      open(0, 'c1', url),
      ...scores(1, 24),
      note(25, 'c1', 'producerScore'),
      ...scores(26, 2),
    ]);
    const model = buildSequenceModel(a);
    expect(model.runs).toHaveLength(1);
    expect(model.runs[0]?.members.length).toBe(24);
    const layout = layoutRows(model, new Set());
    // open, the run, producerScore, two consumerScores.
    expect(layout.length).toBe(5);
    const run = describeEntry(model, layout, layout.entries[1] ?? 0);
    expect(run.label).toBe('consumerScore × 24');
    expect(run.aria).toBe(
      'seq 1 to 24, server to client me, 24 notifications consumerScore, collapsed',
    );
  });

  it('expands a run into a header and its rows; a member maps to the header while collapsed', () => {
    const a = session([open(0, 'c1', url), ...scores(1, 5), note(6, 'c1', 'downlinkBwe')]);
    const model = buildSequenceModel(a);
    const collapsed = layoutRows(model, new Set());
    expect(collapsed.length).toBe(3);
    expect(rowOfIndex(model, collapsed, 3)).toBe(1);
    const expanded = layoutRows(model, new Set([0]));
    expect(expanded.length).toBe(8);
    expect(rowOfIndex(model, expanded, 3)).toBe(4);
    expect(indexOfEntry(model, expanded.entries[1] ?? 0)).toBe(1);
    expect(describeEntry(model, expanded, expanded.entries[1] ?? 0).run?.expanded).toBe(true);
    expect(describeEntry(model, expanded, expanded.entries[2] ?? 0).member).toBe(0);
  });

  it('keeps a run across another connection’s rows, and breaks it on the same connection’s request', () => {
    const other = 'wss://h/?roomId=r&peerId=them';
    const a = session([
      open(0, 'c1', url),
      open(1, 'c2', other),
      note(2, 'c1', 'consumerScore'),
      note(3, 'c2', 'producerScore'),
      note(4, 'c1', 'consumerScore'),
      note(5, 'c2', 'downlinkBwe'),
      note(6, 'c1', 'consumerScore'),
      frame(7, 'c1', 'out', { request: true, id: 1, method: 'getTransportStats', data: {} }),
      note(8, 'c1', 'consumerScore'),
      note(9, 'c1', 'consumerScore'),
    ]);
    const model = buildSequenceModel(a);
    expect(model.runs.map((r) => Array.from(r.members, (p) => model.rows[p]))).toEqual([[2, 4, 6]]);
    const layout = layoutRows(model, new Set());
    expect(Array.from(layout.entries, (e) => indexOfEntry(model, e))).toEqual([
      0, 1, 2, 3, 5, 7, 8, 9,
    ]);
  });

  it('draws only the visible rows, and only the lifelines they touch', () => {
    const a = session([
      open(0, 'c1', 'wss://h/?roomId=r&peerId=p1'),
      open(1, 'c2', 'wss://h/?roomId=r&peerId=p2'),
      note(2, 'c2', 'downlinkBwe'),
      note(3, 'c1', 'downlinkBwe'),
    ]);
    const model = buildSequenceModel(a, [1, 2]);
    expect(Array.from(model.rows)).toEqual([1, 2]);
    expect(model.columns.map((c) => c.name)).toEqual(['client p2', 'server']);
    expect(rowsOf(model).map((r) => [r.from, r.to])).toEqual([
      [0, 1],
      [1, 0],
    ]);
  });
});

describe('describeEntry()', () => {
  it('labels a request with lifelines, kind, method, id and outcome, and its response with the pair', () => {
    const model = buildSequenceModel(fixtureSession('legacy-participant-join'));
    const join = rowAt(model, 8);
    expect(join.aria).toBe(
      'seq 8, client xc24fh03 to server, request join id 5067731, ok in 13 ms',
    );
    expect(join.style).toBe('request');
    expect([join.from, join.to]).toEqual([0, 1]);
    expect(join.pair).toBe(9);
    const response = rowAt(model, 9);
    expect(response.style).toBe('response');
    expect([response.from, response.to]).toEqual([1, 0]);
    expect(response.detail).toBe('ok · 13 ms');
    expect(response.pair).toBe(8);
    // The join response names two peers: they are marked on their lifelines.
    expect(response.peers).toEqual([2, 3]);
    expect(response.aria).toMatch(/, about peer Grace, peer Linus$/);
  });

  it('draws a pc event as a note on the client and a socket event across its lifeline', () => {
    const model = buildSequenceModel(fixtureSession('legacy-participant-join'));
    const pc = rowAt(model, 31);
    expect(pc.shape).toBe('self');
    expect(pc.label).toBe('pc recv-pc: connectionstatechange → connected');
    const opened = rowAt(model, 0);
    expect(opened.shape).toBe('socket');
    expect(opened.label).toBe('socket opened');
  });

  it('makes timeouts, cut requests, late responses and 4000 closes stand out in words', () => {
    const timeouts = buildSequenceModel(fixtureSession('request-timeout'));
    const timedOut = rowAt(timeouts, 46);
    expect(timedOut.detail).toBe('timed out after 22.5 s');
    expect(timedOut.tone).toBe('warning');
    expect(rowAt(timeouts, 93).detail).toMatch(/late: request seq 56 had timed out/);
    const reconnect = buildSequenceModel(fixtureSession('reconnect'));
    expect(rowAt(reconnect, 44).detail).toBe('cut by close (seq 45)');
    expect(rowAt(reconnect, 45).label).toBe('closed 1006');
    const closed = buildSequenceModel(fixtureSession('close-4000'));
    const close = rowsOf(closed).find((r) => r.style === 'close');
    expect(close?.label).toBe('closed 4000 closed by protoo-server');
  });

  it('marks error responses and broken frames red, with their reason', () => {
    const model = buildSequenceModel(fixtureSession('broken-frames'));
    const empty = rowAt(model, 2);
    expect([empty.style, empty.tone, empty.detail]).toEqual([
      'invalid',
      'error',
      'not JSON: the frame is empty',
    ]);
    const error = rowAt(model, 27);
    expect(error.style).toBe('error');
    expect(error.tone).toBe('error');
    expect(error.detail).toMatch(/^error 500: /);
    expect(rowAt(model, 22).detail).toMatch(/orphan: no request with this id/);
    expect(rowAt(model, 19).style).toBe('binary');
  });

  it('draws a frame of a kind it does not know as a plain message', () => {
    const a = session([open(0, 'c1', 'wss://h/?roomId=r&peerId=p'), note(1, 'c1', 'x')]);
    const unknownKind = Object.assign(Object.create(a) as SessionAnalysis, {
      kind: () => 'hologram' as unknown as ReturnType<SessionAnalysis['kind']>,
    });
    const model = buildSequenceModel(unknownKind);
    const row = rowAt(model, 1);
    expect(row.style).toBe('message');
    expect(row.label).toBe('x');
  });
});

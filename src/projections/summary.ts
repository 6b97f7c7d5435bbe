import { KIND_CODE, type SessionAnalysis } from './analysis.ts';
import type { Dialect } from '../protocol/dialect.ts';
import type { ConnectionProtocol } from '../protocol/rooms.ts';

export interface SessionSummary {
  events: number;
  frames: number;
  textFrames: number;
  binaryFrames: number;
  invalidFrames: number;
  requests: number;
  responses: number;
  notifications: number;
  /** Valid frames of mesh / two-party connections. */
  roomMessages: number;
  /** Requests answered in time, with success or error. */
  answered: number;
  errorResponses: number;
  /** Requests with no answer: timed out, cut by a disconnect, or pending at the end. */
  unanswered: number;
  timedOut: number;
  cut: number;
  pendingAtEnd: number;
  lateResponses: number;
  orphanResponses: number;
  connections: number;
  /** What every connection speaks, or `mixed` when they differ. */
  protocol: ConnectionProtocol | 'mixed' | 'none';
  protocols: Record<string, ConnectionProtocol>;
  /** The dialect of every protoo connection, or `mixed` when they differ. */
  dialect: Dialect | 'mixed' | 'none';
  /** Protoo connections only: a mesh / two-party connection has no mediasoup-demo dialect. */
  dialects: Record<string, Dialect>;
  /** method → requests + notifications. */
  methods: Record<string, number>;
  /** mesh / two-party frame type → valid frames of that type. */
  roomTypes: Record<string, number>;
  /** Latency of answered requests, ms. */
  latency: { p50: number | null; p95: number | null; max: number | null };
  /** Duration from the first to the last event, ms. */
  durationMs: number;
}

function percentile(sorted: Float64Array, p: number): number | null {
  if (sorted.length === 0) return null;
  const k = Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1));
  return sorted[k] ?? null;
}

/**
 * Counts of everything in a session, as `signalscope summary --json` prints them.
 *
 * @example
 * summarise(new SessionAnalysis(log).update()).requests
 */
export function summarise(a: SessionAnalysis): SessionSummary {
  const log = a.log;
  const s: SessionSummary = {
    events: a.length,
    frames: 0,
    textFrames: 0,
    binaryFrames: 0,
    invalidFrames: 0,
    requests: 0,
    responses: 0,
    notifications: 0,
    roomMessages: 0,
    answered: 0,
    errorResponses: 0,
    unanswered: 0,
    timedOut: 0,
    cut: 0,
    pendingAtEnd: 0,
    lateResponses: 0,
    orphanResponses: 0,
    connections: log.connections().length,
    protocol: 'none',
    protocols: {},
    dialect: 'none',
    dialects: {},
    methods: {},
    roomTypes: {},
    latency: { p50: null, p95: null, max: null },
    durationMs: a.length > 0 ? log.endTime - log.time(0) : 0,
  };
  const latencies: number[] = [];
  for (let i = 0; i < a.length; i++) {
    const k = a.kindCode(i);
    if (k === KIND_CODE.none) continue;
    s.frames++;
    switch (k) {
      case KIND_CODE.binary:
        s.binaryFrames++;
        continue;
      case KIND_CODE.invalid:
        s.invalidFrames++;
        break;
      case KIND_CODE.request: {
        s.requests++;
        const o = a.outcome(i);
        if (o === 'ok' || o === 'error') {
          s.answered++;
          const l = a.latency(i);
          if (l !== undefined) latencies.push(l);
        } else {
          s.unanswered++;
          if (o === 'timeout') s.timedOut++;
          else if (o === 'cut') s.cut++;
          else s.pendingAtEnd++;
        }
        break;
      }
      case KIND_CODE.success:
      case KIND_CODE.error: {
        s.responses++;
        if (k === KIND_CODE.error) s.errorResponses++;
        const orphan = a.orphan(i);
        if (orphan?.kind === 'late') s.lateResponses++;
        else if (orphan) s.orphanResponses++;
        break;
      }
      case KIND_CODE.notification:
        s.notifications++;
        break;
      case KIND_CODE.room:
        s.roomMessages++;
        break;
    }
    s.textFrames++;
  }
  for (const [method, c] of a.methodCounts()) s.methods[method] = c.requests + c.notifications;
  for (const [type, count] of a.roomTypeCounts()) s.roomTypes[type] = count;
  const infos = a.connectionInfos();
  const set = new Set<Dialect>();
  const protocols = new Set<ConnectionProtocol>();
  for (const c of infos) {
    s.protocols[c.name] = c.protocol;
    protocols.add(c.protocol);
    if (c.protocol !== 'protoo') continue;
    s.dialects[c.name] = c.dialect;
    set.add(c.dialect);
  }
  s.dialect = set.size === 0 ? 'none' : set.size === 1 ? ([...set][0] ?? 'none') : 'mixed';
  s.protocol =
    protocols.size === 0 ? 'none' : protocols.size === 1 ? ([...protocols][0] ?? 'none') : 'mixed';
  const sorted = Float64Array.from(latencies).sort();
  s.latency = {
    p50: percentile(sorted, 0.5),
    p95: percentile(sorted, 0.95),
    max: sorted.length ? (sorted[sorted.length - 1] ?? null) : null,
  };
  return s;
}

import { KIND_CODE, type SessionAnalysis } from './analysis.ts';
import { TYPE_CODE } from '../session/SessionLog.ts';
import {
  PC_EVENT_NAMES,
  type PcEvent,
  type UnknownEvent,
  type WsErrorEvent,
} from '../session/events.ts';

export type Severity = 'error' | 'warning' | 'info';

export interface Finding {
  readonly code: FindingCode;
  readonly severity: Severity;
  /** The seq of the event the finding is about. */
  readonly seq: number;
  /** Its index in the log. */
  readonly index: number;
  readonly conn: string | undefined;
  readonly message: string;
  /** Indexes of other events involved (the request of a response, the close that cut…). */
  readonly related?: readonly number[];
  /** The machine instance a machine finding is about (src/projections/machineFindings.ts). */
  readonly machine?: FindingMachine;
}

/** A machine instance: its kind (`protoo-peer`, `peer-connection`, …) and id. */
export interface FindingMachine {
  readonly kind: string;
  readonly id: string;
}

/**
 * Every finding code, with its severity and what it means. Codes are stable: scripts may
 * rely on them (docs/findings.md lists the same).
 */
export const FINDING_CODES = {
  'invalid-frame': {
    severity: 'error',
    description:
      "A text frame that is not a valid message of its connection's protocol (protoo, or the mesh / two-party room JSON); the receiver drops it.",
  },
  'large-frame': {
    severity: 'warning',
    description:
      'A frame over 1 MiB (LARGE_FRAME_CHARS): kept whole in the log and in exports, but the inspector shows its first 200,000 characters, without pretty-printing; the Raw tab downloads it whole. Signaling this big usually means a runaway payload.',
  },
  'binary-frame': {
    severity: 'info',
    description:
      'A binary frame; protoo ignores binary frames, and the mesh / two-party rooms speak JSON text only.',
  },
  'error-response': {
    severity: 'warning',
    description: 'A request was answered with an error (code and reason).',
  },
  'request-timeout': {
    severity: 'error',
    description:
      "A request got no answer within protoo's timeout (client 1500·(15+0.1·pending) ms, server 2000·(15+0.1·pending) ms).",
  },
  'late-response': {
    severity: 'warning',
    description: 'A response came after its request had timed out; protoo drops it.',
  },
  'request-cut': {
    severity: 'warning',
    description:
      'A request was pending when its connection closed; its answer cannot come any more.',
  },
  'pending-at-end': {
    severity: 'info',
    description:
      'A request still waiting for its answer when the session ends (its timeout not yet reached).',
  },
  'orphan-response': {
    severity: 'warning',
    description:
      'A response whose id matches no request sent the other way on the same connection.',
  },
  'duplicate-response': {
    severity: 'warning',
    description: 'A second response to a request that was already answered.',
  },
  'id-reused': {
    severity: 'warning',
    description:
      'A request reused the id of a request still pending on the same connection and direction; protoo replaces the pending entry, and the earlier request can only time out.',
  },
  'consumer-not-accepted': {
    severity: 'warning',
    description:
      'The client rejected or never answered a newConsumer / newDataConsumer request; the server keeps that consumer paused (mediasoup-demo only resumes it on accept).',
  },
  'unknown-method': {
    severity: 'warning',
    description: "A method the connection's mediasoup-demo dialect does not have.",
  },
  'missing-field': {
    severity: 'warning',
    description: 'A data field the method needs is missing.',
  },
  'wrong-type': {
    severity: 'warning',
    description: 'A data field has the wrong type.',
  },
  'other-dialect-shape': {
    severity: 'warning',
    description: "A message shaped like the other mediasoup-demo dialect's.",
  },
  'wrong-value': {
    severity: 'warning',
    description:
      'A data field has a value outside its fixed set (e.g. kind other than audio / video).',
  },
  'other-dialect-method': {
    severity: 'warning',
    description: 'A method that only the other mediasoup-demo dialect has.',
  },
  'wrong-kind': {
    severity: 'warning',
    description: 'A request sent as a notification, or the other way round, for the dialect.',
  },
  'wrong-direction': {
    severity: 'warning',
    description:
      'A method sent in the direction it never travels (e.g. newConsumer from the client).',
  },
  'deprecated-method': {
    severity: 'info',
    description: 'A method name from an old mediasoup-demo release.',
  },
  'validation-warning': {
    severity: 'warning',
    description: 'Another catalog check on the message failed.',
  },
  'dialect-conflict': {
    severity: 'warning',
    description: 'The connection shows evidence of both mediasoup-demo dialects.',
  },
  'closed-by-server': {
    severity: 'info',
    description:
      'The server closed the connection with code 4000; protoo-client does not reconnect.',
  },
  'connection-dropped': {
    severity: 'warning',
    description:
      'The socket closed with a code other than 1000 / 4000 (e.g. 1006); protoo-client reconnects.',
  },
  'ws-error': {
    severity: 'warning',
    description: 'The socket reported an error.',
  },
  'unknown-event': {
    severity: 'info',
    description:
      'An event type this version of signalscope does not know; it is kept and shown as is.',
  },
  'unknown-pc-event': {
    severity: 'info',
    description: 'A pc event name that is not in the webrtc-internals update log.',
  },
  'time-regression': {
    severity: 'warning',
    description: 'An event has an earlier time than the one before it.',
  },
  // Machine findings (src/projections/machineFindings.ts; `allFindings` adds them).
  'model-mismatch': {
    severity: 'warning',
    description:
      'A state the browser reported differs from what the peer connection model predicted from the calls before it (reported and predicted state, and the call it followed).',
  },
  'illegal-state-change': {
    severity: 'warning',
    description:
      'A reported ICE gathering, ICE connection or connection state change (of the peer connection or one of its transports) that the W3C rules do not allow.',
  },
  'invalid-pc-call': {
    severity: 'warning',
    description:
      'A setLocalDescription / setRemoteDescription the browser must reject: InvalidStateError in the wrong signaling state or after close(), TypeError without a description type.',
  },
  'reconnect-storm': {
    severity: 'warning',
    description:
      'A protoo connection dropped after opening and started a new retry cycle more than 3 times within 60 s.',
  },
  'retries-exhausted': {
    severity: 'error',
    description:
      'All 11 attempts of a protoo retry cycle failed: protoo-client gives up and the peer is closed.',
  },
  'call-before-join': {
    severity: 'warning',
    description:
      'A mediasoup-demo client sent produce / produceData before its join succeeded; the server rejects it.',
  },
  'join-twice': {
    severity: 'warning',
    description:
      'A mediasoup-demo client sent join while already joined, or while another join was in flight.',
  },
  'unknown-transport': {
    severity: 'warning',
    description:
      'A request names a transport this client never created, one of an earlier socket, or one it closed.',
  },
  'second-connect': {
    severity: 'warning',
    description:
      'connectWebRtcTransport again on a transport already connecting or connected (mediasoup-client connects a transport once).',
  },
  'transport-failed': {
    severity: 'error',
    description:
      "A mediasoup transport's RTCPeerConnection reported connectionState failed: no media flows on it.",
  },
  'mesh-rule-broken': {
    severity: 'warning',
    description:
      'A mesh-room page broke a rule of the room: an offer from the side that should wait, a second link to a peer, an answer or candidate with no offer, an event before the welcome, a changed id.',
  },
  'two-party-rule-broken': {
    severity: 'warning',
    description:
      'A two-party-room client broke the order of the room: a message before joining, an offer from the joiner or before both are ready, an answer with no offer, a candidate before the offer.',
  },
} as const satisfies Record<string, { severity: Severity; description: string }>;

export type FindingCode = keyof typeof FINDING_CODES;

/**
 * Frames longer than this (characters of text, or of base64) get a `large-frame` finding and
 * are shown cut, never pretty-printed: a page stays responsive with frames of tens of MB.
 */
export const LARGE_FRAME_CHARS = 1024 * 1024;

function mib(chars: number): string {
  return `${(chars / (1024 * 1024)).toFixed(1)} MiB`;
}

const VALIDATION_CODES = new Set<string>([
  'unknown-method',
  'missing-field',
  'wrong-type',
  'wrong-value',
  'other-dialect-method',
  'other-dialect-shape',
  'wrong-kind',
  'wrong-direction',
  'deprecated-method',
]);

/** "consumer c1 (audio, producer p1 of peer bob)" from a newConsumer / newDataConsumer request. */
function describeConsumer(msg: ReturnType<SessionAnalysis['message']>): string {
  if (msg?.kind !== 'request') return 'the consumer';
  const d = (typeof msg.data === 'object' && msg.data !== null ? msg.data : {}) as Record<
    string,
    unknown
  >;
  const str = (v: unknown) =>
    typeof v === 'string' || typeof v === 'number' ? String(v) : undefined;
  const data = msg.method === 'newDataConsumer';
  const id = str(data ? (d.dataConsumerId ?? d.id) : (d.consumerId ?? d.id));
  const details = [
    str(d.kind) ?? str(d.label),
    str(data ? d.dataProducerId : d.producerId) &&
      `producer ${str(data ? d.dataProducerId : d.producerId) ?? ''}`,
    d.peerId === null ? 'of the bot' : str(d.peerId) && `of peer ${str(d.peerId) ?? ''}`,
  ].filter(Boolean);
  return `${data ? 'data consumer' : 'consumer'}${id ? ` ${id}` : ''}${details.length ? ` (${details.join(', ')})` : ''}`;
}

function fmtMs(ms: number): string {
  return ms >= 10_000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.round(ms)} ms`;
}

/**
 * Derives every finding from an analysed session's events, in log order. The machines'
 * findings (model mismatches, reconnect storms…) are not among them: `allFindings` in
 * src/projections/machineFindings.ts gives both, merged in log order.
 *
 * @example
 * for (const f of findings(new SessionAnalysis(log).update())) console.log(f.code, f.seq);
 */
export function findings(a: SessionAnalysis, now = a.log.endTime): Finding[] {
  const log = a.log;
  const out: Finding[] = [];
  const add = (code: FindingCode, index: number, message: string, related?: readonly number[]) => {
    const connId = log.connId(index);
    out.push({
      code,
      severity: FINDING_CODES[code].severity,
      seq: log.seq(index),
      index,
      conn: connId >= 0 ? log.connName(connId) : undefined,
      message,
      ...(related ? { related } : {}),
    });
  };
  const describeReq = (i: number) => {
    const m = a.method(i) ?? '?';
    return `${m} (id ${a.id(i) ?? '?'}, ${log.dir(i) === 'out' ? 'client→server' : 'server→client'}, seq ${log.seq(i)})`;
  };
  const regressions = new Set(a.timeRegressions());

  for (let i = 0; i < a.length; i++) {
    if (regressions.has(i)) {
      add('time-regression', i, `time ${log.time(i)} ms is earlier than an event before it`);
    }
    const type = log.typeCode(i);
    if (type !== TYPE_CODE['ws.frame']) {
      if (type === TYPE_CODE['ws.close']) {
        const ev = log.get(i);
        const code = 'code' in ev && typeof ev.code === 'number' ? ev.code : undefined;
        const reason =
          'reason' in ev && typeof ev.reason === 'string' && ev.reason ? ` (${ev.reason})` : '';
        // 4000 means "closed by protoo-server" on protoo connections only.
        const protoo = (a.protocolOf(log.connId(i)) ?? 'protoo') === 'protoo';
        if (code === 4000 && protoo)
          add(
            'closed-by-server',
            i,
            `the server closed the connection with 4000${reason}: no reconnection`,
          );
        else if (code !== 1000)
          add('connection-dropped', i, `the socket closed with ${code ?? 'no code'}${reason}`);
      } else if (type === TYPE_CODE['ws.error']) {
        add('ws-error', i, `socket error: ${(log.get(i) as WsErrorEvent).message}`);
      } else if (type === TYPE_CODE.unknown) {
        add(
          'unknown-event',
          i,
          `unknown event type "${(log.get(i) as UnknownEvent).originalType}", kept as is`,
        );
      } else if (type === TYPE_CODE.pc) {
        const ev = log.get(i) as PcEvent;
        if (!PC_EVENT_NAMES.includes(ev.event))
          add(
            'unknown-pc-event',
            i,
            `pc event "${ev.event}" is not a webrtc-internals update-log name`,
          );
      }
      continue;
    }
    const size = (log.frameText(i) ?? log.frameBase64(i) ?? '').length;
    if (size > LARGE_FRAME_CHARS) {
      add(
        'large-frame',
        i,
        `frame of ${mib(size)} (${size.toLocaleString('en')} characters), over the ${mib(LARGE_FRAME_CHARS)} the inspector shows whole: its detail shows the start; the Raw tab downloads it whole`,
      );
    }
    const kind = a.kindCode(i);
    switch (kind) {
      case KIND_CODE.invalid:
        add('invalid-frame', i, a.invalidReasons.get(i) ?? 'not a protoo message');
        break;
      case KIND_CODE.binary: {
        const protocol = a.protocolOf(log.connId(i)) ?? 'protoo';
        add(
          'binary-frame',
          i,
          protocol === 'protoo'
            ? 'binary frame: protoo ignores it'
            : `binary frame on a ${protocol} connection: the room speaks JSON text frames only`,
        );
        break;
      }
      case KIND_CODE.request: {
        const outcome = a.outcome(i, now);
        const pair = a.pairOf(i);
        const method = a.method(i);
        if (outcome === 'timeout') {
          const at = a.correlator.deadlineOf(i) - log.time(i);
          const late = pair >= 0 ? `; a late response came at seq ${log.seq(pair)}` : '';
          add(
            'request-timeout',
            i,
            `${describeReq(i)} got no answer within ${fmtMs(at)}${late}`,
            pair >= 0 ? [pair] : undefined,
          );
        } else if (outcome === 'cut') {
          const by = a.correlator.cutBy.get(i);
          add(
            'request-cut',
            i,
            `${describeReq(i)} was pending when the connection closed${by === undefined ? '' : ` at seq ${log.seq(by)}`}`,
            by === undefined ? undefined : [by],
          );
        } else if (outcome === 'pending') {
          add('pending-at-end', i, `${describeReq(i)} is still waiting for its answer`);
        }
        const reused = a.correlator.reusedId.get(i);
        if (reused !== undefined) {
          add(
            'id-reused',
            i,
            `id ${a.id(i) ?? '?'} is reused while ${describeReq(reused)} is pending`,
            [reused],
          );
        }
        if (
          (method === 'newConsumer' || method === 'newDataConsumer') &&
          log.dir(i) === 'in' &&
          outcome !== 'ok' &&
          outcome !== 'pending'
        ) {
          const why =
            outcome === 'error'
              ? `rejected it (${a.errors.get(pair)?.code ?? '?'} ${a.errors.get(pair)?.reason ?? ''})`.trimEnd()
              : outcome === 'timeout'
                ? 'never answered it'
                : 'lost the connection before answering';
          add(
            'consumer-not-accepted',
            i,
            `the client ${why}: the server keeps ${describeConsumer(a.message(i))} paused`,
            pair >= 0 ? [pair] : undefined,
          );
        }
        break;
      }
      case KIND_CODE.success:
      case KIND_CODE.error: {
        const orphan = a.orphan(i);
        const req = a.pairOf(i);
        if (kind === KIND_CODE.error && req >= 0 && !a.isLate(i)) {
          const e = a.errors.get(i);
          add(
            'error-response',
            i,
            `${describeReq(req)} failed: ${e?.code ?? 'no code'} ${e?.reason ?? ''}`.trimEnd(),
            [req],
          );
        }
        if (orphan) {
          switch (orphan.kind) {
            case 'late':
              add(
                'late-response',
                i,
                `response to ${describeReq(orphan.request)} came after it timed out at ${fmtMs(orphan.timedOutAt)}`,
                [orphan.request],
              );
              break;
            case 'after-cut':
              add(
                'orphan-response',
                i,
                `response id ${a.id(i) ?? '?'} answers ${describeReq(orphan.request)}, which a disconnect had cut`,
                [orphan.request],
              );
              break;
            case 'duplicate':
              add('duplicate-response', i, `second response to ${describeReq(orphan.request)}`, [
                orphan.request,
                orphan.firstResponse,
              ]);
              break;
            case 'unknown-id':
              add(
                'orphan-response',
                i,
                `response id ${a.id(i) ?? '?'} matches no request sent ${log.dir(i) === 'in' ? 'client→server' : 'server→client'} on this connection`,
              );
              break;
          }
        }
        break;
      }
    }
    const warnings = a.warnings.get(i);
    if (warnings) {
      for (const w of warnings) {
        const code = VALIDATION_CODES.has(w.code) ? (w.code as FindingCode) : 'validation-warning';
        add(code, i, w.message);
      }
    }
  }
  for (const c of a.connectionInfos()) {
    const ev = c.dialectEvidence;
    if (ev.conflicts) {
      const first = ev.evidence.find((e) => e.dialect !== c.dialect);
      const index = first ? log.indexOfSeq(first.seq) : -1;
      if (index >= 0)
        add(
          'dialect-conflict',
          index,
          `connection ${c.name} looked ${c.dialect} but this message is ${first?.dialect ?? '?'}: ${first?.reason ?? ''}`,
        );
    }
  }
  out.sort((x, y) => x.index - y.index);
  return out;
}

export function countBySeverity(list: readonly Finding[]): Record<Severity, number> {
  const counts: Record<Severity, number> = { error: 0, warning: 0, info: 0 };
  for (const f of list) counts[f.severity]++;
  return counts;
}

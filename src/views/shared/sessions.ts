/**
 * Sessions for the views' stories, tests and benchmarks: every fixture by name, a huge
 * generated room, and a session full of hostile strings. Each call builds a fresh log.
 *
 * @example
 * const analysis = fixtureSession('legacy-participant-join');
 * const huge = generatedSession(100_000); // 100,000 ws frames of two simulated rooms
 */
import { roomTraffic } from '../../../bench/lib/room.ts';
import { FIXTURES } from '../../../fixtures/index.ts';
import { SessionAnalysis } from '../../projections/analysis.ts';
import type { EventInput, SessionEvent } from '../../session/events.ts';
import { SessionLog } from '../../session/SessionLog.ts';

/** An HTML/script payload: must always show as these characters, never as markup. */
export const HOSTILE = '<img src=x onerror=alert(1)><script>alert(2)</script>';

/** An analysed session of these events (their `seq` is kept). */
export function sessionOf(events: Iterable<SessionEvent>): SessionAnalysis {
  const log = new SessionLog();
  for (const e of events) log.appendWithSeq(e);
  return new SessionAnalysis(log).update();
}

/** The fixture `name` (fixtures/index.json), analysed. */
export function fixtureSession(name: string): SessionAnalysis {
  const build = FIXTURES[name];
  if (build === undefined) throw new Error(`no fixture named ${name}`);
  return sessionOf(build().events);
}

/** Two simulated mediasoup-demo rooms (both dialects), `frames` ws frames in all. */
export function generatedSession(frames: number, seed = 'views'): SessionAnalysis {
  return sessionOf(roomTraffic({ frames, seed }));
}

/** An empty session (no events). */
export function emptySession(): SessionAnalysis {
  return new SessionAnalysis(new SessionLog()).update();
}

/**
 * Hostile strings everywhere a view may print one: peer ids and display names, methods,
 * error reasons, close reasons, pc ids, SDP lines, notes, and a broken frame.
 */
export function hostileSession(): SessionAnalysis {
  const log = new SessionLog();
  const add = (e: EventInput) => log.append(e);
  const conn = `c${HOSTILE}`;
  const text = (v: unknown) => JSON.stringify(v);
  add({ t: 0, type: 'ws.open', conn, url: `wss://x/?roomId=${HOSTILE}&peerId=${HOSTILE}` });
  add({
    t: 1,
    type: 'ws.frame',
    conn,
    dir: 'out',
    text: text({
      request: true,
      id: 1,
      method: 'join',
      data: { displayName: HOSTILE, device: { name: HOSTILE } },
    }),
  });
  add({
    t: 2,
    type: 'ws.frame',
    conn,
    dir: 'in',
    text: text({ response: true, id: 1, ok: false, errorCode: 500, errorReason: HOSTILE }),
  });
  add({
    t: 3,
    type: 'ws.frame',
    conn,
    dir: 'in',
    text: text({
      notification: true,
      method: 'newPeer',
      data: { id: HOSTILE, displayName: HOSTILE, device: {} },
    }),
  });
  add({
    t: 4,
    type: 'ws.frame',
    conn,
    dir: 'in',
    text: text({ notification: true, method: HOSTILE, data: {} }),
  });
  add({ t: 5, type: 'ws.frame', conn, dir: 'in', text: `{"broken": ${HOSTILE}` });
  add({
    t: 6,
    type: 'pc',
    pc: HOSTILE,
    conn,
    event: 'setRemoteDescription',
    value: {
      type: 'offer',
      sdp: `v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=${HOSTILE}\r\nt=0 0\r\nm=audio 9 UDP/TLS/RTP/SAVPF 111\r\na=mid:${HOSTILE}\r\na=ice-ufrag:${HOSTILE}\r\n`,
    },
  });
  add({ t: 7, type: 'note', text: HOSTILE, conn });
  add({ t: 8, type: 'ws.close', conn, code: 4000, reason: HOSTILE });
  return new SessionAnalysis(log).update();
}

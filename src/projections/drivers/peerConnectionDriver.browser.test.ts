/**
 * peerConnectionMachine against the real thing: real RTCPeerConnection pairs in Chromium
 * (host candidates on loopback, candidates exchanged directly in the page, no STUN / TURN)
 * are driven through scripted sequences, recorded by {@link recordPeerConnection} into a
 * SessionLog, and the log is replayed through {@link createPeerConnectionDriver}. For every
 * peer connection of every sequence the machine must predict what Chromium did:
 * - no mismatches and no illegal changes;
 * - its final signaling / ICE gathering / ICE connection / connection states are the real ones;
 * - the signaling states it went through are the `signalingstatechange` values Chromium fired,
 *   in order (plus `closed` after close(), which fires no event);
 * - after every ICE gathering / ICE connection / connection report it is in the reported state;
 * - it rejects exactly the SLD / SRD calls Chromium rejected with an InvalidStateError.
 */
import { describe, it, type ExpectStatic } from 'vitest';
import { SessionLog } from '../../session/SessionLog.ts';
import type { PcEvent } from '../../session/events.ts';
import { createPeerConnectionDriver, type PeerConnectionTrack } from './peerConnectionDriver.ts';
import { perfectNegotiation } from './perfectNegotiation.testkit.ts';
import { recordPeerConnection, type RecordedPeerConnection } from '../../sources/pcRecorder.ts';

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

async function until(what: string, done: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!done()) {
    if (performance.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(10);
  }
}

/** The name of the error `promise` rejects with, or 'no error'. */
async function rejection(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    return error instanceof Error ? error.name : String(error);
  }
  return 'no error';
}

/** One sequence: a log and the peer connections recorded into it. */
class Session {
  readonly log = new SessionLog();
  readonly peers: RecordedPeerConnection[] = [];

  peer(name: string): RecordedPeerConnection {
    const recorded = recordPeerConnection(this.log, name, new RTCPeerConnection());
    this.peers.push(recorded);
    return recorded;
  }

  /** Two peers whose ICE candidates reach each other (queued until a remote description). */
  pair(): [RecordedPeerConnection, RecordedPeerConnection] {
    const a = this.peer('A');
    const b = this.peer('B');
    relayCandidates(a, b);
    relayCandidates(b, a);
    return [a, b];
  }

  dispose(): void {
    for (const p of this.peers) {
      p.detach();
      p.pc.close();
    }
  }

  events(pc: string): PcEvent[] {
    return [...this.log.events()].filter((e): e is PcEvent => e.type === 'pc' && e.pc === pc);
  }
}

function relayCandidates(from: RecordedPeerConnection, to: RecordedPeerConnection): void {
  const queue: RTCIceCandidateInit[] = [];
  const flush = (): void => {
    if (to.pc.remoteDescription === null || to.pc.signalingState === 'closed') return;
    // Candidates of a rolled-back or restarted generation may fail: logged, then ignored.
    for (const c of queue.splice(0)) void to.addIceCandidate(c).catch(() => undefined);
  };
  from.pc.addEventListener('icecandidate', (e) => {
    if (e.candidate === null || e.candidate.candidate === '') return;
    queue.push(e.candidate.toJSON());
    flush();
  });
  to.pc.addEventListener('signalingstatechange', flush);
}

/** Full offer/answer with createOffer / createAnswer and explicit descriptions. */
async function negotiate(
  offerer: RecordedPeerConnection,
  answerer: RecordedPeerConnection,
  offerOptions?: RTCOfferOptions,
): Promise<void> {
  const offer = await offerer.createOffer(offerOptions);
  await offerer.setLocalDescription(offer);
  await answerer.setRemoteDescription(offer);
  const answer = await answerer.createAnswer();
  await answerer.setLocalDescription(answer);
  await offerer.setRemoteDescription(answer);
}

async function connected(...peers: RecordedPeerConnection[]): Promise<void> {
  await until('connectionState connected', () =>
    peers.every((p) => p.pc.connectionState === 'connected'),
  );
}

function openChannel(channel: RTCDataChannel): Promise<void> {
  if (channel.readyState === 'open') return Promise.resolve();
  return new Promise((resolve) => {
    channel.addEventListener(
      'open',
      () => {
        resolve();
      },
      { once: true },
    );
  });
}

function localDescription(p: RecordedPeerConnection): RTCSessionDescriptionInit {
  const d = p.pc.localDescription;
  if (d === null) throw new Error(`${p.name} has no local description`);
  return { type: d.type, sdp: d.sdp };
}

const short = (value: unknown): string => {
  if (typeof value === 'object' && value !== null && 'sdp' in value && 'type' in value) {
    return `{type: ${String(value.type)}, sdp: …}`;
  }
  const text = value === undefined ? '' : JSON.stringify(value);
  return text.length > 90 ? `${text.slice(0, 90)}…` : text;
};

/** The peer connection's trace, one line per event, for failure messages. */
function trace(s: Session, pc: string): string {
  return s
    .events(pc)
    .map((e) => `  ${e.seq} ${e.event} ${short(e.value)}`)
    .join('\n');
}

function signalingPathOf(track: PeerConnectionTrack): string[] {
  const path: string[] = [];
  let last = 'stable';
  for (const change of track.changes()) {
    const state = (change.state as { signaling: string }).signaling;
    if (state !== last) path.push(state);
    last = state;
  }
  return path;
}

/** The seqs of the calls whose lastRejected the machine set (its predicted rejections). */
function predictedRejections(track: PeerConnectionTrack): number[] {
  const seqs: number[] = [];
  for (let k = 0; k < track.indexes.length; k++) {
    const seq = track.stepper.snapshotAt(k).context.lastRejected?.seq;
    if (seq !== undefined && seq !== seqs.at(-1)) seqs.push(seq);
  }
  return seqs;
}

/** The seqs of the SLD / SRD calls Chromium rejected with an InvalidStateError. */
function chromiumStateErrors(events: readonly PcEvent[]): number[] {
  const chain: number[] = [];
  const seqs: number[] = [];
  for (const e of events) {
    if (e.event === 'setLocalDescription' || e.event === 'setRemoteDescription') {
      chain.push(e.seq);
    } else if (/^set(Local|Remote)DescriptionOn(Success|Failure)$/.test(e.event)) {
      const call = chain.shift();
      if (
        e.event.endsWith('Failure') &&
        String(e.value).startsWith('InvalidStateError') &&
        call !== undefined
      ) {
        seqs.push(call);
      }
    } else if (e.event === 'close') {
      // Calls still in the chain are aborted: they never settle.
      chain.length = 0;
    }
  }
  return seqs;
}

const REPORTS = {
  icegatheringstatechange: 'iceGathering',
  iceconnectionstatechange: 'iceConnection',
  connectionstatechange: 'connection',
} as const;

/** Replays the session through the driver and checks every peer connection against Chromium. */
function expectMachineAgrees(expect: ExpectStatic, s: Session): void {
  const driver = createPeerConnectionDriver(s.log);
  for (const p of s.peers) {
    const track = driver.track(p.name);
    const events = s.events(p.name);
    const message = `${p.name}:\n${trace(s, p.name)}`;
    if (track === undefined) throw new Error(`no track for ${p.name}`);
    const { context, value } = track.stepper.final;
    expect(context.mismatches, message).toEqual([]);
    expect(context.illegalChanges, message).toEqual([]);
    expect(value, message).toEqual({
      signaling: p.pc.signalingState,
      iceGathering: p.pc.iceGatheringState,
      iceConnection: p.pc.iceConnectionState,
      connection: p.pc.connectionState,
    });
    const fired = events.filter((e) => e.event === 'signalingstatechange').map((e) => e.value);
    const closedByCall = events.some((e) => e.event === 'close');
    expect(signalingPathOf(track), message).toEqual(closedByCall ? [...fired, 'closed'] : fired);
    for (const e of events) {
      if (!(e.event in REPORTS)) continue;
      const region = REPORTS[e.event as keyof typeof REPORTS];
      const at = track.snapshotAtLogIndex(s.log.indexOfSeq(e.seq)).value as Record<string, string>;
      expect(at[region], `${message}\nafter seq ${e.seq}`).toBe(e.value);
    }
    expect(predictedRejections(track), message).toEqual(chromiumStateErrors(events));
  }
}

/** The signalingstatechange values a peer fired, in order. */
function firedSignaling(s: Session, pc: string): unknown[] {
  return s
    .events(pc)
    .filter((e) => e.event === 'signalingstatechange')
    .map((e) => e.value);
}

function failures(s: Session, pc: string): string[] {
  return s
    .events(pc)
    .filter((e) => e.event.endsWith('OnFailure'))
    .map((e) => `${e.event} ${String(e.value).split(':')[0] ?? ''}`);
}

describe.concurrent('peerConnectionMachine replaying real Chromium RTCPeerConnections', () => {
  it('remote close: B closes a connected pair, A goes ICE disconnected, then connection failed', async ({
    expect,
    onTestFinished,
  }) => {
    const s = new Session();
    onTestFinished(() => {
      s.dispose();
    });
    const [a, b] = s.pair();
    a.pc.createDataChannel('chat');
    await negotiate(a, b);
    await connected(a, b);
    b.close();
    await until('A disconnected', () => a.pc.iceConnectionState === 'disconnected', 10_000);
    await until('A connection failed', () => a.pc.connectionState === 'failed', 20_000);
    const fired = (event: string) =>
      s
        .events('A')
        .filter((e) => e.event === event)
        .map((e) => e.value);
    expect(fired('iceconnectionstatechange')).toEqual(['checking', 'connected', 'disconnected']);
    expect(fired('connectionstatechange')).toEqual([
      'connecting',
      'connected',
      'disconnected',
      'failed',
    ]);
    // Chromium: the per-transport states behind the aggregates (for the report).
    const dtls = a.pc.sctp?.transport;
    console.log(
      `remote close: A ice=${a.pc.iceConnectionState} connection=${a.pc.connectionState}` +
        ` dtls=${dtls?.state ?? '?'} iceTransport=${dtls?.iceTransport.state ?? '?'}`,
    );
    expectMachineAgrees(expect, s);
  }, 35_000);

  it('offerer: createOffer, SLD(offer), SRD(answer), ICE and DTLS connected, data channel open', async ({
    expect,
    onTestFinished,
  }) => {
    const s = new Session();
    onTestFinished(() => {
      s.dispose();
    });
    const [a, b] = s.pair();
    const channel = a.pc.createDataChannel('chat');
    await negotiate(a, b);
    await connected(a, b);
    await openChannel(channel);
    expect(firedSignaling(s, 'A')).toEqual(['have-local-offer', 'stable']);
    expectMachineAgrees(expect, s);
  });

  it('answerer: SRD(offer), createAnswer, SLD(answer), datachannel event, message received', async ({
    expect,
    onTestFinished,
  }) => {
    const s = new Session();
    onTestFinished(() => {
      s.dispose();
    });
    const [a, b] = s.pair();
    const sent = a.pc.createDataChannel('chat');
    const received = new Promise<string>((resolve) => {
      b.pc.addEventListener('datachannel', (e) => {
        e.channel.addEventListener(
          'message',
          (m) => {
            resolve(String(m.data));
          },
          { once: true },
        );
      });
    });
    await negotiate(a, b);
    await openChannel(sent);
    sent.send('hello');
    expect(await received).toBe('hello');
    await connected(a, b);
    expect(firedSignaling(s, 'B')).toEqual(['have-remote-offer', 'stable']);
    expect(s.events('B').some((e) => e.event === 'datachannel' && e.value === 'chat')).toBe(true);
    expectMachineAgrees(expect, s);
  });

  it('rollback of a local offer: SLD(offer) then SLD(rollback) back to stable', async ({
    expect,
    onTestFinished,
  }) => {
    const s = new Session();
    onTestFinished(() => {
      s.dispose();
    });
    const a = s.peer('A');
    a.pc.createDataChannel('chat');
    await a.setLocalDescription(await a.createOffer());
    await a.setLocalDescription({ type: 'rollback' });
    expect(firedSignaling(s, 'A')).toEqual(['have-local-offer', 'stable']);
    expectMachineAgrees(expect, s);
  });

  it('SRD(rollback) in have-local-offer is accepted (rollback through setRemoteDescription)', async ({
    expect,
    onTestFinished,
  }) => {
    const s = new Session();
    onTestFinished(() => {
      s.dispose();
    });
    const a = s.peer('A');
    a.pc.createDataChannel('chat');
    await a.setLocalDescription();
    await a.setRemoteDescription({ type: 'rollback' });
    expect(a.pc.signalingState).toBe('stable');
    expect(failures(s, 'A')).toEqual([]);
    expectMachineAgrees(expect, s);
  });

  it('SRD(offer) then SLD(rollback), then SRD(offer) then SRD(rollback)', async ({
    expect,
    onTestFinished,
  }) => {
    const s = new Session();
    onTestFinished(() => {
      s.dispose();
    });
    const a = s.peer('A');
    const b = s.peer('B');
    a.pc.createDataChannel('chat');
    const offer = await a.createOffer();
    await b.setRemoteDescription(offer);
    await b.setLocalDescription({ type: 'rollback' });
    await b.setRemoteDescription(offer);
    await b.setRemoteDescription({ type: 'rollback' });
    expect(firedSignaling(s, 'B')).toEqual([
      'have-remote-offer',
      'stable',
      'have-remote-offer',
      'stable',
    ]);
    expectMachineAgrees(expect, s);
  });

  it('pranswer then answer: B SLD(pranswer) twice then SLD(answer), A SRD(pranswer) twice then SRD(answer), connected', async ({
    expect,
    onTestFinished,
  }) => {
    const s = new Session();
    onTestFinished(() => {
      s.dispose();
    });
    const [a, b] = s.pair();
    a.pc.createDataChannel('chat');
    await a.setLocalDescription(await a.createOffer());
    await b.setRemoteDescription(localDescription(a));
    const answer = await b.createAnswer();
    const pranswer = { type: 'pranswer' as const, sdp: answer.sdp ?? '' };
    await b.setLocalDescription(pranswer);
    await a.setRemoteDescription(pranswer);
    await b.setLocalDescription(pranswer);
    await a.setRemoteDescription(pranswer);
    await b.setLocalDescription(answer);
    await a.setRemoteDescription(answer);
    await connected(a, b);
    expect(firedSignaling(s, 'A')).toEqual(['have-local-offer', 'have-remote-pranswer', 'stable']);
    expect(firedSignaling(s, 'B')).toEqual(['have-remote-offer', 'have-local-pranswer', 'stable']);
    expectMachineAgrees(expect, s);
  });

  it('argument-less SLD in have-local-pranswer makes the final answer', async ({
    expect,
    onTestFinished,
  }) => {
    const s = new Session();
    onTestFinished(() => {
      s.dispose();
    });
    const [a, b] = s.pair();
    a.pc.createDataChannel('chat');
    await a.setLocalDescription();
    await b.setRemoteDescription(localDescription(a));
    const answer = await b.createAnswer();
    await b.setLocalDescription({ type: 'pranswer', sdp: answer.sdp ?? '' });
    await a.setRemoteDescription(localDescription(b));
    await b.setLocalDescription();
    expect(b.pc.localDescription?.type).toBe('answer');
    await a.setRemoteDescription(localDescription(b));
    await connected(a, b);
    expectMachineAgrees(expect, s);
  });

  it('implicit rollback: SRD(offer) in have-local-offer fires stable then have-remote-offer', async ({
    expect,
    onTestFinished,
  }) => {
    const s = new Session();
    onTestFinished(() => {
      s.dispose();
    });
    const [a, b] = s.pair();
    a.pc.createDataChannel('a');
    b.pc.createDataChannel('b');
    await a.setLocalDescription();
    await b.setLocalDescription();
    // Chromium sometimes never gathers for the answer when the rolled-back offer was still
    // gathering (seen under load): let both offers finish gathering first.
    await until('offers gathered', () =>
      [a, b].every((p) => p.pc.iceGatheringState === 'complete'),
    );
    await a.setRemoteDescription(localDescription(b));
    expect(firedSignaling(s, 'A')).toEqual(['have-local-offer', 'stable', 'have-remote-offer']);
    // Signaling order in the log: both changes before the OnSuccess.
    expect(
      s
        .events('A')
        .map((e) => e.event)
        .filter((e) => /^(setRemoteDescription|signalingstatechange)/.test(e))
        .slice(-4),
    ).toEqual([
      'setRemoteDescription',
      'signalingstatechange',
      'signalingstatechange',
      'setRemoteDescriptionOnSuccess',
    ]);
    await a.setLocalDescription();
    await b.setRemoteDescription(localDescription(a));
    await connected(a, b);
    expectMachineAgrees(expect, s);
  });

  it('implicit rollback refused: an offer without ice-ufrag fails (InvalidAccessError) and keeps have-local-offer', async ({
    expect,
    onTestFinished,
  }) => {
    const s = new Session();
    onTestFinished(() => {
      s.dispose();
    });
    const a = s.peer('A');
    const b = s.peer('B');
    a.pc.createDataChannel('a');
    b.pc.createDataChannel('b');
    await a.setLocalDescription();
    const offer = await b.createOffer();
    const broken = {
      type: 'offer' as const,
      sdp: (offer.sdp ?? '').replace(/a=ice-ufrag:.*\r\n/g, ''),
    };
    expect(await rejection(a.setRemoteDescription(broken))).toBe('InvalidAccessError');
    expect(a.pc.signalingState).toBe('have-local-offer');
    expect(firedSignaling(s, 'A')).toEqual(['have-local-offer']);
    expectMachineAgrees(expect, s);
  });

  it('glare under perfect negotiation (W3C example): polite B rolls back, both end connected', async ({
    expect,
    onTestFinished,
  }) => {
    const s = new Session();
    onTestFinished(() => {
      s.dispose();
    });
    const a = s.peer('A');
    const b = s.peer('B');
    const glare = perfectNegotiation(a, b);
    onTestFinished(() => {
      glare.stop();
    });
    a.pc.createDataChannel('from-a');
    b.pc.createDataChannel('from-b');
    await connected(a, b);
    await until(
      'both stable',
      () => a.pc.signalingState === 'stable' && b.pc.signalingState === 'stable',
    );
    expect(firedSignaling(s, 'B').slice(0, 3)).toEqual([
      'have-local-offer',
      'stable',
      'have-remote-offer',
    ]);
    expect(firedSignaling(s, 'A').slice(0, 2)).toEqual(['have-local-offer', 'stable']);
    expectMachineAgrees(expect, s);
    expect(glare.errors).toEqual([]);
  });

  it('close mid-negotiation: A closes after SLD(offer), before the answer; later SRD(answer) fails', async ({
    expect,
    onTestFinished,
  }) => {
    const s = new Session();
    onTestFinished(() => {
      s.dispose();
    });
    const [a, b] = s.pair();
    a.pc.createDataChannel('chat');
    await a.setLocalDescription(await a.createOffer());
    await b.setRemoteDescription(localDescription(a));
    const answer = await b.createAnswer();
    await b.setLocalDescription(answer);
    a.close();
    expect(await rejection(a.setRemoteDescription(answer))).toBe('InvalidStateError');
    await sleep(50);
    expect([a.pc.signalingState, a.pc.iceConnectionState, a.pc.connectionState]).toEqual([
      'closed',
      'closed',
      'closed',
    ]);
    expectMachineAgrees(expect, s);
  });

  it('close in have-remote-offer with SLD(answer) queued behind it', async ({
    expect,
    onTestFinished,
  }) => {
    const s = new Session();
    onTestFinished(() => {
      s.dispose();
    });
    const a = s.peer('A');
    const b = s.peer('B');
    a.pc.createDataChannel('chat');
    await b.setRemoteDescription(await a.createOffer());
    const pending = b.setLocalDescription();
    b.close();
    // The aborted call never settles (W3C): do not wait for it.
    void pending.catch(() => undefined);
    await sleep(50);
    expect(b.pc.signalingState).toBe('closed');
    expectMachineAgrees(expect, s);
  });

  it('invalid calls in stable: SRD(answer), SRD(pranswer), SLD(answer), SLD(rollback), SRD(rollback) are InvalidStateErrors', async ({
    expect,
    onTestFinished,
  }) => {
    const s = new Session();
    onTestFinished(() => {
      s.dispose();
    });
    const [a, b] = s.pair();
    a.pc.createDataChannel('chat');
    await negotiate(a, b);
    const answer = localDescription(b);
    expect(await rejection(a.setRemoteDescription(answer))).toBe('InvalidStateError');
    expect(
      await rejection(a.setRemoteDescription({ type: 'pranswer', sdp: answer.sdp ?? '' })),
    ).toBe('InvalidStateError');
    // B's last answer: the SDP matches the one B generated, so the state is what is checked.
    expect(await rejection(b.setLocalDescription(answer))).toBe('InvalidStateError');
    expect(await rejection(a.setLocalDescription({ type: 'rollback' }))).toBe('InvalidStateError');
    expect(await rejection(a.setRemoteDescription({ type: 'rollback' }))).toBe('InvalidStateError');
    expect(a.pc.signalingState).toBe('stable');
    expect(b.pc.signalingState).toBe('stable');
    expectMachineAgrees(expect, s);
  });

  it('invalid calls after close: SRD, SLD, argument-less SLD, createOffer, addIceCandidate all InvalidStateError', async ({
    expect,
    onTestFinished,
  }) => {
    const s = new Session();
    onTestFinished(() => {
      s.dispose();
    });
    const a = s.peer('A');
    const b = s.peer('B');
    a.pc.createDataChannel('chat');
    const offer = await a.createOffer();
    b.close();
    expect(await rejection(b.setRemoteDescription(offer))).toBe('InvalidStateError');
    expect(await rejection(b.setLocalDescription({ type: 'offer', sdp: offer.sdp ?? '' }))).toBe(
      'InvalidStateError',
    );
    expect(await rejection(b.setLocalDescription())).toBe('InvalidStateError');
    expect(await rejection(b.createOffer())).toBe('InvalidStateError');
    expect(
      await rejection(
        b.addIceCandidate({ candidate: 'candidate:1 1 udp 1 127.0.0.1 9 typ host', sdpMid: '0' }),
      ),
    ).toBe('InvalidStateError');
    expectMachineAgrees(expect, s);
  });

  it('queued calls: SLD(offer), SRD(answer), SRD(answer) without awaiting; the second answer is rejected when it starts', async ({
    expect,
    onTestFinished,
  }) => {
    const s = new Session();
    onTestFinished(() => {
      s.dispose();
    });
    const [a, b] = s.pair();
    a.pc.createDataChannel('chat');
    const offer = await a.createOffer();
    await b.setRemoteDescription(offer);
    const answer = await b.createAnswer();
    await b.setLocalDescription(answer);
    const results = await Promise.allSettled([
      a.setLocalDescription(offer),
      a.setRemoteDescription(answer),
      a.setRemoteDescription(answer),
    ]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'fulfilled', 'rejected']);
    await connected(a, b);
    expectMachineAgrees(expect, s);
  });

  it('ICE restart with restartIce(): negotiationneeded, argument-less renegotiation, stays connected', async ({
    expect,
    onTestFinished,
  }) => {
    const s = new Session();
    onTestFinished(() => {
      s.dispose();
    });
    const [a, b] = s.pair();
    a.pc.createDataChannel('chat');
    await negotiate(a, b);
    await connected(a, b);
    const ufrag = (p: RecordedPeerConnection) =>
      /a=ice-ufrag:(\S+)/.exec(p.pc.localDescription?.sdp ?? '')?.[1];
    const before = ufrag(a);
    const needed = new Promise<void>((resolve) => {
      a.pc.addEventListener(
        'negotiationneeded',
        () => {
          resolve();
        },
        { once: true },
      );
    });
    a.restartIce();
    await needed;
    await a.setLocalDescription();
    await b.setRemoteDescription(localDescription(a));
    await b.setLocalDescription();
    await a.setRemoteDescription(localDescription(b));
    expect(ufrag(a)).not.toBe(before);
    await sleep(200);
    await connected(a, b);
    expectMachineAgrees(expect, s);
  });

  it('ICE restart with createOffer({ iceRestart: true }) then renegotiation, connected again', async ({
    expect,
    onTestFinished,
  }) => {
    const s = new Session();
    onTestFinished(() => {
      s.dispose();
    });
    const [a, b] = s.pair();
    a.pc.createDataChannel('chat');
    await negotiate(a, b);
    await connected(a, b);
    await negotiate(a, b, { iceRestart: true });
    await sleep(200);
    await connected(a, b);
    expect(firedSignaling(s, 'A')).toEqual([
      'have-local-offer',
      'stable',
      'have-local-offer',
      'stable',
    ]);
    expectMachineAgrees(expect, s);
  });

  it('argument-less SLD in stable makes an offer; answered with createAnswer', async ({
    expect,
    onTestFinished,
  }) => {
    const s = new Session();
    onTestFinished(() => {
      s.dispose();
    });
    const [a, b] = s.pair();
    a.pc.createDataChannel('chat');
    await a.setLocalDescription();
    expect(a.pc.localDescription?.type).toBe('offer');
    await b.setRemoteDescription(localDescription(a));
    await b.setLocalDescription(await b.createAnswer());
    await a.setRemoteDescription(localDescription(b));
    await connected(a, b);
    expectMachineAgrees(expect, s);
  });

  it('argument-less SLD in have-remote-offer makes an answer', async ({
    expect,
    onTestFinished,
  }) => {
    const s = new Session();
    onTestFinished(() => {
      s.dispose();
    });
    const [a, b] = s.pair();
    a.pc.createDataChannel('chat');
    await a.setLocalDescription(await a.createOffer());
    await b.setRemoteDescription(localDescription(a));
    await b.setLocalDescription();
    expect(b.pc.localDescription?.type).toBe('answer');
    await a.setRemoteDescription(localDescription(b));
    await connected(a, b);
    expectMachineAgrees(expect, s);
  });

  it('argument-less SLD in have-local-offer re-sets the offer: no signalingstatechange', async ({
    expect,
    onTestFinished,
  }) => {
    const s = new Session();
    onTestFinished(() => {
      s.dispose();
    });
    const a = s.peer('A');
    a.pc.createDataChannel('chat');
    await a.setLocalDescription();
    await a.setLocalDescription();
    expect(firedSignaling(s, 'A')).toEqual(['have-local-offer']);
    expect(failures(s, 'A')).toEqual([]);
    expectMachineAgrees(expect, s);
  });

  it('renegotiation adding a second data channel: B offers this time, both channels open', async ({
    expect,
    onTestFinished,
  }) => {
    const s = new Session();
    onTestFinished(() => {
      s.dispose();
    });
    const [a, b] = s.pair();
    const first = a.pc.createDataChannel('one');
    await negotiate(a, b);
    await connected(a, b);
    await openChannel(first);
    const second = a.pc.createDataChannel('two');
    await negotiate(b, a);
    await openChannel(second);
    expect(
      s
        .events('B')
        .filter((e) => e.event === 'datachannel')
        .map((e) => e.value),
    ).toEqual(['one', 'two']);
    expect(firedSignaling(s, 'B')).toEqual([
      'have-remote-offer',
      'stable',
      'have-local-offer',
      'stable',
    ]);
    expectMachineAgrees(expect, s);
  });

  it('renegotiation adding an audio transceiver: negotiationneeded, offer/answer, still connected', async ({
    expect,
    onTestFinished,
  }) => {
    const s = new Session();
    onTestFinished(() => {
      s.dispose();
    });
    const [a, b] = s.pair();
    a.pc.createDataChannel('chat');
    await negotiate(a, b);
    await connected(a, b);
    const needed = new Promise<void>((resolve) => {
      a.pc.addEventListener(
        'negotiationneeded',
        () => {
          resolve();
        },
        { once: true },
      );
    });
    a.pc.addTransceiver('audio', { direction: 'recvonly' });
    await needed;
    await negotiate(a, b);
    await connected(a, b);
    expect(b.pc.getTransceivers()).toHaveLength(1);
    expectMachineAgrees(expect, s);
  });

  it('SLD with an unparsable SDP (OperationError) or one without fingerprint (InvalidAccessError) leaves stable', async ({
    expect,
    onTestFinished,
  }) => {
    const s = new Session();
    onTestFinished(() => {
      s.dispose();
    });
    const a = s.peer('A');
    a.pc.createDataChannel('chat');
    const offer = await a.createOffer();
    const sdp = offer.sdp ?? '';
    expect(await rejection(a.setLocalDescription({ type: 'offer', sdp: 'garbage' }))).toBe(
      'OperationError',
    );
    expect(
      await rejection(
        a.setLocalDescription({ type: 'offer', sdp: sdp.replace(/a=fingerprint:.*\r\n/g, '') }),
      ),
    ).toBe('InvalidAccessError');
    expect(a.pc.signalingState).toBe('stable');
    await a.setLocalDescription(offer);
    expect(firedSignaling(s, 'A')).toEqual(['have-local-offer']);
    expectMachineAgrees(expect, s);
  });

  it('SRD(offer) with an unparsable SDP fails (OperationError) and leaves stable', async ({
    expect,
    onTestFinished,
  }) => {
    const s = new Session();
    onTestFinished(() => {
      s.dispose();
    });
    const b = s.peer('B');
    expect(await rejection(b.setRemoteDescription({ type: 'offer', sdp: 'v=0\r\nbogus' }))).toBe(
      'OperationError',
    );
    expect(b.pc.signalingState).toBe('stable');
    expectMachineAgrees(expect, s);
  });

  it('addIceCandidate before any remote description fails (InvalidStateError), after SRD it succeeds', async ({
    expect,
    onTestFinished,
  }) => {
    const s = new Session();
    onTestFinished(() => {
      s.dispose();
    });
    const a = s.peer('A');
    const b = s.peer('B');
    a.pc.createDataChannel('chat');
    const candidate = { candidate: 'candidate:1 1 udp 1 127.0.0.1 9 typ host', sdpMid: '0' };
    expect(await rejection(b.addIceCandidate(candidate))).toBe('InvalidStateError');
    await b.setRemoteDescription(await a.createOffer());
    await b.addIceCandidate(candidate);
    expect(failures(s, 'B')).toEqual(['addIceCandidateOnFailure InvalidStateError']);
    expectMachineAgrees(expect, s);
  });

  it('DTLS failure: a tampered fingerprint fails the connection while ICE stays connected', async ({
    expect,
    onTestFinished,
  }) => {
    const s = new Session();
    onTestFinished(() => {
      s.dispose();
    });
    const [a, b] = s.pair();
    a.pc.createDataChannel('chat');
    await a.setLocalDescription();
    await b.setRemoteDescription(localDescription(a));
    await b.setLocalDescription();
    const sdp = (b.pc.localDescription?.sdp ?? '').replace(
      /(a=fingerprint:sha-256 )([0-9A-F]{2})/,
      (_m, prefix: string, byte: string) => prefix + (byte === 'AA' ? 'BB' : 'AA'),
    );
    await a.setRemoteDescription({ type: 'answer', sdp });
    await until('a failed connection', () =>
      [a, b].every((p) => p.pc.connectionState === 'failed'),
    );
    expect(a.pc.iceConnectionState).toBe('connected');
    expectMachineAgrees(expect, s);
  });
});

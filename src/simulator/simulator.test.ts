import { describe, expect, test } from 'vitest';
import { SessionAnalysis } from '../projections/analysis.ts';
import { allFindings } from '../projections/machineFindings.ts';
import { createMachineDrivers, machineStates } from '../projections/machineStates.ts';
import { readCaptureStrict } from '../session/capture.ts';
import {
  BUILTIN_SCENARIOS,
  FAULT_KINDS,
  STEP_KINDS,
  ScenarioError,
  builtinScenario,
  createSimulation,
  parseScenario,
  simulateToEnd,
  simulationCapture,
  type FaultSpec,
  type ScenarioFile,
  type Simulation,
} from './index.ts';

const small = BUILTIN_SCENARIOS.filter((s) => s.id !== 'mesh-32');

function scenario(id: string, patch: Partial<ScenarioFile> = {}): ScenarioFile {
  const s = builtinScenario(id);
  if (s === undefined) throw new Error(`no built-in scenario ${id}`);
  return { ...s, ...patch };
}

function run(s: ScenarioFile): Simulation {
  return simulateToEnd(createSimulation(s));
}

function analysis(sim: Simulation): SessionAnalysis {
  return new SessionAnalysis(sim.log).update();
}

function codes(sim: Simulation): string[] {
  return allFindings(analysis(sim)).map((f) => f.code);
}

function pcEvents(sim: Simulation, pc: string): string[] {
  return [...sim.log.events()].flatMap((e) => (e.type === 'pc' && e.pc === pc ? [e.event] : []));
}

describe('built-in scenarios', () => {
  test.each(small.map((s) => [s.id, s] as const))(
    '%s is deterministic and replays from its capture',
    (_id, s) => {
      const a = run(s);
      const b = run(s);
      expect(a.steps.length).toBeGreaterThan(5);
      const text = simulationCapture(a);
      expect(simulationCapture(b)).toBe(text);
      // The capture reads back to the same events, and the inspector sees the same machines.
      const { log } = readCaptureStrict(text);
      expect(log.length).toBe(a.log.length);
      const live = machineStates(analysis(a));
      const replayed = machineStates(new SessionAnalysis(log).update());
      expect(JSON.stringify(replayed)).toBe(JSON.stringify(live));
    },
  );

  test('a different seed gives a different capture', () => {
    const s = scenario('two-party');
    expect(simulationCapture(run({ ...s, seed: 2 }))).not.toBe(simulationCapture(run(s)));
  });

  test('every step has a known kind, an explanation, and its note first', () => {
    for (const s of small) {
      const sim = run(s);
      for (const step of sim.steps) {
        expect(STEP_KINDS[step.kind], `${s.id} step kind ${step.kind}`).toBeDefined();
        expect(step.explanation.length, `${s.id} #${step.index}`).toBeGreaterThan(10);
        const note = sim.log.get(step.firstIndex);
        expect(note.type).toBe('note');
        expect(note.extra?.sim).toMatchObject({ step: step.index, kind: step.kind });
      }
    }
  });

  test('explanations carry the state changes the inspector machines saw', () => {
    const sim = run(scenario('two-party'));
    const answered = sim.steps.find((s) => s.summary.includes("applies bob's answer"));
    expect(answered?.explanation).toContain(
      'RTCPeerConnection pc-alice: signalingState: "have-local-offer" → "stable"',
    );
  });
});

describe('mesh', () => {
  test('8 peers: every pair connected, the smaller id offered, no rule broken', () => {
    const sim = run(scenario('mesh', { params: { peers: 8, joinEveryMs: 500 } }));
    const a = analysis(sim);
    const drivers = createMachineDrivers(a);
    const pages = drivers.mesh.tracks();
    expect(pages).toHaveLength(8);
    for (const page of pages) {
      const links = Object.values(page.stepper.final.context.links);
      expect(links).toHaveLength(7);
      for (const link of links) expect(link.state).toBe('connected');
      expect(page.stepper.final.context.problems).toEqual([]);
    }
    // Offers only ever go from the smaller id to the larger.
    for (const e of sim.log.events()) {
      if (e.type !== 'ws.frame' || e.dir !== 'out') continue;
      const m = JSON.parse(e.text ?? '{}') as { to?: number; description?: { type: string } };
      if (m.description?.type === 'offer')
        expect(Number(e.conn.replace(/\D+/g, ''))).toBeLessThan(m.to ?? 0);
    }
    expect(codes(sim)).toEqual([]);
  });

  test('the 4-peer lesson: a WebSocket-only reconnect keeps the links, a reload rebuilds them', () => {
    const sim = run(scenario('mesh'));
    const a = analysis(sim);
    const drivers = createMachineDrivers(a);
    // peer 2 reconnected its socket: still one connection per peer, all connected.
    const two = drivers.mesh.track('peer-2')?.stepper.final.context;
    expect(
      Object.values(two?.links ?? {}).map((l) => `${l.peerId} ${l.state} ${l.generation}`),
    ).toEqual(['1 connected 2', '3 connected 1', '4 connected 1']);
    // peer 1 reloaded: a new page (connection) whose links are all connected.
    const reloaded = drivers.mesh.track('peer-1-reload1')?.stepper.final.context;
    expect(Object.values(reloaded?.links ?? {}).every((l) => l.state === 'connected')).toBe(true);
    // The old connection to peer 1 failed (no consent answers) before it was replaced.
    const states = [...sim.log.events()].flatMap((e) =>
      e.type === 'pc' && e.pc === 'pc-2-1' && e.event === 'connectionstatechange' ? [e.value] : [],
    );
    expect(states).toEqual(['connecting', 'connected', 'disconnected', 'failed']);
    expect(codes(sim).sort()).toEqual(['connection-dropped', 'connection-dropped']);
  });
});

describe('perfect negotiation', () => {
  test('glare: the impolite peer ignores, the polite one rolls back; the inspector replays the same decisions', () => {
    const sim = createSimulation(scenario('perfect-negotiation'));
    simulateToEnd(sim);
    const drivers = createMachineDrivers(analysis(sim));
    const polite = drivers.negotiation.track('pc-polite');
    const impolite = drivers.negotiation.track('pc-impolite');
    expect(polite?.polite).toBe(true);
    expect(impolite?.polite).toBe(false);
    expect(impolite?.decisions().map((d) => d.kind)).toContain('ignored-offer');
    expect(impolite?.decisions().map((d) => d.kind)).toContain('swallowed-candidate-error');
    expect(polite?.decisions().map((d) => d.kind)).toContain('rolled-back');
    expect(polite?.stepper.final.context.signalingState).toBe('stable');
    expect(impolite?.stepper.final.context.signalingState).toBe('stable');
    for (const pc of ['pc-polite', 'pc-impolite']) {
      expect(drivers.pc.track(pc)?.stepper.final.value).toMatchObject({ connection: 'connected' });
    }
    expect(sim.steps.some((s) => s.explanation.includes('it ignores the incoming offer'))).toBe(
      true,
    );
  });
});

describe('mediasoup lessons', () => {
  test('join: 3 peers, 6 consumers resumed, 2 producers, both transports connected', () => {
    const sim = run(scenario('mediasoup-join'));
    const room = createMachineDrivers(analysis(sim)).mediasoup.track('participant')?.stepper.final
      .context.room;
    const { mediasoupRoomStateOf } = { mediasoupRoomStateOf: (r: typeof room) => r };
    expect(mediasoupRoomStateOf(room)?.joined).toBe(true);
    const states = machineStates(analysis(sim)).machines.find((m) => m.kind === 'mediasoup-room');
    expect(states?.final).toMatchObject({
      joined: true,
      peers: 3,
      producers: 2,
      consumers: 6,
      pausedConsumers: 0,
    });
    expect(
      Object.values((states?.final as { transports: Record<string, string> }).transports),
    ).toEqual(['connected', 'connected']);
    expect(codes(sim)).toEqual([]);
  });

  test('new dialect too', () => {
    const sim = run(scenario('mediasoup-join', { params: { dialect: 'new', remotePeers: 1 } }));
    expect(analysis(sim).connection(0).dialect).toBe('new');
    expect(codes(sim)).toEqual([]);
  });

  test('ICE restart: the send transport fails, restartIce, connected again', () => {
    const sim = run(scenario('ice-restart'));
    expect(pcEvents(sim, 'send-pc')).toContain('restartIce');
    const final = machineStates(analysis(sim)).machines.find((m) => m.kind === 'mediasoup-room')
      ?.final as { transports: Record<string, string> };
    expect(Object.values(final.transports)).toEqual(['connected', 'connected']);
    expect(codes(sim)).toEqual(['transport-failed']);
  });

  test('server restart: failed attempts on the retry schedule, then a second join', () => {
    const sim = run(scenario('protoo-reconnect'));
    const peer = machineStates(analysis(sim)).machines.find((m) => m.kind === 'protoo-peer');
    expect(peer?.final).toMatchObject({ state: 'open', cycle: 2 });
    const opens = [...sim.log.events()].filter((e) => e.type === 'ws.open');
    expect(opens).toHaveLength(2);
    // Attempts at once, after 1 s, after 2 more (failed: the server is down 6 s), after 4 more (open).
    const attempts = sim.steps
      .filter(
        (s) => s.kind === 'ws-retry' || (s.kind === 'ws-open' && s.summary.includes('reconnects')),
      )
      .map((s) => s.t);
    expect(attempts.slice(1).map((t, i) => t - (attempts[i] ?? 0))).toEqual([1000, 2000, 4000]);
    const room = machineStates(analysis(sim)).machines.find((m) => m.kind === 'mediasoup-room');
    expect(room?.final).toMatchObject({ joined: true });
  });

  test('a lesson file with a reject fault: join fails, nothing is consumed', () => {
    const sim = run(scenario('lesson-rejected-join'));
    expect(codes(sim)).toEqual(['error-response']);
    const room = machineStates(analysis(sim)).machines.find((m) => m.kind === 'mediasoup-room');
    expect(room?.final).toMatchObject({ joined: false, consumers: 0 });
  });
});

describe('faults', () => {
  /** Runs `id` until a pending message whose label includes `label`, injects, runs to the end. */
  function withFault(id: string, label: string, fault: Omit<FaultSpec, 'messageId'>): Simulation {
    const sim = createSimulation(scenario(id));
    for (let i = 0; i < 10_000; i++) {
      const m = sim.pending.find((p) => p.label.includes(label));
      if (m) {
        sim.inject({ ...fault, messageId: m.id });
        return simulateToEnd(sim);
      }
      if (sim.step() === undefined) break;
    }
    throw new Error(`no pending message like ${label}`);
  }

  test('every fault kind has a test below', () => {
    expect(FAULT_KINDS).toEqual([
      'drop',
      'delay',
      'duplicate',
      'reorder',
      'reject',
      'timeout',
      'close',
      'close-4000',
      'ice-fail',
      'reload',
    ]);
  });

  test('drop: the offer never arrives; alice stays in have-local-offer, bob never answers', () => {
    const sim = withFault('two-party', 'offer for bob', { kind: 'drop' });
    expect(sim.steps.some((s) => s.fault === 'drop')).toBe(true);
    expect(pcEvents(sim, 'pc-bob')).toEqual([]);
    expect(
      createMachineDrivers(analysis(sim)).pc.track('pc-alice')?.stepper.final.value,
    ).toMatchObject({ signaling: 'have-local-offer' });
  });

  test('delay: the held-up answer arrives later, after messages sent after it', () => {
    const plain = run(scenario('two-party'));
    const sim = withFault('two-party', 'answer from bob', { kind: 'delay', delayMs: 3000 });
    const when = (s: Simulation) =>
      s.steps.find((x) => x.summary.includes("applies bob's answer"))?.t ?? 0;
    expect(when(sim) - when(plain)).toBeGreaterThanOrEqual(2900);
  });

  test('duplicate: the second answer fails setRemoteDescription in stable', () => {
    const sim = withFault('two-party', 'answer from bob', { kind: 'duplicate' });
    expect(pcEvents(sim, 'pc-alice')).toContain('setRemoteDescriptionOnFailure');
  });

  test('reorder: a candidate overtakes the offer and fails before the remote description', () => {
    const sim = withFault('two-party', 'offer from alice', { kind: 'reorder' });
    expect(sim.steps.some((s) => s.fault === 'reorder' && s.summary.includes('swaps places'))).toBe(
      true,
    );
    const offer = sim.steps.findIndex((s) => s.summary === "bob answers alice's offer");
    const early = sim.steps.findIndex((s) =>
      s.summary.includes('gets a candidate before it has a connection'),
    );
    expect(early).toBeGreaterThan(-1);
    expect(early).toBeLessThan(offer);
  });

  test('reject: an error response (no ok field) and an error-response finding', () => {
    const sim = withFault('mediasoup-join', 'request createWebRtcTransport', {
      kind: 'reject',
      reason: 'no more ports',
    });
    const frames = [...sim.log.events()].flatMap((e) =>
      e.type === 'ws.frame' && e.text?.includes('no more ports') ? [e.text] : [],
    );
    expect(JSON.parse(frames[0] ?? '{}')).toMatchObject({
      response: true,
      errorCode: 500,
      errorReason: 'no more ports',
    });
    expect(JSON.parse(frames[0] ?? '{}')).not.toHaveProperty('ok');
    expect(codes(sim)).toContain('error-response');
  });

  test('timeout: the server never answers; the request times out after 22.5 s', () => {
    const sim = withFault('mediasoup-join', 'request join', { kind: 'timeout' });
    const step = sim.steps.find((s) => s.kind === 'request-timeout');
    expect(step?.summary).toMatch(/request join #\d+ times out/);
    const sent = sim.steps.find((s) => s.summary.startsWith('the server never answers join'));
    expect((step?.t ?? 0) - (sent?.t ?? 0)).toBeGreaterThan(22_000);
    expect(codes(sim)).toContain('request-timeout');
  });

  test('close: the participant reconnects and joins again (cycle 2)', () => {
    const sim = createSimulation(scenario('mediasoup-join'));
    for (let i = 0; i < 25; i++) sim.step();
    expect(sim.faultTargets('close')).toEqual(['participant']);
    sim.inject({ kind: 'close', target: 'participant' });
    simulateToEnd(sim);
    const peer = machineStates(analysis(sim)).machines.find((m) => m.kind === 'protoo-peer');
    expect(peer?.final).toMatchObject({ state: 'open', cycle: 2 });
  });

  test('close-4000: protoo-client does not reconnect', () => {
    const sim = createSimulation(scenario('mediasoup-join'));
    for (let i = 0; i < 25; i++) sim.step();
    sim.inject({ kind: 'close-4000', target: 'participant' });
    simulateToEnd(sim);
    const peer = machineStates(analysis(sim)).machines.find((m) => m.kind === 'protoo-peer');
    expect(peer?.final).toMatchObject({ state: 'closed', closeCode: 4000 });
    expect([...sim.log.events()].filter((e) => e.type === 'ws.open')).toHaveLength(1);
  });

  test('ice-fail: a mesh link goes disconnected then failed on both ends', () => {
    const sim = createSimulation(scenario('mesh', { params: { peers: 3, joinEveryMs: 500 } }));
    while (
      sim.faultTargets('ice-fail').length < 6 ||
      !sim.steps.some((s) => s.kind === 'ice-connected' && s.summary.includes('pc-2-3'))
    ) {
      if (sim.step() === undefined) break;
    }
    simulateToEnd(sim);
    sim.inject({ kind: 'ice-fail', target: 'pc-1-2' });
    simulateToEnd(sim);
    const drivers = createMachineDrivers(analysis(sim));
    expect(drivers.pc.track('pc-1-2')?.stepper.final.value).toMatchObject({ connection: 'failed' });
    expect(drivers.pc.track('pc-2-1')?.stepper.final.value).toMatchObject({ connection: 'failed' });
    expect(drivers.pc.track('pc-1-3')?.stepper.final.value).toMatchObject({
      connection: 'connected',
    });
  });

  test('reload: a two-party client reloads as a new page; the old call dies', () => {
    const sim = createSimulation(scenario('two-party', { params: { dataChannel: false } }));
    for (let i = 0; i < 60 && !sim.steps.some((s) => s.kind === 'ice-connected'); i++) sim.step();
    simulateToEnd(sim);
    sim.inject({ kind: 'reload', target: 'bob' });
    simulateToEnd(sim);
    expect(sim.log.connections()).toContain('bob-reload1');
    expect(
      createMachineDrivers(analysis(sim)).pc.track('pc-alice')?.stepper.final.value,
    ).toMatchObject({ connection: 'failed' });
  });

  test('a bad fault is refused with what is wrong', () => {
    const sim = createSimulation(scenario('mesh'));
    sim.step();
    expect(() => {
      sim.inject({ kind: 'reload', target: 'peer 9' });
    }).toThrow(/needs a target among/);
    expect(() => {
      sim.inject({ kind: 'drop', messageId: 'm999' });
    }).toThrow(/no message m999/);
    expect(() => {
      sim.inject({ kind: 'explode' } as unknown as FaultSpec);
    }).toThrow(ScenarioError);
  });
});

describe('scenario files', () => {
  const good = JSON.stringify(builtinScenario('mesh'), null, 2);

  test('the built-in files parse', () => {
    expect(parseScenario(good, 'mesh.json').id).toBe('mesh');
  });

  test('bad JSON names its line', () => {
    const text = good.replace('"peers": 4', '"peers": 4,,');
    expect(() => parseScenario(text, 'x.json')).toThrow(/x\.json, line \d+: not JSON/);
  });

  test.each([
    ['"kind": "mesh"', '"kind": "ring"', 'kind', /field kind: must be one of/],
    ['"peers": 4', '"peers": 40', 'params.peers', /between 2 and 32/],
    ['"peers": 4', '"pears": 4', 'params.pears', /unknown parameter for kind mesh/],
    ['"seed": 7', '"seed": "7"', 'seed', /whole number/],
    ['"version": 1', '"version": 2', 'version', /must be 1/],
  ])('%s → %s is refused naming line and field %s', (from, to, field, message) => {
    const text = good.replace(from, to);
    try {
      parseScenario(text, 'lesson.json');
      throw new Error('accepted');
    } catch (e) {
      expect(e).toBeInstanceOf(ScenarioError);
      const err = e as ScenarioError;
      expect(err.field).toBe(field);
      expect(err.message).toMatch(message);
      const key = field.split('.').at(-1) ?? field;
      const line = text.split('\n').findIndex((l) => l.includes(`"${key}"`)) + 1;
      expect(err.line).toBe(line);
      expect(err.message).toContain(`lesson.json, line ${line}`);
    }
  });

  test('an actor fault without a target is refused', () => {
    const text = JSON.stringify(
      { ...builtinScenario('mesh'), faults: [{ kind: 'reload' }] },
      null,
      2,
    );
    expect(() => parseScenario(text)).toThrow(/faults\[0\]\.target: a reload fault needs a target/);
  });
});

/**
 * The simulator (issue 6): scenarios run by the inspector's own machines, appending ordinary
 * session events. See api.ts for the contract and docs/scenarios.md for the file format.
 *
 * @example
 * const sim = createSimulation(BUILTIN_SCENARIOS[0]!);
 * simulateToEnd(sim);
 * sim.log.length; // every event of the run, same for every run of the same scenario
 */
import { newHeader, writeCapture } from '../session/capture.ts';
import { SessionLog } from '../session/SessionLog.ts';
import {
  FAULT_KINDS,
  SCENARIO_KINDS,
  ScenarioError,
  type FaultSpec,
  type PendingMessage,
  type ScenarioFile,
  type SimStep,
  type Simulation,
} from './api.ts';
import { MediasoupRoom } from './engine/mediasoup.ts';
import { MeshRoom } from './engine/mesh.ts';
import { Observer, stateChanges } from './engine/observer.ts';
import { PerfectNegotiation } from './engine/perfectNegotiation.ts';
import { TwoPartyRoom } from './engine/twoParty.ts';
import { ACTOR_FAULTS, isRequestFault, World, type FaultHandler } from './engine/world.ts';
import twoParty from '../../fixtures/scenarios/two-party.json' with { type: 'json' };
import mesh from '../../fixtures/scenarios/mesh.json' with { type: 'json' };
import mesh32 from '../../fixtures/scenarios/mesh-32.json' with { type: 'json' };
import perfectNegotiation from '../../fixtures/scenarios/perfect-negotiation.json' with { type: 'json' };
import mediasoupJoin from '../../fixtures/scenarios/mediasoup-join.json' with { type: 'json' };
import iceRestart from '../../fixtures/scenarios/ice-restart.json' with { type: 'json' };
import protooReconnect from '../../fixtures/scenarios/protoo-reconnect.json' with { type: 'json' };
import rejectedJoin from '../../fixtures/scenarios/lesson-rejected-join.json' with { type: 'json' };

export * from './api.ts';
export { STEP_KINDS } from './stepKinds.ts';

// ── scenario files ────────────────────────────────────────────────────────────────────────

type ParamType = 'number' | 'string' | 'boolean';
interface ParamSpec {
  readonly type: ParamType;
  readonly default: number | string | boolean;
  readonly min?: number;
  readonly max?: number;
  readonly values?: readonly string[];
}

const PROTOO_PARAMS: Readonly<Record<string, ParamSpec>> = {
  dialect: { type: 'string', default: 'legacy', values: ['legacy', 'new'] },
  remotePeers: { type: 'number', default: 2, min: 0, max: 32 },
};

/** Every kind's parameters: type, default, range. docs/scenarios.md lists the same. */
export const SCENARIO_PARAMS: Readonly<
  Record<ScenarioFile['kind'], Readonly<Record<string, ParamSpec>>>
> = {
  'two-party': {
    thirdClient: { type: 'boolean', default: false },
    dataChannel: { type: 'boolean', default: true },
    hangUpAfterMs: { type: 'number', default: 0, min: 0, max: 600_000 },
  },
  mesh: {
    peers: { type: 'number', default: 4, min: 2, max: 32 },
    joinEveryMs: { type: 'number', default: 1000, min: 0, max: 60_000 },
    reconnectPeer: { type: 'number', default: 0, min: 0, max: 32 },
    reloadPeer: { type: 'number', default: 0, min: 0, max: 32 },
  },
  'perfect-negotiation': { glare: { type: 'boolean', default: true } },
  'mediasoup-join': PROTOO_PARAMS,
  'ice-restart': PROTOO_PARAMS,
  'protoo-reconnect': {
    ...PROTOO_PARAMS,
    serverDownMs: { type: 'number', default: 6000, min: 100, max: 120_000 },
  },
};

/** The 1-based line of the first `"key"` in `text` (after `from`), for error messages. */
function lineOf(text: string | undefined, key: string, from = 0): number | undefined {
  if (text === undefined) return undefined;
  const at = text.indexOf(`"${key}"`, from);
  if (at < 0) return undefined;
  return text.slice(0, at).split('\n').length;
}

function fail(
  source: string,
  text: string | undefined,
  field: string,
  message: string,
  line?: number,
): never {
  const key =
    field
      .split(/[.[\]]/)
      .filter(Boolean)
      .at(-1) ?? field;
  const at = line ?? lineOf(text, key);
  throw new ScenarioError(
    `${source}${at === undefined ? '' : `, line ${at}`}: field ${field}: ${message}`,
    source,
    at,
    field,
  );
}

/**
 * Reads a scenario file. Throws a {@link ScenarioError} naming the line and the field for
 * anything it cannot use (bad JSON, a missing or wrong field, an unknown parameter or fault).
 */
export function parseScenario(text: string, source = 'scenario'): ScenarioFile {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    const pos = /position (\d+)/.exec(message);
    const line = /line (\d+)/.exec(message)?.[1];
    const at =
      line !== undefined
        ? Number(line)
        : pos
          ? text.slice(0, Number(pos[1])).split('\n').length
          : undefined;
    throw new ScenarioError(
      `${source}${at === undefined ? '' : `, line ${at}`}: not JSON: ${message}`,
      source,
      at,
    );
  }
  return parseScenarioValue(value, source, text);
}

function parseScenarioValue(value: unknown, source: string, text?: string): ScenarioFile {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new ScenarioError(`${source}: a scenario is a JSON object`, source, 1);
  }
  const o = value as Record<string, unknown>;
  if (o.format !== 'signalscope-scenario')
    fail(source, text, 'format', 'must be "signalscope-scenario"');
  if (o.version !== 1)
    fail(
      source,
      text,
      'version',
      `must be 1 (this version reads version 1), got ${JSON.stringify(o.version)}`,
    );
  if (typeof o.kind !== 'string' || !(SCENARIO_KINDS as readonly string[]).includes(o.kind)) {
    fail(source, text, 'kind', `must be one of ${SCENARIO_KINDS.join(', ')}`);
  }
  const kind = o.kind as ScenarioFile['kind'];
  if (typeof o.id !== 'string' || !/^[a-z0-9][a-z0-9-]{0,63}$/.test(o.id)) {
    fail(source, text, 'id', 'must be 1–64 lowercase letters, digits and dashes');
  }
  if (typeof o.title !== 'string' || o.title.trim() === '')
    fail(source, text, 'title', 'must be a non-empty string');
  if (o.description !== undefined && typeof o.description !== 'string')
    fail(source, text, 'description', 'must be a string');
  if (typeof o.seed !== 'number' || !Number.isSafeInteger(o.seed) || o.seed < 0) {
    fail(source, text, 'seed', 'must be a whole number ≥ 0');
  }
  const specs = SCENARIO_PARAMS[kind];
  const params: Record<string, number | string | boolean> = {};
  if (o.params !== undefined) {
    if (typeof o.params !== 'object' || o.params === null || Array.isArray(o.params)) {
      fail(source, text, 'params', 'must be an object');
    }
    for (const [key, v] of Object.entries(o.params as Record<string, unknown>)) {
      const spec = Object.hasOwn(specs, key) ? specs[key] : undefined;
      if (spec === undefined) {
        fail(
          source,
          text,
          `params.${key}`,
          `unknown parameter for kind ${kind} (known: ${Object.keys(specs).join(', ') || 'none'})`,
        );
      }
      if (typeof v !== spec.type) fail(source, text, `params.${key}`, `must be a ${spec.type}`);
      if (spec.type === 'number') {
        const n = v as number;
        if (
          !Number.isFinite(n) ||
          (spec.min !== undefined && n < spec.min) ||
          (spec.max !== undefined && n > spec.max)
        ) {
          fail(source, text, `params.${key}`, `must be between ${spec.min} and ${spec.max}`);
        }
      }
      if (spec.values !== undefined && !spec.values.includes(v as string)) {
        fail(source, text, `params.${key}`, `must be one of ${spec.values.join(', ')}`);
      }
      params[key] = v as number | string | boolean;
    }
  }
  const faults: FaultSpec[] = [];
  if (o.faults !== undefined) {
    if (!Array.isArray(o.faults)) fail(source, text, 'faults', 'must be an array');
    (o.faults as unknown[]).forEach((f, i) =>
      faults.push(checkFault(f, `faults[${i}]`, source, text)),
    );
  }
  return {
    format: 'signalscope-scenario',
    version: 1,
    kind,
    id: o.id,
    title: o.title,
    ...(o.description === undefined ? {} : { description: o.description }),
    seed: o.seed,
    params,
    faults,
  };
}

function checkFault(f: unknown, field: string, source: string, text?: string): FaultSpec {
  if (typeof f !== 'object' || f === null || Array.isArray(f))
    fail(source, text, field, 'a fault is an object');
  const o = f as Record<string, unknown>;
  if (typeof o.kind !== 'string' || !(FAULT_KINDS as readonly string[]).includes(o.kind)) {
    fail(source, text, `${field}.kind`, `must be one of ${FAULT_KINDS.join(', ')}`);
  }
  const known = new Set(['kind', 'atStep', 'messageId', 'match', 'target', 'delayMs', 'reason']);
  for (const key of Object.keys(o))
    if (!known.has(key)) fail(source, text, `${field}.${key}`, 'unknown field of a fault');
  if (
    o.atStep !== undefined &&
    (typeof o.atStep !== 'number' || !Number.isSafeInteger(o.atStep) || o.atStep < 0)
  ) {
    fail(source, text, `${field}.atStep`, 'must be a whole number ≥ 0');
  }
  for (const key of ['messageId', 'target', 'reason'] as const) {
    if (o[key] !== undefined && typeof o[key] !== 'string')
      fail(source, text, `${field}.${key}`, 'must be a string');
  }
  if (
    o.delayMs !== undefined &&
    (typeof o.delayMs !== 'number' || !(o.delayMs >= 0 && o.delayMs <= 600_000))
  ) {
    fail(source, text, `${field}.delayMs`, 'must be a number of ms between 0 and 600000');
  }
  if (o.match !== undefined) {
    if (typeof o.match !== 'object' || o.match === null || Array.isArray(o.match))
      fail(source, text, `${field}.match`, 'must be an object');
    for (const [key, v] of Object.entries(o.match as Record<string, unknown>)) {
      if (!['method', 'from', 'to'].includes(key))
        fail(source, text, `${field}.match.${key}`, 'unknown field (method, from, to)');
      if (typeof v !== 'string') fail(source, text, `${field}.match.${key}`, 'must be a string');
    }
  }
  const kind = o.kind as FaultSpec['kind'];
  if (ACTOR_FAULTS.has(kind) && typeof o.target !== 'string') {
    fail(
      source,
      text,
      `${field}.target`,
      `a ${kind} fault needs a target (a peer, or a pc / transport for ice-fail)`,
    );
  }
  return o as unknown as FaultSpec;
}

// ── running ───────────────────────────────────────────────────────────────────────────────

export interface SimulationOptions {
  /**
   * Whether each step's explanation ends with the state changes the inspector's machines saw
   * (default true). Headless runs that only want the capture can turn it off.
   */
  readonly explainStates?: boolean;
}

/** Parameter `key` of a scenario, or its kind's default. */
function param(s: ScenarioFile, key: string): never {
  // parseScenario checked every parameter's type against SCENARIO_PARAMS.
  return (s.params?.[key] ?? SCENARIO_PARAMS[s.kind][key]?.default) as never;
}

/**
 * A simulation of `scenario`, at its start (no step run yet).
 *
 * @example
 * const sim = createSimulation(builtinScenario('two-party')!);
 * sim.step()?.summary; // 'alice opens the page and asks to create or join room …'
 */
export function createSimulation(
  scenario: ScenarioFile,
  options: SimulationOptions = {},
): Simulation {
  const log = new SessionLog();
  const world = new World(log, scenario.seed);
  const roomId = world.rng.string(8);
  const observer = new Observer(log, scenario.kind === 'perfect-negotiation');
  let actor: FaultHandler & { start(): void };
  switch (scenario.kind) {
    case 'two-party':
      actor = new TwoPartyRoom(world, {
        roomId,
        thirdClient: param(scenario, 'thirdClient'),
        dataChannel: param(scenario, 'dataChannel'),
        hangUpAfterMs: param(scenario, 'hangUpAfterMs'),
      });
      break;
    case 'perfect-negotiation':
      actor = new PerfectNegotiation(world, { roomId, glare: param(scenario, 'glare') });
      break;
    case 'mediasoup-join':
    case 'ice-restart':
    case 'protoo-reconnect':
      actor = new MediasoupRoom(world, {
        dialect: param(scenario, 'dialect'),
        remotePeers: param(scenario, 'remotePeers'),
        roomId,
        iceRestart: scenario.kind === 'ice-restart',
        serverDownMs: scenario.kind === 'protoo-reconnect' ? param(scenario, 'serverDownMs') : 0,
      });
      break;
    case 'mesh':
      actor = new MeshRoom(world, observer, {
        peers: param(scenario, 'peers'),
        joinEveryMs: param(scenario, 'joinEveryMs'),
        reconnectPeer: param(scenario, 'reconnectPeer'),
        reloadPeer: param(scenario, 'reloadPeer'),
        roomId,
      });
      break;
  }
  const handler: FaultHandler & { start(): void } = actor;
  world.handler = handler;
  handler.start();
  for (const fault of scenario.faults ?? []) world.addFault(fault);
  const explainStates = options.explainStates ?? true;
  let done = false;

  return {
    scenario,
    log,
    get steps(): readonly SimStep[] {
      return world.steps;
    },
    get done(): boolean {
      return done;
    },
    get pending(): readonly PendingMessage[] {
      return world.pending();
    },
    step(): SimStep | undefined {
      if (done) return undefined;
      const s = world.step();
      if (s === undefined) {
        done = true;
        return undefined;
      }
      if (!explainStates) return s;
      const lines = stateChanges(observer, s.firstIndex, s.endIndex);
      if (lines.length === 0) return s;
      const explained: SimStep = {
        ...s,
        explanation: `${s.explanation}\nWhat the inspector's machines saw: ${lines.join('; ')}.`,
      };
      world.steps[s.index] = explained;
      return explained;
    },
    faultTargets(kind) {
      return handler.targets(kind);
    },
    inject(fault: FaultSpec): void {
      const checked = checkFault(fault, 'fault', 'injected fault');
      if (ACTOR_FAULTS.has(checked.kind)) {
        const targets = handler.targets(checked.kind);
        const t = (checked.target ?? '').replace(/^peer /, '');
        if (!targets.includes(t) && !targets.includes(checked.target ?? '')) {
          throw new ScenarioError(
            `injected fault: ${checked.kind} needs a target among: ${targets.join(', ') || '(none right now)'}; got ${JSON.stringify(checked.target)}`,
            'injected fault',
            undefined,
            'target',
          );
        }
      }
      if (
        checked.messageId !== undefined &&
        !world.pending().some((m) => m.id === checked.messageId)
      ) {
        throw new ScenarioError(
          `injected fault: no message ${checked.messageId} is on its way`,
          'injected fault',
          undefined,
          'messageId',
        );
      }
      if (isRequestFault(checked.kind) && checked.messageId !== undefined) {
        const m = world.pending().find((x) => x.id === checked.messageId);
        if (m !== undefined && !m.isRequest) {
          throw new ScenarioError(
            `injected fault: ${checked.kind} needs a request; ${m.label} is not one`,
            'injected fault',
            undefined,
            'messageId',
          );
        }
      }
      world.addFault(
        checked.atStep === undefined ? { ...checked, atStep: world.steps.length } : checked,
      );
      done = false;
    },
  };
}

/** Runs a simulation until nothing is left to do (or `maxSteps` more steps ran). */
export function simulateToEnd(sim: Simulation, maxSteps = 500_000): Simulation {
  for (let i = 0; i < maxSteps; i++) if (sim.step() === undefined) break;
  return sim;
}

/** Faults the scenario's actors accept right now, by kind: what the UI offers as targets. */
export { FAULT_KINDS };

/** The built-in lessons, as their JSON files in fixtures/scenarios/ give them. */
export const BUILTIN_SCENARIOS: readonly ScenarioFile[] = [
  twoParty,
  mesh,
  mesh32,
  perfectNegotiation,
  mediasoupJoin,
  iceRestart,
  protooReconnect,
  rejectedJoin,
].map((raw, i) => parseScenarioValue(raw, `built-in scenario ${i + 1}`));

export function builtinScenario(id: string): ScenarioFile | undefined {
  return BUILTIN_SCENARIOS.find((s) => s.id === id);
}

/** Simulated time has no calendar date: every capture of a simulation says this one. */
export const SIMULATION_EPOCH = '2000-01-01T00:00:00.000Z';

/**
 * The simulation as a capture file (docs/capture-format.md): byte for byte the same for the
 * same scenario, seed and faults.
 */
export function simulationCapture(sim: Simulation): string {
  const { scenario } = sim;
  return writeCapture(
    newHeader(
      { kind: 'simulator', scenario: scenario.id, title: scenario.title, seed: scenario.seed },
      new Date(SIMULATION_EPOCH),
    ),
    sim.log.events(),
  );
}

/**
 * `signalscope simulate SCENARIO [--seed N] [--explain] [--out CAPTURE]`: runs a scenario
 * headless (a built-in id, or a scenario JSON file, docs/scenarios.md) and writes the capture.
 */
import { readFile, writeFile } from 'node:fs/promises';
import {
  BUILTIN_SCENARIOS,
  ScenarioError,
  builtinScenario,
  createSimulation,
  parseScenario,
  simulateToEnd,
  simulationCapture,
  type ScenarioFile,
} from '../../src/simulator/index.ts';
import { UserError } from './load.ts';
import type { Io } from './main.ts';

export interface SimulateArgs {
  readonly scenario: string | undefined;
  readonly seed: number | undefined;
  readonly explain: boolean;
  readonly list: boolean;
  readonly out: string | undefined;
}

async function load(name: string): Promise<ScenarioFile> {
  const builtin = builtinScenario(name);
  if (builtin !== undefined) return builtin;
  let text: string;
  try {
    text = await readFile(name, 'utf8');
  } catch {
    throw new UserError(
      `no built-in scenario "${name}" and no such file (built-in: ${BUILTIN_SCENARIOS.map((s) => s.id).join(', ')})`,
    );
  }
  try {
    return parseScenario(text, name);
  } catch (error) {
    if (error instanceof ScenarioError) throw new UserError(error.message);
    throw error;
  }
}

export async function simulate(args: SimulateArgs, io: Io): Promise<number> {
  if (args.list) {
    for (const s of BUILTIN_SCENARIOS)
      io.stdout(`${s.id.padEnd(22)} ${s.kind.padEnd(20)} ${s.title}\n`);
    return 0;
  }
  if (args.scenario === undefined)
    throw new UserError('simulate needs a SCENARIO (an id from --list, or a file)');
  const file = await load(args.scenario);
  const scenario = args.seed === undefined ? file : { ...file, seed: args.seed };
  const started = performance.now();
  const sim = simulateToEnd(createSimulation(scenario, { explainStates: args.explain }));
  const ms = performance.now() - started;
  const report = args.out === undefined ? io.stderr : io.stdout;
  if (args.explain) {
    for (const step of sim.steps) {
      report(`#${step.index} ${(step.t / 1000).toFixed(3)} s  ${step.summary}\n`);
      for (const line of step.explanation.split('\n')) report(`    ${line}\n`);
    }
  }
  const text = simulationCapture(sim);
  if (args.out === undefined) io.stdout(text);
  else await writeFile(args.out, text);
  report(
    `simulated ${scenario.id} (seed ${scenario.seed}): ${sim.steps.length} steps, ${sim.log.length} events, ${(sim.log.endTime / 1000).toFixed(1)} s of simulated time, in ${Math.round(ms)} ms${args.out === undefined ? '' : `; written to ${args.out}`}\n`,
  );
  return 0;
}

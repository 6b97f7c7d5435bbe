/**
 * Benchmark (issue 6): a 32-peer full mesh (496 connections) simulates to all-connected in
 * under 2 s. Runs the built-in `mesh-32` scenario to its end (it has no reconnect or reload:
 * its end is the room all connected) twice — with every step explained by the inspector's
 * machines (as the Simulate tab runs it) and headless without explanations (as `signalscope
 * simulate` runs it) — then checks with the inspector's mesh-room machines that every page
 * has all its links connected.
 *
 * Not measured here yet: the room graph's pan/zoom frame time with this room (the issue's
 * second figure).
 *
 *   node --expose-gc bench/simulate-mesh.ts          (BENCH_SCALE=0.001: 4 peers)
 */
import { SessionAnalysis } from '../src/projections/analysis.ts';
import { createMachineDrivers } from '../src/projections/machineStates.ts';
import { builtinScenario, createSimulation, simulateToEnd } from '../src/simulator/index.ts';
import { benchScale, collectGarbage, printFigures, round, say } from './lib/report.ts';

const TARGET_MS = 2000;
const scale = benchScale();
const peers = scale >= 1 ? 32 : Math.max(4, Math.round(32 * Math.sqrt(scale)));
const base = builtinScenario('mesh-32');
if (base === undefined) throw new Error('built-in scenario mesh-32 is missing');
const scenario = { ...base, params: { ...base.params, peers } };

function timed(explainStates: boolean) {
  collectGarbage();
  const started = performance.now();
  const cpu = process.cpuUsage();
  const sim = simulateToEnd(createSimulation(scenario, { explainStates }));
  const ms = performance.now() - started;
  const used = process.cpuUsage(cpu);
  return { sim, ms, cpuMs: (used.user + used.system) / 1000 };
}

say(`simulating a ${peers}-peer mesh (${(peers * (peers - 1)) / 2} connections)…`);
const explained = timed(true);
const headless = timed(false);
const drivers = createMachineDrivers(new SessionAnalysis(headless.sim.log).update());
const pages = drivers.mesh.tracks();
let connectedLinks = 0;
let links = 0;
for (const page of pages) {
  for (const link of Object.values(page.stepper.final.context.links)) {
    links++;
    if (link.state === 'connected') connectedLinks++;
  }
}
const allConnected =
  pages.length === peers && links === peers * (peers - 1) && connectedLinks === links;
say(
  `explained: ${round(explained.ms)} ms, headless: ${round(headless.ms)} ms; ${headless.sim.steps.length} steps, ${headless.sim.log.length} events; ${connectedLinks}/${links} page links connected`,
);
printFigures({
  bench: 'simulate-mesh',
  peers,
  connections: (peers * (peers - 1)) / 2,
  steps: headless.sim.steps.length,
  events: headless.sim.log.length,
  simulatedMs: headless.sim.log.endTime,
  explainedMs: round(explained.ms),
  explainedCpuMs: round(explained.cpuMs),
  headlessMs: round(headless.ms),
  headlessCpuMs: round(headless.cpuMs),
  allConnected,
  targetMs: TARGET_MS,
  pass: allConnected && explained.ms < TARGET_MS,
});

/**
 * Benchmark: the state of a protoo peer machine at any event of a 1,000,000-event session in
 * under 50 ms.
 *
 * Builds one connection of 1,000,000 events in a SessionLog (the worst case: every event feeds
 * the same machine): protoo traffic of the client (requests out, responses in, a few never
 * answered so they time out), notifications, and every 5,000 events a drop followed by three
 * failed attempts and a reconnection on protoo-client's schedule. Then measures
 *   - analysisMs: SessionAnalysis of the log (the driver's input; not part of the target);
 *   - buildMs: createProtooPeerDriver(), i.e. stepping every event once with pure transition()
 *     and keeping a checkpoint every 512 events;
 *   - snapshotAt: p50 / p95 / max over 1000 random indexes (BENCH_LOOKUPS), each restarting
 *     from the nearest checkpoint. Target: max < 50 ms.
 *
 *   node --expose-gc bench/machine-stepper.ts     (BENCH_SCALE=0.01 for 10,000 events)
 */
import { createProtooPeerDriver } from '../src/projections/drivers/protooPeerDriver.ts';
import { SessionAnalysis } from '../src/projections/analysis.ts';
import { SessionLog } from '../src/session/SessionLog.ts';
import { benchScale, collectGarbage, envInt, printFigures, round, say } from './lib/report.ts';
import { createRng } from './lib/rng.ts';

const FULL_EVENTS = 1_000_000;
const TARGET_MS = 50;
const EVERY = 128;
const URL_ = 'wss://demo.example.org:4443/?roomId=bench&peerId=p1';

function buildLog(events: number): SessionLog {
  const log = new SessionLog();
  let t = 0;
  let id = 1;
  log.append({ t, type: 'ws.open', conn: 'c1', url: URL_, protocol: 'protoo' });
  while (log.length < events) {
    const n = log.length;
    if (n % 5000 === 4990) {
      // drop, three failed attempts 1 s, 2 s, 4 s apart, then a reconnection
      log.append({ t: (t += 5), type: 'ws.close', conn: 'c1', code: 1006 });
      log.append({ t: (t += 3), type: 'ws.close', conn: 'c1', code: 1006 });
      log.append({ t: (t += 1005), type: 'ws.close', conn: 'c1', code: 1006 });
      log.append({ t: (t += 2005), type: 'ws.close', conn: 'c1', code: 1006 });
      log.append({ t: (t += 4005), type: 'ws.open', conn: 'c1', url: URL_, protocol: 'protoo' });
      continue;
    }
    t += 7;
    if (n % 4 === 0) {
      const reqId = id++;
      log.append({
        t,
        type: 'ws.frame',
        conn: 'c1',
        dir: 'out',
        text: `{"request":true,"id":${reqId},"method":"getTransportStats","data":{"transportId":"t1"}}`,
      });
      // one request in 200 stays unanswered and times out later
      if (reqId % 200 !== 0)
        log.append({
          t: (t += 3),
          type: 'ws.frame',
          conn: 'c1',
          dir: 'in',
          text: `{"response":true,"id":${reqId},"ok":true,"data":{}}`,
        });
    } else {
      log.append({
        t,
        type: 'ws.frame',
        conn: 'c1',
        dir: 'in',
        text: '{"notification":true,"method":"activeSpeaker","data":{"peerId":"p2","volume":-40}}',
      });
    }
  }
  return log;
}

function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const k = Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1));
  return sorted[k] ?? Number.NaN;
}

const events = Math.max(100, Math.round(FULL_EVENTS * benchScale()));
const lookups = envInt('BENCH_LOOKUPS', 1000);

say(`machine-stepper: building a ${events}-event session…`);
const log = buildLog(events);
collectGarbage();

let started = performance.now();
const analysis = new SessionAnalysis(log).update();
const analysisMs = performance.now() - started;
say(`analysis ${round(analysisMs)} ms`);

collectGarbage();
started = performance.now();
const driver = createProtooPeerDriver(analysis, { every: EVERY });
const buildMs = performance.now() - started;
const track = driver.track('c1');
if (track === undefined) throw new Error('machine-stepper: no track for c1');
say(`checkpoints built in ${round(buildMs)} ms (${track.stepper.checkpointCount} checkpoints)`);

collectGarbage();
const rng = createRng(42);
const times: number[] = [];
let touched = 0;
for (let k = 0; k < lookups; k++) {
  const i = Math.floor(rng.next() * track.stepper.count);
  const t0 = performance.now();
  const snapshot = track.stepper.snapshotAt(i);
  times.push(performance.now() - t0);
  touched += snapshot.context.attempt;
}
times.sort((a, b) => a - b);
const final = track.stepper.final.context;
const maxMs = times.at(-1) ?? Number.NaN;

printFigures({
  bench: 'machine-stepper',
  events: log.length,
  machineSteps: track.stepper.count,
  every: EVERY,
  checkpoints: track.stepper.checkpointCount,
  stateChanges: track.stepper.changes().length,
  cycles: final.cycle,
  timedOut: final.timedOut,
  analysisMs: round(analysisMs),
  buildMs: round(buildMs),
  buildEventsPerSec: Math.round(track.stepper.count / (buildMs / 1000)),
  lookups,
  snapshotAtP50Ms: round(percentile(times, 0.5), 3),
  snapshotAtP95Ms: round(percentile(times, 0.95), 3),
  snapshotAtP99Ms: round(percentile(times, 0.99), 3),
  snapshotAtMaxMs: round(maxMs, 3),
  checksum: touched,
  target: TARGET_MS,
  pass: maxMs < TARGET_MS,
});

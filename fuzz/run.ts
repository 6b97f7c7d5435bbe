/**
 * `npm run fuzz`: the full fuzz run (issue 8 part 2) outside the test command. Pushes
 * FUZZ_FRAMES (default 100,000) generated and mutated frames through the pipeline
 * (./pipeline.ts) and ends with one JSON line of its figures; exit status 1 when anything
 * escaped, a frame was lost, or a count does not add up.
 *
 *   npm run fuzz                      # 100,000 frames, seed "signalscope-fuzz"
 *   FUZZ_FRAMES=20000 FUZZ_SEED=s2 npm run fuzz
 */
import { fuzzEvents, wrongTypeCaseCount } from './generate.ts';
import { countsAddUp, runPipeline } from './pipeline.ts';

const frames = Number(process.env.FUZZ_FRAMES ?? 100_000);
const seed = process.env.FUZZ_SEED ?? 'signalscope-fuzz';
const start = performance.now();
const report = runPipeline(fuzzEvents({ frames, seed }), { slice: 4096 });
const ms = Math.round(performance.now() - start);
const counts = countsAddUp(report);
for (const f of report.failures.slice(0, 20)) {
  console.error(`escaped: [${f.stage}] event ${f.index} (${f.mutation ?? '-'}): ${f.error}`);
}
for (const m of report.mismatches.slice(0, 20)) {
  console.error(
    `mismatch: event ${m.index} (${m.mutation}, expected ${m.expect}) is ${m.kind ?? '-'}: ${m.reason ?? ''}`,
  );
}
for (const c of counts) console.error(`counts: ${c}`);
const pass =
  report.failures.length === 0 &&
  report.mismatches.length === 0 &&
  counts.length === 0 &&
  report.invalidWithoutReason === 0 &&
  report.roundTripLost === 0 &&
  report.frames === frames;
console.log(
  JSON.stringify({
    bench: 'fuzz',
    seed,
    frames: report.frames,
    events: report.events,
    wrongTypeCases: wrongTypeCaseCount(),
    byMutation: report.byMutation,
    byKind: report.byKind,
    findings: report.findings,
    machines: report.machines,
    escaped: report.failures.length,
    mismatches: report.mismatches.length,
    invalidWithoutReason: report.invalidWithoutReason,
    roundTripLost: report.roundTripLost,
    ms,
    stageMs: report.ms,
    pass,
  }),
);
process.exit(pass ? 0 : 1);

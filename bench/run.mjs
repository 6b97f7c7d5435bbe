// Runs every benchmark in its own node process, one after the other (so that one's memory
// does not colour the next one's figures), shows their output, and ends with one JSON line
// combining their figures: {"bench":"all", "results":{name: figures}, "pass": …}.
//
//   npm run bench                      all of them, full size
//   npm run bench -- read-capture      only the ones named
//   BENCH_SCALE=0.01 npm run bench     1% of the full size
//
// Exit code 1 when a benchmark crashes or ends without a JSON line; a missed target is
// reported in the figures ("pass": false), not by the exit code.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const BENCHMARKS = [
  'decode-correlate',
  'read-capture',
  'machine-stepper',
  'room-graph-layout',
  'inspector-open',
  'live-flood',
  'simulate-mesh',
];

const here = (path) => fileURLToPath(new URL(path, import.meta.url));
const localNode = here('../node_modules/.bin/node');
const node = existsSync(localNode) ? localNode : process.execPath;

const wanted = process.argv.slice(2);
for (const name of wanted) {
  if (!BENCHMARKS.includes(name)) {
    console.error(`unknown benchmark "${name}"; known: ${BENCHMARKS.join(', ')}`);
    process.exit(2);
  }
}
const chosen = wanted.length > 0 ? wanted : BENCHMARKS;

/** Runs one benchmark, echoing its output; resolves to its exit code and stdout. */
function run(name) {
  return new Promise((resolve) => {
    const child = spawn(node, ['--expose-gc', here(`./${name}.ts`)], {
      stdio: ['ignore', 'pipe', 'inherit'],
      env: process.env,
    });
    let stdout = '';
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
      process.stdout.write(chunk);
    });
    child.on('error', (error) => resolve({ code: -1, stdout, error }));
    child.on('close', (code, signal) => resolve({ code: code ?? -1, signal, stdout }));
  });
}

const results = {};
const problems = [];
for (const name of chosen) {
  console.log(`\n── ${name} ──`);
  const started = Date.now();
  const { code, signal, stdout, error } = await run(name);
  const last = stdout.trimEnd().split('\n').at(-1) ?? '';
  let figures;
  try {
    figures = JSON.parse(last);
  } catch {
    figures = undefined;
  }
  if (code !== 0 || typeof figures !== 'object' || figures === null) {
    const why = error ? error.message : signal ? `killed by ${signal}` : `exit code ${code}`;
    problems.push(`${name}: ${why}${figures ? '' : ', no JSON line at the end of its output'}`);
    results[name] = { error: why };
    continue;
  }
  results[name] = { ...figures, wallMs: Date.now() - started };
}

const passes = Object.values(results).map((r) => r.pass === true);
console.log('');
for (const p of problems) console.error(`benchmark failed: ${p}`);
console.log(
  JSON.stringify({
    bench: 'all',
    scale: Number(process.env.BENCH_SCALE ?? 1),
    results,
    pass: passes.length > 0 && passes.every(Boolean),
  }),
);
process.exit(problems.length > 0 ? 1 : 0);

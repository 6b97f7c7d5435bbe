// The README's test command: installs what the tests need, then runs every test project
// (node, jsdom, real Chromium, and later storybook / e2e) and ends with one plain line
// `N passed, N failed` carrying the real totals.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { ChromiumMissing, ensureChromium } from './ensure-chromium.mjs';

try {
  ensureChromium();
} catch (error) {
  if (!(error instanceof ChromiumMissing)) throw error;
  console.error(error.message);
  // The browser tests cannot run: say so in the totals line CI reads, and fail.
  console.log('\n0 passed, 1 failed');
  process.exit(1);
}

// mediasoup's worker for server/sfu and e2e/sfu (the real SFU): built once from the installed
// mediasoup's sources against Debian's libraries into ~/.cache/signalscope (minutes the first
// time, ~0.1 s after). Where the build is impossible it says why and those tests skip with
// that reason; a failed build makes them fail, naming the command to run.
console.log('\n── mediasoup worker ──');
spawnSync(process.execPath, [new URL('./build-mediasoup-worker.mjs', import.meta.url).pathname], {
  stdio: 'inherit',
});

const bin = (name) => new URL(`../node_modules/.bin/${name}`, import.meta.url).pathname;
const outDir = new URL('../.vitest/', import.meta.url).pathname;
mkdirSync(outDir, { recursive: true });
const jsonPath = `${outDir}results.json`;
rmSync(jsonPath, { force: true });

const checks = [];
function step(name, cmd, args) {
  console.log(`\n── ${name} ──`);
  const r = spawnSync(cmd, args, { stdio: 'inherit' });
  checks.push({ name, ok: r.status === 0 });
  return r.status === 0;
}

step('typecheck', bin('tsc'), ['-p', 'tsconfig.json', '--noEmit']);
step('lint', bin('eslint'), ['.']);
step('prettier', bin('prettier'), ['--check', '--log-level', 'warn', '.']);
step('storybook build', bin('storybook'), ['build', '-o', 'storybook-static', '--quiet']);
step('vitest', bin('vitest'), [
  'run',
  '--reporter=default',
  '--reporter=json',
  `--outputFile.json=${jsonPath}`,
  ...process.argv.slice(2),
]);

let passed = 0;
let failed = 0;
let skipped = 0;
try {
  const report = JSON.parse(readFileSync(jsonPath, 'utf8'));
  passed = report.numPassedTests;
  failed = report.numFailedTests;
  skipped = report.numPendingTests + report.numTodoTests;
  // A test file that failed to load counts as a failure even though it ran no test.
  const brokenFiles = report.testResults.filter(
    (f) => f.status === 'failed' && f.assertionResults.length === 0,
  ).length;
  failed += brokenFiles;
} catch (error) {
  console.error(`Could not read vitest's results (${jsonPath}): ${error.message}`);
  failed += 1;
}

// Vitest can fail with every test passed (an unhandled error or rejection during the run):
// that is a failure too, and the totals say so.
const vitestCheck = checks.find((c) => c.name === 'vitest');
if (vitestCheck && !vitestCheck.ok && failed === 0) {
  console.error(
    '\nvitest failed outside the tests (see "Unhandled Errors" above): counted as 1 failure',
  );
  failed += 1;
}
// Each check before vitest (typecheck, lint, prettier, storybook build) counts as one test in
// the totals: a red check is a failure the last line must carry.
const otherChecks = checks.filter((c) => c.name !== 'vitest');
const failedChecks = otherChecks.filter((c) => !c.ok).map((c) => c.name);
if (failedChecks.length) console.error(`\nFailed checks: ${failedChecks.join(', ')}`);
passed += otherChecks.length - failedChecks.length;
failed += failedChecks.length;
const ok = failed === 0 && failedChecks.length === 0 && checks.every((c) => c.ok);
console.log(`\n${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
process.exit(ok ? 0 : 1);

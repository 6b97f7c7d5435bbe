import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { readCaptureStrict } from '../../src/session/capture.ts';
import { main } from './main.ts';

async function cli(argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await main(argv, { stdout: (s) => (out += s), stderr: (s) => (err += s) });
  return { code, out, err };
}

test('simulate --list names every built-in scenario', async () => {
  const r = await cli(['simulate', '--list']);
  expect(r.code).toBe(0);
  expect(r.out).toMatch(/^two-party\s+two-party\s+Two-party room/m);
  expect(r.out).toMatch(/^mesh-32\s+mesh\s+Full mesh of 32 peers/m);
});

test('simulate writes the same capture twice, and a readable one', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'sim-'));
  const a = join(dir, 'a.jsonl');
  const b = join(dir, 'b.jsonl');
  const r = await cli(['simulate', 'mediasoup-join', '--out', a]);
  expect(r.code).toBe(0);
  expect(r.out).toMatch(/simulated mediasoup-join \(seed 11\): \d+ steps, \d+ events/);
  await cli(['simulate', 'mediasoup-join', '--out', b]);
  const text = await readFile(a, 'utf8');
  expect(await readFile(b, 'utf8')).toBe(text);
  expect(readCaptureStrict(text).log.length).toBeGreaterThan(50);
  const check = await cli(['check', a]);
  expect(check.out).toContain('0 error(s), 0 warning(s)');
});

test('simulate --explain prints every step with its explanation', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'sim-'));
  const r = await cli([
    'simulate',
    'two-party',
    '--explain',
    '--seed',
    '4',
    '--out',
    join(dir, 'c.jsonl'),
  ]);
  expect(r.out).toMatch(/^#0 0\.000 s {2}alice opens the page/m);
  expect(r.out).toContain('(seed 4)');
});

test('a bad scenario file is refused with line and field, exit 2', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'sim-'));
  const file = join(dir, 'lesson.json');
  await writeFile(
    file,
    '{\n  "format": "signalscope-scenario",\n  "version": 1,\n  "kind": "mesh",\n  "id": "x",\n  "title": "t",\n  "seed": 1,\n  "params": { "peers": 99 }\n}\n',
  );
  const r = await cli(['simulate', file]);
  expect(r.code).toBe(2);
  expect(r.err).toContain(`${file}, line 8: field params.peers: must be between 2 and 32`);
  const missing = await cli(['simulate', 'no-such-lesson']);
  expect(missing.code).toBe(2);
  expect(missing.err).toContain('no built-in scenario "no-such-lesson" and no such file');
});

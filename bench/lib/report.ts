/** Small helpers the benchmark scripts share: scale, statistics, GC, the closing JSON line. */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/**
 * `BENCH_SCALE` (default 1): the fraction of the full size to run, e.g. 0.001 in the test
 * that keeps the scripts from rotting.
 */
export function benchScale(): number {
  const raw = process.env.BENCH_SCALE;
  if (raw === undefined || raw === '') return 1;
  const scale = Number(raw);
  if (!Number.isFinite(scale) || scale <= 0) {
    throw new Error(`BENCH_SCALE must be a positive number, found ${JSON.stringify(raw)}`);
  }
  return scale;
}

/** `name` from the environment as a positive integer, or `fallback`. */
export function envInt(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n <= 0)
    throw new Error(`${name} must be a positive integer, found ${JSON.stringify(raw)}`);
  return n;
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  const hi = sorted[mid] ?? Number.NaN;
  return sorted.length % 2 === 1 ? hi : ((sorted[mid - 1] ?? hi) + hi) / 2;
}

/** Rounds to `digits` decimals, for readable figures. */
export function round(value: number, digits = 2): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

/** A full garbage collection when node runs with --expose-gc (run.mjs passes it). */
export function collectGarbage(): void {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc) {
    gc();
    gc();
  }
}

export function gcExposed(): boolean {
  return typeof (globalThis as { gc?: unknown }).gc === 'function';
}

/** Node 22 from the optional dependency when present (it strips TypeScript types), else this node. */
export function nodeBinary(): string {
  const local = fileURLToPath(new URL('../../node_modules/.bin/node', import.meta.url));
  return existsSync(local) ? local : process.execPath;
}

/** Prints the figures as the script's last stdout line, the one run.mjs collects. */
export function printFigures(figures: Record<string, unknown>): void {
  process.stdout.write(`${JSON.stringify(figures)}\n`);
}

/** A line for people, on stderr so that stdout ends with the JSON line. */
export function say(text: string): void {
  process.stderr.write(`${text}\n`);
}

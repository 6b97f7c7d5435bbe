/**
 * The frames the benchmarks time. Preferably the committed fixtures (fixtures/*.sscap.jsonl)
 * repeated until there are enough, on several connections, with fresh protoo request ids so
 * that ids stay unique among the sender's pending requests as in real traffic; without
 * fixtures, the generated mediasoup-demo rooms of room.ts.
 *
 * `BENCH_MIX=generated` or `BENCH_MIX=fixtures` forces one; `BENCH_FIXTURES_DIR` reads
 * captures from another folder.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readCaptureText } from '../../src/session/capture.ts';
import type { SessionEvent } from '../../src/session/events.ts';
import { createRng, type Rng } from './rng.ts';
import { roomTraffic } from './room.ts';

export type Mix = 'fixtures' | 'generated';

export interface Traffic {
  readonly mix: Mix;
  /** The fixture files repeated (empty for generated traffic). */
  readonly fixtures: readonly string[];
  readonly events: Iterable<SessionEvent>;
}

export interface TrafficOptions {
  /** Stop after this many ws.frame events; omitted: endless (stop iterating). */
  readonly frames?: number;
  readonly seed?: string;
}

const DEFAULT_FIXTURES_DIR = fileURLToPath(new URL('../../fixtures/', import.meta.url));

interface Template {
  readonly name: string;
  readonly events: readonly SessionEvent[];
  readonly duration: number;
  /** fixtures/index.json marks it broken (frames protoo drops): repeated only now and then. */
  readonly broken: boolean;
}

/** A broken fixture goes in once every this many rounds of the others: "a few errors". */
const BROKEN_EVERY = 20;

function brokenNames(dir: string): Set<string> {
  try {
    const index: unknown = JSON.parse(readFileSync(join(dir, 'index.json'), 'utf8'));
    if (!Array.isArray(index)) return new Set();
    const names = new Set<string>();
    for (const entry of index as unknown[]) {
      if (typeof entry !== 'object' || entry === null) continue;
      const { file, broken } = entry as Record<string, unknown>;
      if (typeof file === 'string' && broken === true) names.add(file);
    }
    return names;
  } catch {
    return new Set();
  }
}

/** The fixture captures that read without a single problem and hold frames. */
export function loadFixtureTemplates(
  dir = process.env.BENCH_FIXTURES_DIR ?? DEFAULT_FIXTURES_DIR,
): Template[] {
  let names: string[];
  try {
    names = readdirSync(dir)
      .filter((n) => n.endsWith('.sscap.jsonl'))
      .sort();
  } catch {
    return [];
  }
  const broken = brokenNames(dir);
  const templates: Template[] = [];
  for (const name of names) {
    const result = readCaptureText(readFileSync(join(dir, name), 'utf8'));
    if (result.partial || !result.header) continue;
    const events = [...result.log.events()];
    if (!events.some((e) => e.type === 'ws.frame')) continue;
    templates.push({ name, events, duration: result.log.endTime, broken: broken.has(name) });
  }
  return templates;
}

/**
 * Connections each fixture's copies take turns on. A fixture keeps its own connections, so
 * that each connection speaks one dialect throughout, as a real one does.
 */
const SLOTS = 2;

function drawId(pending: Set<number>, rng: Rng): number {
  for (;;) {
    const id = Math.round(rng.next() * 1e7);
    if (!pending.has(id)) return id;
  }
}

/** The order fixtures are repeated in: every sound one each round, broken ones now and then. */
function rounds(templates: readonly Template[]): Template[] {
  const sound = templates.filter((t) => !t.broken);
  const broken = templates.filter((t) => t.broken);
  if (sound.length === 0) return [...broken];
  const order: Template[] = [];
  for (let round = 0; round < BROKEN_EVERY; round++) order.push(...sound);
  order.push(...broken);
  return order;
}

/**
 * Repeats the fixtures one after the other, a second apart, each fixture's copies taking
 * turns on two connections of their own (`legacy-participant-join#0/c1`, …); renumbers seq,
 * shifts time and draws new request ids: a response gets the new id of the request it
 * answered in the fixture. Broken fixtures come once every 20 rounds of the others.
 */
export function* repeatFixtures(
  templates: readonly Template[],
  options: TrafficOptions = {},
): Generator<SessionEvent> {
  const order = rounds(templates);
  if (order.length === 0) return;
  const limit = options.frames ?? Number.POSITIVE_INFINITY;
  const rng = createRng(`${options.seed ?? 'signalscope-bench'}|fixtures`);
  const pending = new Map<string, Set<number>>();
  const pendingOf = (key: string): Set<number> => {
    let set = pending.get(key);
    if (!set) {
      set = new Set();
      pending.set(key, set);
    }
    return set;
  };
  let frames = 0;
  let seq = 0;
  let offset = 0;
  const copies = new Map<Template, number>();
  for (let copy = 0; frames < limit; copy++) {
    const template = order.at(copy % order.length);
    if (template === undefined) return;
    const n = copies.get(template) ?? 0;
    copies.set(template, n + 1);
    const prefix = `${template.name.replace(/\.sscap\.jsonl$/, '')}#${n % SLOTS}/`;
    /** `conn|dir|fixture id` of a request → its new id. */
    const ids = new Map<string, number>();
    for (const event of template.events) {
      if (event.type === 'ws.frame' && frames >= limit) return;
      const conn =
        'conn' in event && typeof event.conn === 'string' ? prefix + event.conn : undefined;
      const moved: Record<string, unknown> = { ...event, seq: seq++, t: offset + event.t };
      if (conn !== undefined) moved.conn = conn;
      if (
        event.type === 'ws.frame' &&
        !('unknown' in event) &&
        conn !== undefined &&
        event.text !== undefined
      ) {
        moved.text = renumber(event.text, event.conn, conn, event.dir, ids, pendingOf, rng);
      }
      if (event.type === 'ws.frame') frames++;
      yield moved as unknown as SessionEvent;
    }
    offset += template.duration + 1000;
  }
}

function renumber(
  text: string,
  fixtureConn: string,
  conn: string,
  dir: 'in' | 'out',
  ids: Map<string, number>,
  pendingOf: (key: string) => Set<number>,
  rng: Rng,
): string {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return text;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return text;
  const o = value as Record<string, unknown>;
  const id = o.id;
  if (typeof id !== 'number' || JSON.stringify(o) !== text) return text;
  if (o.request) {
    const sent = pendingOf(`${conn}|${dir}`);
    const fresh = drawId(sent, rng);
    sent.add(fresh);
    ids.set(`${fixtureConn}|${dir}|${id}`, fresh);
    o.id = fresh;
  } else if (o.response) {
    const requestDir = dir === 'in' ? 'out' : 'in';
    const key = `${fixtureConn}|${requestDir}|${id}`;
    const sent = pendingOf(`${conn}|${requestDir}`);
    let fresh = ids.get(key);
    if (fresh === undefined) {
      // A response the fixture means to match nothing: keep it matching nothing.
      fresh = drawId(sent, rng);
      ids.set(key, fresh);
    }
    sent.delete(fresh);
    o.id = fresh;
  } else {
    return text;
  }
  return JSON.stringify(o);
}

/**
 * The benchmark traffic: the fixtures when there are any (or `BENCH_MIX` says so), else
 * generated rooms.
 *
 * @example
 * const { mix, events } = benchTraffic({ frames: 1000 });
 */
export function benchTraffic(options: TrafficOptions = {}): Traffic {
  const wanted = process.env.BENCH_MIX ?? 'auto';
  if (wanted !== 'auto' && wanted !== 'fixtures' && wanted !== 'generated') {
    throw new Error(
      `BENCH_MIX must be auto, fixtures or generated, found ${JSON.stringify(wanted)}`,
    );
  }
  const templates = wanted === 'generated' ? [] : loadFixtureTemplates();
  if (templates.length > 0) {
    return {
      mix: 'fixtures',
      fixtures: templates.map((t) => t.name),
      events: repeatFixtures(templates, options),
    };
  }
  if (wanted === 'fixtures')
    throw new Error('BENCH_MIX=fixtures, but no readable fixtures/*.sscap.jsonl holds frames');
  return {
    mix: 'generated',
    fixtures: [],
    events: roomTraffic({ frames: options.frames, seed: options.seed }),
  };
}

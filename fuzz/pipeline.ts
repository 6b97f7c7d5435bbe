/**
 * Pushes fuzz traffic (./generate.ts) through the real pipeline, the way the app does:
 * SessionLog append → SessionAnalysis (decode, protocol and dialect detection, catalog
 * validation, correlation) → findings and the machines' drivers → summary → the views' data
 * layer (event list rows, sequence model and its SVG / Mermaid export, message detail with
 * its JSON tree and SDP, room graph and its layout, machine instances, timeline markers,
 * findings list, the inspector's filter and search, the shareable URL state) → the capture
 * writer and reader (exports redacted and not).
 *
 * Every stage runs inside a guard: an exception is recorded with the stage, the event index
 * and the mutation that made the event, and the run goes on. The fuzz test and
 * `npm run fuzz` then check the report: no exception, every frame in the log, counts that add
 * up, every broken frame marked broken with a reason.
 */
import { SessionAnalysis, type FrameKind } from '../src/projections/analysis.ts';
import { createMachineDrivers, flatState } from '../src/projections/machineStates.ts';
import { allFindings } from '../src/projections/machineFindings.ts';
import { summarise, type SessionSummary } from '../src/projections/summary.ts';
import { readCaptureText, newHeader } from '../src/session/capture.ts';
import { exportCaptureLines } from '../src/session/redact.ts';
import { SessionLog } from '../src/session/SessionLog.ts';
import { describeRow, filterRows, EMPTY_FILTER } from '../src/views/EventList/rows.ts';
import {
  codeCounts,
  cursorFindingIndex,
  DEFAULT_FILTER,
  eventOrder,
  filterFindings,
  severityCounts,
} from '../src/views/Findings/model.ts';
import { activeAt, history } from '../src/views/MachineView/active.ts';
import { listInstances } from '../src/views/MachineView/instances.ts';
import { initialExpanded, visibleRows, expandAll } from '../src/views/MessageDetail/jsonTree.ts';
import {
  catalogInfo,
  describeHeader,
  eventBody,
  findingsFor,
  pairInfo,
  rawText,
  treeSource,
} from '../src/views/MessageDetail/model.ts';
import { mediasoupBlocks } from '../src/views/MessageDetail/rtp.ts';
import { diffSdp } from '../src/views/MessageDetail/sdpDiff.ts';
import { counterpartSdp, previousSdp, sdpOfEvent } from '../src/views/MessageDetail/sdpLocate.ts';
import { parseSdp } from '../src/views/MessageDetail/sdp.ts';
import { layoutGraph } from '../src/views/RoomGraph/layout.ts';
import { meshGraph, roomGraph } from '../src/views/RoomGraph/model.ts';
import { describeAll, describeEntry } from '../src/views/SequenceDiagram/describe.ts';
import { toMermaid, toSvg } from '../src/views/SequenceDiagram/export.ts';
import { buildSequenceModel, layoutRows } from '../src/views/SequenceDiagram/model.ts';
import { clusterMarkers, collectMarkers } from '../src/views/Timeline/markers.ts';
import { binEvents, buildAxis, positionText } from '../src/views/Timeline/model.ts';
import { methodCounts, NO_FILTER, visibleIndexes } from '../src/app/inspector/filter.ts';
import { parseInspectorUrl, writeInspectorUrl } from '../src/app/inspector/urlState.ts';
import type { Expect, FuzzEvent, Mutation } from './generate.ts';

export interface Failure {
  readonly stage: string;
  /** Log index of the event the stage was working on, or -1 for a whole-session stage. */
  readonly index: number;
  readonly mutation: Mutation | undefined;
  readonly error: string;
}

export interface PipelineReport {
  readonly events: number;
  readonly frames: number;
  readonly byMutation: Record<string, number>;
  readonly byKind: Record<string, number>;
  readonly summary: SessionSummary | undefined;
  readonly findings: number;
  readonly machines: number;
  /** Frames whose decoded kind went against what the generator expected. */
  readonly mismatches: readonly {
    index: number;
    mutation: Mutation;
    expect: Expect;
    kind: string | undefined;
    reason: string | undefined;
  }[];
  /** Exceptions that escaped a stage (the test wants none). */
  readonly failures: readonly Failure[];
  /** Per-stage wall time, ms. */
  readonly ms: Record<string, number>;
  /** Invalid frames without a reason (the test wants none). */
  readonly invalidWithoutReason: number;
  /** Events the capture round trip (write, read back) lost or changed. */
  readonly roundTripLost: number;
}

export interface PipelineOptions {
  /** Analyse in slices of this many events, as the app opens a big capture (default: all at once). */
  readonly slice?: number;
  /** Run the per-event detail model (the selected message's view) on every event (default true). */
  readonly detailEveryEvent?: boolean;
}

const FRAME_KINDS: readonly FrameKind[] = [
  'request',
  'success',
  'error',
  'notification',
  'invalid',
  'binary',
  'room',
];

function message(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message}`.slice(0, 300);
  return String(error).slice(0, 300);
}

/**
 * Runs `events` through every stage.
 *
 * @example
 * const report = runPipeline(fuzzEvents({ frames: 10_000 }));
 * report.failures.length; // 0
 */
export function runPipeline(
  events: Iterable<FuzzEvent>,
  options: PipelineOptions = {},
): PipelineReport {
  const failures: Failure[] = [];
  const ms: Record<string, number> = {};
  const mutations: Mutation[] = [];
  const expects: Expect[] = [];
  let current = -1;
  const guard = <T>(stage: string, fn: () => T): T | undefined => {
    const start = performance.now();
    try {
      return fn();
    } catch (error) {
      failures.push({ stage, index: current, mutation: mutations[current], error: message(error) });
      return undefined;
    } finally {
      ms[stage] = (ms[stage] ?? 0) + performance.now() - start;
    }
  };
  /** Runs `fn` for one event; failures name the event. */
  const each = (stage: string, i: number, fn: () => void) => {
    current = i;
    guard(stage, fn);
    current = -1;
  };

  // ── append ──
  const log = new SessionLog();
  const byMutation: Record<string, number> = {};
  let frames = 0;
  guard('append', () => {
    for (const { event, mutation, expect } of events) {
      current = log.length;
      log.append(event);
      mutations.push(mutation);
      expects.push(expect);
      byMutation[mutation] = (byMutation[mutation] ?? 0) + 1;
      if (event.type === 'ws.frame') frames++;
    }
    current = -1;
  });

  // ── analysis, live-style in slices or whole ──
  const analysis = new SessionAnalysis(log);
  guard('analysis', () => {
    const slice = options.slice ?? Infinity;
    while (analysis.length < log.length) analysis.update(slice);
  });
  const drivers = guard('drivers', () => {
    const d = createMachineDrivers(analysis);
    d.update();
    return d;
  });
  const findings = guard('findings', () => allFindings(analysis, log.endTime, drivers)) ?? [];
  const summary = guard('summary', () => summarise(analysis));

  // ── what each frame became ──
  const byKind: Record<string, number> = {};
  const mismatches: PipelineReport['mismatches'][number][] = [];
  let invalidWithoutReason = 0;
  guard('kinds', () => {
    for (let i = 0; i < analysis.length; i++) {
      if (!log.isFrame(i)) continue;
      const kind = analysis.kind(i);
      byKind[kind ?? 'none'] = (byKind[kind ?? 'none'] ?? 0) + 1;
      const reason = analysis.invalidReasons.get(i);
      if (kind === 'invalid' && !(typeof reason === 'string' && reason.trim() !== '')) {
        invalidWithoutReason++;
      }
      const expect = expects[i];
      const mutation = mutations[i];
      if (expect === undefined || mutation === undefined) continue;
      const broken = kind === 'invalid' || kind === 'binary';
      if ((expect === 'invalid' && !broken) || (expect === 'valid' && broken)) {
        mismatches.push({ index: i, mutation, expect, kind, reason });
      }
    }
  });

  // ── the views' data layer ──
  const n = analysis.length;
  const detailEvery = options.detailEveryEvent ?? true;
  for (let i = 0; i < n; i++) {
    each('event list row', i, () => describeRow(analysis, i));
    const detail = detailEvery || mutations[i] !== 'valid' || i % 50 === 0;
    if (!detail) continue;
    each('message detail', i, () => {
      describeHeader(analysis, i);
      pairInfo(analysis, i, n - 1);
      catalogInfo(analysis, i);
      // Scans every finding (the app calls it for the one selected message): sampled.
      if (i % 97 === 0) {
        findingsFor(findings, i, analysis.warnings.get(i));
      }
      rawText(analysis, i);
      const body = eventBody(analysis, i);
      const tree = treeSource(analysis, i, body);
      const expanded = initialExpanded(tree.value);
      visibleRows(tree.value, { expanded, pages: new Map() });
      const { expanded: all } = expandAll(tree.value);
      visibleRows(tree.value, { expanded: all, pages: new Map() });
      mediasoupBlocks(tree.value);
    });
    each('sdp', i, () => {
      const ref = sdpOfEvent(log, i);
      if (ref === undefined) return;
      parseSdp(ref.sdp);
      const before = previousSdp(log, ref);
      if (before) diffSdp(before.sdp, ref.sdp);
      counterpartSdp(log, ref);
    });
  }
  guard('event list filter', () => {
    filterRows(analysis, EMPTY_FILTER);
    filterRows(analysis, { ...EMPTY_FILTER, text: 'join', problemsOnly: true });
  });
  guard('inspector filter', () => {
    visibleIndexes(analysis, NO_FILTER);
    visibleIndexes(analysis, { ...NO_FILTER, text: '\ud800' });
    visibleIndexes(analysis, { ...NO_FILTER, text: '42', dir: 'in', problemsOnly: true });
    visibleIndexes(analysis, {
      ...NO_FILTER,
      mentions: { label: 'fuzz', ids: ['fuzz', 'deep-secret', '1'] },
    });
    visibleIndexes(analysis, { ...NO_FILTER, methods: new Set(['join', '\u202eevil\u202c']) });
    methodCounts(analysis);
  });
  guard('url state', () => {
    const state = {
      cursorSeq: n > 0 ? log.seq(n - 1) : null,
      selectedSeq: 0,
      filter: { ...NO_FILTER, text: '\ud800 & = ? # %', conns: new Set(log.connections()) },
      view: 'list',
      panel: 'findings',
      machine: 'protoo-peer:\u202e',
    };
    parseInspectorUrl(writeInspectorUrl('?capture=x', state));
  });

  guard('sequence diagram', () => {
    const model = buildSequenceModel(analysis);
    const layout = layoutRows(model, new Set([0, 1, 2, 3]));
    const visible = visibleIndexes(analysis, { ...NO_FILTER, problemsOnly: true });
    const filtered = buildSequenceModel(analysis, visible);
    layoutRows(filtered, new Set());
    describeAll(model, layout, 5000);
    for (let e = 0; e < model.rows.length; e += Math.max(1, Math.floor(model.rows.length / 2000))) {
      current = e;
      describeEntry(model, layout, e);
    }
    current = -1;
  });
  guard('sequence export', () => {
    const model = buildSequenceModel(analysis);
    const layout = layoutRows(model, new Set());
    toSvg(model, layout, { maxRows: 2000, title: 'fuzz \ud800 <x>' });
    toMermaid(model, layout, { maxRows: 2000, title: 'fuzz ;#:' });
  });

  guard('timeline', () => {
    const axis = buildAxis(log, true);
    binEvents(axis);
    const markers = collectMarkers(analysis, findings);
    clusterMarkers(markers, axis, log, 1200);
    if (n > 0) positionText(log, n - 1);
  });
  guard('findings list', () => {
    severityCounts(findings);
    codeCounts(findings);
    filterFindings(findings, DEFAULT_FILTER);
    filterFindings(findings, { ...DEFAULT_FILTER, text: 'timeout', sort: 'severity' });
    cursorFindingIndex(eventOrder(findings), n - 1);
  });

  let machines = 0;
  if (drivers) {
    const cursors = [0, Math.floor(n / 3), Math.floor((2 * n) / 3), n - 1].filter((c) => c >= 0);
    guard('room graph', () => {
      for (const track of drivers.mediasoup.tracks()) {
        for (const cursor of cursors) {
          current = cursor;
          const snapshot = track.snapshotAtLogIndex(cursor);
          const graph = roomGraph(snapshot.context.room, {
            showClosed: true,
            conn: track.conn,
            state: flatState(snapshot.value),
          });
          layoutGraph(graph);
        }
      }
      for (const cursor of cursors) {
        current = cursor;
        const pages = drivers.mesh.tracks().map((track) => {
          const snapshot = track.snapshotAtLogIndex(cursor);
          return { context: snapshot.context, state: flatState(snapshot.value), conn: track.conn };
        });
        if (pages.length > 0) layoutGraph(meshGraph(pages));
      }
      current = -1;
    });
    guard('machine view', () => {
      const instances = listInstances(drivers, analysis);
      machines = instances.length;
      for (const instance of instances) {
        for (const cursor of cursors) {
          current = cursor;
          activeAt(instance, cursor);
          history(instance, cursor, 50);
        }
      }
      current = -1;
    });
  }

  // ── the capture writer and reader: everything written reads back, redacted or not ──
  let roundTripLost = 0;
  for (const keepSecrets of [false, true]) {
    guard(keepSecrets ? 'export (kept secrets)' : 'export (redacted)', () => {
      let text = '';
      for (const line of exportCaptureLines(newHeader({ kind: 'fuzz' }), log.events(), {
        keepSecrets,
      })) {
        text += line;
      }
      const back = readCaptureText(text);
      if (back.errors.length > 0) throw new Error(`read back: ${back.errors[0]?.message ?? ''}`);
      roundTripLost += Math.abs(back.log.length - log.length);
      if (keepSecrets) {
        for (let i = 0; i < log.length; i++) {
          if (back.log.frameText(i) !== log.frameText(i) || back.log.seq(i) !== log.seq(i)) {
            roundTripLost++;
          }
        }
      }
    });
  }

  return {
    events: log.length,
    frames,
    byMutation,
    byKind,
    summary,
    findings: findings.length,
    machines,
    mismatches,
    failures,
    ms: Object.fromEntries(Object.entries(ms).map(([k, v]) => [k, Math.round(v)])),
    invalidWithoutReason,
    roundTripLost,
  };
}

/** Whether the summary's counts add up: every frame is exactly one kind. */
export function countsAddUp(report: PipelineReport): string[] {
  const s = report.summary;
  if (!s) return ['no summary'];
  const problems: string[] = [];
  if (s.events !== report.events) problems.push(`summary events ${s.events} ≠ ${report.events}`);
  if (s.frames !== report.frames) problems.push(`summary frames ${s.frames} ≠ ${report.frames}`);
  const kinds = FRAME_KINDS.reduce((sum, k) => sum + (report.byKind[k] ?? 0), 0);
  if (kinds !== report.frames) problems.push(`frames by kind ${kinds} ≠ ${report.frames}`);
  const parts =
    s.requests + s.responses + s.notifications + s.invalidFrames + s.binaryFrames + s.roomMessages;
  if (parts !== s.frames) problems.push(`summary parts ${parts} ≠ frames ${s.frames}`);
  if (s.textFrames + s.binaryFrames !== s.frames) problems.push('text + binary ≠ frames');
  const responses = (report.byKind.success ?? 0) + (report.byKind.error ?? 0);
  if (s.responses !== responses) problems.push(`responses ${s.responses} ≠ ${responses}`);
  if (s.invalidFrames !== (report.byKind.invalid ?? 0)) problems.push('invalid count differs');
  return problems;
}

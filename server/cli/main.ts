import type { Readable } from 'node:stream';
import { SessionAnalysis } from '../../src/projections/analysis.ts';
import {
  FINDING_CODES,
  countBySeverity,
  type Finding,
  type Severity,
} from '../../src/projections/findings.ts';
import { allFindings } from '../../src/projections/machineFindings.ts';
import {
  machineStates,
  type MachineEntry,
  type MachineKind,
  type MediasoupRoomStateView,
  type MeshRoomStateView,
  type NegotiationStateView,
  type PeerConnectionStateView,
  type ProtooPeerStateView,
  type TwoPartyRoomStateView,
} from '../../src/projections/machineStates.ts';
import { summarise, type SessionSummary } from '../../src/projections/summary.ts';
import { exportCaptureLines } from '../../src/session/redact.ts';
import { createWriteStream } from 'node:fs';
import { loadSessionFiles, UserError, type Loaded } from './load.ts';
import { simulate } from './simulate.ts';

export interface Io {
  stdout: (s: string) => void;
  stderr: (s: string) => void;
  stdin?: Readable;
}

const USAGE = `signalscope — inspect WebRTC signaling captures

Usage:
  signalscope summary [--json] [--partial] FILE...  counts of events, frames, requests, outcomes, methods
  signalscope check [--json] [--partial] [--min-severity error|warning|info] FILE...
                                                  findings (code, seq, message); exit 1 when any is an error
  signalscope states [--json] [--partial] FILE... every machine the capture drives and its state
                                                  changes (seq, state): protoo peer per protoo
                                                  connection, peer connection per pc, perfect
                                                  negotiation per pc that is not a mediasoup
                                                  transport's, mediasoup room client, mesh-room
                                                  page and two-party client per connection
  signalscope export [--keep-secrets | --no-redact] [--partial] FILE...
                                                  the capture on standard output, secrets redacted
                                                  (URL parameters and data fields named secret,
                                                  token, password, throttleSecret, e2eKey…)
  signalscope import [--keep-secrets | --no-redact] [--partial] FILE... [--out CAPTURE]
                                                  HARs, webrtc-internals dumps and captures merged
                                                  into one capture, written to CAPTURE (default
                                                  standard output), secrets redacted as by export
  signalscope simulate SCENARIO [--seed N] [--explain] [--out CAPTURE]
                                                  runs a teaching scenario headless (a built-in id,
                                                  or a scenario JSON file: docs/scenarios.md) and
                                                  writes its capture; --explain prints every step
  signalscope simulate --list                     the built-in scenarios
  signalscope codes [--json]                      every finding code with its severity and meaning
  signalscope help

FILE is a signalscope capture (docs/capture-format.md), a Chrome DevTools HAR, a
chrome://webrtc-internals dump, or - for standard input; the kind of file is judged by its
content. Several FILEs are merged onto one clock (a HAR's signaling with a dump's peer
connections). A file with format errors is refused, naming line and field (and entry for a
HAR or a dump); --partial reads what could be read and says so.

Exit status: 0 ok, 1 check found an error, 2 the file or the command line is unusable.
`;

interface Args {
  command: string | undefined;
  json: boolean;
  partial: boolean;
  keepSecrets: boolean;
  minSeverity: Severity;
  files: string[];
  out: string | undefined;
  seed: number | undefined;
  explain: boolean;
  list: boolean;
}

function parseArgs(argv: readonly string[]): Args {
  const args: Args = {
    command: undefined,
    json: false,
    partial: false,
    keepSecrets: false,
    minSeverity: 'info',
    files: [],
    out: undefined,
    seed: undefined,
    explain: false,
    list: false,
  };
  for (let k = 0; k < argv.length; k++) {
    const a = argv[k] ?? '';
    if (a === '--json') args.json = true;
    else if (a === '--partial') args.partial = true;
    else if (a === '--keep-secrets' || a === '--no-redact') args.keepSecrets = true;
    else if (a === '--min-severity') {
      const v = argv[++k];
      if (v !== 'error' && v !== 'warning' && v !== 'info') {
        throw new UserError(
          `--min-severity takes error, warning or info, not ${v === undefined ? 'nothing' : `"${v}"`}`,
        );
      }
      args.minSeverity = v;
    } else if (a === '--out') {
      const v = argv[++k];
      if (v === undefined || v === '') throw new UserError('--out takes a file name');
      args.out = v;
    } else if (a === '--seed') {
      const v = argv[++k];
      if (v === undefined || !/^\d+$/.test(v)) throw new UserError('--seed takes a whole number');
      args.seed = Number(v);
    } else if (a === '--explain') args.explain = true;
    else if (a === '--list') args.list = true;
    else if (a === '-h' || a === '--help') args.command = 'help';
    else if (a.startsWith('--')) throw new UserError(`unknown option ${a}`);
    else if (args.command === undefined) args.command = a;
    else args.files.push(a);
  }
  return args;
}

const SEVERITY_RANK: Record<Severity, number> = { error: 0, warning: 1, info: 2 };

/** Runs the CLI; returns the exit status. Never throws for user errors. */
export async function main(argv: readonly string[], io: Io): Promise<number> {
  let args: Args;
  try {
    args = parseArgs(argv);
  } catch (error) {
    io.stderr(`signalscope: ${(error as Error).message}\n\n${USAGE}`);
    return 2;
  }
  try {
    switch (args.command) {
      case undefined:
      case 'help':
        io.stdout(USAGE);
        return 0;
      case 'codes':
        return codes(args, io);
      case 'simulate':
        return await simulate(
          {
            scenario: args.files[0],
            seed: args.seed,
            explain: args.explain,
            list: args.list,
            out: args.out,
          },
          io,
        );
      case 'summary':
      case 'check':
      case 'states':
      case 'export':
      case 'import': {
        if (args.files.length === 0) throw new UserError(`${args.command} needs a FILE`);
        if (args.out !== undefined && args.command !== 'import') {
          throw new UserError('--out is an option of import and simulate');
        }
        const loaded = await loadSessionFiles(args.files, io.stdin);
        reportImport(loaded, io);
        if (args.command === 'summary') return summary(args, loaded, io);
        if (args.command === 'export') return exportCapture(args, loaded, io);
        if (args.command === 'import') return await importCapture(args, loaded, io);
        if (args.command === 'states') return states(args, loaded, io);
        return check(args, loaded, io);
      }
      default:
        io.stderr(`signalscope: unknown command "${args.command}"\n\n${USAGE}`);
        return 2;
    }
  } catch (error) {
    if (error instanceof UserError) {
      io.stderr(`signalscope: ${error.message}\n`);
      return 2;
    }
    io.stderr(
      `signalscope: internal error, please report it: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    return 70;
  }
}

/** What an import read with less than full certainty, and what a merge noticed: on stderr. */
function reportImport(loaded: Loaded, io: Io): void {
  const info = loaded.imported;
  if (!info) return;
  for (const m of info.matches) io.stderr(`signalscope: ${printable(m)}\n`);
  for (const r of info.renamed) {
    io.stderr(
      `signalscope: ${printable(r.part)}: ${r.kind} ${printable(r.from)} is also in an earlier file: renamed ${printable(r.to)}\n`,
    );
  }
  for (const w of info.warnings) io.stderr(`signalscope: warning: ${printable(w)}\n`);
}

function refuse(loaded: Loaded, io: Io): number {
  io.stderr(
    `signalscope: ${loaded.path} has ${loaded.errors.length === 1 ? 'a problem' : `${loaded.errors.length} problems`} and was not read:\n`,
  );
  for (const e of loaded.errors.slice(0, 20)) io.stderr(`  ${e.message}\n`);
  if (loaded.errors.length > 20) io.stderr(`  … and ${loaded.errors.length - 20} more\n`);
  io.stderr(`Use --partial to read the ${loaded.log.length} events that could be read.\n`);
  return 2;
}

function summary(args: Args, loaded: Loaded, io: Io): number {
  if (loaded.partial && !args.partial) return refuse(loaded, io);
  const a = new SessionAnalysis(loaded.log).update();
  const s = summarise(a);
  const out = {
    file: loaded.path,
    partial: loaded.partial,
    ...(loaded.partial ? { skippedLines: loaded.errors.length } : {}),
    ...(loaded.imported
      ? {
          imported: {
            format: loaded.imported.format,
            warnings: loaded.imported.warnings,
            matches: loaded.imported.matches,
            renamed: loaded.imported.renamed,
          },
        }
      : {}),
    ...s,
  };
  if (args.json) {
    io.stdout(`${JSON.stringify(out)}\n`);
    return 0;
  }
  io.stdout(formatSummary(loaded, s));
  return 0;
}

function formatSummary(loaded: Loaded, s: SessionSummary): string {
  const lines: string[] = [];
  const src = loaded.header?.source;
  lines.push(`${loaded.path}${loaded.partial ? '  (PARTIAL: some lines could not be read)' : ''}`);
  if (loaded.header) {
    lines.push(
      `  created ${printable(loaded.header.created)}, source ${printable(src?.kind ?? '?')}`,
    );
  }
  lines.push(
    `  ${s.events} events over ${(s.durationMs / 1000).toFixed(1)} s, ${s.connections} connection(s), dialect ${s.dialect}`,
  );
  lines.push(`  frames         ${s.frames} (${s.invalidFrames} invalid, ${s.binaryFrames} binary)`);
  lines.push(
    `  requests       ${s.requests}: ${s.answered} answered, ${s.errorResponses} error responses, ${s.unanswered} unanswered (${s.timedOut} timed out, ${s.cut} cut, ${s.pendingAtEnd} pending at end)`,
  );
  lines.push(
    `  responses      ${s.responses} (${s.orphanResponses} orphan, ${s.lateResponses} late)`,
  );
  lines.push(`  notifications  ${s.notifications}`);
  if (s.latency.p50 !== null) {
    lines.push(
      `  latency        p50 ${fmt(s.latency.p50)} ms, p95 ${fmt(s.latency.p95)} ms, max ${fmt(s.latency.max)} ms`,
    );
  }
  const methods = Object.entries(s.methods).sort((x, y) => y[1] - x[1] || x[0].localeCompare(y[0]));
  if (methods.length) {
    lines.push('  methods');
    const w = Math.max(...methods.map(([m]) => m.length));
    for (const [m, n] of methods)
      lines.push(`    ${JSON.stringify(m).slice(1, -1).padEnd(w)}  ${n}`);
  }
  return lines.join('\n') + '\n';
}

function fmt(n: number | null): string {
  return n === null ? '-' : n.toFixed(1);
}

function check(args: Args, loaded: Loaded, io: Io): number {
  const list: Finding[] = [];
  const formatProblems = loaded.errors.map((e) => ({
    code: 'capture-format' as const,
    severity: 'error' as const,
    line: e.line,
    field: e.field,
    message: e.message,
  }));
  if (loaded.partial && !args.partial) {
    if (args.json) {
      io.stdout(
        `${JSON.stringify({ file: loaded.path, partial: true, counts: { error: formatProblems.length, warning: 0, info: 0 }, findings: formatProblems })}\n`,
      );
    } else {
      for (const p of formatProblems) io.stdout(`error    capture-format  ${p.message}\n`);
      io.stdout(
        `${loaded.path}: the file has format errors; use --partial to check the ${loaded.log.length} events that could be read\n`,
      );
    }
    return 1;
  }
  const a = new SessionAnalysis(loaded.log).update();
  list.push(...allFindings(a));
  const shown = list.filter((f) => SEVERITY_RANK[f.severity] <= SEVERITY_RANK[args.minSeverity]);
  const counts = countBySeverity(list);
  counts.error += formatProblems.length;
  const hasError = counts.error > 0;
  if (args.json) {
    io.stdout(
      `${JSON.stringify({
        file: loaded.path,
        partial: loaded.partial,
        counts,
        findings: [
          ...formatProblems,
          ...shown.map((f) => ({
            code: f.code,
            severity: f.severity,
            seq: f.seq,
            conn: f.conn,
            ...(f.machine ? { machine: f.machine } : {}),
            message: f.message,
          })),
        ],
      })}\n`,
    );
    return hasError ? 1 : 0;
  }
  for (const p of formatProblems) io.stdout(`error    capture-format  ${p.message}\n`);
  for (const f of shown) {
    io.stdout(
      `${f.severity.padEnd(8)} ${f.code.padEnd(22)} seq ${String(f.seq).padEnd(6)} ${f.conn ? `${printable(f.conn)}: ` : ''}${printable(f.message)}\n`,
    );
  }
  io.stdout(
    `${loaded.path}${loaded.partial ? ' (partial)' : ''}: ${counts.error} error(s), ${counts.warning} warning(s), ${counts.info} info\n`,
  );
  return hasError ? 1 : 0;
}

/** Keeps control characters from a capture out of the terminal. */
function printable(s: string): string {
  // C0 and C1 control characters (a terminal would act on them), shown as \u escapes.
  // eslint-disable-next-line no-control-regex -- matching control characters is the point
  const control = new RegExp('[\\u0000-\\u0008\\u000b-\\u001f\\u007f-\\u009f]', 'g');
  return s
    .replace(control, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)
    .replace(/\n/g, '\\n');
}

function states(args: Args, loaded: Loaded, io: Io): number {
  if (loaded.partial && !args.partial) return refuse(loaded, io);
  const a = new SessionAnalysis(loaded.log).update();
  const { machines } = machineStates(a);
  if (args.json) {
    // Log indexes are internal to one reading; seq and t identify an event in the file.
    const out = machines.map((m) => ({
      kind: m.kind,
      id: m.id,
      initial: m.initial,
      changes: m.changes.map((c) => ({ seq: c.seq, t: c.t, state: c.state })),
      final: m.final,
    }));
    io.stdout(
      `${JSON.stringify({
        file: loaded.path,
        partial: loaded.partial,
        ...(loaded.partial ? { skippedLines: loaded.errors.length } : {}),
        machines: out,
      })}\n`,
    );
    return 0;
  }
  io.stdout(formatStates(loaded, machines));
  return 0;
}

function formatStates(loaded: Loaded, machines: readonly MachineEntry[]): string {
  const lines: string[] = [
    `${loaded.path}${loaded.partial ? '  (PARTIAL: some lines could not be read)' : ''}`,
  ];
  if (machines.length === 0) lines.push('  no machines: the capture has no connection and no pc');
  for (const m of machines) {
    const rows: [string, string, string][] = [];
    const describe = (state: MachineEntry['initial']) => describeState(m.kind, state);
    rows.push(['start', '', describe(m.initial)]);
    for (const c of m.changes) rows.push([`seq ${c.seq}`, `${ms(c.t)} ms`, describe(c.state)]);
    rows.push(['end', '', describe(m.final)]);
    const w0 = Math.max(...rows.map((r) => r[0].length));
    const w1 = Math.max(...rows.map((r) => r[1].length));
    lines.push(
      `${m.kind} ${printable(m.id)}  (${m.changes.length} change${m.changes.length === 1 ? '' : 's'})`,
    );
    for (const [where, when, what] of rows) {
      lines.push(`  ${where.padEnd(w0)}  ${when.padStart(w1)}  ${what}`.trimEnd());
    }
  }
  return lines.join('\n') + '\n';
}

function describeProtoo(s: ProtooPeerStateView): string {
  const parts = [`cycle ${s.cycle}`, `attempt ${s.attempt}`];
  if (s.pending > 0) parts.push(`${s.pending} pending`);
  if (s.nextAttemptAt !== undefined) parts.push(`next attempt at ${ms(s.nextAttemptAt)} ms`);
  if (s.closedBy !== undefined) parts.push(`closed by ${s.closedBy}`);
  if (s.closeCode !== undefined) {
    parts.push(
      `code ${s.closeCode}${s.closeReason === undefined ? '' : ` (${printable(s.closeReason)})`}`,
    );
  }
  return `${s.state.padEnd(12)}  ${parts.join(', ')}`;
}

function ms(t: number): string {
  return Number.isInteger(t) ? String(t) : t.toFixed(1);
}

function describePc(s: PeerConnectionStateView): string {
  return `signaling ${s.signalingState}, gathering ${s.iceGatheringState}, ICE ${s.iceConnectionState}, connection ${s.connectionState}`;
}

function describeNegotiation(s: NegotiationStateView): string {
  const flags = [
    s.makingOffer ? 'makingOffer' : undefined,
    s.ignoreOffer ? 'ignoreOffer' : undefined,
    s.isSettingRemoteAnswerPending ? 'isSettingRemoteAnswerPending' : undefined,
  ].filter((f) => f !== undefined);
  return `offerer ${s.offerer}, handler ${s.handler}${flags.length > 0 ? `, ${flags.join(', ')}` : ''}${s.polite ? ' (polite)' : ''}`;
}

function describeMediasoup(s: MediasoupRoomStateView): string {
  const parts = [`${s.peers} peer${s.peers === 1 ? '' : 's'}`];
  const transports = Object.entries(s.transports);
  if (transports.length > 0) {
    parts.push(`transports ${transports.map(([id, st]) => `${printable(id)} ${st}`).join(' / ')}`);
  }
  parts.push(`${s.producers} producer${s.producers === 1 ? '' : 's'}`);
  parts.push(
    `${s.consumers} consumer${s.consumers === 1 ? '' : 's'}${s.pausedConsumers > 0 ? ` (${s.pausedConsumers} paused)` : ''}`,
  );
  if (s.dataProducers + s.dataConsumers > 0) {
    parts.push(`data ${s.dataProducers} out / ${s.dataConsumers} in`);
  }
  if (s.problems > 0) parts.push(`${s.problems} problem${s.problems === 1 ? '' : 's'}`);
  return `${s.state.padEnd(12)}  ${parts.join(', ')}`;
}

function describeMesh(s: MeshRoomStateView): string {
  const links = Object.entries(s.links).map(([peer, l]) => `${printable(peer)}: ${l}`);
  const parts = [
    `self ${s.selfId === null ? '?' : printable(s.selfId)}`,
    `online [${s.online.map(printable).join(', ')}]`,
    ...(links.length > 0 ? [`links ${links.join('; ')}`] : []),
    ...(s.problems > 0 ? [`${s.problems} problem${s.problems === 1 ? '' : 's'}`] : []),
  ];
  return `${s.state.padEnd(12)}  ${parts.join(', ')}`;
}

function describeTwoParty(s: TwoPartyRoomStateView): string {
  const parts = [
    ...(s.room === null ? [] : [`room ${printable(s.room)}`]),
    ...(s.isInitiator ? ['initiator'] : []),
    ...(s.hasMedia ? ['has media'] : []),
    ...(s.peerPresent ? ['peer present'] : []),
    ...(s.problems > 0 ? [`${s.problems} problem${s.problems === 1 ? '' : 's'}`] : []),
  ];
  return `${s.state.padEnd(20)}  ${parts.join(', ')}`.trimEnd();
}

function describeState(kind: MachineKind, state: MachineEntry['initial']): string {
  switch (kind) {
    case 'protoo-peer':
      return describeProtoo(state as ProtooPeerStateView);
    case 'peer-connection':
      return describePc(state as PeerConnectionStateView);
    case 'negotiation':
      return describeNegotiation(state as NegotiationStateView);
    case 'mediasoup-room':
      return describeMediasoup(state as MediasoupRoomStateView);
    case 'mesh-room':
      return describeMesh(state as MeshRoomStateView);
    case 'two-party-room':
      return describeTwoParty(state as TwoPartyRoomStateView);
  }
}

/** Writes the imported (and merged) session as a capture, to --out or standard output. */
async function importCapture(args: Args, loaded: Loaded, io: Io): Promise<number> {
  if (loaded.partial && !args.partial) return refuse(loaded, io);
  if (!loaded.header) throw new UserError(`${loaded.path}: no capture header to write`);
  const lines = exportCaptureLines(loaded.header, loaded.log.events(), {
    keepSecrets: args.keepSecrets,
  });
  if (args.out === undefined || args.out === '-') {
    for (const line of lines) io.stdout(line);
    return 0;
  }
  const out = createWriteStream(args.out);
  const failed = new Promise<never>((_, reject) => out.once('error', reject));
  failed.catch(() => undefined);
  try {
    for (const line of lines) {
      if (!out.write(line)) await Promise.race([new Promise((r) => out.once('drain', r)), failed]);
    }
    await Promise.race([new Promise<void>((r) => out.end(r)), failed]);
  } catch (error) {
    throw new UserError(
      `${args.out}: cannot write it (${error instanceof Error ? error.message : String(error)})`,
    );
  }
  io.stderr(
    `signalscope: wrote ${args.out}: ${loaded.log.length} events${args.keepSecrets ? '' : ', secrets redacted'}\n`,
  );
  return 0;
}

function exportCapture(args: Args, loaded: Loaded, io: Io): number {
  if (loaded.partial && !args.partial) return refuse(loaded, io);
  if (!loaded.header) throw new UserError(`${loaded.path}: no capture header to export`);
  let chunk = '';
  for (const line of exportCaptureLines(loaded.header, loaded.log.events(), {
    keepSecrets: args.keepSecrets,
  })) {
    chunk += line;
    if (chunk.length > 1 << 16) {
      io.stdout(chunk);
      chunk = '';
    }
  }
  io.stdout(chunk);
  return 0;
}

function codes(args: Args, io: Io): number {
  const entries = Object.entries(FINDING_CODES);
  if (args.json) {
    io.stdout(`${JSON.stringify(Object.fromEntries(entries))}\n`);
    return 0;
  }
  const w = Math.max(...entries.map(([c]) => c.length));
  io.stdout(
    `${'capture-format'.padEnd(w)}  error    A capture line that cannot be read (line and field named).\n`,
  );
  for (const [code, info] of entries)
    io.stdout(`${code.padEnd(w)}  ${info.severity.padEnd(8)} ${info.description}\n`);
  return 0;
}

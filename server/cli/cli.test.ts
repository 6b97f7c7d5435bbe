import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { encode } from '../../src/protocol/codec.ts';
import { newHeader, writeCapture } from '../../src/session/capture.ts';
import type { SessionEvent } from '../../src/session/events.ts';
import { FINDING_CODES } from '../../src/projections/findings.ts';
import { main } from './main.ts';

const dir = mkdtempSync(join(tmpdir(), 'signalscope-cli-'));
const root = fileURLToPath(new URL('../../', import.meta.url));

function capture(name: string, events: SessionEvent[]): string {
  const path = join(dir, name);
  writeFileSync(path, writeCapture(newHeader({ kind: 'fixture' }, new Date(0)), events));
  return path;
}

async function run(argv: string[], stdin?: string) {
  let out = '';
  let err = '';
  const code = await main(argv, {
    stdout: (s) => (out += s),
    stderr: (s) => (err += s),
    ...(stdin === undefined ? {} : { stdin: Readable.from([stdin]) }),
  });
  return { code, out, err };
}

let seq = 0;
const ev = <E extends object>(t: number, e: E) => ({ seq: seq++, t, ...e });
const frame = (t: number, dir: 'in' | 'out', msg: Parameters<typeof encode>[0]) =>
  ev(t, { type: 'ws.frame' as const, conn: 'c1', dir, text: encode(msg) });

seq = 0;
const SESSION: SessionEvent[] = [
  ev(0, {
    type: 'ws.open' as const,
    conn: 'c1',
    url: 'wss://h:4443/?roomId=r&peerId=p',
    protocol: 'protoo',
  }),
  frame(2, 'in', {
    kind: 'notification',
    method: 'mediasoup-version',
    data: { version: '3.14.0' },
  }),
  frame(3, 'out', { kind: 'request', id: 11, method: 'getRouterRtpCapabilities' }),
  frame(9, 'in', { kind: 'success', id: 11, data: { codecs: [], headerExtensions: [] } }),
  frame(10, 'out', {
    kind: 'request',
    id: 12,
    method: 'join',
    data: { displayName: 'a', device: { flag: 'chrome', name: 'Chrome', version: '1' } },
  }),
  frame(30, 'in', { kind: 'success', id: 12, data: { peers: [] } }),
  frame(31, 'out', {
    kind: 'request',
    id: 13,
    method: 'produce',
    data: { transportId: 'x', kind: 'audio', rtpParameters: {}, appData: {} },
  }),
  ev(35, {
    type: 'ws.frame' as const,
    conn: 'c1',
    dir: 'in' as const,
    text: '{"response":true,"id":13,"errorCode":500,"errorReason":"transport with id \\"x\\" not found"}',
  }),
  ev(40, { type: 'ws.frame' as const, conn: 'c1', dir: 'in' as const, text: '{"response":tru' }),
  frame(41, 'in', { kind: 'notification', method: 'activeSpeaker', data: { peerId: null } }),
  frame(42, 'in', { kind: 'notification', method: 'activeSpeaker', data: { peerId: null } }),
  frame(50, 'in', { kind: 'success', id: 999, data: {} }),
];
const good = capture('good.sscap.jsonl', SESSION);

describe('signalscope summary', () => {
  it('prints one JSON object with the counts', async () => {
    const { code, out, err } = await run(['summary', '--json', good]);
    expect(err).toBe('');
    expect(code).toBe(0);
    expect(out.trim().split('\n')).toHaveLength(1);
    const s = JSON.parse(out) as Record<string, unknown>;
    expect(s).toMatchObject({
      events: 12,
      frames: 11,
      invalidFrames: 1,
      requests: 3,
      responses: 4,
      notifications: 3,
      answered: 3,
      errorResponses: 1,
      unanswered: 0,
      orphanResponses: 1,
      connections: 1,
      dialect: 'legacy',
      partial: false,
      methods: {
        'mediasoup-version': 1,
        getRouterRtpCapabilities: 1,
        join: 1,
        produce: 1,
        activeSpeaker: 2,
      },
    });
  });

  it('prints a readable summary without --json', async () => {
    const { code, out } = await run(['summary', good]);
    expect(code).toBe(0);
    expect(out).toContain('12 events');
    expect(out).toMatch(/requests\s+3: 3 answered, 1 error responses, 0 unanswered/);
    expect(out).toMatch(/activeSpeaker\s+2/);
  });

  it('reads standard input when FILE is -', async () => {
    const { code, out } = await run(['summary', '--json', '-'], readFileSync(good, 'utf8'));
    expect(code).toBe(0);
    expect(JSON.parse(out)).toMatchObject({ events: 12 });
  });
});

describe('signalscope check', () => {
  it('prints findings with code, seq and message, and exits 1 on an error', async () => {
    const { code, out } = await run(['check', good]);
    expect(code).toBe(1);
    expect(out).toMatch(/^error\s+invalid-frame\s+seq 8\s+c1: not JSON/m);
    expect(out).toMatch(
      /^warning\s+error-response\s+seq 7\s+c1: produce \(id 13, client→server, seq 6\) failed: 500 transport with id "x" not found$/m,
    );
    expect(out).toMatch(/^warning\s+orphan-response\s+seq 11/m);
    // The room model: produce named a transport this client never created.
    expect(out).toMatch(/^warning\s+unknown-transport\s+seq 6\s+c1: produce names transport x/m);
    expect(out).toMatch(/1 error\(s\), 3 warning\(s\)/);
  });

  it('prints JSON with --json and filters by severity', async () => {
    const { code, out } = await run(['check', '--json', '--min-severity', 'error', good]);
    expect(code).toBe(1);
    const r = JSON.parse(out) as {
      counts: Record<string, number>;
      findings: { code: string; seq: number }[];
    };
    expect(r.counts.error).toBe(1);
    expect(r.findings).toEqual([expect.objectContaining({ code: 'invalid-frame', seq: 8 })]);
  });

  it('exits 0 when there is no error', async () => {
    const clean = capture('clean.sscap.jsonl', SESSION.slice(0, 6));
    const { code, out } = await run(['check', clean]);
    expect(out).toMatch(/0 error\(s\)/);
    expect(code).toBe(0);
  });

  it('reports format errors with line and field and exits 1', async () => {
    const path = join(dir, 'broken.sscap.jsonl');
    const text = writeCapture(newHeader({ kind: 'fixture' }, new Date(0)), SESSION.slice(0, 3));
    writeFileSync(path, text.replace('"dir":"out"', '"dir":"up"') + '{"seq":99,"t":1');
    const { code, out } = await run(['check', path]);
    expect(code).toBe(1);
    expect(out).toContain('capture-format  line 4, field dir: expected "in" or "out", found "up"');
    expect(out).toContain('line 5: truncated');
    const partial = await run(['check', '--partial', path]);
    expect(partial.out).toContain('(partial)');
  });
});

describe('bad input never gives a stack trace', () => {
  it.each([
    [['summary', '/no/such/file'], 'signalscope: /no/such/file: no such file\n'],
    [['summary', dir], `signalscope: ${dir}: is a directory, expected a capture file\n`],
    [['summary'], 'signalscope: summary needs a FILE\n'],
  ])('%j', async (argv, message) => {
    const { code, err } = await run(argv);
    expect(code).toBe(2);
    expect(err).toBe(message);
  });

  it('refuses an unknown command, an unknown option and a bad severity, with the usage', async () => {
    for (const argv of [
      ['frobnicate'],
      ['summary', '--frob', good],
      ['check', '--min-severity', 'loud', good],
    ]) {
      const { code, err } = await run(argv);
      expect(code).toBe(2);
      expect(err).toMatch(/^signalscope: /);
      expect(err).toContain('Usage:');
    }
  });

  it('refuses a file that is not a capture, saying what it looks like', async () => {
    const har = join(dir, 'x.har');
    writeFileSync(har, '{"log":{"version":"1.2","creator":{"name":"WebInspector"},"entries":[]}}');
    expect((await run(['summary', har])).err).toContain(
      'x.har: this is an HTTP Archive (HAR), but it holds no event: the HAR has 0 entries and none is a WebSocket connection',
    );
    writeFileSync(har, '{"log":{"version":"1.2","entries":{}}}');
    expect((await run(['summary', har])).err).toContain(
      'x.har: this is an HTTP Archive (HAR), but it cannot be imported: not a HAR file: "log.entries" must be an array, found an object',
    );
    const png = join(dir, 'x.png');
    writeFileSync(png, '\x89PNG\r\n\x1a\n');
    expect((await run(['summary', png])).err).toContain('not JSON: it starts with');
    const empty = join(dir, 'empty');
    writeFileSync(empty, '');
    expect((await run(['summary', empty])).err).toContain('the file is empty');
  });

  it('refuses a capture with format errors in summary, and reads it with --partial', async () => {
    const path = join(dir, 'partial.sscap.jsonl');
    const text = writeCapture(newHeader({ kind: 'fixture' }, new Date(0)), SESSION);
    writeFileSync(path, text.replace('"t":30', '"t":"thirty"'));
    const refused = await run(['summary', '--json', path]);
    expect(refused.code).toBe(2);
    expect(refused.err).toContain(
      'line 7, field t: expected a finite number of milliseconds ≥ 0, found "thirty"',
    );
    expect(refused.err).toContain('Use --partial to read the 11 events that could be read.');
    const partial = await run(['summary', '--json', '--partial', path]);
    expect(partial.code).toBe(0);
    expect(JSON.parse(partial.out)).toMatchObject({ partial: true, skippedLines: 1, events: 11 });
  });
});

describe('signalscope export', () => {
  it('writes the capture back with secrets redacted, unless --keep-secrets', async () => {
    const path = capture('secret.sscap.jsonl', [
      { seq: 0, t: 0, type: 'ws.open', conn: 'c1', url: 'wss://h/?roomId=r&peerId=p&token=T0P' },
      {
        seq: 1,
        t: 1,
        type: 'ws.frame',
        conn: 'c1',
        dir: 'out',
        text: '{"request":true,"id":1,"method":"applyNetworkThrottle","data":{"secret":"S3C","uplink":1}}',
      },
    ]);
    const redacted = await run(['export', path]);
    expect(redacted.code).toBe(0);
    expect(redacted.out).not.toMatch(/T0P|S3C/);
    expect(redacted.out.split('\n')[0]).toContain('"redacted":true');
    const kept = await run(['export', '--keep-secrets', path]);
    expect(kept.out).toBe(readFileSync(path, 'utf8'));
  });
});

describe('signalscope codes', () => {
  it('lists every finding code, and docs/findings.md documents each', async () => {
    const { out } = await run(['codes', '--json']);
    const codes = Object.keys(JSON.parse(out) as object);
    expect(codes).toEqual(Object.keys(FINDING_CODES));
    const doc = readFileSync(join(root, 'docs/findings.md'), 'utf8');
    for (const [code, info] of Object.entries(FINDING_CODES)) {
      expect(doc).toMatch(new RegExp(`\\|\\s*\`${code}\`\\s*\\|\\s*${info.severity}\\s*\\|`));
    }
  });
});

describe('the signalscope command', () => {
  it('runs as a program (npx signalscope) and exits with the status of the check', () => {
    const r = spawnSync(
      join(root, 'node_modules/.bin/node'),
      [join(root, 'server/cli/signalscope.mjs'), 'check', good],
      {
        encoding: 'utf8',
      },
    );
    expect(r.status).toBe(1);
    expect(r.stdout).toContain('invalid-frame');
    const help = spawnSync(
      join(root, 'node_modules/.bin/node'),
      [join(root, 'server/cli/signalscope.mjs')],
      { encoding: 'utf8' },
    );
    expect(help.status).toBe(0);
    expect(help.stdout).toContain('Usage:');
  });
});

describe('signalscope states', () => {
  interface StatesJson {
    file: string;
    partial: boolean;
    machines: {
      kind: string;
      id: string;
      initial: Record<string, unknown>;
      changes: { seq: number; t: number; state: Record<string, unknown> }[];
      final: Record<string, unknown>;
    }[];
  }
  const fixture = (name: string) => join(root, 'fixtures', `${name}.sscap.jsonl`);

  it('--json on reconnect: the protoo peer fails attempts of cycle 2, then opens again', async () => {
    const { code, out, err } = await run(['states', '--json', fixture('reconnect')]);
    expect(err).toBe('');
    expect(code).toBe(0);
    expect(out.trim().split('\n')).toHaveLength(1);
    const r = JSON.parse(out) as StatesJson;
    expect(r.file).toBe(fixture('reconnect'));
    expect(r.partial).toBe(false);
    expect(r.machines.map((m) => [m.kind, m.id])).toEqual([
      ['protoo-peer', 'c1'],
      ['peer-connection', 'recv-pc'],
      ['peer-connection', 'send-pc'],
      ['peer-connection', 'recv-pc-2'],
      ['peer-connection', 'send-pc-2'],
      ['mediasoup-room', 'c1'],
    ]);
    const peer = r.machines[0];
    expect(peer?.changes.map((c) => c.state.state)).toEqual([
      'open',
      'reconnecting',
      'failed',
      'reconnecting',
      'failed',
      'reconnecting',
      'failed',
      'open',
    ]);
    expect(peer?.changes[2]).toEqual({
      seq: 49,
      t: 5099,
      state: { state: 'failed', cycle: 2, attempt: 1, pending: 1, nextAttemptAt: 6099 },
    });
    expect(peer?.final).toEqual({ state: 'open', cycle: 2, attempt: 4, pending: 0 });
    expect(r.machines[2]?.changes[0]).toEqual({
      seq: 26,
      t: 185,
      state: {
        signalingState: 'stable',
        iceGatheringState: 'new',
        iceConnectionState: 'new',
        connectionState: 'connecting',
      },
    });
  });

  it('prints every machine kind: mesh page, two-party client, negotiation, mediasoup room', async () => {
    const mesh = await run(['states', fixture('mesh-room')]);
    expect(mesh.code).toBe(0);
    expect(mesh.out).toMatch(/^mesh-room c1 {2}\(\d+ changes\)$/m);
    expect(mesh.out).toMatch(
      /^ {2}end\s+.*self 3, online \[1, 2, 4\], links 1: passive connected #2; 2: passive connected; 4: initiator connected$/m,
    );
    expect(mesh.out).toMatch(/^negotiation pc-4 /m);
    expect(mesh.out).not.toMatch(/^protoo-peer/m);
    const two = await run(['states', '--json', fixture('two-party-room')]);
    const r = JSON.parse(two.out) as StatesJson;
    expect(r.machines.map((m) => m.kind)).toEqual([
      'peer-connection',
      'negotiation',
      'two-party-room',
    ]);
    expect(r.machines[2]?.final).toMatchObject({ state: 'ended', isInitiator: true, problems: 0 });
    const legacy = await run(['states', fixture('legacy-participant-join')]);
    expect(legacy.out).toMatch(
      /^ {2}end\s+joined\s+2 peers, transports \S+ connected \/ \S+ connected, 2 producers, 4 consumers, data 2 out \/ 3 in$/m,
    );
  });

  it('--json on legacy-participant-join: both peer connections end connected', async () => {
    const { code, out } = await run(['states', '--json', fixture('legacy-participant-join')]);
    expect(code).toBe(0);
    const r = JSON.parse(out) as StatesJson;
    expect(r.machines.map((m) => [m.kind, m.id, m.changes.length])).toEqual([
      ['protoo-peer', 'c1', 1],
      ['peer-connection', 'recv-pc', 2],
      ['peer-connection', 'send-pc', 2],
      ['mediasoup-room', 'c1', 40],
    ]);
    expect(r.machines[0]?.final).toEqual({ state: 'open', cycle: 1, attempt: 1, pending: 0 });
    expect(r.machines[3]?.final).toMatchObject({
      state: 'joined',
      joined: true,
      peers: 2,
      producers: 2,
      consumers: 4,
      problems: 0,
    });
    for (const m of r.machines.slice(1, 3)) {
      expect(m.changes.map((c) => c.seq)).toEqual(m.id === 'recv-pc' ? [19, 31] : [34, 37]);
      expect(m.final).toEqual({
        signalingState: 'stable',
        iceGatheringState: 'new',
        iceConnectionState: 'new',
        connectionState: 'connected',
      });
    }
  });

  it('prints a readable listing without --json', async () => {
    const { code, out } = await run(['states', fixture('close-4000')]);
    expect(code).toBe(0);
    expect(out).toMatch(/^protoo-peer c1 {2}\(2 changes\)$/m);
    expect(out).toMatch(/^ {2}start\s+connecting\s+cycle 1, attempt 1$/m);
    expect(out).toMatch(
      /^ {2}seq 47\s+6283 ms\s+closed\s+cycle 1, attempt 1, 1 pending, closed by server, code 4000 \(closed by protoo-server\)$/m,
    );
    expect(out).toMatch(
      /^ {2}seq 48\s+6284 ms\s+signaling closed, gathering new, ICE closed, connection closed$/m,
    );
    expect(out).toMatch(/^peer-connection send-pc {2}\(3 changes\)$/m);
  });

  it('needs a FILE, and refuses a capture with format errors unless --partial', async () => {
    expect(await run(['states'])).toMatchObject({
      code: 2,
      err: 'signalscope: states needs a FILE\n',
    });
    const path = join(dir, 'states-partial.sscap.jsonl');
    const text = writeCapture(newHeader({ kind: 'fixture' }, new Date(0)), SESSION);
    writeFileSync(path, text.replace('"t":30', '"t":"thirty"'));
    const refused = await run(['states', '--json', path]);
    expect(refused.code).toBe(2);
    expect(refused.err).toContain('Use --partial');
    const partial = await run(['states', '--json', '--partial', path]);
    expect(partial.code).toBe(0);
    expect(JSON.parse(partial.out)).toMatchObject({ partial: true, skippedLines: 1 });
  });
});

describe('signalscope check with the machines', () => {
  it('reports model-mismatch when a signalingstatechange disagrees with the calls before it', async () => {
    const pc = (s: number, t: number, event: string, value?: unknown): SessionEvent => ({
      seq: s,
      t,
      type: 'pc',
      pc: 'pc1',
      event,
      ...(value === undefined ? {} : { value }),
    });
    const path = capture('mismatch.sscap.jsonl', [
      pc(0, 0, 'setLocalDescription', { type: 'offer', sdp: 'v=0\r\n' }),
      pc(1, 1, 'setLocalDescriptionOnSuccess'),
      pc(2, 2, 'signalingstatechange', 'have-remote-offer'),
    ]);
    const text = await run(['check', path]);
    expect(text.code).toBe(0);
    expect(text.out).toMatch(
      /^warning\s+model-mismatch\s+seq 2\s+pc pc1: the browser reported signalingState "have-remote-offer", the model predicted "have-local-offer" after setLocalDescriptionOnSuccess at seq 1$/m,
    );
    expect(text.out).toMatch(/0 error\(s\), 1 warning\(s\)/);
    const json = await run(['check', '--json', path]);
    const r = JSON.parse(json.out) as { findings: Record<string, unknown>[] };
    expect(r.findings).toEqual([
      expect.objectContaining({
        code: 'model-mismatch',
        severity: 'warning',
        seq: 2,
        machine: { kind: 'peer-connection', id: 'pc1' },
      }),
    ]);
  });

  it('exits 1 when a protoo connection runs out of retries', async () => {
    const closes: SessionEvent[] = [];
    for (let k = 0; k < 11; k++) {
      closes.push({ seq: k, t: k * 10_000, type: 'ws.close', conn: 'c1', code: 1006 });
    }
    const { code, out } = await run(['check', capture('exhausted.sscap.jsonl', closes)]);
    expect(code).toBe(1);
    expect(out).toMatch(/^error\s+retries-exhausted\s+seq 10\s+c1: attempt 11 of 11 failed too/m);
  });

  it('codes lists the machine codes', async () => {
    const { out } = await run(['codes']);
    expect(out).toMatch(/^model-mismatch\s+warning\s/m);
    expect(out).toMatch(/^retries-exhausted\s+error\s/m);
  });
});

describe('signalscope with HARs and webrtc-internals dumps', () => {
  const imports = (file: string) => join(root, 'fixtures/imports', file);
  const HAR = imports('legacy-participant-join.har');
  const DUMP = imports('legacy-participant-join.webrtc_internals_dump.txt');

  it('summary reads a HAR by its content, and merges it with a dump', async () => {
    const har = await run(['summary', '--json', HAR]);
    expect(har.code).toBe(0);
    const one = JSON.parse(har.out) as Record<string, unknown>;
    expect(one).toMatchObject({
      partial: false,
      events: 111,
      connections: 1,
      frames: 110,
      imported: { format: 'har', warnings: [], matches: [] },
    });
    const both = await run(['summary', '--json', HAR, DUMP]);
    expect(both.code).toBe(0);
    expect(JSON.parse(both.out)).toMatchObject({
      file: `${HAR} + ${DUMP}`,
      events: 146,
      connections: 1,
      imported: {
        format: 'merged',
        matches: [
          'legacy-participant-join.har: the page https://demo.example.org/?roomId=bnzsceer&peerId=xc24fh03 is the page of peer connections 4242-2, 4242-1 of legacy-participant-join.webrtc_internals_dump.txt',
        ],
      },
    });
    expect(both.err).toContain('is the page of peer connections 4242-2, 4242-1');
  });

  it("states of the merge: the HAR's protoo peer open, the dump's peer connections connected", async () => {
    const { code, out } = await run(['states', '--json', HAR, DUMP]);
    expect(code).toBe(0);
    const machines = (
      JSON.parse(out) as {
        machines: { kind: string; id: string; final: Record<string, unknown> }[];
      }
    ).machines;
    expect(machines.find((m) => m.kind === 'protoo-peer')).toMatchObject({
      id: 'har-1',
      final: { state: 'open' },
    });
    expect(
      machines
        .filter((m) => m.kind === 'peer-connection')
        .map((m) => [m.id, m.final.connectionState]),
    ).toEqual([
      ['4242-2', 'connected'],
      ['4242-1', 'connected'],
    ]);
  });

  it('states of an old-style dump reads its times and warns about the time zone', async () => {
    const { code, out, err } = await run([
      'states',
      imports('old-style.webrtc_internals_dump.txt'),
    ]);
    expect(code).toBe(0);
    expect(out).toMatch(/^peer-connection 77-1 {2}\(6 changes\)$/m);
    expect(out).toMatch(
      /end {14}signaling stable, gathering complete, ICE connected, connection new/,
    );
    expect(err).toContain(
      'signalscope: warning: 12 update time(s) are local times without a time zone',
    );
  });

  it('check names the entry, field and line of a malformed HAR and dump, and --partial reads the rest', async () => {
    const har = await run(['check', imports('malformed.har')]);
    expect(har.code).toBe(1);
    expect(har.out).toContain(
      'error    capture-format  line 94, field opcode: HAR entry 1 (_webSocketMessages[1]): "opcode" must be a number, found "1"',
    );
    const dump = await run(['check', '--json', imports('malformed.webrtc_internals_dump.txt')]);
    const parsed = JSON.parse(dump.out) as { findings: { message: string }[] };
    expect(parsed.findings.map((f) => f.message)).toContain(
      'line 1, field type: PeerConnections["12-1"].updateLog[3]: missing "type"',
    );
    const partial = await run(['summary', '--json', '--partial', imports('malformed.har')]);
    expect(JSON.parse(partial.out)).toMatchObject({ partial: true, skippedLines: 7, events: 3 });
  });

  it('import writes the merged capture, which reads back with the same events', async () => {
    const out = join(dir, 'merged.sscap.jsonl');
    const written = await run(['import', HAR, DUMP, '--out', out]);
    expect(written.code).toBe(0);
    expect(written.err).toContain(`signalscope: wrote ${out}: 146 events, secrets redacted`);
    const text = readFileSync(out, 'utf8');
    expect(JSON.parse(text.slice(0, text.indexOf('\n')))).toMatchObject({
      format: 'signalscope-capture',
      source: { kind: 'merged' },
    });
    const again = JSON.parse((await run(['summary', '--json', out])).out) as Record<
      string,
      unknown
    >;
    const direct = JSON.parse((await run(['summary', '--json', HAR, DUMP])).out) as Record<
      string,
      unknown
    >;
    for (const key of [
      'events',
      'frames',
      'requests',
      'answered',
      'notifications',
      'connections',
    ]) {
      expect(again[key]).toBe(direct[key]);
    }
    const stdout = await run(['import', HAR]);
    expect(stdout.out.split('\n').filter((l) => l !== '')).toHaveLength(112);
  });

  it('keeps conn ids apart when two files use the same one', async () => {
    const a = capture('a.sscap.jsonl', SESSION);
    const { code, out, err } = await run(['states', '--json', a, a]);
    expect(code).toBe(0);
    const ids = (JSON.parse(out) as { machines: { kind: string; id: string }[] }).machines
      .filter((m) => m.kind === 'protoo-peer')
      .map((m) => m.id);
    expect(ids).toEqual(['c1', 'c1#2']);
    expect(err).toContain(
      'signalscope: a.sscap.jsonl: conn c1 is also in an earlier file: renamed c1#2',
    );
  });

  it('--out belongs to import only', async () => {
    const { code, err } = await run(['summary', HAR, '--out', join(dir, 'x')]);
    expect(code).toBe(2);
    expect(err).toContain('--out is an option of import');
  });
});

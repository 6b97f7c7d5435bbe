/**
 * Issue 8 part 5: secrets planted in the URLs and data of a session never reach an export
 * unless asked, and do when asked. Every export path is checked for every planted string:
 * the capture writer that Record (useLiveSession) and the CLI use, the CLI's `export` and
 * `import --out`, and the sequence diagram's SVG (also the PNG's source) and Mermaid text.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { main } from '../../server/cli/main.ts';
import { SessionAnalysis } from '../projections/analysis.ts';
import { newHeader, writeCapture } from '../session/capture.ts';
import type { SessionEvent } from '../session/events.ts';
import { exportCaptureLines, REDACTED } from '../session/redact.ts';
import { SessionLog } from '../session/SessionLog.ts';
import { toMermaid, toSvg } from '../views/SequenceDiagram/export.ts';
import { buildSequenceModel, layoutRows } from '../views/SequenceDiagram/model.ts';

/** Each planted secret, unique enough that finding it anywhere means it leaked. */
const S = {
  urlToken: 'PLANTED-url-token-7f3a',
  urlSecret: 'PLANTED-url-secret-2b9c',
  urlPassword: 'PLANTED-url-password-c41d',
  urlKey: 'PLANTED-url-apikey-9e0f',
  urlAuth: 'PLANTED-url-auth-5d21',
  headerToken: 'PLANTED-header-token-11aa',
  throttle: 'PLANTED-throttle-secret-77bb',
  icePassword: 'PLANTED-ice-password-88cc',
  sdpIcePwd: 'PLANTEDsdpicepwd99dd',
  turnCredential: 'PLANTED-turn-credential-00ee',
  authorization: 'PLANTED-Bearer-authorization-12ff',
  nestedToken: 'PLANTED-nested-csrf-token-3434',
  noteUrl: 'PLANTED-note-url-token-5656',
  closeReason: 'PLANTED-close-reason-token-7878',
  brokenFrame: 'PLANTED-broken-frame-password-9a9a',
  extra: 'PLANTED-extra-field-key-bcbc',
} as const;
const PLANTED: readonly string[] = Object.values(S);

const SDP = [
  'v=0',
  'o=- 1 2 IN IP4 127.0.0.1',
  's=-',
  't=0 0',
  'm=audio 9 UDP/TLS/RTP/SAVPF 111',
  'a=ice-ufrag:ufragIsNotSecret',
  `a=ice-pwd:${S.sdpIcePwd}`,
  'a=fingerprint:sha-256 AA:BB:CC',
  '',
].join('\r\n');

const URL = `wss://h:4443/?roomId=r&peerId=p&token=${S.urlToken}&secret=${S.urlSecret}&password=${S.urlPassword}&api_key=${S.urlKey}&authToken=${S.urlAuth}`;

function plantedSession(): SessionEvent[] {
  let seq = 0;
  const e = <E extends object>(t: number, event: E) => ({ seq: seq++, t, ...event });
  const frame = (t: number, dir: 'in' | 'out', value: unknown) =>
    e(t, { type: 'ws.frame' as const, conn: 'c1', dir, text: JSON.stringify(value) });
  return [
    e(0, { type: 'ws.open' as const, conn: 'c1', url: URL, protocol: 'protoo' }),
    frame(1, 'out', {
      request: true,
      id: 1,
      method: 'applyNetworkThrottle',
      data: { secret: S.throttle, uplink: 100 },
    }),
    frame(2, 'in', { response: true, id: 1, ok: true, data: {} }),
    frame(3, 'out', { request: true, id: 2, method: 'createWebRtcTransport', data: {} }),
    frame(4, 'in', {
      response: true,
      id: 2,
      ok: true,
      data: {
        id: 't1',
        iceParameters: { usernameFragment: 'ufragIsNotSecret', password: S.icePassword },
        dtlsParameters: { role: 'auto', fingerprints: [{ algorithm: 'sha-256', value: 'AA' }] },
        headers: { Authorization: S.authorization },
        deep: [{ more: { csrfToken: S.nestedToken } }],
      },
    }),
    e(5, {
      type: 'ws.frame' as const,
      conn: 'c1',
      dir: 'out' as const,
      text: `{"request":true,"id":3,"method":"join","data":{"password":"${S.brokenFrame}","x":`,
    }),
    e(6, {
      type: 'pc' as const,
      pc: 'pc1',
      event: 'setConfiguration',
      value: { iceServers: [{ urls: 'turn:t', username: 'u', credential: S.turnCredential }] },
      conn: 'c1',
    }),
    e(7, {
      type: 'pc' as const,
      pc: 'pc1',
      event: 'setLocalDescription',
      value: { type: 'offer', sdp: SDP },
    }),
    e(8, {
      type: 'note' as const,
      text: `reconnecting to wss://h/?roomId=r&token=${S.noteUrl} now`,
      conn: 'c1',
      extra: { apiKey: S.extra },
    }),
    e(9, {
      type: 'ws.close' as const,
      conn: 'c1',
      code: 4000,
      reason: `bye wss://h/?access_token=${S.closeReason}`,
    }),
  ];
}

/** Short texts the diagram shows whole (it cuts long ones to fit a lane). */
const SHOWN: SessionEvent[] = [
  { seq: 0, t: 0, type: 'ws.open', conn: 'c1', url: `wss://h/?token=${S.urlToken}` },
  { seq: 1, t: 1, type: 'note', conn: 'c1', text: `see wss://h/?auth=${S.noteUrl}` },
  {
    seq: 2,
    t: 2,
    type: 'ws.close',
    conn: 'c1',
    code: 1000,
    reason: `wss://h/?key=${S.closeReason}`,
  },
];

const HEADER = newHeader({ kind: 'live', url: `wss://h/?roomId=r&token=${S.headerToken}` });

function leaked(text: string): string[] {
  return PLANTED.filter((secret) => text.includes(secret));
}

function diagram(events: readonly SessionEvent[]) {
  const log = new SessionLog();
  for (const event of events) log.appendWithSeq(event);
  const model = buildSequenceModel(new SessionAnalysis(log).update());
  return { model, layout: layoutRows(model, new Set()) };
}

const dir = mkdtempSync(join(tmpdir(), 'signalscope-secrets-'));
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

async function cli(argv: string[]) {
  let out = '';
  let err = '';
  const code = await main(argv, {
    stdout: (s) => (out += s),
    stderr: (s) => (err += s),
  });
  return { code, out, err };
}

describe('planted secrets never reach an export unless asked', () => {
  const events = plantedSession();
  const file = join(dir, 'planted.sscap.jsonl');
  writeFileSync(file, writeCapture(HEADER, events));

  it('the session really carries every planted secret (so the checks below can fail)', () => {
    expect(leaked(writeCapture(HEADER, events))).toEqual([...PLANTED]);
    const { model, layout } = diagram(SHOWN);
    // The diagram shows the URL, the note and the close reason: their secrets.
    // (The SVG cuts long texts to fit its lanes: the URL's token is what shows whole.)
    expect(leaked(toSvg(model, layout, { keepSecrets: true }))).toContain(S.urlToken);
    expect(leaked(toMermaid(model, layout, { keepSecrets: true }))).toContain(S.urlToken);
  });

  it('the capture writer of Record and the CLI: redacted by default, whole when asked', () => {
    const redacted = [...exportCaptureLines(HEADER, events)].join('');
    expect(leaked(redacted)).toEqual([]);
    expect(redacted).toContain(REDACTED);
    // What is not secret stays: ICE ufrag, DTLS fingerprints, TURN username, ids.
    for (const kept of [
      'ufragIsNotSecret',
      'a=fingerprint:sha-256 AA:BB:CC',
      '"username":"u"',
      'peerId=p',
    ]) {
      expect(redacted).toContain(kept);
    }
    const kept = [...exportCaptureLines(HEADER, events, { keepSecrets: true })].join('');
    expect(leaked(kept)).toEqual([...PLANTED]);
  });

  it('signalscope export: redacted by default; --keep-secrets and --no-redact keep them', async () => {
    const plain = await cli(['export', file]);
    expect(plain.code).toBe(0);
    expect(leaked(plain.out)).toEqual([]);
    for (const flag of ['--keep-secrets', '--no-redact']) {
      const kept = await cli(['export', flag, file]);
      expect(kept.code).toBe(0);
      expect(leaked(kept.out)).toEqual([...PLANTED]);
    }
  });

  it('signalscope import --out: redacted by default; --no-redact keeps them', async () => {
    const out = join(dir, 'out.sscap.jsonl');
    const r = await cli(['import', file, '--out', out]);
    expect(r.code).toBe(0);
    expect(leaked(readFileSync(out, 'utf8'))).toEqual([]);
    const kept = await cli(['import', '--no-redact', file, '--out', out]);
    expect(kept.code).toBe(0);
    expect(leaked(readFileSync(out, 'utf8'))).toEqual([...PLANTED]);
  });

  it('the diagram’s SVG (the PNG’s source) and Mermaid: redacted by default', () => {
    for (const session of [events, SHOWN]) {
      const { model, layout } = diagram(session);
      for (const text of [toSvg(model, layout), toMermaid(model, layout)]) {
        expect(leaked(text)).toEqual([]);
      }
    }
  });
});

/**
 * The `demo-server` command line: flags, the 127.0.0.1-only rule, the printed URLs.
 */
import { describe, expect, it } from 'vitest';
import { parseArgs, start, UsageError } from './main.ts';

function io() {
  const out: string[] = [];
  const err: string[] = [];
  return {
    out,
    err,
    io: { stdout: (s: string) => out.push(s), stderr: (s: string) => err.push(s) },
  };
}

describe('parseArgs()', () => {
  it('reads --port, --host, --bots, --seed and --tick-ms', () => {
    expect(
      parseArgs([
        '--port',
        '0',
        '--host',
        'localhost',
        '--bots',
        '2',
        '--seed',
        's',
        '--tick-ms',
        '500',
      ]),
    ).toEqual({
      kind: 'run',
      options: { port: 0, host: 'localhost', bots: 2, seed: 's', botIntervalMs: 500 },
      quiet: false,
    });
  });

  it('refuses any host but 127.0.0.1 and localhost', () => {
    expect(() => parseArgs(['--host', '0.0.0.0'])).toThrow(UsageError);
    expect(() => parseArgs(['--host', '192.168.1.2'])).toThrow('listens on 127.0.0.1 only');
    expect(() => parseArgs(['--host'])).toThrow('not nothing');
  });

  it('refuses bad numbers and unknown flags', () => {
    expect(() => parseArgs(['--port', '70000'])).toThrow('--port takes a whole number');
    expect(() => parseArgs(['--bots', 'many'])).toThrow('--bots takes a whole number from 0 to 10');
    expect(() => parseArgs(['--verbose'])).toThrow('unknown option --verbose');
  });
});

describe('start()', () => {
  it('prints the URLs it serves and the demo room answers', async () => {
    const a = io();
    const server = await start(['--port', '0', '--quiet', '--tick-ms', '0'], a.io);
    if (typeof server === 'number') throw new Error(`exit ${String(server)}`);
    try {
      const text = a.out.join('');
      expect(text).toContain(
        `demo room:      ws://127.0.0.1:${String(server.port)}/?roomId=demo&peerId=`,
      );
      expect(text).toContain(`ws://127.0.0.1:${String(server.port)}/mesh?roomId=`);
      expect(text).toContain(`http://127.0.0.1:${String(server.port)}/api/rooms`);
      const res = await fetch(`http://127.0.0.1:${String(server.port)}/api/rooms`);
      expect(await res.json()).toEqual({ rooms: [] });
    } finally {
      await server.close();
    }
  });

  it('exits 2 with a message when the port is taken or the host is not local', async () => {
    const first = io();
    const server = await start(['--port', '0', '--quiet'], first.io);
    if (typeof server === 'number') throw new Error(`exit ${String(server)}`);
    try {
      const b = io();
      expect(await start(['--port', String(server.port)], b.io)).toBe(2);
      expect(b.err.join('')).toContain(`port ${String(server.port)} is in use`);
    } finally {
      await server.close();
    }
    const c = io();
    expect(await start(['--host', '0.0.0.0'], c.io)).toBe(2);
    expect(c.err.join('')).toContain('listens on 127.0.0.1 only');
    const d = io();
    expect(await start(['--help'], d.io)).toBe(0);
    expect(d.out.join('')).toContain('Usage:');
  });
});

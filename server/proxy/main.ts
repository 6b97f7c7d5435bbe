/**
 * `npm run proxy -- --target wss://host:port [--listen 127.0.0.1:4444] [--insecure] [--out FILE]`
 */
import { resolve } from 'node:path';
import {
  ProxyConfigError,
  parseListen,
  parseTarget,
  startProxy,
  type RunningProxy,
} from './proxy.ts';

export interface Io {
  stdout: (s: string) => void;
  stderr: (s: string) => void;
}

export const USAGE = `signalscope proxy — record a protoo/mediasoup signaling session between real clients and a real server

Usage:
  npm run proxy -- --target wss://host:port [--listen 127.0.0.1:4444] [--insecure] [--out FILE]

  --target URL     the real server, ws:// or wss:// (required)
  --listen H:P     where clients connect instead (default 127.0.0.1:4444; this machine only)
  --insecure       accept the target's certificate unchecked (self-signed demo certificates)
  --out FILE       the capture file (default proxy-<date>.sscap.jsonl here); never overwritten
  --help           this text

Every client connection is forwarded unchanged and recorded into one capture; the app shows
it live through the tap (the URL is printed at start). Ctrl-C stops the proxy.
`;

export interface ProxyArgs {
  readonly target: string;
  readonly listen: string;
  readonly insecure: boolean;
  readonly out: string;
}

/** The default capture name: proxy-2026-01-02T10-20-30.sscap.jsonl */
export function defaultOut(now = new Date()): string {
  return `proxy-${now.toISOString().slice(0, 19).replace(/:/g, '-')}.sscap.jsonl`;
}

/** Reads the flags; throws ProxyConfigError in plain words. Undefined for --help. */
export function parseArgs(argv: readonly string[], now = new Date()): ProxyArgs | undefined {
  let target: string | undefined;
  let listen = '127.0.0.1:4444';
  let insecure = false;
  let out: string | undefined;
  for (let k = 0; k < argv.length; k++) {
    const arg = argv[k] ?? '';
    const eq = arg.indexOf('=');
    const name = arg.startsWith('--') && eq > 0 ? arg.slice(0, eq) : arg;
    const inline = arg.startsWith('--') && eq > 0 ? arg.slice(eq + 1) : undefined;
    const value = (): string => {
      if (inline !== undefined) return inline;
      const next = argv[k + 1];
      if (next === undefined || next.startsWith('--')) {
        throw new ProxyConfigError(`${name} needs a value`);
      }
      k++;
      return next;
    };
    switch (name) {
      case '--help':
      case '-h':
        return undefined;
      case '--target':
        target = value();
        break;
      case '--listen':
        listen = value();
        break;
      case '--out':
        out = value();
        break;
      case '--insecure':
        if (inline !== undefined) throw new ProxyConfigError('--insecure takes no value');
        insecure = true;
        break;
      default:
        throw new ProxyConfigError(
          arg.startsWith('-')
            ? `unknown flag ${arg} (see --help)`
            : `unexpected argument ${JSON.stringify(arg)}: flags are --target, --listen, --insecure, --out`,
        );
    }
  }
  if (target === undefined) {
    throw new ProxyConfigError('--target is required: the real server, like wss://127.0.0.1:4443');
  }
  parseTarget(target);
  parseListen(listen);
  return { target, listen, insecure, out: out ?? defaultOut(now) };
}

/** What the proxy says when it starts. */
export function startupMessage(proxy: RunningProxy, appOrigin = 'http://127.0.0.1:5173'): string {
  const app = `${appOrigin}/?tap=${encodeURIComponent(proxy.tapUrl)}`;
  return [
    `signalscope proxy → ${proxy.target}`,
    `  point clients at   ${proxy.url}  (instead of the server; same path and query)`,
    `  live tap           ${proxy.tapUrl}`,
    `  open in the app    ${app}`,
    `  recording to       ${proxy.capturePath ?? '(memory only)'}`,
    '',
  ].join('\n');
}

/**
 * Runs the proxy until `stop` resolves (the launcher passes SIGINT/SIGTERM). Returns the
 * exit status: 0, or 2 for unusable flags.
 */
export async function main(
  argv: readonly string[],
  io: Io,
  stop: Promise<unknown>,
): Promise<number> {
  let args: ProxyArgs | undefined;
  try {
    args = parseArgs(argv);
  } catch (error) {
    if (!(error instanceof ProxyConfigError)) throw error;
    io.stderr(`signalscope proxy: ${error.message}\n\n${USAGE}`);
    return 2;
  }
  if (args === undefined) {
    io.stdout(USAGE);
    return 0;
  }
  let proxy: RunningProxy;
  try {
    proxy = await startProxy({
      target: args.target,
      listen: args.listen,
      insecure: args.insecure,
      out: resolve(args.out),
    });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const message =
      error instanceof ProxyConfigError
        ? error.message
        : code === 'EEXIST'
          ? `--out: ${args.out} already exists; the proxy never overwrites a capture`
          : error instanceof Error
            ? error.message
            : String(error);
    io.stderr(`signalscope proxy: ${message}\n`);
    return 2;
  }
  io.stdout(startupMessage(proxy));
  await stop;
  const events = proxy.capture.length;
  await proxy.close();
  io.stdout(
    `signalscope proxy stopped: ${events} events recorded in ${proxy.capturePath ?? 'memory'}\n`,
  );
  return 0;
}

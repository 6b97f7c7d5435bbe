/**
 * The `demo-server` command (`npm run demo-server -- --port 4443 --bots 3`): starts the demo
 * room server and prints the URLs it serves; Ctrl-C stops it.
 */
import {
  DEFAULT_PORT,
  startDemoServer,
  type DemoServer,
  type DemoServerOptions,
} from './server.ts';

export interface Io {
  stdout: (s: string) => void;
  stderr: (s: string) => void;
}

const USAGE = `demo-server — the signalscope demo room server (127.0.0.1 only, plain ws://)

Usage:
  npm run demo-server -- [--port N] [--host 127.0.0.1|localhost] [--bots N] [--seed TEXT]
                         [--tick-ms N] [--quiet]

  --port N      port to listen on (default ${String(DEFAULT_PORT)}; 0 = any free port)
  --host H      127.0.0.1 or localhost; any other address is refused
  --bots N      simulated peers in room "demo" (default 3, at most 10)
  --seed TEXT   seed of ids and of the bots' schedule (default "signalscope")
  --tick-ms N   period of the bots' schedule in ms (default 1500)
  --quiet       do not log room events

See docs/demo-server.md for the protocols, the URLs and the fault API.
`;

export class UsageError extends Error {
  override readonly name = 'UsageError';
}

export type Parsed =
  | { readonly kind: 'help' }
  | { readonly kind: 'run'; readonly options: DemoServerOptions; readonly quiet: boolean };

function intArg(flag: string, value: string | undefined, min: number, max: number): number {
  if (value === undefined || !/^\d+$/.test(value) || Number(value) < min || Number(value) > max) {
    throw new UsageError(`${flag} takes a whole number from ${String(min)} to ${String(max)}`);
  }
  return Number(value);
}

/**
 * Reads the command line.
 *
 * @example
 * parseArgs(['--port', '0', '--bots', '2']); // { kind: 'run', options: { port: 0, bots: 2 }, quiet: false }
 * parseArgs(['--host', '0.0.0.0']); // throws UsageError
 */
export function parseArgs(argv: readonly string[]): Parsed {
  const options: { -readonly [K in keyof DemoServerOptions]: DemoServerOptions[K] } = {};
  let quiet = false;
  for (let k = 0; k < argv.length; k++) {
    const flag = argv[k] ?? '';
    switch (flag) {
      case '-h':
      case '--help':
        return { kind: 'help' };
      case '--port':
        options.port = intArg(flag, argv[++k], 0, 65535);
        break;
      case '--host': {
        const host = argv[++k];
        if (host !== '127.0.0.1' && host !== 'localhost') {
          throw new UsageError(
            `--host: the demo server listens on 127.0.0.1 only, not ${host === undefined ? 'nothing' : `"${host}"`}`,
          );
        }
        options.host = host;
        break;
      }
      case '--bots':
        options.bots = intArg(flag, argv[++k], 0, 10);
        break;
      case '--seed': {
        const seed = argv[++k];
        if (seed === undefined || seed === '') throw new UsageError('--seed takes a text');
        options.seed = seed;
        break;
      }
      case '--tick-ms':
        options.botIntervalMs = intArg(flag, argv[++k], 0, 600_000);
        break;
      case '--quiet':
        quiet = true;
        break;
      default:
        throw new UsageError(`unknown option ${flag}`);
    }
  }
  return { kind: 'run', options, quiet };
}

/** The lines printed once the server listens (the first names the demo room's URL). */
export function banner(server: DemoServer): string {
  const http = `http://127.0.0.1:${String(server.port)}`;
  return [
    `demo room:      ${server.demoUrl}&peerId=<id>   (add &dialect=new for the new dialect)`,
    `mesh room:      ${server.url}/mesh?roomId=<room>`,
    `two-party room: ${server.url}/two-party`,
    `rooms & faults: ${http}/api/rooms   (docs/demo-server.md)`,
    '',
  ].join('\n');
}

/**
 * Starts the server from a command line. Resolves with the running server, or with an exit
 * status when there is nothing to run (help: 0, bad command line or port taken: 2).
 */
export async function start(argv: readonly string[], io: Io): Promise<DemoServer | number> {
  let parsed: Parsed;
  try {
    parsed = parseArgs(argv);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    io.stderr(`demo-server: ${error.message}\n\n${USAGE}`);
    return 2;
  }
  if (parsed.kind === 'help') {
    io.stdout(USAGE);
    return 0;
  }
  try {
    const server = await startDemoServer({
      ...parsed.options,
      ...(parsed.quiet
        ? {}
        : {
            log: (line: string) => {
              io.stdout(`${line}\n`);
            },
          }),
    });
    io.stdout(banner(server));
    return server;
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    const message =
      code === 'EADDRINUSE'
        ? `port ${String(parsed.options.port ?? DEFAULT_PORT)} is in use (try --port 0)`
        : error instanceof Error
          ? error.message
          : String(error);
    io.stderr(`demo-server: ${message}\n`);
    return 2;
  }
}

/** Runs until SIGINT / SIGTERM. */
export async function main(argv: readonly string[], io: Io): Promise<number> {
  const server = await start(argv, io);
  if (typeof server === 'number') return server;
  await new Promise<void>((resolve) => {
    const stop = (): void => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
  await server.close();
  return 0;
}

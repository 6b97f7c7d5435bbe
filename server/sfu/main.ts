/**
 * The `sfu-server` command (`npm run sfu-server -- --port 4445`): builds mediasoup's worker
 * when it is not built yet (scripts/build-mediasoup-worker.mjs), starts the real SFU and
 * prints its URL; Ctrl-C stops it.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { Dialect } from '../demo/dialect.ts';
import { startSfuServer, type SfuServerOptions } from './sfuServer.ts';
import { mediasoupWorkerBin } from './workerBin.ts';

export const DEFAULT_PORT = 4445;

const USAGE = `sfu-server — a real mediasoup SFU with mediasoup-demo signaling (127.0.0.1 only, ws://)

Usage:
  npm run sfu-server -- [--port N] [--dialect legacy|new] [--rtc-ports MIN-MAX] [--quiet]

  --port N            port to listen on (default ${String(DEFAULT_PORT)}; 0 = any free port)
  --dialect D         dialect of rooms whose URL has no dialect= (default legacy)
  --rtc-ports MIN-MAX UDP/TCP ports for media (default 40000-40199)
  --quiet             do not log room events

Connect with ws://127.0.0.1:<port>/?roomId=<room>&peerId=<peer>[&dialect=new].
See docs/sfu.md.
`;

export class UsageError extends Error {
  override readonly name = 'UsageError';
}

export type Parsed =
  | { readonly kind: 'help' }
  | { readonly kind: 'run'; readonly options: SfuServerOptions; readonly quiet: boolean };

/**
 * Reads the command line.
 *
 * @example
 * parseArgs(['--port', '0', '--dialect', 'new']);
 * // { kind: 'run', options: { port: 0, dialect: 'new' }, quiet: false }
 */
export function parseArgs(argv: readonly string[]): Parsed {
  const options: { -readonly [K in keyof SfuServerOptions]: SfuServerOptions[K] } = {
    port: DEFAULT_PORT,
  };
  let quiet = false;
  for (let k = 0; k < argv.length; k++) {
    const flag = argv[k] ?? '';
    const value = () => {
      const v = argv[++k];
      if (v === undefined) throw new UsageError(`${flag} needs a value`);
      return v;
    };
    switch (flag) {
      case '-h':
      case '--help':
        return { kind: 'help' };
      case '--port': {
        const v = value();
        if (!/^\d+$/.test(v) || Number(v) > 65535) {
          throw new UsageError('--port takes a whole number from 0 to 65535');
        }
        options.port = Number(v);
        break;
      }
      case '--dialect': {
        const v = value();
        if (v !== 'legacy' && v !== 'new') throw new UsageError('--dialect is legacy or new');
        options.dialect = v satisfies Dialect;
        break;
      }
      case '--rtc-ports': {
        const m = /^(\d+)-(\d+)$/.exec(value());
        const min = Number(m?.[1]);
        const max = Number(m?.[2]);
        if (!m || min < 1024 || max > 65535 || min > max) {
          throw new UsageError('--rtc-ports takes MIN-MAX with 1024 <= MIN <= MAX <= 65535');
        }
        options.rtcMinPort = min;
        options.rtcMaxPort = max;
        break;
      }
      case '--quiet':
        quiet = true;
        break;
      default:
        throw new UsageError(`unknown option "${flag}" (see --help)`);
    }
  }
  return { kind: 'run', options, quiet };
}

async function main(argv: readonly string[]): Promise<number> {
  let parsed: Parsed;
  try {
    parsed = parseArgs(argv);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    process.stderr.write(`sfu-server: ${error.message}\n`);
    return 2;
  }
  if (parsed.kind === 'help') {
    process.stdout.write(USAGE);
    return 0;
  }
  if (mediasoupWorkerBin() === undefined) {
    const script = fileURLToPath(
      new URL('../../scripts/build-mediasoup-worker.mjs', import.meta.url),
    );
    const r = spawnSync(process.execPath, [script], { stdio: ['ignore', 'ignore', 'inherit'] });
    if (r.status !== 0) return 1;
  }
  const log = parsed.quiet
    ? () => undefined
    : (line: string) => process.stdout.write(`${new Date().toISOString()} ${line}\n`);
  const sfu = await startSfuServer({ ...parsed.options, log });
  process.stdout.write(
    `signalscope SFU (mediasoup ${sfu.mediasoupVersion}) on ${sfu.url}/?roomId=<room>&peerId=<peer>\n`,
  );
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  await sfu.close();
  return 0;
}

if (import.meta.url === `file://${process.argv[1] ?? ''}`) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (error: unknown) => {
      process.stderr.write(
        `sfu-server: ${error instanceof Error ? error.message : String(error)}\n`,
      );
      process.exit(1);
    },
  );
}

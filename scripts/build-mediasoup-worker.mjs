// Builds the C++ worker of the installed mediasoup (a devDependency, installed with scripts
// ignored) against Debian's libraries, offline, and prints the binary's path.
//
// mediasoup's own build downloads its dependencies as meson wraps (and its prebuilt worker
// from GitHub): neither is reachable here. So this script copies node_modules/mediasoup/worker
// into a cache directory outside node_modules (so `npm ci` never wipes the result) and outside
// the repo's files, replaces each wrap by a small local subproject that hands meson the system
// library found by pkg-config, and builds only the `mediasoup-worker` executable with
// `nice ninja -j2`. node_modules is never edited.
//
// Idempotent: when the binary is already there and runs, it only prints its path.
// Installs the apt build dependencies when they are missing (like ensure-chromium.mjs), and
// says plainly why when it cannot.
//
//   node scripts/build-mediasoup-worker.mjs          # builds if needed, prints the path
//   SIGNALSCOPE_CACHE=/some/dir node scripts/…       # another cache root
import { spawnSync } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const MEDIASOUP_DIR = join(ROOT, 'node_modules', 'mediasoup');

/** Debian packages the build needs, and what proves each one is there. */
const APT_PACKAGES = [
  'meson',
  'ninja-build',
  'pkg-config',
  'g++',
  'python3',
  'libuv1-dev',
  'libssl-dev',
  'libsrtp2-dev',
  'libusrsctp-dev',
  'libabsl-dev',
  'nlohmann-json3-dev',
];
const TOOLS = ['meson', 'ninja', 'pkg-config', 'c++', 'cc'];
const PKG_CONFIG_MODULES = [
  'libuv',
  'openssl',
  'libsrtp2',
  'usrsctp',
  'nlohmann_json',
  'absl_flat_hash_map',
  'absl_strings',
  'absl_optional',
];

export class WorkerBuildImpossible extends Error {}

export function cacheRoot() {
  return process.env.SIGNALSCOPE_CACHE || join(homedir(), '.cache', 'signalscope');
}

export function mediasoupVersion() {
  const pkg = join(MEDIASOUP_DIR, 'package.json');
  if (!existsSync(pkg)) {
    throw new WorkerBuildImpossible('node_modules/mediasoup is missing: run `npm install` first.');
  }
  return JSON.parse(readFileSync(pkg, 'utf8')).version;
}

/** Where the worker of this mediasoup version lives (whether or not it is built yet). */
export function workerBinPath(version = mediasoupVersion()) {
  return join(cacheRoot(), `mediasoup-worker-${version}`, 'mediasoup-worker');
}

/**
 * The cheap check that a binary is a working mediasoup worker: without MEDIASOUP_VERSION in
 * its environment the worker refuses to start and exits with its own code 41 ("you don't seem
 * to be my real father!"). Reaching that line proves the executable and every shared library
 * it links load; a broken binary exits 127 or dies on a signal.
 */
export function workerRuns(bin) {
  if (!existsSync(bin)) return false;
  const env = { ...process.env };
  delete env.MEDIASOUP_VERSION;
  const r = spawnSync(bin, [], { env, stdio: ['ignore', 'ignore', 'pipe'], timeout: 10_000 });
  return r.status === 41 && String(r.stderr).includes('real father');
}

function has(cmd) {
  return spawnSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }).status === 0;
}

function missingPrerequisites() {
  const missing = TOOLS.filter((t) => !has(t));
  if (has('pkg-config')) {
    for (const m of PKG_CONFIG_MODULES) {
      if (spawnSync('pkg-config', ['--exists', m]).status !== 0) missing.push(`pkg-config:${m}`);
    }
  }
  return missing;
}

function ensureBuildDeps(log) {
  const missing = missingPrerequisites();
  if (missing.length === 0) return;
  log(`mediasoup worker: missing ${missing.join(', ')}; installing Debian packages with apt-get…`);
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  const sudo = isRoot ? [] : ['sudo', '-n'];
  const run = (args) => {
    const [cmd, ...rest] = [...sudo, ...args];
    const r = spawnSync(cmd, rest, {
      stdio: ['ignore', 'inherit', 'inherit'],
      env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
    });
    return r.status === 0;
  };
  if (!has('apt-get')) impossible('apt-get is not available on this machine.');
  if (!run(['apt-get', 'update']) || !run(['apt-get', 'install', '-y', ...APT_PACKAGES])) {
    impossible(
      isRoot
        ? `apt-get could not install ${APT_PACKAGES.join(' ')}.`
        : 'apt-get needs root (tried `sudo -n`).',
    );
  }
  const still = missingPrerequisites();
  if (still.length) impossible(`apt-get finished but ${still.join(', ')} still missing.`);
}

function impossible(why) {
  throw new WorkerBuildImpossible(
    `signalscope could not build mediasoup's worker: ${why}\n` +
      `Install the build dependencies yourself (Debian/Ubuntu: \`sudo apt-get install ${APT_PACKAGES.join(' ')}\`)\n` +
      'or point MEDIASOUP_WORKER_BIN at a mediasoup-worker binary of the same version.',
  );
}

// One local subproject per wrap of mediasoup's worker/meson.build, each exposing the variables
// that meson.build reads, filled from the system library. The `*_lib` variables only feed
// `link_whole` of the shared library target, which is not built by default: an empty static
// library stands in for them.
const PLACEHOLDER = (name) => `${name} = static_library('${name}_placeholder', 'placeholder.c')\n`;
const SUBPROJECTS = {
  openssl: {
    options: [],
    build:
      "openssl_dep = dependency('openssl', version: '>=1.1.1')\n" +
      "libcrypto_dep = dependency('libcrypto')\n" +
      "libssl_dep = dependency('libssl')\n" +
      PLACEHOLDER('libcrypto_lib') +
      PLACEHOLDER('libssl_lib'),
  },
  nlohmann_json: {
    options: [],
    build: "nlohmann_json_dep = dependency('nlohmann_json', version: '>=3.10')\n",
  },
  libuv: {
    options: ['build_tests', 'build_benchmarks'],
    build: "libuv_dep = dependency('libuv', version: '>=1.44')\n" + PLACEHOLDER('libuv'),
  },
  libsrtp2: {
    options: [],
    comboOptions: ['crypto-library', 'crypto-library-kdf', 'tests'],
    // Debian installs srtp.h under include/srtp2/ and its .pc does not say so.
    build:
      "srtp = dependency('libsrtp2', version: '>=2.4')\n" +
      "srtp_inc = srtp.get_variable(pkgconfig: 'includedir') / 'srtp2'\n" +
      "libsrtp2_dep = declare_dependency(dependencies: srtp, compile_args: ['-I' + srtp_inc])\n" +
      PLACEHOLDER('libsrtp2'),
  },
  usrsctp: {
    options: ['sctp_build_programs'],
    build: "usrsctp_dep = dependency('usrsctp')\n" + PLACEHOLDER('usrsctp'),
  },
  'abseil-cpp': {
    options: [],
    build:
      'absl_container_dep = declare_dependency(dependencies: [\n' +
      "  dependency('absl_flat_hash_map'), dependency('absl_flat_hash_set'),\n" +
      "  dependency('absl_btree'), dependency('absl_inlined_vector'),\n" +
      "  dependency('absl_memory'),\n" +
      '])\n' +
      "absl_strings_dep = dependency('absl_strings')\n" +
      'absl_types_dep = declare_dependency(dependencies: [\n' +
      "  dependency('absl_optional'), dependency('absl_variant'), dependency('absl_span'),\n" +
      '])\n' +
      PLACEHOLDER('absl_container_lib'),
  },
  // Only the worker's own tests use Catch2, and they are not built.
  catch2: { options: [], build: 'catch2_dep = declare_dependency()\n' },
};

function writeIfChanged(path, text) {
  if (existsSync(path) && readFileSync(path, 'utf8') === text) return;
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, text);
}

function prepareSource(srcDir) {
  const from = join(MEDIASOUP_DIR, 'worker');
  if (!existsSync(join(from, 'meson.build'))) {
    impossible(`${from}/meson.build is missing (is node_modules/mediasoup complete?).`);
  }
  // Timestamps are kept so that a second run after an interrupted build is incremental.
  cpSync(from, srcDir, {
    recursive: true,
    preserveTimestamps: true,
    filter: (src) =>
      !src.startsWith(join(from, 'subprojects')) &&
      !src.startsWith(join(from, 'out')) &&
      !src.startsWith(join(from, 'scripts')),
  });
  // Debian bookworm ships meson 1.0.1; the worker's meson.build asks for >= 1.1.0 but uses
  // nothing newer than 1.0 (checked for 3.12.x).
  const mesonBuild = readFileSync(join(from, 'meson.build'), 'utf8');
  const patched = mesonBuild.replace("meson_version: '>= 1.1.0'", "meson_version: '>= 1.0.0'");
  writeIfChanged(join(srcDir, 'meson.build'), patched);
  for (const [name, sub] of Object.entries(SUBPROJECTS)) {
    const dir = join(srcDir, 'subprojects', name);
    writeIfChanged(
      join(dir, 'meson.build'),
      `project('${name}', 'c')\n# signalscope: the system library instead of the wrap.\n${sub.build}`,
    );
    writeIfChanged(join(dir, 'placeholder.c'), 'int signalscope_placeholder(void);\n');
    const opts = [
      ...sub.options.map((o) => `option('${o}', type: 'boolean', value: false)\n`),
      ...(sub.comboOptions ?? []).map((o) => `option('${o}', type: 'string', value: '')\n`),
    ].join('');
    writeIfChanged(join(dir, 'meson_options.txt'), opts);
  }
}

function run(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { stdio: ['ignore', 'inherit', 'inherit'], ...opts });
  if (r.status !== 0) {
    throw new Error(`${cmd} ${args.join(' ')} failed (exit ${r.status ?? r.signal})`);
  }
}

function withLock(lockDir, fn) {
  const deadline = Date.now() + 60 * 60_000;
  for (;;) {
    try {
      mkdirSync(lockDir);
      writeFileSync(join(lockDir, 'pid'), String(process.pid));
      break;
    } catch (error) {
      if (error.code !== 'EEXIST') throw error;
      let owner = NaN;
      try {
        owner = Number(readFileSync(join(lockDir, 'pid'), 'utf8'));
      } catch {
        // the other process is between mkdir and writing its pid
      }
      let alive = true;
      if (Number.isInteger(owner) && owner > 0) {
        try {
          process.kill(owner, 0);
        } catch {
          alive = false;
        }
      } else if (Date.now() - statSync(lockDir).mtimeMs > 30_000) {
        alive = false;
      }
      if (!alive) {
        rmSync(lockDir, { recursive: true, force: true });
        continue;
      }
      if (Date.now() > deadline) {
        throw new Error(`${lockDir} is held by pid ${owner} for too long`, { cause: error });
      }
      spawnSync('sleep', ['2']);
    }
  }
  try {
    return fn();
  } finally {
    rmSync(lockDir, { recursive: true, force: true });
  }
}

/** Builds the worker when needed and returns its path. */
export function buildMediasoupWorker({ log = (m) => console.error(m) } = {}) {
  const version = mediasoupVersion();
  const bin = workerBinPath(version);
  if (workerRuns(bin)) return bin;
  const home = dirname(bin);
  mkdirSync(home, { recursive: true });
  return withLock(join(home, '.lock'), () => {
    if (workerRuns(bin)) return bin; // another process built it meanwhile
    ensureBuildDeps(log);
    const srcDir = join(home, 'src');
    const buildDir = join(home, 'build');
    const started = Date.now();
    log(
      `mediasoup worker ${version}: building in ${home} (nice, -j2; a cold build takes a while)…`,
    );
    prepareSource(srcDir);
    if (!existsSync(join(buildDir, 'build.ninja'))) {
      rmSync(buildDir, { recursive: true, force: true });
      run('meson', [
        'setup',
        buildDir,
        srcDir,
        '--wrap-mode=nodownload',
        '--buildtype=release',
        '-Db_ndebug=true',
        '-Db_pie=true',
      ]);
    }
    run('nice', ['-n', '10', 'ninja', '-C', buildDir, '-j2', 'mediasoup-worker']);
    const built = join(buildDir, 'mediasoup-worker');
    if (!workerRuns(built)) impossible(`the freshly built ${built} does not run.`);
    cpSync(built, `${bin}.tmp`);
    renameSync(`${bin}.tmp`, bin);
    log(`mediasoup worker ${version}: built in ${Math.round((Date.now() - started) / 1000)} s`);
    return bin;
  });
}

/**
 * The file left in the cache folder when the build is impossible on this machine, holding the
 * reason: server/sfu/workerBin.ts reads it so that the SFU tests skip (and say why) instead of
 * failing. Removed by the next successful build.
 */
export const IMPOSSIBLE_MARKER = 'build-impossible.txt';

if (import.meta.url === `file://${process.argv[1]}`) {
  let marker;
  try {
    marker = join(dirname(workerBinPath()), IMPOSSIBLE_MARKER);
    const bin = buildMediasoupWorker();
    rmSync(marker, { force: true });
    console.log(bin);
  } catch (error) {
    console.error(error instanceof Error ? error.message : String(error));
    if (error instanceof WorkerBuildImpossible && marker) {
      mkdirSync(dirname(marker), { recursive: true });
      writeFileSync(marker, `${error.message.split('\n')[0]}\n`);
    }
    process.exit(error instanceof WorkerBuildImpossible ? 2 : 1);
  }
}

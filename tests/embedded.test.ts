import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import postgres from 'postgres';
import { afterAll, describe, expect, it } from 'vitest';
import { hydrateSymlinks, locateBinaries, startEmbeddedPostgres } from '@/lib/db/embedded';

const dirs: string[] = [];
function tempDataDir() {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'ap-emb-'));
  fs.chmodSync(d, 0o755);
  dirs.push(d);
  return d;
}
afterAll(() => dirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

function postmasterPid(pgData: string): number | undefined {
  const file = path.join(pgData, 'postmaster.pid');
  return fs.existsSync(file) ? Number(fs.readFileSync(file, 'utf8').split('\n')[0]) : undefined;
}
function alive(pid: number) {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function query<T>(url: string, fn: (sql: postgres.Sql) => Promise<T>): Promise<T> {
  const sql = postgres(url, { max: 1, onnotice: () => {} });
  try {
    return await fn(sql);
  } finally {
    await sql.end();
  }
}

function holdInChild(dataDir: string): Promise<{ pid: number; url: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', path.resolve('tests/fixtures/hold-embedded.ts'), dataDir], { stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (c: Buffer) => {
      out += c.toString();
      const m = out.match(/READY (\S+)/);
      if (m) resolve({ pid: child.pid!, url: m[1]! });
    });
    child.once('exit', (code) => reject(new Error(`fixture exited ${code}: ${out}`)));
  });
}

describe('embedded PostgreSQL', () => {
  it('initialises once, listens on loopback only, keeps data across restarts and leaves no process after stop', async () => {
    const dataDir = tempDataDir();
    const first = await startEmbeddedPostgres({ dataDir });
    expect(first.freshlyInitialised).toBe(true);
    expect(new URL(first.url).hostname).toBe('127.0.0.1');
    const settings = await query(first.url, async (sql) => {
      await sql`create table kept (v text)`;
      await sql`insert into kept values ('survives a restart')`;
      const [row] = await sql`select current_setting('listen_addresses') as listen, current_setting('server_version_num')::int as version`;
      return row!;
    });
    expect(settings.listen).toBe('127.0.0.1');
    expect(settings.version).toBeGreaterThanOrEqual(140000);
    const pid = postmasterPid(first.pgData)!;
    await first.stop();
    expect(alive(pid)).toBe(false);
    expect(fs.existsSync(path.join(first.pgData, 'postmaster.pid'))).toBe(false);

    const second = await startEmbeddedPostgres({ dataDir });
    expect(second.freshlyInitialised).toBe(false);
    const rows = await query(second.url, (sql) => sql`select v from kept`);
    expect(rows.map((r) => r.v)).toEqual(['survives a restart']);
    await second.stop();
  });

  it('recovers by itself after the app was killed with SIGKILL (orphaned postmaster)', async () => {
    const dataDir = tempDataDir();
    const held = await holdInChild(dataDir);
    await query(held.url, (sql) => sql`create table t (v int)`);
    const orphan = postmasterPid(path.join(dataDir, 'pg'))!;
    process.kill(held.pid, 'SIGKILL');
    await new Promise((r) => setTimeout(r, 300));
    expect(alive(orphan)).toBe(true); // postgres outlives the killed app

    const restarted = await startEmbeddedPostgres({ dataDir });
    expect(alive(orphan)).toBe(false);
    const [row] = await query(restarted.url, (sql) => sql`select count(*)::int as n from pg_tables where tablename = 't'`);
    expect(row!.n).toBe(1);
    await restarted.stop();
  });

  it('refuses, with a clear message, a data folder another live app process is using', async () => {
    const dataDir = tempDataDir();
    const held = await holdInChild(dataDir);
    await expect(startEmbeddedPostgres({ dataDir })).rejects.toThrow(`Another app process (pid ${held.pid}) is already using the data folder`);
    process.kill(held.pid, 'SIGTERM');
    await new Promise((r) => setTimeout(r, 1000));
    expect(alive(held.pid)).toBe(false);
  });

  it('makes the shared-library links the binaries need when npm ran no install scripts (.npmrc ignore-scripts)', () => {
    // The binaries as an ignore-scripts install leaves them: every file, none of the links.
    const copy = path.join(tempDataDir(), 'native');
    fs.cpSync(locateBinaries().nativeDir, copy, { recursive: true, filter: (src) => !fs.lstatSync(src).isSymbolicLink() });
    const version = () => spawnSync(path.join(copy, 'bin', 'postgres'), ['--version'], { encoding: 'utf8' });
    expect(version().stderr).toMatch(/libicu\w+\.so\.60: cannot open shared object file/);

    hydrateSymlinks(copy);
    expect(version().stdout).toMatch(/^postgres \(PostgreSQL\) \d+/);
    expect(fs.readlinkSync(path.join(copy, 'lib', 'libicuuc.so.60'))).toBe('libicuuc.so.60.2');
    hydrateSymlinks(copy); // again: links already there are left alone
  });
});

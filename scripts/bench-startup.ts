// npm run bench:startup — first start (initdb + migrate + seed) and warm start of the
// built app, each to the first 200 on /login, plus the clean stop. Writes
// bench-results/startup.json. Build time is measured separately (only when needed).
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort } from '../lib/db/embedded';
import { startApp } from './lib/app-process';

const ROOT = path.resolve(import.meta.dirname, '..');
const RUNS = Number(process.argv[2] ?? 3);

async function timeToLogin(dataDir: string, port: number) {
  const app = await startApp({ dataDir, port });
  return { readyMs: app.readyMs, stopMs: await app.stop() };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

const b0 = performance.now();
const build = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/start.ts', '--build-only'], { cwd: ROOT, stdio: 'inherit' });
if (build.status !== 0) process.exit(1);
const ensureBuildMs = performance.now() - b0;

const first: number[] = [];
const warm: number[] = [];
const stop: number[] = [];
for (let i = 0; i < RUNS; i++) {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ap-bench-'));
  fs.chmodSync(dataDir, 0o755);
  const port = await freePort();
  const a = await timeToLogin(dataDir, port);
  const b = await timeToLogin(dataDir, port);
  first.push(a.readyMs);
  warm.push(b.readyMs);
  stop.push(a.stopMs, b.stopMs);
  fs.rmSync(dataDir, { recursive: true, force: true });
}
const leftover = spawnSync('pgrep', ['-f', 'ap-bench-'], { encoding: 'utf8' }).stdout.trim();
const result = {
  runs: RUNS,
  ensureBuildMs: Math.round(ensureBuildMs),
  firstStartToLogin200Ms: { median: Math.round(median(first)), all: first.map(Math.round) },
  warmStartToLogin200Ms: { median: Math.round(median(warm)), all: warm.map(Math.round) },
  stopMs: { median: Math.round(median(stop)) },
  firstOverWarm: Number((median(first) / median(warm)).toFixed(2)),
  postgresLeftBehind: leftover ? leftover.split('\n').length : 0,
};
fs.mkdirSync(path.join(ROOT, 'bench-results'), { recursive: true });
fs.writeFileSync(path.join(ROOT, 'bench-results', 'startup.json'), JSON.stringify(result, null, 2) + '\n');
console.log(JSON.stringify(result, null, 2));
process.exit(0);

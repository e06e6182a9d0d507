import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';

const ROOT = path.resolve(import.meta.dirname, '..', '..');

export type AppProcess = { url: string; child: ChildProcess; readyMs: number; stop(): Promise<number> };

/** Starts the built app (scripts/start.ts) on a data folder and port (its own embedded database unless `env` names one); resolves at the first 200 of `probe`. */
export async function startApp(opts: { dataDir: string; port: number; probe?: string; ephemeral?: boolean; quiet?: boolean; env?: Record<string, string> }): Promise<AppProcess> {
  const t0 = performance.now();
  const url = `http://localhost:${opts.port}`;
  const child = spawn(process.execPath, ['--no-deprecation', '--import', 'tsx', 'scripts/start.ts', ...(opts.ephemeral ? ['--ephemeral'] : [])], {
    cwd: ROOT,
    env: { ...process.env, APP_DATA_DIR: opts.dataDir, PORT: String(opts.port), DATABASE_URL: '', AUTH_SECRET: '', ENCRYPTION_KEY: '', NEXT_TELEMETRY_DISABLED: '1', ...opts.env },
    stdio: ['ignore', opts.quiet === false ? 'inherit' : 'ignore', 'inherit'],
  });
  for (;;) {
    if (child.exitCode !== null) throw new Error(`app exited with ${child.exitCode}`);
    try {
      if ((await fetch(`${url}${opts.probe ?? '/login'}`)).status === 200) break;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 25));
  }
  const readyMs = performance.now() - t0;
  return {
    url,
    child,
    readyMs,
    async stop() {
      const s0 = performance.now();
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGINT');
      await exited;
      return performance.now() - s0;
    },
  };
}

export function percentile(xs: number[], p: number): number {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

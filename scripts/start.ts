// Starts the app: database (embedded by default), migrations, first-run seed, a
// production build when sources changed, then Next.js on PORT. `--dev` runs the
// Next.js dev server instead; `--ephemeral` deletes the data folder after a clean
// shutdown (throwaway databases for end-to-end runs); `--build-only` builds and exits. In a container run this file
// directly as PID 1:  node --import tsx scripts/start.ts
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { prepareDatabase } from '../lib/db/bootstrap';
import { getEnv, setEnv } from '../lib/env';
import { CLIENT_IP_HEADER, clientIpOf } from '../lib/net/client-ip';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const dev = process.argv.includes('--dev');
const ephemeral = process.argv.includes('--ephemeral');
const buildOnly = process.argv.includes('--build-only');
const log = (line: string) => console.log(`[auth-provision] ${line}`);

async function main() {
  if (buildOnly) {
    ensureBuild();
    return;
  }
  const t0 = Date.now();
  const env = getEnv();
  const productionMode = env.NODE_ENV === 'production';
  // next-auth reads AUTH_URL itself; APP_URL is the one name operators need to know.
  if (env.APP_URL && !env.AUTH_URL) setEnv({ AUTH_URL: env.APP_URL });
  const db = await prepareDatabase({ log, productionMode });
  // Loaded now, not at shutdown: a signal from the terminal or a test runner reaches the whole
  // process group, tsx's esbuild service too, and a module loaded after it has gone fails to
  // load — the shutdown then stopped there, leaving the database running and the folder behind.
  const syncWorker = import('../lib/azure/worker');
  syncWorker.catch(() => {});

  let shuttingDown = false;
  const shutdown = async (signal: string) => {
    if (shuttingDown) return;
    shuttingDown = true;
    log(`${signal}: shutting down`);
    server?.close();
    server?.closeAllConnections();
    // The sync worker (started inside Next) lets its running job finish before the database goes.
    await syncWorker
      .then(({ stopSyncWorker }) => stopSyncWorker())
      .catch((err: unknown) => log(`sync worker: ${err instanceof Error ? err.message : String(err)}`));
    await db.embedded?.stop();
    if (ephemeral && db.embedded) removeDataDir(db.embedded.pgData);
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  let server: http.Server | undefined;

  if (!dev) ensureBuild();
  (process.env as Record<string, string>).NODE_ENV = dev ? 'development' : 'production';
  const { default: next } = await import('next');
  const { PORT: port, TRUST_PROXY_HOPS } = getEnv();
  const app = next({ dev, dir: ROOT, hostname: 'localhost', port });
  await app.prepare();
  const handle = app.getRequestHandler();
  server = http.createServer((req, res) => {
    // Route handlers cannot see the socket: the throttle reads the client address from here (replacing any sent by the client).
    req.headers[CLIENT_IP_HEADER] = clientIpOf(req.socket.remoteAddress, req.headers['x-forwarded-for'], TRUST_PROXY_HOPS);
    void handle(req, res);
  });
  server.listen(port, () => log(`ready on http://localhost:${port} in ${Date.now() - t0} ms`));
}

function removeDataDir(pgData: string) {
  const { APP_DATA_DIR } = getEnv();
  fs.rmSync(APP_DATA_DIR, { recursive: true, force: true });
  // A cluster kept outside the data folder (root, private checkout) lives in its own parent folder.
  if (!pgData.startsWith(`${APP_DATA_DIR}${path.sep}`)) fs.rmSync(path.dirname(pgData), { recursive: true, force: true });
  log(`removed the ephemeral data folder ${APP_DATA_DIR}`);
}

/** Builds when the sources differ from the last build, so `npm start` works right after `npm install`. */
function ensureBuild() {
  const stampFile = path.join(ROOT, '.next', 'source-stamp');
  const stamp = sourceStamp();
  if (fs.existsSync(path.join(ROOT, '.next', 'BUILD_ID')) && fs.existsSync(stampFile) && fs.readFileSync(stampFile, 'utf8') === stamp) return;
  log('building the app (first start or sources changed)…');
  const res = spawnSync(process.execPath, [path.join(ROOT, 'node_modules', 'next', 'dist', 'bin', 'next'), 'build'], {
    cwd: ROOT,
    stdio: 'inherit',
    env: { ...process.env, NODE_ENV: 'production', NEXT_TELEMETRY_DISABLED: '1' },
  });
  if (res.status !== 0) throw new Error(`next build failed (exit ${res.status})`);
  fs.writeFileSync(stampFile, stamp);
}

function sourceStamp(): string {
  const hash = createHash('sha256');
  const visit = (p: string) => {
    const st = fs.statSync(p, { throwIfNoEntry: false });
    if (!st) return;
    if (st.isDirectory()) {
      for (const name of fs.readdirSync(p).sort()) visit(path.join(p, name));
    } else {
      hash.update(`${path.relative(ROOT, p)}:${st.size}:${st.mtimeMs}\n`);
    }
  };
  for (const entry of ['app', 'components', 'lib', 'public', 'next.config.mjs', 'package-lock.json', 'tailwind.config.ts', 'postcss.config.mjs', 'tsconfig.json']) {
    visit(path.join(ROOT, entry));
  }
  return hash.digest('hex');
}

main().catch((err) => {
  console.error(`[auth-provision] start failed: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});

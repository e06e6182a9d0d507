import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { getEnv, requireSecrets, setEnv } from '@/lib/env';
import { openDb } from './client';
import { runningEmbeddedUrl, startEmbeddedPostgres, type EmbeddedPostgres } from './embedded';
import { migrateDatabase } from './migrate';
import { seedDemo } from './seed';

export type PreparedDatabase = { url: string; embedded?: EmbeddedPostgres; seeded: string[] };
type Log = (line: string) => void;

/**
 * Everything the app needs before it serves: secrets, a database (embedded unless
 * DATABASE_URL is set), migrations, and the demo seed on a brand-new embedded cluster.
 * `productionMode` is NODE_ENV=production as the operator set it: then secrets must be
 * configured, never generated.
 */
export async function prepareDatabase(opts: { log: Log; productionMode: boolean; seed?: 'fresh' | 'always' | 'never' }): Promise<PreparedDatabase> {
  const env = getEnv();
  if (env.DATABASE_URL && opts.productionMode) {
    requireSecrets(env);
  } else {
    fillGeneratedSecrets(env.APP_DATA_DIR, opts.log);
  }

  let embedded: EmbeddedPostgres | undefined;
  let url = env.DATABASE_URL;
  if (!url) {
    const t0 = Date.now();
    embedded = await startEmbeddedPostgres({ dataDir: env.APP_DATA_DIR, log: quietPostgresLog(opts.log) });
    url = embedded.url;
    setEnv({ DATABASE_URL: url });
    opts.log(`embedded PostgreSQL ready on 127.0.0.1:${embedded.port} in ${Date.now() - t0} ms (data: ${embedded.pgData})`);
  }
  try {
    await migrateDatabase(url);
    const seedMode = opts.seed ?? 'fresh';
    let seeded: string[] = [];
    if (seedMode === 'always' || (seedMode === 'fresh' && embedded?.freshlyInitialised)) {
      const { db, sql } = openDb(url, 1);
      try {
        seeded = (await seedDemo(db)).created;
      } finally {
        await sql.end({ timeout: 5 });
      }
      if (seeded.length) opts.log(`seeded demo organizations: ${seeded.join(', ')}`);
    }
    return { url, embedded, seeded };
  } catch (err) {
    await embedded?.stop();
    throw err;
  }
}

/** In the embedded default, secrets are generated once and kept in the data folder. */
function fillGeneratedSecrets(dataDir: string, log: Log) {
  const env = getEnv();
  if (env.AUTH_SECRET && env.ENCRYPTION_KEY) return;
  fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const file = path.join(dataDir, 'secrets.json');
  let stored: { AUTH_SECRET?: string; ENCRYPTION_KEY?: string } = {};
  if (fs.existsSync(file)) stored = JSON.parse(fs.readFileSync(file, 'utf8'));
  const next = {
    AUTH_SECRET: stored.AUTH_SECRET ?? randomBytes(32).toString('base64url'),
    ENCRYPTION_KEY: stored.ENCRYPTION_KEY ?? randomBytes(32).toString('base64'),
  };
  if (!stored.AUTH_SECRET || !stored.ENCRYPTION_KEY) {
    fs.writeFileSync(file, JSON.stringify(next, null, 2) + '\n', { mode: 0o600 });
    log(`generated secrets in ${file}`);
  }
  setEnv({ AUTH_SECRET: env.AUTH_SECRET ?? next.AUTH_SECRET, ENCRYPTION_KEY: env.ENCRYPTION_KEY ?? next.ENCRYPTION_KEY });
}

/** Keeps PostgreSQL's routine chatter out of the app's log; warnings, errors and our own lines stay. */
function quietPostgresLog(log: Log): Log {
  return (line) => {
    const routine = /\b(LOG|DETAIL|HINT|STATEMENT|CONTEXT):/.test(line) && !/\b(WARNING|ERROR|FATAL|PANIC):/.test(line);
    if (!routine) log(`[postgres] ${line}`);
  };
}

/**
 * For command-line tools: DATABASE_URL, else the embedded server a running app owns,
 * else an embedded server of our own (stopped by the returned close()).
 */
export async function openCliDatabase(log: Log): Promise<{ url: string; close: () => Promise<void> }> {
  const env = getEnv();
  const shared = env.DATABASE_URL ? null : runningEmbeddedUrl(env.APP_DATA_DIR);
  if (shared) {
    fillGeneratedSecrets(env.APP_DATA_DIR, log);
    setEnv({ DATABASE_URL: shared });
    return { url: shared, close: async () => {} };
  }
  const db = await prepareDatabase({ log, productionMode: env.NODE_ENV === 'production' });
  return { url: db.url, close: async () => void (await db.embedded?.stop()) };
}

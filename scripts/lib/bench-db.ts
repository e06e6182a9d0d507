import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openDb } from '../../lib/db/client';
import { startEmbeddedPostgres } from '../../lib/db/embedded';
import { migrateDatabase } from '../../lib/db/migrate';
import { seedDemo } from '../../lib/db/seed';
import { reloadEnv } from '../../lib/env';

/**
 * A benchmark's throwaway database: an embedded PostgreSQL in a temporary folder, migrated,
 * seeded with the demo organizations, and the app's environment pointed at it. `stop()`
 * ends the server and removes the folder.
 */
export async function benchDatabase(name: string, poolSize: number) {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), `ap-bench-${name}-`));
  fs.chmodSync(dataDir, 0o755);
  const pg = await startEmbeddedPostgres({ dataDir });
  const stop = async () => {
    await pg.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  };
  try {
    await migrateDatabase(pg.url);
    process.env.DATABASE_URL = pg.url;
    process.env.AUTH_SECRET ??= randomBytes(32).toString('base64url');
    process.env.ENCRYPTION_KEY ??= randomBytes(32).toString('base64');
    reloadEnv();
    const { db, sql: client } = openDb(pg.url, poolSize);
    await seedDemo(db);
    return { url: pg.url, db, client, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}

/** Milliseconds as seconds with two decimals. */
export const seconds = (ms: number) => Math.round(ms / 10) / 100;

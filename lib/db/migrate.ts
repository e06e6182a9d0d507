import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { sql } from 'drizzle-orm';
import { migrate } from 'drizzle-orm/postgres-js/migrator';
import { openDb } from './client';

const MIGRATIONS = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../drizzle');
// Any constant works; it only has to be the same for every instance of this app.
const MIGRATION_LOCK = 727_274_001;

/**
 * Applies the committed migrations. An advisory lock lets several app instances start
 * at once against one database; the `jackson` schema is reserved for SAML Jackson's
 * own tables, which drizzle never manages.
 */
export async function migrateDatabase(url: string): Promise<void> {
  const { sql: client, db } = openDb(url, 1);
  try {
    await db.execute(sql`select pg_advisory_lock(${MIGRATION_LOCK})`);
    try {
      await db.execute(sql`create schema if not exists jackson`);
      await migrate(db, { migrationsFolder: MIGRATIONS });
    } finally {
      await db.execute(sql`select pg_advisory_unlock(${MIGRATION_LOCK})`);
    }
  } finally {
    await client.end({ timeout: 5 });
  }
}

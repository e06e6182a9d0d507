import { drizzle, type PostgresJsDatabase } from 'drizzle-orm/postgres-js';
import postgres from 'postgres';
import { getEnv, requireDatabaseUrl } from '@/lib/env';
import * as schema from './schema';

export type Db = PostgresJsDatabase<typeof schema>;
export type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];

type Cached = { url: string; sql: postgres.Sql; db: Db };
const globalForDb = globalThis as unknown as { __authProvisionDb?: Cached };

/** Opens a drizzle database over its own postgres.js pool (scripts, tests). */
export function openDb(url: string, max = 10): { sql: postgres.Sql; db: Db } {
  const sql = postgres(url, { max, onnotice: () => {}, connection: { application_name: 'auth-provision' } });
  return { sql, db: drizzle(sql, { schema }) };
}

/** The app's one client, cached on globalThis so dev reloads reuse the pool. */
export function getDb(): Db {
  const url = requireDatabaseUrl(getEnv());
  const cached = globalForDb.__authProvisionDb;
  if (cached && cached.url === url) return cached.db;
  const opened = openDb(url);
  globalForDb.__authProvisionDb = { url, ...opened };
  return opened.db;
}

export { schema };

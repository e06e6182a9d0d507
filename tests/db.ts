import { afterAll } from 'vitest';
import { openDb } from '@/lib/db/client';
import { getEnv } from '@/lib/env';

/** A drizzle client on this test file's own database, closed after the file. */
export function testDb() {
  const { db, sql } = openDb(getEnv().DATABASE_URL!, 5);
  afterAll(() => sql.end({ timeout: 5 }));
  return { db, sql };
}

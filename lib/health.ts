import { sql } from 'drizzle-orm';
import type { Db } from '@/lib/db/client';

export type Health = { status: 'ok' | 'unavailable'; database: 'up' | 'down' };

/** Up when the database answers within the timeout. The error itself is never exposed. */
export async function checkHealth(openDb: () => Db, timeoutMs = 2000): Promise<Health> {
  let timer: NodeJS.Timeout | undefined;
  try {
    const db = openDb();
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error('health check timed out')), timeoutMs);
    });
    await Promise.race([db.execute(sql`select 1`), timeout]);
    return { status: 'ok', database: 'up' };
  } catch (err) {
    console.error('[health] database check failed:', err instanceof Error ? err.message : err);
    return { status: 'unavailable', database: 'down' };
  } finally {
    clearTimeout(timer);
  }
}

import { and, asc, eq, gt, sql } from 'drizzle-orm';
import type { Db } from '@/lib/db/client';
import * as s from '@/lib/db/schema';
import { applyBatchRetrying, ensureJobTitles, loadStored, type ApplyScope, type BatchRecord } from './apply';
import type { RunLedger } from './run';

// Deciding directory users again from the stored copy, without reading Graph: after a
// setting the decisions depend on changed (field mapping, email source, phone type, a
// Mapping Rule), and for users whose mapped groups changed while their object did not.
// The stored copy is what Graph last sent, so for these users Azure AD did not change:
// local edits stay (lib/provisioning/directory.ts objectUpdate).

const PAGE = 2000;

export type StoredUser = {
  objectId: string;
  /** The mapped groups as stored (sorted). */
  storedGroups: string[];
  personId: string | null;
  data?: Record<string, unknown>;
  applied?: Record<string, string | null> | null;
};

/**
 * The connection's users still in Azure AD, in pages, by object id. `withData` also reads
 * what Graph sent. The next page is read while the caller works on this one.
 */
export async function* storedUsers(db: Db, connectionId: string, { withData = true } = {}): AsyncGenerator<StoredUser[]> {
  const page = async (after: string) => {
    const rows = await db
      .select({
        objectId: s.azureDirectoryUsers.objectId,
        storedGroups: s.azureDirectoryUsers.groups,
        personId: s.azureDirectoryUsers.personId,
        ...(withData ? { data: s.azureDirectoryUsers.data, applied: s.azureDirectoryUsers.applied } : {}),
      })
      .from(s.azureDirectoryUsers)
      .where(and(eq(s.azureDirectoryUsers.connectionId, connectionId), eq(s.azureDirectoryUsers.removed, false), gt(s.azureDirectoryUsers.objectId, after)))
      .orderBy(asc(s.azureDirectoryUsers.objectId))
      .limit(PAGE);
    for (const r of rows) r.storedGroups = [...r.storedGroups].sort();
    return rows as StoredUser[];
  };
  let next = page('');
  for (;;) {
    const rows = await next;
    if (!rows.length) return;
    next = rows.length < PAGE ? Promise.resolve([]) : page(rows[rows.length - 1]!.objectId);
    next.catch(() => {}); // awaited on the next turn; a caller that stops early leaves it unread
    yield rows;
  }
}

/**
 * Every stored user's mapped groups as one comma-joined key (stored sorted), in one query:
 * what each run compares with the memberships it read. Text, not text[]: 100,000 arrays
 * decoded in JavaScript cost a second per run.
 */
export async function storedGroupKeys(db: Db, connectionId: string): Promise<{ objectId: string; groupsKey: string; personId: string | null }[]> {
  return db
    .select({ objectId: s.azureDirectoryUsers.objectId, groupsKey: sql<string>`array_to_string(${s.azureDirectoryUsers.groups}, ',')`, personId: s.azureDirectoryUsers.personId })
    .from(s.azureDirectoryUsers)
    .where(and(eq(s.azureDirectoryUsers.connectionId, connectionId), eq(s.azureDirectoryUsers.removed, false)));
}

/**
 * Decides and writes stored users with the given groups, a transaction per page, through
 * the same apply path as a Graph batch. Their stored data stays as Graph sent it.
 */
export async function applyStoredUsers(db: Db, scope: ApplyScope, ledger: RunLedger, users: (StoredUser & { groups: string[] })[]): Promise<void> {
  for (let i = 0; i < users.length; i += PAGE) {
    const chunk = users.slice(i, i + PAGE);
    const missing = chunk.filter((u) => u.data === undefined).map((u) => u.objectId);
    const loaded = missing.length ? await loadStored(db, scope.conn.id, missing) : null;
    const records: BatchRecord[] = [];
    for (const u of chunk) {
      const previous = u.data !== undefined ? { data: u.data, applied: u.applied ?? null } : loaded!.get(u.objectId);
      if (!previous) continue; // removed meanwhile
      records.push({ objectId: u.objectId, data: previous.data, removed: false, groups: u.groups, previous: { ...previous, groups: u.storedGroups, personId: u.personId } });
    }
    await ensureJobTitles(db, scope.ctx, records);
    const outcome = await db.transaction(async (tx) => {
      const outcome = await applyBatchRetrying(tx, scope, records, { storeData: false });
      await ledger.save(tx, outcome, 0, scope.now);
      return outcome;
    });
    ledger.absorb(outcome, 0);
  }
}

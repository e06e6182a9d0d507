import { and, asc, eq, sql } from 'drizzle-orm';
import type { Db, Tx } from '@/lib/db/client';
import { arrayLiteral } from '@/lib/azure/bulk';
import * as s from '@/lib/db/schema';
import type { IdentitySource } from '@/lib/provisioning/types';

export type GroupMembershipRow = { personId: string; groups: readonly string[] };

/**
 * Sets the group memberships each person has at one source to exactly `groups` (replace,
 * not append: a group no longer reported is dropped; an empty list clears them). Set-based
 * in one statement for any number of people, so a login pays one round trip and the Azure
 * AD sync can pass a whole batch. People of another organization are left alone. Not async:
 * the statement is sent when awaited, so callers can pipeline it after their own writes.
 */
export function replaceGroupMemberships(tx: Tx | Db, organizationId: string, source: IdentitySource, rows: readonly GroupMembershipRow[], seenAt = new Date()): PromiseLike<unknown> {
  if (rows.length === 0) return Promise.resolve();
  const personIds = [...new Set(rows.map((r) => r.personId))];
  const pairPeople: string[] = [];
  const pairGroups: string[] = [];
  for (const r of rows) {
    for (const g of new Set(r.groups)) {
      pairPeople.push(r.personId);
      pairGroups.push(g);
    }
  }
  // The delete and the upsert touch disjoint rows (groups gone vs groups reported), so one statement holds both.
  return tx.execute(sql`
    with reported as (
      select * from unnest(${arrayLiteral(pairPeople)}::uuid[], ${arrayLiteral(pairGroups)}::text[]) as r(person_id, group_name)
    ), dropped as (
      delete from ${s.personGroups} g
      where g.organization_id = ${organizationId} and g.source = ${source}::identity_source and g.person_id = any(${arrayLiteral(personIds)}::uuid[])
        and not exists (select 1 from reported r where r.person_id = g.person_id and r.group_name = g.group_name)
    )
    insert into ${s.personGroups} (organization_id, person_id, source, group_name, last_seen_at)
    select ${organizationId}::uuid, r.person_id, ${source}::identity_source, r.group_name, ${seenAt.toISOString()}::timestamptz from reported r
    join ${s.people} p on p.id = r.person_id and p.organization_id = ${organizationId}
    on conflict (person_id, source, group_name) do update set last_seen_at = excluded.last_seen_at`);
}

export type PersonGroup = { source: IdentitySource; groupName: string; lastSeenAt: Date };

/** One person's groups, by source then name. */
export async function listPersonGroups(db: Db, organizationId: string, personId: string): Promise<PersonGroup[]> {
  return db
    .select({ source: s.personGroups.source, groupName: s.personGroups.groupName, lastSeenAt: s.personGroups.lastSeenAt })
    .from(s.personGroups)
    .where(and(eq(s.personGroups.organizationId, organizationId), eq(s.personGroups.personId, personId)))
    .orderBy(asc(s.personGroups.source), asc(s.personGroups.groupName));
}

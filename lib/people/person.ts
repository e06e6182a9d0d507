import { and, eq } from 'drizzle-orm';
import { z } from 'zod';
import type { Db } from '@/lib/db/client';
import * as s from '@/lib/db/schema';

/** Fields an admin can lock: SSO logins and directory sync then leave them alone. */
export const LOCKABLE_FIELDS = {
  firstName: 'First Name',
  lastName: 'Last Name',
  email: 'Email',
  phone: 'Phone',
  departmentId: 'Department',
  locationId: 'Location',
  jobTitleId: 'Job Title',
  employeeRoleId: 'Employee Role',
  clientAccountId: 'Account',
  securityRoleId: 'Security Role',
} as const;

export const personAdminSchema = z.object({
  personId: z.uuid(),
  status: z.enum(['active', 'inactive']).optional(),
  lockedFields: z.array(z.enum(Object.keys(LOCKABLE_FIELDS) as [keyof typeof LOCKABLE_FIELDS])).optional(),
});

export type PersonDetail = typeof s.people.$inferSelect & {
  identities: { source: string; scope: string; externalId: string }[];
  isRoot: boolean;
};

/** One person of this organization, with their identity links; null for anyone else's id. */
export async function getPerson(db: Db, organizationId: string, personId: string): Promise<PersonDetail | null> {
  const [row] = await db
    .select({ person: s.people, rootId: s.organizations.rootPersonId })
    .from(s.people)
    .innerJoin(s.organizations, eq(s.organizations.id, s.people.organizationId))
    .where(and(eq(s.people.organizationId, organizationId), eq(s.people.id, personId)));
  if (!row) return null;
  const identities = await db
    .select({ source: s.personIdentities.source, scope: s.personIdentities.scope, externalId: s.personIdentities.externalId })
    .from(s.personIdentities)
    .where(and(eq(s.personIdentities.organizationId, organizationId), eq(s.personIdentities.personId, personId)));
  return { ...row.person, identities, isRoot: row.rootId === personId };
}

export type PersonUpdate = { ok: true } | { ok: false; error: string; notFound?: boolean };

/**
 * Deactivate/reactivate and field locks, each recorded as an event on the person. The
 * root user cannot be deactivated (they are the way back in).
 */
export async function updatePersonAdmin(db: Db, organizationId: string, actorPersonId: string, raw: unknown): Promise<PersonUpdate> {
  const input = personAdminSchema.parse(raw);
  return db.transaction(async (tx) => {
    const [current] = await tx
      .select({ person: s.people, rootId: s.organizations.rootPersonId })
      .from(s.people)
      .innerJoin(s.organizations, eq(s.organizations.id, s.people.organizationId))
      .where(and(eq(s.people.organizationId, organizationId), eq(s.people.id, input.personId)))
      .for('update', { of: s.people });
    if (!current) return { ok: false, error: 'That person does not exist.', notFound: true } as PersonUpdate;
    const p = current.person;
    if (input.status === 'inactive' && current.rootId === p.id) return { ok: false, error: 'The root user cannot be deactivated.' } as PersonUpdate;
    const diff: Record<string, { before: unknown; after: unknown }> = {};
    const set: Partial<typeof s.people.$inferInsert> = {};
    if (input.status && input.status !== p.status) {
      diff.status = { before: p.status, after: input.status };
      set.status = input.status;
    }
    if (input.lockedFields) {
      const next = [...new Set(input.lockedFields)].sort();
      if (next.join() !== [...p.lockedFields].sort().join()) {
        diff.lockedFields = { before: p.lockedFields, after: next };
        set.lockedFields = next;
      }
    }
    if (Object.keys(diff).length === 0) return { ok: true } as PersonUpdate;
    await tx.update(s.people).set({ ...set, updatedAt: new Date() }).where(and(eq(s.people.organizationId, organizationId), eq(s.people.id, p.id)));
    const type = set.status === 'inactive' ? 'person_deactivated' : set.status === 'active' ? 'person_reactivated' : 'person_updated';
    await tx.insert(s.provisioningEvents).values({ organizationId, type, source: 'admin', actorPersonId, personId: p.id, diff, detail: { what: 'person_admin' } });
    return { ok: true } as PersonUpdate;
  });
}

import { and, eq } from 'drizzle-orm';
import { z } from 'zod';
import type { Db, Tx } from '@/lib/db/client';
import { isUniqueViolation } from '@/lib/db/errors';
import * as s from '@/lib/db/schema';
import { aOrAn } from '@/lib/settings/schemas';
import { invalidInput } from '@/lib/validation';
import { EMAIL_UNAVAILABLE, emailRefusal } from './email';
import { lookupsFor, PERSON_LOOKUP_FIELDS, personEditSchema, type PersonEdit, type PersonLookupField } from './schemas';

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

/** One of the organization's people, locked for the rest of the transaction, with the organization's root user id. */
async function lockPerson(tx: Tx, organizationId: string, personId: string) {
  const [row] = await tx
    .select({ person: s.people, rootId: s.organizations.rootPersonId })
    .from(s.people)
    .innerJoin(s.organizations, eq(s.organizations.id, s.people.organizationId))
    .where(and(eq(s.people.organizationId, organizationId), eq(s.people.id, personId)))
    .for('update', { of: s.people });
  return row ?? null;
}

export type PersonUpdate = { ok: true } | { ok: false; error: string; notFound?: boolean };

/**
 * Deactivate/reactivate and field locks, each recorded as an event on the person. The
 * root user cannot be deactivated (they are the way back in).
 */
export async function updatePersonAdmin(db: Db, organizationId: string, actorPersonId: string, raw: unknown): Promise<PersonUpdate> {
  const input = personAdminSchema.parse(raw);
  return db.transaction(async (tx) => {
    const current = await lockPerson(tx, organizationId, input.personId);
    if (!current) return { ok: false, error: 'That person does not exist.', notFound: true } as PersonUpdate;
    const p = current.person;
    if (input.status === 'inactive' && current.rootId === p.id) return { ok: false, error: 'The root user cannot be deactivated.' } as PersonUpdate;
    if (input.status === 'active' && p.removedAt) return { ok: false, error: 'This person was removed: restore them instead.' } as PersonUpdate;
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

const LOOKUP_TABLES = {
  jobTitleId: s.jobTitles,
  departmentId: s.departments,
  locationId: s.locations,
  employmentTypeId: s.employmentTypes,
  securityRoleId: s.securityRoles,
  employeeRoleId: s.employeeRoles,
  clientAccountId: s.clientAccounts,
} as const satisfies Record<Exclude<PersonLookupField, 'managerId'>, unknown>;

const TEXT_FIELDS = ['firstName', 'lastName', 'username', 'email', 'phone', 'phoneType'] as const;

export type PersonEditResult = { ok: true; changed: string[] } | { ok: false; error: string; fieldErrors?: Record<string, string>; notFound?: boolean };

/**
 * An admin edits a person's details. Lookups must be this organization's, the email is
 * unique across the platform (case-insensitive), and an admin cannot take their own admin
 * grant away. Recorded as a person_updated event with the before → after of each field.
 */
export async function editPerson(db: Db, organizationId: string, actorPersonId: string, raw: unknown): Promise<PersonEditResult> {
  const parsed = personEditSchema.safeParse(raw);
  if (!parsed.success) return invalidInput(parsed.error);
  const input = parsed.data;
  const refuse = (fieldErrors: Record<string, string>): PersonEditResult => ({ ok: false, error: 'Check the highlighted fields.', fieldErrors });
  try {
    return await db.transaction(async (tx) => {
      const current = await lockPerson(tx, organizationId, input.personId);
      if (!current) return { ok: false, error: 'That person does not exist.', notFound: true } as PersonEditResult;
      const p = current.person;

      const fieldErrors: Record<string, string> = {};
      const lookups = lookupsFor(p);
      for (const field of lookups) {
        const id = input[field];
        if (!id) continue;
        if (field === 'managerId') {
          if (id === p.id) fieldErrors.managerId = 'A person cannot be their own manager.';
          const [manager] = await tx
            .select({ id: s.people.id })
            .from(s.people)
            .where(and(eq(s.people.organizationId, organizationId), eq(s.people.id, id), eq(s.people.type, 'employee')));
          if (!manager) fieldErrors.managerId ??= 'Choose a Manager among your organization’s employees.';
          continue;
        }
        const table = LOOKUP_TABLES[field];
        const [found] = await tx.select({ id: table.id }).from(table).where(and(eq(table.organizationId, organizationId), eq(table.id, id)));
        if (!found) fieldErrors[field] = `Choose ${aOrAn(PERSON_LOOKUP_FIELDS[field])} of your organization.`;
      }
      if (input.email.toLowerCase() !== p.email.toLowerCase()) {
        const refusal = await emailRefusal(tx, organizationId, input.email, p.id);
        if (refusal) fieldErrors.email = refusal;
      }
      if (p.id === actorPersonId && current.rootId !== p.id && input.securityRoleId !== p.securityRoleId && !fieldErrors.securityRoleId) {
        const [role] = await tx.select({ isAdmin: s.securityRoles.isAdmin }).from(s.securityRoles).where(and(eq(s.securityRoles.organizationId, organizationId), eq(s.securityRoles.id, input.securityRoleId)));
        if (!role?.isAdmin) fieldErrors.securityRoleId = 'This role would take your own admin access away: ask another admin to change it.';
      }
      if (Object.keys(fieldErrors).length) return refuse(fieldErrors);

      const next: Partial<PersonEdit> = {};
      for (const f of TEXT_FIELDS) next[f] = input[f] as never;
      for (const f of lookups) next[f] = input[f] as never;
      const diff: Record<string, { before: unknown; after: unknown }> = {};
      for (const [field, after] of Object.entries(next) as [keyof typeof next, unknown][]) {
        const before = p[field as keyof typeof p] ?? null;
        if (before !== after) diff[field] = { before, after };
      }
      const changed = Object.keys(diff);
      if (changed.length === 0) return { ok: true, changed } as PersonEditResult;
      const set = Object.fromEntries(changed.map((f) => [f, diff[f]!.after])) as Partial<typeof s.people.$inferInsert>;
      await tx
        .update(s.people)
        .set({ ...set, updatedAt: new Date() })
        .where(and(eq(s.people.organizationId, organizationId), eq(s.people.id, p.id)));
      await tx.insert(s.provisioningEvents).values({ organizationId, type: 'person_updated', source: 'admin', actorPersonId, personId: p.id, diff, detail: { what: 'person_edit' } });
      return { ok: true, changed } as PersonEditResult;
    });
  } catch (err) {
    // Two people given one address at the same moment: the unique index decides, and whose it is stays unsaid.
    if (isUniqueViolation(err, 'people_email_lower_uq')) return refuse({ email: EMAIL_UNAVAILABLE });
    throw err;
  }
}

export const personRemovalSchema = z.object({
  personId: z.uuid(),
  reason: z.string().trim().min(1, 'Say why this person is removed: the log keeps it.').max(500, 'Keep the reason under 500 characters.'),
});
export const personRestoreSchema = z.object({ personId: z.uuid() });

/**
 * Remove a person on purpose (a tombstone): they are deactivated, and neither a JIT login
 * nor a directory sync re-creates or reactivates them until an admin restores them. The
 * root user and the acting admin cannot be removed.
 */
export async function removePerson(db: Db, organizationId: string, actorPersonId: string, raw: unknown): Promise<PersonEditResult> {
  const parsed = personRemovalSchema.safeParse(raw);
  if (!parsed.success) return invalidInput(parsed.error);
  const { personId, reason } = parsed.data;
  return db.transaction(async (tx) => {
    const current = await lockPerson(tx, organizationId, personId);
    if (!current) return { ok: false, error: 'That person does not exist.', notFound: true } as PersonEditResult;
    const p = current.person;
    if (current.rootId === p.id) return { ok: false, error: 'The root user cannot be removed.' } as PersonEditResult;
    if (p.id === actorPersonId) return { ok: false, error: 'You cannot remove yourself: ask another admin.' } as PersonEditResult;
    if (p.removedAt) return { ok: true, changed: [] } as PersonEditResult;
    const now = new Date();
    const diff: Record<string, { before: unknown; after: unknown }> = { removed: { before: false, after: true } };
    if (p.status !== 'inactive') diff.status = { before: p.status, after: 'inactive' };
    await tx
      .update(s.people)
      .set({ removedAt: now, removedReason: reason, status: 'inactive', updatedAt: now })
      .where(and(eq(s.people.organizationId, organizationId), eq(s.people.id, p.id)));
    await tx.insert(s.provisioningEvents).values({ organizationId, type: 'person_removed', source: 'admin', actorPersonId, personId: p.id, diff, detail: { what: 'person_removed', detail: reason } });
    return { ok: true, changed: Object.keys(diff) } as PersonEditResult;
  });
}

/** Undo a removal: the tombstone goes and the person is active again. */
export async function restorePerson(db: Db, organizationId: string, actorPersonId: string, raw: unknown): Promise<PersonEditResult> {
  const parsed = personRestoreSchema.safeParse(raw);
  if (!parsed.success) return invalidInput(parsed.error);
  return db.transaction(async (tx) => {
    const current = await lockPerson(tx, organizationId, parsed.data.personId);
    if (!current) return { ok: false, error: 'That person does not exist.', notFound: true } as PersonEditResult;
    const p = current.person;
    if (!p.removedAt) return { ok: true, changed: [] } as PersonEditResult;
    const diff: Record<string, { before: unknown; after: unknown }> = { removed: { before: true, after: false } };
    if (p.status !== 'active') diff.status = { before: p.status, after: 'active' };
    await tx
      .update(s.people)
      .set({ removedAt: null, removedReason: null, status: 'active', updatedAt: new Date() })
      .where(and(eq(s.people.organizationId, organizationId), eq(s.people.id, p.id)));
    await tx.insert(s.provisioningEvents).values({ organizationId, type: 'person_restored', source: 'admin', actorPersonId, personId: p.id, diff, detail: { what: 'person_restored', removedReason: p.removedReason } });
    return { ok: true, changed: Object.keys(diff) } as PersonEditResult;
  });
}

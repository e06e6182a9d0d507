import { and, asc, eq, sql } from 'drizzle-orm';
import type { Db } from '@/lib/db/client';
import { invalidInput } from '@/lib/validation';
import * as s from '@/lib/db/schema';
import { MAPPABLE_FIELDS } from '@/lib/provisioning/types';
import { LOOKUP_TABLES } from '@/lib/users/provision';
import { aOrAn, attributeMappingSchema, MAPPABLE_FIELD_LABELS } from './schemas';

export type MappingRow = { id: string; attributeName: string; personField: string; defaultValue: string | null; applyOn: 'create' | 'every_login' };
export type MappingResult = { ok: true } | { ok: false; error: string; fieldErrors?: Record<string, string> };

export async function listAttributeMappings(db: Db, organizationId: string): Promise<MappingRow[]> {
  return db
    .select({ id: s.attributeMappings.id, attributeName: s.attributeMappings.attributeName, personField: s.attributeMappings.personField, defaultValue: s.attributeMappings.defaultValue, applyOn: s.attributeMappings.applyOn })
    .from(s.attributeMappings)
    .where(eq(s.attributeMappings.organizationId, organizationId))
    .orderBy(asc(s.attributeMappings.createdAt));
}

/** Adds a mapping, or replaces the one for the same person field (one source per field). Audited. */
export async function saveAttributeMapping(db: Db, organizationId: string, actorPersonId: string, raw: unknown): Promise<MappingResult> {
  const parsed = attributeMappingSchema.safeParse(raw);
  if (!parsed.success) return invalidInput(parsed.error);
  const values = parsed.data;
  const lookup = MAPPABLE_FIELDS[values.personField];
  if (lookup && values.defaultValue) {
    // A default naming no lookup value would only warn at every login: refuse it here.
    const table = LOOKUP_TABLES[lookup];
    const [found] = await db
      .select({ name: table.name })
      .from(table)
      .where(and(eq(table.organizationId, organizationId), sql`lower(${table.name}) = lower(${values.defaultValue})`));
    if (!found) {
      const label = MAPPABLE_FIELD_LABELS[values.personField];
      return { ok: false, error: 'Check the highlighted fields.', fieldErrors: { defaultValue: `"${values.defaultValue}" is not ${aOrAn(label)} of your organization: choose an existing one or leave it empty.` } };
    }
    values.defaultValue = found.name;
  }
  await db.transaction(async (tx) => {
    const [before] = await tx
      .select()
      .from(s.attributeMappings)
      .where(and(eq(s.attributeMappings.organizationId, organizationId), eq(s.attributeMappings.personField, values.personField)));
    await tx
      .insert(s.attributeMappings)
      .values({ organizationId, ...values })
      .onConflictDoUpdate({ target: [s.attributeMappings.organizationId, s.attributeMappings.personField], set: { attributeName: values.attributeName, defaultValue: values.defaultValue, applyOn: values.applyOn } });
    await tx.insert(s.provisioningEvents).values({
      organizationId,
      type: 'settings_changed',
      source: 'admin',
      actorPersonId,
      diff: { [`attributeMapping.${values.personField}`]: { before: before ? { attributeName: before.attributeName, defaultValue: before.defaultValue, applyOn: before.applyOn } : null, after: values } },
      detail: { what: 'attribute_mapping' },
    });
  });
  return { ok: true };
}

export async function deleteAttributeMapping(db: Db, organizationId: string, actorPersonId: string, id: string): Promise<MappingResult> {
  return db.transaction(async (tx) => {
    const [gone] = await tx.delete(s.attributeMappings).where(and(eq(s.attributeMappings.organizationId, organizationId), eq(s.attributeMappings.id, id))).returning();
    if (!gone) return { ok: false, error: 'That attribute mapping does not exist.' } as MappingResult;
    await tx.insert(s.provisioningEvents).values({
      organizationId,
      type: 'settings_changed',
      source: 'admin',
      actorPersonId,
      diff: { [`attributeMapping.${gone.personField}`]: { before: { attributeName: gone.attributeName, defaultValue: gone.defaultValue, applyOn: gone.applyOn }, after: null } },
      detail: { what: 'attribute_mapping' },
    });
    return { ok: true } as MappingResult;
  });
}

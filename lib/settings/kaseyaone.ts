import { and, asc, eq, ne, sql } from 'drizzle-orm';
import { isUniqueViolation } from '@/lib/db/errors';
import type { Db } from '@/lib/db/client';
import { invalidInput } from '@/lib/validation';
import * as s from '@/lib/db/schema';
import { hasTwoFactor } from '@/lib/auth/two-factor';
import { countAutoCreated } from '@/lib/users/provision';
import { provisioningEvents } from '@/lib/db/schema';
import { aOrAn, DEFAULT_FIELDS, kaseyaOneSettingsSchema, type DefaultField, type KaseyaOneSettings } from './schemas';

export type Option = { id: string; name: string; hint?: string };
export type LookupOptions = Record<DefaultField, Option[]>;
/** People created automatically so far (KaseyaOne and SSO JIT), against the optional cap. */
export type Seats = { used: number; cap: number | null };
export type KaseyaOneSettingsView = { values: KaseyaOneSettings; everEnabled: boolean; options: LookupOptions; seats: Seats };
export type SaveResult = { ok: true; changed: string[] } | { ok: false; error: string; fieldErrors?: Record<string, string> };

const LOOKUPS = {
  departmentId: s.departments,
  locationId: s.locations,
  jobTitleId: s.jobTitles,
  employmentTypeId: s.employmentTypes,
  employeeRoleId: s.employeeRoles,
  clientAccountId: s.clientAccounts,
} as const;

const SETTING_COLUMNS = {
  departmentId: 'defaultDepartmentId',
  locationId: 'defaultLocationId',
  managerId: 'defaultManagerId',
  jobTitleId: 'defaultJobTitleId',
  employmentTypeId: 'defaultEmploymentTypeId',
  securityRoleId: 'defaultSecurityRoleId',
  employeeRoleId: 'defaultEmployeeRoleId',
  clientAccountId: 'defaultClientAccountId',
} as const satisfies Record<DefaultField, keyof typeof s.provisioningSettings.$inferSelect>;

export async function getKaseyaOneSettings(db: Db, organizationId: string): Promise<KaseyaOneSettingsView> {
  const [row] = await db
    .select({ settings: s.provisioningSettings, k1: s.organizations.kaseyaOneOrgId })
    .from(s.organizations)
    .leftJoin(s.provisioningSettings, eq(s.provisioningSettings.organizationId, s.organizations.id))
    .where(eq(s.organizations.id, organizationId));
  const st = row?.settings;
  const values = {
    loginEnabled: st?.kaseyaOneLoginEnabled ?? false,
    autoCreationEnabled: st?.autoCreationEnabled ?? false,
    kaseyaOneOrgId: row?.k1 ?? null,
    seatCap: st?.seatCap ?? null,
  } as KaseyaOneSettings;
  for (const [field] of DEFAULT_FIELDS) values[field] = st?.[SETTING_COLUMNS[field]] ?? null;
  const [options, used] = await Promise.all([loadLookupOptions(db, organizationId), countAutoCreated(db, organizationId)]);
  return { values, everEnabled: st?.autoCreationEverEnabled ?? false, options, seats: { used, cap: values.seatCap } };
}

/** This organization's lookups, managers and client Accounts, as form options. */
export async function loadLookupOptions(db: Db, organizationId: string): Promise<LookupOptions> {
  const options = {} as LookupOptions;
  for (const [field, table] of Object.entries(LOOKUPS) as [keyof typeof LOOKUPS, (typeof LOOKUPS)[keyof typeof LOOKUPS]][]) {
    options[field] = await db.select({ id: table.id, name: table.name }).from(table).where(eq(table.organizationId, organizationId)).orderBy(asc(table.name));
  }
  const roles = await db
    .select({ id: s.securityRoles.id, name: s.securityRoles.name, level: s.securityRoles.accessLevel, isAdmin: s.securityRoles.isAdmin })
    .from(s.securityRoles)
    .where(eq(s.securityRoles.organizationId, organizationId))
    .orderBy(asc(s.securityRoles.accessLevel), asc(s.securityRoles.name));
  options.securityRoleId = roles.map((r) => ({ id: r.id, name: r.name, hint: r.isAdmin ? 'admin access' : `access level ${r.level}` }));
  const managers = await db
    .select({ id: s.people.id, first: s.people.firstName, last: s.people.lastName })
    .from(s.people)
    .where(and(eq(s.people.organizationId, organizationId), eq(s.people.type, 'employee'), eq(s.people.status, 'active')))
    .orderBy(asc(s.people.lastName), asc(s.people.firstName))
    .limit(500);
  options.managerId = managers.map((m) => ({ id: m.id, name: `${m.first} ${m.last}`.trim() }));
  return options;
}

/**
 * Saves KaseyaOne Settings. Every chosen default must belong to this organization (an id
 * from elsewhere is a field error and nothing changes). With Automatic User Creation off
 * the stored defaults are kept as they are; once it has been on, the form stays visible.
 */
export async function saveKaseyaOneSettings(db: Db, organizationId: string, actorPersonId: string, raw: unknown): Promise<SaveResult> {
  const parsed = kaseyaOneSettingsSchema.safeParse(raw);
  if (!parsed.success) return invalidInput(parsed.error);
  const input = parsed.data;
  const current = await getKaseyaOneSettings(db, organizationId);
  const next: KaseyaOneSettings = { ...input };
  if (!input.autoCreationEnabled) for (const [field] of DEFAULT_FIELDS) next[field] = current.values[field];

  const fieldErrors: Record<string, string> = {};
  for (const [field, label] of DEFAULT_FIELDS) {
    const id = next[field];
    if (id && !current.options[field].some((o) => o.id === id)) fieldErrors[field] = `Choose ${aOrAn(label)} of your organization.`;
  }
  // Seed 002: only an admin whose own account has two-factor on may switch KaseyaOne login on.
  if (next.loginEnabled && !current.values.loginEnabled && !(await hasTwoFactor(db, organizationId, actorPersonId))) fieldErrors.loginEnabled = KASEYAONE_NEEDS_TWO_FACTOR;
  if (next.kaseyaOneOrgId) {
    // The platform KaseyaOne IdP routes a login by this id: it must name one organization only.
    const [other] = await db
      .select({ id: s.organizations.id })
      .from(s.organizations)
      .where(and(sql`lower(${s.organizations.kaseyaOneOrgId}) = lower(${next.kaseyaOneOrgId})`, ne(s.organizations.id, organizationId)));
    if (other) fieldErrors.kaseyaOneOrgId = PARTNER_TAKEN;
  }
  if (Object.keys(fieldErrors).length) return { ok: false, error: 'Check the highlighted fields.', fieldErrors };

  const diff: Record<string, { before: unknown; after: unknown }> = {};
  for (const key of Object.keys(next) as (keyof KaseyaOneSettings)[]) {
    if (current.values[key] !== next[key]) diff[key] = { before: current.values[key], after: next[key] };
  }
  if (Object.keys(diff).length === 0) return { ok: true, changed: [] };

  try {
    await save(db, organizationId, actorPersonId, current.everEnabled, next, diff);
  } catch (err) {
    // Two organizations claiming one partner id at the same moment: the unique index decides.
    if (isUniqueViolation(err, 'organizations_kaseyaone_org_id_lower_uq')) return { ok: false, error: 'Check the highlighted fields.', fieldErrors: { kaseyaOneOrgId: PARTNER_TAKEN } };
    throw err;
  }
  return { ok: true, changed: Object.keys(diff) };
}

export const KASEYAONE_NEEDS_TWO_FACTOR = 'Turn on two-factor authentication for your own account before you enable Log In With KaseyaOne.';

const PARTNER_TAKEN = 'Another organization already uses this KaseyaOne partner organization ID: each partner organization signs in to one organization here.';

async function save(db: Db, organizationId: string, actorPersonId: string, everEnabled: boolean, next: KaseyaOneSettings, diff: Record<string, { before: unknown; after: unknown }>) {
  await db.transaction(async (tx) => {
    const defaults = Object.fromEntries(DEFAULT_FIELDS.map(([field]) => [SETTING_COLUMNS[field], next[field]]));
    await tx
      .insert(s.provisioningSettings)
      .values({ organizationId, kaseyaOneLoginEnabled: next.loginEnabled, autoCreationEnabled: next.autoCreationEnabled, autoCreationEverEnabled: next.autoCreationEnabled, seatCap: next.seatCap, ...defaults })
      .onConflictDoUpdate({
        target: s.provisioningSettings.organizationId,
        set: {
          kaseyaOneLoginEnabled: next.loginEnabled,
          autoCreationEnabled: next.autoCreationEnabled,
          autoCreationEverEnabled: everEnabled || next.autoCreationEnabled,
          seatCap: next.seatCap,
          ...defaults,
          updatedAt: new Date(),
        },
      });
    await tx.update(s.organizations).set({ kaseyaOneOrgId: next.kaseyaOneOrgId }).where(eq(s.organizations.id, organizationId));
    await tx.insert(provisioningEvents).values({
      organizationId,
      type: 'settings_changed',
      source: 'admin',
      actorPersonId,
      diff,
      detail: { what: 'kaseyaone_settings' },
    });
  });
}


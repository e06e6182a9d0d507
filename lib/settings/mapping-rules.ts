import { and, asc, eq } from 'drizzle-orm';
import type { Db } from '@/lib/db/client';
import { invalidInput } from '@/lib/validation';
import * as s from '@/lib/db/schema';
import { saveProvisioningSetting } from '@/lib/audit/settings';
import { azureRuleSchema } from '@/lib/azure/schemas';
import { requestReevaluation } from '@/lib/azure/worker';
import { mappingRuleSchema, type MappingRuleValues } from './schemas';

export type RuleKind = 'sso' | 'azure';

export type RuleRow = MappingRuleValues & { id: string; createdAt: Date; roleName: string; departmentName: string | null; locationName: string | null; employeeRoleName: string | null };
export type RuleResult = { ok: true; id: string } | { ok: false; error: string; fieldErrors?: Record<string, string>; notFound?: boolean };

/**
 * Mapping rules of one kind in precedence order: lowest order first, then oldest. SSO
 * rules name an email domain and a group name; Azure AD rules a tenant and a group's object id.
 */
export async function listRules(db: Db, organizationId: string, kind: RuleKind = 'sso'): Promise<RuleRow[]> {
  const rows = await db
    .select({ rule: s.mappingRules, roleName: s.securityRoles.name, departmentName: s.departments.name, locationName: s.locations.name, employeeRoleName: s.employeeRoles.name })
    .from(s.mappingRules)
    .innerJoin(s.securityRoles, and(eq(s.securityRoles.id, s.mappingRules.securityRoleId), eq(s.securityRoles.organizationId, organizationId)))
    .leftJoin(s.departments, and(eq(s.departments.id, s.mappingRules.departmentId), eq(s.departments.organizationId, organizationId)))
    .leftJoin(s.locations, and(eq(s.locations.id, s.mappingRules.locationId), eq(s.locations.organizationId, organizationId)))
    .leftJoin(s.employeeRoles, and(eq(s.employeeRoles.id, s.mappingRules.employeeRoleId), eq(s.employeeRoles.organizationId, organizationId)))
    .where(and(eq(s.mappingRules.organizationId, organizationId), eq(s.mappingRules.kind, kind)))
    .orderBy(asc(s.mappingRules.position), asc(s.mappingRules.createdAt), asc(s.mappingRules.id));
  return rows.map(({ rule: r, ...names }) => ({
    id: r.id,
    domain: r.domain,
    securityGroup: r.securityGroup,
    userType: r.userType,
    securityRoleId: r.securityRoleId,
    departmentId: r.departmentId,
    locationId: r.locationId,
    employeeRoleId: r.employeeRoleId,
    position: r.position,
    createdAt: r.createdAt,
    ...names,
  }));
}

const REFS = [
  ['securityRoleId', s.securityRoles, 'Security Role'],
  ['departmentId', s.departments, 'Department'],
  ['locationId', s.locations, 'Location'],
  ['employeeRoleId', s.employeeRoles, 'Employee Role'],
] as const;

/** Adds a rule, or edits one of this organization's (another organization's id is not found). Audited. */
export async function saveRule(db: Db, organizationId: string, actorPersonId: string, raw: unknown, kind: RuleKind = 'sso'): Promise<RuleResult> {
  const parsed = (kind === 'azure' ? azureRuleSchema : mappingRuleSchema).safeParse(raw);
  if (!parsed.success) return invalidInput(parsed.error);
  const { id, ...values } = parsed.data;
  const fieldErrors: Record<string, string> = {};
  for (const [field, table, label] of REFS) {
    const ref = values[field];
    if (!ref) continue;
    const [found] = await db.select({ id: table.id }).from(table).where(and(eq(table.organizationId, organizationId), eq(table.id, ref)));
    if (!found) fieldErrors[field] = `Choose a ${label} of your organization.`;
  }
  if (Object.keys(fieldErrors).length) return { ok: false, error: 'Check the highlighted fields.', fieldErrors };

  const saved = await db.transaction(async (tx) => {
    let before: unknown = null;
    let ruleId = id ?? null;
    if (ruleId) {
      const [existing] = await tx.select().from(s.mappingRules).where(and(eq(s.mappingRules.organizationId, organizationId), eq(s.mappingRules.kind, kind), eq(s.mappingRules.id, ruleId)));
      if (!existing) return { ok: false, error: 'That mapping rule does not exist.', notFound: true } as RuleResult;
      before = pick(existing);
      await tx.update(s.mappingRules).set(values).where(and(eq(s.mappingRules.organizationId, organizationId), eq(s.mappingRules.id, ruleId)));
    } else {
      const [row] = await tx.insert(s.mappingRules).values({ organizationId, kind, ...values }).returning({ id: s.mappingRules.id });
      ruleId = row!.id;
    }
    await tx.insert(s.provisioningEvents).values({
      organizationId,
      type: 'settings_changed',
      source: 'admin',
      actorPersonId,
      ruleId,
      diff: { mappingRule: { before, after: values } },
      detail: { what: id ? 'mapping_rule.updated' : 'mapping_rule.added', kind },
    });
    return { ok: true, id: ruleId } as RuleResult;
  });
  if (saved.ok && kind === 'azure') await requestReevaluation(db, organizationId, id ? 'A Mapping Rule was changed.' : 'A Mapping Rule was added.');
  return saved;
}

export async function deleteRule(db: Db, organizationId: string, actorPersonId: string, ruleId: string, kind: RuleKind = 'sso'): Promise<RuleResult> {
  const deleted = await db.transaction(async (tx) => {
    const [gone] = await tx
      .delete(s.mappingRules)
      .where(and(eq(s.mappingRules.organizationId, organizationId), eq(s.mappingRules.kind, kind), eq(s.mappingRules.id, ruleId)))
      .returning();
    if (!gone) return { ok: false, error: 'That mapping rule does not exist.', notFound: true } as RuleResult;
    await tx.insert(s.provisioningEvents).values({
      organizationId,
      type: 'settings_changed',
      source: 'admin',
      actorPersonId,
      diff: { mappingRule: { before: pick(gone), after: null } },
      detail: { what: 'mapping_rule.deleted', kind },
    });
    return { ok: true, id: ruleId } as RuleResult;
  });
  if (deleted.ok && kind === 'azure') await requestReevaluation(db, organizationId, 'A Mapping Rule was deleted.');
  return deleted;
}

function pick(r: typeof s.mappingRules.$inferSelect) {
  const { domain, securityGroup, userType, securityRoleId, departmentId, locationId, employeeRoleId, position } = r;
  return { domain, securityGroup, userType, securityRoleId, departmentId, locationId, employeeRoleId, position };
}

export async function saveMethod(db: Db, organizationId: string, actorPersonId: string, method: 'none' | 'sso_jit' | 'azure_ad') {
  await saveProvisioningSetting(db, { organizationId, actorPersonId, key: 'method', value: method, unset: 'none', what: 'provisioning_method' });
}

export async function getProvisioningMethod(db: Db, organizationId: string): Promise<'none' | 'sso_jit' | 'azure_ad'> {
  const [row] = await db.select({ method: s.provisioningSettings.method }).from(s.provisioningSettings).where(eq(s.provisioningSettings.organizationId, organizationId));
  return row?.method ?? 'none';
}

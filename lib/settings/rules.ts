import { and, eq } from 'drizzle-orm';
import type { Db } from '@/lib/db/client';
import { mappingRules, securityRoles } from '@/lib/db/schema';

/** A mapping rule in one line, as the login preview and the log show it. */
export async function describeRule(db: Db, organizationId: string, ruleId: string): Promise<{ text: string; securityGroup: string | null } | null> {
  const [row] = await db
    .select({ domain: mappingRules.domain, group: mappingRules.securityGroup, position: mappingRules.position, role: securityRoles.name })
    .from(mappingRules)
    .innerJoin(securityRoles, and(eq(securityRoles.id, mappingRules.securityRoleId), eq(securityRoles.organizationId, organizationId)))
    .where(and(eq(mappingRules.organizationId, organizationId), eq(mappingRules.id, ruleId)));
  if (!row) return null;
  return { text: `order ${row.position}: domain ${row.domain ?? 'any'}, group ${row.group ?? 'any'} → ${row.role}`, securityGroup: row.group };
}

/** Which of a login's groups the rule's security group is (compared as the rule matcher does: trimmed, case-insensitive). */
export function markMatchedGroups(groups: readonly string[], securityGroup: string | null): { name: string; matched: boolean }[] {
  const wanted = securityGroup?.trim().toLowerCase() ?? null;
  return groups.map((name) => ({ name, matched: wanted !== null && name.trim().toLowerCase() === wanted }));
}

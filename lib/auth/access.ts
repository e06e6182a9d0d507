import { and, eq, sql } from 'drizzle-orm';
import type { Db, Tx } from '@/lib/db/client';
import { organizations, people, personTwoFactor, provisioningSettings, securityRoles } from '@/lib/db/schema';

export type PersonAccess = {
  email: string;
  name: string;
  active: boolean;
  organizationName: string;
  isRoot: boolean;
  /** The root user, or a security role with the admin grant. */
  isAdmin: boolean;
  /** The person's own two-factor (TOTP) is on. */
  twoFactorEnabled: boolean;
  /** The organization requires two-factor of administrators who sign in with a password. */
  requireAdminTwoFactor: boolean;
};

/**
 * A person's standing in their organization, read fresh: status, organization status, admin grant.
 * Prepared, so it is one round trip and pipelines inside a transaction (lib/users/provision.ts).
 */
export async function personAccess(db: Db | Tx, organizationId: string, personId: string): Promise<PersonAccess | null> {
  const [row] = await db
    .select({
      email: people.email,
      firstName: people.firstName,
      lastName: people.lastName,
      status: people.status,
      organizationName: organizations.name,
      orgStatus: organizations.status,
      isRoot: sql<boolean>`coalesce(${organizations.rootPersonId} = ${people.id}, false)`,
      roleIsAdmin: securityRoles.isAdmin,
      twoFactorEnabledAt: personTwoFactor.enabledAt,
      requireAdminTwoFactor: provisioningSettings.requireAdminTwoFactor,
    })
    .from(people)
    .innerJoin(organizations, eq(organizations.id, people.organizationId))
    .leftJoin(securityRoles, and(eq(securityRoles.id, people.securityRoleId), eq(securityRoles.organizationId, people.organizationId)))
    .leftJoin(personTwoFactor, and(eq(personTwoFactor.personId, people.id), eq(personTwoFactor.organizationId, people.organizationId)))
    .leftJoin(provisioningSettings, eq(provisioningSettings.organizationId, people.organizationId))
    .where(and(eq(people.organizationId, organizationId), eq(people.id, personId)))
    .limit(1)
    .prepare('person_access')
    .execute();
  if (!row) return null;
  return {
    email: row.email,
    name: `${row.firstName} ${row.lastName}`.trim() || row.email,
    active: row.status === 'active' && row.orgStatus === 'active',
    organizationName: row.organizationName,
    isRoot: Boolean(row.isRoot),
    isAdmin: Boolean(row.isRoot || row.roleIsAdmin),
    twoFactorEnabled: Boolean(row.twoFactorEnabledAt),
    requireAdminTwoFactor: Boolean(row.requireAdminTwoFactor),
  };
}

import { and, eq, sql } from 'drizzle-orm';
import type { Db } from '@/lib/db/client';
import { organizations, people, securityRoles } from '@/lib/db/schema';
import { verifyPassword } from './password';

export type LocalSignIn =
  | { ok: true; person: { id: string; organizationId: string; email: string; name: string; isAdmin: boolean } }
  | { ok: false; code: 'invalid' | 'inactive' };

/**
 * Checks a local (non-SSO) password. The hash is always compared, even for an unknown
 * email, so response time does not tell which emails exist; "inactive" is said only to
 * someone who knew the password.
 */
export async function authenticateLocal(db: Db, email: string, password: string, now = new Date()): Promise<LocalSignIn> {
  const [row] = await db
    .select({
      id: people.id,
      organizationId: people.organizationId,
      email: people.email,
      firstName: people.firstName,
      lastName: people.lastName,
      status: people.status,
      passwordHash: people.passwordHash,
      orgStatus: organizations.status,
      isRoot: sql<boolean>`${organizations.rootPersonId} = ${people.id}`,
      roleIsAdmin: securityRoles.isAdmin,
    })
    .from(people)
    .innerJoin(organizations, eq(organizations.id, people.organizationId))
    .leftJoin(securityRoles, and(eq(securityRoles.id, people.securityRoleId), eq(securityRoles.organizationId, people.organizationId)))
    .where(sql`lower(${people.email}) = lower(${email})`)
    .limit(1);

  const passwordOk = await verifyPassword(password, row?.passwordHash);
  if (!row || !row.passwordHash || !passwordOk) return { ok: false, code: 'invalid' };
  if (row.status !== 'active' || row.orgStatus !== 'active') return { ok: false, code: 'inactive' };

  await db
    .update(people)
    .set({ lastLoginAt: now })
    .where(and(eq(people.organizationId, row.organizationId), eq(people.id, row.id)));
  return {
    ok: true,
    person: {
      id: row.id,
      organizationId: row.organizationId,
      email: row.email,
      name: `${row.firstName} ${row.lastName}`.trim(),
      isAdmin: Boolean(row.isRoot || row.roleIsAdmin),
    },
  };
}

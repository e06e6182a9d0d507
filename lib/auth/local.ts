import { and, eq, sql } from 'drizzle-orm';
import type { Db } from '@/lib/db/client';
import { organizations, people, personTwoFactor, securityRoles } from '@/lib/db/schema';
import { verifyPassword } from './password';

export type LocalSignIn =
  | { ok: true; person: { id: string; organizationId: string; email: string; name: string; isAdmin: boolean }; twoFactor: boolean }
  | { ok: false; code: 'invalid' | 'inactive' };

/**
 * Checks a local (non-SSO) password. The hash is always compared, even for an unknown
 * email, so response time does not tell which emails exist; "inactive" is said only to
 * someone who knew the password. With two-factor on, the sign-in is not complete yet: the
 * login time is recorded by the code step (recordLogin).
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
      twoFactorEnabledAt: personTwoFactor.enabledAt,
    })
    .from(people)
    .innerJoin(organizations, eq(organizations.id, people.organizationId))
    .leftJoin(securityRoles, and(eq(securityRoles.id, people.securityRoleId), eq(securityRoles.organizationId, people.organizationId)))
    .leftJoin(personTwoFactor, and(eq(personTwoFactor.personId, people.id), eq(personTwoFactor.organizationId, people.organizationId)))
    .where(sql`lower(${people.email}) = lower(${email})`)
    .limit(1);

  const passwordOk = await verifyPassword(password, row?.passwordHash);
  if (!row || !row.passwordHash || !passwordOk) return { ok: false, code: 'invalid' };
  if (row.status !== 'active' || row.orgStatus !== 'active') return { ok: false, code: 'inactive' };

  const twoFactor = Boolean(row.twoFactorEnabledAt);
  if (!twoFactor) await recordLogin(db, row.organizationId, row.id, now);
  return {
    ok: true,
    twoFactor,
    person: {
      id: row.id,
      organizationId: row.organizationId,
      email: row.email,
      name: `${row.firstName} ${row.lastName}`.trim(),
      isAdmin: Boolean(row.isRoot || row.roleIsAdmin),
    },
  };
}

/** A completed sign-in: the person's last login time. */
export async function recordLogin(db: Db, organizationId: string, personId: string, now = new Date()): Promise<void> {
  await db.update(people).set({ lastLoginAt: now }).where(and(eq(people.organizationId, organizationId), eq(people.id, personId)));
}

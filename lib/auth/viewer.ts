import { and, eq, sql } from 'drizzle-orm';
import { forbidden, redirect } from 'next/navigation';
import { cache } from 'react';
import { getDb } from '@/lib/db/client';
import { organizations, people, securityRoles } from '@/lib/db/schema';
import { auth } from './index';

export type Viewer = {
  personId: string;
  organizationId: string;
  organizationName: string;
  email: string;
  name: string;
  isAdmin: boolean;
  isRoot: boolean;
};

/**
 * The signed-in person, re-read from the database on every request: a session token
 * alone never grants access, so deactivation or losing the admin role takes effect at once.
 */
export const getViewer = cache(async (): Promise<Viewer | null> => {
  const session = await auth();
  const personId = session?.user?.id;
  const organizationId = session?.user?.organizationId;
  if (!personId || !organizationId) return null;
  const [row] = await getDb()
    .select({
      email: people.email,
      firstName: people.firstName,
      lastName: people.lastName,
      status: people.status,
      organizationName: organizations.name,
      orgStatus: organizations.status,
      isRoot: sql<boolean>`coalesce(${organizations.rootPersonId} = ${people.id}, false)`,
      roleIsAdmin: securityRoles.isAdmin,
    })
    .from(people)
    .innerJoin(organizations, eq(organizations.id, people.organizationId))
    .leftJoin(securityRoles, and(eq(securityRoles.id, people.securityRoleId), eq(securityRoles.organizationId, people.organizationId)))
    .where(and(eq(people.organizationId, organizationId), eq(people.id, personId)))
    .limit(1);
  if (!row || row.status !== 'active' || row.orgStatus !== 'active') return null;
  return {
    personId,
    organizationId,
    organizationName: row.organizationName,
    email: row.email,
    name: `${row.firstName} ${row.lastName}`.trim() || row.email,
    isAdmin: Boolean(row.isRoot || row.roleIsAdmin),
    isRoot: Boolean(row.isRoot),
  };
});

/** Pages for any signed-in person of the organization. */
export async function requireViewer(): Promise<Viewer> {
  const viewer = await getViewer();
  if (!viewer) redirect('/login');
  return viewer;
}

/** Admin pages and actions: not signed in → /login; signed in without the admin grant → 403. */
export async function requireAdmin(): Promise<Viewer> {
  const viewer = await requireViewer();
  if (!viewer.isAdmin) forbidden();
  return viewer;
}

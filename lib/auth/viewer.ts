import { forbidden, redirect } from 'next/navigation';
import { cache } from 'react';
import { getDb } from '@/lib/db/client';
import { personAccess } from './access';
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
  const access = await personAccess(getDb(), organizationId, personId);
  if (!access?.active) return null;
  return { personId, organizationId, organizationName: access.organizationName, email: access.email, name: access.name, isAdmin: access.isAdmin, isRoot: access.isRoot };
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

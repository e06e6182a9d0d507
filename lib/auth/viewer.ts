import { forbidden, redirect } from 'next/navigation';
import { cache } from 'react';
import { getDb } from '@/lib/db/client';
import { personAccess } from './access';
import { auth } from './index';

export const TWO_FACTOR_PATH = '/account/two-factor';

export type Viewer = {
  personId: string;
  organizationId: string;
  organizationName: string;
  email: string;
  name: string;
  isAdmin: boolean;
  isRoot: boolean;
  twoFactorEnabled: boolean;
  /**
   * The organization requires two-factor of administrators, this admin signed in with a
   * password and has not turned it on: only the two-factor setup is open to them.
   */
  mustEnrollTwoFactor: boolean;
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
  // Single sign-on leaves second factors to the identity provider.
  const mustEnrollTwoFactor = access.isAdmin && access.requireAdminTwoFactor && !access.twoFactorEnabled && session.user.signInMethod !== 'sso';
  return {
    personId,
    organizationId,
    organizationName: access.organizationName,
    email: access.email,
    name: access.name,
    isAdmin: access.isAdmin,
    isRoot: access.isRoot,
    twoFactorEnabled: access.twoFactorEnabled,
    mustEnrollTwoFactor,
  };
});

/**
 * Pages for any signed-in person of the organization. An admin who must turn on
 * two-factor first is sent to its setup (the setup page itself passes `setup: true`).
 */
export async function requireViewer(opts: { setup?: boolean } = {}): Promise<Viewer> {
  const viewer = await getViewer();
  if (!viewer) redirect('/login');
  if (viewer.mustEnrollTwoFactor && !opts.setup) redirect(TWO_FACTOR_PATH);
  return viewer;
}

/** Admin pages and actions: not signed in → /login; signed in without the admin grant → 403. */
export async function requireAdmin(): Promise<Viewer> {
  const viewer = await requireViewer();
  if (!viewer.isAdmin) forbidden();
  return viewer;
}

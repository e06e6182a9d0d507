import { eq } from 'drizzle-orm';
import { personAccess } from '@/lib/auth/access';
import type { Db } from '@/lib/db/client';
import { organizations } from '@/lib/db/schema';
import { normalizeIdentity, type RawProfile } from '@/lib/provisioning/normalize';
import { provisionLogin, type LoginResult } from '@/lib/users/provision';
import { kindOfProduct } from './jackson';

/** Where an SSO identity's external id is unique: per source and organization (one connection each). */
export function identityScope(kind: 'sso' | 'kaseyaone', organizationId: string) {
  return `jackson:${kind}:${organizationId}`;
}

/** What Jackson's userinfo returns (the parts we read). */
export type JacksonProfile = RawProfile & { requested?: Record<string, string | undefined> };

export type SsoLoginResult =
  | (Extract<LoginResult, { outcome: 'allow' }> & { organizationId: string; email: string; name: string; isAdmin: boolean })
  | Extract<LoginResult, { outcome: 'deny' }>;

/**
 * An IdP login that Jackson has verified: which organization and source it is for come
 * from the connection (tenant = organization id, product = source), never from the
 * assertion's own claims.
 */
export async function ssoLogin(db: Db, profile: JacksonProfile, now = new Date()): Promise<SsoLoginResult> {
  const tenant = profile.requested?.tenant;
  const kind = kindOfProduct(profile.requested?.product);
  if (!tenant || !kind || !/^[0-9a-f-]{36}$/i.test(tenant)) throw new Error('SSO profile without a known tenant/product');
  const [org] = await db.select({ id: organizations.id }).from(organizations).where(eq(organizations.id, tenant));
  if (!org) throw new Error(`SSO login for unknown organization ${tenant}`);

  const identity = normalizeIdentity(kind, identityScope(kind, org.id), profile);
  const result = await provisionLogin(db, { organizationId: org.id, identity, now });
  if (result.outcome === 'deny') return result;

  const access = (await personAccess(db, org.id, result.personId))!;
  return {
    ...result,
    organizationId: org.id,
    email: access.email,
    name: access.name,
    isAdmin: access.isAdmin,
  };
}

import { sql } from 'drizzle-orm';
import type { Db } from '@/lib/db/client';
import { organizations } from '@/lib/db/schema';
import { normalizeIdentity, type RawProfile } from '@/lib/provisioning/normalize';
import type { ReasonCode } from '@/lib/provisioning/reasons';
import { provisionLogin, type LoginResult } from '@/lib/users/provision';
import { kindOfProduct, PLATFORM_TENANT } from './jackson';

/** Where an SSO identity's external id is unique: per source and organization (one connection each). */
export function identityScope(kind: 'sso' | 'kaseyaone', organizationId: string) {
  return `jackson:${kind}:${organizationId}`;
}

/** The platform KaseyaOne IdP issues one id per KaseyaOne user, whichever partner they belong to. */
export const PLATFORM_KASEYAONE_SCOPE = identityScope('kaseyaone', PLATFORM_TENANT);

/** What Jackson's userinfo returns (the parts we read). */
export type JacksonProfile = RawProfile & { requested?: Record<string, string | undefined> };

export type SsoDenial = { outcome: 'deny'; reason: ReasonCode; eventId: string | null; unmatchedPartner?: boolean };

export type SsoLoginResult = (Extract<LoginResult, { outcome: 'allow' }> & { organizationId: string; email: string; name: string; isAdmin: boolean }) | SsoDenial;

/**
 * An IdP login that Jackson has verified. Which organization and source it is for come
 * from the connection (tenant = organization id, product = source), never from the
 * assertion's own claims — except through the platform KaseyaOne IdP, which is one IdP
 * for every partner: its logins go to the organization whose KaseyaOne partner org id is
 * the assertion's (unique across the platform; none → other_org).
 */
export async function ssoLogin(db: Db, profile: JacksonProfile, now = new Date()): Promise<SsoLoginResult> {
  const tenant = profile.requested?.tenant;
  const kind = kindOfProduct(profile.requested?.product);
  if (tenant === PLATFORM_TENANT && kind === 'kaseyaone') return platformKaseyaOneLogin(db, profile, now);
  if (!tenant || !kind || !/^[0-9a-f-]{36}$/i.test(tenant)) throw new Error('SSO profile without a known tenant/product');
  // provisionLogin reads the organization in its transaction (and throws for an unknown one): no separate look-up.
  return provisioned(db, tenant, normalizeIdentity(kind, identityScope(kind, tenant), profile), now);
}

async function platformKaseyaOneLogin(db: Db, profile: JacksonProfile, now: Date): Promise<SsoLoginResult> {
  const identity = normalizeIdentity('kaseyaone', PLATFORM_KASEYAONE_SCOPE, profile);
  const org = identity.partnerOrgId ? await organizationForPartner(db, identity.partnerOrgId) : null;
  if (!org) {
    // No organization to log it in: the operator's log has it, the person a page that says so.
    console.warn(`[sso] platform KaseyaOne login refused (other_org): no organization has partner org id ${JSON.stringify(identity.partnerOrgId)}`);
    return { outcome: 'deny', reason: 'other_org', eventId: null, unmatchedPartner: true };
  }
  return provisioned(db, org.id, identity, now);
}

/** The organization a KaseyaOne partner org id belongs to (compared case-insensitively, unique platform-wide). */
export async function organizationForPartner(db: Db, partnerOrgId: string): Promise<{ id: string } | null> {
  const [org] = await db.select({ id: organizations.id }).from(organizations).where(sql`lower(${organizations.kaseyaOneOrgId}) = lower(${partnerOrgId})`);
  return org ?? null;
}

async function provisioned(db: Db, organizationId: string, identity: ReturnType<typeof normalizeIdentity>, now: Date): Promise<SsoLoginResult> {
  // The person's standing (email, name, admin grant) is read inside the login's transaction.
  const result = await provisionLogin(db, { organizationId, identity, now });
  if (result.outcome === 'deny') return result;
  const { access } = result;
  return { ...result, organizationId, email: access.email, name: access.name, isAdmin: access.isAdmin };
}

/** The end-user denial page for a refused login: its reason, and the event reference when one was written. */
export function deniedPath(d: SsoDenial): string {
  const q = new URLSearchParams({ code: d.reason });
  if (d.eventId) q.set('ref', d.eventId);
  if (d.unmatchedPartner) q.set('why', 'partner');
  return `/auth/denied?${q}`;
}

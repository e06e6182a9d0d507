import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq, sql } from 'drizzle-orm';
import * as s from '@/lib/db/schema';
import { seedDemo } from '@/lib/db/seed';
import { getKaseyaOneSettings, saveKaseyaOneSettings } from '@/lib/settings/kaseyaone';
import { createPlatformKaseyaOneConnection, createSamlConnection, deletePlatformKaseyaOneConnection, getPlatformKaseyaOneConnection } from '@/lib/sso/connections';
import { getJackson, PLATFORM_TENANT, SSO_PRODUCTS } from '@/lib/sso/jackson';
import { deniedPath, ssoLogin, type JacksonProfile } from '@/lib/sso/login';
import { startSamlIdp, type SamlIdp } from '../e2e/idp/saml-idp';
import { testDb } from './db';

// One KaseyaOne IdP for every partner organization: registered once for the platform,
// each login routed by the assertion's partner org id.

const { db } = testDb();
let idp: SamlIdp;
const org: Record<string, { id: string; root: string }> = {};

beforeAll(async () => {
  await seedDemo(db);
  for (const o of await db.select().from(s.organizations)) org[o.slug] = { id: o.id, root: o.rootPersonId! };
  for (const slug of ['acme', 'globex']) {
    const [role] = await db.select().from(s.securityRoles).where(eq(s.securityRoles.organizationId, org[slug]!.id)).orderBy(s.securityRoles.accessLevel).limit(1);
    await db
      .update(s.provisioningSettings)
      .set({ kaseyaOneLoginEnabled: true, autoCreationEnabled: true, defaultSecurityRoleId: role!.id })
      .where(eq(s.provisioningSettings.organizationId, org[slug]!.id));
  }
  idp = await startSamlIdp();
}, 60_000);
afterAll(async () => {
  await (await getJackson()).close();
  await idp.close();
});

const platformProfile = (email: string, partnerOrgId?: string): JacksonProfile => ({
  id: `k1-user-${email}`,
  email,
  firstName: 'Pat',
  lastName: 'Partner',
  raw: partnerOrgId ? { partnerOrgId } : {},
  requested: { tenant: PLATFORM_TENANT, product: SSO_PRODUCTS.kaseyaone },
});

describe('the platform KaseyaOne IdP', () => {
  it('is registered once for the platform, beside an organization using the same IdP for nothing else', async () => {
    expect(await getPlatformKaseyaOneConnection()).toBeNull();
    expect(await createPlatformKaseyaOneConnection({ metadataXml: idp.metadataXml })).toMatchObject({ ok: true, connection: { kind: 'kaseyaone', idp: idp.entityId } });
    expect(await getPlatformKaseyaOneConnection()).toMatchObject({ idp: idp.entityId });
    expect(await createPlatformKaseyaOneConnection({ metadataXml: idp.metadataXml })).toEqual({ ok: false, error: 'The platform already has a KaseyaOne connection. Delete it first to replace it.' });
    // Jackson keeps one entity id to one tenant: an organization cannot register the platform's IdP as its own.
    expect(await createSamlConnection(org.acme!.id, { kind: 'kaseyaone', metadataXml: idp.metadataXml })).toMatchObject({ ok: false });
  });

  it('routes each login to the organization whose partner org id the assertion carries (any case); none → other_org with no organization touched', async () => {
    const a = await ssoLogin(db, platformProfile('pat.acme@acme.example', 'K1-PARTNER-ACME'));
    expect(a).toMatchObject({ outcome: 'allow', action: 'create', organizationId: org.acme!.id });
    const g = await ssoLogin(db, platformProfile('pat.globex@globex.example', 'k1-partner-globex'));
    expect(g).toMatchObject({ outcome: 'allow', action: 'create', organizationId: org.globex!.id });

    const eventsBefore = (await db.select({ n: sql<number>`count(*)::int` }).from(s.provisioningEvents))[0]!.n;
    const stranger = await ssoLogin(db, platformProfile('pat.stranger@elsewhere.example', 'k1-partner-nobody'));
    expect(stranger).toEqual({ outcome: 'deny', reason: 'other_org', eventId: null, unmatchedPartner: true });
    expect(deniedPath(stranger as Extract<typeof stranger, { outcome: 'deny' }>)).toBe('/auth/denied?code=other_org&why=partner');
    expect(await ssoLogin(db, platformProfile('pat.none@elsewhere.example'))).toMatchObject({ outcome: 'deny', reason: 'other_org', unmatchedPartner: true });
    expect((await db.select({ n: sql<number>`count(*)::int` }).from(s.provisioningEvents))[0]!.n).toBe(eventsBefore);
    expect(await db.select().from(s.people).where(eq(s.people.email, 'pat.stranger@elsewhere.example'))).toEqual([]);
  });

  it('each organization’s Enable Log In With KaseyaOne still decides, and a person of another organization is refused', async () => {
    await db.update(s.provisioningSettings).set({ kaseyaOneLoginEnabled: false }).where(eq(s.provisioningSettings.organizationId, org.globex!.id));
    const off = await ssoLogin(db, platformProfile('pat.off@globex.example', 'k1-partner-globex'));
    expect(off).toMatchObject({ outcome: 'deny', reason: 'login_disabled', eventId: expect.any(String) });
    const [event] = await db.select().from(s.provisioningEvents).where(eq(s.provisioningEvents.id, (off as { eventId: string }).eventId));
    expect(event!.organizationId).toBe(org.globex!.id);
    await db.update(s.provisioningSettings).set({ kaseyaOneLoginEnabled: true }).where(eq(s.provisioningSettings.organizationId, org.globex!.id));

    // Acme's person, claimed through Globex's partner id: the core refuses it.
    expect(await ssoLogin(db, platformProfile('pat.acme@acme.example', 'k1-partner-globex'))).toMatchObject({ outcome: 'deny', reason: 'other_org' });
  });

  it('a partner org id names one organization only: a second organization claiming it is a field error', async () => {
    const { values } = await getKaseyaOneSettings(db, org.globex!.id);
    expect(await saveKaseyaOneSettings(db, org.globex!.id, org.globex!.root, { ...values, autoCreationEnabled: false, kaseyaOneOrgId: 'k1-Partner-Acme' })).toMatchObject({
      ok: false,
      fieldErrors: { kaseyaOneOrgId: expect.stringMatching(/^Another organization already uses this KaseyaOne partner organization ID/) },
    });
    const [globex] = await db.select().from(s.organizations).where(and(eq(s.organizations.id, org.globex!.id)));
    expect(globex!.kaseyaOneOrgId).toBe('k1-partner-globex');
    // The database holds the line too.
    await expect(db.update(s.organizations).set({ kaseyaOneOrgId: 'K1-PARTNER-ACME' }).where(eq(s.organizations.id, org.globex!.id))).rejects.toThrow();
    expect(await deletePlatformKaseyaOneConnection()).toBe(true);
  });
});

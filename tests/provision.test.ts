import { and, count, count as count_, eq, sql } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import * as s from '@/lib/db/schema';
import { openDb } from '@/lib/db/client';
import { seedDemo } from '@/lib/db/seed';
import { getEnv, reloadEnv } from '@/lib/env';
import { normalizeIdentity, type RawProfile } from '@/lib/provisioning/normalize';
import { replaceGroupMemberships } from '@/lib/users/groups';
import { previewLogin, provisionLogin } from '@/lib/users/provision';
import { testDb } from './db';

const { db } = testDb();
let acme: typeof s.organizations.$inferSelect;
let globex: typeof s.organizations.$inferSelect;
const ids: Record<string, string> = {};
let seq = 0;
const unique = (name: string) => `${name}.${Date.now().toString(36)}${++seq}@acme.example`;

async function idOf(table: typeof s.departments | typeof s.securityRoles, orgId: string, name: string) {
  const [row] = await db.select({ id: table.id }).from(table).where(and(eq(table.organizationId, orgId), eq(table.name, name)));
  return row!.id;
}

beforeAll(async () => {
  await seedDemo(db);
  acme = (await db.select().from(s.organizations).where(eq(s.organizations.slug, 'acme')))[0]!;
  globex = (await db.select().from(s.organizations).where(eq(s.organizations.slug, 'globex')))[0]!;
  ids.readOnly = await idOf(s.securityRoles, acme.id, 'Read Only');
  ids.technician = await idOf(s.securityRoles, acme.id, 'Technician');
  ids.manager = await idOf(s.securityRoles, acme.id, 'Service Manager');
  ids.serviceDesk = await idOf(s.departments, acme.id, 'Service Desk');
  ids.finance = await idOf(s.departments, acme.id, 'Finance');
  await db
    .update(s.provisioningSettings)
    .set({ method: 'sso_jit', kaseyaOneLoginEnabled: true, autoCreationEnabled: true, defaultSecurityRoleId: ids.readOnly, defaultDepartmentId: ids.serviceDesk })
    .where(eq(s.provisioningSettings.organizationId, acme.id));
  await db.insert(s.mappingRules).values([
    { organizationId: acme.id, kind: 'sso', securityGroup: 'Technicians', userType: 'employee', securityRoleId: ids.technician, position: 20 },
    { organizationId: acme.id, kind: 'sso', securityGroup: 'Managers', userType: 'employee', securityRoleId: ids.manager, position: 10 },
  ]);
});

const k1 = (profile: RawProfile) => normalizeIdentity('kaseyaone', 'k1', { partnerOrgId: 'k1-partner-acme', ...profile });
const sso = (profile: RawProfile) => normalizeIdentity('sso', 'conn-test', profile);

async function personByEmail(email: string) {
  const [p] = await db.select().from(s.people).where(sql`lower(${s.people.email}) = lower(${email})`);
  return p;
}
async function event(id: string) {
  const [e] = await db.select().from(s.provisioningEvents).where(eq(s.provisioningEvents.id, id));
  return e!;
}

describe('applying login decisions', () => {
  it('KaseyaOne: the first login creates the person with the defaults; the next changes only the names', async () => {
    const email = unique('new.k1');
    const first = await provisionLogin(db, { organizationId: acme.id, identity: k1({ id: `k1-${email}`, email, firstName: 'Nia', lastName: 'Okafor' }) });
    expect(first).toMatchObject({ outcome: 'allow', action: 'create' });
    // The person's standing for the session is read in the login's own transaction, as written.
    expect(first).toMatchObject({ access: { email, name: 'Nia Okafor', active: true, isAdmin: false, organizationName: acme.name } });
    const created = await personByEmail(email);
    expect(created).toMatchObject({ organizationId: acme.id, type: 'employee', source: 'kaseyaone', firstName: 'Nia', securityRoleId: ids.readOnly, departmentId: ids.serviceDesk });
    const e1 = await event(first.eventId);
    expect(e1).toMatchObject({ type: 'person_created', personId: created!.id, source: 'kaseyaone' });
    expect(e1.diff.securityRoleId).toEqual({ before: null, after: ids.readOnly });

    const second = await provisionLogin(db, {
      organizationId: acme.id,
      identity: k1({ id: `k1-${email}`, email, firstName: 'Nia', lastName: 'Okafor-Bell', groups: ['Managers'] }),
    });
    expect(second).toMatchObject({ outcome: 'allow', action: 'update', personId: created!.id, access: { name: 'Nia Okafor-Bell' } });
    const after = await personByEmail(email);
    expect(after).toMatchObject({ lastName: 'Okafor-Bell', securityRoleId: ids.readOnly });
    expect((await event(second.eventId)).diff).toEqual({ lastName: { before: 'Okafor', after: 'Okafor-Bell' } });
  });

  it('a login with the email in capitals as the subject id finds the same identity: one external id, not two', async () => {
    const email = unique('casey');
    await provisionLogin(db, { organizationId: acme.id, identity: sso({ id: email, email, groups: ['Technicians'] }) });
    const upper = email.toUpperCase();
    const again = await provisionLogin(db, { organizationId: acme.id, identity: sso({ id: upper, email: upper, groups: ['Technicians'] }) });
    expect(again).toMatchObject({ outcome: 'allow' });
    const person = await personByEmail(email);
    const links = await db.select().from(s.personIdentities).where(eq(s.personIdentities.personId, person!.id));
    expect(links.map((l) => l.externalId)).toEqual([email]);
  });

  it('KASEYAONE_PRODUCT_IDS decides which products claim gets in, case-insensitively', async () => {
    const email = unique('product');
    process.env.KASEYAONE_PRODUCT_IDS = 'bms';
    reloadEnv();
    try {
      const psa = await provisionLogin(db, { organizationId: acme.id, identity: k1({ id: `k1-${email}`, email, products: ['psa'] }) });
      expect(psa).toMatchObject({ outcome: 'deny', reason: 'no_product_access' });
      const bms = await provisionLogin(db, { organizationId: acme.id, identity: k1({ id: `k1-${email}`, email, products: ['BMS'] }) });
      expect(bms).toMatchObject({ outcome: 'allow', action: 'create' });
    } finally {
      delete process.env.KASEYAONE_PRODUCT_IDS;
      reloadEnv();
    }
  });

  it('a denied login writes its event and creates nothing', async () => {
    const email = unique('nobody');
    const res = await provisionLogin(db, { organizationId: acme.id, identity: sso({ id: email, email, groups: ['Sales'] }) });
    expect(res).toMatchObject({ outcome: 'deny', reason: 'no_matching_rule' });
    expect(await personByEmail(email)).toBeUndefined();
    const e = await event(res.eventId);
    expect(e).toMatchObject({ type: 'login_denied', reasonCode: 'no_matching_rule', organizationId: acme.id, personId: null });
    expect(e.detail).toMatchObject({ identity: { email, groups: ['Sales'] } });
  });

  it('SSO JIT: the rule decides the role, and a group change on the next login changes it', async () => {
    const email = unique('jit');
    const first = await provisionLogin(db, { organizationId: acme.id, identity: sso({ id: `sub-${email}`, email, groups: ['Technicians'] }) });
    expect(first).toMatchObject({ outcome: 'allow', action: 'create' });
    expect((await personByEmail(email))!.securityRoleId).toBe(ids.technician);
    const second = await provisionLogin(db, { organizationId: acme.id, identity: sso({ id: `sub-${email}`, email, groups: ['Technicians', 'Managers'] }) });
    expect(second).toMatchObject({ action: 'update' });
    expect((await personByEmail(email))!.securityRoleId).toBe(ids.manager);
  });

  it('an email change at the IdP updates the person found by the immutable id, not a duplicate', async () => {
    const email = unique('rename');
    const sub = `sub-${email}`;
    const first = await provisionLogin(db, { organizationId: acme.id, identity: sso({ id: sub, email, groups: ['Technicians'] }) });
    const renamed = unique('renamed');
    const second = await provisionLogin(db, { organizationId: acme.id, identity: sso({ id: sub, email: renamed.toUpperCase(), groups: ['Technicians'] }) });
    expect(second).toMatchObject({ outcome: 'allow', action: 'update', personId: (first as { personId: string }).personId });
    expect(await personByEmail(email)).toBeUndefined();
    expect((await personByEmail(renamed))!.id).toBe((first as { personId: string }).personId);
  });

  it('a person first found by email is linked, so the next login finds them by id', async () => {
    const email = 'bob.martin@acme.example';
    const res = await provisionLogin(db, { organizationId: acme.id, identity: sso({ id: 'sub-bob', email, groups: ['Technicians'] }) });
    expect(res.outcome).toBe('allow');
    const links = await db.select().from(s.personIdentities).where(eq(s.personIdentities.externalId, 'sub-bob'));
    expect(links).toHaveLength(1);
    expect(links[0]!.personId).toBe((await personByEmail(email))!.id);
  });

  it('a locked field is not overwritten by the next login', async () => {
    const email = unique('locked');
    const first = await provisionLogin(db, { organizationId: acme.id, identity: sso({ id: `sub-${email}`, email, firstName: 'Kim', groups: ['Technicians'] }) });
    const personId = (first as { personId: string }).personId;
    await db.update(s.people).set({ lockedFields: ['firstName'] }).where(and(eq(s.people.organizationId, acme.id), eq(s.people.id, personId)));
    await provisionLogin(db, { organizationId: acme.id, identity: sso({ id: `sub-${email}`, email, firstName: 'Kimberly', groups: ['Technicians'] }) });
    expect((await personByEmail(email))!.firstName).toBe('Kim');
  });

  it("another organization's person is refused and left untouched", async () => {
    const before = await personByEmail('gina.ross@globex.example');
    const res = await provisionLogin(db, { organizationId: acme.id, identity: sso({ id: 'sub-gina', email: 'gina.ross@globex.example', firstName: 'Hacked', groups: ['Managers'] }) });
    expect(res).toMatchObject({ outcome: 'deny', reason: 'other_org' });
    expect(await personByEmail('gina.ross@globex.example')).toEqual(before);
    expect((await event(res.eventId)).organizationId).toBe(acme.id);
    expect(globex.id).not.toBe(acme.id);
  });

  it('20 concurrent first logins of one person create exactly one person', async () => {
    // A warm pool of 20 connections, so the 20 transactions really overlap.
    const { db: wide, sql: wideSql } = openDb(getEnv().DATABASE_URL!, 20);
    await Promise.all(Array.from({ length: 20 }, () => wideSql`select pg_sleep(0.05)`));
    const email = unique('stampede');
    const results = await Promise.all(
      Array.from({ length: 20 }, () => provisionLogin(wide, { organizationId: acme.id, identity: sso({ id: `sub-${email}`, email, groups: ['Technicians'] }) })),
    );
    await wideSql.end();
    expect(results.every((r) => r.outcome === 'allow')).toBe(true);
    const personIds = new Set(results.map((r) => (r as { personId: string }).personId));
    expect(personIds.size).toBe(1);
    const [{ n: people }] = (await db.select({ n: count() }).from(s.people).where(sql`lower(${s.people.email}) = ${email}`)) as [{ n: number }];
    expect(people).toBe(1);
    const [{ n: links }] = (await db.select({ n: count() }).from(s.personIdentities).where(eq(s.personIdentities.externalId, `sub-${email}`))) as [{ n: number }];
    expect(links).toBe(1);
    expect(results.filter((r) => r.outcome === 'allow' && r.action === 'create')).toHaveLength(1);
    const events = await db.select().from(s.provisioningEvents).where(sql`${s.provisioningEvents.detail}->'identity'->>'email' = ${email}`);
    expect(events).toHaveLength(20);
  });

  it('the seat cap holds under concurrent first logins', async () => {
    const [{ n }] = (await db
      .select({ n: count() })
      .from(s.people)
      .where(and(eq(s.people.organizationId, acme.id), sql`${s.people.source} in ('sso_jit', 'kaseyaone')`))) as [{ n: number }];
    await db.update(s.provisioningSettings).set({ seatCap: n + 3 }).where(eq(s.provisioningSettings.organizationId, acme.id));
    const results = await Promise.all(
      Array.from({ length: 8 }, (_, i) => {
        const email = unique(`seat${i}`);
        return provisionLogin(db, { organizationId: acme.id, identity: sso({ id: `sub-${email}`, email, groups: ['Technicians'] }) });
      }),
    );
    expect(results.filter((r) => r.outcome === 'allow')).toHaveLength(3);
    expect(results.filter((r) => r.outcome === 'deny' && r.reason === 'seat_limit_reached')).toHaveLength(5);
    await db.update(s.provisioningSettings).set({ seatCap: null }).where(eq(s.provisioningSettings.organizationId, acme.id));
  });
});

describe('login preview', () => {
  it('decides exactly what the real login then does, and writes nothing', async () => {
    const email = unique('preview');
    const identity = sso({ id: `sub-${email}`, email, firstName: 'Pre', lastName: 'View', groups: ['Technicians'] });
    const count = async () => {
      const [p] = (await db.select({ n: count_() }).from(s.people)) as [{ n: number }];
      const [e] = (await db.select({ n: count_() }).from(s.provisioningEvents)) as [{ n: number }];
      return [p.n, e.n];
    };
    const before = await count();
    const preview = await previewLogin(db, { organizationId: acme.id, identity });
    expect(await count()).toEqual(before);
    expect(preview).toMatchObject({ outcome: 'allow', action: 'create' });

    const real = await provisionLogin(db, { organizationId: acme.id, identity });
    expect(real).toMatchObject({ outcome: 'allow', action: 'create' });
    const created = await personByEmail(email);
    if (preview.outcome !== 'allow') throw new Error('unreachable');
    expect(created).toMatchObject({ securityRoleId: preview.create!.securityRoleId, departmentId: preview.create!.departmentId, firstName: 'Pre' });

    const denied = await previewLogin(db, { organizationId: acme.id, identity: sso({ id: 'x', email: unique('nobody'), groups: ['Sales'] }) });
    expect(denied).toMatchObject({ outcome: 'deny', reason: 'no_matching_rule' });
  });
});

describe('group memberships from the IdP (seed 004: "the contact\'s connections to user groups")', () => {
  const groupsOf = async (personId: string) =>
    (await db.select().from(s.personGroups).where(eq(s.personGroups.personId, personId))).map((g) => `${g.source}:${g.groupName}`).sort();

  it('every login replaces the person\'s groups at that source (not appended; empty when the IdP sends none); other sources are kept', async () => {
    const email = unique('groups');
    const first = await provisionLogin(db, { organizationId: acme.id, identity: sso({ id: email, email, groups: ['Technicians', 'Everyone'] }) });
    const personId = (first as { personId: string }).personId;
    expect(await groupsOf(personId)).toEqual(['sso:Everyone', 'sso:Technicians']);
    await provisionLogin(db, { organizationId: acme.id, identity: k1({ id: `k1-${email}`, email, groups: ['K1 Admins'] }) });
    await provisionLogin(db, { organizationId: acme.id, identity: sso({ id: email, email, groups: ['Technicians', 'Managers'] }) });
    expect(await groupsOf(personId)).toEqual(['kaseyaone:K1 Admins', 'sso:Managers', 'sso:Technicians']);
    // No groups in the assertion: that source's groups are cleared (a refused login still records it).
    const denied = await provisionLogin(db, { organizationId: acme.id, identity: sso({ id: email, email }) });
    expect(denied).toMatchObject({ outcome: 'deny', reason: 'no_matching_rule' });
    expect(await groupsOf(personId)).toEqual(['kaseyaone:K1 Admins']);
  });

  it('replaceGroupMemberships is set-based for the directory sync: many people at once, and never another organization\'s person', async () => {
    const [a, b] = await Promise.all(['bulk.a', 'bulk.b'].map(async (n) => {
      const email = unique(n);
      return ((await provisionLogin(db, { organizationId: acme.id, identity: sso({ id: email, email, groups: ['Technicians'] }) })) as { personId: string }).personId;
    }));
    const [gina] = await db.select().from(s.people).where(eq(s.people.email, 'gina.ross@globex.example'));
    const seen = new Date('2026-03-01T10:00:00Z');
    await replaceGroupMemberships(db, acme.id, 'azure', [{ personId: a!, groups: ['g-1', 'g-2', 'g-2'] }, { personId: b!, groups: [] }, { personId: gina!.id, groups: ['g-1'] }], seen);
    expect(await groupsOf(a!)).toEqual(['azure:g-1', 'azure:g-2', 'sso:Technicians']);
    expect(await groupsOf(b!)).toEqual(['sso:Technicians']);
    expect(await groupsOf(gina!.id)).toEqual([]);
    const [row] = await db.select().from(s.personGroups).where(and(eq(s.personGroups.personId, a!), eq(s.personGroups.groupName, 'g-1')));
    expect(row!.lastSeenAt).toEqual(seen);
    await replaceGroupMemberships(db, acme.id, 'azure', [{ personId: a!, groups: ['g-2'] }]);
    expect(await groupsOf(a!)).toEqual(['azure:g-2', 'sso:Technicians']);
  });
});

import { and, eq, sql } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import * as s from '@/lib/db/schema';
import { seedDemo } from '@/lib/db/seed';
import { normalizeIdentity } from '@/lib/provisioning/normalize';
import { deleteAttributeMapping, listAttributeMappings, saveAttributeMapping } from '@/lib/settings/attribute-mappings';
import { saveMethod, saveRule } from '@/lib/settings/mapping-rules';
import { provisionLogin } from '@/lib/users/provision';
import { testDb } from './db';

const { db } = testDb();
const org: Record<string, string> = {};
let actor = '';
const CLAIM = 'http://schemas.xmlsoap.org/ws/2005/05/identity/claims/department';

beforeAll(async () => {
  await seedDemo(db);
  for (const o of await db.select().from(s.organizations)) org[o.slug] = o.id;
  actor = (await db.select().from(s.organizations).where(eq(s.organizations.slug, 'acme')))[0]!.rootPersonId!;
  const [tech] = await db.select().from(s.securityRoles).where(and(eq(s.securityRoles.organizationId, org.acme!), eq(s.securityRoles.name, 'Technician')));
  await saveMethod(db, org.acme!, actor, 'sso_jit');
  await saveRule(db, org.acme!, actor, { domain: '', securityGroup: '', userType: 'employee', securityRoleId: tech!.id, position: 10 });
});

async function department(email: string) {
  const [row] = await db
    .select({ name: s.departments.name })
    .from(s.people)
    .leftJoin(s.departments, eq(s.departments.id, s.people.departmentId))
    .where(sql`lower(${s.people.email}) = ${email}`);
  return row?.name ?? null;
}

describe('attribute mappings (seed 004)', () => {
  it('"specify them next to the corresponding SAML attributes" and "the Column default value": a claim URI fills Department, the default covers a missing attribute', async () => {
    expect(await saveAttributeMapping(db, org.acme!, actor, { attributeName: CLAIM, personField: 'departmentId', defaultValue: 'Finance', applyOn: 'every_login' })).toEqual({ ok: true });
    const login = (email: string, raw: Record<string, unknown>) => provisionLogin(db, { organizationId: org.acme!, identity: normalizeIdentity('sso', 'am', { id: email, email, raw }) });
    await login('mapped.one@acme.example', { [CLAIM]: 'Projects' });
    expect(await department('mapped.one@acme.example')).toBe('Projects');
    await login('mapped.two@acme.example', {});
    expect(await department('mapped.two@acme.example')).toBe('Finance');
    await login('mapped.one@acme.example', { [CLAIM]: 'Sales' });
    expect(await department('mapped.one@acme.example')).toBe('Sales');
  });

  it('one mapping per person field: saving again replaces it (audited), and "on create only" stops later updates', async () => {
    await saveAttributeMapping(db, org.acme!, actor, { attributeName: 'dept', personField: 'departmentId', defaultValue: '', applyOn: 'create' });
    const list = await listAttributeMappings(db, org.acme!);
    expect(list).toHaveLength(1);
    expect(list[0]).toMatchObject({ attributeName: 'dept', defaultValue: null, applyOn: 'create' });
    await provisionLogin(db, { organizationId: org.acme!, identity: normalizeIdentity('sso', 'am', { id: 'mapped.one@acme.example', email: 'mapped.one@acme.example', raw: { dept: 'Finance' } }) });
    expect(await department('mapped.one@acme.example')).toBe('Sales');
    const events = await db.select().from(s.provisioningEvents).where(sql`${s.provisioningEvents.detail}->>'what' = 'attribute_mapping'`);
    expect(events).toHaveLength(2);
  });

  it('validates input (a lookup default must name an existing value, case-insensitively), and only deletes its own organization\'s mappings', async () => {
    expect(await saveAttributeMapping(db, org.acme!, actor, { attributeName: ' ', personField: 'password', defaultValue: null, applyOn: 'every_login' })).toMatchObject({
      ok: false,
      fieldErrors: { attributeName: 'Enter the assertion attribute name (a claim URI is fine).', personField: 'Choose a person field.' },
    });
    expect(await saveAttributeMapping(db, org.acme!, actor, { attributeName: 'dept', personField: 'departmentId', defaultValue: 'Nowhere', applyOn: 'every_login' })).toMatchObject({
      ok: false,
      fieldErrors: { defaultValue: '"Nowhere" is not a Department of your organization: choose an existing one or leave it empty.' },
    });
    // Globex's departments are not Acme's.
    expect(await saveAttributeMapping(db, org.acme!, actor, { attributeName: 'dept', personField: 'departmentId', defaultValue: 'Billing', applyOn: 'every_login' })).toMatchObject({ ok: false });
    expect(await saveAttributeMapping(db, org.acme!, actor, { attributeName: 'title', personField: 'firstName', defaultValue: 'Anyone', applyOn: 'create' })).toEqual({ ok: true });
    // A lookup default is stored as the lookup spells it.
    expect(await saveAttributeMapping(db, org.acme!, actor, { attributeName: 'loc', personField: 'locationId', defaultValue: 'head office', applyOn: 'create' })).toEqual({ ok: true });
    expect((await listAttributeMappings(db, org.acme!)).find((m) => m.personField === 'locationId')).toMatchObject({ defaultValue: 'Head Office' });
    await deleteAttributeMapping(db, org.acme!, actor, (await listAttributeMappings(db, org.acme!)).find((m) => m.personField === 'locationId')!.id);
    await deleteAttributeMapping(db, org.acme!, actor, (await listAttributeMappings(db, org.acme!)).find((m) => m.personField === 'firstName')!.id);
    expect(await listAttributeMappings(db, org.acme!)).toMatchObject([{ attributeName: 'dept', defaultValue: null, applyOn: 'create' }]);
    const [mine] = await listAttributeMappings(db, org.acme!);
    expect(await deleteAttributeMapping(db, org.globex!, actor, mine!.id)).toMatchObject({ ok: false });
    expect(await listAttributeMappings(db, org.acme!)).toHaveLength(1);
    expect(await deleteAttributeMapping(db, org.acme!, actor, mine!.id)).toEqual({ ok: true });
    expect(await listAttributeMappings(db, org.acme!)).toEqual([]);
  });
});

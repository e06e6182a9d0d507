import { and, eq } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import * as s from '@/lib/db/schema';
import { seedDemo } from '@/lib/db/seed';
import { normalizeIdentity } from '@/lib/provisioning/normalize';
import { deleteRule, getProvisioningMethod, listRules, saveMethod, saveRule } from '@/lib/settings/mapping-rules';
import { previewLogin } from '@/lib/users/provision';
import { testDb } from './db';

const { db } = testDb();
const org: Record<string, string> = {};
const role: Record<string, string> = {};
let actor = '';

beforeAll(async () => {
  await seedDemo(db);
  for (const o of await db.select().from(s.organizations)) org[o.slug] = o.id;
  actor = (await db.select().from(s.organizations).where(eq(s.organizations.slug, 'acme')))[0]!.rootPersonId!;
  for (const r of await db.select().from(s.securityRoles)) role[`${r.organizationId === org.acme ? 'acme' : 'globex'}:${r.name}`] = r.id;
});

const preview = (groups: string[]) =>
  previewLogin(db, { organizationId: org.acme!, identity: normalizeIdentity('sso', 'test', { email: 'someone.new@acme.example', groups }) });

describe('Mapping Rules and provisioning method', () => {
  it('seed 001: "Choose SSO JIT Provisioning" — the method is saved and audited once', async () => {
    expect(await getProvisioningMethod(db, org.acme!)).toBe('none');
    await saveMethod(db, org.acme!, actor, 'sso_jit');
    await saveMethod(db, org.acme!, actor, 'sso_jit');
    expect(await getProvisioningMethod(db, org.acme!)).toBe('sso_jit');
    const events = await db.select().from(s.provisioningEvents).where(and(eq(s.provisioningEvents.organizationId, org.acme!), eq(s.provisioningEvents.type, 'settings_changed')));
    expect(events.map((e) => e.diff)).toEqual([{ method: { before: 'none', after: 'sso_jit' } }]);
  });

  it('seed 001: "Multiple rules can be added" — lowest order wins, a tie goes to the oldest, and editing the order changes the decision', async () => {
    const techs = await saveRule(db, org.acme!, actor, { domain: '', securityGroup: 'Technicians', userType: 'employee', securityRoleId: role['acme:Technician'], position: '20' });
    const managers = await saveRule(db, org.acme!, actor, { domain: 'ACME.example', securityGroup: 'Managers', userType: 'employee', securityRoleId: role['acme:Service Manager'], position: 10 });
    expect(techs.ok && managers.ok).toBe(true);
    const rules = await listRules(db, org.acme!);
    expect(rules.map((r) => [r.position, r.securityGroup, r.domain, r.roleName])).toEqual([
      [10, 'Managers', 'acme.example', 'Service Manager'],
      [20, 'Technicians', null, 'Technician'],
    ]);
    expect((await preview(['Technicians', 'Managers'])).ruleId).toBe((managers as { id: string }).id);

    await saveRule(db, org.acme!, actor, { ...rules[1]!, domain: '', securityGroup: 'Technicians', position: 10, departmentId: '', locationId: '', employeeRoleId: '' });
    // Same order now: the older rule (Technicians, added first) wins.
    expect((await preview(['Technicians', 'Managers'])).ruleId).toBe((techs as { id: string }).id);
  });

  it("refuses another organization's role, and another organization's rule id is not found", async () => {
    const bad = await saveRule(db, org.acme!, actor, { domain: '', securityGroup: 'X', userType: 'employee', securityRoleId: role['globex:Administrator'], position: 5 });
    expect(bad).toMatchObject({ ok: false, fieldErrors: { securityRoleId: 'Choose a Security Role of your organization.' } });
    const [acmeRule] = await listRules(db, org.acme!);
    expect(await deleteRule(db, org.globex!, actor, acmeRule!.id)).toMatchObject({ ok: false, notFound: true });
    expect(await saveRule(db, org.globex!, actor, { id: acmeRule!.id, domain: '', securityGroup: 'Hijack', userType: 'employee', securityRoleId: role['globex:Basic'], position: 1 })).toMatchObject({ ok: false, notFound: true });
    expect((await listRules(db, org.acme!)).map((r) => r.securityGroup)).not.toContain('Hijack');
  });

  it('validates the fields: order, domain, role', async () => {
    const res = await saveRule(db, org.acme!, actor, { domain: 'not a domain!', securityGroup: '', userType: 'employee', securityRoleId: '', position: '-1' });
    expect(res).toMatchObject({ ok: false, fieldErrors: { domain: 'Enter a domain like contoso.com, or leave empty for any.', securityRoleId: 'Choose a Security Role.', position: 'The order is 0 or more.' } });
  });

  it('a deleted rule no longer grants access', async () => {
    for (const r of await listRules(db, org.acme!)) expect(await deleteRule(db, org.acme!, actor, r.id)).toMatchObject({ ok: true });
    expect(await preview(['Technicians'])).toMatchObject({ outcome: 'deny', reason: 'no_matching_rule' });
  });
});

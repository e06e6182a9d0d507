import { and, desc, eq } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import * as s from '@/lib/db/schema';
import { seedDemo } from '@/lib/db/seed';
import { normalizeIdentity } from '@/lib/provisioning/normalize';
import { getKaseyaOneSettings, saveKaseyaOneSettings } from '@/lib/settings/kaseyaone';
import { provisionLogin } from '@/lib/users/provision';
import { testDb } from './db';
import { enrollTwoFactor } from './two-factor-helpers';

const { db } = testDb();
let acme: string;
let globex: string;
let actor: string;
const pick = (opts: { id: string; name: string }[], name: string) => opts.find((o) => o.name === name)!.id;

beforeAll(async () => {
  await seedDemo(db);
  for (const o of await db.select().from(s.organizations)) {
    if (o.slug === 'acme') [acme, actor] = [o.id, o.rootPersonId!];
    if (o.slug === 'globex') globex = o.id;
  }
  // Seed 002: only an admin with two-factor on may switch KaseyaOne login on (tests/two-factor.test.ts).
  await enrollTwoFactor(db, acme, actor);
});

async function defaultsFor(orgId: string, role = 'Read Only') {
  const { options } = await getKaseyaOneSettings(db, orgId);
  return {
    departmentId: options.departmentId[0]!.id,
    locationId: options.locationId[0]!.id,
    managerId: options.managerId[0]!.id,
    jobTitleId: options.jobTitleId[0]!.id,
    employmentTypeId: options.employmentTypeId[0]!.id,
    securityRoleId: pick(options.securityRoleId, role),
    employeeRoleId: options.employeeRoleId[0]!.id,
  };
}

describe('KaseyaOne Settings', () => {
  it('seed 002: "The Enable Log In with KaseyaOne toggle must be activated before the Automatic User Creation feature can be enabled"', async () => {
    const res = await saveKaseyaOneSettings(db, acme, actor, { loginEnabled: false, autoCreationEnabled: true, kaseyaOneOrgId: 'k1-partner-acme', ...(await defaultsFor(acme)) });
    expect(res).toMatchObject({ ok: false, fieldErrors: { autoCreationEnabled: 'Turn on Enable Log In With KaseyaOne before Automatic User Creation.' } });
    expect((await getKaseyaOneSettings(db, acme)).values.autoCreationEnabled).toBe(false);
  });

  it('seed 000: "Select a department, location, manager, job title, employment type, security role, and employee role as defaults" — all required while on', async () => {
    const res = await saveKaseyaOneSettings(db, acme, actor, { loginEnabled: true, autoCreationEnabled: true, kaseyaOneOrgId: 'k1-partner-acme' });
    expect(res.ok).toBe(false);
    expect(Object.keys((res as { fieldErrors: object }).fieldErrors).sort()).toEqual(['departmentId', 'employeeRoleId', 'employmentTypeId', 'jobTitleId', 'locationId', 'managerId', 'securityRoleId']);
  });

  it("another organization's lookup id is a field error and changes nothing", async () => {
    const mine = await defaultsFor(acme);
    const theirs = await defaultsFor(globex, 'Basic');
    const res = await saveKaseyaOneSettings(db, acme, actor, { loginEnabled: true, autoCreationEnabled: true, kaseyaOneOrgId: 'k1-partner-acme', ...mine, securityRoleId: theirs.securityRoleId });
    expect(res).toMatchObject({ ok: false, fieldErrors: { securityRoleId: 'Choose a Security Role of your organization.' } });
    expect((await getKaseyaOneSettings(db, acme)).values.loginEnabled).toBe(false);
  });

  it('seed 000: "Click Save. The defaults are now saved." — audited; turning it off keeps the form and values; a KaseyaOne login then uses the defaults', async () => {
    const defaults = await defaultsFor(acme);
    const saved = await saveKaseyaOneSettings(db, acme, actor, { loginEnabled: true, autoCreationEnabled: true, kaseyaOneOrgId: 'k1-partner-acme', ...defaults });
    expect(saved).toMatchObject({ ok: true });
    const view = await getKaseyaOneSettings(db, acme);
    expect(view).toMatchObject({ everEnabled: true, values: { loginEnabled: true, autoCreationEnabled: true, ...defaults } });
    const [event] = await db
      .select()
      .from(s.provisioningEvents)
      .where(and(eq(s.provisioningEvents.organizationId, acme), eq(s.provisioningEvents.type, 'settings_changed')))
      .orderBy(desc(s.provisioningEvents.createdAt))
      .limit(1);
    expect(event).toMatchObject({ actorPersonId: actor, detail: { what: 'kaseyaone_settings' } });
    expect(event!.diff.securityRoleId).toEqual({ before: null, after: defaults.securityRoleId });

    const login = await provisionLogin(db, { organizationId: acme, identity: normalizeIdentity('kaseyaone', 'k1', { id: 'k1-zed', email: 'zed@acme.example', firstName: 'Zed', partnerOrgId: 'k1-partner-acme' }) });
    expect(login).toMatchObject({ outcome: 'allow', action: 'create' });
    const [zed] = await db.select().from(s.people).where(eq(s.people.email, 'zed@acme.example'));
    expect(zed).toMatchObject({ securityRoleId: defaults.securityRoleId, departmentId: defaults.departmentId, managerId: defaults.managerId });

    // "if you disable the slider, the form will still be visible but the fields will remain unselectable": values are kept.
    expect(await saveKaseyaOneSettings(db, acme, actor, { loginEnabled: true, autoCreationEnabled: false, kaseyaOneOrgId: 'k1-partner-acme' })).toMatchObject({ ok: true });
    expect(await getKaseyaOneSettings(db, acme)).toMatchObject({ everEnabled: true, values: { autoCreationEnabled: false, ...defaults } });
  });

  it('saving the same values again changes nothing and writes no event', async () => {
    const before = await db.select().from(s.provisioningEvents).where(eq(s.provisioningEvents.organizationId, acme));
    const { values } = await getKaseyaOneSettings(db, acme);
    expect(await saveKaseyaOneSettings(db, acme, actor, values)).toEqual({ ok: true, changed: [] });
    expect(await db.select().from(s.provisioningEvents).where(eq(s.provisioningEvents.organizationId, acme))).toHaveLength(before.length);
  });

  it('the Account default (optional): one of this organization’s client Accounts, audited, kept while auto-creation is off, given to new people', async () => {
    const { options, values } = await getKaseyaOneSettings(db, acme);
    expect(options.clientAccountId.map((o) => o.name)).toEqual(['Initech', 'Umbrella Health']);
    const theirs = (await getKaseyaOneSettings(db, globex)).options.clientAccountId[0]!.id;
    const on = { ...values, loginEnabled: true, autoCreationEnabled: true };
    expect(await saveKaseyaOneSettings(db, acme, actor, { ...on, clientAccountId: theirs })).toMatchObject({ ok: false, fieldErrors: { clientAccountId: 'Choose an Account of your organization.' } });
    expect(await saveKaseyaOneSettings(db, acme, actor, { ...on, clientAccountId: 'nope' })).toMatchObject({ ok: false, fieldErrors: { clientAccountId: expect.any(String) } });
    expect((await getKaseyaOneSettings(db, acme)).values.clientAccountId).toBeNull();

    const umbrella = pick(options.clientAccountId, 'Umbrella Health');
    expect(await saveKaseyaOneSettings(db, acme, actor, { ...on, clientAccountId: umbrella })).toEqual({ ok: true, changed: ['autoCreationEnabled', 'clientAccountId'] });
    expect((await getKaseyaOneSettings(db, acme)).values.clientAccountId).toBe(umbrella);
    const [event] = await db.select().from(s.provisioningEvents).where(eq(s.provisioningEvents.organizationId, acme)).orderBy(desc(s.provisioningEvents.createdAt)).limit(1);
    expect(event!.diff.clientAccountId).toEqual({ before: null, after: umbrella });
    const [row] = await db.select().from(s.provisioningSettings).where(eq(s.provisioningSettings.organizationId, acme));
    expect(row!.defaultClientAccountId).toBe(umbrella);

    // Like the other defaults, it is kept (not cleared) while Automatic User Creation is off.
    expect(await saveKaseyaOneSettings(db, acme, actor, { ...on, autoCreationEnabled: false, clientAccountId: '' })).toMatchObject({ ok: true });
    expect((await getKaseyaOneSettings(db, acme)).values.clientAccountId).toBe(umbrella);

    await saveKaseyaOneSettings(db, acme, actor, { ...on, clientAccountId: umbrella });
    const login = await provisionLogin(db, { organizationId: acme, identity: normalizeIdentity('kaseyaone', 'k1', { id: 'k1-yan', email: 'yan@acme.example', firstName: 'Yan', partnerOrgId: 'k1-partner-acme' }) });
    expect(login).toMatchObject({ outcome: 'allow', action: 'create' });
    const [yan] = await db.select().from(s.people).where(eq(s.people.email, 'yan@acme.example'));
    expect(yan!.clientAccountId).toBe(umbrella);

    // Optional: clearing it is allowed while the other defaults stay required.
    expect(await saveKaseyaOneSettings(db, acme, actor, { ...on, clientAccountId: '' })).toMatchObject({ ok: true, changed: ['clientAccountId'] });
    expect((await getKaseyaOneSettings(db, acme)).values.clientAccountId).toBeNull();
  });

  it('the seat cap: saved and audited, counted against the people created automatically, and refused when not a whole number ≥ 1', async () => {
    const { values, seats } = await getKaseyaOneSettings(db, acme);
    expect(seats).toEqual({ used: 2, cap: null }); // zed and yan, created by KaseyaOne logins above
    for (const bad of ['0', '2.5', 'ten']) {
      expect(await saveKaseyaOneSettings(db, acme, actor, { ...values, seatCap: bad })).toMatchObject({ ok: false, fieldErrors: { seatCap: expect.any(String) } });
    }
    expect(await saveKaseyaOneSettings(db, acme, actor, { ...values, seatCap: '3' })).toEqual({ ok: true, changed: ['seatCap'] });
    expect((await getKaseyaOneSettings(db, acme)).seats).toEqual({ used: 2, cap: 3 });
    const [event] = await db.select().from(s.provisioningEvents).where(eq(s.provisioningEvents.organizationId, acme)).orderBy(desc(s.provisioningEvents.createdAt)).limit(1);
    expect(event!.diff.seatCap).toEqual({ before: null, after: 3 });

    const k1 = (n: string) => normalizeIdentity('kaseyaone', 'k1', { id: `k1-${n}`, email: `${n}@acme.example`, partnerOrgId: 'k1-partner-acme' });
    expect(await provisionLogin(db, { organizationId: acme, identity: k1('seat.three') })).toMatchObject({ outcome: 'allow', action: 'create' });
    expect(await provisionLogin(db, { organizationId: acme, identity: k1('seat.four') })).toMatchObject({ outcome: 'deny', reason: 'seat_limit_reached' });
    expect((await getKaseyaOneSettings(db, acme)).seats).toEqual({ used: 3, cap: 3 });
    expect(await saveKaseyaOneSettings(db, acme, actor, { ...values, seatCap: '' })).toEqual({ ok: true, changed: ['seatCap'] });
  });
});

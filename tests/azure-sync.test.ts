import { spawn } from 'node:child_process';
import { and, eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listEvents, logFiltersSchema } from '@/lib/audit/log';
import { decidePausedRun, deleteConnection, listConnections, saveConnection, verifyConnection } from '@/lib/azure/connections';
import { saveDefaultPhoneType } from '@/lib/azure/field-settings';
import { RECONNECT_DELAY_MS, syncConnection } from '@/lib/azure/sync';
import * as s from '@/lib/db/schema';
import { seedDemo } from '@/lib/db/seed';
import { getEnv } from '@/lib/env';
import { startFakeGraph, type FakeGraph } from '@/e2e/graph/fake-graph';
import { APP_ID, azureRule, connect, connection, consentRoundTrip, guid, pointAzureAt, scenario as azureScenario, SECRET, tenant } from './azure-fixture';
import { testDb } from './db';

const { db } = testDb();
let fake: FakeGraph;
let acme = '';
let actor = '';
const role: Record<string, string> = {};

beforeAll(async () => {
  fake = await startFakeGraph({ pageSize: 5, memberPageSize: 4 });
  pointAzureAt(fake);
  await seedDemo(db);
  const [org] = await db.select().from(s.organizations).where(eq(s.organizations.slug, 'acme'));
  acme = org!.id;
  actor = org!.rootPersonId!;
  for (const r of await db.select().from(s.securityRoles).where(eq(s.securityRoles.organizationId, acme))) role[r.name] = r.id;
});
afterAll(() => fake?.stop());

const noWait = async () => {};
const sync = (id: string, opts: Parameters<typeof syncConnection>[2] = {}) => syncConnection(db, id, { sleep: noWait, ...opts });
const personByEmail = async (email: string) => (await db.select().from(s.people).where(sql`lower(${s.people.email}) = lower(${email})`))[0];
const eventsOf = (personId: string) => db.select().from(s.provisioningEvents).where(eq(s.provisioningEvents.personId, personId)).orderBy(s.provisioningEvents.createdAt);

const scenario = (name: string, extra: Record<string, unknown> = {}) => azureScenario(db, fake, { id: acme, actor, role }, name, extra);

describe('Azure AD sync against the fake Microsoft Graph', () => {
  it('seed 003: creates employees and contacts from mapped groups (nested groups count), maps the fields, skips users no rule covers', async () => {
    const { t, groups, connectionId } = await scenario('create');
    const ann = t.user('Ann', 'Direct', { jobTitle: 'Dispatcher', businessPhones: ['+1 555 0100'] });
    const ben = t.user('Ben', 'Nested');
    const cat = t.user('Cat', 'Client', { businessPhones: ['+1 555 0199'] });
    const dan = t.user('Dan', 'Nogroup');
    const eve = t.user('Eve', 'Upn', { mail: null });
    await fake.upsertUsers(t.tenantId, [ann, ben, cat, dan, eve]);
    await fake.addMember(t.tenantId, groups.employees, ann.id);
    await fake.addMember(t.tenantId, groups.support, ben.id);
    await fake.addMember(t.tenantId, groups.contacts, cat.id);
    await fake.addMember(t.tenantId, groups.employees, eve.id);

    const out = await sync(connectionId);
    expect(out.status).toBe('succeeded');

    const a = (await personByEmail(ann.mail!))!;
    expect(a).toMatchObject({ type: 'employee', status: 'active', source: 'azure_ad', firstName: 'Ann', lastName: 'Direct', username: 'ann.direct', phone: '+1 555 0100', phoneType: 'office', securityRoleId: role['Technician'] });
    const [title] = await db.select().from(s.jobTitles).where(eq(s.jobTitles.id, a.jobTitleId!));
    expect(title!.name).toBe('Dispatcher');
    expect(await personByEmail(ben.mail!)).toMatchObject({ type: 'employee', firstName: 'Ben' });
    const settings = (await db.select().from(s.provisioningSettings).where(eq(s.provisioningSettings.organizationId, acme)))[0];
    expect(await personByEmail(cat.mail!)).toMatchObject({ type: 'contact', phone: '+1 555 0199', phoneType: settings?.defaultPhoneType ?? 'office' });
    expect(await personByEmail(dan.mail!)).toBeUndefined();
    // Azure AD Email (mail) is empty for Eve: skipped with a reason, not created under another address.
    expect(await personByEmail(eve.userPrincipalName)).toBeUndefined();

    const [run] = await db.select().from(s.azureSyncRuns).where(eq(s.azureSyncRuns.id, (out as { runId: string }).runId));
    expect(run).toMatchObject({ status: 'succeeded', read: 5, created: 3, skipped: 2, deactivated: 0, errors: 0 });
    const skips = await db.select().from(s.provisioningEvents).where(and(eq(s.provisioningEvents.type, 'sync_skipped'), sql`${s.provisioningEvents.detail}->>'runId' = ${run!.id}`));
    expect(skips.map((e) => e.reasonCode).sort()).toEqual(['missing_email', 'no_matching_rule']);
    // The run's events, as the Provisioning Log lists them (Sync runs › Events).
    const log = await listEvents(db, acme, logFiltersSchema.parse({ run: run!.id }));
    expect(log.rows.map((e) => e.type).sort()).toEqual(['person_created', 'person_created', 'person_created', 'sync_skipped', 'sync_skipped']);
    const [link] = await db.select().from(s.personIdentities).where(eq(s.personIdentities.personId, a.id));
    expect(link).toMatchObject({ source: 'azure', scope: t.tenantId, externalId: ann.id });
    expect((await connection(db, connectionId)).status).toBe('connected');
  });

  it('email source: Microsoft Account Email (userPrincipalName) and External AD Email (first otherMails)', async () => {
    const upn = await scenario('upnsrc', { emailSource: 'user_principal_name' });
    const u1 = upn.t.user('Fay', 'Principal', { mail: null });
    await fake.upsertUser(upn.t.tenantId, u1);
    await fake.addMember(upn.t.tenantId, upn.groups.employees, u1.id);
    await sync(upn.connectionId);
    expect(await personByEmail(u1.userPrincipalName)).toMatchObject({ firstName: 'Fay' });

    const ext = await scenario('extsrc', { emailSource: 'other_mails' });
    const u2 = ext.t.user('Gus', 'External', { otherMails: ['gus@partner.example', 'gus2@partner.example'] });
    await fake.upsertUser(ext.t.tenantId, u2);
    await fake.addMember(ext.t.tenantId, ext.groups.employees, u2.id);
    await sync(ext.connectionId);
    expect(await personByEmail('gus@partner.example')).toMatchObject({ firstName: 'Gus' });
  });

  it('merges with an existing person by email (any case): id kept, Azure id linked, no duplicate', async () => {
    const { t, groups, connectionId } = await scenario('merge');
    const [local] = await db.insert(s.people).values({ organizationId: acme, type: 'employee', email: 'HAL.Local@merge.example', firstName: 'Hal', lastName: 'Old' }).returning();
    const hal = t.user('Hal', 'Local');
    await fake.upsertUser(t.tenantId, hal);
    await fake.addMember(t.tenantId, groups.employees, hal.id);
    await sync(connectionId);
    const rows = await db.select().from(s.people).where(sql`lower(${s.people.email}) = 'hal.local@merge.example'`);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ id: local!.id, lastName: 'Local', email: 'HAL.Local@merge.example' });
    expect((await eventsOf(local!.id)).map((e) => e.type)).toContain('person_merged');
    const [link] = await db.select().from(s.personIdentities).where(eq(s.personIdentities.personId, local!.id));
    expect(link!.externalId).toBe(hal.id);
  });

  it('local edits stay until the user changes in Azure AD; then mapped fields are overwritten, locked ones kept', async () => {
    const { t, groups, connectionId } = await scenario('edits');
    const ivy = t.user('Ivy', 'Azure', { jobTitle: 'Engineer' });
    await fake.upsertUser(t.tenantId, ivy);
    await fake.addMember(t.tenantId, groups.employees, ivy.id);
    await sync(connectionId);
    const p = (await personByEmail(ivy.mail!))!;
    await db.update(s.people).set({ firstName: 'Ivy (local)', lastName: 'Local edit', lockedFields: ['lastName'] }).where(eq(s.people.id, p.id));

    await sync(connectionId); // nothing changed in Azure AD
    expect(await personByEmail(ivy.mail!)).toMatchObject({ firstName: 'Ivy (local)', lastName: 'Local edit' });

    await fake.upsertUser(t.tenantId, { ...ivy, surname: 'Azure2', jobTitle: 'Lead Engineer' });
    await sync(connectionId);
    const after = (await personByEmail(ivy.mail!))!;
    expect(after).toMatchObject({ firstName: 'Ivy', lastName: 'Local edit' });
    const [title] = await db.select().from(s.jobTitles).where(eq(s.jobTitles.id, after.jobTitleId!));
    expect(title!.name).toBe('Lead Engineer');
    const updated = (await eventsOf(p.id)).filter((e) => e.type === 'person_updated').at(-1)!;
    expect(updated.diff).toMatchObject({ firstName: { before: 'Ivy (local)', after: 'Ivy' } });
    expect(updated.diff).not.toHaveProperty('lastName');

    // A change of groups alone is not a change of the user object: the role follows the
    // new rule, a local edit to the name stays.
    const leads = guid();
    await fake.addGroup(t.tenantId, { id: leads, displayName: 'Leads' });
    const leadRole = Object.entries(role).find(([name]) => name !== 'Technician')![1];
    await azureRule(db, acme, actor, { tenant: t.domain, group: leads, userType: 'employee', roleId: leadRole, position: 5 });
    await db.update(s.people).set({ firstName: 'Ivy (local again)' }).where(eq(s.people.id, p.id));
    await fake.addMember(t.tenantId, leads, ivy.id);
    await sync(connectionId);
    expect(await personByEmail(ivy.mail!)).toMatchObject({ firstName: 'Ivy (local again)', securityRoleId: leadRole });
  });

  it('@removed → deactivated, never deleted; disabled account → deactivated; restored → active again', async () => {
    const { t, groups, connectionId } = await scenario('remove');
    const [jay, kim, lee] = [t.user('Jay', 'Soft'), t.user('Kim', 'Hard'), t.user('Lee', 'Off')];
    await fake.upsertUsers(t.tenantId, [jay, kim, lee]);
    for (const u of [jay, kim, lee]) await fake.addMember(t.tenantId, groups.employees, u.id);
    await sync(connectionId);
    await fake.deleteUser(t.tenantId, jay.id);
    await fake.deleteUser(t.tenantId, kim.id, { permanent: true });
    await fake.upsertUser(t.tenantId, { ...lee, accountEnabled: false });
    await sync(connectionId);
    for (const u of [jay, kim, lee]) expect(await personByEmail(u.mail!)).toMatchObject({ status: 'inactive' });
    const reasons = await db
      .select({ reason: s.provisioningEvents.reasonCode })
      .from(s.provisioningEvents)
      .where(and(eq(s.provisioningEvents.type, 'person_deactivated'), sql`${s.provisioningEvents.detail}->>'objectId' in (${jay.id}, ${kim.id}, ${lee.id})`));
    expect(reasons.map((r) => r.reason).sort()).toEqual(['azure_disabled', 'azure_removed', 'azure_removed']);

    await fake.upsertUser(t.tenantId, jay); // restored from deleted items
    await fake.addMember(t.tenantId, groups.employees, jay.id);
    await sync(connectionId);
    expect(await personByEmail(jay.mail!)).toMatchObject({ status: 'active' });
  });

  it('no matching rule → no access: a user leaving every mapped group is deactivated; the root user is exempt', async () => {
    const { t, groups, connectionId } = await scenario('norule');
    const mia = t.user('Mia', 'Leaver');
    const [root] = await db.select().from(s.people).where(eq(s.people.id, actor));
    const rootUser = { ...t.user('Root', 'User'), mail: root!.email };
    await fake.upsertUsers(t.tenantId, [mia, rootUser]);
    await fake.addMember(t.tenantId, groups.employees, mia.id);
    await sync(connectionId);
    expect(await personByEmail(mia.mail!)).toMatchObject({ status: 'active' });
    expect(await personByEmail(root!.email)).toMatchObject({ id: actor, status: 'active', securityRoleId: root!.securityRoleId });

    await fake.removeMember(t.tenantId, groups.employees, mia.id); // membership only: the user object is unchanged
    await fake.deleteUser(t.tenantId, rootUser.id);
    await sync(connectionId);
    expect(await personByEmail(mia.mail!)).toMatchObject({ status: 'inactive' });
    expect(await personByEmail(root!.email)).toMatchObject({ status: 'active' });
  });

  it('an employee the rules now make a contact is archived (…_Archived) keeping its links; a contact is created', async () => {
    const { t, groups, connectionId } = await scenario('archive');
    const ned = t.user('Ned', 'Mover');
    await fake.upsertUser(t.tenantId, ned);
    await fake.addMember(t.tenantId, groups.employees, ned.id);
    await sync(connectionId);
    const employee = (await personByEmail(ned.mail!))!;
    await db.insert(s.personIdentities).values({ organizationId: acme, personId: employee.id, source: 'sso', scope: 'okta', externalId: 'ned-sso' });

    await fake.removeMember(t.tenantId, groups.employees, ned.id);
    await fake.addMember(t.tenantId, groups.contacts, ned.id);
    await sync(connectionId);
    const [archived] = await db.select().from(s.people).where(eq(s.people.id, employee.id));
    expect(archived).toMatchObject({ status: 'archived', type: 'employee', email: `${ned.mail}_Archived`, username: 'ned.mover_Archived' });
    const contact = (await personByEmail(ned.mail!))!;
    expect(contact).toMatchObject({ type: 'contact', status: 'active', firstName: 'Ned' });
    expect(contact.id).not.toBe(employee.id);
    const links = await db.select().from(s.personIdentities).where(sql`${s.personIdentities.personId} in (${employee.id}, ${contact.id})`);
    expect(links.map((l) => [l.personId === employee.id ? 'archived' : 'contact', l.source]).sort()).toEqual([
      ['archived', 'sso'],
      ['contact', 'azure'],
    ]);
  });

  it('410 Gone → drops the delta link, runs a full resync and reconciles users that are gone', async () => {
    const { t, groups, connectionId } = await scenario('resync');
    const [oli, pam] = [t.user('Oli', 'Stays'), t.user('Pam', 'Goes')];
    await fake.upsertUsers(t.tenantId, [oli, pam]);
    for (const u of [oli, pam]) await fake.addMember(t.tenantId, groups.employees, u.id);
    await sync(connectionId);
    await fake.deleteUser(t.tenantId, pam.id, { permanent: true });
    await fake.expireDeltaTokens(t.tenantId); // the deletion can only be learnt from a full round now
    await fake.upsertUser(t.tenantId, { ...oli, surname: 'Stays2' });
    const out = await sync(connectionId);
    expect(out.status).toBe('succeeded');
    const [run] = await db.select().from(s.azureSyncRuns).where(eq(s.azureSyncRuns.id, (out as { runId: string }).runId));
    expect(run!.full).toBe(true);
    expect(await personByEmail(oli.mail!)).toMatchObject({ lastName: 'Stays2', status: 'active' });
    expect(await personByEmail(pam.mail!)).toMatchObject({ status: 'inactive' });

    await fake.fault(t.tenantId, { route: 'delta', status: 410 });
    expect((await sync(connectionId)).status).toBe('succeeded');
    const requests = await fake.requests();
    expect(requests.some((r) => r.path.endsWith('/users/delta') && r.status === 410)).toBe(true);
  });

  it('429 with Retry-After (fractional seconds) and 503 are waited out; the run succeeds', async () => {
    const { t, groups, connectionId } = await scenario('throttle');
    const quinn = t.user('Quinn', 'Throttled');
    await fake.upsertUser(t.tenantId, quinn);
    await fake.addMember(t.tenantId, groups.employees, quinn.id);
    await fake.fault(t.tenantId, { route: 'delta', status: 429, retryAfter: '0.25' });
    await fake.fault(t.tenantId, { route: 'members', status: 503, times: 2 });
    const waits: number[] = [];
    const out = await sync(connectionId, { sleep: async (ms) => void waits.push(ms) });
    expect(out.status).toBe('succeeded');
    expect(waits).toContain(250);
    // No Retry-After on the 503s: exponential backoff (0.5 s, then 1 s for a request failing twice).
    const backoffs = waits.filter((w) => w !== 250);
    expect(backoffs).toHaveLength(2);
    expect(backoffs.every((w) => w === 500 || w === 1000)).toBe(true);
    expect(await personByEmail(quinn.mail!)).toBeDefined();
  });

  it('Connect shows what is wrong in words: wrong or expired key, unknown app or tenant, consent missing', async () => {
    const t = await tenant(fake, 'errors');
    const save = (values: Record<string, unknown>) =>
      saveConnection(db, acme, actor, { tenant: t.domain, applicationId: APP_ID, applicationKey: SECRET, emailSource: 'mail', intervalSeconds: 60, guardPercent: 20, guardMinimum: 10, maxFailures: 5, ...values });
    const saved = await save({ applicationKey: 'not-the-secret-value' });
    if (!saved.ok) throw new Error('save failed');
    expect(await consentRoundTrip(db, acme, saved.id)).toMatchObject({ ok: false, error: expect.stringContaining('AADSTS7000215') });
    expect((await connection(db, saved.id)).statusDetail).toMatch(/Application Key is wrong/);

    await save({ id: saved.id, applicationKey: SECRET });
    await fake.setSecretExpired(t.tenantId, APP_ID, true);
    expect(await verifyConnection(db, acme, saved.id)).toMatchObject({ ok: false, error: expect.stringContaining('AADSTS7000222') });
    await fake.setSecretExpired(t.tenantId, APP_ID, false);

    await fake.setConsent(t.tenantId, APP_ID, false);
    expect(await verifyConnection(db, acme, saved.id)).toMatchObject({ ok: false, error: expect.stringContaining('403 Authorization_RequestDenied') });

    await fake.denyNextConsent(t.tenantId);
    expect(await consentRoundTrip(db, acme, saved.id)).toMatchObject({ ok: false, error: expect.stringContaining('AADSTS65004') });
    expect(await consentRoundTrip(db, acme, saved.id)).toMatchObject({ ok: true });
    expect((await connection(db, saved.id)).status).toBe('connected');

    await save({ id: saved.id, applicationId: '99999999-2222-4333-8444-555555555555' });
    expect(await verifyConnection(db, acme, saved.id)).toMatchObject({ ok: false, error: expect.stringContaining('AADSTS700016') });
    const other = await save({ tenant: 'nosuchtenant.onmicrosoft.com' });
    if (!other.ok) throw new Error('save failed');
    expect(await verifyConnection(db, acme, other.id)).toMatchObject({ ok: false, error: expect.stringContaining('AADSTS90002') });

    // The key never leaves the server: stored sealed, listed masked.
    const stored = await connection(db, saved.id);
    expect(stored.secretCiphertext).not.toContain(SECRET);
    expect(JSON.stringify(await listConnections(db, acme))).not.toContain(SECRET);
    expect((await listConnections(db, acme)).find((c) => c.id === saved.id)!.keyMasked).toMatch(/^•+6789$/);
    // Another organization's connection id is not found.
    const [globex] = await db.select().from(s.organizations).where(eq(s.organizations.slug, 'globex'));
    expect(await verifyConnection(db, globex!.id, saved.id)).toMatchObject({ ok: false, notFound: true });
  });

  it('a connection is edited (blank key keeps it; a new tenant means consenting again) and deleted (its people stay); audited, org-scoped', async () => {
    const { t, groups, connectionId } = await scenario('lifecycle');
    const zed = t.user('Zed', 'Stays');
    await fake.upsertUser(t.tenantId, zed);
    await fake.addMember(t.tenantId, groups.employees, zed.id);
    await sync(connectionId);
    const before = await connection(db, connectionId);
    const values = { tenant: t.domain, applicationId: APP_ID, applicationKey: '', emailSource: 'mail', intervalSeconds: 120, guardPercent: 20, guardMinimum: 10, maxFailures: 5 };

    expect(await saveConnection(db, acme, actor, { ...values, id: connectionId })).toMatchObject({ ok: true });
    const edited = await connection(db, connectionId);
    expect(edited).toMatchObject({ intervalSeconds: 120, secretCiphertext: before.secretCiphertext, status: 'connected', resumeLink: before.resumeLink });
    expect(await verifyConnection(db, acme, connectionId)).toMatchObject({ ok: true }); // the kept key still works

    const other = await tenant(fake, 'lifecycle2');
    expect(await saveConnection(db, acme, actor, { ...values, tenant: other.domain })).toMatchObject({ ok: false, fieldErrors: { applicationKey: expect.any(String) } });
    expect(await saveConnection(db, acme, actor, { ...values, applicationKey: SECRET })).toMatchObject({ ok: false, fieldErrors: { tenant: 'This tenant already has a connection.' } });
    expect(await saveConnection(db, acme, actor, { ...values, id: connectionId, tenant: other.domain })).toMatchObject({ ok: true });
    expect(await connection(db, connectionId)).toMatchObject({ tenant: other.domain, status: 'new', consentedAt: null, tenantId: null, resumeLink: null });
    expect(await sync(connectionId)).toEqual({ status: 'skipped', reason: 'not_consented' });

    const [globex] = await db.select().from(s.organizations).where(eq(s.organizations.slug, 'globex'));
    expect(await deleteConnection(db, globex!.id, actor, connectionId)).toMatchObject({ ok: false, notFound: true });
    expect(await deleteConnection(db, acme, actor, connectionId)).toMatchObject({ ok: true });
    expect(await personByEmail(zed.mail!)).toMatchObject({ status: 'active' });
    const audit = await db
      .select({ what: sql<string>`${s.provisioningEvents.detail}->>'what'` })
      .from(s.provisioningEvents)
      .where(sql`${s.provisioningEvents.detail}->>'connectionId' = ${connectionId}`);
    expect(audit.map((a) => a.what)).toEqual(expect.arrayContaining(['azure_connection.added', 'azure_connection.updated', 'azure_connection.deleted']));
  });

  it("a synced contact's phone gets the organization's default phone type, which admins change (audited)", async () => {
    const { t, groups, connectionId } = await scenario('phonetype');
    await saveDefaultPhoneType(db, acme, actor, 'mobile');
    await saveDefaultPhoneType(db, acme, actor, 'mobile'); // unchanged: no second event
    const yan = t.user('Yan', 'Contact', { businessPhones: ['+1 555 0142'] });
    await fake.upsertUser(t.tenantId, yan);
    await fake.addMember(t.tenantId, groups.contacts, yan.id);
    await sync(connectionId);
    expect(await personByEmail(yan.mail!)).toMatchObject({ type: 'contact', phone: '+1 555 0142', phoneType: 'mobile' });
    const events = await db.select().from(s.provisioningEvents).where(sql`${s.provisioningEvents.detail}->>'what' = 'azure.default_phone_type'`);
    expect(events.map((e) => e.diff)).toEqual([{ defaultPhoneType: { before: 'office', after: 'mobile' } }]);
    await saveDefaultPhoneType(db, acme, actor, 'office');
  });

  it('the next sync is due one interval after this run started, less the time the run took', async () => {
    const { t, groups, connectionId } = await scenario('cadence');
    const ida = t.user('Ida', 'Cadence');
    await fake.upsertUser(t.tenantId, ida);
    await fake.addMember(t.tenantId, groups.employees, ida.id);
    const start = Date.now();
    let clock = start;
    // Each committed batch "takes" 5 s on the injected clock.
    await sync(connectionId, { now: () => new Date(clock), afterPage: () => void (clock += 5000) });
    const conn = await connection(db, connectionId);
    expect(conn.nextSyncAt!.getTime()).toBe(start + 60_000 - 5000);
  });

  it('after 5 consecutive failures the connection waits 120 seconds, then reconnects by itself', async () => {
    const { t, groups, connectionId } = await scenario('reconnect');
    const rae = t.user('Rae', 'Patient');
    await fake.upsertUser(t.tenantId, rae);
    await fake.addMember(t.tenantId, groups.employees, rae.id);
    let clock = Date.now();
    const now = () => new Date(clock);
    // Each run tries the token 6 times (503 is retried) before it fails: 5 runs use up 30 faults.
    await fake.fault(t.tenantId, { route: 'token', status: 503, times: 30 });
    for (let i = 1; i <= 5; i++) {
      expect((await sync(connectionId, { now })).status).toBe('failed');
      clock += 60_000;
    }
    const waiting = await connection(db, connectionId);
    expect(waiting.status).toBe('reconnecting');
    expect(waiting.reconnectAt!.getTime() - (clock - 60_000)).toBe(RECONNECT_DELAY_MS);
    clock = waiting.reconnectAt!.getTime() - 1000;
    expect(await sync(connectionId, { now })).toEqual({ status: 'skipped', reason: 'waiting' });
    clock += 2000;
    expect((await sync(connectionId, { now })).status).toBe('succeeded');
    expect(await connection(db, connectionId)).toMatchObject({ status: 'connected', consecutiveFailures: 0, reconnectAt: null });
    expect(await personByEmail(rae.mail!)).toBeDefined();
  });

  it('a run killed mid-way resumes where it stopped: 0 duplicates, 0 lost changes', async () => {
    const { t, groups, connectionId } = await scenario('kill');
    const users = Array.from({ length: 32 }, (_, i) => t.user('Kit', `Number${i}`));
    await fake.upsertUsers(t.tenantId, users);
    for (const u of users) await fake.addMember(t.tenantId, groups.employees, u.id);

    const killed = await runChild(connectionId, 3); // SIGKILL after the 3rd page (5 users each) is committed
    expect(killed.signal).toBe('SIGKILL');
    const partial = await db.select().from(s.people).where(sql`${s.people.email} like ${`kit.%@${t.mailDomain}`}`);
    expect(partial.length).toBe(15);
    // Changes made while the run was dead: one already-synced user and one not yet synced.
    await fake.upsertUser(t.tenantId, { ...users[0]!, surname: 'Renamed0' });
    await fake.upsertUser(t.tenantId, { ...users[31]!, surname: 'Renamed31' });

    const out = await sync(connectionId);
    expect(out.status).toBe('succeeded');
    const [runs] = await db.select({ n: sql<number>`count(*)::int` }).from(s.azureSyncRuns).where(and(eq(s.azureSyncRuns.connectionId, connectionId), eq(s.azureSyncRuns.status, 'failed')));
    expect(runs!.n).toBe(1); // the killed run is marked interrupted
    await sync(connectionId); // the next delta round brings the change to user 0
    const all = await db.select().from(s.people).where(sql`${s.people.email} like ${`kit.%@${t.mailDomain}`}`);
    expect(all).toHaveLength(32);
    expect(new Set(all.map((p) => p.email)).size).toBe(32);
    const links = await db.select().from(s.personIdentities).where(and(eq(s.personIdentities.source, 'azure'), eq(s.personIdentities.scope, t.tenantId)));
    expect(links).toHaveLength(32);
    const created = await db.select({ n: sql<number>`count(*)::int` }).from(s.provisioningEvents).where(and(eq(s.provisioningEvents.type, 'person_created'), sql`${s.provisioningEvents.personId} in ${all.map((p) => p.id)}`));
    expect(created[0]!.n).toBe(32);
    expect(all.find((p) => p.email === users[0]!.mail)!.lastName).toBe('Renamed0');
    expect(all.find((p) => p.email === users[31]!.mail)!.lastName).toBe('Renamed31');
  });

  it('batches applied two at a time: two users with one email in neighbouring batches make one person, the later one is skipped', async () => {
    const { t, groups, connectionId } = await scenario('twoatonce');
    const users = Array.from({ length: 12 }, (_, i) => t.user('Twin', `Number${i}`));
    users[7] = { ...users[7]!, mail: users[2]!.mail }; // batch 2 takes the email batch 1 creates
    await fake.upsertUsers(t.tenantId, users);
    for (const u of users) await fake.addMember(t.tenantId, groups.employees, u.id);

    const out = await sync(connectionId, { batchUsers: 5 });
    expect(out.status).toBe('succeeded');
    const people = await db.select().from(s.people).where(sql`${s.people.email} like ${`twin.%@${t.mailDomain}`}`);
    expect(people).toHaveLength(11);
    const shared = people.find((p) => p.email === users[2]!.mail)!;
    expect(shared.lastName).toBe('Number2');
    const links = await db.select().from(s.personIdentities).where(and(eq(s.personIdentities.source, 'azure'), eq(s.personIdentities.scope, t.tenantId)));
    expect(links).toHaveLength(11);
    expect(links.find((l) => l.externalId === users[7]!.id)).toBeUndefined();
    const [run] = await db.select().from(s.azureSyncRuns).where(eq(s.azureSyncRuns.id, (out as { runId: string }).runId));
    expect(run).toMatchObject({ read: 12, created: 11, skipped: 1, errors: 0 });
    const skips = await db.select().from(s.provisioningEvents).where(and(eq(s.provisioningEvents.type, 'sync_skipped'), sql`${s.provisioningEvents.detail}->>'runId' = ${run!.id}`));
    expect(skips.map((e) => [e.reasonCode, (e.detail as { objectId: string }).objectId])).toEqual([['email_conflict', users[7]!.id]]);
  });

  it('two batches in flight that wait for each other: PostgreSQL breaks the cycle and both are applied again, one after the other', async () => {
    const { t, groups, connectionId } = await scenario('cycle');
    const qa = t.user('Quinn', 'Held');
    await fake.upsertUser(t.tenantId, qa);
    await fake.addMember(t.tenantId, groups.employees, qa.id);
    await sync(connectionId);
    const q = (await personByEmail(qa.mail!))!;
    // Lee: a local person nobody is linked to yet, whose id sorts after Quinn's (people are locked in id order).
    const leeId = `ffffffff-ffff-4fff-8fff-${q.id.slice(-12)}`;
    await db.insert(s.people).values({ id: leeId, organizationId: acme, type: 'employee', email: `lee.local@${t.mailDomain}`, firstName: 'Lee', lastName: 'Local' });

    // Batch 1: Quinn renamed (locks Quinn), and a new user with Lee's email (merged: locks Lee), and three new users.
    // Batch 2: another new user with Lee's email (merged too, as batch 1 has not committed: locks Lee, then waits for batch 1).
    const newLee = t.user('Lee', 'Merged', { mail: `lee.local@${t.mailDomain}` });
    const otherLee = t.user('Lee', 'Other', { mail: `lee.local@${t.mailDomain}` });
    const fillers = Array.from({ length: 3 }, (_, i) => t.user('Fill', `Number${i}`));
    await fake.upsertUser(t.tenantId, { ...qa, surname: 'Renamed' });
    await fake.upsertUsers(t.tenantId, [newLee, ...fillers, otherLee]);
    for (const u of [newLee, ...fillers, otherLee]) await fake.addMember(t.tenantId, groups.employees, u.id);

    const deadlocks = async () => (await db.execute<{ n: number }>(sql`select deadlocks::int as n from pg_stat_database where datname = current_database()`))[0]!.n;
    const before = await deadlocks();
    // An admin's edit holds Quinn's row: batch 1 waits for it before it can lock Lee, while batch 2
    // locks Lee and waits for batch 1. Once released, batch 1 needs Lee's row: a cycle.
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const editing = db.transaction(async (tx) => {
      await tx.execute(sql`select id from people where id = ${q.id} for update`);
      await held;
    });
    await new Promise((r) => setTimeout(r, 100));
    const running = sync(connectionId, { batchUsers: 5 });
    // Released once batch 2 waits for batch 1 inside PostgreSQL.
    const waiting = async () => (await db.execute(sql`select 1 from pg_locks where locktype = 'advisory' and not granted`)).length > 0;
    for (let i = 0; i < 200 && !(await waiting()); i++) await new Promise((r) => setTimeout(r, 100));
    expect(await waiting()).toBe(true);
    release();
    await editing;
    const out = await running;

    expect(out.status).toBe('succeeded');
    const [run] = await db.select().from(s.azureSyncRuns).where(eq(s.azureSyncRuns.id, (out as { runId: string }).runId));
    expect(run).toMatchObject({ read: 6, created: 3, updated: 2, skipped: 1, errors: 0 });
    expect(await personByEmail(qa.mail!)).toMatchObject({ id: q.id, lastName: 'Renamed' });
    expect(await personByEmail(`lee.local@${t.mailDomain}`)).toMatchObject({ id: leeId, lastName: 'Merged' });
    const [link] = await db.select().from(s.personIdentities).where(eq(s.personIdentities.personId, leeId));
    expect(link!.externalId).toBe(newLee.id);
    const skips = await db.select().from(s.provisioningEvents).where(and(eq(s.provisioningEvents.type, 'sync_skipped'), sql`${s.provisioningEvents.detail}->>'runId' = ${run!.id}`));
    expect(skips.map((e) => [e.reasonCode, (e.detail as { objectId: string }).objectId])).toEqual([['email_conflict', otherLee.id]]);
    // Each change was written once, though both batches were rolled back and applied again.
    const updates = await db.select().from(s.provisioningEvents).where(and(eq(s.provisioningEvents.personId, q.id), eq(s.provisioningEvents.type, 'person_updated')));
    expect(updates).toHaveLength(1);
    expect((await db.select().from(s.people).where(sql`${s.people.email} like ${`fill.%@${t.mailDomain}`}`)).length).toBe(3);
    // The cycle really happened: PostgreSQL counted it (its statistics arrive within seconds).
    for (let i = 0; i < 100 && (await deadlocks()) === before; i++) await new Promise((r) => setTimeout(r, 200));
    expect(await deadlocks()).toBeGreaterThan(before);
  });

  it('an admin edit committed while a batch decides is not overwritten: the batch locks the people it changes and decides again', async () => {
    const { t, groups, connectionId } = await scenario('lockedit');
    const rae = t.user('Rae', 'Azure');
    await fake.upsertUser(t.tenantId, rae);
    await fake.addMember(t.tenantId, groups.employees, rae.id);
    await sync(connectionId);
    const p = (await personByEmail(rae.mail!))!;
    await fake.upsertUser(t.tenantId, { ...rae, surname: 'Changed' });

    // The admin locks the last name (not committed yet); the batch reads Rae as before, plans the change, and waits for the row.
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const editing = db.transaction(async (tx) => {
      await tx.update(s.people).set({ lockedFields: ['lastName'], phone: '+1 555 4242' }).where(eq(s.people.id, p.id));
      await held;
    });
    await new Promise((r) => setTimeout(r, 100));
    const running = sync(connectionId);
    const waiting = async () => (await db.execute(sql`select 1 from pg_locks where locktype = 'transactionid' and not granted`)).length > 0;
    for (let i = 0; i < 200 && !(await waiting()); i++) await new Promise((r) => setTimeout(r, 50));
    expect(await waiting()).toBe(true);
    release();
    await editing;
    expect((await running).status).toBe('succeeded');
    expect(await personByEmail(rae.mail!)).toMatchObject({ lastName: 'Azure', lockedFields: ['lastName'] });
  });

  it('an SSO login that creates the same email while a batch writes: the batch is decided again and merges, the next batch waiting behind it', async () => {
    const { t, groups, connectionId } = await scenario('ssorace');
    const users = Array.from({ length: 10 }, (_, i) => t.user('Race', `Number${i}`));
    await fake.upsertUsers(t.tenantId, users);
    for (const u of users) await fake.addMember(t.tenantId, groups.employees, u.id);

    // The login's transaction has inserted the person but not committed yet.
    let commit!: () => void;
    const committing = new Promise<void>((resolve) => (commit = resolve));
    let loginPersonId = '';
    const login = db.transaction(async (tx) => {
      const [p] = await tx.insert(s.people).values({ organizationId: acme, type: 'employee', email: users[2]!.mail!, firstName: 'Race', lastName: 'From SSO' }).returning();
      loginPersonId = p!.id;
      await committing;
    });
    await new Promise((r) => setTimeout(r, 100));
    const running = sync(connectionId, { batchUsers: 5 });
    // Batch 1 waits on the login's insert; batch 2 has written and waits for batch 1.
    const waits = async () => {
      const rows = await db.execute<{ locktype: string }>(sql`select locktype from pg_locks where not granted`);
      return new Set(rows.map((r) => r.locktype));
    };
    for (let i = 0; i < 200; i++) {
      const w = await waits();
      if (w.has('transactionid') && w.has('advisory')) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(await waits()).toEqual(new Set(['transactionid', 'advisory']));
    commit();
    await login;
    const out = await running;

    expect(out.status).toBe('succeeded');
    const people = await db.select().from(s.people).where(sql`${s.people.email} like ${`race.%@${t.mailDomain}`}`);
    expect(people).toHaveLength(10);
    const merged = people.find((p) => p.email === users[2]!.mail)!;
    expect(merged).toMatchObject({ id: loginPersonId, lastName: 'Number2' });
    const [link] = await db.select().from(s.personIdentities).where(and(eq(s.personIdentities.personId, loginPersonId), eq(s.personIdentities.source, 'azure')));
    expect(link!.externalId).toBe(users[2]!.id);
    const [run] = await db.select().from(s.azureSyncRuns).where(eq(s.azureSyncRuns.id, (out as { runId: string }).runId));
    expect(run).toMatchObject({ read: 10, created: 9, errors: 0 });
  });

  it('mass-deactivation guard: a run deactivating more than 20% (and at least 10) pauses until an admin confirms', async () => {
    const { t, groups, connectionId } = await scenario('guard');
    const users = Array.from({ length: 30 }, (_, i) => t.user('Gia', `Member${i}`));
    await fake.upsertUsers(t.tenantId, users);
    for (const u of users) await fake.addMember(t.tenantId, groups.employees, u.id);
    await sync(connectionId);
    for (const u of users.slice(0, 12)) await fake.deleteUser(t.tenantId, u.id);
    const out = await sync(connectionId);
    expect(out.status).toBe('awaiting_confirmation');
    expect((await connection(db, connectionId)).status).toBe('paused');
    const active = async () => (await db.select().from(s.people).where(and(sql`${s.people.email} like ${`gia.%@${t.mailDomain}`}`, eq(s.people.status, 'active')))).length;
    expect(await active()).toBe(30);
    expect(await sync(connectionId)).toEqual({ status: 'skipped', reason: 'paused' });

    const [globex] = await db.select().from(s.organizations).where(eq(s.organizations.slug, 'globex'));
    const runId = (out as { runId: string }).runId;
    expect(await decidePausedRun(db, globex!.id, actor, runId, 'confirm')).toMatchObject({ ok: false, notFound: true });
    expect(await decidePausedRun(db, acme, actor, runId, 'confirm')).toMatchObject({ ok: true });
    expect(await active()).toBe(18);
    expect((await connection(db, connectionId)).status).toBe('connected');
    const [run] = await db.select().from(s.azureSyncRuns).where(eq(s.azureSyncRuns.id, runId));
    expect(run).toMatchObject({ status: 'succeeded', deactivated: 12 });

    // Below the guard (2 of 18 ≈ 11%) the run just applies them.
    for (const u of users.slice(12, 14)) await fake.deleteUser(t.tenantId, u.id);
    expect((await sync(connectionId)).status).toBe('succeeded');
    expect(await active()).toBe(16);
  });
});

/** Runs one sync in a child process that SIGKILLs itself after `killAfterPage` committed pages. */
function runChild(connectionId: string, killAfterPage: number): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  const env = getEnv();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'tests/fixtures/azure-sync-child.ts', connectionId, String(killAfterPage)], {
      env: { ...process.env, DATABASE_URL: env.DATABASE_URL, AZURE_LOGIN_URL: env.AZURE_LOGIN_URL, AZURE_GRAPH_URL: env.AZURE_GRAPH_URL },
      stdio: ['ignore', 'inherit', 'inherit'],
    });
    child.on('error', reject);
    child.on('exit', (code, signal) => resolve({ code, signal }));
  });
}

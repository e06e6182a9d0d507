import { and, eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listEvents, logFiltersSchema } from '@/lib/audit/log';
import { saveConnection } from '@/lib/azure/connections';
import { saveDefaultPhoneType } from '@/lib/azure/field-settings';
import { syncConnection } from '@/lib/azure/sync';
import * as s from '@/lib/db/schema';
import { seedDemo } from '@/lib/db/seed';
import { deleteRule } from '@/lib/settings/mapping-rules';
import { startFakeGraph, type FakeGraph } from '@/e2e/graph/fake-graph';
import { APP_ID, azureRule, connection, guid, pointAzureAt, scenario as azureScenario } from './azure-fixture';
import { testDb } from './db';

// Issue 9: a settings change re-evaluates the stored directory at once (no Graph read),
// local edits hold on every kind of run until Azure AD changes the user, contacts get
// their Job Title, skipped users are named, and a run that stops making progress ends.

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
const reevaluate = (id: string) => sync(id, { trigger: 'settings' });
const scenario = (name: string, extra: Record<string, unknown> = {}) => azureScenario(db, fake, { id: acme, actor, role }, name, extra);
const personByEmail = async (email: string) => (await db.select().from(s.people).where(sql`lower(${s.people.email}) = lower(${email})`))[0];
const runOf = async (out: Awaited<ReturnType<typeof syncConnection>>) => (await db.select().from(s.azureSyncRuns).where(eq(s.azureSyncRuns.id, (out as { runId: string }).runId)))[0]!;
const graphReads = async () => (await fake.requests()).filter((r) => r.path.includes('/v1.0/') || r.path.includes('/oauth2/'));
const connectionValues = (domain: string, emailSource: string) => ({ tenant: domain, applicationId: APP_ID, applicationKey: '', emailSource, intervalSeconds: 60, guardPercent: 20, guardMinimum: 10, maxFailures: 5 });

describe('re-evaluation after a settings change', () => {
  it('switching the email source to Microsoft Account Email creates a user skipped for a missing email, at once and without reading Graph', async () => {
    const { t, groups, connectionId } = await scenario('emailsrc');
    const eve = t.user('Eve', 'Upn', { mail: null });
    const fay = t.user('Fay', 'Mail');
    await fake.upsertUsers(t.tenantId, [eve, fay]);
    for (const u of [eve, fay]) await fake.addMember(t.tenantId, groups.employees, u.id);
    await sync(connectionId);
    expect(await personByEmail(eve.userPrincipalName)).toBeUndefined();
    const fayBefore = (await personByEmail(fay.mail!))!;

    expect(await saveConnection(db, acme, actor, { ...connectionValues(t.domain, 'user_principal_name'), id: connectionId })).toMatchObject({ ok: true });
    expect((await connection(db, connectionId)).reevaluateRequestedAt).not.toBeNull();
    await fake.clearRequests();
    const out = await reevaluate(connectionId);
    expect(out.status).toBe('succeeded');
    expect(await graphReads()).toEqual([]);

    expect(await personByEmail(eve.userPrincipalName)).toMatchObject({ firstName: 'Eve', source: 'azure_ad', status: 'active' });
    // Fay's email was never edited: it follows the new source too, on the same person.
    expect(await personByEmail(fay.userPrincipalName)).toMatchObject({ id: fayBefore.id });
    const run = await runOf(out);
    expect(run).toMatchObject({ trigger: 'settings', full: false, read: 0, created: 1, updated: 1, note: 'The email source changed to Microsoft Account Email.' });
    // Taken in: a second settings job finds nothing to do, and the schedule was left alone.
    const conn = await connection(db, connectionId);
    expect(conn.reevaluateRequestedAt).toBeNull();
    expect(await reevaluate(connectionId)).toEqual({ status: 'skipped', reason: 'nothing_to_reevaluate' });
  });

  it('a new Mapping Rule creates the users it now covers, and deleting it deactivates them, through the mass-deactivation guard', async () => {
    const { t, connectionId } = await scenario('rulechange');
    const sales = guid();
    await fake.addGroup(t.tenantId, { id: sales, displayName: 'Sales' });
    const users = Array.from({ length: 12 }, (_, i) => t.user(`Sal${i}`, 'Seller'));
    await fake.upsertUsers(t.tenantId, users);
    for (const u of users) await fake.addMember(t.tenantId, sales, u.id);
    await sync(connectionId);
    expect(await personByEmail(users[0]!.mail!)).toBeUndefined();

    const ruleId = await azureRule(db, acme, actor, { tenant: t.domain, group: sales, userType: 'employee', roleId: role['Technician']!, position: 40 });
    await fake.clearRequests();
    const created = await reevaluate(connectionId);
    expect(await runOf(created)).toMatchObject({ status: 'succeeded', trigger: 'settings', created: 12, note: 'A Mapping Rule was added.' });
    // users/delta is not read; only the members of the group no run had read before (the stored copy cannot know them).
    const graphPaths = (await graphReads()).map((r) => r.path).filter((p) => p.includes('/v1.0/'));
    expect(graphPaths.length).toBeGreaterThan(0);
    expect(graphPaths.every((p) => p.includes(`/groups/${sales}/transitiveMembers`))).toBe(true);
    for (const u of users) expect(await personByEmail(u.mail!)).toMatchObject({ status: 'active', securityRoleId: role['Technician'] });

    // All 12 of 12 would lose access: over the guard, the run waits for an admin and the connection pauses.
    expect(await deleteRule(db, acme, actor, ruleId, 'azure')).toMatchObject({ ok: true });
    await fake.clearRequests();
    const paused = await reevaluate(connectionId);
    expect(await graphReads()).toEqual([]);
    expect(paused.status).toBe('awaiting_confirmation');
    expect(await runOf(paused)).toMatchObject({ status: 'awaiting_confirmation', trigger: 'settings' });
    expect((await connection(db, connectionId)).status).toBe('paused');
    expect(await personByEmail(users[0]!.mail!)).toMatchObject({ status: 'active' });
  });

  it('a new contact phone type reaches synced contacts whose phone type nobody edited', async () => {
    const { t, groups, connectionId } = await scenario('phonereeval');
    const [amy, bob] = [t.user('Amy', 'Contact', { businessPhones: ['+1 555 0101'] }), t.user('Bob', 'Contact', { businessPhones: ['+1 555 0102'] })];
    await fake.upsertUsers(t.tenantId, [amy, bob]);
    for (const u of [amy, bob]) await fake.addMember(t.tenantId, groups.contacts, u.id);
    await sync(connectionId);
    const b = (await personByEmail(bob.mail!))!;
    await db.update(s.people).set({ phoneType: 'fax' }).where(eq(s.people.id, b.id)); // a local edit

    await saveDefaultPhoneType(db, acme, actor, 'home');
    try {
      expect((await reevaluate(connectionId)).status).toBe('succeeded');
      expect(await personByEmail(amy.mail!)).toMatchObject({ phoneType: 'home' });
      expect(await personByEmail(bob.mail!)).toMatchObject({ phoneType: 'fax' });
    } finally {
      await saveDefaultPhoneType(db, acme, actor, 'office');
    }
  });

  it('a Graph run that finds a settings change waiting re-evaluates every stored user too, and says so', async () => {
    const { t, connectionId } = await scenario('graphreeval');
    const ops = guid();
    await fake.addGroup(t.tenantId, { id: ops, displayName: 'Ops' });
    const gus = t.user('Gus', 'Ops');
    await fake.upsertUser(t.tenantId, gus);
    await fake.addMember(t.tenantId, ops, gus.id);
    await sync(connectionId);
    await azureRule(db, acme, actor, { tenant: t.domain, group: ops, userType: 'employee', roleId: role['Technician']!, position: 41 });
    const out = await sync(connectionId); // a scheduled run, not the settings job
    expect(await runOf(out)).toMatchObject({ trigger: 'schedule', created: 1, note: 'A Mapping Rule was added.' });
    expect((await connection(db, connectionId)).reevaluateRequestedAt).toBeNull();
  });
});

describe('local edits hold until Azure AD changes the user, on every kind of run', () => {
  it('a full resync (expired delta token) that returns the user unchanged keeps the local edit; a change in Azure AD then overwrites it', async () => {
    const { t, groups, connectionId } = await scenario('resyncedit');
    const hal = t.user('Hal', 'Azure', { jobTitle: 'Engineer', businessPhones: ['+1 555 0200'] });
    await fake.upsertUser(t.tenantId, hal);
    await fake.addMember(t.tenantId, groups.employees, hal.id);
    await sync(connectionId);
    const p = (await personByEmail(hal.mail!))!;
    await db.update(s.people).set({ firstName: 'Hal (local)', phone: '+1 555 9999' }).where(eq(s.people.id, p.id));

    await fake.expireDeltaTokens(t.tenantId);
    const full = await sync(connectionId);
    expect(await runOf(full)).toMatchObject({ status: 'succeeded', full: true });
    expect(await personByEmail(hal.mail!)).toMatchObject({ firstName: 'Hal (local)', phone: '+1 555 9999' });

    // A 410 round, and a settings run: still unchanged in Azure AD, still kept.
    await fake.fault(t.tenantId, { route: 'delta', status: 410 });
    expect((await sync(connectionId)).status).toBe('succeeded');
    await saveConnection(db, acme, actor, { ...connectionValues(t.domain, 'other_mails'), id: connectionId });
    await saveConnection(db, acme, actor, { ...connectionValues(t.domain, 'mail'), id: connectionId });
    expect((await reevaluate(connectionId)).status).toBe('succeeded');
    expect(await personByEmail(hal.mail!)).toMatchObject({ firstName: 'Hal (local)', phone: '+1 555 9999' });

    await fake.upsertUser(t.tenantId, { ...hal, surname: 'Changed' });
    await sync(connectionId);
    expect(await personByEmail(hal.mail!)).toMatchObject({ firstName: 'Hal', lastName: 'Changed', phone: '+1 555 0200' });
  });
});

describe('contacts and the log', () => {
  it('a contact gets the Job Title from Azure AD', async () => {
    const { t, groups, connectionId } = await scenario('contacttitle');
    const ida = t.user('Ida', 'Client', { jobTitle: 'Purchasing Lead' });
    await fake.upsertUser(t.tenantId, ida);
    await fake.addMember(t.tenantId, groups.contacts, ida.id);
    await sync(connectionId);
    const c = (await personByEmail(ida.mail!))!;
    expect(c.type).toBe('contact');
    const [title] = await db.select().from(s.jobTitles).where(eq(s.jobTitles.id, c.jobTitleId!));
    expect(title!.name).toBe('Purchasing Lead');
  });

  it('a skipped user is named in the Provisioning Log by display name, sign-in name and object id, in sync wording', async () => {
    const { t, groups, connectionId } = await scenario('skipname');
    const jon = t.user('Jon', 'Nomail', { mail: null, displayName: 'Jon Nomail (Sales)' });
    await fake.upsertUser(t.tenantId, jon);
    await fake.addMember(t.tenantId, groups.employees, jon.id);
    const out = await sync(connectionId);
    const log = await listEvents(db, acme, logFiltersSchema.parse({ run: (out as { runId: string }).runId }));
    const skipped = log.rows.find((e) => e.type === 'sync_skipped')!;
    expect(skipped).toMatchObject({ reasonCode: 'missing_email', personName: 'Jon Nomail (Sales)', personEmail: `${jon.userPrincipalName} · object id ${jon.id}` });
    // Found by the sign-in name in the log's person search.
    const found = await listEvents(db, acme, logFiltersSchema.parse({ person: jon.userPrincipalName }));
    expect(found.rows.map((e) => e.id)).toContain(skipped.id);
  });
});

describe('group memberships (issue 11 item 4)', () => {
  it('each synced person keeps their latest mapped Azure AD groups, replaced when membership changes', async () => {
    const { t, groups, connectionId } = await scenario('groupstore');
    const lia = t.user('Lia', 'Groups');
    await fake.upsertUser(t.tenantId, lia);
    await fake.addMember(t.tenantId, groups.support, lia.id); // nested in Employees
    await sync(connectionId);
    const p = (await personByEmail(lia.mail!))!;
    const stored = async () => (await db.select().from(s.personGroups).where(and(eq(s.personGroups.personId, p.id), eq(s.personGroups.source, 'azure')))).map((g) => g.groupName).sort();
    expect(await stored()).toEqual([groups.employees.toLowerCase()]);

    await fake.addMember(t.tenantId, groups.contacts, lia.id);
    await fake.removeMember(t.tenantId, groups.support, lia.id);
    await sync(connectionId);
    // Now a contact (archived employee → new contact): the groups follow the person the Azure user is linked to.
    const contact = (await personByEmail(lia.mail!))!;
    const now = (await db.select().from(s.personGroups).where(and(eq(s.personGroups.personId, contact.id), eq(s.personGroups.source, 'azure')))).map((g) => g.groupName);
    expect(now).toEqual([groups.contacts.toLowerCase()]);
  });
});

describe('the watchdog', () => {
  it('a run whose Graph request never answers is stopped after the stall limit, failed in words, and the next run works', async () => {
    const { t, groups, connectionId } = await scenario('stall');
    const kai = t.user('Kai', 'Stalled');
    await fake.upsertUser(t.tenantId, kai);
    await fake.addMember(t.tenantId, groups.employees, kai.id);
    await fake.fault(t.tenantId, { route: 'delta', hang: true });
    const before = Date.now();
    const out = await sync(connectionId, { stallMs: 1500 });
    expect(out).toMatchObject({ status: 'failed', error: expect.stringContaining('No progress for 2 seconds') });
    expect(await runOf(out)).toMatchObject({ status: 'failed', error: expect.stringContaining('the next sync starts on schedule') });
    const conn = await connection(db, connectionId);
    expect(conn).toMatchObject({ status: 'failed', consecutiveFailures: 1 });
    // Due again one interval on, as after any failed run: the schedule is not lost.
    expect(conn.nextSyncAt!.getTime()).toBeGreaterThanOrEqual(before + 60_000 - 1000);
    expect(conn.nextSyncAt!.getTime()).toBeLessThan(Date.now() + 60_000 + 1000);

    const next = await sync(connectionId, { stallMs: 10_000 });
    expect(next.status).toBe('succeeded');
    expect(await personByEmail(kai.mail!)).toMatchObject({ status: 'active' });
    const runs = await db.select().from(s.azureSyncRuns).where(and(eq(s.azureSyncRuns.connectionId, connectionId), eq(s.azureSyncRuns.status, 'running')));
    expect(runs).toEqual([]);
  });
});

import { and, eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { saveConnection } from '@/lib/azure/connections';
import { enqueueSync, startSyncWorker, stopSyncWorker } from '@/lib/azure/worker';
import * as s from '@/lib/db/schema';
import { seedDemo } from '@/lib/db/seed';
import { getEnv } from '@/lib/env';
import { startFakeGraph, type FakeGraph } from '@/e2e/graph/fake-graph';
import { APP_ID, azureRule, connect, guid, pointAzureAt, tenant } from './azure-fixture';
import { testDb } from './db';

// The job queue around the engine: pg-boss in the same PostgreSQL, one run at a time per
// connection, the scheduler queueing connections whose next sync is due.

const { db } = testDb();
let fake: FakeGraph;
let acme = '';
let actor = '';

beforeAll(async () => {
  fake = await startFakeGraph();
  pointAzureAt(fake);
  await seedDemo(db);
  const [org] = await db.select().from(s.organizations).where(eq(s.organizations.slug, 'acme'));
  acme = org!.id;
  actor = org!.rootPersonId!;
  // A short stall limit, so the watchdog test ends a hung run quickly; healthy runs answer well within it.
  await startSyncWorker(db, { databaseUrl: getEnv().DATABASE_URL!, tickMs: 200, sync: { stallMs: 4000 } });
});
afterAll(async () => {
  await stopSyncWorker();
  await fake?.stop();
});

async function until<T>(read: () => Promise<T>, ok: (v: T) => boolean, timeoutMs = 20_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await read();
    if (ok(v)) return v;
    if (Date.now() > end) throw new Error(`timed out; last value ${JSON.stringify(v)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const runsOf = (connectionId: string) => db.select().from(s.azureSyncRuns).where(eq(s.azureSyncRuns.connectionId, connectionId)).orderBy(s.azureSyncRuns.startedAt);

describe('sync worker on pg-boss', () => {
  it('a consented connection is synced by the scheduler at once, then again only when its interval has passed', async () => {
    const t = await tenant(fake, 'sched');
    const group = guid();
    await fake.addGroup(t.tenantId, { id: group, displayName: 'Staff' });
    const [role] = await db.select().from(s.securityRoles).where(eq(s.securityRoles.organizationId, acme));
    await azureRule(db, acme, actor, { tenant: t.domain, group, userType: 'employee', roleId: role!.id, position: 1 });
    const u = t.user('Sam', 'Scheduled');
    await fake.upsertUser(t.tenantId, u);
    await fake.addMember(t.tenantId, group, u.id);
    const { id } = await connect(db, acme, actor, { tenant: t.domain, intervalSeconds: 30 });

    await until(() => runsOf(id), (r) => r.some((x) => x.status === 'succeeded'));
    const [person] = await db.select().from(s.people).where(sql`lower(${s.people.email}) = ${u.mail!.toLowerCase()}`);
    expect(person).toBeDefined();
    const [conn] = await db.select().from(s.azureConnections).where(eq(s.azureConnections.id, id));
    const [first] = await runsOf(id);
    // The next sync is one interval after the run started, so a change waits at most one interval plus one run.
    expect(Math.abs(conn!.nextSyncAt!.getTime() - first!.startedAt.getTime() - 30_000)).toBeLessThan(1000);
    await new Promise((r) => setTimeout(r, 1500)); // several scheduler ticks: not due yet, so no new run
    expect(await runsOf(id)).toHaveLength(1);

    // Sync now, twice in a row: one run (a second job for the same connection waits or is dropped, never runs alongside).
    await fake.upsertUser(t.tenantId, { ...u, surname: 'Now' });
    expect(await enqueueSync(db, acme, id)).toBe(true);
    await enqueueSync(db, acme, id);
    await until(() => db.select().from(s.people).where(eq(s.people.id, person!.id)), ([p]) => p?.lastName === 'Now');
    const runs = await runsOf(id);
    for (let i = 1; i < runs.length; i++) expect(runs[i]!.startedAt.getTime()).toBeGreaterThanOrEqual(runs[i - 1]!.finishedAt!.getTime());
  });

  it("Sync for another organization's connection id does nothing", async () => {
    const [globex] = await db.select().from(s.organizations).where(eq(s.organizations.slug, 'globex'));
    const [conn] = await db.select().from(s.azureConnections).where(and(eq(s.azureConnections.organizationId, acme)));
    expect(await enqueueSync(db, globex!.id, conn!.id)).toBe(false);
  });

  it("a run whose Graph read hangs is stopped by the watchdog, and the connection's queue is free for the next run", async () => {
    const t = await tenant(fake, 'hung');
    const group = guid();
    await fake.addGroup(t.tenantId, { id: group, displayName: 'Staff' });
    const [role] = await db.select().from(s.securityRoles).where(eq(s.securityRoles.organizationId, acme));
    await azureRule(db, acme, actor, { tenant: t.domain, group, userType: 'employee', roleId: role!.id, position: 1 });
    const u = t.user('Hana', 'Hung');
    await fake.upsertUser(t.tenantId, u);
    await fake.addMember(t.tenantId, group, u.id);
    await fake.fault(t.tenantId, { route: 'delta', hang: true });
    const { id } = await connect(db, acme, actor, { tenant: t.domain, intervalSeconds: 3600 });

    const [failed] = await until(() => runsOf(id), (r) => r.some((x) => x.status === 'failed'), 30_000);
    expect(failed!.error).toMatch(/No progress for 4 seconds/);
    // The job ended with the run: Sync now runs at once instead of queueing behind a hung job.
    expect(await enqueueSync(db, acme, id)).toBe(true);
    await until(() => runsOf(id), (r) => r.some((x) => x.status === 'succeeded'), 30_000);
    const [person] = await db.select().from(s.people).where(sql`lower(${s.people.email}) = ${u.mail!.toLowerCase()}`);
    expect(person).toMatchObject({ status: 'active' });
  });

  it('changing the email source re-evaluates the stored directory at once, as its own run', async () => {
    const t = await tenant(fake, 'settingsjob');
    const group = guid();
    await fake.addGroup(t.tenantId, { id: group, displayName: 'Staff' });
    const [role] = await db.select().from(s.securityRoles).where(eq(s.securityRoles.organizationId, acme));
    await azureRule(db, acme, actor, { tenant: t.domain, group, userType: 'employee', roleId: role!.id, position: 1 });
    const u = t.user('Uma', 'Upn', { mail: null });
    await fake.upsertUser(t.tenantId, u);
    await fake.addMember(t.tenantId, group, u.id);
    const { id } = await connect(db, acme, actor, { tenant: t.domain, intervalSeconds: 3600 });
    await until(() => runsOf(id), (r) => r.some((x) => x.status === 'succeeded'));

    const values = { id, tenant: t.domain, applicationId: APP_ID, applicationKey: '', emailSource: 'user_principal_name', intervalSeconds: 3600, guardPercent: 20, guardMinimum: 10, maxFailures: 5 };
    expect(await saveConnection(db, acme, actor, values)).toMatchObject({ ok: true });
    const runs = await until(() => runsOf(id), (r) => r.some((x) => x.trigger === 'settings' && x.status === 'succeeded'));
    expect(runs.find((x) => x.trigger === 'settings')).toMatchObject({ created: 1, read: 0 });
    const [person] = await db.select().from(s.people).where(sql`lower(${s.people.email}) = ${u.userPrincipalName.toLowerCase()}`);
    expect(person).toMatchObject({ firstName: 'Uma' });
  });
});
